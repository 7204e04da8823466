// How often a background job (a source's table, a model, a publication) runs, one syntax for
// all: seconds, "<n>m", "<n>h", "<n>d", "hourly", "daily", "weekly", "monthly" (30 days), or
// "manual" (0: only on demand).
#pragma once
#include <cstdint>
#include <nlohmann/json.hpp>

namespace ducklings::jobs {

// The seconds `value` stands for; throws std::invalid_argument saying what it takes.
int64_t schedule_seconds(const nlohmann::json& value);

}  // namespace ducklings::jobs
