#include "sql/numeric_math.h"

#include <algorithm>
#include <climits>
#include <cmath>
#include <cstdint>
#include <stdexcept>
#include <vector>

#include "sql/decimal_text.h"

// libquadmath's functions (Debian's libgcc-12-dev). Declared here rather than through
// <quadmath.h>, which lives in gcc's private include directory that clang does not search.
extern "C" {
__float128 expq(__float128);
__float128 logq(__float128);
__float128 powq(__float128, __float128);
__float128 strtoflt128(const char*, char**);
int quadmath_snprintf(char*, size_t, const char*, ...);
}

namespace ducklings::sql {
namespace {

using f128 = __float128;

constexpr int kMinSigDigits = 16;       // NUMERIC_MIN_SIG_DIGITS
constexpr int kMaxDisplayScale = 1000;  // NUMERIC_MAX_DISPLAY_SCALE
constexpr int kMaxResultScale = 2000;   // NUMERIC_MAX_RESULT_SCALE
constexpr int kQuadDigits = 30;         // digits quad precision gets right after rounding
constexpr size_t kMaxExactDigits = 4000;

[[noreturn]] void fail(const char* sqlstate, const std::string& message) {
  throw std::domain_error(std::string("[") + sqlstate + "] " + message);
}

struct Arg {
  DecimalText d;
  f128 value;
  bool zero() const { return d.digits.empty(); }
};

std::optional<Arg> parse_arg(std::string_view text) {
  auto d = parse_decimal(text);
  if (!d) return std::nullopt;
  std::string s(text);
  return Arg{*d, strtoflt128(s.c_str(), nullptr)};
}

int clamp_scale(int rscale) { return std::min(std::max(rscale, 0), kMaxDisplayScale); }

// The digit at `i` of the digit string, 0 past its end.
int digit_at(const DecimalText& d, size_t i) { return i < d.digits.size() ? d.digits[i] - '0' : 0; }

// estimate_ln_dweight: the decimal weight of ln(x), from x's leading digits.
int estimate_ln_dweight(const Arg& a) {
  if (a.d.negative || a.zero()) return 0;
  static const f128 kPointNine = strtoflt128("0.9", nullptr);
  static const f128 kOnePointOne = strtoflt128("1.1", nullptr);
  if (a.value >= kPointNine && a.value <= kOnePointOne) {
    // ln(1 + x) ≈ x: the weight of x's leading digit, exactly where x fits 128 bits.
    if (a.d.scale <= 37 && a.d.digits.size() <= 38) {
      __int128 v = 0, one = 1;
      for (char c : a.d.digits) v = v * 10 + (c - '0');
      for (int i = 0; i < a.d.scale; ++i) one *= 10;
      __int128 x = v - one;
      if (x == 0) return 0;
      if (x < 0) x = -x;
      int n = 0;
      for (; x > 0; x /= 10) ++n;
      return n - 1 - a.d.scale;
    }
    f128 x = a.value - 1;
    if (x == 0) return 0;
    return static_cast<int>(std::floor(std::log10(std::fabs(static_cast<double>(x)))));
  }
  auto [weight, first] = weight_and_first(a.d);
  int exponent = static_cast<int>(a.d.digits.size()) - 1 - a.d.scale;
  size_t n = static_cast<size_t>(exponent - 4 * weight + 1);  // digits in the first group
  bool more = a.d.digits.find_first_not_of('0', n) != std::string::npos;
  double digits = first;
  int dweight = weight * 4;
  if (more) {
    int second = 0;
    for (size_t k = 0; k < 4; ++k) second = second * 10 + digit_at(a.d, n + k);
    digits = digits * 10000 + second;
    dweight -= 4;
  }
  double ln_var = std::log(digits) + dweight * 2.302585092994046;
  return static_cast<int>(std::log10(std::fabs(ln_var)));
}

// A quad-precision result rounded to `rscale` decimals, refused where quad precision could
// not give every digit.
std::string format_quad(f128 v, int rscale) {
  if (!(v == v) || v > static_cast<f128>(1e300) || v < static_cast<f128>(-1e300)) {
    fail("22003", "value overflows numeric format");
  }
  double magnitude = std::fabs(static_cast<double>(v));
  if (magnitude >= 1e30) fail("0A000", "numeric result with more than 30 significant digits");
  std::vector<char> buf(static_cast<size_t>(rscale) + 64);
  quadmath_snprintf(buf.data(), buf.size(), "%.*Qf", rscale, v);
  std::string out(buf.data());
  size_t first = out.find_first_of("123456789");
  if (first == std::string::npos) return out[0] == '-' ? out.substr(1) : out;  // no "-0"
  size_t significant = 0;
  for (size_t i = first; i < out.size(); ++i) {
    if (out[i] != '.') ++significant;
  }
  if (significant > kQuadDigits) {
    fail("0A000", "numeric result with more than 30 significant digits (cast an argument to double "
                  "precision for an approximate answer)");
  }
  return out;
}

// Digits with `scale` of them after the point, rounded half away from zero to `rscale`.
std::string format_exact(std::string digits, int scale, int rscale, bool negative) {
  if (scale > rscale) {
    size_t drop = static_cast<size_t>(scale - rscale);
    if (digits.size() < drop + 1) digits.insert(0, drop + 1 - digits.size(), '0');
    bool up = digits[digits.size() - drop] >= '5';
    digits.resize(digits.size() - drop);
    if (up) increment_digits(digits);
    scale = rscale;
  } else {
    digits.append(static_cast<size_t>(rscale - scale), '0');
    scale = rscale;
  }
  if (digits.size() < static_cast<size_t>(scale) + 1) digits.insert(0, static_cast<size_t>(scale) + 1 - digits.size(), '0');
  size_t int_digits = digits.size() - static_cast<size_t>(scale);
  size_t strip = 0;  // leading zeros, keeping one before the point
  while (strip + 1 < int_digits && digits[strip] == '0') ++strip;
  digits.erase(0, strip);
  int_digits -= strip;
  bool zero = digits.find_first_not_of('0') == std::string::npos;
  std::string out = negative && !zero ? "-" : "";
  out.append(digits, 0, int_digits);
  if (scale > 0) out.append(".").append(digits, int_digits, std::string::npos);
  return out;
}

Limbs to_limbs(const std::string& digits) {
  Limbs out;
  for (size_t end = digits.size(); end > 0;) {
    size_t begin = end >= 9 ? end - 9 : 0;
    out.push_back(std::stoull(digits.substr(begin, end - begin)));
    end = begin;
  }
  return out;
}

std::string to_digits(const Limbs& limbs) {
  if (limbs.empty()) return "0";  // multiply_limbs' zero
  std::string out = std::to_string(limbs.back());
  for (size_t i = limbs.size() - 1; i-- > 0;) {
    std::string part = std::to_string(limbs[i]);
    out.append(9 - part.size(), '0').append(part);
  }
  return out;
}

// Whether the decimal is a whole number, and which when it fits an int.
std::optional<int64_t> integral_value(const DecimalText& d) {
  if (d.digits.empty()) return 0;
  size_t frac = static_cast<size_t>(d.scale);
  if (frac > 0 && (d.digits.size() < frac ||
                   d.digits.find_first_not_of('0', d.digits.size() - frac) != std::string::npos)) {
    return std::nullopt;
  }
  std::string whole = d.digits.substr(0, d.digits.size() - std::min(frac, d.digits.size()));
  if (whole.size() > 11) return INT64_MAX;  // beyond int32: not power_var_int's case
  int64_t v = whole.empty() ? 0 : std::stoll(whole);
  return d.negative ? -v : v;
}

void check_log_argument(const Arg& a) {
  if (a.zero()) fail("2201E", "cannot take logarithm of zero");
  if (a.d.negative) fail("2201E", "cannot take logarithm of a negative number");
}

}  // namespace

std::optional<std::string> numeric_exp(std::string_view text) {
  auto x = parse_arg(text);
  if (!x) return std::nullopt;
  double val = static_cast<double>(x->value) * 0.434294481903252;
  val = std::min(std::max(val, -static_cast<double>(kMaxResultScale)), static_cast<double>(kMaxResultScale));
  int rscale = clamp_scale(std::max(kMinSigDigits - static_cast<int>(val), x->d.scale));
  return format_quad(expq(x->value), rscale);
}

std::optional<std::string> numeric_ln(std::string_view text) {
  auto x = parse_arg(text);
  if (!x) return std::nullopt;
  check_log_argument(*x);
  int rscale = clamp_scale(std::max(kMinSigDigits - estimate_ln_dweight(*x), x->d.scale));
  return format_quad(logq(x->value), rscale);
}

std::optional<std::string> numeric_log(std::string_view base_text, std::string_view text) {
  auto b = parse_arg(base_text), x = parse_arg(text);
  if (!b || !x) return std::nullopt;
  check_log_argument(*b);
  check_log_argument(*x);
  f128 ln_base = logq(b->value);
  if (ln_base == 0) fail("22012", "division by zero");
  int result_dweight = estimate_ln_dweight(*x) - estimate_ln_dweight(*b);
  int rscale = clamp_scale(std::max({kMinSigDigits - result_dweight, b->d.scale, x->d.scale}));
  return format_quad(logq(x->value) / ln_base, rscale);
}

std::optional<std::string> numeric_power(std::string_view base_text, std::string_view exponent_text) {
  auto b = parse_arg(base_text), e = parse_arg(exponent_text);
  if (!b || !e) return std::nullopt;
  if (b->zero() && e->d.negative && !e->zero()) fail("2201F", "zero raised to a negative power is undefined");
  std::optional<int64_t> whole = integral_value(e->d);
  if (whole && *whole >= INT_MIN && *whole <= INT_MAX) {
    // power_var_int: at least 16 decimals, or the base's.
    int rscale = clamp_scale(std::max(kMinSigDigits, b->d.scale));
    int64_t k = *whole;
    if (k == 0) return format_exact("1", 0, rscale, false);
    if (k > 0) {
      if (b->d.digits.size() * static_cast<size_t>(k) > kMaxExactDigits) fail("22003", "value overflows numeric format");
      Limbs result{1}, square = to_limbs(b->d.digits.empty() ? "0" : b->d.digits);
      for (int64_t n = k; n > 0; n >>= 1) {
        if (n & 1) result = multiply_limbs(result, square);
        if (n > 1) square = multiply_limbs(square, square);
      }
      return format_exact(to_digits(result), b->d.scale * static_cast<int>(k), rscale, b->d.negative && (k & 1));
    }
    return format_quad(powq(b->value, static_cast<f128>(k)), rscale);
  }
  if (b->zero()) return format_exact("0", 0, kMinSigDigits, false);
  if (b->d.negative) fail("2201F", "a negative number raised to a non-integer power yields a complex result");
  f128 ln_num = logq(b->value) * e->value;
  double val = static_cast<double>(ln_num);
  if (std::fabs(val) > kMaxResultScale * 3.01) {
    if (val > 0) fail("22003", "value overflows numeric format");
    return format_exact("0", 0, kMaxDisplayScale, false);
  }
  val *= 0.434294481903252;
  int rscale = clamp_scale(std::max({kMinSigDigits - static_cast<int>(val), b->d.scale, e->d.scale}));
  return format_quad(powq(b->value, e->value), rscale);
}

}  // namespace ducklings::sql
