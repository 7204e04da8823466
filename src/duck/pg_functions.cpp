#include "duck/pg_functions.h"

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstring>
#include <fstream>
#include <functional>
#include <initializer_list>
#include <map>
#include <mutex>
#include <stdexcept>
#include <string_view>

namespace ducklings::duck {
namespace {

constexpr int64_t kMicrosPerSecond = 1000000;
constexpr int64_t kMicrosPerDay = 86400 * kMicrosPerSecond;
constexpr int64_t kMicrosPerHour = 3600 * kMicrosPerSecond;

// An error with PostgreSQL's SQLSTATE: sql/error_mapping reads the "[XXXXX] " prefix.
[[noreturn]] void fail(const char* state, const std::string& message) {
  throw std::runtime_error(std::string("[") + state + "] " + message);
}

// ---------------------------------------------------------------------------------------
// Calendar arithmetic on the proleptic Gregorian calendar (days counted from 1970-01-01).

int64_t floor_div(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }
int64_t floor_mod(int64_t a, int64_t b) { return a - floor_div(a, b) * b; }

struct Civil {
  int64_t year;
  int month;
  int day;
};

// Days are counted in 400-year eras of 146097 days, each starting on March 1st so that the
// leap day ends a year.
Civil civil_of(int64_t days) {
  int64_t z = days + 719468;
  int64_t era = floor_div(z, 146097);
  int64_t doe = z - era * 146097;
  int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  int64_t mp = (5 * doy + 2) / 153;
  int day = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  int month = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  return {yoe + era * 400 + (month <= 2), month, day};
}

int64_t days_of(int64_t year, int month, int day) {
  year -= month <= 2;
  int64_t era = floor_div(year, 400);
  int64_t yoe = year - era * 400;
  int64_t mp = month > 2 ? month - 3 : month + 9;
  int64_t doy = (153 * mp + 2) / 5 + day - 1;
  int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

bool leap_year(int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }
int days_in_month(int64_t y, int m) {
  static const int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && leap_year(y) ? 29 : kDays[m - 1];
}
int weekday_of(int64_t days) { return static_cast<int>(floor_mod(days + 4, 7)); }  // 0 = Sunday

// ISO 8601: weeks start on Monday; week 1 holds the year's first Thursday.
int64_t iso_year_start(int64_t iso_year) {
  int64_t jan4 = days_of(iso_year, 1, 4);
  int wd = (weekday_of(jan4) + 6) % 7;  // 0 = Monday
  return jan4 - wd;
}
void iso_week_of(int64_t days, int64_t& iso_year, int& week, int& iso_day_of_year) {
  int64_t y = civil_of(days).year;
  int64_t start = iso_year_start(y + 1);
  if (days < start) {
    start = iso_year_start(y);
    if (days < start) start = iso_year_start(--y);
  } else {
    ++y;
  }
  iso_year = y;
  iso_day_of_year = static_cast<int>(days - start) + 1;
  week = (iso_day_of_year - 1) / 7 + 1;
}

const char* const kMonths[] = {"January", "February", "March",     "April",   "May",      "June",
                               "July",    "August",   "September", "October", "November", "December"};
const char* const kDays[] = {"Sunday",   "Monday", "Tuesday", "Wednesday",
                             "Thursday", "Friday", "Saturday"};
const char* const kRomanMonths[] = {"I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII"};

// ---------------------------------------------------------------------------------------
// Reading and writing DuckDB vectors row by row.

class Rows {
 public:
  Rows(duckdb_data_chunk input) : count_(duckdb_data_chunk_get_size(input)) {
    idx_t n = duckdb_data_chunk_get_column_count(input);
    for (idx_t c = 0; c < n; ++c) {
      duckdb_vector v = duckdb_data_chunk_get_vector(input, c);
      data_.push_back(duckdb_vector_get_data(v));
      validity_.push_back(duckdb_vector_get_validity(v));
    }
  }
  idx_t count() const { return count_; }
  size_t columns() const { return data_.size(); }
  bool null(size_t c, idx_t r) const {
    return validity_[c] && !duckdb_validity_row_is_valid(validity_[c], r);
  }
  template <typename T>
  T get(size_t c, idx_t r) const {
    return static_cast<const T*>(data_[c])[r];
  }
  std::string_view text(size_t c, idx_t r) const {
    auto* s = &static_cast<duckdb_string_t*>(data_[c])[r];
    return std::string_view(duckdb_string_t_data(s), duckdb_string_t_length(*s));
  }

 private:
  idx_t count_;
  std::vector<void*> data_;
  std::vector<uint64_t*> validity_;
};

class Out {
 public:
  explicit Out(duckdb_vector v) : v_(v), data_(duckdb_vector_get_data(v)) {}
  void null(idx_t r) {
    duckdb_vector_ensure_validity_writable(v_);
    duckdb_validity_set_row_invalid(duckdb_vector_get_validity(v_), r);
  }
  void text(idx_t r, std::string_view s) {
    duckdb_vector_assign_string_element_len(v_, r, s.data(), s.size());
  }
  template <typename T>
  void set(idx_t r, T value) {
    static_cast<T*>(data_)[r] = value;
  }

 private:
  duckdb_vector v_;
  void* data_;
};

using RowFunction = std::function<void(const Rows&, idx_t, Out&)>;

struct Spec {
  RowFunction fn;
  bool nulls_in_null_out;
};

void call_row_function(duckdb_function_info info, duckdb_data_chunk input, duckdb_vector output) {
  auto* spec = static_cast<Spec*>(duckdb_scalar_function_get_extra_info(info));
  Rows rows(input);
  Out out(output);
  try {
    for (idx_t r = 0; r < rows.count(); ++r) {
      if (spec->nulls_in_null_out) {
        bool any = false;
        for (size_t c = 0; c < rows.columns() && !any; ++c) any = rows.null(c, r);
        if (any) {
          out.null(r);
          continue;
        }
      }
      spec->fn(rows, r, out);
    }
  } catch (const std::exception& e) {
    duckdb_scalar_function_set_error(info, e.what());
  }
}

struct Registration {
  bool is_volatile = false;
  bool handles_nulls = false;  // the function sees NULL arguments (else NULL in, NULL out)
};

void add_function(Connection& connection, const char* name, std::vector<duckdb_type> parameters,
                  duckdb_type result, RowFunction fn, Registration how = {}) {
  register_scalar(connection.get(),
                  {name, std::move(parameters), result, nullptr, call_row_function,
                   new Spec{std::move(fn), !how.handles_nulls},
                   [](void* p) { delete static_cast<Spec*>(p); }, std::nullopt, how.handles_nulls,
                   how.is_volatile});
}

// A varargs function of VARCHARs after `fixed` leading VARCHARs.
void add_varargs_text_function(Connection& connection, const char* name, size_t fixed,
                               RowFunction fn) {
  register_scalar(connection.get(),
                  {name, std::vector<duckdb_type>(fixed, DUCKDB_TYPE_VARCHAR), DUCKDB_TYPE_VARCHAR,
                   nullptr, call_row_function, new Spec{std::move(fn), false},
                   [](void* p) { delete static_cast<Spec*>(p); }, DUCKDB_TYPE_VARCHAR, true});
}

// ---------------------------------------------------------------------------------------
// Broken-down times as to_char sees them.

struct Moment {
  int64_t year = 1970;
  int month = 1, day = 1;
  int64_t hour = 0;  // an interval's hours are not reduced modulo 24
  int minute = 0, second = 0;
  int64_t micros = 0;
  int64_t days = 0;  // since 1970-01-01 (not for intervals)
  bool interval = false;
  bool has_zone = false;
  int32_t offset = 0;  // seconds east of UTC
  std::string zone;
};

Moment moment_of_local_micros(int64_t us) {
  Moment m;
  m.days = floor_div(us, kMicrosPerDay);
  int64_t rest = us - m.days * kMicrosPerDay;
  Civil c = civil_of(m.days);
  m.year = c.year;
  m.month = c.month;
  m.day = c.day;
  m.hour = rest / kMicrosPerHour;
  m.minute = static_cast<int>(rest / (60 * kMicrosPerSecond) % 60);
  m.second = static_cast<int>(rest / kMicrosPerSecond % 60);
  m.micros = rest % kMicrosPerSecond;
  return m;
}

Moment moment_of_interval(const duckdb_interval& iv) {
  Moment m;
  m.interval = true;
  m.year = iv.months / 12;
  m.month = iv.months % 12;
  m.day = iv.days;
  int64_t us = iv.micros;
  m.hour = us / kMicrosPerHour;
  us -= m.hour * kMicrosPerHour;
  m.minute = static_cast<int>(us / (60 * kMicrosPerSecond));
  us -= int64_t{m.minute} * 60 * kMicrosPerSecond;
  m.second = static_cast<int>(us / kMicrosPerSecond);
  m.micros = us % kMicrosPerSecond;
  return m;
}

// printf's %0*d: the width counts the sign.
std::string padded(int64_t v, int width, bool fill) {
  std::string digits = std::to_string(v < 0 ? -v : v);
  int w = v < 0 ? width - 1 : width;
  if (!fill && static_cast<int>(digits.size()) < w) digits.insert(0, w - digits.size(), '0');
  return v < 0 ? "-" + digits : digits;
}

const char* ordinal_suffix(int64_t v, bool upper) {
  int64_t n = v < 0 ? -v : v;
  const char* s = "th";
  if (n % 100 < 11 || n % 100 > 13) {
    if (n % 10 == 1) s = "st";
    if (n % 10 == 2) s = "nd";
    if (n % 10 == 3) s = "rd";
  }
  if (!upper) return s;
  if (s[0] == 's') return "ST";
  if (s[0] == 'n') return "ND";
  if (s[0] == 'r') return "RD";
  return "TH";
}

std::string cased(std::string s, int style) {  // 0 = as written (Capitalised), 1 = UPPER, 2 = lower
  for (char& ch : s) {
    if (style == 1) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
    if (style == 2) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  }
  return s;
}

// The template keywords of to_char/to_timestamp, longest first where one starts another.
const char* const kDateKeywords[] = {
    "A.D.", "A.M.", "AD",   "AM",   "B.C.", "BC",   "CC",   "DAY",  "DDD",   "DD",    "DY",
    "Day",  "Dy",   "D",    "FF1",  "FF2",  "FF3",  "FF4",  "FF5",  "FF6",   "HH24",  "HH12",
    "HH",   "IDDD", "ID",   "IW",   "IYYY", "IYY",  "IY",   "I",    "J",     "MI",    "MM",
    "MONTH", "MON", "MS",   "Month", "Mon", "OF",   "P.M.", "PM",   "Q",     "RM",    "SSSSS",
    "SSSS", "SS",   "TZH",  "TZM",  "TZ",   "US",   "WW",   "W",    "Y,YYY", "YYYY",  "YYY",
    "YY",   "Y",    "a.d.", "a.m.", "ad",   "am",   "b.c.", "bc",   "cc",    "day",   "ddd",
    "dd",   "dy",   "d",    "ff1",  "ff2",  "ff3",  "ff4",  "ff5",  "ff6",   "hh24",  "hh12",
    "hh",   "iddd", "id",   "iw",   "iyyy", "iyy",  "iy",   "i",    "j",     "mi",    "mm",
    "month", "mon", "ms",   "of",   "p.m.", "pm",   "q",    "rm",   "sssss", "ssss",  "ss",
    "tzh",  "tzm",  "tz",   "us",   "ww",   "w",    "y,yyy", "yyyy", "yyy",  "yy",    "y"};

struct Piece {
  enum Kind { kLiteral, kKeyword } kind;
  std::string text;  // the literal, or the keyword as written
  bool fill = false;  // FM
  int th = 0;         // 1 = TH, 2 = th
  std::string upper;  // the keyword upper-cased
  int style = 0;      // 0 = Capitalised, 1 = UPPER, 2 = lower (as written)
};

bool starts_with(std::string_view s, size_t at, const char* prefix) {
  size_t n = std::strlen(prefix);
  return s.size() - at >= n && s.compare(at, n, prefix) == 0;
}

std::vector<Piece> parse_date_template(std::string_view fmt) {
  std::vector<Piece> out;
  size_t i = 0;
  while (i < fmt.size()) {
    bool fill = false;
    for (;;) {  // prefixes: FM (fill mode), TM (translation: C locale only), FX (exact parsing)
      if (starts_with(fmt, i, "FM") || starts_with(fmt, i, "fm")) {
        fill = true;
        i += 2;
      } else if (starts_with(fmt, i, "TM") || starts_with(fmt, i, "tm") ||
                 starts_with(fmt, i, "FX") || starts_with(fmt, i, "fx")) {
        i += 2;
      } else {
        break;
      }
    }
    if (i >= fmt.size()) break;
    const char* match = nullptr;
    for (const char* k : kDateKeywords) {
      if (starts_with(fmt, i, k) && (!match || std::strlen(k) > std::strlen(match))) match = k;
    }
    if (match) {
      Piece p{Piece::kKeyword, match, fill};
      p.upper = cased(p.text, 1);
      p.style = p.text == p.upper ? 1 : (p.text == cased(p.text, 2) ? 2 : 0);
      i += std::strlen(match);
      if (starts_with(fmt, i, "TH")) {
        p.th = 1;
        i += 2;
      } else if (starts_with(fmt, i, "th")) {
        p.th = 2;
        i += 2;
      }
      if (starts_with(fmt, i, "SP") || starts_with(fmt, i, "sp")) {
        fail("0A000", "the SP suffix of to_char templates is not supported");
      }
      out.push_back(std::move(p));
      continue;
    }
    if (fmt[i] == '"') {  // quoted text; \" inside is a quote
      std::string lit;
      ++i;
      while (i < fmt.size() && fmt[i] != '"') {
        if (fmt[i] == '\\' && i + 1 < fmt.size()) ++i;
        lit.push_back(fmt[i++]);
      }
      if (i < fmt.size()) ++i;
      out.push_back({Piece::kLiteral, lit});
      continue;
    }
    if (fmt[i] == '\\' && i + 1 < fmt.size() && fmt[i + 1] == '"') {
      out.push_back({Piece::kLiteral, "\""});
      i += 2;
      continue;
    }
    // One UTF-8 character copied as it stands.
    size_t len = 1;
    while (i + len < fmt.size() && (static_cast<unsigned char>(fmt[i + len]) & 0xC0) == 0x80) ++len;
    out.push_back({Piece::kLiteral, std::string(fmt.substr(i, len))});
    i += len;
  }
  return out;
}

std::string offset_text(int32_t offset, bool always_minutes) {
  std::string s = offset < 0 ? "-" : "+";
  int32_t a = offset < 0 ? -offset : offset;
  s += padded(a / 3600, 2, false);
  if (always_minutes || a % 3600 != 0) s += ":" + padded(a / 60 % 60, 2, false);
  return s;
}

// The template of the previous call on this thread, parsed (a column's template is constant).
const std::vector<Piece>& cached_template(std::string_view fmt) {
  thread_local std::string last;
  thread_local std::vector<Piece> pieces;
  thread_local bool valid = false;
  if (!valid || fmt != last) {
    valid = false;
    pieces = parse_date_template(fmt);
    last.assign(fmt);
    valid = true;
  }
  return pieces;
}

std::string format_moment(const Moment& m, std::string_view fmt) {
  std::string out;
  for (const Piece& p : cached_template(fmt)) {
    if (p.kind == Piece::kLiteral) {
      out += p.text;
      continue;
    }
    const std::string& k = p.text;
    const std::string& upper = p.upper;
    bool fill = p.fill;
    int64_t number = 0;
    bool numeric = true;
    std::string text;
    int64_t year = m.year;
    bool bc = !m.interval && year <= 0;
    int64_t shown_year = bc ? 1 - year : year;
    int style = p.style;
    int64_t hour12 = m.hour % 12 == 0 ? 12 : m.hour % 12;
    auto need_date = [&] {
      if (m.interval) fail("0A000", "to_char of an interval does not support the pattern \"" + k + "\"");
    };
    if (upper == "YYYY") {
      text = padded(shown_year, 4, fill);
      numeric = false, number = shown_year;
    } else if (upper == "Y,YYY") {
      text = std::to_string(shown_year / 1000) + "," + padded(shown_year % 1000, 3, false);
      numeric = false;
    } else if (upper == "YYY" || upper == "YY" || upper == "Y") {
      int w = static_cast<int>(upper.size());
      int64_t mod = w == 3 ? 1000 : w == 2 ? 100 : 10;
      number = shown_year % mod;
      text = padded(number, w, fill);
      numeric = false;
    } else if (upper == "IYYY" || upper == "IYY" || upper == "IY" || upper == "I" ||
               upper == "IW" || upper == "IDDD") {
      need_date();
      int64_t iso_year;
      int week, iso_doy;
      iso_week_of(m.days, iso_year, week, iso_doy);
      if (upper == "IW") {
        number = week;
        text = padded(week, 2, fill);
      } else if (upper == "IDDD") {
        number = iso_doy;
        text = padded(iso_doy, 3, fill);
      } else {
        int w = static_cast<int>(upper.size()) == 4 ? 4 : static_cast<int>(upper.size());
        int64_t mod = w == 4 ? 0 : w == 3 ? 1000 : w == 2 ? 100 : 10;
        number = mod ? iso_year % mod : iso_year;
        text = padded(number, w, fill);
      }
      numeric = false;
    } else if (upper == "MM") {
      number = m.month;
      text = padded(number, 2, fill);
      numeric = false;
    } else if (upper == "DD") {
      number = m.day;
      text = padded(number, 2, fill);
      numeric = false;
    } else if (upper == "DDD") {
      need_date();
      number = m.days - days_of(m.year, 1, 1) + 1;
      text = padded(number, 3, fill);
      numeric = false;
    } else if (upper == "D") {
      need_date();
      number = weekday_of(m.days) + 1;
    } else if (upper == "ID") {
      need_date();
      number = (weekday_of(m.days) + 6) % 7 + 1;
    } else if (upper == "W") {
      number = (m.day - 1) / 7 + 1;
    } else if (upper == "WW") {
      need_date();
      number = (m.days - days_of(m.year, 1, 1)) / 7 + 1;
      text = padded(number, 2, fill);
      numeric = false;
    } else if (upper == "Q") {
      if (m.interval) fail("0A000", "to_char of an interval does not support the pattern \"Q\"");
      number = (m.month - 1) / 3 + 1;
    } else if (upper == "CC") {
      number = year > 0 ? (year + 99) / 100 : -((99 - (year - 1)) / 100);
      if (m.interval) number = year / 100;
      text = padded(number, 2, fill);
      numeric = false;
    } else if (upper == "J") {
      need_date();
      number = m.days + 2440588;
    } else if (upper == "HH24") {
      number = m.hour;
      text = padded(number, number < 0 ? 3 : 2, fill);  // a negative interval's hours: -02
      numeric = false;
    } else if (upper == "HH" || upper == "HH12") {
      number = hour12;
      text = padded(number, 2, fill);
      numeric = false;
    } else if (upper == "MI") {
      number = m.minute;
      text = padded(number, number < 0 ? 3 : 2, fill);
      numeric = false;
    } else if (upper == "SS") {
      number = m.second;
      text = padded(number, number < 0 ? 3 : 2, fill);
      numeric = false;
    } else if (upper == "MS") {
      number = m.micros / 1000;
      text = padded(number, 3, fill);
      numeric = false;
    } else if (upper == "US") {
      number = m.micros;
      text = padded(number, 6, fill);
      numeric = false;
    } else if (upper.size() == 3 && upper[0] == 'F' && upper[1] == 'F') {
      int digits = upper[2] - '0';
      int64_t v = m.micros;
      for (int d = 6; d > digits; --d) v /= 10;
      number = v;
      text = padded(v, digits, false);
      numeric = false;
    } else if (upper == "SSSS" || upper == "SSSSS") {
      number = m.hour * 3600 + m.minute * 60 + m.second;
    } else if (upper == "AM" || upper == "PM" || upper == "A.M." || upper == "P.M.") {
      bool pm = m.hour % 24 >= 12;
      text = upper.size() == 2 ? (pm ? "PM" : "AM") : (pm ? "P.M." : "A.M.");
      text = cased(text, style == 2 ? 2 : 1);
      numeric = false;
    } else if (upper == "AD" || upper == "BC" || upper == "A.D." || upper == "B.C.") {
      text = upper.size() == 2 ? (bc ? "BC" : "AD") : (bc ? "B.C." : "A.D.");
      text = cased(text, style == 2 ? 2 : 1);
      numeric = false;
    } else if (upper == "MONTH" || upper == "MON") {
      if (m.interval && m.month == 0) {
        numeric = false;  // PostgreSQL prints nothing for an interval's month 0
      } else {
        std::string name = kMonths[m.month - 1];
        if (upper == "MON") name = name.substr(0, 3);
        text = cased(name, style);
        if (upper == "MONTH" && !fill && text.size() < 9) text.append(9 - text.size(), ' ');
        numeric = false;
      }
    } else if (upper == "DAY" || upper == "DY") {
      need_date();
      std::string name = kDays[weekday_of(m.days)];
      if (upper == "DY") name = name.substr(0, 3);
      text = cased(name, style);
      if (upper == "DAY" && !fill && text.size() < 9) text.append(9 - text.size(), ' ');
      numeric = false;
    } else if (upper == "RM") {
      if (m.month < 1) {
        numeric = false;
      } else {
        text = cased(kRomanMonths[m.month - 1], style == 2 ? 2 : 1);
        if (!fill && text.size() < 4) text.append(4 - text.size(), ' ');
        numeric = false;
      }
    } else if (upper == "TZ") {
      text = m.has_zone ? cased(m.zone, style == 2 ? 2 : 1) : "";
      numeric = false;
    } else if (upper == "OF") {
      text = m.has_zone ? offset_text(m.offset, false) : "";
      numeric = false;
    } else if (upper == "TZH") {
      text = m.has_zone ? (m.offset < 0 ? "-" : "+") + padded(std::abs(m.offset) / 3600, 2, false) : "";
      numeric = false;
    } else if (upper == "TZM") {
      text = m.has_zone ? padded(std::abs(m.offset) / 60 % 60, 2, false) : "";
      numeric = false;
    } else {
      fail("0A000", "the to_char template pattern \"" + k + "\" is not supported");
    }
    if (numeric) text = std::to_string(number);
    out += text;
    if (p.th) out += ordinal_suffix(number, p.th == 1);
  }
  return out;
}

// ---------------------------------------------------------------------------------------
// to_char of numbers: digits 9 and 0, decimal point . or D, group separator , or G, signs
// S MI PL SG PR, FM; anything else is refused rather than printed otherwise.

struct NumberItem {
  char kind;  // '9' '0' '.' ',' 'S' 'M' 'P' 'G' (SG) or 'L' literal
  std::string text;
};

struct NumberTemplate {
  bool fill, sign_s, mi, pl, sg, pr, point, sign_first;
  int pre, post, first_zero, last_post_zero;
  std::vector<NumberItem> items;
};

NumberTemplate parse_number_template(std::string_view fmt) {
  using Item = NumberItem;
  bool fill = false, sign_s = false, mi = false, pl = false, sg = false, pr = false;
  int pre = 0, post = 0;
  bool point = false, zero_from_left = false;
  int first_zero = -1;  // index among integer digit positions of the first '0'
  int last_post_zero = 0;
  std::vector<Item> items;
  bool sign_first = false;  // S before the digits
  size_t i = 0;
  while (i < fmt.size()) {
    char c = fmt[i];
    auto two = [&](const char* k) { return starts_with(fmt, i, k); };
    if (two("FM") || two("fm")) {
      fill = true;
      i += 2;
    } else if (c == '9' || c == '0') {
      if (point) {
        ++post;
        if (c == '0') last_post_zero = post;
      } else {
        if (c == '0' && first_zero < 0) first_zero = pre;
        ++pre;
      }
      items.push_back({c, ""});
      ++i;
    } else if (c == '.' || c == 'D' || c == 'd') {
      if (point) fail("42601", "multiple decimal points");
      point = true;
      items.push_back({'.', ""});
      ++i;
    } else if (c == ',' || c == 'G' || c == 'g') {
      items.push_back({','});
      ++i;
    } else if (two("SG") || two("sg")) {
      sg = true;
      items.push_back({'G'});
      i += 2;
    } else if (c == 'S' || c == 's') {
      sign_s = true;
      sign_first = pre == 0 && !point;
      items.push_back({'S'});
      ++i;
    } else if (two("MI") || two("mi")) {
      mi = true;
      items.push_back({'M'});
      i += 2;
    } else if (two("PL") || two("pl")) {
      pl = true;
      items.push_back({'P'});
      i += 2;
    } else if (two("SG") || two("sg")) {
      sg = true;
      items.push_back({'G'});
      i += 2;
    } else if (two("PR") || two("pr")) {
      pr = true;
      i += 2;
    } else if (c == '"') {
      std::string lit;
      ++i;
      while (i < fmt.size() && fmt[i] != '"') lit.push_back(fmt[i++]);
      if (i < fmt.size()) ++i;
      items.push_back({'L', lit});
    } else if (c == 'L' || c == 'l' || c == 'V' || c == 'v' || c == 'E' || c == 'e' ||
               two("RN") || two("rn") || two("TH") || two("th")) {
      fail("0A000", std::string("the to_char number pattern \"") + c + "\" is not supported");
    } else {
      items.push_back({'L', std::string(1, c)});
      ++i;
    }
  }
  (void)zero_from_left;
  return NumberTemplate{fill, sign_s, mi, pl, sg, pr, point, sign_first, pre, post, first_zero, last_post_zero,
                        std::move(items)};
}

// The template of the previous call on this thread, parsed.
const NumberTemplate& cached_number_template(std::string_view fmt) {
  thread_local std::string last;
  thread_local NumberTemplate parsed;
  thread_local bool valid = false;
  if (!valid || fmt != last) {
    valid = false;
    parsed = parse_number_template(fmt);
    last.assign(fmt);
    valid = true;
  }
  return parsed;
}

std::string format_number(const std::string& value_text, std::string_view fmt) {
  // value_text: the exact decimal text of the value ("-12.5", "1234").
  const NumberTemplate& t = cached_number_template(fmt);
  const bool fill = t.fill, sign_s = t.sign_s, mi = t.mi, pl = t.pl, sg = t.sg, pr = t.pr, point = t.point,
             sign_first = t.sign_first;
  const int pre = t.pre, post = t.post, first_zero = t.first_zero, last_post_zero = t.last_post_zero;
  const auto& items = t.items;
  // Round the value to `post` decimals (half away from zero, on the decimal text).
  bool negative = !value_text.empty() && value_text[0] == '-';
  std::string digits = negative ? value_text.substr(1) : value_text;
  size_t dot = digits.find('.');
  std::string ip = dot == std::string::npos ? digits : digits.substr(0, dot);
  std::string fp = dot == std::string::npos ? "" : digits.substr(dot + 1);
  if (static_cast<int>(fp.size()) > post) {
    bool up = fp[post] >= '5';
    fp.resize(post);
    if (up) {
      std::string all = ip + fp;
      int k = static_cast<int>(all.size()) - 1;
      while (k >= 0 && all[k] == '9') all[k--] = '0';
      if (k < 0) all.insert(0, "1");
      else ++all[k];
      ip = all.substr(0, all.size() - post);
      fp = all.substr(all.size() - post);
    }
  }
  fp.resize(post, '0');
  ip.erase(0, std::min(ip.find_first_not_of('0'), ip.size()));  // no leading zeros; "" for 0
  bool zero = ip.empty() && fp.find_first_not_of('0') == std::string::npos;
  if (zero) negative = false;
  bool overflow = static_cast<int>(ip.size()) > pre;
  bool explicit_sign = sign_s || mi || pl || sg || pr;

  // Integer digit positions: significant digits right-aligned; positions left of them print
  // as blanks, or zeros from the first '0' of the template on.
  int lead = pre - static_cast<int>(ip.size());
  std::string out;
  std::string sign_text = negative ? "-" : (sign_s ? "+" : "");
  if (!explicit_sign) sign_text = negative ? "-" : " ";
  bool sign_done = false;
  bool started = false;  // a digit (or forced zero) has been printed
  int ipos = 0, fpos = 0;
  // Where the digits start: the first position that prints something.
  int start_at = lead;
  if (first_zero >= 0 && first_zero < start_at) start_at = first_zero;
  if (!point || post == 0) {
    if (start_at >= pre && pre > 0) start_at = pre - 1;  // 0 prints as one "0"
  } else if (start_at >= pre && first_zero < 0) {
    start_at = pre;  // 0.5 with 9.99 prints ".50"
  }
  auto put_sign = [&] {
    if (!sign_done && pr) {
      if (negative) out += "<";
      else if (!fill) out += " ";
      sign_done = true;
    } else if (!sign_done && !explicit_sign) {
      if (!(fill && sign_text == " ")) out += sign_text;
      sign_done = true;
    } else if (!sign_done && sign_s && sign_first) {
      out += sign_text;
      sign_done = true;
    }
  };
  for (const NumberItem& it : items) {
    switch (it.kind) {
      case '9':
      case '0':
        if (ipos < pre) {
          if (overflow) {
            if (!started) put_sign();
            started = true;
            out += "#";
          } else if (ipos < start_at) {
            if (!fill) out += " ";
          } else {
            if (!started) put_sign();
            started = true;
            int d = ipos - lead;
            out += d >= 0 ? ip[d] : '0';
          }
          ++ipos;
        } else {
          if (overflow) {
            out += "#";
          } else {
            out += fp[fpos];
          }
          ++fpos;
        }
        break;
      case '.':
        if (!started) {
          put_sign();
          started = true;
        }
        ipos = pre;
        out += ".";
        break;
      case ',':
        if (started || overflow) out += ",";
        else if (!fill) out += " ";
        break;
      case 'S':
        if (!sign_first) out += sign_text;
        else if (!started) {
          // printed with the first digit
        }
        break;
      case 'M':
        out += negative ? "-" : (fill ? "" : " ");
        break;
      case 'P':
        out += negative ? (fill ? "" : " ") : "+";
        break;
      case 'G':
        out += negative ? "-" : "+";
        break;
      default:
        out += it.text;
    }
  }
  if (!started && !sign_done) put_sign();
  if (fill && point) {
    // FM drops trailing zeros that came from 9s after the decimal point.
    size_t dp = out.find('.');
    if (dp != std::string::npos) {
      size_t end = out.size();
      size_t tail = end;
      while (tail > dp + 1 && std::isdigit(static_cast<unsigned char>(out[tail - 1])) == 0) --tail;
      size_t keep = dp + 1 + static_cast<size_t>(last_post_zero);
      size_t cut = tail;
      while (cut > keep && out[cut - 1] == '0') --cut;
      out.erase(cut, tail - cut);
    }
  }
  if (fill && point && !overflow && out.find_first_of("0123456789") == std::string::npos) {
    size_t dp = out.find('.');
    if (dp != std::string::npos) out.insert(dp, "0");  // FM: a zero rather than a bare point
  }
  if (pr) out += negative ? ">" : (fill ? "" : " ");
  return out;
}

std::string double_text(double v) {
  char buf[64];
  auto r = std::to_chars(buf, buf + sizeof(buf), v, std::chars_format::fixed);
  return std::string(buf, r.ptr);
}

// ---------------------------------------------------------------------------------------
// to_timestamp/to_date: the template read against the input.

struct Parsed {
  int64_t year = 1;
  bool have_year = false;
  int month = 1, day = 1, hour = 0, minute = 0, second = 0;
  int64_t micros = 0;
  int pm = -1;  // -1 none, 0 AM, 1 PM
  bool bc = false;
  int doy = 0;
  bool twelve_hour = false;
  bool have_offset = false;
  int32_t offset = 0;
};

bool is_separator(char c) {
  return !std::isalnum(static_cast<unsigned char>(c));
}

Parsed parse_with_template(std::string_view in, std::string_view fmt, const char* type) {
  Parsed p;
  size_t at = 0;
  auto bad = [&](const std::string& why) -> void {
    fail("22007", "invalid value \"" + std::string(in.substr(std::min(at, in.size()))) + "\" for \"" + why + "\"");
  };
  auto read_number = [&](const std::string& key, int max_digits, bool fill) -> int64_t {
    while (at < in.size() && in[at] == ' ') ++at;
    bool neg = false;
    if (at < in.size() && (in[at] == '-' || in[at] == '+') && key.find('Y') != std::string::npos) {
      neg = in[at] == '-';
      ++at;
    }
    size_t start = at;
    while (at < in.size() && std::isdigit(static_cast<unsigned char>(in[at])) &&
           (static_cast<int>(at - start) < max_digits || max_digits <= 0))
      ++at;
    (void)fill;
    if (at == start) bad(key);
    int64_t v = 0;
    for (size_t k = start; k < at; ++k) v = v * 10 + (in[k] - '0');
    return neg ? -v : v;
  };
  auto read_name = [&](const char* const* names, int count, bool abbrev, const std::string& key) -> int {
    for (int n = 0; n < count; ++n) {
      std::string name = names[n];
      if (abbrev) name = name.substr(0, 3);
      if (in.size() - at >= name.size()) {
        bool same = true;
        for (size_t k = 0; k < name.size() && same; ++k)
          same = std::tolower(static_cast<unsigned char>(in[at + k])) ==
                 std::tolower(static_cast<unsigned char>(name[k]));
        if (same) {
          at += name.size();
          return n;
        }
      }
    }
    bad(key);
    return 0;
  };
  for (const Piece& piece : cached_template(fmt)) {
    if (piece.kind == Piece::kLiteral) {
      // A separator in the template skips one separator (or nothing) in the input; other
      // characters are skipped one for one.
      for (char c : piece.text) {
        if (c == ' ') {
          while (at < in.size() && in[at] == ' ') ++at;
        } else if (at < in.size() && (is_separator(c) ? is_separator(in[at]) : true)) {
          ++at;
        }
      }
      continue;
    }
    // Before a field, skip spaces (and a separator where the template had none).
    while (at < in.size() && in[at] == ' ') ++at;
    std::string u = cased(piece.text, 1);
    if (u == "YYYY" || u == "IYYY") {
      p.year = read_number(u, 4, piece.fill);
      p.have_year = true;
    } else if (u == "Y,YYY") {
      int64_t th = read_number(u, 3, piece.fill);
      if (at < in.size() && in[at] == ',') ++at;
      p.year = th * 1000 + read_number(u, 3, piece.fill);
      p.have_year = true;
    } else if (u == "YYY" || u == "YY" || u == "Y") {
      size_t before = at;
      int64_t v = read_number(u, static_cast<int>(u.size()), piece.fill);
      size_t n = at - before;
      if (n <= 2 && u != "Y") p.year = v < 70 ? 2000 + v : 1900 + v;
      else if (n == 3 && u == "YYY") p.year = v < 100 ? 2000 + v : 1000 + v;
      else if (u == "Y") p.year = 2000 + v;  // PostgreSQL: nearest to 2020
      else p.year = v;
      p.have_year = true;
    } else if (u == "MM") {
      p.month = static_cast<int>(read_number(u, 2, piece.fill));
    } else if (u == "DD") {
      p.day = static_cast<int>(read_number(u, 2, piece.fill));
    } else if (u == "DDD") {
      p.doy = static_cast<int>(read_number(u, 3, piece.fill));
    } else if (u == "HH24") {
      p.hour = static_cast<int>(read_number(u, 2, piece.fill));
    } else if (u == "HH" || u == "HH12") {
      p.hour = static_cast<int>(read_number(u, 2, piece.fill));
      p.twelve_hour = true;
    } else if (u == "MI") {
      p.minute = static_cast<int>(read_number(u, 2, piece.fill));
    } else if (u == "SS") {
      p.second = static_cast<int>(read_number(u, 2, piece.fill));
    } else if (u == "MS" || u == "US" || (u.size() == 3 && u[0] == 'F' && u[1] == 'F')) {
      size_t before = at;
      int max = u == "MS" ? 3 : u == "US" ? 6 : u[2] - '0';
      int64_t v = read_number(u, max, piece.fill);
      int n = static_cast<int>(at - before);
      if (u == "MS") {
        // PostgreSQL reads MS digits as a fraction: "5" is 500 ms.
        for (int k = n; k < 3; ++k) v *= 10;
        p.micros += v * 1000;
      } else {
        for (int k = n; k < 6; ++k) v *= 10;
        p.micros += v;
      }
    } else if (u == "SSSS" || u == "SSSSS") {
      int64_t s = read_number(u, 5, piece.fill);
      p.hour = static_cast<int>(s / 3600);
      p.minute = static_cast<int>(s / 60 % 60);
      p.second = static_cast<int>(s % 60);
    } else if (u == "AM" || u == "PM" || u == "A.M." || u == "P.M.") {
      std::string w(in.substr(at, u.size()));
      std::string wu = cased(w, 1);
      if (wu == "AM" || wu == "A.M.") p.pm = 0;
      else if (wu == "PM" || wu == "P.M.") p.pm = 1;
      else bad(piece.text);
      at += u.size();
    } else if (u == "AD" || u == "BC" || u == "A.D." || u == "B.C.") {
      std::string wu = cased(std::string(in.substr(at, u.size())), 1);
      if (wu == "BC" || wu == "B.C.") p.bc = true;
      else if (wu != "AD" && wu != "A.D.") bad(piece.text);
      at += u.size();
    } else if (u == "MONTH") {
      p.month = read_name(kMonths, 12, false, piece.text) + 1;
    } else if (u == "MON") {
      p.month = read_name(kMonths, 12, true, piece.text) + 1;
    } else if (u == "DAY") {
      read_name(kDays, 7, false, piece.text);
    } else if (u == "DY") {
      read_name(kDays, 7, true, piece.text);
    } else if (u == "D" || u == "ID") {
      read_number(u, 1, piece.fill);  // the day of the week does not set the date
    } else if (u == "Q") {
      read_number(u, 1, piece.fill);  // ignored by PostgreSQL too
    } else if (u == "TZH") {
      while (at < in.size() && in[at] == ' ') ++at;
      bool neg = at < in.size() && in[at] == '-';
      if (at < in.size() && (in[at] == '-' || in[at] == '+')) ++at;
      int64_t h = read_number(u, 2, false);
      p.have_offset = true;
      p.offset = static_cast<int32_t>((neg ? -1 : 1) * h * 3600);
    } else if (u == "TZM") {
      int64_t mnt = read_number(u, 2, false);
      p.have_offset = true;
      p.offset += static_cast<int32_t>((p.offset < 0 ? -1 : 1) * mnt * 60);
    } else {
      fail("0A000", std::string(type) + " does not support the template pattern \"" + piece.text + "\"");
    }
  }
  if (p.twelve_hour || p.pm >= 0) {
    if (p.hour < 1 || p.hour > 12) {
      fail("22008", "hour \"" + std::to_string(p.hour) +
                        "\" is invalid for the 12-hour clock");
    }
    if (p.pm == 1 && p.hour < 12) p.hour += 12;
    if (p.pm == 0 && p.hour == 12) p.hour = 0;
  }
  if (p.bc) p.year = 1 - p.year;
  return p;
}

int64_t parsed_local_micros(const Parsed& p, std::string_view in) {
  int64_t days;
  if (p.doy > 0) {
    days = days_of(p.year, 1, 1) + p.doy - 1;
  } else {
    if (p.month < 1 || p.month > 12 || p.day < 1 || p.day > days_in_month(p.year, p.month)) {
      fail("22008", "date/time field value out of range: \"" + std::string(in) + "\"");
    }
    days = days_of(p.year, p.month, p.day);
  }
  if (p.hour > 24 || p.minute > 59 || p.second > 60) {
    fail("22008", "date/time field value out of range: \"" + std::string(in) + "\"");
  }
  return days * kMicrosPerDay + (p.hour * 3600LL + p.minute * 60 + p.second) * kMicrosPerSecond +
         p.micros;
}

// ---------------------------------------------------------------------------------------
// format(): %[n$][-][width]type with types s, I, L and %%.

std::string quote_ident_text(std::string_view s);
std::string quote_literal_text(std::string_view s);

std::string pg_format(const Rows& rows, idx_t r) {
  std::string_view f = rows.text(0, r);
  size_t nargs = rows.columns() - 1;
  std::string out;
  size_t next_arg = 0;
  for (size_t i = 0; i < f.size(); ++i) {
    if (f[i] != '%') {
      out.push_back(f[i]);
      continue;
    }
    if (++i >= f.size()) fail("22023", "unterminated format() type specifier");
    if (f[i] == '%') {
      out.push_back('%');
      continue;
    }
    auto read_int = [&](size_t& k, int64_t& v) {
      size_t s = k;
      v = 0;
      while (k < f.size() && std::isdigit(static_cast<unsigned char>(f[k]))) {
        v = v * 10 + (f[k++] - '0');
        if (v > 1000000) fail("22003", "number is out of range");
      }
      return k > s;
    };
    size_t k = i;
    int64_t position = -1, width = 0;
    bool left = false;
    int64_t v;
    if (read_int(k, v)) {
      if (k < f.size() && f[k] == '$') {
        if (v == 0) fail("22023", "format specifies argument 0, but arguments are numbered from 1");
        position = v;
        ++k;
      } else {
        k = i;  // a width
      }
    }
    if (k < f.size() && f[k] == '-') {
      left = true;
      ++k;
    }
    if (k < f.size() && f[k] == '*') {
      ++k;
      int64_t wpos = -1;
      size_t save = k;
      if (read_int(k, v) && k < f.size() && f[k] == '$') {
        wpos = v;
        ++k;
      } else {
        k = save;
      }
      size_t idx = wpos > 0 ? static_cast<size_t>(wpos - 1) : next_arg++;
      if (idx >= nargs) fail("22023", "too few arguments for format()");
      if (!rows.null(idx + 1, r)) {
        std::string w(rows.text(idx + 1, r));
        int64_t wv = 0;
        try {
          wv = std::stoll(w);
        } catch (const std::exception&) {
          fail("22P02", "invalid input syntax for type integer: \"" + w + "\"");
        }
        if (wv < 0) {
          left = true;
          wv = -wv;
        }
        width = wv;
      }
    } else {
      read_int(k, width);
    }
    if (k >= f.size()) fail("22023", "unterminated format() type specifier");
    char type = f[k];
    i = k;
    if (type != 's' && type != 'I' && type != 'L') {
      fail("22023", std::string("unrecognized format() type specifier \"") + type + "\"");
    }
    size_t idx = position > 0 ? static_cast<size_t>(position - 1) : next_arg;
    next_arg = idx + 1;
    if (idx >= nargs) fail("22023", "too few arguments for format()");
    bool null = rows.null(idx + 1, r);
    std::string value;
    if (type == 's') {
      if (!null) value = rows.text(idx + 1, r);
    } else if (type == 'I') {
      if (null) fail("22004", "null values cannot be formatted as an SQL identifier");
      value = quote_ident_text(rows.text(idx + 1, r));
    } else {
      value = null ? "NULL" : quote_literal_text(rows.text(idx + 1, r));
    }
    size_t chars = 0;
    for (char c : value) chars += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
    if (static_cast<int64_t>(chars) < width) {
      std::string pad(static_cast<size_t>(width) - chars, ' ');
      value = left ? value + pad : pad + value;
    }
    out += value;
  }
  return out;
}

// ---------------------------------------------------------------------------------------
// Identifiers and literals as PostgreSQL quotes them.

bool is_keyword_needing_quotes(std::string_view w) {
  // PostgreSQL's reserved, type/function-name and column-name keywords (unreserved ones
  // stand bare in quote_ident's output).
  static const char* const kWords[] = {
      "all", "analyse", "analyze", "and", "any", "array", "as", "asc", "asymmetric",
      "authorization", "between", "bigint", "binary", "bit", "boolean", "both", "case", "cast",
      "char", "character", "check", "coalesce", "collate", "collation", "column", "concurrently",
      "constraint", "create", "cross", "current_catalog", "current_date", "current_role",
      "current_schema", "current_time", "current_timestamp", "current_user", "dec", "decimal",
      "default", "deferrable", "desc", "distinct", "do", "else", "end", "except", "exists",
      "extract", "false", "fetch", "float", "for", "foreign", "freeze", "from", "full", "grant",
      "greatest", "group", "grouping", "having", "ilike", "in", "initially", "inner", "inout",
      "int", "integer", "intersect", "interval", "into", "is", "isnull", "join", "lateral",
      "leading", "least", "left", "like", "limit", "localtime", "localtimestamp", "national",
      "natural", "nchar", "none", "normalize", "not", "notnull", "null", "nullif", "numeric",
      "offset", "on", "only", "or", "order", "out", "outer", "overlaps", "overlay", "placing",
      "position", "precision", "primary", "real", "references", "returning", "right", "row",
      "select", "session_user", "setof", "similar", "smallint", "some", "substring", "symmetric",
      "table", "tablesample", "then", "time", "timestamp", "to", "trailing", "treat", "trim",
      "true", "union", "unique", "user", "using", "values", "varchar", "variadic", "verbose",
      "when", "where", "window", "with", "xmlattributes", "xmlconcat", "xmlelement", "xmlexists",
      "xmlforest", "xmlnamespaces", "xmlparse", "xmlpi", "xmlroot", "xmlserialize", "xmltable"};
  for (const char* k : kWords)
    if (w == k) return true;
  return false;
}

std::string quote_ident_text(std::string_view s) {
  bool safe = !s.empty() && ((s[0] >= 'a' && s[0] <= 'z') || s[0] == '_');
  for (char c : s) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) safe = false;
  }
  if (safe && !is_keyword_needing_quotes(s)) return std::string(s);
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

std::string quote_literal_text(std::string_view s) {
  bool backslash = s.find('\\') != std::string_view::npos;
  std::string out = backslash ? "E'" : "'";
  for (char c : s) {
    if (c == '\'' || c == '\\') out += c;
    out += c;
  }
  return out + "'";
}

// ---------------------------------------------------------------------------------------
// initcap: a letter after a non-alphanumeric character is upper-cased, the others lowered.

void append_utf8(std::string& out, uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

// Simple case mapping for ASCII, Latin-1, Latin Extended-A, Greek and Cyrillic.
uint32_t to_upper_cp(uint32_t c) {
  if (c >= 'a' && c <= 'z') return c - 32;
  if ((c >= 0xE0 && c <= 0xFE && c != 0xF7)) return c - 32;
  if (c == 0xFF) return 0x178;
  if (c >= 0x100 && c <= 0x17F && c != 0x130 && c != 0x131 && c != 0x138 && c != 0x149) {
    bool odd_upper = (c >= 0x139 && c <= 0x148) || (c >= 0x179 && c <= 0x17E);
    if (odd_upper ? (c % 2 == 0) : (c % 2 == 1)) return c - 1;
    return c;
  }
  if (c >= 0x3B1 && c <= 0x3C9 && c != 0x3C2) return c - 32;
  if (c >= 0x430 && c <= 0x44F) return c - 32;
  if (c >= 0x450 && c <= 0x45F) return c - 80;
  return c;
}
uint32_t to_lower_cp(uint32_t c) {
  if (c >= 'A' && c <= 'Z') return c + 32;
  if (c >= 0xC0 && c <= 0xDE && c != 0xD7) return c + 32;
  if (c == 0x178) return 0xFF;
  if (c >= 0x100 && c <= 0x17F && c != 0x130 && c != 0x131 && c != 0x138 && c != 0x149) {
    bool odd_upper = (c >= 0x139 && c <= 0x148) || (c >= 0x179 && c <= 0x17E);
    if (odd_upper ? (c % 2 == 1) : (c % 2 == 0)) return c + 1;
    return c;
  }
  if (c >= 0x391 && c <= 0x3A9) return c + 32;
  if (c >= 0x410 && c <= 0x42F) return c + 32;
  if (c >= 0x400 && c <= 0x40F) return c + 80;
  return c;
}
bool is_alnum_cp(uint32_t c) {
  if (c < 0x80) return std::isalnum(static_cast<int>(c)) != 0;
  if (c == 0xD7 || c == 0xF7) return false;
  if (c >= 0xC0 && c <= 0x24F) return true;
  if (c >= 0x370 && c <= 0x3FF) return true;
  if (c >= 0x400 && c <= 0x4FF) return true;
  return c >= 0x3040;  // CJK and other scripts: letters
}

std::string initcap_text(std::string_view s) {
  std::string out;
  bool word = false;
  for (size_t i = 0; i < s.size();) {
    unsigned char b = static_cast<unsigned char>(s[i]);
    uint32_t cp;
    size_t n;
    if (b < 0x80) cp = b, n = 1;
    else if ((b >> 5) == 6) cp = b & 0x1F, n = 2;
    else if ((b >> 4) == 14) cp = b & 0x0F, n = 3;
    else cp = b & 0x07, n = 4;
    if (i + n > s.size()) n = s.size() - i;
    for (size_t k = 1; k < n; ++k) cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
    uint32_t mapped = word ? to_lower_cp(cp) : to_upper_cp(cp);
    append_utf8(out, mapped);
    word = is_alnum_cp(cp);
    i += n;
  }
  return out;
}

// ---------------------------------------------------------------------------------------
// encode/decode.

const char kBase64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

std::string encode_bytes(std::string_view b, std::string_view format) {
  std::string out;
  if (format == "hex") {
    static const char hex[] = "0123456789abcdef";
    for (unsigned char c : b) {
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  } else if (format == "base64") {
    size_t line = 0;
    for (size_t i = 0; i < b.size(); i += 3) {
      uint32_t v = static_cast<unsigned char>(b[i]) << 16;
      if (i + 1 < b.size()) v |= static_cast<unsigned char>(b[i + 1]) << 8;
      if (i + 2 < b.size()) v |= static_cast<unsigned char>(b[i + 2]);
      if (line >= 76) {  // PostgreSQL breaks base64 lines at 76 characters
        out += '\n';
        line = 0;
      }
      out += kBase64[(v >> 18) & 63];
      out += kBase64[(v >> 12) & 63];
      out += i + 1 < b.size() ? kBase64[(v >> 6) & 63] : '=';
      out += i + 2 < b.size() ? kBase64[v & 63] : '=';
      line += 4;
    }
  } else if (format == "escape") {
    for (unsigned char c : b) {
      if (c == '\\') {
        out += "\\\\";
      } else if (c == 0 || c >= 0x80) {
        out += '\\';
        out += static_cast<char>('0' + (c >> 6));
        out += static_cast<char>('0' + ((c >> 3) & 7));
        out += static_cast<char>('0' + (c & 7));
      } else {
        out += static_cast<char>(c);
      }
    }
  } else {
    fail("22023", "unrecognized encoding: \"" + std::string(format) + "\"");
  }
  return out;
}

std::string decode_text(std::string_view s, std::string_view format) {
  std::string out;
  if (format == "hex") {
    auto val = [&](char c) -> int {
      if (c >= '0' && c <= '9') return c - '0';
      if (c >= 'a' && c <= 'f') return c - 'a' + 10;
      if (c >= 'A' && c <= 'F') return c - 'A' + 10;
      fail("22023", std::string("invalid hexadecimal digit: \"") + c + "\"");
    };
    size_t i = 0;
    while (i < s.size()) {
      if (s[i] == ' ' || s[i] == '\n' || s[i] == '\t' || s[i] == '\r') {
        ++i;
        continue;
      }
      if (i + 1 >= s.size()) fail("22023", "invalid hexadecimal data: odd number of digits");
      out += static_cast<char>(val(s[i]) * 16 + val(s[i + 1]));
      i += 2;
    }
  } else if (format == "base64") {
    uint32_t acc = 0;
    int bits = 0, pad = 0;
    size_t symbols = 0;
    for (char c : s) {
      if (c == ' ' || c == '\n' || c == '\t' || c == '\r') continue;
      ++symbols;
      if (c == '=') {
        ++pad;
        continue;
      }
      const char* p = std::strchr(kBase64, c);
      if (!p || c == 0 || pad) fail("22023", std::string("invalid symbol \"") + c + "\" found while decoding base64 sequence");
      acc = (acc << 6) | static_cast<uint32_t>(p - kBase64);
      bits += 6;
      if (bits >= 8) {
        bits -= 8;
        out += static_cast<char>((acc >> bits) & 0xFF);
      }
    }
    if (symbols % 4 != 0 || pad > 2) fail("22023", "invalid base64 end sequence");
  } else if (format == "escape") {
    for (size_t i = 0; i < s.size(); ++i) {
      if (s[i] != '\\') {
        out += s[i];
      } else if (i + 1 < s.size() && s[i + 1] == '\\') {
        out += '\\';
        ++i;
      } else if (i + 3 < s.size() + 0 && s[i + 1] >= '0' && s[i + 1] <= '3' && s[i + 2] >= '0' &&
                 s[i + 2] <= '7' && s[i + 3] >= '0' && s[i + 3] <= '7') {
        out += static_cast<char>((s[i + 1] - '0') * 64 + (s[i + 2] - '0') * 8 + (s[i + 3] - '0'));
        i += 3;
      } else {
        fail("22P02", "invalid input syntax for type bytea");
      }
    }
  } else {
    fail("22023", "unrecognized encoding: \"" + std::string(format) + "\"");
  }
  return out;
}

// ---------------------------------------------------------------------------------------
// Intervals with PostgreSQL's carries: a fraction of a month is 30 days, of a day 24 hours.

duckdb_interval interval_of(double months, double days, double micros) {
  double whole_months = std::trunc(months);
  days += (months - whole_months) * 30;
  double whole_days = std::trunc(days);
  micros += (days - whole_days) * static_cast<double>(kMicrosPerDay);
  if (std::fabs(whole_months) > 2147483647.0 || std::fabs(whole_days) > 2147483647.0 ||
      std::fabs(micros) > 9.2e18 || std::isnan(micros)) {
    fail("22008", "interval out of range");
  }
  duckdb_interval r;
  r.months = static_cast<int32_t>(whole_months);
  r.days = static_cast<int32_t>(whole_days);
  r.micros = static_cast<int64_t>(std::llround(micros));
  return r;
}

duckdb_interval interval_times(const duckdb_interval& iv, double f) {
  return interval_of(iv.months * f, iv.days * f, static_cast<double>(iv.micros) * f);
}

duckdb_interval justify_hours(duckdb_interval iv) {
  int64_t extra = iv.micros / kMicrosPerDay;
  iv.micros -= extra * kMicrosPerDay;
  int64_t days = iv.days + extra;
  if (days > 0 && iv.micros < 0) {
    iv.micros += kMicrosPerDay;
    --days;
  } else if (days < 0 && iv.micros > 0) {
    iv.micros -= kMicrosPerDay;
    ++days;
  }
  iv.days = static_cast<int32_t>(days);
  return iv;
}

duckdb_interval justify_days(duckdb_interval iv) {
  int32_t extra = iv.days / 30;
  iv.days -= extra * 30;
  iv.months += extra;
  if (iv.months > 0 && iv.days < 0) {
    iv.days += 30;
    --iv.months;
  } else if (iv.months < 0 && iv.days > 0) {
    iv.days -= 30;
    ++iv.months;
  }
  return iv;
}

duckdb_interval justify_interval(duckdb_interval iv) {
  int64_t extra = iv.micros / kMicrosPerDay;
  iv.micros -= extra * kMicrosPerDay;
  int64_t days = iv.days + extra;
  int64_t months = iv.months + days / 30;
  days %= 30;
  if (months > 0 && (days < 0 || (days == 0 && iv.micros < 0))) {
    days += 30;
    --months;
  } else if (months < 0 && (days > 0 || (days == 0 && iv.micros > 0))) {
    days -= 30;
    ++months;
  }
  if (days > 0 && iv.micros < 0) {
    iv.micros += kMicrosPerDay;
    --days;
  } else if (days < 0 && iv.micros > 0) {
    iv.micros -= kMicrosPerDay;
    ++days;
  }
  iv.months = static_cast<int32_t>(months);
  iv.days = static_cast<int32_t>(days);
  return iv;
}

const TimeZone& zone_named(std::string_view name) {
  thread_local std::string last;
  thread_local const TimeZone* last_zone = nullptr;
  if (last_zone && name == last) return *last_zone;
  const TimeZone* tz = TimeZone::find(std::string(name));
  if (!tz) fail("22023", "time zone \"" + std::string(name) + "\" not recognized");
  last.assign(name);
  last_zone = tz;
  return *tz;
}

bool infinite(int64_t v) { return v == INT64_MAX || v == -INT64_MAX; }

}  // namespace

// ---------------------------------------------------------------------------------------

bool TimeZone::load(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) return false;
  std::string data((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  auto be32 = [&](size_t at) -> int64_t {
    if (at + 4 > data.size()) throw std::runtime_error("short tz file");
    uint32_t v = (static_cast<unsigned char>(data[at]) << 24) |
                 (static_cast<unsigned char>(data[at + 1]) << 16) |
                 (static_cast<unsigned char>(data[at + 2]) << 8) | static_cast<unsigned char>(data[at + 3]);
    return static_cast<int32_t>(v);
  };
  auto be64 = [&](size_t at) -> int64_t {
    return static_cast<int64_t>((static_cast<uint64_t>(static_cast<uint32_t>(be32(at))) << 32) |
                                static_cast<uint32_t>(be32(at + 4)));
  };
  try {
    if (data.size() < 44 || data.compare(0, 4, "TZif") != 0) return false;
    char version = data[4];
    size_t at = 0;
    auto counts = [&](size_t h, int64_t c[6]) {
      for (int k = 0; k < 6; ++k) c[k] = be32(h + 20 + 4 * k);
    };
    int64_t c[6];  // isutcnt isstdcnt leapcnt timecnt typecnt charcnt
    counts(0, c);
    int time_size = 4;
    at = 44;
    if (version >= '2') {
      at += c[3] * 4 + c[3] + c[4] * 6 + c[5] + c[2] * 8 + c[1] + c[0];
      counts(at, c);
      at += 44;
      time_size = 8;
    }
    for (int64_t k = 0; k < c[3]; ++k)
      transitions_.push_back(time_size == 8 ? be64(at + k * 8) : be32(at + k * 4));
    at += c[3] * time_size;
    for (int64_t k = 0; k < c[3]; ++k) transition_types_.push_back(static_cast<uint8_t>(data.at(at + k)));
    at += c[3];
    size_t types_at = at;
    size_t chars_at = at + c[4] * 6;
    for (int64_t k = 0; k < c[4]; ++k) {
      Type t;
      t.offset = static_cast<int32_t>(be32(types_at + k * 6));
      t.dst = data.at(types_at + k * 6 + 4) != 0;
      size_t idx = static_cast<unsigned char>(data.at(types_at + k * 6 + 5));
      t.abbreviation = std::string(data.c_str() + std::min(chars_at + idx, data.size()));
      types_.push_back(std::move(t));
    }
    if (types_.empty()) return false;
    for (uint8_t t : transition_types_)
      if (t >= types_.size()) return false;
    initial_type_ = 0;
    for (size_t k = 0; k < types_.size(); ++k) {
      if (!types_[k].dst) {
        initial_type_ = k;
        break;
      }
    }
  } catch (const std::exception&) {
    return false;
  }
  return true;
}

const TimeZone* TimeZone::find(const std::string& name) {
  static std::mutex mutex;
  static std::map<std::string, std::unique_ptr<TimeZone>> cache;
  std::lock_guard lock(mutex);
  auto it = cache.find(name);
  if (it != cache.end()) return it->second.get();
  std::unique_ptr<TimeZone> tz;
  std::string lower_name = name;
  for (char& ch : lower_name) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  if (lower_name == "utc" || lower_name == "gmt" || lower_name == "z" || lower_name == "etc/utc") {
    tz = std::make_unique<TimeZone>();
    tz->types_.push_back({0, false, lower_name == "gmt" ? "GMT" : "UTC"});
  } else if (!name.empty() && name.find("..") == std::string::npos && name[0] != '/') {
    tz = std::make_unique<TimeZone>();
    if (!tz->load("/usr/share/zoneinfo/" + name)) tz.reset();
  }
  const TimeZone* out = tz.get();
  if (out || cache.size() < 1000) cache.emplace(name, std::move(tz));  // zones are few
  return out;
}

int32_t TimeZone::offset_at(int64_t utc_seconds, std::string* abbreviation) const {
  size_t type = initial_type_;
  auto it = std::upper_bound(transitions_.begin(), transitions_.end(), utc_seconds);
  if (it != transitions_.begin()) type = transition_types_[(it - transitions_.begin()) - 1];
  if (abbreviation) *abbreviation = types_[type].abbreviation;
  return types_[type].offset;
}

int64_t days_from_civil(int64_t year, int month, int day) { return days_of(year, month, day); }

int64_t TimeZone::utc_of_local(int64_t local_seconds) const {
  // Try the offsets in force around that time; the first that maps back to itself wins.
  // An ambiguous time (when clocks go back) is read as standard time, the later one.
  int32_t before = offset_at(local_seconds - 86400);
  int32_t after = offset_at(local_seconds + 86400);
  if (offset_at(local_seconds - after) == after) return local_seconds - after;
  if (offset_at(local_seconds - before) == before) return local_seconds - before;
  return local_seconds - before;  // in a gap: the offset before the jump
}

std::optional<std::string> similar_to_regex(const std::string& pattern, std::optional<char> escape) {
  std::string out = "^(?:";
  bool in_bracket = false;
  int quotes = 0;
  for (size_t i = 0; i < pattern.size(); ++i) {
    char c = pattern[i];
    if (escape && c == *escape) {
      if (i + 1 >= pattern.size()) return std::nullopt;
      char n = pattern[++i];
      if (n == '"') {
        out += quotes++ % 2 == 0 ? "){1,1}?(" : "){1,1}(?:";
        continue;
      }
      if (std::isalnum(static_cast<unsigned char>(n))) out += n;
      else out += std::string("\\") + n;
      continue;
    }
    if (in_bracket) {
      if (c == ']') in_bracket = false;
      if (c == '\\') out += '\\';
      out += c;
      continue;
    }
    switch (c) {
      case '%': out += ".*"; break;
      case '_': out += "."; break;
      case '[': in_bracket = true; out += c; break;
      case '.': case '^': case '$': case '\\': out += '\\'; out += c; break;
      default: out += c;
    }
  }
  return out + ")$";
}

void register_pg_functions(Connection& connection, const std::vector<std::string>&) {
  constexpr auto V = DUCKDB_TYPE_VARCHAR;
  constexpr auto TS = DUCKDB_TYPE_TIMESTAMP;
  constexpr auto TSTZ = DUCKDB_TYPE_TIMESTAMP_TZ;
  constexpr auto DT = DUCKDB_TYPE_DATE;
  constexpr auto IV = DUCKDB_TYPE_INTERVAL;
  constexpr auto I64 = DUCKDB_TYPE_BIGINT;
  constexpr auto I32 = DUCKDB_TYPE_INTEGER;
  constexpr auto F64 = DUCKDB_TYPE_DOUBLE;
  constexpr auto BLOB = DUCKDB_TYPE_BLOB;

  // to_char(value, template, session time zone).
  add_function(connection, "__pg_to_char", {TS, V, V}, V, [](const Rows& a, idx_t r, Out& o) {
    int64_t us = a.get<int64_t>(0, r);
    if (infinite(us)) return o.null(r);
    o.text(r, format_moment(moment_of_local_micros(us), a.text(1, r)));
  });
  add_function(connection, "__pg_to_char", {TSTZ, V, V}, V, [](const Rows& a, idx_t r, Out& o) {
    int64_t us = a.get<int64_t>(0, r);
    if (infinite(us)) return o.null(r);
    const TimeZone& tz = zone_named(a.text(2, r));
    std::string abbreviation;
    int32_t offset = tz.offset_at(floor_div(us, kMicrosPerSecond), &abbreviation);
    Moment m = moment_of_local_micros(us + int64_t{offset} * kMicrosPerSecond);
    m.has_zone = true;
    m.offset = offset;
    m.zone = abbreviation;
    o.text(r, format_moment(m, a.text(1, r)));
  });
  add_function(connection, "__pg_to_char", {DT, V, V}, V, [](const Rows& a, idx_t r, Out& o) {
    int32_t d = a.get<int32_t>(0, r);
    if (d == INT32_MAX || d == -INT32_MAX) return o.null(r);
    o.text(r, format_moment(moment_of_local_micros(int64_t{d} * kMicrosPerDay), a.text(1, r)));
  });
  add_function(connection, "__pg_to_char", {IV, V, V}, V, [](const Rows& a, idx_t r, Out& o) {
    o.text(r, format_moment(moment_of_interval(a.get<duckdb_interval>(0, r)), a.text(1, r)));
  });
  add_function(connection, "__pg_to_char", {I64, V, V}, V, [](const Rows& a, idx_t r, Out& o) {
    o.text(r, format_number(std::to_string(a.get<int64_t>(0, r)), a.text(1, r)));
  });
  add_function(connection, "__pg_to_char", {F64, V, V}, V, [](const Rows& a, idx_t r, Out& o) {
    double v = a.get<double>(0, r);
    if (!std::isfinite(v)) fail("0A000", "to_char of infinity or NaN is not supported");
    // The shortest text that reads back as v, so 2.675 rounds as written.
    char buf[64];
    auto res = std::to_chars(buf, buf + sizeof(buf), v);
    std::string s(buf, res.ptr);
    if (s.find('e') != std::string::npos) s = double_text(v);
    o.text(r, format_number(s, a.text(1, r)));
  });
  // A decimal's exact text (numeric keeps its digits): to_char(numeric::text, …).
  add_function(connection, "__pg_to_char_numeric", {V, V}, V, [](const Rows& a, idx_t r, Out& o) {
    o.text(r, format_number(std::string(a.text(0, r)), a.text(1, r)));
  });

  // to_timestamp(text, template) in the session's zone, and to_date(text, template).
  add_function(connection, "__pg_to_timestamp", {V, V, V}, TSTZ, [](const Rows& a, idx_t r, Out& o) {
    std::string_view in = a.text(0, r);
    Parsed p = parse_with_template(in, a.text(1, r), "to_timestamp");
    int64_t local = parsed_local_micros(p, in);
    int64_t secs = floor_div(local, kMicrosPerSecond);
    int64_t frac = local - secs * kMicrosPerSecond;
    int64_t utc = p.have_offset ? secs - p.offset : zone_named(a.text(2, r)).utc_of_local(secs);
    o.set<int64_t>(r, utc * kMicrosPerSecond + frac);
  });
  add_function(connection, "__pg_to_date", {V, V}, DT, [](const Rows& a, idx_t r, Out& o) {
    std::string_view in = a.text(0, r);
    Parsed p = parse_with_template(in, a.text(1, r), "to_date");
    o.set<int32_t>(r, static_cast<int32_t>(floor_div(parsed_local_micros(p, in), kMicrosPerDay)));
  });
  // to_number(text, template): the digits the template reads, as numeric text.
  add_function(connection, "__pg_to_number", {V, V}, V, [](const Rows& a, idx_t r, Out& o) {
    std::string_view in = a.text(0, r), fmt = a.text(1, r);
    std::string digits;
    bool negative = false, point = false;
    size_t i = 0;
    for (size_t k = 0; k < fmt.size(); ++k) {
      char c = fmt[k];
      if (k + 1 < fmt.size() && (fmt.substr(k, 2) == "FM" || fmt.substr(k, 2) == "fm")) {
        ++k;
        continue;
      }
      if (c == '9' || c == '0') {
        while (i < in.size() && in[i] == ' ') ++i;
        if (i < in.size() && in[i] == '-' ) { negative = true; ++i; }
        if (i < in.size() && std::isdigit(static_cast<unsigned char>(in[i]))) digits += in[i++];
      } else if (c == '.' || c == 'D') {
        if (i < in.size() && in[i] == '.') {
          digits += '.';
          point = true;
          ++i;
        }
      } else if (c == ',' || c == 'G') {
        if (i < in.size() && in[i] == ',') ++i;
      } else if (c == 'S' || c == 's' || (k + 1 < fmt.size() && (fmt.substr(k, 2) == "MI" || fmt.substr(k, 2) == "PL" || fmt.substr(k, 2) == "SG"))) {
        if (c != 'S' && c != 's') ++k;
        if (i < in.size() && (in[i] == '-' || in[i] == '+')) negative = in[i++] == '-';
      } else if (k + 1 < fmt.size() && fmt.substr(k, 2) == "PR") {
        ++k;
        if (i < in.size() && in[i] == '<') { negative = true; ++i; }
      } else if (c == 'L') {
        while (i < in.size() && in[i] == ' ') ++i;
        while (i < in.size() && !std::isdigit(static_cast<unsigned char>(in[i])) && in[i] != '-' &&
               in[i] != '+' && in[i] != '.' && in[i] != ' ')
          ++i;  // the currency symbol
      } else if (c == 'V' || c == 'E' || c == 'R' || c == 'T') {
        fail("0A000", std::string("to_number does not support the template pattern \"") + c + "\"");
      } else {
        if (i < in.size()) ++i;
      }
    }
    (void)point;
    if (digits.empty() || digits == ".") fail("22P02", "invalid input syntax for type numeric: \" \"");
    if (digits[0] == '.') digits.insert(0, "0");
    o.text(r, (negative ? "-" : "") + digits);
  });

  add_varargs_text_function(connection, "__pg_format", 1, [](const Rows& a, idx_t r, Out& o) {
    if (a.null(0, r)) return o.null(r);
    o.text(r, pg_format(a, r));
  });
  add_function(connection, "quote_ident", {V}, V, [](const Rows& a, idx_t r, Out& o) {
    o.text(r, quote_ident_text(a.text(0, r)));
  });
  add_function(connection, "quote_literal", {V}, V, [](const Rows& a, idx_t r, Out& o) {
    o.text(r, quote_literal_text(a.text(0, r)));
  });
  add_function(
      connection, "quote_nullable", {V}, V,
      [](const Rows& a, idx_t r, Out& o) {
        o.text(r, a.null(0, r) ? "NULL" : quote_literal_text(a.text(0, r)));
      },
      {false, true});
  add_function(connection, "initcap", {V}, V, [](const Rows& a, idx_t r, Out& o) {
    o.text(r, initcap_text(a.text(0, r)));
  });
  add_function(connection, "__pg_encode", {BLOB, V}, V, [](const Rows& a, idx_t r, Out& o) {
    o.text(r, encode_bytes(a.text(0, r), a.text(1, r)));
  });
  add_function(connection, "__pg_decode", {V, V}, BLOB, [](const Rows& a, idx_t r, Out& o) {
    o.text(r, decode_text(a.text(0, r), a.text(1, r)));
  });
  // PostgreSQL's length and octet_length of bytea and text (DuckDB has neither overload).
  add_function(connection, "length", {BLOB}, I32, [](const Rows& a, idx_t r, Out& o) {
    o.set<int32_t>(r, static_cast<int32_t>(a.text(0, r).size()));
  });
  add_function(connection, "octet_length", {V}, I32, [](const Rows& a, idx_t r, Out& o) {
    o.set<int32_t>(r, static_cast<int32_t>(a.text(0, r).size()));
  });

  add_function(connection, "justify_hours", {IV}, IV, [](const Rows& a, idx_t r, Out& o) {
    o.set(r, justify_hours(a.get<duckdb_interval>(0, r)));
  });
  add_function(connection, "justify_days", {IV}, IV, [](const Rows& a, idx_t r, Out& o) {
    o.set(r, justify_days(a.get<duckdb_interval>(0, r)));
  });
  add_function(connection, "justify_interval", {IV}, IV, [](const Rows& a, idx_t r, Out& o) {
    o.set(r, justify_interval(a.get<duckdb_interval>(0, r)));
  });
  add_function(connection, "__pg_interval_mul", {IV, F64}, IV, [](const Rows& a, idx_t r, Out& o) {
    o.set(r, interval_times(a.get<duckdb_interval>(0, r), a.get<double>(1, r)));
  });
  // interval / number (DuckDB has none; '/' is '//' under integer_division).
  for (const char* op : {"/", "//"}) {
    add_function(connection, op, {IV, F64}, IV, [](const Rows& a, idx_t r, Out& o) {
      double d = a.get<double>(1, r);
      if (d == 0) fail("22012", "division by zero");
      o.set(r, interval_times(a.get<duckdb_interval>(0, r), 1.0 / d));
    });
  }
  add_function(connection, "__pg_to_hex", {I32}, V, [](const Rows& a, idx_t r, Out& o) {
    char buf[16];
    auto res = std::to_chars(buf, buf + sizeof(buf), static_cast<uint32_t>(a.get<int32_t>(0, r)), 16);
    o.text(r, std::string_view(buf, res.ptr - buf));
  });
  add_function(connection, "__pg_to_hex", {I64}, V, [](const Rows& a, idx_t r, Out& o) {
    char buf[24];
    auto res = std::to_chars(buf, buf + sizeof(buf), static_cast<uint64_t>(a.get<int64_t>(0, r)), 16);
    o.text(r, std::string_view(buf, res.ptr - buf));
  });
  // make_interval(years, months, weeks, days, hours, mins, secs)
  add_function(connection, "__pg_make_interval", {I32, I32, I32, I32, I32, I32, F64}, IV,
               [](const Rows& a, idx_t r, Out& o) {
                 double secs = a.get<double>(6, r);
                 if (!std::isfinite(secs)) fail("22008", "interval out of range");
                 int64_t months = int64_t{a.get<int32_t>(0, r)} * 12 + a.get<int32_t>(1, r);
                 int64_t days = int64_t{a.get<int32_t>(2, r)} * 7 + a.get<int32_t>(3, r);
                 double micros = (a.get<int32_t>(4, r) * 3600.0 + a.get<int32_t>(5, r) * 60.0) * 1e6 +
                                 std::round(secs * 1e6);
                 if (std::llabs(months) > INT32_MAX || std::llabs(days) > INT32_MAX ||
                     std::fabs(micros) > 9.2e18) {
                   fail("22008", "interval out of range");
                 }
                 duckdb_interval iv;
                 iv.months = static_cast<int32_t>(months);
                 iv.days = static_cast<int32_t>(days);
                 iv.micros = static_cast<int64_t>(micros);
                 o.set(r, iv);
               });
  // A date becomes timestamptz at local midnight (PostgreSQL's implicit cast before
  // date_trunc and friends); timestamps pass through.
  add_function(connection, "__pg_date_as_timestamptz", {DT, V}, TSTZ, [](const Rows& a, idx_t r, Out& o) {
    int32_t d = a.get<int32_t>(0, r);
    if (d == INT32_MAX) return o.set<int64_t>(r, INT64_MAX);
    if (d == -INT32_MAX) return o.set<int64_t>(r, -INT64_MAX);
    int64_t local = int64_t{d} * 86400;
    o.set<int64_t>(r, zone_named(a.text(1, r)).utc_of_local(local) * kMicrosPerSecond);
  });
  add_function(connection, "__pg_date_as_timestamptz", {TS, V}, TS, [](const Rows& a, idx_t r, Out& o) {
    o.set<int64_t>(r, a.get<int64_t>(0, r));
  });
  add_function(connection, "__pg_date_as_timestamptz", {TSTZ, V}, TSTZ, [](const Rows& a, idx_t r, Out& o) {
    o.set<int64_t>(r, a.get<int64_t>(0, r));
  });
  add_function(connection, "__pg_date_as_timestamptz", {IV, V}, IV, [](const Rows& a, idx_t r, Out& o) {
    o.set(r, a.get<duckdb_interval>(0, r));
  });
  add_function(
      connection, "__pg_clock_timestamp", {}, TSTZ,
      [](const Rows&, idx_t r, Out& o) {
        auto now = std::chrono::system_clock::now().time_since_epoch();
        o.set<int64_t>(r, std::chrono::duration_cast<std::chrono::microseconds>(now).count());
      },
      {true, false});
  add_function(
      connection, "__pg_timeofday", {V}, V,
      [](const Rows& a, idx_t r, Out& o) {
        auto now = std::chrono::duration_cast<std::chrono::microseconds>(
                       std::chrono::system_clock::now().time_since_epoch())
                       .count();
        const TimeZone& tz = zone_named(a.text(0, r));
        std::string abbreviation;
        int32_t off = tz.offset_at(now / kMicrosPerSecond, &abbreviation);
        Moment m = moment_of_local_micros(now + int64_t{off} * kMicrosPerSecond);
        std::string s = format_moment(m, "Dy Mon DD HH24:MI:SS.US YYYY ");
        o.text(r, s + abbreviation);
      },
      {true, false});
}

}  // namespace ducklings::duck
