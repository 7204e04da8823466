// The PostgreSQL parser (libpg_query): statement splitting, parse trees as protobuf classes.
#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "pg_query.pb.h"

namespace ducklings::sql {

// One statement of a multi-statement string and where it starts in the original (bytes).
struct StatementText {
  std::string text;
  size_t offset = 0;
};

// Splits at top-level semicolons using PostgreSQL's scanner, so input the grammar rejects (DuckDB
// dialect) still splits; empty statements are dropped.
std::vector<StatementText> split_statements(const std::string& sql);

// A parse failure: PostgreSQL's message and 1-based cursor position.
struct ParseError {
  std::string message;
  int position = 0;
  bool too_complex = false;  // refused before parsing: 54001 statement too complex
};

// How deeply a statement may nest: expressions (parse-tree nodes on one path; DuckDB's own
// max_expression_depth is 1000), and list and array literals and types, whose planning in
// DuckDB takes memory that grows steeply with their depth (600 levels: 870 MB).
constexpr size_t kMaxStatementDepth = 1000;
constexpr size_t kMaxListDepth = 32;

// Parses SQL with PostgreSQL's grammar; on failure returns nullopt and fills `error`. Text
// that could nest deeper than the limits above is refused before any parser sees it (a linear
// scan bounds the depth without recursion, so SELECT 1+1+… of 50,000 terms never reaches a
// parser's stack), and a tree deeper than kMaxStatementDepth after it: error->too_complex.
std::optional<pg_query::ParseResult> parse(const std::string& sql, ParseError* error = nullptr);

// Turns a parse tree back into SQL text.
std::string deparse(const pg_query::ParseResult& tree);
// Whether `sql` has a word DuckDB reserves but PostgreSQL does not (a column named "at"): such
// statements go to DuckDB deparsed, where deparse() quotes the names.
bool mentions_duckdb_keyword(const std::string& sql);
// Turns one statement node (e.g. the query inside DECLARE or COPY) back into SQL text.
std::string deparse_statement(const pg_query::Node& statement);

}  // namespace ducklings::sql
