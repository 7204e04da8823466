// The query log: one record per statement, kept in the duckling's own database
// (duckgres_meta.query_log, created with its catalog; read as system.query_log). Sessions hand
// records over without waiting; a writer thread redacts secrets, fingerprints the text
// (libpg_query) and inserts each database's records in one statement every half second, so logging
// never slows a query down. Records past the retention are deleted as the writer goes. Past 100,000
// waiting records (a database that cannot take them) new ones are dropped and counted.
#pragma once
#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "common/periodic.h"
#include "duck/duck.h"

namespace ducklings::metering {

struct QueryRecord {
  std::string query_id;
  std::string parent_query_id;  // the first statement's id, for the others of its message
  std::string org, team, duckling, user, application_name;
  std::string query;    // as sent; redacted by the writer
  std::string command;  // the statement's tag (SELECT, INSERT, …)
  int32_t pid = 0;
  std::chrono::system_clock::time_point started_at;
  double duration_ms = 0;
  int64_t rows = 0;
  int64_t result_bytes = 0;
  std::string status;  // ok | error | canceled
  std::string sqlstate, error;
  double cpu_time_ms = -1;  // DuckDB's profiling figures; -1 when not measured
  int64_t peak_memory_bytes = -1;
  int64_t rows_scanned = -1;
  std::string slowest_operators;  // JSON array, or empty
};

class QueryLog {
 public:
  // Calls `write` with a connection to `database` (throws when it cannot); called from the
  // writer thread. The records go in with DuckDB's appender, not as SQL to bind.
  using Sink = std::function<void(const std::string& database,
                                  const std::function<void(duck::Connection&)>& write)>;
  QueryLog(Sink sink, int retention_days,
           std::chrono::milliseconds interval = std::chrono::milliseconds(500));
  ~QueryLog();
  void record(QueryRecord r);  // any thread; never blocks on the database
  void flush();                // writes what waits now (tests, shutdown)
  void stop();
  uint64_t dropped() const;

  // `text` with the string literals that may hold secrets replaced (passwords, keys, tokens).
  static std::string redact(const std::string& text);
  static std::string fingerprint(const std::string& text);

 private:
  void write(const std::string& database, const std::vector<QueryRecord>& records);
  Sink sink_;
  int retention_days_;
  mutable std::mutex mutex_;
  std::map<std::string, std::vector<QueryRecord>> pending_;  // by database
  size_t pending_count_ = 0;
  uint64_t dropped_ = 0;
  std::map<std::string, std::chrono::steady_clock::time_point> pruned_;  // retention, by db
  std::mutex flush_mutex_;  // one writer at a time (the thread, or flush())
  PeriodicThread thread_;
};

}  // namespace ducklings::metering
