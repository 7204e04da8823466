#include "sql/array_literal.h"

#include <gtest/gtest.h>

namespace ducklings::sql {
namespace {

TEST(ArrayLiteral, ReadsFlatArraysWithQuotesAndNulls) {
  auto a = parse_array_literal(R"( { 1, "two, three" ,NULL, "NULL", a\,b } )");
  ASSERT_TRUE(a);
  ASSERT_EQ(a->items.size(), 5u);
  EXPECT_EQ(a->items[0].text, "1");
  EXPECT_EQ(a->items[1].text, "two, three");
  EXPECT_TRUE(a->items[2].is_null);
  EXPECT_FALSE(a->items[3].is_null);  // quoted: the string NULL
  EXPECT_EQ(a->items[3].text, "NULL");
  EXPECT_EQ(a->items[4].text, "a,b");
}

TEST(ArrayLiteral, ReadsNestedAndEmptyArrays) {
  auto a = parse_array_literal("{{1,2},{3,4}}");
  ASSERT_TRUE(a);
  ASSERT_EQ(a->items.size(), 2u);
  EXPECT_TRUE(a->items[1].is_array);
  EXPECT_EQ(a->items[1].items[0].text, "3");
  auto empty = parse_array_literal("{}");
  ASSERT_TRUE(empty);
  EXPECT_TRUE(empty->items.empty());
}

TEST(ArrayLiteral, RejectsWhatIsNotAnArray) {
  EXPECT_FALSE(parse_array_literal(""));
  EXPECT_FALSE(parse_array_literal("1,2"));
  EXPECT_FALSE(parse_array_literal("{1,2"));
  EXPECT_FALSE(parse_array_literal("{1,,2}"));
  EXPECT_FALSE(parse_array_literal(R"({"a":1})"));  // JSON, not an array
  EXPECT_FALSE(parse_array_literal("{1} x"));
}

}  // namespace
// A million '{' once recursed past the session thread's stack (one Bind parameter did it).
TEST(ArrayLiteral, RefusesDeepNestingWithoutRecursing) {
  EXPECT_TRUE(parse_array_literal(std::string(64, '{') + "1" + std::string(64, '}')));
  EXPECT_FALSE(parse_array_literal(std::string(65, '{') + "1" + std::string(65, '}')));
  EXPECT_FALSE(parse_array_literal(std::string(5000000, '{')));
  std::string deep = std::string(5000000, '{') + "1" + std::string(5000000, '}');
  EXPECT_FALSE(parse_array_literal(deep));
}

}  // namespace ducklings::sql
