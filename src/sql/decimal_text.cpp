#include "sql/decimal_text.h"

#include <algorithm>

namespace ducklings::sql {

std::optional<DecimalText> parse_decimal(std::string_view s) {
  DecimalText out;
  size_t i = 0;
  if (i < s.size() && (s[i] == '-' || s[i] == '+')) out.negative = s[i++] == '-';
  bool point = false, any = false;
  for (; i < s.size(); ++i) {
    char c = s[i];
    if (c == '.' && !point) {
      point = true;
    } else if (c >= '0' && c <= '9') {
      any = true;
      if (point) ++out.scale;
      if (!(out.digits.empty() && c == '0')) out.digits.push_back(c);
    } else {
      return std::nullopt;
    }
  }
  if (!any) return std::nullopt;
  return out;
}

std::pair<int, int> weight_and_first(const DecimalText& d) {
  if (d.digits.empty()) return {0, 0};
  int exponent = static_cast<int>(d.digits.size()) - 1 - d.scale;  // of the leading digit
  int weight = exponent >= 0 ? exponent / 4 : -((-exponent + 3) / 4);
  int n = exponent - 4 * weight + 1;  // digits of the first group: 1..4
  int first = 0;
  for (int k = 0; k < n; ++k) {
    first = first * 10 + (k < static_cast<int>(d.digits.size()) ? d.digits[k] - '0' : 0);
  }
  return {weight, first};
}

Limbs multiply_limbs(const Limbs& a, const Limbs& b) {
  Limbs out(a.size() + b.size() + 1, 0);
  for (size_t i = 0; i < a.size(); ++i) {
    uint64_t carry = 0;
    for (size_t j = 0; j < b.size(); ++j) {
      uint64_t cur = out[i + j] + a[i] * b[j] + carry;
      out[i + j] = cur % kLimbBase;
      carry = cur / kLimbBase;
    }
    for (size_t k = i + b.size(); carry > 0; ++k) {
      uint64_t cur = out[k] + carry;
      out[k] = cur % kLimbBase;
      carry = cur / kLimbBase;
    }
  }
  while (!out.empty() && out.back() == 0) out.pop_back();
  return out;
}

void increment_digits(std::string& digits) {
  size_t k = digits.size();
  while (k > 0 && digits[k - 1] == '9') digits[--k] = '0';
  if (k == 0) {
    digits.insert(digits.begin(), '1');
  } else {
    ++digits[k - 1];
  }
}

namespace {

std::string without_leading_zeros(std::string digits) {
  size_t first = digits.find_first_not_of('0');
  return first == std::string::npos ? "" : digits.substr(first);
}

}  // namespace

int compare_digits(const std::string& a, const std::string& b) {
  if (a.size() != b.size()) return a.size() < b.size() ? -1 : 1;
  return a.compare(b) < 0 ? -1 : (a == b ? 0 : 1);
}

std::string add_digits(const std::string& a, const std::string& b) {
  std::string out;
  int carry = 0;
  for (size_t i = 0; i < a.size() || i < b.size() || carry; ++i) {
    int v = carry + (i < a.size() ? a[a.size() - 1 - i] - '0' : 0) + (i < b.size() ? b[b.size() - 1 - i] - '0' : 0);
    out.push_back(static_cast<char>('0' + v % 10));
    carry = v / 10;
  }
  return without_leading_zeros(std::string(out.rbegin(), out.rend()));
}

std::string subtract_digits(const std::string& a, const std::string& b) {
  std::string out(a);
  int borrow = 0;
  for (size_t i = 0; i < out.size(); ++i) {
    size_t ai = out.size() - 1 - i;
    int v = (out[ai] - '0') - borrow - (i < b.size() ? b[b.size() - 1 - i] - '0' : 0);
    borrow = v < 0;
    out[ai] = static_cast<char>('0' + (v + 10) % 10);
  }
  return without_leading_zeros(std::move(out));
}

std::string multiply_digits(const std::string& a, const std::string& b) {
  if (a.empty() || b.empty()) return "";
  std::vector<uint64_t> column(a.size() + b.size(), 0);  // column k: 10^(size - 1 - k)
  for (size_t i = 0; i < a.size(); ++i) {
    for (size_t j = 0; j < b.size(); ++j) {
      column[i + j + 1] += static_cast<uint64_t>(a[i] - '0') * static_cast<uint64_t>(b[j] - '0');
    }
  }
  std::string out(column.size(), '0');
  uint64_t carry = 0;
  for (size_t k = column.size(); k-- > 0;) {
    uint64_t v = column[k] + carry;
    out[k] = static_cast<char>('0' + v % 10);
    carry = v / 10;
  }
  return without_leading_zeros(std::move(out));
}

std::string times_small_plus(const std::string& a, int factor, int addend) {
  std::string out;
  int carry = addend;
  for (size_t i = a.size(); i-- > 0;) {
    int v = (a[i] - '0') * factor + carry;
    out.push_back(static_cast<char>('0' + v % 10));
    carry = v / 10;
  }
  for (; carry > 0; carry /= 10) out.push_back(static_cast<char>('0' + carry % 10));
  while (!out.empty() && out.back() == '0') out.pop_back();
  return std::string(out.rbegin(), out.rend());
}

std::string format_digits(bool negative, const std::string& digits, int scale) {
  std::string padded = digits;
  if (padded.size() < static_cast<size_t>(scale) + 1) padded.insert(0, static_cast<size_t>(scale) + 1 - padded.size(), '0');
  std::string out = negative && !digits.empty() ? "-" : "";
  size_t point = padded.size() - static_cast<size_t>(scale);
  out.append(padded, 0, point);
  if (scale > 0) out.append(".").append(padded, point, std::string::npos);
  return out;
}

std::optional<std::string> numeric_add_text(std::string_view a_text, std::string_view b_text, bool subtract) {
  auto a = parse_decimal(a_text), b = parse_decimal(b_text);
  if (!a || !b) return std::nullopt;
  int scale = std::max(a->scale, b->scale);
  std::string x = a->digits.empty() ? "" : a->digits + std::string(static_cast<size_t>(scale - a->scale), '0');
  std::string y = b->digits.empty() ? "" : b->digits + std::string(static_cast<size_t>(scale - b->scale), '0');
  bool y_negative = b->negative != subtract;
  if (a->negative == y_negative) return format_digits(a->negative, add_digits(x, y), scale);
  if (compare_digits(x, y) >= 0) return format_digits(a->negative, subtract_digits(x, y), scale);
  return format_digits(y_negative, subtract_digits(y, x), scale);
}

std::optional<std::string> numeric_mul_text(std::string_view a_text, std::string_view b_text) {
  auto a = parse_decimal(a_text), b = parse_decimal(b_text);
  if (!a || !b) return std::nullopt;
  return format_digits(a->negative != b->negative, multiply_digits(a->digits, b->digits), a->scale + b->scale);
}

std::optional<int> numeric_compare_text(std::string_view a_text, std::string_view b_text) {
  auto a = parse_decimal(a_text), b = parse_decimal(b_text);
  if (!a || !b) return std::nullopt;
  bool a_negative = a->negative && !a->digits.empty(), b_negative = b->negative && !b->digits.empty();
  if (a_negative != b_negative) return a_negative ? -1 : 1;
  int scale = std::max(a->scale, b->scale);
  std::string x = a->digits.empty() ? "" : a->digits + std::string(static_cast<size_t>(scale - a->scale), '0');
  std::string y = b->digits.empty() ? "" : b->digits + std::string(static_cast<size_t>(scale - b->scale), '0');
  int c = compare_digits(x, y);
  return a_negative ? -c : c;
}

}  // namespace ducklings::sql
