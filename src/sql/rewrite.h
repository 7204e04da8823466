// Rewrites of PostgreSQL statements that DuckDB does not accept as written. Issue-by-issue this
// grows into the full transpiler; each rewrite keeps the statement's meaning.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "sql/statement.h"

namespace ducklings::sql {

// The DuckDB statements that carry out `statement`; empty when its text runs unchanged.
// Several statements come back when DuckDB handles one object per statement (DROP a, b).
std::vector<std::string> rewrite_for_duckdb(const Statement& statement);

// PostgreSQL types of result columns that differ from what DuckDB reports (int2vector and
// oidvector catalog columns go out as text in their PostgreSQL form): one OID per select-list
// entry, 0 where DuckDB's type stands; empty when nothing differs.
std::vector<int32_t> result_type_overrides(const Statement& statement);

// Statements to run after `statement` succeeds that keep catalog facts DuckDB itself drops
// (the n of varchar(n) and char(n), recorded in duckgres_meta.declared_types).
std::vector<std::string> catalog_bookkeeping(const Statement& statement);

// Run on every new DuckDB connection: settings and macros the rewrites rely on.
extern const char* const kSessionSetup;

}  // namespace ducklings::sql
