// How often a background job (a source's table, a model, a publication) runs, one syntax for
// all: seconds, "<n>m", "<n>h", "<n>d", "hourly", "daily", "weekly", "monthly" (30 days), or
// "manual" (0: only on demand).
#pragma once
#include <cstdint>
#include <nlohmann/json.hpp>

namespace ducklings::jobs {

// The seconds `value` stands for; throws std::invalid_argument saying what it takes.
int64_t schedule_seconds(const nlohmann::json& value);

// A scheduler's look at one job at `now` (epoch seconds): whether it is due, and whether its
// `state` changed (the start of its period, "scheduled_epoch") and is to be saved. The first
// period starts when the schedule is first seen, not at once; a job without a schedule is
// never due.
struct ScheduleCheck {
  bool due = false, changed = false;
};
ScheduleCheck check_schedule(nlohmann::json& state, int64_t schedule_seconds, int64_t now);
// Epoch seconds now.
int64_t epoch_now();

}  // namespace ducklings::jobs
