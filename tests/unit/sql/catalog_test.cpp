#include "sql/catalog.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "duck/duck.h"
#include "warehouse/warehouse.h"

namespace ducklings::sql {
namespace {

// The schema the catalog answers are checked against: main (shown as public) and s1.
const char* const kSchema = R"SQL(
CREATE SCHEMA s1;
CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy');
CREATE TABLE main.parent(id INTEGER PRIMARY KEY, code VARCHAR(20) UNIQUE NOT NULL,
  amount NUMERIC(10,2) DEFAULT 0, created TIMESTAMP, m mood, tags INTEGER[], flag BOOLEAN,
  d DOUBLE, j JSON, u UUID);
CREATE TABLE main.child(a INTEGER, b BIGINT, pid INTEGER REFERENCES main.parent(id), note TEXT,
  ts TIMESTAMPTZ, PRIMARY KEY (a, b), CHECK (a > 0));
CREATE TABLE s1.t1(x SMALLINT, y REAL, z BLOB, w DATE, t TIME, i INTERVAL, dd DECIMAL(18,4));
CREATE VIEW main.v AS SELECT id, code FROM main.parent;
CREATE INDEX child_note_idx ON main.child(note);
CREATE UNIQUE INDEX t1_xy ON s1.t1(x, y);
CREATE SEQUENCE seq1;
COMMENT ON TABLE main.parent IS 'parent table';
COMMENT ON COLUMN main.parent.code IS 'the code';
)SQL";

class CatalogTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = std::make_unique<duck::Database>("", std::vector<std::pair<std::string, std::string>>{});
    conn_ = db_->connect();
    warehouse::register_session_functions(*conn_);  // pg_stat_activity calls them
    conn_->query(catalog_install_sql());
    conn_->query(kSchema);
    conn_->query(catalog_install_sql());  // idempotent, also over existing user objects
  }

  // Each row as its columns joined by '|', NULL as "NULL".
  std::vector<std::string> rows(const std::string& sql) {
    conn_->query(catalog_snapshot_sql());  // the schema may have changed since the last query
    duck::Result r = conn_->query(sql);
    std::vector<std::string> out;
    idx_t columns = r.column_count();
    idx_t count = duckdb_row_count(r.raw());
    for (idx_t row = 0; row < count; ++row) {
      std::string line;
      for (idx_t col = 0; col < columns; ++col) {
        if (col) line += '|';
        char* v = duckdb_value_varchar(r.raw(), col, row);
        line += v ? v : "NULL";
        if (v) duckdb_free(v);
      }
      out.push_back(line);
    }
    return out;
  }
  std::string one(const std::string& sql) {
    auto r = rows(sql);
    EXPECT_EQ(r.size(), 1u) << sql;
    return r.empty() ? "" : r[0];
  }

  std::unique_ptr<duck::Database> db_;
  std::unique_ptr<duck::Connection> conn_;
};

using Rows = std::vector<std::string>;

TEST(CatalogNames, KnowsTheEmulatedNames) {
  EXPECT_TRUE(is_catalog_relation("pg_class"));
  EXPECT_TRUE(is_catalog_relation("pg_type"));
  EXPECT_TRUE(is_catalog_relation("pg_stat_activity"));
  EXPECT_FALSE(is_catalog_relation("pg_authid"));
  EXPECT_FALSE(is_catalog_relation("__constraints"));
  EXPECT_TRUE(is_information_schema_relation("columns"));
  EXPECT_TRUE(is_information_schema_relation("key_column_usage"));
  EXPECT_FALSE(is_information_schema_relation("pg_class"));
  EXPECT_TRUE(is_catalog_function("format_type"));
  EXPECT_TRUE(is_catalog_function("pg_get_keywords"));
  EXPECT_TRUE(is_catalog_function("current_database"));
  EXPECT_FALSE(is_catalog_function("__format_base"));
  EXPECT_FALSE(is_catalog_function("abs"));
  EXPECT_EQ(std::string(kCatalogVersion).size(), 16u);  // a hash of the catalog's SQL files
}

