#include "ingest/ingester.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <stdexcept>

#include "common/clock.h"
#include "common/errors.h"
#include "ingest/posthog_schema.h"
#include "sql/quoting.h"

namespace ducklings::ingest {
namespace fs = std::filesystem;

namespace {

using SteadyClock = std::chrono::steady_clock;

// The wait before a failed file's next attempt: 200 ms, doubling, at most 10 s.
std::chrono::milliseconds backoff(int attempts) {
  int64_t ms = 200LL << std::min(attempts - 1, 6);
  return std::chrono::milliseconds(std::min<int64_t>(ms, 10000));
}

// Writes `text` to `path` through a temporary file, so that a reader sees all of it or none.
void write_whole(const fs::path& path, const std::string& text) {
  fs::path tmp = path;
  tmp += ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out << text;
    if (!out.flush()) throw std::runtime_error("cannot write " + tmp.string());
  }
  fs::permissions(tmp, fs::perms::owner_read | fs::perms::owner_write);
  fs::rename(tmp, path);
}

bool is_segment_name(const std::string& name) {
  return name.rfind("seg-", 0) == 0 && name.find('/') == std::string::npos && name != "." &&
         name.find("..") == std::string::npos;
}

}  // namespace

Ingester::Ingester(EventLog& log, SqlRunner run_sql, std::chrono::milliseconds interval)
    : log_(log), run_sql_(std::move(run_sql)), interval_(interval) {}

Ingester::~Ingester() {
  stop();
}

void Ingester::start() {
  log_.recover();
  thread_ = std::thread([this] {
    std::unique_lock lock(mutex_);
    while (!stop_) {
      lock.unlock();
      apply_pending();
      lock.lock();
      wake_.wait_for(lock, interval_, [this] { return stop_; });
    }
  });
}

