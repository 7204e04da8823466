#include "sql/array_literal.h"

#include <strings.h>

#include <cctype>
#include <vector>

#include "common/errors.h"

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

[[noreturn]] void malformed_array(const char* detail) {
  throw SqlError("22P02", "malformed array literal", 0, detail);
}

// `dims` gets the length of each dimension seen, `leaf` the depth whose arrays hold the
// elements.
void array_shape(const ArrayLiteral& a, size_t depth, std::vector<size_t>& dims, int& leaf) {
  if (depth >= static_cast<size_t>(kMaxArrayDims)) {
    throw SqlError("54000", "number of array dimensions (" + std::to_string(depth + 1) +
                                ") exceeds the maximum allowed (" + std::to_string(kMaxArrayDims) +
                                ")");
  }
  const char* mismatch = "Multidimensional arrays must have sub-arrays with matching dimensions.";
  if (dims.size() == depth) {
    dims.push_back(a.items.size());
  } else if (dims[depth] != a.items.size()) {
    malformed_array(mismatch);
  }
  bool nested = !a.items.empty() && a.items[0].is_array;
  for (const auto& item : a.items) {
    if (item.is_array != nested) malformed_array(mismatch);
  }
  if (!nested) {
    if (leaf < 0) leaf = static_cast<int>(depth);
    if (leaf != static_cast<int>(depth)) malformed_array(mismatch);
    return;
  }
  for (const auto& item : a.items) array_shape(item, depth + 1, dims, leaf);
}

}  // namespace

std::optional<ArrayLiteral> parse_array_literal(std::string_view text) {
  return Parser(text).parse();
}

int array_dimensions(const ArrayLiteral& a) {
  std::vector<size_t> dims;
  int leaf = -1;
  array_shape(a, 0, dims, leaf);
  return a.items.empty() ? 0 : leaf + 1;
}

}  // namespace ducklings::sql