TEST_F(CatalogTest, InstallsInsideATransaction) {
  conn_->query("BEGIN");
  conn_->query(catalog_install_sql());
  conn_->query("COMMIT");
  EXPECT_EQ(one("SELECT count(*) FROM duckgres_catalog.pg_class WHERE relname = 'parent'"), "1");
  EXPECT_EQ(one("SELECT version FROM duckgres_catalog.__version"), std::string(kCatalogVersion));
}

TEST_F(CatalogTest, PgTypeHoldsPostgresBuiltins) {
  EXPECT_EQ(one("SELECT oid, typname, typlen, typbyval, typtype, typcategory, typelem, typarray, "
                "typinput, typreceive, typalign, typstorage FROM duckgres_catalog.pg_type "
                "WHERE typname = 'int4'"),
            "23|int4|4|true|b|N|0|1007|int4in|int4recv|i|p");
  EXPECT_EQ(
      one("SELECT typname, typelem, typcategory FROM duckgres_catalog.pg_type WHERE oid = 1015"),
      "_varchar|1043|A");
  EXPECT_EQ(one("SELECT typname, typtype FROM duckgres_catalog.pg_type WHERE oid = 2283"),
            "anyelement|p");
  EXPECT_EQ(one("SELECT count(*) > 300 FROM duckgres_catalog.pg_type WHERE typnamespace = 11"),
            "true");
  // User types: the enum, with its labels in pg_enum.
  EXPECT_EQ(
      one("SELECT t.typtype, n.nspname, string_agg(e.enumlabel, ',' ORDER BY e.enumsortorder) "
          "FROM duckgres_catalog.pg_type t JOIN duckgres_catalog.pg_namespace n ON n.oid = "
          "t.typnamespace JOIN duckgres_catalog.pg_enum e ON e.enumtypid = t.oid "
          "WHERE t.typname = 'mood' GROUP BY ALL"),
      "e|public|sad,ok,happy");
}

TEST_F(CatalogTest, NamespacesShowMainAsPublic) {
  EXPECT_EQ(rows("SELECT oid, nspname FROM duckgres_catalog.pg_namespace WHERE oid < 20000 "
                 "ORDER BY oid"),
            (Rows{"11|pg_catalog", "2200|public", "13207|information_schema"}));
  EXPECT_EQ(rows("SELECT nspname FROM duckgres_catalog.pg_namespace ORDER BY nspname"),
            (Rows{"information_schema", "pg_catalog", "public", "s1"}));
}

TEST_F(CatalogTest, TableListLikePsqlDt) {
  // psql's \dt, with the schema filter psql uses for `\dt *.*` minus the system schemas.
  EXPECT_EQ(
      rows("SELECT n.nspname, c.relname, CASE c.relkind WHEN 'r' THEN 'table' WHEN 'v' THEN "
           "'view' WHEN 'i' THEN 'index' WHEN 'S' THEN 'sequence' END, "
           "duckgres_catalog.pg_get_userbyid(c.relowner) "
           "FROM duckgres_catalog.pg_class c LEFT JOIN duckgres_catalog.pg_namespace n ON "
           "n.oid = c.relnamespace WHERE c.relkind IN ('r','p','v','S') AND n.nspname <> "
           "'pg_catalog' AND n.nspname <> 'information_schema' ORDER BY 1, 2"),
      (Rows{"public|child|table|duckgres", "public|parent|table|duckgres",
            "public|seq1|sequence|duckgres", "public|v|view|duckgres", "s1|t1|table|duckgres"}));
  EXPECT_EQ(rows("SELECT c.relname FROM duckgres_catalog.pg_class c WHERE c.relkind = 'r' AND "
                 "duckgres_catalog.pg_table_is_visible(c.oid) AND c.relnamespace <> 11 ORDER BY 1"),
            (Rows{"child", "parent"}));
  EXPECT_EQ(rows("SELECT schemaname, tablename, hasindexes FROM duckgres_catalog.pg_tables WHERE "
                 "schemaname NOT IN ('pg_catalog', 'information_schema') ORDER BY 1, 2"),
            (Rows{"public|child|true", "public|parent|true", "s1|t1|true"}));
  EXPECT_EQ(
      one("SELECT relnatts, relhasindex, relam, relpersistence FROM duckgres_catalog.pg_class "
          "WHERE relname = 'parent'"),
      "10|true|2|p");
  // The emulated catalog lists itself under pg_catalog, without its helpers.
  EXPECT_EQ(one("SELECT count(*) FROM duckgres_catalog.pg_class WHERE relnamespace = 11 AND "
                "relname IN ('pg_class', 'pg_attribute', 'pg_type')"),
            "3");
  EXPECT_EQ(one("SELECT count(*) FROM duckgres_catalog.pg_class WHERE relname LIKE '\\_\\_%' "
                "ESCAPE '\\'"),
            "0");
}

