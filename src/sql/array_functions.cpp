#include "sql/array_functions.h"

#include <duckdb.h>

#include <stdexcept>
#include <string>
#include <vector>

namespace ducklings::sql {
namespace {

// The lengths of each dimension of the list at `row` of `v` (of `type`), PostgreSQL's way:
// the first element of each level gives the next dimension; empty when the array is.
void dimensions(duckdb_vector v, duckdb_logical_type type, idx_t row, std::vector<idx_t>& dims) {
  auto entry = static_cast<duckdb_list_entry*>(duckdb_vector_get_data(v))[row];
  if (entry.length == 0) return;
  dims.push_back(entry.length);
  duck::LogicalType child_type(duckdb_list_type_child_type(type));
  if (duckdb_get_type_id(child_type.get()) != DUCKDB_TYPE_LIST) return;
  duckdb_vector child = duckdb_list_vector_get_child(v);
  uint64_t* valid = duckdb_vector_get_validity(child);
  if (valid && !duckdb_validity_row_is_valid(valid, entry.offset)) return;
  dimensions(child, child_type.get(), entry.offset, dims);
}

// Every element below the list at `row`, nested lists counted by their elements.
idx_t leaves(duckdb_vector v, duckdb_logical_type type, idx_t row) {
  auto entry = static_cast<duckdb_list_entry*>(duckdb_vector_get_data(v))[row];
  duck::LogicalType child_type(duckdb_list_type_child_type(type));
  if (duckdb_get_type_id(child_type.get()) != DUCKDB_TYPE_LIST) return entry.length;
  duckdb_vector child = duckdb_list_vector_get_child(v);
  uint64_t* valid = duckdb_vector_get_validity(child);
  idx_t n = 0;
  for (idx_t i = entry.offset; i < entry.offset + entry.length; ++i) {
    if (!valid || duckdb_validity_row_is_valid(valid, i)) n += leaves(child, child_type.get(), i);
  }
  return n;
}

enum class Answer { kCardinality, kNdims, kDims };

void array_info(duckdb_function_info info, duckdb_data_chunk input, duckdb_vector output) {
  auto what =
      static_cast<Answer>(reinterpret_cast<intptr_t>(duckdb_scalar_function_get_extra_info(info)));
  duckdb_vector v = duckdb_data_chunk_get_vector(input, 0);
  duck::LogicalType type(duckdb_vector_get_column_type(v));
  idx_t rows = duckdb_data_chunk_get_size(input);
  if (duckdb_get_type_id(type.get()) != DUCKDB_TYPE_LIST) {
    duckdb_scalar_function_set_error(info, "function takes an array argument");
    return;
  }
  uint64_t* valid = duckdb_vector_get_validity(v);
  duckdb_vector_ensure_validity_writable(output);
  uint64_t* out_valid = duckdb_vector_get_validity(output);
  for (idx_t r = 0; r < rows; ++r) {
    if (valid && !duckdb_validity_row_is_valid(valid, r)) {
      duckdb_validity_set_row_invalid(out_valid, r);
      continue;
    }
    if (what == Answer::kCardinality) {
      static_cast<int32_t*>(duckdb_vector_get_data(output))[r] =
          static_cast<int32_t>(leaves(v, type.get(), r));
      continue;
    }
    std::vector<idx_t> dims;
    dimensions(v, type.get(), r, dims);
    if (dims.empty()) {  // PostgreSQL: an empty array has no dimensions
      duckdb_validity_set_row_invalid(out_valid, r);
    } else if (what == Answer::kNdims) {
      static_cast<int32_t*>(duckdb_vector_get_data(output))[r] = static_cast<int32_t>(dims.size());
    } else {
      std::string text;
      for (idx_t d : dims) text += "[1:" + std::to_string(d) + "]";
      duckdb_vector_assign_string_element_len(output, r, text.data(), text.size());
    }
  }
}

void add(duck::Connection& connection, const char* name, Answer what, duckdb_type result) {
  duck::register_scalar(connection.get(), {name,
                                           {DUCKDB_TYPE_ANY},
                                           result,
                                           nullptr,
                                           array_info,
                                           reinterpret_cast<void*>(static_cast<intptr_t>(what)),
                                           nullptr});
}

}  // namespace

void register_array_functions(duck::Connection& connection) {
  add(connection, "__pg_cardinality", Answer::kCardinality, DUCKDB_TYPE_INTEGER);
  add(connection, "__pg_array_ndims", Answer::kNdims, DUCKDB_TYPE_INTEGER);
  add(connection, "__pg_array_dims", Answer::kDims, DUCKDB_TYPE_VARCHAR);
}

}  // namespace ducklings::sql
