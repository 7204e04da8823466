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

// PostgreSQL's name for the DuckDB type of a unique key column, for the casts that make the key
// index's hashes of the source's expressions and of the model's columns agree; none: no index.
std::optional<std::string> cast_name(const std::string& duck_type) {
  static const std::map<std::string, std::string> names = {
      {"VARCHAR", "text"},       {"BIGINT", "bigint"},         {"INTEGER", "integer"},
      {"SMALLINT", "smallint"},  {"BOOLEAN", "boolean"},       {"DOUBLE", "double precision"},
      {"FLOAT", "real"},         {"DATE", "date"},             {"TIMESTAMP", "timestamp"},
      {"UUID", "uuid"},          {"TIMESTAMP WITH TIME ZONE", "timestamptz"}};
  if (auto it = names.find(duck_type); it != names.end()) return it->second;
  if (duck_type.rfind("DECIMAL(", 0) == 0) return "numeric" + duck_type.substr(7);
  return std::nullopt;
}

// The key index of an incremental model with a unique key: (h, k[, lo]) per row of the model,
// h the hash of its unique key, k its incremental key, lo its first value when it is a grouped
// model. A run finds the rows of the model its new rows replace by a scan of h, not of the key
// columns (6.7M sessions: 50 ms against 700 ms), and then only rows with k at least the
// smallest k found need their keys compared. Its rows are as many as the model's when it is
// right: a run that counts otherwise rebuilds it and merges without it. A 64-bit hash that
// collides makes a run read more rows, never fewer.
struct KeyIndex {
  std::string table, name;
  std::vector<std::string> casts;  // per unique key column
  std::string min_output;          // the grouped model's min column, or empty

  std::string hash(const std::vector<std::string>& expressions) const {
    std::string out;
    for (size_t i = 0; i < expressions.size(); ++i)
      out += (i ? ", " : "") + std::string("CAST(") + expressions[i] + " AS " + casts[i] + ")";
    return "hash(" + out + ")";
  }
  // The index's rows for rows of `relation` (the model or its stage).
  std::string rows_of(const std::string& relation, const std::vector<std::string>& unique_key,
                      const std::string& key) const {
    std::vector<std::string> columns;
    for (const auto& k : unique_key) columns.push_back(qi(k));
    return "SELECT " + hash(columns) + " AS h, " + qi(key) + " AS k" +
           (min_output.empty() ? "" : ", " + qi(min_output) + " AS lo") + " FROM " + relation;
  }
};

// The rows CREATE TABLE … AS wrote, from its command tag ("SELECT n"; a statement in DuckDB's
// dialect answers "CREATE").
std::optional<int64_t> rows_of_tag(const std::string& tag) {
  auto space = tag.rfind(' ');
  if (space == std::string::npos || tag.compare(0, space, "SELECT") != 0) return std::nullopt;
  return std::stoll(tag.substr(space + 1));
}

}  // namespace

