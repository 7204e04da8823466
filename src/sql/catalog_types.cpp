#include "sql/catalog_types.h"

#include <stdexcept>
#include <string>

#include "sql/catalog.h"

namespace ducklings::sql {

namespace {

// The alias has its base type's representation: a cast hands the vector over as it is.
bool same_vector(duckdb_function_info, idx_t, duckdb_vector input, duckdb_vector output) {
  duckdb_vector_reference_vector(output, input);
  return true;
}

void register_cast(duckdb_connection connection, duckdb_logical_type from, duckdb_logical_type to,
                   int64_t implicit_cost, duckdb_cast_function_t function = same_vector) {
  duckdb_cast_function cast = duckdb_create_cast_function();
  duckdb_cast_function_set_source_type(cast, from);
  duckdb_cast_function_set_target_type(cast, to);
  if (implicit_cost >= 0) duckdb_cast_function_set_implicit_cast_cost(cast, implicit_cost);
  duckdb_cast_function_set_function(cast, function);
  duckdb_state state = duckdb_register_cast_function(connection, cast);
  duckdb_destroy_cast_function(&cast);
  if (state != DuckDBSuccess) throw std::runtime_error("cannot register a catalog type cast");
}

// regproc → oid: the built-in function's oid by its name ('-' is 0); a name no built-in has
// is NULL (joins on it find nothing) and digits are the oid itself.
bool regproc_to_oid(duckdb_function_info, idx_t count, duckdb_vector input, duckdb_vector output) {
  auto* in = static_cast<duckdb_string_t*>(duckdb_vector_get_data(input));
  auto* out = static_cast<int64_t*>(duckdb_vector_get_data(output));
  uint64_t* in_valid = duckdb_vector_get_validity(input);
  duckdb_vector_ensure_validity_writable(output);
  uint64_t* out_valid = duckdb_vector_get_validity(output);
  for (idx_t i = 0; i < count; ++i) {
    if (in_valid && !duckdb_validity_row_is_valid(in_valid, i)) {
      duckdb_validity_set_row_invalid(out_valid, i);
      continue;
    }
    std::string_view name(duckdb_string_t_data(&in[i]), duckdb_string_t_length(in[i]));
    int64_t oid = builtin_function_oid(name);
    if (oid < 0 && !name.empty() && name.size() <= 18 && name.find_first_not_of("0123456789") == std::string_view::npos) {
      oid = std::stoll(std::string(name));
    }
    if (oid < 0) {
      duckdb_validity_set_row_invalid(out_valid, i);
    } else {
      out[i] = oid;
    }
  }
  return true;
}

void register_alias(duckdb_connection connection, duckdb_type base, std::string_view alias) {
  duck::LogicalType plain(duckdb_create_logical_type(base));
  duck::LogicalType aliased(duckdb_create_logical_type(base));
  duckdb_logical_type_set_alias(aliased.get(), std::string(alias).c_str());
  if (duckdb_register_logical_type(connection, aliased.get(), nullptr) != DuckDBSuccess) {
    throw std::runtime_error("cannot register the catalog type " + std::string(alias));
  }
  // Towards the base type implicitly and cheaply (lower(relname), relname ~ '…', oid + 1);
  // back only when the catalog's SQL casts explicitly.
  register_cast(connection, aliased.get(), plain.get(), 1);
  register_cast(connection, plain.get(), aliased.get(), -1);
}

bool equals_ignoring_case(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char x = a[i] >= 'A' && a[i] <= 'Z' ? static_cast<char>(a[i] - 'A' + 'a') : a[i];
    char y = b[i] >= 'A' && b[i] <= 'Z' ? static_cast<char>(b[i] - 'A' + 'a') : b[i];
    if (x != y) return false;
  }
  return true;
}

}  // namespace

void register_catalog_types(duckdb_connection connection) {
  register_alias(connection, DUCKDB_TYPE_VARCHAR, kNameAlias);
  register_alias(connection, DUCKDB_TYPE_VARCHAR, kCharAlias);
  register_alias(connection, DUCKDB_TYPE_BIGINT, kOidAlias);
  register_alias(connection, DUCKDB_TYPE_VARCHAR, kVarcharAlias);
  register_alias(connection, DUCKDB_TYPE_VARCHAR, kYesOrNoAlias);
  register_alias(connection, DUCKDB_TYPE_VARCHAR, kRegclassAlias);
  register_alias(connection, DUCKDB_TYPE_VARCHAR, kRegtypeAlias);
  register_alias(connection, DUCKDB_TYPE_VARCHAR, kRegprocAlias);
  duck::LogicalType regproc(duckdb_create_logical_type(DUCKDB_TYPE_VARCHAR));
  duckdb_logical_type_set_alias(regproc.get(), std::string(kRegprocAlias).c_str());
  duck::LogicalType bigint(duckdb_create_logical_type(DUCKDB_TYPE_BIGINT));
  duck::LogicalType oid(duckdb_create_logical_type(DUCKDB_TYPE_BIGINT));
  duckdb_logical_type_set_alias(oid.get(), std::string(kOidAlias).c_str());
  // Dearer than the cast to VARCHAR: a function of text and of numbers takes the name.
  for (duckdb_logical_type to : {bigint.get(), oid.get()}) register_cast(connection, regproc.get(), to, 100, regproc_to_oid);
}

int32_t catalog_type_oid(std::string_view alias) {
  if (equals_ignoring_case(alias, kNameAlias)) return 19;
  if (equals_ignoring_case(alias, kCharAlias)) return 18;
  if (equals_ignoring_case(alias, kOidAlias)) return 26;
  if (equals_ignoring_case(alias, kRegclassAlias)) return 2205;
  if (equals_ignoring_case(alias, kRegtypeAlias)) return 2206;
  if (equals_ignoring_case(alias, kRegprocAlias)) return 24;
  if (equals_ignoring_case(alias, kVarcharAlias) || equals_ignoring_case(alias, kYesOrNoAlias)) return 1043;
  return 0;
}

int32_t catalog_type_typmod(std::string_view alias) {
  return equals_ignoring_case(alias, kYesOrNoAlias) ? 3 + 4 : -1;
}

}  // namespace ducklings::sql
