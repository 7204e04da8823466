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

}  // namespace
}  // namespace ducklings::jobs
