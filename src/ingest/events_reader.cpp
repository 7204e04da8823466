#include "ingest/events_reader.h"

#include <fcntl.h>
#include <simdjson.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <optional>
#include <stdexcept>
#include <thread>

#include "duck/table_function.h"
#include "sql/sandbox.h"

namespace ducklings::ingest {
namespace {

namespace od = simdjson::ondemand;
using duck::ColumnType;

enum Column : size_t {
  kUuid,
  kEvent,
  kDistinctId,
  kProperties,
  kTimestamp,
  kTimestampText,
  kPersonId,
  kElementsChain,
  kCreatedAt,
  kCreatedAtText,
  kSessionId,
  kWindowId,
  kGroups,
  kGroup0,  // .. kGroup0 + 4
  kColumns = kGroup0 + 5
};

std::vector<std::pair<std::string, ColumnType>> columns() {
  std::vector<std::pair<std::string, ColumnType>> c = {{"uuid", ColumnType::kUuid},
                                                       {"event", ColumnType::kVarchar},
                                                       {"distinct_id", ColumnType::kVarchar},
                                                       {"properties", ColumnType::kJson},
                                                       {"timestamp", ColumnType::kTimestampTz},
                                                       {"timestamp_text", ColumnType::kVarchar},
                                                       {"person_id", ColumnType::kUuid},
                                                       {"elements_chain", ColumnType::kVarchar},
                                                       {"created_at", ColumnType::kTimestampTz},
                                                       {"created_at_text", ColumnType::kVarchar},
                                                       {"$session_id", ColumnType::kVarchar},
                                                       {"$window_id", ColumnType::kVarchar},
                                                       {"$groups", ColumnType::kJson}};
  for (int i = 0; i < 5; ++i) c.emplace_back("$group_" + std::to_string(i), ColumnType::kVarchar);
  return c;
}

// A file of the call, open for its threads' reads. It is read, not mapped: a file cut short
// while it is read must end the read, not raise SIGBUS in the server.
class InputFile {
 public:
  explicit InputFile(const std::string& path) : path_(path) {
    fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd_ < 0) throw std::runtime_error(path + ": cannot be read");
    struct stat st {};
    if (::fstat(fd_, &st) != 0 || !S_ISREG(st.st_mode)) {
      ::close(fd_);
      throw std::runtime_error(path + ": not a regular file");
    }
    size_ = static_cast<size_t>(st.st_size);
  }
  InputFile(const InputFile&) = delete;
  ~InputFile() { ::close(fd_); }
  const std::string& path() const { return path_; }
  size_t size() const { return size_; }  // when the scan began
  // Appends up to `n` bytes from `offset` to `out`; fewer at the end of the file.
  size_t read(size_t offset, size_t n, std::string& out) const {
    size_t had = out.size();
    out.resize(had + n);
    size_t got = 0;
    while (got < n) {
      ssize_t r = ::pread(fd_, out.data() + had + got, n - got, static_cast<off_t>(offset + got));
      if (r < 0 && errno == EINTR) continue;
      if (r < 0) throw std::runtime_error(path_ + ": cannot be read");
      if (r == 0) break;
      got += static_cast<size_t>(r);
    }
    out.resize(had + got);
    return got;
  }

