// PostgreSQL's float8 statistics aggregates of two variables (corr, covar_pop, covar_samp and
// the regr_* family) over the C API, with PostgreSQL's own algorithm: the Youngs-Cramer
// running sums of float8_regr_accum and the combine step of float8_regr_combine, so answers
// agree with PostgreSQL's to the last digit (DuckDB's built-ins sum differently:
// regr_slope 2.5000000000000004 where PostgreSQL says 2.5). The rewrite (sql/rewrite_functions)
// calls them as __pg_<name>.
#pragma once
#include "duck/duck.h"

namespace ducklings::duck {

// Registers __pg_corr, __pg_covar_pop, __pg_covar_samp, __pg_regr_slope, __pg_regr_intercept,
// __pg_regr_r2, __pg_regr_sxx, __pg_regr_syy, __pg_regr_sxy, __pg_regr_avgx and
// __pg_regr_avgy (y, x) → double precision in the connection's database.
void register_pg_aggregates(Connection& connection);

}  // namespace ducklings::duck
