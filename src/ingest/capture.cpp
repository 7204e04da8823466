#include "ingest/capture.h"

#include <openssl/evp.h>
#include <openssl/rand.h>
#include <simdjson.h>
#include <spdlog/spdlog.h>
#include <zlib.h>

#include <cctype>
#include <cstring>
#include <ctime>
#include <utility>

#include "common/clock.h"
#include "common/url.h"
#include "ingest/event_time.h"

namespace ducklings::ingest {
namespace {
using json = nlohmann::json;
using Clock = std::chrono::system_clock;

struct Invalid : std::runtime_error {
  using std::runtime_error::runtime_error;
};

std::optional<std::string> base64_decode(std::string s) {
  std::string clean;
  for (char c : s) {
    if (c == '-') c = '+';  // base64url too
    if (c == '_') c = '/';
    if (!std::isspace(static_cast<unsigned char>(c))) clean.push_back(c);
  }
  while (clean.size() % 4) clean.push_back('=');
  std::string out(clean.size() / 4 * 3, '\0');
  int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(clean.data()),
                          static_cast<int>(clean.size()));
  if (n < 0) return std::nullopt;
  size_t pad = 0;
  for (size_t i = clean.size(); i > 0 && clean[i - 1] == '='; --i) ++pad;
  out.resize(static_cast<size_t>(n) - std::min<size_t>(pad, static_cast<size_t>(n)));
  return out;
}

// gzip (or zlib) data, at most 64 MiB once inflated.
std::string gunzip(const std::string& in) {
  z_stream zs{};
  if (inflateInit2(&zs, 15 + 32) != Z_OK) throw Invalid("cannot inflate");
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  zs.avail_in = static_cast<uInt>(in.size());
  std::string out;
  char buf[64 * 1024];
  int rc;
  do {
    zs.next_out = reinterpret_cast<Bytef*>(buf);
    zs.avail_out = sizeof(buf);
    rc = inflate(&zs, Z_NO_FLUSH);
    if (rc != Z_OK && rc != Z_STREAM_END) {
      inflateEnd(&zs);
      throw Invalid("the payload is not valid gzip");
    }
    out.append(buf, sizeof(buf) - zs.avail_out);
    if (out.size() > (64u << 20)) {
      inflateEnd(&zs);
      throw Invalid("the payload inflates past 64 MiB");
    }
  } while (rc != Z_STREAM_END && zs.avail_in > 0);
  inflateEnd(&zs);
  return out;
}

bool is_gzip(const std::string& s) {
  return s.size() >= 2 && static_cast<unsigned char>(s[0]) == 0x1f &&
         static_cast<unsigned char>(s[1]) == 0x8b;
}

// A client's time field as event_time reads it.
ClientTime client_time(std::optional<simdjson::dom::element> v) {
  ClientTime t;
  if (!v) return t;
  if (v->is_number()) {
    t.kind = ClientTime::Kind::kNumber;
    t.number = v->get_double().value_unsafe();
  } else if (v->is_string()) {
    t.kind = ClientTime::Kind::kText;
    t.text = v->get_string().value_unsafe();
  } else {
    t.kind = ClientTime::Kind::kOther;
  }
  return t;
}

bool valid_uuid(const std::string& s) {
  if (s.size() != 36) return false;
  for (size_t i = 0; i < 36; ++i) {
    bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash ? s[i] != '-' : !std::isxdigit(static_cast<unsigned char>(s[i]))) return false;
  }
  return true;
}

// Random bits for made uuids: a per-thread xoshiro256** seeded from OpenSSL. Uuids need to
// be unique, not secret, and RAND_bytes per event cost a few percent of capture's CPU.
uint64_t next_random() {
  thread_local uint64_t s[4] = {0, 0, 0, 0};
  if ((s[0] | s[1] | s[2] | s[3]) == 0) {
    if (RAND_bytes(reinterpret_cast<unsigned char*>(s), sizeof(s)) != 1 ||
        (s[0] | s[1] | s[2] | s[3]) == 0) {
      s[0] = static_cast<uint64_t>(Clock::now().time_since_epoch().count()) | 1;
    }
  }
  auto rotl = [](uint64_t x, int k) { return (x << k) | (x >> (64 - k)); };
  uint64_t result = rotl(s[1] * 5, 7) * 9;
  uint64_t t = s[1] << 17;
  s[2] ^= s[0];
  s[3] ^= s[1];
  s[1] ^= s[2];
  s[0] ^= s[3];
  s[2] ^= t;
  s[3] = rotl(s[3], 45);
  return result;
}

