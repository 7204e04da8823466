// One client session: startup, authentication, then the simple and extended query protocols,
// SQL cursors and COPY, on the session's own thread (thread-per-session, so a slow query
// never delays other sessions and blocking DuckDB calls never run on a shared loop).
#pragma once
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "common/config.h"
#include "control/control_plane.h"
#include "duck/duck.h"
#include "gateway/engine.h"
#include "metering/query_log.h"
#include "pgwire/auth_limiter.h"
#include "pgwire/channel.h"
#include "pgwire/messages.h"
#include "pgwire/pg_types.h"
#include "pgwire/transaction_state.h"
#include "pgwire/worker_link.h"
#include "sql/privileges.h"
#include "sql/result_types.h"
#include "sql/sandbox.h"
#include "sql/settings.h"
#include "sql/statement.h"
#include "warehouse/warehouse.h"

namespace ducklings::pgwire {

class SessionRegistry;
struct ScrollRows;  // cursors.cpp: the rows of a SCROLL cursor

// What a session needs from the server that accepted it.
struct ServerServices {
  const ServerConfig& config;
  control::ControlPlane* control;  // nullptr inside a worker (its sessions come authenticated)
  warehouse::WarehouseRegistry& warehouses;
  const TlsContext* tls;  // nullptr when TLS is off
  SessionRegistry& registry;
  WorkerHost* workers = nullptr;                // --isolation process: where org ducklings run
  WorkerControlHandler worker_control = {};     // set inside a worker: accepts trusted startups
  ControlRequestHandler control_requests = {};  // password changes and audit entries
  AuthLimiter* limiter = nullptr;               // brute-force protection (not in a worker)
  metering::QueryLog* query_log = nullptr;      // where statements are recorded
};

// A session as pg_stat_activity and the activity API show it.
struct SessionActivity {
  int32_t pid = 0;
  std::string database, user, application_name, client_addr, state, query, command;
  std::chrono::system_clock::time_point backend_start;
  std::optional<std::chrono::system_clock::time_point> query_start, xact_start, state_change;
};

// The gateway prepares statements; the session binds and runs them.
using gateway::ColumnOrigin;
using gateway::PreparedQuery;

// A bound statement (portal) or a SQL cursor, possibly part-way through its rows.
struct Portal {
  std::shared_ptr<PreparedQuery> query;
  std::vector<std::optional<std::string>> parameters;
  std::vector<int16_t> parameter_formats;
  std::vector<int16_t> result_formats;
  bool holdable = false;  // WITH HOLD cursor: survives the transaction
  std::shared_ptr<ScrollRows> scroll;  // SCROLL cursor: every row kept, moves both ways

  // Execution state.
  bool started = false;
  bool finished = false;
  duck::Result result;
  std::deque<duck::DataChunk> chunks;  // fetched but not yet sent (drained streams)
  bool stream_open = false;            // `result` still streams from DuckDB
  idx_t row_in_chunk = 0;
  uint64_t rows_sent = 0;
  std::vector<std::unique_ptr<ColumnEncoder>> encoders;
  std::vector<int16_t> column_formats;
  uint64_t changed_rows = 0;  // DML count
  bool count_result = false;  // the DuckDB result is a DML row count, not rows
};

class Session {
 public:
  // `peer`: the client's address, for brute-force limits and logs.
  Session(ServerServices services, int fd, std::string peer = "");
  ~Session();
  Session(const Session&) = delete;

  // Serves the client until it leaves; never throws.
  void run();
  // Ends the session with `reason` once its startup packet is read (after TLS).
  void refuse(SqlError reason) { refusal_ = std::move(reason); }
  // Interrupts the running statement if `key` matches (CancelRequest); any thread. Inside a
  // worker, `until_ready` names the statement a relayed cancel stops (WorkerCancel).
  void cancel(int32_t key, uint64_t until_ready = 0);
  // Asks the session to end after its current statement (server shutdown); any thread.
  void request_stop();
  // The database the session is bound to, once startup has bound it (any thread).
  std::string bound_database();
  // Interrupts whatever runs now (shutdown timeout); any thread.
  void interrupt();
  int32_t process_id() const { return process_id_; }
  // Interrupts the running statement when it has run past statement_timeout; any thread.
  void check_timeout(std::chrono::steady_clock::time_point now);
  // What the session is doing now; any thread.
  SessionActivity activity();
  // pg_cancel_backend: interrupts the running statement (no key needed); any thread.
  void cancel_statement();
  // pg_terminate_backend: ends the session (57P01 to its client); any thread.
  void terminate();
  // Startup is done (it has a user and a database).
  bool ready() const { return ready_for_queries_; }
  // The session may cancel or terminate `target` (its own user's, or as an owner).
  bool may_signal(const Session& target) const;

