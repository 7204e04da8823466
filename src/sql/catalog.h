// PostgreSQL catalog emulation: pg_catalog relations and functions, and information_schema
// views, as SQL that DuckDB runs. Installed once per database in the schemas duckgres_catalog
// and duckgres_information_schema; the transpiler points client references at them.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>

namespace ducklings::sql {

// Version of the installed catalog: a hash of its SQL files (src/sql/catalog/*.sql), so any
// change to them reinstalls the catalog of existing databases.
extern const char* const kCatalogVersion;

// SQL (several statements) that creates or replaces schemas duckgres_catalog and
// duckgres_information_schema with every view, table and macro; idempotent and safe to run
// inside a transaction.
const std::string& catalog_install_sql();

// SQL (several statements) that refreshes the calling connection's snapshot of the catalog's
// base views (temp tables the catalog views read). Run it before a statement that reads the
// catalog whenever the schema may have changed since the last run; it may run inside a
// transaction (it then sees that transaction's own DDL).
const std::string& catalog_snapshot_sql();

// Emulated pg_catalog relation names (pg_class, pg_type, …), unqualified and lower case.
bool is_catalog_relation(std::string_view name);
// Emulated information_schema relation names (tables, columns, …).
bool is_information_schema_relation(std::string_view name);
// Emulated information_schema functions (_pg_expandarray), called schema-qualified.
bool is_information_schema_function(std::string_view name);
// Emulated functions (pg_get_userbyid, format_type, …), installed in duckgres_catalog.
bool is_catalog_function(std::string_view name);

// PostgreSQL's fixed oid of a system catalog table ("pg_class" 1259, with schema "" or
// "pg_catalog"), 0 for any other name: 'pg_class'::regclass is what pg_description.classoid holds.
int32_t catalog_table_oid(std::string_view schema, std::string_view name);

// The oid of PostgreSQL 15's built-in function `proname` (the lowest, when overloaded), as a
// regproc value names it ('boolrecv' → 2436; '-' → 0); -1 when there is none.
int64_t builtin_function_oid(std::string_view proname);

}  // namespace ducklings::sql
