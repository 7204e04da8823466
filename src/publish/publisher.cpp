#include "publish/publisher.h"

#include <openssl/evp.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <fstream>
#include <future>
#include <set>

#include "common/clock.h"
#include "common/digest.h"
#include "jobs/schedule.h"
#include "sql/quoting.h"
#include "storage/storage.h"

namespace ducklings::publish {
namespace {
namespace fs = std::filesystem;
using json = nlohmann::json;
using control::Refusal;
using control::RefusedError;

constexpr uint64_t kFileBytes = 256ull << 20;  // files of a bounded size: ClickHouse and Spark split work by file
constexpr int kRowGroupRows = 122880;           // DuckDB's own: large enough for scans, small enough to skip
constexpr int kParallelFiles = 4;               // files checksummed and uploaded at once

[[noreturn]] void refuse(const std::string& message, const std::string& code = "invalid_request") {
  throw RefusedError(Refusal::kInvalid, code, message);
}

std::string qi(const std::string& s) { return sql::quote_identifier(s); }
std::string ql(const std::string& s) { return sql::quote_literal(s); }

std::string owner(int64_t team_id, const std::string& name) { return control::job_owner(team_id, name); }

// How a column is published, so that ClickHouse, Spark and Trino read it as the source means
// it: JSON as text, integers wider than 64 bits as decimals, unsigned integers as the next
// wider signed type (Spark has none), timestamps in microseconds, and types Parquet has no
// common reading of (intervals, time with time zone, bits, unions) as their text. Returns the
// expression and the type it has.
std::pair<std::string, std::string> published_column(const std::string& name, const std::string& type) {
  std::string c = qi(name);
  auto cast = [&](const std::string& to, const std::string& duck) { return std::pair{"CAST(" + c + " AS " + to + ")", duck}; };
  if (type == "JSON" || type == "INTERVAL" || type == "TIME WITH TIME ZONE" || type == "BIT" || type == "UHUGEINT" ||
      type == "VARINT" || type == "BIGNUM" || type.rfind("UNION(", 0) == 0 || type.rfind("ENUM(", 0) == 0)
    return cast("text", "VARCHAR");
  if (type == "HUGEINT") return cast("numeric(38,0)", "DECIMAL(38,0)");
  if (type == "UBIGINT") return cast("numeric(20,0)", "DECIMAL(20,0)");
  if (type == "UINTEGER") return cast("bigint", "BIGINT");
  if (type == "USMALLINT") return cast("integer", "INTEGER");
  if (type == "UTINYINT") return cast("smallint", "SMALLINT");
  if (type == "TIMESTAMP_NS" || type == "TIMESTAMP_MS" || type == "TIMESTAMP_S") return cast("timestamp", "TIMESTAMP");
  return {c, type};
}

bool is_date_type(const std::string& t) { return t == "DATE"; }
bool is_timestamp_type(const std::string& t) { return t.rfind("TIMESTAMP", 0) == 0; }

// The partition folders of a version: DATE columns by themselves (kept in the files too),
// timestamps by their UTC date as "<column>_date" (only in the folder names).
struct Partitioning {
  std::string column, key, expression;
  bool keeps_column = false;
};

Partitioning partitioning_of(const std::string& column, const std::string& type) {
  if (is_date_type(type)) return {column, column, qi(column), true};
  if (type == "TIMESTAMP WITH TIME ZONE")
    return {column, column + "_date", "CAST(timezone('UTC', " + qi(column) + ") AS date)", false};
  return {column, column + "_date", "CAST(" + qi(column) + " AS date)", false};
}

std::string sha256_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path);
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr);
  std::vector<char> buf(1 << 20);
  while (in) {
    in.read(buf.data(), static_cast<std::streamsize>(buf.size()));
    if (in.gcount() > 0) EVP_DigestUpdate(ctx.get(), buf.data(), static_cast<size_t>(in.gcount()));
  }
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  EVP_DigestFinal_ex(ctx.get(), digest, &n);
  static const char* hex = "0123456789abcdef";
  std::string out;
  for (unsigned int i = 0; i < n; ++i) out += {hex[digest[i] >> 4], hex[digest[i] & 15]};
  return out;
}

// The partition value a file's hive folder names ("k=2024-01-01/part-0.parquet" → "2024-01-01").
std::string partition_of(const std::string& relative) {
  size_t slash = relative.find('/'), eq = relative.find('=');
  if (slash == std::string::npos || eq == std::string::npos || eq > slash) return "";
  return relative.substr(eq + 1, slash - eq - 1);
}

// What a publication's folder holds: versions with their keys, which are whole (a manifest),
// and the live one.
struct FolderState {
  std::map<std::string, std::vector<std::string>> versions;  // version → keys
  std::set<std::string> complete;
  std::string live;
};

