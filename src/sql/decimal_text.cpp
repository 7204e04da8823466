#include "sql/decimal_text.h"

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

}  // namespace ducklings::sql
