#include "duck/task_assist.h"

namespace ducklings::duck {
namespace {
// How long helpers keep an eye on new queries after the last one ended.
constexpr std::chrono::milliseconds kLinger{200};
}  // namespace

TaskAssist::TaskAssist(duckdb_database db, int helpers, std::chrono::microseconds delay)
    : db_(db), delay_(delay) {
  resize(helpers);
}

void TaskAssist::resize(int helpers) {
  std::lock_guard resizing(resize_mutex_);
  size_t n = helpers > 0 ? static_cast<size_t>(helpers) : 0;
  std::vector<std::thread> retired;
  {
    std::lock_guard lock(mutex_);
    if (n == active_) return;
    if (n > active_) {
      states_.resize(n, nullptr);
      active_ = n;
      for (size_t i = helpers_.size(); i < n; ++i)
        helpers_.emplace_back([this, i] { helper_loop(i); });
    } else {
      active_ = n;
      for (size_t i = n; i < states_.size(); ++i) {
        if (states_[i]) duckdb_finish_execution(states_[i]);
      }
      for (size_t i = n; i < helpers_.size(); ++i) retired.push_back(std::move(helpers_[i]));
      helpers_.resize(n);
    }
  }
  wake_.notify_all();
  for (auto& t : retired) t.join();
  std::lock_guard lock(mutex_);
  if (states_.size() > active_ && helpers_.size() == active_) states_.resize(active_);
}

TaskAssist::~TaskAssist() {
  {
    std::lock_guard lock(mutex_);
    stop_ = true;
    release_helpers();
  }
  wake_.notify_all();
  for (auto& t : helpers_) t.join();
}

TaskAssist::Running::Running(TaskAssist* assist) : assist_(assist) {
  if (!assist_) return;
  std::lock_guard lock(assist_->mutex_);
  at_ = assist_->running_.insert(Clock::now());
  // As many queries as threads keep every core busy: the helpers would only take turns.
  if (assist_->running_.size() > assist_->active_) assist_->release_helpers();
  // Helpers that saw queries lately wake by themselves at the next deadline; a notify costs a
  // system call, which a point lookup feels.
  if (assist_->asleep_ > 0) assist_->wake_.notify_all();
}

TaskAssist::Running::~Running() {
  if (!assist_) return;
  std::lock_guard lock(assist_->mutex_);
  assist_->running_.erase(at_);
  if (!assist_->wanted()) {
    assist_->release_helpers();
  }
}

bool TaskAssist::wanted() const {
  return !running_.empty() && running_.size() <= active_ &&
         *running_.begin() + delay_ <= Clock::now();
}

void TaskAssist::release_helpers() {
  for (duckdb_task_state s : states_) {
    if (s) duckdb_finish_execution(s);
  }
}

void TaskAssist::helper_loop(size_t index) {
  std::unique_lock lock(mutex_);
  Clock::time_point last_busy = Clock::now();
  while (!stop_ && index < active_) {
    if (running_.empty()) {
      // Look again every `delay` for a while, then sleep until a query begins.
      if (Clock::now() - last_busy < kLinger) {
        wake_.wait_for(lock, delay_);
        continue;
      }
      ++asleep_;
      wake_.wait(lock, [this, index] { return stop_ || index >= active_ || !running_.empty(); });
      --asleep_;
      continue;
    }
    last_busy = Clock::now();
    if (!wanted()) {
      // The next look: when the oldest query turns `delay` old (or, with every core busy, a
      // `delay` from now).
      Clock::time_point due = *running_.begin() + delay_;
      if (due <= last_busy) due = last_busy + delay_;
      wake_.wait_until(lock, due);
      continue;
    }
    // A query has run for `delay`: take tasks until released.
    duckdb_task_state state = duckdb_create_task_state(db_);
    states_[index] = state;
    assists_.fetch_add(1, std::memory_order_relaxed);
    lock.unlock();
    duckdb_execute_tasks_state(state);
    lock.lock();
    states_[index] = nullptr;
    duckdb_destroy_task_state(state);
  }
}

}  // namespace ducklings::duck
