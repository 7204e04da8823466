// Casts from text that read PostgreSQL's input forms, registered in each warehouse's DuckDB in
// place of DuckDB's own: a literal or column cast to bytea, boolean, an integer, a float or an
// array, explicitly or implicitly (INSERT … VALUES ('\xdeadbeef') into a bytea column,
// '{a,b}' into a text[] column, b = '\x01' on a bytea column) gets PostgreSQL's value or
// PostgreSQL's error, never DuckDB's different reading of the same text.
#pragma once

#include "duck/duck.h"

namespace ducklings::sql {

// Registers the casts in `connection`'s database (they apply to all its connections).
// Throws std::runtime_error when DuckDB refuses one.
void register_pg_casts(duck::Connection& connection);

}  // namespace ducklings::sql