TEST_F(CatalogTest, AttributesLikePsqlDescribe) {
  // psql's \d parent column query.
  EXPECT_EQ(
      rows("SELECT a.attname, duckgres_catalog.format_type(a.atttypid, a.atttypmod), "
           "a.attnotnull, (SELECT duckgres_catalog.pg_get_expr(d.adbin, d.adrelid) FROM "
           "duckgres_catalog.pg_attrdef d WHERE d.adrelid = a.attrelid AND d.adnum = a.attnum "
           "AND a.atthasdef), a.atttypid, a.atttypmod, a.attndims "
           "FROM duckgres_catalog.pg_attribute a WHERE a.attrelid = (SELECT oid FROM "
           "duckgres_catalog.pg_class WHERE relname = 'parent') AND a.attnum > 0 AND NOT "
           "a.attisdropped ORDER BY a.attnum"),
      (Rows{"id|integer|true|NULL|23|-1|0", "code|text|true|NULL|25|-1|0",
            "amount|numeric(10,2)|false|0|1700|655366|0",
            "created|timestamp without time zone|false|NULL|1114|-1|0", "m|text|false|NULL|25|-1|0",
            "tags|integer[]|false|NULL|1007|-1|1", "flag|boolean|false|NULL|16|-1|0",
            "d|double precision|false|NULL|701|-1|0", "j|json|false|NULL|114|-1|0",
            "u|uuid|false|NULL|2950|-1|0"}));
  EXPECT_EQ(
      rows("SELECT a.attname, duckgres_catalog.format_type(a.atttypid, a.atttypmod), a.attlen "
           "FROM duckgres_catalog.pg_attribute a JOIN duckgres_catalog.pg_class c ON c.oid = "
           "a.attrelid WHERE c.relname = 't1' ORDER BY a.attnum"),
      (Rows{"x|smallint|2", "y|real|4", "z|bytea|-1", "w|date|4", "t|time without time zone|8",
            "i|interval|16", "dd|numeric(18,4)|-1"}));
}

TEST_F(CatalogTest, FormatTypeSpellsLikePostgres) {
  EXPECT_EQ(
      one("SELECT duckgres_catalog.format_type(23, -1), duckgres_catalog.format_type(1043, 14), "
          "duckgres_catalog.format_type(1043, -1), duckgres_catalog.format_type(1700, 655366), "
          "duckgres_catalog.format_type(1114, NULL), duckgres_catalog.format_type(1184, 3), "
          "duckgres_catalog.format_type(1007, -1), duckgres_catalog.format_type(1015, 14), "
          "duckgres_catalog.format_type(16, -1), duckgres_catalog.format_type(20, -1), "
          "duckgres_catalog.format_type(701, -1), duckgres_catalog.format_type(17, -1), "
          "duckgres_catalog.format_type(1042, 8), duckgres_catalog.format_type(19, -1), "
          "duckgres_catalog.format_type(NULL, -1), duckgres_catalog.format_type(999999, -1)"),
      "integer|character varying(10)|character varying|numeric(10,2)|timestamp without time "
      "zone|timestamp(3) with time zone|integer[]|character varying(10)[]|boolean|bigint|"
      "double precision|bytea|character(4)|name|NULL|???");
}

