// What a session keeps about its open transaction so that PostgreSQL's transaction semantics
// hold on DuckDB, which has neither savepoints nor read-only transactions:
//  - the writes made since BEGIN (with their parameters), so that ROLLBACK TO SAVEPOINT can roll
//    DuckDB's transaction back and make again the writes made before the savepoint;
//  - the savepoints, innermost last;
//  - what a statement writes, for READ ONLY transactions (25006).
#pragma once
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "sql/statement.h"

namespace ducklings::gateway {
struct PreparedQuery;
}  // namespace ducklings::gateway

namespace ducklings::pgwire {

using gateway::PreparedQuery;

// A write of the open transaction, kept to be made again after ROLLBACK TO SAVEPOINT.
struct LoggedWrite {
  std::shared_ptr<PreparedQuery> query;
  std::vector<std::optional<std::string>> parameters;
  std::vector<int16_t> parameter_formats;
  std::string unrepeatable;  // why making it again could differ ("" when it cannot)
};

// A SET made inside the transaction block, undone by ROLLBACK (and by COMMIT when LOCAL).
struct SettingChange {
  std::string name;
  std::string before;  // the value it replaced
  bool local = false;  // SET LOCAL / set_config(…, true): lasts until the transaction ends
};

struct Savepoint {
  std::string name;
  size_t writes = 0;                 // how many logged writes came before it
  size_t settings = 0;               // how many setting changes came before it
  std::vector<std::string> cursors;  // the cursors open when it was set (later ones close)
};

struct TransactionState {
  std::vector<LoggedWrite> writes;
  size_t logged_bytes = 0;
  std::string log_lost;  // why the log was given up ("" while it is whole)
  std::vector<Savepoint> savepoints;
  std::vector<SettingChange> settings;
  bool replaying = false;      // ROLLBACK TO SAVEPOINT makes the logged writes again

  void clear() {
    writes.clear();
    logged_bytes = 0;
    log_lost.clear();
    savepoints.clear();
    settings.clear();
  }
};

// Why running `statement` again later in the transaction could change what it does: it calls
// a volatile function (now(), random(), nextval(), …) or reads the clock. Empty when it reads
// only data. Column defaults are checked separately, when the write is made again.
std::string unrepeatable_reason(const sql::Statement& statement);

// The command PostgreSQL names when `statement` is refused in a read-only transaction
// ("INSERT", "CREATE TABLE", "nextval()", "COPY FROM", "SELECT FOR UPDATE"), or "" when a
// read-only transaction may run it.
std::string read_only_violation(const sql::Statement& statement);

// Whether the statement changes data or schema (a data-modifying WITH counts), so that the
// transaction's log must keep it.
bool writes_data(const sql::Statement& statement);

// A column default whose value changes from one evaluation to the next (nextval, now(), …).
bool volatile_default(const std::string& default_text);

}  // namespace ducklings::pgwire