FolderState read_folder(storage::Storage& st, const std::string& folder) {
  FolderState f;
  for (const auto& o : st.list_all(folder)) {
    std::string rel = o.key.substr(folder.size());
    size_t slash = rel.find('/');
    if (slash == std::string::npos) continue;
    std::string v = rel.substr(0, slash);
    if (!is_version(v)) continue;
    f.versions[v].push_back(o.key);
    if (rel.substr(slash + 1) == kManifest) f.complete.insert(v);
  }
  try {
    f.live = st.get(folder + kLatest);
    while (!f.live.empty() && std::isspace(static_cast<unsigned char>(f.live.back()))) f.live.pop_back();
  } catch (const storage::StorageError& e) {
    if (e.failure() != storage::Failure::kNotFound) throw;
  }
  return f;
}

// Runs `work(i)` for i in [0, n) on up to kParallelFiles threads; rethrows the first failure.
void parallel_for(size_t n, const std::function<void(size_t)>& work) {
  std::atomic<size_t> next{0};
  std::vector<std::future<void>> done;
  for (int t = 0; t < kParallelFiles && static_cast<size_t>(t) < n; ++t) {
    done.push_back(std::async(std::launch::async, [&] {
      for (size_t i = next++; i < n; i = next++) work(i);
    }));
  }
  std::exception_ptr failure;
  for (auto& d : done) {
    try {
      d.get();
    } catch (...) {
      if (!failure) failure = std::current_exception();
    }
  }
  if (failure) std::rethrow_exception(failure);
}

}  // namespace

Publisher::Publisher(control::ControlPlane& control, gateway::Gateway& gateway, std::string data_dir)
    : control_(control), gateway_(gateway), data_dir_(std::move(data_dir)) {}

Publisher::~Publisher() { stop(); }

PublicationSpec Publisher::load_spec(const std::string& org, int64_t team_id, const std::string& name) {
  return PublicationSpec::from_json(control_.get_job(control::TeamJob::kPublication, org, team_id, name).spec);
}

Publisher::Source Publisher::check_source(const std::string& org, int64_t team_id, const PublicationSpec& spec,
                                          gateway::Session* session) {
  Source source;
  for (const auto& t : control_.list_teams(org)) {
    if (t.schema_name != spec.source_schema && "team_" + std::to_string(t.team_id) != spec.source_schema) continue;
    source.team_schema = true;
    // A team publishes its own data: another team's schema is theirs to publish.
    if (t.team_id != team_id)
      refuse("\"" + spec.source_schema + "\" is the schema of team " + std::to_string(t.team_id) +
                 ": a publication of team " + std::to_string(team_id) + " publishes its own tables",
             "refused_source");
  }
  if (auto why = refused_source(spec.source_schema, spec.source_table, source.team_schema)) refuse(*why, "refused_source");
  std::unique_ptr<gateway::Session> own;
  if (!session) {
    own = gateway_.open({org, "publication " + spec.name, "", {}, true});
    session = own.get();
  }
  auto r = session->run(
      "SELECT column_name, data_type FROM duckdb_columns() WHERE database_name <> 'temp' AND "
      "schema_name = " + ql(spec.source_schema == "public" ? "main" : spec.source_schema) +  // PostgreSQL's public is DuckDB's main
      " AND table_name = " + ql(spec.source_table) +
      " ORDER BY column_index");
  for (const auto& row : r.rows) source.columns.emplace_back(row.at(0).value_or(""), row.at(1).value_or(""));
  if (source.columns.empty())
    throw RefusedError(Refusal::kUnprocessable, "no_such_source",
                       "\"" + spec.source() + "\" is not a table, view or model of the duckling");
  if (!spec.partition_by.empty()) {
    auto it = std::find_if(source.columns.begin(), source.columns.end(),
                           [&](const auto& c) { return c.first == spec.partition_by; });
    if (it == source.columns.end()) refuse("\"partition_by\": \"" + spec.partition_by + "\" is not a column of " + spec.source());
    if (!is_date_type(it->second) && !is_timestamp_type(it->second))
      refuse("\"partition_by\": \"" + spec.partition_by + "\" is " + it->second + "; partitions are by a DATE or TIMESTAMP column");
  }
  return source;
}

