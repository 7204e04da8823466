#include "sql/settings.h"

#include <algorithm>
#include <utility>

#include "common/errors.h"

namespace ducklings::sql {
namespace {
std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), ::tolower);
  return s;
}
std::string upper(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), ::toupper);
  return s;
}
}  // namespace

int64_t parse_duration_ms(const std::string& name, const std::string& value) {
  size_t used = 0;
  double v = 0;
  try {
    v = std::stod(value, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  std::string unit = value.substr(used);
  unit.erase(0, unit.find_first_not_of(' '));
  double factor = -1;
  if (unit.empty() || unit == "ms")
    factor = 1;
  else if (unit == "us")
    factor = 0.001;
  else if (unit == "s")
    factor = 1000;
  else if (unit == "min")
    factor = 60000;
  else if (unit == "h")
    factor = 3600000;
  else if (unit == "d")
    factor = 86400000;
  if (used == 0 || factor < 0 || v < 0) {
    throw SqlError(
        "22023", "invalid value for parameter \"" + name + "\": \"" + value + "\"", 0, "",
        "Valid units for this parameter are \"us\", \"ms\", \"s\", \"min\", \"h\", and \"d\".");
  }
  return static_cast<int64_t>(v * factor);
}

std::string format_duration_ms(int64_t ms) {
  // As PostgreSQL shows a GUC in milliseconds: the largest unit that divides it evenly.
  if (ms == 0) return "0";
  static const std::pair<int64_t, const char*> units[] = {
      {86400000, "d"}, {3600000, "h"}, {60000, "min"}, {1000, "s"}};
  for (const auto& [size, name] : units) {
    if (ms % size == 0) return std::to_string(ms / size) + name;
  }
  return std::to_string(ms) + "ms";
}

std::string normalize_client_encoding(const std::string& value) {
  std::string v = upper(value);
  v.erase(std::remove(v.begin(), v.end(), '-'), v.end());
  v.erase(std::remove(v.begin(), v.end(), '_'), v.end());
  if (v == "UTF8" || v == "UNICODE") return "UTF8";
  if (v == "SQLASCII") return "SQL_ASCII";
  throw SqlError("22023", "invalid value for parameter \"client_encoding\": \"" + value + "\"", 0,
                 "duckgres converts only UTF8 (and SQL_ASCII, passed through as UTF8).");
}

namespace {

struct Def {
  const char* name;  // canonical spelling
  const char* value;
  bool reportable;
  const char* description;
};

const Def kDefs[] = {
    {"server_version", "15.0", true, "Shows the server version."},
    {"server_version_num", "150000", false, "Shows the server version as an integer."},
    {"server_encoding", "UTF8", true, "Shows the server (database) character set encoding."},
    {"client_encoding", "UTF8", true, "Sets the client's character set encoding."},
    {"DateStyle", "ISO, MDY", true, "Sets the display format for date and time values."},
    {"IntervalStyle", "postgres", true, "Sets the display format for interval values."},
    {"TimeZone", "UTC", true, "Sets the time zone for displaying and interpreting time stamps."},
    {"integer_datetimes", "on", true, "Shows whether datetimes are integer based."},
    {"standard_conforming_strings", "on", true,
     "Causes '...' strings to treat backslashes literally."},
    {"application_name", "", true, "Sets the application name to be reported."},
    {"is_superuser", "off", true, "Shows whether the current user is a superuser."},
    {"session_authorization", "", true, "Sets the session user name."},
    {"in_hot_standby", "off", true, "Shows whether hot standby is currently active."},
    {"default_transaction_read_only", "off", true,
     "Sets the default read-only status of new transactions."},
    {"extra_float_digits", "1", false,
     "Sets the number of digits displayed for floating-point values."},
    {"search_path", "\"$user\", public", false,
     "Sets the schema search order for names that are not schema-qualified."},
    {"statement_timeout", "0", false, "Sets the maximum allowed duration of any statement."},
    {"lock_timeout", "0", false, "Sets the maximum allowed duration of any wait for a lock."},
    {"idle_in_transaction_session_timeout", "0", false,
     "Sets the maximum allowed idle time between queries, when in a transaction."},
    {"default_transaction_isolation", "read committed", false,
     "Sets the transaction isolation level of each new transaction."},
    {"transaction_isolation", "read committed", false,
     "Sets the current transaction's isolation level."},
    {"transaction_read_only", "off", false, "Sets the current transaction's read-only status."},
    {"client_min_messages", "notice", false,
     "Sets the message levels that are sent to the client."},
    {"bytea_output", "hex", false, "Sets the output format for bytea."},
    {"max_identifier_length", "63", false, "Shows the maximum identifier length."},
    {"max_connections", "100", false, "Sets the maximum number of concurrent connections."},
    {"lc_messages", "C", false, "Sets the language in which messages are displayed."},
    {"lc_monetary", "C", false, "Sets the locale for formatting monetary amounts."},
    {"lc_numeric", "C", false, "Sets the locale for formatting numbers."},
    {"lc_time", "C", false, "Sets the locale for formatting date and time values."},
    {"lc_collate", "C", false, "Shows the collation order locale."},
    {"lc_ctype", "C", false, "Shows the character classification and case conversion locale."},
    {"geqo", "on", false, "Enables genetic query optimization."},
    {"jit", "off", false, "Allow JIT compilation."},
    {"work_mem", "4MB", false, "Sets the maximum memory to be used for query workspaces."},
    {"row_security", "on", false, "Enable row security."},
    {"synchronous_commit", "on", false, "Sets the current transaction's synchronization level."},
    {"xmloption", "content", false,
     "Sets whether XML data in implicit parsing and serialization operations is to be considered "
     "as documents or content fragments."},
    {"escape_string_warning", "on", false,
     "Warn about backslash escapes in ordinary string literals."},
    {"array_nulls", "on", false, "Enable input of NULL elements in arrays."},
    {"ssl", "on", false, "Enables SSL connections."},
    {"password_encryption", "scram-sha-256", false,
     "Chooses the algorithm for encrypting passwords."},
};

// The parameters in order of their lower-case names (SHOW ALL's order), shared by all sessions.
const std::vector<std::pair<std::string, const Def*>>& sorted_defs() {
  static const auto* sorted = [] {
    auto* v = new std::vector<std::pair<std::string, const Def*>>();
    for (const Def& d : kDefs) v->emplace_back(lower(d.name), &d);
    std::sort(v->begin(), v->end(), [](const auto& x, const auto& y) { return x.first < y.first; });
    return v;
  }();
  return *sorted;
}

}  // namespace

SessionSettings::SessionSettings() {
  // Per session only the values: an idle session is mostly these.
  for (const auto& [key, def] : sorted_defs())
    parameters_.push_back({def->name, def->value, def->value, def->reportable, def->description});
}

const SessionSettings::Parameter* SessionSettings::find(const std::string& name) const {
  const auto& defs = sorted_defs();
  std::string key = lower(name);
  auto it = std::lower_bound(defs.begin(), defs.end(), key,
                             [](const auto& d, const std::string& k) { return d.first < k; });
  if (it == defs.end() || it->first != key) return nullptr;
  return &parameters_[static_cast<size_t>(it - defs.begin())];
}
SessionSettings::Parameter* SessionSettings::find(const std::string& name) {
  return const_cast<Parameter*>(std::as_const(*this).find(name));
}

bool SessionSettings::known(const std::string& name) const {
  return find(name) != nullptr;
}

std::optional<std::string> SessionSettings::get(const std::string& name) const {
  const Parameter* p = find(name);
  if (!p) return std::nullopt;
  return p->value;
}

std::string SessionSettings::set(const std::string& name, const std::string& raw) {
  Parameter* p = find(name);
  if (!p) throw SqlError("42704", "unrecognized configuration parameter \"" + name + "\"");
  static const char* read_only[] = {"server_version",
                                    "server_version_num",
                                    "server_encoding",
                                    "integer_datetimes",
                                    "max_identifier_length",
                                    "lc_collate",
                                    "lc_ctype",
                                    "in_hot_standby",
                                    "is_superuser",
                                    "max_connections",
                                    "ssl"};
  for (const char* ro : read_only) {
    if (lower(name) == ro) {
      throw SqlError("55P02", std::string("parameter \"") + p->name + "\" cannot be changed");
    }
  }
  std::string value = raw;
  std::string key = lower(p->name);
  if (key == "client_encoding") {
    value = normalize_client_encoding(raw);
  } else if (key == "datestyle") {
    // Only ISO output is produced; accept the common spellings that keep it.
    std::string v = upper(raw);
    if (v.find("ISO") == std::string::npos && v != "MDY" && v != "DMY" && v != "YMD") {
      throw SqlError("22023", "invalid value for parameter \"DateStyle\": \"" + raw + "\"", 0,
                     "duckgres supports only the ISO output style.");
    }
    std::string order = v.find("DMY") != std::string::npos   ? "DMY"
                        : v.find("YMD") != std::string::npos ? "YMD"
                                                             : "MDY";
    value = "ISO, " + order;
  } else if (key == "intervalstyle") {
    if (lower(raw) != "postgres") {
      throw SqlError("22023", "invalid value for parameter \"IntervalStyle\": \"" + raw + "\"", 0,
                     "duckgres supports only the postgres interval style.");
    }
    value = "postgres";
  } else if (key == "extra_float_digits") {
    try {
      int v = std::stoi(raw);
      if (v < -15 || v > 3) throw std::out_of_range("range");
    } catch (const std::exception&) {
      throw SqlError("22023",
                     "invalid value for parameter \"extra_float_digits\": \"" + raw + "\"");
    }
  } else if (key == "statement_timeout" || key == "lock_timeout" ||
             key == "idle_in_transaction_session_timeout") {
    value = format_duration_ms(parse_duration_ms(p->name, raw));
  } else if (key == "standard_conforming_strings") {
    std::string v = lower(raw);
    if (v != "on" && v != "true" && v != "1") {
      throw SqlError("22023", "duckgres requires standard_conforming_strings to be on");
    }
    value = "on";
  } else if (key == "default_transaction_read_only" || key == "transaction_read_only" ||
             key == "default_transaction_deferrable" || key == "transaction_deferrable") {
    // PostgreSQL's Boolean spellings, shown as on/off.
    std::string v = lower(raw);
    static const char* on[] = {"on", "true", "yes", "1", "t", "y", "tr", "tru", "ye"};
    static const char* off[] = {"off", "false", "no", "0", "f", "n", "fa", "fal", "fals", "of"};
    if (std::find(std::begin(on), std::end(on), v) != std::end(on)) {
      value = "on";
    } else if (std::find(std::begin(off), std::end(off), v) != std::end(off)) {
      value = "off";
    } else {
      throw SqlError("22023", std::string("parameter \"") + p->name + "\" requires a Boolean value");
    }
  } else if (key == "default_transaction_isolation" || key == "transaction_isolation") {
    std::string v = lower(raw);
    static const char* levels[] = {"serializable", "repeatable read", "read committed",
                                   "read uncommitted"};
    if (std::find(std::begin(levels), std::end(levels), v) == std::end(levels)) {
      throw SqlError(
          "22023", std::string("invalid value for parameter \"") + p->name + "\": \"" + raw + "\"");
    }
    value = v;
  }
  p->value = value;
  return p->name;
}

std::string SessionSettings::reset(const std::string& name) {
  Parameter* p = find(name);
  if (!p) throw SqlError("42704", "unrecognized configuration parameter \"" + name + "\"");
  p->value = p->reset_value;
  return p->name;
}

void SessionSettings::reset_all() {
  for (auto& p : parameters_) p.value = p.reset_value;
}

bool SessionSettings::reportable(const std::string& canonical) const {
  const Parameter* p = find(canonical);
  return p && p->reportable;
}

std::vector<std::pair<std::string, std::string>> SessionSettings::reported() const {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& p : parameters_) {
    if (p.reportable) out.emplace_back(p.name, p.value);
  }
  return out;
}

std::vector<std::vector<std::string>> SessionSettings::all() const {
  std::vector<std::vector<std::string>> out;
  for (const auto& p : parameters_) out.push_back({p.name, p.value, p.description});
  return out;
}

void SessionSettings::commit_defaults() {
  for (auto& p : parameters_) p.reset_value = p.value;
}

}  // namespace ducklings::sql