 private:
  std::string path_;
  int fd_ = -1;
  size_t size_ = 0;
};

// Threads take a file in pieces of this size; a piece owns the lines that start in it.
std::atomic<size_t> piece_bytes{size_t{4} << 20};

struct Piece {
  size_t file;
  size_t begin, end;
};

// Hex digits' values, -1 for other bytes.
constexpr std::array<int8_t, 256> kHexDigits = [] {
  std::array<int8_t, 256> t{};
  for (auto& v : t) v = -1;
  for (int c = '0'; c <= '9'; ++c) t[c] = static_cast<int8_t>(c - '0');
  for (int c = 'a'; c <= 'f'; ++c) t[c] = static_cast<int8_t>(c - 'a' + 10);
  for (int c = 'A'; c <= 'F'; ++c) t[c] = static_cast<int8_t>(c - 'A' + 10);
  return t;
}();

// 16 hex digits from `at` (skipping the dashes of the canonical form), or false.
bool hex64(const char* p, const int* at, uint64_t& out) {
  int bad = 0;
  out = 0;
  for (int i = 0; i < 16; ++i) {
    int v = kHexDigits[static_cast<unsigned char>(p[at[i]])];
    bad |= v;
    out = out << 4 | static_cast<uint64_t>(v & 15);
  }
  return bad >= 0;
}

// As DuckDB reads a UUID: 32 hex digits, dashes anywhere between them, optionally in braces.
bool parse_uuid(std::string_view s, uint64_t& high, uint64_t& low) {
  // The canonical 8-4-4-4-12 form first: nearly every uuid of an export.
  static constexpr int kHigh[16] = {0, 1, 2, 3, 4, 5, 6, 7, 9, 10, 11, 12, 14, 15, 16, 17};
  static constexpr int kLow[16] = {19, 20, 21, 22, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35};
  if (s.size() == 36 && s[8] == '-' && s[13] == '-' && s[18] == '-' && s[23] == '-')
    return hex64(s.data(), kHigh, high) && hex64(s.data(), kLow, low);
  if (s.size() >= 2 && s.front() == '{') {
    if (s.back() != '}') return false;
    s = s.substr(1, s.size() - 2);
  }
  high = low = 0;
  int count = 0;
  for (char c : s) {
    if (c == '-') continue;
    int v = kHexDigits[static_cast<unsigned char>(c)];
    if (v < 0 || count >= 32) return false;
    (count < 16 ? high : low) = ((count < 16 ? high : low) << 4) | static_cast<uint64_t>(v);
    ++count;
  }
  return count == 32;
}

// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil).
int64_t days_from_civil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

// The ISO 8601 forms exports write, with a UTC offset: YYYY-MM-DD[T ]HH:MM:SS[.f{1,6}] then
// Z, +HH, +HHMM or +HH:MM. Anything else is left to DuckDB's cast (it knows the session's
// time zone for a time without offset).
bool parse_timestamp(std::string_view s, int64_t& micros) {
  size_t i = 0;
  auto digits = [&](size_t n, int& out) {
    if (i + n > s.size()) return false;
    out = 0;
    for (size_t k = 0; k < n; ++k) {
      char c = s[i + k];
      if (c < '0' || c > '9') return false;
      out = out * 10 + (c - '0');
    }
    i += n;
    return true;
  };
  auto expect = [&](char c) { return i < s.size() && s[i++] == c; };
  int year, month, day, hour, minute, second;
  if (!digits(4, year) || !expect('-') || !digits(2, month) || !expect('-') || !digits(2, day))
    return false;
  if (i >= s.size() || (s[i] != 'T' && s[i] != ' ')) return false;
  ++i;
  if (!digits(2, hour) || !expect(':') || !digits(2, minute) || !expect(':') || !digits(2, second))
    return false;
  static constexpr int kDays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  if (month < 1 || month > 12 || day < 1 || day > kDays[month - 1] ||
      (month == 2 && day == 29 && !leap) || hour > 23 || minute > 59 || second > 59)
    return false;
  int64_t fraction = 0;
  if (i < s.size() && s[i] == '.') {
    ++i;
    size_t n = 0;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
      if (++n > 6) return false;
      fraction = fraction * 10 + (s[i++] - '0');
    }
    if (n == 0) return false;
    while (n++ < 6) fraction *= 10;
  }
  int offset_minutes = 0;
  if (i < s.size() && (s[i] == 'Z' || s[i] == 'z')) {
    ++i;
  } else if (i < s.size() && (s[i] == '+' || s[i] == '-')) {
    int sign = s[i++] == '-' ? -1 : 1, oh = 0, om = 0;
    if (!digits(2, oh)) return false;
    if (i < s.size()) {
      if (s[i] == ':') ++i;
      if (!digits(2, om)) return false;
    }
    if (oh > 23 || om > 59) return false;
    offset_minutes = sign * (oh * 60 + om);
  } else {
    return false;
  }
  if (i != s.size()) return false;
  int64_t seconds =
      days_from_civil(year, static_cast<unsigned>(month), static_cast<unsigned>(day)) * 86400 +
      hour * 3600 + minute * 60 + second - offset_minutes * 60;
  micros = seconds * 1000000 + fraction;
  return true;
}

std::string_view trim_left(std::string_view s) {
  while (!s.empty() &&
         (s.front() == ' ' || s.front() == '\t' || s.front() == '\r' || s.front() == '\n'))
    s.remove_prefix(1);
  return s;
}

