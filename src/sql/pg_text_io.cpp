#include "sql/pg_text_io.h"

#include <strings.h>

#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <cstring>

#include "common/errors.h"

namespace ducklings::sql {
namespace {

[[noreturn]] void invalid_input(const char* type, std::string_view text) {
  throw SqlError("22P02",
                 std::string("invalid input syntax for type ") + type + ": \"" + std::string(text) + "\"");
}

// PostgreSQL's scanner_isspace: the blanks its input functions skip.
bool is_blank(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

std::string_view trimmed(std::string_view text) {
  size_t b = 0, e = text.size();
  while (b < e && is_blank(text[b])) ++b;
  while (e > b && is_blank(text[e - 1])) --e;
  return text.substr(b, e - b);
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

int64_t parse_pg_int(const char* type, std::string_view text, int64_t min, int64_t max) {
  std::string_view t = trimmed(text);
  // PostgreSQL takes a leading '+'; from_chars does not.
  size_t skip = t.size() > 1 && t[0] == '+' && t[1] >= '0' && t[1] <= '9' ? 1 : 0;
  if (t.empty()) invalid_input(type, text);
  int64_t v = 0;
  auto [ptr, ec] = std::from_chars(t.data() + skip, t.data() + t.size(), v);
  if (ec == std::errc::result_out_of_range || (ec == std::errc() && (v < min || v > max))) {
    throw SqlError("22003", "value \"" + std::string(text) + "\" is out of range for type " + type);
  }
  if (ec != std::errc() || ptr != t.data() + t.size()) invalid_input(type, text);
  return v;
}

namespace {

// strtod or strtof over the trimmed text, with float8in's and float4in's errors.
template <typename T>
T parse_pg_floating(const char* type, std::string_view text, T (*convert)(const char*, char**)) {
  std::string t(trimmed(text));
  char* end = nullptr;
  errno = 0;
  T d = convert(t.c_str(), &end);
  if (t.empty() || *end != '\0') invalid_input(type, text);
  // Underflow to zero is an error too, as in PostgreSQL.
  if (errno == ERANGE && (std::isinf(d) || d == 0)) {
    throw SqlError("22003", "\"" + std::string(text) + "\" is out of range for type " + type);
  }
  return d;
}

}  // namespace

double parse_pg_double(std::string_view text) {
  return parse_pg_floating<double>("double precision", text, std::strtod);
}

float parse_pg_float(std::string_view text) {
  return parse_pg_floating<float>("real", text, std::strtof);
}

bool parse_pg_bool(std::string_view text) {
  std::string_view t = trimmed(text);
  auto prefix_of = [&](const char* word, size_t at_least) {
    return t.size() >= at_least && t.size() <= std::char_traits<char>::length(word) &&
           strncasecmp(t.data(), word, t.size()) == 0;
  };
  if (!t.empty()) {
    switch (t[0]) {
      case 't': case 'T': if (prefix_of("true", 1)) return true; break;
      case 'f': case 'F': if (prefix_of("false", 1)) return false; break;
      case 'y': case 'Y': if (prefix_of("yes", 1)) return true; break;
      case 'n': case 'N': if (prefix_of("no", 1)) return false; break;
      case 'o': case 'O':
        // "o" alone is neither on nor off.
        if (prefix_of("on", 2)) return true;
        if (prefix_of("off", 2)) return false;
        break;
      case '1': if (t.size() == 1) return true; break;
      case '0': if (t.size() == 1) return false; break;
      default: break;
    }
  }
  invalid_input("boolean", text);
}

std::string decode_pg_bytea(std::string_view text) {
  std::string out;
  if (text.size() >= 2 && text[0] == '\\' && text[1] == 'x') {
    size_t i = 2;
    while (i < text.size()) {
      char c = text[i];
      if (c == ' ' || c == '\n' || c == '\t' || c == '\r') {
        ++i;
        continue;
      }
      int hi = hex_value(c);
      if (hi < 0) throw SqlError("22023", "invalid hexadecimal digit: \"" + std::string(1, c) + "\"");
      if (i + 1 >= text.size()) {
        throw SqlError("22023", "invalid hexadecimal data: odd number of digits");
      }
      int lo = hex_value(text[i + 1]);
      if (lo < 0) {
        throw SqlError("22023", "invalid hexadecimal digit: \"" + std::string(1, text[i + 1]) + "\"");
      }
      out.push_back(static_cast<char>(hi * 16 + lo));
      i += 2;
    }
    return out;
  }
  auto octal = [](char c) { return c >= '0' && c <= '7'; };
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '\\') {
      out.push_back(text[i]);
    } else if (i + 1 < text.size() && text[i + 1] == '\\') {
      out.push_back('\\');
      ++i;
    } else if (i + 3 < text.size() && text[i + 1] >= '0' && text[i + 1] <= '3' &&
               octal(text[i + 2]) && octal(text[i + 3])) {
      out.push_back(static_cast<char>((text[i + 1] - '0') * 64 + (text[i + 2] - '0') * 8 +
                                      (text[i + 3] - '0')));
      i += 3;
    } else {
      throw SqlError("22P02", "invalid input syntax for type bytea");  // no value, as byteain
    }
  }
  return out;
}

std::string encode_pg_bytea(std::string_view bytes) {
  static const char digits[] = "0123456789abcdef";
  std::string out = "\\x";
  out.reserve(2 + bytes.size() * 2);
  for (unsigned char c : bytes) {
    out.push_back(digits[c >> 4]);
    out.push_back(digits[c & 15]);
  }
  return out;
}

void append_pg_float(std::string& out, double v, bool single) {
  if (std::isnan(v)) {
    out += "NaN";
    return;
  }
  if (std::isinf(v)) {
    out += v > 0 ? "Infinity" : "-Infinity";
    return;
  }
  char buf[64];
  std::to_chars_result r = single ? std::to_chars(buf, buf + sizeof(buf), static_cast<float>(v),
                                                  std::chars_format::scientific)
                                  : std::to_chars(buf, buf + sizeof(buf), v, std::chars_format::scientific);
  // [-]d[.ddd]e±XX: the significant digits and the decimal exponent.
  const char* p = buf;
  if (*p == '-') {
    out.push_back('-');
    ++p;
  }
  std::string digits;
  for (; *p != 'e'; ++p) {
    if (*p != '.') digits.push_back(*p);
  }
  int exp = 0;
  std::from_chars(p + 1 + (p[1] == '+'), r.ptr, exp);
  int n = static_cast<int>(digits.size());
  if (exp >= -4 && exp < (single ? 6 : 15)) {
    if (exp < 0) {
      out += "0.";
      out.append(static_cast<size_t>(-exp - 1), '0');
      out += digits;
    } else if (n <= exp + 1) {
      out += digits;
      out.append(static_cast<size_t>(exp + 1 - n), '0');
    } else {
      out.append(digits, 0, static_cast<size_t>(exp + 1));
      out.push_back('.');
      out.append(digits, static_cast<size_t>(exp + 1), std::string::npos);
    }
    return;
  }
  out.push_back(digits[0]);
  if (n > 1) {
    out.push_back('.');
    out.append(digits, 1, std::string::npos);
  }
  out.push_back('e');
  out.push_back(exp < 0 ? '-' : '+');
  int mag = exp < 0 ? -exp : exp;
  if (mag < 10) out.push_back('0');
  out += std::to_string(mag);
}

void append_pg_array_element(std::string& out, std::string_view text) {
  bool quote = text.empty() || (text.size() == 4 && strncasecmp(text.data(), "null", 4) == 0);
  for (char c : text) {
    if (c == '{' || c == '}' || c == '"' || c == '\\' || c == ',' || is_blank(c)) quote = true;
  }
  if (!quote) {
    out.append(text);
    return;
  }
  out.push_back('"');
  for (char c : text) {
    if (c == '"' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  out.push_back('"');
}

}  // namespace ducklings::sql
