// The routes of a team's golden-table publications (docs/golden-tables.md): definitions, runs
// and versions. The publisher (publish/publisher.h) does the work.
#include "http/api.h"
#include "publish/publisher.h"

namespace ducklings::http {
namespace {
using json = nlohmann::json;
using namespace schema;

publish::Publisher& publications(Api& api) {
  if (!api.publisher()) throw ApiError(503, "unavailable", "publications are not running");
  return *api.publisher();
}

std::string owner(const Call& c) { return control::job_owner(team_id_of(c.param("team_id")), c.param("name")); }

}  // namespace

std::vector<Route> Api::publication_routes() {
  const std::string base = "/orgs/{org}/teams/{team_id}/publications";
  json publication = object({{"name", str()},
                             {"source", str()},
                             {"storage", str()},
                             {"prefix", str()},
                             {"schedule", str()},
                             {"partition_by", nullable(str())},
                             {"incremental", boolean()},
                             {"retain_versions", integer()},
                             {"after_source_build", boolean()},
                             {"status", str()},
                             {"latest_version", nullable(str())},
                             {"location", nullable(str())},
                             {"latest_url", nullable(str())},
                             {"clickhouse_sql", nullable(str())},
                             {"duckdb_sql", nullable(str())},
                             {"snippets", nullable({{"type", "object"}})},
                             {"rows", nullable(integer())},
                             {"bytes", nullable(integer())},
                             {"last_run_id", nullable(str())},
                             {"last_error", nullable(str())},
                             {"created_at", str()},
                             {"updated_at", str()}});
  json run = object({{"id", str()},
                     {"run_id", str()},
                     {"publication", str()},
                     {"status", one_of({"running", "completed", "failed", "cancelled"})},
                     {"phase", nullable(str())},
                     {"mode", nullable(one_of({"full", "incremental"}))},
                     {"trigger", str()},
                     {"version", nullable(str())},
                     {"rows", nullable(integer())},
                     {"bytes", nullable(integer())},
                     {"files", nullable(integer())},
                     {"duration_ms", nullable(integer())},
                     {"error", nullable(str())},
                     {"started_at", str()},
                     {"finished_at", nullable(str())}});
  json version = object({{"version", str()},
                         {"live", boolean()},
                         {"complete", boolean()},
                         {"rows", nullable(integer())},
                         {"bytes", nullable(integer())},
                         {"files", nullable(integer())},
                         {"created_at", nullable(str())}});
  std::vector<Field> settings = {
      {"schedule", described(json::object(), "seconds, \"<n>m|h\", hourly, daily or \"manual\""), false,
       "how often it is published (5 minutes to 24 hours; default manual)"},
      {"partition_by", str(), false, "a DATE or TIMESTAMP column: one folder per (UTC) day"},
      {"incremental", boolean(), false, "rewrite only the date partitions that changed (needs partition_by)"},
      {"retain_versions", integer(), false, "versions kept (at least 2; default 3)"},
      {"after_source_build", boolean(), false, "also publish after each build of the model it names"},
      {"description", str(), false, "what it holds"},
  };
  std::vector<Field> create_fields = {
      {"name", str(), true, "its name (^[A-Za-z_][A-Za-z0-9_-]*$): the folder in the storage"},
      {"source", str(), true, "the table, view or model published: \"<schema>.<table>\""},
      {"storage", str(), false, "an organization storage (default \"local\", made on first use)"},
      {"prefix", str(), false, "a folder of the storage to publish under (default its root)"},
  };
  create_fields.insert(create_fields.end(), settings.begin(), settings.end());
  std::vector<Field> change_fields = settings;
  change_fields.push_back({"source", str(), false, "the table, view or model published"});
  for (const char* kept : {"name", "storage", "prefix"}) change_fields.push_back({kept, str(), false, "-", "-"});
  return {
      {"POST", base, "createPublication",
       "Publish a team's table, view or model as Parquet to a storage (refused: empty sources, system and "
       "internal tables, raw events and persons)",
       201, publication, create_fields, "", {},
       [](Api& api, const Call& c) {
         return ApiResponse{201, publications(api).create(c.param("org"), team_id_of(c.param("team_id")), c.body)};
       },
       CliCommand{"publications", "create", "add one", {"org", "team_id", "name"}}},
      {"GET", base, "listPublications", "A team's publications with their live versions and reading snippets", 200,
       {{"type", "array"}, {"items", publication}}, {}, "", {},
       [](Api& api, const Call& c) {
         return ApiResponse{200, publications(api).list(c.param("org"), team_id_of(c.param("team_id")))};
       },
       CliCommand{"publications", "list", "a team's publications"}},
      {"GET", base + "/{name}", "getPublication",
       "One publication: latest_version, location, clickhouse_sql, duckdb_sql and the other snippets", 200,
       publication, {}, "", {},
       [](Api& api, const Call& c) {
         return ApiResponse{200, publications(api).get(c.param("org"), team_id_of(c.param("team_id")), c.param("name"))};
       },
       CliCommand{"publications", "get", "show one"}},
      {"PATCH", base + "/{name}", "updatePublication", "Change a publication's source, schedule or partitions", 200,
       publication, change_fields, "", {},
       [](Api& api, const Call& c) {
         return ApiResponse{200, publications(api).update(c.param("org"), team_id_of(c.param("team_id")), c.param("name"), c.body)};
       },
       CliCommand{"publications", "update", "change one"}},
      {"DELETE", base + "/{name}", "deletePublication",
       "Forget a publication; ?purge=true deletes its versions from the storage too", 204, nullptr, {}, "",
       {{"purge", boolean(), false, "delete its folder in the storage too"}},
       [](Api& api, const Call& c) {
         bool purge = c.query.count("purge") && (c.query.at("purge") == "true" || c.query.at("purge") == "1");
         publications(api).remove(c.param("org"), team_id_of(c.param("team_id")), c.param("name"), purge);
         return ApiResponse{204, nullptr};
       },
       CliCommand{"publications", "delete", "forget one"}},
      {"POST", base + "/{name}/run", "runPublication", "Publish a new version now; answers the queued run", 202, run,
       {}, "", {},
       [](Api& api, const Call& c) {
         return ApiResponse{202, publications(api).start_run(c.param("org"), team_id_of(c.param("team_id")), c.param("name"))};
       },
       CliCommand{"publications", "run", "publish now"}},
      {"GET", base + "/{name}/runs", "listPublicationRuns", "The publication's runs, newest first", 200,
       {{"type", "array"}, {"items", run}}, {}, "", {},
       [](Api& api, const Call& c) {
         publications(api).get(c.param("org"), team_id_of(c.param("team_id")), c.param("name"));
         return ApiResponse{200, api.control_.list_runs(control::RunKind::kPublication, c.param("org"), owner(c), 100)};
       },
       CliCommand{"publications", "runs", "its runs, newest first"}},
      {"GET", base + "/{name}/runs/{id}", "getPublicationRun",
       "One run: status, version, rows, bytes, files, duration, error", 200, run, {}, "", {},
       [](Api& api, const Call& c) {
         team_id_of(c.param("team_id"));
         return ApiResponse{200, api.control_.get_run(control::RunKind::kPublication, c.param("org"), owner(c), c.param("id"))};
       },
       CliCommand{"publications", "run-status", "show one run"}},
      {"GET", base + "/{name}/versions", "listPublicationVersions",
       "The versions in the storage, newest first (live marks the one latest names)", 200,
       {{"type", "array"}, {"items", version}}, {}, "", {},
       [](Api& api, const Call& c) {
         return ApiResponse{200, publications(api).versions(c.param("org"), team_id_of(c.param("team_id")), c.param("name"))};
       },
       CliCommand{"publications", "versions", "its versions"}},
  };
}

}  // namespace ducklings::http