 private:
  enum class TxnStatus : char { kIdle = 'I', kInBlock = 'T', kFailed = 'E' };
  // What a session-answered statement sends: only RowDescription (Describe), only rows and
  // the tag (Execute), or both (simple Query).
  enum class Output { kDescribe, kRows, kBoth };

  // startup.cpp
  bool startup();
  // SCRAM (or cleartext over TLS) against `login`'s verifier; fails the same way for an unknown
  // login as for a wrong password.
  bool authenticate(const std::string& user, const std::optional<control::LoginTarget>& login);
  void send_startup_parameters();
  void apply_startup_options(const std::string& options);
  // Binds the warehouse (admitting the session under `max_sessions`), applies the startup
  // parameters and reports them: the end of startup, in-process or inside a worker.
  void open_session(const std::map<std::string, std::string>& parameters, int max_sessions);
  // Inside a worker: a session the control plane authenticated.
  void start_trusted(const std::map<std::string, std::string>& parameters);
  // Hands the authenticated session to the worker of its duckling.
  void start_in_worker(const StartupMessage& m, int max_sessions);

  // authorization.cpp: the transaction's checks, then the gateway's (gateway::Engine).
  // 42501 naming the missing privilege unless the user may run `q`; 25006 for a write in a
  // read-only transaction. `access` caches the statement's analysis (made on first need).
  void authorize(const sql::Statement& statement, std::optional<sql::StatementAccess>& access);
  // CREATE ROLE, DROP ROLE, GRANT and REVOKE (of privileges and of roles), run by the gateway.
  void handle_role_statement(const sql::Statement& statement);
  // ALTER ROLE/USER … PASSWORD (the verifier goes to the control plane).
  void handle_alter_role(const sql::Statement& statement);
  // Asks the control plane; throws SqlError with its answer on failure.
  // Asks the control plane; returns its answer. Throws SqlError with the refusal.
  std::string control_request(const std::map<std::string, std::string>& request);
  // The objects of s3:// URLs as local files, fetched by the control plane (which holds the
  // storages' secrets) and pinned until the lease ends.
  gateway::StagedFiles stage_storage_objects(const gateway::StorageRights& rights,
                                             const std::vector<std::string>& urls);
  void audit(const std::string& action, const std::string& target, const std::string& detail);

  // relay.cpp: copies bytes between the client and the worker until either side ends.
  void relay();
  // Forwards a cancel of the statement the relayed client awaits, if any (under run_mutex_).
  void relay_cancel();

  // session.cpp
  bool read_message(char& type, std::string& body);
  // Tells the startup pool whose turn it is (AuthLimiter::turn), so that a slow server is
  // not taken for a stalling client.
  void startup_turn(bool client);
  void flush();
  void maybe_flush();
  void send_error(const SqlError& e, const std::string& severity = "ERROR");
  void send_ready();
  // 25P02 for anything but COMMIT/ROLLBACK while the transaction is aborted.
  void reject_in_failed_transaction(sql::StatementKind kind) const;
  void handle_query(const std::string& sql);
  void handle_parse(const ParseMessage& m);
  void handle_bind(const BindMessage& m);
  void handle_describe(const DescribeMessage& m);
  void handle_execute(const ExecuteMessage& m);
  void execute_message(const ExecuteMessage& m);  // handle_execute without the metering
  void handle_close(const CloseMessage& m);
  void handle_sync();

  // Statement execution shared by both protocols.
  std::shared_ptr<PreparedQuery> prepare(sql::Statement statement,
                                         const std::vector<int32_t>& parameter_types);
  void describe_rows(const PreparedQuery& q, const std::vector<int16_t>& formats);
  // Runs a portal; sends rows (at most max_rows, 0 = all) then CommandComplete or
  // PortalSuspended. `describe` sends RowDescription first (simple protocol).
  void execute_portal(Portal& portal, uint64_t max_rows, bool describe);
  void start_portal(Portal& portal);
  // EXPLAIN: DuckDB's (explain_key, explain_value) rows become one text line per row.
  void explain_as_lines(Portal& portal);
  void bind_text_parameter(PreparedQuery& q, size_t i, const std::string& text);
  void ensure_started(Portal& portal);  // extended protocol: opens the implicit transaction too
  void describe_result(Portal& portal);
  bool next_row(Portal& portal, duck::DataChunk*& chunk);
  std::string completion_tag(const Portal& portal) const;
  // Writes up to max_rows (0 = all) DataRows, or skips them when `discard`; returns the count.
  uint64_t write_rows(Portal& portal, uint64_t max_rows, bool discard);
  // Marks the session as running a DuckDB statement so CancelRequest can interrupt it.
  class RunningScope {
   public:
    explicit RunningScope(Session& s);
    ~RunningScope();

