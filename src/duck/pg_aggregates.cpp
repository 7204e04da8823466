#include "duck/pg_aggregates.h"

#include <cmath>
#include <stdexcept>
#include <string>

namespace ducklings::duck {

namespace {

// float8_regr_accum's state: N, Sx, Sxx, Sy, Syy, Sxy (Sxx & co are sums of squared
// deviations, kept by the Youngs-Cramer update).
struct Sums {
  double n, sx, sxx, sy, syy, sxy;
};

enum class Statistic { kCorr, kCovarPop, kCovarSamp, kSlope, kIntercept, kR2, kSxx, kSyy, kSxy, kAvgX, kAvgY };

idx_t state_size(duckdb_function_info) { return sizeof(Sums); }

void init(duckdb_function_info, duckdb_aggregate_state state) { *reinterpret_cast<Sums*>(state) = Sums{}; }

bool valid(uint64_t* validity, idx_t row) { return !validity || duckdb_validity_row_is_valid(validity, row); }

// One (y, x) pair; pairs with a NULL are skipped, as PostgreSQL's strict transition does.
void accumulate(Sums& s, double y, double x) {
  double n = s.n + 1.0;
  double sx = s.sx + x, sy = s.sy + y;
  if (s.n > 0.0) {
    double tmp_x = x * n - sx, tmp_y = y * n - sy;
    double scale = 1.0 / (n * s.n);
    s.sxx += tmp_x * tmp_x * scale;
    s.syy += tmp_y * tmp_y * scale;
    s.sxy += tmp_x * tmp_y * scale;
    // An infinite input makes the sums NaN, as PostgreSQL's overflow rules do for Inf - Inf.
  } else {
    double nan_x = std::isnan(x) || std::isinf(x) ? NAN : 0.0, nan_y = std::isnan(y) || std::isinf(y) ? NAN : 0.0;
    s.sxx = nan_x;
    s.syy = nan_y;
    s.sxy = std::isnan(nan_x) || std::isnan(nan_y) ? NAN : 0.0;
  }
  s.n = n;
  s.sx = sx;
  s.sy = sy;
}

void update(duckdb_function_info, duckdb_data_chunk input, duckdb_aggregate_state* states) {
  idx_t rows = duckdb_data_chunk_get_size(input);
  duckdb_vector yv = duckdb_data_chunk_get_vector(input, 0), xv = duckdb_data_chunk_get_vector(input, 1);
  auto* y = static_cast<double*>(duckdb_vector_get_data(yv));
  auto* x = static_cast<double*>(duckdb_vector_get_data(xv));
  uint64_t* y_valid = duckdb_vector_get_validity(yv);
  uint64_t* x_valid = duckdb_vector_get_validity(xv);
  for (idx_t r = 0; r < rows; ++r) {
    if (!valid(y_valid, r) || !valid(x_valid, r)) continue;
    accumulate(*reinterpret_cast<Sums*>(states[r]), y[r], x[r]);
  }
}

// float8_regr_combine: two partial states of disjoint rows.
void combine(duckdb_function_info, duckdb_aggregate_state* source, duckdb_aggregate_state* target, idx_t count) {
  for (idx_t i = 0; i < count; ++i) {
    const Sums& a = *reinterpret_cast<Sums*>(source[i]);
    Sums& b = *reinterpret_cast<Sums*>(target[i]);
    if (a.n == 0.0) continue;
    if (b.n == 0.0) {
      b = a;
      continue;
    }
    double n = a.n + b.n;
    double tmp_x = a.sx / a.n - b.sx / b.n, tmp_y = a.sy / a.n - b.sy / b.n;
    Sums out{n, a.sx + b.sx, a.sxx + b.sxx + a.n * b.n * tmp_x * tmp_x / n, a.sy + b.sy,
             a.syy + b.syy + a.n * b.n * tmp_y * tmp_y / n, a.sxy + b.sxy + a.n * b.n * tmp_x * tmp_y / n};
    b = out;
  }
}

// PostgreSQL's final functions (float8_corr, float8_covar_pop, …): NULL where it answers NULL.
bool final_value(Statistic what, const Sums& s, double& out) {
  double n = s.n;
  switch (what) {
    case Statistic::kCorr:
      if (n < 1.0 || s.sxx == 0.0 || s.syy == 0.0) return false;
      out = s.sxy / std::sqrt(s.sxx * s.syy);
      return true;
    case Statistic::kCovarPop:
      if (n < 1.0) return false;
      out = s.sxy / n;
      return true;
    case Statistic::kCovarSamp:
      if (n < 2.0) return false;
      out = s.sxy / (n - 1.0);
      return true;
    case Statistic::kSlope:
      if (n < 1.0 || s.sxx == 0.0) return false;
      out = s.sxy / s.sxx;
      return true;
    case Statistic::kIntercept:
      if (n < 1.0 || s.sxx == 0.0) return false;
      out = (s.sy - s.sx * s.sxy / s.sxx) / n;
      return true;
    case Statistic::kR2:
      if (n < 1.0 || s.sxx == 0.0) return false;
      out = s.syy == 0.0 ? 1.0 : s.sxy * s.sxy / (s.sxx * s.syy);
      return true;
    case Statistic::kSxx: if (n < 1.0) return false; out = s.sxx; return true;
    case Statistic::kSyy: if (n < 1.0) return false; out = s.syy; return true;
    case Statistic::kSxy: if (n < 1.0) return false; out = s.sxy; return true;
    case Statistic::kAvgX: if (n < 1.0) return false; out = s.sx / n; return true;
    case Statistic::kAvgY: if (n < 1.0) return false; out = s.sy / n; return true;
  }
  return false;
}

template <Statistic what>
void finalize(duckdb_function_info, duckdb_aggregate_state* source, duckdb_vector result, idx_t count, idx_t offset) {
  auto* out = static_cast<double*>(duckdb_vector_get_data(result));
  for (idx_t i = 0; i < count; ++i) {
    double v = 0.0;
    if (final_value(what, *reinterpret_cast<Sums*>(source[i]), v)) {
      out[offset + i] = v;
    } else {
      duckdb_vector_ensure_validity_writable(result);
      duckdb_validity_set_row_invalid(duckdb_vector_get_validity(result), offset + i);
    }
  }
}

template <Statistic what>
void add(duckdb_connection connection, const char* name) {
  duckdb_aggregate_function f = duckdb_create_aggregate_function();
  duckdb_aggregate_function_set_name(f, name);
  duckdb_logical_type dbl = duckdb_create_logical_type(DUCKDB_TYPE_DOUBLE);
  duckdb_aggregate_function_add_parameter(f, dbl);
  duckdb_aggregate_function_add_parameter(f, dbl);
  duckdb_aggregate_function_set_return_type(f, dbl);
  duckdb_destroy_logical_type(&dbl);
  // NULLs are skipped row by row in update(), so DuckDB must hand them over.
  duckdb_aggregate_function_set_special_handling(f);
  duckdb_aggregate_function_set_functions(f, state_size, init, update, combine, finalize<what>);
  duckdb_state state = duckdb_register_aggregate_function(connection, f);
  duckdb_destroy_aggregate_function(&f);
  if (state != DuckDBSuccess) throw std::runtime_error(std::string("cannot register aggregate ") + name);
}

}  // namespace

void register_pg_aggregates(Connection& connection) {
  duckdb_connection c = connection.get();
  add<Statistic::kCorr>(c, "__pg_corr");
  add<Statistic::kCovarPop>(c, "__pg_covar_pop");
  add<Statistic::kCovarSamp>(c, "__pg_covar_samp");
  add<Statistic::kSlope>(c, "__pg_regr_slope");
  add<Statistic::kIntercept>(c, "__pg_regr_intercept");
  add<Statistic::kR2>(c, "__pg_regr_r2");
  add<Statistic::kSxx>(c, "__pg_regr_sxx");
  add<Statistic::kSyy>(c, "__pg_regr_syy");
  add<Statistic::kSxy>(c, "__pg_regr_sxy");
  add<Statistic::kAvgX>(c, "__pg_regr_avgx");
  add<Statistic::kAvgY>(c, "__pg_regr_avgy");
}

}  // namespace ducklings::duck