std::string_view trim_right(std::string_view s) {
  while (!s.empty() &&
         (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n'))
    s.remove_suffix(1);
  return s;
}

// Walks a value whole, so that a line goes in only when all of it is JSON: skipping a value
// checks its brackets and strings, not its numbers or literals.
simdjson::error_code validate(od::value v);

// Calls `f(key, value)` for each field of the object, up to the first error.
template <typename F>
simdjson::error_code each_field(od::object o, F&& f) {
  for (auto field : o) {
    std::string_view key;
    if (auto e = field.unescaped_key().get(key)) return e;
    od::value v;
    if (auto e = field.value().get(v)) return e;
    if (auto e = f(key, v)) return e;
  }
  return simdjson::SUCCESS;
}

simdjson::error_code validate_fields(od::object o) {
  return each_field(o, [](std::string_view, od::value v) { return validate(v); });
}

simdjson::error_code validate_elements(od::array a) {
  for (auto element : a) {
    od::value v;
    if (auto e = element.get(v)) return e;
    if (auto e = validate(v)) return e;
  }
  return simdjson::SUCCESS;
}

simdjson::error_code validate(od::value v) {
  od::json_type type;
  if (auto e = v.type().get(type)) return e;
  switch (type) {
    case od::json_type::object: {
      od::object o;
      if (auto e = v.get_object().get(o)) return e;
      return validate_fields(o);
    }
    case od::json_type::array: {
      od::array a;
      if (auto e = v.get_array().get(a)) return e;
      return validate_elements(a);
    }
    case od::json_type::string: {
      std::string_view s;
      return v.get_string().get(s);
    }
    case od::json_type::number: {
      od::number n;
      return v.get_number().get(n);
    }
    case od::json_type::boolean: {
      bool b;
      return v.get_bool().get(b);
    }
    case od::json_type::null: {
      bool null;
      if (auto e = v.is_null().get(null)) return e;
      return null ? simdjson::SUCCESS : simdjson::INCORRECT_TYPE;
    }
  }
  return simdjson::INCORRECT_TYPE;
}

// The JSON text of a value, checked whole: an object or array as written, a scalar's token.
simdjson::error_code raw_json(od::value v, std::string_view& raw) {
  od::json_type type;
  if (auto e = v.type().get(type)) return e;
  if (type == od::json_type::object) {
    od::object o;
    if (auto e = v.get_object().get(o)) return e;
    if (auto e = o.raw_json().get(raw)) return e;
    if (auto e = o.reset().error()) return e;
    if (auto e = validate_fields(o)) return e;
  } else if (type == od::json_type::array) {
    od::array a;
    if (auto e = v.get_array().get(a)) return e;
    if (auto e = a.raw_json().get(raw)) return e;
    if (auto e = a.reset().error()) return e;
    if (auto e = validate_elements(a)) return e;
  } else {
    raw = v.raw_json_token();
    if (auto e = validate(v)) return e;
  }
  raw = trim_right(raw);
  return simdjson::SUCCESS;
}

// Text as DuckDB reads a JSON value into VARCHAR: a string unescaped, another value as JSON.
// `null` is set for JSON null.
simdjson::error_code text_of(od::value v, std::string_view& text, bool& null) {
  od::json_type type;
  if (auto e = v.type().get(type)) return e;
  null = type == od::json_type::null;
  if (null) return validate(v);
  if (type == od::json_type::string) return v.get_string().get(text);
  return raw_json(v, text);
}

// Whether the whole document was read: text after its value is not JSON Lines.
bool at_end(od::document& doc) {
  return doc.current_location().error() == simdjson::OUT_OF_BOUNDS;
}

class EventsScan : public duck::Scan {
 public:
  explicit EventsScan(const std::vector<std::string>& files) {
    for (size_t f = 0; f < files.size(); ++f) {
      files_.push_back(std::make_unique<InputFile>(files[f]));
      size_t step = piece_bytes.load();
      for (size_t b = 0; b < files_.back()->size(); b += step)
        pieces_.push_back({f, b, std::min(files_.back()->size(), b + step)});
    }
  }
  std::unique_ptr<duck::ScanThread> thread() override;

  const Piece* claim() {
    size_t i = next_.fetch_add(1);
    return i < pieces_.size() ? &pieces_[i] : nullptr;
  }
  const InputFile& file(size_t i) const { return *files_[i]; }

 private:
  std::vector<std::unique_ptr<InputFile>> files_;
  std::vector<Piece> pieces_;
  std::atomic<size_t> next_{0};
};

class EventsScanThread : public duck::ScanThread {
 public:
  explicit EventsScanThread(EventsScan& scan) : scan_(scan) {}

  size_t next(duck::ChunkWriter& out) override {
    size_t rows = 0;
    while (rows < out.capacity()) {
      if (!streaming_) {
        if (!open_piece()) break;
        continue;
      }
      if (!(it_ != stream_.end())) {
        streaming_ = false;
        if (stream_.truncated_bytes() > 0) fail(region_.size() - stream_.truncated_bytes());
        continue;
      }
      // A stream that met an error says no more about where (its source() is then unsafe).
      od::document_reference doc;
      if ((*it_).get(doc)) fail(0);
      size_t at = it_.current_index();
      // One object per line: what comes before it on its line is white space only, and it
      // spans no line end (DuckDB's newline-delimited reader refuses the same).
      std::string_view source = trim_right(it_.source());
      if (source.find('\n') != std::string_view::npos || !line_starts_at(at) ||
          read_event(out, rows, doc))
        fail(at);
      for (size_t c = 0; c < kColumns; ++c) {
        if (!(set_ >> c & 1)) out.mark_null(c, rows);
      }
      ++rows;
      ++it_;
    }
    return rows;
  }

 private:
  // Takes the next piece: the lines that start in it, read with the byte before them (is it
  // a line end?) and on to the end of their last line, then padded for simdjson.
  bool open_piece() {
    const Piece* piece = scan_.claim();
    if (!piece) return false;
    file_ = &scan_.file(piece->file);
    size_t from = piece->begin > 0 ? piece->begin - 1 : 0;
    buffer_.clear();
    file_->read(from, piece->end - from, buffer_);
    size_t begin = piece->begin - from;
    if (piece->begin == 0 && buffer_.compare(0, 3, "\xEF\xBB\xBF") == 0) {
      begin = 3;  // a UTF-8 byte order mark
    } else if (piece->begin > 0 && !buffer_.empty() && buffer_[0] != '\n') {
      size_t nl = buffer_.find('\n', 1);
      if (nl == std::string::npos) return true;  // a line begun in an earlier piece covers it
      begin = nl + 1;
    }
    // The last line runs on past the piece's end to its line end (or the file's).
    if (buffer_.size() == piece->end - from && !buffer_.empty() && buffer_.back() != '\n') {
      constexpr size_t kStep = 64 << 10;
      size_t at = piece->end;
      while (true) {
        size_t before = buffer_.size();
        size_t got = file_->read(at, kStep, buffer_);
        size_t nl = buffer_.find('\n', before);
        if (nl != std::string::npos) {
          buffer_.resize(nl + 1);
          break;
        }
        if (got < kStep) break;
        at += got;
      }
    }
    if (buffer_.size() <= begin) return true;
    region_at_ = from + begin;
    size_t length = buffer_.size() - begin;
    buffer_.resize(buffer_.size() + simdjson::SIMDJSON_PADDING, ' ');
    region_ = std::string_view(buffer_.data() + begin, length);
    // The whole region is one batch: a document never spans two.
    size_t batch = std::max<size_t>(region_.size(), size_t{1} << 16);
    auto e = parser_.iterate_many(region_.data(), region_.size(), batch).get(stream_);
    if (e == simdjson::EMPTY) return true;
    if (e) fail(0);
    it_ = stream_.begin();
    streaming_ = true;
    return true;
  }

  bool line_starts_at(size_t at) const {
    while (at > 0 && (region_[at - 1] == ' ' || region_[at - 1] == '\t')) --at;
    return at == 0 || region_[at - 1] == '\n';
  }

  // Fails the query naming the line: the first of the region that is not one JSON object
  // (looked for line by line, as a stream's error may not say where), else the one at `at`.
  [[noreturn]] void fail(size_t at) {
    size_t line_at = at;
    std::string why = "not a JSON object";
    size_t from = 0;
    while (from < region_.size()) {
      size_t nl = region_.find('\n', from);
      if (nl == std::string_view::npos) nl = region_.size();
      std::string_view line = trim_right(region_.substr(from, nl - from));
      if (line.find_first_not_of(" \t") != std::string_view::npos) {
        std::optional<std::string> problem = check_line(line);
        if (problem) {
          line_at = from;
          why = *problem;
          break;
        }
      }
      from = nl + 1;
    }
    size_t offset = region_at_ + std::min(line_at, region_.size());
    size_t number = 1;
    std::string chunk;
    for (size_t at = 0; at < offset;) {
      chunk.clear();
      size_t got = file_->read(at, std::min<size_t>(offset - at, 1 << 20), chunk);
      if (got == 0) break;
      number += static_cast<size_t>(std::count(chunk.begin(), chunk.end(), '\n'));
      at += got;
    }
    throw std::runtime_error(file_->path() + ", line " + std::to_string(number) + ": " + why);
  }

  // What is wrong with a line on its own, if anything.
  std::optional<std::string> check_line(std::string_view line) {
    std::string padded(line);
    padded.resize(line.size() + simdjson::SIMDJSON_PADDING, ' ');
    od::document doc;
    od::json_type type;
    od::object o;
    auto problem = [](simdjson::error_code e) {
      return "not valid JSON (" + std::string(simdjson::error_message(e)) + ")";
    };
    if (auto e = inner_parser_.iterate(padded.data(), line.size(), padded.size()).get(doc))
      return problem(e);
    if (auto e = doc.type().get(type)) return problem(e);
    if (type != od::json_type::object) return "not a JSON object";
    if (auto e = doc.get_object().get(o)) return problem(e);
    if (auto e = validate_fields(o)) return problem(e);
    if (!at_end(doc)) return problem(simdjson::TRAILING_CONTENT);
    return std::nullopt;
  }

  void text(duck::ChunkWriter& out, size_t column, size_t row, std::string_view s) {
    out.set_text(column, row, s);
    set_ |= uint32_t{1} << column;
  }

  simdjson::error_code text_column(duck::ChunkWriter& out, size_t column, size_t row, od::value v) {
    std::string_view s;
    bool null = false;
    if (auto e = text_of(v, s, null)) return e;
    if (!null) text(out, column, row, s);
    return simdjson::SUCCESS;
  }

  simdjson::error_code uuid_column(duck::ChunkWriter& out, size_t column, size_t row, od::value v) {
    std::string_view s;
    bool null = false;
    if (auto e = text_of(v, s, null)) return e;
    uint64_t high, low;
    if (!null && parse_uuid(s, high, low)) {
      out.set_uuid(column, row, high, low);
      set_ |= uint32_t{1} << column;
    }
    return simdjson::SUCCESS;
  }

  simdjson::error_code time_column(duck::ChunkWriter& out, size_t column, size_t text_column,
                                   size_t row, od::value v) {
    std::string_view s;
    bool null = false;
    if (auto e = text_of(v, s, null)) return e;
    if (null) return simdjson::SUCCESS;
    int64_t micros;
    if (parse_timestamp(s, micros)) {
      out.set_timestamp(column, row, micros);
      set_ |= uint32_t{1} << column;
    } else {
      text(out, text_column, row, s);
    }
    return simdjson::SUCCESS;
  }

  // The properties: kept as written, with the keys that have columns of their own read out.
  // `start` is where the object starts; its end is where the document is after it, or `end`.
  template <typename Document>
  simdjson::error_code properties(duck::ChunkWriter& out, size_t row, od::object o,
                                  const char* start, Document& doc, const char* end) {
    auto property = [&](std::string_view key, od::value v) {
      if (key == "$session_id") return text_column(out, kSessionId, row, v);
      if (key == "$window_id") return text_column(out, kWindowId, row, v);
      if (key != "$groups") return validate(v);
      std::string_view groups;
      if (auto e = raw_json(v, groups)) return e;
      text(out, kGroups, row, groups);
      return simdjson::SUCCESS;
    };
    if (auto e = each_field(o, property)) return e;
    // Walked once: the text runs to the next token (the enclosing object's , or }).
    const char* after = nullptr;
    if (doc.current_location().get(after)) after = end;
    text(out, kProperties, row, trim_right(std::string_view(start, after - start)));
    return simdjson::SUCCESS;
  }

  // Properties written as a JSON string that holds the object: parsed again from a copy.
  simdjson::error_code properties_text(duck::ChunkWriter& out, size_t row, std::string_view s) {
    inner_.assign(s.data(), s.size());
    inner_.resize(s.size() + simdjson::SIMDJSON_PADDING, ' ');
    od::document doc;
    od::object o;
    // Text that is not a JSON object leaves properties empty, as a failed cast would.
    if (inner_parser_.iterate(inner_.data(), s.size(), inner_.size()).get(doc) ||
        doc.get_object().get(o) ||
        properties(out, row, o, inner_.data() + (s.size() - trim_left(s).size()), doc,
                   inner_.data() + s.size()) ||
        !at_end(doc)) {
      set_ &= ~(uint32_t{1} << kProperties | uint32_t{1} << kSessionId | uint32_t{1} << kWindowId |
                uint32_t{1} << kGroups);
    }
    return simdjson::SUCCESS;
  }

  // One line's object into the row.
  simdjson::error_code read_event(duck::ChunkWriter& out, size_t row, od::document_reference& doc) {
    set_ = 0;
    od::object o;
    if (auto e = doc.get_object().get(o)) return e;
    return each_field(o, [&](std::string_view key, od::value v) {
      if (key == "uuid") return uuid_column(out, kUuid, row, v);
      if (key == "event") return text_column(out, kEvent, row, v);
      if (key == "distinct_id") return text_column(out, kDistinctId, row, v);
      if (key == "timestamp") return time_column(out, kTimestamp, kTimestampText, row, v);
      if (key == "properties") return event_properties(out, row, v, doc);
      if (key == "person_id") return uuid_column(out, kPersonId, row, v);
      if (key == "elements_chain") return text_column(out, kElementsChain, row, v);
      if (key == "created_at") return time_column(out, kCreatedAt, kCreatedAtText, row, v);
      if (key.size() == 8 && key.substr(0, 7) == "$group_" && key[7] >= '0' && key[7] <= '4')
        return text_column(out, kGroup0 + static_cast<size_t>(key[7] - '0'), row, v);
      return validate(v);
    });
  }

  // An event's properties: an object (kept as written), JSON text holding one, or another
  // value (kept as its JSON).
  simdjson::error_code event_properties(duck::ChunkWriter& out, size_t row, od::value v,
                                        od::document_reference& doc) {
    od::json_type type;
    if (auto e = v.type().get(type)) return e;
    if (type == od::json_type::object) {
      od::object props;
      const char* start = v.raw_json_token().data();
      if (auto e = v.get_object().get(props)) return e;
      return properties(out, row, props, start, doc, region_.data() + region_.size());
    }
    if (type == od::json_type::string) {
      std::string_view s;
      if (auto e = v.get_string().get(s)) return e;
      return properties_text(out, row, s);
    }
    if (type == od::json_type::null) return validate(v);
    std::string_view raw;
    if (auto e = raw_json(v, raw)) return e;
    text(out, kProperties, row, raw);
    return simdjson::SUCCESS;
  }

  EventsScan& scan_;
  const InputFile* file_ = nullptr;
  size_t region_at_ = 0;     // where the region starts in the file
  std::string_view region_;  // the current piece's lines
  bool streaming_ = false;
  od::parser parser_, inner_parser_;
  od::document_stream stream_;
  od::document_stream::iterator it_;
  uint32_t set_ = 0;            // the columns the current row has values for
  std::string buffer_, inner_;  // the piece's text; properties written as JSON text
};

std::unique_ptr<duck::ScanThread> EventsScan::thread() {
  return std::make_unique<EventsScanThread>(*this);
}

}  // namespace

void set_events_reader_piece_bytes(size_t bytes) {
  piece_bytes = std::max<size_t>(1, bytes);
}

void register_events_reader(duck::Connection& connection,
                            const std::vector<std::string>& readable_directories) {
  duck::TableFunctionSpec spec;
  spec.name = kEventsReader;
  spec.columns = columns();
  spec.max_threads = std::max(1u, std::thread::hardware_concurrency());
  // The same rule as DuckDB's readers in a duckling: a file under a readable directory, by its
  // path as written and as resolved (a link out of the directory does not count).
  std::vector<std::string> resolved_dirs;
  for (const auto& d : readable_directories) {
    std::error_code ec;
    resolved_dirs.push_back(std::filesystem::weakly_canonical(d, ec).string());
  }
  spec.bind = [readable = readable_directories,
               resolved_dirs](const std::vector<std::string>& files) {
    for (const auto& f : files) {
      std::error_code ec;
      std::string resolved = std::filesystem::weakly_canonical(f, ec).string();
      if (!sql::path_within(f, readable) || ec || !sql::path_within(resolved, resolved_dirs))
        throw std::runtime_error("Permission Error: " + std::string(kEventsReader) + "() reads " +
                                 "only files under the server's readable directories: " + f);
    }
    return [files] { return std::make_unique<EventsScan>(files); };
  };
  duck::register_table_function(connection, std::move(spec));
}

}  // namespace ducklings::ingest
