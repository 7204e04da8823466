// CHECK constraints printed as pg_get_constraintdef prints them; the corpus
// (tests/sql/ddl/0009_check_definitions) compares the same against PostgreSQL 15.
#include "sql/catalog_constraints.h"

#include <gtest/gtest.h>

#include "sql/statement.h"

namespace ducklings::sql {
namespace {

// The plain and pretty text of the first CHECK of `create_sql`, or "-" when not printable.
std::pair<std::string, std::string> check_of(const std::string& create_sql) {
  Statement s = analyze({create_sql, 0});
  const auto& create = s.tree->stmts(0).stmt().create_stmt();
  for (const auto& elt : create.table_elts()) {
    const pg_query::Constraint* c = nullptr;
    if (elt.has_constraint()) c = &elt.constraint();
    for (const auto& cc : elt.column_def().constraints()) {
      if (cc.constraint().contype() == pg_query::CONSTR_CHECK) c = &cc.constraint();
    }
    if (c && c->contype() == pg_query::CONSTR_CHECK) {
      auto def = check_definition(create, c->raw_expr());
      return def ? *def : std::make_pair(std::string("-"), std::string("-"));
    }
  }
  return {"?", "?"};
}

TEST(CheckDefinition, ImplicitCastsAndParentheses) {
  EXPECT_EQ(check_of("CREATE TABLE t (b numeric(10,2) CHECK (b >= 0))"),
            std::make_pair(std::string("CHECK ((b >= (0)::numeric))"), std::string("CHECK (b >= 0::numeric)")));
  EXPECT_EQ(check_of("CREATE TABLE t (a int CHECK (a > -1))").first, "CHECK ((a > '-1'::integer))");
  EXPECT_EQ(check_of("CREATE TABLE t (d varchar(5) CHECK (d IN ('x', 'y')))").second,
            "CHECK (d::text = ANY (ARRAY['x'::character varying, 'y'::character varying]::text[]))");
  EXPECT_EQ(check_of("CREATE TABLE t (l int CHECK (l % 2 = 0 OR l IS NULL))"),
            std::make_pair(std::string("CHECK ((((l % 2) = 0) OR (l IS NULL)))"),
                           std::string("CHECK ((l % 2) = 0 OR l IS NULL)")));
  EXPECT_EQ(check_of("CREATE TABLE t (e int, CHECK (e BETWEEN 1 AND 10))").second, "CHECK (e >= 1 AND e <= 10)");
}

TEST(CheckDefinition, UnknownShapesAreLeftToDuckDB) {
  // A function it does not type, a cast written in the CHECK, NOT: nothing recorded.
  EXPECT_EQ(check_of("CREATE TABLE t (a text CHECK (a ~ '^[a-z]+$'))").first, "-");
  EXPECT_EQ(check_of("CREATE TABLE t (a text CHECK (md5(a) <> ''))").first, "-");
  EXPECT_EQ(check_of("CREATE TABLE t (a int CHECK (NOT (a < 0)))").first, "-");
  EXPECT_EQ(check_of("CREATE TABLE t (a int CHECK (a::text <> ''))").first, "-");
}

// An index's key expressions and predicate (pg_get_indexdef) go through the same deparser.
TEST(ExpressionDefinition, IndexKeysAndPredicates) {
  Statement table = analyze({"CREATE TABLE t (email varchar(255), st varchar(10), n numeric, a int, b int)", 0});
  const auto& create = table.tree->stmts(0).stmt().create_stmt();
  auto of = [&](const std::string& where) {
    Statement s = analyze({"SELECT 1 FROM t WHERE " + where, 0});
    auto d = expression_definition(create, s.tree->stmts(0).stmt().select_stmt().where_clause());
    return d ? *d : std::make_pair(std::string("-"), std::string("-"));
  };
  EXPECT_EQ(of("lower(email)"), std::make_pair(std::string("lower((email)::text)"), std::string("lower(email::text)")));
  EXPECT_EQ(of("st <> 'done'").first, "((st)::text <> 'done'::text)");
  EXPECT_EQ(of("n >= 10 OR b IN (1, 2)").second, "n >= 10::numeric OR (b = ANY (ARRAY[1, 2]))");
  EXPECT_EQ(of("a + b").first, "(a + b)");
  EXPECT_EQ(of("coalesce(a, b)").first, "-");  // not known: DuckDB's text is shown
}

}  // namespace
}  // namespace ducklings::sql
