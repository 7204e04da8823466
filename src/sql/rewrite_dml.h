// PostgreSQL statements whose DuckDB form depends on facts from the catalog (a table's columns,
// its constraints) or differs in kind (SELECT INTO is CREATE TABLE AS): INSERT … ON CONFLICT,
// SELECT INTO and the DDL of rewrite_ddl.h. Runs before the privilege checks and before
// rewrite_for_duckdb, which then treats the statement as if the client had sent it so.
#pragma once
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "sql/statement.h"

namespace ducklings::sql {

// A catalog question in DuckDB SQL, answered as rows of text (nullopt for NULL). Every column
// of such a query must be VARCHAR.
using CatalogRows = std::vector<std::vector<std::optional<std::string>>>;
using CatalogLookup = std::function<CatalogRows(const std::string& sql)>;

// Changes `statement` in place (tree, text, tag) where PostgreSQL's meaning needs another
// statement in DuckDB. Returns DuckDB statements to run instead when one statement becomes
// several (a script answered with the statement's tag only); empty otherwise. Statements it
// does not concern cost a switch on the node type and no lookup. Throws SqlError for what
// cannot be carried out (PostgreSQL's SQLSTATE, or 0A000 naming the feature).
std::vector<std::string> adapt_statement(Statement& statement, const CatalogLookup& lookup);

// A statement whose WITH holds data-modifying statements (WITH d AS (DELETE … RETURNING …) …),
// which DuckDB's WITH cannot hold: each of them runs first as a statement of its own (`steps`, in
// the order written), its RETURNING rows kept in temp table `tables[i]` (hidden from the
// catalog), and the statement left in place reads those tables instead. Empty when `statement`
// has none. Throws 0A000 where running them one after another could answer otherwise than
// PostgreSQL, which runs them all on one snapshot: a table one of them changes is read elsewhere
// in the statement or changed twice; also for parameters ($1) and WITH RECURSIVE.
// `next_table` numbers the temp tables (unique in the session).
struct DataModifyingWith {
  std::vector<Statement> steps;
  std::vector<std::string> tables;
};
DataModifyingWith split_data_modifying_with(Statement& statement, uint64_t& next_table);

// The SQL condition, in DuckDB terms, that selects the relation `schema`.`name` in DuckDB's
// catalog functions (duckdb_columns() …): an empty schema means the session's current one.
// `alias` qualifies the columns ("c." in a join).
std::string relation_filter(const std::string& schema, const std::string& name, const std::string& alias = "");

// DuckDB's schema for a PostgreSQL one: public is main.
std::string duckdb_schema(const std::string& schema);

}  // namespace ducklings::sql
