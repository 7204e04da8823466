#include "pgwire/session.h"

#include <openssl/rand.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <charconv>
#include <climits>
#include <cstdlib>

#include "metering/metrics.h"
#include "pgwire/text_result_encoder.h"
#include "gateway/text_parameters.h"
#include "sql/array_literal.h"
#include "sql/catalog.h"
#include "sql/error_mapping.h"
#include "sql/quoting.h"
#include "sql/rewrite.h"
#include "sql/rewrite_dml.h"

namespace ducklings::pgwire {
namespace {

using gateway::is_session_statement;
using gateway::kMaxColumns;
using gateway::refuse_too_complex;
using gateway::set_config_call;

std::atomic<int32_t> next_process_id{1000};
// A session that takes its process id from a trusted startup (inside a worker) holds a negative
// one until then, as do the worker's cancel and control connections: a positive id could be a
// relayed session's, whose registry entry it would replace (its cancels and statement_timeout
// then reached nobody).
std::atomic<int32_t> next_provisional_id{-1};
constexpr size_t kFlushThreshold = 256 * 1024;
constexpr size_t kQueryCacheSize = 256;

int16_t format_for(const std::vector<int16_t>& formats, size_t i) {
  if (formats.empty()) return 0;
  if (formats.size() == 1) return formats[0];
  return i < formats.size() ? formats[i] : 0;
}

}  // namespace

Session::Session(ServerServices services, int fd, std::string peer)
    : services_(services), channel_(std::make_unique<Channel>(fd)), peer_(std::move(peer)) {
  process_id_ = services_.worker_control ? next_provisional_id.fetch_sub(1)
                                         : next_process_id.fetch_add(1);
  backend_start_ = std::chrono::system_clock::now();
  if (RAND_bytes(reinterpret_cast<unsigned char*>(&secret_key_), sizeof(secret_key_)) != 1) {
    throw std::runtime_error("could not generate a cancel key");
  }
}

Session::~Session() {
  if (admitted_ && warehouse_) warehouse_->leave();
}

void Session::run() {
  try {
    bool ok = startup();
    flush();
    if (!ok) return;
    if (worker_) {
      relay();
      return;
    }
    while (true) {
      char type;
      std::string body;
      if (stop_requested_) {
        if (!fatal_sent_) {
          send_error(SqlError("57P01", "terminating connection due to administrator command"),
                     "FATAL");
        }
        flush();
        return;
      }
      if (!read_message(type, body)) {
        if (stop_requested_) continue;  // answers with the FATAL above
        return;
      }
      if (type == 'X') return;
      // Reads can still return what arrived after request_stop() shut them down (Linux keeps
      // queued data readable): such a message is not run.
      if (stop_requested_) continue;
      if (type != 'S' && type != 'H') {
        std::lock_guard lock(run_mutex_);
        busy_ = true;
        statement_since_ = std::chrono::steady_clock::now();
      }
      try {
        switch (type) {
          case 'Q': {
            skip_until_sync_ = false;
            handle_query(decode_query(body).sql);
            send_ready();
            flush();
            break;
          }
          case 'P':
            if (!skip_until_sync_) handle_parse(decode_parse(body));
            break;
          case 'B':
            if (!skip_until_sync_) handle_bind(decode_bind(body));
            break;
          case 'D':
            if (!skip_until_sync_) handle_describe(decode_describe(body));
            break;
          case 'E':
            if (!skip_until_sync_) handle_execute(decode_execute(body));
            break;
          case 'C':
            if (!skip_until_sync_) handle_close(decode_close(body));
            break;
          case 'H':
            flush();
            break;
          case 'S':
            skip_until_sync_ = false;
            handle_sync();
            send_ready();
            flush();
            break;
          case 'd':
          case 'c':
          case 'f':
            break;  // COPY messages outside COPY are ignored, as PostgreSQL does
          default:
            throw ProtocolError("invalid frontend message type " +
                                std::to_string(static_cast<unsigned char>(type)));
        }
      } catch (const ProtocolError&) {
        throw;
      } catch (const std::exception& e) {
        // An error in the extended protocol: report it, abort the transaction, skip to Sync.
        send_error(map_error(e, nullptr));
        if (implicit_txn_) end_implicit_transaction(false);
        if (txn_ == TxnStatus::kInBlock) txn_ = TxnStatus::kFailed;
        skip_until_sync_ = true;
      }
    }
  } catch (const SqlError& e) {
    // Protocol violations and startup failures end the session with a FATAL error.
    if (e.sqlstate() == "53300")
      metering::Metrics::global().add("duckgres_admission_rejects_total", {});
    try {
      send_error(e, "FATAL");
      flush();
    } catch (const std::exception&) {
    }
    if (e.sqlstate() == "08P01") spdlog::info("session {}: {}", process_id_, e.what());
  } catch (const std::exception& e) {
    spdlog::debug("session {} ended: {}", process_id_, e.what());
  }
}

bool Session::read_message(char& type, std::string& body) {
  std::string header;
  if (!channel_->read_exact(5, header)) return false;
  type = header[0];
  ReadBuffer in(std::string_view(header).substr(1));
  int32_t len = in.get_i32();
  if (len < 4) throw ProtocolError("invalid message length");
  if (static_cast<int64_t>(len) - 4 > services_.config.max_message_size) {
    throw ProtocolError("message of " + std::to_string(len) + " bytes exceeds the limit of " +
                        std::to_string(services_.config.max_message_size));
  }
  body.clear();
  if (len > 4 && !channel_->read_exact(static_cast<size_t>(len) - 4, body)) {
    throw ProtocolError("unexpected EOF within message");
  }
  return true;
}

void Session::flush() {
  bytes_flushed_ += out_.size();
  channel_->write(out_.data());
  out_.clear();
  // A large result grew the buffer; do not keep that memory while the session idles.
  if (out_.data().capacity() > 4 * kFlushThreshold) out_.data().shrink_to_fit();
}

void Session::maybe_flush() {
  if (out_.size() >= kFlushThreshold) flush();
}

void Session::send_error(const SqlError& e, const std::string& severity) {
  end_trace(&e);
  ErrorFields f;
  // pg_terminate_backend: the interrupted statement's error ends the session.
  f.severity = e.sqlstate() == "57P01" ? "FATAL" : severity;
  if (f.severity == "FATAL") fatal_sent_ = true;
  f.sqlstate = e.sqlstate();
  f.message = e.what();
  f.detail = e.detail();
  f.hint = e.hint();
  f.position = e.position();
  write_error(out_, f);
}

void Session::send_ready() {
  {
    std::lock_guard lock(run_mutex_);
    busy_ = false;
    statement_since_.reset();
    if (!fatal_sent_) ++ready_sent_;
    cancel_pending_ = ready_sent_ < cancel_until_;
  }
  if (fatal_sent_) return;  // the session is ending: no ReadyForQuery after FATAL
  write_ready_for_query(out_, static_cast<char>(txn_));
}

void Session::reject_in_failed_transaction(sql::StatementKind kind) const {
  // ROLLBACK TO SAVEPOINT too (handle_savepoint refuses SAVEPOINT and RELEASE).
  if (txn_ == TxnStatus::kFailed && kind != sql::StatementKind::kCommit &&
      kind != sql::StatementKind::kRollback && kind != sql::StatementKind::kSavepoint) {
    throw SqlError("25P02",
                   "current transaction is aborted, commands ignored until end of transaction "
                   "block");
  }
}

SqlError Session::map_error(const std::exception& e, const std::string* text, size_t offset) {
  if (auto* d = dynamic_cast<const duck::DuckError*>(&e)) {
    if (d->type() == DUCKDB_ERROR_INTERRUPT) {
      std::lock_guard lock(run_mutex_);
      if (timed_out_) return SqlError("57014", "canceling statement due to statement timeout");
      if (terminated_)
        return SqlError("57P01", "terminating connection due to administrator command");
    }
    return sql::to_sql_error(*d, text ? *text : std::string(), offset);
  }
  if (auto* s = dynamic_cast<const SqlError*>(&e)) {
    if (s->position() > 0 && text) {
      // Positions count within the statement; the client counts within its whole message.
      return SqlError(s->sqlstate(), s->what(), s->position() + static_cast<int>(offset),
                      s->detail(), s->hint());
    }
    return *s;
  }
  spdlog::warn("session {}: internal error: {}", process_id_, e.what());
  return SqlError("XX000", e.what());
}

// ---- simple query protocol ----

void Session::handle_query(const std::string& text) {
  try {
    check_text_encoding(text);  // UTF-8, the only server encoding
  } catch (const SqlError& e) {
    send_error(e);
    return;
  }
  std::vector<sql::StatementText> parts = sql::split_statements(text);
  if (parts.empty()) {
    write_empty_query_response(out_);
    return;
  }
  bool multi = parts.size() > 1;
  message_first_query_id_.clear();
  for (const auto& part : parts) {
    if (&part != &parts.front()) {  // each statement of the message has its statement_timeout
      std::lock_guard lock(run_mutex_);
      statement_since_ = std::chrono::steady_clock::now();
    }
    // Repeated statements skip parsing and planning: clients send the same text again and again.
    std::shared_ptr<PreparedQuery> cached;
    if (auto it = query_cache_.find(part.text); it != query_cache_.end()) cached = it->second;
    sql::Statement analyzed;
    if (!cached) analyzed = sql::analyze(part);
    const sql::Statement& st = cached ? cached->statement : analyzed;
    begin_trace(part.text, st.tag);
    // The message's other statements name its first as their parent (query log).
    if (multi && message_first_query_id_.empty() && trace_)
      message_first_query_id_ = trace_->query_id;
    try {
      reject_in_failed_transaction(st.kind);
      // Several statements in one Query run in one implicit transaction, as in PostgreSQL.
      if (multi && txn_ == TxnStatus::kIdle && !implicit_txn_ && !st.read_only &&
          st.kind != sql::StatementKind::kBegin && st.kind != sql::StatementKind::kCommit &&
          st.kind != sql::StatementKind::kRollback) {
        begin_implicit_transaction();
      }
      run_statement(st, cached);
    } catch (const ProtocolError&) {
      throw;
    } catch (const std::exception& e) {
      send_error(map_error(e, &part.text, part.offset));
      if (implicit_txn_) end_implicit_transaction(false);
      if (txn_ == TxnStatus::kInBlock) txn_ = TxnStatus::kFailed;
      close_portals(txn_ == TxnStatus::kIdle);
      message_first_query_id_.clear();
      return;
    }
    end_trace(nullptr);
    if (!st.read_only) note_data_change();
    maybe_flush();
  }
  message_first_query_id_.clear();
  if (implicit_txn_) end_implicit_transaction(true);
  if (txn_ == TxnStatus::kIdle) close_portals(true);
}

void Session::run_statement(const sql::Statement& statement,
                            std::shared_ptr<PreparedQuery> cached) {
  refuse_too_complex(statement);
  if (is_session_statement(statement)) {
    engine_->check_sandbox(statement);  // others: as they are prepared
    std::optional<sql::StatementAccess> access;
    authorize(statement, access);
    run_session_statement(statement, nullptr, Output::kBoth);
    return;
  }
  Portal portal;
  portal.query = cached ? std::move(cached) : prepare(statement, {});
  authorize(portal.query->as_written(), portal.query->access);
  if (!portal.query->script.empty()) {
    run_script(*portal.query);
    query_cache_.clear();
    return;
  }
  using K = sql::StatementKind;
  K kind = portal.query->statement.kind;
  if (portal.query->storage_statement) {
    // Reads storage objects: fetched again each time, and its copies' lease ends with it.
  } else if (kind == K::kQuery || kind == K::kInsert || kind == K::kUpdate ||
             kind == K::kDelete) {
    if (query_cache_.size() >= kQueryCacheSize) query_cache_.clear();
    query_cache_.emplace(portal.query->statement.text, portal.query);
  } else {
    query_cache_.clear();  // DDL and the like may change what cached plans mean
  }
  struct StreamGuard {  // the portal dies here; never leave streaming_ pointing at it
    Session* s;
    Portal* p;
    ~StreamGuard() {
      if (s->streaming_ == p) s->streaming_ = nullptr;
    }
  } guard{this, &portal};
  execute_portal(portal, 0, true);
  if (!portal.query->modifying_steps.empty()) {
    query_cache_.erase(portal.query->statement.text);  // its temp tables go now
    engine_->drop_modifying_tables(*portal.query);
  }
}

void Session::run_script(const PreparedQuery& q) {
  before_duckdb_call();
  if (txn_ == TxnStatus::kIdle && !implicit_txn_ && gateway::script_wants_transaction(q)) {
    begin_implicit_transaction();
  }
  RunningScope running(*this);
  std::string tag = engine_->run_script(q);
  note_schema_change();
  note_transaction_script(q);
  write_command_complete(out_, tag);
}

bool Session::run_session_statement(const sql::Statement& st, Portal* portal, Output output) {
  using K = sql::StatementKind;
  switch (st.kind) {
    case K::kEmpty:
      write_empty_query_response(out_);
      return true;
    case K::kBegin:
    case K::kCommit:
    case K::kRollback:
    case K::kSavepoint:
      handle_transaction_statement(st);  // transaction_state.cpp
      return true;
    case K::kCopy:
      if (portal) throw SqlError("0A000", "COPY is supported only in the simple query protocol");
      if (sql::root_node(st) && sql::root_node(st)->copy_stmt().is_from())
        note_transaction_session_write(st, "the rows COPY FROM read are not kept");
      handle_copy(st);
      return true;
    case K::kDeclareCursor:
      handle_declare(st);
      return true;
    case K::kFetch:
      handle_fetch(st, output, portal ? &portal->result_formats : nullptr);
      return true;
    case K::kCloseCursor:
      handle_close_cursor(st);
      return true;
    default:
      break;
  }
  if (const pg_query::FuncCall* call = set_config_call(st)) {
    const auto& name_arg = call->args(0).a_const();
    const auto& value_arg = call->args(1).a_const();
    if (!name_arg.has_sval() || (!value_arg.has_sval() && !value_arg.isnull())) {
      throw SqlError("22023", "set_config expects text arguments");
    }
    std::string column = sql::root_node(st)->select_stmt().target_list(0).res_target().name();
    if (column.empty()) column = "set_config";
    std::optional<std::string> result;
    if (!settings_.known(name_arg.sval().sval()))
      engine_->check_engine_setting(name_arg.sval().sval(), false);
    if (output != Output::kDescribe) {
      const std::string& name = name_arg.sval().sval();
      bool local = call->args(2).a_const().has_boolval() && call->args(2).a_const().boolval().boolval();
      std::optional<std::string> before = settings_.get(name);
      bool lasts = txn_ != TxnStatus::kIdle || !local;  // LOCAL outside a block: this statement only
      if (lasts) begin_setting(name, local);
      set_parameter(name, value_arg.has_sval() ? value_arg.sval().sval() : "");
      result = settings_.get(name);
      if (!lasts && before) set_parameter(name, *before);
    }
    send_synthetic({column}, {{result}}, "SELECT 1", output);
    return true;
  }
  if (gateway::is_role_statement(st)) {
    note_transaction_session_write(st, "role and grant statements are not repeated");
    if (output == Output::kDescribe) {
      write_simple(out_, 'n');
    } else if (sql::root_node(st)->has_alter_role_stmt()) {
      handle_alter_role(st);
    } else {
      handle_role_statement(st);
    }
    return true;
  }
  if (handle_unlisten(st, output)) return true;
  if (handle_sql_prepare(st, portal, output)) return true;
  return handle_set(st, output);
}

// ---- extended query protocol ----

std::shared_ptr<PreparedQuery> Session::prepare(sql::Statement statement,
                                                const std::vector<int32_t>& parameter_types) {
  refuse_unsupported_statement(statement);  // what the transaction's state refuses, first
  return engine_->prepare(std::move(statement), parameter_types);
}

void Session::handle_parse(const ParseMessage& m) {
  check_text_encoding(m.query);
  std::vector<sql::StatementText> parts = sql::split_statements(m.query);
  if (parts.size() > 1) {
    throw SqlError("42601", "cannot insert multiple commands into a prepared statement");
  }
  sql::StatementText text = parts.empty() ? sql::StatementText{"", 0} : parts[0];
  sql::Statement st = sql::analyze(text);
  reject_in_failed_transaction(st.kind);
  if (!m.statement.empty() && statements_.count(m.statement)) {
    throw SqlError("42P05", "prepared statement \"" + m.statement + "\" already exists");
  }
  auto q = prepare(std::move(st), m.parameter_types);
  statements_[m.statement] = std::move(q);
  write_simple(out_, '1');
}

void Session::handle_bind(const BindMessage& m) {
  auto it = statements_.find(m.statement);
  if (it == statements_.end()) {
    throw SqlError("26000", "prepared statement \"" + m.statement + "\" does not exist");
  }
  const auto& q = it->second;
  size_t expected = q->duck ? q->duck->parameter_count() : 0;
  if (m.parameters.size() != expected) {
    throw SqlError("08P01", "bind message supplies " + std::to_string(m.parameters.size()) +
                                " parameters, but prepared statement \"" + m.statement +
                                "\" requires " + std::to_string(expected));
  }
  if (!m.portal.empty() && portals_.count(m.portal)) {
    throw SqlError("42P03", "portal \"" + m.portal + "\" already exists");
  }
  reject_in_failed_transaction(q->statement.kind);
  if (auto old = portals_.find(m.portal); old != portals_.end()) {
    if (streaming_ == &old->second) streaming_ = nullptr;
    portals_.erase(old);
  }
  Portal& p = portals_[m.portal];
  p.query = q;
  p.parameters = m.parameters;
  p.parameter_formats = m.parameter_formats;
  p.result_formats = m.result_formats;
  write_simple(out_, '2');
}

void Session::describe_rows(const PreparedQuery& q, const std::vector<int16_t>& formats) {
  if (!q.returns_rows) {
    write_simple(out_, 'n');  // NoData
    return;
  }
  std::vector<FieldDescription> fields;
  for (size_t i = 0; i < q.column_names.size(); ++i) {
    PgType t = q.column_types[i].get() && q.column_types[i].id() != DUCKDB_TYPE_INVALID
                   ? pg_type_of(q.column_types[i].get())
                   : PgType{oid::kText, -1, -1};
    if (i < q.type_overrides.size() && q.type_overrides[i]) {
      t = {q.type_overrides[i], -1, i < q.typmod_overrides.size() ? q.typmod_overrides[i] : -1};
    }
    ColumnOrigin o = i < q.column_origins.size() ? q.column_origins[i] : ColumnOrigin{};
    fields.push_back({q.column_names[i], o.table_oid, o.attnum, t.oid, t.typlen, t.typmod,
                      format_for(formats, i)});
  }
  write_row_description(out_, fields);
}

void Session::handle_describe(const DescribeMessage& m) {
  if (m.kind == 'S') {
    auto it = statements_.find(m.name);
    if (it == statements_.end()) {
      throw SqlError("26000", "prepared statement \"" + m.name + "\" does not exist");
    }
    write_parameter_description(out_, it->second->parameter_types);
    if (it->second->statement.kind == sql::StatementKind::kFetch ||
        (!it->second->duck && it->second->returns_rows)) {
      // FETCH and SHOW describe themselves when run; a client describing them ahead
      // learns the columns from the portal.
      run_session_statement(it->second->statement, nullptr, Output::kDescribe);
      return;
    }
    describe_rows(*it->second, {});
    return;
  }
  auto it = portals_.find(m.name);
  if (it == portals_.end()) throw SqlError("34000", "portal \"" + m.name + "\" does not exist");
  Portal& p = it->second;
  if (!p.query->duck && p.query->returns_rows) {
    // Session statements that return rows (SHOW, FETCH) describe by running with describe-only.
    run_session_statement(p.query->statement, &p, Output::kDescribe);
    return;
  }
  if (p.query->returns_rows) {
    // DuckDB resolves some result types only with the parameter values (table functions
    // over parameters): describe the portal from its started result.
    ensure_started(p);
    describe_result(p);
    return;
  }
  describe_rows(*p.query, p.result_formats);
}

void Session::ensure_started(Portal& portal) {
  if (portal.started) return;
  const sql::Statement& st = portal.query->statement;
  // Statements up to Sync share one implicit transaction, so a pipeline is atomic.
  if (txn_ == TxnStatus::kIdle && !implicit_txn_ && !st.read_only) begin_implicit_transaction();
  RunningScope running(*this);
  start_portal(portal);
}

void Session::describe_result(Portal& portal) {
  std::vector<FieldDescription> fields;
  if (portal.query->explain) {
    fields.push_back({"QUERY PLAN", 0, 0, oid::kText, -1, -1, portal.column_formats[0]});
    write_row_description(out_, fields);
    return;
  }
  idx_t cols = portal.result.column_count();
  for (idx_t i = 0; i < cols; ++i) {
    duck::LogicalType t = portal.result.column_type(i);
    PgType pt = pg_type_of(t.get());
    const auto& overrides = portal.query->type_overrides;
    if (overrides.size() == cols && overrides[i]) {
      const auto& typmods = portal.query->typmod_overrides;
      pt = {overrides[i], -1, typmods.size() == cols ? typmods[i] : -1};
    }
    const auto& origins = portal.query->column_origins;
    ColumnOrigin o = origins.size() == cols ? origins[i] : ColumnOrigin{};
    fields.push_back({portal.result.column_name(i), o.table_oid, o.attnum, pt.oid, pt.typlen,
                      pt.typmod, portal.column_formats[i]});
  }
  write_row_description(out_, fields);
}

void Session::handle_execute(const ExecuteMessage& m) {
  auto it = portals_.find(m.portal);
  if (it == portals_.end()) throw SqlError("34000", "portal \"" + m.portal + "\" does not exist");
  if (!trace_) begin_trace(it->second.query->statement.text, it->second.query->statement.tag);
  bool writes = !it->second.query->statement.read_only;
  execute_message(m);
  if (writes) note_data_change();
  // A portal suspended after max_rows stays traced until it ends (or the Sync).
  auto again = portals_.find(m.portal);
  if (again == portals_.end() || again->second.finished) end_trace(nullptr);
}

void Session::execute_message(const ExecuteMessage& m) {
  Portal& p = portals_.find(m.portal)->second;
  const sql::Statement& st = p.query->statement;
  reject_in_failed_transaction(st.kind);
  // Each execution: grants may have changed since the statement was prepared.
  if (!p.started) authorize(st, p.query->access);
  if (!p.query->script.empty()) {
    if (!p.finished)
      run_script(*p.query);
    else
      write_command_complete(out_, st.tag);
    p.finished = true;
    return;
  }
  if (!p.query->duck) {
    if (p.finished) {
      write_command_complete(out_, st.tag);
      return;
    }
    // COMMIT/ROLLBACK close every portal, this one included: keep what is needed alive.
    std::shared_ptr<PreparedQuery> query = p.query;
    run_session_statement(query->statement, &p, Output::kRows);
    if (auto again = portals_.find(m.portal); again != portals_.end()) {
      again->second.finished = true;
    }
    return;
  }
  ensure_started(p);
  execute_portal(p, m.max_rows > 0 ? static_cast<uint64_t>(m.max_rows) : 0, false);
}

void Session::handle_close(const CloseMessage& m) {
  if (m.kind == 'S') {
    statements_.erase(m.name);
  } else if (auto it = portals_.find(m.name); it != portals_.end()) {
    if (streaming_ == &it->second) streaming_ = nullptr;
    portals_.erase(it);
  }
  write_simple(out_, '3');
}

void Session::handle_sync() {
  end_trace(nullptr);  // a portal left suspended
  if (implicit_txn_) {
    try {
      end_implicit_transaction(true);
    } catch (const std::exception& e) {
      send_error(map_error(e, nullptr));
    }
  }
  if (txn_ == TxnStatus::kIdle) {
    std::lock_guard lock(activity_mutex_);
    xact_start_.reset();
  }
  if (txn_ == TxnStatus::kIdle) close_portals(true);
}

// ---- execution ----

void Session::before_duckdb_call() {
  // DuckDB closes a streaming result when the connection runs anything else; keep its rows.
  if (streaming_ && streaming_->stream_open) drain_stream(*streaming_);
  streaming_ = nullptr;
}

void Session::drain_stream(Portal& portal) {
  while (portal.stream_open) {
    duck::DataChunk c = portal.result.fetch();
    if (!c || c.size() == 0) {
      portal.stream_open = false;
      if (!c) break;
      continue;
    }
    portal.chunks.push_back(std::move(c));
  }
  if (streaming_ == &portal) streaming_ = nullptr;
}

void Session::keep_only_holdable_streams() {
  // Holdable cursors outlive the transaction: read them out before it ends. Other portals die
  // with it, so their unread rows are dropped rather than drained.
  for (auto& [name, c] : cursors_) {
    if (c.holdable && c.stream_open) drain_stream(c);
  }
  if (streaming_) {
    streaming_->stream_open = false;
    streaming_ = nullptr;
  }
}

void Session::close_portals(bool at_transaction_end) {
  if (!at_transaction_end) return;
  // Portals and cursors end with the transaction; WITH HOLD cursors stay (and keep streaming).
  bool keep_stream = false;
  for (auto it = cursors_.begin(); it != cursors_.end();) {
    if (it->second.holdable) {
      keep_stream = keep_stream || streaming_ == &it->second;
      ++it;
    } else {
      it = cursors_.erase(it);
    }
  }
  if (!keep_stream) streaming_ = nullptr;
  portals_.clear();
}

void Session::begin_implicit_transaction() {
  before_duckdb_call();
  connection().query("BEGIN TRANSACTION");
  implicit_txn_ = true;
}

void Session::end_implicit_transaction(bool commit) {
  implicit_txn_ = false;
  keep_only_holdable_streams();
  before_duckdb_call();
  portals_.clear();
  note_transaction_end();
  if (!commit) engine_->forget_catalog_snapshot();  // the refresh rolled back too
  connection().query(commit ? "COMMIT" : "ROLLBACK");
  note_data_change();
  end_transaction_state();
}

void Session::note_schema_change() {
  warehouse_->schema_changed();
  schema_changed_in_txn_ = txn_ != TxnStatus::kIdle || implicit_txn_;
}

void Session::note_data_change() {
  if (warehouse_) warehouse_->data_changed();
}

void Session::note_transaction_end() {
  // Other sessions see this transaction's DDL, roles and grants only now.
  if (schema_changed_in_txn_) warehouse_->schema_changed();
  if (auth_changed_in_txn_) warehouse_->auth_changed();
  schema_changed_in_txn_ = false;
  auth_changed_in_txn_ = false;
}

void Session::start_portal(Portal& portal) {
  PreparedQuery& q = *portal.query;
  // Every way a portal starts (Execute, Describe of a portal, FETCH, COPY's query) meets the
  // grants of the moment: Describe used to run it unchecked, and Execute then skipped the check.
  authorize(q.as_written(), q.access);
  before_duckdb_call();
  engine_->refresh_plan(q);
  if (!q.modifying_steps.empty()) run_modifying_steps(q);
  duck::PreparedStatement& p = *q.duck;
  p.clear_bindings();
  for (size_t i = 0; i < portal.parameters.size(); ++i) {
    const auto& v = portal.parameters[i];
    if (!v) {
      p.bind_null(i);
    } else if (format_for(portal.parameter_formats, i) == 0) {
      engine_->bind_text_parameter(q, i, *v);
    } else {
      int32_t type = i < q.parameter_types.size() ? q.parameter_types[i] : 0;
      p.bind(i, decode_binary(type, *v));
    }
  }
  portal.result = p.execute(true);
  note_transaction_statement(portal);  // its writes, for ROLLBACK TO SAVEPOINT
  if (trace_) trace_->ran_in_duckdb = true;
  if (q.statement.kind == sql::StatementKind::kUtility) note_schema_change();
  portal.started = true;
  portal.stream_open = true;
  streaming_ = &portal;
  portal.count_result = gateway::answers_row_count(q, portal.result);
  if (q.explain) {
    explain_as_lines(portal);
    return;
  }
  if (q.returns_rows) {
    idx_t cols = portal.result.column_count();
    if (cols > kMaxColumns) {
      throw SqlError("54011",
                     "target lists can have at most " + std::to_string(kMaxColumns) + " entries");
    }
    for (idx_t i = 0; i < cols; ++i) {
      duck::LogicalType t = portal.result.column_type(i);
      Format f = format_for(portal.result_formats, i) == 1 ? Format::kBinary : Format::kText;
      portal.encoders.push_back(result_column_encoder(q, i, cols, t.get(), f, encode_options_));
      portal.column_formats.push_back(static_cast<int16_t>(f));
    }
  }
}

void Session::explain_as_lines(Portal& portal) {
  std::vector<std::string> lines = gateway::explain_lines(portal.result);
  portal.stream_open = false;
  if (streaming_ == &portal) streaming_ = nullptr;
  duck::LogicalType text(duckdb_create_logical_type(DUCKDB_TYPE_VARCHAR));
  duckdb_logical_type types[1] = {text.get()};
  for (size_t at = 0; at < lines.size();) {
    duck::DataChunk chunk(duckdb_create_data_chunk(types, 1));
    idx_t n = std::min<size_t>(lines.size() - at, duckdb_vector_size());
    duckdb_vector v = chunk.column(0);
    for (idx_t i = 0; i < n; ++i) {
      duckdb_vector_assign_string_element_len(v, i, lines[at + i].data(), lines[at + i].size());
    }
    duckdb_data_chunk_set_size(chunk.get(), n);
    portal.chunks.push_back(std::move(chunk));
    at += n;
  }
  Format f = format_for(portal.result_formats, 0) == 1 ? Format::kBinary : Format::kText;
  portal.encoders.push_back(make_encoder(text.get(), f, encode_options_));
  portal.column_formats.push_back(static_cast<int16_t>(f));
}

bool Session::next_row(Portal& portal, duck::DataChunk*& chunk) {
  while (true) {
    if (!portal.chunks.empty()) {
      duck::DataChunk& front = portal.chunks.front();
      if (portal.row_in_chunk < front.size()) {
        if (portal.row_in_chunk == 0) {
          for (size_t c = 0; c < portal.encoders.size(); ++c) {
            portal.encoders[c]->set_vector(front.column(c));
          }
        }
        chunk = &front;
        return true;
      }
      portal.chunks.pop_front();
      portal.row_in_chunk = 0;
      continue;
    }
    if (!portal.stream_open) return false;
    if (streaming_ != &portal) before_duckdb_call();
    duck::DataChunk c = portal.result.fetch();
    if (!c) {
      portal.stream_open = false;
      if (streaming_ == &portal) streaming_ = nullptr;
      return false;
    }
    if (c.size() > 0) portal.chunks.push_back(std::move(c));
  }
}

void Session::execute_portal(Portal& portal, uint64_t max_rows, bool describe) {
  if (portal.finished) {
    write_command_complete(out_, completion_tag(portal));
    return;
  }
  RunningScope running(*this);
  if (!portal.started) start_portal(portal);
  PreparedQuery& q = *portal.query;
  if (portal.count_result) {
    duck::DataChunk* chunk = nullptr;
    if (next_row(portal, chunk)) {
      duckdb_vector v = chunk->column(0);
      portal.changed_rows =
          static_cast<uint64_t>(static_cast<int64_t*>(duckdb_vector_get_data(v))[0]);
      if (trace_) trace_->rows += portal.changed_rows;
    }
    portal.chunks.clear();
    portal.stream_open = false;
    if (streaming_ == &portal) streaming_ = nullptr;
    portal.finished = true;
    write_command_complete(out_, completion_tag(portal));
    return;
  }
  if (!q.returns_rows) {
    // Utility statements: run to completion, nothing to send but the tag.
    portal.chunks.clear();
    if (portal.stream_open) drain_stream(portal);
    portal.chunks.clear();
    portal.finished = true;
    write_command_complete(out_, completion_tag(portal));
    return;
  }
  if (describe) describe_result(portal);
  uint64_t sent = write_rows(portal, max_rows, false);
  if (trace_) trace_->rows += sent;
  if (!portal.finished && max_rows > 0) {
    // The portal may have exactly max_rows left: PostgreSQL still suspends in that case.
    write_simple(out_, 's');  // PortalSuspended
    return;
  }
  write_command_complete(out_, completion_tag(portal));
}

uint64_t Session::write_rows(Portal& portal, uint64_t max_rows, bool discard) {
  uint64_t sent = 0;
  const int16_t ncols = static_cast<int16_t>(portal.encoders.size());
  duck::DataChunk* chunk = nullptr;
  while (max_rows == 0 || sent < max_rows) {
    if (!next_row(portal, chunk)) {
      portal.finished = true;
      break;
    }
    idx_t n = chunk->size();
    idx_t take = n - portal.row_in_chunk;
    if (max_rows != 0) take = std::min<uint64_t>(take, max_rows - sent);
    if (discard) {
      portal.row_in_chunk += take;
      sent += take;
      continue;
    }
    for (idx_t end = portal.row_in_chunk + take; portal.row_in_chunk < end; ++portal.row_in_chunk) {
      size_t at = out_.begin_message('D');
      out_.put_i16(ncols);
      for (int16_t c = 0; c < ncols; ++c) {
        portal.encoders[c]->append_field(portal.row_in_chunk, out_);
      }
      out_.end_message(at);
    }
    sent += take;
    maybe_flush();
  }
  portal.rows_sent += sent;
  return sent;
}

Session::RunningScope::RunningScope(Session& s)
    : session_(s), assist_(s.warehouse_ ? s.warehouse_->assist() : nullptr) {
  std::lock_guard lock(session_.run_mutex_);
  if (session_.cancel_pending_) throw SqlError("57014", "canceling statement due to user request");
  session_.running_ = true;
  session_.timed_out_ = false;
  session_.running_since_ = session_.statement_since_.value_or(std::chrono::steady_clock::now());
}

Session::RunningScope::~RunningScope() {
  std::lock_guard lock(session_.run_mutex_);
  session_.running_ = false;
}

std::string Session::completion_tag(const Portal& portal) const {
  return gateway::completion_tag(portal.query->statement,
                                 portal.count_result ? portal.changed_rows : portal.rows_sent);
}

void Session::send_synthetic(const std::vector<std::string>& columns,
                             const std::vector<std::vector<std::optional<std::string>>>& rows,
                             const std::string& tag, Output output) {
  if (output != Output::kRows) {
    std::vector<FieldDescription> fields;
    for (const auto& c : columns) fields.push_back({c, 0, 0, oid::kText, -1, -1, 0});
    write_row_description(out_, fields);
  }
  if (output == Output::kDescribe) return;
  for (const auto& row : rows) {
    size_t at = out_.begin_message('D');
    out_.put_i16(static_cast<int16_t>(row.size()));
    for (const auto& v : row) {
      if (!v) {
        out_.put_i32(-1);
      } else {
        out_.put_i32(static_cast<int32_t>(v->size()));
        out_.put_bytes(*v);
      }
    }
    out_.end_message(at);
  }
  write_command_complete(out_, tag);
}

void Session::cancel(int32_t key, uint64_t until_ready) {
  if (key != secret_key_) return;
  std::lock_guard lock(run_mutex_);
  if (worker_) {
    relay_cancel();
    return;
  }
  cancel_locked(until_ready);
}

void Session::cancel_locked(uint64_t until_ready) {
  uint64_t target = until_ready ? until_ready : busy_ ? ready_sent_ + 1 : 0;
  if (target <= ready_sent_) return;  // idle, or that statement has its answer already
  cancel_until_ = std::max(cancel_until_, target);
  cancel_pending_ = true;
  if (running_ && engine_) connection().interrupt();
}

void Session::check_timeout(std::chrono::steady_clock::time_point now) {
  int64_t limit = statement_timeout_ms_;
  std::lock_guard lock(run_mutex_);
  if (!running_ || !engine_) return;
  if (limit > 0 && !timed_out_ && !cancel_pending_ &&
      now - running_since_ > std::chrono::milliseconds(limit)) {
    timed_out_ = true;
  }
  // Interrupted again on every check: an interrupt that lands just before DuckDB starts the
  // query is cleared by DuckDB when it does.
  if (timed_out_ || cancel_pending_) connection().interrupt();
}

void Session::interrupt() {
  std::lock_guard lock(run_mutex_);
  if (worker_) {
    // The worker stops the statement; the relay then ends the session at the next message.
    worker_->cancel(process_id_, secret_key_, 0);
    relay_abort_ = true;
    return;
  }
  if (running_ && engine_) connection().interrupt();
}

std::string Session::bound_database() {
  std::lock_guard lock(run_mutex_);
  return bound_database_;
}

void Session::request_stop() {
  stop_requested_ = true;
  channel_->shutdown_read();
}

}  // namespace ducklings::pgwire
