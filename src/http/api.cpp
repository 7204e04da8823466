#include "http/api.h"

#include <spdlog/spdlog.h>

#include "control/config_store.h"
#include "pgwire/scram.h"

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

Api::Api(control::ControlPlane& control, std::function<void()> changed)
    : control_(control), changed_(std::move(changed)) {}

ApiResponse Api::handle(const std::string& method, const std::string& path,
                        const std::string& authorization, const std::string& body) {
  try {
    std::vector<std::string> parts = split_path(path);  // "api", "v1", …
    if (parts.size() == 3 && parts[2] == "openapi.json") {
      if (method != "GET") method_not_allowed("GET");
      return {200, openapi()};
    }
    const std::string prefix = "Bearer ";
    if (authorization.rfind(prefix, 0) != 0 ||
        !control_.token_valid(authorization.substr(prefix.size()))) {
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
    return route(method, std::vector<std::string>(parts.begin() + 2, parts.end()), parsed);
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

ApiResponse Api::route(const std::string& method, const std::vector<std::string>& p,
                       const json& body) {
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
        changed_();
        return {201, team};
      }
      method_not_allowed("GET or POST");
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
  } else if (kind == "duckling" && p.size() == 3) {
    if (method == "GET") return {200, control_.get_duckling(org)};
    if (method == "PUT") {
      auto [status, d] = control_.put_duckling(org, body);
      changed_();
      return {status, d};
    }
    if (method == "PATCH") {
      json d = control_.scale_duckling(org, body);
      changed_();
      return {202, d};
    }
    if (method == "DELETE") {
      json d = control_.delete_duckling(org);
      changed_();
      return {202, d};
    }
    method_not_allowed("GET, PUT, PATCH or DELETE");
  }
  return not_found();
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
