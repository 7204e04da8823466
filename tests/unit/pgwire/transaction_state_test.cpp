// What a read-only transaction refuses (and names as PostgreSQL does), and which writes
// ROLLBACK TO SAVEPOINT may repeat, from statements' parse trees.
#include "pgwire/transaction_state.h"

#include <gtest/gtest.h>

namespace ducklings::pgwire {
namespace {

sql::Statement st(const std::string& text) { return sql::analyze({text, 0}); }

TEST(ReadOnlyViolation, NamesTheCommandAsPostgreSQL) {
  EXPECT_EQ(read_only_violation(st("INSERT INTO t VALUES (1)")), "INSERT");
  EXPECT_EQ(read_only_violation(st("UPDATE t SET a = 1")), "UPDATE");
  EXPECT_EQ(read_only_violation(st("DELETE FROM t")), "DELETE");
  EXPECT_EQ(read_only_violation(st("CREATE TABLE t (a int)")), "CREATE TABLE");
  EXPECT_EQ(read_only_violation(st("DROP TABLE t")), "DROP TABLE");
  EXPECT_EQ(read_only_violation(st("TRUNCATE t")), "TRUNCATE TABLE");
  EXPECT_EQ(read_only_violation(st("SELECT * INTO t2 FROM t")), "SELECT INTO");
  EXPECT_EQ(read_only_violation(st("SELECT nextval('s')")), "nextval()");
  EXPECT_EQ(read_only_violation(st("SELECT a FROM t FOR UPDATE")), "SELECT FOR UPDATE");
  EXPECT_EQ(read_only_violation(st("SELECT a FROM t FOR SHARE")), "SELECT FOR SHARE");
  EXPECT_EQ(read_only_violation(st("COPY t FROM STDIN")), "COPY FROM");
  EXPECT_EQ(read_only_violation(st("WITH x AS (DELETE FROM t RETURNING *) SELECT * FROM x")),
            "SELECT");
  EXPECT_EQ(read_only_violation(st("EXPLAIN ANALYZE DELETE FROM t")), "DELETE");
  EXPECT_EQ(read_only_violation(st("DECLARE c CURSOR FOR SELECT a FROM t FOR UPDATE")),
            "SELECT FOR UPDATE");
  EXPECT_EQ(read_only_violation(st("LOCK TABLE t IN ACCESS EXCLUSIVE MODE")), "LOCK TABLE");
}

TEST(ReadOnlyViolation, AllowsReadsAndSessionStatements) {
  for (const char* ok : {"SELECT a FROM t", "SHOW search_path", "SET search_path = x",
                         "EXPLAIN DELETE FROM t", "COPY t TO STDOUT", "BEGIN", "SAVEPOINT s",
                         "FETCH 1 FROM c", "CLOSE c", "VACUUM t", "ANALYZE t",
                         "LOCK TABLE t IN ACCESS SHARE MODE", "PREPARE p AS SELECT 1",
                         "EXECUTE p", "DECLARE c CURSOR FOR SELECT 1"}) {
    EXPECT_EQ(read_only_violation(st(ok)), "") << ok;
  }
}

TEST(UnrepeatableReason, VolatileFunctionsAndClockReads) {
  EXPECT_NE(unrepeatable_reason(st("INSERT INTO t VALUES (now())")), "");
  EXPECT_NE(unrepeatable_reason(st("INSERT INTO t VALUES (CURRENT_TIMESTAMP)")), "");
  EXPECT_NE(unrepeatable_reason(st("INSERT INTO t VALUES ('now'::timestamptz)")), "");
  EXPECT_NE(unrepeatable_reason(st("UPDATE t SET a = random()")), "");
  EXPECT_NE(unrepeatable_reason(st("INSERT INTO t SELECT nextval('s')")), "");
  EXPECT_NE(unrepeatable_reason(st("INSERT INTO t VALUES (gen_random_uuid())")), "");
  EXPECT_NE(unrepeatable_reason(st("UPDATE t SET d = age(born)")), "");
  EXPECT_EQ(unrepeatable_reason(st("UPDATE t SET d = age(a, b)")), "");
  EXPECT_EQ(unrepeatable_reason(st("INSERT INTO t SELECT a, upper(b) FROM s WHERE c > 1")), "");
  EXPECT_EQ(unrepeatable_reason(st("INSERT INTO t VALUES ('nowhere')")), "");
  EXPECT_EQ(unrepeatable_reason(st("INSERT INTO t VALUES (CURRENT_USER)")), "");
}

TEST(VolatileDefault, AsDuckDBPrintsDefaults) {
  EXPECT_TRUE(volatile_default("nextval('\"t_id_seq\"')"));
  EXPECT_TRUE(volatile_default("now()"));
  EXPECT_TRUE(volatile_default("CURRENT_TIMESTAMP"));
  EXPECT_TRUE(volatile_default("gen_random_uuid()"));
  EXPECT_FALSE(volatile_default("0"));
  EXPECT_FALSE(volatile_default("'draft'"));
  EXPECT_FALSE(volatile_default("CAST('t' AS BOOLEAN)"));
}

TEST(WritesData, WhatTheTransactionLogKeeps) {
  EXPECT_TRUE(writes_data(st("INSERT INTO t VALUES (1)")));
  EXPECT_TRUE(writes_data(st("CREATE TABLE t (a int)")));
  EXPECT_TRUE(writes_data(st("WITH x AS (UPDATE t SET a = 1 RETURNING a) SELECT * FROM x")));
  EXPECT_FALSE(writes_data(st("SELECT a FROM t")));
  EXPECT_FALSE(writes_data(st("SELECT nextval('s')")));  // sequences are not rolled back
}

}  // namespace
}  // namespace ducklings::pgwire
