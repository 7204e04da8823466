#include "control/credential_store.h"

#include <sqlite3.h>

#include <memory>
#include <stdexcept>

namespace ducklings::control {
namespace {
using Stmt = std::unique_ptr<sqlite3_stmt, decltype(&sqlite3_finalize)>;

Stmt prepare(sqlite3* db, const char* sql) {
  sqlite3_stmt* s = nullptr;
  if (sqlite3_prepare_v2(db, sql, -1, &s, nullptr) != SQLITE_OK) {
    throw std::runtime_error(std::string("config store: ") + sqlite3_errmsg(db));
  }
  return Stmt(s, &sqlite3_finalize);
}
}  // namespace

CredentialStore::CredentialStore(const std::string& path) {
  if (sqlite3_open(path.c_str(), &db_) != SQLITE_OK) {
    std::string msg = db_ ? sqlite3_errmsg(db_) : "out of memory";
    sqlite3_close(db_);
    throw std::runtime_error("cannot open config store '" + path + "': " + msg);
  }
  exec("PRAGMA journal_mode=WAL");
  exec(
      "CREATE TABLE IF NOT EXISTS logins ("
      " name TEXT PRIMARY KEY, verifier TEXT NOT NULL, superuser INTEGER NOT NULL DEFAULT 0,"
      " created_at TEXT NOT NULL DEFAULT (datetime('now')))");
}

CredentialStore::~CredentialStore() { sqlite3_close(db_); }

void CredentialStore::exec(const char* sql) {
  char* err = nullptr;
  if (sqlite3_exec(db_, sql, nullptr, nullptr, &err) != SQLITE_OK) {
    std::string msg = err ? err : "unknown";
    sqlite3_free(err);
    throw std::runtime_error("config store: " + msg);
  }
}

std::optional<Login> CredentialStore::find(const std::string& name) {
  std::lock_guard lock(mutex_);
  Stmt s = prepare(db_, "SELECT verifier, superuser FROM logins WHERE name = ?");
  sqlite3_bind_text(s.get(), 1, name.c_str(), static_cast<int>(name.size()), SQLITE_TRANSIENT);
  if (sqlite3_step(s.get()) != SQLITE_ROW) return std::nullopt;
  Login l;
  l.name = name;
  l.verifier = reinterpret_cast<const char*>(sqlite3_column_text(s.get(), 0));
  l.superuser = sqlite3_column_int(s.get(), 1) != 0;
  return l;
}

void CredentialStore::put(const Login& login) {
  std::lock_guard lock(mutex_);
  Stmt s = prepare(db_,
                   "INSERT INTO logins(name, verifier, superuser) VALUES (?, ?, ?) "
                   "ON CONFLICT(name) DO UPDATE SET verifier = excluded.verifier, "
                   "superuser = excluded.superuser");
  sqlite3_bind_text(s.get(), 1, login.name.c_str(), -1, SQLITE_TRANSIENT);
  sqlite3_bind_text(s.get(), 2, login.verifier.c_str(), -1, SQLITE_TRANSIENT);
  sqlite3_bind_int(s.get(), 3, login.superuser ? 1 : 0);
  if (sqlite3_step(s.get()) != SQLITE_DONE) {
    throw std::runtime_error(std::string("config store: ") + sqlite3_errmsg(db_));
  }
}

bool CredentialStore::empty() {
  std::lock_guard lock(mutex_);
  Stmt s = prepare(db_, "SELECT count(*) FROM logins");
  sqlite3_step(s.get());
  return sqlite3_column_int(s.get(), 0) == 0;
}

}  // namespace ducklings::control
