// Models from a dbt project's compiled manifest.json (ModelEngine::import_manifest).
#include <map>
#include <set>

#include "modeling/runner.h"
#include "modeling/runner_internal.h"

namespace ducklings::modeling {
namespace {
using json = nlohmann::json;
using control::Refusal;
using control::RefusedError;
using namespace detail;
}  // namespace

json ModelEngine::import_manifest(const std::string& org, int64_t team_id, const json& body) {
  const json& manifest = body.contains("manifest") ? body["manifest"] : body;
  if (!manifest.is_object() || !manifest.contains("nodes") || !manifest["nodes"].is_object())
    invalid("\"manifest\" is a dbt manifest.json (an object with \"nodes\")");
  std::string schema_override = body.value("schema", std::string());
  std::string team_schema = control_.get_team(org, team_id).schema_name;
  // Generic tests attach to the model they depend on.
  std::map<std::string, json> tests;
  for (const auto& [id, node] : manifest["nodes"].items()) {
    if (node.value("resource_type", "") != "test" || !node.contains("test_metadata")) continue;
    const json& meta = node["test_metadata"];
    const json& kwargs = meta.value("kwargs", json::object());
    std::string on = node.value("attached_node", std::string());
    if (on.empty() && node.contains("depends_on")) {
      for (const auto& d : node["depends_on"].value("nodes", json::array()))
        if (d.get<std::string>().rfind("model.", 0) == 0) on = d;
    }
    std::string type = meta.value("name", "");
    json test = {{"type", type}};
    if (kwargs.contains("column_name")) test["column"] = kwargs["column_name"];
    if (type == "accepted_values") test["values"] = kwargs.value("values", json::array());
    if (type == "relationships") {
      // to: "ref('customers')" → the model's name
      std::string to = kwargs.value("to", "");
      auto a = to.find('\''), b = to.rfind('\'');
      test["to"] = a != std::string::npos && b > a ? to.substr(a + 1, b - a - 1) : to;
      test["field"] = kwargs.value("field", "");
    }
    if (node.contains("config") && node["config"].value("severity", "ERROR") == "warn") test["severity"] = "warn";
    if (node.contains("config") && node["config"].value("severity", "ERROR") == "WARN") test["severity"] = "warn";
    if (type == "not_null" || type == "unique" || type == "accepted_values" || type == "relationships")
      tests[on].push_back(test);
  }
  json imported = json::array(), skipped = json::array();
  std::vector<std::pair<std::string, json>> bodies;
  for (const auto& [id, node] : manifest["nodes"].items()) {
    if (node.value("resource_type", "") != "model") continue;
    const json& config = node.value("config", json::object());
    std::string materialized = config.value("materialized", "view");
    std::string name = node.value("alias", json()).is_string() ? node["alias"].get<std::string>() : node.value("name", "");
    std::string code = node.value("compiled_code", node.value("compiled_sql", std::string()));
    if (code.empty()) {
      skipped.push_back({{"name", name}, {"reason", "not compiled (run dbt compile first)"}});
      continue;
    }
    json m = {{"name", name}, {"sql", code}, {"description", node.value("description", "")}};
    m["schema"] = !schema_override.empty() ? schema_override : node.value("schema", team_schema);
    if (materialized == "materialized_view") materialized = "table";
    if (materialized == "incremental") {
      json unique = config.value("unique_key", json());
      std::string key = config.contains("meta") ? config["meta"].value("incremental_key", "") : "";
      if (key.empty()) key = config.value("incremental_key", "");
      if (key.empty()) {
        materialized = "table";  // no watermark column named: rebuilt whole
      } else {
        m["incremental"] = {{"incremental_key", key},
                            {"unique_key", unique.is_null() ? json::array() : unique},
                            {"strategy", config.value("incremental_strategy", "merge") == "delete+insert" ? "delete+insert" : "merge"}};
      }
    }
    if (materialized != "view" && materialized != "table" && materialized != "incremental") {
      skipped.push_back({{"name", name}, {"reason", "materialization " + materialized + " is not a model's"}});
      continue;
    }
    m["materialization"] = materialized;
    if (tests.count(id)) m["tests"] = tests[id];
    bodies.emplace_back(name, m);
  }
  // Upstream models first, so each one's references resolve as it is saved.
  std::set<std::string> names;
  for (const auto& [n, _] : bodies) names.insert(n);
  for (size_t pass = 0; pass <= bodies.size() && !bodies.empty(); ++pass) {
    std::vector<std::pair<std::string, json>> later;
    for (auto& [name, m] : bodies) {
      try {
        bool exists = true;
        try {
          control_.get_model(org, team_id, name);
        } catch (const RefusedError&) {
          exists = false;
        }
        if (exists) {
          json change = m;
          change.erase("name");
          update(org, team_id, name, change);
        } else {
          save(org, team_id, ModelSpec::from_json(m, team_schema), true);
        }
        imported.push_back(name);
      } catch (const RefusedError& e) {
        if (pass < bodies.size()) later.emplace_back(name, m);
        else skipped.push_back({{"name", name}, {"reason", e.what()}});
      }
    }
    if (later.size() == bodies.size()) {
      for (auto& [name, m] : later) {
        try {
          save(org, team_id, ModelSpec::from_json(m, team_schema), true);
          imported.push_back(name);
        } catch (const RefusedError& e) {
          skipped.push_back({{"name", name}, {"reason", e.what()}});
        }
      }
      break;
    }
    bodies = std::move(later);
  }
  return {{"imported", imported}, {"skipped", skipped}};
}

// ---- runs ----

}  // namespace ducklings::modeling
