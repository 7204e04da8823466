// A model's definition as the API takes it (docs/modeling.md): a named query of a team, its
// materialization, incremental settings, schedule and data tests, checked field by field.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace ducklings::modeling {

struct IncrementalSettings {
  std::string key;                      // an output column: the watermark is its max
  std::vector<std::string> unique_key;  // output columns; empty: rows are appended
  int64_t lookback_seconds = 0;
  std::string strategy = "merge";  // merge | delete+insert
};

// A check of the built rows: not_null, unique (column), accepted_values (column, values),
// relationships (column, to, field), row_count (min, max), sql (a query returning failing rows).
// A blocking (severity "error") test that fails keeps the previous version live.
struct DataTest {
  std::string type, column, to, field, sql, name;
  nlohmann::json values;
  std::optional<int64_t> min, max;
  bool blocking = true;
};

struct ModelSpec {
  std::string name, sql, description;
  std::string dialect = "postgres";       // postgres | duckdb
  std::string materialization = "table";  // view | table | incremental
  std::string schema;                     // where it lands (default: the team's schema)
  std::optional<IncrementalSettings> incremental;
  int64_t schedule_seconds = 0;  // 0: on demand and after its upstream changes only
  std::string schedule;          // as given ("1h", "daily", "manual", …)
  std::vector<DataTest> tests;

  nlohmann::json to_json() const;
  // From a request body (or a stored spec); throws control::RefusedError 400 naming the field.
  static ModelSpec from_json(const nlohmann::json& body, const std::string& default_schema);
};

// Whether `name` may name a model: ^[A-Za-z_$][A-Za-z0-9_.$]*$, at most 63 bytes.
bool valid_model_name(const std::string& name);

// The SQL of a data test over `relation` (qualified and quoted): one row, the failing count.
std::string data_test_sql(const DataTest& test, const std::string& relation);
// A statement that fails ("data test <name> failed: …") when the test does: what a build runs
// in the transaction that swaps its new version in.
std::string data_test_assertion(const DataTest& test, const std::string& relation);

}  // namespace ducklings::modeling
