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
  auto op = [](const char* summary, const char* status, bool body = false) {
    json o = {{"summary", summary},
              {"responses",
               {{status, {{"description", "success"}}},
                {"4XX", {{"description", "error: {\"error\": {\"code\", \"message\"}}"}}}}}};
    if (body)
      o["requestBody"] = {{"required", true},
                          {"content", {{"application/json", {{"schema", {{"type", "object"}}}}}}}};
    return o;
  };
  json paths = {
      {"/api/v1/orgs",
       {{"get", op("List organizations", "200")},
        {"post", op("Create an organization {name, max_vcpus?, max_connections?}", "201", true)}}},
      {"/api/v1/orgs/{org}",
       {{"get", op("Get an organization", "200")},
        {"patch", op("Change max_vcpus / max_connections", "200", true)},
        {"delete", op("Delete an organization without a duckling", "204")}}},
      {"/api/v1/orgs/{org}/teams",
       {{"get", op("List teams", "200")},
        {"post",
         op("Create a team {team_id, name, schema_name?}; returns its api_token", "201", true)}}},
      {"/api/v1/orgs/{org}/teams/{team_id}",
       {{"get", op("Get a team", "200")}, {"delete", op("Delete a team", "204")}}},
      {"/api/v1/orgs/{org}/users",
       {{"get", op("List users", "200")},
        {"post", op("Create a user {username, password, access_mode, team_id?}", "201", true)}}},
      {"/api/v1/orgs/{org}/users/{username}",
       {{"get", op("Get a user", "200")},
        {"patch", op("Change password, access_mode, team_id", "200", true)},
        {"delete", op("Delete a user", "204")}}},
      {"/api/v1/orgs/{org}/duckling",
       {{"get", op("State, size and connection details", "200")},
        {"put", op("Provision {size: xs|s|m|l|{vcpus, memory}}", "202", true)},
        {"patch", op("Scale {size}", "202", true)},
        {"delete", op("Deprovision and remove its data", "202")}}},
  };
  return {
      {"openapi", "3.0.3"},
      {"info", {{"title", "duckgres control plane"}, {"version", "1"}}},
      {"components", {{"securitySchemes", {{"bearer", {{"type", "http"}, {"scheme", "bearer"}}}}}}},
      {"security", json::array({{{"bearer", json::array()}}})},
      {"paths", paths}};
}

}  // namespace ducklings::http
