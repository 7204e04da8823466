// RAII C++ wrapper over the DuckDB C API: the only place that calls duckdb_*_destroy.
#pragma once
#include <duckdb.h>

#include <cstring>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/errors.h"

namespace ducklings::duck {

// A DuckDB failure: its error class from the C API and the message as DuckDB wrote it.
class DuckError : public std::runtime_error {
 public:
  DuckError(duckdb_error_type type, const std::string& message)
      : std::runtime_error(message), type_(type) {}
  duckdb_error_type type() const { return type_; }

 private:
  duckdb_error_type type_;
};

// Owns a duckdb_logical_type.
class LogicalType {
 public:
  LogicalType() = default;
  explicit LogicalType(duckdb_logical_type t) : type_(t) {}
  LogicalType(LogicalType&& o) noexcept : type_(o.type_) { o.type_ = nullptr; }
  LogicalType& operator=(LogicalType&& o) noexcept;
  ~LogicalType();
  duckdb_logical_type get() const { return type_; }
  duckdb_type id() const { return type_ ? duckdb_get_type_id(type_) : DUCKDB_TYPE_INVALID; }
  std::string alias() const;  // e.g. "JSON"; empty when none

 private:
  duckdb_logical_type type_ = nullptr;
};

// Owns a duckdb_value.
class Value {
 public:
  Value() = default;
  explicit Value(duckdb_value v) : value_(v) {}
  Value(Value&& o) noexcept : value_(o.value_) { o.value_ = nullptr; }
  Value& operator=(Value&& o) noexcept;
  ~Value();
  duckdb_value get() const { return value_; }

 private:
  duckdb_value value_ = nullptr;
};

// Owns one chunk of a result: up to duckdb_vector_size() rows, read column by column.
class DataChunk {
 public:
  explicit DataChunk(duckdb_data_chunk c) : chunk_(c) {}
  DataChunk(DataChunk&& o) noexcept : chunk_(o.chunk_) { o.chunk_ = nullptr; }
  DataChunk(const DataChunk&) = delete;
  ~DataChunk();
  explicit operator bool() const { return chunk_ != nullptr; }
  idx_t size() const { return duckdb_data_chunk_get_size(chunk_); }
  duckdb_data_chunk get() const { return chunk_; }
  duckdb_vector column(idx_t i) const { return duckdb_data_chunk_get_vector(chunk_, i); }
  // The value of a VARCHAR column at `row`; nullopt for NULL.
  std::optional<std::string> varchar(idx_t col, idx_t row) const;

 private:
  duckdb_data_chunk chunk_;
};

// `type` as DuckDB SQL spells it (DECIMAL(10,2), INTEGER[], STRUCT("a" VARCHAR), its alias when
// it has one); throws DuckError for a type that has no such spelling here.
std::string type_sql(duckdb_logical_type type);

// Owns a query result; streaming results yield chunks as DuckDB produces them.
class Result {
 public:
  Result() { std::memset(&result_, 0, sizeof(result_)); }
  Result(Result&& o) noexcept;
  Result& operator=(Result&& o) noexcept;
  Result(const Result&) = delete;
  ~Result();
  duckdb_result* raw() { return &result_; }
  void mark_valid() { valid_ = true; }
  bool valid() const { return valid_; }

  idx_t column_count() { return duckdb_column_count(&result_); }
  std::string column_name(idx_t i) { return duckdb_column_name(&result_, i); }
  LogicalType column_type(idx_t i) { return LogicalType(duckdb_column_logical_type(&result_, i)); }
  duckdb_result_type result_type() { return duckdb_result_return_type(result_); }
  duckdb_statement_type statement_type() { return duckdb_result_statement_type(result_); }
  idx_t rows_changed() { return duckdb_rows_changed(&result_); }
  // Next chunk, or an empty DataChunk at the end; throws DuckError on a failure mid-stream.
  DataChunk fetch();

 private:
  duckdb_result result_;
  bool valid_ = false;
};

// Owns a prepared statement bound to one connection.
class PreparedStatement {
 public:
  PreparedStatement() = default;
  explicit PreparedStatement(duckdb_prepared_statement p) : stmt_(p) {}
  PreparedStatement(PreparedStatement&& o) noexcept : stmt_(o.stmt_) { o.stmt_ = nullptr; }
  PreparedStatement& operator=(PreparedStatement&& o) noexcept;
  PreparedStatement(const PreparedStatement&) = delete;
  ~PreparedStatement();
  duckdb_prepared_statement get() const { return stmt_; }