Location Publisher::location(const std::string& org, const PublicationSpec& spec) {
  control::StorageRecord record = control_.get_storage(org, spec.storage);
  Location loc;
  loc.kind = record.kind;
  if (record.kind == "local") {
    std::string latest = control_.open_storage(org, spec.storage)->local_path(spec.folder() + kLatest);
    loc.directory = latest.substr(0, latest.size() - std::string(kLatest).size());
    return loc;
  }
  loc.endpoint = record.endpoint.empty() ? "https://s3." + (record.region.empty() ? std::string("us-east-1") : record.region) + ".amazonaws.com"
                                         : record.endpoint;
  while (!loc.endpoint.empty() && loc.endpoint.back() == '/') loc.endpoint.pop_back();
  loc.bucket = record.bucket;
  std::string prefix = record.prefix;
  while (!prefix.empty() && prefix.front() == '/') prefix.erase(0, 1);
  if (!prefix.empty() && prefix.back() != '/') prefix += '/';
  loc.key_prefix = prefix + spec.folder();
  loc.virtual_hosted = record.url_style == "virtual";
  return loc;
}

json Publisher::describe(const std::string& org, const control::PublicationRecord& record) {
  PublicationSpec spec = PublicationSpec::from_json(record.spec);
  json out = spec.to_json();
  const json& state = record.state;
  out["team_id"] = record.team_id;
  out["created_at"] = record.created_at;
  out["updated_at"] = record.updated_at;
  out["status"] = state.value("status", "never_run");
  out["latest_version"] = state.value("latest_version", json());
  out["last_run_id"] = state.value("last_run_id", json());
  out["last_error"] = state.value("last_error", json());
  out["last_published_at"] = state.value("last_published_at", json());
  out["rows"] = state.value("rows", json());
  out["bytes"] = state.value("bytes", json());
  out["location"] = nullptr;
  out["latest_url"] = nullptr;
  out["clickhouse_sql"] = nullptr;
  out["duckdb_sql"] = nullptr;
  out["snippets"] = nullptr;
  try {
    Location loc = location(org, spec);
    out["location"] = loc.url();
    out["latest_url"] = loc.url() + kLatest;
    if (state.contains("latest_version") && state["latest_version"].is_string()) {
      SnippetInput in{spec.name, loc, state["latest_version"].get<std::string>(), !spec.partition_by.empty(), {}};
      for (const auto& c : state.value("columns", json::array()))
        in.columns.emplace_back(c.value("name", ""), c.value("type", ""));
      json snippets = reading_snippets(in);
      out["clickhouse_sql"] = snippets["clickhouse_sql"];
      out["duckdb_sql"] = snippets["duckdb_sql"];
      out["snippets"] = snippets;
    }
  } catch (const std::exception& e) {
    out["last_error"] = std::string("its storage: ") + e.what();  // deleted since
  }
  return out;
}

json Publisher::save(const std::string& org, int64_t team_id, const PublicationSpec& spec, bool create,
                     const json& state) {
  try {
    control_.get_storage(org, spec.storage);
  } catch (const RefusedError&) {
    if (spec.storage != "local") {
      throw RefusedError(Refusal::kUnprocessable, "no_such_storage",
                         "\"storage\": the organization has no storage \"" + spec.storage +
                             "\" (GET /api/v1/orgs/{org}/storages lists them)");
    }
    // The default: a folder of the duckling's own, made on first use.
    control::StorageSpec local;
    local.name = "local";
    local.kind = "local";
    control_.create_storage(org, local);
  }
  // One publication per folder of a storage, across the organization's teams.
  for (const auto& t : control_.list_teams(org)) {
    for (const auto& other : control_.list_jobs(control::TeamJob::kPublication, org, t.team_id)) {
      if (t.team_id == team_id && other.name == spec.name) continue;
      PublicationSpec o = PublicationSpec::from_json(other.spec);
      if (o.storage == spec.storage && o.folder() == spec.folder())
        throw RefusedError(Refusal::kConflict, "conflict",
                           "publication \"" + other.name + "\" of team " + std::to_string(t.team_id) +
                               " already publishes to " + spec.storage + ":" + spec.folder() + " (choose a \"prefix\")");
    }
  }
  auto session = gateway_.open({org, "publication " + spec.name, "", {}, true});
  check_source(org, team_id, spec, session.get());
  auto any = session->run("SELECT EXISTS (SELECT 1 FROM " + qi(spec.source_schema) + "." + qi(spec.source_table) + ")");
  if (!any.rows.empty() && any.rows[0].at(0).value_or("f") != "t")
    throw RefusedError(Refusal::kUnprocessable, "empty_source",
                       "\"" + spec.source() + "\" has no rows: an empty table is not published (create the publication once it has rows)");
  control::PublicationRecord record;
  if (!create) record = control_.get_job(control::TeamJob::kPublication, org, team_id, spec.name);
  record.team_id = team_id;
  record.name = spec.name;
  record.spec = spec.to_json();
  record.updated_at = iso_utc_now();
  if (create) record.created_at = record.updated_at;
  record.state = state;
  control_.save_job(control::TeamJob::kPublication, org, record, create);
  return describe(org, control_.get_job(control::TeamJob::kPublication, org, team_id, spec.name));
}

