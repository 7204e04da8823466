#include "sql/pg_numeric.h"

#include <gtest/gtest.h>

#include "common/errors.h"
#include "sql/rewrite.h"
#include "sql/statement.h"

namespace ducklings::sql {
namespace {

std::string rewritten(const std::string& sql) {
  auto out = rewrite_for_duckdb(analyze({sql, 0}));
  std::string joined;
  for (const auto& s : out) joined += (joined.empty() ? "" : "; ") + s;
  return joined;
}

std::string sqlstate_of(const std::string& text) {
  try {
    parse_numeric_input(text);
  } catch (const SqlError& e) {
    return e.sqlstate();
  }
  return "";
}

TEST(PgNumeric, InputKeepsEveryDigitAndItsScale) {
  NumericInput v = parse_numeric_input(" 12.50 ");
  EXPECT_EQ(v.dscale, 2);
  EXPECT_EQ(numeric_to_text(v.unscaled, kUnconstrainedScale, v.dscale), "12.50");
  v = parse_numeric_input("-1.5e3");
  EXPECT_EQ(v.dscale, 0);
  EXPECT_EQ(numeric_to_text(v.unscaled, kUnconstrainedScale, v.dscale), "-1500");
  v = parse_numeric_input("123456789012345678901.12345678901234567");
  EXPECT_EQ(numeric_to_text(v.unscaled, kUnconstrainedScale, v.dscale), "123456789012345678901.12345678901234567");
  v = parse_numeric_input("1.500000000000000000000000");  // zeros beyond 17 places carry nothing
  EXPECT_EQ(numeric_to_text(v.unscaled, kUnconstrainedScale, 1), "1.5");
}

TEST(PgNumeric, DigitsBeyondTheDecimalAreAnErrorNotRounded) {
  EXPECT_EQ(sqlstate_of("1.123456789012345678"), "22003");  // 18 decimals
  EXPECT_EQ(sqlstate_of("1234567890123456789012"), "22003");  // 22 integer digits
  EXPECT_EQ(sqlstate_of("1e21"), "22003");
  EXPECT_EQ(sqlstate_of("abc"), "22P02");
  EXPECT_EQ(sqlstate_of("NaN"), "0A000");
  EXPECT_EQ(sqlstate_of("1e20"), "");
}

TEST(PgNumeric, TextNeverDropsDigits) {
  EXPECT_EQ(numeric_to_text(155, 2, 1), "1.55");  // asked for fewer than it needs
  EXPECT_EQ(numeric_to_text(150, 2, 1), "1.5");
  EXPECT_EQ(numeric_to_text(-5, 1, 3), "-0.500");
  EXPECT_EQ(numeric_min_scale(1500, 3), 1);
  EXPECT_EQ(numeric_text_scale("1.2300"), 4);
  EXPECT_EQ(numeric_text_scale("1.5e-3"), 4);
}

TEST(PgNumeric, UnconstrainedNumericIsDecimal38_17) {
  EXPECT_NE(rewritten("CREATE TABLE t (a numeric, b numeric(10,2))").find("numeric(38, 17)"), std::string::npos);
  EXPECT_NE(rewritten("INSERT INTO t VALUES (CAST('1.5' AS numeric))").find("numeric(38, 17)"), std::string::npos);
}

}  // namespace
}  // namespace ducklings::sql
