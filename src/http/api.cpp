#include "http/api.h"

#include <spdlog/spdlog.h>

#include <cctype>

#include "common/secret_box.h"
#include "common/url.h"
#include "control/config_store.h"

namespace ducklings::http {
namespace {
using json = nlohmann::json;

int status_of(control::Refusal why) {
  switch (why) {
    case control::Refusal::kInvalid:
      return 400;
    case control::Refusal::kNotFound:
      return 404;
    case control::Refusal::kConflict:
      return 409;
    case control::Refusal::kQuotaExceeded:
    case control::Refusal::kUnprocessable:
      return 422;
  }
  return 400;
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
    std::vector<std::string> parts = path_segments(path);  // "api", "v1", …
    if (parts.size() == 3 && parts[2] == "openapi.json") {
      if (method != "GET") method_not_allowed("GET");
      return {200, openapi()};
    }
    const std::string prefix = "Bearer ";
    std::optional<std::string> token;
    if (authorization.rfind(prefix, 0) == 0)
      token = control_.token_name(authorization.substr(prefix.size()));
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
    // Segments as the client meant them: alice%40example.com is alice@example.com (a path's
    // '+' is itself, unlike a form's).
    std::vector<std::string> route_parts;
    for (size_t i = 2; i < parts.size(); ++i) {
      route_parts.push_back(url_decode(parts[i], /*plus_is_space=*/false));
    }
    std::string actor = "api token \"" + *token + "\"";
    std::map<std::string, std::string> path_parameters;
    std::vector<std::string> allowed;
    const Route* matched = match_route(routes(), method, route_parts, path_parameters, allowed);
    if (!matched && !allowed.empty()) {
      std::string methods;
      for (size_t i = 0; i < allowed.size(); ++i) {
        methods += (i == 0 ? "" : i + 1 == allowed.size() ? " or " : ", ") + allowed[i];
      }
      method_not_allowed(methods);
    }
    if (!matched) throw ApiError(404, "not_found", "no such API route");
    check_body(*matched, parsed);
    auto form = parse_form(query);
    ApiResponse response =
        matched->handler(*this, Call{std::move(path_parameters), parsed, form, actor});
    if (route_parts.size() >= 2 && route_parts[0] == "orgs" && response.status != 404 &&
        response.status < 500) {
      std::lock_guard lock(calls_mutex_);
      ++calls_[route_parts[1]];
    }
    // Role and grant changes are audited by the session that makes them.
    bool roles =
        route_parts.size() >= 3 && (route_parts[2] == "roles" || route_parts[2] == "grants");
    if (method != "GET" && response.status < 300 && !roles) {
      audit(method, route_parts, parsed, response, actor);
    }
    return response;
  } catch (const ApiError& e) {
    return {e.status(), {{"error", {{"code", e.code()}, {"message", e.what()}}}}};
  } catch (const control::RefusedError& e) {
    return {status_of(e.why()), {{"error", {{"code", e.code()}, {"message", e.what()}}}}};
  } catch (const control::StoreError& e) {
    spdlog::error("api: {} {}: {}", method, path, e.what());
    return {
        503,
        {{"error",
          {{"code", "store_unavailable"}, {"message", "the configuration store failed; retry"}}}}};
  } catch (const SqlError& e) {
    // SQL a handler ran in a duckling without mapping its errors itself.
    ApiError a = api_error_of(e);
    return {a.status(), {{"error", {{"code", a.code()}, {"message", a.what()}}}}};
  } catch (const std::exception& e) {
    // A bug, not the request's fault: answered, logged, and the server keeps serving.
    spdlog::error("api: {} {}: unexpected error: {}", method, path, e.what());
    return {500, {{"error", {{"code", "internal_error"}, {"message", e.what()}}}}};
  }
}

void Api::audit(const std::string& method, const std::vector<std::string>& p, const json& body,
                const ApiResponse& response, const std::string& actor) {
  // orgs | orgs/X | orgs/X/{teams,users,credentials}[/Y] | orgs/X/duckling
  static const std::map<std::string, std::string> kinds = {{"teams", "team"},
                                                           {"users", "user"},
                                                           {"credentials", "credential"},
                                                           {"storages", "storage"},
                                                           {"duckling", "duckling"}};
  std::string org = p.size() >= 2
                        ? p[1]
                        : (body.is_object() && body.contains("name") && body["name"].is_string()
                               ? body["name"].get<std::string>()
                               : "");
  std::string kind = p.size() >= 3 ? kinds.count(p[2]) ? kinds.at(p[2]) : p[2] : "org";
  std::string verb = method == "POST"     ? (kind == "credential" ? "mint" : "create")
                     : method == "DELETE" ? (kind == "credential" ? "revoke" : "delete")
                     : method == "PUT"    ? "provision"
                     : kind == "duckling" ? "scale"
                                          : "update";
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
  // Secrets anywhere in the body (a source's connection holds a password) are redacted.
  std::function<void(json&)> redact = [&](json& v) {
    if (!v.is_object()) return;
    for (auto& [field, value] : v.items()) {
      if (SecretBox::is_secret_field(field)) {
        value = SecretBox::kRedacted;
      } else {
        redact(value);
      }
    }
  };
  redact(detail);
  if (kind == "team" && method == "POST" && response.body.is_object())
    target = std::to_string(response.body.value("team_id", 0));
  if (kind == "user" && method == "POST" && body.is_object()) target = body.value("username", "");
  if (kind == "storage" && method == "POST" && body.is_object()) target = body.value("name", "");
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

gateway::Result Api::run_in_duckling(const std::string& org, const std::string& actor,
                                     const std::string& sql, bool system,
                                     std::vector<gateway::Parameter> parameters) {
  control_.get_duckling(org);  // 404 for an unknown organization or duckling
  if (!gateway_) throw ApiError(503, "unavailable", "this server cannot reach ducklings");
  try {
    return gateway_->run({org, actor, sql, std::move(parameters), system});
  } catch (const SqlError& e) {
    throw api_error_of(e);
  }
}

ApiError Api::api_error_of(const SqlError& e) {
  const std::string& c = e.sqlstate();
  if (c == "42704" || c == "42P01" || c == "3F000") return ApiError(404, "not_found", e.what());
  if (c == "42710") return ApiError(409, "conflict", e.what());
  if (c == "57P03" || c == "3D000") return ApiError(409, "not_ready", e.what());
  if (c.rfind("08", 0) == 0 || c.rfind("57", 0) == 0 || c.rfind("58", 0) == 0 || c == "XX000" ||
      c == "53300") {
    return ApiError(503, "unavailable", e.what());
  }
  return ApiError(400, "invalid_request", e.what());
}

json Api::openapi() {
  using namespace schema;
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
      {"Storage",
       object({{"name", str()},
               {"kind", {{"type", "string"}, {"enum", {"local", "s3"}}}},
               {"path", {{"type", "string"}, {"nullable", true}, {"description", "local"}}},
               {"endpoint", str()},
               {"bucket", str()},
               {"prefix", str()},
               {"region", str()},
               {"url_style", {{"type", "string"}, {"enum", {"path", "virtual"}}}},
               {"access_key_id", str()},
               {"created_at", str()}})},
      {"StorageGrant",
       object({{"storage", str()},
               {"role", str()},
               {"privilege", {{"type", "string"}, {"enum", {"read", "write"}}}},
               {"granted_at", str()}})},
      {"Role", object({{"name", str()},
                       {"kind", {{"type", "string"}, {"enum", {"builtin", "role", "user"}}}},
                       {"members", {{"type", "array"}, {"items", str()}}},
                       {"grants",
                        {{"type", "array"},
                         {"items", object({{"privilege", str()},
                                           {"schema", str()},
                                           {"table", str()},
                                           {"all_tables", {{"type", "boolean"}}}})}}}})},
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
      {"AuditEntry", object({{"id", str()},
                             {"at", str()},
                             {"actor", str()},
                             {"action", str()},
                             {"target", {{"type", "string"}, {"nullable", true}}},
                             {"detail", {{"type", "object"}, {"nullable", true}}}})},
      {"Duckling",
       object(
           {{"organization", str()},
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
  schemas["Usage"] = object({{"org", str()},
                             {"from", str()},
                             {"to", str()},
                             {"group_by", {{"type", "array"}, {"items", str()}}},
                             {"usage",
                              {{"type", "array"},
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
  // Paths, their parameters and operations, from the route table.
  json paths = json::object();
  for (const Route& route : routes()) {
    json& path = paths["/api/v1" + route.pattern];
    if (!path.contains("parameters")) {
      path["parameters"] = json::array();
      for (const auto& name : pattern_parameters(route.pattern)) {
        path["parameters"].push_back({{"name", name},
                                      {"in", "path"},
                                      {"required", true},
                                      {"schema", path_parameter_schema(name)}});
      }
    }
    json ok = {{"description", "success"}};
    if (!route.response.is_null()) {
      ok["content"] = {{"application/json", {{"schema", route.response}}}};
    }
    json op = {{"operationId", route.operation_id},
               {"summary", route.summary},
               {"responses",
                {{std::to_string(route.status), ok},
                 {"4XX",
                  {{"description", "refused"},
                   {"content", {{"application/json", {{"schema", ref("Error")}}}}}}}}}};
    if (!route.body.empty()) {
      json properties = json::object();
      std::vector<std::string> required;
      for (const Field& f : route.body) {
        properties[f.name] = f.schema;
        if (f.required) required.push_back(f.name);
      }
      json body = object(properties, required);
      body["additionalProperties"] = false;  // another field is a 400
      if (!route.body_schema.empty()) {
        schemas[route.body_schema] = body;
        body = ref(route.body_schema);
      }
      op["requestBody"] = {{"required", true},
                           {"content", {{"application/json", {{"schema", body}}}}}};
    }
    for (const Field& f : route.query) {
      json q = {{"name", f.name}, {"in", "query"}, {"required", f.required}, {"schema", f.schema}};
      if (!f.help.empty()) q["description"] = f.help;
      op["parameters"].push_back(q);
    }
    std::string method = route.method;
    for (auto& ch : method) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    path[method] = op;
  }
  return {{"openapi", "3.0.3"},
          {"info", {{"title", "duckgres control plane"}, {"version", "1"}}},
          {"components",
           {{"schemas", schemas},
            {"securitySchemes", {{"bearer", {{"type", "http"}, {"scheme", "bearer"}}}}}}},
          {"security", json::array({{{"bearer", json::array()}}})},
          {"paths", paths}};
}

const std::vector<Route>& Api::routes() {
  static const std::vector<Route> all = [] {
    std::vector<Route> out;
    for (auto table : {control_routes, role_routes, monitoring_routes, source_routes, model_routes, publication_routes}) {
      for (auto& route : table()) out.push_back(std::move(route));
    }
    return out;
  }();
  return all;
}

}  // namespace ducklings::http
