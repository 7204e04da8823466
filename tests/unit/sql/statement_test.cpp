#include "sql/statement.h"

#include <gtest/gtest.h>

#include "sql/error_mapping.h"
#include "sql/parser.h"
#include "sql/rewrite.h"
#include "sql/settings.h"

namespace ducklings::sql {
namespace {

Statement one(const std::string& sql) {
  return analyze({sql, 0});
}

TEST(SplitStatements, SplitsOnTopLevelSemicolonsOnly) {
  auto parts = split_statements("select ';' ; select \"a;b\" from t; -- c;\n/* ; */ select 3");
  ASSERT_EQ(parts.size(), 3u);
  EXPECT_EQ(parts[0].text, "select ';'");
  EXPECT_EQ(parts[1].text, "select \"a;b\" from t");
  EXPECT_EQ(parts[2].text, "select 3");
  EXPECT_EQ(parts[1].offset, 13u);
}

TEST(SplitStatements, KeepsStatementsTheGrammarRejects) {
  auto parts = split_statements("SELEC 1; FROM t SELECT a; SELECT 2");
  ASSERT_EQ(parts.size(), 3u);
  EXPECT_EQ(parts[0].text, "SELEC 1");
  EXPECT_EQ(parts[1].text, "FROM t SELECT a");
}

TEST(SplitStatements, EmptyAndCommentOnlyInputHasNoStatements) {
  EXPECT_TRUE(split_statements("").empty());
  EXPECT_TRUE(split_statements(" ; ;").empty());
  EXPECT_TRUE(split_statements("-- only a comment").empty());
}

TEST(SplitStatements, OneStatementWithOrWithoutItsSemicolon) {
  for (const char* sql :
       {"  insert into t values (1, 'a')  ", "\n insert into t values (1, 'a') ;\n"}) {
    auto parts = split_statements(sql);
    ASSERT_EQ(parts.size(), 1u) << sql;
    EXPECT_EQ(parts[0].text, "insert into t values (1, 'a')");
    EXPECT_EQ(parts[0].offset, std::string(sql).find('i'));
  }
  EXPECT_TRUE(split_statements(";").empty());
  auto commented = split_statements("select 1 -- one;");
  ASSERT_EQ(commented.size(), 1u);
  EXPECT_EQ(commented[0].text, "select 1 -- one;");
}

TEST(DuckDBKeywords, NamesSpellingDuckDBOnlyKeywordsAreFound) {
  EXPECT_TRUE(mentions_duckdb_keyword("select At from t"));
  EXPECT_TRUE(mentions_duckdb_keyword("insert into t (pivot) values (1)"));
  EXPECT_FALSE(mentions_duckdb_keyword("select created_at, data from platform"));
  EXPECT_FALSE(mentions_duckdb_keyword("select 'at' from t"));  // a literal
  EXPECT_FALSE(mentions_duckdb_keyword("select map(1, 2)"));    // a function name
}

TEST(SplitStatements, UnterminatedLiteralStaysWhole) {
  auto parts = split_statements("select 'abc");
  ASSERT_EQ(parts.size(), 1u);
  EXPECT_EQ(parts[0].text, "select 'abc");
}

TEST(AnalyzeStatement, TagsAndRowReturningAsPostgreSQL) {
  struct Case {
    const char* sql;
    StatementKind kind;
    const char* tag;
    bool rows;
  } cases[] = {
      {"select 1", StatementKind::kQuery, "SELECT", true},
      {"with x as (select 1) select * from x", StatementKind::kQuery, "SELECT", true},
      {"values (1)", StatementKind::kQuery, "SELECT", true},
      {"insert into t values (1)", StatementKind::kInsert, "INSERT", false},
      {"insert into t values (1) returning *", StatementKind::kInsert, "INSERT", true},
      {"update t set a = 1", StatementKind::kUpdate, "UPDATE", false},
      {"delete from t returning a", StatementKind::kDelete, "DELETE", true},
      {"begin", StatementKind::kBegin, "BEGIN", false},
      {"start transaction isolation level serializable", StatementKind::kBegin, "BEGIN", false},
      {"commit", StatementKind::kCommit, "COMMIT", false},
      {"end", StatementKind::kCommit, "COMMIT", false},
      {"abort", StatementKind::kRollback, "ROLLBACK", false},
      {"savepoint s", StatementKind::kSavepoint, "SAVEPOINT", false},
      {"create table t (a int)", StatementKind::kUtility, "CREATE TABLE", false},
      {"create unique index i on t (a)", StatementKind::kUtility, "CREATE INDEX", false},
      {"drop view v", StatementKind::kUtility, "DROP VIEW", false},
      {"alter table t add column b int", StatementKind::kUtility, "ALTER TABLE", false},
      {"truncate t", StatementKind::kUtility, "TRUNCATE TABLE", false},
      {"set search_path = a, b", StatementKind::kUtility, "SET", false},
      {"reset all", StatementKind::kUtility, "RESET", false},
      {"show timezone", StatementKind::kQuery, "SHOW", true},
      {"explain select 1", StatementKind::kQuery, "EXPLAIN", true},
      {"copy t from stdin", StatementKind::kCopy, "COPY", false},
      {"declare c cursor for select 1", StatementKind::kDeclareCursor, "DECLARE CURSOR", false},
      {"fetch 10 from c", StatementKind::kFetch, "FETCH", true},
      {"move all in c", StatementKind::kFetch, "MOVE", false},
      {"close c", StatementKind::kCloseCursor, "CLOSE CURSOR", false},
      {"summarize t", StatementKind::kQuery, "SELECT", true},      // DuckDB dialect
      {"from t select a", StatementKind::kQuery, "SELECT", true},  // DuckDB dialect
  };
  for (const auto& c : cases) {
    Statement s = one(c.sql);
    EXPECT_EQ(s.kind, c.kind) << c.sql;
    EXPECT_EQ(s.tag, c.tag) << c.sql;
    EXPECT_EQ(s.returns_rows, c.rows) << c.sql;
  }
}

std::string rewritten(const std::string& sql) {
  auto out = rewrite_for_duckdb(one(sql));
  return out.empty() ? "<unchanged>" : out.size() == 1 ? out[0] : out[0] + " | " + out[1];
}

TEST(RewriteForDuckdb, DivisionAndModuloRaiseOnZero) {
  EXPECT_EQ(rewritten("select a / b as q from t"), "SELECT __duckgres_div(a, b) AS q FROM t");
  EXPECT_EQ(rewritten("select a % 2 as m from t"), "SELECT __duckgres_mod(a, 2) AS m FROM t");
}

TEST(RewriteForDuckdb, ByteaLiteralsStayPostgresText) {
  // DuckDB's cast from text to BLOB is PostgreSQL's byteain in each warehouse (sql/pg_casts),
  // so bytea literals go as written, typed or not.
  EXPECT_EQ(rewritten("select '\\x00ff41'::bytea as b"), "<unchanged>");
  EXPECT_EQ(rewritten("select 'a\\000b'::bytea as b"), "<unchanged>");
}

TEST(RewriteForDuckdb, UnnamedColumnsGetPostgresNames) {
  EXPECT_EQ(rewritten("select 1, count(*), x::int4, case when true then 1 end, a from t"),
            "SELECT 1 AS \"?column?\", count(*) AS count, x::int4 AS x, CASE WHEN true THEN 1 END "
            "AS \"case\", a FROM t");
  EXPECT_EQ(rewritten("select a, b from t"), "<unchanged>");
  EXPECT_EQ(rewritten("select 1 union all select 2"),
            "SELECT 1 AS \"?column?\" UNION ALL SELECT 2");
}

TEST(RewriteForDuckdb, OneObjectPerDropAndTruncate) {
  auto drops = rewrite_for_duckdb(one("drop table if exists a, b cascade"));
  ASSERT_EQ(drops.size(), 2u);
  EXPECT_EQ(drops[0], "DROP TABLE IF EXISTS a CASCADE");
  EXPECT_EQ(drops[1], "DROP TABLE IF EXISTS b CASCADE");
  EXPECT_EQ(rewrite_for_duckdb(one("truncate a, b")).size(), 2u);
}

TEST(RewriteForDuckdb, StorageOptionsDropped) {
  EXPECT_EQ(rewritten("create table t (a int) with (fillfactor=100)"), "CREATE TABLE t (a int)");
}

TEST(ErrorMapping, SqlstateMessageAndPosition) {
  duck::DuckError e(DUCKDB_ERROR_CATALOG,
                    "Catalog Error: Table with name nope does not exist!\nDid you mean \"x\"?\n\n"
                    "LINE 1: select * from nope\n                      ^");
  SqlError s = to_sql_error(e, "select * from nope", 0);
  EXPECT_EQ(s.sqlstate(), "42P01");
  EXPECT_EQ(std::string(s.what()), "Table with name nope does not exist!\nDid you mean \"x\"?");
  EXPECT_EQ(s.position(), 15);
  EXPECT_EQ(
      to_sql_error(duck::DuckError(DUCKDB_ERROR_CONSTRAINT, "Constraint Error: Duplicate key"), "")
          .sqlstate(),
      "23505");
  EXPECT_EQ(
      to_sql_error(
          duck::DuckError(DUCKDB_ERROR_INVALID_INPUT, "Invalid Input Error: division by zero"), "")
          .sqlstate(),
      "22012");
  EXPECT_EQ(
      to_sql_error(duck::DuckError(DUCKDB_ERROR_INTERRUPT, "INTERRUPT Error: Interrupted!"), "")
          .sqlstate(),
      "57014");
  // Valid PostgreSQL that DuckDB cannot do is feature_not_supported, not a syntax error.
  EXPECT_EQ(to_sql_error(duck::DuckError(DUCKDB_ERROR_PARSER,
                                         "Parser Error: FOREIGN KEY constraints cannot use CASCADE, SET NULL or "
                                         "SET DEFAULT"),
                         "")
                .sqlstate(),
            "0A000");
  // numeric(p,s) too narrow for a number is numeric field overflow; text that is no number is
  // invalid input; a month 13 is a date/time field out of range.
  EXPECT_EQ(to_sql_error(duck::DuckError(DUCKDB_ERROR_CONVERSION,
                                         "Conversion Error: Could not convert string \"123456789.5\" to DECIMAL(10,2)"),
                         "")
                .sqlstate(),
            "22003");
  EXPECT_EQ(to_sql_error(duck::DuckError(DUCKDB_ERROR_CONVERSION,
                                         "Conversion Error: Could not convert string \"abc\" to DECIMAL(10,2)"),
                         "")
                .sqlstate(),
            "22P02");
  EXPECT_EQ(to_sql_error(duck::DuckError(DUCKDB_ERROR_CONVERSION,
                                         "Conversion Error: date field value out of range: \"2024-13-01\""),
                         "")
                .sqlstate(),
            "22008");
  // ALTER of a table other tables' foreign keys reference: said so, with what does work.
  SqlError referenced = to_sql_error(
      duck::DuckError(DUCKDB_ERROR_DEPENDENCY,
                      "Dependency Error: Cannot alter entry \"par\" because there are entries that depend on it."),
      "");
  EXPECT_EQ(referenced.sqlstate(), "0A000");
  EXPECT_NE(std::string(referenced.what()).find("foreign keys of other tables reference it"), std::string::npos);
  EXPECT_NE(referenced.hint().find("ADD COLUMN"), std::string::npos);
}

TEST(SessionSettings, ValidatesAndNormalizes) {
  SessionSettings s;
  EXPECT_EQ(s.set("timezone", "Europe/Berlin"), "TimeZone");
  EXPECT_EQ(*s.get("TIMEZONE"), "Europe/Berlin");
  s.set("datestyle", "iso, dmy");
  EXPECT_EQ(*s.get("DateStyle"), "ISO, DMY");
  s.set("statement_timeout", "2s");
  EXPECT_EQ(*s.get("statement_timeout"), "2s");
  EXPECT_THROW(s.set("statement_timeout", "soon"), SqlError);
  EXPECT_THROW(s.set("no_such_parameter", "1"), SqlError);
  EXPECT_THROW(s.set("server_version", "16"), SqlError);
  EXPECT_THROW(s.set("client_encoding", "LATIN1"), SqlError);
  s.reset("statement_timeout");
  EXPECT_EQ(*s.get("statement_timeout"), "0");
}

}  // namespace
}  // namespace ducklings::sql