// A UUIDv7 (time-ordered, as PostHog makes them) for events that come without one.
std::string new_uuid(Clock::time_point now) {
  unsigned char b[16];
  uint64_t r[2] = {next_random(), next_random()};
  std::memcpy(b, r, sizeof(b));
  uint64_t ms = static_cast<uint64_t>(
      std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count());
  for (int i = 0; i < 6; ++i) b[i] = static_cast<unsigned char>(ms >> (40 - 8 * i));
  b[6] = static_cast<unsigned char>(0x70 | (b[6] & 0x0f));
  b[8] = static_cast<unsigned char>(0x80 | (b[8] & 0x3f));
  static const char* hex = "0123456789abcdef";
  std::string out(36, '-');
  for (int i = 0, o = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) ++o;
    out[o++] = hex[b[i] >> 4];
    out[o++] = hex[b[i] & 15];
  }
  return out;
}

// A field that names something (event, distinct_id, key): a string, or an integer as text.
std::string string_of(simdjson::dom::element obj, std::string_view key) {
  simdjson::dom::element v;
  if (!obj.is_object() || obj.at_key(key).get(v) != simdjson::SUCCESS) return "";
  if (v.is_string()) return std::string(v.get_string().value_unsafe());
  if (v.is_int64()) return std::to_string(v.get_int64().value_unsafe());
  if (v.is_uint64()) return std::to_string(v.get_uint64().value_unsafe());
  return "";
}

std::optional<simdjson::dom::element> field(simdjson::dom::element obj, std::string_view key) {
  simdjson::dom::element v;
  if (!obj.is_object() || obj.at_key(key).get(v) != simdjson::SUCCESS || v.is_null())
    return std::nullopt;
  return v;
}

// s as a JSON string (UTF-8 was checked by the parser).
void append_quoted(std::string& out, std::string_view s) {
  static const char* hex = "0123456789abcdef";
  out.push_back('"');
  size_t plain = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c != '"' && c != '\\') continue;
    out.append(s.data() + plain, i - plain);
    plain = i + 1;
    out.push_back('\\');
    char named = c == '"'    ? '"'
                 : c == '\\' ? '\\'
                 : c == '\n' ? 'n'
                 : c == '\r' ? 'r'
                 : c == '\t' ? 't'
                             : 0;
    if (named) {
      out.push_back(named);
    } else {
      out += "u00";
      out.push_back(hex[c >> 4]);
      out.push_back(hex[c & 15]);
    }
  }
  out.append(s.data() + plain, s.size() - plain);
  out.push_back('"');
}

// The request's JSON, whatever way the SDK packed it.
std::string decode_payload(const CaptureRequest& r) {
  std::map<std::string, std::string> query = parse_form(r.query);
  std::string body = r.body;
  std::string encoding = r.content_encoding;
  for (char& c : encoding) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (encoding.find("gzip") != std::string::npos || is_gzip(body)) body = gunzip(body);
  size_t first = body.find_first_not_of(" \t\r\n");
  bool looks_json = first != std::string::npos && (body[first] == '{' || body[first] == '[');
  if (!looks_json &&
      (r.content_type.find("application/x-www-form-urlencoded") != std::string::npos ||
       body.rfind("data=", 0) == 0)) {
    // A form: the event is in data= (base64, maybe gzipped); curl -d sends JSON as a form too.
    std::map<std::string, std::string> f = parse_form(body);
    if (f.count("data")) body = f["data"];
  } else if (body.empty() && query.count("data")) {
    body = query["data"];
  }
  size_t start = body.find_first_not_of(" \t\r\n");
  if (start != std::string::npos && body[start] != '{' && body[start] != '[') {
    auto decoded = base64_decode(body);
    if (!decoded) throw Invalid("the payload is neither JSON nor base64");
    body = is_gzip(*decoded) ? gunzip(*decoded) : *decoded;
  }
  return body;
}

}  // namespace