TEST_F(CatalogTest, ConstraintsAndTheirDefinitions) {
  EXPECT_EQ(
      rows("SELECT c.relname, r.conname, r.contype, duckgres_catalog.pg_get_constraintdef(r.oid, "
           "true), CAST(r.conkey AS VARCHAR), CAST(r.confkey AS VARCHAR) "
           "FROM duckgres_catalog.pg_constraint r JOIN duckgres_catalog.pg_class c ON c.oid = "
           "r.conrelid ORDER BY 1, 3, 2"),
      (Rows{"child|child_a_check|c|CHECK (a > 0)|[1]|NULL",
            "child|child_pid_fkey|f|FOREIGN KEY (pid) REFERENCES parent(id)|[3]|[1]",
            "child|child_pkey|p|PRIMARY KEY (a, b)|[1, 2]|NULL",
            "parent|parent_pkey|p|PRIMARY KEY (id)|[1]|NULL",
            "parent|parent_code_key|u|UNIQUE (code)|[2]|NULL"}));
  // An unqualified oid argument binds to the caller's row, not to the macro's subquery.
  EXPECT_EQ(
      rows("SELECT duckgres_catalog.pg_get_constraintdef(oid) FROM duckgres_catalog.pg_constraint "
           "WHERE contype = 'u'"),
      (Rows{"UNIQUE (code)"}));
  // The foreign key points at the referenced table and the primary key's index.
  EXPECT_EQ(one("SELECT p.relname, i.relname FROM duckgres_catalog.pg_constraint r "
                "JOIN duckgres_catalog.pg_class p ON p.oid = r.confrelid "
                "JOIN duckgres_catalog.pg_class i ON i.oid = r.conindid WHERE r.contype = 'f'"),
            "parent|parent_pkey");
}

TEST_F(CatalogTest, IndexesIncludeConstraintIndexes) {
  EXPECT_EQ(rows("SELECT c2.relname, i.indisprimary, i.indisunique, CAST(i.indkey AS VARCHAR), "
                 "duckgres_catalog.pg_get_indexdef(i.indexrelid, 0, true) "
                 "FROM duckgres_catalog.pg_class c, duckgres_catalog.pg_class c2, "
                 "duckgres_catalog.pg_index i WHERE c.relname = 'child' AND c.oid = i.indrelid AND "
                 "i.indexrelid = c2.oid ORDER BY i.indisprimary DESC, c2.relname"),
            // Pretty (true) names the table unqualified when it is on the search path.
            (Rows{"child_pkey|true|true|[1, 2]|CREATE UNIQUE INDEX child_pkey ON "
                  "child USING btree (a, b)",
                  "child_note_idx|false|false|[4]|CREATE INDEX child_note_idx ON child "
                  "USING btree (note)"}));
  EXPECT_EQ(
      one("SELECT indexname, indexdef FROM duckgres_catalog.pg_indexes WHERE schemaname = 's1'"),
      "t1_xy|CREATE UNIQUE INDEX t1_xy ON s1.t1 USING btree (x, y)");
  EXPECT_EQ(one("SELECT c.relkind, c.relam, c.relnatts FROM duckgres_catalog.pg_class c WHERE "
                "c.relname = 'parent_code_key'"),
            "i|403|1");
}

TEST_F(CatalogTest, QuotedNamesAndExpressionIndexes) {
  conn_->query("CREATE TABLE s1.\"Mixed\"(\"My Col\" INTEGER PRIMARY KEY, b VARCHAR)");
  conn_->query("CREATE INDEX mixed_lower ON s1.\"Mixed\"(lower(b), \"My Col\")");
  EXPECT_EQ(
      one("SELECT duckgres_catalog.pg_get_constraintdef(r.oid) FROM duckgres_catalog.pg_constraint "
          "r JOIN duckgres_catalog.pg_class c ON c.oid = r.conrelid WHERE c.relname = 'Mixed'"),
      "PRIMARY KEY (\"My Col\")");
  EXPECT_EQ(
      one("SELECT CAST(i.indkey AS VARCHAR), i.indexprs, duckgres_catalog.pg_get_indexdef(c.oid), "
          "duckgres_catalog.pg_get_indexdef(c.oid, 1, true) FROM duckgres_catalog.pg_index i "
          "JOIN duckgres_catalog.pg_class c ON c.oid = i.indexrelid WHERE c.relname = "
          "'mixed_lower'"),
      "[0, 1]|(lower(b))|CREATE INDEX mixed_lower ON s1.\"Mixed\" USING btree (lower(b), "
      "\"My Col\")|lower(b)");
}

