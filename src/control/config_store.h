// The control plane's configuration store: SQLite in the data dir (default) or PostgreSQL,
// shared by control-plane replicas. One portable SQL dialect: '?' placeholders, TEXT/BIGINT/
// INTEGER columns, timestamps as ISO-8601 text written by the application.
#pragma once
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace ducklings::control {

using Value = std::optional<std::string>;  // NULL or the value's text
using Row = std::vector<Value>;

// A failure of the store itself (connection lost, constraint broken, …).
class StoreError : public std::runtime_error {
 public:
  StoreError(const std::string& message, bool unique_violation = false, bool retryable = false)
      : std::runtime_error(message), unique_violation_(unique_violation), retryable_(retryable) {}
  // A UNIQUE or PRIMARY KEY constraint refused the write.
  bool unique_violation() const { return unique_violation_; }
  // A serialization failure or deadlock: the transaction may be run again.
  bool retryable() const { return retryable_; }

 private:
  bool unique_violation_;
  bool retryable_;
};

// Thread-safe: calls are serialized on one connection (control-plane traffic is light); a
// transaction holds the connection until it ends, so other threads' calls wait for it.
class ConfigStore {
 public:
  virtual ~ConfigStore() = default;
  // Runs one statement; `params` fill its '?' placeholders in order. Returns its rows.
  virtual std::vector<Row> query(const std::string& sql, const std::vector<Value>& params = {}) = 0;
  // Runs one write statement; returns how many rows it changed.
  virtual int64_t execute(const std::string& sql, const std::vector<Value>& params = {}) = 0;
  // Runs `body` in one transaction: committed when it returns, rolled back when it throws;
  // run again (up to 5 times) after a serialization failure. Nested calls join the outer one.
  virtual void transaction(const std::function<void()>& body) = 0;
  // "sqlite" or "postgres".
  virtual std::string kind() const = 0;

  // `spec`: empty or "sqlite:<path>" for SQLite (default <data_dir>/duckgres.db), or a
  // postgres:// / postgresql:// URI.
  static std::unique_ptr<ConfigStore> open(const std::string& spec, const std::string& data_dir);
};

// The one value of a one-row, one-column result, or nullopt.
Value single_value(const std::vector<Row>& rows);

}  // namespace ducklings::control
