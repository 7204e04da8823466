#include "metering/pricing.h"

#include <gtest/gtest.h>

#include <stdexcept>

namespace ducklings::metering {
namespace {

constexpr double kGbMonth = 1e9 * 730 * 3600;  // byte-seconds
constexpr double kHour = 3600;                 // vCPU-seconds

// Prices every way a meter can be priced; each test picks the meters it needs.
const char* kScheme = R"(
name: test-2026
meters:
  export_bytes: {unit: gb, price: 0.09}
  storage_byte_seconds: {unit: gb_month, price: 0.023, free: 10}
  events_ingested:
    unit: million
    tiers:
      - {up_to: 100, price: 5.0}
      - {up_to: 1000, price: 3.0}
      - {price: 1.5}
  compute_vcpu_seconds:
    unit: vcpu_hour
    free: 20
    by_size: {xs: 0.05, m: 0.048}
  api_calls: {unit: thousand, price: 0.0001}
)";

PricingScheme scheme() {
  return PricingScheme::parse(kScheme);
}

// The message parse() throws for `yaml`; fails the test if it accepts it.
std::string parse_error(const std::string& yaml) {
  try {
    PricingScheme::parse(yaml);
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  ADD_FAILURE() << "accepted:\n" << yaml;
  return {};
}

#define EXPECT_CONTAINS(text, part) \
  EXPECT_NE(std::string(text).find(part), std::string::npos) << (text)

int64_t sum_of_lines(const Invoice& inv) {
  int64_t sum = 0;
  for (const auto& l : inv.lines) sum += l.amount_micros;
  return sum;
}

TEST(Pricing, ParsesScheme) {
  auto s = scheme();
  EXPECT_EQ(s.name(), "test-2026");
  EXPECT_EQ(s.currency(), "USD");  // the default
  ASSERT_EQ(s.meters().size(), 5u);
  EXPECT_EQ(s.meters()[0].meter, "export_bytes");  // YAML order is kept
  const MeterPrice* storage = s.find("storage_byte_seconds");
  ASSERT_NE(storage, nullptr);
  EXPECT_EQ(storage->model, PriceModel::kFlat);
  EXPECT_DOUBLE_EQ(storage->usage_per_unit, kGbMonth);
  EXPECT_EQ(storage->description, "Storage (GB-months)");
  EXPECT_EQ(s.find("events_ingested")->tiers.size(), 3u);
  EXPECT_FALSE(s.find("events_ingested")->tiers.back().up_to);
  EXPECT_EQ(s.find("query_cpu_seconds"), nullptr);
}

TEST(Pricing, FlatPrice) {
  // 250 GB exported at 0.09/GB = 22.50; 50 GB-months stored, 10 free: 40 * 0.023 = 0.92.
  auto inv = scheme().invoice(
      {{"export_bytes", "", 250e9}, {"storage_byte_seconds", "", 50 * kGbMonth}}, "2026-11");
  EXPECT_EQ(inv.scheme, "test-2026");
  EXPECT_EQ(inv.period, "2026-11");
  ASSERT_EQ(inv.lines.size(), 2u);
  const auto& exp = inv.lines[0];
  EXPECT_EQ(exp.meter, "export_bytes");
  EXPECT_EQ(exp.unit, "gb");
  EXPECT_DOUBLE_EQ(exp.quantity, 250);
  EXPECT_DOUBLE_EQ(exp.unit_price, 0.09);
  EXPECT_EQ(exp.amount_micros, 22'500'000);
  const auto& storage = inv.lines[1];
  EXPECT_DOUBLE_EQ(storage.quantity, 50);
  EXPECT_DOUBLE_EQ(storage.free, 10);
  EXPECT_DOUBLE_EQ(storage.billable, 40);
  EXPECT_EQ(storage.amount_micros, 920'000);
  EXPECT_EQ(inv.total_micros, 23'420'000);
}

TEST(Pricing, FreeAllowanceLargerThanUsageCostsNothing) {
  auto inv = scheme().invoice({{"storage_byte_seconds", "", 5 * kGbMonth}}, "2026-11");
  ASSERT_EQ(inv.lines.size(), 1u);
  EXPECT_DOUBLE_EQ(inv.lines[0].quantity, 5);
  EXPECT_DOUBLE_EQ(inv.lines[0].free, 5);  // only what was used, not all 10
  EXPECT_DOUBLE_EQ(inv.lines[0].billable, 0);
  EXPECT_EQ(inv.lines[0].amount_micros, 0);
  EXPECT_EQ(inv.total_micros, 0);
}

TEST(Pricing, GraduatedTiers) {
  // 1,500 million events: 100 at 5.0 = 500, 900 at 3.0 = 2,700, 500 at 1.5 = 750;
  // 3,950 in all, an average of 3950 / 1500 = 2.6333… per million.
  auto inv = scheme().invoice({{"events_ingested", "", 1.5e9}}, "2026-11");
  ASSERT_EQ(inv.lines.size(), 1u);
  const auto& l = inv.lines[0];
  ASSERT_EQ(l.tiers.size(), 3u);
  EXPECT_DOUBLE_EQ(l.tiers[0].from, 0);
  EXPECT_EQ(l.tiers[0].up_to, 100);
  EXPECT_DOUBLE_EQ(l.tiers[0].quantity, 100);
  EXPECT_EQ(l.tiers[0].amount_micros, 500'000'000);
  EXPECT_DOUBLE_EQ(l.tiers[1].from, 100);
  EXPECT_DOUBLE_EQ(l.tiers[1].quantity, 900);
  EXPECT_EQ(l.tiers[1].amount_micros, 2'700'000'000);
  EXPECT_DOUBLE_EQ(l.tiers[2].from, 1000);
  EXPECT_FALSE(l.tiers[2].up_to);
  EXPECT_DOUBLE_EQ(l.tiers[2].quantity, 500);
  EXPECT_DOUBLE_EQ(l.tiers[2].unit_price, 1.5);
  EXPECT_EQ(l.tiers[2].amount_micros, 750'000'000);
  EXPECT_EQ(l.amount_micros, 3'950'000'000);
  EXPECT_NEAR(l.unit_price, 3950.0 / 1500.0, 1e-12);
  EXPECT_EQ(inv.total_micros, 3'950'000'000);
}

TEST(Pricing, TiersOnlyListThoseReached) {
  // 1,234,567 events = 1.234567 million, all in the first tier: * 5.0 = 6.172835.
  auto inv = scheme().invoice({{"events_ingested", "", 1'234'567}}, "2026-11");
  ASSERT_EQ(inv.lines[0].tiers.size(), 1u);
  EXPECT_EQ(inv.lines[0].amount_micros, 6'172'835);
  EXPECT_DOUBLE_EQ(inv.lines[0].unit_price, 5.0);
}

TEST(Pricing, TiersStartAfterTheFreeAllowance) {
  auto s = PricingScheme::parse(R"(
name: free-tiers
meters:
  events_ingested:
    unit: million
    free: 1
    tiers: [{up_to: 100, price: 5.0}, {up_to: 1000, price: 3.0}, {price: 1.5}]
)");
  // 150.5 million, 1 free: 149.5 billable; 100 at 5.0 = 500, 49.5 at 3.0 = 148.5; 648.5.
  auto inv = s.invoice({{"events_ingested", "", 150.5e6}}, "2026-11");
  const auto& l = inv.lines[0];
  EXPECT_DOUBLE_EQ(l.free, 1);
  EXPECT_DOUBLE_EQ(l.billable, 149.5);
  ASSERT_EQ(l.tiers.size(), 2u);
  EXPECT_EQ(l.tiers[0].amount_micros, 500'000'000);
  EXPECT_DOUBLE_EQ(l.tiers[1].quantity, 49.5);
  EXPECT_EQ(l.tiers[1].amount_micros, 148'500'000);
  EXPECT_EQ(l.amount_micros, 648'500'000);
  // Usage within the allowance reaches no tier at all.
  auto none = s.invoice({{"events_ingested", "", 0.4e6}}, "2026-11");
  EXPECT_TRUE(none.lines[0].tiers.empty());
  EXPECT_EQ(none.lines[0].amount_micros, 0);
}

TEST(Pricing, PricesBySize) {
  // xs: 10 vCPU-hours at 0.05 = 0.50; m: 100 at 0.048 = 4.80 — after the 20 free hours,
  // which go to the lines in usage order: all 10 of xs, then 10 of m (90 billed: 4.32).
  auto inv = scheme().invoice(
      {{"compute_vcpu_seconds", "xs", 10 * kHour}, {"compute_vcpu_seconds", "m", 100 * kHour}},
      "2026-11");
  ASSERT_EQ(inv.lines.size(), 2u);
  EXPECT_EQ(inv.lines[0].size, "xs");
  EXPECT_EQ(inv.lines[0].description, "Compute (vCPU-hours), size xs");
  EXPECT_DOUBLE_EQ(inv.lines[0].free, 10);
  EXPECT_EQ(inv.lines[0].amount_micros, 0);
  EXPECT_EQ(inv.lines[1].size, "m");
  EXPECT_DOUBLE_EQ(inv.lines[1].free, 10);
  EXPECT_DOUBLE_EQ(inv.lines[1].billable, 90);
  EXPECT_DOUBLE_EQ(inv.lines[1].unit_price, 0.048);
  EXPECT_EQ(inv.lines[1].amount_micros, 4'320'000);

  // The other order spends the allowance on m: 80 * 0.048 = 3.84 plus 10 * 0.05 = 0.50.
  auto reversed = scheme().invoice(
      {{"compute_vcpu_seconds", "m", 100 * kHour}, {"compute_vcpu_seconds", "xs", 10 * kHour}},
      "2026-11");
  EXPECT_EQ(reversed.lines[0].amount_micros, 3'840'000);
  EXPECT_EQ(reversed.lines[1].amount_micros, 500'000);
}

TEST(Pricing, SizeWithoutPriceUsesDefaultOrIsNotPriced) {
  auto inv = scheme().invoice({{"compute_vcpu_seconds", "l", 40 * kHour}}, "2026-11");
  ASSERT_EQ(inv.lines.size(), 1u);
  EXPECT_EQ(inv.lines[0].description, "not priced");
  EXPECT_EQ(inv.lines[0].amount_micros, 0);

  auto with_default = PricingScheme::parse(R"(
name: with-default
meters:
  compute_vcpu_seconds: {unit: vcpu_hour, by_size: {xs: 0.05, default: 0.04}}
)");
  // 40 vCPU-hours of a custom size at the default 0.04 = 1.60.
  inv = with_default.invoice({{"compute_vcpu_seconds", "custom", 40 * kHour}}, "2026-11");
  EXPECT_EQ(inv.lines[0].description, "Compute (vCPU-hours), size custom");
  EXPECT_EQ(inv.lines[0].amount_micros, 1'600'000);
}

TEST(Pricing, SumsRowsOfOneMeterAndSize) {
  auto inv = scheme().invoice({{"export_bytes", "xs", 100e9},
                               {"compute_vcpu_seconds", "m", 30 * kHour},
                               {"export_bytes", "m", 150e9},  // size does not split flat meters
                               {"compute_vcpu_seconds", "m", 30 * kHour}},
                              "2026-11");
  ASSERT_EQ(inv.lines.size(), 2u);
  EXPECT_EQ(inv.lines[0].meter, "export_bytes");
  EXPECT_EQ(inv.lines[0].size, "");
  EXPECT_DOUBLE_EQ(inv.lines[0].quantity, 250);
  EXPECT_EQ(inv.lines[1].meter, "compute_vcpu_seconds");
  EXPECT_DOUBLE_EQ(inv.lines[1].quantity, 60);
  // 60 - 20 free = 40 * 0.048 = 1.92.
  EXPECT_EQ(inv.lines[1].amount_micros, 1'920'000);
}

TEST(Pricing, RoundsEachLineHalfAwayFromZero) {
  // api_calls at 0.0001 per thousand: 5 calls cost 0.5 micro, 15 cost 1.5, 25 cost 2.5.
  auto s = scheme();
  EXPECT_EQ(s.invoice({{"api_calls", "", 5}}, "p").total_micros, 1);
  EXPECT_EQ(s.invoice({{"api_calls", "", 15}}, "p").total_micros, 2);
  EXPECT_EQ(s.invoice({{"api_calls", "", 25}}, "p").total_micros, 3);  // not 2 (to even)
  EXPECT_EQ(s.invoice({{"api_calls", "", 4}}, "p").total_micros, 0);   // 0.4 micro

  // Lines are rounded before they are summed: three lines of 0.4 micro total 0, not 1.
  auto tiny = PricingScheme::parse(R"(
name: tiny
meters:
  compute_vcpu_seconds: {unit: vcpu_hour, by_size: {xs: 0.0000004, s: 0.0000004, m: 0.0000004}}
)");
  auto inv = tiny.invoice({{"compute_vcpu_seconds", "xs", kHour},
                           {"compute_vcpu_seconds", "s", kHour},
                           {"compute_vcpu_seconds", "m", kHour}},
                          "p");
  ASSERT_EQ(inv.lines.size(), 3u);
  EXPECT_EQ(inv.total_micros, 0);
}

TEST(Pricing, LinesAddUpToTheTotalExactly) {
  std::vector<UsageTotal> usage = {
      {"export_bytes", "", 123'456'789'012},
      {"storage_byte_seconds", "", 33.333333 * kGbMonth},
      {"events_ingested", "", 1'234'567'891},
      {"compute_vcpu_seconds", "xs", 12'345.678},
      {"compute_vcpu_seconds", "m", 987'654.321},
      {"api_calls", "", 7'777'777},
  };
  auto inv = scheme().invoice(usage, "2026-11");
  ASSERT_EQ(inv.lines.size(), usage.size());
  EXPECT_EQ(sum_of_lines(inv), inv.subtotal_micros);
  EXPECT_EQ(inv.subtotal_micros, inv.total_micros);
  for (const auto& l : inv.lines) {
    if (l.tiers.empty()) continue;
    int64_t tiers = 0;
    for (const auto& t : l.tiers) tiers += t.amount_micros;
    EXPECT_EQ(tiers, l.amount_micros) << l.meter;
  }
  auto j = inv.to_json();
  int64_t json_sum = 0;
  for (const auto& l : j["lines"]) json_sum += l["amount_micros"].get<int64_t>();
  EXPECT_EQ(json_sum, j["total_micros"].get<int64_t>());
}

TEST(Pricing, UsageOfAMeterNotPricedIsListedAtZero) {
  auto inv = scheme().invoice({{"query_cpu_seconds", "", 7200},  // known, not in this scheme
                               {"rows_synced", "", 42},          // not a known meter at all
                               {"export_bytes", "", 0},          // no usage: no line
                               {"export_bytes", "", 10e9}},
                              "2026-11");
  ASSERT_EQ(inv.lines.size(), 3u);
  EXPECT_EQ(inv.lines[0].meter, "query_cpu_seconds");
  EXPECT_EQ(inv.lines[0].description, "not priced");
  EXPECT_EQ(inv.lines[0].unit, "");
  EXPECT_DOUBLE_EQ(inv.lines[0].quantity, 7200);  // raw units: there is no price unit
  EXPECT_EQ(inv.lines[0].amount_micros, 0);
  EXPECT_EQ(inv.lines[1].meter, "rows_synced");
  EXPECT_EQ(inv.lines[1].description, "not priced");
  EXPECT_EQ(inv.lines[2].amount_micros, 900'000);  // 10 GB * 0.09
  EXPECT_EQ(inv.total_micros, 900'000);
  EXPECT_TRUE(scheme().invoice({}, "2026-11").lines.empty());
}

TEST(Pricing, RejectsNegativeUsage) {
  EXPECT_THROW(scheme().invoice({{"export_bytes", "", -1}}, "p"), std::invalid_argument);
}

TEST(Pricing, BadSchemesNameTheKey) {
  EXPECT_CONTAINS(parse_error("name: x\nmeters:\n  export_bytes: {unit: gb, price: -0.5}\n"),
                  "meters.export_bytes.price: must not be negative");
  EXPECT_CONTAINS(parse_error(R"(
name: x
meters:
  events_ingested:
    unit: million
    tiers: [{up_to: 100, price: 5}, {up_to: 50, price: 3}, {price: 1}]
)"),
                  "meters.events_ingested.tiers[1].up_to: tiers must ascend");
  EXPECT_CONTAINS(parse_error("name: x\nmeters:\n  export_bytes: {unit: tb, price: 1}\n"),
                  "meters.export_bytes.unit: unknown unit 'tb'");
  EXPECT_CONTAINS(parse_error(R"(
name: x
meters:
  events_ingested:
    unit: million
    tiers: [{up_to: 100, price: 5}, {up_to: 200, price: 3}, {}]
)"),
                  "meters.events_ingested.tiers[2].price: missing");
  EXPECT_CONTAINS(parse_error("name: x\nmeters:\n  cpu: {unit: unit, price: 1}\n"),
                  "meters.cpu: unknown meter");
  EXPECT_CONTAINS(parse_error("name: x\nmeters:\n  export_bytes: {unit: gb, price: abc}\n"),
                  "meters.export_bytes.price: must be a number, not 'abc'");
  EXPECT_CONTAINS(parse_error("name: x\nmeters:\n  export_bytes: {price: 1}\n"),
                  "meters.export_bytes.unit: missing");
  EXPECT_CONTAINS(parse_error("name: x\nmeters:\n  export_bytes: {unit: gb, prise: 1}\n"),
                  "meters.export_bytes.prise: unknown key");
  EXPECT_CONTAINS(parse_error("name: x\nmeters:\n  export_bytes: {unit: gb}\n"),
                  "meters.export_bytes: needs one of price, tiers or by_size");
  EXPECT_CONTAINS(
      parse_error("name: x\nmeters:\n  export_bytes: {unit: gb, price: 1, tiers: [{price: 1}]}\n"),
      "meters.export_bytes: has more than one");
  EXPECT_CONTAINS(parse_error("name: x\nmeters:\n  compute_vcpu_seconds: {unit: gb, price: 1}\n"),
                  "meters.compute_vcpu_seconds.unit: 'gb' does not measure");
  EXPECT_CONTAINS(parse_error(R"(
name: x
meters:
  events_ingested: {unit: million, tiers: [{up_to: 10, price: 5}, {up_to: 20, price: 3}]}
)"),
                  "meters.events_ingested.tiers[1].up_to: the last tier must have no up_to");
  EXPECT_CONTAINS(parse_error(R"(
name: x
meters:
  events_ingested: {unit: million, tiers: [{up_to: 10, price: 5}, {price: 3}, {price: 1}]}
)"),
                  "meters.events_ingested.tiers[1].up_to: missing");
  EXPECT_CONTAINS(parse_error("name: x\nmeters:\n  export_bytes: {unit: gb, free: -1, price: 1}\n"),
                  "meters.export_bytes.free: must not be negative");
  EXPECT_CONTAINS(
      parse_error("name: x\nmeters:\n  compute_vcpu_seconds: {unit: vcpu_hour, by_size: {m: x}}\n"),
      "meters.compute_vcpu_seconds.by_size.m: must be a number");
  EXPECT_CONTAINS(parse_error("name: x\nmeters:\n  export_bytes: {unit: gb, price: .inf}\n"),
                  "meters.export_bytes.price: must be a finite number");
  EXPECT_CONTAINS(parse_error("meters: {}\n"), "name: missing");
  EXPECT_CONTAINS(parse_error("name: x\n"), "meters: missing");
  EXPECT_CONTAINS(parse_error("name: x\ncurrency: dollars\nmeters: {}\n"), "currency:");
  EXPECT_CONTAINS(parse_error("name: x\nmetres: {}\n"), "metres: unknown key");
  EXPECT_CONTAINS(parse_error("name: [unclosed\n"), "not valid YAML");
  EXPECT_CONTAINS(parse_error("- just\n- a list\n"), "must be a map");
}

TEST(Pricing, DefaultSchemePricesEveryKnownMeter) {
  auto s = PricingScheme::default_scheme();
  EXPECT_FALSE(s.name().empty());
  EXPECT_EQ(s.currency(), "USD");
  for (const auto& meter : PricingScheme::known_meters())
    EXPECT_NE(s.find(meter), nullptr) << meter;
  EXPECT_EQ(s.find("events_ingested")->model, PriceModel::kTiered);
  EXPECT_GT(s.find("events_ingested")->free, 0);
  EXPECT_GT(s.find("storage_byte_seconds")->free, 0);
  EXPECT_EQ(s.find("compute_vcpu_seconds")->model, PriceModel::kBySize);

  auto inv = s.invoice({{"compute_vcpu_seconds", "m", kHour},
                        {"compute_vcpu_seconds", "custom", kHour},
                        {"events_ingested", "", 500'000}},
                       "2026-11");
  ASSERT_EQ(inv.lines.size(), 3u);
  EXPECT_EQ(inv.lines[0].amount_micros, 48'000);  // 1 vCPU-hour of m at 0.048
  EXPECT_GT(inv.lines[1].amount_micros, 0);       // custom sizes take the default price
  EXPECT_EQ(inv.lines[2].amount_micros, 0);       // within the free million
  EXPECT_EQ(sum_of_lines(inv), inv.total_micros);
}

TEST(Pricing, InvoiceJson) {
  auto inv =
      scheme().invoice({{"export_bytes", "", 250e9}, {"events_ingested", "", 1.5e9}}, "2026-11");
  auto j = inv.to_json();
  EXPECT_EQ(j["scheme"], "test-2026");
  EXPECT_EQ(j["currency"], "USD");
  EXPECT_EQ(j["period"], "2026-11");
  ASSERT_EQ(j["lines"].size(), 2u);
  EXPECT_EQ(j["lines"][0]["amount"].get<double>(), 22.5);
  EXPECT_EQ(j["lines"][0]["amount_micros"], 22'500'000);
  EXPECT_TRUE(j["lines"][0]["tiers"].empty());
  EXPECT_TRUE(j["lines"][1]["tiers"][2]["up_to"].is_null());
  EXPECT_EQ(j["lines"][1]["tiers"][1]["up_to"], 1000.0);
  EXPECT_EQ(j["total"].get<double>(), 3972.5);
  EXPECT_EQ(j["total_micros"], 3'972'500'000);
  EXPECT_EQ(j["subtotal_micros"], j["total_micros"]);
}

TEST(Pricing, ChangingTheSchemeDoesNotRewriteUsage) {
  const std::vector<UsageTotal> usage = {{"storage_byte_seconds", "", 50 * kGbMonth},
                                         {"export_bytes", "", 100e9}};
  const auto recorded = usage;
  auto old_scheme = scheme();
  auto new_scheme = PricingScheme::parse(R"(
name: test-2027
currency: EUR
meters:
  storage_byte_seconds: {unit: gb_month, price: 0.02}
  export_bytes: {unit: gb, price: 0.05, free: 50}
)");
  auto before = old_scheme.invoice(usage, "2026-11");
  auto after = new_scheme.invoice(usage, "2026-11");
  // Old: 40 * 0.023 + 100 * 0.09 = 0.92 + 9.00. New: 50 * 0.02 + 50 * 0.05 = 1.00 + 2.50.
  EXPECT_EQ(before.total_micros, 9'920'000);
  EXPECT_EQ(after.total_micros, 3'500'000);
  EXPECT_EQ(after.scheme, "test-2027");
  EXPECT_EQ(after.currency, "EUR");
  ASSERT_EQ(usage.size(), recorded.size());
  for (size_t i = 0; i < usage.size(); ++i) {
    EXPECT_EQ(usage[i].meter, recorded[i].meter);
    EXPECT_EQ(usage[i].quantity, recorded[i].quantity);
  }
  // Pricing the same usage with the old scheme again gives the old invoice, byte for byte.
  EXPECT_EQ(old_scheme.invoice(usage, "2026-11").to_json(), before.to_json());
}

TEST(Pricing, MonthBounds) {
  EXPECT_EQ(month_bounds("2026-11"), std::make_pair(std::string("2026-11-01T00:00:00Z"),
                                                    std::string("2026-12-01T00:00:00Z")));
  EXPECT_EQ(month_bounds("2026-12"), std::make_pair(std::string("2026-12-01T00:00:00Z"),
                                                    std::string("2027-01-01T00:00:00Z")));
  EXPECT_EQ(month_bounds("2027-01").first, "2027-01-01T00:00:00Z");
  for (const char* bad : {"2026-13", "2026-00", "garbage", "2026-1", "2026/11", "", "2026-11-01",
                          " 2026-11", "20a6-11", "9999-12"})
    EXPECT_THROW(month_bounds(bad), std::invalid_argument) << bad;
}

}  // namespace
}  // namespace ducklings::metering
