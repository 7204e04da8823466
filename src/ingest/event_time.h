// An event's time as PostHog's capture decides it (clock skew from sent_at, offset, future
// events clamped, out-of-range times replaced), in milliseconds since the epoch: plain integer
// arithmetic, so no client value can overflow a clock type or reach the warehouse as a time it
// cannot store. Pure functions, any thread.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace ducklings::ingest {

// Milliseconds of 0001-01-01T00:00:00Z and of 9999-12-31T23:59:59.999Z: what is stored lies
// within (a TIMESTAMPTZ that every reader of the table, PostgreSQL's included, can show).
inline constexpr int64_t kEarliestEventMs = -62135596800000;
inline constexpr int64_t kLatestEventMs = 253402300799999;
// PostHog's cut-off: an event more than this ahead of the server's clock gets the time of
// receipt.
inline constexpr int64_t kFutureCutoffMs = 23LL * 3600 * 1000;

// ISO-8601 / RFC 3339 text: YYYY-MM-DD, optionally [T or space]HH:MM[:SS[.fraction]] and a zone
// (Z, ±HH, ±HHMM, ±HH:MM; none: UTC). Anything else, or a date that does not exist, is nullopt.
std::optional<int64_t> parse_iso_time_ms(std::string_view text);
// "YYYY-MM-DDTHH:MM:SS.mmmZ" for any time within kEarliestEventMs..kLatestEventMs.
std::string format_time_ms(int64_t ms);

// What a client sent for one event's time. Numbers are epoch milliseconds (any double: huge,
// negative, NaN are handled); text is parsed with parse_iso_time_ms.
struct ClientTime {
  enum class Kind { kAbsent, kNumber, kText, kOther } kind = Kind::kAbsent;
  double number = 0;
  std::string_view text;
};

struct EventTime {
  int64_t ms = 0;
  // Why the client's time was not used as sent: "" (it was, maybe corrected by the skew),
  // "unparseable", "future" (more than 23 h ahead: the time of receipt), "out_of_range"
  // (before year 1: the epoch, as PostHog does).
  const char* corrected = "";
};

// PostHog's rules: timestamp, corrected by the request's clock skew (now - sent_at) when
// sent_at is known; else now - offset; else now. An unparseable timestamp gets now, a time
// more than 23 h ahead of now gets now, a time before year 1 the epoch.
EventTime resolve_event_time(int64_t now_ms, ClientTime timestamp,
                             std::optional<int64_t> sent_at_ms, std::optional<double> offset_ms);
// A client time (sent_at) as milliseconds, or nullopt when it is absent or unparseable.
std::optional<int64_t> client_time_ms(ClientTime t);

}  // namespace ducklings::ingest
