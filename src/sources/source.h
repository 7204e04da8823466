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
  std::string schema, name;  // upstream
  std::string kind;          // table | view | materialized_view
  std::vector<SourceColumn> columns;
  std::vector<std::string> primary_key;
  int64_t row_estimate = -1;  // -1 when the source does not know
  std::vector<std::string> incremental_fields;  // integer, numeric, date and timestamp columns
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
};

struct PostgresConnection {
  std::string host, database, user, password, sslmode;
  int port = 5432;
};
std::unique_ptr<Source> open_postgres(const PostgresConnection& connection);

}  // namespace ducklings::sources
