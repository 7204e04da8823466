// HTTP JSON APIs as sources: the reader every JSON API kind shares (sources/json_api.h) and
// the declarative REST kind.
//
// A page is fetched with libcurl, parsed, written as CSV rows and handed to the sink before
// the next is asked for, so memory holds one page whatever the table's size. Per page, a 429
// waits its Retry-After (at most 30 s) and is asked again up to 6 times; a 5xx, a 408 or a
// network error is asked again twice with backoff, then fails transiently (the engine retries
// the table); 401 and 403 fail as authentication/permission, 404 as missing, other answers as
// themselves, all permanently. Redirects are not followed: a custom auth header would go
// wherever a redirect points.
//
// REST connection (checked when the source is created; a malformed one is a 400):
//   base_url       "https://api.example.com/v2"
//   auth_header    header the secret goes in (default Authorization)
//   auth_value     the secret, e.g. "Bearer xyz" (sealed; never shown)
//   headers        {"Accept-Version": "3"}: more headers, not secret
//   timeout_seconds  per request (default 60)
//   resources      [{name, path, record_path?, primary_key?, params?, pagination?,
//                    incremental?, columns?}]: each a table, named `name`
//     record_path  dotted path to the records' array in a page ("" or absent: the page is it)
//     params       {"status": "all"}: query parameters of every request
//     pagination   {"type": "none"} (default)
//                  {"type": "cursor", "cursor_path": "meta.next", "cursor_param": "cursor"}
//                    (no cursor_param: the cursor is the next page's URL, on base_url's host)
//                  {"type": "cursor", "cursor_field": "id", "cursor_param": "starting_after",
//                    "has_more_path": "has_more"}  (the last record's field: Stripe's way)
//                  {"type": "page", "page_param": "page", "size_param"?: "per_page",
//                    "size": 100, "start": 1}
//                  {"type": "offset", "offset_param": "offset", "limit_param": "limit",
//                    "limit": 100}
//                  Every type stops at an empty page, and at a false at has_more_path when
//                  given; a page or offset list whose page repeats fails rather than loops.
//     incremental  {"field": "updated_at", "param"?: "updated_since"}: the field incremental
//                  and append syncs take; the stored cursor (less the lookback when it is
//                  epoch seconds or an ISO timestamp) goes in `param`, and records not past it
//                  are dropped here too (no param: every page is read and filtered here)
//     columns      {"amount": "bigint", …}: types that override inference (bigint, double,
//                  boolean, varchar, json, timestamptz, date)
// Discovery infers each resource's columns from its first page: the union of the records'
// top-level fields in first-seen order; integers BIGINT, numbers DOUBLE (integers among them
// too), booleans BOOLEAN, strings VARCHAR, objects and arrays JSON (whatever else the field
// holds), all-null or other mixes VARCHAR; declared `columns` come first. A field missing from
// the first page is not landed: declare it in `columns`.
#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <thread>

#include "common/url.h"
#include "control/control_plane.h"
#include "sources/json_api.h"
#include "sources/kinds.h"

namespace ducklings::sources {
namespace json_api {
// Pages keep their fields' order: inferred columns follow the API's first-seen order.
using json = nlohmann::ordered_json;

void refuse(const std::string& message) {
  throw control::RefusedError(control::Refusal::kInvalid, "invalid_request", message);
}

std::string checked_base_url(const std::string& field, const std::string& url) {
  bool http = url.rfind("http://", 0) == 0 || url.rfind("https://", 0) == 0;
  size_t host = url.find("://") + 3;
  if (!http || url.size() <= host || url.find_first_of(" \r\n\t?#") != std::string::npos)
    refuse("connection \"" + field + "\" must be an http:// or https:// URL without a query");
  std::string out = url;
  while (out.size() > host && out.back() == '/') out.pop_back();
  return out;
}

void check_header(const std::string& field, const std::string& name, const std::string& value) {
  if (name.empty() || name.find_first_of(": \t\r\n") != std::string::npos)
    refuse("connection \"" + field + "\": \"" + name + "\" is not a header name");
  if (value.find_first_of("\r\n") != std::string::npos)
    refuse("connection \"" + field + "\": the value of " + name + " has a line break");
}

namespace {

constexpr size_t kMaxPage = size_t{64} << 20;  // a page larger than this is refused
constexpr int kServerRetries = 2;              // per page; then the engine's attempts
constexpr int kRateLimitRetries = 6;
constexpr long kMaxRetryAfter = 30;

// --- HTTP ---------------------------------------------------------------------------------

struct Response {
  long status = 0;
  std::string body, retry_after, location;
  CURLcode code = CURLE_OK;
  std::string error;  // libcurl's, when the request did not complete
  bool too_large = false;
};

class Http {
 public:
  Http() {
    static std::once_flag once;
    std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
    c_ = curl_easy_init();
  }
  ~Http() {
    if (c_) curl_easy_cleanup(c_);
  }
  Http(const Http&) = delete;
  Http& operator=(const Http&) = delete;

