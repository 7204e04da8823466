// PostgreSQL's array input syntax ('{1,2}', '{{"a b",NULL},{c,d}}'), which DuckDB does not
// read: the rewriter turns such literals into ARRAY[...] constructors and the session binds
// such parameters as DuckDB lists.
#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ducklings::sql {

struct ArrayLiteral {
  bool is_null = false;   // an unquoted NULL element
  bool is_array = false;  // a nested {...}
  std::string text;       // the element's text, de-quoted
  std::vector<ArrayLiteral> items;
};

// How deep the parser follows nested braces: far past PostgreSQL's 6 dimensions (callers
// refuse those with 54000, as PostgreSQL does), far below what the stack holds.
constexpr size_t kMaxArrayNesting = 64;

// The parsed array (is_array set), or nullopt when `text` is not a well-formed array literal
// (also when it nests deeper than kMaxArrayNesting).
std::optional<ArrayLiteral> parse_array_literal(std::string_view text);

// PostgreSQL's MAXDIM.
constexpr int kMaxArrayDims = 6;

// Checks `a` as PostgreSQL's array_in does and returns its number of dimensions (0 for '{}'):
// sub-arrays of one array all have the same shape, an array holds either sub-arrays or
// elements, at most kMaxArrayDims dimensions. Throws SqlError 22P02 "malformed array literal"
// or 54000.
int array_dimensions(const ArrayLiteral& a);

}  // namespace ducklings::sql
