#include "control/config_store.h"

#include <libpq-fe.h>
#include <sqlite3.h>

#include <mutex>

#include "common/files.h"

namespace ducklings::control {
namespace {

// The framing both stores share: one connection under a recursive mutex, held for a whole
// transaction; nested transactions join the outermost; retryable failures run it again.
class LockedStore : public ConfigStore {
 public:
  std::vector<Row> query(const std::string& sql, const std::vector<Value>& params) override {
    std::lock_guard lock(mutex_);
    return run(sql, params);
  }
  int64_t execute(const std::string& sql, const std::vector<Value>& params) override {
    std::lock_guard lock(mutex_);
    run(sql, params);
    return changed_rows();
  }
  void transaction(const std::function<void()>& body) override {
    std::lock_guard lock(mutex_);  // held throughout: other threads wait for the commit
    if (depth_ > 0) {
      body();
      return;
    }
    for (int attempt = 1;; ++attempt) {
      try {
        run_transaction(body);
        return;
      } catch (const StoreError& e) {
        if (!e.retryable() || attempt == 5) throw;
      }
    }
  }

 protected:
  virtual std::vector<Row> run(const std::string& sql, const std::vector<Value>& params) = 0;
  virtual int64_t changed_rows() = 0;  // by the statement run last
  virtual const char* begin_statement() const = 0;
  bool in_transaction() const { return depth_ > 0; }

 private:
  void run_transaction(const std::function<void()>& body) {
    run(begin_statement(), {});
    ++depth_;
    try {
      body();
    } catch (...) {
      --depth_;
      try {
        run("ROLLBACK", {});
      } catch (const StoreError&) {
        // The connection is gone; the server rolled back.
      }
      throw;
    }
    --depth_;
    run("COMMIT", {});
  }
  std::recursive_mutex mutex_;
  int depth_ = 0;  // transactions open (nested ones join the outermost)
};

class SqliteStore final : public LockedStore {
 public:
  explicit SqliteStore(const std::string& path) {
    // It holds SCRAM verifiers and capture keys: its owner's only, even outside the data dir
    // (new files are so under the server's umask; an older one may not be).
    for (const char* suffix : {"", "-wal", "-shm"}) make_private_file(path + suffix);
    if (sqlite3_open(path.c_str(), &db_) != SQLITE_OK) {
      std::string msg = db_ ? sqlite3_errmsg(db_) : "out of memory";
      sqlite3_close(db_);
      throw StoreError("cannot open config store '" + path + "': " + msg);
    }
    sqlite3_busy_timeout(db_, 5000);
    run("PRAGMA journal_mode=WAL", {});
    run("PRAGMA foreign_keys=ON", {});
    run("PRAGMA synchronous=NORMAL", {});
  }
  ~SqliteStore() override { sqlite3_close(db_); }

  std::string kind() const override { return "sqlite"; }

 protected:
  int64_t changed_rows() override { return sqlite3_changes(db_); }
  const char* begin_statement() const override { return "BEGIN IMMEDIATE"; }
  std::vector<Row> run(const std::string& sql, const std::vector<Value>& params) override {
    sqlite3_stmt* raw = nullptr;
    if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &raw, nullptr) != SQLITE_OK) {
      throw StoreError(std::string("config store: ") + sqlite3_errmsg(db_));
    }
    std::unique_ptr<sqlite3_stmt, decltype(&sqlite3_finalize)> stmt(raw, &sqlite3_finalize);
    for (size_t i = 0; i < params.size(); ++i) {
      int at = static_cast<int>(i + 1);
      if (params[i]) {
        sqlite3_bind_text(raw, at, params[i]->data(), static_cast<int>(params[i]->size()),
                          SQLITE_TRANSIENT);
      } else {
        sqlite3_bind_null(raw, at);
      }
    }
    std::vector<Row> rows;
    int cols = sqlite3_column_count(raw);
    while (true) {
      int rc = sqlite3_step(raw);
      if (rc == SQLITE_DONE) break;
      if (rc != SQLITE_ROW) {
        int ext = sqlite3_extended_errcode(db_);
        throw StoreError(std::string("config store: ") + sqlite3_errmsg(db_),
                         ext == SQLITE_CONSTRAINT_UNIQUE || ext == SQLITE_CONSTRAINT_PRIMARYKEY);
      }
      Row row;
      for (int c = 0; c < cols; ++c) {
        if (sqlite3_column_type(raw, c) == SQLITE_NULL) {
          row.emplace_back(std::nullopt);
        } else {
          const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(raw, c));
          row.emplace_back(std::string(text, static_cast<size_t>(sqlite3_column_bytes(raw, c))));
        }
      }
      rows.push_back(std::move(row));
    }
    return rows;
  }

  sqlite3* db_ = nullptr;
};