void Ingester::stop() {
  {
    std::lock_guard lock(mutex_);
    stop_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

std::string Ingester::apply_sql(const std::string& schema, const std::string& path,
                                const std::string& name, int version) {
  std::string s = sql::quote_identifier(schema);
  std::string file = sql::quote_literal(path);
  std::string seg = sql::quote_literal(name);
  std::string team = sql::quote_literal(schema);
  std::string pdi = s + ".person_distinct_ids", persons = s + ".persons";
  std::string out =
      "CREATE TABLE IF NOT EXISTS duckgres_meta.ingested (schema_name VARCHAR, segment VARCHAR, "
      "rows BIGINT, applied_at TIMESTAMPTZ);";
  // Version 2 lines carry what persons need as fields of their own; version 1 lines (written
  // before, maybe still waiting after an upgrade) have it only inside properties, some of
  // them as JSON text.
  std::string columns =
      "uuid: 'VARCHAR', event: 'VARCHAR', properties: 'JSON', timestamp: 'VARCHAR', "
      "distinct_id: 'VARCHAR', elements_chain: 'VARCHAR', session_id: 'VARCHAR', window_id: "
      "'VARCHAR', created_at: 'VARCHAR', team_id: 'BIGINT'";
  std::string props = "properties", person_fields;
  if (version >= 2) {
    columns +=
        ", \"set\": 'JSON', set_once: 'JSON', \"unset\": 'JSON', anon_distinct_id: 'VARCHAR', "
        "alias: 'VARCHAR', group_type: 'VARCHAR', group_key: 'VARCHAR', group_set: 'JSON'";
    person_fields =
        "\"set\" AS set_props, set_once, \"unset\" AS unset_keys, nullif(anon_distinct_id, '') AS "
        "anon, nullif(group_type, '') AS group_type, nullif(group_key, '') AS group_key, "
        "group_set, nullif(alias, "
        "'') AS alias";
  } else {
    props =
        "CASE WHEN json_type(properties) = 'VARCHAR' THEN CAST(json_extract_string(properties, "
        "'$') AS JSON) ELSE properties END";
    person_fields = "json_extract(" + props + ", '$.\"$set\"') AS set_props, json_extract(" +
                    props + ", '$.\"$set_once\"') AS set_once, json_extract(" + props +
                    ", '$.\"$unset\"') AS unset_keys, json_extract_string(" + props +
                    ", '$.\"$anon_distinct_id\"') AS anon, json_extract_string(" + props +
                    ", '$.alias') AS alias" + ", json_extract_string(" + props +
                    ", '$.\"$group_type\"') AS group_type, "
                    "json_extract_string(" +
                    props +
                    ", '$.\"$group_key\"') AS group_key, "
                    "json_extract(" +
                    props + ", '$.\"$group_set\"') AS group_set";
  }
  // The file's events, unless it was applied already (then nothing below changes anything).
  // Repeated uuids (an SDK retrying) keep their first copy.
  out += "CREATE OR REPLACE TEMP TABLE __seg AS SELECT CAST(uuid AS UUID) AS uuid, event, " +
         props +
         " AS properties, CAST(timestamp AS TIMESTAMPTZ) AS ts, distinct_id, "
         "nullif(elements_chain, '') AS elements_chain, nullif(session_id, '') AS session_id, "
         "nullif(window_id, '') AS window_id, CAST(created_at AS TIMESTAMPTZ) AS created_at, "
         "team_id, " +
         person_fields + ", " + groups_map("properties") + " AS groups FROM read_json(" + file +
         ", format = 'newline_delimited', columns = {" + columns +
         "}) WHERE NOT EXISTS (SELECT 1 FROM duckgres_meta.ingested WHERE schema_name = " + team +
         " AND segment = " + seg + ");";
  // A uuid the file repeats keeps its first copy: only the repeated ones are ranked (ranking
  // every row by uuid cost more than the rest of the file's statements).
  out +=
      "DELETE FROM __seg WHERE rowid IN (SELECT r FROM (SELECT rowid AS r, row_number() OVER "
      "(PARTITION BY uuid ORDER BY rowid) AS n FROM __seg WHERE uuid IN (SELECT uuid FROM "
      "__seg GROUP BY uuid HAVING count(*) > 1)) WHERE n > 1);";
  // An event already stored (an SDK's retry of a request whose answer it did not get lands
  // in a later file) is dropped before it changes anything: the same uuid among the events
  // within an hour of the file's, which DuckDB finds from the timestamps' zone maps.
  out += "DELETE FROM __seg WHERE uuid IN (SELECT x.uuid FROM " + s +
         ".events x WHERE x.uuid IN (SELECT uuid FROM __seg) AND x.timestamp BETWEEN (SELECT "
         "min(ts) FROM __seg) - INTERVAL 1 HOUR AND (SELECT max(ts) FROM __seg) + INTERVAL 1 "
         "HOUR);";
  // Persons, as PostHog makes them: $identify, $create_alias and $merge_dangerously link an
  // id (b: the anonymous id, the alias) to the event's distinct_id (a). When one of them has
  // no person yet it joins the other's; every other new distinct_id gets a person of its own.
  out +=
      "CREATE OR REPLACE TEMP TABLE __links AS SELECT distinct_id AS a, anon AS b, event AS "
      "kind, ts FROM __seg WHERE event = '$identify' AND anon IS NOT NULL AND anon <> "
      "distinct_id UNION ALL SELECT distinct_id, alias, event, ts FROM __seg WHERE event IN "
      "('$create_alias', '$merge_dangerously') AND alias IS NOT NULL AND alias <> distinct_id;";
  out += "INSERT INTO " + pdi +
         " SELECT DISTINCT ON (l.a) l.a, p.person_id, 0 FROM __links l JOIN " + pdi +
         " p ON p.distinct_id = l.b WHERE l.a NOT IN (SELECT distinct_id FROM " + pdi + ");";
  out += "INSERT INTO " + pdi +
         " SELECT DISTINCT ON (l.b) l.b, p.person_id, 0 FROM __links l JOIN " + pdi +
         " p ON p.distinct_id = l.a WHERE l.b NOT IN (SELECT distinct_id FROM " + pdi + ");";
  // When both already have persons, b's person merges into a's, as PostHog merges them:
  // unless b's person is identified already (only $merge_dangerously merges two identified
  // persons). The merged person keeps a's properties over b's and the earlier created_at;
  // b's distinct ids and earlier events follow it, and b's person is deleted. A merge into a
  // person that itself merges away in the same file goes to where that one goes.
  out +=
      "CREATE OR REPLACE TEMP TABLE __merge AS SELECT DISTINCT ON (o.person_id) o.person_id "
      "AS other, m.person_id AS target FROM __links l JOIN " +
      pdi + " m ON m.distinct_id = l.a JOIN " + pdi + " o ON o.distinct_id = l.b JOIN " + persons +
      " op ON op.id = o.person_id WHERE m.person_id <> o.person_id AND (NOT "
      "coalesce(op.is_identified, false) OR l.kind = '$merge_dangerously') ORDER BY "
      "o.person_id, l.ts;";
  out +=
      "UPDATE __merge SET target = m2.target FROM __merge m2 WHERE m2.other = __merge.target AND "
      "m2.target <> __merge.other;";
  out += "DELETE FROM __merge WHERE target IN (SELECT other FROM __merge);";
  out += "UPDATE " + persons + " SET properties = json_merge_patch(g.props, coalesce(" + persons +
         ".properties, '{}')), created_at = least(" + persons +
         ".created_at, g.first), is_identified = true, version = " + persons +
         ".version + 1 FROM (SELECT m.target, list_reduce(list(coalesce(o.properties, '{}') ORDER "
         "BY o.created_at), (x, y) -> json_merge_patch(x, y)) AS props, min(o.created_at) AS "
         "first FROM __merge m JOIN " +
         persons + " o ON o.id = m.other GROUP BY 1) g WHERE " + persons + ".id = g.target;";
  out += "UPDATE " + pdi + " SET person_id = m.target, version = " + pdi +
         ".version + 1 FROM __merge m WHERE " + pdi + ".person_id = m.other;";
  out += "UPDATE " + s + ".events SET person_id = m.target FROM __merge m WHERE " + s +
         ".events.person_id = m.other;";
  out += "DELETE FROM " + persons + " WHERE id IN (SELECT other FROM __merge);";
  out +=
      "CREATE OR REPLACE TEMP TABLE __new AS SELECT d, gen_random_uuid() AS pid, min(ts) AS first "
      "FROM (SELECT distinct_id AS d, ts FROM __seg UNION ALL SELECT b, NULL FROM __links) WHERE d "
      "NOT IN (SELECT distinct_id FROM " +
      pdi + ") GROUP BY d;";
  // A new anonymous id linked to a new identified id shares its person.
  out +=
      "UPDATE __new SET pid = n2.pid FROM __links l, __new n2 WHERE l.b = __new.d AND n2.d = l.a;";
  out += "INSERT INTO " + persons +
         " (id, properties, created_at, is_identified, version) SELECT "
         "pid, '{}', min(coalesce(first, now())), false, 0 FROM __new GROUP BY pid;";
  out += "INSERT INTO " + pdi + " SELECT d, pid, 0 FROM __new;";
  out += "UPDATE " + persons + " SET is_identified = true WHERE id IN (SELECT p.person_id FROM " +
         pdi +
         " p JOIN __seg e ON e.distinct_id = p.distinct_id WHERE e.event IN ('$identify', "
         "'$create_alias', '$merge_dangerously'));";
  // As PostHog applies them in time order: every $set of the file, later keys winning;
  // $set_once only fills keys still missing (the earliest wins); $unset removes keys.
  out += "UPDATE " + persons +
         " SET properties = json_merge_patch(json_merge_patch(json_merge_patch(coalesce(u.once, "
         "'{}'), coalesce(" +
         persons +
         ".properties, '{}')), coalesce(u.sets, '{}')), coalesce(u.unsets, '{}')), version = "
         "version + 1 FROM (SELECT p.person_id, list_reduce(list(e.set_props ORDER BY e.ts) "
         "FILTER (WHERE e.set_props IS NOT NULL), (a, b) -> json_merge_patch(a, b)) AS sets, "
         "list_reduce(list(e.set_once ORDER BY e.ts DESC) FILTER (WHERE e.set_once IS NOT NULL), "
         "(a, b) -> json_merge_patch(a, b)) AS once, CAST(to_json(map_from_entries(list_transform("
         "list_distinct(flatten(list(CAST(e.unset_keys AS VARCHAR[])) FILTER (WHERE e.unset_keys "
         "IS NOT NULL))), k -> {'k': k, 'v': CAST(NULL AS VARCHAR)}))) AS JSON) AS unsets FROM "
         "__seg e JOIN " +
         pdi +
         " p ON p.distinct_id = e.distinct_id WHERE e.set_props IS NOT NULL OR e.set_once IS NOT "
         "NULL OR e.unset_keys IS NOT NULL GROUP BY 1) u WHERE " +
         persons + ".id = u.person_id;";
  // Groups ($groupidentify): a group type gets the next index (PostHog allows five, 0-4)
  // the first time it is seen, there or among an event's $groups; a group's $group_set
  // properties merge in time order.
  std::string groups = s + ".groups", mapping = s + ".group_type_mapping";
  out += "CREATE TABLE IF NOT EXISTS " + mapping +
         " (group_type VARCHAR NOT NULL, group_type_index INTEGER NOT NULL);";
  out += register_group_types(
      mapping,
      "SELECT group_type AS t, ts FROM __seg WHERE event = '$groupidentify' AND group_type IS NOT "
      "NULL AND group_key IS NOT NULL UNION ALL SELECT unnest(map_keys(groups)), ts FROM __seg "
      "WHERE groups IS NOT NULL");
  out +=
      "CREATE OR REPLACE TEMP TABLE __groups AS SELECT m.group_type_index AS i, e.group_key "
      "AS k, coalesce(list_reduce(list(e.group_set ORDER BY e.ts) FILTER (WHERE e.group_set "
      "IS NOT NULL), (a, b) -> json_merge_patch(a, b)), CAST('{}' AS JSON)) AS sets, "
      "min(e.ts) AS first FROM __seg e JOIN " +
      mapping +
      " m ON m.group_type = e.group_type WHERE e.event = '$groupidentify' AND e.group_key IS "
      "NOT NULL GROUP BY 1, 2;";
  out += "UPDATE " + groups + " SET properties = json_merge_patch(coalesce(" + groups +
         ".properties, '{}'), g.sets) FROM __groups g WHERE " + groups +
         ".group_type_index = g.i AND " + groups + ".group_key = g.k;";
  out += "INSERT INTO " + groups +
         " SELECT i, k, sets, first FROM __groups g WHERE NOT EXISTS "
         "(SELECT 1 FROM " +
         groups + " x WHERE x.group_type_index = g.i AND x.group_key = g.k);";
  out += "INSERT INTO " + s +
         ".events (uuid, event, properties, timestamp, distinct_id, person_id, "
         "elements_chain, \"$session_id\", \"$window_id\", created_at, team_id" +
         group_columns() +
         ") SELECT e.uuid, e.event, e.properties, e.ts, e.distinct_id, "
         "p.person_id, e.elements_chain, e.session_id, e.window_id, e.created_at, e.team_id" +
         group_values("e.groups", "m") + " FROM __seg e LEFT JOIN " + pdi +
         " p ON p.distinct_id = e.distinct_id, " + group_types(mapping, "m") + ";";
  out += "INSERT INTO duckgres_meta.ingested SELECT " + team + ", " + seg +
         ", (SELECT count(*) FROM __seg), now() WHERE NOT EXISTS (SELECT 1 FROM "
         "duckgres_meta.ingested WHERE schema_name = " +
         team + " AND segment = " + seg + ");";
  return out;
}

int Ingester::line_version(const std::string& path) {
  std::ifstream in(path);
  char head[8] = {};
  in.read(head, 7);
  return std::string(head, static_cast<size_t>(in.gcount())) == "{\"v\":2," ? 2 : 1;
}

int Ingester::apply_pending() {
  std::lock_guard pass(pass_mutex_);
  int applied = 0;
  try {
    log_.seal(interval_);
    // A failure stops the rest of its team for this pass (a team's files apply in order) or,
    // when the duckling does not answer, the rest of its organization; never the others.
    std::set<std::string> waiting_orgs, waiting_teams, ready_orgs;
    std::set<std::string> present;
    for (const auto& seg : log_.sealed()) {
      present.insert(seg.path);
      std::string team = seg.org + "/" + seg.schema;
      if (waiting_orgs.count(seg.org) || waiting_teams.count(team)) continue;
      if (!ready_orgs.count(seg.org)) {
        if (ready_ && !ready_(seg.org)) {
          waiting_orgs.insert(seg.org);
          continue;
        }
        ready_orgs.insert(seg.org);
      }
      auto now = SteadyClock::now();
      if (auto f = failures_.find(seg.path); f != failures_.end() && now < f->second.next_try) {
        waiting_teams.insert(team);
        continue;
      }
      std::string error, sqlstate;
      try {
        run_sql_(seg.org, apply_sql(seg.schema, seg.path, seg.name, line_version(seg.path)));
        std::error_code ec;
        fs::remove(seg.path, ec);
        failures_.erase(seg.path);
        ++applied;
        files_applied.fetch_add(1);
        continue;
      } catch (const SqlError& e) {
        error = e.what();
        sqlstate = e.sqlstate();
      } catch (const std::exception& e) {
        error = e.what();
      }
      apply_errors.fetch_add(1);
      // The file's fault or the duckling's? A duckling that does not answer a trivial
      // statement is starting, restarting or gone: retry later, count nothing.
      bool answers = !ready_ || ready_(seg.org);
      try {
        if (answers) run_sql_(seg.org, "SELECT 1");
      } catch (const std::exception&) {
        answers = false;
      }
      if (!answers) {
        waiting_orgs.insert(seg.org);
        spdlog::debug("ingest: {} / {}: {} (the duckling does not answer; kept, retried)", seg.org,
                      seg.name, error);
        continue;
      }
      Failure& f = failures_[seg.path];
      if (f.attempts++ == 0) {
        f.first = now;
        f.first_at = iso_utc_now();
      }
      f.error = error;
      f.sqlstate = sqlstate;
      bool data_error = sqlstate.rfind("22", 0) == 0;
      if ((data_error && f.attempts >= kDataErrorAttempts) ||
          (f.attempts >= kOtherErrorAttempts && now - f.first >= kOtherErrorWindow)) {
        quarantine(seg, f);
        failures_.erase(seg.path);
        continue;  // the team's later files go on in this pass
      }
      f.next_try = now + backoff(f.attempts);
      waiting_teams.insert(team);
      spdlog::warn("ingest: {} / {} / {}: {} [{}] (attempt {}; kept, retried)", seg.org, seg.schema,
                   seg.name, error, sqlstate, f.attempts);
    }
    // Forget files that are gone (applied elsewhere, their team deleted).
    for (auto it = failures_.begin(); it != failures_.end();) {
      it = present.count(it->first) ? std::next(it) : failures_.erase(it);
    }
  } catch (const std::exception& e) {
    spdlog::error("ingest: {}", e.what());
  }
  return applied;
}

void Ingester::quarantine(const EventLog::Segment& seg, const Failure& failure) {
  fs::path dir = log_.quarantine_directory(seg.org, seg.schema);
  std::error_code ec;
  uintmax_t size = fs::file_size(seg.path, ec);
  if (ec) size = 0;
  nlohmann::json reason = {{"name", seg.name},
                           {"size", size},
                           {"reason", failure.error},
                           {"sqlstate", failure.sqlstate},
                           {"attempts", failure.attempts},
                           {"first_failed_at", failure.first_at},
                           {"quarantined_at", iso_utc_now()}};
  try {
    fs::create_directories(dir);
    fs::permissions(dir, fs::perms::owner_all);
    // The reason first: a crash before the move leaves the file to be tried (and quarantined)
    // again, never a quarantined file without its reason.
    write_whole(dir / (seg.name + ".reason.json"), reason.dump(2) + "\n");
    fs::rename(seg.path, dir / seg.name);
  } catch (const std::exception& e) {
    spdlog::error("ingest: {} / {} / {}: cannot quarantine ({}); kept, retried", seg.org,
                  seg.schema, seg.name, e.what());
    return;
  }
  {
    std::lock_guard lock(counts_mutex_);
    ++quarantined_total_[{seg.org, seg.schema}];
  }
  spdlog::error(
      "ingest: {} / {} / {} quarantined after {} failed attempts: {} [{}] (kept in {}; the "
      "team's later files go on)",
      seg.org, seg.schema, seg.name, failure.attempts, failure.error, failure.sqlstate,
      dir.string());
}

nlohmann::json Ingester::quarantined(const std::string& org, const std::string& schema) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& seg : log_.quarantined()) {
    if (seg.org != org || seg.schema != schema) continue;
    nlohmann::json entry = {{"name", seg.name}};
    std::ifstream in(seg.path + ".reason.json");
    nlohmann::json reason = nlohmann::json::parse(in, nullptr, false);
    if (reason.is_object()) {
      for (const char* k : {"reason", "sqlstate", "attempts", "first_failed_at", "quarantined_at"})
        if (reason.contains(k)) entry[k] = reason[k];
    } else {
      entry["reason"] = "unknown (no reason file)";
    }
    std::error_code ec;
    uintmax_t size = fs::file_size(seg.path, ec);
    entry["size"] = ec ? 0 : size;
    out.push_back(std::move(entry));
  }
  return out;
}

