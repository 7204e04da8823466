#include "sql/catalog_types.h"

#include <stdexcept>
#include <string>

namespace ducklings::sql {

namespace {

// The alias has its base type's representation: a cast hands the vector over as it is.
bool same_vector(duckdb_function_info, idx_t, duckdb_vector input, duckdb_vector output) {
  duckdb_vector_reference_vector(output, input);
  return true;
}

void register_cast(duckdb_connection connection, duckdb_logical_type from, duckdb_logical_type to,
                   int64_t implicit_cost) {
  duckdb_cast_function cast = duckdb_create_cast_function();
  duckdb_cast_function_set_source_type(cast, from);
  duckdb_cast_function_set_target_type(cast, to);
  if (implicit_cost >= 0) duckdb_cast_function_set_implicit_cast_cost(cast, implicit_cost);
  duckdb_cast_function_set_function(cast, same_vector);
  duckdb_state state = duckdb_register_cast_function(connection, cast);
  duckdb_destroy_cast_function(&cast);
  if (state != DuckDBSuccess) throw std::runtime_error("cannot register a catalog type cast");
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
}

int32_t catalog_type_oid(std::string_view alias) {
  if (equals_ignoring_case(alias, kNameAlias)) return 19;
  if (equals_ignoring_case(alias, kCharAlias)) return 18;
  if (equals_ignoring_case(alias, kOidAlias)) return 26;
  if (equals_ignoring_case(alias, kRegclassAlias)) return 2205;
  if (equals_ignoring_case(alias, kRegtypeAlias)) return 2206;
  if (equals_ignoring_case(alias, kVarcharAlias) || equals_ignoring_case(alias, kYesOrNoAlias)) return 1043;
  return 0;
}

int32_t catalog_type_typmod(std::string_view alias) {
  return equals_ignoring_case(alias, kYesOrNoAlias) ? 3 + 4 : -1;
}

}  // namespace ducklings::sql