Capture::Capture(EventLog& log, TeamLookup teams) : log_(log), teams_(std::move(teams)) {}

std::map<std::string, uint64_t> Capture::corrected_times() {
  std::lock_guard lock(counts_mutex_);
  return corrected_times_;
}

std::map<std::pair<std::string, std::string>, uint64_t> Capture::take_team_counts() {
  std::lock_guard lock(counts_mutex_);
  return std::exchange(team_counts_, {});
}

bool Capture::is_capture_path(const std::string& path) {
  std::string p = path;
  while (p.size() > 1 && p.back() == '/') p.pop_back();
  return p == "/e" || p == "/capture" || p == "/batch" || p == "/i/v0/e" || p == "/track" ||
         p == "/engage";
}

std::optional<TeamRef> Capture::team(const std::string& key) {
  auto now = std::chrono::steady_clock::now();
  {
    std::lock_guard lock(cache_mutex_);
    auto it = cache_.find(key);
    if (it != cache_.end() && now - it->second.second < std::chrono::seconds(10))
      return it->second.first;
  }
  std::optional<TeamRef> t = teams_(key);
  if (t) {
    std::lock_guard lock(cache_mutex_);
    if (cache_.size() > 10000) cache_.clear();
    cache_[key] = {*t, now};
  }
  return t;
}

