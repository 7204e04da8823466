// External sources (issue 21): systems a team's data is synced from into its duckling. A
// source discovers its tables and streams a table's rows as CSV (PostgreSQL's and DuckDB's
// common dialect: NULL unquoted and empty, strings quoted when needed), which the sync engine
// (sources/sync.h) feeds to DuckDB through a pipe, so memory stays flat whatever the size.
#pragma once
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace ducklings::sources {

// Why a source failed, as the sync engine acts on it: transient failures are retried with
// backoff, permanent ones stop the table with the reason.
class SourceError : public std::runtime_error {
 public:
  SourceError(bool transient, const std::string& message)
      : std::runtime_error(message), transient_(transient) {}
  bool transient() const { return transient_; }

 private:
  bool transient_;
};

struct SourceColumn {
  std::string name;
  std::string source_type;  // as the source names it: integer, numeric(12,2), timestamptz, …
  std::string duck_type;    // what it lands as in DuckDB
  // How DuckDB reads the column's CSV text into duck_type ("" when a cast does it); `%s`
  // stands for the text column.
  std::string read_expression;
};

struct SourceTable {
  std::string schema, name;  // upstream; schema "" for a source without schemas
  // Named and landed by its bare name (PostgreSQL's public schema; sources without schemas).
  bool bare = false;
  std::string kind;          // table | view | materialized_view
  std::vector<SourceColumn> columns;
  std::vector<std::string> primary_key;
  int64_t row_estimate = -1;  // -1 when the source does not know
  std::vector<std::string> incremental_fields;  // integer, numeric, date and timestamp columns
  // The source remembers what it sent (files by ETag): append and incremental syncs need no
  // incremental field.
  bool tracks_itself = false;
};

// Rows DuckDB reads itself (files in a storage) rather than from a stream: the SELECT that
// gives a table's rows (its columns by name), what the table's state remembers once they
// landed, and what to do when done either way.
struct DirectRead {
  std::string select;
  nlohmann::json remember;          // stored as the table's "cursor" after the rows landed
  std::function<void()> release;    // unpins what the select reads; may be empty
  uint64_t expected_rows = 0;       // 0: not known beforehand
};

// The rows of a query over one table, as CSV bytes handed to `sink` as they arrive (false
// from the sink stops the stream).
using CsvSink = std::function<bool(std::string_view)>;

class Source {
 public:
  virtual ~Source() = default;
  // Connects and reads its catalog; throws SourceError.
  virtual std::vector<SourceTable> discover() = 0;
  // Streams `table`'s `columns` as CSV; with `after`, only rows whose `incremental_field` is
  // greater than it less `lookback_seconds` (for dates and times), compared in the field's own
  // type. Returns the rows sent.
  virtual uint64_t stream(const SourceTable& table, const std::vector<SourceColumn>& columns,
                          const std::string& incremental_field,
                          const std::optional<std::string>& after, int64_t lookback_seconds,
                          const CsvSink& sink) = 0;
  // How many streams stream_parts() reads `table` in at once (DuckDB parses each pipe on its
  // own thread): 1 unless the source can split a large table.
  virtual size_t parts(const SourceTable& table) {
    (void)table;
    return 1;
  }
  // As stream(), in sinks.size() streams of one consistent snapshot, each sink called from
  // its own thread and, when its part ended (done or failed), once more with no bytes (its
  // reader may be waiting for that end before it reads the next part); returns the rows sent.
  // By default, stream() to the one sink.
  virtual uint64_t stream_parts(const SourceTable& table, const std::vector<SourceColumn>& columns,
                                const std::string& incremental_field,
                                const std::optional<std::string>& after, int64_t lookback_seconds,
                                const std::vector<CsvSink>& sinks) {
    struct End {
      const CsvSink& sink;
      ~End() { sink({}); }
    } end{sinks.at(0)};
    return stream(table, columns, incremental_field, after, lookback_seconds, sinks.at(0));
  }
  // For a source DuckDB reads itself: the rows to land; `cursor` is what the last landed run
  // remembered (null for all rows, as a full refresh wants). nullopt: rows come by stream().
  virtual std::optional<DirectRead> read_directly(const SourceTable& table,
                                                  const nlohmann::json& cursor) {
    (void)table;
    (void)cursor;
    return std::nullopt;
  }
};

// "schema.table" as the API names a source's table (a bare table may be named bare).
std::string table_key(const SourceTable& table);
// Where it lands in the source's schema: its name, or <schema>_<table> when not bare.
std::string landed_name(const SourceTable& table);

// The kinds (sources/kinds.h) open their sources from a checked connection and its secret.
std::unique_ptr<Source> open_postgres(const nlohmann::json& connection, const std::string& password);

}  // namespace ducklings::sources
