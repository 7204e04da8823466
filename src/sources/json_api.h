// HTTP JSON APIs as sources (internal to sources/): an API described as resources — each a
// list endpoint that pages through records — read over libcurl a page at a time, each record
// a CSV row of the table's columns. The declarative REST kind (rest_source.cpp) builds the
// description from the user's connection; Stripe (stripe_source.cpp) from its catalog.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "sources/source.h"

namespace ducklings::sources::json_api {

// A column of a resource's table. Its DuckDB type says how a JSON value is written:
// BIGINT/DOUBLE/BOOLEAN as the value, VARCHAR as the string (other values as JSON text),
// JSON as JSON text, TIMESTAMPTZ from epoch seconds or as the API's string.
struct Column {
  std::string name;
  std::string source_type;  // shown by discovery: integer, number, string, timestamp, json, …
  std::string duck_type;
  std::string from;  // the record's top-level field ("" = name; "*" = the whole record)
};

struct Pagination {
  enum Type { kNone, kCursor, kPage, kOffset } type = kNone;
  // cursor: the next cursor is at cursor_path in the page (a URL when cursor_param is empty),
  // or the last record's cursor_field (Stripe's starting_after = the last id).
  std::string cursor_path, cursor_field, cursor_param;
  std::string has_more_path;  // any type: a false there ends the list
  std::string page_param = "page", size_param;
  int64_t size = 100, start = 1;
  std::string offset_param = "offset", limit_param = "limit";
  int64_t limit = 100;
};

struct Resource {
  std::string name, path;
  std::string record_path;  // dotted path to the page's array of records; "" = the page
  std::vector<std::string> primary_key;
  std::vector<std::pair<std::string, std::string>> params;
  Pagination pagination;
  std::string incremental_field, incremental_param;  // param empty: filtered here only
  std::vector<Column> columns;  // declared; with `infer`, the first page's other fields follow
  bool infer = true;
};

struct Api {
  std::string label;     // in messages: "Stripe", "REST API"
  std::string base_url;  // http(s)://host[:port][/prefix]
  std::vector<std::string> headers;  // "Name: value", the secret's among them
  long timeout_seconds = 60;
  std::vector<Resource> resources;
  // Discovery of resources that infer nothing checks the credentials here (a 403 passes: the
  // key is good, a table it may not read fails alone).
  std::string probe_path;
};

std::unique_ptr<Source> open(Api api);

// A malformed connection: a 400 when the source is created.
[[noreturn]] void refuse(const std::string& message);
// "http://…" or "https://…" without a trailing slash; refuses anything else.
std::string checked_base_url(const std::string& field, const std::string& url);
// Refuses a header name or value that would break the request (CR, LF, a colon in a name).
void check_header(const std::string& field, const std::string& name, const std::string& value);

}  // namespace ducklings::sources::json_api
