#include "modeling/runner.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>

#include "common/clock.h"
#include "common/digest.h"
#include "common/errors.h"
#include "sql/quoting.h"

namespace ducklings::modeling {
namespace {
using json = nlohmann::json;
using control::Refusal;
using control::RefusedError;

[[noreturn]] void invalid(const std::string& message, const std::string& code = "invalid_request") {
  throw RefusedError(Refusal::kInvalid, code, message);
}

std::string qi(const std::string& s) { return sql::quote_identifier(s); }
std::string ql(const std::string& s) { return sql::quote_literal(s); }

int64_t epoch_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string owner(int64_t team_id, const std::string& model) { return std::to_string(team_id) + "/" + model; }

std::string relation_text(const RelationRef& r) { return r.schema.empty() ? r.name : r.schema + "." + r.name; }

// A run stopped by cancel_run between two steps.
struct Cancelled : std::runtime_error {
  Cancelled() : std::runtime_error("cancelled") {}
};

// How a run reads the watermark back: the key's type decides how the lookback is taken off.
enum class KeyKind { kTemporal, kNumber, kOther };

KeyKind key_kind(const std::string& duck_type) {
  if (duck_type.rfind("TIMESTAMP", 0) == 0 || duck_type == "DATE") return KeyKind::kTemporal;
  static const char* numbers[] = {"TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "UTINYINT", "USMALLINT",
                                  "UINTEGER", "UBIGINT", "FLOAT", "DOUBLE", "DECIMAL"};
  for (const char* n : numbers)
    if (duck_type.rfind(n, 0) == 0) return KeyKind::kNumber;
  return KeyKind::kOther;
}

// PostgreSQL's name for the DuckDB type of a key (the run's SQL is PostgreSQL's dialect).
std::string pg_type(const std::string& duck_type) {
  if (duck_type == "TIMESTAMP WITH TIME ZONE") return "timestamptz";
  if (duck_type.rfind("TIMESTAMP", 0) == 0) return "timestamp";
  if (duck_type == "DATE") return "date";
  if (duck_type.rfind("DECIMAL", 0) == 0) return "numeric";
  if (duck_type == "DOUBLE" || duck_type == "FLOAT") return "double precision";
  return "bigint";
}

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

gateway::Result ModelEngine::run_sql(const std::string& org, const std::string& model, const std::string& sql) {
  return gateway_.run({org, "model " + model, sql, {}, true});
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
    run_sql(org, name, std::string(*kind.rows.at(0).at(0) != "0" ? "DROP VIEW IF EXISTS " : "DROP TABLE IF EXISTS ") + landing);
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

json ModelEngine::import_manifest(const std::string& org, int64_t team_id, const json& body) {
  const json& manifest = body.contains("manifest") ? body["manifest"] : body;
  if (!manifest.is_object() || !manifest.contains("nodes") || !manifest["nodes"].is_object())
    invalid("\"manifest\" is a dbt manifest.json (an object with \"nodes\")");
  std::string schema_override = body.value("schema", std::string());
  std::string team_schema = control_.get_team(org, team_id).schema_name;
  // Generic tests attach to the model they depend on.
  std::map<std::string, json> tests;
  for (const auto& [id, node] : manifest["nodes"].items()) {
    if (node.value("resource_type", "") != "test" || !node.contains("test_metadata")) continue;
    const json& meta = node["test_metadata"];
    const json& kwargs = meta.value("kwargs", json::object());
    std::string on = node.value("attached_node", std::string());
    if (on.empty() && node.contains("depends_on")) {
      for (const auto& d : node["depends_on"].value("nodes", json::array()))
        if (d.get<std::string>().rfind("model.", 0) == 0) on = d;
    }
    std::string type = meta.value("name", "");
    json test = {{"type", type}};
    if (kwargs.contains("column_name")) test["column"] = kwargs["column_name"];
    if (type == "accepted_values") test["values"] = kwargs.value("values", json::array());
    if (type == "relationships") {
      // to: "ref('customers')" → the model's name
      std::string to = kwargs.value("to", "");
      auto a = to.find('\''), b = to.rfind('\'');
      test["to"] = a != std::string::npos && b > a ? to.substr(a + 1, b - a - 1) : to;
      test["field"] = kwargs.value("field", "");
    }
    if (node.contains("config") && node["config"].value("severity", "ERROR") == "warn") test["severity"] = "warn";
    if (node.contains("config") && node["config"].value("severity", "ERROR") == "WARN") test["severity"] = "warn";
    if (type == "not_null" || type == "unique" || type == "accepted_values" || type == "relationships")
      tests[on].push_back(test);
  }
  json imported = json::array(), skipped = json::array();
  std::vector<std::pair<std::string, json>> bodies;
  for (const auto& [id, node] : manifest["nodes"].items()) {
    if (node.value("resource_type", "") != "model") continue;
    const json& config = node.value("config", json::object());
    std::string materialized = config.value("materialized", "view");
    std::string name = node.value("alias", json()).is_string() ? node["alias"].get<std::string>() : node.value("name", "");
    std::string code = node.value("compiled_code", node.value("compiled_sql", std::string()));
    if (code.empty()) {
      skipped.push_back({{"name", name}, {"reason", "not compiled (run dbt compile first)"}});
      continue;
    }
    json m = {{"name", name}, {"sql", code}, {"description", node.value("description", "")}};
    m["schema"] = !schema_override.empty() ? schema_override : node.value("schema", team_schema);
    if (materialized == "materialized_view") materialized = "table";
    if (materialized == "incremental") {
      json unique = config.value("unique_key", json());
      std::string key = config.contains("meta") ? config["meta"].value("incremental_key", "") : "";
      if (key.empty()) key = config.value("incremental_key", "");
      if (key.empty()) {
        materialized = "table";  // no watermark column named: rebuilt whole
      } else {
        m["incremental"] = {{"incremental_key", key},
                            {"unique_key", unique.is_null() ? json::array() : unique},
                            {"strategy", config.value("incremental_strategy", "merge") == "delete+insert" ? "delete+insert" : "merge"}};
      }
    }
    if (materialized != "view" && materialized != "table" && materialized != "incremental") {
      skipped.push_back({{"name", name}, {"reason", "materialization " + materialized + " is not a model's"}});
      continue;
    }
    m["materialization"] = materialized;
    if (tests.count(id)) m["tests"] = tests[id];
    bodies.emplace_back(name, m);
  }
  // Upstream models first, so each one's references resolve as it is saved.
  std::set<std::string> names;
  for (const auto& [n, _] : bodies) names.insert(n);
  for (size_t pass = 0; pass <= bodies.size() && !bodies.empty(); ++pass) {
    std::vector<std::pair<std::string, json>> later;
    for (auto& [name, m] : bodies) {
      try {
        bool exists = true;
        try {
          control_.get_model(org, team_id, name);
        } catch (const RefusedError&) {
          exists = false;
        }
        if (exists) {
          json change = m;
          change.erase("name");
          update(org, team_id, name, change);
        } else {
          save(org, team_id, ModelSpec::from_json(m, team_schema), true);
        }
        imported.push_back(name);
      } catch (const RefusedError& e) {
        if (pass < bodies.size()) later.emplace_back(name, m);
        else skipped.push_back({{"name", name}, {"reason", e.what()}});
      }
    }
    if (later.size() == bodies.size()) {
      for (auto& [name, m] : later) {
        try {
          save(org, team_id, ModelSpec::from_json(m, team_schema), true);
          imported.push_back(name);
        } catch (const RefusedError& e) {
          skipped.push_back({{"name", name}, {"reason", e.what()}});
        }
      }
      break;
    }
    bodies = std::move(later);
  }
  return {{"imported", imported}, {"skipped", skipped}};
}

// ---- runs ----

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
  threads_.emplace_back([this] { schedule_loop(); });
}

void ModelEngine::stop() {
  {
    std::lock_guard lock(mutex_);
    stop_ = true;
  }
  wake_.notify_all();
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

void ModelEngine::schedule_loop() {
  while (true) {
    {
      std::unique_lock lock(mutex_);
      wake_.wait_for(lock, std::chrono::seconds(10), [&] { return stop_; });
      if (stop_) return;
    }
    schedule_due();
  }
}

void ModelEngine::schedule_due() {
  int64_t now = epoch_now();
  try {
    for (const auto& [org, team_id] : control_.teams_with_models()) {
      TeamModels team = load(org, team_id);
      for (const auto& [name, spec] : team.specs) {
        if (spec.schedule_seconds <= 0) continue;
        json state = team.records.at(name).state;
        int64_t last = state.value("scheduled_epoch", int64_t{0});
        if (last == 0) {
          // The first period starts when the schedule is set, not at once.
          state["scheduled_epoch"] = now;
          control_.save_model_state(org, team_id, name, state);
          continue;
        }
        if (now - last < spec.schedule_seconds) continue;
        state["scheduled_epoch"] = now;
        control_.save_model_state(org, team_id, name, state);
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
  save_run(job.org, job.team_id, job.model, run);
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
  if (!ok) {
    spdlog::warn("model {} of {}: run {} {}: {}", job.model, job.org, job.run_id, run["status"].get<std::string>(),
                 run["error"].is_string() ? run["error"].get<std::string>() : "");
    if (job.downstream && run["status"] == "failed")
      skip_descendants(job, "skipped: upstream model " + job.model + " failed: " + run["error"].get<std::string>());
    return;
  }
  if (!job.downstream) return;
  try {
    TeamModels team = load(job.org, job.team_id);
    std::lock_guard lock(mutex_);
    if (stop_) return;
    for (const auto& d : team.graph().downstream(job.model))
      enqueue_locked(job.org, job.team_id, d, false, true, "upstream " + job.model, team);
  } catch (const std::exception& e) {
    spdlog::warn("model {} of {}: its downstream models were not started: {}", job.model, job.org, e.what());
  }
}

void ModelEngine::build(const Job& job, const TeamModels& team, json& run) {
  const ModelSpec& spec = team.specs.at(job.model);
  const json& state = team.records.at(job.model).state;
  auto sql_of = [&](const std::string& s) { return run_sql(job.org, job.model, s); };
  auto value = [&](const std::string& s) -> std::optional<std::string> {
    auto r = sql_of(s);
    if (r.rows.empty() || r.rows[0].empty()) return std::nullopt;
    return r.rows[0][0];
  };
  QueryAnalysis analysis = analyze(job.org, spec);
  std::string print = fingerprint(analysis, spec.materialization, spec.incremental ? spec.incremental->key : "",
                                  spec.incremental ? spec.incremental->unique_key : std::vector<std::string>{});
  run["fingerprint"] = print;
  std::string schema = qi(spec.schema);
  std::string landing = schema + "." + qi(spec.name);
  sql_of("CREATE SCHEMA IF NOT EXISTS " + schema);
  // Relations of the team's schema are read unqualified, as its users write them.
  std::set<std::string> team_relations;
  for (const auto& r : sql_of("SELECT table_name FROM duckdb_tables() WHERE schema_name = " + ql(team.team_schema) +
                              " UNION ALL SELECT view_name FROM duckdb_views() WHERE schema_name = " + ql(team.team_schema))
                           .rows)
    if (r[0]) team_relations.insert(*r[0]);
  auto resolve = [&](const RelationRef& ref) -> std::optional<RelationRef> {
    if (const ModelSpec* m = team.model_named(ref)) return RelationRef{m->schema, m->name};
    if (ref.schema.empty() && team_relations.count(ref.name)) return RelationRef{team.team_schema, ref.name};
    return std::nullopt;
  };
  // What the relation is now: a view, a table, or nothing.
  auto existing = [&]() -> std::string {
    auto v = value("SELECT (SELECT count(*) FROM duckdb_views() WHERE schema_name = " + ql(spec.schema) +
                   " AND view_name = " + ql(spec.name) + ") || ',' || (SELECT count(*) FROM duckdb_tables() WHERE "
                   "schema_name = " + ql(spec.schema) + " AND table_name = " + ql(spec.name) + ")");
    return !v ? "" : v->rfind("0,", 0) != 0 ? "view" : *v != "0,0" ? "table" : "";
  };
  std::string was = existing();
  std::string drop_old = was == "view" ? "DROP VIEW IF EXISTS " + landing + "; " : was == "table" ? "DROP TABLE IF EXISTS " + landing + "; " : "";
  // Blocking tests fail the swap's transaction, so the old version stays; the others are
  // reported after it.
  auto blocking_checks = [&]() {
    std::string out;
    for (const auto& t : spec.tests)
      if (t.blocking) out += executable_sql(data_test_assertion(t, landing), resolve) + "; ";
    return out;
  };
  // Runs the transaction that puts the new version in place; a failed blocking test says so
  // in the run's tests.
  auto swap = [&](const std::string& transaction) {
    try {
      sql_of(transaction);
    } catch (const SqlError& e) {
      std::string message = e.what();
      for (const auto& t : spec.tests) {
        if (t.blocking && message.find("data test " + t.name + " failed: ") != std::string::npos)
          run["tests"].push_back({{"name", t.name}, {"severity", "error"}, {"status", "failed"}, {"message", message}});
      }
      throw;
    }
  };
  auto report_tests = [&]() {
    for (const auto& t : spec.tests) {
      json result = {{"name", t.name}, {"severity", t.blocking ? "error" : "warn"}};
      if (t.blocking) {
        result["status"] = "passed";
        result["failures"] = 0;
      } else {
        try {
          auto n = value(executable_sql(data_test_sql(t, landing), resolve));
          int64_t failures = n ? std::stoll(*n) : 0;
          result["status"] = failures ? "warn" : "passed";
          result["failures"] = failures;
        } catch (const std::exception& e) {
          result["status"] = "error";
          result["error"] = e.what();
        }
      }
      run["tests"].push_back(result);
    }
  };
  auto check_cancel = [&] {
    if (cancelled(job.run_id)) throw Cancelled();
  };
  // Stages a stopped server left behind.
  std::string stage_prefix = "__model_stage_" + sha256_hex(spec.name).substr(0, 8) + "_";
  for (const auto& r : sql_of("SELECT table_name FROM duckdb_tables() WHERE schema_name = " + ql(spec.schema) +
                              " AND starts_with(table_name, " + ql(stage_prefix) + ")")
                           .rows)
    if (r[0]) sql_of("DROP TABLE IF EXISTS " + schema + "." + qi(*r[0]));
  std::string stage_name = stage_prefix + random_hex(4);
  std::string stage = schema + "." + qi(stage_name);

  if (spec.materialization == "view") {
    run["mode"] = "full_refresh";
    std::string body = executable_sql(spec.sql, resolve);
    check_cancel();
    swap("BEGIN; " + (was == "table" ? drop_old : std::string()) + "CREATE OR REPLACE VIEW " + landing + " AS " + body +
         "; " + blocking_checks() + "COMMIT");
    report_tests();
    run["rows"] = nullptr;
    return;
  }

  bool incremental = spec.incremental && !job.full_refresh && was == "table" && state.value("watermark", json()).is_string() &&
                     state.value("fingerprint", "") == print;
  struct DropStage {
    std::function<void()> f;
    ~DropStage() {
      if (f) f();
    }
  } drop_stage{[&] {
    try {
      sql_of("DROP TABLE IF EXISTS " + stage);
    } catch (const std::exception&) {
    }
  }};
  if (!incremental) {
    run["mode"] = "full_refresh";
    sql_of("CREATE TABLE " + stage + " AS " + executable_sql(spec.sql, resolve));
    check_cancel();
    int64_t rows = std::stoll(value("SELECT count(*) FROM " + stage).value_or("0"));
    if (spec.incremental && !spec.incremental->unique_key.empty()) {
      std::string uk;
      for (const auto& k : spec.incremental->unique_key) uk += (uk.empty() ? "" : ", ") + qi(k);
      auto dup = value("SELECT count(*) - count(DISTINCT (" + uk + ")) FROM " + stage);
      if (dup && *dup != "0") throw std::runtime_error("the unique key (" + uk + ") is not unique in the model's rows (" + *dup + " repeated)");
    }
    swap("BEGIN; " + drop_old + "ALTER TABLE " + stage + " RENAME TO " + qi(spec.name) + "; " + blocking_checks() + "COMMIT");
    drop_stage.f = nullptr;
    run["rows"] = rows;
  } else {
    run["mode"] = "incremental";
    const IncrementalSettings& inc = *spec.incremental;
    auto type_row = value("SELECT data_type FROM duckdb_columns() WHERE schema_name = " + ql(spec.schema) +
                          " AND table_name = " + ql(spec.name) + " AND column_name = " + ql(inc.key));
    if (!type_row) throw std::runtime_error("the incremental key " + inc.key + " is not a column of " + spec.schema + "." + spec.name);
    KeyKind kind = key_kind(*type_row);
    std::string watermark = state["watermark"].get<std::string>();
    std::string typed = kind == KeyKind::kOther ? ql(watermark) : "CAST(" + ql(watermark) + " AS " + pg_type(*type_row) + ")";
    std::string since = typed;  // rows with key >= since are read again
    if (inc.lookback_seconds > 0 && kind == KeyKind::kTemporal)
      since = "(" + typed + " - interval '" + std::to_string(inc.lookback_seconds) + " seconds')";
    else if (inc.lookback_seconds > 0 && kind == KeyKind::kNumber)
      since = "(" + typed + " - " + std::to_string(inc.lookback_seconds) + ")";
    std::string since_text = value("SELECT CAST(" + since + " AS text)").value_or(watermark);
    std::string since_sql = kind == KeyKind::kOther ? ql(since_text) : "CAST(" + ql(since_text) + " AS " + pg_type(*type_row) + ")";
    std::optional<Narrowing> narrowing;
    if (analysis.postgres && !inc.unique_key.empty()) {
      if (auto g = grouped_increment(spec.sql, inc.key, inc.unique_key)) {
        // Groups touched since `since` are rebuilt from their first row on.
        RelationRef rel = resolve(g->relation).value_or(g->relation);
        std::string rel_sql = (rel.schema.empty() ? "" : qi(rel.schema) + ".") + qi(rel.name);
        std::string match;
        for (size_t i = 0; i < inc.unique_key.size(); ++i)
          match += " AND " + g->key_expressions[i] + " = t." + qi(inc.unique_key[i]);
        std::string touched = "SELECT min(t." + qi(g->min_output) + ") FROM " + landing + " AS t WHERE EXISTS (SELECT 1 FROM " +
                              rel_sql + " AS " + qi(g->alias) + " WHERE " + qi(g->alias) + "." + qi(g->column) + " >= " +
                              since_sql + (g->where.empty() ? "" : " AND (" + g->where + ")") + match + ")";
        auto lower = value("SELECT CAST(least(" + since_sql + ", (" + touched + ")) AS text)");
        narrowing = Narrowing{g->column, lower.value_or(since_text)};
      }
    }
    std::string body = executable_sql(spec.sql, resolve, narrowing);
    std::string op = inc.unique_key.empty() ? " > " : " >= ";
    std::string from = inc.unique_key.empty() ? typed : since_sql;
    sql_of("CREATE TABLE " + stage + " AS SELECT * FROM (" + body + ") AS model_rows WHERE model_rows." + qi(inc.key) + op + from);
    check_cancel();
    int64_t rows = std::stoll(value("SELECT count(*) FROM " + stage).value_or("0"));
    std::vector<std::string> columns;
    for (const auto& r : sql_of("SELECT column_name FROM duckdb_columns() WHERE schema_name = " + ql(spec.schema) +
                                " AND table_name = " + ql(stage_name) + " ORDER BY column_index")
                             .rows)
      columns.push_back(*r[0]);
    std::string list, set;
    for (const auto& c : columns) {
      list += (list.empty() ? "" : ", ") + qi(c);
      set += (set.empty() ? "" : ", ") + qi(c) + " = s." + qi(c);
    }
    std::string merge = "BEGIN; ";
    if (inc.unique_key.empty()) {
      merge += "INSERT INTO " + landing + " (" + list + ") SELECT " + list + " FROM " + stage + "; ";
    } else {
      std::string uk, on;
      for (const auto& k : inc.unique_key) {
        uk += (uk.empty() ? "" : ", ") + qi(k);
        on += (on.empty() ? "" : " AND ") + std::string("t.") + qi(k) + " = s." + qi(k);
      }
      auto dup = value("SELECT count(*) - count(DISTINCT (" + uk + ")) FROM " + stage);
      if (dup && *dup != "0") throw std::runtime_error("the unique key (" + uk + ") is not unique in the model's new rows (" + *dup + " repeated)");
      if (inc.strategy == "merge") {
        merge += "UPDATE " + landing + " AS t SET " + set + " FROM " + stage + " AS s WHERE " + on + "; ";
        merge += "INSERT INTO " + landing + " (" + list + ") SELECT " + list + " FROM " + stage + " AS s WHERE NOT EXISTS (SELECT 1 FROM " +
                 landing + " AS t WHERE " + on + "); ";
      } else {
        merge += "DELETE FROM " + landing + " AS t WHERE EXISTS (SELECT 1 FROM " + stage + " AS s WHERE " + on + "); ";
        merge += "INSERT INTO " + landing + " (" + list + ") SELECT " + list + " FROM " + stage + "; ";
      }
    }
    swap(merge + blocking_checks() + "COMMIT");
    run["rows"] = rows;
    run["read_from"] = narrowing ? json(narrowing->literal) : json(since_text);
  }
  report_tests();
  run["watermark"] = nullptr;
  if (spec.incremental) {
    if (auto w = value("SELECT CAST(max(" + qi(spec.incremental->key) + ") AS text) FROM " + landing)) run["watermark"] = *w;
  }
}

}  // namespace ducklings::modeling
