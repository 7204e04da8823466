#include "sql/function_policy.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "duck/duck.h"
#include "sql/parser.h"
#include "sql/privileges.h"
#include "sql/statement.h"

namespace ducklings::sql {
namespace {

bool refused(std::string_view name) {
  const auto& r = refused_functions();
  return std::find(r.begin(), r.end(), name) != r.end();
}

// Every function of the pinned DuckDB is decided: allowed below owner (in an expression or in
// FROM), naming a relation, or reviewed and refused. A DuckDB upgrade that brings a function
// fails here until someone puts it in one list or the other.
TEST(FunctionPolicy, EveryDuckDbFunctionIsReviewed) {
  duck::Database db("", {});
  auto conn = db.connect();
  duck::Result r = conn->query(
      "SELECT DISTINCT lower(function_name) FROM duckdb_functions() WHERE database_name = "
      "'system' AND function_type <> 'pragma' ORDER BY 1");  // PRAGMA: the sandbox refuses
  std::vector<std::string> undecided;
  size_t total = 0;
  while (duck::DataChunk chunk = r.fetch()) {
    for (idx_t row = 0; row < chunk.size(); ++row) {
      std::string name = *chunk.varchar(0, row);
      ++total;
      bool word = std::all_of(name.begin(), name.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
      });
      if (!word || name.rfind("__internal", 0) == 0) continue;  // operators, internals
      if (function_use(name, false) != FunctionUse::kNotAllowed ||
          function_use(name, true) != FunctionUse::kNotAllowed || refused(name)) {
        continue;
      }
      undecided.push_back(name);
    }
  }
  EXPECT_GT(total, 500u);
  EXPECT_TRUE(undecided.empty()) << "not reviewed: " << ::testing::PrintToString(undecided);
}

TEST(FunctionPolicy, FunctionsThatRunSqlReadFilesOrShowTheServerAreNotAllowed) {
  for (const char* name :
       {"query", "query_table", "json_execute_serialized_sql", "json_serialize_plan", "read_blob",
        "read_csv", "glob", "duckdb_tables", "duckdb_columns", "duckdb_settings",
        "duckdb_databases", "duckdb_functions", "summary", "sql_auto_complete", "checkpoint"}) {
    EXPECT_EQ(function_use(name, true), FunctionUse::kNotAllowed) << name;
    EXPECT_EQ(function_use(name, false), FunctionUse::kNotAllowed) << name;
    EXPECT_TRUE(refused(name)) << name;
  }
  // histogram is an aggregate in an expression and a table scan by name in FROM.
  EXPECT_EQ(function_use("histogram", false), FunctionUse::kAllowed);
  EXPECT_EQ(function_use("histogram", true), FunctionUse::kNotAllowed);
}

TEST(FunctionPolicy, ComputationsAndCatalogFunctionsAreAllowed) {
  for (const char* name : {"upper", "sum", "row_number", "date_trunc", "json_extract",
                           "format_type", "pg_get_userbyid", "to_char", "icu_collate_de"}) {
    EXPECT_EQ(function_use(name, false), FunctionUse::kAllowed) << name;
  }
  for (const char* name : {"generate_series", "unnest", "range", "json_each"}) {
    EXPECT_EQ(function_use(name, true), FunctionUse::kAllowed) << name;
  }
  EXPECT_EQ(function_use("nextval", false), FunctionUse::kNamesRelation);
  EXPECT_EQ(function_use("pragma_table_info", true), FunctionUse::kNamesRelation);
}

StatementAccess access_of(const std::string& sql) {
  return analyze_access(analyze({sql, 0}));
}

TEST(FunctionPolicy, TheGrantCheckSeesEveryCall) {
  auto a = access_of("SELECT * FROM query_table('team_2.secret')");
  EXPECT_EQ(a.functions_not_allowed, std::vector<std::string>{"query_table"});
  a = access_of("SELECT (SELECT max(v) FROM QUERY($1)), upper('x')");
  EXPECT_EQ(a.functions_not_allowed, std::vector<std::string>{"query"});
  a = access_of("WITH x AS (SELECT * FROM main.duckdb_tables()) SELECT * FROM x");
  EXPECT_EQ(a.functions_not_allowed, std::vector<std::string>{"duckdb_tables"});
  a = access_of("SELECT team_1.my_macro(1)");
  EXPECT_TRUE(a.owner_only);
  a = access_of("SELECT upper(v), count(*) FROM t GROUP BY 1");
  EXPECT_TRUE(a.functions_not_allowed.empty());
  EXPECT_FALSE(a.owner_only);
}

TEST(FunctionPolicy, RelationFunctionsNeedAPrivilegeOnTheirRelation) {
  auto a = access_of("SELECT nextval('team_2.seq')");
  ASSERT_EQ(a.needs.size(), 1u);
  EXPECT_EQ(a.needs[0].privilege, Privilege::kUpdate);
  EXPECT_EQ(a.needs[0].schema, "team_2");
  EXPECT_EQ(a.needs[0].table, "seq");
  a = access_of("SELECT * FROM pragma_table_info('\"Team\".\"T\"')");
  ASSERT_EQ(a.needs.size(), 1u);
  EXPECT_EQ(a.needs[0].privilege, Privilege::kSelect);
  EXPECT_EQ(a.needs[0].schema, "Team");
  EXPECT_EQ(a.needs[0].table, "T");
  EXPECT_TRUE(access_of("SELECT nextval($1)").owner_only);
}

TEST(FunctionPolicy, DuckDbsOwnCatalogViewsNeedTheOwner) {
  EXPECT_TRUE(access_of("SELECT * FROM system.main.duckdb_tables").owner_only);
  EXPECT_TRUE(access_of("SELECT * FROM pg_catalog.pg_prepared_statements").owner_only);
  EXPECT_FALSE(access_of("SELECT * FROM pg_catalog.pg_class").owner_only);
  EXPECT_TRUE(is_engine_catalog_view("sqlite_master"));
  EXPECT_TRUE(is_engine_catalog_view("duckdb_tables"));
  EXPECT_FALSE(is_engine_catalog_view("events"));
}

// Statements built to exhaust a parser's stack or the planner's memory are refused before
// any parser sees them; ordinary wide statements are not.
TEST(StatementDepth, TooDeepStatementsAreRefusedWithoutRecursion) {
  auto refused_as_complex = [](const std::string& sql) {
    ParseError e;
    auto tree = parse(sql, &e);
    return !tree && e.too_complex;
  };
  std::string terms = "SELECT 1";
  for (int i = 0; i < 50000; ++i) terms += "+1";
  EXPECT_TRUE(refused_as_complex(terms));
  EXPECT_TRUE(
      refused_as_complex("SELECT " + std::string(10000, '(') + "1" + std::string(10000, ')')));
  EXPECT_TRUE(refused_as_complex("SELECT " + std::string(100, '[') + "1" + std::string(100, ']')));
  std::string cast = "SELECT x::int";
  for (int i = 0; i < 40; ++i) cast += "[]";
  EXPECT_TRUE(refused_as_complex(cast));
  // 1,000 levels of a+… parse (DuckDB's own limit decides), as do wide statements.
  std::string chain = "SELECT 1";
  for (int i = 0; i < 500; ++i) chain += "+1";
  EXPECT_FALSE(refused_as_complex(chain));
  std::string wide = "SELECT 1";
  for (int i = 0; i < 20000; ++i) wide += ", 1+1";
  EXPECT_FALSE(refused_as_complex(wide));
  std::string ors = "SELECT 1 WHERE a = 0";
  for (int i = 0; i < 20000; ++i) ors += " OR a = " + std::to_string(i);
  EXPECT_FALSE(refused_as_complex(ors));
  std::string values = "INSERT INTO t VALUES (1, -1)";
  for (int i = 0; i < 20000; ++i) values += ", (1, -1)";
  EXPECT_FALSE(refused_as_complex(values));
  EXPECT_FALSE(refused_as_complex("SELECT '" + std::string(10000, '(') + "'"));
  EXPECT_FALSE(refused_as_complex("SELECT ARRAY[[1, 2], [3, 4]]::int[][]"));
}

}  // namespace
}  // namespace ducklings::sql
