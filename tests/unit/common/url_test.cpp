#include "common/url.h"

#include <gtest/gtest.h>

namespace ducklings {
namespace {

TEST(Url, DecodesPercentAndPlus) {
  EXPECT_EQ(url_decode("a%20b+c%2Fd"), "a b c/d");
  EXPECT_EQ(url_decode("100%"), "100%");     // a lone % stays
  EXPECT_EQ(url_decode("%zz%4"), "%zz%4");   // so do bad escapes
}

// A path segment (the API's {parameters}): escapes decoded, '+' kept.
TEST(Url, DecodesPathSegments) {
  EXPECT_EQ(url_decode("ann%40acme.io", false), "ann@acme.io");
  EXPECT_EQ(url_decode("a%2Fb", false), "a/b");  // within one segment: it was split before
  EXPECT_EQ(url_decode("a+b", false), "a+b");    // a path is not a form
  EXPECT_EQ(url_decode("100%", false), "100%");
  EXPECT_EQ(url_decode("%zz%4", false), "%zz%4");
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
