#include "duck/pg_json.h"

#include <algorithm>
#include <cstring>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <vector>

namespace ducklings::duck {
namespace {

// An error as PostgreSQL words it; its SQLSTATE follows from the words (sql/error_mapping.cpp).
struct JsonError : std::invalid_argument {
  using std::invalid_argument::invalid_argument;
};

[[noreturn]] void fail(const std::string& message) { throw JsonError(message); }

[[noreturn]] void bad_input(const std::string& detail) {
  fail("invalid input syntax for type json: " + detail);
}

// ---------------------------------------------------------------------------------------------
// The document: a tree over the parsed text, each value remembering its text as written.

struct Json {
  enum class Kind : uint8_t { kNull, kFalse, kTrue, kNumber, kString, kArray, kObject };
  Kind kind = Kind::kNull;
  std::string_view raw;           // the value as written in the parsed text (empty when built)
  std::string text;               // kString: decoded; kNumber: as written
  std::vector<Json> items;        // kArray: elements; kObject: values
  std::vector<std::string> keys;  // kObject: keys, decoded, in the order of `items`

  bool scalar() const { return kind != Kind::kArray && kind != Kind::kObject; }
};

constexpr int kMaxDepth = 6400;  // PostgreSQL's stack limit stops deeper documents too

class Parser {
 public:
  explicit Parser(std::string_view text) : s_(text) {}

  Json parse() {
    Json v = value(0);
    skip_space();
    if (at_ < s_.size()) bad_input("Token \"" + token() + "\" is invalid.");
    return v;
  }

 private:
  std::string_view s_;
  size_t at_ = 0;

  void skip_space() {
    while (at_ < s_.size() && (s_[at_] == ' ' || s_[at_] == '\t' || s_[at_] == '\n' || s_[at_] == '\r')) ++at_;
  }
  std::string token() const {
    size_t end = at_;
    while (end < s_.size() && end - at_ < 32 && !std::strchr(" \t\n\r,:]}", s_[end])) ++end;
    return std::string(s_.substr(at_, std::max<size_t>(end - at_, 1)));
  }
  [[noreturn]] void unexpected() {
    if (at_ >= s_.size()) bad_input("The input string ended unexpectedly.");
    bad_input("Token \"" + token() + "\" is invalid.");
  }

  Json value(int depth) {
    if (depth > kMaxDepth) fail("stack depth limit exceeded");
    skip_space();
    if (at_ >= s_.size()) unexpected();
    size_t start = at_;
    Json v;
    char c = s_[at_];
    if (c == '{') {
      v.kind = Json::Kind::kObject;
      ++at_;
      skip_space();
      if (at_ < s_.size() && s_[at_] == '}') {
        ++at_;
      } else {
        while (true) {
          skip_space();
          if (at_ >= s_.size() || s_[at_] != '"') unexpected();
          v.keys.push_back(string());
          skip_space();
          if (at_ >= s_.size() || s_[at_] != ':') unexpected();
          ++at_;
          v.items.push_back(value(depth + 1));
          skip_space();
          if (at_ < s_.size() && s_[at_] == ',') {
            ++at_;
            continue;
          }
          if (at_ < s_.size() && s_[at_] == '}') {
            ++at_;
            break;
          }
          unexpected();
        }
      }
    } else if (c == '[') {
      v.kind = Json::Kind::kArray;
      ++at_;
      skip_space();
      if (at_ < s_.size() && s_[at_] == ']') {
        ++at_;
      } else {
        while (true) {
          v.items.push_back(value(depth + 1));
          skip_space();
          if (at_ < s_.size() && s_[at_] == ',') {
            ++at_;
            continue;
          }
          if (at_ < s_.size() && s_[at_] == ']') {
            ++at_;
            break;
          }
          unexpected();
        }
      }
    } else if (c == '"') {
      v.kind = Json::Kind::kString;
      v.text = string();
    } else if (c == '-' || (c >= '0' && c <= '9')) {
      v.kind = Json::Kind::kNumber;
      number();
      v.text = std::string(s_.substr(start, at_ - start));
    } else if (s_.substr(at_, 4) == "true") {
      v.kind = Json::Kind::kTrue;
      at_ += 4;
    } else if (s_.substr(at_, 5) == "false") {
      v.kind = Json::Kind::kFalse;
      at_ += 5;
    } else if (s_.substr(at_, 4) == "null") {
      v.kind = Json::Kind::kNull;
      at_ += 4;
    } else {
      unexpected();
    }
    if (v.kind == Json::Kind::kTrue || v.kind == Json::Kind::kFalse || v.kind == Json::Kind::kNull) {
      // "nullx" is one bad token, not null followed by garbage.
      if (at_ < s_.size() && (std::isalnum(static_cast<unsigned char>(s_[at_])) || s_[at_] == '_')) {
        at_ = start;
        unexpected();
      }
    }
    v.raw = s_.substr(start, at_ - start);
    return v;
  }

  void number() {
    size_t start = at_;
    auto digits = [&] {
      size_t from = at_;
      while (at_ < s_.size() && s_[at_] >= '0' && s_[at_] <= '9') ++at_;
      return at_ - from;
    };
    if (s_[at_] == '-') ++at_;
    size_t int_start = at_;
    size_t n = digits();
    bool ok = n > 0 && !(n > 1 && s_[int_start] == '0');
    if (ok && at_ < s_.size() && s_[at_] == '.') {
      ++at_;
      ok = digits() > 0;
    }
    if (ok && at_ < s_.size() && (s_[at_] == 'e' || s_[at_] == 'E')) {
      ++at_;
      if (at_ < s_.size() && (s_[at_] == '+' || s_[at_] == '-')) ++at_;
      ok = digits() > 0;
    }
    if (ok && at_ < s_.size() && (std::isalnum(static_cast<unsigned char>(s_[at_])) || s_[at_] == '.')) ok = false;
    if (!ok) {
      at_ = start;
      unexpected();
    }
  }

