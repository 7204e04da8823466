#include "modeling/runner.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>

#include "common/clock.h"
#include "common/digest.h"
#include "common/errors.h"
#include "jobs/schedule.h"
#include "modeling/runner_internal.h"

namespace ducklings::modeling {
namespace {
using json = nlohmann::json;
using control::Refusal;
using control::RefusedError;
using namespace detail;

}  // namespace

const ModelSpec* ModelEngine::TeamModels::model_named(const RelationRef& ref) const {
  for (const auto& [name, spec] : specs) {
    if ((ref.schema.empty() && ref.name == name) || (ref.schema == spec.schema && ref.name == name) ||
        (!ref.schema.empty() && ref.schema + "." + ref.name == name))
      return &spec;
  }
  return nullptr;
}

ModelEngine::ModelEngine(control::ControlPlane& control, gateway::Gateway& gateway, int workers)
    : control_(control), gateway_(gateway), workers_(std::max(1, workers)) {}

ModelEngine::~ModelEngine() { stop(); }

gateway::Result ModelEngine::run_sql(const std::string& org, const std::string& model, const std::string& sql,
                                     gateway::Session* session) {
  auto started = std::chrono::steady_clock::now();
  auto result = session ? session->run(sql) : gateway_.run({org, "model " + model, sql, {}, true});
  spdlog::debug("model {} of {}: {:.1f} ms: {}", model, org,
                std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count(),
                sql.substr(0, 300));
  return result;
}

QueryAnalysis ModelEngine::analyze(const std::string& org, const ModelSpec& spec) {
  DuckParse duck_parse = [&](const std::string& text) {
    auto r = gateway_.run({org, "model " + spec.name, "SELECT json_serialize_sql(" + ql(text) + ")", {}, true});
    return json::parse(r.rows.at(0).at(0).value_or("{}"));
  };
  try {
    return analyze_query(spec.sql, spec.dialect, duck_parse);
  } catch (const std::invalid_argument& e) {
    invalid(std::string("\"sql\": ") + e.what());
  }
}

ModelEngine::TeamModels ModelEngine::load(const std::string& org, int64_t team_id) {
  TeamModels team;
  team.team_schema = control_.get_team(org, team_id).schema_name;
  for (auto& r : control_.list_models(org, team_id)) {
    team.specs[r.name] = ModelSpec::from_json(r.spec, team.team_schema);
    team.records[r.name] = std::move(r);
  }
  for (const auto& [name, record] : team.records) {
    auto& models = team.upstream_models[name];
    auto& relations = team.upstream_relations[name];
    for (const auto& read : record.state.value("reads", json::array())) {
      RelationRef ref{read.value("schema", ""), read.value("name", "")};
      if (const ModelSpec* m = team.model_named(ref)) {
        models.insert(m->name);
      } else {
        relations.push_back({ref.schema.empty() ? team.team_schema : ref.schema, ref.name});
      }
    }
  }
  return team;
}

json ModelEngine::describe(const TeamModels& team, const std::string& name) {
  const auto& record = team.records.at(name);
  const ModelSpec& spec = team.specs.at(name);
  json out = spec.to_json();
  out["team_id"] = record.team_id;
  out["relation"] = spec.schema + "." + spec.name;
  out["created_at"] = record.created_at;
  out["updated_at"] = record.updated_at;
  json relations = json::array();
  for (const auto& r : team.upstream_relations.at(name)) relations.push_back(relation_text(r));
  out["depends_on"] = {{"models", team.upstream_models.at(name)}, {"relations", relations}};
  const json& state = record.state;
  out["fingerprint"] = state.value("fingerprint", "");
  out["status"] = state.value("status", "not_built");
  out["last_run_id"] = state.value("last_run_id", json());
  out["last_built_at"] = state.value("last_built_at", json());
  out["watermark"] = state.value("watermark", json());
  out["last_error"] = state.value("last_error", json());
  return out;
}

json ModelEngine::save(const std::string& org, int64_t team_id, const ModelSpec& spec, bool create) {
  QueryAnalysis analysis = analyze(org, spec);
  TeamModels team = load(org, team_id);
  if (create && team.records.count(spec.name))
    throw RefusedError(Refusal::kConflict, "conflict", "model \"" + spec.name + "\" already exists in team " + std::to_string(team_id));
  control::ModelRecord record;
  if (!create) record = team.records.at(spec.name);
  record.team_id = team_id;
  record.name = spec.name;
  record.spec = spec.to_json();
  record.updated_at = iso_utc_now();
  if (create) record.created_at = record.updated_at, record.state = json::object();
  json reads = json::array();
  for (const auto& r : analysis.reads) reads.push_back({{"schema", r.schema}, {"name", r.name}});
  record.state["reads"] = reads;
  record.state["columns"] = json::array();
  for (const auto& c : analysis.columns) record.state["columns"].push_back(c.name);
  // The graph with this definition in it: no cycle, no model landing where another does.
  TeamModels next = team;
  next.specs[spec.name] = spec;
  next.records[spec.name] = record;
  for (const auto& [name, other] : next.specs) {
    if (name != spec.name && other.schema == spec.schema && other.name == spec.name)
      throw RefusedError(Refusal::kConflict, "conflict", "model \"" + name + "\" already lands in " + spec.schema + "." + spec.name);
  }
  std::map<std::string, std::set<std::string>> upstream;
  for (const auto& [name, rec] : next.records) {
    for (const auto& read : rec.state.value("reads", json::array())) {
      if (const ModelSpec* m = next.model_named({read.value("schema", ""), read.value("name", "")}))
        upstream[name].insert(m->name);
    }
    upstream[name];
  }
  if (upstream[spec.name].count(spec.name)) invalid("model \"" + spec.name + "\" reads itself", "cycle");
  if (auto path = ModelGraph(upstream).cycle()) invalid("the models would form a cycle: " + *path, "cycle");
  if (spec.incremental) {
    // The keys must be columns of its rows (when the parse tree names them).
    std::set<std::string> columns;
    for (const auto& c : analysis.columns) columns.insert(c.name);
    bool star = columns.count("*") || columns.empty();
    std::vector<std::string> keys = spec.incremental->unique_key;
    keys.push_back(spec.incremental->key);
    for (const auto& k : keys)
      if (!star && !columns.count(k)) invalid("\"" + k + "\" is not a column of the model's rows");
  }
  control_.save_model(org, record, create);
  return describe(load(org, team_id), spec.name);
}

json ModelEngine::create(const std::string& org, int64_t team_id, const json& body) {
  std::string team_schema = control_.get_team(org, team_id).schema_name;
  return save(org, team_id, ModelSpec::from_json(body, team_schema), true);
}

json ModelEngine::update(const std::string& org, int64_t team_id, const std::string& name, const json& change) {
  control::ModelRecord record = control_.get_model(org, team_id, name);
  if (!change.is_object()) invalid("a change is a JSON object");
  json merged = record.spec;
  for (const auto& [k, v] : change.items()) {
    if (k == "name" && v != json(name)) invalid("a model keeps its name (create another instead)");
    if (k == "schema" && v != merged["schema"]) invalid("a model keeps its schema (create another instead)");
    merged[k] = v;
  }
  if (merged.value("materialization", "") != "incremental" && !change.contains("incremental")) merged["incremental"] = nullptr;
  merged.erase("schedule_seconds");
  return save(org, team_id, ModelSpec::from_json(merged, control_.get_team(org, team_id).schema_name), false);
}

json ModelEngine::get(const std::string& org, int64_t team_id, const std::string& name) {
  control_.get_model(org, team_id, name);
  return describe(load(org, team_id), name);
}

json ModelEngine::list(const std::string& org, int64_t team_id) {
  TeamModels team = load(org, team_id);
  json out = json::array();
  for (const auto& [name, _] : team.records) out.push_back(describe(team, name));
  return out;
}

void ModelEngine::remove(const std::string& org, int64_t team_id, const std::string& name) {
  TeamModels team = load(org, team_id);
  if (!team.records.count(name)) control_.get_model(org, team_id, name);  // 404
  auto readers = team.graph().downstream(name);
  if (!readers.empty()) {
    std::string list;
    for (const auto& r : readers) list += (list.empty() ? "" : ", ") + r;
    throw RefusedError(Refusal::kConflict, "conflict", "models read \"" + name + "\": " + list + " (delete them first)");
  }
  {
    std::lock_guard lock(mutex_);
    for (const auto& j : running_)
      if (j.org == org && j.team_id == team_id && j.model == name)
        throw RefusedError(Refusal::kConflict, "conflict", "model \"" + name + "\" is building (cancel its run first)");
    queue_.erase(std::remove_if(queue_.begin(), queue_.end(),
                                [&](const Job& j) { return j.org == org && j.team_id == team_id && j.model == name; }),
                 queue_.end());
  }
  const ModelSpec& spec = team.specs.at(name);
  std::string landing = qi(spec.schema) + "." + qi(spec.name);
  try {
    auto kind = run_sql(org, name, "SELECT (SELECT count(*) FROM duckdb_views() WHERE schema_name = " + ql(spec.schema) +
                                       " AND view_name = " + ql(spec.name) + ")");
    run_sql(org, name, std::string(*kind.rows.at(0).at(0) != "0" ? "DROP VIEW IF EXISTS " : "DROP TABLE IF EXISTS ") + landing +
                           "; DROP TABLE IF EXISTS " + key_index_table(spec.schema, spec.name));
  } catch (const SqlError& e) {
    spdlog::warn("model {} of {}: its relation was not dropped: {}", name, org, e.what());
  }
  control_.delete_model(org, team_id, name);
}

json ModelEngine::lineage(const std::string& org, int64_t team_id, const std::string& name) {
  TeamModels team = load(org, team_id);
  if (!team.records.count(name)) control_.get_model(org, team_id, name);
  const ModelSpec& spec = team.specs.at(name);
  ModelGraph graph = team.graph();
  auto model_entry = [&](const std::string& m) {
    const ModelSpec& s = team.specs.at(m);
    return json{{"type", "model"}, {"name", m}, {"relation", s.schema + "." + s.name}};
  };
  json upstream = json::array(), downstream = json::array(), all_up = json::array(), all_down = json::array();
  for (const auto& m : graph.upstream(name)) upstream.push_back(model_entry(m));
  for (const auto& r : team.upstream_relations.at(name))
    upstream.push_back({{"type", "relation"}, {"name", r.name}, {"relation", relation_text(r)}});
  for (const auto& m : graph.downstream(name)) downstream.push_back(model_entry(m));
  for (const auto& m : graph.ancestors(name)) all_up.push_back(model_entry(m));
  for (const auto& m : graph.descendants(name)) all_down.push_back(model_entry(m));
  json columns = json::array();
  QueryAnalysis analysis;
  try {
    analysis = analyze(org, spec);
  } catch (const RefusedError&) {
  }
  for (const auto& c : analysis.columns) {
    json from = json::array();
    for (const auto& [rel, column] : c.from) {
      const ModelSpec* m = team.model_named(rel);
      RelationRef where = m ? RelationRef{m->schema, m->name}
                            : RelationRef{rel.schema.empty() ? team.team_schema : rel.schema, rel.name};
      json entry = {{"relation", relation_text(where)}, {"column", column}};
      if (m) entry["model"] = m->name;
      from.push_back(entry);
    }
    columns.push_back({{"name", c.name}, {"from", from}});
  }
  return {{"model", name},
          {"relation", spec.schema + "." + spec.name},
          {"level", graph.levels()[name]},
          {"upstream", upstream},
          {"downstream", downstream},
          {"ancestors", all_up},
          {"descendants", all_down},
          {"columns", columns}};
}

void ModelEngine::save_run(const std::string& org, int64_t team_id, const std::string& model, const json& run) {
  try {
    control_.save_run(control::RunKind::kModel, org, owner(team_id, model), run);
  } catch (const std::exception& e) {
    spdlog::error("model {} of {}: the run could not be saved: {}", model, org, e.what());
  }
}

json ModelEngine::enqueue_locked(const std::string& org, int64_t team_id, const std::string& name, bool full_refresh,
                                 bool downstream, const std::string& trigger, const TeamModels& team) {
  for (Job& j : queue_) {
    if (j.org == org && j.team_id == team_id && j.model == name) {  // one queued run asks for both
      j.full_refresh = j.full_refresh || full_refresh;
      j.downstream = j.downstream || downstream;
      return control_.get_run(control::RunKind::kModel, org, owner(team_id, name), j.run_id);
    }
  }
  Job job{org, name, "mr_" + random_hex(8), team_id, full_refresh, downstream, trigger,
          team.graph().ancestors(name)};
  json run = {{"id", job.run_id},      {"model", name},          {"team_id", team_id},     {"status", "running"},
              {"phase", "queued"},     {"mode", nullptr},        {"trigger", trigger},     {"rows", 0},
              {"bytes", nullptr},      {"duration_ms", nullptr}, {"error", nullptr},       {"watermark", nullptr},
              {"tests", json::array()}, {"started_at", iso_utc_now()}, {"finished_at", nullptr}};
  save_run(org, team_id, name, run);
  queue_.push_back(std::move(job));
  wake_.notify_all();
  return run;
}

json ModelEngine::start_run(const std::string& org, int64_t team_id, const std::string& name, bool full_refresh,
                            bool downstream) {
  control_.get_model(org, team_id, name);
  TeamModels team = load(org, team_id);
  std::lock_guard lock(mutex_);
  if (stop_) throw RefusedError(Refusal::kConflict, "conflict", "the server is stopping");
  return enqueue_locked(org, team_id, name, full_refresh, downstream, "manual", team);
}

json ModelEngine::cancel_run(const std::string& org, int64_t team_id, const std::string& name, const std::string& run_id) {
  control_.get_model(org, team_id, name);
  json run = control_.get_run(control::RunKind::kModel, org, owner(team_id, name), run_id);
  std::lock_guard lock(mutex_);
  for (auto it = queue_.begin(); it != queue_.end(); ++it) {
    if (it->run_id == run_id) {
      queue_.erase(it);
      run["status"] = "cancelled";
      run["phase"] = nullptr;
      run["error"] = "cancelled before it started";
      run["finished_at"] = iso_utc_now();
      save_run(org, team_id, name, run);
      return run;
    }
  }
  for (const auto& j : running_) {
    if (j.run_id == run_id) {
      cancel_.insert(run_id);
      run["cancel_requested"] = true;
      return run;
    }
  }
  throw RefusedError(Refusal::kConflict, "conflict", "run \"" + run_id + "\" already ended (" + run.value("status", "") + ")");
}

bool ModelEngine::cancelled(const std::string& run_id) {
  std::lock_guard lock(mutex_);
  return cancel_.count(run_id) > 0;
}

void ModelEngine::upstream_changed(const std::string& org, int64_t team_id, const std::vector<std::string>& relations) {
  try {
    TeamModels team = load(org, team_id);
    std::lock_guard lock(mutex_);
    for (const auto& [name, reads] : team.upstream_relations) {
      for (const auto& r : reads) {
        if (std::find(relations.begin(), relations.end(), relation_text(r)) == relations.end()) continue;
        enqueue_locked(org, team_id, name, false, true, "upstream " + relation_text(r), team);
        break;
      }
    }
  } catch (const std::exception& e) {
    spdlog::warn("models of team {} in {}: not started after their sources changed: {}", team_id, org, e.what());
  }
}

std::map<std::tuple<std::string, std::string, std::string>, double> ModelEngine::take_model_seconds() {
  std::lock_guard lock(mutex_);
  return std::exchange(seconds_, {});
}

void ModelEngine::start() {
  recover();
  for (int i = 0; i < workers_; ++i) threads_.emplace_back([this] { work(); });
  scheduler_.start(std::chrono::seconds(10), [this] { schedule_due(); });
}

void ModelEngine::stop() {
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

void ModelEngine::recover() {
  try {
    for (const auto& [org, team_id] : control_.teams_with_models()) {
      for (const auto& record : control_.list_models(org, team_id)) {
        for (json run : control_.list_runs(control::RunKind::kModel, org, owner(team_id, record.name), 20)) {
          if (run.value("status", "") != "running") continue;
          run["status"] = "failed";
          run["phase"] = nullptr;
          run["error"] = "the server stopped during the run; the previous version stayed live";
          run["finished_at"] = iso_utc_now();
          save_run(org, team_id, record.name, run);
        }
      }
    }
  } catch (const std::exception& e) {
    spdlog::warn("model runs left running were not closed: {}", e.what());
  }
}

void ModelEngine::schedule_due() {
  int64_t now = jobs::epoch_now();
  try {
    for (const auto& [org, team_id] : control_.teams_with_models()) {
      TeamModels team = load(org, team_id);
      for (const auto& [name, spec] : team.specs) {
        json state = team.records.at(name).state;
        jobs::ScheduleCheck check = jobs::check_schedule(state, spec.schedule_seconds, now);
        if (check.changed) control_.save_model_state(org, team_id, name, state);
        if (!check.due) continue;
        std::lock_guard lock(mutex_);
        enqueue_locked(org, team_id, name, false, true, "schedule", team);
      }
    }
  } catch (const std::exception& e) {
    spdlog::warn("model scheduler: {}", e.what());
  }
}

void ModelEngine::work() {
  while (true) {
    Job job;
    {
      std::unique_lock lock(mutex_);
      // A job waits while its model builds, or a model it reads is queued or building.
      auto eligible = [&]() -> std::deque<Job>::iterator {
        for (auto it = queue_.begin(); it != queue_.end(); ++it) {
          auto same_team = [&](const Job& o) { return o.org == it->org && o.team_id == it->team_id; };
          bool blocked = std::any_of(running_.begin(), running_.end(), [&](const Job& o) {
                           return same_team(o) && (o.model == it->model || it->ancestors.count(o.model));
                         }) ||
                         std::any_of(queue_.begin(), queue_.end(),
                                     [&](const Job& o) { return same_team(o) && it->ancestors.count(o.model); });
          if (!blocked) return it;
        }
        return queue_.end();
      };
      wake_.wait(lock, [&] { return stop_ || eligible() != queue_.end(); });
      if (stop_) return;
      auto it = eligible();
      job = *it;
      queue_.erase(it);
      running_.push_back(job);
    }
    execute(job);
    {
      std::lock_guard lock(mutex_);
      running_.erase(std::remove_if(running_.begin(), running_.end(), [&](const Job& j) { return j.run_id == job.run_id; }),
                     running_.end());
      cancel_.erase(job.run_id);
    }
    wake_.notify_all();
  }
}

void ModelEngine::skip_descendants(const Job& job, const std::string& reason) {
  try {
    TeamModels team = load(job.org, job.team_id);
    for (const auto& d : team.graph().descendants(job.model)) {
      std::string now = iso_utc_now();
      json run = {{"id", "mr_" + random_hex(8)}, {"model", d},        {"team_id", job.team_id}, {"status", "cancelled"},
                  {"skipped", true},             {"phase", nullptr},  {"mode", nullptr},        {"trigger", "upstream " + job.model},
                  {"rows", 0},                   {"bytes", nullptr},  {"duration_ms", 0},       {"error", reason},
                  {"watermark", nullptr},        {"tests", json::array()}, {"started_at", now}, {"finished_at", now}};
      save_run(job.org, job.team_id, d, run);
      json state = team.records.at(d).state;
      state["status"] = "skipped";
      state["last_error"] = reason;
      control_.save_model_state(job.org, job.team_id, d, state);
    }
  } catch (const std::exception& e) {
    spdlog::warn("model {} of {}: its descendants were not marked skipped: {}", job.model, job.org, e.what());
  }
}

void ModelEngine::execute(Job& job) {
  auto started = std::chrono::steady_clock::now();
  json run;
  try {
    run = control_.get_run(control::RunKind::kModel, job.org, owner(job.team_id, job.model), job.run_id);
  } catch (const std::exception& e) {
    spdlog::warn("model {} of {}: run {} is gone: {}", job.model, job.org, job.run_id, e.what());
    return;
  }
  run["phase"] = "building";
  run["started_at"] = iso_utc_now();
  save_run(job.org, job.team_id, job.model, run);
  std::string team_schema;
  bool ok = false;
  try {
    TeamModels team = load(job.org, job.team_id);
    team_schema = team.team_schema;
    if (!team.records.count(job.model)) throw std::runtime_error("the model was deleted");
    build(job, team, run);
    run["status"] = "completed";
    ok = true;
  } catch (const Cancelled&) {
    run["status"] = "cancelled";
    run["error"] = "cancelled: nothing of this run landed";
  } catch (const std::exception& e) {
    run["status"] = "failed";
    run["error"] = e.what();
  }
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  run["phase"] = nullptr;
  run["duration_ms"] = static_cast<int64_t>(seconds * 1000);
  run["finished_at"] = iso_utc_now();
  try {
    control::ModelRecord record = control_.get_model(job.org, job.team_id, job.model);
    json state = record.state;
    state["status"] = run["status"];
    state["last_run_id"] = job.run_id;
    state["last_error"] = run["error"];
    if (ok) {
      state["last_built_at"] = run["finished_at"];
      state["watermark"] = run["watermark"];
      state["fingerprint"] = run["fingerprint"];
    }
    control_.save_model_state(job.org, job.team_id, job.model, state);
    if (ok && on_built_) {
      ModelSpec spec = ModelSpec::from_json(record.spec, team_schema);
      on_built_(job.org, job.team_id, spec.schema + "." + spec.name);
    }
  } catch (const std::exception& e) {
    spdlog::warn("model {} of {}: its state was not saved: {}", job.model, job.org, e.what());
  }
  // In the duckling too, for SQL (system.model_runs).
  try {
    auto text = [](const json& v) { return v.is_string() ? ql(v.get<std::string>()) : std::string("NULL"); };
    auto number = [](const json& v) { return v.is_number() ? v.dump() : std::string("NULL"); };
    run_sql(job.org, job.model,
            "INSERT INTO duckgres_meta.model_runs VALUES (" + text(run["id"]) + ", " + ql(job.model) + ", " +
                std::to_string(job.team_id) + ", " + text(run["status"]) + ", " + text(run["mode"]) + ", " +
                number(run["rows"]) + ", " + number(run["bytes"]) + ", " + number(run["duration_ms"]) + ", " +
                text(run["error"]) + ", " + text(run["watermark"]) + ", " + text(run["started_at"]) + ", " +
                text(run["finished_at"]) + ")");
  } catch (const std::exception& e) {
    spdlog::warn("model {} of {}: the run is not in system.model_runs: {}", job.model, job.org, e.what());
  }
  {
    std::lock_guard lock(mutex_);
    seconds_[{job.org, team_schema, job.model}] += seconds;
  }
  // What follows is decided before the run says it ended: a client that sees it completed
  // finds the models reading it already queued (or skipped).
  if (!ok) {
    spdlog::warn("model {} of {}: run {} {}: {}", job.model, job.org, job.run_id, run["status"].get<std::string>(),
                 run["error"].is_string() ? run["error"].get<std::string>() : "");
    if (job.downstream && run["status"] == "failed")
      skip_descendants(job, "skipped: upstream model " + job.model + " failed: " + run["error"].get<std::string>());
  } else if (job.downstream) {
    try {
      TeamModels team = load(job.org, job.team_id);
      std::lock_guard lock(mutex_);
      if (!stop_) {
        for (const auto& d : team.graph().downstream(job.model))
          enqueue_locked(job.org, job.team_id, d, false, true, "upstream " + job.model, team);
      }
    } catch (const std::exception& e) {
      spdlog::warn("model {} of {}: its downstream models were not started: {}", job.model, job.org, e.what());
    }
  }
  save_run(job.org, job.team_id, job.model, run);
}

}  // namespace ducklings::modeling
