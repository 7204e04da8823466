// Quoting of names and literals for SQL text the server builds itself.
#pragma once
#include <string>
#include <string_view>

namespace ducklings::sql {

// "name" with embedded quotes doubled.
inline std::string quote_identifier(std::string_view name) {
  std::string out = "\"";
  for (char c : name) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  return out + "\"";
}

// 'text' with embedded quotes doubled (standard_conforming_strings: backslashes are literal).
inline std::string quote_literal(std::string_view text) {
  std::string out = "'";
  for (char c : text) {
    if (c == '\'') out.push_back('\'');
    out.push_back(c);
  }
  return out + "'";
}

}  // namespace ducklings::sql
