#include "http/routes.h"

namespace ducklings::http {
using json = nlohmann::json;

namespace schema {
json str() {
  return {{"type", "string"}};
}
json integer() {
  return {{"type", "integer"}};
}
json number() {
  return {{"type", "number"}};
}
json boolean() {
  return {{"type", "boolean"}};
}
json one_of(std::vector<std::string> values) {
  return {{"type", "string"}, {"enum", values}};
}
json ref(const std::string& component) {
  return {{"$ref", "#/components/schemas/" + component}};
}
json list_of(const std::string& component) {
  return {{"type", "array"}, {"items", ref(component)}};
}
json object(json properties, std::vector<std::string> required) {
  json o = {{"type", "object"}, {"properties", std::move(properties)}};
  if (!required.empty()) o["required"] = required;
  return o;
}
json nullable(json schema) {
  schema["nullable"] = true;
  return schema;
}
json described(json schema, const std::string& description) {
  schema["description"] = description;
  return schema;
}
}  // namespace schema

std::vector<std::string> path_segments(const std::string& path) {
  std::vector<std::string> out;
  size_t i = 0;
  while (i < path.size()) {
    size_t j = path.find('/', i);
    if (j == std::string::npos) j = path.size();
    if (j > i) out.push_back(path.substr(i, j - i));
    i = j + 1;
  }
  return out;
}

namespace {
bool is_parameter(const std::string& segment) {
  return segment.size() > 2 && segment.front() == '{' && segment.back() == '}';
}
}  // namespace

std::vector<std::string> pattern_parameters(const std::string& pattern) {
  std::vector<std::string> out;
  for (const auto& s : path_segments(pattern)) {
    if (is_parameter(s)) out.push_back(s.substr(1, s.size() - 2));
  }
  return out;
}

json path_parameter_schema(const std::string& name) {
  return name == "team_id" || name == "pid" ? schema::integer() : schema::str();
}

const Route* match_route(const std::vector<Route>& routes, const std::string& method,
                         const std::vector<std::string>& parts,
                         std::map<std::string, std::string>& parameters,
                         std::vector<std::string>& allowed) {
  for (const Route& route : routes) {
    std::vector<std::string> pattern = path_segments(route.pattern);
    if (pattern.size() != parts.size()) continue;
    std::map<std::string, std::string> found;
    bool same = true;
    for (size_t i = 0; i < pattern.size() && same; ++i) {
      if (is_parameter(pattern[i])) {
        found[pattern[i].substr(1, pattern[i].size() - 2)] = parts[i];
      } else {
        same = pattern[i] == parts[i];
      }
    }
    if (!same) continue;
    if (route.method != method) {
      allowed.push_back(route.method);
      continue;
    }
    parameters = std::move(found);
    return &route;
  }
  return nullptr;
}

void check_body(const Route& route, const json& body) {
  if (route.method == "GET" || route.method == "DELETE") return;
  if (!body.is_object()) {
    throw ApiError(400, "invalid_request", "the request body must be a JSON object");
  }
  for (auto it = body.begin(); it != body.end(); ++it) {
    bool known = false;
    for (const Field& f : route.body) known = known || f.name == it.key();
    if (known) continue;
    std::string names;
    for (const Field& f : route.body) names += (names.empty() ? "" : ", ") + f.name;
    throw ApiError(400, "invalid_request",
                   "unknown field \"" + it.key() + "\" (" + route.operation_id + " takes " +
                       (names.empty() ? std::string("none") : names) + ")");
  }
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

std::string text_field(const json& body, const char* name, bool required) {
  auto it = body.find(name);
  if (it == body.end() || it->is_null()) {
    if (required)
      throw ApiError(400, "invalid_request", std::string("\"") + name + "\" is required");
    return "";
  }
  if (!it->is_string()) {
    throw ApiError(400, "invalid_request", std::string("\"") + name + "\" must be a string");
  }
  return it->get<std::string>();
}

}  // namespace ducklings::http
