#include "http/control_json.h"

#include <cctype>

#include "http/routes.h"

namespace ducklings::http {
namespace {

using json = nlohmann::json;

[[noreturn]] void bad_request(const std::string& message) {
  throw ApiError(400, "invalid_request", message);
}

template <typename T>
json or_null(const std::optional<T>& v) {
  return v ? json(*v) : json(nullptr);
}

// Parses "8GB", "512MB", "2GiB" or a number of megabytes.
int64_t parse_megabytes(const json& v) {
  if (v.is_number_integer()) return v.get<int64_t>();
  if (!v.is_string()) bad_request("\"memory\" must be like \"8GB\" or a number of megabytes");
  std::string s = v.get<std::string>();
  size_t i = 0;
  while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) ++i;
  if (i == 0 || i > 9) bad_request("\"memory\" must be like \"8GB\" or a number of megabytes");
  int64_t n = std::stoll(s.substr(0, i));
  std::string unit;
  for (char c : s.substr(i)) {
    if (c != ' ') unit.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
  }
  if (unit == "GB" || unit == "GIB" || unit == "G") return n * 1024;
  if (unit == "MB" || unit == "MIB" || unit == "M" || unit.empty()) return n;
  bad_request("\"memory\" unit must be MB or GB");
}

}  // namespace

control::ComputeSize parse_size(const json& size) {
  if (size.is_null()) return control::named_size("xs");
  if (size.is_string()) return control::named_size(size.get<std::string>());
  if (!size.is_object()) {
    bad_request("\"size\" must be one of xs, s, m, l or {\"vcpus\", \"memory\"}");
  }
  auto vcpus = size.find("vcpus");
  if (vcpus == size.end() || vcpus->is_null()) bad_request("\"size.vcpus\" is required");
  if (!vcpus->is_number_integer()) bad_request("\"vcpus\" must be an integer");
  auto memory = size.find("memory");
  if (memory == size.end()) bad_request("\"size.memory\" is required");
  int64_t v = vcpus->get<int64_t>();
  if (v < 1 || v > 64) bad_request("\"vcpus\" must be between 1 and 64");
  return control::custom_size(v, parse_megabytes(*memory));
}

json to_json(const control::ComputeSize& s) {
  return {{"name", s.name}, {"vcpus", s.vcpus}, {"memory_mb", s.memory_mb}, {"temp_mb", s.temp_mb}};
}

json to_json(const control::Org& o) {
  return {{"id", o.id},
          {"name", o.name},
          {"database", o.name},
          {"max_vcpus", o.max_vcpus},
          {"max_connections", o.max_connections},
          {"created_at", o.created_at},
          {"updated_at", o.updated_at}};
}

json to_json(const control::OrgStatus& o) {
  json out = to_json(o.org);
  out["duckling_state"] = or_null(o.duckling_state);
  return out;
}

json to_json(const control::Team& t) {
  return {{"team_id", t.team_id},
          {"name", t.name},
          {"schema_name", t.schema_name},
          {"api_token", t.api_token},
          {"created_at", t.created_at}};
}

json to_json(const control::User& u) {
  return {{"username", u.username},
          {"access_mode", u.access_mode},
          {"team_id", or_null(u.team_id)},
          {"created_at", u.created_at},
          {"updated_at", u.updated_at}};
}

json to_json(const control::Credential& c) {
  return {{"id", c.id},
          {"username", c.username},
          {"name", c.name},
          {"access_mode", c.access_mode},
          {"team_id", or_null(c.team_id)},
          {"created_at", c.created_at},
          {"expires_at", c.expires_at},
          {"revoked_at", or_null(c.revoked_at)},
          {"state", c.state}};
}

json to_json(const control::MintedCredential& c) {
  json out = to_json(c.credential);
  out["password"] = c.password;  // shown once
  out["database"] = c.database;
  return out;
}

json to_json(const control::Duckling& d) {
  json out = {{"organization", d.organization},     {"state", d.state},
              {"status_message", d.status_message}, {"size", to_json(d.size)},
              {"storage_path", d.storage_path},     {"created_at", d.created_at},
              {"updated_at", d.updated_at},         {"ready_at", or_null(d.ready_at)}};
  if (d.runtime) {
    const control::DucklingRuntime& r = *d.runtime;
    out["runtime"] = {{"warm", r.warm}, {"sessions", r.sessions}, {"isolation", r.isolation}};
    if (r.worker_pid) out["runtime"]["worker_pid"] = *r.worker_pid;
  }
  const control::ConnectionInfo& c = d.connection;
  out["connection"] = {
      {"host", c.host}, {"port", c.port}, {"database", c.database}, {"sslmode", c.sslmode},
      {"psql", c.psql}, {"jdbc", c.jdbc}, {"odbc", c.odbc},         {"dbt_profile", c.dbt_profile}};
  return out;
}

json to_json(const control::AuditEntry& e) {
  return {{"id", e.id},
          {"at", e.at},
          {"actor", e.actor},
          {"action", e.action},
          {"target", or_null(e.target)},
          {"detail", e.detail}};
}

json to_json(const control::StorageGrant& g) {
  return {{"storage", g.storage}, {"role", g.role}, {"privilege", g.privilege},
          {"granted_at", g.granted_at}};
}

json to_json(const control::StorageRecord& s) {
  json out = {{"name", s.name}, {"kind", s.kind}, {"created_at", s.created_at}};
  if (s.kind == "local") {
    out["path"] = s.path.empty() ? json(nullptr) : json(s.path);
  } else {
    out.update({{"endpoint", s.endpoint},
                {"bucket", s.bucket},
                {"prefix", s.prefix},
                {"region", s.region},
                {"url_style", s.url_style},
                {"access_key_id", s.access_key_id}});
  }
  return out;
}

}  // namespace ducklings::http
