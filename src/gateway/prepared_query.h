// A statement the gateway prepared for a principal: its DuckDB plan (or the script of DuckDB
// statements that carry it out), its parameter types and its result columns as PostgreSQL
// describes them. The wire protocol binds and runs it through portals; the server's own work
// runs it directly (gateway::Engine).
#pragma once
#include <duckdb.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "duck/duck.h"
#include "gateway/column_origins.h"
#include "sql/privileges.h"
#include "sql/statement.h"

namespace ducklings::gateway {

struct PreparedQuery {
  sql::Statement statement;
  std::unique_ptr<duck::PreparedStatement> duck;  // null for statements the session answers
  std::vector<std::string> script;  // several DuckDB statements that together carry it out
  bool script_counts_rows = false;  // CREATE TABLE AS: the first statement's count is the tag's
  std::vector<int32_t> parameter_types;           // PostgreSQL OIDs
  std::vector<duckdb_type> parameter_duck_types;  // as DuckDB inferred it; INVALID when not
  std::vector<bool> parameter_declared;           // the client named the type in Parse
  bool returns_rows = false;
  std::vector<std::string> column_names;
  std::vector<duck::LogicalType> column_types;
  std::vector<ColumnOrigin> column_origins;  // table OID and attnum per column, when known
  std::vector<int32_t> type_overrides;       // PostgreSQL type OID per column where not DuckDB's
  std::vector<int32_t> typmod_overrides;     // and its typmod (varchar(n)), -1 for none
  bool uses_catalog = false;                 // reads the emulated pg_catalog/information_schema
  bool explain = false;         // DuckDB's EXPLAIN, answered as PostgreSQL's "QUERY PLAN" lines
  bool reads_settings = false;  // its DuckDB text reads session settings (getvariable)
  uint64_t settings_generation = 0;            // the settings its plan was made with
  std::string duck_text;                       // what DuckDB prepared (to prepare it again)
  uint64_t data_generation = 0;                // the warehouse's data its plan was made with
  std::optional<sql::StatementAccess> access;  // what it reads and writes, once asked
  // WITH d AS (DELETE … RETURNING …) …: each data-modifying CTE runs first, its rows kept in a
  // temp table (none without RETURNING) that the statement reads (Engine::prepare).
  struct ModifyingStep {
    std::shared_ptr<PreparedQuery> query;
    std::string table;
  };
  std::vector<ModifyingStep> modifying_steps;
  // It reads objects of storages (s3://…) through local copies, pinned by the lease: each
  // execution fetches them again (the objects may have changed), from the statement as written.
  std::shared_ptr<void> storage_lease;
  std::optional<sql::Statement> storage_statement;
  bool storage_fresh = false;  // just fetched (by prepare): the first execution uses them

  // The statement as the client wrote it (grants are checked on it: s3:// URLs, not the
  // local copies' paths).
  const sql::Statement& as_written() const {
    return storage_statement ? *storage_statement : statement;
  }
};

}  // namespace ducklings::gateway
