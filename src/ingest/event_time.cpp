#include "ingest/event_time.h"

#include <cmath>
#include <cstdio>

namespace ducklings::ingest {
namespace {

constexpr int64_t kMsPerDay = 86400000;
// Client numbers are bounded to this before any arithmetic (about ±3 million years): every sum
// below stays far inside int64, and the range checks catch what is past the calendar.
constexpr double kClientBoundMs = 1e17;

// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
int64_t days_from_civil(int64_t y, int64_t m, int64_t d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t yoe = y - era * 400;
  const int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

void civil_from_days(int64_t z, int64_t& y, int64_t& m, int64_t& d) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const int64_t doe = z - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  d = doy - (153 * mp + 2) / 5 + 1;
  m = mp < 10 ? mp + 3 : mp - 9;
  y = yoe + era * 400 + (m <= 2);
}

bool leap(int64_t y) {
  return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int64_t days_in_month(int64_t y, int64_t m) {
  static const int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && leap(y) ? 29 : kDays[m - 1];
}

// Reads exactly `n` digits at `pos`.
bool digits(std::string_view s, size_t& pos, size_t n, int64_t& out) {
  if (pos + n > s.size()) return false;
  out = 0;
  for (size_t i = 0; i < n; ++i) {
    char c = s[pos + i];
    if (c < '0' || c > '9') return false;
    out = out * 10 + (c - '0');
  }
  pos += n;
  return true;
}

int64_t bounded(double ms) {
  if (ms > kClientBoundMs) return static_cast<int64_t>(kClientBoundMs);
  if (ms < -kClientBoundMs) return -static_cast<int64_t>(kClientBoundMs);
  return static_cast<int64_t>(ms);
}

}  // namespace

std::optional<int64_t> parse_iso_time_ms(std::string_view s) {
  size_t pos = 0;
  int64_t y, mo, d, h = 0, mi = 0, sec = 0, ms = 0;
  if (!digits(s, pos, 4, y) || pos >= s.size() || s[pos++] != '-' || !digits(s, pos, 2, mo) ||
      pos >= s.size() || s[pos++] != '-' || !digits(s, pos, 2, d)) {
    return std::nullopt;
  }
  if (mo < 1 || mo > 12 || d < 1 || d > days_in_month(y, mo)) return std::nullopt;
  if (pos < s.size()) {
    char sep = s[pos++];
    if (sep != 'T' && sep != 't' && sep != ' ') return std::nullopt;
    if (!digits(s, pos, 2, h) || pos >= s.size() || s[pos++] != ':' || !digits(s, pos, 2, mi))
      return std::nullopt;
    if (pos < s.size() && s[pos] == ':') {
      ++pos;
      if (!digits(s, pos, 2, sec)) return std::nullopt;
      if (pos < s.size() && (s[pos] == '.' || s[pos] == ',')) {
        ++pos;
        size_t start = pos;
        int64_t scale = 100;
        while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
          ms += (s[pos] - '0') * scale;
          scale /= 10;
          ++pos;
        }
        if (pos == start) return std::nullopt;
      }
    }
    if (h > 23 || mi > 59 || sec > 60) return std::nullopt;  // 60: a leap second
    int64_t zone_ms = 0;
    if (pos < s.size()) {
      char z = s[pos++];
      if (z == 'Z' || z == 'z') {
        if (pos != s.size()) return std::nullopt;
      } else if (z == '+' || z == '-') {
        int64_t zh, zm = 0;
        if (!digits(s, pos, 2, zh)) return std::nullopt;
        if (pos < s.size() && s[pos] == ':') ++pos;
        if (pos < s.size() && !digits(s, pos, 2, zm)) return std::nullopt;
        if (pos != s.size() || zh > 23 || zm > 59) return std::nullopt;
        zone_ms = (zh * 60 + zm) * 60000 * (z == '+' ? 1 : -1);
      } else {
        return std::nullopt;
      }
    }
    ms -= zone_ms;
  }
  return days_from_civil(y, mo, d) * kMsPerDay + ((h * 60 + mi) * 60 + sec) * 1000 + ms;
}

std::string format_time_ms(int64_t ms) {
  if (ms < kEarliestEventMs) ms = kEarliestEventMs;
  if (ms > kLatestEventMs) ms = kLatestEventMs;
  int64_t days = ms / kMsPerDay, rest = ms % kMsPerDay;
  if (rest < 0) {
    rest += kMsPerDay;
    --days;
  }
  int64_t y, m, d;
  civil_from_days(days, y, m, d);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", static_cast<int>(y),
                static_cast<int>(m), static_cast<int>(d), static_cast<int>(rest / 3600000),
                static_cast<int>(rest / 60000 % 60), static_cast<int>(rest / 1000 % 60),
                static_cast<int>(rest % 1000));
  return buf;
}

std::optional<int64_t> client_time_ms(ClientTime t) {
  switch (t.kind) {
    case ClientTime::Kind::kNumber:
      if (!std::isfinite(t.number)) return std::nullopt;
      return bounded(t.number);
    case ClientTime::Kind::kText:
      return parse_iso_time_ms(t.text);
    default:
      return std::nullopt;
  }
}

EventTime resolve_event_time(int64_t now_ms, ClientTime timestamp,
                             std::optional<int64_t> sent_at_ms, std::optional<double> offset_ms) {
  EventTime r{now_ms, ""};
  if (timestamp.kind != ClientTime::Kind::kAbsent) {
    std::optional<int64_t> parsed = client_time_ms(timestamp);
    if (!parsed) {
      r.corrected = "unparseable";
    } else if (sent_at_ms) {
      // The client's clock is off by (sent_at - now): the event happened that much earlier.
      r.ms = *parsed + (now_ms - *sent_at_ms);
    } else {
      r.ms = *parsed;
    }
  } else if (offset_ms && std::isfinite(*offset_ms)) {
    r.ms = now_ms - bounded(*offset_ms);
  }
  if (r.ms - now_ms > kFutureCutoffMs) {
    r.ms = now_ms;
    r.corrected = "future";
  } else if (r.ms < kEarliestEventMs) {
    r.ms = 0;
    r.corrected = "out_of_range";
  }
  return r;
}

}  // namespace ducklings::ingest
