// Table functions written in C++ over the DuckDB C API: a call takes one list of text (say,
// files) and DuckDB's threads scan it in parallel, each filling its own output chunks.
#pragma once
#include <duckdb.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "duck/duck.h"

namespace ducklings::duck {

// The types a C++ table function emits.
enum class ColumnType { kVarchar, kJson, kUuid, kTimestampTz };

// An output chunk as one thread fills it; rows are written at indexes below capacity().
// Columns are those of the function's spec; a column the query does not read (projection
// pushdown) takes no writes. A value not written reads as NULL once mark_null says so.
class ChunkWriter {
  static constexpr size_t kWords = 2048 / 64;  // DuckDB's vector size, STANDARD_VECTOR_SIZE

 public:
  // `slots[c]`: the chunk's vector of the spec's column c, or -1 when not read.
  ChunkWriter(duckdb_data_chunk chunk, const std::vector<int>& slots);
  size_t capacity() const { return std::min<size_t>(duckdb_vector_size(), kWords * 64); }
  bool reads(size_t column) const { return slots_[column] >= 0; }
  void mark_null(size_t column, size_t row) {
    if (slots_[column] < 0) return;
    nulls_[column][row >> 6] |= uint64_t{1} << (row & 63);
    any_null_[column] = true;
  }
  void set_text(size_t column, size_t row, std::string_view text) {
    if (slots_[column] >= 0)
      duckdb_vector_assign_string_element_len(vectors_[column], row, text.data(), text.size());
  }
  // A UUID as its 128 bits, most significant first (as written in text).
  void set_uuid(size_t column, size_t row, uint64_t high, uint64_t low);
  void set_timestamp(size_t column, size_t row, int64_t micros_since_epoch) {
    if (slots_[column] >= 0) static_cast<int64_t*>(data_[column])[row] = micros_since_epoch;
  }
  // Ends the chunk at `rows` rows, its NULLs applied.
  void finish(size_t rows);

 private:
  duckdb_data_chunk chunk_;
  const std::vector<int>& slots_;
  std::vector<duckdb_vector> vectors_;
  std::vector<void*> data_;
  std::vector<std::array<uint64_t, kWords>> nulls_;
  std::vector<bool> any_null_;
};

// One thread's part of a scan: fills the chunk and says how many rows it wrote; 0 when the
// scan has nothing left for it. An exception becomes the query's error.
class ScanThread {
 public:
  virtual ~ScanThread() = default;
  virtual size_t next(ChunkWriter& out) = 0;
};

// One execution of a call, shared by the threads that scan it.
class Scan {
 public:
  virtual ~Scan() = default;
  virtual std::unique_ptr<ScanThread> thread() = 0;
};

struct TableFunctionSpec {
  std::string name;
  std::vector<std::pair<std::string, ColumnType>> columns;
  // At bind: takes the call's list argument (throws to refuse it) and returns what makes a
  // Scan each time the call is executed.
  std::function<std::function<std::unique_ptr<Scan>()>(const std::vector<std::string>&)> bind;
  size_t max_threads = 1;  // DuckDB's threads that may scan one call at once
};

// Registers the function in the connection's database (every connection then sees it).
void register_table_function(Connection& connection, TableFunctionSpec spec);

}  // namespace ducklings::duck