json Publisher::create(const std::string& org, int64_t team_id, const json& body) {
  control_.get_team(org, team_id);
  return save(org, team_id, PublicationSpec::from_json(body), true, json::object());
}

json Publisher::update(const std::string& org, int64_t team_id, const std::string& name, const json& change) {
  auto record = control_.get_job(control::TeamJob::kPublication, org, team_id, name);
  if (!change.is_object()) refuse("a change is a JSON object");
  json merged = record.spec;
  for (const auto& [k, v] : change.items()) {
    if (k == "name" && v != json(name)) refuse("a publication keeps its name (create another instead)");
    if ((k == "storage" || k == "prefix") && v != merged[k])
      refuse("a publication keeps its storage and folder (create another instead)");
    merged[k] = v;
  }
  merged.erase("schedule_seconds");
  PublicationSpec spec = PublicationSpec::from_json(merged);
  json state = record.state;
  // Other columns or partitions: the next run writes every partition again.
  if (spec.partition_by != PublicationSpec::from_json(record.spec).partition_by) state.erase("partitions");
  return save(org, team_id, spec, false, state);
}

json Publisher::get(const std::string& org, int64_t team_id, const std::string& name) {
  return describe(org, control_.get_job(control::TeamJob::kPublication, org, team_id, name));
}

json Publisher::list(const std::string& org, int64_t team_id) {
  json out = json::array();
  for (const auto& r : control_.list_jobs(control::TeamJob::kPublication, org, team_id)) out.push_back(describe(org, r));
  return out;
}

void Publisher::remove(const std::string& org, int64_t team_id, const std::string& name, bool purge) {
  PublicationSpec spec = load_spec(org, team_id, name);
  {
    std::lock_guard lock(mutex_);
    for (const auto& j : running_)
      if (j.org == org && j.team_id == team_id && j.name == name)
        throw RefusedError(Refusal::kConflict, "conflict", "publication \"" + name + "\" is publishing (wait for its run)");
    queue_.erase(std::remove_if(queue_.begin(), queue_.end(),
                                [&](const Job& j) { return j.org == org && j.team_id == team_id && j.name == name; }),
                 queue_.end());
  }
  if (purge) {
    auto st = control_.open_storage(org, spec.storage);
    std::vector<std::string> keys;
    for (const auto& o : st->list_all(spec.folder())) keys.push_back(o.key);
    st->remove(keys);
  }
  control_.delete_job(control::TeamJob::kPublication, org, team_id, name);
}

json Publisher::enqueue_locked(const std::string& org, int64_t team_id, const std::string& name,
                               const std::string& trigger) {
  // At most one run waits behind the running one: asking again joins it.
  for (const auto& j : queue_)
    if (j.org == org && j.team_id == team_id && j.name == name)
      return control_.get_run(control::RunKind::kPublication, org, owner(team_id, name), j.run_id);
  Job job{org, name, "pr_" + random_hex(8), trigger, team_id};
  json run = {{"id", job.run_id},   {"run_id", job.run_id}, {"publication", name}, {"team_id", team_id}, {"status", "running"},
              {"phase", "queued"},  {"trigger", trigger},  {"mode", nullptr},    {"version", nullptr},
              {"rows", nullptr},    {"bytes", nullptr},    {"files", nullptr},   {"duration_ms", nullptr},
              {"error", nullptr},   {"started_at", iso_utc_now()},               {"finished_at", nullptr}};
  control_.save_run(control::RunKind::kPublication, org, owner(team_id, name), run);
  queue_.push_back(job);
  wake_.notify_all();
  return run;
}

json Publisher::start_run(const std::string& org, int64_t team_id, const std::string& name, const std::string& trigger) {
  load_spec(org, team_id, name);  // 404
  std::lock_guard lock(mutex_);
  if (stop_) throw RefusedError(Refusal::kConflict, "conflict", "the server is stopping");
  return enqueue_locked(org, team_id, name, trigger);
}

void Publisher::source_built(const std::string& org, int64_t team_id, const std::string& relation) {
  try {
    for (const auto& record : control_.list_jobs(control::TeamJob::kPublication, org, team_id)) {
      PublicationSpec spec = PublicationSpec::from_json(record.spec);
      if (!spec.after_source_build || spec.source_schema + "." + spec.source_table != relation) continue;
      std::lock_guard lock(mutex_);
      if (!stop_) enqueue_locked(org, team_id, spec.name, "model " + relation);
    }
  } catch (const std::exception& e) {
    spdlog::warn("publications of {} in {}: not started after its build: {}", relation, org, e.what());
  }
}

