// A model's build (ModelEngine::build): the stage, the swap with its blocking tests, and the
// incremental merge from the watermark less the lookback.
#include <spdlog/spdlog.h>

#include "common/digest.h"
#include "common/errors.h"
#include "modeling/runner.h"
#include "modeling/runner_internal.h"

namespace ducklings::modeling {
namespace {
using json = nlohmann::json;
using control::Refusal;
using control::RefusedError;
using namespace detail;

// How a run reads the watermark back: the key's type decides how the lookback is taken off.
enum class KeyKind { kTemporal, kNumber, kOther };

KeyKind key_kind(const std::string& duck_type) {
  if (duck_type.rfind("TIMESTAMP", 0) == 0 || duck_type == "DATE") return KeyKind::kTemporal;
  static const char* numbers[] = {"TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "UTINYINT", "USMALLINT",
                                  "UINTEGER", "UBIGINT", "FLOAT", "DOUBLE", "DECIMAL"};
  for (const char* n : numbers)
    if (duck_type.rfind(n, 0) == 0) return KeyKind::kNumber;
  return KeyKind::kOther;
}

// PostgreSQL's name for the DuckDB type of a key (the run's SQL is PostgreSQL's dialect).
std::string pg_type(const std::string& duck_type) {
  if (duck_type == "TIMESTAMP WITH TIME ZONE") return "timestamptz";
  if (duck_type.rfind("TIMESTAMP", 0) == 0) return "timestamp";
  if (duck_type == "DATE") return "date";
  if (duck_type.rfind("DECIMAL", 0) == 0) return "numeric";
  if (duck_type == "DOUBLE" || duck_type == "FLOAT") return "double precision";
  return "bigint";
}

}  // namespace

void ModelEngine::build(const Job& job, const TeamModels& team, json& run) {
  const ModelSpec& spec = team.specs.at(job.model);
  const json& state = team.records.at(job.model).state;
  auto sql_of = [&](const std::string& s) { return run_sql(job.org, job.model, s); };
  auto value = [&](const std::string& s) -> std::optional<std::string> {
    auto r = sql_of(s);
    if (r.rows.empty() || r.rows[0].empty()) return std::nullopt;
    return r.rows[0][0];
  };
  QueryAnalysis analysis = analyze(job.org, spec);
  std::string print = fingerprint(analysis, spec.materialization, spec.incremental ? spec.incremental->key : "",
                                  spec.incremental ? spec.incremental->unique_key : std::vector<std::string>{});
  run["fingerprint"] = print;
  std::string schema = qi(spec.schema);
  std::string landing = schema + "." + qi(spec.name);
  sql_of("CREATE SCHEMA IF NOT EXISTS " + schema);
  // Relations of the team's schema are read unqualified, as its users write them.
  std::set<std::string> team_relations;
  for (const auto& r : sql_of("SELECT table_name FROM duckdb_tables() WHERE schema_name = " + ql(team.team_schema) +
                              " UNION ALL SELECT view_name FROM duckdb_views() WHERE schema_name = " + ql(team.team_schema))
                           .rows)
    if (r[0]) team_relations.insert(*r[0]);
  auto resolve = [&](const RelationRef& ref) -> std::optional<RelationRef> {
    if (const ModelSpec* m = team.model_named(ref)) return RelationRef{m->schema, m->name};
    if (ref.schema.empty() && team_relations.count(ref.name)) return RelationRef{team.team_schema, ref.name};
    return std::nullopt;
  };
  // What the relation is now: a view, a table, or nothing.
  auto existing = [&]() -> std::string {
    auto v = value("SELECT (SELECT count(*) FROM duckdb_views() WHERE schema_name = " + ql(spec.schema) +
                   " AND view_name = " + ql(spec.name) + ") || ',' || (SELECT count(*) FROM duckdb_tables() WHERE "
                   "schema_name = " + ql(spec.schema) + " AND table_name = " + ql(spec.name) + ")");
    return !v ? "" : v->rfind("0,", 0) != 0 ? "view" : *v != "0,0" ? "table" : "";
  };
  std::string was = existing();
  std::string drop_old = was == "view" ? "DROP VIEW IF EXISTS " + landing + "; " : was == "table" ? "DROP TABLE IF EXISTS " + landing + "; " : "";
  // Blocking tests fail the swap's transaction, so the old version stays; the others are
  // reported after it.
  auto blocking_checks = [&]() {
    std::string out;
    for (const auto& t : spec.tests)
      if (t.blocking) out += executable_sql(data_test_assertion(t, landing), resolve) + "; ";
    return out;
  };
  // Runs the transaction that puts the new version in place; a failed blocking test says so
  // in the run's tests.
  auto swap = [&](const std::string& transaction) {
    try {
      sql_of(transaction);
    } catch (const SqlError& e) {
      std::string message = e.what();
      for (const auto& t : spec.tests) {
        if (t.blocking && message.find("data test " + t.name + " failed: ") != std::string::npos)
          run["tests"].push_back({{"name", t.name}, {"severity", "error"}, {"status", "failed"}, {"message", message}});
      }
      throw;
    }
  };
  auto report_tests = [&]() {
    for (const auto& t : spec.tests) {
      json result = {{"name", t.name}, {"severity", t.blocking ? "error" : "warn"}};
      if (t.blocking) {
        result["status"] = "passed";
        result["failures"] = 0;
      } else {
        try {
          auto n = value(executable_sql(data_test_sql(t, landing), resolve));
          int64_t failures = n ? std::stoll(*n) : 0;
          result["status"] = failures ? "warn" : "passed";
          result["failures"] = failures;
        } catch (const std::exception& e) {
          result["status"] = "error";
          result["error"] = e.what();
        }
      }
      run["tests"].push_back(result);
    }
  };
  auto check_cancel = [&] {
    if (cancelled(job.run_id)) throw Cancelled();
  };
  // Stages a stopped server left behind.
  std::string stage_prefix = "__model_stage_" + sha256_hex(spec.name).substr(0, 8) + "_";
  for (const auto& r : sql_of("SELECT table_name FROM duckdb_tables() WHERE schema_name = " + ql(spec.schema) +
                              " AND starts_with(table_name, " + ql(stage_prefix) + ")")
                           .rows)
    if (r[0]) sql_of("DROP TABLE IF EXISTS " + schema + "." + qi(*r[0]));
  std::string stage_name = stage_prefix + random_hex(4);
  std::string stage = schema + "." + qi(stage_name);

  if (spec.materialization == "view") {
    run["mode"] = "full_refresh";
    std::string body = executable_sql(spec.sql, resolve);
    check_cancel();
    swap("BEGIN; " + (was == "table" ? drop_old : std::string()) + "CREATE OR REPLACE VIEW " + landing + " AS " + body +
         "; " + blocking_checks() + "COMMIT");
    report_tests();
    run["rows"] = nullptr;
    return;
  }

  bool incremental = spec.incremental && !job.full_refresh && was == "table" && state.value("watermark", json()).is_string() &&
                     state.value("fingerprint", "") == print;
  struct DropStage {
    std::function<void()> f;
    ~DropStage() {
      if (f) f();
    }
  } drop_stage{[&] {
    try {
      sql_of("DROP TABLE IF EXISTS " + stage);
    } catch (const std::exception&) {
    }
  }};
  if (!incremental) {
    run["mode"] = "full_refresh";
    sql_of("CREATE TABLE " + stage + " AS " + executable_sql(spec.sql, resolve));
    check_cancel();
    int64_t rows = std::stoll(value("SELECT count(*) FROM " + stage).value_or("0"));
    if (spec.incremental && !spec.incremental->unique_key.empty()) {
      std::string uk;
      for (const auto& k : spec.incremental->unique_key) uk += (uk.empty() ? "" : ", ") + qi(k);
      auto dup = value("SELECT count(*) - count(DISTINCT (" + uk + ")) FROM " + stage);
      if (dup && *dup != "0") throw std::runtime_error("the unique key (" + uk + ") is not unique in the model's rows (" + *dup + " repeated)");
    }
    swap("BEGIN; " + drop_old + "ALTER TABLE " + stage + " RENAME TO " + qi(spec.name) + "; " + blocking_checks() + "COMMIT");
    drop_stage.f = nullptr;
    run["rows"] = rows;
  } else {
    run["mode"] = "incremental";
    const IncrementalSettings& inc = *spec.incremental;
    auto type_row = value("SELECT data_type FROM duckdb_columns() WHERE schema_name = " + ql(spec.schema) +
                          " AND table_name = " + ql(spec.name) + " AND column_name = " + ql(inc.key));
    if (!type_row) throw std::runtime_error("the incremental key " + inc.key + " is not a column of " + spec.schema + "." + spec.name);
    KeyKind kind = key_kind(*type_row);
    std::string watermark = state["watermark"].get<std::string>();
    std::string typed = kind == KeyKind::kOther ? ql(watermark) : "CAST(" + ql(watermark) + " AS " + pg_type(*type_row) + ")";
    std::string since = typed;  // rows with key >= since are read again
    if (inc.lookback_seconds > 0 && kind == KeyKind::kTemporal)
      since = "(" + typed + " - interval '" + std::to_string(inc.lookback_seconds) + " seconds')";
    else if (inc.lookback_seconds > 0 && kind == KeyKind::kNumber)
      since = "(" + typed + " - " + std::to_string(inc.lookback_seconds) + ")";
    std::string since_text = value("SELECT CAST(" + since + " AS text)").value_or(watermark);
    std::string since_sql = kind == KeyKind::kOther ? ql(since_text) : "CAST(" + ql(since_text) + " AS " + pg_type(*type_row) + ")";
    std::optional<Narrowing> narrowing;
    if (analysis.postgres && !inc.unique_key.empty()) {
      if (auto g = grouped_increment(spec.sql, inc.key, inc.unique_key)) {
        // Groups touched since `since` are rebuilt from their first row on.
        RelationRef rel = resolve(g->relation).value_or(g->relation);
        std::string rel_sql = (rel.schema.empty() ? "" : qi(rel.schema) + ".") + qi(rel.name);
        // A join with the keys of the rows read again, not a correlated EXISTS: DuckDB runs that
        // one as a delim join over every group of the model (15.5 s against 0.8 s for 6.5M
        // sessions over 10M events, bench/models_bench.py).
        std::string keys, match;
        for (size_t i = 0; i < inc.unique_key.size(); ++i) {
          std::string k = qi("k" + std::to_string(i));
          keys += (i ? ", " : "") + g->key_expressions[i] + " AS " + k;
          match += (i ? " AND t." : "t.") + qi(inc.unique_key[i]) + " = touched." + k;
        }
        std::string touched = "SELECT min(t." + qi(g->min_output) + ") FROM " + landing + " AS t JOIN (SELECT DISTINCT " + keys +
                              " FROM " + rel_sql + " AS " + qi(g->alias) + " WHERE " + qi(g->alias) + "." + qi(g->column) +
                              " >= " + since_sql + (g->where.empty() ? "" : " AND (" + g->where + ")") + ") AS touched ON " + match;
        auto lower = value("SELECT CAST(least(" + since_sql + ", (" + touched + ")) AS text)");
        narrowing = Narrowing{g->column, lower.value_or(since_text)};
      }
    }
    std::string body = executable_sql(spec.sql, resolve, narrowing);
    std::string op = inc.unique_key.empty() ? " > " : " >= ";
    std::string from = inc.unique_key.empty() ? typed : since_sql;
    sql_of("CREATE TABLE " + stage + " AS SELECT * FROM (" + body + ") AS model_rows WHERE model_rows." + qi(inc.key) + op + from);
    check_cancel();
    int64_t rows = std::stoll(value("SELECT count(*) FROM " + stage).value_or("0"));
    std::vector<std::string> columns;
    for (const auto& r : sql_of("SELECT column_name FROM duckdb_columns() WHERE schema_name = " + ql(spec.schema) +
                                " AND table_name = " + ql(stage_name) + " ORDER BY column_index")
                             .rows)
      columns.push_back(*r[0]);
    std::string list;
    for (const auto& c : columns) list += (list.empty() ? "" : ", ") + qi(c);
    std::string merge = "BEGIN; ";
    if (inc.unique_key.empty()) {
      merge += "INSERT INTO " + landing + " (" + list + ") SELECT " + list + " FROM " + stage + "; ";
    } else {
      std::string uk, on;
      for (const auto& k : inc.unique_key) {
        uk += (uk.empty() ? "" : ", ") + qi(k);
        on += (on.empty() ? "" : " AND ") + std::string("t.") + qi(k) + " = s." + qi(k);
      }
      auto dup = value("SELECT count(*) - count(DISTINCT (" + uk + ")) FROM " + stage);
      if (dup && *dup != "0") throw std::runtime_error("the unique key (" + uk + ") is not unique in the model's new rows (" + *dup + " repeated)");
      // Both strategies leave the same rows: a matched row takes every column of its new version
      // (its keys are equal). DuckDB deletes and inserts them in half the time it updates them
      // and inserts the others (one join with the model instead of two; 0.9 s against 1.9 s for
      // 89k of 6.5M sessions, bench/models_bench.py).
      merge += "DELETE FROM " + landing + " AS t WHERE EXISTS (SELECT 1 FROM " + stage + " AS s WHERE " + on + "); ";
      merge += "INSERT INTO " + landing + " (" + list + ") SELECT " + list + " FROM " + stage + "; ";
    }
    swap(merge + blocking_checks() + "COMMIT");
    run["rows"] = rows;
    run["read_from"] = narrowing ? json(narrowing->literal) : json(since_text);
  }
  report_tests();
  run["watermark"] = nullptr;
  if (spec.incremental) {
    if (auto w = value("SELECT CAST(max(" + qi(spec.incremental->key) + ") AS text) FROM " + landing)) run["watermark"] = *w;
  }
}

}  // namespace ducklings::modeling
