// The routes of the control plane's resources: organizations, teams (with their capture,
// bootstrap and synthetic data), users, service credentials, jobs, the audit log and the
// duckling. Each route's handler, schemas and ctl command are here, in one table.
#include <spdlog/spdlog.h>

#include "common/digest.h"
#include "http/api.h"
#include "http/control_json.h"
#include "ingest/generator.h"
#include "pgwire/scram.h"

namespace ducklings::http {
namespace {
using json = nlohmann::json;
using namespace schema;

std::string password_of(const json& body) {
  auto it = body.find("password");
  if (it == body.end() || it->is_null()) {
    throw ApiError(400, "invalid_request", "\"password\" is required");
  }
  if (!it->is_string() || it->get<std::string>().size() < 8 ||
      it->get<std::string>().size() > 1024) {
    throw ApiError(400, "invalid_request", "\"password\" must be a string of 8-1024 characters");
  }
  return it->get<std::string>();
}

std::optional<int64_t> integer_field(const json& body, const char* name) {
  auto it = body.find(name);
  if (it == body.end() || it->is_null()) return std::nullopt;
  if (!it->is_number_integer()) {
    throw ApiError(400, "invalid_request", std::string("\"") + name + "\" must be an integer");
  }
  return it->get<int64_t>();
}

int64_t bounded_field(const json& body, const char* name, int64_t lo, int64_t hi,
                      int64_t fallback) {
  if (!body.contains(name)) return fallback;
  if (!body[name].is_number_integer() || body[name].get<int64_t>() < lo ||
      body[name].get<int64_t>() > hi) {
    throw ApiError(400, "invalid_request",
                   std::string("\"") + name + "\" must be an integer from " + std::to_string(lo) +
                       " to " + std::to_string(hi));
  }
  return body[name].get<int64_t>();
}

const json kSize = {
    {"oneOf", json::array({{{"type", "string"}, {"enum", {"xs", "s", "m", "l"}}},
                           object({{"vcpus", integer()},
                                   {"memory",
                                    {{"oneOf", json::array({str(), integer()})},
                                     {"description", "\"8GB\", \"512MB\" or megabytes"}}}},
                                  {"vcpus", "memory"})})}};
const char* const kSizeHelp = "xs | s | m | l | VCPUS:MEMORY (e.g. 3:6GB)";
const char* const kAccessModeHelp = "unrestricted | project_reader | project_user";

}  // namespace

std::vector<Route> Api::control_routes() {
  Field max_vcpus{"max_vcpus", integer(), false, "vCPU cap"};
  Field max_connections{"max_connections", integer(), false, "session cap of its duckling"};
  Field access_mode{"access_mode", one_of({"unrestricted", "project_reader", "project_user"}),
                    false, kAccessModeHelp};
  Field team_of_user{"team_id", integer(), false, "the team of a project_* login"};
  Field password{"password", str(),
                 false,      "password (or DUCKGRES_USER_PASSWORD)",
                 "",         "DUCKGRES_USER_PASSWORD"};
  return {
      // Organizations.
      {"GET",
       "/orgs",
       "listOrgs",
       "List organizations",
       200,
       list_of("Org"),
       {},
       "",
       {},
       [](Api& api, const Call&) {
         return ApiResponse{200, to_json(api.control_.list_orgs())};
       },
       CliCommand{"org", "list", "list organizations"}},
      {"POST",
       "/orgs",
       "createOrg",
       "Create an organization",
       201,
       ref("Org"),
       {{"name", str(), true, "name (also its database name)"}, max_vcpus, max_connections},
       "",
       {},
       [](Api& api, const Call& c) {
         return ApiResponse{201,
                            to_json(api.control_.create_org({text_field(c.body, "name", true),
                                                     integer_field(c.body, "max_vcpus"),
                                                     integer_field(c.body, "max_connections")}))};
       },
       CliCommand{"org", "create", "create an organization", {"name"}}},
      {"GET",
       "/orgs/{org}",
       "getOrg",
       "Get an organization",
       200,
       ref("Org"),
       {},
       "",
       {},
       [](Api& api, const Call& c) {
         return ApiResponse{200, to_json(api.control_.get_org(c.param("org")))};
       },
       CliCommand{"org", "get", "get an organization"}},
      {"PATCH",
       "/orgs/{org}",
       "updateOrg",
       "Change max_vcpus / max_connections",
       200,
       ref("Org"),
       {max_vcpus, max_connections},
       "",
       {},
       [](Api& api, const Call& c) {
         return ApiResponse{200, to_json(api.control_.update_org(
                                     c.param("org"), {integer_field(c.body, "max_vcpus"),
                                                      integer_field(c.body, "max_connections")}))};
       },
       CliCommand{"org", "update", "change an organization's caps"}},
      {"DELETE",
       "/orgs/{org}",
       "deleteOrg",
       "Delete an organization without a live duckling",
       204,
       nullptr,
       {},
       "",
       {},
       [](Api& api, const Call& c) {
         api.control_.delete_org(c.param("org"));
         return ApiResponse{204, nullptr};
       },
       CliCommand{"org", "delete", "delete an organization"}},

      // Teams.
      {"GET",
       "/orgs/{org}/teams",
       "listTeams",
       "List teams",
       200,
       list_of("Team"),
       {},
       "",
       {},
       [](Api& api, const Call& c) {
         return ApiResponse{200, to_json(api.control_.list_teams(c.param("org")))};
       },
       CliCommand{"team", "list", "list teams"}},
      {"POST",
       "/orgs/{org}/teams",
       "createTeam",
       "Create a team (its schema and project API key)",
       201,
       ref("Team"),
       {{"team_id", integer(), true, "PostHog project id"},
        {"name", str(), true, "team name"},
        {"schema_name", str(), false, "schema name (default team_<id>)", "--schema"}},
       "",
       {},
       [](Api& api, const Call& c) {
         auto team_id = integer_field(c.body, "team_id");
         if (!team_id) throw ApiError(400, "invalid_request", "\"team_id\" is required");
         json team = to_json(
             api.control_.create_team(c.param("org"), {*team_id, text_field(c.body, "name", true),
                                                       text_field(c.body, "schema_name", false)}));
         api.changed_(true);  // its schema exists when the answer comes: SQL, capture may follow
         return ApiResponse{201, team};
       },
       CliCommand{"team", "create", "create a team"}},
      {"GET",
       "/orgs/{org}/teams/{team_id}",
       "getTeam",
       "Get a team",
       200,
       ref("Team"),
       {},
       "",
       {},
       [](Api& api, const Call& c) {
         return ApiResponse{200,
                            to_json(api.control_.get_team(c.param("org"), team_id_of(c.param("team_id"))))};
       },
       CliCommand{"team", "get", "get a team"}},
      {"DELETE",
       "/orgs/{org}/teams/{team_id}",
       "deleteTeam",
       "Delete a team",
       204,
       nullptr,
       {},
       "",
       {},
       [](Api& api, const Call& c) {
         api.control_.delete_team(c.param("org"), team_id_of(c.param("team_id")));
         return ApiResponse{204, nullptr};
       },
       CliCommand{"team", "delete", "delete a team"}},
      {"POST",
       "/orgs/{org}/teams/{team_id}/bootstrap",
       "bootstrapTeam",
       "Backfill a team from export files in a storage or on the server",
       202,
       ref("Job"),
       {{"path",
         described(str(), "s3://<storage>/<prefix or glob>, or a file or directory under "
                          "--readable-directories"),
         true,
         "s3://<storage>/<prefix> of the organization's storages, or a file or directory under "
         "the server's --readable-directories"},
        {"kind", one_of({"events", "persons", "groups"}), false,
         "events (default), persons or groups"}},
       "",
       {},
       [](Api& api, const Call& c) {
         const std::string& org = c.param("org");
         control::Team team = api.control_.get_team(org, team_id_of(c.param("team_id")));
         if (!c.body.contains("path") || !c.body["path"].is_string()) {
           throw ApiError(400, "invalid_request",
                          "\"path\" (a file or directory on the server) is required");
         }
         if (!api.bootstrapper_) throw ApiError(503, "unavailable", "bootstrap is not running");
         try {
           return ApiResponse{202, api.bootstrapper_->start(
                                       org, team.schema_name, team.team_id, c.body["path"],
                                       c.body.value("kind", std::string("events")))};
         } catch (const std::invalid_argument& e) {
           throw ApiError(400, "invalid_request", e.what());
         }
       },
       CliCommand{"",
                  "bootstrap",
                  "backfill a team from export files in a storage or on the server (JSON Lines, "
                  "CSV, Parquet)",
                  {"org", "team_id", "path"},
                  "follow_job"}},
      {"POST",
       "/orgs/{org}/teams/{team_id}/generate",
       "generateTeamData",
       "Append synthetic PostHog data to a team",
       201,
       nullptr,
       {{"events", integer(), false, "events (default 100000)"},
        {"persons", integer(), false, "persons (default 2000)"},
        {"days", integer(), false, "days of history (default 30)"},
        {"seed", integer(), false, "random seed (the same data for the same seed)"}},
       "",
       {},
       [](Api& api, const Call& c) {
         const std::string& org = c.param("org");
         control::Team team = api.control_.get_team(org, team_id_of(c.param("team_id")));
         ingest::GeneratorSpec spec;
         spec.events = bounded_field(c.body, "events", 1, 100000000, spec.events);
         spec.persons = bounded_field(c.body, "persons", 1, 10000000, spec.persons);
         spec.days = static_cast<int>(bounded_field(c.body, "days", 1, 3650, spec.days));
         spec.seed = bounded_field(c.body, "seed", 0, INT64_MAX, spec.seed);
         if (!api.gateway_)
           throw ApiError(503, "unavailable", "this server cannot reach ducklings");
         try {
           api.gateway_->run({org, c.actor + " (generate)",
                              ingest::generate_sql(team.schema_name,
                                                   team.team_id, spec)});
         } catch (const SqlError& e) {
           throw ApiError(e.sqlstate() == "57P03" || e.sqlstate() == "3D000" ? 409 : 503,
                          "unavailable", e.what());
         }
         return ApiResponse{201,
                            {{"schema", team.schema_name},
                             {"events", spec.events},
                             {"persons", spec.persons},
                             {"days", spec.days},
                             {"seed", spec.seed}}};
       },
       CliCommand{"", "generate", "fill a team with synthetic PostHog data", {"org", "team_id"}}},
      // Capture's write-ahead files that could not be applied (ingest/ingester.h): GET lists
      // them with their reasons, POST …/{name}/retry puts one back to be applied again.
      {"GET",
       "/orgs/{org}/teams/{team_id}/ingest/quarantine",
       "listIngestQuarantine",
       "Captured event files that could not be applied, kept with their reasons",
       200,
       list_of("QuarantinedFile"),
       {},
       "",
       {},
       [](Api& api, const Call& c) {
         const std::string& org = c.param("org");
         control::Team team = api.control_.get_team(org, team_id_of(c.param("team_id")));
         if (!api.ingester_) throw ApiError(503, "unavailable", "ingestion is not running");
         return ApiResponse{200, api.ingester_->quarantined(org, team.schema_name)};
       },
       CliCommand{"quarantine", "list", "captured files that could not be applied"}},
      {"POST",
       "/orgs/{org}/teams/{team_id}/ingest/quarantine/{name}/retry",
       "retryIngestQuarantine",
       "Move a quarantined file back to be applied again",
       202,
       nullptr,
       {},
       "",
       {},
       [](Api& api, const Call& c) {
         const std::string& org = c.param("org");
         control::Team team = api.control_.get_team(org, team_id_of(c.param("team_id")));
         if (!api.ingester_) throw ApiError(503, "unavailable", "ingestion is not running");
         try {
           api.ingester_->requeue(org, team.schema_name, c.param("name"));
         } catch (const std::invalid_argument& e) {
           throw ApiError(404, "not_found", e.what());
         }
         return ApiResponse{202, {{"name", c.param("name")}, {"status", "queued"}}};
       },
       CliCommand{"quarantine", "retry", "apply a quarantined file again"}},

      // Users.
      {"GET",
       "/orgs/{org}/users",
       "listUsers",
       "List users",
       200,
       list_of("User"),
       {},
       "",
       {},
       [](Api& api, const Call& c) {
         return ApiResponse{200, to_json(api.control_.list_users(c.param("org")))};
       },
       CliCommand{"user", "list", "list users"}},
      {"POST",
       "/orgs/{org}/users",
       "createUser",
       "Create a user",
       201,
       ref("User"),
       {{"username", str(), true, "login name"},
        {password.name, password.schema, true, password.help, "", password.env},
        access_mode,
        team_of_user},
       "",
       {},
       [](Api& api, const Call& c) {
         std::string verifier = pgwire::make_scram_verifier(password_of(c.body));
         return ApiResponse{201, to_json(api.control_.create_user(c.param("org"),
                                                          {text_field(c.body, "username", true),
                                                           text_field(c.body, "access_mode", false),
                                                           integer_field(c.body, "team_id")},
                                                          verifier))};
       },
       CliCommand{"user", "create", "create a user", {"org", "username"}}},
      {"GET",
       "/orgs/{org}/users/{username}",
       "getUser",
       "Get a user",
       200,
       ref("User"),
       {},
       "",
       {},
       [](Api& api, const Call& c) {
         return ApiResponse{200, to_json(api.control_.get_user(c.param("org"), c.param("username")))};
       },
       CliCommand{"user", "get", "get a user"}},
      {"PATCH",
       "/orgs/{org}/users/{username}",
       "updateUser",
       "Change password, access_mode, team_id",
       200,
       ref("User"),
       // No DUCKGRES_USER_PASSWORD here: `user update --access-mode …` must not also
       // change the password because the variable happens to be set.
       {{"password", str(), false, "a new password"}, access_mode, team_of_user},
       "",
       {},
       [](Api& api, const Call& c) {
         std::optional<std::string> verifier;
         if (c.body.contains("password")) {
           verifier = pgwire::make_scram_verifier(password_of(c.body));
         }
         control::UserChange change;
         if (c.body.contains("access_mode"))
           change.access_mode = text_field(c.body, "access_mode", true);
         if (c.body.contains("team_id")) change.team_id = integer_field(c.body, "team_id");
         return ApiResponse{
             200, to_json(api.control_.update_user(c.param("org"), c.param("username"), change, verifier))};
       },
       CliCommand{"user",
                  "update",
                  "change a user's password, access mode or team",
                  {},
                  "",
                  {"set-password"}}},
      {"DELETE",
       "/orgs/{org}/users/{username}",
       "deleteUser",
       "Delete a user",
       204,
       nullptr,
       {},
       "",
       {},
       [](Api& api, const Call& c) {
         api.control_.delete_user(c.param("org"), c.param("username"));
         return ApiResponse{204, nullptr};
       },
       CliCommand{"user", "delete", "delete a user"}},

      // Service credentials.
      {"GET",
       "/orgs/{org}/credentials",
       "listCredentials",
       "List service credentials (without secrets)",
       200,
       list_of("Credential"),
       {},
       "",
       {},
       [](Api& api, const Call& c) {
         return ApiResponse{200, to_json(api.control_.list_credentials(c.param("org")))};
       },
       CliCommand{"credential", "list", "list them (without secrets)"}},
      {"POST",
       "/orgs/{org}/credentials",
       "mintCredential",
       "Mint a service credential (its password is shown once)",
       201,
       ref("Credential"),
       {{"ttl_seconds",
         {{"type", "integer"}, {"minimum", 60}, {"maximum", 3600}},
         false,
         "seconds it is valid (60-3600, default 900)",
         "--ttl"},
        {"name", str(), false, "what it is for"},
        access_mode,
        {"team_id", integer(), false, "the team of a project_* credential"}},
       "",
       {},
       [](Api& api, const Call& c) {
         // A generated secret: 32 hex digits (128 bits); only its verifier is stored.
         std::string secret = "dgs_" + random_hex(16);
         control::CredentialSpec spec{
             integer_field(c.body, "ttl_seconds"), text_field(c.body, "name", false),
             text_field(c.body, "access_mode", false), integer_field(c.body, "team_id")};
         return ApiResponse{201, to_json(api.control_.mint_credential(c.param("org"), spec, secret,
                                                              pgwire::make_scram_verifier(secret)))};
       },
       CliCommand{"credential", "mint", "mint one (its password is shown once)"}},
      {"DELETE",
       "/orgs/{org}/credentials/{id}",
       "revokeCredential",
       "Revoke a service credential",
       200,
       ref("Credential"),
       {},
       "",
       {},
       [](Api& api, const Call& c) {
         return ApiResponse{200, to_json(api.control_.revoke_credential(c.param("org"), c.param("id")))};
       },
       CliCommand{"credential", "revoke", "revoke one"}},

      // Object storages (docs/storage.md).
      {"GET",
       "/orgs/{org}/storages",
       "listStorages",
       "List object storages (without secrets)",
       200,
       list_of("Storage"),
       {},
       "",
       {},
       [](Api& api, const Call& c) {
         return ApiResponse{200, to_json(api.control_.list_storages(c.param("org")))};
       },
       CliCommand{"storage", "list", "list them (without secrets)"}},
      {"POST",
       "/orgs/{org}/storages",
       "createStorage",
       "Add an object storage (422 when it cannot be listed and written)",
       201,
       ref("Storage"),
       {{"name", str(), true, "its name, the host of s3://<name>/… in SQL"},
        {"kind", one_of({"local", "s3"}), false, "s3 (default) or local"},
        {"path", str(), false, "local: a directory under --readable-directories"},
        {"endpoint", str(), false, "s3: the service's URL (AWS's for the region by default)"},
        {"bucket", str(), false, "s3: the bucket"},
        {"prefix", str(), false, "s3: keys live under it"},
        {"region", str(), false, "s3: us-east-1 by default"},
        {"url_style", one_of({"path", "virtual"}), false, "s3: path (default) or virtual"},
        {"access_key_id", str(), false, "s3: the key id"},
        {"secret_access_key", str(), false,
         "s3: the secret (kept sealed, never shown); ctl reads it from DUCKGRES_SECRET_ACCESS_KEY",
         "-", "DUCKGRES_SECRET_ACCESS_KEY"}},
       "",
       {},
       [](Api& api, const Call& c) {
         control::StorageSpec spec;
         spec.name = text_field(c.body, "name", true);
         spec.kind = text_field(c.body, "kind", false);
         spec.path = text_field(c.body, "path", false);
         spec.endpoint = text_field(c.body, "endpoint", false);
         spec.bucket = text_field(c.body, "bucket", false);
         spec.prefix = text_field(c.body, "prefix", false);
         spec.region = text_field(c.body, "region", false);
         spec.url_style = text_field(c.body, "url_style", false);
         spec.access_key_id = text_field(c.body, "access_key_id", false);
         spec.secret_access_key = text_field(c.body, "secret_access_key", false);
         return ApiResponse{201, to_json(api.control_.create_storage(c.param("org"), spec))};
       },
       CliCommand{"storage", "create", "add one", {"org", "name"}}},
      {"GET",
       "/orgs/{org}/storages/{name}",
       "getStorage",
       "Get an object storage (without its secret)",
       200,
       ref("Storage"),
       {},
       "",
       {},
       [](Api& api, const Call& c) {
         return ApiResponse{200, to_json(api.control_.get_storage(c.param("org"), c.param("name")))};
       },
       CliCommand{"storage", "get", "show one"}},
      {"DELETE",
       "/orgs/{org}/storages/{name}",
       "deleteStorage",
       "Forget an object storage (its objects stay where they are)",
       204,
       nullptr,
       {},
       "",
       {},
       [](Api& api, const Call& c) {
         api.control_.delete_storage(c.param("org"), c.param("name"));
         return ApiResponse{204, nullptr};
       },
       CliCommand{"storage", "delete", "forget one"}},
      {"GET",
       "/orgs/{org}/storages/{name}/grants",
       "listStorageGrants",
       "The duckling's roles that may reach a storage from SQL besides its owners",
       200,
       list_of("StorageGrant"),
       {},
       "",
       {},
       [](Api& api, const Call& c) {
         return ApiResponse{200, to_json(api.control_.list_storage_grants(c.param("org"),
                                                                          c.param("name")))};
       },
       CliCommand{"storage", "grants", "roles that may use one from SQL"}},
      {"POST",
       "/orgs/{org}/storages/{name}/grants",
       "grantStorage",
       "Let a role of the duckling read (read_parquet('s3://<name>/…')) or also write (COPY … "
       "TO 's3://<name>/…') a storage; granting again changes the privilege",
       201,
       ref("StorageGrant"),
       {{"role", str(), true, "a role or user of the duckling"},
        {"privilege", one_of({"read", "write"}), true, "read, or write (which includes read)"}},
       "",
       {},
       [](Api& api, const Call& c) {
         return ApiResponse{
             201, to_json(api.control_.grant_storage(c.param("org"), c.param("name"),
                                                     text_field(c.body, "role", true),
                                                     text_field(c.body, "privilege", true)))};
       },
       CliCommand{"storage", "grant", "let a role use one from SQL", {"org", "name", "role"}}},
      {"DELETE",
       "/orgs/{org}/storages/{name}/grants/{role}",
       "revokeStorage",
       "Take a role's grant of a storage away",
       204,
       nullptr,
       {},
       "",
       {},
       [](Api& api, const Call& c) {
         api.control_.revoke_storage(c.param("org"), c.param("name"), c.param("role"));
         return ApiResponse{204, nullptr};
       },
       CliCommand{"storage", "revoke", "take a role's grant away"}},

      // Jobs and the audit log.
      {"GET",
       "/orgs/{org}/jobs",
       "listJobs",
       "Background jobs, newest first",
       200,
       list_of("Job"),
       {},
       "",
       {},
       [](Api& api, const Call& c) {
         return ApiResponse{200, api.control_.list_jobs(c.param("org"))};
       },
       CliCommand{"job", "list", "background jobs, newest first"}},
      {"GET",
       "/orgs/{org}/jobs/{id}",
       "getJob",
       "A job's state and progress",
       200,
       ref("Job"),
       {},
       "",
       {},
       [](Api& api, const Call& c) {
         return ApiResponse{200, api.control_.get_job(c.param("org"), c.param("id"))};
       },
       CliCommand{"job", "get", "a job's state and progress"}},
      {"GET",
       "/orgs/{org}/audit",
       "listAudit",
       "The organization's audit log, newest first",
       200,
       list_of("AuditEntry"),
       {},
       "",
       {{"limit",
         {{"type", "integer"}, {"minimum", 1}, {"maximum", 1000}},
         false,
         "entries (1-1000, default 100)"},
        {"before", str(), false, "entries before this id (paging)"}},
       [](Api& api, const Call& c) {
         int limit = 100;
         if (auto it = c.query.find("limit"); it != c.query.end()) {
           try {
             size_t used = 0;
             limit = std::stoi(it->second, &used);
             if (used != it->second.size() || limit < 1 || limit > 1000) {
               throw std::invalid_argument("");
             }
           } catch (const std::exception&) {
             throw ApiError(400, "invalid_request", "\"limit\" must be an integer from 1 to 1000");
           }
         }
         auto before = c.query.find("before");
         return ApiResponse{200,
                            to_json(api.control_.list_audit(c.param("org"), limit,
                                                    before == c.query.end() ? "" : before->second))};
       },
       CliCommand{"", "audit", "an organization's audit log, newest first"}},

      // The duckling.
      {"GET",
       "/orgs/{org}/duckling",
       "getDuckling",
       "State, size and connection details",
       200,
       ref("Duckling"),
       {},
       "",
       {},
       [](Api& api, const Call& c) {
         return ApiResponse{200, to_json(api.control_.get_duckling(c.param("org")))};
       },
       CliCommand{"duckling", "status", "state, size and connection details"}},
      {"PUT",
       "/orgs/{org}/duckling",
       "provisionDuckling",
       "Provision (202; 200 when already there with that size)",
       202,
       ref("Duckling"),
       {{"size", kSize, false, kSizeHelp}},
       "",
       {},
       [](Api& api, const Call& c) {
         auto provisioning = api.control_.put_duckling(
             c.param("org"),
             parse_size(c.body.contains("size") ? c.body["size"] : json()));
         api.changed_(false);
         return ApiResponse{provisioning.started ? 202 : 200, to_json(provisioning.duckling)};
       },
       CliCommand{"duckling", "provision", "provision it (PUT)", {}, "wait_ready"}},
      {"PATCH",
       "/orgs/{org}/duckling",
       "scaleDuckling",
       "Change the compute size",
       202,
       ref("Duckling"),
       {{"size", kSize, true, kSizeHelp}},
       "",
       {},
       [](Api& api, const Call& c) {
         if (!c.body.contains("size"))
           throw ApiError(400, "invalid_request", "\"size\" is required");
         json d = to_json(api.control_.scale_duckling(c.param("org"), parse_size(c.body["size"])));
         api.changed_(false);
         return ApiResponse{202, d};
       },
       CliCommand{"duckling", "scale", "change its size (PATCH)"}},
      {"DELETE",
       "/orgs/{org}/duckling",
       "deleteDuckling",
       "Deprovision and remove its data",
       202,
       ref("Duckling"),
       {},
       "",
       {},
       [](Api& api, const Call& c) {
         json d = to_json(api.control_.delete_duckling(c.param("org")));
         api.changed_(false);
         return ApiResponse{202, d};
       },
       CliCommand{"duckling", "delete", "deprovision it and remove its data", {}, "wait_deleted"}},
  };
}

}  // namespace ducklings::http
