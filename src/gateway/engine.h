// The SQL gateway's statement pipeline for one principal on one duckling: the sandbox, the
// principal's privileges (its roles and grants in duckgres_meta), the search path, PostgreSQL's
// SQL rewritten for DuckDB, DuckDB's prepare (and its multi-statement fallback), parameter types
// and the result columns' PostgreSQL types and origins; and role management (CREATE ROLE,
// GRANT, …). A protocol session owns one (pgwire::Session keeps the protocol, portals, cursors,
// COPY and transactions); the server's own work runs on one directly.
#pragma once
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "duck/duck.h"
#include "gateway/column_origins.h"
#include "gateway/prepared_query.h"
#include "sql/privileges.h"
#include "sql/result_types.h"
#include "sql/sandbox.h"
#include "sql/settings.h"
#include "sql/statement.h"
#include "warehouse/warehouse.h"

namespace ducklings::gateway {

constexpr uint64_t kMaxColumns = 1664;  // PostgreSQL's MaxTupleAttributeNumber

// Who runs the statements, as the control plane authenticated it.
struct Principal {
  std::string user;
  std::string database;
  bool superuser = false;   // the server's own logins
  std::string access_mode;  // unrestricted | project_reader | project_user (org users)
  std::string team_schema;  // the team a project_* user is bound to
  // The server's own work (ingestion, metering): past the sandbox's and the roles' checks.
  bool system = false;
};

// A privilege a role holds: on a schema (table ""), on every table in it ("*"), or one table.
struct RoleGrant {
  sql::Privilege privilege;
  std::string schema;  // DuckDB's name (main for public)
  std::string table;
};

// What the principal may do, from its access mode, its roles and their grants.
struct Privileges {
  bool owner = false;      // everything, and managing roles and grants
  bool read_all = false;   // reader: SELECT and USAGE everywhere
  bool write_all = false;  // writer: SELECT, INSERT, UPDATE, DELETE, CREATE, USAGE everywhere
  std::vector<RoleGrant> grants;
  std::vector<std::string> roles;  // not an owner: the user, PUBLIC and the roles it belongs to
  uint64_t generation = UINT64_MAX;  // the warehouse's auth generation they were read at
};

// Whose SQL reaches an organization's storage: its owners reach all, other roles by grants.
struct StorageRights {
  bool owner = false;
  std::vector<std::string> roles;
};
// The local files of s3:// URLs' objects (per URL, in key order), kept while `lease` lives.
struct StagedFiles {
  std::vector<std::vector<std::string>> files;
  std::shared_ptr<void> lease;
};

// What the engine asks of whoever runs it.
struct EngineHooks {
  // The objects of s3://<storage>/… URLs a statement reads, as local files (SqlError when the
  // principal may not read them or they cannot be fetched). Unset: no storage is reachable.
  std::function<StagedFiles(const StorageRights&, const std::vector<std::string>& urls)> stage;
  // Uploads what COPY … TO wrote at a local path to an s3:// URL; returns the objects written.
  std::function<size_t(const StorageRights&, const std::string& local, const std::string& url)>
      publish;
  // Before the engine runs anything on the connection (a session keeps a streaming result's
  // rows first: DuckDB closes it when the connection runs anything else).
  std::function<void()> before_call;
  // DuckDB's search path changed: plans made before bound names through the old one.
  std::function<void()> search_path_changed;
  // A NOTICE for the client, as the statement runs.
  std::function<void(const std::string&)> notice;
  // An audit entry for a role statement (action, target, detail).
  std::function<void(const std::string&, const std::string&, const std::string&)> audit;
};

// Statements the engine does not prepare in DuckDB: transaction control, cursors, COPY,
// settings (SET, SHOW, set_config), roles and grants, PREPARE/EXECUTE, DISCARD, UNLISTEN.
bool is_session_statement(const sql::Statement& statement);
// SELECT set_config('name', 'value', is_local) with constant arguments and nothing else.
const pg_query::FuncCall* set_config_call(const sql::Statement& statement);
// CREATE ROLE, DROP ROLE, ALTER ROLE, GRANT and REVOKE (of privileges and of roles).
bool is_role_statement(const sql::Statement& statement);
// PostgreSQL's command tag for `statement` having returned or changed `rows` rows.
std::string completion_tag(const sql::Statement& statement, uint64_t rows);
// DuckDB's EXPLAIN result as PostgreSQL's "QUERY PLAN" lines (a JSON plan as one line).
std::vector<std::string> explain_lines(duck::Result& result);
// Whether DuckDB answers `query` with a row count (DML without RETURNING, CREATE TABLE AS)
// rather than with rows.
bool answers_row_count(const PreparedQuery& query, duck::Result& result);
// Whether a script's statements run in one transaction (all or none) when none is open.
bool script_wants_transaction(const PreparedQuery& query);
// 54001 for a statement built to exhaust the parser's stack or the planner's memory.
void refuse_too_complex(const sql::Statement& statement);

class Engine {
 public:
  // A new connection to `warehouse`, set up for sessions. `settings` are the session's
  // (search_path is read from them) and outlive the engine.
  Engine(std::shared_ptr<warehouse::Warehouse> warehouse, Principal principal,
         sql::SandboxContext sandbox, const sql::SessionSettings& settings, EngineHooks hooks = {});
  Engine(const Engine&) = delete;

