// Helper threads that join a DuckDB instance's longer-running queries.
#pragma once

#include <duckdb.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

namespace ducklings::duck {

// The database runs with external_threads = threads, so DuckDB starts no workers of its own
// and each query runs on the thread that asked for it: a point lookup pays no hand-off to a
// worker (on 2 cores that hand-off took longer than the lookup). Once some query has run for
// `delay`, the helpers take DuckDB tasks as its workers would, until no query that old is left.
//
// Thread-safety: begin/end from any thread; the helpers are owned by this object.
class TaskAssist {
 public:
  using Clock = std::chrono::steady_clock;
  TaskAssist(duckdb_database db, int helpers, std::chrono::microseconds delay);
  TaskAssist(const TaskAssist&) = delete;
  ~TaskAssist();  // stops and joins the helpers (before the database closes)
  // Changes the number of helpers (a duckling scaled up or down); waits for retired ones.
  void resize(int helpers);
  // How many times a helper began taking tasks.
  uint64_t assists() const { return assists_.load(std::memory_order_relaxed); }

  // Marks a query as running on the calling thread for as long as it lives.
  class Running {
   public:
    Running(TaskAssist* assist);
    Running(const Running&) = delete;
    ~Running();

   private:
    TaskAssist* assist_;
    std::multiset<Clock::time_point>::iterator at_;
  };

 private:
  void helper_loop(size_t index);
  // Whether a query has run for `delay` with fewer queries than threads; the caller holds mutex_.
  bool wanted() const;
  // The helpers stop taking tasks; the caller holds mutex_.
  void release_helpers();
  duckdb_database db_;
  std::chrono::microseconds delay_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::multiset<Clock::time_point> running_;  // start times of the running queries
  std::vector<duckdb_task_state> states_;     // per helper, non-null while it takes tasks
  size_t active_ = 0;                         // helpers [0, active_) run; others retire
  int asleep_ = 0;  // helpers waiting for a query to begin (others poll every `delay`)
  bool stop_ = false;
  std::atomic<uint64_t> assists_{0};
  std::vector<std::thread> helpers_;
  std::mutex resize_mutex_;  // one resize at a time
};

}  // namespace ducklings::duck
