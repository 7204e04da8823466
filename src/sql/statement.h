// What a statement is, as the wire protocol needs to know it: its kind, its command tag and
// whether it returns rows — read from the PostgreSQL parse tree, or from the first keyword for
// DuckDB-dialect statements the PostgreSQL grammar rejects.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "sql/parser.h"

namespace ducklings::sql {

enum class StatementKind {
  kEmpty,
  kQuery,   // SELECT, VALUES, TABLE, SHOW, EXPLAIN and DuckDB row-returning statements
  kInsert,
  kUpdate,
  kDelete,
  kBegin,
  kCommit,
  kRollback,
  kSavepoint,  // SAVEPOINT, RELEASE, ROLLBACK TO: not supported by DuckDB
  kCopy,
  kDeclareCursor,
  kFetch,  // FETCH and MOVE
  kCloseCursor,
  kUtility,  // DDL and everything else answered with a tag only
};

struct Statement {
  std::string text;
  size_t offset = 0;  // where the statement starts in the client's message
  StatementKind kind = StatementKind::kEmpty;
  std::string tag;            // CommandComplete tag without counts: "SELECT", "CREATE TABLE"
  bool returns_rows = false;  // answers with RowDescription + DataRows
  bool read_only = false;     // no writes (SELECT without INTO, SHOW, EXPLAIN)
  std::optional<pg_query::ParseResult> tree;  // set when PostgreSQL's grammar accepts it
  ParseError parse_error;                      // why it did not, otherwise
  // CREATE INDEX: its predicate and key expressions as PostgreSQL prints them, worked out from
  // the table's column types before the statement is adapted for DuckDB (which drops WHERE).
  struct IndexDefinition {
    std::string predicate, pretty_predicate;      // "" for none
    std::vector<std::string> keys, pretty_keys;  // per key: "" for a column, else the expression's text
  };
  std::optional<IndexDefinition> index_definition;
  // CREATE MATERIALIZED VIEW (sql/rewrite_matview.h): what duckgres_meta.matviews records.
  struct MatviewDefinition {
    std::string schema, name;  // as written (schema "" when unqualified)
    std::string query;         // as PostgreSQL prints it: pg_matviews.definition, what REFRESH runs
    bool populated = true;     // WITH DATA
  };
  std::optional<MatviewDefinition> matview;
  // CREATE … IF NOT EXISTS that found the relation: nothing is made, nothing recorded.
  bool skipped_existing = false;
  // CREATE TABLE / MATERIALIZED VIEW … AS … WITH NO DATA: its query reads no row (LIMIT 0 in
  // the tree); answered with the statement's tag, not a row count.
  bool no_data = false;
};

// Classifies one statement (as produced by split_statements).
Statement analyze(const StatementText& text);

// The first keyword of `sql`, upper-cased, skipping comments and parentheses.
std::string first_keyword(const std::string& sql);

// The root node of a single-statement parse tree, or nullptr.
const pg_query::Node* root_node(const Statement& statement);

}  // namespace ducklings::sql
