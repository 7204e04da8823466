#include "jobs/schedule.h"

#include <chrono>
#include <stdexcept>
#include <string>

namespace ducklings::jobs {

int64_t schedule_seconds(const nlohmann::json& value) {
  const char* takes = "seconds, \"<n>m|h|d\", hourly, daily, weekly, monthly or \"manual\"";
  if (value.is_number_integer()) return value.get<int64_t>();
  if (!value.is_string()) throw std::invalid_argument(takes);
  std::string s = value.get<std::string>();
  if (s == "manual") return 0;
  if (s == "hourly") return 3600;
  if (s == "daily") return 86400;
  if (s == "weekly") return 7 * 86400;
  if (s == "monthly") return 30 * 86400;
  int64_t unit = s.empty() ? 0 : s.back() == 'm' ? 60 : s.back() == 'h' ? 3600 : s.back() == 'd' ? 86400 : 0;
  try {
    size_t used = 0;
    int64_t n = std::stoll(s.substr(0, s.size() - 1), &used);
    if (unit && used == s.size() - 1) return n * unit;
  } catch (const std::exception&) {
  }
  throw std::invalid_argument(takes);
}

ScheduleCheck check_schedule(nlohmann::json& state, int64_t schedule_seconds, int64_t now) {
  if (schedule_seconds <= 0) return {};
  int64_t last = state.value("scheduled_epoch", int64_t{0});
  if (last != 0 && now - last < schedule_seconds) return {};
  state["scheduled_epoch"] = now;
  return {last != 0, true};
}

int64_t epoch_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace ducklings::jobs