TEST_F(CatalogTest, OidsAgreeAcrossViews) {
  // Every attribute, constraint, index and default belongs to a pg_class row in a namespace.
  EXPECT_EQ(one("SELECT count(*) FROM duckgres_catalog.pg_attribute a LEFT JOIN "
                "duckgres_catalog.pg_class c ON c.oid = a.attrelid WHERE c.oid IS NULL"),
            "0");
  EXPECT_EQ(one("SELECT count(*) FROM duckgres_catalog.pg_constraint r LEFT JOIN "
                "duckgres_catalog.pg_class c ON c.oid = r.conrelid AND c.relnamespace = "
                "r.connamespace WHERE c.oid IS NULL"),
            "0");
  EXPECT_EQ(
      one("SELECT count(*) FROM duckgres_catalog.pg_index i LEFT JOIN duckgres_catalog.pg_class "
          "c ON c.oid = i.indexrelid AND c.relkind = 'i' WHERE c.oid IS NULL"),
      "0");
  EXPECT_EQ(one("SELECT count(*) FROM duckgres_catalog.pg_class c LEFT JOIN "
                "duckgres_catalog.pg_namespace n ON n.oid = c.relnamespace WHERE n.oid IS NULL"),
            "0");
  EXPECT_EQ(one("SELECT count(*) FROM duckgres_catalog.pg_attribute a LEFT JOIN "
                "duckgres_catalog.pg_type t ON t.oid = a.atttypid WHERE t.oid IS NULL"),
            "0");
  EXPECT_EQ(one("SELECT count(*), count(DISTINCT oid) FROM duckgres_catalog.pg_class"),
            one("SELECT count(*), count(*) FROM duckgres_catalog.pg_class"));
  EXPECT_EQ(
      one("SELECT count(*) FROM duckgres_catalog.pg_attrdef d JOIN duckgres_catalog.pg_attribute "
          "a ON a.attrelid = d.adrelid AND a.attnum = d.adnum WHERE a.atthasdef"),
      "1");
}

TEST_F(CatalogTest, Descriptions) {
  EXPECT_EQ(
      one("SELECT duckgres_catalog.obj_description(c.oid, 'pg_class'), "
          "duckgres_catalog.col_description(c.oid, 2), duckgres_catalog.col_description(c.oid, "
          "1) FROM duckgres_catalog.pg_class c WHERE c.relname = 'parent'"),
      "parent table|the code|NULL");
}

TEST_F(CatalogTest, ViewsAndTheirDefinitions) {
  EXPECT_EQ(one("SELECT schemaname, viewname, definition FROM duckgres_catalog.pg_views WHERE "
                "schemaname = 'public'"),
            "public|v| SELECT id, code FROM main.parent;");
  EXPECT_EQ(
      one("SELECT duckgres_catalog.pg_get_viewdef(c.oid, true) FROM duckgres_catalog.pg_class c "
          "WHERE c.relname = 'v'"),
      " SELECT id, code FROM main.parent;");
}

