#include "modeling/analysis.h"

#include <gtest/gtest.h>

namespace ducklings::modeling {
namespace {

const DuckParse kNoDuck = [](const std::string&) -> nlohmann::json { throw std::runtime_error("no DuckDB here"); };

TEST(ModelAnalysis, ReadsRelationsButNotCtes) {
  auto a = analyze_query(
      "with recent as (select * from events where timestamp > now() - interval '1 day') "
      "select r.distinct_id, p.id from recent r join posthog.persons p on p.id = r.person_id "
      "where r.event in (select event from marts.top_events)",
      "postgres", kNoDuck);
  ASSERT_TRUE(a.postgres);
  std::vector<RelationRef> want = {{"", "events"}, {"posthog", "persons"}, {"marts", "top_events"}};
  std::sort(a.reads.begin(), a.reads.end());
  std::sort(want.begin(), want.end());
  EXPECT_EQ(a.reads, want);
}

TEST(ModelAnalysis, RefusesWhatIsNotOneQuery) {
  EXPECT_THROW(analyze_query("delete from events", "postgres", kNoDuck), std::invalid_argument);
  EXPECT_THROW(analyze_query("select 1; select 2", "postgres", kNoDuck), std::invalid_argument);
  EXPECT_THROW(analyze_query("selec 1", "postgres", kNoDuck), std::invalid_argument);
  EXPECT_THROW(analyze_query("select 1 into t", "postgres", kNoDuck), std::invalid_argument);
}

TEST(ModelAnalysis, DuckDbDialectReadThroughDuckDbsParser) {
  DuckParse parse = [](const std::string&) {
    return nlohmann::json::parse(R"({"error": false, "statements": [{"node": {"from_table": {"type": "BASE_TABLE",
      "schema_name": "team_1", "table_name": "events", "query_location": 5}, "cte_map": {"map": [{"key": "x"}]}},
      "query_location": 0}, {"from_table": {"type": "BASE_TABLE", "schema_name": "", "table_name": "x"}}]})");
  };
  auto a = analyze_query("FROM team_1.events SELECT event GROUP BY ALL", "duckdb", parse);
  EXPECT_FALSE(a.postgres);
  EXPECT_EQ(a.reads, (std::vector<RelationRef>{{"team_1", "events"}}));
  EXPECT_EQ(a.fingerprint_basis.find("query_location"), std::string::npos);
  // Without the DuckDB dialect, PostgreSQL's grammar decides.
  EXPECT_THROW(analyze_query("FROM team_1.events SELECT event", "postgres", parse), std::invalid_argument);
}

TEST(ModelAnalysis, ColumnLineageThroughExpressionsAndAliases) {
  auto a = analyze_query(
      "select e.\"$session_id\" as session_id, min(e.timestamp) as started_at, count(*) as n, "
      "p.properties->>'email' as email from events e join persons p on p.id = e.person_id group by 1, 4",
      "postgres", kNoDuck);
  ASSERT_EQ(a.columns.size(), 4u);
  EXPECT_EQ(a.columns[0].name, "session_id");
  EXPECT_EQ(a.columns[0].from, (std::vector<std::pair<RelationRef, std::string>>{{{"", "events"}, "$session_id"}}));
  EXPECT_EQ(a.columns[1].from, (std::vector<std::pair<RelationRef, std::string>>{{{"", "events"}, "timestamp"}}));
  EXPECT_TRUE(a.columns[2].from.empty());
  EXPECT_EQ(a.columns[3].from, (std::vector<std::pair<RelationRef, std::string>>{{{"", "persons"}, "properties"}}));
}

