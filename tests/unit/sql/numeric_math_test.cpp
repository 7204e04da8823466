#include "sql/numeric_math.h"

#include <gtest/gtest.h>

#include <stdexcept>

namespace ducklings::sql {
namespace {

// The "[xxxxx]" SQLSTATE prefix of the error a call raises ("" when it answers).
template <typename Fn>
std::string sqlstate_of(Fn fn) {
  try {
    fn();
  } catch (const std::domain_error& e) {
    return std::string(e.what()).substr(1, 5);
  }
  return "";
}

TEST(NumericMath, ScalesFollowPostgreSql) {
  // Values PostgreSQL 15 prints (SELECT exp(1.0), …).
  EXPECT_EQ(numeric_exp("1.0"), "2.7182818284590452");
  EXPECT_EQ(numeric_exp("-10.5"), "0.00002753644934974716");
  EXPECT_EQ(numeric_ln("10.0"), "2.3025850929940457");
  EXPECT_EQ(numeric_ln("1.05"), "0.048790164169432003");  // near 1: more decimals
  EXPECT_EQ(numeric_log("2", "1024"), "10.0000000000000000");
  EXPECT_EQ(numeric_power("2.0", "0.5"), "1.4142135623730950");
}

TEST(NumericMath, IntegerPowersAreExact) {
  EXPECT_EQ(numeric_power("2", "100"), "1267650600228229401496703205376.0000000000000000");
  EXPECT_EQ(numeric_power("-1.5", "3"), "-3.3750000000000000");
  EXPECT_EQ(numeric_power("1.5", "0"), "1.0000000000000000");
  EXPECT_EQ(numeric_power("2.0", "-2"), "0.2500000000000000");
  // More decimals than the result scale: rounded half away from zero.
  EXPECT_EQ(numeric_power("1.00000000005", "2"), "1.0000000001000000");
  EXPECT_EQ(numeric_power("0.5", "17"), "0.0000076293945313");  // …453125
  EXPECT_EQ(numeric_power("0.99999999999999995", "1"), "0.99999999999999995");
}

TEST(NumericMath, ErrorsKeepTheirSqlstates) {
  EXPECT_EQ(sqlstate_of([] { numeric_ln("0"); }), "2201E");
  EXPECT_EQ(sqlstate_of([] { numeric_ln("-1"); }), "2201E");
  EXPECT_EQ(sqlstate_of([] { numeric_log("1", "10"); }), "22012");
  EXPECT_EQ(sqlstate_of([] { numeric_power("0", "-1"); }), "2201F");
  EXPECT_EQ(sqlstate_of([] { numeric_power("-8", "0.5"); }), "2201F");
  // Beyond what quad precision gets right: refused, not printed with wrong digits.
  EXPECT_EQ(sqlstate_of([] { numeric_exp("100.0"); }), "0A000");
  EXPECT_FALSE(numeric_exp("abc").has_value());
}

}  // namespace
}  // namespace ducklings::sql