  duck::Connection& connection() { return *connection_; }
  warehouse::Warehouse& warehouse() { return *warehouse_; }
  const Principal& principal() const { return principal_; }

  // Parses nothing: `statement` is analyzed. Checks the sandbox, rewrites and prepares it;
  // session statements come back unprepared (returns_rows set). Throws SqlError.
  std::shared_ptr<PreparedQuery> prepare(sql::Statement statement,
                                         const std::vector<int32_t>& parameter_types);
  // The plan holds the settings as they were when it was made (getvariable is folded) and the
  // statistics of the data then (see Warehouse::data_generation): makes it again when either
  // changed, and brings the catalog's snapshot up to date for a statement that reads it.
  void refresh_plan(PreparedQuery& query);
  // Binds parameter `i` (from 0) of `query` from PostgreSQL's text form, as PostgreSQL would
  // read it for the parameter's type. Throws SqlError 22P02/22003 on input it would refuse.
  void bind_text_parameter(PreparedQuery& query, size_t i, const std::string& text);
  // Runs a statement that DuckDB carries out as several (PreparedQuery::script); returns its
  // command tag. The caller holds the transaction that makes them one.
  std::string run_script(const PreparedQuery& query);

  // Who and where the session is, for the catalog's views and functions (current_user,
  // pg_backend_pid(), …); `more` is further SET VARIABLE statements, each after a "; ".
  void identify(int32_t process_id, const std::string& more = "");
  // Gives DuckDB the session's parameters (current_setting() reads them).
  void publish_settings();

  // 42501 unless the sandbox allows the statement (not for system work).
  void check_sandbox(const sql::Statement& statement) const;
  // A DuckDB setting named in SET/RESET/SHOW: 42501 outside the sandbox's allow-list (42704
  // when DuckDB has no such setting either).
  void check_engine_setting(const std::string& name, bool show);
  // 42501 naming the missing privilege unless the principal may run `statement`; `access`
  // caches the statement's analysis (made on first need).
  void authorize(const sql::Statement& statement, std::optional<sql::StatementAccess>& access);

  // Who the principal is to the organization's storages.
  StorageRights storage_rights();
  // COPY … TO 's3://<storage>/…': runs DuckDB's COPY of `duck_query` (a prepared query's
  // DuckDB text) with `options` into a local file, uploads it, and returns the rows written.
  uint64_t copy_to_storage(const std::string& duck_query, const std::string& options,
                           const std::string& url);
  // The server's own COPY … TO a file or folder of the duckling's tmp/ (golden tables write
  // their Parquet there before publishing it); 42501 for any other path. Returns the rows.
  uint64_t copy_to_file(const std::string& duck_query, const std::string& options,
                        const std::string& path);

  // Rereads the principal's roles and grants when they changed; sets what catalogs show.
  void refresh_privileges();
  const Privileges& privileges() const { return privileges_; }
  // Users become roles of the duckling when they first log in, so GRANT can name them.
  void register_login_role();
  // CREATE ROLE, DROP ROLE, GRANT and REVOKE; returns the command tag. The caller notes the
  // change of roles and schema for its transaction.
  std::string run_role_statement(const sql::Statement& statement);

  // The DuckDB schema an unqualified relation `name` resolves to through search_path (empty
  // when none has it); `creating`: the schema a new object would go to.
  std::string resolve_schema(const std::string& name, bool creating);

