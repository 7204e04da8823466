// Transaction blocks as PostgreSQL runs them, on DuckDB's transactions:
//  - BEGIN / START TRANSACTION with their modes, COMMIT, ROLLBACK, … AND CHAIN;
//  - savepoints: DuckDB has none, so the session logs the writes made since BEGIN (with their
//    parameters); ROLLBACK TO SAVEPOINT rolls DuckDB's transaction back, begins a new one and
//    makes again the writes made before the savepoint. Reads are not repeated. A write that
//    could come out differently the second time (now(), random(), nextval(), a volatile column
//    default, COPY's data) makes ROLLBACK TO fail with 0A000 and the transaction aborted, rather
//    than restore something else. Sequences are not rolled back, in DuckDB as in PostgreSQL.
//  - READ ONLY transactions and sessions: writes fail with 25006 as in PostgreSQL;
//  - isolation levels: DuckDB runs every transaction with snapshot isolation; SHOW answers the
//    level asked for, as PostgreSQL does for READ UNCOMMITTED (which it runs as READ COMMITTED),
//    and SERIALIZABLE warns that it runs as snapshot isolation (docs/postgres-compatibility.md).
#include "pgwire/transaction_state.h"

#include <algorithm>
#include <cctype>

#include "pgwire/session.h"
#include "sql/error_mapping.h"
#include "sql/quoting.h"
#include "sql/tree_walk.h"

