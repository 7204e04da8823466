#include "ingest/event_time.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

namespace ducklings::ingest {
namespace {

constexpr int64_t kNow = 1796126400000;  // 2026-12-01T12:00:00Z

ClientTime text(std::string_view s) {
  ClientTime t;
  t.kind = ClientTime::Kind::kText;
  t.text = s;
  return t;
}

ClientTime number(double v) {
  ClientTime t;
  t.kind = ClientTime::Kind::kNumber;
  t.number = v;
  return t;
}

TEST(EventTime, ParsesIsoForms) {
  EXPECT_EQ(parse_iso_time_ms("2026-12-01T12:00:00Z"), kNow);
  EXPECT_EQ(parse_iso_time_ms("2026-12-01T12:00:00.123Z"), kNow + 123);
  EXPECT_EQ(parse_iso_time_ms("2026-12-01T12:00:00.123456789Z"), kNow + 123);
  EXPECT_EQ(parse_iso_time_ms("2026-12-01 12:00:00"), kNow);
  EXPECT_EQ(parse_iso_time_ms("2026-12-01T14:00:00+02:00"), kNow);
  EXPECT_EQ(parse_iso_time_ms("2026-12-01T14:00:00+0200"), kNow);
  EXPECT_EQ(parse_iso_time_ms("2026-12-01T14:00:00+02"), kNow);
  EXPECT_EQ(parse_iso_time_ms("2026-12-01T06:30:00-05:30"), kNow);
  EXPECT_EQ(parse_iso_time_ms("2026-12-01T12:00Z"), kNow);
  EXPECT_EQ(parse_iso_time_ms("2026-12-01"), kNow - 12 * 3600000);
  EXPECT_EQ(parse_iso_time_ms("1970-01-01T00:00:00Z"), 0);
  EXPECT_EQ(parse_iso_time_ms("1969-12-31T23:59:59.999Z"), -1);
  EXPECT_EQ(parse_iso_time_ms("0001-01-01T00:00:00Z"), kEarliestEventMs);
  EXPECT_EQ(parse_iso_time_ms("9999-12-31T23:59:59.999Z"), kLatestEventMs);
  EXPECT_EQ(parse_iso_time_ms("2024-02-29T00:00:00Z").has_value(), true);
}

TEST(EventTime, RefusesWhatIsNotATime) {
  for (const char* bad : {"", "yesterday", "2026-13-01", "2026-02-30", "2025-02-29",
                          "2026-12-01T24:00", "2026-12-01T12:60", "2026-12-01T12:00:00Q",
                          "2026-12-01T12:00:00Zjunk", "99999-12-31T23:59:59Z", "2026-12-01x",
                          "2026-12-01T12:00:00+25:00", "2026-12-01T12:00:00.", "-001-01-01"}) {
    EXPECT_FALSE(parse_iso_time_ms(bad).has_value()) << bad;
  }
}

TEST(EventTime, FormatsTheWholeRange) {
  EXPECT_EQ(format_time_ms(kNow + 7), "2026-12-01T12:00:00.007Z");
  EXPECT_EQ(format_time_ms(-1), "1969-12-31T23:59:59.999Z");
  EXPECT_EQ(format_time_ms(kEarliestEventMs), "0001-01-01T00:00:00.000Z");
  EXPECT_EQ(format_time_ms(kLatestEventMs), "9999-12-31T23:59:59.999Z");
  EXPECT_EQ(format_time_ms(std::numeric_limits<int64_t>::max()), "9999-12-31T23:59:59.999Z");
  EXPECT_EQ(format_time_ms(std::numeric_limits<int64_t>::min()), "0001-01-01T00:00:00.000Z");
  for (int64_t ms : {kNow, int64_t{0}, int64_t{-86400001}, int64_t{951782400000}}) {
    EXPECT_EQ(parse_iso_time_ms(format_time_ms(ms)), ms);
  }
}

TEST(EventTime, FollowsPostHogsRules) {
  // As sent; corrected by the skew of sent_at (the client's clock an hour behind).
  EXPECT_EQ(resolve_event_time(kNow, text("2026-12-01T10:00:00Z"), std::nullopt, std::nullopt).ms,
            kNow - 2 * 3600000);
  EXPECT_EQ(resolve_event_time(kNow, text("2026-12-01T10:59:30Z"), kNow - 3600000, std::nullopt).ms,
            kNow - 30000);
  // No timestamp: now, or now - offset.
  EXPECT_EQ(resolve_event_time(kNow, {}, std::nullopt, std::nullopt).ms, kNow);
  EXPECT_EQ(resolve_event_time(kNow, {}, std::nullopt, 5000.0).ms, kNow - 5000);
  // Up to 23 h ahead is kept; beyond, the time of receipt.
  EXPECT_EQ(resolve_event_time(kNow, number(kNow + 22.0 * 3600000), std::nullopt, std::nullopt).ms,
            kNow + 22 * 3600000);
  for (ClientTime t :
       {text("9999-12-31T23:59:59Z"), number(1e20), number(9.2e18), text("2026-12-03T12:00:00Z")}) {
    EventTime r = resolve_event_time(kNow, t, std::nullopt, std::nullopt);
    EXPECT_EQ(r.ms, kNow);
    EXPECT_STREQ(r.corrected, "future");
  }
  // A skew correction that lands past the calendar, and a negative offset.
  EXPECT_EQ(
      resolve_event_time(kNow, text("2026-12-01T12:00:00Z"), kEarliestEventMs, std::nullopt).ms,
      kNow);
  EXPECT_EQ(resolve_event_time(kNow, {}, std::nullopt, -1e300).ms, kNow);
  // Unparseable: now.
  for (ClientTime t :
       {text("not a time"), number(std::nan("")), ClientTime{ClientTime::Kind::kOther}}) {
    EventTime r = resolve_event_time(kNow, t, std::nullopt, std::nullopt);
    EXPECT_EQ(r.ms, kNow);
    EXPECT_STREQ(r.corrected, "unparseable");
  }
  // Before year 1: the epoch.
  for (ClientTime t : {text("0000-01-01T00:00:00Z"), number(-1e20)}) {
    EventTime r = resolve_event_time(kNow, t, std::nullopt, std::nullopt);
    EXPECT_EQ(r.ms, 0);
    EXPECT_STREQ(r.corrected, "out_of_range");
  }
  EXPECT_EQ(resolve_event_time(kNow, {}, std::nullopt, 1e300).ms, 0);
  // sent_at that is not a time is ignored.
  EXPECT_EQ(client_time_ms(text("soon")), std::nullopt);
}

}  // namespace
}  // namespace ducklings::ingest