  // Brings the connection's snapshot of the catalog's base views up to date with the schema
  // (see sql::catalog_snapshot_sql) before a statement that reads the catalog.
  void refresh_catalog_snapshot();
  // A rollback undid the snapshot's refresh too: make it again when next needed.
  void forget_catalog_snapshot() { catalog_snapshot_generation_ = kNoSnapshot; }

  // SET search_path: DuckDB is given the new path before the next statement.
  void search_path_set() { search_path_generation_ = UINT64_MAX; }
  // The session's parameters changed: plans that read them (getvariable) are made again.
  void settings_changed() { ++settings_generation_; }
  uint64_t settings_generation() const { return settings_generation_; }

  // Fetches the objects of the s3:// URLs `statement` reads and names their local files in
  // its place (`query` keeps the lease and the statement as written, to do it again).
  void stage_storage_objects(sql::Statement& statement, PreparedQuery& query);
  // The query prepared again (and its DuckDB text) with its parameters' types cast in, when
  // DuckDB could not tell its result columns without them; nullopt otherwise.
  std::optional<std::pair<duck::PreparedStatement, std::string>> prepare_with_parameter_types(
      const PreparedQuery& q, const sql::ColumnTypeLookup& column_types);

  // 55000 when `statement` would scan a materialized view that is not populated (itself or
  // through a view), as PostgreSQL's executor refuses it; costs nothing while the duckling has
  // no materialized view (sql/rewrite_matview.h).
  void refuse_unpopulated_matviews(const sql::Statement& statement);

  // Drops the temp tables of a data-modifying WITH's steps (its statement is done with them).
  void drop_modifying_tables(const PreparedQuery& query);

 private:
  void before_call() {
    if (hooks_.before_call) hooks_.before_call();
  }
  // WITH d AS (INSERT/UPDATE/DELETE … RETURNING …) …: prepares the steps of `statement` and
  // creates their temp tables; `statement` is left reading them.
  std::vector<PreparedQuery::ModifyingStep> prepare_modifying_steps(sql::Statement& statement);
  // ALTER TABLE naming a view becomes ALTER VIEW, as DuckDB wants it.
  void adapt_alter_of_view(sql::Statement& statement);
  // 42501 for a write to the server's schemas (duckgres_meta, the catalogs, system.query_log),
  // checked before DuckDB prepares it too (its own error would be less clear).
  void refuse_server_schema_writes(const sql::StatementAccess& access) const;
  bool may(sql::Privilege p, const std::string& schema, const std::string& table) const;
  std::vector<std::string> search_path_schemas() const;
  // Gives DuckDB the session's search_path (its schemas that exist), so that DuckDB and the
  // grant check resolve unqualified names alike; again when schemas change.
  void sync_search_path();
  // Whether DuckDB has a function or macro of this name (lower case) in any schema.
  bool engine_has_function(const std::string& name);

  std::shared_ptr<warehouse::Warehouse> warehouse_;
  std::unique_ptr<duck::Connection> connection_;
  Principal principal_;
  sql::SandboxContext sandbox_;
  const sql::SessionSettings& settings_;
  EngineHooks hooks_;

  Privileges privileges_;
  bool catalog_restricted_ = false;  // the catalog's visibility variables are set
  std::unordered_map<std::string, std::vector<std::string>> relation_schemas_;  // name → schemas
  uint64_t relation_schemas_generation_ = UINT64_MAX;
  std::vector<std::string> effective_search_path_;  // search_path's schemas that exist
  std::string applied_search_path_;                 // what DuckDB was given ("" its default)
  uint64_t search_path_generation_ = UINT64_MAX;
  std::unordered_set<std::string> function_names_;  // every function DuckDB has, lower case
  uint64_t function_names_generation_ = UINT64_MAX;
  std::unordered_set<std::string> matview_readers_;  // materialized views and views over them
  uint64_t matview_readers_generation_ = UINT64_MAX;
  std::unique_ptr<ColumnOriginResolver> origins_;       // created on first use
  std::unique_ptr<sql::ColumnTypeCache> column_types_;  // for PostgreSQL result types
  static constexpr uint64_t kNoSnapshot = UINT64_MAX;
  uint64_t catalog_snapshot_generation_ = kNoSnapshot;  // schema generation the snapshot shows
  uint64_t settings_generation_ = 0;
  uint64_t modifying_tables_ = 0;  // numbers the temp tables of data-modifying WITHs
};

}  // namespace ducklings::gateway
