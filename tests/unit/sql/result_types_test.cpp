// PostgreSQL's result types: the rewrites the inference picks, RowDescription's corrections and
// PostgreSQL's numeric division. The values are checked against PostgreSQL 15 end to end by the
// SQL corpus (tests/sql/aggregates_windows, tests/sql/functions_math).
#include "sql/result_types.h"

#include <gtest/gtest.h>

#include "sql/decimal_text.h"
#include "sql/rewrite.h"

namespace ducklings::sql {
namespace {

constexpr int32_t kNumericTypmod102 = ((10 << 16) | 2) + 4;

// Table t: i int, s smallint, b bigint, amount numeric(10,2), d double precision, day date.
std::optional<TableColumns> lookup_t(const std::string& schema, const std::string& name) {
  if (!schema.empty() || name != "t") return std::nullopt;
  return TableColumns{{"i", {23, -1, true}},       {"s", {21, -1, true}},
                      {"b", {20, -1, true}},       {"amount", {1700, kNumericTypmod102, true}},
                      {"d", {701, -1, true}},      {"day", {1082, -1, true}}};
}

std::string rewritten(const std::string& sql, int* lookups = nullptr) {
  ColumnTypeLookup lookup = [lookups](const std::string& s, const std::string& n) {
    if (lookups) ++*lookups;
    return lookup_t(s, n);
  };
  auto out = rewrite_for_duckdb(analyze({sql, 0}), &lookup);
  return out.empty() ? "" : out[0];
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

std::vector<int32_t> corrections(const std::string& sql) {
  return result_type_corrections(analyze({sql, 0}), lookup_t);
}

TEST(ResultTypes, SumOfInt4IsBigintAndOfInt8StaysNumeric) {
  std::string out = rewritten("SELECT sum(i), sum(s), sum(b) FROM t");
  EXPECT_TRUE(contains(out, "sum(i)::int8")) << out;
  EXPECT_TRUE(contains(out, "sum(s)::int8")) << out;
  EXPECT_FALSE(contains(out, "sum(b)::")) << out;
  // The result columns keep PostgreSQL's names.
  EXPECT_TRUE(contains(out, "AS sum")) << out;
}

TEST(ResultTypes, AvgAndNumericDivisionBecomePostgresNumericText) {
  std::string out = rewritten("SELECT avg(i), amount / 3 FROM t");
  EXPECT_TRUE(contains(out, "__pg_numeric_avg(sum(i), count(i))")) << out;
  EXPECT_TRUE(contains(out, "__pg_numeric_div(amount::text, 3::text)")) << out;
  // Inside another expression the quotient is a DECIMAL again.
  out = rewritten("SELECT round(avg(amount), 2) FROM t");
  EXPECT_TRUE(contains(out, "round(__pg_numeric_decimal(__pg_numeric_avg(sum(amount)::text, count(amount))), 2)")) << out;
  // A window avg divides the window's sum by its count.
  out = rewritten("SELECT avg(i) OVER (PARTITION BY s) FROM t");
  EXPECT_TRUE(contains(out, "sum(i) OVER (PARTITION BY s), count(i) OVER (PARTITION BY s)")) << out;
  // Floats divide as floats.
  EXPECT_FALSE(contains(rewritten("SELECT d / 2 FROM t"), "__pg_numeric_div"));
}

TEST(ResultTypes, OrderByANumericTextSortsByTheNumber) {
  std::string out = rewritten("SELECT s, avg(amount) AS mean FROM t GROUP BY s ORDER BY mean DESC, 2");
  EXPECT_TRUE(contains(out, "ORDER BY __pg_numeric_decimal(__pg_numeric_avg(sum(amount)::text, count(amount))) DESC, "
                            "__pg_numeric_decimal(__pg_numeric_avg(sum(amount)::text, count(amount)))"))
      << out;
}

TEST(ResultTypes, IntegerFunctionsAndDateDifferenceAreInt4) {
  std::string out = rewritten("SELECT ntile(2) OVER (), day - day, length('abc') FROM t");
  EXPECT_TRUE(contains(out, "ntile(2) OVER ()::int4")) << out;
  EXPECT_TRUE(contains(out, "CAST(day - day AS int4)")) << out;
  EXPECT_TRUE(contains(out, "::int4 AS length")) << out;
}

TEST(ResultTypes, MixedWidthArithmeticWidensTheNarrowerOperand) {
  std::string out = rewritten("SELECT s + 1, s + s FROM t");
  EXPECT_TRUE(contains(out, "s::int4 + 1")) << out;
  EXPECT_TRUE(contains(out, "s + s")) << out;
}

TEST(ResultTypes, UnconstrainedNumericCastsKeepTheirDigits) {
  std::string out = rewritten("SELECT i::numeric, '1.2345'::numeric, 1.5::numeric FROM t");
  EXPECT_TRUE(contains(out, "i::numeric(38, 0)")) << out;
  EXPECT_TRUE(contains(out, "'1.2345'::numeric(38, 4)")) << out;
  EXPECT_FALSE(contains(out, "1.5::numeric")) << out;  // a DECIMAL literal already
}

TEST(ResultTypes, PgTypeofNamesTheInferredType) {
  std::string out = rewritten("SELECT pg_typeof(sum(i)), pg_typeof(d) FROM t");
  EXPECT_TRUE(contains(out, "CASE WHEN sum(i)::int8 IS NULL THEN 'bigint' ELSE 'bigint' END")) << out;
  EXPECT_TRUE(contains(out, "'double precision'")) << out;
  EXPECT_EQ(type_oid_of_name("double precision"), 701);
  EXPECT_EQ(type_oid_of_name("no such type"), 0);
}

TEST(ResultTypes, UnknownTypesChangeNothingAndSelectOneLooksNothingUp) {
  int lookups = 0;
  EXPECT_FALSE(contains(rewritten("SELECT 1", &lookups), "::"));
  EXPECT_EQ(rewritten("SELECT * FROM t WHERE i = $1", &lookups), "");
  EXPECT_EQ(lookups, 0);
  EXPECT_FALSE(contains(rewritten("SELECT sum(x) FROM unknown_table"), "::"));
}

TEST(ResultTypes, SubqueriesAndCtesCarryColumnTypes) {
  std::string out = rewritten("WITH g AS (SELECT s, sum(i) AS total FROM t GROUP BY s) SELECT sum(total) FROM g");
  EXPECT_TRUE(contains(out, "sum(i)::int8 AS total")) << out;
  EXPECT_FALSE(contains(out, "sum(total)::")) << out;  // sum of int8 is numeric: DuckDB's HUGEINT
  out = rewritten("SELECT sum(x) FROM (VALUES (1::int2), (2::int2)) v(x)");
  EXPECT_TRUE(contains(out, "sum(x)::int8")) << out;
}

TEST(ResultTypes, ComputedNumericsLoseTheTypmodColumnsAndCastsKeepIt) {
  EXPECT_EQ(corrections("SELECT amount, amount::numeric(5,1) FROM t"), std::vector<int32_t>{});
  EXPECT_EQ(corrections("SELECT i, sum(amount), max(amount) - min(amount) FROM t"),
            (std::vector<int32_t>{0, 1700, 1700}));
  EXPECT_EQ(corrections("SELECT * FROM t"), std::vector<int32_t>{});
}

TEST(ResultTypes, NumericDivisionTakesPostgresScale) {
  auto div = [](const char* x, const char* y) { return numeric_divide(x, y).value_or("?"); };
  EXPECT_EQ(div("5", "3"), "1.6666666666666667");
  EXPECT_EQ(div("877.74", "6"), "146.2900000000000000");
  EXPECT_EQ(div("9999999995", "3"), "3333333331.66666667");
  EXPECT_EQ(div("0.001", "3"), "0.00033333333333333333");
  EXPECT_EQ(div("-1.50", "7"), "-0.21428571428571428571");
  EXPECT_EQ(div("10000", "1"), "10000.0000000000000000");
  EXPECT_EQ(div("30000", "2"), "15000.000000000000");
  EXPECT_EQ(div("0", "3"), "0.00000000000000000000");
  EXPECT_EQ(div("2", "1.5"), "1.3333333333333333");
  EXPECT_EQ(div("2", "3"), "0.66666666666666666667");
  EXPECT_EQ(div("-2", "-4"), "0.50000000000000000000");
  EXPECT_EQ(div("1", "-3"), "-0.33333333333333333333");
  EXPECT_FALSE(numeric_divide("1e5", "2"));
  EXPECT_THROW(numeric_divide("1", "0.00"), std::domain_error);
  EXPECT_THROW(numeric_divide("1.000000000000000000000000", "99999999999999999999"), std::overflow_error);
}

TEST(ResultTypes, StddevIsTheRoundedRootOfTheVariance) {
  // PostgreSQL 15: stddev(amount) of the corpus' orders, whose variance is 11574.045600000000.
  EXPECT_EQ(numeric_sqrt("11574.045600000000").value_or("?"), "107.582738392365");
  EXPECT_EQ(numeric_sqrt("9.9047619047619048").value_or("?"), "3.1471831698777726");
  EXPECT_EQ(numeric_sqrt("4").value_or("?"), "2");
  EXPECT_EQ(numeric_sqrt("0.000").value_or("?"), "0.000");
  EXPECT_THROW(numeric_sqrt("-1"), std::domain_error);
  // PostgreSQL 15: stddev of 1, 2, 3 (variance 1.00000000000000000000: 41 digits under the root).
  EXPECT_EQ(numeric_sqrt("1.00000000000000000000").value_or("?"), "1.00000000000000000000");
  EXPECT_EQ(numeric_sqrt("2.00000000000000000000").value_or("?"), "1.41421356237309504880");
  EXPECT_EQ(decimal_isqrt_rounded("0"), "0");
  EXPECT_EQ(decimal_isqrt_rounded("8"), "3");   // 2.83
  EXPECT_EQ(decimal_isqrt_rounded("6"), "2");   // 2.45
  EXPECT_EQ(decimal_isqrt_rounded("99980001"), "9999");
  // PostgreSQL 15: sqrt(4.0), sqrt(2.0), sqrt(0.0001), sqrt(1000000.0).
  EXPECT_EQ(numeric_sqrt_scaled("4.0").value_or("?"), "2.000000000000000");
  EXPECT_EQ(numeric_sqrt_scaled("2.0").value_or("?"), "1.414213562373095");
  EXPECT_EQ(numeric_sqrt_scaled("0.0001").value_or("?"), "0.01000000000000000");
  EXPECT_EQ(numeric_sqrt_scaled("1000000.0").value_or("?"), "1000.0000000000000");
  std::string out = rewritten("SELECT stddev(i), every(i > 0), div(amount, 3) FROM t");
  EXPECT_TRUE(contains(out, "__pg_numeric_sqrt(__pg_numeric_var_samp(count(i), sum(i::\"numeric\"(38, 0) * "
                            "i::\"numeric\"(38, 0)), sum(i) * sum(i), 0))"))
      << out;
  EXPECT_TRUE(contains(out, "bool_and(i > 0) AS every")) << out;
  EXPECT_TRUE(contains(out, "__pg_numeric_div(CAST(amount - __duckgres_mod(amount, 3) AS text), 3::text)::\"numeric\"(38, 0)")) << out;
}

TEST(ResultTypes, IntegerSeriesAreInt4) {
  std::string out = rewritten("SELECT sum(x) FROM generate_series(1, 100) AS x");
  EXPECT_TRUE(contains(out, "FROM (SELECT __series::int4 AS x FROM generate_series(1, 100) __series(__series)) x")) << out;
  EXPECT_TRUE(contains(out, "sum(x)::int8")) << out;
  out = rewritten("SELECT generate_series(1, 3)");
  EXPECT_TRUE(contains(out, "::int4")) << out;
  // A series over a column stays as it is (it may refer to the row beside it).
  EXPECT_FALSE(contains(rewritten("SELECT n FROM t, generate_series(1, t.i) AS n"), "__series"));
}

TEST(ResultTypes, NestedQuotientsRoundTo16Places) {
  EXPECT_EQ(numeric_text_scaled("1.5", 2), __int128{150});
  EXPECT_EQ(numeric_text_scaled("-0.125", 2), __int128{-13});
  EXPECT_EQ(numeric_text_scaled("0.00000000000000000000", 16), __int128{0});
  EXPECT_EQ(numeric_text_scaled("0.000000000000000049", 16), __int128{0});
  EXPECT_EQ(numeric_text_scaled("0.000000000000000050", 16), __int128{1});
  EXPECT_THROW(numeric_text_scaled("10000000000000000000000", 16), std::overflow_error);
  EXPECT_FALSE(numeric_text_scaled("x", 16));
}

TEST(ResultTypes, NumericTextBinaryIsPostgresWireFormat) {
  auto hex = [](const std::optional<std::string>& b) {
    std::string out;
    char buf[3];
    for (unsigned char c : b.value_or("")) {
      std::snprintf(buf, sizeof(buf), "%02x", c);
      out += buf;
    }
    return out;
  };
  // ndigits, weight, sign, dscale, then base-10000 digits.
  EXPECT_EQ(hex(numeric_text_binary("0")), "0000000000000000");
  EXPECT_EQ(hex(numeric_text_binary("0.000")), "0000000000000003");
  EXPECT_EQ(hex(numeric_text_binary("-1.50")), "0002000040000002" "00011388");
  EXPECT_EQ(hex(numeric_text_binary("12345.678")), "0003000100000003" "00010929" "1a7c");
  EXPECT_EQ(hex(numeric_text_binary("0.00033")), "0002ffff00000005" "00030bb8");
  EXPECT_FALSE(numeric_text_binary("abc"));
}

TEST(ResultTypes, DuckdbTypeNames) {
  EXPECT_EQ(pg_type_of_duckdb_name("DECIMAL(10,2)").typmod, kNumericTypmod102);
  EXPECT_EQ(pg_type_of_duckdb_name("INTEGER").oid, 23);
  EXPECT_EQ(pg_type_of_duckdb_name("TIMESTAMP WITH TIME ZONE").oid, 1184);
  EXPECT_EQ(pg_type_of_duckdb_name("STRUCT(a INTEGER)").oid, 0);
}

TEST(ResultTypes, QuotientArithmeticIsExactOnNumericText) {
  // numeric.c: a sum keeps the larger scale, a product the sum of the scales, exactly.
  EXPECT_EQ(numeric_add_text("0.66666666666666666667", "1", false).value_or("?"), "1.66666666666666666667");
  EXPECT_EQ(numeric_add_text("10", "2.5", true).value_or("?"), "7.5");
  EXPECT_EQ(numeric_add_text("2.5", "10", true).value_or("?"), "-7.5");
  EXPECT_EQ(numeric_add_text("-0.50", "0.5", false).value_or("?"), "0.00");
  EXPECT_EQ(numeric_add_text("0", "0.33333333333333333333", true).value_or("?"), "-0.33333333333333333333");
  EXPECT_EQ(numeric_mul_text("0.33333333333333333333", "3").value_or("?"), "0.99999999999999999999");
  EXPECT_EQ(numeric_mul_text("0.33333333333333333333", "0.33333333333333333333").value_or("?"),
            "0.1111111111111111111088888888888888888889");
  EXPECT_EQ(numeric_mul_text("-1.5", "0").value_or("?"), "0.0");
  EXPECT_FALSE(numeric_mul_text("1e5", "2"));
  EXPECT_EQ(numeric_compare_text("0.99999999999999999999", "1").value_or(9), -1);
  EXPECT_EQ(numeric_compare_text("1.00", "1").value_or(9), 0);
  EXPECT_EQ(numeric_compare_text("-0.0", "0").value_or(9), 0);
  EXPECT_EQ(numeric_compare_text("-2", "-10").value_or(9), 1);
  // A quotient beside another operand computes on the texts; compared, with every digit.
  std::string out = rewritten("SELECT count(*)::numeric / 7 * 100, 1/3::numeric * 3 = 1 FROM t");
  EXPECT_TRUE(contains(out, "__pg_numeric_mul_text(__pg_numeric_div(")) << out;
  EXPECT_TRUE(contains(out, "__pg_numeric_cmp(__pg_numeric_mul_text(")) << out;
}

}  // namespace
}  // namespace ducklings::sql
