// A thread that runs some work every interval until stopped (the query log's writer, the
// usage collector, the ingester); wake() runs it at once.
#pragma once
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>

namespace ducklings {

class PeriodicThread {
 public:
  PeriodicThread() = default;
  PeriodicThread(const PeriodicThread&) = delete;
  ~PeriodicThread() { stop(); }

  // Starts the thread: `work` runs after each `interval` (or wake()), never concurrently.
  void start(std::chrono::milliseconds interval, std::function<void()> work) {
    thread_ = std::thread([this, interval, work = std::move(work)] {
      std::unique_lock lock(mutex_);
      while (!stop_) {
        wake_.wait_for(lock, interval, [this] { return stop_ || woken_; });
        woken_ = false;
        if (stop_) break;
        lock.unlock();
        work();
        lock.lock();
      }
    });
  }
  void wake() {
    {
      std::lock_guard lock(mutex_);
      woken_ = true;
    }
    wake_.notify_all();
  }
  // Waits for the work under way to end; idempotent.
  void stop() {
    {
      std::lock_guard lock(mutex_);
      stop_ = true;
    }
    wake_.notify_all();
    if (thread_.joinable()) thread_.join();
  }

 private:
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stop_ = false;
  bool woken_ = false;
  std::thread thread_;
};

}  // namespace ducklings
