// URL query strings and HTML form bodies: a=1&b=x%20y → {a: "1", b: "x y"}.
#pragma once
#include <map>
#include <string>
#include <string_view>

namespace ducklings {

// Percent-decodes `s` (a malformed escape stays as it is), '+' as a space in a form or query
// string; a path segment keeps its '+' (plus_is_space false).
std::string url_decode(const std::string& s, bool plus_is_space = true);
// Percent-encodes all but RFC 3986's unreserved characters (and '/' when keep_slash: a
// path), as query values, path segments and AWS's signing want.
std::string url_encode(std::string_view s, bool keep_slash = false);
// Splits name=value pairs on '&' and decodes both; a later name wins.
std::map<std::string, std::string> parse_form(const std::string& s);

}  // namespace ducklings
