#include "modeling/model.h"

#include <regex>

#include "control/control_plane.h"
#include "jobs/schedule.h"
#include "sql/quoting.h"

namespace ducklings::modeling {
namespace {
using json = nlohmann::json;
using control::Refusal;
using control::RefusedError;

constexpr int64_t kMinSchedule = 15 * 60, kMaxSchedule = 31 * 86400;

[[noreturn]] void invalid(const std::string& message) {
  throw RefusedError(Refusal::kInvalid, "invalid_request", message);
}

std::string text(const json& body, const char* field, bool required, const std::string& otherwise = "") {
  if (!body.contains(field) || body[field].is_null()) {
    if (required) invalid(std::string("\"") + field + "\" is required");
    return otherwise;
  }
  if (!body[field].is_string()) invalid(std::string("\"") + field + "\" must be a string");
  return body[field].get<std::string>();
}

std::vector<std::string> names(const json& v, const char* field) {
  if (v.is_string()) return {v.get<std::string>()};  // dbt writes a single key as a string
  if (!v.is_array()) invalid(std::string("\"") + field + "\" must be a list of column names");
  std::vector<std::string> out;
  for (const auto& n : v) {
    if (!n.is_string() || n.get<std::string>().empty())
      invalid(std::string("\"") + field + "\" must be a list of column names");
    out.push_back(n.get<std::string>());
  }
  return out;
}

void only_fields(const json& body, std::initializer_list<const char*> known, const std::string& what) {
  for (const auto& [k, v] : body.items()) {
    bool ok = false;
    for (const char* f : known) ok = ok || k == f;
    if (!ok) invalid(what + " has no field \"" + k + "\"");
  }
}

DataTest test_of(const json& t) {
  if (!t.is_object()) invalid("each of \"tests\" is an object with a \"type\"");
  only_fields(t, {"type", "column", "values", "to", "field", "min", "max", "sql", "severity", "name"}, "a test");
  DataTest out;
  out.type = text(t, "type", true);
  out.column = text(t, "column", false);
  out.name = text(t, "name", false);
  std::string severity = text(t, "severity", false, "error");
  if (severity != "error" && severity != "warn") invalid("a test's \"severity\" is error or warn");
  out.blocking = severity == "error";
  bool needs_column = out.type == "not_null" || out.type == "unique" || out.type == "accepted_values" ||
                      out.type == "relationships";
  if (needs_column && out.column.empty()) invalid("a " + out.type + " test names its \"column\"");
  if (out.type == "accepted_values") {
    if (!t.contains("values") || !t["values"].is_array() || t["values"].empty())
      invalid("an accepted_values test lists its \"values\"");
    out.values = t["values"];
  } else if (out.type == "relationships") {
    out.to = text(t, "to", true);
    out.field = text(t, "field", true);
  } else if (out.type == "row_count") {
    for (const char* f : {"min", "max"}) {
      if (!t.contains(f)) continue;
      if (!t[f].is_number_integer()) invalid(std::string("a row_count test's \"") + f + "\" is an integer");
      (std::string(f) == "min" ? out.min : out.max) = t[f].get<int64_t>();
    }
    if (!out.min && !out.max) invalid("a row_count test has \"min\", \"max\" or both");
  } else if (out.type == "sql") {
    out.sql = text(t, "sql", true);
  } else if (!needs_column) {
    invalid("a test's \"type\" is not_null, unique, accepted_values, relationships, row_count or sql");
  }
  if (out.name.empty()) out.name = out.type + (out.column.empty() ? "" : "(" + out.column + ")");
  return out;
}

json test_json(const DataTest& t) {
  json out = {{"type", t.type}, {"name", t.name}, {"severity", t.blocking ? "error" : "warn"}};
  if (!t.column.empty()) out["column"] = t.column;
  if (t.type == "accepted_values") out["values"] = t.values;
  if (t.type == "relationships") out["to"] = t.to, out["field"] = t.field;
  if (t.min) out["min"] = *t.min;
  if (t.max) out["max"] = *t.max;
  if (t.type == "sql") out["sql"] = t.sql;
  return out;
}

std::string qi(const std::string& s) { return sql::quote_identifier(s); }

}  // namespace

bool valid_model_name(const std::string& name) {
  static const std::regex pattern("^[A-Za-z_$][A-Za-z0-9_.$]*$");
  return name.size() <= 63 && std::regex_match(name, pattern);
}

json ModelSpec::to_json() const {
  json out = {{"name", name},         {"sql", sql},
              {"dialect", dialect},   {"materialization", materialization},
              {"schema", schema},     {"schedule", schedule.empty() ? json("manual") : json(schedule)},
              {"schedule_seconds", schedule_seconds},
              {"description", description},
              {"incremental", nullptr}, {"tests", json::array()}};
  if (incremental) {
    out["incremental"] = {{"incremental_key", incremental->key},
                          {"unique_key", incremental->unique_key},
                          {"lookback_seconds", incremental->lookback_seconds},
                          {"strategy", incremental->strategy}};
  }
  for (const auto& t : tests) out["tests"].push_back(test_json(t));
  return out;
}

ModelSpec ModelSpec::from_json(const json& body, const std::string& default_schema) {
  if (!body.is_object()) invalid("a model is a JSON object");
  ModelSpec m;
  m.name = text(body, "name", true);
  if (!valid_model_name(m.name))
    invalid("\"name\" must match ^[A-Za-z_$][A-Za-z0-9_.$]*$ (at most 63 characters)");
  m.sql = text(body, "sql", true);
  if (m.sql.find_first_not_of(" \t\r\n;") == std::string::npos) invalid("\"sql\" is empty");
  m.description = text(body, "description", false);
  m.dialect = text(body, "dialect", false, "postgres");
  if (m.dialect != "postgres" && m.dialect != "duckdb") invalid("\"dialect\" is postgres or duckdb");
  m.materialization = text(body, "materialization", false, "table");
  if (m.materialization != "view" && m.materialization != "table" && m.materialization != "incremental")
    invalid("\"materialization\" is view, table or incremental");
  m.schema = text(body, "schema", false, default_schema);
  static const std::regex schema_pattern("^[a-z_][a-z0-9_$]*$");
  if (!std::regex_match(m.schema, schema_pattern) || m.schema.size() > 63 || m.schema.rfind("pg_", 0) == 0 ||
      m.schema.rfind("duckgres", 0) == 0 || m.schema == "information_schema" || m.schema == "system" ||
      m.schema == "main")
    invalid("\"schema\" must be a lower-case identifier that is not a system schema");
  const json& inc = body.contains("incremental") ? body["incremental"] : json();
  if (m.materialization == "incremental") {
    if (!inc.is_object()) invalid("an incremental model has \"incremental\": {\"incremental_key\", \"unique_key\", \"lookback_seconds\"}");
    only_fields(inc, {"incremental_key", "unique_key", "lookback_seconds", "strategy"}, "\"incremental\"");
    IncrementalSettings s;
    s.key = text(inc, "incremental_key", true);
    if (inc.contains("unique_key") && !inc["unique_key"].is_null()) s.unique_key = names(inc["unique_key"], "unique_key");
    if (inc.contains("lookback_seconds") && !inc["lookback_seconds"].is_null()) {
      if (!inc["lookback_seconds"].is_number_integer() || inc["lookback_seconds"].get<int64_t>() < 0)
        invalid("\"lookback_seconds\" is a number of seconds, 0 or more");
      s.lookback_seconds = inc["lookback_seconds"].get<int64_t>();
    }
    s.strategy = text(inc, "strategy", false, "merge");
    if (s.strategy != "merge" && s.strategy != "delete+insert") invalid("\"strategy\" is merge or delete+insert");
    if (s.unique_key.empty() && s.lookback_seconds > 0)
      invalid("a lookback needs a \"unique_key\": without one, rows read again would be appended twice");
    m.incremental = s;
  } else if (!inc.is_null()) {
    invalid("\"incremental\" is for the incremental materialization");
  }
  if (body.contains("schedule") && !body["schedule"].is_null()) {
    try {
      m.schedule_seconds = jobs::schedule_seconds(body["schedule"]);
    } catch (const std::invalid_argument& e) {
      invalid(std::string("\"schedule\" must be ") + e.what());
    }
    if (m.schedule_seconds != 0 && (m.schedule_seconds < kMinSchedule || m.schedule_seconds > kMaxSchedule))
      invalid("\"schedule\" must be between 15 minutes and a month, or manual");
    m.schedule = body["schedule"].is_string() ? body["schedule"].get<std::string>() : std::to_string(m.schedule_seconds);
  }
  if (body.contains("tests") && !body["tests"].is_null()) {
    if (!body["tests"].is_array()) invalid("\"tests\" is a list of tests");
    for (const auto& t : body["tests"]) m.tests.push_back(test_of(t));
  }
  return m;
}

std::string data_test_sql(const DataTest& t, const std::string& relation) {
  std::string c = qi(t.column);
  std::string failing;
  if (t.type == "not_null") {
    failing = "SELECT 1 FROM " + relation + " WHERE " + c + " IS NULL";
  } else if (t.type == "unique") {
    failing = "SELECT " + c + " FROM " + relation + " WHERE " + c + " IS NOT NULL GROUP BY " + c + " HAVING count(*) > 1";
  } else if (t.type == "accepted_values") {
    std::string list;
    for (const auto& v : t.values) {
      list += (list.empty() ? "" : ", ") + sql::quote_literal(v.is_string() ? v.get<std::string>() : v.dump());
    }
    failing = "SELECT 1 FROM " + relation + " WHERE " + c + " IS NOT NULL AND CAST(" + c + " AS VARCHAR) NOT IN (" + list + ")";
  } else if (t.type == "relationships") {
    failing = "SELECT 1 FROM " + relation + " AS child WHERE child." + c + " IS NOT NULL AND NOT EXISTS (SELECT 1 FROM " +
              t.to + " AS parent WHERE parent." + qi(t.field) + " = child." + c + ")";
  } else if (t.type == "row_count") {
    std::string n = "(SELECT count(*) FROM " + relation + ")";
    std::string bad;
    if (t.min) bad = n + " < " + std::to_string(*t.min);
    if (t.max) bad += (bad.empty() ? "" : " OR ") + n + " > " + std::to_string(*t.max);
    return "SELECT CASE WHEN " + bad + " THEN 1 ELSE 0 END";
  } else {
    failing = t.sql;
  }
  return "SELECT count(*) FROM (" + failing + ") AS failing";
}

std::string data_test_assertion(const DataTest& t, const std::string& relation) {
  std::string failed = sql::quote_literal("data test " + t.name + " failed: ");
  if (t.type == "row_count") {
    std::string bad, expected;
    if (t.min) bad = "n < " + std::to_string(*t.min), expected = "at least " + std::to_string(*t.min);
    if (t.max) {
      bad += (bad.empty() ? "" : " OR ") + std::string("n > ") + std::to_string(*t.max);
      expected += (expected.empty() ? "" : " and ") + std::string("at most ") + std::to_string(*t.max);
    }
    return "SELECT CASE WHEN " + bad + " THEN error(" + failed + " || n || " +
           sql::quote_literal(" rows, expected " + expected) + ") END FROM (SELECT count(*) FROM " + relation +
           ") AS t(n)";
  }
  return "SELECT CASE WHEN n > 0 THEN error(" + failed + " || n || ' failing rows') END FROM (" +
         data_test_sql(t, relation) + ") AS t(n)";
}

}  // namespace ducklings::modeling