CaptureResponse Capture::handle(const CaptureRequest& r) {
  if (r.method == "OPTIONS") return {200, nullptr};
  if (r.method != "POST" && r.method != "GET") {
    return {405,
            {{"type", "validation_error"}, {"code", "method_not_allowed"}, {"detail", "use POST"}}};
  }
  auto invalid_payload = [](const std::string& detail, const char* code = "invalid_payload") {
    return CaptureResponse{400, {{"type", "validation_error"}, {"code", code}, {"detail", detail}}};
  };
  // simdjson's DOM (validating, several times faster than a tree of maps); one parser per
  // thread keeps its buffers between requests.
  thread_local simdjson::dom::parser parser;
  std::string text;
  simdjson::dom::element payload;
  try {
    text = decode_payload(r);
  } catch (const Invalid& e) {
    return invalid_payload(e.what());
  }
  if (parser.parse(text).get(payload) != simdjson::SUCCESS)
    return invalid_payload("the payload is not valid JSON");
  // The events, and the batch's own fields.
  simdjson::dom::array events;
  std::optional<simdjson::dom::element> single;
  simdjson::dom::element top = payload;
  if (payload.is_array()) {
    if (payload.get_array().get(events) != simdjson::SUCCESS)
      return invalid_payload("expected an event, a batch or an array");
  } else if (payload.is_object() && field(payload, "batch")) {
    if (!field(payload, "batch")->is_array()) return invalid_payload("\"batch\" must be an array");
    if (field(payload, "batch")->get_array().get(events) != simdjson::SUCCESS)
      return invalid_payload("\"batch\" must be an array");
  } else if (payload.is_object()) {
    single = payload;
  } else {
    return invalid_payload("expected an event, a batch or an array");
  }
  std::vector<simdjson::dom::element> list;
  if (single) {
    list.push_back(*single);
  } else {
    list.reserve(events.size());
    for (simdjson::dom::element e : events) list.push_back(e);
  }
  if (list.empty()) return invalid_payload("the payload holds no events", "no_events");
  // One project per request, as PostHog's capture has it: the request's key (at the top, else
  // the first an event carries), and every key an event carries must be the same. A batch
  // with another project's key in it is refused whole ("batch submitted with inconsistent
  // api_key values"): routing each event by its own key would let one request write to
  // several projects, and storing it under the batch's key put another organization's
  // events here.
  std::string key = string_of(top, "api_key");
  if (key.empty()) key = string_of(top, "token");
  for (size_t i = 0; i < list.size(); ++i) {
    const auto& e = list[i];
    std::optional<simdjson::dom::element> props = field(e, "properties");
    for (const std::string& own : {string_of(e, "api_key"), string_of(e, "token"),
                                   props ? string_of(*props, "token") : std::string()}) {
      if (own.empty()) continue;
      if (key.empty()) key = own;
      if (own != key) {
        std::string name = string_of(e, "event");
        return invalid_payload("event " + std::to_string(i + 1) +
                                   (name.empty() ? std::string() : " (\"" + name + "\")") +
                                   " carries a different project API key than the request: a "
                                   "request is for one project; nothing was stored",
                               "inconsistent_api_key");
      }
    }
  }
  if (key.empty()) {
    return {401,
            {{"type", "authentication_error"},
             {"code", "missing_api_key"},
             {"detail", "API key not provided: set api_key (or token) to the project API key."}}};
  }
  std::optional<TeamRef> t;
  try {
    t = team(key);
  } catch (const std::exception& e) {
    spdlog::error("capture: team lookup failed: {}", e.what());
    return {503, {{"type", "server_error"}, {"code", "unavailable"}, {"detail", "retry"}}};
  }
  if (!t) {
    return {
        401,
        {{"type", "authentication_error"},
         {"code", "invalid_api_key"},
         {"detail",
          "Project API key invalid. You can find your project API key in your project settings."}}};
  }
  Clock::time_point now = Clock::now();
  const int64_t now_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count();
  // An unparseable sent_at is ignored, as PostHog does.
  std::optional<int64_t> sent_at = client_time_ms(client_time(field(top, "sent_at")));
  std::string lines;
  lines.reserve(text.size() + list.size() * 256);
  std::string first_error;
  size_t invalid = 0, valid = 0;
  std::map<std::string, uint64_t> corrected;
  const std::string created = iso_utc(now);
  const std::string team_id = std::to_string(t->team_id);
  for (const auto& e : list) {
    size_t line_start = lines.size();
    const char* why = "";  // how the event's time was corrected
    try {
      if (!e.is_object()) throw Invalid("an event must be a JSON object");
      std::string name = string_of(e, "event");
      if (name.empty()) throw Invalid("an event needs a non-empty \"event\" name");
      if (name.size() > 400) throw Invalid("event name longer than 400 characters");
      std::optional<simdjson::dom::element> props = field(e, "properties");
      if (props && !props->is_object()) throw Invalid("\"properties\" must be an object");
      std::string distinct_id = string_of(e, "distinct_id");
      if (distinct_id.empty() && props) distinct_id = string_of(*props, "distinct_id");
      if (distinct_id.empty() && props) distinct_id = string_of(*props, "$distinct_id");
      if (distinct_id.empty()) throw Invalid("event \"" + name + "\" has no distinct_id");
      if (distinct_id.size() > 200) throw Invalid("distinct_id longer than 200 characters");
      std::string uuid = string_of(e, "uuid");
      if (uuid.empty())
        uuid = new_uuid(now);
      else if (!valid_uuid(uuid))
        throw Invalid("\"uuid\" " + uuid + " is not a UUID");
      // The event's time as PostHog decides it: corrected by the client's clock skew (from
      // sent_at), clamped when more than 23 h ahead, never outside what the table can store.
      std::optional<int64_t> event_sent = sent_at;
      if (auto v = field(e, "sent_at")) event_sent = client_time_ms(client_time(v));
      if (props) {
        simdjson::dom::element ignore;
        if (props->at_key("$ignore_sent_at").get(ignore) == simdjson::SUCCESS && ignore.is_bool() &&
            ignore.get_bool().value_unsafe()) {
          event_sent.reset();
        }
      }
      std::optional<double> offset;
      if (auto o = field(e, "offset"); o && o->is_number()) offset = o->get_double().value_unsafe();
      EventTime ts =
          resolve_event_time(now_ms, client_time(field(e, "timestamp")), event_sent, offset);
      why = ts.corrected;
      // One line, version 2 (see Ingester): properties stay a JSON object, and what persons
      // need ($set, $set_once, the ids $identify and $create_alias link) has fields of its own
      // so that the ingester does not parse every event's properties.
      lines += "{\"v\":2,\"uuid\":\"" + uuid + "\",\"event\":";
      append_quoted(lines, name);
      lines += ",\"properties\":";
      std::string set, set_once, unset, anon, alias, group_set;
      if (!props) {
        lines += "{}";
      } else {
        // The project key is not a property.
        bool first = true;
        lines.push_back('{');
        simdjson::dom::object fields;
        if (props->get_object().get(fields) != simdjson::SUCCESS) throw Invalid("bad properties");
        for (auto [k, v] : fields) {
          if (k == "token") continue;
          if (!first) lines.push_back(',');
          first = false;
          append_quoted(lines, k);
          lines.push_back(':');
          lines += simdjson::minify(v);
          if (k == "$set" && v.is_object()) set = simdjson::minify(v);
          if (k == "$set_once" && v.is_object()) set_once = simdjson::minify(v);
          if (k == "$unset" && v.is_array()) unset = simdjson::minify(v);
          if (k == "$anon_distinct_id" && v.is_string())
            anon = std::string(v.get_string().value_unsafe());
          if (k == "alias" && v.is_string()) alias = std::string(v.get_string().value_unsafe());
          if (k == "$group_set" && v.is_object()) group_set = simdjson::minify(v);
        }
        lines.push_back('}');
      }
      lines += ",\"timestamp\":\"" + format_time_ms(ts.ms) + "\",\"distinct_id\":";
      append_quoted(lines, distinct_id);
      lines += ",\"elements_chain\":";
      append_quoted(lines, string_of(e, "elements_chain"));
      lines += ",\"session_id\":";
      append_quoted(lines, props ? string_of(*props, "$session_id") : "");
      lines += ",\"window_id\":";
      append_quoted(lines, props ? string_of(*props, "$window_id") : "");
      lines += ",\"set\":" + (set.empty() ? "null" : set);
      lines += ",\"set_once\":" + (set_once.empty() ? "null" : set_once);
      lines += ",\"unset\":" + (unset.empty() ? "null" : unset);
      lines += ",\"anon_distinct_id\":";
      append_quoted(lines, anon);
      lines += ",\"alias\":";
      append_quoted(lines, alias);
      if (name == "$groupidentify" && props) {  // a group's properties (groups table)
        lines += ",\"group_type\":";
        append_quoted(lines, string_of(*props, "$group_type"));
        lines += ",\"group_key\":";
        append_quoted(lines, string_of(*props, "$group_key"));
        lines += ",\"group_set\":" + (group_set.empty() ? "null" : group_set);
      }
      lines += ",\"created_at\":\"" + created + "\",\"team_id\":" + team_id + "}\n";
      ++valid;
      if (*why) ++corrected[why];
    } catch (const Invalid& err) {
      lines.resize(line_start);
      ++invalid;
      if (first_error.empty()) first_error = err.what();
    }
  }
  if (valid > 0) {
    try {
      log_.append(t->org, t->schema, lines);
    } catch (const std::exception& err) {
      spdlog::error("capture: {}", err.what());
      return {503,
              {{"type", "server_error"},
               {"code", "storage_unavailable"},
               {"detail", "events not stored; retry"}}};
    }
    events_total.fetch_add(valid);
    std::lock_guard lock(counts_mutex_);
    team_counts_[{t->org, t->schema}] += valid;
    for (const auto& [why, n] : corrected) corrected_times_[why] += n;
  }
  rejected_total.fetch_add(invalid);
  if (invalid > 0) {
    return {
        400,
        {{"type", "validation_error"},
         {"code", "invalid_event"},
         {"detail", first_error + " (" + std::to_string(invalid) + " of " +
                        std::to_string(list.size()) + " events rejected; the others are stored)"}}};
  }
  return {200, {{"status", 1}}};
}

}  // namespace ducklings::ingest