namespace ducklings::pgwire {
namespace {

// The log of a transaction is given up beyond this (a bulk load in one transaction): its
// ROLLBACK TO SAVEPOINT then fails clearly instead of holding every row in memory.
constexpr size_t kMaxLoggedBytes = 64u << 20;
constexpr size_t kMaxLoggedWrites = 100000;

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

std::string function_name(const pg_query::FuncCall& call) {
  const auto& names = call.funcname();
  if (names.empty() || !names[names.size() - 1].has_string()) return "";
  return lower(names[names.size() - 1].string().sval());
}

// Functions whose value changes between two runs of the same statement in one transaction
// (DuckDB's now() is its transaction's start, and ROLLBACK TO starts a new transaction).
bool volatile_function(const std::string& name, int args) {
  static const char* const kNames[] = {
      "now",           "transaction_timestamp", "statement_timestamp", "clock_timestamp",
      "timeofday",     "current_timestamp",     "current_date",        "current_time",
      "localtime",     "localtimestamp",        "get_current_timestamp", "get_current_time",
      "today",         "random",                "random_normal",       "setseed",
      "gen_random_uuid", "uuid",                "uuidv4",              "uuid_generate_v1",
      "uuid_generate_v1mc", "uuid_generate_v4", "nextval",             "setval",
      "currval",       "lastval",               "txid_current",        "pg_current_xact_id",
      "txid_current_if_assigned", "pg_current_xact_id_if_assigned"};
  if (name == "age" && args == 1) return true;  // age(x) counts from current_date
  return std::find_if(std::begin(kNames), std::end(kNames),
                      [&](const char* n) { return name == n; }) != std::end(kNames);
}

bool is_clock_literal(const std::string& s) {
  std::string v = lower(s);
  v.erase(std::remove_if(v.begin(), v.end(), [](unsigned char c) { return std::isspace(c); }),
          v.end());
  return v == "now" || v == "today" || v == "tomorrow" || v == "yesterday";
}

pg_query::Node& mutable_root(const sql::Statement& s) {
  // The walks below only read; tree_walk takes a mutable message.
  return const_cast<pg_query::Node&>(*sql::root_node(s));
}

// Whether the tree holds a data-modifying statement below its root (WITH x AS (INSERT …)).
bool has_modifying_cte(const pg_query::Node& root) {
  if (!root.has_select_stmt() || !root.select_stmt().has_with_clause()) return false;
  for (const auto& cte : root.select_stmt().with_clause().ctes()) {
    if (!cte.has_common_table_expr()) continue;
    const auto& q = cte.common_table_expr().ctequery();
    if (q.has_insert_stmt() || q.has_update_stmt() || q.has_delete_stmt() || q.has_merge_stmt())
      return true;
  }
  return false;
}

std::string locking_command(const pg_query::SelectStmt& select) {
  if (select.locking_clause_size() == 0) return "";
  const auto& c = select.locking_clause(0).locking_clause();
  switch (c.strength()) {
    case pg_query::LCS_FORKEYSHARE: return "SELECT FOR KEY SHARE";
    case pg_query::LCS_FORSHARE: return "SELECT FOR SHARE";
    case pg_query::LCS_FORNOKEYUPDATE: return "SELECT FOR NO KEY UPDATE";
    default: return "SELECT FOR UPDATE";
  }
}

// What a read-only transaction refuses in a query (a SELECT, or the query of DECLARE or
// EXPLAIN ANALYZE), in the order PostgreSQL's executor checks it.
std::string query_violation(const pg_query::Node& q) {
  if (q.has_insert_stmt()) return "INSERT";
  if (q.has_update_stmt()) return "UPDATE";
  if (q.has_delete_stmt()) return "DELETE";
  if (q.has_merge_stmt()) return "MERGE";
  if (!q.has_select_stmt()) return "";
  const auto& select = q.select_stmt();
  if (select.has_into_clause()) return "SELECT INTO";
  if (has_modifying_cte(q)) return "SELECT";
  std::string lock = locking_command(select);
  if (!lock.empty()) return lock;
  std::string found;
  sql::walk_nodes(const_cast<pg_query::Node&>(q), [&](pg_query::Node& n) {
    if (!found.empty() || !n.has_func_call()) return;
    std::string name = function_name(n.func_call());
    if (name == "nextval" || name == "setval") found = name + "()";
  });
  return found;
}

}  // namespace

std::string unrepeatable_reason(const sql::Statement& statement) {
  if (!sql::root_node(statement)) return "";
  std::string reason;
  sql::walk_nodes(mutable_root(statement), [&](pg_query::Node& n) {
    if (!reason.empty()) return;
    if (n.has_func_call()) {
      std::string name = function_name(n.func_call());
      if (volatile_function(name, n.func_call().args_size())) reason = "it calls " + name + "()";
    } else if (n.has_sqlvalue_function()) {
      int op = n.sqlvalue_function().op();
      if (op >= pg_query::SVFOP_CURRENT_DATE && op <= pg_query::SVFOP_LOCALTIMESTAMP_N)
        reason = "it reads the current date or time";
    } else if (n.has_a_const() && n.a_const().has_sval() &&
               is_clock_literal(n.a_const().sval().sval())) {
      reason = "it reads the current date or time ('" + n.a_const().sval().sval() + "')";
    }
  });
  return reason;
}

std::string read_only_violation(const sql::Statement& statement) {
  const pg_query::Node* root = sql::root_node(statement);
  if (!root) {
    // A DuckDB-dialect statement: only its kind is known.
    return statement.kind == sql::StatementKind::kQuery || statement.kind == sql::StatementKind::kEmpty
               ? ""
               : statement.tag;
  }
  using N = pg_query::Node;
  switch (root->node_case()) {
    case N::kSelectStmt:
    case N::kInsertStmt:
    case N::kUpdateStmt:
    case N::kDeleteStmt:
    case N::kMergeStmt:
      return query_violation(*root);
    case N::kDeclareCursorStmt:
      return query_violation(root->declare_cursor_stmt().query());
    case N::kExplainStmt: {
      for (const auto& o : root->explain_stmt().options()) {
        if (!o.has_def_elem() || o.def_elem().defname() != "analyze") continue;
        const auto& d = o.def_elem();
        bool off = d.has_arg() && ((d.arg().has_string() && lower(d.arg().string().sval()) == "off") ||
                                   (d.arg().has_a_const() && d.arg().a_const().has_boolval() &&
                                    !d.arg().a_const().boolval().boolval()));
        if (!off) return query_violation(root->explain_stmt().query());
      }
      return "";
    }
    case N::kCopyStmt: {
      const auto& copy = root->copy_stmt();
      if (copy.is_from()) return "COPY FROM";
      return copy.has_query() ? query_violation(copy.query()) : "";
    }
    case N::kLockStmt:
      // Modes stronger than ROW EXCLUSIVE (3) would block writers: PostgreSQL refuses them.
      return root->lock_stmt().mode() > 3 ? "LOCK TABLE" : "";
    case N::kTransactionStmt:
    case N::kVariableSetStmt:
    case N::kVariableShowStmt:
    case N::kFetchStmt:
    case N::kClosePortalStmt:
    case N::kPrepareStmt:
    case N::kDeallocateStmt:
    case N::kDiscardStmt:
    case N::kListenStmt:
    case N::kUnlistenStmt:
    case N::kNotifyStmt:
    case N::kVacuumStmt:
    case N::kClusterStmt:
    case N::kReindexStmt:
    case N::kCheckPointStmt:
    case N::kLoadStmt:
    case N::kConstraintsSetStmt:
    case N::kDoStmt:
    case N::kCallStmt:
      return "";
    case N::kExecuteStmt:  // what it runs is checked as it runs (sql_prepare.cpp)
      return "";
    default:
      return statement.tag;
  }
}

bool writes_data(const sql::Statement& statement) {
  if (!statement.read_only) return true;
  const pg_query::Node* root = sql::root_node(statement);
  return root && has_modifying_cte(*root);
}

bool volatile_default(const std::string& default_text) {
  std::string d = lower(default_text);
  static const char* const kMarks[] = {"nextval",    "now(",        "random",     "uuid",
                                       "current_",   "localtime",   "_timestamp", "today",
                                       "setseed",    "currval",     "lastval",    "txid"};
  return std::any_of(std::begin(kMarks), std::end(kMarks),
                     [&](const char* m) { return d.find(m) != std::string::npos; });
}

// ---- Session: transaction statements ----

void Session::handle_transaction_statement(const sql::Statement& st) {
  const auto& t = sql::root_node(st)->transaction_stmt();
  switch (t.kind()) {
    case pg_query::TRANS_STMT_BEGIN:
    case pg_query::TRANS_STMT_START:
      begin_block(&t);
      write_command_complete(out_,
                             t.kind() == pg_query::TRANS_STMT_START ? "START TRANSACTION" : "BEGIN");
      return;
    case pg_query::TRANS_STMT_COMMIT:
    case pg_query::TRANS_STMT_ROLLBACK:
      end_block(t.kind() == pg_query::TRANS_STMT_COMMIT, t.chain());
      return;
    case pg_query::TRANS_STMT_SAVEPOINT:
    case pg_query::TRANS_STMT_RELEASE:
    case pg_query::TRANS_STMT_ROLLBACK_TO:
      handle_savepoint(t);
      return;
    default:
      // PREPARE TRANSACTION and friends: PostgreSQL's default max_prepared_transactions = 0.
      throw SqlError("55000", "prepared transactions are disabled", 0, "",
                     "duckgres does not support two-phase commit.");
  }
}

void Session::begin_block(const pg_query::TransactionStmt* t) {
  if (txn_ != TxnStatus::kIdle) {
    write_error(out_, {"WARNING", "25001", "there is already a transaction in progress"}, true);
    return;
  }
  if (implicit_txn_) {
    implicit_txn_ = false;  // the implicit transaction becomes the explicit block (keeps its log)
  } else {
    before_duckdb_call();
    connection().query("BEGIN TRANSACTION");
    transaction_.clear();
  }
  txn_ = TxnStatus::kInBlock;
  std::string read_only = *settings_.get("default_transaction_read_only");
  std::string isolation = *settings_.get("default_transaction_isolation");
  bool asked = false;
  if (t) {
    for (const auto& o : t->options()) {
      if (!o.has_def_elem() || !o.def_elem().has_arg()) continue;
      const auto& d = o.def_elem();
      const auto& a = d.arg();
      if (d.defname() == "transaction_read_only" && a.has_a_const() && a.a_const().has_ival()) {
        read_only = a.a_const().ival().ival() ? "on" : "off";
      } else if (d.defname() == "transaction_isolation" && a.has_a_const() &&
                 a.a_const().has_sval()) {
        isolation = lower(a.a_const().sval().sval());
        asked = true;
      }
    }
  }
  set_transaction_modes(read_only, isolation);
  if (isolation == "serializable" && (asked || !warned_serializable_)) {
    warned_serializable_ = true;
    write_error(out_,
                {"WARNING", "01000",
                 "SERIALIZABLE runs as snapshot isolation (REPEATABLE READ) in duckgres", "",
                 "Write skew between concurrent transactions is not detected; conflicting "
                 "writes to the same rows still fail with 40001."},
                true);
  }
}

void Session::set_transaction_modes(const std::string& read_only, const std::string& isolation) {
  if (*settings_.get("transaction_read_only") == read_only &&
      *settings_.get("transaction_isolation") == isolation) {
    return;
  }
  settings_.set("transaction_read_only", read_only);
  settings_.set("transaction_isolation", isolation);
  publish_settings();
}

void Session::sync_transaction_settings() {
  // Outside a block every statement is its own transaction, with the session's defaults.
  if (txn_ != TxnStatus::kIdle) return;
  settings_.set("transaction_read_only", *settings_.get("default_transaction_read_only"));
  settings_.set("transaction_isolation", *settings_.get("default_transaction_isolation"));
}

void Session::end_block(bool commit, bool chain) {
  const char* tag = commit ? "COMMIT" : "ROLLBACK";
  if (txn_ == TxnStatus::kIdle && !implicit_txn_) {
    if (chain) {
      throw SqlError("25P01", std::string(tag) + " AND CHAIN can only be used in transaction blocks");
    }
    write_error(out_, {"WARNING", "25P01", "there is no transaction in progress"}, true);
    write_command_complete(out_, tag);
    return;
  }
  bool was_failed = txn_ == TxnStatus::kFailed;
  std::string read_only = *settings_.get("transaction_read_only");
  std::string isolation = *settings_.get("transaction_isolation");
  bool committed = commit && !was_failed;
  // SETs of the transaction are undone once DuckDB's transaction has ended (an aborted one
  // would refuse publishing them).
  auto restore = settings_to_restore(0, committed);
  keep_only_holdable_streams();
  before_duckdb_call();
  txn_ = TxnStatus::kIdle;
  implicit_txn_ = false;
  close_portals(true);
  note_transaction_end();
  transaction_.clear();
  if (!commit || was_failed) engine_->forget_catalog_snapshot();
  connection().query(committed ? "COMMIT" : "ROLLBACK");
  note_data_change();
  restore_settings(restore);
  if (chain) {
    // A new transaction with the same modes.
    connection().query("BEGIN TRANSACTION");
    txn_ = TxnStatus::kInBlock;
    set_transaction_modes(read_only, isolation);
  } else {
    set_transaction_modes(*settings_.get("default_transaction_read_only"),
                          *settings_.get("default_transaction_isolation"));
  }
  write_command_complete(out_, committed ? "COMMIT" : "ROLLBACK");
}

void Session::end_transaction_state() {
  transaction_.clear();
  if (txn_ == TxnStatus::kIdle) {
    set_transaction_modes(*settings_.get("default_transaction_read_only"),
                          *settings_.get("default_transaction_isolation"));
  }
}

// ---- settings: SET is transactional in PostgreSQL ----

bool Session::begin_setting(const std::string& name, bool local) {
  if (txn_ == TxnStatus::kIdle) {
    if (!local) return true;
    write_error(out_, {"WARNING", "25P01", "SET LOCAL can only be used in transaction blocks"},
                true);
    return false;
  }
  std::optional<std::string> before = settings_.get(name);
  std::string key = lower(name);
  // The transaction's own modes have their own rules (begin_block, end_block).
  if (before && key != "transaction_read_only" && key != "transaction_isolation") {
    transaction_.settings.push_back({key, *before, local});
  }
  return true;
}

void Session::undo_settings(size_t keep, bool committed) {
  restore_settings(settings_to_restore(keep, committed));
}

void Session::restore_settings(const std::vector<std::pair<std::string, std::string>>& restore) {
  for (const auto& [name, value] : restore) {
    if (settings_.get(name) != value) set_parameter(name, value);
  }
}

std::vector<std::pair<std::string, std::string>> Session::settings_to_restore(size_t keep,
                                                                              bool committed) {
  auto& changes = transaction_.settings;
  std::vector<std::pair<std::string, std::string>> restore;  // name, value
  if (changes.size() <= keep) return restore;
  if (!committed) {
    // ROLLBACK (TO SAVEPOINT): every change since, newest first.
    for (size_t i = changes.size(); i-- > keep;) restore.emplace_back(changes[i].name, changes[i].before);
  } else {
    // COMMIT: a parameter whose last change was LOCAL returns to its value before its first
    // LOCAL change after the last plain SET.
    std::vector<std::string> names;
    for (const auto& c : changes) {
      if (std::find(names.begin(), names.end(), c.name) == names.end()) names.push_back(c.name);
    }
    for (const auto& name : names) {
      std::optional<size_t> first_local;
      for (size_t i = 0; i < changes.size(); ++i) {
        if (changes[i].name != name) continue;
        if (!changes[i].local) {
          first_local.reset();
        } else if (!first_local) {
          first_local = i;
        }
      }
      if (first_local) restore.emplace_back(name, changes[*first_local].before);
    }
  }
  changes.resize(keep);
  return restore;
}

// ---- savepoints ----

void Session::handle_savepoint(const pg_query::TransactionStmt& t) {
  auto kind = t.kind();
  const char* what = kind == pg_query::TRANS_STMT_SAVEPOINT ? "SAVEPOINT"
                     : kind == pg_query::TRANS_STMT_RELEASE ? "RELEASE SAVEPOINT"
                                                            : "ROLLBACK TO SAVEPOINT";
  // Not in an implicit transaction either (several statements in one Query, a pipeline).
  if (txn_ == TxnStatus::kIdle) {
    throw SqlError("25P01", std::string(what) + " can only be used in transaction blocks");
  }
  if (txn_ == TxnStatus::kFailed && kind != pg_query::TRANS_STMT_ROLLBACK_TO) {
    throw SqlError("25P02",
                   "current transaction is aborted, commands ignored until end of transaction "
                   "block");
  }
  const std::string& name = t.savepoint_name();
  auto& points = transaction_.savepoints;
  if (kind == pg_query::TRANS_STMT_SAVEPOINT) {
    Savepoint s;
    s.name = name;
    s.writes = transaction_.writes.size();
    s.settings = transaction_.settings.size();
    for (const auto& [cursor, portal] : cursors_) s.cursors.push_back(cursor);
    points.push_back(std::move(s));
    write_command_complete(out_, "SAVEPOINT");
    return;
  }
  // The innermost savepoint of that name (names may repeat).
  auto it = std::find_if(points.rbegin(), points.rend(),
                         [&](const Savepoint& s) { return s.name == name; });
  if (it == points.rend()) throw SqlError("3B001", "savepoint \"" + name + "\" does not exist");
  size_t index = static_cast<size_t>(points.rend() - it) - 1;
  if (kind == pg_query::TRANS_STMT_RELEASE) {
    points.resize(index);
    write_command_complete(out_, "RELEASE");
    return;
  }
  rollback_to_savepoint(index);
  undo_settings(points[index].settings, false);
  points.resize(index + 1);
  txn_ = TxnStatus::kInBlock;
  write_command_complete(out_, "ROLLBACK");
}

void Session::rollback_to_savepoint(size_t index) {
  const Savepoint& point = transaction_.savepoints[index];
  size_t keep = point.writes;
  // Cursors declared after the savepoint close, as PostgreSQL closes them.
  for (auto c = cursors_.begin(); c != cursors_.end();) {
    if (std::find(point.cursors.begin(), point.cursors.end(), c->first) == point.cursors.end()) {
      if (streaming_ == &c->second) streaming_ = nullptr;
      c = cursors_.erase(c);
    } else {
      ++c;
    }
  }
  before_duckdb_call();
  if (transaction_.writes.size() == keep) {
    // Nothing was written since the savepoint: DuckDB's transaction holds the savepoint's state
    // unless a failed statement aborted it.
    try {
      connection().query("SELECT 1");
      return;
    } catch (const duck::DuckError&) {
    }
  }
  auto refuse = [&](const std::string& why, const std::string& statement) {
    txn_ = TxnStatus::kFailed;
    throw SqlError("0A000",
                   "ROLLBACK TO SAVEPOINT cannot restore this transaction: " + why, 0,
                   statement.empty() ? "" : "The statement: " + statement,
                   "duckgres emulates savepoints by repeating the transaction's earlier writes. "
                   "Roll back the whole transaction (ROLLBACK) and run it again.");
  };
  if (!transaction_.log_lost.empty()) refuse(transaction_.log_lost, "");
  for (size_t i = 0; i < keep; ++i) {
    const LoggedWrite& w = transaction_.writes[i];
    std::string why = w.unrepeatable.empty() ? unrepeatable_reason(w.query->statement)
                                             : w.unrepeatable;
    if (!why.empty()) {
      refuse("a write made before the savepoint cannot be repeated exactly: " + why,
             w.query->statement.text);
    }
  }
  // Undo everything, then make the writes before the savepoint again.
  connection().query("ROLLBACK");
  engine_->forget_catalog_snapshot();
  query_cache_.clear();
  connection().query("BEGIN TRANSACTION");
  if (warehouse_) warehouse_->schema_changed();
  note_data_change();
  struct Replaying {
    bool& flag;
    explicit Replaying(bool& f) : flag(f) { flag = true; }
    ~Replaying() { flag = false; }
  } replaying(transaction_.replaying);
  for (size_t i = 0; i < keep; ++i) {
    LoggedWrite& w = transaction_.writes[i];
    PreparedQuery& q = *w.query;
    try {
      std::string why = unrepeatable_defaults(q.statement);
      if (!why.empty()) {
        refuse("a write made before the savepoint cannot be repeated exactly: " + why,
               q.statement.text);
      }
      RunningScope running(*this);
      if (!q.script.empty()) {
        for (const auto& text : q.script) connection().query(text);
        continue;
      }
      Portal p;
      p.query = w.query;
      p.parameters = w.parameters;
      p.parameter_formats = w.parameter_formats;
      q.data_generation = UINT64_MAX;  // prepare it again: its tables may have been rolled back
      start_portal(p);
      drain_stream(p);
      if (streaming_ == &p) streaming_ = nullptr;
    } catch (const SqlError&) {
      txn_ = TxnStatus::kFailed;
      throw;
    } catch (const std::exception& e) {
      txn_ = TxnStatus::kFailed;
      SqlError mapped = map_error(e);
      throw SqlError(mapped.sqlstate(),
                     "ROLLBACK TO SAVEPOINT could not repeat the transaction's earlier writes: " +
                         std::string(mapped.what()),
                     0, "The statement: " + q.statement.text,
                     "Roll back the whole transaction (ROLLBACK) and run it again.");
    }
  }
  transaction_.writes.resize(keep);
  size_t bytes = 0;
  for (const auto& w : transaction_.writes) {
    bytes += w.query->statement.text.size();
    for (const auto& p : w.parameters) bytes += p ? p->size() : 0;
  }
  transaction_.logged_bytes = bytes;
}

std::string Session::unrepeatable_defaults(const sql::Statement& st) {
  const pg_query::Node* root = sql::root_node(st);
  if (!root) return "";
  const pg_query::RangeVar* target = nullptr;
  bool set_to_default = false;
  sql::walk_nodes(mutable_root(st), [&](pg_query::Node& n) {
    if (n.has_set_to_default()) set_to_default = true;
  });
  std::vector<std::string> listed;
  bool insert = root->has_insert_stmt();
  size_t row_width = 0;  // the width of INSERT … VALUES rows without a column list
  if (insert) {
    const auto& ins = root->insert_stmt();
    target = &ins.relation();
    for (const auto& c : ins.cols()) {
      if (c.has_res_target()) listed.push_back(lower(c.res_target().name()));
    }
    if (ins.cols_size() == 0 && ins.has_select_stmt() && ins.select_stmt().has_select_stmt() &&
        ins.select_stmt().select_stmt().values_lists_size() > 0) {
      const auto& first = ins.select_stmt().select_stmt().values_lists(0);
      row_width = first.has_list() ? static_cast<size_t>(first.list().items_size()) : 0;
    }
  } else if (set_to_default && root->has_update_stmt()) {
    target = &root->update_stmt().relation();
  } else if (root->has_merge_stmt()) {
    target = &root->merge_stmt().relation();
  }
  if (!target) return "";
  std::string schema = target->schemaname().empty() ? engine_->resolve_schema(target->relname(), false)
                       : target->schemaname() == "public" ? "main"
                                                          : target->schemaname();
  if (schema.empty()) return "";
  duck::Result r = connection().query(
      "SELECT lower(column_name), column_default FROM duckdb_columns() WHERE database_name = "
      "current_database() AND schema_name = " +
      sql::quote_literal(schema) + " AND table_name = " + sql::quote_literal(target->relname()) +
      " ORDER BY column_index");
  size_t columns = 0;
  std::vector<std::pair<std::string, std::string>> volatile_columns;  // name, default
  while (duck::DataChunk c = r.fetch()) {
    for (idx_t i = 0; i < c.size(); ++i, ++columns) {
      std::optional<std::string> def = c.varchar(1, i);
      if (def && volatile_default(*def)) volatile_columns.emplace_back(c.varchar(0, i).value_or(""), *def);
    }
  }
  for (const auto& [name, def] : volatile_columns) {
    bool defaulted;
    if (set_to_default || !insert) {
      defaulted = true;  // SET x = DEFAULT, MERGE: whichever column it is
    } else if (!listed.empty()) {
      defaulted = std::find(listed.begin(), listed.end(), name) == listed.end();
    } else {
      defaulted = row_width < columns;  // VALUES rows that give every column use no default
    }
    if (defaulted) return "column " + name + " defaults to " + def;
  }
  return "";
}

// ---- what the transaction logs ----

void Session::note_transaction_statement(const Portal& portal) {
  if (transaction_.replaying) return;
  if (txn_ == TxnStatus::kIdle && !implicit_txn_) return;
  const PreparedQuery& q = *portal.query;
  if (!writes_data(q.statement)) return;
  LoggedWrite w;
  w.query = portal.query;
  w.parameters = portal.parameters;
  w.parameter_formats = portal.parameter_formats;
  if (q.script.empty() && q.duck_text.empty()) {
    w.unrepeatable = "DuckDB ran part of it while preparing it";
  }
  log_write(std::move(w));
}

void Session::note_transaction_script(const PreparedQuery& q) {
  if (transaction_.replaying) return;
  if (txn_ == TxnStatus::kIdle && !implicit_txn_) return;
  // A script is DDL run as several DuckDB statements: its texts are all it takes to repeat it.
  LoggedWrite w;
  w.query = std::make_shared<PreparedQuery>();
  w.query->statement = q.statement;
  w.query->script = q.script;
  log_write(std::move(w));
}

void Session::note_transaction_session_write(const sql::Statement& st, const std::string& why) {
  if (txn_ == TxnStatus::kIdle && !implicit_txn_) return;
  LoggedWrite w;
  w.query = std::make_shared<PreparedQuery>();
  w.query->statement = st;
  w.unrepeatable = why;
  log_write(std::move(w));
}

void Session::log_write(LoggedWrite w) {
  if (!transaction_.log_lost.empty()) return;
  size_t bytes = w.query->statement.text.size();
  for (const auto& p : w.parameters) bytes += p ? p->size() : 0;
  transaction_.logged_bytes += bytes;
  if (transaction_.logged_bytes > kMaxLoggedBytes ||
      transaction_.writes.size() >= kMaxLoggedWrites) {
    transaction_.log_lost = "the transaction wrote too much to be repeated (over " +
                            std::to_string(kMaxLoggedWrites) + " statements or " +
                            std::to_string(kMaxLoggedBytes >> 20) + " MB of statements)";
    transaction_.writes.clear();
    transaction_.writes.shrink_to_fit();
    return;
  }
  transaction_.writes.push_back(std::move(w));
}

// ---- read-only transactions ----

void Session::refuse_write_in_read_only_transaction(const sql::Statement& st) {
  if (transaction_.replaying) return;
  const char* name =
      txn_ == TxnStatus::kIdle ? "default_transaction_read_only" : "transaction_read_only";
  if (*settings_.get(name) != "on") return;
  std::string command = read_only_violation(st);
  if (!command.empty()) {
    throw SqlError("25006", "cannot execute " + command + " in a read-only transaction");
  }
}

// ---- what DuckDB cannot do: notifications, row and table locks ----

void Session::refuse_unsupported_statement(const sql::Statement& st) {
  const pg_query::Node* root = sql::root_node(st);
  if (!root) return;
  const char* what = root->has_listen_stmt() ? "LISTEN" : root->has_notify_stmt() ? "NOTIFY" : nullptr;
  if (what) {
    throw SqlError("0A000", std::string(what) + " is not supported by duckgres", 0,
                   "duckgres has no asynchronous notifications (LISTEN/NOTIFY).",
                   "Poll a table for changes instead.");
  }
  bool locks = root->has_lock_stmt() ||
               (root->has_select_stmt() && root->select_stmt().locking_clause_size() > 0) ||
               (root->has_declare_cursor_stmt() && root->declare_cursor_stmt().query().has_select_stmt() &&
                root->declare_cursor_stmt().query().select_stmt().locking_clause_size() > 0);
  if (locks) {
    // A read-only transaction refuses them first, as PostgreSQL does.
    refuse_write_in_read_only_transaction(st);
    if (root->has_lock_stmt() && txn_ == TxnStatus::kIdle && !implicit_txn_) {
      throw SqlError("25P01", "LOCK TABLE can only be used in transaction blocks");
    }
    std::string command = root->has_lock_stmt() ? "LOCK TABLE" : "SELECT … FOR UPDATE/SHARE";
    throw SqlError("0A000", command + " is not supported by duckgres", 0,
                   "DuckDB has no row or table locks: transactions never wait for each other, and "
                   "a transaction that writes rows another one changed since it began fails with "
                   "40001.",
                   "Drop the locking clause and retry the transaction on 40001.");
  }
  // pg_notify() anywhere in the statement; the text test spares the walk almost always.
  static const std::string kNotify = "pg_notify";
  auto at = std::search(st.text.begin(), st.text.end(), kNotify.begin(), kNotify.end(),
                        [](char a, char b) { return std::tolower(static_cast<unsigned char>(a)) == b; });
  if (at == st.text.end()) return;
  bool found = false;
  sql::walk_nodes(mutable_root(st), [&](pg_query::Node& n) {
    if (n.has_func_call() && function_name(n.func_call()) == "pg_notify") found = true;
  });
  if (found) {
    throw SqlError("0A000", "pg_notify() is not supported by duckgres", 0,
                   "duckgres has no asynchronous notifications (LISTEN/NOTIFY).",
                   "Poll a table for changes instead.");
  }
}

bool Session::handle_unlisten(const sql::Statement& st, Output output) {
  const pg_query::Node* root = sql::root_node(st);
  if (!root || !root->has_unlisten_stmt()) return false;
  // Nothing is ever listened to, so there is nothing to stop: UNLISTEN is exact as a no-op.
  if (output == Output::kDescribe) {
    write_simple(out_, 'n');
  } else {
    write_command_complete(out_, "UNLISTEN");
  }
  return true;
}

}  // namespace ducklings::pgwire
