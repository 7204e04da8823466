#include "sources/sync.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cstdlib>
#include <atomic>
#include <filesystem>
#include <optional>

#include "common/clock.h"
#include "common/digest.h"
#include "common/errors.h"
#include "common/fifo.h"
#include "jobs/schedule.h"
#include "sql/quoting.h"

namespace ducklings::sources {
namespace {
using json = nlohmann::json;
using control::Refusal;
using control::RefusedError;

constexpr int64_t kDefaultFrequency = 6 * 3600;
constexpr int64_t kMinFrequency = 300, kMaxFrequency = 30 * 86400;
constexpr int kAttempts = 3;  // of a table whose source fails transiently
constexpr size_t kPipeChunk = 1 << 20;

// A run asked to stop (cancel_run): not a failure of the table.
struct Cancelled : std::runtime_error {
  Cancelled() : std::runtime_error("cancelled") {}
};

[[noreturn]] void invalid(const std::string& message) {
  throw RefusedError(Refusal::kInvalid, "invalid_request", message);
}

int64_t epoch_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// Seconds from a frequency (jobs/schedule.h), as a 400 when it is not one.
int64_t frequency_seconds(const json& v) {
  try {
    return jobs::schedule_seconds(v);
  } catch (const std::invalid_argument& e) {
    invalid(std::string("\"frequency\" must be ") + e.what());
  }
}

json default_config(const SourceTable& t) {
  return {{"enabled", false},       {"sync_type", "full_refresh"}, {"incremental_field", nullptr},
          {"primary_key", t.primary_key}, {"lookback_seconds", 0},  {"frequency", kDefaultFrequency},
          {"enabled_columns", nullptr}};
}

json default_state() {
  return {{"status", "not_synced"}, {"last_error", nullptr}, {"last_synced_at", nullptr},
          {"last_synced_epoch", 0},  {"rows_last_run", 0},    {"cursor", nullptr},
          {"stopped", false}};
}

json describe(const SourceTable& t, const json& config, const json& state, const std::string& schema) {
  json columns = json::array();
  for (const auto& c : t.columns)
    columns.push_back({{"name", c.name}, {"type", c.source_type}, {"lands_as", c.duck_type}});
  return {{"name", table_key(t)},
          {"schema", t.schema},
          {"table", t.name},
          {"kind", t.kind},
          {"columns", columns},
          {"primary_key", t.primary_key},
          {"row_estimate", t.row_estimate < 0 ? json(nullptr) : json(t.row_estimate)},
          {"incremental_fields", t.incremental_fields},
          {"lands_in", schema + "." + landed_name(t)},
          {"enabled", config["enabled"]},
          {"sync_type", config["sync_type"]},
          {"incremental_field", config["incremental_field"]},
          {"configured_primary_key", config["primary_key"]},
          {"lookback_seconds", config["lookback_seconds"]},
          {"frequency", config["frequency"]},
          {"enabled_columns", config.value("enabled_columns", json())},
          {"status", state["status"]},
          {"last_error", state["last_error"]},
          {"last_synced_at", state["last_synced_at"]},
          {"rows_last_run", state["rows_last_run"]}};
}

const SourceTable* find_table(const std::vector<SourceTable>& tables, const std::string& key) {
  for (const auto& t : tables) {
    if (table_key(t) == key || (t.bare && t.name == key)) return &t;
  }
  return nullptr;
}

std::string qi(const std::string& s) { return sql::quote_identifier(s); }

}  // namespace

SourceTable enabled_part(const SourceTable& table, const nlohmann::json& config) {
  const json& enabled = config.contains("enabled_columns") ? config["enabled_columns"] : json();
  if (!enabled.is_array()) return table;
  SourceTable out = table;
  out.columns.clear();
  for (const auto& c : table.columns) {
    if (std::find(enabled.begin(), enabled.end(), json(c.name)) != enabled.end()) out.columns.push_back(c);
  }
  return out;
}

std::string table_key(const SourceTable& table) {
  return table.schema.empty() ? table.name : table.schema + "." + table.name;
}

std::string landed_name(const SourceTable& table) {
  return table.bare || table.schema.empty() ? table.name : table.schema + "_" + table.name;
}

SyncEngine::SyncEngine(control::ControlPlane& control, gateway::Gateway& gateway,
                       std::string data_dir, control::StorageAccess* storage)
    : control_(control), gateway_(gateway), data_dir_(std::move(data_dir)), storage_(storage) {}

SyncEngine::~SyncEngine() { stop(); }

control::SourceRecord SyncEngine::create(const std::string& org, int64_t team_id,
                                         control::SourceSpec spec) {
  CheckedConnection checked = check_connection(spec.kind, spec.connection, spec.secret);
  spec.connection = checked.connection;
  spec.secret = checked.secret;
  return control_.create_source(org, team_id, spec, [&](const control::SourceRecord& s, const std::string& secret) {
    try {
      open(org, s, secret)->discover();
    } catch (const SourceError& e) {
      throw RefusedError(Refusal::kUnprocessable, "source_unreachable",
                         "the source cannot be read: " + std::string(e.what()));
    }
  });
}

std::unique_ptr<Source> SyncEngine::open(const std::string& org, const control::SourceRecord& s,
                                         const std::string& secret) {
  return open_source(s.kind, s.connection, secret, {org, &gateway_, storage_});
}

std::unique_ptr<Source> SyncEngine::open(const std::string& org, const control::SourceRecord& s) {
  return open(org, s, control_.source_password(org, s.name));
}

std::vector<SourceTable> SyncEngine::discover(const std::string& org,
                                              const control::SourceRecord& s) {
  try {
    return open(org, s)->discover();
  } catch (const SourceError& e) {
    throw RefusedError(Refusal::kUnprocessable, "source_unreachable", e.what());
  }
}

json SyncEngine::tables(const std::string& org, int64_t team_id, const std::string& name) {
  control::SourceRecord s = control_.get_source(org, team_id, name);
  std::vector<SourceTable> found = discover(org, s);
  auto stored = control_.source_tables(org, name);
  json out = json::array();
  for (const auto& t : found) {
    auto it = stored.find(table_key(t));
    out.push_back(describe(t, it == stored.end() ? default_config(t) : it->second.first,
                           it == stored.end() ? default_state() : it->second.second, s.prefix));
    if (out.back()["sync_type"] == "cdc") out.back()["cdc"] = cdc_status(org, name);
  }
  return out;
}

json SyncEngine::configure(const std::string& org, int64_t team_id, const std::string& name,
                           const std::string& key, const json& change) {
  control::SourceRecord s = control_.get_source(org, team_id, name);
  std::vector<SourceTable> found = discover(org, s);
  const SourceTable* t = find_table(found, key);
  if (!t) {
    throw RefusedError(Refusal::kNotFound, "not_found",
                       "source \"" + name + "\" has no table \"" + key + "\"");
  }
  auto stored = control_.source_tables(org, name);
  auto it = stored.find(table_key(*t));
  json config = it == stored.end() ? default_config(*t) : it->second.first;
  json state = it == stored.end() ? default_state() : it->second.second;
  for (const auto& [field, value] : change.items()) {
    if (field == "enabled") {
      if (!value.is_boolean()) invalid("\"enabled\" must be true or false");
    } else if (field == "sync_type") {
      if (!value.is_string()) invalid("\"sync_type\" must be a string");
      std::string v = value;
      if (v == "cdc" && s.kind != "postgres") {
        throw RefusedError(Refusal::kUnprocessable, "not_supported",
                           "change data capture is available for PostgreSQL sources");
      }
      if (v != "full_refresh" && v != "incremental" && v != "append" && v != "cdc")
        invalid("\"sync_type\" must be full_refresh, incremental, append or cdc");
    } else if (field == "incremental_field") {
      if (!value.is_null() && !value.is_string()) invalid("\"incremental_field\" must be a column");
      if (value.is_string() &&
          std::find(t->incremental_fields.begin(), t->incremental_fields.end(),
                    value.get<std::string>()) == t->incremental_fields.end()) {
        invalid("\"" + value.get<std::string>() + "\" cannot be an incremental field of " + key +
                " (an integer, numeric, date or timestamp column: " +
                json(t->incremental_fields).dump() + ")");
      }
    } else if (field == "primary_key") {
      if (!value.is_array()) invalid("\"primary_key\" must be an array of columns");
      for (const auto& c : value) {
        bool known = c.is_string() && std::any_of(t->columns.begin(), t->columns.end(), [&](const SourceColumn& col) {
                       return col.name == c.get<std::string>();
                     });
        if (!known) invalid("\"primary_key\" names " + c.dump() + ", not a column of " + key);
      }
    } else if (field == "lookback_seconds") {
      if (!value.is_number_integer() || value.get<int64_t>() < 0 || value.get<int64_t>() > 30 * 86400)
        invalid("\"lookback_seconds\" must be between 0 and 2592000");
    } else if (field == "enabled_columns") {
      if (value.is_null()) {
        config[field] = nullptr;  // every column, and those added upstream
        continue;
      }
      if (!value.is_array() || value.empty())
        invalid("\"enabled_columns\" must be a non-empty array of columns, or null for all");
      for (const auto& c : value) {
        bool known = c.is_string() && std::any_of(t->columns.begin(), t->columns.end(), [&](const SourceColumn& col) {
                       return col.name == c.get<std::string>();
                     });
        if (!known) invalid("\"enabled_columns\" names " + c.dump() + ", not a column of " + key);
      }
    } else if (field == "frequency") {
      int64_t f = frequency_seconds(value);
      if (f != 0 && (f < kMinFrequency || f > kMaxFrequency))
        invalid("\"frequency\" must be between 5 minutes and 30 days, or manual");
      config[field] = f;
      continue;
    } else {
      invalid("unknown field \"" + field + "\" (a table takes enabled, sync_type, "
              "incremental_field, primary_key, lookback_seconds, frequency, enabled_columns)");
    }
    config[field] = value;
  }
  if (config.contains("enabled_columns") && config["enabled_columns"].is_array()) {
    // The key and the cursor's column are what merges and increments rest on.
    std::vector<std::string> needed = config["primary_key"].get<std::vector<std::string>>();
    if (config["incremental_field"].is_string()) needed.push_back(config["incremental_field"]);
    if (config["sync_type"] == "cdc") needed.insert(needed.end(), t->primary_key.begin(), t->primary_key.end());
    for (const auto& n : needed) {
      if (std::find(config["enabled_columns"].begin(), config["enabled_columns"].end(), json(n)) ==
          config["enabled_columns"].end())
        invalid("\"enabled_columns\" must include " + n + " (the primary key and the incremental field)");
    }
  }
  std::string type = config["sync_type"];
  bool was_cdc = it != stored.end() && it->second.first.value("sync_type", "") == "cdc";
  if (type == "cdc") {
    // Deletes and key updates arrive by the replica identity: the upstream primary key.
    if (t->primary_key.empty())
      invalid("a cdc sync needs a primary key upstream: " + key + " has none (PostgreSQL "
              "sends the old rows of updates and deletes by it)");
    if (change.contains("primary_key") && change["primary_key"] != json(t->primary_key))
      invalid("a cdc sync keys rows by the upstream primary key " + json(t->primary_key).dump());
    config["primary_key"] = t->primary_key;
    // A table (re)joining the stream is snapshotted first.
    if (!was_cdc || change.contains("enabled")) state["cdc_snapshot"] = false;
  } else if (type != "full_refresh") {
    if (!config["incremental_field"].is_string() && !t->tracks_itself)
      invalid("an " + type + " sync needs an \"incremental_field\"");
    if (type == "incremental" && config["primary_key"].empty())
      invalid("an incremental sync needs a primary key: " + key + " has none upstream; name "
              "its columns in \"primary_key\"");
  }
  if (change.contains("sync_type") || change.contains("incremental_field")) state["cursor"] = nullptr;
  state["stopped"] = false;  // changed settings: the scheduler tries it again
  if (type == "cdc" && config["enabled"] == true) {
    // The publication and slot are made now, so what the source lacks (logical WAL, the
    // REPLICATION attribute, ownership of the tables) is said here rather than later.
    std::vector<SourceTable> streamed{*t};
    for (const auto& [other, entry] : stored) {
      const SourceTable* o = find_table(found, other);
      if (o && o != t && entry.first.value("enabled", false) && entry.first.value("sync_type", "") == "cdc")
        streamed.push_back(*o);
    }
    try {
      open_postgres_changes(s.connection, control_.source_password(org, name), cdc_name(org, name))
          ->prepare(streamed);
    } catch (const SourceError& e) {
      throw RefusedError(Refusal::kUnprocessable, "cdc_unavailable", e.what());
    }
  }
  control_.save_source_table(org, name, table_key(*t), config, state);
  if (type == "cdc" || was_cdc) cdc_refresh(org, team_id, name);
  json out = describe(*t, config, state, s.prefix);
  if (type == "cdc") out["cdc"] = cdc_status(org, name);
  return out;
}

json SyncEngine::start_run(const std::string& org, int64_t team_id, const std::string& name,
                           const std::vector<std::string>& only) {
  control::SourceRecord s = control_.get_source(org, team_id, name);
  std::vector<std::string> tables = only;
  if (tables.empty()) {
    for (const auto& [key, entry] : control_.source_tables(org, name)) {
      if (entry.first.value("enabled", false)) tables.push_back(key);
    }
  }
  if (tables.empty()) {
    invalid("source \"" + name + "\" has no enabled table: enable some with PATCH …/tables/{table}");
  }
  json run = {{"id", random_hex(8)},         {"source", name},        {"team_id", team_id},
              {"status", "running"},         {"rows", 0},             {"error", nullptr},
              {"started_at", iso_utc_now()}, {"finished_at", nullptr}, {"tables", json::array()}};
  {
    std::lock_guard lock(mutex_);
    if (queued_.count({org, name})) {
      throw RefusedError(Refusal::kConflict, "conflict",
                         "source \"" + name + "\" has a run queued or running");
    }
    queued_.insert({org, name});
    control_.save_run(control::RunKind::kSource, org, run["source"].get<std::string>(), run);
    queue_.push_back({org, name, team_id, run, tables});
  }
  wake_.notify_all();
  return run;
}

json SyncEngine::cancel_run(const std::string& org, int64_t team_id, const std::string& name,
                            const std::string& run_id) {
  control_.get_source(org, team_id, name);
  json run = control_.get_run(control::RunKind::kSource, org, name, run_id);
  std::lock_guard lock(mutex_);
  if (run["status"] != "running") {
    throw RefusedError(Refusal::kConflict, "conflict",
                       "run " + run_id + " already ended (" + run["status"].get<std::string>() + ")");
  }
  for (auto it = queue_.begin(); it != queue_.end(); ++it) {
    if (it->run["id"] == run_id) {  // not started: ends now
      it->run["status"] = "cancelled";
      it->run["finished_at"] = iso_utc_now();
      control_.save_run(control::RunKind::kSource, org, it->run["source"].get<std::string>(), it->run);
      queued_.erase({org, name});
      run = it->run;
      queue_.erase(it);
      return run;
    }
  }
  cancel_.insert(run_id);
  return run;
}

bool SyncEngine::cancelled(const std::string& run_id) {
  std::lock_guard lock(mutex_);
  return stop_ || cancel_.count(run_id) > 0;
}

std::map<std::pair<std::string, std::string>, uint64_t> SyncEngine::take_synced_rows() {
  std::lock_guard lock(mutex_);
  auto out = std::move(synced_rows_);
  synced_rows_.clear();
  return out;
}

void SyncEngine::start() {
  if (thread_.joinable()) return;
  thread_ = std::thread([this] { loop(); });
  // Streams that ran before a restart resume from their slots' confirmed positions.
  try {
    for (const auto& [org, team_id, name] : control_.all_sources()) {
      for (const auto& [key, entry] : control_.source_tables(org, name)) {
        if (entry.first.value("enabled", false) && entry.first.value("sync_type", "") == "cdc") {
          cdc_refresh(org, team_id, name);
          break;
        }
      }
    }
  } catch (const std::exception& e) {
    spdlog::warn("sources: change data capture not resumed: {}", e.what());
  }
}

void SyncEngine::stop() {
  {
    std::lock_guard lock(mutex_);
    stop_ = true;
  }
  wake_.notify_all();
  cdc_stop_all();
  if (thread_.joinable()) thread_.join();
}

void SyncEngine::loop() {
  auto next_schedule = std::chrono::steady_clock::now();
  while (true) {
    Job job;
    {
      std::unique_lock lock(mutex_);
      wake_.wait_until(lock, next_schedule, [&] { return stop_ || !queue_.empty(); });
      if (stop_) return;
      if (queue_.empty()) {
        lock.unlock();
        schedule_due();
        next_schedule = std::chrono::steady_clock::now() + std::chrono::seconds(15);
        continue;
      }
      job = std::move(queue_.front());
      queue_.pop_front();
    }
    execute(job);  // takes the source off queued_ as the run ends
  }
}

void SyncEngine::schedule_due() {
  int64_t now = epoch_now();
  try {
    for (const auto& [org, team_id, name] : control_.all_sources()) {
      std::vector<std::string> due;
      for (const auto& [key, entry] : control_.source_tables(org, name)) {
        const json& config = entry.first;
        const json& state = entry.second;
        int64_t frequency = config.value("frequency", kDefaultFrequency);
        if (!config.value("enabled", false) || frequency <= 0 || state.value("stopped", false) ||
            config.value("sync_type", "") == "cdc")
          continue;
        if (now - state.value("last_synced_epoch", int64_t{0}) >= frequency) due.push_back(key);
      }
      if (due.empty()) continue;
      {
        std::lock_guard lock(mutex_);
        if (queued_.count({org, name})) continue;
      }
      try {
        start_run(org, team_id, name, due);
      } catch (const std::exception& e) {
        spdlog::warn("source {} of {}: scheduled run not started: {}", name, org, e.what());
      }
    }
  } catch (const std::exception& e) {
    spdlog::warn("source scheduler: {}", e.what());
  }
}

void SyncEngine::execute(Job& job) {
  json& run = job.run;
  uint64_t total = 0;
  bool failed = false, stopped = false;
  std::string run_id = run["id"];
  auto is_cancelled = [&] { return cancelled(run_id); };
  std::vector<std::string> landed;  // relations that changed
  try {
    control::SourceRecord source = control_.get_source(job.org, job.team_id, job.source);
    std::unique_ptr<Source> connection = open(job.org, source);
    std::vector<SourceTable> found;
    auto stored = control_.source_tables(job.org, job.source);
    for (int attempt = 1;; ++attempt) {
      try {
        found = connection->discover();
        break;
      } catch (const SourceError& e) {
        if (e.transient() && attempt < kAttempts) {
          std::this_thread::sleep_for(std::chrono::seconds(1 << attempt));
          continue;
        }
        // The source cannot be read at all (a login or a grant lost): each table says why.
        for (const std::string& key : job.tables) {
          auto it = stored.find(key);
          if (it == stored.end()) continue;
          json state = it->second.second;
          state["status"] = "failed";
          state["last_error"] = e.what();
          state["stopped"] = !e.transient();
          state["last_synced_epoch"] = epoch_now();
          control_.save_source_table(job.org, job.source, key, it->second.first, state);
          run["tables"].push_back({{"table", key}, {"status", "failed"}, {"rows", 0}, {"error", e.what()}});
        }
        throw;
      }
    }
    std::string team_schema = control_.get_team(job.org, job.team_id).schema_name;
    for (const std::string& key : job.tables) {
      if (is_cancelled()) {
        stopped = true;
        break;
      }
      json entry = {{"table", key}, {"status", "running"}, {"rows", 0}, {"error", nullptr}};
      const SourceTable* t = find_table(found, key);
      auto it = t ? stored.find(table_key(*t)) : stored.end();
      json config = it != stored.end() ? it->second.first : t ? default_config(*t) : json();
      json state = it != stored.end() ? it->second.second : default_state();
      if (config.is_object() && config.value("sync_type", "") == "cdc") {
        entry["status"] = "completed";
        entry["note"] = "streamed by change data capture";
        run["tables"].push_back(entry);
        continue;
      }
      try {
        if (!t) throw SourceError(false, "the table " + key + " is gone from the source");
        uint64_t rows = 0;
        for (int attempt = 1;; ++attempt) {
          try {
            rows = sync_table(job.org, source, *connection, enabled_part(*t, config), config, state,
                              is_cancelled);
            break;
          } catch (const SourceError& e) {
            if (!e.transient() || attempt == kAttempts) throw;
            spdlog::info("source {} table {}: {} (attempt {}, retrying)", job.source, key, e.what(), attempt);
            std::this_thread::sleep_for(std::chrono::seconds(1 << attempt));
          }
        }
        entry["status"] = "completed";
        entry["rows"] = rows;
        total += rows;
        if (rows > 0) landed.push_back(source.prefix + "." + landed_name(*t));
        state["status"] = "completed";
        state["last_error"] = nullptr;
        state["last_synced_at"] = iso_utc_now();
        state["last_synced_epoch"] = epoch_now();
        state["rows_last_run"] = rows;
        std::lock_guard lock(mutex_);
        synced_rows_[{job.org, team_schema}] += rows;
      } catch (const Cancelled&) {
        stopped = true;
        entry["status"] = "cancelled";
        run["tables"].push_back(entry);
        break;
      } catch (const std::exception& e) {
        failed = true;
        entry["status"] = "failed";
        entry["error"] = e.what();
        state["status"] = "failed";
        state["last_error"] = e.what();
        // A permanent failure stops the table until its settings change; a transient one
        // is tried again at its next time.
        auto* se = dynamic_cast<const SourceError*>(&e);
        state["stopped"] = !(se && se->transient());
        state["last_synced_epoch"] = epoch_now();
        spdlog::warn("source {} of {}: table {} failed: {}", job.source, job.org, key, e.what());
      }
      // A table gone upstream keeps its settings, its state saying why.
      if (!config.is_null()) {
        control_.save_source_table(job.org, job.source, t ? table_key(*t) : key, config, state);
      }
      run["tables"].push_back(entry);
      run["rows"] = total;
      control_.save_run(control::RunKind::kSource, job.org, run["source"].get<std::string>(), run);
    }
    run["status"] = stopped ? "cancelled" : failed ? "failed" : "completed";
    if (failed) run["error"] = "some tables failed";
  } catch (const std::exception& e) {
    run["status"] = "failed";
    run["error"] = e.what();
  }
  run["rows"] = total;
  run["finished_at"] = iso_utc_now();
  {
    // Ended before it says so: a client that sees it completed may start the next at once.
    std::lock_guard lock(mutex_);
    cancel_.erase(run_id);
    queued_.erase({job.org, job.source});
  }
  try {
    control_.save_run(control::RunKind::kSource, job.org, run["source"].get<std::string>(), run);
  } catch (const std::exception& e) {
    spdlog::error("source {} of {}: the run could not be saved: {}", job.source, job.org, e.what());
  }
  record_run_sql(job.org, job.team_id, job.source, run);
  if (on_landed_ && !landed.empty()) on_landed_(job.org, job.team_id, landed);
}

void SyncEngine::record_run_sql(const std::string& org, int64_t team_id, const std::string& source,
                                const json& run) {
  // In the duckling too, for SQL (system.source_runs): a row per table.
  try {
    std::string values;
    auto text = [](const json& v) { return v.is_string() ? sql::quote_literal(v.get<std::string>()) : std::string("NULL"); };
    for (const auto& t : run["tables"]) {
      values += std::string(values.empty() ? "" : ", ") + "(" + text(run["id"]) + ", " +
                sql::quote_literal(source) + ", " + std::to_string(team_id) + ", " +
                text(t["table"]) + ", " + text(t["status"]) + ", " +
                std::to_string(t.value("rows", uint64_t{0})) + ", " + text(t["error"]) + ", " +
                text(run["started_at"]) + ", " + text(run["finished_at"]) + ")";
    }
    if (!values.empty()) {
      gateway_.run({org, "source " + source, "INSERT INTO duckgres_meta.source_runs VALUES " + values, {}, true});
    }
  } catch (const std::exception& e) {
    spdlog::warn("source {} of {}: the run is not in system.source_runs: {}", source, org, e.what());
  }
}

std::string SyncEngine::csv_select(const std::vector<SourceColumn>& columns, const std::string& path) {
  return csv_select(columns, std::vector<std::string>{path});
}

std::string SyncEngine::csv_select(const std::vector<SourceColumn>& columns,
                                   const std::vector<std::string>& paths) {
  std::string files;
  for (const auto& p : paths) files += (files.empty() ? "" : ", ") + sql::quote_literal(p);
  // The CSV reader casts to each column's type itself (as COPY FROM STDIN does); a column that
  // needs an expression (bytea's hex) is read as text first. A value DuckDB cannot read fails.
  std::string csv_columns, select;
  for (size_t i = 0; i < columns.size(); ++i) {
    const SourceColumn& c = columns[i];
    std::string text = "c" + std::to_string(i);
    std::string read_as = c.read_expression.empty() ? c.duck_type : "VARCHAR";
    csv_columns += (i ? ", " : "") + sql::quote_literal(text) + ": " + sql::quote_literal(read_as);
    std::string value = text;
    if (!c.read_expression.empty()) {
      value = c.read_expression;
      value.replace(value.find("%s"), 2, text);
      value = "CAST(" + value + " AS " + c.duck_type + ")";
    }
    select += (i ? ", " : "") + value + " AS " + qi(c.name);
  }
  return "SELECT " + select + " FROM read_csv([" + files + "], columns = {" +
         csv_columns + "}, header = false, auto_detect = false, delim = ',', quote = '\"', "
         "escape = '\"', nullstr = '', allow_quoted_nulls = false, strict_mode = true)";
}

uint64_t SyncEngine::stream_into(const std::string& org, const std::string& stage,
                                 Source& connection, const SourceTable& table,
                                 const std::string& field, const std::optional<std::string>& after,
                                 int64_t lookback_seconds, const RunSql& run_sql,
                                 const std::function<bool()>& cancelled) {
  // The rows arrive as CSV through pipes DuckDB reads into the stage table, one per part of
  // the source's stream (DuckDB parses each on its own thread).
  std::string tmp = data_dir_ + "/ducklings/" + org + "/tmp";
  std::filesystem::create_directories(tmp);
  size_t parts = std::max<size_t>(1, connection.parts(table));
  if (parts > 1) {
    // No more streams than the duckling has threads to parse them (its size's vCPUs), and no
    // more than half the machine's cores: PostgreSQL's COPYs and the relay need the rest (on 2
    // cores two streams measured 0.87x of one, bench/README.md). DUCKGRES_SOURCE_STREAMS sets
    // the machine's share.
    size_t n = static_cast<size_t>(std::max(1, control_.get_duckling(org).size.vcpus));
    size_t machine = std::max(1u, std::thread::hardware_concurrency() / 2);
    if (const char* v = std::getenv("DUCKGRES_SOURCE_STREAMS")) machine = std::max(1, std::atoi(v));
    parts = std::min({parts, n, machine});
    if (parts > 1) spdlog::info("source table {}: read in {} streams", table_key(table), parts);
  }
  std::vector<std::unique_ptr<Fifo>> fifos;
  std::vector<std::string> paths;
  for (size_t i = 0; i < parts; ++i) {
    fifos.push_back(std::make_unique<Fifo>(tmp + "/source-" + random_hex(6) + ".fifo"));
    paths.push_back(fifos.back()->path());
  }
  std::atomic<bool> reader_done{false};
  std::optional<std::string> reader_error;
  std::thread reader([&] {
    try {
      run_sql("CREATE TABLE " + stage + " AS " + csv_select(table.columns, paths));
    } catch (const std::exception& e) {
      reader_error = e.what();
    }
    reader_done = true;
  });
  struct Join {
    std::thread& t;
    std::vector<std::unique_ptr<Fifo>>& f;
    ~Join() {
      for (auto& fifo : f) fifo->close();
      if (t.joinable()) t.join();
    }
  } join{reader, fifos};
  // In the order DuckDB opens them.
  for (auto& fifo : fifos) {
    if (!fifo->open_for_write(reader_done)) {
      for (auto& f : fifos) f->close();
      reader.join();
      throw SqlError("58030", "the duckling did not read the rows: " + reader_error.value_or("unknown"));
    }
  }
  // A source may hand over a row at a time: written to the pipe a MiB at a time, not a system
  // call per row.
  std::vector<std::string> pending(parts);
  std::vector<CsvSink> sinks;
  for (size_t i = 0; i < parts; ++i) {
    pending[i].reserve(kPipeChunk + 4096);
    sinks.push_back([&, i](std::string_view data) {
      if (data.empty()) {  // the part ended: what is pending, then the end of its pipe
        if (!pending[i].empty() && !cancelled()) fifos[i]->write(pending[i]);
        pending[i].clear();
        fifos[i]->close();
        return true;
      }
      pending[i].append(data);
      if (pending[i].size() < kPipeChunk) return true;
      bool ok = !cancelled() && fifos[i]->write(pending[i]);
      pending[i].clear();
      return ok;
    });
  }
  uint64_t sent = 0;
  try {
    sent = connection.stream_parts(table, table.columns, field, after, lookback_seconds, sinks);
  } catch (...) {
    for (auto& f : fifos) f->close();
    reader.join();
    throw;
  }
  for (size_t i = 0; i < parts; ++i) {
    if (!pending[i].empty() && !cancelled()) fifos[i]->write(pending[i]);
    fifos[i]->close();
  }
  reader.join();
  if (cancelled()) throw Cancelled();
  if (reader_error) throw SqlError("22P04", "the rows of " + table_key(table) + " could not be landed: " + *reader_error);
  return sent;
}

uint64_t SyncEngine::sync_table(const std::string& org, const control::SourceRecord& source,
                                Source& connection, const SourceTable& table, const json& config,
                                json& state, const std::function<bool()>& cancelled) {
  std::string type = config.value("sync_type", "full_refresh");
  std::string field = config["incremental_field"].is_string() ? config["incremental_field"].get<std::string>() : "";
  std::vector<std::string> key = config["primary_key"].get<std::vector<std::string>>();
  std::string schema = qi(source.prefix);
  std::string target = schema + "." + qi(landed_name(table));
  std::string stage_name = "__duckgres_stage_" + random_hex(6);
  std::string stage = schema + "." + qi(stage_name);
  RunSql run_sql = [&](const std::string& sql) { return gateway_.run({org, "source " + source.name, sql, {}, true}); };
  run_sql("CREATE SCHEMA IF NOT EXISTS " + schema);

  bool cleanup_stage = true;
  std::optional<DirectRead> direct = connection.read_directly(
      table, type == "full_refresh" ? json() : state.value("cursor", json()));
  struct Release {
    std::function<void()> f;
    ~Release() {
      if (f) f();
    }
  } release{direct ? direct->release : nullptr};
  try {
    uint64_t sent = 0;
    if (direct) {
      std::string columns;
      for (const auto& c : table.columns) columns += (columns.empty() ? "" : ", ") + qi(c.name);
      run_sql("CREATE TABLE " + stage + " AS SELECT " + columns + " FROM (" + direct->select + ") AS rows");
      sent = std::stoull(*run_sql("SELECT count(*) FROM " + stage).rows.at(0).at(0));
    } else {
      std::optional<std::string> after;
      if (type != "full_refresh" && state["cursor"].is_string()) after = state["cursor"].get<std::string>();
      // A table landed by a full refresh and now appended to or merged into: it continues
      // from what it has, rather than landing every row again.
      if (type != "full_refresh" && !after && !field.empty()) {
        auto has = run_sql("SELECT count(*) FROM duckdb_columns() WHERE schema_name = " +
                           sql::quote_literal(source.prefix) + " AND table_name = " +
                           sql::quote_literal(landed_name(table)) + " AND column_name = " +
                           sql::quote_literal(field));
        if (*has.rows.at(0).at(0) != "0") {
          auto m = run_sql("SELECT CAST(max(" + qi(field) + ") AS VARCHAR) FROM " + target);
          if (!m.rows.empty() && m.rows[0][0]) after = *m.rows[0][0];
        }
      }
      sent = stream_into(org, stage, connection, table, field, after,
                         type == "incremental" ? config.value("lookback_seconds", int64_t{0}) : 0,
                         run_sql, cancelled);
      // Every row the source sent is in the stage, or the run fails.
      uint64_t landed = std::stoull(*run_sql("SELECT count(*) FROM " + stage).rows.at(0).at(0));
      if (landed != sent) {
        throw SqlError("XX000", "the source sent " + std::to_string(sent) + " rows of " +
                                    table_key(table) + " but " + std::to_string(landed) + " landed");
      }
    }
    std::string pk;
    for (const auto& k : key) pk += (pk.empty() ? "" : ", ") + qi(k);
    if (!key.empty() && type != "append") {
      auto dup = run_sql("SELECT count(*) - count(DISTINCT (" + pk + ")) FROM " + stage);
      if (std::stoll(*dup.rows.at(0).at(0)) > 0) {
        throw SourceError(false, "the primary key (" + pk + ") of " + table_key(table) +
                                     " is not unique in the data");
      }
    }
    std::optional<std::string> new_cursor;
    if (!field.empty()) {
      auto m = run_sql("SELECT CAST(max(" + qi(field) + ") AS VARCHAR) FROM " + stage);
      if (!m.rows.empty() && m.rows[0][0]) new_cursor = *m.rows[0][0];
    }
    auto exists = run_sql("SELECT count(*) FROM duckdb_tables() WHERE schema_name = " +
                          sql::quote_literal(source.prefix) + " AND table_name = " +
                          sql::quote_literal(landed_name(table)));
    bool has_target = *exists.rows.at(0).at(0) != "0";
    std::string swap = "ALTER TABLE " + stage + " RENAME TO " + qi(landed_name(table));
    if (type == "full_refresh" || !has_target) {
      // Readers see the old table or the new one, never a half.
      run_sql("BEGIN; DROP TABLE IF EXISTS " + target + "; " + swap + "; COMMIT");
    } else {
      // Columns added upstream are added here first; a column whose type changed is
      // reported, not cast into the old type.
      auto have = run_sql("SELECT table_name, column_name, data_type FROM duckdb_columns() WHERE "
                          "schema_name = " + sql::quote_literal(source.prefix) +
                          " AND table_name IN (" + sql::quote_literal(landed_name(table)) + ", " +
                          sql::quote_literal(stage_name) + ")");
      std::map<std::string, std::string> landed_types, new_types;
      for (const auto& r : have.rows) (*r[0] == stage_name ? new_types : landed_types)[*r[1]] = *r[2];
      std::string add;
      for (const auto& c : table.columns) {
        auto was = landed_types.find(c.name);
        if (was == landed_types.end()) {
          add += "ALTER TABLE " + target + " ADD COLUMN " + qi(c.name) + " " + c.duck_type + "; ";
        } else if (was->second != new_types[c.name]) {
          throw SourceError(false, "column " + c.name + " of " + table_key(table) +
                                       " changed type upstream (" + c.source_type + "): it landed as " +
                                       was->second + ", now it would be " + new_types[c.name] +
                                       "; a full refresh (sync_type full_refresh) lands the new type");
        }
      }
      std::string merge = "BEGIN; " + add;
      if (type == "incremental") {
        merge += "DELETE FROM " + target + " WHERE (" + pk + ") IN (SELECT " + pk + " FROM " + stage + "); ";
      }
      merge += "INSERT INTO " + target + " BY NAME SELECT * FROM " + stage + "; DROP TABLE " + stage + "; COMMIT";
      run_sql(merge);
    }
    cleanup_stage = false;
    if (direct) state["cursor"] = direct->remember;
    else if (new_cursor) state["cursor"] = *new_cursor;
    return sent;
  } catch (...) {
    if (cleanup_stage) {
      try {
        run_sql("DROP TABLE IF EXISTS " + stage);
      } catch (const std::exception&) {
      }
    }
    if (cancelled()) throw Cancelled();  // the stream ended because it was asked to
    throw;
  }
}

}  // namespace ducklings::sources