json Publisher::versions(const std::string& org, int64_t team_id, const std::string& name) {
  PublicationSpec spec = load_spec(org, team_id, name);
  auto st = control_.open_storage(org, spec.storage);
  FolderState f = read_folder(*st, spec.folder());
  json out = json::array();
  for (auto it = f.versions.rbegin(); it != f.versions.rend(); ++it) {
    const std::string& v = it->first;
    json entry = {{"version", v}, {"live", v == f.live}, {"complete", f.complete.count(v) > 0}};
    if (f.complete.count(v)) {
      try {
        json manifest = json::parse(st->get(spec.folder() + v + "/" + kManifest));
        entry["rows"] = manifest.value("row_count", json());
        entry["bytes"] = manifest.value("bytes", json());
        entry["files"] = manifest.contains("files") ? json(manifest["files"].size()) : json();
        entry["created_at"] = manifest.value("created_at", json());
      } catch (const std::exception& e) {
        entry["error"] = e.what();
      }
    }
    out.push_back(entry);
  }
  return out;
}

std::map<std::tuple<std::string, std::string, std::string>, Publisher::Usage> Publisher::take_usage() {
  std::lock_guard lock(mutex_);
  auto out = std::move(usage_);
  usage_.clear();
  return out;
}

void Publisher::start() {
  recover();
  threads_.emplace_back([this] { work(); });
  scheduler_.start(std::chrono::seconds(10), [this] { schedule_due(); });
}

void Publisher::stop() {
  {
    std::lock_guard lock(mutex_);
    stop_ = true;
  }
  wake_.notify_all();
  scheduler_.stop();
  for (auto& t : threads_)
    if (t.joinable()) t.join();
  threads_.clear();
}

void Publisher::recover() {
  // What a stopped server left: files DuckDB wrote for a run (its partial version folder in
  // the storage goes at the publication's next run), and runs still "running".
  std::error_code ec;
  for (auto it = fs::directory_iterator(data_dir_ + "/ducklings", ec); !ec && it != fs::directory_iterator(); it.increment(ec)) {
    std::error_code inner;
    for (auto t = fs::directory_iterator(it->path() / "tmp", inner); !inner && t != fs::directory_iterator(); t.increment(inner)) {
      if (t->path().filename().string().rfind("publish-", 0) == 0) {
        std::error_code rm;
        fs::remove_all(t->path(), rm);
      }
    }
  }
  try {
    for (const auto& [org, team_id] : control_.teams_with_jobs(control::TeamJob::kPublication)) {
      for (const auto& p : control_.list_jobs(control::TeamJob::kPublication, org, team_id)) {
        for (json run : control_.list_runs(control::RunKind::kPublication, org, owner(team_id, p.name), 20)) {
          if (run.value("status", "") != "running") continue;
          run["status"] = "failed";
          run["phase"] = nullptr;
          run["error"] = "the server stopped during the run; its partial version is deleted by the next run";
          run["finished_at"] = iso_utc_now();
          control_.save_run(control::RunKind::kPublication, org, owner(team_id, p.name), run);
        }
      }
    }
  } catch (const std::exception& e) {
    spdlog::warn("publication runs left running were not closed: {}", e.what());
  }
}

void Publisher::schedule_due() {
  int64_t now = jobs::epoch_now();
  try {
    for (const auto& [org, team_id] : control_.teams_with_jobs(control::TeamJob::kPublication)) {
      for (const auto& record : control_.list_jobs(control::TeamJob::kPublication, org, team_id)) {
        PublicationSpec spec = PublicationSpec::from_json(record.spec);
        json state = record.state;
        jobs::ScheduleCheck check = jobs::check_schedule(state, spec.schedule_seconds, now);
        if (check.changed) control_.save_job_state(control::TeamJob::kPublication, org, team_id, spec.name, state);
        if (!check.due) continue;
        std::lock_guard lock(mutex_);
        if (!stop_) enqueue_locked(org, team_id, spec.name, "schedule");
      }
    }
  } catch (const std::exception& e) {
    spdlog::warn("publication scheduler: {}", e.what());
  }
}

void Publisher::work() {
  while (true) {
    Job job;
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [&] { return stop_ || !queue_.empty(); });
      if (stop_) return;
      job = queue_.front();
      queue_.pop_front();
      running_.push_back(job);
    }
    execute(job);
    {
      std::lock_guard lock(mutex_);
      running_.erase(std::remove_if(running_.begin(), running_.end(), [&](const Job& j) { return j.run_id == job.run_id; }),
                     running_.end());
    }
  }
}