  idx_t parameter_count() const { return duckdb_nparams(stmt_); }
  duckdb_type parameter_type(idx_t i) const { return duckdb_param_type(stmt_, i + 1); }
  LogicalType parameter_logical_type(idx_t i) const {
    return LogicalType(duckdb_param_logical_type(stmt_, i + 1));
  }
  duckdb_statement_type statement_type() const { return duckdb_prepared_statement_type(stmt_); }
  idx_t column_count() const { return duckdb_prepared_statement_column_count(stmt_); }
  std::string column_name(idx_t i) const;
  LogicalType column_type(idx_t i) const {
    return LogicalType(duckdb_prepared_statement_column_logical_type(stmt_, i));
  }
  void clear_bindings() { duckdb_clear_bindings(stmt_); }
  void bind(idx_t i, const Value& v);  // 0-based parameter index
  void bind_null(idx_t i);
  void bind_varchar(idx_t i, std::string_view text);
  // Runs the statement; the result streams when `streaming` is set.
  Result execute(bool streaming);

 private:
  duckdb_prepared_statement stmt_ = nullptr;
};

// Owns a connection: one per session; not thread-safe except interrupt().
class Connection {
 public:
  explicit Connection(duckdb_database db);
  Connection(const Connection&) = delete;
  ~Connection();
  duckdb_connection get() const { return conn_; }

  Result query(const std::string& sql);  // materialized
  PreparedStatement prepare(const std::string& sql);
  // For one statement that DuckDB's parser expands into several (PIVOT without an IN list):
  // runs all but the last and prepares the last.
  PreparedStatement prepare_expanded(const std::string& sql);
  void interrupt() { duckdb_interrupt(conn_); }  // callable from any thread
  // DuckDB's profile of the connection's last query (profiling enabled with 'no_output');
  // nullopt when there is none.
  struct Profile {
    double cpu_seconds = -1;
    int64_t peak_buffer_memory = -1;
    int64_t rows_scanned = -1;
    std::vector<std::pair<std::string, double>> operators;  // type and seconds, slowest first
  };
  std::optional<Profile> last_profile();

 private:
  duckdb_connection conn_ = nullptr;
};

// Appends rows to a table without SQL (DuckDB's appender): values are converted to the
// column's type; close() (or the destructor) writes what is left. Throws DuckError on failure.
class Appender {
 public:
  Appender(Connection& connection, const std::string& schema, const std::string& table);
  // A table of another catalog (the session's temp tables: catalog "temp", schema "main").
  Appender(Connection& connection, const std::string& catalog, const std::string& schema,
           const std::string& table);
  Appender(const Appender&) = delete;
  ~Appender();
  Appender& text(std::string_view v);
  Appender& integer(int64_t v);
  Appender& real(double v);
  Appender& null();
  void end_row();
  // A whole chunk whose column types are the table's.
  void append_chunk(const DataChunk& chunk);
  void close();

 private:
  void check(duckdb_state state, const char* what);
  duckdb_appender appender_ = nullptr;
};

// A scalar function for DuckDB's C API, as every registration states it: its name, argument
// and result types, the C function and what it is handed. register_scalar() registers it in
// the connection's database (every connection then sees it); throws std::runtime_error.
struct ScalarFunction {
  std::string name;
  std::vector<duckdb_type> parameters;
  duckdb_type result = DUCKDB_TYPE_VARCHAR;
  duckdb_logical_type result_type = nullptr;  // instead of `result` (a DECIMAL, an alias); borrowed
  duckdb_scalar_function_t function = nullptr;
  void* extra = nullptr;  // duckdb_scalar_function_get_extra_info; owned by DuckDB once registered
  duckdb_delete_callback_t delete_extra = nullptr;
  std::optional<duckdb_type> varargs = std::nullopt;  // more arguments of this type
  bool handles_nulls = false;  // NULL arguments reach the function (else NULL in, NULL out)
  bool is_volatile = false;    // evaluated for every row, never folded
};
void register_scalar(duckdb_connection connection, const ScalarFunction& function);

// A scalar function of `arity` VARCHAR arguments returning VARCHAR, computed row by row by C++
// (on DuckDB's threads): NULL in, NULL out; an exception becomes the query's error.
using TextFunction =
    std::function<std::optional<std::string>(const std::vector<std::string>& arguments)>;
// Registers `fn` as `name` in the connection's database (every connection then sees it);
// volatile: evaluated for every row, never folded.
void register_text_function(Connection& connection, const std::string& name, size_t arity,
                            TextFunction fn);

// Owns an open database file (or in-memory database when path is empty).
class Database {
 public:
  Database(const std::string& path,
           const std::vector<std::pair<std::string, std::string>>& options);
  Database(const Database&) = delete;
  ~Database();
  duckdb_database get() const { return db_; }
  std::unique_ptr<Connection> connect() { return std::make_unique<Connection>(db_); }

 private:
  duckdb_database db_ = nullptr;
};

}  // namespace ducklings::duck
