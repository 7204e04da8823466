// TABLESAMPLE in PostgreSQL's meaning (a percentage), as the gateway sends it to DuckDB.
#include <gtest/gtest.h>

#include "common/errors.h"
#include "sql/parser.h"
#include "sql/rewrite.h"

namespace ducklings::sql {
namespace {

std::string rewritten(const std::string& sql) {
  auto out = rewrite_for_duckdb(analyze({sql, 0}));
  return out.empty() ? "" : out[0];
}

std::string sqlstate_of(const std::string& sql) {
  try {
    rewritten(sql);
  } catch (const SqlError& e) {
    return e.sqlstate();
  }
  return "";
}

TEST(RewriteSample, PercentBecomesAFilterOnTheRelation) {
  std::string out = rewritten("SELECT count(*) FROM t TABLESAMPLE SYSTEM (10)");
  EXPECT_NE(out.find("FROM (SELECT * FROM t WHERE random() <"), std::string::npos) << out;
  EXPECT_NE(out.find(") t"), std::string::npos) << out;  // the relation's name stays its alias
  EXPECT_EQ(out.find("TABLESAMPLE"), std::string::npos) << out;
  out = rewritten("SELECT x.a FROM s.t AS x (a) TABLESAMPLE bernoulli (2.5) JOIN u ON true");
  EXPECT_NE(out.find("(SELECT * FROM s.t WHERE"), std::string::npos) << out;
  EXPECT_NE(out.find(") x(a)"), std::string::npos) << out;
}

TEST(RewriteSample, RepeatableHashesTheRowAndTheSeed) {
  std::string out = rewritten("SELECT * FROM t TABLESAMPLE BERNOULLI (50) REPEATABLE (7)");
  EXPECT_NE(out.find("hash(rowid, "), std::string::npos) << out;
  EXPECT_EQ(out.find("random()"), std::string::npos) << out;
}

TEST(RewriteSample, RefusesWhatPostgresRefuses) {
  EXPECT_EQ(sqlstate_of("SELECT * FROM t TABLESAMPLE SYSTEM (101)"), "2202H");
  EXPECT_EQ(sqlstate_of("SELECT * FROM t TABLESAMPLE SYSTEM (-1)"), "2202H");
  EXPECT_EQ(sqlstate_of("SELECT * FROM t TABLESAMPLE SYSTEM (NULL)"), "2202H");
  EXPECT_EQ(sqlstate_of("SELECT * FROM t TABLESAMPLE SYSTEM (1, 2)"), "2202H");
  EXPECT_EQ(sqlstate_of("SELECT * FROM t TABLESAMPLE system_rows (10)"), "42704");
  EXPECT_EQ(sqlstate_of("SELECT * FROM t TABLESAMPLE SYSTEM (5) REPEATABLE (NULL)"), "2202G");
}

}  // namespace
}  // namespace ducklings::sql
