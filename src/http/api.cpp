#include "http/api.h"

#include <spdlog/spdlog.h>

#include "common/url.h"
#include "control/config_store.h"
#include "common/digest.h"
#include "pgwire/scram.h"
#include "ingest/generator.h"
#include "sql/privileges.h"
#include "sql/quoting.h"

namespace ducklings::http {
namespace {
using json = nlohmann::json;
using control::ApiError;

std::vector<std::string> split_path(const std::string& path) {
  std::vector<std::string> parts;
  size_t i = 0;
  while (i < path.size()) {
    size_t j = path.find('/', i);
    if (j == std::string::npos) j = path.size();
    if (j > i) parts.push_back(path.substr(i, j - i));
    i = j + 1;
  }
  return parts;
}

int64_t team_id_of(const std::string& s) {
  try {
    size_t used = 0;
    int64_t v = std::stoll(s, &used);
    if (used == s.size() && v > 0) return v;
  } catch (const std::exception&) {
  }
  throw ApiError(400, "invalid_request", "team id \"" + s + "\" must be a positive integer");
}

std::string password_of(const json& body, bool required) {
  auto it = body.find("password");
  if (it == body.end() || it->is_null()) {
    if (required) throw ApiError(400, "invalid_request", "\"password\" is required");
    return "";
  }
  if (!it->is_string() || it->get<std::string>().size() < 8 ||
      it->get<std::string>().size() > 1024) {
    throw ApiError(400, "invalid_request", "\"password\" must be a string of 8-1024 characters");
  }
  return it->get<std::string>();
}

[[noreturn]] void method_not_allowed(const std::string& allowed) {
  throw ApiError(405, "method_not_allowed", "use " + allowed);
}

}  // namespace

std::map<std::string, uint64_t> Api::take_call_counts() {
  std::lock_guard lock(calls_mutex_);
  return std::exchange(calls_, {});
}

Api::Api(control::ControlPlane& control, std::function<void(bool wait)> changed)
    : control_(control), changed_(std::move(changed)) {}

ApiResponse Api::handle(const std::string& method, const std::string& path,
                        const std::string& authorization, const std::string& body,
                        const std::string& query) {
  try {
    std::vector<std::string> parts = split_path(path);  // "api", "v1", …
    if (parts.size() == 3 && parts[2] == "openapi.json") {
      if (method != "GET") method_not_allowed("GET");
      return {200, openapi()};
    }
    const std::string prefix = "Bearer ";
    std::optional<std::string> token;
    if (authorization.rfind(prefix, 0) == 0) token = control_.token_name(authorization.substr(prefix.size()));
    if (!token) {
      throw ApiError(401, "unauthorized",
                     "a valid API token is required: Authorization: Bearer <token>");
    }
    json parsed;
    if (!body.empty()) {
      parsed = json::parse(body, nullptr, false);
      if (parsed.is_discarded())
        throw ApiError(400, "invalid_json", "the request body is not valid JSON");
    } else if (method == "POST" || method == "PUT" || method == "PATCH") {
      parsed = json::object();
    }
    std::vector<std::string> route_parts(parts.begin() + 2, parts.end());
    std::string actor = "api token \"" + *token + "\"";
    ApiResponse response = route(method, route_parts, parsed, parse_form(query), actor);
    if (route_parts.size() >= 2 && route_parts[0] == "orgs" && response.status != 404 &&
        response.status < 500) {
      std::lock_guard lock(calls_mutex_);
      ++calls_[route_parts[1]];
    }
    // Role and grant changes are audited by the session that makes them.
    bool roles = route_parts.size() >= 3 && (route_parts[2] == "roles" || route_parts[2] == "grants");
    if (method != "GET" && response.status < 300 && !roles) {
      audit(method, route_parts, parsed, response, actor);
    }
    return response;
  } catch (const ApiError& e) {
    return {e.status(), {{"error", {{"code", e.code()}, {"message", e.what()}}}}};
  } catch (const control::StoreError& e) {
    spdlog::error("api: {} {}: {}", method, path, e.what());
    return {
        503,
        {{"error",
          {{"code", "store_unavailable"}, {"message", "the configuration store failed; retry"}}}}};
  }
}

void Api::audit(const std::string& method, const std::vector<std::string>& p, const json& body,
                const ApiResponse& response, const std::string& actor) {
  // orgs | orgs/X | orgs/X/{teams,users,credentials}[/Y] | orgs/X/duckling
  static const std::map<std::string, std::string> kinds = {
      {"teams", "team"}, {"users", "user"}, {"credentials", "credential"}, {"duckling", "duckling"}};
  std::string org = p.size() >= 2 ? p[1] : (body.is_object() && body.contains("name") && body["name"].is_string()
                                                 ? body["name"].get<std::string>()
                                                 : "");
  std::string kind = p.size() >= 3 ? kinds.count(p[2]) ? kinds.at(p[2]) : p[2] : "org";
  std::string verb = method == "POST" ? (kind == "credential" ? "mint" : "create")
                     : method == "DELETE" ? (kind == "credential" ? "revoke" : "delete")
                     : method == "PUT" ? "provision"
                     : kind == "duckling" ? "scale" : "update";
  std::string target = p.size() >= 4 ? p[3] : org;
  if (p.size() == 8 && p[4] == "ingest") {  // POST …/teams/{id}/ingest/quarantine/{name}/retry
    kind = "ingest";
    verb = "requeue";
    target = p[3] + "/" + p[6];
  }
  json detail = body.is_object() ? body : json(nullptr);
  if (detail.is_object() && detail.contains("password")) {
    detail.erase("password");
    detail["password_changed"] = true;  // rotated; the secret is never logged
  }
  if (kind == "team" && method == "POST" && response.body.is_object()) target = std::to_string(response.body.value("team_id", 0));
  if (kind == "user" && method == "POST" && body.is_object()) target = body.value("username", "");
  if (kind == "credential" && method == "POST" && response.body.is_object()) {
    target = response.body.value("id", "");
    detail["username"] = response.body.value("username", "");
    detail["expires_at"] = response.body.value("expires_at", "");
  }
  try {
    control_.audit(org, actor, kind + "." + verb, target, detail);
  } catch (const std::exception& e) {
    spdlog::error("audit log: {}", e.what());
  }
}

ApiResponse Api::route(const std::string& method, const std::vector<std::string>& p,
                       const json& body, const std::map<std::string, std::string>& query,
                       const std::string& actor) {
  auto not_found = [&] {
    return ApiResponse{404, {{"error", {{"code", "not_found"}, {"message", "no such API route"}}}}};
  };
  if (p.empty() || p[0] != "orgs") return not_found();
  if (p.size() == 1) {
    if (method == "GET") return {200, control_.list_orgs()};
    if (method == "POST") return {201, control_.create_org(body)};
    method_not_allowed("GET or POST");
  }
  const std::string& org = p[1];
  if (p.size() == 2) {
    if (method == "GET") return {200, control_.get_org(org)};
    if (method == "PATCH") return {200, control_.update_org(org, body)};
    if (method == "DELETE") {
      control_.delete_org(org);
      return {204, nullptr};
    }
    method_not_allowed("GET, PATCH or DELETE");
  }
  const std::string& kind = p[2];
  if (kind == "teams") {
    if (p.size() == 3) {
      if (method == "GET") return {200, control_.list_teams(org)};
      if (method == "POST") {
        json team = control_.create_team(org, body);
        changed_(true);  // its schema exists when the answer comes: SQL, capture may follow
        return {201, team};
      }
      method_not_allowed("GET or POST");
    }
    if (p.size() == 5 && p[4] == "generate") {
      if (method != "POST") method_not_allowed("POST");
      json team = control_.get_team(org, team_id_of(p[3]));
      if (!body.is_object()) throw ApiError(400, "invalid_request", "the request body must be a JSON object");
      ingest::GeneratorSpec spec;
      auto number = [&](const char* name, int64_t lo, int64_t hi, int64_t fallback) {
        if (!body.contains(name)) return fallback;
        if (!body[name].is_number_integer() || body[name].get<int64_t>() < lo || body[name].get<int64_t>() > hi) {
          throw ApiError(400, "invalid_request", std::string("\"") + name + "\" must be an integer from " +
                                                     std::to_string(lo) + " to " + std::to_string(hi));
        }
        return body[name].get<int64_t>();
      };
      spec.events = number("events", 1, 100000000, spec.events);
      spec.persons = number("persons", 1, 10000000, spec.persons);
      spec.days = static_cast<int>(number("days", 1, 3650, spec.days));
      spec.seed = number("seed", 0, INT64_MAX, spec.seed);
      if (!run_sql_) throw ApiError(503, "unavailable", "this server cannot reach ducklings");
      try {
        run_sql_(org, actor + " (generate)",
                 ingest::generate_sql(team["schema_name"].get<std::string>(), team["team_id"].get<int64_t>(), spec),
                 false);
      } catch (const SqlError& e) {
        throw ApiError(e.sqlstate() == "57P03" || e.sqlstate() == "3D000" ? 409 : 503, "unavailable", e.what());
      }
      return {201, {{"schema", team["schema_name"]}, {"events", spec.events}, {"persons", spec.persons},
                    {"days", spec.days}, {"seed", spec.seed}}};
    }
    if (p.size() == 5 && p[4] == "bootstrap") {
      if (method != "POST") method_not_allowed("POST");
      json team = control_.get_team(org, team_id_of(p[3]));
      if (!body.is_object() || !body.contains("path") || !body["path"].is_string()) {
        throw ApiError(400, "invalid_request", "\"path\" (a file or directory on the server) is required");
      }
      if (!bootstrapper_) throw ApiError(503, "unavailable", "bootstrap is not running");
      try {
        return {202, bootstrapper_->start(org, team["schema_name"], team["team_id"], body["path"],
                                          body.value("kind", std::string("events")))};
      } catch (const std::invalid_argument& e) {
        throw ApiError(400, "invalid_request", e.what());
      }
    }
    // Capture's write-ahead files that could not be applied (ingest/ingester.h): GET lists
    // them with their reasons, POST …/{name}/retry puts one back to be applied again.
    if (p.size() >= 6 && p[4] == "ingest" && p[5] == "quarantine") {
      json team = control_.get_team(org, team_id_of(p[3]));
      if (!ingester_) throw ApiError(503, "unavailable", "ingestion is not running");
      std::string schema = team["schema_name"].get<std::string>();
      if (p.size() == 6) {
        if (method != "GET") method_not_allowed("GET");
        return {200, ingester_->quarantined(org, schema)};
      }
      if (p.size() == 8 && p[7] == "retry") {
        if (method != "POST") method_not_allowed("POST");
        try {
          ingester_->requeue(org, schema, p[6]);
        } catch (const std::invalid_argument& e) {
          throw ApiError(404, "not_found", e.what());
        }
        return {202, {{"name", p[6]}, {"status", "queued"}}};
      }
    }
    if (p.size() == 4) {
      int64_t id = team_id_of(p[3]);
      if (method == "GET") return {200, control_.get_team(org, id)};
      if (method == "DELETE") {
        control_.delete_team(org, id);
        return {204, nullptr};
      }
      method_not_allowed("GET or DELETE");
    }
  } else if (kind == "users") {
    if (p.size() == 3) {
      if (method == "GET") return {200, control_.list_users(org)};
      if (method == "POST") {
        if (!body.is_object())
          throw ApiError(400, "invalid_request", "the request body must be a JSON object");
        std::string verifier = pgwire::make_scram_verifier(password_of(body, true));
        json safe = body;
        safe.erase("password");
        return {201, control_.create_user(org, safe, verifier)};
      }
      method_not_allowed("GET or POST");
    }
    if (p.size() == 4) {
      if (method == "GET") return {200, control_.get_user(org, p[3])};
      if (method == "PATCH") {
        if (!body.is_object())
          throw ApiError(400, "invalid_request", "the request body must be a JSON object");
        std::optional<std::string> verifier;
        if (body.contains("password"))
          verifier = pgwire::make_scram_verifier(password_of(body, true));
        json safe = body;
        safe.erase("password");
        return {200, control_.update_user(org, p[3], safe, verifier)};
      }
      if (method == "DELETE") {
        control_.delete_user(org, p[3]);
        return {204, nullptr};
      }
      method_not_allowed("GET, PATCH or DELETE");
    }
  } else if (kind == "credentials") {
    if (p.size() == 3) {
      if (method == "GET") return {200, control_.list_credentials(org)};
      if (method == "POST") {
        // A generated secret: 32 hex digits (128 bits); only its verifier is stored.
        std::string secret = "dgs_" + random_hex(16);
        return {201, control_.mint_credential(org, body, secret, pgwire::make_scram_verifier(secret))};
      }
      method_not_allowed("GET or POST");
    }
    if (p.size() == 4 && method == "DELETE") return {200, control_.revoke_credential(org, p[3])};
    if (p.size() == 4) method_not_allowed("DELETE");
  } else if (kind == "jobs") {
    if (method != "GET") method_not_allowed("GET");
    if (p.size() == 3) return {200, control_.list_jobs(org)};
    if (p.size() == 4) return {200, control_.get_job(org, p[3])};
  } else if (kind == "roles" || kind == "grants") {
    return roles(method, p, body, actor);
  } else if (kind == "queries" || kind == "activity") {
    return monitoring(method, p, query, actor);
  } else if ((kind == "usage" || kind == "invoice") && p.size() == 3) {
    control_.get_org(org);  // 404 for an unknown organization
    return billing(method, p, query);
  } else if (kind == "audit" && p.size() == 3) {
    if (method != "GET") method_not_allowed("GET");
    int limit = 100;
    if (auto it = query.find("limit"); it != query.end()) {
      try {
        size_t used = 0;
        limit = std::stoi(it->second, &used);
        if (used != it->second.size() || limit < 1 || limit > 1000) throw std::invalid_argument("");
      } catch (const std::exception&) {
        throw ApiError(400, "invalid_request", "\"limit\" must be an integer from 1 to 1000");
      }
    }
    auto before = query.find("before");
    return {200, control_.list_audit(org, limit, before == query.end() ? "" : before->second)};
  } else if (kind == "duckling" && p.size() == 3) {
    if (method == "GET") return {200, control_.get_duckling(org)};
    if (method == "PUT") {
      auto [status, d] = control_.put_duckling(org, body);
      changed_(false);
      return {status, d};
    }
    if (method == "PATCH") {
      json d = control_.scale_duckling(org, body);
      changed_(false);
      return {202, d};
    }
    if (method == "DELETE") {
      json d = control_.delete_duckling(org);
      changed_(false);
      return {202, d};
    }
    method_not_allowed("GET, PUT, PATCH or DELETE");
  }
  return not_found();
}

pgwire::Server::InternalResult Api::run_in_duckling(const std::string& org,
                                                    const std::string& actor,
                                                    const std::string& sql, bool system) {
  control_.get_duckling(org);  // 404 for an unknown organization or duckling
  if (!run_sql_) throw ApiError(503, "unavailable", "this server cannot reach ducklings");
  try {
    return run_sql_(org, actor, sql, system);
  } catch (const SqlError& e) {
    const std::string& c = e.sqlstate();
    if (c == "42704" || c == "42P01" || c == "3F000") throw ApiError(404, "not_found", e.what());
    if (c == "42710") throw ApiError(409, "conflict", e.what());
    if (c == "57P03" || c == "3D000") throw ApiError(409, "not_ready", e.what());
    if (c.rfind("08", 0) == 0 || c.rfind("57", 0) == 0 || c.rfind("58", 0) == 0 ||
        c == "XX000" || c == "53300") {
      throw ApiError(503, "unavailable", e.what());
    }
    throw ApiError(400, "invalid_request", e.what());
  }
}

ApiResponse Api::roles(const std::string& method, const std::vector<std::string>& p,
                       const json& body, const std::string& actor) {
  const std::string& org = p[1];
  auto sql = [&](const std::string& statement) { return run_in_duckling(org, actor, statement); };
  auto ident = [](const json& v, const char* what) {
    if (!v.is_string() || v.get<std::string>().empty() || v.get<std::string>().size() > 63) {
      throw ApiError(400, "invalid_request", std::string("\"") + what + "\" must be a name");
    }
    return sql::quote_identifier(v.get<std::string>());
  };
  if (p[2] == "roles" && p.size() == 3) {
    if (method == "GET") {
      json out = json::array();
      std::map<std::string, json*> by_name;
      for (const char* b : {"owner", "writer", "reader"}) {
        out.push_back({{"name", b}, {"kind", "builtin"}, {"members", json::array()}, {"grants", json::array()}});
      }
      for (const auto& r : sql("SELECT name, kind FROM duckgres_meta.roles ORDER BY name").rows) {
        out.push_back({{"name", *r[0]}, {"kind", *r[1]}, {"members", json::array()}, {"grants", json::array()}});
      }
      for (auto& role : out) by_name[role["name"].get<std::string>()] = &role;
      for (const auto& r : sql("SELECT role, member FROM duckgres_meta.role_members ORDER BY 1, 2").rows) {
        if (by_name.count(*r[0])) (*by_name[*r[0]])["members"].push_back(*r[1]);
      }
      for (const auto& r : sql("SELECT grantee, privilege, schema_name, table_name FROM "
                               "duckgres_meta.grants ORDER BY 1, 3, 4, 2").rows) {
        json g = {{"privilege", *r[1]}, {"schema", *r[2] == "main" ? "public" : *r[2]}};
        if (*r[3] == "*") g["all_tables"] = true;
        else if (!r[3]->empty()) g["table"] = *r[3];
        if (by_name.count(*r[0])) (*by_name[*r[0]])["grants"].push_back(g);
      }
      return {200, out};
    }
    if (method == "POST") {
      if (!body.is_object()) throw ApiError(400, "invalid_request", "the request body must be a JSON object");
      sql("CREATE ROLE " + ident(body.value("name", json()), "name"));
      return {201, {{"name", body["name"]}, {"kind", "role"}}};
    }
    method_not_allowed("GET or POST");
  }
  if (p[2] == "roles" && p.size() == 4) {
    if (method != "DELETE") method_not_allowed("DELETE");
    sql("DROP ROLE " + ident(json(p[3]), "role"));
    return {204, nullptr};
  }
  if (p[2] == "roles" && p.size() >= 5 && p[4] == "members") {
    if (p.size() == 5 && method == "POST") {
      if (!body.is_object()) throw ApiError(400, "invalid_request", "the request body must be a JSON object");
      sql("GRANT " + ident(json(p[3]), "role") + " TO " + ident(body.value("member", json()), "member"));
      return {201, {{"role", p[3]}, {"member", body["member"]}}};
    }
    if (p.size() == 6 && method == "DELETE") {
      sql("REVOKE " + ident(json(p[3]), "role") + " FROM " + ident(json(p[5]), "member"));
      return {204, nullptr};
    }
    method_not_allowed(p.size() == 5 ? "POST" : "DELETE");
  }
  if (p[2] == "grants" && (p.size() == 3 || (p.size() == 4 && p[3] == "revoke"))) {
    if (method != "POST") method_not_allowed("POST");
    if (!body.is_object()) throw ApiError(400, "invalid_request", "the request body must be a JSON object");
    bool revoke = p.size() == 4;
    // {"privileges": ["SELECT", …], one of "table": "schema.table" | "schema": "s" |
    //  "all_tables_in_schema": "s", "to": "role"}
    std::string privileges;
    const json& privs = body.value("privileges", json());
    if (!privs.is_array() || privs.empty()) {
      throw ApiError(400, "invalid_request", "\"privileges\" must be a non-empty array");
    }
    for (const auto& pr : privs) {
      sql::Privilege parsed;
      if (!pr.is_string() || !(sql::parse_privilege(pr.get<std::string>(), parsed) ||
                               pr.get<std::string>() == "ALL" || pr.get<std::string>() == "all")) {
        throw ApiError(400, "invalid_request", "unknown privilege " + pr.dump());
      }
      privileges += (privileges.empty() ? "" : ", ") + pr.get<std::string>();
    }
    std::string on;
    if (body.contains("table")) {
      const json& t = body["table"];
      if (!t.is_string()) throw ApiError(400, "invalid_request", "\"table\" must be \"schema.table\"");
      std::string name = t.get<std::string>();
      size_t dot = name.find('.');
      on = "TABLE " + (dot == std::string::npos
                           ? ident(json(name), "table")
                           : ident(json(name.substr(0, dot)), "table") + "." +
                                 ident(json(name.substr(dot + 1)), "table"));
    } else if (body.contains("schema")) {
      on = "SCHEMA " + ident(body["schema"], "schema");
    } else if (body.contains("all_tables_in_schema")) {
      on = "ALL TABLES IN SCHEMA " + ident(body["all_tables_in_schema"], "all_tables_in_schema");
    } else {
      throw ApiError(400, "invalid_request", "name one of \"table\", \"schema\", \"all_tables_in_schema\"");
    }
    std::string to = ident(body.value("to", json()), "to");
    sql((revoke ? "REVOKE " : "GRANT ") + privileges + " ON " + on + (revoke ? " FROM " : " TO ") + to);
    return {200, {{"granted", !revoke}}};
  }
  return {404, {{"error", {{"code", "not_found"}, {"message", "no such API route"}}}}};
}

json Api::openapi() {
  auto ref = [](const char* name) {
    return json{{"$ref", std::string("#/components/schemas/") + name}};
  };
  auto str = [] { return json{{"type", "string"}}; };
  auto integer = [] { return json{{"type", "integer"}}; };
  auto object = [](json properties, std::vector<std::string> required = {}) {
    json o = {{"type", "object"}, {"properties", std::move(properties)}};
    if (!required.empty()) o["required"] = required;
    return o;
  };
  json size = {
      {"oneOf", json::array({{{"type", "string"}, {"enum", {"xs", "s", "m", "l"}}},
                             object({{"vcpus", integer()},
                                     {"memory",
                                      {{"oneOf", json::array({str(), integer()})},
                                       {"description", "\"8GB\", \"512MB\" or megabytes"}}}},
                                    {"vcpus", "memory"})})}};
  json schemas = {
      {"Error",
       object({{"error", object({{"code", str()}, {"message", str()}}, {"code", "message"})}},
              {"error"})},
      {"Org", object({{"id", str()},
                      {"name", str()},
                      {"database", str()},
                      {"max_vcpus", integer()},
                      {"max_connections", integer()},
                      {"created_at", str()},
                      {"updated_at", str()}})},
      {"Team", object({{"team_id", integer()},
                       {"name", str()},
                       {"schema_name", str()},
                       {"api_token", str()},
                       {"created_at", str()}})},
      {"User",
       object({{"username", str()},
               {"access_mode",
                {{"type", "string"}, {"enum", {"unrestricted", "project_reader", "project_user"}}}},
               {"team_id", {{"type", "integer"}, {"nullable", true}}},
               {"created_at", str()},
               {"updated_at", str()}})},
      {"Credential",
       object({{"id", str()},
               {"username", str()},
               {"password", {{"type", "string"}, {"description", "only when minted"}}},
               {"database", str()},
               {"name", str()},
               {"access_mode", str()},
               {"team_id", {{"type", "integer"}, {"nullable", true}}},
               {"created_at", str()},
               {"expires_at", str()},
               {"revoked_at", {{"type", "string"}, {"nullable", true}}},
               {"state", {{"type", "string"}, {"enum", {"active", "expired", "revoked"}}}}})},
      {"Role",
       object({{"name", str()},
               {"kind", {{"type", "string"}, {"enum", {"builtin", "role", "user"}}}},
               {"members", {{"type", "array"}, {"items", str()}}},
               {"grants", {{"type", "array"},
                           {"items", object({{"privilege", str()},
                                             {"schema", str()},
                                             {"table", str()},
                                             {"all_tables", {{"type", "boolean"}}}})}}}})},
      {"GrantRequest",
       object({{"privileges", {{"type", "array"}, {"items", str()}}},
               {"table", {{"type", "string"}, {"description", "schema.table"}}},
               {"schema", str()},
               {"all_tables_in_schema", str()},
               {"to", str()}},
              {"privileges", "to"})},
      {"Job",
       object({{"id", str()},
                {"org", str()},
                {"kind", str()},
                {"data", {{"type", "string"}, {"enum", {"events", "persons", "groups"}}}},
                {"path", str()},
                {"state", {{"type", "string"}, {"enum", {"queued", "running", "done", "failed"}}}},
                {"files_total", integer()},
                {"files_done", integer()},
                {"rows", integer()},
                {"rows_inserted", integer()},
                {"bytes_total", integer()},
                {"bytes_done", integer()},
                {"rows_per_second", integer()},
                {"eta_seconds", {{"type", "integer"}, {"nullable", true}}},
                {"error", {{"type", "string"}, {"nullable", true}}}})},
      {"AuditEntry",
       object({{"id", str()},
               {"at", str()},
               {"actor", str()},
               {"action", str()},
               {"target", {{"type", "string"}, {"nullable", true}}},
               {"detail", {{"type", "object"}, {"nullable", true}}}})},
      {"Duckling",
       object({{"organization", str()},
               {"state",
                {{"type", "string"},
                 {"enum", {"pending", "provisioning", "ready", "failed", "deleting", "deleted"}}}},
               {"status_message", str()},
               {"size", object({{"name", str()},
                                {"vcpus", integer()},
                                {"memory_mb", integer()},
                                {"temp_mb", integer()}})},
               {"storage_path", str()},
               {"created_at", str()},
               {"updated_at", str()},
               {"ready_at", {{"type", "string"}, {"nullable", true}}},
               {"runtime", object({{"warm", {{"type", "boolean"}}},
                                   {"sessions", integer()},
                                   {"isolation", {{"type", "string"}, {"enum", {"none", "process"}}}},
                                   {"worker_pid", integer()}})},
               {"connection", object({{"host", str()},
                                      {"port", integer()},
                                      {"database", str()},
                                      {"sslmode", str()},
                                      {"psql", str()},
                                      {"jdbc", str()},
                                      {"odbc", str()},
                                      {"dbt_profile", str()}})}})},
  };
  auto nullable = [](json t) {
    t["nullable"] = true;
    return t;
  };
  auto number = [] { return json{{"type", "number"}}; };
  schemas["QueryLogEntry"] = object(
      {{"query_id", str()},
       {"parent_query_id", nullable(str())},
       {"org", str()},
       {"team", nullable(str())},
       {"duckling", str()},
       {"user", str()},
       {"application_name", str()},
       {"query", {{"type", "string"}, {"description", "literals that may hold secrets redacted"}}},
       {"fingerprint", str()},
       {"command", nullable(str())},
       {"pid", integer()},
       {"started_at", str()},
       {"duration_ms", number()},
       {"rows", integer()},
       {"result_bytes", integer()},
       {"status", {{"type", "string"}, {"enum", {"ok", "error", "canceled"}}}},
       {"sqlstate", nullable(str())},
       {"error", nullable(str())},
       {"cpu_time_ms", nullable(number())},
       {"peak_memory_bytes", nullable(integer())},
       {"rows_scanned", nullable(integer())},
       {"slowest_operators", nullable({{"type", "array"}, {"items", {{"type", "object"}}}})}});
  schemas["QueryLogPage"] =
      object({{"queries", {{"type", "array"}, {"items", ref("QueryLogEntry")}}},
              {"next_before", nullable(str())}});
  schemas["Session"] = object({{"pid", integer()},
                               {"user", str()},
                               {"application_name", str()},
                               {"client_addr", nullable(str())},
                               {"state", str()},
                               {"query", str()},
                               {"backend_start", str()},
                               {"xact_start", nullable(str())},
                               {"query_start", nullable(str())},
                               {"state_change", nullable(str())}});
  schemas["Usage"] = object(
      {{"org", str()},
       {"from", str()},
       {"to", str()},
       {"group_by", {{"type", "array"}, {"items", str()}}},
       {"usage", {{"type", "array"},
                  {"items", object({{"meter", str()},
                                    {"quantity", number()},
                                    {"unit", str()},
                                    {"hour", nullable(str())},
                                    {"team", nullable(str())},
                                    {"user", nullable(str())},
                                    {"duckling", nullable(str())},
                                    {"size", nullable(str())}})}}}});
  schemas["Invoice"] = object({{"org", str()},
                               {"scheme", str()},
                               {"currency", str()},
                               {"period", str()},
                               {"from", str()},
                               {"to", str()},
                               {"lines", {{"type", "array"}, {"items", {{"type", "object"}}}}},
                               {"subtotal", number()},
                               {"subtotal_micros", integer()},
                               {"total", number()},
                               {"total_micros", integer()}});
  schemas["QuarantinedFile"] = object({{"name", str()},
                                       {"size", integer()},
                                       {"reason", str()},
                                       {"sqlstate", str()},
                                       {"attempts", integer()},
                                       {"first_failed_at", str()},
                                       {"quarantined_at", str()}});
  schemas["Signal"] =
      object({{"pid", integer()}, {"action", str()}, {"signalled", {{"type", "boolean"}}}});
  auto op = [&](const char* id, const char* summary, const char* status, json result,
                json body = nullptr) {
    json ok = {{"description", "success"}};
    if (!result.is_null()) ok["content"] = {{"application/json", {{"schema", result}}}};
    json o = {{"operationId", id},
              {"summary", summary},
              {"responses",
               {{status, ok},
                {"4XX",
                 {{
                      "description",
                      "refused",
                  },
                  {"content", {{"application/json", {{"schema", ref("Error")}}}}}}}}}};
    if (!body.is_null()) {
      o["requestBody"] = {{"required", true},
                          {"content", {{"application/json", {{"schema", body}}}}}};
    }
    return o;
  };
  auto list = [&](const char* name) { return json{{"type", "array"}, {"items", ref(name)}}; };
  auto param = [](const char* name, bool numeric = false) {
    return json{{"name", name},
                {"in", "path"},
                {"required", true},
                {"schema", {{"type", numeric ? "integer" : "string"}}}};
  };
  auto query_p = [](const char* name, bool numeric = false) {
    return json{{"name", name},
                {"in", "query"},
                {"required", false},
                {"schema", {{"type", numeric ? "integer" : "string"}}}};
  };
  json org_p = json::array({param("org")});
  json paths = {
      {"/api/v1/orgs",
       {{"get", op("listOrgs", "List organizations", "200", list("Org"))},
        {"post",
         op("createOrg", "Create an organization", "201", ref("Org"),
            object({{"name", str()}, {"max_vcpus", integer()}, {"max_connections", integer()}},
                   {"name"}))}}},
      {"/api/v1/orgs/{org}",
       {{"parameters", org_p},
        {"get", op("getOrg", "Get an organization", "200", ref("Org"))},
        {"patch", op("updateOrg", "Change max_vcpus / max_connections", "200", ref("Org"),
                     object({{"max_vcpus", integer()}, {"max_connections", integer()}}))},
        {"delete",
         op("deleteOrg", "Delete an organization without a live duckling", "204", nullptr)}}},
      {"/api/v1/orgs/{org}/teams",
       {{"parameters", org_p},
        {"get", op("listTeams", "List teams", "200", list("Team"))},
        {"post",
         op("createTeam", "Create a team (its schema and project API key)", "201", ref("Team"),
            object({{"team_id", integer()}, {"name", str()}, {"schema_name", str()}},
                   {"team_id", "name"}))}}},
      {"/api/v1/orgs/{org}/teams/{team_id}",
       {{"parameters", json::array({param("org"), param("team_id", true)})},
        {"get", op("getTeam", "Get a team", "200", ref("Team"))},
        {"delete", op("deleteTeam", "Delete a team", "204", nullptr)}}},
      {"/api/v1/orgs/{org}/users",
       {{"parameters", org_p},
        {"get", op("listUsers", "List users", "200", list("User"))},
        {"post", op("createUser", "Create a user", "201", ref("User"),
                    object({{"username", str()},
                            {"password", str()},
                            {"access_mode", str()},
                            {"team_id", integer()}},
                           {"username", "password"}))}}},
      {"/api/v1/orgs/{org}/users/{username}",
       {{"parameters", json::array({param("org"), param("username")})},
        {"get", op("getUser", "Get a user", "200", ref("User"))},
        {"patch",
         op("updateUser", "Change password, access_mode, team_id", "200", ref("User"),
            object({{"password", str()}, {"access_mode", str()}, {"team_id", integer()}}))},
        {"delete", op("deleteUser", "Delete a user", "204", nullptr)}}},
      {"/api/v1/orgs/{org}/credentials",
       {{"parameters", org_p},
        {"get", op("listCredentials", "List service credentials (without secrets)", "200",
                   list("Credential"))},
        {"post", op("mintCredential", "Mint a service credential (its password is shown once)",
                    "201", ref("Credential"),
                    object({{"ttl_seconds", {{"type", "integer"}, {"minimum", 60}, {"maximum", 3600}}},
                            {"name", str()},
                            {"access_mode", str()},
                            {"team_id", integer()}}))}}},
      {"/api/v1/orgs/{org}/credentials/{id}",
       {{"parameters", json::array({param("org"), param("id")})},
        {"delete", op("revokeCredential", "Revoke a service credential", "200", ref("Credential"))}}},
      {"/api/v1/orgs/{org}/roles",
       {{"parameters", org_p},
        {"get", op("listRoles", "Roles of the duckling with their members and grants", "200",
                   list("Role"))},
        {"post", op("createRole", "Create a role (CREATE ROLE)", "201", ref("Role"),
                    object({{"name", str()}}, {"name"}))}}},
      {"/api/v1/orgs/{org}/roles/{role}",
       {{"parameters", json::array({param("org"), param("role")})},
        {"delete", op("dropRole", "Drop a role, its grants and memberships", "204", nullptr)}}},
      {"/api/v1/orgs/{org}/roles/{role}/members",
       {{"parameters", json::array({param("org"), param("role")})},
        {"post", op("addRoleMember", "GRANT role TO member", "201", nullptr,
                    object({{"member", str()}}, {"member"}))}}},
      {"/api/v1/orgs/{org}/roles/{role}/members/{member}",
       {{"parameters", json::array({param("org"), param("role"), param("member")})},
        {"delete", op("removeRoleMember", "REVOKE role FROM member", "204", nullptr)}}},
      {"/api/v1/orgs/{org}/grants",
       {{"parameters", org_p},
        {"post", op("grant", "GRANT privileges on a table, a schema or all its tables", "200",
                    nullptr, ref("GrantRequest"))}}},
      {"/api/v1/orgs/{org}/grants/revoke",
       {{"parameters", org_p},
        {"post", op("revoke", "REVOKE privileges", "200", nullptr, ref("GrantRequest"))}}},
      {"/api/v1/orgs/{org}/teams/{team_id}/bootstrap",
       {{"parameters", json::array({param("org"), param("team_id", true)})},
        {"post", op("bootstrapTeam", "Backfill a team from export files on the server", "202",
                    ref("Job"),
                    object({{"path", {{"type", "string"}, {"description", "a file or directory under --readable-directories"}}},
                            {"kind", {{"type", "string"}, {"enum", {"events", "persons", "groups"}}}}},
                           {"path"}))}}},
      {"/api/v1/orgs/{org}/teams/{team_id}/generate",
       {{"parameters", json::array({param("org"), param("team_id", true)})},
        {"post", op("generateTeamData", "Append synthetic PostHog data to a team", "201", nullptr,
                    object({{"events", integer()}, {"persons", integer()}, {"days", integer()}, {"seed", integer()}}))}}},
      {"/api/v1/orgs/{org}/teams/{team_id}/ingest/quarantine",
       {{"parameters", json::array({param("org"), param("team_id", true)})},
        {"get", op("listIngestQuarantine",
                   "Captured event files that could not be applied, kept with their reasons", "200",
                   list("QuarantinedFile"))}}},
      {"/api/v1/orgs/{org}/teams/{team_id}/ingest/quarantine/{name}/retry",
       {{"parameters", json::array({param("org"), param("team_id", true), param("name")})},
        {"post", op("retryIngestQuarantine", "Move a quarantined file back to be applied again",
                    "202", nullptr)}}},
      {"/api/v1/orgs/{org}/jobs",
       {{"parameters", org_p}, {"get", op("listJobs", "Background jobs, newest first", "200", list("Job"))}}},
      {"/api/v1/orgs/{org}/jobs/{id}",
       {{"parameters", json::array({param("org"), param("id")})},
        {"get", op("getJob", "A job's state and progress", "200", ref("Job"))}}},
      {"/api/v1/orgs/{org}/audit",
       {{"parameters",
         json::array({param("org"),
                      {{"name", "limit"}, {"in", "query"}, {"required", false},
                       {"schema", {{"type", "integer"}, {"minimum", 1}, {"maximum", 1000}}}},
                      {{"name", "before"}, {"in", "query"}, {"required", false},
                       {"schema", {{"type", "string"}}}}})},
        {"get", op("listAudit", "The organization's audit log, newest first", "200",
                   list("AuditEntry"))}}},
      {"/api/v1/orgs/{org}/queries",
       {{"parameters",
         json::array({param("org"), query_p("user"), query_p("team"), query_p("status"),
                      query_p("command"), query_p("fingerprint"), query_p("application_name"),
                      query_p("q"), query_p("since"), query_p("until"),
                      query_p("min_duration_ms", true), query_p("limit", true),
                      query_p("before")})},
        {"get", op("listQueries", "The query log, newest first (filters, next_before pages)",
                   "200", ref("QueryLogPage"))}}},
      {"/api/v1/orgs/{org}/activity",
       {{"parameters", org_p},
        {"get", op("listActivity", "The duckling's sessions now (pg_stat_activity)", "200",
                   object({{"sessions", list("Session")}}))}}},
      {"/api/v1/orgs/{org}/activity/{pid}/cancel",
       {{"parameters", json::array({param("org"), param("pid", true)})},
        {"post", op("cancelQuery", "Cancel the session's running statement", "200",
                    ref("Signal"))}}},
      {"/api/v1/orgs/{org}/activity/{pid}/terminate",
       {{"parameters", json::array({param("org"), param("pid", true)})},
        {"post", op("terminateSession", "End the session (57P01 to its client)", "200",
                    ref("Signal"))}}},
      {"/api/v1/orgs/{org}/usage",
       {{"parameters", json::array({param("org"), query_p("from"), query_p("to"),
                                    query_p("group_by")})},
        {"get", op("getUsage",
                   "Usage by meter (and hour, team, user, duckling, size), from and to ISO hours",
                   "200", ref("Usage"))}}},
      {"/api/v1/orgs/{org}/invoice",
       {{"parameters", json::array({param("org"), query_p("period")})},
        {"get", op("getInvoice", "The invoice of a month (period=YYYY-MM) under the pricing scheme",
                   "200", ref("Invoice"))}}},
      {"/api/v1/orgs/{org}/duckling",
       {{"parameters", org_p},
        {"get", op("getDuckling", "State, size and connection details", "200", ref("Duckling"))},
        {"put", op("provisionDuckling", "Provision (202; 200 when already there with that size)",
                   "202", ref("Duckling"), object({{"size", size}}))},
        {"patch", op("scaleDuckling", "Change the compute size", "202", ref("Duckling"),
                     object({{"size", size}}, {"size"}))},
        {"delete",
         op("deleteDuckling", "Deprovision and remove its data", "202", ref("Duckling"))}}},
  };
  return {{"openapi", "3.0.3"},
          {"info", {{"title", "duckgres control plane"}, {"version", "1"}}},
          {"components",
           {{"schemas", schemas},
            {"securitySchemes", {{"bearer", {{"type", "http"}, {"scheme", "bearer"}}}}}}},
          {"security", json::array({{{"bearer", json::array()}}})},
          {"paths", paths}};
}

}  // namespace ducklings::http
