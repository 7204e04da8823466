// Logins and their SCRAM verifiers, kept in SQLite in the data dir (never plaintext).
#pragma once
#include <mutex>
#include <optional>
#include <string>

struct sqlite3;

namespace ducklings::control {

struct Login {
  std::string name;
  std::string verifier;  // SCRAM-SHA-256$<iter>:<salt>$<stored>:<server>
  bool superuser = false;
};

// Thread-safe; one SQLite connection guarded by a mutex (logins are rare next to queries).
class CredentialStore {
 public:
  explicit CredentialStore(const std::string& path);
  ~CredentialStore();
  CredentialStore(const CredentialStore&) = delete;

  std::optional<Login> find(const std::string& name);
  // Inserts or replaces a login.
  void put(const Login& login);
  bool empty();

 private:
  void exec(const char* sql);
  std::mutex mutex_;
  sqlite3* db_ = nullptr;
};

}  // namespace ducklings::control