TEST_F(CatalogTest, InformationSchemaColumns) {
  EXPECT_EQ(rows("SELECT table_schema, table_name, column_name, ordinal_position, column_default, "
                 "is_nullable, data_type, character_maximum_length, numeric_precision, "
                 "numeric_scale, udt_name FROM duckgres_information_schema.columns WHERE "
                 "table_name IN ('parent', 't1') ORDER BY table_name, ordinal_position"),
            (Rows{"public|parent|id|1|NULL|NO|integer|NULL|32|0|int4",
                  "public|parent|code|2|NULL|NO|text|NULL|NULL|NULL|text",
                  "public|parent|amount|3|0|YES|numeric|NULL|10|2|numeric",
                  "public|parent|created|4|NULL|YES|timestamp without time zone|NULL|NULL|NULL|"
                  "timestamp",
                  "public|parent|m|5|NULL|YES|text|NULL|NULL|NULL|text",
                  "public|parent|tags|6|NULL|YES|ARRAY|NULL|NULL|NULL|_int4",
                  "public|parent|flag|7|NULL|YES|boolean|NULL|NULL|NULL|bool",
                  "public|parent|d|8|NULL|YES|double precision|NULL|53|NULL|float8",
                  "public|parent|j|9|NULL|YES|json|NULL|NULL|NULL|json",
                  "public|parent|u|10|NULL|YES|uuid|NULL|NULL|NULL|uuid",
                  "s1|t1|x|1|NULL|YES|smallint|NULL|16|0|int2",
                  "s1|t1|y|2|NULL|YES|real|NULL|24|NULL|float4",
                  "s1|t1|z|3|NULL|YES|bytea|NULL|NULL|NULL|bytea",
                  "s1|t1|w|4|NULL|YES|date|NULL|NULL|NULL|date",
                  "s1|t1|t|5|NULL|YES|time without time zone|NULL|NULL|NULL|time",
                  "s1|t1|i|6|NULL|YES|interval|NULL|NULL|NULL|interval",
                  "s1|t1|dd|7|NULL|YES|numeric|NULL|18|4|numeric"}));
}

TEST_F(CatalogTest, InformationSchemaTablesAndConstraints) {
  std::string db = one("SELECT current_database()");
  EXPECT_EQ(rows("SELECT table_catalog = current_database(), table_schema, table_name, table_type "
                 "FROM duckgres_information_schema.tables WHERE table_schema NOT IN ('pg_catalog', "
                 "'information_schema') ORDER BY 2, 3"),
            (Rows{"true|public|child|BASE TABLE", "true|public|parent|BASE TABLE",
                  "true|public|v|VIEW", "true|s1|t1|BASE TABLE"}));
  EXPECT_EQ(rows("SELECT constraint_name, table_name, constraint_type FROM "
                 "duckgres_information_schema.table_constraints WHERE constraint_name NOT LIKE '%_not_null' "
                 "ORDER BY 1"),
            (Rows{"child_a_check|child|CHECK", "child_pid_fkey|child|FOREIGN KEY",
                  "child_pkey|child|PRIMARY KEY", "parent_code_key|parent|UNIQUE",
                  "parent_pkey|parent|PRIMARY KEY"}));
  // Each NOT NULL column is a CHECK constraint named <schema oid>_<table oid>_<column>_not_null.
  EXPECT_EQ(rows("SELECT regexp_replace(t.constraint_name, '^[0-9]+_[0-9]+_', ''), t.table_name FROM "
                 "duckgres_information_schema.table_constraints t JOIN duckgres_catalog.pg_class c ON c.relname = "
                 "t.table_name JOIN duckgres_catalog.pg_namespace n ON n.oid = c.relnamespace WHERE "
                 "t.constraint_name = CAST(n.oid AS VARCHAR) || '_' || CAST(c.oid AS VARCHAR) || '_' || "
                 "regexp_replace(t.constraint_name, '^[0-9]+_[0-9]+_', '') ORDER BY 2, 1"),
            (Rows{"1_not_null|child", "2_not_null|child", "1_not_null|parent", "2_not_null|parent"}));
  EXPECT_EQ(rows("SELECT constraint_name, column_name, ordinal_position FROM "
                 "duckgres_information_schema.key_column_usage ORDER BY 1, 3"),
            (Rows{"child_pid_fkey|pid|1", "child_pkey|a|1", "child_pkey|b|2",
                  "parent_code_key|code|1", "parent_pkey|id|1"}));
  EXPECT_EQ(one("SELECT constraint_name, unique_constraint_name FROM "
                "duckgres_information_schema.referential_constraints"),
            "child_pid_fkey|parent_pkey");
  EXPECT_EQ(rows("SELECT schema_name FROM duckgres_information_schema.schemata ORDER BY 1"),
            (Rows{"information_schema", "pg_catalog", "public", "s1"}));
  EXPECT_EQ(one("SELECT table_schema, table_name FROM duckgres_information_schema.views WHERE "
                "table_schema = 'public'"),
            "public|v");
  EXPECT_EQ(one("SELECT character_set_name FROM duckgres_information_schema.character_sets"),
            "UTF8");
  EXPECT_FALSE(db.empty());
}