  static void put_utf8(std::string& out, uint32_t cp) {
    if (cp < 0x80) {
      out.push_back(static_cast<char>(cp));
    } else if (cp < 0x800) {
      out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
      out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else if (cp < 0x10000) {
      out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
      out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else {
      out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
      out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    }
  }

  uint32_t hex4() {
    if (at_ + 4 > s_.size()) bad_input("\"\\u\" must be followed by four hexadecimal digits.");
    uint32_t v = 0;
    for (int i = 0; i < 4; ++i) {
      char c = s_[at_++];
      v <<= 4;
      if (c >= '0' && c <= '9') v |= c - '0';
      else if (c >= 'a' && c <= 'f') v |= c - 'a' + 10;
      else if (c >= 'A' && c <= 'F') v |= c - 'A' + 10;
      else bad_input("\"\\u\" must be followed by four hexadecimal digits.");
    }
    return v;
  }

  // A string at s_[at_] == '"', decoded.
  std::string string() {
    ++at_;
    std::string out;
    while (true) {
      if (at_ >= s_.size()) bad_input("The input string ended unexpectedly.");
      char c = s_[at_++];
      if (c == '"') return out;
      if (static_cast<unsigned char>(c) < 0x20) bad_input("Character with value 0x" + [&] {
        const char* hex = "0123456789abcdef";
        return std::string{hex[(c >> 4) & 15], hex[c & 15]};
      }() + " must be escaped.");
      if (c != '\\') {
        out.push_back(c);
        continue;
      }
      if (at_ >= s_.size()) bad_input("The input string ended unexpectedly.");
      char e = s_[at_++];
      switch (e) {
        case '"': out.push_back('"'); break;
        case '\\': out.push_back('\\'); break;
        case '/': out.push_back('/'); break;
        case 'b': out.push_back('\b'); break;
        case 'f': out.push_back('\f'); break;
        case 'n': out.push_back('\n'); break;
        case 'r': out.push_back('\r'); break;
        case 't': out.push_back('\t'); break;
        case 'u': {
          uint32_t cp = hex4();
          if (cp >= 0xD800 && cp <= 0xDBFF) {
            if (at_ + 6 > s_.size() || s_[at_] != '\\' || s_[at_ + 1] != 'u') {
              bad_input("Unicode high surrogate must not follow a high surrogate.");
            }
            at_ += 2;
            uint32_t low = hex4();
            if (low < 0xDC00 || low > 0xDFFF) bad_input("Unicode low surrogate must follow a high surrogate.");
            cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
          } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
            bad_input("Unicode low surrogate must follow a high surrogate.");
          } else if (cp == 0) {
            fail("unsupported Unicode escape sequence: \\u0000 cannot be converted to text.");
          }
          put_utf8(out, cp);
          break;
        }
        default:
          bad_input("Escape sequence \"\\" + std::string(1, e) + "\" is invalid.");
      }
    }
  }
};

Json parse(std::string_view text) { return Parser(text).parse(); }

std::optional<int64_t> path_index_of(std::string_view s);

// The fast path of -> ->> #> #>>: a member or element found in the text without building the
// tree (events' properties run to kilobytes and one key is wanted). kUnsure: the text is not
// as expected here; the caller parses it in full, which reports what is wrong.
enum class Found { kNo, kYes, kUnsure };

class Scan {
 public:
  explicit Scan(std::string_view s) : s_(s) {}

  Found field(std::string_view key, std::string_view& out) {
    ws();
    if (at_ >= s_.size() || s_[at_] != '{') return Found::kUnsure;
    ++at_;
    ws();
    Found result = Found::kNo;
    if (at_ < s_.size() && s_[at_] == '}') return end(result);
    while (true) {
      ws();
      if (at_ >= s_.size() || s_[at_] != '"') return Found::kUnsure;
      size_t key_start = at_;
      if (!skip_string()) return Found::kUnsure;
      std::string_view raw = s_.substr(key_start + 1, at_ - key_start - 2);
      bool match = raw.find('\\') == std::string_view::npos ? raw == key
                                                             : parse(s_.substr(key_start, at_ - key_start)).text == key;
      ws();
      if (at_ >= s_.size() || s_[at_] != ':') return Found::kUnsure;
      ++at_;
      ws();
      size_t value_start = at_;
      if (!skip_value()) return Found::kUnsure;
      if (match) {
        out = s_.substr(value_start, at_ - value_start);  // the last of duplicate keys wins
        result = Found::kYes;
      }
      ws();
      if (at_ < s_.size() && s_[at_] == ',') {
        ++at_;
        continue;
      }
      if (at_ < s_.size() && s_[at_] == '}') return end(result);
      return Found::kUnsure;
    }
  }

  Found element(int64_t index, std::string_view& out) {
    ws();
    if (at_ >= s_.size() || s_[at_] != '[') return Found::kUnsure;
    ++at_;
    ws();
    std::vector<std::string_view> items;
    if (at_ < s_.size() && s_[at_] == ']') return end(Found::kNo);
    while (true) {
      ws();
      size_t value_start = at_;
      if (!skip_value()) return Found::kUnsure;
      items.push_back(s_.substr(value_start, at_ - value_start));
      ws();
      if (at_ < s_.size() && s_[at_] == ',') {
        ++at_;
        continue;
      }
      if (at_ < s_.size() && s_[at_] == ']') break;
      return Found::kUnsure;
    }
    int64_t n = static_cast<int64_t>(items.size());
    if (index < 0) index += n;
    if (index < 0 || index >= n) return end(Found::kNo);
    out = items[static_cast<size_t>(index)];
    return end(Found::kYes);
  }

  // The first character of the value (after white space); 0 when there is none.
  char first() {
    ws();
    return at_ < s_.size() ? s_[at_] : 0;
  }

 private:
  std::string_view s_;
  size_t at_ = 0;