// '?' placeholders become $1, $2, … (the store's SQL holds no '?' inside literals).
std::string numbered_placeholders(const std::string& sql) {
  std::string out;
  int n = 0;
  for (char c : sql) {
    if (c == '?') {
      out += "$" + std::to_string(++n);
    } else {
      out.push_back(c);
    }
  }
  return out;
}

class PostgresStore final : public LockedStore {
 public:
  explicit PostgresStore(const std::string& uri) : uri_(uri) { connect(); }
  ~PostgresStore() override {
    if (conn_) PQfinish(conn_);
  }

  std::string kind() const override { return "postgres"; }

 protected:
  int64_t changed_rows() override { return last_changes_; }
  const char* begin_statement() const override { return "BEGIN ISOLATION LEVEL SERIALIZABLE"; }

 private:
  void connect() {
    if (conn_) PQfinish(conn_);
    conn_ = PQconnectdb(uri_.c_str());
    if (PQstatus(conn_) != CONNECTION_OK) {
      std::string msg = PQerrorMessage(conn_);
      PQfinish(conn_);
      conn_ = nullptr;
      throw StoreError("cannot connect to the config store: " + msg);
    }
  }

  std::vector<Row> run(const std::string& sql, const std::vector<Value>& params) override {
    // Outside a transaction a lost connection is re-opened once.
    if ((!conn_ || PQstatus(conn_) != CONNECTION_OK) && !in_transaction()) connect();
    std::string text = numbered_placeholders(sql);
    std::vector<const char*> values;
    for (const auto& p : params) values.push_back(p ? p->c_str() : nullptr);
    PGresult* r = PQexecParams(conn_, text.c_str(), static_cast<int>(values.size()), nullptr,
                               values.data(), nullptr, nullptr, 0);
    std::unique_ptr<PGresult, decltype(&PQclear)> guard(r, &PQclear);
    ExecStatusType st = PQresultStatus(r);
    if (st != PGRES_TUPLES_OK && st != PGRES_COMMAND_OK) {
      const char* state = PQresultErrorField(r, PG_DIAG_SQLSTATE);
      std::string code = state ? state : "";
      throw StoreError("config store: " + std::string(PQresultErrorMessage(r)), code == "23505",
                       code == "40001" || code == "40P01");
    }
    const char* tuples = PQcmdTuples(r);
    last_changes_ = tuples && *tuples ? std::stoll(tuples) : 0;
    std::vector<Row> rows;
    int n = PQntuples(r), cols = PQnfields(r);
    for (int i = 0; i < n; ++i) {
      Row row;
      for (int c = 0; c < cols; ++c) {
        if (PQgetisnull(r, i, c)) {
          row.emplace_back(std::nullopt);
        } else {
          row.emplace_back(
              std::string(PQgetvalue(r, i, c), static_cast<size_t>(PQgetlength(r, i, c))));
        }
      }
      rows.push_back(std::move(row));
    }
    return rows;
  }

  std::string uri_;
  int64_t last_changes_ = 0;
  PGconn* conn_ = nullptr;
};

}  // namespace

std::unique_ptr<ConfigStore> ConfigStore::open(const std::string& spec,
                                               const std::string& data_dir) {
  if (spec.rfind("postgres://", 0) == 0 || spec.rfind("postgresql://", 0) == 0) {
    return std::make_unique<PostgresStore>(spec);
  }
  if (spec.empty()) return std::make_unique<SqliteStore>(data_dir + "/duckgres.db");
  if (spec.rfind("sqlite:", 0) == 0) return std::make_unique<SqliteStore>(spec.substr(7));
  throw StoreError("config store '" + spec + "': expected sqlite:<path> or postgres://…");
}

Value single_value(const std::vector<Row>& rows) {
  if (rows.empty() || rows[0].empty()) return std::nullopt;
  return rows[0][0];
}

}  // namespace ducklings::control
