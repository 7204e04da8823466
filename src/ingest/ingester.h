// Applies sealed event-log files to their team's events table, each exactly once: the insert
// and the record of the applied file commit together in the duckling (so a crash between
// them repeats nothing), and a file is deleted only after. Runs on its own thread; a duckling
// that is not ready keeps its files until it is.
//
// One bad file never stops the others: a file that fails while its duckling answers is
// retried with backoff (the team's later files wait, to keep its order), then quarantined —
// moved to quarantine/ beside the team's log with a reason file, logged, counted — and the
// team goes on. A failure while the duckling does not answer (starting, restarting, gone) is
// transient: retried, never counted; a duckling that is not ready is not touched.
#pragma once
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "ingest/event_log.h"

namespace ducklings::ingest {

class Ingester {
 public:
  // `run_sql(org, sql)` runs SQL in the org's duckling as the server (throws on failure).
  using SqlRunner = std::function<void(const std::string& org, const std::string& sql)>;
  Ingester(EventLog& log, SqlRunner run_sql,
           std::chrono::milliseconds interval = std::chrono::milliseconds(200));
  ~Ingester();
  // Whether an organization's duckling is ready (set before start): files of one that is not
  // wait, untouched — an apply must not write into a duckling being provisioned.
  void set_ready_check(std::function<bool(const std::string& org)> ready) {
    ready_ = std::move(ready);
  }
  void start();
  void stop();
  // One pass: seals what is due and applies every sealed file; returns how many it applied.
  int apply_pending();
  std::atomic<uint64_t> files_applied{0};
  std::atomic<uint64_t> apply_errors{0};

  // A data error (SQLSTATE class 22: a value the file holds cannot be read or stored) is
  // quarantined at its kDataErrorAttempts-th failure; any other failure once the file has
  // failed kOtherErrorAttempts times over at least kOtherErrorWindow (a team's schema a moment
  // late, a statement that keeps running out of memory).
  static constexpr int kDataErrorAttempts = 3;
  static constexpr int kOtherErrorAttempts = 5;
  static constexpr std::chrono::seconds kOtherErrorWindow{30};

  // The files in a team's quarantine, by name: name, size, reason, sqlstate, attempts,
  // first_failed_at, quarantined_at.
  nlohmann::json quarantined(const std::string& org, const std::string& schema);
  // Moves a quarantined file back to be applied again (after its cause was fixed). Throws
  // std::invalid_argument when the team has no such file in quarantine.
  void requeue(const std::string& org, const std::string& schema, const std::string& name);
  // Files quarantined by this process, and files in quarantine now, by (org, schema).
  std::map<std::pair<std::string, std::string>, uint64_t> quarantined_total();
  std::map<std::pair<std::string, std::string>, uint64_t> quarantine_files();

  // The statement applying `segment` to `schema`.events (exposed for tests); `version` is
  // the file's line format (line_version).
  static std::string apply_sql(const std::string& schema, const std::string& path,
                               const std::string& name, int version = 2);
  // 2 when the file's lines carry persons' fields of their own (Capture), else 1.
  static int line_version(const std::string& path);

 private:
  struct Failure {
    int attempts = 0;
    std::chrono::steady_clock::time_point first, next_try;
    std::string first_at, error, sqlstate;
  };
  void quarantine(const EventLog::Segment& seg, const Failure& failure);

  EventLog& log_;
  SqlRunner run_sql_;
  std::function<bool(const std::string& org)> ready_;
  std::chrono::milliseconds interval_;
  std::mutex pass_mutex_;                    // one apply_pending at a time; guards failures_
  std::map<std::string, Failure> failures_;  // by file path
  std::mutex counts_mutex_;
  std::map<std::pair<std::string, std::string>, uint64_t> quarantined_total_;
  std::set<std::pair<std::string, std::string>> reported_teams_;  // by quarantine_files()
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stop_ = false;
  std::thread thread_;
};

}  // namespace ducklings::ingest
