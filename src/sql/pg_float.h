// double precision arithmetic as PostgreSQL checks it: a finite result out of range is error
// 22003 (overflow or underflow) where DuckDB's doubles answer Infinity or 0.
#pragma once
#include "duck/duck.h"

namespace ducklings::sql {

// Registers __pg_float8_add, __pg_float8_sub, __pg_float8_mul and __pg_float8_div
// (DOUBLE, DOUBLE) → DOUBLE on the connection.
void register_float_functions(duck::Connection& connection);

}  // namespace ducklings::sql
