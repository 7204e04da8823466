// TABLESAMPLE as PostgreSQL means it. DuckDB reads `TABLESAMPLE system (10)` as ten rows,
// PostgreSQL as ten percent, so the sampled relation becomes a filtered subquery.
#pragma once

#include "pg_query.pb.h"

namespace ducklings::sql {

// Rewrites a RangeTableSample node in place; returns whether it changed. Throws SqlError
// (2202H, 42704) for what PostgreSQL refuses: an unknown method, a percentage outside 0…100.
bool rewrite_table_sample(pg_query::Node& n);

}  // namespace ducklings::sql
