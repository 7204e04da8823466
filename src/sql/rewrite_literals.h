// Rewrites of literals, casts and operators whose PostgreSQL meaning DuckDB spells otherwise
// (BETWEEN SYMMETRIC, # and the other bitwise and root operators, ^'s associativity, bit
// string literals …). Called on every node by the expression rewriter.
#pragma once

#include "pg_query.pb.h"

namespace ducklings::sql {

// Rewrites `n` in place; returns whether it changed.
bool rewrite_literal(pg_query::Node& n);

}  // namespace ducklings::sql
