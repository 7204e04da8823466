// PostgreSQL's catalog-only types (name, "char", oid) as DuckDB type aliases, so a catalog
// column keeps its PostgreSQL type through views, subqueries, joins and min/max, and the wire
// protocol describes it as PostgreSQL does (relname is name, OID 19, not text).
#pragma once
#include <cstdint>
#include <string_view>

#include "duck/duck.h"

namespace ducklings::sql {

// Alias names, as the catalog's SQL casts to them: CAST(x AS duckgres_name).
inline constexpr std::string_view kNameAlias = "duckgres_name";  // VARCHAR shown as name (19)
inline constexpr std::string_view kCharAlias = "duckgres_char";  // VARCHAR shown as "char" (18)
inline constexpr std::string_view kOidAlias = "duckgres_oid";    // BIGINT shown as oid (26)
// A regclass or regtype value where it is printed: its name (regclass 2205, regtype 2206).
inline constexpr std::string_view kRegclassAlias = "duckgres_regclass";
inline constexpr std::string_view kRegtypeAlias = "duckgres_regtype";
// A regproc catalog column (pg_type.typreceive, …): the function's name, as PostgreSQL prints
// it (24); compared with or cast to an oid it is the function's oid (proc.oid = typ.typreceive).
inline constexpr std::string_view kRegprocAlias = "duckgres_regproc";
// information_schema's character_data and yes_or_no domains: varchar, and varchar(3).
inline constexpr std::string_view kVarcharAlias = "duckgres_varchar";
inline constexpr std::string_view kYesOrNoAlias = "duckgres_yes_or_no";

// Registers the aliases and their casts (to and from the base type: implicit towards the base
// type, so every function and operator of VARCHAR / BIGINT accepts them) in the database of
// `connection`. Once per DuckDB instance, before the catalog is installed.
void register_catalog_types(duckdb_connection connection);

// The PostgreSQL type OID a type alias stands for, 0 when `alias` is none of them.
int32_t catalog_type_oid(std::string_view alias);
// Its type modifier (RowDescription's atttypmod), -1 when none.
int32_t catalog_type_typmod(std::string_view alias);

}  // namespace ducklings::sql
