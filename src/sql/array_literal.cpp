#include "sql/array_literal.h"

#include <strings.h>

#include <cctype>

namespace ducklings::sql {
namespace {

bool is_space(char c) {
  return std::isspace(static_cast<unsigned char>(c)) != 0;
}

class Parser {
 public:
  explicit Parser(std::string_view text) : s_(text) {}

  std::optional<ArrayLiteral> parse() {
    skip_space();
    ArrayLiteral out;
    if (!array(out)) return std::nullopt;
    skip_space();
    if (i_ != s_.size()) return std::nullopt;
    return out;
  }

 private:
  void skip_space() {
    while (i_ < s_.size() && is_space(s_[i_])) ++i_;
  }

  bool array(ArrayLiteral& out, size_t depth = 1) {
    // '{{{{…' by the million, as one Bind parameter, would recurse past the thread's stack.
    if (depth > kMaxArrayNesting) return false;
    if (i_ >= s_.size() || s_[i_] != '{') return false;
    ++i_;
    out.is_array = true;
    skip_space();
    if (i_ < s_.size() && s_[i_] == '}') {
      ++i_;
      return true;
    }
    while (true) {
      skip_space();
      ArrayLiteral item;
      if (i_ < s_.size() && s_[i_] == '{') {
        if (!array(item, depth + 1)) return false;
      } else if (!element(item)) {
        return false;
      }
      out.items.push_back(std::move(item));
      skip_space();
      if (i_ >= s_.size()) return false;
      if (s_[i_] == ',') {
        ++i_;
        continue;
      }
      if (s_[i_] == '}') {
        ++i_;
        return true;
      }
      return false;
    }
  }

  bool element(ArrayLiteral& out) {
    if (i_ < s_.size() && s_[i_] == '"') {
      ++i_;
      while (i_ < s_.size() && s_[i_] != '"') {
        if (s_[i_] == '\\' && i_ + 1 < s_.size()) ++i_;
        out.text.push_back(s_[i_++]);
      }
      if (i_ >= s_.size()) return false;
      ++i_;
      return true;
    }
    size_t start = i_;
    while (i_ < s_.size() && s_[i_] != ',' && s_[i_] != '}' && s_[i_] != '{' && s_[i_] != '"') {
      if (s_[i_] == '\\' && i_ + 1 < s_.size()) ++i_;
      out.text.push_back(s_[i_++]);
    }
    while (!out.text.empty() && is_space(out.text.back())) out.text.pop_back();
    if (i_ == start || out.text.empty()) return false;
    out.is_null = out.text.size() == 4 && strncasecmp(out.text.c_str(), "null", 4) == 0 &&
                  s_.substr(start, 4).find('\\') == std::string_view::npos;
    return true;
  }

  std::string_view s_;
  size_t i_ = 0;
};

}  // namespace

std::optional<ArrayLiteral> parse_array_literal(std::string_view text) {
  return Parser(text).parse();
}

}  // namespace ducklings::sql
