#include "modeling/graph.h"

#include <gtest/gtest.h>

namespace ducklings::modeling {
namespace {

TEST(ModelGraph, LevelsAncestorsAndDescendants) {
  ModelGraph g({{"stg", {}}, {"sessions", {"stg"}}, {"daily", {"sessions", "stg"}}, {"report", {"daily"}},
                {"other", {"missing_model"}}});
  EXPECT_FALSE(g.cycle());
  auto levels = g.levels();
  EXPECT_EQ(levels["stg"], 0);
  EXPECT_EQ(levels["sessions"], 1);
  EXPECT_EQ(levels["daily"], 2);
  EXPECT_EQ(levels["report"], 3);
  EXPECT_EQ(levels["other"], 0);  // what is not a model is not an edge
  EXPECT_EQ(g.ancestors("report"), (std::set<std::string>{"daily", "sessions", "stg"}));
  EXPECT_EQ(g.descendants("stg"), (std::set<std::string>{"sessions", "daily", "report"}));
  EXPECT_EQ(g.downstream("stg"), (std::set<std::string>{"sessions", "daily"}));
}

TEST(ModelGraph, CycleWithItsPath) {
  ModelGraph g({{"a", {"c"}}, {"b", {"a"}}, {"c", {"b"}}, {"d", {"a"}}});
  auto path = g.cycle();
  ASSERT_TRUE(path);
  EXPECT_EQ(*path, "a → c → b → a");
  std::map<std::string, std::set<std::string>> self = {{"x", {"x"}}};
  EXPECT_EQ(*ModelGraph(self).cycle(), "x → x");
}

}  // namespace
}  // namespace ducklings::modeling