TEST_F(CatalogTest, TablePrivilegesFollowTheSessionsGrants) {
  auto has = [&](const std::string& table, const std::string& priv) {
    return one("SELECT duckgres_catalog.has_table_privilege('" + table + "', '" + priv + "')");
  };
  // An owner (no list published) holds everything, with grant option.
  EXPECT_EQ(has("s1.t1", "INSERT"), "true");
  EXPECT_EQ(has("parent", "select with grant option"), "true");
  // A role's grants: SELECT on s1's tables, INSERT on main.parent.
  conn_->query("SET VARIABLE duckgres_privileges = ['SELECT s1.*', 'INSERT main.parent']");
  EXPECT_EQ(has("s1.t1", "SELECT"), "true");
  EXPECT_EQ(has("s1.t1", "INSERT"), "false");
  EXPECT_EQ(has("s1.t1", "UPDATE, SELECT"), "true");  // any one of the list
  EXPECT_EQ(has("parent", "SELECT"), "false");
  EXPECT_EQ(has("public.parent", "insert"), "true");
  EXPECT_EQ(has("parent", "INSERT WITH GRANT OPTION"), "false");
  EXPECT_EQ(has("pg_class", "SELECT"), "true");
  EXPECT_EQ(one("SELECT duckgres_catalog.has_table_privilege(oid, 'SELECT') FROM "
                "duckgres_catalog.pg_class WHERE relname = 't1'"),
            "true");
  EXPECT_EQ(one("SELECT duckgres_catalog.has_table_privilege(CAST(1 AS BIGINT), 'SELECT')"),
            "NULL");  // no such oid
  // A reader: SELECT everywhere, nothing else.
  conn_->query("SET VARIABLE duckgres_privileges = ['SELECT *.*']");
  EXPECT_EQ(has("child", "SELECT"), "true");
  EXPECT_EQ(has("child", "DELETE"), "false");
  EXPECT_THROW(has("nosuch", "SELECT"), std::exception);
  EXPECT_THROW(has("child", "FLY"), std::exception);
}

TEST_F(CatalogTest, SessionAndServerFunctions) {
  EXPECT_EQ(one("SELECT CAST(duckgres_catalog.current_schemas(true) AS VARCHAR), "
                "CAST(duckgres_catalog.current_schemas(false) AS VARCHAR), "
                "duckgres_catalog.current_schema(), duckgres_catalog.pg_encoding_to_char(6), "
                "duckgres_catalog.pg_is_in_recovery(), duckgres_catalog.has_table_privilege('parent', "
                "'SELECT'), duckgres_catalog.has_schema_privilege('u', 's1', 'USAGE'), "
                "duckgres_catalog.pg_get_partkeydef(1), duckgres_catalog.current_database() = "
                "current_database()"),
            "[pg_catalog, public]|[public]|public|UTF8|false|true|true|NULL|true");
  EXPECT_EQ(
      one("SELECT duckgres_catalog.pg_size_pretty(0), duckgres_catalog.pg_size_pretty(10239), "
          "duckgres_catalog.pg_size_pretty(10240), duckgres_catalog.pg_size_pretty(123456789), "
          "duckgres_catalog.pg_size_pretty(10995116277760)"),
      "0 bytes|10239 bytes|10 kB|118 MB|10 TB");
  // The server names the user and database a session sees.
  conn_->query("SET VARIABLE duckgres_user = 'alice'");
  conn_->query("SET VARIABLE duckgres_database = 'analytics'");
  EXPECT_EQ(one("SELECT r.rolname, d.datname, duckgres_catalog.pg_get_userbyid(10), "
                "duckgres_catalog.current_database() FROM duckgres_catalog.pg_roles r, "
                "duckgres_catalog.pg_database d"),
            "alice|analytics|alice|analytics");
  EXPECT_EQ(one("SELECT rolpassword FROM duckgres_catalog.pg_roles"), "********");
  EXPECT_EQ(
      one("SELECT word, catcode FROM duckgres_catalog.pg_get_keywords() WHERE word = 'select'"),
      "select|R");
  EXPECT_EQ(
      one("SELECT setting FROM duckgres_catalog.pg_settings WHERE name = 'server_version_num'"),
      "150000");
  EXPECT_EQ(
      one("SELECT duckgres_catalog.to_regclass('s1.t1') = (SELECT oid FROM "
          "duckgres_catalog.pg_class WHERE relname = 't1'), duckgres_catalog.to_regclass('t1') "
          "IS NULL, duckgres_catalog.to_regtype('int4')"),
      "true|true|23");
}