  Found end(Found result) {
    ++at_;  // the closing bracket
    ws();
    return at_ == s_.size() ? result : Found::kUnsure;
  }
  void ws() {
    while (at_ < s_.size() && (s_[at_] == ' ' || s_[at_] == '\t' || s_[at_] == '\n' || s_[at_] == '\r')) ++at_;
  }
  bool skip_string() {
    ++at_;
    while (at_ < s_.size()) {
      char c = s_[at_++];
      if (c == '\\') {
        ++at_;
      } else if (c == '"') {
        return at_ <= s_.size();
      }
    }
    return false;
  }
  bool skip_value() {
    if (at_ >= s_.size()) return false;
    char c = s_[at_];
    if (c == '"') return skip_string();
    if (c == '{' || c == '[') {
      int depth = 0;
      while (at_ < s_.size()) {
        char d = s_[at_];
        if (d == '"') {
          if (!skip_string()) return false;
          continue;
        }
        if (d == '{' || d == '[') {
          ++depth;
        } else if (d == '}' || d == ']') {
          if (--depth == 0) {
            ++at_;
            return true;
          }
        }
        ++at_;
      }
      return false;
    }
    size_t start = at_;
    while (at_ < s_.size() && !std::strchr(",]} \t\n\r", s_[at_])) ++at_;
    return at_ > start;
  }
};

// One step of a fast lookup: a key, or an index when the value is an array.
Found scan_step(std::string_view doc, const std::string& step, std::string_view& out) {
  Scan scan(doc);
  char c = scan.first();
  if (c == '{') return Scan(doc).field(step, out);
  if (c == '[') {
    auto index = path_index_of(step);
    if (!index) return Found::kNo;
    return Scan(doc).element(*index, out);
  }
  return Found::kUnsure;
}

// A JSON number as PostgreSQL's numeric prints it: 1e2 → 100, 1.50 → 1.50, 1.5e-3 → 0.0015.
std::string numeric_text(std::string_view in) {
  bool negative = !in.empty() && in[0] == '-';
  size_t i = negative ? 1 : 0;
  std::string digits;
  size_t int_digits = 0, frac_digits = 0;
  while (i < in.size() && in[i] >= '0' && in[i] <= '9') digits.push_back(in[i++]), ++int_digits;
  if (i < in.size() && in[i] == '.') {
    ++i;
    while (i < in.size() && in[i] >= '0' && in[i] <= '9') digits.push_back(in[i++]), ++frac_digits;
  }
  long exponent = 0;
  if (i < in.size() && (in[i] == 'e' || in[i] == 'E')) {
    ++i;
    bool neg_exp = i < in.size() && in[i] == '-';
    if (i < in.size() && (in[i] == '+' || in[i] == '-')) ++i;
    while (i < in.size() && in[i] >= '0' && in[i] <= '9') {
      exponent = exponent * 10 + (in[i++] - '0');
      if (exponent > 100000) break;
    }
    if (neg_exp) exponent = -exponent;
  }
  if (exponent > 1000 || exponent < -1000) fail("value overflows numeric format");
  long point = static_cast<long>(int_digits) + exponent;  // the decimal point's position in digits
  std::string int_part, frac_part;
  long n = static_cast<long>(digits.size());
  if (point <= 0) {
    int_part = "0";
    frac_part = std::string(static_cast<size_t>(-point), '0') + digits;
  } else if (point >= n) {
    int_part = digits + std::string(static_cast<size_t>(point - n), '0');
  } else {
    int_part = digits.substr(0, static_cast<size_t>(point));
    frac_part = digits.substr(static_cast<size_t>(point));
  }
  size_t lead = int_part.find_first_not_of('0');
  int_part = lead == std::string::npos ? "0" : int_part.substr(lead);
  (void)frac_digits;
  bool zero = digits.find_first_not_of('0') == std::string::npos;
  std::string out = negative && !zero ? "-" : "";
  out += int_part;
  if (!frac_part.empty()) out += "." + frac_part;
  return out;
}

// Two numbers' values are equal (1.0 = 1): their numeric texts without trailing fraction zeros.
std::string number_key(std::string_view in) {
  std::string t = numeric_text(in);
  if (t.find('.') != std::string::npos) {
    while (t.back() == '0') t.pop_back();
    if (t.back() == '.') t.pop_back();
  }
  if (t == "-0") t = "0";
  return t;
}

void escape_string(std::string& out, std::string_view s) {
  out.push_back('"');
  for (char c : s) {
    switch (c) {
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          const char* hex = "0123456789abcdef";
          out += "\\u00";
          out.push_back(hex[(c >> 4) & 15]);
          out.push_back(hex[c & 15]);
        } else {
          out.push_back(c);
        }
    }
  }
  out.push_back('"');
}

// jsonb's key order: shorter keys first, then bytewise.
bool key_less(const std::string& a, const std::string& b) {
  if (a.size() != b.size()) return a.size() < b.size();
  return std::memcmp(a.data(), b.data(), a.size()) < 0;
}

// Sorts keys as jsonb does, keeping the last of duplicates; numbers become numeric text.
void normalize(Json& v) {
  v.raw = {};
  if (v.kind == Json::Kind::kNumber) {
    v.text = numeric_text(v.text);
  } else if (v.kind == Json::Kind::kArray) {
    for (auto& item : v.items) normalize(item);
  } else if (v.kind == Json::Kind::kObject) {
    std::vector<size_t> order(v.keys.size());
    for (size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::stable_sort(order.begin(), order.end(),
                     [&](size_t a, size_t b) { return key_less(v.keys[a], v.keys[b]); });
    std::vector<std::string> keys;
    std::vector<Json> items;
    for (size_t k = 0; k < order.size(); ++k) {
      size_t i = order[k];
      if (k + 1 < order.size() && v.keys[order[k + 1]] == v.keys[i]) continue;  // a later one wins
      keys.push_back(std::move(v.keys[i]));
      items.push_back(std::move(v.items[i]));
    }
    v.keys = std::move(keys);
    v.items = std::move(items);
    for (auto& item : v.items) normalize(item);
  }
}

// jsonb's text: {"a": 1, "b": [1, 2]}. Values keep their text as written when they have one.
void write_jsonb(const Json& v, std::string& out) {
  switch (v.kind) {
    case Json::Kind::kNull: out += "null"; break;
    case Json::Kind::kTrue: out += "true"; break;
    case Json::Kind::kFalse: out += "false"; break;
    case Json::Kind::kNumber: out += v.text; break;
    case Json::Kind::kString: escape_string(out, v.text); break;
    case Json::Kind::kArray:
      out.push_back('[');
      for (size_t i = 0; i < v.items.size(); ++i) {
        if (i) out += ", ";
        write_jsonb(v.items[i], out);
      }
      out.push_back(']');
      break;
    case Json::Kind::kObject:
      out.push_back('{');
      for (size_t i = 0; i < v.items.size(); ++i) {
        if (i) out += ", ";
        escape_string(out, v.keys[i]);
        out += ": ";
        write_jsonb(v.items[i], out);
      }
      out.push_back('}');
      break;
  }
}

std::string jsonb_text(const Json& v) {
  std::string out;
  write_jsonb(v, out);
  return out;
}

// json's text without whitespace between tokens (json_strip_nulls' output).
void write_compact(const Json& v, std::string& out) {
  if (v.kind == Json::Kind::kArray) {
    out.push_back('[');
    for (size_t i = 0; i < v.items.size(); ++i) {
      if (i) out.push_back(',');
      write_compact(v.items[i], out);
    }
    out.push_back(']');
  } else if (v.kind == Json::Kind::kObject) {
    out.push_back('{');
    for (size_t i = 0; i < v.items.size(); ++i) {
      if (i) out.push_back(',');
      escape_string(out, v.keys[i]);
      out.push_back(':');
      write_compact(v.items[i], out);
    }
    out.push_back('}');
  } else if (!v.raw.empty()) {
    out += v.raw;
  } else {
    write_jsonb(v, out);
  }
}

// jsonb_pretty: four spaces a level, one value or pair a line.
void write_pretty(const Json& v, std::string& out, int level) {
  auto indent = [&](int l) {
    out.push_back('\n');
    out.append(static_cast<size_t>(l) * 4, ' ');
  };
  if (v.scalar()) {
    write_jsonb(v, out);
    return;
  }
  bool object = v.kind == Json::Kind::kObject;
  out.push_back(object ? '{' : '[');
  for (size_t i = 0; i < v.items.size(); ++i) {
    if (i) out.push_back(',');
    indent(level + 1);
    if (object) {
      escape_string(out, v.keys[i]);
      out += ": ";
    }
    write_pretty(v.items[i], out, level + 1);
  }
  indent(level);
  out.push_back(object ? '}' : ']');
}

// The text a value stands for in ->> and friends: strings decoded, null none, others as written.
std::optional<std::string> as_text(const Json& v) {
  switch (v.kind) {
    case Json::Kind::kNull: return std::nullopt;
    case Json::Kind::kString: return v.text;
    default:
      if (!v.raw.empty()) return std::string(v.raw);
      return jsonb_text(v);
  }
}

std::string value_text(const Json& v) { return v.raw.empty() ? jsonb_text(v) : std::string(v.raw); }

const char* type_name(const Json& v) {
  switch (v.kind) {
    case Json::Kind::kNull: return "null";
    case Json::Kind::kTrue:
    case Json::Kind::kFalse: return "boolean";
    case Json::Kind::kNumber: return "number";
    case Json::Kind::kString: return "string";
    case Json::Kind::kArray: return "array";
    case Json::Kind::kObject: return "object";
  }
  return "null";
}

// Key lookup: PostgreSQL's json takes the last of duplicate keys as jsonb would.
const Json* field(const Json& v, std::string_view key) {
  if (v.kind != Json::Kind::kObject) return nullptr;
  for (size_t i = v.keys.size(); i-- > 0;) {
    if (v.keys[i] == key) return &v.items[i];
  }
  return nullptr;
}

// jsonb keeps a scalar as a one-element array: '"a"'::jsonb -> 0 is "a" (json's is NULL).
const Json* element(const Json& v, int64_t index, bool jsonb) {
  if (jsonb && v.scalar() && (index == 0 || index == -1)) return &v;
  if (v.kind != Json::Kind::kArray) return nullptr;
  int64_t n = static_cast<int64_t>(v.items.size());
  if (index < 0) index += n;
  if (index < 0 || index >= n) return nullptr;
  return &v.items[static_cast<size_t>(index)];
}

// A path element naming an array position ("2", "-1"); nullopt when it is not an integer.
std::optional<int64_t> path_index_of(std::string_view s) {
  if (s.empty()) return std::nullopt;
  size_t i = s[0] == '-' || s[0] == '+' ? 1 : 0;
  if (i == s.size() || s.size() - i > 18) return std::nullopt;
  int64_t v = 0;
  for (; i < s.size(); ++i) {
    if (s[i] < '0' || s[i] > '9') return std::nullopt;
    v = v * 10 + (s[i] - '0');
  }
  return s[0] == '-' ? -v : v;
}

using Path = std::vector<std::optional<std::string>>;

const Json* follow(const Json& root, const Path& path) {
  const Json* at = &root;
  for (const auto& step : path) {
    if (!step) return nullptr;
    if (at->kind == Json::Kind::kObject) {
      at = field(*at, *step);
    } else if (at->kind == Json::Kind::kArray) {
      auto index = path_index_of(*step);
      at = index ? element(*at, *index, false) : nullptr;
    } else {
      return nullptr;
    }
    if (!at) return nullptr;
  }
  return at;
}

// ---------------------------------------------------------------------------------------------
// jsonb operations (their operands are normalised text).

bool scalar_equal(const Json& a, const Json& b) {
  if (a.kind != b.kind) return false;
  if (a.kind == Json::Kind::kNumber) return number_key(a.text) == number_key(b.text);
  if (a.kind == Json::Kind::kString) return a.text == b.text;
  return true;
}

// jsonb = jsonb: the same structure with equal values (1.0 = 1); objects' keys are in jsonb's
// order on both sides.
bool deep_equal(const Json& a, const Json& b) {
  if (a.kind != b.kind) return false;
  if (a.kind == Json::Kind::kObject || a.kind == Json::Kind::kArray) {
    if (a.items.size() != b.items.size() || a.keys != b.keys) return false;
    for (size_t i = 0; i < a.items.size(); ++i) {
      if (!deep_equal(a.items[i], b.items[i])) return false;
    }
    return true;
  }
  return scalar_equal(a, b);
}

bool contains(const Json& a, const Json& b, bool top) {
  if (a.kind == Json::Kind::kObject) {
    if (b.kind != Json::Kind::kObject) return false;
    for (size_t i = 0; i < b.keys.size(); ++i) {
      const Json* mine = field(a, b.keys[i]);
      if (!mine) return false;
      const Json& theirs = b.items[i];
      if (theirs.scalar()) {
        if (!scalar_equal(*mine, theirs)) return false;
      } else if (mine->kind != theirs.kind || !contains(*mine, theirs, false)) {
        return false;
      }
    }
    return true;
  }
  if (a.kind == Json::Kind::kArray) {
    if (b.scalar()) {
      // A top-level array contains a scalar it holds.
      if (!top) return false;
      for (const auto& item : a.items) {
        if (item.scalar() && scalar_equal(item, b)) return true;
      }
      return false;
    }
    if (b.kind != Json::Kind::kArray) return false;
    for (const auto& want : b.items) {
      bool found = false;
      for (const auto& item : a.items) {
        if (want.scalar() ? item.scalar() && scalar_equal(item, want)
                          : item.kind == want.kind && contains(item, want, false)) {
          found = true;
          break;
        }
      }
      if (!found) return false;
    }
    return true;
  }
  return b.scalar() && scalar_equal(a, b);
}

bool exists(const Json& v, std::string_view key) {
  if (v.kind == Json::Kind::kObject) return field(v, key) != nullptr;
  if (v.kind == Json::Kind::kArray) {
    for (const auto& item : v.items) {
      if (item.kind == Json::Kind::kString && item.text == key) return true;
    }
    return false;
  }
  return v.kind == Json::Kind::kString && v.text == key;
}

Json concat(Json a, Json b) {
  if (a.kind == Json::Kind::kObject && b.kind == Json::Kind::kObject) {
    for (size_t i = 0; i < b.keys.size(); ++i) {
      a.keys.push_back(std::move(b.keys[i]));
      a.items.push_back(std::move(b.items[i]));
    }
    normalize(a);
    return a;
  }
  Json out;
  out.kind = Json::Kind::kArray;
  for (Json* side : {&a, &b}) {
    if (side->kind == Json::Kind::kArray) {
      for (auto& item : side->items) out.items.push_back(std::move(item));
    } else {
      out.items.push_back(std::move(*side));
    }
  }
  return out;
}

void delete_key(Json& v, std::string_view key) {
  if (v.scalar()) fail("cannot delete from scalar");
  if (v.kind == Json::Kind::kObject) {
    for (size_t i = v.keys.size(); i-- > 0;) {
      if (v.keys[i] == key) {
        v.keys.erase(v.keys.begin() + static_cast<long>(i));
        v.items.erase(v.items.begin() + static_cast<long>(i));
      }
    }
  } else {
    for (size_t i = v.items.size(); i-- > 0;) {
      if (v.items[i].kind == Json::Kind::kString && v.items[i].text == key) {
        v.items.erase(v.items.begin() + static_cast<long>(i));
      }
    }
  }
}

void delete_index(Json& v, int64_t index) {
  if (v.scalar()) fail("cannot delete from scalar");
  if (v.kind == Json::Kind::kObject) fail("cannot delete from object using integer index");
  int64_t n = static_cast<int64_t>(v.items.size());
  if (index < 0) index += n;
  if (index < 0 || index >= n) return;
  v.items.erase(v.items.begin() + index);
}

int64_t path_position(const std::string& step, size_t position) {
  auto index = path_index_of(step);
  if (!index) {
    fail("path element at position " + std::to_string(position + 1) + " is not an integer: \"" + step + "\"");
  }
  return *index;
}

void delete_path(Json& v, const Path& path, size_t at) {
  if (at >= path.size()) return;
  if (!path[at]) fail("path element at position " + std::to_string(at + 1) + " is null");
  bool last = at + 1 == path.size();
  if (v.kind == Json::Kind::kObject) {
    for (size_t i = v.keys.size(); i-- > 0;) {
      if (v.keys[i] != *path[at]) continue;
      if (last) {
        v.keys.erase(v.keys.begin() + static_cast<long>(i));
        v.items.erase(v.items.begin() + static_cast<long>(i));
      } else if (!v.items[i].scalar()) {
        delete_path(v.items[i], path, at + 1);
      }
      return;
    }
  } else if (v.kind == Json::Kind::kArray) {
    int64_t index = path_position(*path[at], at);
    int64_t n = static_cast<int64_t>(v.items.size());
    if (index < 0) index += n;
    if (index < 0 || index >= n) return;
    if (last) {
      v.items.erase(v.items.begin() + index);
    } else if (!v.items[static_cast<size_t>(index)].scalar()) {
      delete_path(v.items[static_cast<size_t>(index)], path, at + 1);
    }
  }
}

// jsonb_set (insert = false) and jsonb_insert (insert = true).
void set_path(Json& v, const Path& path, size_t at, const Json& value, bool create, bool insert, bool after) {
  if (!path[at]) fail("path element at position " + std::to_string(at + 1) + " is null");
  bool last = at + 1 == path.size();
  const std::string& step = *path[at];
  if (v.kind == Json::Kind::kObject) {
    for (size_t i = v.keys.size(); i-- > 0;) {
      if (v.keys[i] != step) continue;
      if (last) {
        if (insert) fail("cannot replace existing key");
        v.items[i] = value;
      } else if (!v.items[i].scalar()) {
        set_path(v.items[i], path, at + 1, value, create, insert, after);
      }
      return;
    }
    if (last && (create || insert)) {
      v.keys.push_back(step);
      v.items.push_back(value);
      normalize(v);
    }
  } else if (v.kind == Json::Kind::kArray) {
    int64_t index = path_position(step, at);
    int64_t n = static_cast<int64_t>(v.items.size());
    if (index < 0) index += n;
    if (last) {
      if (index < 0) {
        if (create || insert) v.items.insert(v.items.begin(), value);
      } else if (index >= n) {
        if (create || insert) v.items.push_back(value);
      } else if (insert) {
        v.items.insert(v.items.begin() + index + (after ? 1 : 0), value);
      } else {
        v.items[static_cast<size_t>(index)] = value;
      }
    } else if (index >= 0 && index < n && !v.items[static_cast<size_t>(index)].scalar()) {
      set_path(v.items[static_cast<size_t>(index)], path, at + 1, value, create, insert, after);
    }
  }
}

void strip_nulls(Json& v) {
  if (v.kind == Json::Kind::kObject) {
    std::vector<std::string> keys;
    std::vector<Json> items;
    for (size_t i = 0; i < v.keys.size(); ++i) {
      if (v.items[i].kind == Json::Kind::kNull) continue;
      keys.push_back(std::move(v.keys[i]));
      items.push_back(std::move(v.items[i]));
    }
    v.keys = std::move(keys);
    v.items = std::move(items);
  }
  for (auto& item : v.items) strip_nulls(item);
}

// ---------------------------------------------------------------------------------------------
// DuckDB vectors.

std::string_view string_at(duckdb_vector v, idx_t row) {
  auto* data = static_cast<duckdb_string_t*>(duckdb_vector_get_data(v));
  duckdb_string_t& s = data[row];
  return {duckdb_string_t_data(&s), duckdb_string_t_length(s)};
}

bool valid(duckdb_vector v, idx_t row) {
  uint64_t* validity = duckdb_vector_get_validity(v);
  return !validity || duckdb_validity_row_is_valid(validity, row);
}

void set_null(duckdb_vector v, idx_t row) {
  duckdb_vector_ensure_validity_writable(v);
  duckdb_validity_set_row_invalid(duckdb_vector_get_validity(v), row);
}

void set_string(duckdb_vector v, idx_t row, std::string_view s) {
  duckdb_vector_assign_string_element_len(v, row, s.data(), s.size());
}

// kDoc: the document (jsonb or json, per overload); kJsonb: a second jsonb operand.
enum class Param { kDoc, kText, kJsonb, kBigint, kTextList, kBool };

// One row's arguments.
class Args {
 public:
  Args(duckdb_data_chunk chunk, const std::vector<Param>& params, bool jsonb) : params_(params), jsonb_(jsonb) {
    for (idx_t c = 0; c < params.size(); ++c) vectors_.push_back(duckdb_data_chunk_get_vector(chunk, c));
  }
  void at(idx_t row) { row_ = row; }
  bool jsonb() const { return jsonb_; }  // the document is jsonb (not json)
  bool any_null() const {
    for (auto v : vectors_) {
      if (!valid(v, row_)) return true;
    }
    return false;
  }
  std::string_view text(size_t i) const { return string_at(vectors_[i], row_); }
  int64_t bigint(size_t i) const { return static_cast<int64_t*>(duckdb_vector_get_data(vectors_[i]))[row_]; }
  bool boolean(size_t i) const { return static_cast<bool*>(duckdb_vector_get_data(vectors_[i]))[row_]; }
  Path text_list(size_t i) const {
    auto* entries = static_cast<duckdb_list_entry*>(duckdb_vector_get_data(vectors_[i]));
    duckdb_vector child = duckdb_list_vector_get_child(vectors_[i]);
    Path out;
    const duckdb_list_entry& e = entries[row_];
    for (idx_t k = e.offset; k < e.offset + e.length; ++k) {
      if (valid(child, k)) {
        out.emplace_back(std::string(string_at(child, k)));
      } else {
        out.emplace_back(std::nullopt);
      }
    }
    return out;
  }

 private:
  const std::vector<Param>& params_;
  bool jsonb_;
  std::vector<duckdb_vector> vectors_;
  idx_t row_ = 0;
};

// Where one row's result goes.
class Out {
 public:
  explicit Out(duckdb_vector v) : v_(v) {}
  void at(idx_t row) { row_ = row; }
  void null() { set_null(v_, row_); }
  void text(std::string_view s) { set_string(v_, row_, s); }
  void maybe_text(const std::optional<std::string>& s) {
    if (s) {
      text(std::string_view(*s));
    } else {
      null();
    }
  }
  void boolean(bool b) { static_cast<bool*>(duckdb_vector_get_data(v_))[row_] = b; }
  void integer(int32_t i) { static_cast<int32_t*>(duckdb_vector_get_data(v_))[row_] = i; }
  // A list of texts (NULL entries where nullopt); with keys, a list of STRUCT(key, value).
  void list(const std::vector<std::optional<std::string>>& values, const std::vector<std::string>* keys = nullptr) {
    idx_t offset = duckdb_list_vector_get_size(v_);
    duckdb_list_vector_reserve(v_, offset + values.size());
    duckdb_vector child = duckdb_list_vector_get_child(v_);
    duckdb_vector value_vector = keys ? duckdb_struct_vector_get_child(child, 1) : child;
    duckdb_vector key_vector = keys ? duckdb_struct_vector_get_child(child, 0) : nullptr;
    for (size_t k = 0; k < values.size(); ++k) {
      if (values[k]) {
        set_string(value_vector, offset + k, *values[k]);
      } else {
        set_null(value_vector, offset + k);
      }
      if (keys) set_string(key_vector, offset + k, (*keys)[k]);
    }
    duckdb_list_vector_set_size(v_, offset + values.size());
    auto* entries = static_cast<duckdb_list_entry*>(duckdb_vector_get_data(v_));
    entries[row_] = {offset, values.size()};
  }

 private:
  duckdb_vector v_;
  idx_t row_ = 0;
};

using RowFunction = std::function<void(const Args&, Out&)>;

struct Function {
  std::vector<Param> params;
  RowFunction fn;
  bool null_in_null_out = true;
  bool jsonb = false;
};

void call(duckdb_function_info info, duckdb_data_chunk input, duckdb_vector output) {
  auto* f = static_cast<Function*>(duckdb_scalar_function_get_extra_info(info));
  idx_t rows = duckdb_data_chunk_get_size(input);
  Args args(input, f->params, f->jsonb);
  Out out(output);
  try {
    for (idx_t r = 0; r < rows; ++r) {
      args.at(r);
      out.at(r);
      if (f->null_in_null_out && args.any_null()) {
        out.null();
        continue;
      }
      f->fn(args, out);
    }
  } catch (const std::exception& e) {
    duckdb_scalar_function_set_error(info, e.what());
  }
}

struct Types {
  duckdb_logical_type jsonb, json, varchar, bigint, integer, boolean, varchar_list;
  Types() {
    jsonb = duckdb_create_logical_type(DUCKDB_TYPE_VARCHAR);
    duckdb_logical_type_set_alias(jsonb, std::string(kJsonbAlias).c_str());
    json = duckdb_create_logical_type(DUCKDB_TYPE_VARCHAR);
    duckdb_logical_type_set_alias(json, "JSON");
    varchar = duckdb_create_logical_type(DUCKDB_TYPE_VARCHAR);
    bigint = duckdb_create_logical_type(DUCKDB_TYPE_BIGINT);
    integer = duckdb_create_logical_type(DUCKDB_TYPE_INTEGER);
    boolean = duckdb_create_logical_type(DUCKDB_TYPE_BOOLEAN);
    varchar_list = duckdb_create_list_type(varchar);
  }
  ~Types() {
    for (auto* t : {&jsonb, &json, &varchar, &bigint, &integer, &boolean, &varchar_list}) {
      duckdb_destroy_logical_type(t);
    }
  }
  duckdb_logical_type of(Param p, duckdb_logical_type doc) const {
    switch (p) {
      case Param::kDoc: return doc;
      case Param::kText: return varchar;
      case Param::kJsonb: return jsonb;
      case Param::kBigint: return bigint;
      case Param::kTextList: return varchar_list;
      case Param::kBool: return boolean;
    }
    return varchar;
  }
};

class Registry {
 public:
  explicit Registry(duckdb_connection c) : c_(c) {}

  // One overload of `name`; kDoc parameters have type `doc`.
  void add(const std::string& name, duckdb_logical_type doc, std::vector<Param> params,
           duckdb_logical_type ret, RowFunction fn, bool null_in_null_out = true) {
    duckdb_scalar_function f = duckdb_create_scalar_function();
    duckdb_scalar_function_set_name(f, name.c_str());
    for (size_t i = 0; i < params.size(); ++i) {
      duckdb_scalar_function_add_parameter(f, types_.of(params[i], doc));
    }
    duckdb_scalar_function_set_return_type(f, ret);
    if (!null_in_null_out) duckdb_scalar_function_set_special_handling(f);
    auto* fn_info = new Function{std::move(params), std::move(fn), null_in_null_out, doc == types_.jsonb};
    duckdb_scalar_function_set_extra_info(f, fn_info, [](void* p) { delete static_cast<Function*>(p); });
    duckdb_scalar_function_set_function(f, call);
    sets_[name].push_back(f);
  }

  // Two overloads: jsonb in and out, json in and out.
  void add_both(const std::string& name, std::vector<Param> params, bool returns_input_type,
                duckdb_logical_type ret, const RowFunction& fn) {
    add(name, types_.jsonb, params, returns_input_type ? types_.jsonb : ret, fn);
    add(name, types_.json, params, returns_input_type ? types_.json : ret, fn);
  }

  void register_all() {
    for (auto& [name, functions] : sets_) {
      duckdb_scalar_function_set set = duckdb_create_scalar_function_set(name.c_str());
      for (auto& f : functions) {
        duckdb_add_scalar_function_to_set(set, f);
        duckdb_destroy_scalar_function(&f);
      }
      duckdb_state state = duckdb_register_scalar_function_set(c_, set);
      duckdb_destroy_scalar_function_set(&set);
      if (state != DuckDBSuccess) throw std::runtime_error("cannot register function " + name);
    }
    sets_.clear();
  }

  const Types& types() const { return types_; }

 private:
  duckdb_connection c_;
  Types types_;
  struct Sets {
    std::vector<std::pair<std::string, std::vector<duckdb_scalar_function>>> items;
    std::vector<duckdb_scalar_function>& operator[](const std::string& name) {
      for (auto& [n, v] : items) {
        if (n == name) return v;
      }
      items.emplace_back(name, std::vector<duckdb_scalar_function>{});
      return items.back().second;
    }
    using Items = std::vector<std::pair<std::string, std::vector<duckdb_scalar_function>>>;
    Items::iterator begin() { return items.begin(); }
    Items::iterator end() { return items.end(); }
    void clear() { items.clear(); }
  } sets_;
};

// VARCHAR or JSON → jsonb: parsed and normalised; a bad document fails as PostgreSQL's input does.
bool cast_to_jsonb(duckdb_function_info info, idx_t count, duckdb_vector input, duckdb_vector output) {
  for (idx_t r = 0; r < count; ++r) {
    if (!valid(input, r)) {
      set_null(output, r);
      continue;
    }
    try {
      set_string(output, r, normalize_jsonb(string_at(input, r)));
    } catch (const std::exception& e) {
      if (duckdb_cast_function_get_cast_mode(info) == DUCKDB_CAST_TRY) {
        duckdb_cast_function_set_row_error(info, e.what(), r, output);
      } else {
        duckdb_cast_function_set_error(info, e.what());
        return false;
      }
    }
  }
  return true;
}

bool same_vector(duckdb_function_info, idx_t, duckdb_vector input, duckdb_vector output) {
  duckdb_vector_reference_vector(output, input);
  return true;
}

void register_cast(duckdb_connection c, duckdb_logical_type from, duckdb_logical_type to, int64_t implicit_cost,
                   duckdb_cast_function_t fn) {
  duckdb_cast_function cast = duckdb_create_cast_function();
  duckdb_cast_function_set_source_type(cast, from);
  duckdb_cast_function_set_target_type(cast, to);
  if (implicit_cost >= 0) duckdb_cast_function_set_implicit_cast_cost(cast, implicit_cost);
  duckdb_cast_function_set_function(cast, fn);
  duckdb_state state = duckdb_register_cast_function(c, cast);
  duckdb_destroy_cast_function(&cast);
  if (state != DuckDBSuccess) throw std::runtime_error("cannot register a jsonb cast");
}

}  // namespace

std::string normalize_jsonb(std::string_view text) {
  Json v = parse(text);
  normalize(v);
  return jsonb_text(v);
}

void append_json_string(std::string& out, std::string_view s) { escape_string(out, s); }

void register_pg_json(duckdb_connection connection) {
  Registry r(connection);
  const Types& t = r.types();
  if (duckdb_register_logical_type(connection, t.jsonb, nullptr) != DuckDBSuccess) {
    throw std::runtime_error("cannot register the jsonb type");
  }
  // Text and json become jsonb by normalising (also implicitly: a string literal where jsonb is
  // expected, as PostgreSQL's unknown literals); jsonb is valid json as it is.
  register_cast(connection, t.varchar, t.jsonb, 200, cast_to_jsonb);
  register_cast(connection, t.json, t.jsonb, -1, cast_to_jsonb);
  register_cast(connection, t.jsonb, t.json, 1, same_vector);
  register_cast(connection, t.jsonb, t.varchar, -1, same_vector);

  using P = Param;
  // -> and ->> (key or index), #> and #>> (text[] path).
  // -> ->> #> #>>: the fast scan first; the full parse when it is unsure (scalars, bad text).
  struct Lookup {
    Found found;
    std::string_view span;
    const Json* value;  // when parsed in full
    Json tree;
  };
  // Fills `l` in place: its value may point at its own tree.
  auto lookup = [](const Args& a, P key, Lookup& l) {
    std::string_view doc = a.text(0);
    if (key == P::kText) {
      l.found = Scan(doc).field(a.text(1), l.span);
    } else if (key == P::kBigint && Scan(doc).first() == '[') {
      l.found = Scan(doc).element(a.bigint(1), l.span);
    } else if (key == P::kTextList) {
      Path path = a.text_list(1);
      std::string_view at = doc;
      l.found = path.empty() ? Found::kUnsure : Found::kYes;
      for (const auto& step : path) {
        if (!step) {
          l.found = Found::kNo;
          break;
        }
        std::string_view next;
        l.found = scan_step(at, *step, next);
        if (l.found != Found::kYes) break;
        at = next;
      }
      if (l.found == Found::kYes) l.span = at;
    }
    if (l.found == Found::kUnsure) {
      l.tree = parse(doc);
      l.value = key == P::kText     ? field(l.tree, a.text(1))
                : key == P::kBigint ? element(l.tree, a.bigint(1), a.jsonb())
                                    : follow(l.tree, a.text_list(1));
    }
  };
  auto put = [](const Lookup& l, Out& o, bool as_text_value) {
    if (l.found == Found::kNo || (l.found == Found::kUnsure && !l.value)) {
      o.null();
    } else if (l.found == Found::kUnsure) {
      if (as_text_value) {
        o.maybe_text(as_text(*l.value));
      } else {
        o.text(value_text(*l.value));
      }
    } else if (!as_text_value) {
      o.text(l.span);
    } else if (l.span == "null") {
      o.null();
    } else if (!l.span.empty() && l.span[0] == '"') {
      std::string_view inner = l.span.substr(1, l.span.size() - 2);
      if (inner.find('\\') == std::string_view::npos) {
        o.text(inner);
      } else {
        o.text(std::string_view(parse(l.span).text));
      }
    } else {
      o.text(l.span);
    }
  };
  for (P key : {P::kText, P::kBigint, P::kTextList}) {
    const char* get = key == P::kTextList ? "__pgj_path" : "__pgj_get";
    const char* get_text = key == P::kTextList ? "__pgj_path_text" : "__pgj_get_text";
    r.add_both(get, {P::kDoc, key}, true, nullptr,
               [=](const Args& a, Out& o) {
                 Lookup l{Found::kUnsure, {}, nullptr, {}};
                 lookup(a, key, l);
                 put(l, o, false);
               });
    r.add_both(get_text, {P::kDoc, key}, false, t.varchar,
               [=](const Args& a, Out& o) {
                 Lookup l{Found::kUnsure, {}, nullptr, {}};
                 lookup(a, key, l);
                 put(l, o, true);
               });
  }
  r.add_both("__pgj_typeof", {P::kDoc}, false, t.varchar,
             [](const Args& a, Out& o) { o.text(type_name(parse(a.text(0)))); });
  r.add_both("__pgj_array_length", {P::kDoc}, false, t.integer, [](const Args& a, Out& o) {
    Json v = parse(a.text(0));
    if (v.kind == Json::Kind::kObject) fail("cannot get array length of a non-array");
    if (v.kind != Json::Kind::kArray) fail("cannot get array length of a scalar");
    o.integer(static_cast<int32_t>(v.items.size()));
  });

  // Set-returning functions: a list the SQL unnests.
  {
    duckdb_logical_type jsonb_list = duckdb_create_list_type(t.jsonb);
    duckdb_logical_type json_list = duckdb_create_list_type(t.json);
    const char* names[] = {"key", "value"};
    duckdb_logical_type jsonb_pair[] = {t.varchar, t.jsonb};
    duckdb_logical_type json_pair[] = {t.varchar, t.json};
    duckdb_logical_type text_pair[] = {t.varchar, t.varchar};
    duckdb_logical_type jsonb_struct = duckdb_create_struct_type(jsonb_pair, names, 2);
    duckdb_logical_type json_struct = duckdb_create_struct_type(json_pair, names, 2);
    duckdb_logical_type text_struct = duckdb_create_struct_type(text_pair, names, 2);
    duckdb_logical_type jsonb_pairs = duckdb_create_list_type(jsonb_struct);
    duckdb_logical_type json_pairs = duckdb_create_list_type(json_struct);
    duckdb_logical_type text_pairs = duckdb_create_list_type(text_struct);

    auto elements = [](bool text) {
      return [text](const Args& a, Out& o) {
        Json v = parse(a.text(0));
        if (v.kind == Json::Kind::kObject) fail("cannot extract elements from an object");
        if (v.kind != Json::Kind::kArray) fail("cannot extract elements from a scalar");
        std::vector<std::optional<std::string>> out;
        for (const auto& item : v.items) out.push_back(text ? as_text(item) : value_text(item));
        o.list(out);
      };
    };
    r.add("__pgj_elements", t.jsonb, {P::kDoc}, jsonb_list, elements(false));
    r.add("__pgj_elements", t.json, {P::kDoc}, json_list, elements(false));
    r.add_both("__pgj_elements_text", {P::kDoc}, false, t.varchar_list, elements(true));

    auto each = [](bool text) {
      return [text](const Args& a, Out& o) {
        Json v = parse(a.text(0));
        if (v.kind != Json::Kind::kObject) fail("cannot call jsonb_each on a non-object");
        std::vector<std::optional<std::string>> values;
        for (const auto& item : v.items) values.push_back(text ? as_text(item) : value_text(item));
        o.list(values, &v.keys);
      };
    };
    r.add("__pgj_each", t.jsonb, {P::kDoc}, jsonb_pairs, each(false));
    r.add("__pgj_each", t.json, {P::kDoc}, json_pairs, each(false));
    r.add_both("__pgj_each_text", {P::kDoc}, false, text_pairs, each(true));
    r.add_both("__pgj_keys", {P::kDoc}, false, t.varchar_list, [](const Args& a, Out& o) {
      Json v = parse(a.text(0));
      if (v.kind == Json::Kind::kArray) fail("cannot call jsonb_object_keys on an array");
      if (v.kind != Json::Kind::kObject) fail("cannot call jsonb_object_keys on a scalar");
      std::vector<std::optional<std::string>> keys(v.keys.begin(), v.keys.end());
      o.list(keys);
    });
    for (auto* type : {&jsonb_list, &json_list, &jsonb_struct, &json_struct, &text_struct, &jsonb_pairs,
                       &json_pairs, &text_pairs}) {
      duckdb_destroy_logical_type(type);
    }
  }

  // jsonb's own operators.
  r.add("__pgj_exists", t.jsonb, {P::kDoc, P::kText}, t.boolean,
        [](const Args& a, Out& o) { o.boolean(exists(parse(a.text(0)), a.text(1))); });
  for (bool all : {false, true}) {
    r.add(all ? "__pgj_exists_all" : "__pgj_exists_any", t.jsonb, {P::kDoc, P::kTextList}, t.boolean,
          [all](const Args& a, Out& o) {
            Json v = parse(a.text(0));
            bool result = all;
            for (const auto& key : a.text_list(1)) {
              if (!key) continue;  // PostgreSQL skips NULL keys
              if (exists(v, *key) != all) {
                result = !all;
                break;
              }
            }
            o.boolean(result);
          });
  }
  for (const char* name : {"@>", "__pgj_contains"}) {
    r.add(name, t.jsonb, {P::kDoc, P::kJsonb}, t.boolean, [](const Args& a, Out& o) {
      o.boolean(contains(parse(a.text(0)), parse(a.text(1)), true));
    });
  }
  r.add("__pgj_equal", t.jsonb, {P::kDoc, P::kJsonb}, t.boolean, [](const Args& a, Out& o) {
    o.boolean(deep_equal(parse(a.text(0)), parse(a.text(1))));
  });
  r.add("<@", t.jsonb, {P::kDoc, P::kJsonb}, t.boolean, [](const Args& a, Out& o) {
    o.boolean(contains(parse(a.text(1)), parse(a.text(0)), true));
  });
  // || and - also as overloads of DuckDB's operators, which the rewrite cannot tell from
  // string concatenation and subtraction without knowing the operands' types.
  // jsonb || 'text': DuckDB would rather concatenate strings than cast the literal, so there
  // are overloads with a VARCHAR side too (read as jsonb, as PostgreSQL reads the literal).
  for (const char* name : {"__pgj_concat", "||"}) {
    RowFunction cat = [](const Args& a, Out& o) {
      o.text(jsonb_text(concat(parse(a.text(0)), parse(a.text(1)))));
    };
    r.add(name, t.jsonb, {P::kDoc, P::kJsonb}, t.jsonb, cat);
    r.add(name, t.jsonb, {P::kDoc, P::kText}, t.jsonb, cat);
    r.add(name, t.varchar, {P::kDoc, P::kJsonb}, t.jsonb, cat);
  }
  for (const char* name : {"__pgj_delete", "-"}) {
    r.add(name, t.jsonb, {P::kDoc, P::kText}, t.jsonb, [](const Args& a, Out& o) {
      Json v = parse(a.text(0));
      delete_key(v, a.text(1));
      o.text(jsonb_text(v));
    });
    r.add(name, t.jsonb, {P::kDoc, P::kBigint}, t.jsonb, [](const Args& a, Out& o) {
      Json v = parse(a.text(0));
      delete_index(v, a.bigint(1));
      o.text(jsonb_text(v));
    });
    r.add(name, t.jsonb, {P::kDoc, P::kTextList}, t.jsonb, [](const Args& a, Out& o) {
      Json v = parse(a.text(0));
      if (v.scalar()) fail("cannot delete from scalar");
      for (const auto& key : a.text_list(1)) {
        if (key) delete_key(v, *key);
      }
      o.text(jsonb_text(v));
    });
  }
  r.add("__pgj_delete_path", t.jsonb, {P::kDoc, P::kTextList}, t.jsonb, [](const Args& a, Out& o) {
    Json v = parse(a.text(0));
    if (v.scalar()) fail("cannot delete path in scalar");
    delete_path(v, a.text_list(1), 0);
    o.text(jsonb_text(v));
  });
  for (bool insert : {false, true}) {
    for (bool flag : {false, true}) {
      std::vector<P> params = {P::kDoc, P::kTextList, P::kJsonb};
      if (flag) params.push_back(P::kBool);
      r.add(insert ? "__pgj_insert" : "__pgj_set", t.jsonb, params, t.jsonb, [insert, flag](const Args& a, Out& o) {
        Json v = parse(a.text(0));
        if (v.scalar()) fail(insert ? "cannot set path in scalar" : "cannot set path in scalar");
        Path path = a.text_list(1);
        Json value = parse(a.text(2));
        bool option = flag ? a.boolean(3) : !insert;  // create_if_missing / insert_after
        if (!path.empty()) {
          set_path(v, path, 0, value, insert ? false : option, insert, insert && option);
        }
        o.text(jsonb_text(v));
      });
    }
  }
  r.add("__pgj_strip_nulls", t.jsonb, {P::kDoc}, t.jsonb, [](const Args& a, Out& o) {
    Json v = parse(a.text(0));
    strip_nulls(v);
    o.text(jsonb_text(v));
  });
  r.add("__pgj_strip_nulls", t.json, {P::kDoc}, t.json, [](const Args& a, Out& o) {
    Json v = parse(a.text(0));
    strip_nulls(v);
    std::string out;
    write_compact(v, out);
    o.text(out);
  });
  r.add("__pgj_pretty", t.jsonb, {P::kDoc}, t.varchar, [](const Args& a, Out& o) {
    std::string out;
    write_pretty(parse(a.text(0)), out, 0);
    o.text(out);
  });
  r.register_all();
}

}  // namespace ducklings::duck
