// Error types thrown inside modules; the edges (wire, HTTP) turn them into their protocol form.
#pragma once
#include <stdexcept>
#include <string>

namespace ducklings {

// An error with a PostgreSQL SQLSTATE, the form every SQL-facing failure takes.
class SqlError : public std::runtime_error {
 public:
  SqlError(std::string sqlstate, const std::string& message, int position = 0,
           std::string detail = {}, std::string hint = {})
      : std::runtime_error(message),
        sqlstate_(std::move(sqlstate)),
        position_(position),
        detail_(std::move(detail)),
        hint_(std::move(hint)) {}
  const std::string& sqlstate() const { return sqlstate_; }
  int position() const { return position_; }  // 1-based character offset, 0 when unknown
  const std::string& detail() const { return detail_; }
  const std::string& hint() const { return hint_; }

 private:
  std::string sqlstate_;
  int position_;
  std::string detail_;
  std::string hint_;
};

// A setting with a bad value; the message names the setting.
class ConfigError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace ducklings