void Ingester::requeue(const std::string& org, const std::string& schema, const std::string& name) {
  fs::path dir = log_.quarantine_directory(org, schema);
  std::error_code ec;
  if (!is_segment_name(name) || !fs::is_regular_file(dir / name, ec)) {
    throw std::invalid_argument("no file \"" + name + "\" in this team's quarantine");
  }
  std::lock_guard pass(pass_mutex_);
  fs::rename(dir / name, fs::path(log_.directory(org, schema)) / name);
  fs::remove(dir / (name + ".reason.json"), ec);
  spdlog::info("ingest: {} / {} / {} moved back from quarantine to be applied again", org, schema,
               name);
}

std::map<std::pair<std::string, std::string>, uint64_t> Ingester::quarantined_total() {
  std::lock_guard lock(counts_mutex_);
  return quarantined_total_;
}

std::map<std::pair<std::string, std::string>, uint64_t> Ingester::quarantine_files() {
  std::map<std::pair<std::string, std::string>, uint64_t> out;
  for (const auto& seg : log_.quarantined()) ++out[{seg.org, seg.schema}];
  std::lock_guard lock(counts_mutex_);
  // A team whose quarantine was emptied reports 0 rather than its last count.
  for (const auto& team : reported_teams_) out.try_emplace(team, 0);
  for (const auto& [team, n] : out) reported_teams_.insert(team);
  return out;
}

}  // namespace ducklings::ingest