   private:
    Session& session_;
    duck::TaskAssist::Running assist_;  // lends the warehouse's other threads once it runs long
  };
  // Runs one statement of a simple Query; `cached` is its plan from an earlier run.
  void run_statement(const sql::Statement& statement, std::shared_ptr<PreparedQuery> cached);
  void run_script(const PreparedQuery& q);
  bool run_session_statement(const sql::Statement& statement, Portal* portal, Output output);
  void before_duckdb_call();
  void drain_stream(Portal& portal);
  void close_portals(bool at_transaction_end);
  void keep_only_holdable_streams();
  void begin_implicit_transaction();
  void end_implicit_transaction(bool commit);
  void note_transaction_effect(const sql::Statement& statement);
  // DDL ran: other sessions' caches of catalog facts must look again (now, and at commit).
  void note_schema_change();
  void note_transaction_end();
  // A write ended (or a transaction did): plans of this warehouse made before are stale.
  void note_data_change();
  void send_synthetic(const std::vector<std::string>& columns,
                      const std::vector<std::vector<std::optional<std::string>>>& rows,
                      const std::string& tag, Output output);
  // `text`/`offset`: the statement DuckDB ran and where it starts in the client's message.
  SqlError map_error(const std::exception& e, const std::string* text = nullptr, size_t offset = 0);

  // Metering: every statement is timed and counted, and recorded in the query log.
  void begin_trace(const std::string& text, const std::string& command);
  // `error` null: the statement succeeded.
  void end_trace(const SqlError* error);
  struct Trace {
    std::string query_id, parent_query_id, text, command;
    std::chrono::system_clock::time_point started_wall;
    std::chrono::steady_clock::time_point started;
    uint64_t bytes_before = 0;
    uint64_t rows = 0;
    bool ran_in_duckdb = false;  // a DuckDB query of its own ran: its profile is this one's
  };
  std::optional<Trace> trace_;
  std::string message_first_query_id_;  // the first statement of a multi-statement Query
  std::string trace_prefix_;            // query ids: this random prefix and a count
  uint64_t trace_count_ = 0;
  uint64_t bytes_flushed_ = 0;
  std::string org_label_;      // the database as a metrics label
  std::mutex activity_mutex_;  // guards the activity fields below
  std::string activity_query_, activity_command_, activity_application_name_;
  bool activity_active_ = false;
  bool activity_failed_ = false;  // the open transaction failed
  std::chrono::system_clock::time_point backend_start_, query_start_, state_change_;
  std::optional<std::chrono::system_clock::time_point> xact_start_;

  // settings.cpp (SET / RESET / SHOW)
  bool handle_set(const sql::Statement& statement, Output output);
  void set_parameter(const std::string& name, const std::string& value);
  void publish_settings();
  // SELECT set_config(name, value, is_local): a SET that answers with the new value.
  bool handle_set_config(const sql::Statement& statement);
  void apply_timezone();

  // cursors.cpp (DECLARE / FETCH / MOVE / CLOSE)
  void handle_declare(const sql::Statement& statement);
  // `formats`: the result formats of the extended-protocol portal running the FETCH, which
  // take precedence over the cursor's own (DECLARE … BINARY).
  void handle_fetch(const sql::Statement& statement, Output output,
                    const std::vector<int16_t>* formats);
  void send_cursor_rows(Portal& cursor, uint64_t count, bool move, Output output,
                        const std::string& verb);
  void handle_close_cursor(const sql::Statement& statement);
  // SCROLL cursors: every row read at the first FETCH, then moved over both ways.
  void load_scroll_rows(Portal& cursor);
  void write_scroll_row(Portal& cursor, uint64_t row);
  void scroll_fetch(Portal& cursor, int direction, int64_t count, bool move,
                    const std::string& verb);

  // copy.cpp
  void handle_copy(const sql::Statement& statement);
  // COPY … TO 's3://<storage>/…' (DuckDB writes the file, the control plane uploads it), or (the server's own sessions) to a file of the duckling's tmp/.
  void copy_to_storage(const pg_query::CopyStmt& copy);
  // The query a COPY … TO reads, prepared and authorized as any other.
  std::shared_ptr<PreparedQuery> copy_source(const pg_query::CopyStmt& copy);