void ModelEngine::build(const Job& job, const TeamModels& team, json& run) {
  const ModelSpec& spec = team.specs.at(job.model);
  const json& state = team.records.at(job.model).state;
  // One session for the whole build: each statement alone would start one (~15 ms each).
  std::unique_ptr<gateway::Session> session = gateway_.open({job.org, "model " + job.model, "", {}, true});
  auto sql_of = [&](const std::string& s) { return run_sql(job.org, job.model, s, session.get()); };
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
  // What the catalog says, in one request: the relations of the team's schema (read unqualified,
  // as its users write them), what the model's relation is now (a view, a table or nothing)
  // with its columns, and the stages a stopped server left behind.
  std::string stage_prefix = "__model_stage_" + sha256_hex(spec.name).substr(0, 8) + "_";
  std::set<std::string> team_relations;
  std::map<std::string, std::string> landing_types;  // column → DuckDB type
  std::vector<std::string> stale_stages;
  std::string was;
  for (const auto& r :
       sql_of("SELECT 'relation', table_name, NULL FROM duckdb_tables() WHERE schema_name = " + ql(team.team_schema) +
              " UNION ALL SELECT 'relation', view_name, NULL FROM duckdb_views() WHERE schema_name = " + ql(team.team_schema) +
              " UNION ALL SELECT 'view', view_name, NULL FROM duckdb_views() WHERE schema_name = " + ql(spec.schema) +
              " AND view_name = " + ql(spec.name) + " UNION ALL SELECT 'column', column_name, data_type FROM duckdb_columns() "
              "WHERE schema_name = " + ql(spec.schema) + " AND table_name = " + ql(spec.name) +
              " UNION ALL SELECT 'table', table_name, NULL FROM duckdb_tables() WHERE schema_name = " + ql(spec.schema) +
              " AND table_name = " + ql(spec.name) + " UNION ALL SELECT 'stage', table_name, NULL FROM duckdb_tables() WHERE "
              "schema_name = " + ql(spec.schema) + " AND starts_with(table_name, " + ql(stage_prefix) + ")")
           .rows) {
    if (!r[0] || !r[1]) continue;
    if (*r[0] == "relation") team_relations.insert(*r[1]);
    if (*r[0] == "view") was = "view";
    if (*r[0] == "table" && was.empty()) was = "table";
    if (*r[0] == "column" && r[2]) landing_types[*r[1]] = *r[2];
    if (*r[0] == "stage") stale_stages.push_back(*r[1]);
  }
  auto resolve = [&](const RelationRef& ref) -> std::optional<RelationRef> {
    if (const ModelSpec* m = team.model_named(ref)) return RelationRef{m->schema, m->name};
    if (ref.schema.empty() && team_relations.count(ref.name)) return RelationRef{team.team_schema, ref.name};
    return std::nullopt;
  };
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
  for (const auto& stale : stale_stages) sql_of("DROP TABLE IF EXISTS " + schema + "." + qi(stale));
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
  bool keyed = spec.incremental && !spec.incremental->unique_key.empty();
  std::optional<std::string> next_watermark;
  std::optional<GroupedIncrement> grouped;
  if (keyed && analysis.postgres)
    grouped = grouped_increment(spec.sql, spec.incremental->key, spec.incremental->unique_key);
  std::string index_table = key_index_table(spec.schema, spec.name);
  // The key index over a relation of the model's columns, when every unique key column has a
  // type the casts can name.
  auto key_index = [&](const std::string& relation_name) -> std::optional<KeyIndex> {
    if (!keyed) return std::nullopt;
    std::map<std::string, std::string> types = relation_name == spec.name ? landing_types : std::map<std::string, std::string>{};
    if (relation_name != spec.name) {
      for (const auto& r : sql_of("SELECT column_name, data_type FROM duckdb_columns() WHERE schema_name = " +
                                  ql(spec.schema) + " AND table_name = " + ql(relation_name))
                               .rows)
        if (r[0] && r[1]) types[*r[0]] = *r[1];
    }
    KeyIndex index{index_table, key_index_name(spec.schema, spec.name), {}, grouped ? grouped->min_output : ""};
    for (const auto& k : spec.incremental->unique_key) {
      auto t = types.find(k);
      auto name = t == types.end() ? std::nullopt : cast_name(t->second);
      if (!name) return std::nullopt;
      index.casts.push_back(*name);
    }
    if (!types.count(spec.incremental->key) || (grouped && !types.count(grouped->min_output))) return std::nullopt;
    return index;
  };
  if (!incremental) {
    run["mode"] = "full_refresh";
    auto tagged = rows_of_tag(sql_of("CREATE TABLE " + stage + " AS " + executable_sql(spec.sql, resolve)).tag);
    int64_t rows = tagged ? *tagged : std::stoll(value("SELECT count(*) FROM " + stage).value_or("0"));
    check_cancel();
    std::string index_swap = "DROP TABLE IF EXISTS " + index_table + "; ";
    if (keyed) {
      // A grouped model's unique key is its GROUP BY: unique by construction.
      std::string uk;
      for (const auto& k : spec.incremental->unique_key) uk += (uk.empty() ? "" : ", ") + qi(k);
      auto dup = grouped ? std::nullopt : value("SELECT count(*) - count(DISTINCT (" + uk + ")) FROM " + stage);
      if (dup && *dup != "0") throw std::runtime_error("the unique key (" + uk + ") is not unique in the model's rows (" + *dup + " repeated)");
      if (auto index = key_index(stage_name)) {
        std::string fresh = "duckgres_meta." + qi(index->name + "_new");
        sql_of("DROP TABLE IF EXISTS " + fresh + "; CREATE TABLE " + fresh + " AS " +
               index->rows_of(stage, spec.incremental->unique_key, spec.incremental->key));
        index_swap += "ALTER TABLE " + fresh + " RENAME TO " + qi(index->name) + "; ";
        run["key_index"] = "built";
      }
    }
    check_cancel();
    swap("BEGIN; " + drop_old + "ALTER TABLE " + stage + " RENAME TO " + qi(spec.name) + "; " + index_swap +
         blocking_checks() + "COMMIT");
    drop_stage.f = nullptr;
    run["rows"] = rows;
  } else {
    run["mode"] = "incremental";
    const IncrementalSettings& inc = *spec.incremental;
    auto key_type = landing_types.find(inc.key);
    auto type_row = key_type == landing_types.end() ? std::nullopt : std::optional<std::string>(key_type->second);
    if (!type_row) throw std::runtime_error("the incremental key " + inc.key + " is not a column of " + spec.schema + "." + spec.name);
    KeyKind kind = key_kind(*type_row);
    auto typed_literal = [&](const std::string& text) {
      return kind == KeyKind::kOther ? ql(text) : "CAST(" + ql(text) + " AS " + pg_type(*type_row) + ")";
    };
    std::string watermark = state["watermark"].get<std::string>();
    std::string typed = typed_literal(watermark);
    std::string since = typed;  // rows with key >= since are read again
    if (inc.lookback_seconds > 0 && kind == KeyKind::kTemporal)
      since = "(" + typed + " - interval '" + std::to_string(inc.lookback_seconds) + " seconds')";
    else if (inc.lookback_seconds > 0 && kind == KeyKind::kNumber)
      since = "(" + typed + " - " + std::to_string(inc.lookback_seconds) + ")";
    std::string since_text = value("SELECT CAST(" + since + " AS text)").value_or(watermark);
    std::string since_sql = typed_literal(since_text);
    // The key index this model can have, and whether it is current: there, with as many rows
    // as the model (otherwise this run merges without it and rebuilds it).
    std::optional<KeyIndex> index = key_index(spec.name);
    bool index_current = false;
    if (index) {
      try {
        auto counts = sql_of("SELECT (SELECT count(*) FROM " + index_table + "), (SELECT count(*) FROM " + landing + ")");
        index_current = counts.rows.at(0).at(0) == counts.rows.at(0).at(1);
        if (!index_current)
          spdlog::info("model {} of {}: its key index has {} rows for {} in the model; rebuilt by this run", spec.name,
                       job.org, counts.rows.at(0).at(0).value_or("?"), counts.rows.at(0).at(1).value_or("?"));
      } catch (const SqlError&) {
        // none yet (a model built before the index)
      }
    }
    // What the index says of the model's rows the new rows replace: the smallest incremental key
    // among them (none: no row is replaced), whether one has none, and for a grouped model the
    // smallest first value.
    std::optional<std::string> replaced_from;
    bool replaced_unbounded = !index_current;
    std::optional<Narrowing> narrowing;
    std::string touched;  // a temporary table of the touched keys' hashes, when made
    if (grouped) {
      // Groups touched since `since` are rebuilt from their first row on.
      RelationRef rel = resolve(grouped->relation).value_or(grouped->relation);
      std::string rel_sql = (rel.schema.empty() ? "" : qi(rel.schema) + ".") + qi(rel.name);
      std::string read_again = " FROM " + rel_sql + " AS " + qi(grouped->alias) + " WHERE " + qi(grouped->alias) + "." +
                               qi(grouped->column) + " >= " + since_sql +
                               (grouped->where.empty() ? "" : " AND (" + grouped->where + ")");
      std::optional<std::string> lower;
      if (index_current) {
        // The touched keys' hashes first, in a temporary table: DuckDB then knows how few they are
        // and builds its join on them, not on the index (46 ms against 25 ms for 450k sessions).
        touched = qi(stage_name + "_touched");
        sql_of("CREATE TEMP TABLE " + touched + " AS SELECT DISTINCT " + index->hash(grouped->key_expressions) + " AS h" +
               read_again);
        auto r = sql_of("SELECT CAST(least(" + since_sql + ", min(lo)) AS text), CAST(min(k) AS text), count(*) FILTER "
                        "(WHERE k IS NULL) FROM " + index_table + " WHERE h IN (SELECT h FROM " + touched + ")");
        lower = r.rows.at(0).at(0);
        replaced_from = r.rows.at(0).at(1);
        replaced_unbounded = r.rows.at(0).at(2).value_or("0") != "0";
      } else {
        // A join with the keys of the rows read again, not a correlated EXISTS: DuckDB runs that
        // one as a delim join over every group of the model (15.5 s against 0.8 s for 6.5M
        // sessions over 10M events, bench/models_bench.py).
        std::string keys, match;
        for (size_t i = 0; i < inc.unique_key.size(); ++i) {
          std::string k = qi("k" + std::to_string(i));
          keys += (i ? ", " : "") + grouped->key_expressions[i] + " AS " + k;
          match += (i ? " AND t." : "t.") + qi(inc.unique_key[i]) + " = touched." + k;
        }
        std::string touched_min = "SELECT min(t." + qi(grouped->min_output) + ") FROM " + landing + " AS t JOIN (SELECT DISTINCT " +
                              keys + read_again + ") AS touched ON " + match;
        lower = value("SELECT CAST(least(" + since_sql + ", (" + touched_min + ")) AS text)");
      }
      narrowing = Narrowing{grouped->column, lower.value_or(since_text)};
    }
    std::string body = executable_sql(spec.sql, resolve, narrowing);
    std::string op = inc.unique_key.empty() ? " > " : " >= ";
    std::string from = inc.unique_key.empty() ? typed : since_sql;
    // The new rows only feed the merge: a temporary table, which writes nothing to the duckling's
    // log (the session keeps it until the build ends).
    stage = qi(stage_name);
    auto tagged = rows_of_tag(sql_of("CREATE TEMP TABLE " + stage + " AS SELECT * FROM (" + body + ") AS model_rows WHERE model_rows." +
                                     qi(inc.key) + op + from)
                                  .tag);
    int64_t rows = tagged ? *tagged : std::stoll(value("SELECT count(*) FROM " + stage).value_or("0"));
    check_cancel();
    std::string uk, on;
    for (const auto& k : inc.unique_key) {
      uk += (uk.empty() ? "" : ", ") + qi(k);
      on += (on.empty() ? "" : " AND ") + std::string("t.") + qi(k) + " = s." + qi(k);
    }
    // The largest new key: when it is at least the watermark it is the next one (every other
    // row of the model is at most the watermark), with no scan of the model.
    auto facts = sql_of("SELECT CAST(max(" + qi(inc.key) + ") AS text), CASE WHEN max(" + qi(inc.key) + ") >= " + typed +
                        " THEN 1 ELSE 0 END, " + (uk.empty() || grouped ? std::string("0") : "count(*) - count(DISTINCT (" + uk + "))") +
                        " FROM " + stage);
    std::string dup = facts.rows.at(0).at(2).value_or("0");
    if (dup != "0") throw std::runtime_error("the unique key (" + uk + ") is not unique in the model's new rows (" + dup + " repeated)");
    if (facts.rows.at(0).at(1).value_or("0") == "1") next_watermark = facts.rows.at(0).at(0);
    if (rows == 0) next_watermark = watermark;  // the model is as it was
    std::vector<std::string> stage_keys;
    for (const auto& k : inc.unique_key) stage_keys.push_back(qi(k));
    if (index_current && !grouped && rows > 0) {
      auto r = sql_of("SELECT CAST(min(k) AS text), count(*) FILTER (WHERE k IS NULL) FROM " + index_table +
                      " WHERE h IN (SELECT " + index->hash(stage_keys) + " FROM " + stage + ")");
      replaced_from = r.rows.at(0).at(0);
      replaced_unbounded = r.rows.at(0).at(1).value_or("0") != "0";
    }
    std::vector<std::string> columns;
    for (const auto& r : sql_of("SELECT column_name FROM duckdb_columns() WHERE database_name = 'temp' AND table_name = " +
                                ql(stage_name) + " ORDER BY column_index")
                             .rows)
      columns.push_back(*r[0]);
    std::string list;
    for (const auto& c : columns) list += (list.empty() ? "" : ", ") + qi(c);
    std::string merge = "BEGIN; ";
    if (keyed && rows > 0 && (replaced_unbounded || replaced_from)) {
      // Both strategies leave the same rows: a matched row takes every column of its new version
      // (its keys are equal). DuckDB deletes and inserts them in half the time it updates them
      // and inserts the others (one join with the model instead of two; 0.9 s against 1.9 s for
      // 89k of 6.5M sessions, bench/models_bench.py). With the index's bound, the key columns
      // of only the rows past it are compared (170 ms against 720 ms).
      std::string bound = replaced_unbounded ? "" : "t." + qi(inc.key) + " >= " + typed_literal(*replaced_from) + " AND ";
      merge += "DELETE FROM " + landing + " AS t WHERE " + bound + "EXISTS (SELECT 1 FROM " + stage + " AS s WHERE " + on + "); ";
    }
    if (rows > 0) merge += "INSERT INTO " + landing + " (" + list + ") SELECT " + list + " FROM " + stage + "; ";
    if (index_current) {
      if (rows > 0 && (replaced_unbounded || replaced_from))
        merge += "DELETE FROM " + index_table + " WHERE " +
                 (replaced_unbounded ? "" : "k >= " + typed_literal(*replaced_from) + " AND ") + "h IN (SELECT " +
                 index->hash(stage_keys) + " FROM " + stage + "); ";
      if (rows > 0) merge += "INSERT INTO " + index_table + " " + index->rows_of(stage, inc.unique_key, inc.key) + "; ";
      run["key_index"] = "used";
    } else if (index) {
      merge += "DROP TABLE IF EXISTS " + index_table + "; CREATE TABLE " + index_table + " AS " +
               index->rows_of(landing, inc.unique_key, inc.key) + "; ";
      run["key_index"] = "rebuilt";
    }
    // The temporary tables go with the transaction (a failed one leaves them to drop_stage and
    // the session's end).
    merge += "DROP TABLE " + stage + "; " + (touched.empty() ? "" : "DROP TABLE " + touched + "; ");
    swap(merge + blocking_checks() + "COMMIT");
    drop_stage.f = nullptr;
    run["rows"] = rows;
    run["read_from"] = narrowing ? json(narrowing->literal) : json(since_text);
  }
  report_tests();
  run["watermark"] = nullptr;
  if (next_watermark) {
    run["watermark"] = *next_watermark;
  } else if (spec.incremental) {
    if (auto w = value("SELECT CAST(max(" + qi(spec.incremental->key) + ") AS text) FROM " + landing)) run["watermark"] = *w;
  }
}

}  // namespace ducklings::modeling
