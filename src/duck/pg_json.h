// PostgreSQL's json and jsonb for DuckDB: the jsonb type (a VARCHAR alias holding PostgreSQL's
// normalised text), its casts, and the functions behind PostgreSQL's json operators that DuckDB
// lacks or answers otherwise. json (DuckDB's JSON) keeps its text as written, as PostgreSQL's
// does; jsonb text is normalised on the way in (keys sorted by length then bytes, the last of
// duplicate keys kept, numbers as numeric prints them, PostgreSQL's spacing), so results print
// as PostgreSQL prints them and a substring of a jsonb value is itself normalised.
#pragma once
#include <duckdb.h>

#include <string>
#include <string_view>

namespace ducklings::duck {

// The alias DuckDB knows the type by (CAST(x AS jsonb), CREATE TABLE t (c jsonb)).
inline constexpr std::string_view kJsonbAlias = "jsonb";

// Registers the jsonb type, its casts and the __pgj_* functions (see rewrite_json.cpp for the
// SQL that calls them) in the database of `connection`. Once per DuckDB instance.
void register_pg_json(duckdb_connection connection);

// `text` as PostgreSQL's jsonb prints it; throws std::invalid_argument (message as
// PostgreSQL's) when it is not JSON. Exposed for tests.
std::string normalize_jsonb(std::string_view text);

// `s` as a JSON string (quoted, escaped as PostgreSQL escapes), appended to `out`.
void append_json_string(std::string& out, std::string_view s);

}  // namespace ducklings::duck
