#include "duck/duck.h"

#include <algorithm>
#include <cstring>

namespace ducklings::duck {

LogicalType& LogicalType::operator=(LogicalType&& o) noexcept {
  if (this != &o) {
    if (type_) duckdb_destroy_logical_type(&type_);
    type_ = o.type_;
    o.type_ = nullptr;
  }
  return *this;
}
LogicalType::~LogicalType() {
  if (type_) duckdb_destroy_logical_type(&type_);
}
std::string LogicalType::alias() const {
  if (!type_) return {};
  char* a = duckdb_logical_type_get_alias(type_);
  if (!a) return {};
  std::string out(a);
  duckdb_free(a);
  return out;
}

namespace {

std::string quote_name(const std::string& name) {
  std::string out = "\"";
  for (char c : name) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

std::string owned_string(char* s) {
  std::string out = s ? s : "";
  if (s) duckdb_free(s);
  return out;
}

}  // namespace

std::string type_sql(duckdb_logical_type type) {
  std::string alias = owned_string(duckdb_logical_type_get_alias(type));
  if (!alias.empty()) return alias;
  switch (duckdb_get_type_id(type)) {
    case DUCKDB_TYPE_BOOLEAN: return "BOOLEAN";
    case DUCKDB_TYPE_TINYINT: return "TINYINT";
    case DUCKDB_TYPE_SMALLINT: return "SMALLINT";
    case DUCKDB_TYPE_INTEGER: return "INTEGER";
    case DUCKDB_TYPE_BIGINT: return "BIGINT";
    case DUCKDB_TYPE_HUGEINT: return "HUGEINT";
    case DUCKDB_TYPE_UTINYINT: return "UTINYINT";
    case DUCKDB_TYPE_USMALLINT: return "USMALLINT";
    case DUCKDB_TYPE_UINTEGER: return "UINTEGER";
    case DUCKDB_TYPE_UBIGINT: return "UBIGINT";
    case DUCKDB_TYPE_UHUGEINT: return "UHUGEINT";
    case DUCKDB_TYPE_FLOAT: return "FLOAT";
    case DUCKDB_TYPE_DOUBLE: return "DOUBLE";
    case DUCKDB_TYPE_DECIMAL:
      return "DECIMAL(" + std::to_string(duckdb_decimal_width(type)) + "," +
             std::to_string(duckdb_decimal_scale(type)) + ")";
    case DUCKDB_TYPE_VARCHAR: return "VARCHAR";
    case DUCKDB_TYPE_BLOB: return "BLOB";
    case DUCKDB_TYPE_BIT: return "BIT";
    case DUCKDB_TYPE_DATE: return "DATE";
    case DUCKDB_TYPE_TIME: return "TIME";
    case DUCKDB_TYPE_TIME_TZ: return "TIMETZ";
    case DUCKDB_TYPE_TIMESTAMP: return "TIMESTAMP";
    case DUCKDB_TYPE_TIMESTAMP_S: return "TIMESTAMP_S";
    case DUCKDB_TYPE_TIMESTAMP_MS: return "TIMESTAMP_MS";
    case DUCKDB_TYPE_TIMESTAMP_NS: return "TIMESTAMP_NS";
    case DUCKDB_TYPE_TIMESTAMP_TZ: return "TIMESTAMPTZ";
    case DUCKDB_TYPE_INTERVAL: return "INTERVAL";
    case DUCKDB_TYPE_UUID: return "UUID";
    case DUCKDB_TYPE_LIST: {
      LogicalType child(duckdb_list_type_child_type(type));
      return type_sql(child.get()) + "[]";
    }
    case DUCKDB_TYPE_ARRAY: {
      LogicalType child(duckdb_array_type_child_type(type));
      return type_sql(child.get()) + "[" + std::to_string(duckdb_array_type_array_size(type)) + "]";
    }
    case DUCKDB_TYPE_STRUCT: {
      std::string out = "STRUCT(";
      for (idx_t i = 0; i < duckdb_struct_type_child_count(type); ++i) {
        LogicalType child(duckdb_struct_type_child_type(type, i));
        out += (i ? ", " : "") + quote_name(owned_string(duckdb_struct_type_child_name(type, i))) + " " +
               type_sql(child.get());
      }
      return out + ")";
    }
    case DUCKDB_TYPE_MAP: {
      LogicalType key(duckdb_map_type_key_type(type));
      LogicalType value(duckdb_map_type_value_type(type));
      return "MAP(" + type_sql(key.get()) + ", " + type_sql(value.get()) + ")";
    }
    case DUCKDB_TYPE_ENUM: {
      std::string out = "ENUM(";
      for (idx_t i = 0; i < duckdb_enum_dictionary_size(type); ++i) {
        std::string v = owned_string(duckdb_enum_dictionary_value(type, i));
        std::string quoted = "'";
        for (char c : v) quoted += c == '\'' ? std::string("''") : std::string(1, c);
        out += (i ? ", " : "") + quoted + "'";
      }
      return out + ")";
    }
    default:
      throw DuckError(DUCKDB_ERROR_NOT_IMPLEMENTED, "no SQL spelling for this DuckDB type");
  }
}

Value& Value::operator=(Value&& o) noexcept {
  if (this != &o) {
    if (value_) duckdb_destroy_value(&value_);
    value_ = o.value_;
    o.value_ = nullptr;
  }
  return *this;
}
Value::~Value() {
  if (value_) duckdb_destroy_value(&value_);
}

DataChunk::~DataChunk() {
  if (chunk_) duckdb_destroy_data_chunk(&chunk_);
}

std::optional<std::string> DataChunk::varchar(idx_t col, idx_t row) const {
  duckdb_vector v = column(col);
  uint64_t* validity = duckdb_vector_get_validity(v);
  if (validity && !duckdb_validity_row_is_valid(validity, row)) return std::nullopt;
  auto* s = static_cast<duckdb_string_t*>(duckdb_vector_get_data(v)) + row;
  return std::string(duckdb_string_t_data(s), duckdb_string_t_length(*s));
}

Result::Result(Result&& o) noexcept : result_(o.result_), valid_(o.valid_) { o.valid_ = false; }
Result& Result::operator=(Result&& o) noexcept {
  if (this != &o) {
    if (valid_) duckdb_destroy_result(&result_);
    result_ = o.result_;
    valid_ = o.valid_;
    o.valid_ = false;
  }
  return *this;
}
Result::~Result() {
  if (valid_) duckdb_destroy_result(&result_);
}
DataChunk Result::fetch() {
  DataChunk chunk(duckdb_fetch_chunk(result_));
  if (!chunk) {
    const char* err = duckdb_result_error(&result_);
    if (err && *err) throw DuckError(duckdb_result_error_type(&result_), err);
  }
  return chunk;
}

PreparedStatement& PreparedStatement::operator=(PreparedStatement&& o) noexcept {
  if (this != &o) {
    if (stmt_) duckdb_destroy_prepare(&stmt_);
    stmt_ = o.stmt_;
    o.stmt_ = nullptr;
  }
  return *this;
}
PreparedStatement::~PreparedStatement() {
  if (stmt_) duckdb_destroy_prepare(&stmt_);
}
std::string PreparedStatement::column_name(idx_t i) const {
  const char* n = duckdb_prepared_statement_column_name(stmt_, i);
  std::string out = n ? n : "";
  if (n) duckdb_free(const_cast<char*>(n));
  return out;
}
void PreparedStatement::bind(idx_t i, const Value& v) {
  if (!v.get() || duckdb_bind_value(stmt_, i + 1, v.get()) != DuckDBSuccess) {
    throw DuckError(DUCKDB_ERROR_INVALID_INPUT,
                    "could not bind parameter $" + std::to_string(i + 1));
  }
}
void PreparedStatement::bind_null(idx_t i) {
  if (duckdb_bind_null(stmt_, i + 1) != DuckDBSuccess) {
    throw DuckError(DUCKDB_ERROR_INVALID_INPUT,
                    "could not bind parameter $" + std::to_string(i + 1));
  }
}
void PreparedStatement::bind_varchar(idx_t i, std::string_view text) {
  if (duckdb_bind_varchar_length(stmt_, i + 1, text.data(), text.size()) != DuckDBSuccess) {
    throw DuckError(DUCKDB_ERROR_INVALID_INPUT,
                    "could not bind parameter $" + std::to_string(i + 1));
  }
}
Result PreparedStatement::execute(bool streaming) {
  Result r;
  duckdb_state st = streaming ? duckdb_execute_prepared_streaming(stmt_, r.raw())
                              : duckdb_execute_prepared(stmt_, r.raw());
  r.mark_valid();
  if (st != DuckDBSuccess) {
    throw DuckError(duckdb_result_error_type(r.raw()), duckdb_result_error(r.raw()));
  }
  return r;
}

Connection::Connection(duckdb_database db) {
  if (duckdb_connect(db, &conn_) != DuckDBSuccess) {
    throw DuckError(DUCKDB_ERROR_CONNECTION, "could not connect to database");
  }
}
Connection::~Connection() {
  if (conn_) duckdb_disconnect(&conn_);
}
Result Connection::query(const std::string& sql) {
  Result r;
  duckdb_state st = duckdb_query(conn_, sql.c_str(), r.raw());
  r.mark_valid();
  if (st != DuckDBSuccess) {
    throw DuckError(duckdb_result_error_type(r.raw()), duckdb_result_error(r.raw()));
  }
  return r;
}
namespace {

// The C API gives no error class for a failed prepare; classify from the message prefix.
[[noreturn]] void throw_prepare_error(const char* err) {
  std::string msg = err ? err : "could not prepare statement";
  duckdb_error_type type = DUCKDB_ERROR_INVALID;
  if (msg.rfind("Parser Error", 0) == 0) type = DUCKDB_ERROR_PARSER;
  else if (msg.rfind("Catalog Error", 0) == 0) type = DUCKDB_ERROR_CATALOG;
  else if (msg.rfind("Binder Error", 0) == 0) type = DUCKDB_ERROR_BINDER;
  else if (msg.rfind("Conversion Error", 0) == 0) type = DUCKDB_ERROR_CONVERSION;
  else if (msg.rfind("Not implemented Error", 0) == 0) type = DUCKDB_ERROR_NOT_IMPLEMENTED;
  else if (msg.rfind("Permission Error", 0) == 0) type = DUCKDB_ERROR_PERMISSION;
  else if (msg.rfind("Out of Range Error", 0) == 0) type = DUCKDB_ERROR_OUT_OF_RANGE;
  else if (msg.rfind("TransactionContext Error", 0) == 0) type = DUCKDB_ERROR_TRANSACTION;
  else if (msg.rfind("Invalid Input Error", 0) == 0) type = DUCKDB_ERROR_INVALID_INPUT;
  else if (msg.rfind("Interrupt", 0) == 0 || msg.find("INTERRUPT Error") != std::string::npos)
    type = DUCKDB_ERROR_INTERRUPT;
  throw DuckError(type, msg);
}

}  // namespace

PreparedStatement Connection::prepare(const std::string& sql) {
  duckdb_prepared_statement p = nullptr;
  duckdb_state st = duckdb_prepare(conn_, sql.c_str(), &p);
  PreparedStatement out(p);
  if (st != DuckDBSuccess) throw_prepare_error(duckdb_prepare_error(p));
  return out;
}

PreparedStatement Connection::prepare_expanded(const std::string& sql) {
  duckdb_extracted_statements extracted = nullptr;
  idx_t n = duckdb_extract_statements(conn_, sql.c_str(), &extracted);
  std::unique_ptr<duckdb_extracted_statements, void (*)(duckdb_extracted_statements*)> guard(
      &extracted, duckdb_destroy_extracted);
  if (n == 0) throw_prepare_error(duckdb_extract_statements_error(extracted));
  for (idx_t i = 0; i < n; ++i) {
    duckdb_prepared_statement p = nullptr;
    duckdb_state st = duckdb_prepare_extracted_statement(conn_, extracted, i, &p);
    PreparedStatement out(p);
    if (st != DuckDBSuccess) throw_prepare_error(duckdb_prepare_error(p));
    if (i + 1 == n) return out;
    out.execute(false);  // e.g. PIVOT's preparatory statements
  }
  throw DuckError(DUCKDB_ERROR_INVALID, "no statement to prepare");
}

Database::Database(const std::string& path,
                   const std::vector<std::pair<std::string, std::string>>& options) {
  duckdb_config config = nullptr;
  duckdb_create_config(&config);
  for (const auto& [k, v] : options) {
    if (duckdb_set_config(config, k.c_str(), v.c_str()) != DuckDBSuccess) {
      duckdb_destroy_config(&config);
      throw ConfigError("DuckDB option '" + k + "' rejected value '" + v + "'");
    }
  }
  char* err = nullptr;
  duckdb_state st =
      duckdb_open_ext(path.empty() ? nullptr : path.c_str(), &db_, config, &err);
  duckdb_destroy_config(&config);
  if (st != DuckDBSuccess) {
    std::string msg = err ? err : "unknown error";
    if (err) duckdb_free(err);
    throw DuckError(DUCKDB_ERROR_IO, "could not open database '" + path + "': " + msg);
  }
}
Database::~Database() {
  if (db_) duckdb_close(&db_);
}

namespace {

void call_text_function(duckdb_function_info info, duckdb_data_chunk input, duckdb_vector output) {
  auto* fn = static_cast<TextFunction*>(duckdb_scalar_function_get_extra_info(info));
  idx_t rows = duckdb_data_chunk_get_size(input);
  idx_t arity = duckdb_data_chunk_get_column_count(input);
  std::vector<duckdb_string_t*> data(arity);
  std::vector<uint64_t*> validity(arity);
  for (idx_t c = 0; c < arity; ++c) {
    duckdb_vector v = duckdb_data_chunk_get_vector(input, c);
    data[c] = static_cast<duckdb_string_t*>(duckdb_vector_get_data(v));
    validity[c] = duckdb_vector_get_validity(v);
  }
  std::vector<std::string> args(arity);
  for (idx_t r = 0; r < rows; ++r) {
    bool null = false;
    for (idx_t c = 0; c < arity; ++c) {
      if (validity[c] && !duckdb_validity_row_is_valid(validity[c], r)) null = true;
      if (null) break;
      duckdb_string_t& s = data[c][r];
      args[c].assign(duckdb_string_t_data(&s), duckdb_string_t_length(s));
    }
    std::optional<std::string> out;
    if (!null) {
      try {
        out = (*fn)(args);
      } catch (const std::exception& e) {
        duckdb_scalar_function_set_error(info, e.what());
        return;
      }
    }
    if (out) {
      duckdb_vector_assign_string_element_len(output, r, out->data(), out->size());
    } else {
      duckdb_vector_ensure_validity_writable(output);
      duckdb_validity_set_row_invalid(duckdb_vector_get_validity(output), r);
    }
  }
}

}  // namespace

Appender::Appender(Connection& connection, const std::string& schema, const std::string& table) {
  if (duckdb_appender_create(connection.get(), schema.c_str(), table.c_str(), &appender_) !=
      DuckDBSuccess) {
    std::string message = appender_ ? duckdb_appender_error(appender_) : "appender";
    duckdb_appender_destroy(&appender_);
    throw DuckError(DUCKDB_ERROR_INVALID, message);
  }
}

Appender::Appender(Connection& connection, const std::string& catalog, const std::string& schema,
                   const std::string& table) {
  if (duckdb_appender_create_ext(connection.get(), catalog.c_str(), schema.c_str(), table.c_str(), &appender_) !=
      DuckDBSuccess) {
    std::string message = appender_ ? duckdb_appender_error(appender_) : "appender";
    duckdb_appender_destroy(&appender_);
    throw DuckError(DUCKDB_ERROR_INVALID, message);
  }
}

void Appender::append_chunk(const DataChunk& chunk) {
  check(duckdb_append_data_chunk(appender_, chunk.get()), "append");
}

Appender::~Appender() {
  if (appender_) duckdb_appender_destroy(&appender_);  // closes (flushes) it
}

void Appender::check(duckdb_state state, const char* what) {
  if (state != DuckDBSuccess) {
    const char* e = duckdb_appender_error(appender_);
    throw DuckError(DUCKDB_ERROR_INVALID, std::string(what) + ": " + (e ? e : "failed"));
  }
}

Appender& Appender::text(std::string_view v) {
  check(duckdb_append_varchar_length(appender_, v.data(), v.size()), "append");
  return *this;
}

Appender& Appender::integer(int64_t v) {
  check(duckdb_append_int64(appender_, v), "append");
  return *this;
}

Appender& Appender::real(double v) {
  check(duckdb_append_double(appender_, v), "append");
  return *this;
}

Appender& Appender::null() {
  check(duckdb_append_null(appender_), "append");
  return *this;
}

void Appender::end_row() {
  check(duckdb_appender_end_row(appender_), "end row");
}

void Appender::close() {
  check(duckdb_appender_close(appender_), "close");
}

namespace {

std::optional<std::string> profile_value(duckdb_profiling_info info, const char* key) {
  duckdb_value v = duckdb_profiling_info_get_value(info, key);
  if (!v) return std::nullopt;
  char* text = duckdb_get_varchar(v);
  std::optional<std::string> out;
  if (text) {
    out = text;
    duckdb_free(text);
  }
  duckdb_destroy_value(&v);
  return out;
}

double profile_number(duckdb_profiling_info info, const char* key) {
  auto v = profile_value(info, key);
  if (!v || v->empty()) return -1;
  try {
    return std::stod(*v);
  } catch (const std::exception&) {
    return -1;
  }
}

void collect_operators(duckdb_profiling_info node, std::vector<std::pair<std::string, double>>& out,
                       int depth) {
  if (depth > 64) return;
  idx_t n = duckdb_profiling_info_get_child_count(node);
  for (idx_t i = 0; i < n; ++i) {
    duckdb_profiling_info child = duckdb_profiling_info_get_child(node, i);
    if (!child) continue;
    double seconds = profile_number(child, "OPERATOR_TIMING");
    auto type = profile_value(child, "OPERATOR_TYPE");
    if (type && seconds >= 0) out.emplace_back(*type, seconds);
    collect_operators(child, out, depth + 1);
  }
}

}  // namespace

std::optional<Connection::Profile> Connection::last_profile() {
  duckdb_profiling_info root = duckdb_get_profiling_info(conn_);
  if (!root) return std::nullopt;
  Profile p;
  p.cpu_seconds = profile_number(root, "CPU_TIME");
  double peak = profile_number(root, "SYSTEM_PEAK_BUFFER_MEMORY");
  if (peak >= 0) p.peak_buffer_memory = static_cast<int64_t>(peak);
  double scanned = profile_number(root, "CUMULATIVE_ROWS_SCANNED");
  if (scanned >= 0) p.rows_scanned = static_cast<int64_t>(scanned);
  collect_operators(root, p.operators, 0);
  std::sort(p.operators.begin(), p.operators.end(),
            [](const auto& a, const auto& b) { return a.second > b.second; });
  if (p.operators.size() > 3) p.operators.resize(3);
  return p;
}

void register_scalar(duckdb_connection connection, const ScalarFunction& spec) {
  duckdb_scalar_function f = duckdb_create_scalar_function();
  duckdb_scalar_function_set_name(f, spec.name.c_str());
  for (duckdb_type p : spec.parameters) {
    LogicalType t(duckdb_create_logical_type(p));
    duckdb_scalar_function_add_parameter(f, t.get());
  }
  if (spec.varargs) {
    LogicalType t(duckdb_create_logical_type(*spec.varargs));
    duckdb_scalar_function_set_varargs(f, t.get());
  }
  if (spec.result_type) {
    duckdb_scalar_function_set_return_type(f, spec.result_type);
  } else {
    LogicalType t(duckdb_create_logical_type(spec.result));
    duckdb_scalar_function_set_return_type(f, t.get());
  }
  if (spec.is_volatile) duckdb_scalar_function_set_volatile(f);
  if (spec.handles_nulls) duckdb_scalar_function_set_special_handling(f);
  if (spec.extra) duckdb_scalar_function_set_extra_info(f, spec.extra, spec.delete_extra);
  duckdb_scalar_function_set_function(f, spec.function);
  duckdb_state state = duckdb_register_scalar_function(connection, f);
  duckdb_destroy_scalar_function(&f);
  if (state != DuckDBSuccess) throw std::runtime_error("cannot register function " + spec.name);
}

void register_text_function(Connection& connection, const std::string& name, size_t arity,
                            TextFunction fn) {
  register_scalar(connection.get(),
                  {name, std::vector<duckdb_type>(arity, DUCKDB_TYPE_VARCHAR), DUCKDB_TYPE_VARCHAR,
                   nullptr, call_text_function, new TextFunction(std::move(fn)),
                   [](void* p) { delete static_cast<TextFunction*>(p); }, std::nullopt, false,
                   true});
}

}  // namespace ducklings::duck
