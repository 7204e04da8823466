// Monitoring routes of the API: the query log (GET /orgs/{org}/queries, filtered and paged,
// newest first), live sessions (GET /orgs/{org}/activity) and their cancel and terminate.
// They run in the duckling through the same internal sessions as the roles routes, so the
// answer is the same in-process and from a worker.
#include <chrono>
#include <cstdio>

#include "common/clock.h"
#include "http/api.h"

namespace ducklings::http {
namespace {
using json = nlohmann::json;

json time_of_ms(const std::optional<std::string>& ms) {
  if (!ms) return nullptr;
  return iso_utc(std::chrono::system_clock::time_point(std::chrono::milliseconds(std::stoll(*ms))));
}

json number_or_null(const std::optional<std::string>& v, bool integer) {
  if (!v) return nullptr;
  if (integer) return std::stoll(*v);
  return std::stod(*v);
}

int64_t integer_param(const std::map<std::string, std::string>& q, const char* name, int64_t lo,
                      int64_t hi, int64_t fallback) {
  auto it = q.find(name);
  if (it == q.end() || it->second.empty()) return fallback;
  try {
    size_t used = 0;
    int64_t v = std::stoll(it->second, &used);
    if (used == it->second.size() && v >= lo && v <= hi) return v;
  } catch (const std::exception&) {
  }
  throw ApiError(400, "invalid_request",
                 std::string("\"") + name + "\" must be an integer from " + std::to_string(lo) +
                     " to " + std::to_string(hi));
}

// An ISO-8601 time as given, or a 400: digits and the punctuation of a time only.
std::string time_param(const std::string& name, const std::string& v) {
  bool ok = !v.empty() && v.size() <= 40 && std::isdigit(static_cast<unsigned char>(v[0]));
  for (char c : v) {
    if (!std::isdigit(static_cast<unsigned char>(c)) &&
        std::string("-:T .Z+").find(c) == std::string::npos)
      ok = false;
  }
  if (!ok) throw ApiError(400, "invalid_request", "\"" + name + "\" must be an ISO-8601 time");
  return v;
}

const char* const kQueryColumns =
    "query_id, parent_query_id, org, team, duckling, user_name, application_name, query, "
    "fingerprint, command, pid, epoch_ms(started_at), duration_ms, rows, result_bytes, status, "
    "sqlstate, error, cpu_time_ms, peak_memory_bytes, rows_scanned, CAST(slowest_operators AS "
    "VARCHAR), epoch_us(started_at)";

}  // namespace

ApiResponse Api::list_queries(const Call& c) {
  const std::string& org = c.param("org");
  const auto& q = c.query;
  int64_t limit = integer_param(q, "limit", 1, 1000, 100);
  // Every value is a parameter ($n), never pasted into the statement.
  std::string where = "true";
  std::vector<gateway::Parameter> values;
  auto bind = [&](gateway::Parameter p) {
    values.push_back(std::move(p));
    return "$" + std::to_string(values.size());
  };
  auto given = [&](const char* name) -> const std::string* {
    auto it = q.find(name);
    return it == q.end() || it->second.empty() ? nullptr : &it->second;
  };
  for (auto [param, column] : {std::pair{"user", "user_name"}, std::pair{"team", "team"},
                               std::pair{"fingerprint", "fingerprint"},
                               std::pair{"application_name", "application_name"}}) {
    if (auto* v = given(param))
      where += std::string(" AND ") + column + " = " + bind(gateway::text(*v));
  }
  if (auto* v = given("status")) {
    if (*v != "ok" && *v != "error" && *v != "canceled")
      throw ApiError(400, "invalid_request", "\"status\" must be ok, error or canceled");
    where += " AND status = " + bind(gateway::text(*v));
  }
  if (auto* v = given("command"))
    where += " AND upper(command) = upper(" + bind(gateway::text(*v)) + ")";
  if (auto* v = given("q")) {
    where += " AND contains(lower(query), lower(" + bind(gateway::text(*v)) + "))";
  }
  if (auto* v = given("since")) {
    where += " AND started_at >= " + bind(gateway::timestamptz(time_param("since", *v)));
  }
  if (auto* v = given("until")) {
    where += " AND started_at < " + bind(gateway::timestamptz(time_param("until", *v)));
  }
  if (q.count("min_duration_ms")) {
    where += " AND duration_ms >= " +
             bind(gateway::int8(integer_param(q, "min_duration_ms", 0, INT64_MAX, 0)));
  }
  if (auto* v = given("before")) {
    // The cursor a previous page gave: its last row's time (µs) and id.
    size_t colon = v->find(':');
    int64_t us = 0;
    try {
      if (colon == std::string::npos) throw std::invalid_argument("");
      us = std::stoll(v->substr(0, colon));
    } catch (const std::exception&) {
      throw ApiError(400, "invalid_request", "\"before\" must be a next_before cursor");
    }
    std::string time = bind(gateway::int8(us));
    std::string id = bind(gateway::text(v->substr(colon + 1)));
    where += " AND (epoch_us(started_at) < " + time + " OR (epoch_us(started_at) = " + time +
             " AND query_id < " + id + "))";
  }
  auto result = run_in_duckling(
      org, c.actor,
      std::string("SELECT ") + kQueryColumns + " FROM duckgres_meta.query_log WHERE " + where +
          " ORDER BY started_at DESC, query_id DESC LIMIT " + std::to_string(limit + 1),
      true, std::move(values));
  json out = json::array();
  json next = nullptr;
  for (size_t i = 0; i < result.rows.size(); ++i) {
    const auto& r = result.rows[i];
    if (static_cast<int64_t>(i) == limit) break;
    auto text = [&](size_t c) { return r[c] ? json(*r[c]) : json(nullptr); };
    json operators = nullptr;
    if (r[21]) operators = json::parse(*r[21], nullptr, false);
    out.push_back({{"query_id", text(0)},
                   {"parent_query_id", text(1)},
                   {"org", text(2)},
                   {"team", text(3)},
                   {"duckling", text(4)},
                   {"user", text(5)},
                   {"application_name", text(6)},
                   {"query", text(7)},
                   {"fingerprint", text(8)},
                   {"command", text(9)},
                   {"pid", number_or_null(r[10], true)},
                   {"started_at", time_of_ms(r[11])},
                   {"duration_ms", number_or_null(r[12], false)},
                   {"rows", number_or_null(r[13], true)},
                   {"result_bytes", number_or_null(r[14], true)},
                   {"status", text(15)},
                   {"sqlstate", text(16)},
                   {"error", text(17)},
                   {"cpu_time_ms", number_or_null(r[18], false)},
                   {"peak_memory_bytes", number_or_null(r[19], true)},
                   {"rows_scanned", number_or_null(r[20], true)},
                   {"slowest_operators", operators}});
    if (static_cast<int64_t>(i) == limit - 1 && result.rows.size() > static_cast<size_t>(limit))
      next = *r[22] + ":" + *r[0];
  }
  return {200, {{"queries", out}, {"next_before", next}}};
}

ApiResponse Api::list_activity(const Call& c) {
  auto result = run_in_duckling(
      c.param("org"), c.actor,
      "SELECT pid, usename, application_name, client_addr, state, query, "
      "epoch_ms(backend_start), epoch_ms(xact_start), epoch_ms(query_start), "
      "epoch_ms(state_change) FROM pg_stat_activity WHERE pid <> pg_backend_pid() ORDER BY pid",
      true);
  json out = json::array();
  for (const auto& r : result.rows) {
    auto text = [&](size_t c) { return r[c] ? json(*r[c]) : json(nullptr); };
    out.push_back({{"pid", number_or_null(r[0], true)},
                   {"user", text(1)},
                   {"application_name", text(2)},
                   {"client_addr", text(3)},
                   {"state", text(4)},
                   {"query", text(5)},
                   {"backend_start", time_of_ms(r[6])},
                   {"xact_start", time_of_ms(r[7])},
                   {"query_start", time_of_ms(r[8])},
                   {"state_change", time_of_ms(r[9])}});
  }
  return {200, {{"sessions", out}}};
}

ApiResponse Api::signal_session(const Call& c, const std::string& action) {
  const std::string& org = c.param("org");
  int64_t pid = 0;
  try {
    size_t used = 0;
    pid = std::stoll(c.param("pid"), &used);
    if (used != c.param("pid").size() || pid <= 0 || pid > INT32_MAX) {
      throw std::invalid_argument("");
    }
  } catch (const std::exception&) {
    throw ApiError(400, "invalid_request", "the session id must be a positive integer (its pid)");
  }
  std::string fn = action == "cancel" ? "pg_cancel_backend" : "pg_terminate_backend";
  auto result = run_in_duckling(org, c.actor, "SELECT " + fn + "($1)", true, {gateway::int8(pid)});
  bool done = !result.rows.empty() && result.rows[0][0] &&
              (*result.rows[0][0] == "t" || *result.rows[0][0] == "true");
  if (!done) throw ApiError(404, "not_found", "no session " + std::to_string(pid) + " in " + org);
  return {200, {{"pid", pid}, {"action", action}, {"signalled", true}}};
}

// An hour bound for the usage table: "2026-11-01", "2026-11-01T05", "2026-11-01T05:00:00Z"…
// as the hour it starts ("2026-11-01T05:00:00Z").
std::string hour_param(const std::string& name, const std::string& v) {
  int y = 0, mo = 0, d = 0, h = 0;
  int n = std::sscanf(v.c_str(), "%4d-%2d-%2dT%2d", &y, &mo, &d, &h);
  if (n < 3 || mo < 1 || mo > 12 || d < 1 || d > 31 || h < 0 || h > 23 || v.size() > 40)
    throw ApiError(400, "invalid_request", "\"" + name + "\" must be an ISO-8601 date or hour");
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%04d-%02d-%02dT%02d:00:00Z", y, mo, d, n >= 4 ? h : 0);
  return buf;
}

ApiResponse Api::billing(const Call& c, bool invoice_wanted) {
  const std::string& org = c.param("org");
  control_.get_org(org);  // 404 for an unknown organization
  if (!usage_ || !pricing_) throw ApiError(503, "unavailable", "usage metering is not running");
  const auto& q = c.query;
  auto param = [&](const char* name) {
    auto it = q.find(name);
    return it == q.end() ? std::string() : it->second;
  };
  std::string this_month =
      metering::UsageStore::hour_of(std::chrono::system_clock::now()).substr(0, 7);
  if (!invoice_wanted) {
    auto [month_from, month_to] = metering::month_bounds(this_month);
    std::string from = param("from").empty() ? month_from : hour_param("from", param("from"));
    std::string to = param("to").empty() ? month_to : hour_param("to", param("to"));
    std::vector<std::string> group_by;
    std::string g = param("group_by");
    for (size_t start = 0; start <= g.size() && !g.empty();) {
      size_t comma = g.find(',', start);
      std::string key =
          g.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
      if (!key.empty() && key != "meter") group_by.push_back(key);
      if (comma == std::string::npos) break;
      start = comma + 1;
    }
    try {
      return {200,
              {{"org", org},
               {"from", from},
               {"to", to},
               {"group_by", group_by},
               {"usage", usage_->totals(org, from, to, group_by)}}};
    } catch (const std::invalid_argument& e) {
      throw ApiError(400, "invalid_request", e.what());
    }
  }
  // The invoice of a month, from the usage recorded in it, under the configured scheme.
  std::string period = param("period").empty() ? this_month : param("period");
  std::pair<std::string, std::string> bounds;
  try {
    bounds = metering::month_bounds(period);
  } catch (const std::invalid_argument&) {
    throw ApiError(400, "invalid_request", "\"period\" must be a month, YYYY-MM");
  }
  std::vector<metering::UsageTotal> priced;
  for (auto& t : usage_->meter_totals(org, bounds.first, bounds.second)) {
    if (pricing_->find(t.meter)) priced.push_back(std::move(t));  // the rest is informational
  }
  json invoice = pricing_->invoice(priced, period).to_json();
  invoice["org"] = org;
  invoice["from"] = bounds.first;
  invoice["to"] = bounds.second;
  return {200, invoice};
}

std::vector<Route> Api::monitoring_routes() {
  using namespace schema;
  auto text = [](const char* name, const char* help) { return Field{name, str(), false, help}; };
  auto whole = [](const char* name, const char* help) {
    return Field{name, integer(), false, help};
  };
  return {
      {"GET",
       "/orgs/{org}/queries",
       "listQueries",
       "The query log, newest first (filters, next_before pages)",
       200,
       ref("QueryLogPage"),
       {},
       "",
       {text("user", "only this user's"), text("team", "only this team's"),
        Field{"status", one_of({"ok", "error", "canceled"}), false, "ok | error | canceled"},
        text("command", "only this command (SELECT, INSERT, …)"),
        text("fingerprint", "only statements of this shape"),
        text("application_name", "only this application's"),
        text("q", "text the statement contains"), text("since", "from this ISO-8601 time"),
        text("until", "before this ISO-8601 time"), whole("min_duration_ms", "at least this long"),
        whole("limit", "entries (1-1000, default 100)"),
        text("before", "the next_before of the previous page")},
       [](Api& api, const Call& c) { return api.list_queries(c); },
       CliCommand{"", "queries", "the query log, newest first"}},
      {"GET",
       "/orgs/{org}/activity",
       "listActivity",
       "The duckling's sessions now (pg_stat_activity)",
       200,
       object({{"sessions", list_of("Session")}}),
       {},
       "",
       {},
       [](Api& api, const Call& c) { return api.list_activity(c); },
       CliCommand{"session", "list", "the duckling's sessions now"}},
      {"POST",
       "/orgs/{org}/activity/{pid}/cancel",
       "cancelQuery",
       "Cancel the session's running statement",
       200,
       ref("Signal"),
       {},
       "",
       {},
       [](Api& api, const Call& c) { return api.signal_session(c, "cancel"); },
       CliCommand{"session", "cancel", "cancel a session's running statement"}},
      {"POST",
       "/orgs/{org}/activity/{pid}/terminate",
       "terminateSession",
       "End the session (57P01 to its client)",
       200,
       ref("Signal"),
       {},
       "",
       {},
       [](Api& api, const Call& c) { return api.signal_session(c, "terminate"); },
       CliCommand{"session", "terminate", "end a session"}},
      {"GET",
       "/orgs/{org}/usage",
       "getUsage",
       "Usage by meter (and hour, team, user, duckling, size), from and to ISO hours",
       200,
       ref("Usage"),
       {},
       "",
       {text("from", "from this ISO hour (default: this month)"), text("to", "to this ISO hour"),
        text("group_by", "hour, team, user, duckling, size (comma-separated)")},
       [](Api& api, const Call& c) { return api.billing(c, false); },
       CliCommand{"", "usage", "usage by meter"}},
      {"GET",
       "/orgs/{org}/invoice",
       "getInvoice",
       "The invoice of a month (period=YYYY-MM) under the pricing scheme",
       200,
       ref("Invoice"),
       {},
       "",
       {text("period", "the month, YYYY-MM (default: this month)")},
       [](Api& api, const Call& c) { return api.billing(c, true); },
       CliCommand{"", "invoice", "the invoice of a month"}},
  };
}

}  // namespace ducklings::http
