#include "sql/rewrite_dml.h"

#include <gtest/gtest.h>

#include "common/errors.h"
#include "sql/rewrite_matview.h"
#include "sql/statement.h"

namespace ducklings::sql {
namespace {

Statement one(const std::string& sql) { return analyze({sql, 0}); }

TEST(DataModifyingWith, StepsRunFirstAndTheStatementReadsTheirTables) {
  Statement s = one("WITH d AS (DELETE FROM a WHERE x = 0 RETURNING id) INSERT INTO b (id) SELECT id FROM d");
  uint64_t next = 7;
  DataModifyingWith split = split_data_modifying_with(s, next);
  ASSERT_EQ(split.steps.size(), 1u);
  EXPECT_EQ(split.steps[0].kind, StatementKind::kDelete);
  EXPECT_EQ(split.steps[0].text, "DELETE FROM a WHERE x = 0 RETURNING id");
  ASSERT_EQ(split.tables.size(), 1u);
  EXPECT_EQ(split.tables[0], "__duckgres_wcte_7");
  EXPECT_EQ(next, 8u);
  EXPECT_NE(s.text.find("temp.main.__duckgres_wcte_7"), std::string::npos) << s.text;
  EXPECT_EQ(s.text.find("DELETE"), std::string::npos) << s.text;
  EXPECT_FALSE(s.read_only);
}

TEST(DataModifyingWith, EarlierQueriesGoWithTheStepThatReadsThem) {
  Statement s = one("WITH k AS (SELECT 1 AS id), d AS (DELETE FROM a WHERE id IN (SELECT id FROM k) RETURNING id) "
                    "SELECT count(*) FROM d");
  uint64_t next = 0;
  DataModifyingWith split = split_data_modifying_with(s, next);
  ASSERT_EQ(split.steps.size(), 1u);
  EXPECT_EQ(split.steps[0].text.rfind("WITH k AS", 0), 0u) << split.steps[0].text;
}

TEST(DataModifyingWith, WithoutReturningNothingIsKept) {
  Statement s = one("WITH d AS (DELETE FROM a) SELECT 1");
  uint64_t next = 0;
  DataModifyingWith split = split_data_modifying_with(s, next);
  ASSERT_EQ(split.tables.size(), 1u);
  EXPECT_TRUE(split.tables[0].empty());
  EXPECT_EQ(s.text, "SELECT 1");
}

TEST(DataModifyingWith, RefusesWhatOneSnapshotWouldAnswerOtherwise) {
  uint64_t next = 0;
  for (const char* sql : {
           "WITH d AS (DELETE FROM a RETURNING *) SELECT count(*) FROM a",  // reads what it changed
           "WITH d AS (DELETE FROM a RETURNING *), e AS (UPDATE a SET x = 1 RETURNING *) SELECT 1",
           "WITH d AS (DELETE FROM a WHERE id = $1 RETURNING *) SELECT * FROM d",
           "WITH RECURSIVE d AS (DELETE FROM a RETURNING *) SELECT * FROM d",
       }) {
    Statement s = one(sql);
    try {
      split_data_modifying_with(s, next);
      ADD_FAILURE() << sql;
    } catch (const SqlError& e) {
      EXPECT_EQ(e.sqlstate(), "0A000") << sql;
    }
  }
}

TEST(DataModifyingWith, PlainStatementsAreLeftAlone) {
  Statement s = one("WITH x AS (SELECT 1) SELECT * FROM x");
  std::string before = s.text;
  uint64_t next = 0;
  EXPECT_TRUE(split_data_modifying_with(s, next).steps.empty());
  EXPECT_EQ(s.text, before);
}

TEST(Matviews, OnlyScannedNamesOfMaterializedViewsNeedALook) {
  std::unordered_set<std::string> names = {"mv", "mv_v"};
  auto candidates = [&](const std::string& sql) {
    std::string out;
    for (const auto& rv : matview_candidates(one(sql), names))
      out += (out.empty() ? "" : ",") + (rv.schemaname().empty() ? "" : rv.schemaname() + ".") + rv.relname();
    return out;
  };
  EXPECT_EQ(candidates("SELECT * FROM s.mv JOIN t ON true"), "s.mv");
  EXPECT_EQ(candidates("SELECT * FROM t WHERE a IN (SELECT a FROM \"MV\")"), "MV");
  EXPECT_EQ(candidates("SELECT * FROM mv_v"), "mv_v");
  EXPECT_EQ(candidates("INSERT INTO mv SELECT * FROM mv_v"), "mv_v");  // the target is no read
  EXPECT_EQ(candidates("CREATE TABLE c AS SELECT * FROM mv"), "mv");
  EXPECT_EQ(candidates("EXPLAIN ANALYZE SELECT * FROM mv"), "mv");
  EXPECT_EQ(candidates("COPY (SELECT * FROM mv) TO STDOUT"), "mv");
  // Nothing scanned, or the name is not the materialized view's.
  EXPECT_EQ(candidates("CREATE TABLE c AS SELECT * FROM mv WITH NO DATA"), "");
  EXPECT_EQ(candidates("EXPLAIN SELECT * FROM mv"), "");
  EXPECT_EQ(candidates("WITH mv AS (SELECT 1) SELECT * FROM mv"), "");
  EXPECT_EQ(candidates("REFRESH MATERIALIZED VIEW mv"), "");
  EXPECT_EQ(candidates("DROP MATERIALIZED VIEW mv"), "");
  EXPECT_EQ(candidates("SELECT * FROM t"), "");
  EXPECT_TRUE(matview_candidates(one("SELECT * FROM mv"), {}).empty());
}

}  // namespace
}  // namespace ducklings::sql