TEST_F(CatalogTest, SmallCatalogsAndProcs) {
  EXPECT_EQ(rows("SELECT oid, amname FROM duckgres_catalog.pg_am WHERE oid IN (2, 403) ORDER BY 1"),
            (Rows{"2|heap", "403|btree"}));
  EXPECT_EQ(rows("SELECT oid, collname FROM duckgres_catalog.pg_collation ORDER BY 1"),
            (Rows{"100|default", "950|C", "951|POSIX"}));
  EXPECT_EQ(rows("SELECT oid, spcname FROM duckgres_catalog.pg_tablespace ORDER BY 1"),
            (Rows{"1663|pg_default", "1664|pg_global"}));
  EXPECT_EQ(one("SELECT extname FROM duckgres_catalog.pg_extension"), "plpgsql");
  EXPECT_EQ(one("SELECT count(*) FROM duckgres_catalog.pg_inherits"), "0");
  // PostgreSQL's six built-in range types, each listed in pg_type with its subtype.
  EXPECT_EQ(one("SELECT count(*) FROM duckgres_catalog.pg_range r JOIN duckgres_catalog.pg_type t ON t.oid = "
                "r.rngtypid AND t.typtype = 'r'"),
            "6");
  EXPECT_EQ(one("SELECT count(*) FROM duckgres_catalog.pg_matviews"), "0");
  EXPECT_EQ(one("SELECT s.seqstart, s.seqincrement FROM duckgres_catalog.pg_sequence s JOIN "
                "duckgres_catalog.pg_class c ON c.oid = s.seqrelid WHERE c.relname = 'seq1'"),
            "1|1");
  EXPECT_EQ(one("SELECT count(*) > 0 FROM duckgres_catalog.pg_proc WHERE proname = 'abs' AND "
                "pronamespace = 11 AND prokind = 'f'"),
            "true");
  EXPECT_EQ(one("SELECT count(*) > 0 FROM duckgres_catalog.pg_proc WHERE proname = 'sum' AND "
                "prokind = 'a'"),
            "true");
  // No server here, so no sessions (tests/control/monitoring_test.py sees real ones).
  EXPECT_EQ(one("SELECT count(*) FROM duckgres_catalog.pg_stat_activity"), "0");
  warehouse::set_session_directory(
      {[](const std::string&) {
         return std::string(R"([{"pid": 7, "datname": "d", "usename": "ann", "state": "idle",)"
                            R"( "query": "SELECT 1", "backend_start": "2026-01-01T00:00:00Z"}])");
       },
       nullptr});
  EXPECT_EQ(one("SELECT pid || '|' || usename || '|' || state || '|' || query FROM "
                "duckgres_catalog.pg_stat_activity"),
            "7|ann|idle|SELECT 1");
  warehouse::set_session_directory({});
}

}  // namespace
}  // namespace ducklings::sql
