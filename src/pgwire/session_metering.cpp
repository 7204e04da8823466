// Metering of a session's statements: each is timed from its message to its last row and
// counted in the process's metrics (metering/metrics.h), recorded in the query log
// (metering/query_log.h), and shown while it runs in pg_stat_activity.
#include <cstdio>
#include <nlohmann/json.hpp>

#include "common/clock.h"
#include "common/digest.h"
#include "metering/metrics.h"
#include "pgwire/session.h"

namespace ducklings::pgwire {

void Session::begin_trace(const std::string& text, const std::string& command) {
  if (system_) return;  // the server's own work (ingestion) is not a user's statement
  if (trace_) end_trace(nullptr);
  Trace t;
  // Unique without asking OpenSSL per statement: a random prefix per session and a count.
  if (trace_prefix_.empty()) trace_prefix_ = random_hex(8);
  char count[17];
  std::snprintf(count, sizeof(count), "%016llx", static_cast<unsigned long long>(++trace_count_));
  t.query_id = trace_prefix_ + count;
  t.parent_query_id = message_first_query_id_;
  t.text = text;
  t.command = command;
  t.started_wall = std::chrono::system_clock::now();
  t.started = std::chrono::steady_clock::now();
  t.bytes_before = bytes_flushed_ + out_.size();
  trace_ = std::move(t);
  std::lock_guard lock(activity_mutex_);
  activity_active_ = true;
  activity_query_ = text;
  activity_command_ = command;
  query_start_ = state_change_ = trace_->started_wall;
  if (!xact_start_) xact_start_ = trace_->started_wall;
}

void Session::end_trace(const SqlError* error) {
  if (!trace_) return;
  Trace t = std::move(*trace_);
  trace_.reset();
  auto now = std::chrono::steady_clock::now();
  double seconds = std::chrono::duration<double>(now - t.started).count();
  std::string status = !error ? "ok" : error->sqlstate() == "57014" ? "canceled" : "error";
  {
    std::lock_guard lock(activity_mutex_);
    activity_active_ = false;
    state_change_ = std::chrono::system_clock::now();
    if (txn_ == TxnStatus::kIdle && !implicit_txn_) xact_start_.reset();
    activity_failed_ = txn_ == TxnStatus::kFailed;
  }
  auto& metrics = metering::Metrics::global();
  if (org_label_.empty()) org_label_ = metrics.org_label(database_);
  metrics.add("duckgres_queries_total", {{"org", org_label_}, {"status", status}});
  metrics.observe("duckgres_query_duration_seconds", {{"org", org_label_}}, seconds);
  metrics.add("duckgres_query_rows_total", {{"org", org_label_}}, static_cast<double>(t.rows));
  if (!services_.query_log) return;
  metering::QueryRecord r;
  r.query_id = std::move(t.query_id);
  r.parent_query_id = std::move(t.parent_query_id);
  r.org = database_;
  r.team = team_schema_;
  r.duckling = database_;
  r.user = user_;
  r.application_name = settings_.get("application_name").value_or("");
  r.query = std::move(t.text);
  r.command = std::move(t.command);
  r.pid = process_id_;
  r.started_at = t.started_wall;
  r.duration_ms = seconds * 1000;
  r.rows = static_cast<int64_t>(t.rows);
  r.result_bytes = static_cast<int64_t>(bytes_flushed_ + out_.size() - t.bytes_before);
  r.status = status;
  if (error) {
    r.sqlstate = error->sqlstate();
    r.error = error->what();
  } else if (t.ran_in_duckdb && engine_) {
    // DuckDB's profile (enabled with no output at session start) of the statement.
    if (auto p = connection().last_profile()) {
      if (p->cpu_seconds >= 0) r.cpu_time_ms = p->cpu_seconds * 1000;
      r.peak_memory_bytes = p->peak_buffer_memory;
      r.rows_scanned = p->rows_scanned;
      if (!p->operators.empty()) {
        nlohmann::json ops = nlohmann::json::array();
        for (const auto& [name, seconds] : p->operators)
          ops.push_back({{"operator", name}, {"ms", seconds * 1000}});
        r.slowest_operators = ops.dump();
      }
    }
  }
  services_.query_log->record(std::move(r));
}

SessionActivity Session::activity() {
  SessionActivity a;
  a.pid = process_id_;
  a.database = bound_database();
  a.user = user_;
  a.client_addr = peer_;
  std::lock_guard lock(activity_mutex_);
  a.application_name = activity_application_name_;
  a.backend_start = backend_start_;
  a.query = activity_query_;
  a.command = activity_command_;
  if (activity_active_) {
    a.state = "active";
  } else if (xact_start_) {
    a.state = activity_failed_ ? "idle in transaction (aborted)" : "idle in transaction";
  } else {
    a.state = "idle";
  }
  if (!activity_query_.empty()) {
    a.query_start = query_start_;
    a.state_change = state_change_;
  }
  a.xact_start = xact_start_;
  return a;
}

void Session::cancel_statement() {
  std::lock_guard lock(run_mutex_);
  if (worker_) {
    relay_cancel();
    return;
  }
  cancel_locked(0);  // as a CancelRequest: it stops the statement even before DuckDB runs it
}

bool Session::may_signal(const Session& target) const {
  return superuser_ || (engine_ && engine_->privileges().owner) || target.user_ == user_;
}

void Session::terminate() {
  bool running = false;
  {
    std::lock_guard lock(run_mutex_);
    terminated_ = true;
    running = running_ || worker_;
  }
  if (running) {
    // The statement's error becomes FATAL 57P01 and the session ends after it; the socket is
    // left open for reading so the client gets that message (an unread read side resets).
    stop_requested_ = true;
    interrupt();
  } else {
    request_stop();  // wakes the idle session's read
  }
}

std::vector<SessionActivity> SessionRegistry::activity(const std::string& database) {
  std::vector<SessionActivity> out;
  std::lock_guard lock(mutex_);
  for (auto& [pid, s] : sessions_) {
    if (!s->ready()) continue;
    SessionActivity a = s->activity();
    if (database.empty() || a.database == database) out.push_back(std::move(a));
  }
  return out;
}

std::string SessionRegistry::activity_json(const std::string& database) {
  nlohmann::json out = nlohmann::json::array();
  auto time = [](const std::optional<std::chrono::system_clock::time_point>& t) {
    return t ? nlohmann::json(iso_utc(*t)) : nlohmann::json(nullptr);
  };
  for (const SessionActivity& a : activity(database)) {
    out.push_back({{"pid", a.pid},
                   {"datname", a.database},
                   {"usename", a.user},
                   {"application_name", a.application_name},
                   {"client_addr", a.client_addr.empty() ? nlohmann::json(nullptr)
                                                         : nlohmann::json(a.client_addr)},
                   {"state", a.state},
                   {"query", a.query},
                   {"backend_start", iso_utc(a.backend_start)},
                   {"xact_start", time(a.xact_start)},
                   {"query_start", time(a.query_start)},
                   {"state_change", time(a.state_change)}});
  }
  return out.dump();
}

void SessionRegistry::add_internal_caller(int32_t pid) {
  std::lock_guard lock(mutex_);
  internal_callers_.insert(pid);
}

void SessionRegistry::remove_internal_caller(int32_t pid) {
  std::lock_guard lock(mutex_);
  internal_callers_.erase(pid);
}

bool SessionRegistry::signal(const std::string& database, int32_t pid, int32_t caller,
                             const std::string& action) {
  std::lock_guard lock(mutex_);
  auto target = sessions_.find(pid);
  if (target == sessions_.end() || target->second->bound_database() != database) {
    return false;  // PostgreSQL warns and answers false for a pid that is not a backend
  }
  auto from = sessions_.find(caller);
  bool allowed = internal_callers_.count(caller) > 0;  // the server's own work
  if (!allowed && from != sessions_.end() && from->second->bound_database() == database) {
    allowed = from->second->may_signal(*target->second);
  }
  if (!allowed) {
    throw SqlError("42501",
                   "permission denied to " +
                       std::string(action == "cancel" ? "cancel query" : "terminate process"),
                   0, "", "Only the owner role may signal other users' sessions.");
  }
  if (action == "cancel")
    target->second->cancel_statement();
  else
    target->second->terminate();
  return true;
}

}  // namespace ducklings::pgwire