void Publisher::execute(const Job& job) {
  auto started = std::chrono::steady_clock::now();
  std::string own = owner(job.team_id, job.name);
  json run;
  try {
    run = control_.get_run(control::RunKind::kPublication, job.org, own, job.run_id);
  } catch (const std::exception& e) {
    spdlog::warn("publication {} of {}: run {} is gone: {}", job.name, job.org, job.run_id, e.what());
    return;
  }
  run["phase"] = "publishing";
  run["started_at"] = iso_utc_now();
  control_.save_run(control::RunKind::kPublication, job.org, own, run);
  json state;
  std::string team_schema;
  try {
    auto record = control_.get_job(control::TeamJob::kPublication, job.org, job.team_id, job.name);
    state = record.state;
    team_schema = control_.get_team(job.org, job.team_id).schema_name;
    publish(job, PublicationSpec::from_json(record.spec), run, state);
    run["status"] = "completed";
  } catch (const std::exception& e) {
    run["status"] = "failed";
    run["error"] = e.what();
    spdlog::warn("publication {} of {}: run {} failed: {}", job.name, job.org, job.run_id, e.what());
  }
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  run["phase"] = nullptr;
  run["duration_ms"] = static_cast<int64_t>(seconds * 1000);
  run["finished_at"] = iso_utc_now();
  try {
    // The state as it is now (the scheduler may have moved its clock meanwhile), with this run's.
    json current = control_.get_job(control::TeamJob::kPublication, job.org, job.team_id, job.name).state;
    for (const char* k : {"latest_version", "columns", "partitions", "rows", "bytes", "last_published_at", "partition_key"})
      if (state.contains(k)) current[k] = state[k];
    current["status"] = run["status"];
    current["last_run_id"] = job.run_id;
    current["last_error"] = run["error"];
    control_.save_job_state(control::TeamJob::kPublication, job.org, job.team_id, job.name, current);
  } catch (const std::exception& e) {
    spdlog::warn("publication {} of {}: its state was not saved: {}", job.name, job.org, e.what());
  }
  // In the duckling too, for SQL (system.publication_runs).
  try {
    auto text = [](const json& v) { return v.is_string() ? ql(v.get<std::string>()) : std::string("NULL"); };
    auto number = [](const json& v) { return v.is_number() ? v.dump() : std::string("NULL"); };
    gateway_.run({job.org, "publication " + job.name,
                  "INSERT INTO duckgres_meta.publication_runs VALUES (" + text(run["id"]) + ", " + ql(job.name) + ", " +
                      std::to_string(job.team_id) + ", " + text(run["status"]) + ", " + text(run["mode"]) + ", " +
                      text(run["version"]) + ", " + number(run["rows"]) + ", " + number(run["bytes"]) + ", " +
                      number(run["files"]) + ", " + number(run["duration_ms"]) + ", " + text(run["error"]) + ", " +
                      text(run["started_at"]) + ", " + text(run["finished_at"]) + ")",
                  {},
                  true});
  } catch (const std::exception& e) {
    spdlog::warn("publication {} of {}: the run is not in system.publication_runs: {}", job.name, job.org, e.what());
  }
  {
    std::lock_guard lock(mutex_);
    Usage& u = usage_[{job.org, team_schema, job.name}];
    ++u.runs;
    if (run["bytes"].is_number() && run["status"] == "completed") u.bytes += run["bytes"].get<uint64_t>();
  }
  control_.save_run(control::RunKind::kPublication, job.org, own, run);
}

