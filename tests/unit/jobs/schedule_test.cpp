#include "jobs/schedule.h"

#include <gtest/gtest.h>

namespace ducklings::jobs {
namespace {

TEST(Schedule, Forms) {
  EXPECT_EQ(schedule_seconds(900), 900);
  EXPECT_EQ(schedule_seconds("15m"), 900);
  EXPECT_EQ(schedule_seconds("6h"), 6 * 3600);
  EXPECT_EQ(schedule_seconds("7d"), 7 * 86400);
  EXPECT_EQ(schedule_seconds("daily"), 86400);
  EXPECT_EQ(schedule_seconds("monthly"), 30 * 86400);
  EXPECT_EQ(schedule_seconds("manual"), 0);
  EXPECT_THROW(schedule_seconds("often"), std::invalid_argument);
  EXPECT_THROW(schedule_seconds("5x"), std::invalid_argument);
  EXPECT_THROW(schedule_seconds("m"), std::invalid_argument);
  EXPECT_THROW(schedule_seconds(1.5), std::invalid_argument);
}

TEST(Schedule, CheckStartsThePeriodThenRunsOncePerPeriod) {
  nlohmann::json state = nlohmann::json::object();
  auto c = check_schedule(state, 0, 1000);  // manual: never due, nothing to save
  EXPECT_FALSE(c.due);
  EXPECT_FALSE(c.changed);
  c = check_schedule(state, 300, 1000);  // first seen: the period starts now
  EXPECT_FALSE(c.due);
  EXPECT_TRUE(c.changed);
  EXPECT_EQ(state["scheduled_epoch"], 1000);
  c = check_schedule(state, 300, 1299);
  EXPECT_FALSE(c.due);
  EXPECT_FALSE(c.changed);
  c = check_schedule(state, 300, 1300);
  EXPECT_TRUE(c.due);
  EXPECT_TRUE(c.changed);
  EXPECT_EQ(state["scheduled_epoch"], 1300);
}

}  // namespace
}  // namespace ducklings::jobs