  // transaction_state.cpp: transaction blocks, savepoints, read-only and isolation modes.
  void handle_transaction_statement(const sql::Statement& statement);
  void begin_block(const pg_query::TransactionStmt* options);
  void end_block(bool commit, bool chain);
  void handle_savepoint(const pg_query::TransactionStmt& statement);
  // Rolls DuckDB's transaction back to savepoint `index` by making the earlier writes again.
  void rollback_to_savepoint(size_t index);
  // Why the column defaults a write uses would differ when it is made again ("" if not).
  std::string unrepeatable_defaults(const sql::Statement& statement);
  // transaction_read_only / transaction_isolation for the open transaction (published).
  void set_transaction_modes(const std::string& read_only, const std::string& isolation);
  // Outside a block the transaction_* settings show the session's defaults.
  void sync_transaction_settings();
  // The implicit transaction ended (its log and savepoints go).
  void end_transaction_state();
  // A statement ran in the open transaction: its writes are logged for ROLLBACK TO SAVEPOINT.
  void note_transaction_statement(const Portal& portal);
  void note_transaction_script(const PreparedQuery& query);
  // A session-run write that cannot be repeated (COPY FROM STDIN, role statements).
  void note_transaction_session_write(const sql::Statement& statement, const std::string& why);
  void log_write(LoggedWrite write);
  // 25006 for a write in a READ ONLY transaction (or session default).
  void refuse_write_in_read_only_transaction(const sql::Statement& statement);
  // 0A000 for LISTEN, NOTIFY, pg_notify(), LOCK and FOR UPDATE/SHARE (DuckDB has no locks).
  void refuse_unsupported_statement(const sql::Statement& statement);
  // UNLISTEN: the no-op it is when nothing can listen.
  bool handle_unlisten(const sql::Statement& statement, Output output);
  // Before a SET of a known parameter: remembers its value for ROLLBACK (and COMMIT, when
  // LOCAL); false when it must have no effect (SET LOCAL outside a transaction block).
  bool begin_setting(const std::string& name, bool local);
  // Undoes the SETs after the first `keep` of the transaction (COMMIT: only LOCAL ones).
  void undo_settings(size_t keep, bool committed);
  std::vector<std::pair<std::string, std::string>> settings_to_restore(size_t keep, bool committed);
  void restore_settings(const std::vector<std::pair<std::string, std::string>>& restore);

  // data_modifying_with.cpp: WITH d AS (INSERT/UPDATE/DELETE … RETURNING …) … (sql/rewrite_dml.h;
  // the gateway prepares the steps). Runs the steps before the statement (in one transaction
  // with it), keeping their rows.
  void run_modifying_steps(PreparedQuery& query);

  // sql_prepare.cpp: PREPARE … AS and EXECUTE (false: not one of them).
  bool handle_sql_prepare(const sql::Statement& statement, Portal* portal, Output output);
  // The prepared query with $n replaced by args[n-1] (NULL when missing), cast to its type.
  pg_query::Node substitute_parameters(const pg_query::PrepareStmt& prepare,
                                       const std::vector<const pg_query::Node*>& args);

  ServerServices services_;
  std::unique_ptr<Channel> channel_;
  WriteBuffer out_;
  int32_t process_id_;
  int32_t secret_key_;
  std::string peer_;
  std::string actor_;
  bool system_ = false;  // the server's own session (ingestion): no sandbox or role checks  // who
                         // the audit log names, when not the SQL user (the API's sessions)
  std::optional<SqlError> refusal_;
  std::string user_;
  std::string database_;
  bool superuser_ = false;
  std::string access_mode_;  // unrestricted | project_reader | project_user (org users)
  std::string team_schema_;  // the team a project_* user is bound to
  bool admitted_ = false;
  std::string bound_database_;  // guarded by run_mutex_  // counted in the warehouse's sessions
                                // (left in the destructor)
  std::shared_ptr<warehouse::Warehouse> warehouse_;
  std::unique_ptr<WorkerLink> worker_;  // set when a worker runs the session (relay mode)
  std::atomic<bool> relay_abort_{false};
  // For cancels (relay.cpp): ReadyForQuery messages passed to the client, and those it awaits
  // (the one after startup, one per Query, Sync and FunctionCall, one for a started Sync-unit).
  std::atomic<uint64_t> relay_ready_seen_{0};
  std::atomic<uint64_t> relay_ready_awaited_{0};
  std::atomic<bool> relay_cancel_wanted_{false};  // the relay thread decides (client bytes unread)
  sql::SessionSettings settings_;
  // The statement pipeline on the bound duckling (set by open_session; none while relaying).
  std::unique_ptr<gateway::Engine> engine_;
  duck::Connection& connection() { return engine_->connection(); }
  EncodeOptions encode_options_;

