// PostgreSQL run-time parameters kept per session (SET/RESET/SHOW), with the ones that
// PostgreSQL reports to clients through ParameterStatus.
#pragma once
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace ducklings::sql {

class SessionSettings {
 public:
  SessionSettings();
  // The current value, or nullopt for a name PostgreSQL would not know here.
  std::optional<std::string> get(const std::string& name) const;
  // Sets a known parameter; returns its canonical name. Throws SqlError 42704 for an unknown
  // name and 22023 for a bad value.
  std::string set(const std::string& name, const std::string& value);
  std::string reset(const std::string& name);
  void reset_all();
  bool known(const std::string& name) const;
  // Whether a change of this parameter is reported with ParameterStatus.
  bool reportable(const std::string& canonical) const;
  // Every reportable parameter and its value, for the start of a session.
  std::vector<std::pair<std::string, std::string>> reported() const;
  // Every parameter, for SHOW ALL: name, value, description.
  std::vector<std::vector<std::string>> all() const;
  // Makes the current values the ones RESET returns to (after startup parameters).
  void commit_defaults();

 private:
  struct Parameter {
    const char* name;  // canonical spelling
    std::string value;
    std::string reset_value;
    bool reportable;
    const char* description;
  };
  const Parameter* find(const std::string& name) const;
  Parameter* find(const std::string& name);
  std::vector<Parameter> parameters_;  // in order of their lower-case names
};

// Parses a PostgreSQL duration setting ("5000", "5s", "100ms", "1min") into milliseconds;
// throws SqlError 22023 naming `name` on a bad value.
int64_t parse_duration_ms(const std::string& name, const std::string& value);

// Formats milliseconds as PostgreSQL shows such a setting: "0", "250ms", "5s", "2min".
std::string format_duration_ms(int64_t ms);

// Normalizes a client_encoding value; throws SqlError 22023 for encodings we do not convert.
std::string normalize_client_encoding(const std::string& value);

}  // namespace ducklings::sql
