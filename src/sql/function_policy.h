// Which functions a session below the owner role may call (docs/security.md, "Functions"):
// an allow-list, not a list of forbidden ones. A function is callable below owner only when it
// is known to read nothing the caller's grants do not cover: computations on their arguments,
// aggregates and windows, and the emulated catalog functions (which filter by the session's
// grants). Functions that run SQL given as data (query, query_table,
// json_execute_serialized_sql), read files, show the server or the whole catalog are not on it;
// functions that name a relation by a constant (nextval('s'), pragma_table_info('t')) need a
// privilege on that relation. A function DuckDB adds in an upgrade stays owner-only until it is
// reviewed and listed here (tests/unit/sql/function_policy_test.cpp lists every DuckDB
// function in one of the lists).
#pragma once
#include <string>
#include <string_view>
#include <vector>

namespace ducklings::sql {

enum class FunctionUse {
  kAllowed,        // computes from its arguments (and the session's own state)
  kNamesRelation,  // its first argument names a relation the caller needs a privilege on
  kNotAllowed,     // owner only
};

// How a session below owner may use the function `name` (lower case, unqualified), called in
// an expression (`in_from` false) or as a table function in FROM (`in_from` true).
FunctionUse function_use(std::string_view name, bool in_from);

// Whether a function qualified by `schema` ("pg_catalog", "main", …) is one of the built-in
// ones the lists describe; a function in any other schema is a user's macro: owner only.
bool builtin_function_schema(std::string_view schema);

// Whether an unqualified relation `name` that is no table of the duckling's is one of DuckDB's
// own catalog views (duckdb_tables, sqlite_master, pg_catalog's views the gateway does not
// emulate): they show every tenant's objects, so they are owner only.
bool is_engine_catalog_view(std::string_view name);

// The names DuckDB has that are deliberately not allowed below owner (reviewed, for the test
// that every function DuckDB has is either allowed or listed here).
const std::vector<std::string_view>& refused_functions();

}  // namespace ducklings::sql
