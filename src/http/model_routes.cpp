// The routes of a team's models (docs/modeling.md): definitions, runs, lineage, dbt import.
// The model runner (modeling/runner.h) does the work.
#include "http/api.h"
#include "modeling/runner.h"

namespace ducklings::http {
namespace {
using json = nlohmann::json;
using namespace schema;

modeling::ModelEngine& engine(Api& api) {
  if (!api.model_engine()) throw ApiError(503, "unavailable", "models are not running");
  return *api.model_engine();
}

bool flag(const json& body, const char* name, bool otherwise) {
  if (!body.contains(name) || body[name].is_null()) return otherwise;
  if (!body[name].is_boolean()) throw ApiError(400, "invalid_request", std::string("\"") + name + "\" must be true or false");
  return body[name].get<bool>();
}

}  // namespace

std::vector<Route> Api::model_routes() {
  const std::string base = "/orgs/{org}/teams/{team_id}/models";
  json incremental = object({{"incremental_key", str()},
                             {"unique_key", {{"type", "array"}, {"items", str()}}},
                             {"lookback_seconds", integer()},
                             {"strategy", one_of({"merge", "delete+insert"})}});
  json test = {{"type", "object"}};
  json model = object({{"name", str()},
                       {"sql", str()},
                       {"dialect", one_of({"postgres", "duckdb"})},
                       {"materialization", one_of({"view", "table", "incremental"})},
                       {"schema", str()},
                       {"relation", str()},
                       {"incremental", nullable(incremental)},
                       {"schedule", str()},
                       {"tests", {{"type", "array"}, {"items", test}}},
                       {"depends_on", {{"type", "object"}}},
                       {"status", str()},
                       {"watermark", nullable(str())},
                       {"fingerprint", str()},
                       {"created_at", str()},
                       {"updated_at", str()}});
  json run = object({{"id", str()},
                     {"model", str()},
                     {"status", one_of({"running", "completed", "failed", "cancelled"})},
                     {"mode", nullable(one_of({"full_refresh", "incremental"}))},
                     {"trigger", str()},
                     {"rows", nullable(integer())},
                     {"bytes", nullable(integer())},
                     {"duration_ms", nullable(integer())},
                     {"error", nullable(str())},
                     {"watermark", nullable(str())},
                     {"tests", {{"type", "array"}, {"items", test}}},
                     {"started_at", str()},
                     {"finished_at", nullable(str())}});
  std::vector<Field> definition = {
      {"sql", str(), false, "the query (one SELECT; other models and tables by name)"},
      {"dialect", one_of({"postgres", "duckdb"}), false, "postgres (default) or duckdb"},
      {"materialization", one_of({"view", "table", "incremental"}), false, "view, table (default) or incremental"},
      {"incremental", incremental, false,
       "JSON: {incremental_key, unique_key: [...], lookback_seconds, strategy: merge|delete+insert}"},
      {"schedule", described(json::object(), "seconds, \"<n>m|h|d\", hourly, daily, weekly, monthly or \"manual\""),
       false, "how often it is built (15 minutes to a month; default manual)"},
      {"tests", {{"type", "array"}, {"items", test}}, false,
       "JSON: data tests [{type: not_null|unique|accepted_values|relationships|row_count|sql, column, values, to, "
       "field, min, max, sql, severity: error|warn}]"},
      {"description", str(), false, "what it holds"},
  };
  std::vector<Field> create_fields = {{"name", str(), true, "its name (^[A-Za-z_$][A-Za-z0-9_.$]*$)"}};
  create_fields.insert(create_fields.end(), definition.begin(), definition.end());
  create_fields[1].required = true;  // sql
  create_fields.push_back({"schema", str(), false, "where it lands (default: the team's schema)"});
  std::vector<Field> change_fields = definition;
  change_fields.push_back({"name", str(), false, "-", "-"});
  change_fields.push_back({"schema", str(), false, "-", "-"});
  return {
      {"POST", base, "createModel", "Add a model to a team (400 on bad SQL or a cycle, with its path)", 201, model,
       create_fields, "", {},
       [](Api& api, const Call& c) {
         return ApiResponse{201, engine(api).create(c.param("org"), team_id_of(c.param("team_id")), c.body)};
       },
       CliCommand{"models", "create", "add one", {"org", "team_id", "name"}}},
      {"GET", base, "listModels", "A team's models, with their dependencies and state", 200,
       {{"type", "array"}, {"items", model}}, {}, "", {},
       [](Api& api, const Call& c) {
         return ApiResponse{200, engine(api).list(c.param("org"), team_id_of(c.param("team_id")))};
       },
       CliCommand{"models", "list", "a team's models"}},
      {"POST", base + "/import", "importDbtManifest",
       "Create or update models from a dbt project's compiled manifest.json (models and their generic tests)", 200,
       object({{"imported", {{"type", "array"}, {"items", str()}}}, {"skipped", {{"type", "array"}, {"items", test}}}}),
       {{"manifest", {{"type", "object"}}, true, "JSON: the manifest (target/manifest.json after dbt compile)"},
        {"schema", str(), false, "land them all here (default: each node's schema)"}},
       "", {},
       [](Api& api, const Call& c) {
         return ApiResponse{200, engine(api).import_manifest(c.param("org"), team_id_of(c.param("team_id")), c.body)};
       },
       CliCommand{"models", "import", "import a dbt manifest"}},
      {"GET", base + "/{name}", "getModel", "One model", 200, model, {}, "", {},
       [](Api& api, const Call& c) {
         return ApiResponse{200, engine(api).get(c.param("org"), team_id_of(c.param("team_id")), c.param("name"))};
       },
       CliCommand{"models", "get", "show one"}},
      {"PATCH", base + "/{name}", "updateModel",
       "Change a model's definition (a new fingerprint rebuilds it whole at its next run)", 200, model, change_fields,
       "", {},
       [](Api& api, const Call& c) {
         return ApiResponse{200, engine(api).update(c.param("org"), team_id_of(c.param("team_id")), c.param("name"), c.body)};
       },
       CliCommand{"models", "update", "change one"}},
      {"DELETE", base + "/{name}", "deleteModel",
       "Forget a model and drop its relation (409 while other models read it)", 204, nullptr, {}, "", {},
       [](Api& api, const Call& c) {
         engine(api).remove(c.param("org"), team_id_of(c.param("team_id")), c.param("name"));
         return ApiResponse{204, nullptr};
       },
       CliCommand{"models", "delete", "forget one"}},
      {"POST", base + "/{name}/run", "runModel",
       "Build the model now (then the models reading it); answers the queued run", 202, run,
       {{"full_refresh", boolean(), false, "rebuild an incremental model whole"},
        {"downstream", boolean(), false, "then build the models reading it (default true)"}},
       "", {},
       [](Api& api, const Call& c) {
         return ApiResponse{202, engine(api).start_run(c.param("org"), team_id_of(c.param("team_id")), c.param("name"),
                                                       flag(c.body, "full_refresh", false),
                                                       flag(c.body, "downstream", true))};
       },
       CliCommand{"models", "run", "build it now"}},
      {"GET", base + "/{name}/runs", "listModelRuns", "The model's runs, newest first", 200,
       {{"type", "array"}, {"items", run}}, {}, "", {},
       [](Api& api, const Call& c) {
         int64_t team = team_id_of(c.param("team_id"));
         api.control_.get_model(c.param("org"), team, c.param("name"));
         return ApiResponse{200, api.control_.list_runs(control::RunKind::kModel, c.param("org"),
                                                        control::job_owner(team, c.param("name")), 100)};
       },
       CliCommand{"models", "runs", "its runs, newest first"}},
      {"GET", base + "/{name}/runs/{id}", "getModelRun",
       "One run: status, mode (full_refresh|incremental), rows, duration, error, watermark, tests", 200, run, {}, "",
       {},
       [](Api& api, const Call& c) {
         int64_t team = team_id_of(c.param("team_id"));
         api.control_.get_model(c.param("org"), team, c.param("name"));
         return ApiResponse{200, api.control_.get_run(control::RunKind::kModel, c.param("org"),
                                                      control::job_owner(team, c.param("name")), c.param("id"))};
       },
       CliCommand{"models", "run-status", "show one run"}},
      {"POST", base + "/{name}/runs/{id}/cancel", "cancelModelRun",
       "Stop a queued or running run: nothing of it lands (409 when it already ended)", 200, run, {}, "", {},
       [](Api& api, const Call& c) {
         return ApiResponse{200, engine(api).cancel_run(c.param("org"), team_id_of(c.param("team_id")), c.param("name"),
                                                        c.param("id"))};
       },
       CliCommand{"models", "cancel", "stop a run"}},
      {"GET", base + "/{name}/lineage", "getModelLineage",
       "Upstream and downstream models and relations, and where each column comes from", 200, {{"type", "object"}},
       {}, "", {},
       [](Api& api, const Call& c) {
         return ApiResponse{200, engine(api).lineage(c.param("org"), team_id_of(c.param("team_id")), c.param("name"))};
       },
       CliCommand{"models", "lineage", "its lineage"}},
  };
}

}  // namespace ducklings::http
