#include "publish/publication.h"

#include <regex>

#include "control/control_plane.h"
#include "jobs/schedule.h"

namespace ducklings::publish {
namespace {
using json = nlohmann::json;
using control::Refusal;
using control::RefusedError;

constexpr int64_t kMinSchedule = 5 * 60, kMaxSchedule = 24 * 3600;

[[noreturn]] void invalid(const std::string& message) {
  throw RefusedError(Refusal::kInvalid, "invalid_request", message);
}

// A string field of the body: its value, `otherwise` when it is missing or null.
std::string field(const json& body, const char* name, bool required, const std::string& otherwise = "") {
  auto it = body.find(name);
  if (it == body.end() || it->is_null()) {
    if (required) invalid(std::string("\"") + name + "\" is required");
    return otherwise;
  }
  if (!it->is_string()) invalid(std::string("\"") + name + "\" must be a string");
  return it->get<std::string>();
}

// "<schema>.<table>", each part an identifier as written (quotes allowed around either).
std::pair<std::string, std::string> split_source(const std::string& source) {
  static const std::regex pattern(R"re(^\s*(?:"([^"]+)"|([A-Za-z_][A-Za-z0-9_$]*))\.(?:"([^"]+)"|([A-Za-z_][A-Za-z0-9_$]*))\s*$)re");
  std::smatch m;
  if (!std::regex_match(source, m, pattern))
    invalid("\"source\" names a table, view or model as \"<schema>.<table>\"");
  // Unquoted names fold to lower case, as PostgreSQL's do.
  auto part = [&](int quoted, int bare) {
    if (m[quoted].matched) return m[quoted].str();
    std::string s = m[bare].str();
    for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
  };
  return {part(1, 2), part(3, 4)};
}

}  // namespace

std::string PublicationSpec::source() const {
  static const std::regex plain("^[a-z_][a-z0-9_$]*$");
  auto part = [](const std::string& s) { return std::regex_match(s, plain) ? s : "\"" + s + "\""; };
  return part(source_schema) + "." + part(source_table);
}

json PublicationSpec::to_json() const {
  return {{"name", name},
          {"source", source()},
          {"storage", storage},
          {"prefix", prefix},
          {"schedule", schedule.empty() ? json("manual") : json(schedule)},
          {"schedule_seconds", schedule_seconds},
          {"partition_by", partition_by.empty() ? json() : json(partition_by)},
          {"incremental", incremental},
          {"retain_versions", retain_versions},
          {"after_source_build", after_source_build},
          {"description", description}};
}

PublicationSpec PublicationSpec::from_json(const json& body) {
  if (!body.is_object()) invalid("a publication is a JSON object");
  PublicationSpec p;
  p.name = field(body, "name", true);
  // A folder name in every storage and a ClickHouse table name without quoting.
  static const std::regex name_pattern("^[A-Za-z_][A-Za-z0-9_-]{0,62}$");
  if (!std::regex_match(p.name, name_pattern))
    invalid("\"name\" must match ^[A-Za-z_][A-Za-z0-9_-]*$ (at most 63 characters)");
  std::tie(p.source_schema, p.source_table) = split_source(field(body, "source", true));
  p.storage = field(body, "storage", false, "local");
  if (p.storage.empty()) invalid("\"storage\" names one of the organization's storages");
  p.prefix = field(body, "prefix", false);
  while (!p.prefix.empty() && p.prefix.back() == '/') p.prefix.pop_back();
  while (!p.prefix.empty() && p.prefix.front() == '/') p.prefix.erase(0, 1);
  static const std::regex prefix_pattern("^([A-Za-z0-9_.=-]+(/[A-Za-z0-9_.=-]+)*)?$");
  if (!std::regex_match(p.prefix, prefix_pattern) || p.prefix.find("..") != std::string::npos)
    invalid("\"prefix\" is a folder of the storage: names of letters, digits, _ . = - separated by /");
  p.description = field(body, "description", false);
  p.partition_by = field(body, "partition_by", false);
  if (body.contains("incremental") && !body["incremental"].is_null()) {
    if (!body["incremental"].is_boolean()) invalid("\"incremental\" must be true or false");
    p.incremental = body["incremental"].get<bool>();
  }
  if (body.contains("after_source_build") && !body["after_source_build"].is_null()) {
    if (!body["after_source_build"].is_boolean()) invalid("\"after_source_build\" must be true or false");
    p.after_source_build = body["after_source_build"].get<bool>();
  }
  if (p.incremental && p.partition_by.empty())
    invalid("an incremental publication needs \"partition_by\": it rewrites the date partitions that changed");
  if (body.contains("retain_versions") && !body["retain_versions"].is_null()) {
    const json& r = body["retain_versions"];
    if (!r.is_number_integer() || r.get<int64_t>() < 2 || r.get<int64_t>() > 1000)
      invalid("\"retain_versions\" is a number of versions from 2 (the live one and the one before) to 1000");
    p.retain_versions = r.get<int>();
  }
  if (body.contains("schedule") && !body["schedule"].is_null()) {
    try {
      p.schedule_seconds = jobs::schedule_seconds(body["schedule"]);
    } catch (const std::invalid_argument& e) {
      invalid(std::string("\"schedule\" must be ") + e.what());
    }
    if (p.schedule_seconds != 0 && (p.schedule_seconds < kMinSchedule || p.schedule_seconds > kMaxSchedule))
      invalid("\"schedule\" must be between 5 minutes and 24 hours, or manual");
    p.schedule = body["schedule"].is_string() ? body["schedule"].get<std::string>() : std::to_string(p.schedule_seconds);
  }
  return p;
}

std::optional<std::string> refused_source(const std::string& schema, const std::string& table, bool team_schema) {
  static const char* system_schemas[] = {"pg_catalog", "information_schema", "system", "temp", "pg_temp"};
  for (const char* s : system_schemas)
    if (schema == s) return "\"" + schema + "\" is a system or catalog schema: only a team's tables, views and models are published";
  if (schema.rfind("pg_", 0) == 0 || schema.rfind("duckgres", 0) == 0)
    return "\"" + schema + "\" is the server's internal schema: only a team's tables, views and models are published";
  if (table.rfind("__", 0) == 0 || table.rfind("duckdb_", 0) == 0)
    return "\"" + schema + "." + table + "\" is an internal table of the server";
  static const char* raw_tables[] = {"events", "persons", "person_distinct_ids", "groups", "group_type_mapping"};
  for (const char* raw : raw_tables)
    if (team_schema && table == raw)
      return "\"" + schema + "." + table + "\" is a raw PostHog table: publish a model over it (sessions, daily counts, …) instead";
  return std::nullopt;
}

}  // namespace ducklings::publish