  std::atomic<bool> ready_for_queries_{false};  // startup done: parameter changes are reported
  TxnStatus txn_ = TxnStatus::kIdle;
  TransactionState transaction_;     // the open transaction's log and savepoints
  bool warned_serializable_ = false;  // SERIALIZABLE's snapshot isolation was pointed out
  bool implicit_txn_ = false;     // a transaction the server opened for a message/pipeline
  bool skip_until_sync_ = false;  // after an error in the extended protocol
  std::map<std::string, std::shared_ptr<PreparedQuery>> statements_;
  std::map<std::string, Portal> portals_;
  std::map<std::string, Portal> cursors_;
  std::unordered_map<std::string, std::shared_ptr<PreparedQuery>> query_cache_;  // simple Query
  Portal* streaming_ = nullptr;                    // the portal whose DuckDB result streams now
  bool schema_changed_in_txn_ = false;
  bool auth_changed_in_txn_ = false;  // a role statement ran in the open transaction

  std::mutex run_mutex_;  // guards running_ against cancel()
  bool running_ = false;
  std::chrono::steady_clock::time_point running_since_;
  std::atomic<int64_t> statement_timeout_ms_{0};
  bool timed_out_ = false;   // the interrupt came from statement_timeout
  // A CancelRequest for the statement in progress: it may arrive before DuckDB runs it (while
  // the statement is parsed, prepared or queued), when an interrupt would be lost, so it stays
  // until ReadyForQuery and stops whatever of the statement runs next.
  bool busy_ = false;            // a statement message arrived and ReadyForQuery is not sent
  bool cancel_pending_ = false;  // guarded by run_mutex_, like busy_
  uint64_t ready_sent_ = 0;      // ReadyForQuery messages written (the one after startup too)
  uint64_t cancel_until_ = 0;    // a cancel stands until ReadyForQuery number cancel_until_
  // When the statement (or protocol message) in progress arrived: statement_timeout counts
  // from there, not from when DuckDB starts it (parsing, preparing and waiting count too).
  std::optional<std::chrono::steady_clock::time_point> statement_since_;
  // Under run_mutex_: a cancel of the statement that ReadyForQuery number `until_ready` ends
  // (0: the one in progress, if any).
  void cancel_locked(uint64_t until_ready);
  bool terminated_ = false;  // pg_terminate_backend (guarded by run_mutex_)
  bool fatal_sent_ = false;  // the session's last word is out
  std::atomic<bool> stop_requested_{false};
};

// Live sessions by process id, for CancelRequest and shutdown; thread-safe.
class SessionRegistry {
 public:
  bool add(Session* s, size_t max_sessions);
  void remove(Session* s);
  // The session took the process id its trusted startup gave it (inside a worker).
  void renumber(Session* s, int32_t old_process_id);
  void cancel(int32_t pid, int32_t key, uint64_t until_ready = 0);
  // The server's own work running as process `pid` outside any session (pgwire/internal_run):
  // it may signal every session of its database.
  void add_internal_caller(int32_t pid);
  void remove_internal_caller(int32_t pid);
  void request_stop_all();
  // Ends the sessions of `database` (its duckling is being deleted): 57P01 to their clients.
  void terminate_database(const std::string& database);
  void interrupt_all();
  void check_timeouts();
  size_t size();
  // The sessions bound to `database` (every one when empty), and the same as JSON for
  // pg_stat_activity (warehouse::SessionDirectory).
  std::vector<SessionActivity> activity(const std::string& database);
  std::string activity_json(const std::string& database);
  // pg_cancel_backend / pg_terminate_backend (`action` cancel | terminate) of session `pid`
  // of `database` on behalf of session `caller`: false when there is no such session,
  // SqlError 42501 when the caller may not.
  bool signal(const std::string& database, int32_t pid, int32_t caller, const std::string& action);
  // Waits until no session is left or the deadline passes; returns true if empty.
  bool wait_empty(std::chrono::milliseconds timeout);

 private:
  std::mutex mutex_;
  std::condition_variable empty_;
  std::map<int32_t, Session*> sessions_;
  std::set<int32_t> internal_callers_;
};

// COPY … TO a file or storage (copy.cpp): the query it reads (a SELECT of the table's columns
// for COPY table TO), and the options DuckDB's COPY TO takes as its option list
// (" (FORMAT parquet, COMPRESSION 'zstd')"); others are refused by name.
std::string copy_source_query(const pg_query::CopyStmt& copy);
std::string storage_copy_options(const pg_query::CopyStmt& copy);

}  // namespace ducklings::pgwire
