#include "sql/rewrite_dml.h"

#include <gtest/gtest.h>

#include "common/errors.h"
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

}  // namespace
}  // namespace ducklings::sql
