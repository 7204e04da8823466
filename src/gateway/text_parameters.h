// Parameters sent in PostgreSQL's text format, turned into DuckDB values.
#pragma once

#include <duckdb.h>

#include <optional>
#include <string>

#include "duck/duck.h"
#include "sql/array_literal.h"

namespace ducklings::gateway {

// A value of DuckDB type `type` read from `text` as PostgreSQL reads its input (e.g. '1.5' is
// not an integer), or nullopt for types read by DuckDB's own cast from VARCHAR. Binding the
// type the statement was planned with keeps DuckDB from re-planning it on every execution.
// Throws SqlError 22P02/22003 on input PostgreSQL would refuse.
std::optional<duck::Value> typed_text_value(duckdb_type type, const std::string& text);

// The DuckDB type a PostgreSQL type OID is read as when DuckDB could not infer the parameter's
// type (DUCKDB_TYPE_INVALID when none).
duckdb_type duck_type_for_oid(int32_t oid);

// PostgreSQL's bytea input: hex ("\x0a0b") or the escape format ("a\\b\001").
std::string decode_bytea_text(const std::string& text);

// A DuckDB list value (of VARCHAR, or of lists for nested arrays) holding a parsed array.
duck::Value varchar_list(const sql::ArrayLiteral& a);

}  // namespace ducklings::gateway
