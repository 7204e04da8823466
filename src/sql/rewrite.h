// Rewrites of PostgreSQL statements that DuckDB does not accept as written. Issue-by-issue this
// grows into the full transpiler; each rewrite keeps the statement's meaning.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "sql/result_types.h"
#include "sql/statement.h"

namespace ducklings::sql {

// The DuckDB statements that carry out `statement`; empty when its text runs unchanged.
// Several statements come back when DuckDB handles one object per statement (DROP a, b).
// With `column_types` (sql/result_types.h), SELECTs take PostgreSQL's result types.
std::vector<std::string> rewrite_for_duckdb(const Statement& statement,
                                            const ColumnTypeLookup* column_types = nullptr);

// PostgreSQL types of result columns that differ from what DuckDB reports (int2vector and
// oidvector catalog columns go out as text in their PostgreSQL form): one OID per select-list
// entry, 0 where DuckDB's type stands; empty when nothing differs.
std::vector<int32_t> result_type_overrides(const Statement& statement);

// ALTER TABLE on a view: PostgreSQL accepts it, DuckDB wants ALTER VIEW. altered_table names
// the relation an ALTER TABLE statement changes (schema in DuckDB's terms, empty when
// unqualified) so the caller can ask the catalog; alter_as_view turns the statement into
// ALTER VIEW.
std::optional<std::pair<std::string, std::string>> altered_table(const Statement& statement);
void alter_as_view(Statement& statement);

// Whether `name`, a relation's catalog ("db"."schema"."table"), names the session's own
// database (dropped for DuckDB) rather than DuckDB's system or temp.
bool is_database_qualifier(const std::string& name);

// Statements to run after `statement` succeeds that keep catalog facts DuckDB itself drops
// (the n of varchar(n) and char(n), recorded in duckgres_meta.declared_types).
std::vector<std::string> catalog_bookkeeping(const Statement& statement);
// A row of duckgres_meta.declared_types (schema as the client named it: public or empty is main).
std::string declared_type_insert(const std::string& schema, const std::string& table, const std::string& column,
                                 int32_t type_oid, int32_t typmod);

}  // namespace ducklings::sql
