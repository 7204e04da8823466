#include "common/url.h"

#include <gtest/gtest.h>

namespace ducklings {
namespace {

TEST(Url, DecodesPercentAndPlus) {
  EXPECT_EQ(url_decode("a%20b+c%2Fd"), "a b c/d");
  EXPECT_EQ(url_decode("100%"), "100%");     // a lone % stays
  EXPECT_EQ(url_decode("%zz%4"), "%zz%4");   // so do bad escapes
}

TEST(Url, SplitsForms) {
  auto f = parse_form("limit=10&before=2026-12-01T10%3A00&flag&empty=&limit=20");
  EXPECT_EQ(f["limit"], "20");
  EXPECT_EQ(f["before"], "2026-12-01T10:00");
  EXPECT_TRUE(f.count("flag"));
  EXPECT_EQ(f["empty"], "");
  EXPECT_TRUE(parse_form("").empty());
}

}  // namespace
}  // namespace ducklings