TEST(ModelAnalysis, FingerprintIgnoresLayoutButNotMeaning) {
  auto print = [](const std::string& sql, std::vector<std::string> key) {
    return fingerprint(analyze_query(sql, "postgres", kNoDuck), "incremental", "ended_at", std::move(key));
  };
  std::string base = print("select a, max(t) as ended_at from x group by a", {"a", "b"});
  EXPECT_EQ(base, print("-- sessions\nSELECT a,\n   max(t) AS ended_at   FROM x /* c */ GROUP BY a", {"b", "a"}));
  EXPECT_NE(base, print("select a, max(t) as ended_at from x where a > 1 group by a", {"a", "b"}));
  EXPECT_NE(base, print("select a, max(t) as ended_at from x group by a", {"a"}));
  EXPECT_NE(base, print("select a, max(t) as ended_at from x where a = 'p' group by a", {"a", "b"}));
  EXPECT_NE(print("select a, max(t) as ended_at from x where a = 'p' group by a", {"a"}),
            print("select a, max(t) as ended_at from x where a = 'q' group by a", {"a"}));
}

TEST(ModelAnalysis, ExecutableSqlPointsModelsAtTheirRelations) {
  auto resolve = [](const RelationRef& r) -> std::optional<RelationRef> {
    if (r.name == "sessions") return RelationRef{"team_1", "sessions"};
    if (r.schema == "marts" && r.name == "daily") return RelationRef{"team_1", "marts.daily"};
    return std::nullopt;
  };
  std::string sql = executable_sql(
      "with sessions as (select 1 as n) select s.n, sessions.n, d.day from sessions, team_2.sessions s, marts.daily d",
      resolve);
  // The CTE keeps its name; a model named "marts.daily" is one quoted relation, its references keep working.
  EXPECT_NE(sql.find("FROM sessions,"), std::string::npos) << sql;
  EXPECT_NE(sql.find("team_1.sessions s"), std::string::npos) << sql;
  EXPECT_NE(sql.find("team_1.\"marts.daily\" d"), std::string::npos) << sql;
  EXPECT_EQ(executable_sql("FROM x SELECT 1", resolve), "FROM x SELECT 1");
}

TEST(ModelAnalysis, NarrowingAddsToTheOnlyRelationsWhere) {
  auto none = [](const RelationRef&) -> std::optional<RelationRef> { return std::nullopt; };
  std::string sql = executable_sql("select a, max(t) from events e where kind = 'x' group by a", none,
                                   Narrowing{"t", "2026-01-01 00:00:00+00"});
  EXPECT_NE(sql.find("kind = 'x' AND e.t >= '2026-01-01 00:00:00+00'"), std::string::npos) << sql;
  sql = executable_sql("select a from events", none, Narrowing{"t", "5"});
  EXPECT_NE(sql.find("WHERE events.t >= '5'"), std::string::npos) << sql;
}

TEST(ModelAnalysis, GroupedIncrementOnlyWhereItIsExact) {
  auto g = grouped_increment(
      "select \"$session_id\" as session_id, min(timestamp) as started_at, max(timestamp) as ended_at "
      "from events e where event = '$pageview' group by 1",
      "ended_at", {"session_id"});
  ASSERT_TRUE(g);
  EXPECT_EQ(g->relation, (RelationRef{"", "events"}));
  EXPECT_EQ(g->alias, "e");
  EXPECT_EQ(g->column, "timestamp");
  EXPECT_EQ(g->min_output, "started_at");
  EXPECT_EQ(g->key_expressions, (std::vector<std::string>{"\"$session_id\""}));
  EXPECT_EQ(g->where, "event = '$pageview'");
  // Without min(c), a join, a key that is not grouped, or a key that is not max(c): no narrowing.
  EXPECT_FALSE(grouped_increment("select s, max(t) as e from x group by s", "e", {"s"}));
  EXPECT_FALSE(grouped_increment("select s, min(t) as b, max(t) as e from x, y group by s", "e", {"s"}));
  EXPECT_FALSE(grouped_increment("select s, k, min(t) as b, max(t) as e from x group by s, k", "e", {"k2"}));
  EXPECT_FALSE(grouped_increment("select s, min(t) as b, sum(t) as e from x group by s", "e", {"s"}));
  EXPECT_FALSE(grouped_increment("select s, min(t) as b, max(t) as e from x group by s limit 3", "e", {"s"}));
}

}  // namespace
}  // namespace ducklings::modeling
