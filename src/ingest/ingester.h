// Applies sealed event-log files to their team's events table, each exactly once: the insert
// and the record of the applied file commit together in the duckling (so a crash between
// them repeats nothing), and a file is deleted only after. Runs on its own thread; a duckling
// that is not ready keeps its files until it is.
#pragma once
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

#include "ingest/event_log.h"

namespace ducklings::ingest {

class Ingester {
 public:
  // `run_sql(org, sql)` runs SQL in the org's duckling as the server (throws on failure).
  using SqlRunner = std::function<void(const std::string& org, const std::string& sql)>;
  Ingester(EventLog& log, SqlRunner run_sql,
           std::chrono::milliseconds interval = std::chrono::milliseconds(200));
  ~Ingester();
  void start();
  void stop();
  // One pass: seals what is due and applies every sealed file; returns how many it applied.
  int apply_pending();
  std::atomic<uint64_t> files_applied{0};
  std::atomic<uint64_t> apply_errors{0};

  // The statement applying `segment` to `schema`.events (exposed for tests); `version` is
  // the file's line format (line_version).
  static std::string apply_sql(const std::string& schema, const std::string& path,
                               const std::string& name, int version = 2);
  // 2 when the file's lines carry persons' fields of their own (Capture), else 1.
  static int line_version(const std::string& path);

 private:
  EventLog& log_;
  SqlRunner run_sql_;
  std::chrono::milliseconds interval_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stop_ = false;
  std::thread thread_;
};

}  // namespace ducklings::ingest