void Publisher::publish(const Job& job, const PublicationSpec& spec, json& run, json& state) {
  auto st = control_.open_storage(job.org, spec.storage);
  const std::string folder = spec.folder();
  // A failed or killed run's partial version (no manifest) goes first; the live one stays.
  FolderState f = read_folder(*st, folder);
  json cleaned = json::array();
  for (const auto& [v, keys] : f.versions) {
    if (f.complete.count(v) || v == f.live) continue;
    st->remove(keys);
    cleaned.push_back(v);
  }
  run["cleaned"] = cleaned;
  for (const auto& v : cleaned) f.versions.erase(v.get<std::string>());

  auto session = gateway_.open({job.org, "publication " + job.name, "", {}, true});
  Source source = check_source(job.org, job.team_id, spec, session.get());
  std::string relation = qi(spec.source_schema) + "." + qi(spec.source_table);
  std::string columns;
  json schema = json::array();
  for (const auto& [name, type] : source.columns) {
    auto [expression, published] = published_column(name, type);
    columns += (columns.empty() ? "" : ", ") + expression + (expression == qi(name) ? "" : " AS " + qi(name));
    schema.push_back({{"name", name}, {"type", published}, {"source_type", type}});
  }
  std::optional<Partitioning> parts;
  if (!spec.partition_by.empty()) {
    for (const auto& [name, type] : source.columns)
      if (name == spec.partition_by) parts = partitioning_of(name, type);
  }

  // What changed since the live version, for an incremental publication: partitions whose row
  // counts differ (an append-only source only grows, so a count tells), or are new.
  std::set<std::string> changed;
  std::map<std::string, int64_t> counts;
  bool incremental = false;
  json live_manifest;
  if (parts && spec.incremental) {
    auto r = session->run("SELECT coalesce(CAST(" + parts->expression + " AS text), 'NULL'), count(*) FROM " + relation + " GROUP BY 1");
    for (const auto& row : r.rows) counts[row.at(0).value_or("NULL")] = std::stoll(row.at(1).value_or("0"));
    if (spec.incremental && !f.live.empty() && f.complete.count(f.live) && state.value("partition_key", "") == parts->key) {
      live_manifest = json::parse(st->get(folder + f.live + "/" + kManifest));
      incremental = live_manifest.value("schema", json()) == schema;
    }
    json before = incremental ? live_manifest.value("partitions", json::object()) : json::object();
    for (const auto& [p, n] : counts)
      if (!before.contains(p) || before[p].get<int64_t>() != n) changed.insert(p);
    if (incremental && changed.empty() && before.size() == counts.size()) {
      run["mode"] = "incremental";
      run["version"] = f.live;
      run["rows"] = live_manifest.value("row_count", 0);
      run["bytes"] = 0;
      run["files"] = 0;
      run["unchanged"] = true;
      return;  // nothing to publish: the live version is current
    }
  }
  run["mode"] = incremental ? "incremental" : "full";
  auto any = session->run("SELECT EXISTS (SELECT 1 FROM " + relation + ")");
  if (any.rows.empty() || any.rows[0].at(0).value_or("f") != "t")
    throw std::runtime_error("\"" + spec.source() + "\" has no rows: nothing is published, the live version stays");

  std::string newest = f.live;
  if (!f.versions.empty() && f.versions.rbegin()->first > newest) newest = f.versions.rbegin()->first;
  const std::string version = version_at(std::chrono::system_clock::now(), newest);
  run["version"] = version;
  control_.save_run(control::RunKind::kPublication, job.org, owner(job.team_id, job.name), run);

  // DuckDB writes into the duckling's tmp/ (the only folder it may write); the files move
  // from there into the storage.
  std::string stage = data_dir_ + "/ducklings/" + job.org + "/tmp/publish-" + job.run_id;
  struct Cleanup {
    std::string dir;
    ~Cleanup() {
      std::error_code ec;
      fs::remove_all(dir, ec);
    }
  } cleanup{stage};
  std::string select = "SELECT " + columns;
  std::string where;
  if (parts) {
    if (!parts->keeps_column) select += ", " + parts->expression + " AS " + qi(parts->key);
    if (incremental) {
      std::string list;
      bool null_changed = false;
      for (const auto& p : changed) {
        if (p == "NULL") null_changed = true;
        else list += (list.empty() ? "" : ", ") + ql(p);
      }
      where = " WHERE " + (list.empty() ? std::string("false") : "CAST(" + parts->expression + " AS text) IN (" + list + ")") +
              (null_changed ? " OR " + parts->expression + " IS NULL" : "");
    }
  }
  std::string options = " (FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE " + std::to_string(kRowGroupRows) +
                        ", FILENAME_PATTERN 'part-{i}'";
  options += parts ? ", PARTITION_BY (" + qi(parts->key) + "), WRITE_PARTITION_COLUMNS " + (parts->keeps_column ? "true" : "false")
                   : ", FILE_SIZE_BYTES " + std::to_string(kFileBytes) + ", PER_THREAD_OUTPUT true";
  options += ")";
  session->run("COPY (" + select + " FROM " + relation + where + ") TO " + ql(stage) + options);

  // Each file: its size and checksum, then into the version's folder.
  std::vector<std::string> files;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(stage, ec); !ec && it != fs::recursive_directory_iterator(); it.increment(ec))
    if (it->is_regular_file()) files.push_back(fs::relative(it->path(), stage).generic_string());
  if (ec) throw std::runtime_error("the run's files: " + ec.message());
  std::sort(files.begin(), files.end());
  std::map<std::string, int64_t> file_rows;
  if (!files.empty()) {
    auto meta = session->run("SELECT file_name, num_rows FROM parquet_file_metadata(" +
                             ql(stage + "/" + (parts ? "*/*.parquet" : "*.parquet")) + ")");
    for (const auto& row : meta.rows)
      file_rows[fs::relative(row.at(0).value_or(""), stage).generic_string()] = std::stoll(row.at(1).value_or("0"));
  }
  session.reset();
  std::string base = folder + version + "/";
  json entries = json::array();
  std::vector<json> written(files.size());
  parallel_for(files.size(), [&](size_t i) {
    std::string path = stage + "/" + files[i];
    uint64_t size = fs::file_size(path);
    std::string sum = sha256_file(path);
    st->adopt(base + files[i], path);
    json e = {{"path", files[i]},
              {"size", size},
              {"sha256", sum},
              {"checksum", "sha256:" + sum},
              {"rows", file_rows.count(files[i]) ? file_rows[files[i]] : 0}};
    if (parts) e["partition"] = partition_of(files[i]);
    written[i] = e;
  });
  uint64_t bytes = 0;
  int64_t rows = 0;
  for (auto& e : written) {
    bytes += e["size"].get<uint64_t>();
    rows += e["rows"].get<int64_t>();
    entries.push_back(std::move(e));
  }
  run["bytes"] = bytes;
  run["files"] = written.size();
  // The partitions that did not change come from the live version as they are.
  if (incremental) {
    std::vector<json> kept;
    for (const auto& e : live_manifest.value("files", json::array())) {
      std::string p = e.value("partition", "");
      if (counts.count(p) && !changed.count(p)) kept.push_back(e);
    }
    parallel_for(kept.size(), [&](size_t i) { st->copy(folder + f.live + "/" + kept[i]["path"].get<std::string>(), base + kept[i]["path"].get<std::string>()); });
    for (const auto& e : kept) {
      rows += e.value("rows", int64_t{0});
      bytes += e.value("size", uint64_t{0});
      entries.push_back(e);
    }
    run["partitions_written"] = changed.size();
    run["partitions_carried"] = counts.size() - changed.size();
  }
  std::sort(entries.begin(), entries.end(), [](const json& a, const json& b) { return a["path"] < b["path"]; });
  run["rows"] = rows;
  if (parts && !spec.incremental) {
    // A full run counts its days from the files it wrote (no second scan of the source).
    counts.clear();
    for (const auto& e : entries) counts[e.value("partition", "")] += e.value("rows", int64_t{0});
  }
  json partitions = json::object();
  for (const auto& [p, n] : counts) partitions[p] = n;
  json manifest = {{"format", "ducklings.publication"},
                   {"format_version", 1},
                   {"publication", spec.name},
                   {"version", version},
                   {"source", spec.source()},
                   {"created_at", iso_utc_now()},
                   {"row_count", rows},
                   {"bytes", bytes},
                   {"compression", "zstd"},
                   {"partition_by", parts ? json(parts->column) : json()},
                   {"partition_key", parts ? json(parts->key) : json()},
                   {"schema", schema},
                   {"files", entries}};
  if (parts) manifest["partitions"] = partitions;
  if (incremental) manifest["carried_from"] = f.live;
  // The manifest last makes the version whole; then `latest` moves to it.
  st->put(base + kManifest, manifest.dump(2));
  st->put(folder + kLatest, version);
  state["latest_version"] = version;
  state["columns"] = schema;
  state["rows"] = rows;
  state["bytes"] = bytes;
  state["last_published_at"] = iso_utc_now();
  state["partition_key"] = parts ? json(parts->key) : json();

  // Retention: the newest versions (at least the live one and the one before) stay.
  std::vector<std::string> whole(f.complete.begin(), f.complete.end());
  whole.push_back(version);
  std::sort(whole.begin(), whole.end());
  json pruned = json::array();
  size_t keep = static_cast<size_t>(std::max(spec.retain_versions, 2));
  for (size_t i = 0; i + keep < whole.size(); ++i) {
    auto it = f.versions.find(whole[i]);
    if (it == f.versions.end()) continue;
    try {
      std::vector<std::string> keys = it->second;
      // The manifest goes first: a version is whole or not there.
      std::stable_partition(keys.begin(), keys.end(), [](const std::string& k) {
        return k.size() >= std::string(kManifest).size() && k.compare(k.size() - std::string(kManifest).size(), std::string::npos, kManifest) == 0;
      });
      st->remove({keys.front()});
      st->remove(keys);
      pruned.push_back(whole[i]);
    } catch (const std::exception& e) {
      spdlog::warn("publication {} of {}: version {} was not pruned: {}", job.name, job.org, whole[i], e.what());
    }
  }
  run["pruned"] = pruned;
}

}  // namespace ducklings::publish
