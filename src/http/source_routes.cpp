// The routes of a team's external sources (docs/sources.md): the source, its tables (as
// discovered, with their settings), runs. The sync engine (sources/sync.h) does the work.
#include "http/api.h"
#include "sources/sync.h"

namespace ducklings::http {
namespace {
using json = nlohmann::json;
using namespace schema;

json source_json(const control::SourceRecord& s) {
  return {{"name", s.name},       {"team_id", s.team_id}, {"kind", s.kind},
          {"prefix", s.prefix},   {"schema", s.prefix},   {"connection", s.connection},
          {"created_at", s.created_at}};
}

sources::SyncEngine& engine(Api& api) {
  if (!api.sync_engine()) throw ApiError(503, "unavailable", "sources are not running");
  return *api.sync_engine();
}

}  // namespace

std::vector<Route> Api::source_routes() {
  const std::string base = "/orgs/{org}/teams/{team_id}/sources";
  json source = object({{"name", str()},
                        {"team_id", integer()},
                        {"kind", one_of({"postgres", "mysql", "files", "rest", "stripe"})},
                        {"prefix", str()},
                        {"schema", str()},
                        {"connection", {{"type", "object"}}},
                        {"created_at", str()}});
  json run = object({{"id", str()},
                     {"source", str()},
                     {"status", one_of({"running", "completed", "failed", "cancelled"})},
                     {"rows", integer()},
                     {"error", nullable(str())},
                     {"started_at", str()},
                     {"finished_at", nullable(str())},
                     {"tables", {{"type", "array"}, {"items", {{"type", "object"}}}}}});
  json table = {{"type", "object"}};
  return {
      {"POST",
       base,
       "createSource",
       "Add an external source to a team (422 when it cannot be reached and read)",
       201,
       source,
       {{"name", str(), true, "its name (lower-case identifier)"},
        {"kind", one_of({"postgres", "mysql", "files", "rest", "stripe"}), true, "what it is"},
        {"connection", {{"type", "object"}}, true,
         "JSON. postgres and mysql: {host, port, database, user, password, sslmode}; files: "
         "{storage, path, format, table}; rest: {base_url, auth_header, auth_value, headers, "
         "resources}; stripe: {api_key, base_url}. The secret (password, auth_value, api_key) "
         "is kept sealed (docs/sources.md)"},
        {"prefix", str(), false, "the schema its tables land in (default: its name)"},
        {"password", str(), false,
         "the connection's password (or API key) given apart (ctl reads it from DUCKGRES_SOURCE_PASSWORD, "
         "never from the command line)",
         "-", "DUCKGRES_SOURCE_PASSWORD"}},
       "",
       {},
       [](Api& api, const Call& c) {
         control::SourceSpec spec;
         spec.name = text_field(c.body, "name", true);
         spec.kind = text_field(c.body, "kind", true);
         spec.prefix = text_field(c.body, "prefix", false);
         spec.connection = c.body.value("connection", json());
         spec.secret = text_field(c.body, "password", false);
         return ApiResponse{201, source_json(engine(api).create(
                                     c.param("org"), team_id_of(c.param("team_id")), spec))};
       },
       CliCommand{"sources", "create", "add one", {"org", "team_id", "name"}}},
      {"GET",
       base,
       "listSources",
       "A team's external sources (without passwords)",
       200,
       {{"type", "array"}, {"items", source}},
       {},
       "",
       {},
       [](Api& api, const Call& c) {
         json out = json::array();
         for (const auto& s : api.control_.list_sources(c.param("org"), team_id_of(c.param("team_id"))))
           out.push_back(source_json(s));
         return ApiResponse{200, out};
       },
       CliCommand{"sources", "list", "a team's sources"}},
      {"GET",
       base + "/{name}",
       "getSource",
       "One source (without its password)",
       200,
       source,
       {},
       "",
       {},
       [](Api& api, const Call& c) {
         return ApiResponse{200, source_json(api.control_.get_source(
                                     c.param("org"), team_id_of(c.param("team_id")), c.param("name")))};
       },
       CliCommand{"sources", "get", "show one"}},
      {"DELETE",
       base + "/{name}",
       "deleteSource",
       "Forget a source: its replication slot and publication are dropped upstream; the tables it landed stay",
       204,
       nullptr,
       {},
       "",
       {},
       [](Api& api, const Call& c) {
         engine(api).remove(c.param("org"), team_id_of(c.param("team_id")), c.param("name"));
         return ApiResponse{204, nullptr};
       },
       CliCommand{"sources", "delete", "forget one"}},
      {"GET",
       base + "/{name}/tables",
       "listSourceTables",
       "The source's tables as discovered now (columns, types, primary key, row estimate, "
       "incremental fields), each with its settings and sync state",
       200,
       {{"type", "array"}, {"items", table}},
       {},
       "",
       {},
       [](Api& api, const Call& c) {
         return ApiResponse{200, engine(api).tables(c.param("org"), team_id_of(c.param("team_id")),
                                                    c.param("name"))};
       },
       CliCommand{"sources", "tables", "discover its tables"}},
      {"PATCH",
       base + "/{name}/tables/{table}",
       "configureSourceTable",
       "A table's settings: enabled, sync type, incremental field, primary key, lookback, "
       "frequency, enabled columns",
       200,
       table,
       {{"enabled", boolean(), false, "synced by runs and the schedule"},
        {"sync_type", one_of({"full_refresh", "incremental", "append", "cdc"}), false,
         "full_refresh (default), incremental (merge on the primary key), append, cdc "
         "(PostgreSQL: change data capture)"},
        {"incremental_field", str(), false, "an integer, numeric, date or timestamp column"},
        {"primary_key", {{"type", "array"}, {"items", str()}}, false, "its columns (default: upstream's)"},
        {"lookback_seconds", integer(), false, "incremental: also read rows this much older than the cursor"},
        {"frequency", described(json::object(), "seconds, \"<n>m|h|d\" or \"manual\""), false,
         "5 minutes to 30 days, or manual (default 6h)"},
        {"enabled_columns", nullable({{"type", "array"}, {"items", str()}}), false,
         "the columns that land (null: all, and those added upstream); with the key and the "
         "incremental field"}},
       "",
       {},
       [](Api& api, const Call& c) {
         return ApiResponse{200, engine(api).configure(c.param("org"), team_id_of(c.param("team_id")),
                                                       c.param("name"), c.param("table"), c.body)};
       },
       CliCommand{"sources", "configure", "set a table's settings"}},
      {"POST",
       base + "/{name}/sync",
       "syncSource",
       "Start a run of the source's enabled tables (or of `tables`)",
       202,
       run,
       {{"tables", {{"type", "array"}, {"items", str()}}, false, "these tables only"}},
       "",
       {},
       [](Api& api, const Call& c) {
         std::vector<std::string> only;
         if (c.body.contains("tables")) {
           if (!c.body["tables"].is_array()) throw ApiError(400, "invalid_request", "\"tables\" must be an array");
           for (const auto& t : c.body["tables"]) {
             if (!t.is_string()) throw ApiError(400, "invalid_request", "\"tables\" holds table names");
             only.push_back(t);
           }
         }
         return ApiResponse{202, engine(api).start_run(c.param("org"), team_id_of(c.param("team_id")),
                                                       c.param("name"), only)};
       },
       CliCommand{"sources", "sync", "start a run"}},
      {"GET",
       base + "/{name}/runs",
       "listSourceRuns",
       "The source's runs, newest first",
       200,
       {{"type", "array"}, {"items", run}},
       {},
       "",
       {},
       [](Api& api, const Call& c) {
         api.control_.get_source(c.param("org"), team_id_of(c.param("team_id")), c.param("name"));
         return ApiResponse{200, api.control_.list_runs(control::RunKind::kSource, c.param("org"), c.param("name"), 100)};
       },
       CliCommand{"sources", "runs", "its runs, newest first"}},
      {"GET",
       base + "/{name}/runs/{id}",
       "getSourceRun",
       "One run: status, rows, error, and each table's",
       200,
       run,
       {},
       "",
       {},
       [](Api& api, const Call& c) {
         api.control_.get_source(c.param("org"), team_id_of(c.param("team_id")), c.param("name"));
         return ApiResponse{200, api.control_.get_run(control::RunKind::kSource, c.param("org"), c.param("name"), c.param("id"))};
       },
       CliCommand{"sources", "run", "show one run"}},
      {"POST",
       base + "/{name}/runs/{id}/cancel",
       "cancelSourceRun",
       "Stop a queued or running run: the table it is syncing lands nothing, the run ends "
       "cancelled (409 when it already ended)",
       200,
       run,
       {},
       "",
       {},
       [](Api& api, const Call& c) {
         return ApiResponse{200, engine(api).cancel_run(c.param("org"), team_id_of(c.param("team_id")),
                                                        c.param("name"), c.param("id"))};
       },
       CliCommand{"sources", "cancel", "stop a run"}},
  };
}

}  // namespace ducklings::http
