#include "sql/privileges.h"

#include <gtest/gtest.h>

#include "sql/sandbox.h"

namespace ducklings::sql {
namespace {

StatementAccess access_of(const std::string& sql) { return analyze_access(analyze({sql, 0})); }

// "SELECT team_1.events" style summaries of the needs, in order.
std::vector<std::string> needs(const std::string& sql) {
  std::vector<std::string> out;
  for (const auto& n : access_of(sql).needs) {
    out.push_back(std::string(privilege_name(n.privilege)) + " " +
                  (n.schema.empty() ? "" : n.schema + ".") + (n.table.empty() ? "<schema>" : n.table));
  }
  return out;
}

using V = std::vector<std::string>;

TEST(Privileges, ReadsEveryRelationOfAQuery) {
  EXPECT_EQ(needs("SELECT * FROM a JOIN s.b ON true WHERE x IN (SELECT y FROM c)"),
            (V{"SELECT a", "SELECT s.b", "SELECT c"}));
  EXPECT_EQ(needs("SELECT (SELECT max(v) FROM d) UNION SELECT 1 FROM e"), (V{"SELECT d", "SELECT e"}));
}

TEST(Privileges, CtesHideOnlyWhereTheyAreInScope) {
  EXPECT_EQ(needs("WITH t AS (SELECT * FROM real) SELECT * FROM t"), (V{"SELECT real"}));
  // A later CTE is not visible inside an earlier one: that `t` is a table.
  EXPECT_EQ(needs("WITH a AS (SELECT * FROM t), t AS (SELECT 1) SELECT * FROM a, t"), (V{"SELECT t"}));
  // A recursive list sees all its names.
  EXPECT_EQ(needs("WITH RECURSIVE r AS (SELECT 1 UNION ALL SELECT * FROM r) SELECT * FROM r"), V{});
  // A CTE inside a subquery does not hide the outer query's table of that name.
  EXPECT_EQ(needs("SELECT * FROM t WHERE EXISTS (WITH t AS (SELECT 1) SELECT * FROM t)"), (V{"SELECT t"}));
  // A schema-qualified name is never a CTE.
  EXPECT_EQ(needs("WITH stuff AS (SELECT 1) SELECT * FROM s.stuff"), (V{"SELECT s.stuff"}));
}

TEST(Privileges, WritesNameTheirTarget) {
  EXPECT_EQ(needs("INSERT INTO s.t SELECT * FROM u"), (V{"INSERT s.t", "SELECT u"}));
  EXPECT_EQ(needs("INSERT INTO t VALUES (1) ON CONFLICT (a) DO UPDATE SET b = 2"), (V{"INSERT t", "UPDATE t"}));
  EXPECT_EQ(needs("UPDATE t SET a = 1 FROM u WHERE t.id = u.id"), (V{"UPDATE t", "SELECT u"}));
  EXPECT_EQ(needs("DELETE FROM t USING u WHERE t.id = u.id"), (V{"DELETE t", "SELECT u"}));
  EXPECT_EQ(needs("WITH d AS (DELETE FROM t RETURNING *) INSERT INTO arch SELECT * FROM d"),
            (V{"DELETE t", "INSERT arch"}));
  EXPECT_EQ(needs("COPY t FROM STDIN"), (V{"INSERT t"}));
  EXPECT_EQ(needs("COPY (SELECT * FROM t) TO STDOUT"), (V{"SELECT t"}));
  EXPECT_EQ(needs("TRUNCATE a, b"), (V{"DELETE a", "DELETE b"}));
}

TEST(Privileges, DdlNeedsCreateOnItsSchema) {
  EXPECT_EQ(needs("CREATE TABLE s.t (a int REFERENCES s.p (id))"), (V{"CREATE s.<schema>", "SELECT s.p"}));
  EXPECT_EQ(needs("CREATE TABLE t AS SELECT * FROM u"), (V{"CREATE <schema>", "SELECT u"}));
  EXPECT_EQ(needs("CREATE VIEW s.v AS SELECT * FROM u"), (V{"CREATE s.<schema>", "SELECT u"}));
  EXPECT_EQ(needs("DROP TABLE s.t, u"), (V{"CREATE s.<schema>", "CREATE <schema>"}));
  EXPECT_EQ(needs("ALTER TABLE s.t ADD COLUMN b int"), (V{"CREATE s.<schema>"}));
  EXPECT_EQ(needs("EXPLAIN ANALYZE SELECT * FROM t"), (V{"SELECT t"}));
}

TEST(Privileges, RoleManagementAndTheUnanalysableNeedTheOwner) {
  for (const char* sql : {"GRANT SELECT ON t TO r", "REVOKE r FROM u", "CREATE ROLE r", "DROP ROLE r",
                          "CREATE SCHEMA s", "DROP SCHEMA s", "ALTER ROLE r RENAME TO q",
                          "PIVOT t ON a USING sum(b)", "CREATE FUNCTION f() RETURNS int AS 'x' LANGUAGE sql"}) {
    EXPECT_TRUE(access_of(sql).owner_only) << sql;
  }
  EXPECT_FALSE(access_of("BEGIN").owner_only);
  EXPECT_TRUE(access_of("SET search_path = s").needs.empty());
}

TEST(Sandbox, PathsStayInsideTheirDirectories) {
  std::vector<std::string> dirs = {"/data/imports"};
  EXPECT_TRUE(path_within("/data/imports/a.csv", dirs));
  EXPECT_TRUE(path_within("/data/imports/x/../b.csv", dirs));
  EXPECT_FALSE(path_within("/data/imports/../secret", dirs));
  EXPECT_FALSE(path_within("/data/importsX/a.csv", dirs));
  EXPECT_FALSE(path_within("imports/a.csv", dirs));
  EXPECT_FALSE(path_within("/data/imports", dirs));
  EXPECT_FALSE(path_within("/etc/passwd", {"/"}));
}

}  // namespace
}  // namespace ducklings::sql
