#include "duck/table_function.h"

#include <stdexcept>

namespace ducklings::duck {
namespace {

using ScanFactory = std::function<std::unique_ptr<Scan>()>;

template <typename T>
void delete_as(void* p) {
  delete static_cast<T*>(p);
}

void bind(duckdb_bind_info info) {
  auto* spec = static_cast<TableFunctionSpec*>(duckdb_bind_get_extra_info(info));
  duckdb_value list = duckdb_bind_get_parameter(info, 0);
  std::vector<std::string> items;
  idx_t n = duckdb_get_list_size(list);
  for (idx_t i = 0; i < n; ++i) {
    duckdb_value item = duckdb_get_list_child(list, i);
    char* text = duckdb_get_varchar(item);
    if (text) items.emplace_back(text);
    duckdb_free(text);
    duckdb_destroy_value(&item);
  }
  duckdb_destroy_value(&list);
  try {
    auto* factory = new ScanFactory(spec->bind(items));
    duckdb_bind_set_bind_data(info, factory, delete_as<ScanFactory>);
  } catch (const std::exception& e) {
    duckdb_bind_set_error(info, e.what());
    return;
  }
  for (const auto& [name, type] : spec->columns) {
    duckdb_logical_type t =
        duckdb_create_logical_type(type == ColumnType::kUuid          ? DUCKDB_TYPE_UUID
                                   : type == ColumnType::kTimestampTz ? DUCKDB_TYPE_TIMESTAMP_TZ
                                                                      : DUCKDB_TYPE_VARCHAR);
    if (type == ColumnType::kJson) duckdb_logical_type_set_alias(t, "JSON");
    duckdb_bind_add_result_column(info, name.c_str(), t);
    duckdb_destroy_logical_type(&t);
  }
}

// A call's execution: its scan and which of the spec's columns the query reads.
struct GlobalState {
  std::unique_ptr<Scan> scan;
  std::vector<int> slots;
};

void init(duckdb_init_info info) {
  auto* spec = static_cast<TableFunctionSpec*>(duckdb_init_get_extra_info(info));
  auto* factory = static_cast<ScanFactory*>(duckdb_init_get_bind_data(info));
  auto state = std::make_unique<GlobalState>();
  state->slots.assign(spec->columns.size(), -1);
  idx_t n = duckdb_init_get_column_count(info);
  for (idx_t i = 0; i < n; ++i) {
    idx_t column = duckdb_init_get_column_index(info, i);
    if (column < state->slots.size()) state->slots[column] = static_cast<int>(i);
  }
  try {
    state->scan = (*factory)();
  } catch (const std::exception& e) {
    duckdb_init_set_error(info, e.what());
    return;
  }
  duckdb_init_set_init_data(info, state.release(), delete_as<GlobalState>);
  duckdb_init_set_max_threads(info, spec->max_threads);
}

// A thread's state is made on its first call: the C API shows the local init no global state.
using ThreadSlot = std::unique_ptr<ScanThread>;

void local_init(duckdb_init_info info) {
  duckdb_init_set_init_data(info, new ThreadSlot(), delete_as<ThreadSlot>);
}

void scan(duckdb_function_info info, duckdb_data_chunk output) {
  auto& thread = *static_cast<ThreadSlot*>(duckdb_function_get_local_init_data(info));
  auto* state = static_cast<GlobalState*>(duckdb_function_get_init_data(info));
  try {
    if (!thread) thread = state->scan->thread();
    ChunkWriter writer(output, state->slots);
    writer.finish(thread->next(writer));
  } catch (const std::exception& e) {
    duckdb_function_set_error(info, e.what());
  }
}

}  // namespace

ChunkWriter::ChunkWriter(duckdb_data_chunk chunk, const std::vector<int>& slots)
    : chunk_(chunk),
      slots_(slots),
      vectors_(slots.size()),
      data_(slots.size()),
      nulls_(slots.size()),
      any_null_(slots.size()) {
  for (size_t c = 0; c < slots.size(); ++c) {
    if (slots[c] < 0) continue;
    vectors_[c] = duckdb_data_chunk_get_vector(chunk, static_cast<idx_t>(slots[c]));
    data_[c] = duckdb_vector_get_data(vectors_[c]);
    nulls_[c].fill(0);
  }
}

void ChunkWriter::finish(size_t rows) {
  for (size_t c = 0; c < slots_.size(); ++c) {
    if (!any_null_[c]) continue;
    duckdb_vector_ensure_validity_writable(vectors_[c]);
    uint64_t* validity = duckdb_vector_get_validity(vectors_[c]);
    for (size_t w = 0; w < kWords; ++w) validity[w] &= ~nulls_[c][w];
  }
  duckdb_data_chunk_set_size(chunk_, rows);
}

void ChunkWriter::set_uuid(size_t column, size_t row, uint64_t high, uint64_t low) {
  if (slots_[column] < 0) return;
  // DuckDB keeps a UUID as a hugeint with its top bit flipped, so that it sorts as text does.
  auto& v = static_cast<duckdb_hugeint*>(data_[column])[row];
  v.lower = low;
  v.upper = static_cast<int64_t>(high ^ (uint64_t{1} << 63));
}

void register_table_function(Connection& connection, TableFunctionSpec spec) {
  std::string name = spec.name;
  duckdb_table_function f = duckdb_create_table_function();
  duckdb_table_function_set_name(f, name.c_str());
  duckdb_logical_type varchar = duckdb_create_logical_type(DUCKDB_TYPE_VARCHAR);
  duckdb_logical_type list = duckdb_create_list_type(varchar);
  duckdb_table_function_add_parameter(f, list);
  duckdb_destroy_logical_type(&list);
  duckdb_destroy_logical_type(&varchar);
  duckdb_table_function_set_extra_info(f, new TableFunctionSpec(std::move(spec)),
                                       delete_as<TableFunctionSpec>);
  duckdb_table_function_set_bind(f, bind);
  duckdb_table_function_set_init(f, init);
  duckdb_table_function_set_local_init(f, local_init);
  duckdb_table_function_set_function(f, scan);
  duckdb_table_function_supports_projection_pushdown(f, true);
  duckdb_state state = duckdb_register_table_function(connection.get(), f);
  duckdb_destroy_table_function(&f);
  if (state != DuckDBSuccess) throw std::runtime_error("cannot register function " + name);
}

}  // namespace ducklings::duck