  Response get(const std::string& url, const std::vector<std::string>& headers, long timeout) {
    Response r;
    if (!c_) {
      r.code = CURLE_FAILED_INIT;
      r.error = "libcurl could not start";
      return r;
    }
    curl_easy_reset(c_);  // keeps its connections for the next page
    struct List {
      curl_slist* l = nullptr;
      ~List() { curl_slist_free_all(l); }
    } list;
    for (const auto& h : headers) list.l = curl_slist_append(list.l, h.c_str());
    list.l = curl_slist_append(list.l, "Accept: application/json");
    char error[CURL_ERROR_SIZE] = {0};
    curl_easy_setopt(c_, CURLOPT_URL, url.c_str());
    curl_easy_setopt(c_, CURLOPT_HTTPHEADER, list.l);
    curl_easy_setopt(c_, CURLOPT_USERAGENT, "duckgres-sync");
    curl_easy_setopt(c_, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(c_, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(c_, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c_, CURLOPT_CONNECTTIMEOUT, std::min(timeout, 10L));
    curl_easy_setopt(c_, CURLOPT_TIMEOUT, timeout);
    curl_easy_setopt(c_, CURLOPT_ACCEPT_ENCODING, "");
    curl_easy_setopt(c_, CURLOPT_ERRORBUFFER, error);
    curl_easy_setopt(c_, CURLOPT_WRITEFUNCTION, &Http::on_write);
    curl_easy_setopt(c_, CURLOPT_WRITEDATA, &r);
    curl_easy_setopt(c_, CURLOPT_HEADERFUNCTION, &Http::on_header);
    curl_easy_setopt(c_, CURLOPT_HEADERDATA, &r);
    r.code = curl_easy_perform(c_);
    // The handle outlives this call's buffers: it must not point at them.
    curl_easy_setopt(c_, CURLOPT_ERRORBUFFER, nullptr);
    curl_easy_setopt(c_, CURLOPT_HTTPHEADER, nullptr);
    if (r.code != CURLE_OK) {
      r.error = error[0] ? error : curl_easy_strerror(r.code);
      return r;
    }
    curl_easy_getinfo(c_, CURLINFO_RESPONSE_CODE, &r.status);
    return r;
  }

 private:
  static size_t on_write(char* data, size_t size, size_t n, void* user) {
    auto* r = static_cast<Response*>(user);
    if (r->body.size() + size * n > kMaxPage) {
      r->too_large = true;
      return 0;
    }
    r->body.append(data, size * n);
    return size * n;
  }
  static size_t on_header(char* data, size_t size, size_t n, void* user) {
    auto* r = static_cast<Response*>(user);
    std::string line(data, size * n);
    size_t colon = line.find(':');
    if (colon != std::string::npos) {
      std::string name = line.substr(0, colon);
      std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
      std::string value = line.substr(colon + 1);
      while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.erase(0, 1);
      while (!value.empty() && (value.back() == '\r' || value.back() == '\n' || value.back() == ' '))
        value.pop_back();
      if (name == "retry-after") r->retry_after = value;
      if (name == "location") r->location = value;
    }
    return size * n;
  }
  CURL* c_ = nullptr;
};

// scheme://host[:port] of a URL.
std::string origin(const std::string& url) {
  size_t host = url.find("://");
  if (host == std::string::npos) return "";
  size_t slash = url.find('/', host + 3);
  return url.substr(0, slash);
}

std::string url_of(const std::string& base, const std::string& path,
                   const std::vector<std::pair<std::string, std::string>>& params) {
  std::string url = path.rfind("http://", 0) == 0 || path.rfind("https://", 0) == 0
                        ? path
                        : base + (path.empty() || path[0] == '/' ? "" : "/") + path;
  char sep = url.find('?') == std::string::npos ? '?' : '&';
  for (const auto& [k, v] : params) {
    url += sep + url_encode(k) + "=" + url_encode(v);
    sep = '&';
  }
  return url;
}

// --- JSON and values ------------------------------------------------------------------------

const json* at_path(const json& doc, const std::string& path) {
  const json* node = &doc;
  size_t start = 0;
  while (start <= path.size() && !path.empty()) {
    size_t dot = path.find('.', start);
    std::string part = path.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
    if (node->is_object()) {
      auto it = node->find(part);
      if (it == node->end()) return nullptr;
      node = &*it;
    } else if (node->is_array() && !part.empty() &&
               std::all_of(part.begin(), part.end(), [](unsigned char c) { return std::isdigit(c); })) {
      size_t i = std::stoul(part);
      if (i >= node->size()) return nullptr;
      node = &(*node)[i];
    } else {
      return nullptr;
    }
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  return node;
}

std::string dump(const json& v) { return v.dump(-1, ' ', false, json::error_handler_t::replace); }

// A scalar's text: strings as they are, the rest as JSON.
std::string text_of(const json& v) { return v.is_string() ? v.get<std::string>() : dump(v); }

std::string epoch_text(int64_t seconds, bool iso_t) {
  std::time_t t = static_cast<std::time_t>(seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[64];
  std::strftime(buf, sizeof buf, iso_t ? "%Y-%m-%dT%H:%M:%SZ" : "%Y-%m-%d %H:%M:%S+00", &tm);
  return buf;
}

std::optional<double> number_of(const std::string& s) {
  if (s.empty()) return std::nullopt;
  try {
    size_t used = 0;
    double d = std::stod(s, &used);
    if (used == s.size() && std::isfinite(d)) return d;
  } catch (const std::exception&) {
  }
  return std::nullopt;
}

// Epoch seconds of "YYYY-MM-DD[T ]HH:MM:SS[.fff][Z|+00:00|+00]" (UTC only).
std::optional<double> timestamp_of(const std::string& s) {
  int y, mo, d, h, mi, sec, used = 0;
  if (std::sscanf(s.c_str(), "%4d-%2d-%2d%*1[T ]%2d:%2d:%2d%n", &y, &mo, &d, &h, &mi, &sec, &used) != 6)
    return std::nullopt;
  std::string rest = s.substr(static_cast<size_t>(used));
  double fraction = 0;
  if (!rest.empty() && rest[0] == '.') {
    size_t end = rest.find_first_not_of("0123456789", 1);
    fraction = std::stod("0" + rest.substr(0, end));
    rest = end == std::string::npos ? "" : rest.substr(end);
  }
  if (!rest.empty() && rest != "Z" && rest != "+00:00" && rest != "+00") return std::nullopt;
  std::tm tm{};
  tm.tm_year = y - 1900;
  tm.tm_mon = mo - 1;
  tm.tm_mday = d;
  tm.tm_hour = h;
  tm.tm_min = mi;
  tm.tm_sec = sec;
  return static_cast<double>(timegm(&tm)) + fraction;
}

// The stored cursor less the lookback: epoch seconds stay numbers, ISO timestamps stay ISO;
// anything else is sent as it is.
std::string shifted(const std::string& cursor, int64_t lookback) {
  if (lookback <= 0) return cursor;
  if (auto n = number_of(cursor)) {
    if (cursor.find_first_of(".eE") == std::string::npos) return std::to_string(std::llround(*n) - lookback);
    return dump(json(*n - static_cast<double>(lookback)));
  }
  if (auto t = timestamp_of(cursor)) return epoch_text(static_cast<int64_t>(std::floor(*t)) - lookback, true);
  return cursor;
}

// A record's incremental value past the bound, compared as numbers, as timestamps, or as text.
bool past(const json* v, const std::string& bound) {
  if (!v || v->is_null()) return false;
  std::string text = text_of(*v);
  auto a = v->is_number() ? std::optional<double>(v->get<double>()) : number_of(text);
  auto b = number_of(bound);
  if (a && b) return *a > *b;
  auto ta = timestamp_of(text), tb = timestamp_of(bound);
  if (ta && tb) return *ta > *tb;
  return text > bound;
}

void put_quoted(std::string& out, const std::string& s) {
  out += '"';
  for (char c : s) {
    if (c == '\0') continue;  // DuckDB's text holds no NUL
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
}

// A value as a CSV field of a column of `duck_type` (NULL: an unquoted empty field; text is
// always quoted, so "" is the empty string).
void put_value(std::string& out, const json* v, const std::string& duck_type) {
  if (!v || v->is_null()) return;
  if (duck_type == "JSON") return put_quoted(out, dump(*v));
  if (v->is_string()) return put_quoted(out, v->get<std::string>());
  if (v->is_structured()) return put_quoted(out, dump(*v));
  if (duck_type == "TIMESTAMPTZ" && v->is_number()) {
    return put_quoted(out, epoch_text(static_cast<int64_t>(std::floor(v->get<double>())), false));
  }
  if (duck_type == "BIGINT" && v->is_number_float()) {
    double d = v->get<double>();
    if (std::isfinite(d) && d == std::floor(d) && std::fabs(d) < 9.2e18) {
      out += std::to_string(static_cast<int64_t>(d));
      return;
    }
  }
  if (duck_type == "VARCHAR") return put_quoted(out, dump(*v));
  out += dump(*v);
}

// Inference over the first page: what kinds of values each field held.
struct Seen {
  bool boolean = false, integer = false, number = false, string = false, nested = false;
};

Column inferred(const std::string& name, const Seen& s) {
  if (s.nested) return {name, "json", "JSON", ""};
  bool numeric = s.integer || s.number;
  if (s.string || (s.boolean && numeric)) return {name, "string", "VARCHAR", ""};
  if (s.boolean) return {name, "boolean", "BOOLEAN", ""};
  if (s.number) return {name, "number", "DOUBLE", ""};
  if (s.integer) return {name, "integer", "BIGINT", ""};
  return {name, "null", "VARCHAR", ""};
}

// --- the source ------------------------------------------------------------------------------

class JsonApiSource : public Source {
 public:
  explicit JsonApiSource(Api api) : api_(std::move(api)) {}

  std::vector<SourceTable> discover() override {
    if (!api_.probe_path.empty()) fetch(url_of(api_.base_url, api_.probe_path, {}), "the API", true);
    std::vector<SourceTable> tables;
    for (const auto& r : api_.resources) {
      std::vector<Column> columns = r.columns;
      if (r.infer) {
        json page = fetch(first_url(r, std::nullopt), r.name);
        const json& records = records_of(page, r);
        std::vector<std::string> order;
        std::map<std::string, Seen> seen;
        for (const auto& record : records) {
          if (!record.is_object()) continue;
          for (const auto& [key, value] : record.items()) {
            auto [it, added] = seen.try_emplace(key);
            if (added) order.push_back(key);
            Seen& s = it->second;
            if (value.is_boolean()) s.boolean = true;
            else if (value.is_number_integer()) s.integer = true;
            else if (value.is_number()) s.number = true;
            else if (value.is_string()) s.string = true;
            else if (value.is_structured()) s.nested = true;
          }
        }
        for (const auto& name : order) {
          if (!find_column(columns, name)) columns.push_back(inferred(name, seen[name]));
        }
      }
      // The key and the incremental field are columns even when the first page lacks them.
      std::vector<std::string> needed = r.primary_key;
      if (!r.incremental_field.empty()) needed.push_back(r.incremental_field);
      for (const auto& name : needed) {
        if (!find_column(columns, name)) columns.push_back({name, "null", "VARCHAR", ""});
      }
      if (columns.empty()) columns.push_back({"_raw", "record", "JSON", "*"});
      SourceTable t;
      t.name = r.name;
      t.bare = true;
      t.kind = "table";
      t.primary_key = r.primary_key;
      for (const auto& c : columns) t.columns.push_back({c.name, c.source_type, c.duck_type, ""});
      if (!r.incremental_field.empty()) t.incremental_fields = {r.incremental_field};
      tables.push_back(std::move(t));
    }
    return tables;
  }

  uint64_t stream(const SourceTable& table, const std::vector<SourceColumn>& columns,
                  const std::string& incremental_field, const std::optional<std::string>& after,
                  int64_t lookback_seconds, const CsvSink& sink) override {
    const Resource* r = nullptr;
    for (const auto& candidate : api_.resources) {
      if (candidate.name == table.name) r = &candidate;
    }
    if (!r) throw SourceError(false, api_.label + " has no resource " + table.name);
    // Where each column's value comes from: a declared column may name another field.
    std::vector<std::pair<std::string, std::string>> fields;  // (record field, duck type)
    for (const auto& c : columns) {
      const Column* declared = find_column(r->columns, c.name);
      std::string from = declared && !declared->from.empty() ? declared->from
                         : c.name == "_raw" && c.source_type == "record" ? "*"
                                                                          : c.name;
      fields.emplace_back(from, c.duck_type);
    }
    std::optional<std::string> bound;
    if (after && !incremental_field.empty()) bound = shifted(*after, lookback_seconds);
    const Pagination& p = r->pagination;
    // Only the resource's own incremental field has a parameter the API filters by.
    std::optional<std::string> api_bound = incremental_field == r->incremental_field ? bound : std::nullopt;
    std::string url = first_url(*r, api_bound);
    std::string cursor;
    int64_t page_number = p.start, offset = 0;
    size_t previous_page = 0;
    uint64_t sent = 0;
    std::string csv;
    while (true) {
      json page = fetch(url, r->name);
      const json& records = records_of(page, *r);
      csv.clear();
      for (const auto& record : records) {
        if (bound && !past(record.is_object() ? at_path(record, incremental_field) : nullptr, *bound))
          continue;
        for (size_t i = 0; i < fields.size(); ++i) {
          if (i) csv += ',';
          const json* v = fields[i].first == "*"       ? &record
                          : record.is_object()         ? field_of(record, fields[i].first)
                                                       : nullptr;
          put_value(csv, v, fields[i].second);
        }
        csv += '\n';
        ++sent;
      }
      if (!csv.empty() && !sink(csv)) throw SourceError(false, "the sync stopped reading");
      // The next page, or the end.
      if (records.empty() || p.type == Pagination::kNone) break;
      if (!p.has_more_path.empty()) {
        const json* more = at_path(page, p.has_more_path);
        if (!more || !more->is_boolean() || !more->get<bool>()) break;
      }
      std::vector<std::pair<std::string, std::string>> params = base_params(*r, api_bound);
      if (p.type == Pagination::kCursor) {
        const json* next = nullptr;
        if (!p.cursor_path.empty()) next = at_path(page, p.cursor_path);
        else if (records.back().is_object()) next = field_of(records.back(), p.cursor_field);
        if (!next || next->is_null() || (next->is_string() && next->get<std::string>().empty())) break;
        std::string value = text_of(*next);
        if (value == cursor) {
          throw SourceError(false, api_.label + ": " + r->name + " gave the cursor " + value +
                                       " twice: the list would never end");
        }
        cursor = value;
        if (p.cursor_param.empty()) {  // the cursor is the next page's URL
          if (value[0] != '/' && value.rfind("http://", 0) != 0 && value.rfind("https://", 0) != 0) {
            throw SourceError(false, api_.label + ": " + r->name + "'s cursor " + value.substr(0, 100) +
                                         " is not a URL: name the parameter it goes in (cursor_param)");
          }
          url = value[0] == '/' ? origin(api_.base_url) + value : value;
          if (origin(url) != origin(api_.base_url)) {
            throw SourceError(false, api_.label + ": " + r->name + "'s next page is on another host (" +
                                         origin(url) + "): not followed");
          }
          continue;
        }
        params.emplace_back(p.cursor_param, value);
      } else {
        // An API that ignores the page or offset parameter repeats its first page forever.
        size_t digest = std::hash<std::string>{}(dump(records));
        if (digest == previous_page) {
          throw SourceError(false, api_.label + ": " + r->name + " returned the same page twice: "
                                       "is its page or offset parameter right?");
        }
        previous_page = digest;
        if (p.type == Pagination::kPage) {
          params.emplace_back(p.page_param, std::to_string(++page_number));
          if (!p.size_param.empty()) params.emplace_back(p.size_param, std::to_string(p.size));
        } else {
          offset += static_cast<int64_t>(records.size());  // what came, should the API cap it
          params.emplace_back(p.offset_param, std::to_string(offset));
          params.emplace_back(p.limit_param, std::to_string(p.limit));
        }
      }
      url = url_of(api_.base_url, r->path, params);
    }
    return sent;
  }

 private:
  static const Column* find_column(const std::vector<Column>& columns, const std::string& name) {
    for (const auto& c : columns) {
      if (c.name == name) return &c;
    }
    return nullptr;
  }

  static const json* field_of(const json& record, const std::string& name) {
    auto it = record.find(name);
    return it == record.end() ? nullptr : &*it;
  }

  std::vector<std::pair<std::string, std::string>> base_params(const Resource& r,
                                                               const std::optional<std::string>& bound) {
    auto params = r.params;
    if (bound && !r.incremental_param.empty()) params.emplace_back(r.incremental_param, *bound);
    return params;
  }

  std::string first_url(const Resource& r, const std::optional<std::string>& bound) {
    auto params = base_params(r, bound);
    const Pagination& p = r.pagination;
    if (p.type == Pagination::kPage) {
      params.emplace_back(p.page_param, std::to_string(p.start));
      if (!p.size_param.empty()) params.emplace_back(p.size_param, std::to_string(p.size));
    } else if (p.type == Pagination::kOffset) {
      params.emplace_back(p.offset_param, "0");
      params.emplace_back(p.limit_param, std::to_string(p.limit));
    }
    return url_of(api_.base_url, r.path, params);
  }

  const json& records_of(const json& page, const Resource& r) {
    static const json empty = json::array();
    const json* records = r.record_path.empty() ? &page : at_path(page, r.record_path);
    if (records && records->is_null()) return empty;
    if (!records || !records->is_array()) {
      throw SourceError(false, api_.label + ": " + r.name + "'s page has no array at \"" + r.record_path +
                                   "\" (record_path): " + dump(page).substr(0, 200));
    }
    return *records;
  }

  // The API's own reason, from the usual shapes of an error document.
  static std::string reason(const std::string& body) {
    json doc = json::parse(body, nullptr, false);
    if (!doc.is_discarded()) {
      for (const char* path : {"error.message", "message", "error_description", "detail", "error", "errors"}) {
        const json* v = at_path(doc, path);
        if (v && !v->is_null()) return text_of(*v).substr(0, 300);
      }
    }
    std::string text = body.substr(0, 200);
    std::replace_if(text.begin(), text.end(), [](char c) { return c == '\n' || c == '\r'; }, ' ');
    return text;
  }

  // A page, asked again while that may help. `probe`: a 403 is an answer.
  json fetch(const std::string& url, const std::string& what, bool probe = false) {
    int failures = 0, limited = 0;
    std::string where = api_.label + " (" + what + ", GET " + url + ")";
    while (true) {
      Response res = http_.get(url, api_.headers, api_.timeout_seconds);
      std::string transient;
      if (res.too_large) {
        throw SourceError(false, where + ": a page larger than 64 MiB; ask for smaller pages");
      } else if (res.code != CURLE_OK) {
        bool permanent = res.code == CURLE_UNSUPPORTED_PROTOCOL || res.code == CURLE_URL_MALFORMAT ||
                         res.code == CURLE_PEER_FAILED_VERIFICATION || res.code == CURLE_SSL_CACERT_BADFILE;
        if (permanent) throw SourceError(false, where + ": " + res.error);
        transient = res.error;
      } else if (probe && (res.status == 403 || (res.status >= 200 && res.status < 300))) {
        return json();
      } else if (res.status == 429) {
        if (++limited <= kRateLimitRetries) {
          long wait = 1L << std::min(limited - 1, 4);
          if (auto n = number_of(res.retry_after)) wait = static_cast<long>(std::ceil(*n));
          else if (!res.retry_after.empty()) {
            std::time_t when = curl_getdate(res.retry_after.c_str(), nullptr);
            if (when > 0) wait = static_cast<long>(when - std::time(nullptr));
          }
          std::this_thread::sleep_for(std::chrono::seconds(std::clamp(wait, 0L, kMaxRetryAfter)));
          continue;
        }
        throw SourceError(true, where + ": rate limited (HTTP 429) " + std::to_string(limited) +
                                    " times in a row: " + reason(res.body));
      } else if (res.status >= 500 || res.status == 408) {
        transient = "HTTP " + std::to_string(res.status) + ": " + reason(res.body);
      } else if (res.status == 401 || res.status == 403) {
        throw SourceError(false, where + ": " + (res.status == 401 ? "authentication failed" : "permission denied") +
                                     " (HTTP " + std::to_string(res.status) + "): " + reason(res.body));
      } else if (res.status == 404) {
        throw SourceError(false, where + ": not found (HTTP 404), the resource is missing: " + reason(res.body));
      } else if (res.status >= 300 && res.status < 400) {
        throw SourceError(false, where + ": redirected (HTTP " + std::to_string(res.status) + ") to " +
                                     res.location + ": point the source there");
      } else if (res.status >= 400) {
        throw SourceError(false, where + ": HTTP " + std::to_string(res.status) + ": " + reason(res.body));
      }
      if (!transient.empty()) {
        if (++failures <= kServerRetries) {
          std::this_thread::sleep_for(std::chrono::milliseconds(500 << (failures - 1)));
          continue;
        }
        throw SourceError(true, where + ": " + transient);
      }
      json doc = json::parse(res.body, nullptr, false);
      if (doc.is_discarded()) {
        throw SourceError(false, where + ": the answer is not JSON: " + reason(res.body));
      }
      return doc;
    }
  }

  Api api_;
  Http http_;
};

}  // namespace

std::unique_ptr<Source> open(Api api) { return std::make_unique<JsonApiSource>(std::move(api)); }

}  // namespace json_api

// --- the REST kind ------------------------------------------------------------------------------

namespace {
using json = nlohmann::json;
using json_api::refuse;

std::string text_field(const json& o, const std::string& where, const std::string& key,
                       const std::string& fallback, bool required = false) {
  auto it = o.find(key);
  if (it == o.end() || it->is_null()) {
    if (required) refuse(where + "." + key + " is required");
    return fallback;
  }
  if (!it->is_string()) refuse(where + "." + key + " must be a string");
  return it->get<std::string>();
}

int64_t int_field(const json& o, const std::string& where, const std::string& key, int64_t fallback,
                  int64_t min, int64_t max) {
  auto it = o.find(key);
  if (it == o.end() || it->is_null()) return fallback;
  if (!it->is_number_integer() || it->get<int64_t>() < min || it->get<int64_t>() > max)
    refuse(where + "." + key + " must be an integer from " + std::to_string(min) + " to " + std::to_string(max));
  return it->get<int64_t>();
}

void only_keys(const json& o, const std::string& where, const std::set<std::string>& keys) {
  if (!o.is_object()) refuse(where + " must be an object");
  std::string known;
  for (const auto& k : keys) known += (known.empty() ? "" : ", ") + k;
  for (const auto& [key, value] : o.items()) {
    if (!keys.count(key)) refuse(where + " has an unknown field \"" + key + "\" (it takes " + known + ")");
  }
}

std::string scalar_text(const json& v, const std::string& where) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_number() || v.is_boolean()) return v.dump();
  refuse(where + " must be a string, a number or a boolean");
}

json_api::Pagination pagination_of(const json& o, const std::string& where) {
  json_api::Pagination p;
  if (o.is_null()) return p;
  if (!o.is_object()) refuse(where + " must be an object");
  std::string type = text_field(o, where, "type", "", true);
  std::string more = text_field(o, where, "has_more_path", "");
  p.has_more_path = more;
  if (type == "none") {
    only_keys(o, where, {"type"});
  } else if (type == "cursor") {
    only_keys(o, where, {"type", "cursor_path", "cursor_field", "cursor_param", "has_more_path"});
    p.type = json_api::Pagination::kCursor;
    p.cursor_path = text_field(o, where, "cursor_path", "");
    p.cursor_field = text_field(o, where, "cursor_field", "");
    p.cursor_param = text_field(o, where, "cursor_param", "");
    if (p.cursor_path.empty() == p.cursor_field.empty())
      refuse(where + " takes one of cursor_path (the next cursor in the page) or cursor_field (the "
             "last record's field)");
    if (!p.cursor_field.empty() && p.cursor_param.empty())
      refuse(where + ".cursor_param is required with cursor_field");
  } else if (type == "page") {
    only_keys(o, where, {"type", "page_param", "size_param", "size", "start", "has_more_path"});
    p.type = json_api::Pagination::kPage;
    p.page_param = text_field(o, where, "page_param", "page");
    p.size_param = text_field(o, where, "size_param", "");
    p.size = int_field(o, where, "size", 100, 1, 100000);
    p.start = int_field(o, where, "start", 1, 0, 1000000);
    if (p.page_param.empty()) refuse(where + ".page_param must not be empty");
  } else if (type == "offset") {
    only_keys(o, where, {"type", "offset_param", "limit_param", "limit", "has_more_path"});
    p.type = json_api::Pagination::kOffset;
    p.offset_param = text_field(o, where, "offset_param", "offset");
    p.limit_param = text_field(o, where, "limit_param", "limit");
    p.limit = int_field(o, where, "limit", 100, 1, 100000);
    if (p.offset_param.empty() || p.limit_param.empty())
      refuse(where + ".offset_param and limit_param must not be empty");
  } else {
    refuse(where + ".type must be one of \"none\", \"cursor\", \"page\", \"offset\"");
  }
  return p;
}

const std::map<std::string, std::string>& declared_types() {
  static const std::map<std::string, std::string> types = {
      {"bigint", "BIGINT"},   {"double", "DOUBLE"}, {"boolean", "BOOLEAN"},         {"varchar", "VARCHAR"},
      {"json", "JSON"},       {"date", "DATE"},     {"timestamptz", "TIMESTAMPTZ"}};
  return types;
}

json_api::Resource resource_of(const json& o, const std::string& where, std::set<std::string>& names) {
  only_keys(o, where,
            {"name", "path", "record_path", "primary_key", "params", "pagination", "incremental", "columns"});
  json_api::Resource r;
  r.name = text_field(o, where, "name", "", true);
  bool identifier = !r.name.empty() && r.name.size() <= 63 && !std::isdigit(static_cast<unsigned char>(r.name[0])) &&
                    std::all_of(r.name.begin(), r.name.end(), [](unsigned char c) {
                      return std::islower(c) || std::isdigit(c) || c == '_';
                    });
  if (!identifier) refuse(where + ".name must be a lower-case identifier (its table's name)");
  if (!names.insert(r.name).second) refuse(where + ".name: two resources are named " + r.name);
  r.path = text_field(o, where, "path", "", true);
  if (r.path.find_first_of(" \r\n\t#") != std::string::npos) refuse(where + ".path must be a URL path");
  if (r.path.rfind("http://", 0) == 0 || r.path.rfind("https://", 0) == 0)
    refuse(where + ".path must be a path under base_url, not a URL");
  r.record_path = text_field(o, where, "record_path", "");
  if (auto it = o.find("primary_key"); it != o.end()) {
    if (!it->is_array()) refuse(where + ".primary_key must be an array of field names");
    for (const auto& k : *it) {
      if (!k.is_string() || k.get<std::string>().empty())
        refuse(where + ".primary_key must be an array of field names");
      r.primary_key.push_back(k.get<std::string>());
    }
  }
  if (auto it = o.find("params"); it != o.end()) {
    if (!it->is_object()) refuse(where + ".params must be an object");
    for (const auto& [k, v] : it->items()) r.params.emplace_back(k, scalar_text(v, where + ".params." + k));
  }
  r.pagination = pagination_of(o.value("pagination", json()), where + ".pagination");
  if (auto it = o.find("incremental"); it != o.end() && !it->is_null()) {
    only_keys(*it, where + ".incremental", {"field", "param"});
    r.incremental_field = text_field(*it, where + ".incremental", "field", "", true);
    r.incremental_param = text_field(*it, where + ".incremental", "param", "");
    if (r.incremental_field.empty()) refuse(where + ".incremental.field must not be empty");
  }
  if (auto it = o.find("columns"); it != o.end()) {
    if (!it->is_object()) refuse(where + ".columns must be an object of field: type");
    for (const auto& [k, v] : it->items()) {
      std::string t = v.is_string() ? v.get<std::string>() : "";
      std::transform(t.begin(), t.end(), t.begin(), [](unsigned char c) { return std::tolower(c); });
      auto found = declared_types().find(t);
      if (k.empty() || found == declared_types().end())
        refuse(where + ".columns." + k + " must be one of bigint, double, boolean, varchar, json, date, timestamptz");
      r.columns.push_back({k, t, found->second, ""});
    }
  }
  return r;
}

}  // namespace

std::vector<ConnectionField> rest_fields() {
  return {{"base_url", ConnectionField::kString, true},
          {"auth_header", ConnectionField::kString, false, false, "Authorization"},
          {"auth_value", ConnectionField::kString, false, true},
          {"headers", ConnectionField::kObject},
          {"timeout_seconds", ConnectionField::kInteger, false, false, 60},
          {"resources", ConnectionField::kArray, true}};
}

std::unique_ptr<Source> open_rest(const nlohmann::json& c, const std::string& secret) {
  json_api::Api api;
  api.label = "REST API";
  api.base_url = json_api::checked_base_url("base_url", c.value("base_url", ""));
  api.timeout_seconds = c.value("timeout_seconds", 60);
  if (api.timeout_seconds < 1 || api.timeout_seconds > 600)
    refuse("connection \"timeout_seconds\" must be from 1 to 600");
  if (!secret.empty()) {
    std::string name = c.value("auth_header", "Authorization");
    json_api::check_header("auth_header", name, secret);
    api.headers.push_back(name + ": " + secret);
  }
  if (auto it = c.find("headers"); it != c.end()) {
    for (const auto& [name, value] : it->items()) {
      if (!value.is_string()) refuse("connection \"headers\": " + name + " must be a string");
      json_api::check_header("headers", name, value.get<std::string>());
      api.headers.push_back(name + ": " + value.get<std::string>());
    }
  }
  const json& resources = c.at("resources");
  if (resources.empty()) refuse("connection \"resources\" must name at least one resource");
  std::set<std::string> names;
  for (size_t i = 0; i < resources.size(); ++i)
    api.resources.push_back(resource_of(resources[i], "resources[" + std::to_string(i) + "]", names));
  return json_api::open(std::move(api));
}

}  // namespace ducklings::sources
