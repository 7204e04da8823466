#include "sql/pg_float.h"

#include <cmath>
#include <stdexcept>

namespace ducklings::sql {
namespace {

enum class Op { kAdd, kSub, kMul, kDiv };

// float.h's check_float8_val: an infinite result of finite inputs overflows; a zero result of
// non-zero inputs underflows (products and quotients only, as float8mul and float8div check).
template <Op kOp>
void float8_arith(duckdb_function_info info, duckdb_data_chunk input, duckdb_vector output) {
  idx_t rows = duckdb_data_chunk_get_size(input);
  duckdb_vector a = duckdb_data_chunk_get_vector(input, 0),
                b = duckdb_data_chunk_get_vector(input, 1);
  const auto* x = static_cast<const double*>(duckdb_vector_get_data(a));
  const auto* y = static_cast<const double*>(duckdb_vector_get_data(b));
  uint64_t* xvalid = duckdb_vector_get_validity(a);
  uint64_t* yvalid = duckdb_vector_get_validity(b);
  auto* out = static_cast<double*>(duckdb_vector_get_data(output));
  uint64_t* ovalid = nullptr;
  if (xvalid || yvalid) {
    duckdb_vector_ensure_validity_writable(output);
    ovalid = duckdb_vector_get_validity(output);
  }
  // Validity bits read here, not through a call into the library per row.
  auto valid = [](const uint64_t* mask, idx_t r) {
    return !mask || ((mask[r / 64] >> (r % 64)) & 1);
  };
  for (idx_t r = 0; r < rows; ++r) {
    if (!valid(xvalid, r) || !valid(yvalid, r)) {
      ovalid[r / 64] &= ~(uint64_t{1} << (r % 64));
      continue;
    }
    double v = 0;
    bool overflow = false, underflow = false;
    switch (kOp) {
      case Op::kAdd:
        v = x[r] + y[r];
        overflow = std::isinf(v) && !std::isinf(x[r]) && !std::isinf(y[r]);
        break;
      case Op::kSub:
        v = x[r] - y[r];
        overflow = std::isinf(v) && !std::isinf(x[r]) && !std::isinf(y[r]);
        break;
      case Op::kMul:
        v = x[r] * y[r];
        overflow = std::isinf(v) && !std::isinf(x[r]) && !std::isinf(y[r]);
        underflow = v == 0.0 && x[r] != 0.0 && y[r] != 0.0;
        break;
      case Op::kDiv:
        if (y[r] == 0.0 && !std::isnan(x[r])) {
          duckdb_scalar_function_set_error(info, "[22012] division by zero");
          return;
        }
        v = x[r] / y[r];
        overflow = std::isinf(v) && !std::isinf(x[r]);
        underflow = v == 0.0 && x[r] != 0.0 && !std::isinf(y[r]);
        break;
    }
    if (overflow || underflow) {
      duckdb_scalar_function_set_error(info, overflow ? "[22003] value out of range: overflow"
                                                      : "[22003] value out of range: underflow");
      return;
    }
    out[r] = v;
  }
}

void add(duck::Connection& connection, const char* name, duckdb_scalar_function_t fn) {
  duck::register_scalar(
      connection.get(),
      {name, {DUCKDB_TYPE_DOUBLE, DUCKDB_TYPE_DOUBLE}, DUCKDB_TYPE_DOUBLE, nullptr, fn});
}

}  // namespace

void register_float_functions(duck::Connection& connection) {
  add(connection, "__pg_float8_add", float8_arith<Op::kAdd>);
  add(connection, "__pg_float8_sub", float8_arith<Op::kSub>);
  add(connection, "__pg_float8_mul", float8_arith<Op::kMul>);
  add(connection, "__pg_float8_div", float8_arith<Op::kDiv>);
}

}  // namespace ducklings::sql
