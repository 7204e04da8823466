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

// The SQL condition, in DuckDB terms, that selects the relation `schema`.`name` in DuckDB's
// catalog functions (duckdb_columns() …): an empty schema means the session's current one.
// `alias` qualifies the columns ("c." in a join).
std::string relation_filter(const std::string& schema, const std::string& name, const std::string& alias = "");

// DuckDB's schema for a PostgreSQL one: public is main.
std::string duckdb_schema(const std::string& schema);

}  // namespace ducklings::sql
