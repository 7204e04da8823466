// What the gateway sends DuckDB for PostgreSQL input: the rewritten text of each case. The
// answers these statements give are checked end to end in tests/compat/rewrites_test.py.
#include "sql/rewrite.h"

#include <gtest/gtest.h>

#include "sql/column_origin.h"
#include "sql/parser.h"

namespace ducklings::sql {
namespace {

Statement one(const std::string& sql) { return analyze({sql, 0}); }

std::string rewritten(const std::string& sql) {
  auto out = rewrite_for_duckdb(one(sql));
  std::string joined;
  for (const auto& s : out) joined += (joined.empty() ? "" : "; ") + s;
  return joined;
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

TEST(Rewrite, AnyOverAnArrayBecomesAFold) {
  std::string out = rewritten("SELECT 1 WHERE 2 = ANY(ARRAY[1, 2])");
  // Each comparison scores 2 (true), 1 (NULL) or 0 (false); ANY takes the best, ALL the worst.
  EXPECT_TRUE(contains(out, "CASE WHEN ARRAY[1, 2] IS NULL THEN NULL ELSE CASE COALESCE(list_max(list_transform("
                       "ARRAY[1, 2], __duckgres_e -> COALESCE(CAST(2 = __duckgres_e AS int4) * 2, 1))), 0) "
                       "WHEN 2 THEN true WHEN 1 THEN NULL ELSE false END END")) << out;
  out = rewritten("SELECT 1 WHERE 2 <> ALL(ARRAY[1])");
  EXPECT_TRUE(contains(out, "list_min(") && contains(out, "2) WHEN 0 THEN false")) << out;
  // An untyped '{…}' is the array it spells.
  out = rewritten("SELECT 1 WHERE 'a' = ANY('{a,b}')");
  EXPECT_TRUE(contains(out, "list_transform(ARRAY['a', 'b'],")) << out;
  // A subquery stays as it is.
  EXPECT_FALSE(contains(rewritten("SELECT 1 WHERE 2 = ANY(SELECT 1)"), "list_max"));
}

TEST(Rewrite, JsonKeysKeepTheirPrecedence) {
  // The operators become calls (sql/rewrite_json.cpp): a key that starts with '$' is a key, and
  // the operator keeps binding tighter than LIKE and AND, as in PostgreSQL.
  std::string out = rewritten(
      "SELECT count(*) FROM t WHERE event = 'e' AND properties->>'$current_url' LIKE 'https://q/%'");
  EXPECT_TRUE(contains(out, "AND __pgj_get_text(properties, '$current_url') LIKE 'https://q/%'")) << out;
  EXPECT_TRUE(contains(rewritten("SELECT j -> 'k' -> 0 FROM t"), "__pgj_get(__pgj_get(j, 'k'), 0)"))
      << rewritten("SELECT j -> 'k' -> 0 FROM t");
  EXPECT_TRUE(contains(rewritten("SELECT j #>> '{a,b}' FROM t"), "__pgj_path_text(j, ARRAY['a', 'b']::text[])"))
      << rewritten("SELECT j #>> '{a,b}' FROM t");
  // Not a constant key: a DuckDB lambda stays as it is.
  EXPECT_TRUE(contains(rewritten("SELECT list_transform(l, x -> x + 1) FROM t"), "x -> (x + 1)"))
      << rewritten("SELECT list_transform(l, x -> x + 1) FROM t");
}

TEST(Rewrite, DistinctAggregatesReadTheirInputSorted) {
  // PostgreSQL sorts a DISTINCT aggregate's input; DuckDB's comes in hash order.
  std::string out = rewritten("SELECT array_agg(DISTINCT id % 2) FROM p");
  EXPECT_TRUE(contains(out, "list_sort(array_agg(DISTINCT __duckgres_mod(id, 2)), 'ASC', 'NULLS LAST')")) << out;
  out = rewritten("SELECT string_agg(DISTINCT name, ',') FROM p");
  EXPECT_TRUE(contains(out, "ORDER BY name)")) << out;
  out = rewritten("SELECT json_agg(DISTINCT name) FROM p");
  EXPECT_TRUE(contains(out, "list(DISTINCT name ORDER BY name)")) << out;
  // An ORDER BY of its own stays.
  out = rewritten("SELECT array_agg(DISTINCT id ORDER BY id DESC) FROM p");
  EXPECT_TRUE(contains(out, "array_agg(DISTINCT id ORDER BY id DESC)")) << out;
}

TEST(Rewrite, UnnestReadsEveryDimension) {
  std::string out = rewritten("SELECT unnest('{{1,2},{3,4}}'::int[])");
  EXPECT_TRUE(contains(out, "unnest(flatten(")) << out;
  out = rewritten("SELECT unnest(ARRAY[[[1]], [[2]]])");
  EXPECT_TRUE(contains(out, "unnest(flatten(flatten(")) << out;
  EXPECT_FALSE(contains(rewritten("SELECT unnest('{1,2}'::int[])"), "flatten"));
  EXPECT_FALSE(contains(rewritten("SELECT unnest(tags) FROM posts"), "flatten"));
}

TEST(Rewrite, ArrayLiteralsBecomeConstructors) {
  EXPECT_TRUE(contains(rewritten("SELECT '{1,2}'::int[]"), "ARRAY['1', '2']::int[]"));
  EXPECT_TRUE(contains(rewritten("SELECT '{{1},{2}}'::int[]"), "::int[][]"));
}

TEST(Rewrite, SerialColumnsGetASequence) {
  std::string out = rewritten("CREATE TABLE public.t (id serial PRIMARY KEY, v bigserial)");
  // serial is integer: its sequence ends at integer's maximum, as PostgreSQL's AS integer.
  EXPECT_TRUE(contains(out, "CREATE OR REPLACE SEQUENCE \"main\".\"t_id_seq\" MAXVALUE 2147483647; ")) << out;
  EXPECT_TRUE(contains(out, "CREATE OR REPLACE SEQUENCE \"main\".\"t_v_seq\"; ")) << out;
  EXPECT_TRUE(contains(out, "id int4 PRIMARY KEY DEFAULT nextval('\"main\".\"t_id_seq\"')")) << out;
  EXPECT_TRUE(contains(out, "v int8 DEFAULT nextval('\"main\".\"t_v_seq\"') NOT NULL")) << out;
}

TEST(Rewrite, DatabaseQualifiersGo) {
  EXPECT_EQ(rewritten("CREATE VIEW \"db\".\"s\".\"v\" AS SELECT 1"), "CREATE VIEW s.v AS SELECT 1");
  EXPECT_EQ(rewritten("DROP TABLE IF EXISTS db.s.t CASCADE"), "DROP TABLE IF EXISTS s.t CASCADE");
  // COMMENT ON COLUMN's three names are schema, table and column.
  EXPECT_EQ(rewritten("COMMENT ON COLUMN s.t.c IS 'x'"), "");
  // dbt's snapshot merge names its target's columns with the database too.
  std::string out = rewritten("UPDATE \"db\".\"s\".\"t\" SET a = x.a FROM u AS x WHERE x.id = \"db\".\"s\".\"t\".id");
  EXPECT_TRUE(contains(out, "UPDATE s.t SET") && contains(out, "x.id = s.t.id") && !contains(out, "db")) << out;
  EXPECT_EQ(rewritten("SELECT db.public.t.a FROM db.public.t"), "SELECT main.t.a FROM main.t");
}

TEST(Rewrite, IndexNamesAreQuoted) {
  // libpg_query prints CREATE INDEX's name bare; dbt's are md5s, which may start with a digit.
  EXPECT_EQ(deparse(*one("CREATE UNIQUE INDEX IF NOT EXISTS \"4a5b\" ON s.t (a)").tree),
            "CREATE UNIQUE INDEX IF NOT EXISTS \"4a5b\" ON s.t USING btree (a)");
  EXPECT_EQ(deparse(*one("CREATE INDEX \"My \"\"idx\"\"\" ON t (a)").tree),
            "CREATE INDEX \"My \"\"idx\"\"\" ON t USING btree (a)");
}

TEST(Rewrite, DuckDbKeywordsAreQuoted) {
  EXPECT_EQ(rewritten("SELECT at FROM t"), "SELECT \"at\" FROM t");
  EXPECT_FALSE(contains(rewritten("SELECT ts AT TIME ZONE 'UTC' FROM t"), "\"at\""));  // the keyword stays
  EXPECT_EQ(rewritten("SELECT columns FROM t"), "SELECT \"columns\" FROM t");
}

TEST(Rewrite, VectorColumnsCountFromZero) {
  EXPECT_TRUE(contains(rewritten("SELECT indkey[0] FROM pg_index"), "indkey[0 + 1]"));
  EXPECT_TRUE(contains(rewritten("SELECT indkey FROM pg_index"), "array_to_string(indkey, ' ') AS indkey"));
  EXPECT_EQ(result_type_overrides(one("SELECT indexrelid, indkey FROM pg_index")), (std::vector<int32_t>{0, 22}));
}

TEST(Rewrite, SelectListSeriesAreUnnested) {
  EXPECT_TRUE(contains(rewritten("SELECT generate_series(1, 3)"), "unnest(system.main.generate_series(1, 3))"));
  EXPECT_EQ(rewritten("SELECT * FROM generate_series(1, 3) g"), "SELECT * FROM generate_series(1, 3) g(g)");
}

TEST(Rewrite, AlterTableOfAView) {
  Statement s = one("ALTER TABLE db.s.v RENAME TO w");
  auto target = altered_table(s);
  ASSERT_TRUE(target);
  EXPECT_EQ(target->first, "s");
  EXPECT_EQ(target->second, "v");
  alter_as_view(s);
  EXPECT_EQ(rewrite_for_duckdb(s), std::vector<std::string>{"ALTER VIEW s.v RENAME TO w"});
}

TEST(ColumnOrigins, PlainColumnsStarsAndComputedOnes) {
  auto o = select_origins(one("SELECT o.id, c.*, id + 1 AS x, name FROM s.orders o JOIN customers c ON true"));
  ASSERT_TRUE(o);
  ASSERT_EQ(o->relations.size(), 2u);
  EXPECT_EQ(o->relations[0].schema, "s");
  EXPECT_EQ(o->relations[0].alias, "o");
  ASSERT_EQ(o->targets.size(), 4u);
  EXPECT_EQ(o->targets[0].relation, 0);
  EXPECT_EQ(o->targets[0].column, "id");
  EXPECT_TRUE(o->targets[1].star);
  EXPECT_EQ(o->targets[1].relation, 1);
  EXPECT_TRUE(o->targets[2].computed);
  EXPECT_EQ(o->targets[3].relation, -1);  // unqualified: found by name
  EXPECT_FALSE(select_origins(one("SELECT 1 UNION SELECT 2")));
  auto cte = select_origins(one("WITH c AS (SELECT 1 AS a) SELECT a FROM c"));
  ASSERT_TRUE(cte);
  EXPECT_TRUE(cte->relations[0].opaque);
}

}  // namespace
}  // namespace ducklings::sql

namespace ducklings::sql {
namespace {

TEST(Rewrite, RegressionAggregatesUsePostgresAlgorithmOutsideWindows) {
  EXPECT_TRUE(contains(rewritten("SELECT corr(x, y), regr_slope(y, x) FILTER (WHERE x > 0) FROM t"), "__pg_corr("));
  EXPECT_TRUE(contains(rewritten("SELECT regr_slope(y, x) FROM t GROUP BY g"), "__pg_regr_slope("));
  // DuckDB's window and sorted-aggregate operators would give the C API aggregate one state for
  // many rows: those calls keep DuckDB's own aggregate.
  EXPECT_FALSE(contains(rewritten("SELECT corr(x, y) OVER () FROM t"), "__pg_corr"));
  EXPECT_FALSE(contains(rewritten("SELECT corr(x, y ORDER BY x) FROM t"), "__pg_corr"));
}

}  // namespace
}  // namespace ducklings::sql
