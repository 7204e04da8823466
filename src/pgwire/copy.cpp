// COPY FROM STDIN and COPY TO STDOUT in text, CSV and binary formats.
//
// COPY FROM streams: client CopyData goes through a FIFO into DuckDB's CSV reader, which runs
// an INSERT … SELECT on the session's connection in a helper thread. Memory stays flat for any
// upload size, and DuckDB's parallel CSV parser does the parsing and type casting. Text and
// binary input are rewritten to CSV on the way.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cerrno>
#include <cstring>
#include <set>
#include <thread>

#include "common/fifo.h"
#include "pgwire/session.h"
#include "sql/storage_urls.h"
#include "sql/error_mapping.h"
#include "sql/quoting.h"

namespace ducklings::pgwire {
namespace {
using sql::quote_identifier;
using sql::quote_literal;

enum class CopyFormat { kText, kCsv, kBinary };

struct CopyOptions {
  CopyFormat format = CopyFormat::kText;
  char delimiter = '\t';
  std::string null_string = "\\N";
  bool header = false;
  char quote = '"';
  char escape = '"';
  bool force_quote_all = false;
  std::vector<std::string> force_quote;
};

std::string def_value(const pg_query::DefElem& d) {
  if (!d.has_arg()) return "true";
  const pg_query::Node& a = d.arg();
  if (a.has_string()) return a.string().sval();
  if (a.has_integer()) return std::to_string(a.integer().ival());
  if (a.has_boolean()) return a.boolean().boolval() ? "true" : "false";
  if (a.has_a_star()) return "*";
  if (a.has_float_()) return a.float_().fval();
  return "";
}

bool truthy(const std::string& v) {
  std::string l = v;
  std::transform(l.begin(), l.end(), l.begin(), ::tolower);
  return l == "true" || l == "on" || l == "1" || l == "yes" || l == "match";
}

char single_char(const std::string& name, const std::string& v) {
  if (v.size() != 1) {
    throw SqlError("0A000", "COPY " + name + " must be a single one-byte character");
  }
  return v[0];
}

CopyOptions parse_options(const pg_query::CopyStmt& stmt) {
  CopyOptions o;
  bool delimiter_set = false, null_set = false, escape_set = false;
  for (const auto& n : stmt.options()) {
    if (!n.has_def_elem()) continue;
    const auto& d = n.def_elem();
    std::string name = d.defname();
    std::string v = def_value(d);
    if (name == "format") {
      std::string f = v;
      std::transform(f.begin(), f.end(), f.begin(), ::tolower);
      if (f == "text") o.format = CopyFormat::kText;
      else if (f == "csv") o.format = CopyFormat::kCsv;
      else if (f == "binary") o.format = CopyFormat::kBinary;
      else throw SqlError("22023", "COPY format \"" + v + "\" not recognized");
    } else if (name == "delimiter") {
      o.delimiter = single_char("delimiter", v);
      delimiter_set = true;
    } else if (name == "null") {
      o.null_string = v;
      null_set = true;
    } else if (name == "header") {
      o.header = truthy(v);
    } else if (name == "quote") {
      o.quote = single_char("quote", v);
    } else if (name == "escape") {
      o.escape = single_char("escape", v);
      escape_set = true;
    } else if (name == "force_quote") {
      if (v == "*") {
        o.force_quote_all = true;
      } else if (d.has_arg() && d.arg().has_list()) {
        for (const auto& item : d.arg().list().items()) o.force_quote.push_back(item.string().sval());
      }
    } else if (name == "encoding") {
      sql::normalize_client_encoding(v);
    } else if (name == "freeze" || name == "oids") {
      // FREEZE is a storage hint without meaning here.
    } else {
      throw SqlError("0A000", "COPY option \"" + name + "\" is not supported");
    }
  }
  if (o.format == CopyFormat::kCsv) {
    if (!delimiter_set) o.delimiter = ',';
    if (!null_set) o.null_string = "";
    if (!escape_set) o.escape = o.quote;
  }
  if (o.format == CopyFormat::kBinary && (delimiter_set || null_set || o.header)) {
    throw SqlError("42601", "cannot specify DELIMITER, NULL or HEADER in BINARY mode");
  }
  if (o.format == CopyFormat::kText && o.header) {
    throw SqlError("0A000", "COPY HEADER available only in CSV mode");
  }
  return o;
}

// The table in DuckDB's terms: PostgreSQL's public is main, and a database qualifier names the
// session's own database (DuckDB's catalog of it has another name), as in sql/rewrite.cpp.
std::string relation_name(const pg_query::RangeVar& r) {
  std::string out;
  const std::string& catalog = r.catalogname();
  if (catalog == "system" || catalog == "temp") out += quote_identifier(catalog) + ".";
  if (!r.schemaname().empty()) {
    out += quote_identifier(r.schemaname() == "public" ? std::string("main") : r.schemaname()) + ".";
  }
  return out + quote_identifier(r.relname());
}

// Appends a value in COPY text format: backslash escapes for the delimiter and controls.
void append_text_escaped(std::string& out, std::string_view v, char delimiter) {
  for (char c : v) {
    switch (c) {
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      case '\v': out += "\\v"; break;
      default:
        if (c == delimiter) out.push_back('\\');
        out.push_back(c);
    }
  }
}

// Appends a value in CSV: quoted when it holds the delimiter, quote, escape, a line break or
// reads as the NULL string, or when forced.
void append_csv(std::string& out, std::string_view v, const CopyOptions& o, bool force) {
  bool needs = force || v == o.null_string;
  if (!needs) {
    for (char c : v) {
      if (c == o.delimiter || c == o.quote || c == o.escape || c == '\n' || c == '\r') {
        needs = true;
        break;
      }
    }
  }
  if (!needs && v.empty() && o.null_string.empty()) needs = true;
  if (!needs && v == "\\.") needs = true;
  if (!needs) {
    out.append(v);
    return;
  }
  out.push_back(o.quote);
  for (char c : v) {
    if (c == o.quote || c == o.escape) out.push_back(o.escape);
    out.push_back(c);
  }
  out.push_back(o.quote);
}

// Rewrites COPY text-format input into the CSV dialect the FIFO reader expects: every value
// quoted with '"', NULL as an unquoted empty field.
class TextToCsv {
 public:
  TextToCsv(char delimiter, std::string null_string)
      : delimiter_(delimiter), null_(std::move(null_string)) {}
  // Feeds raw bytes; complete lines are appended to `out`. Returns false after the "\." line.
  bool feed(std::string_view data, std::string& out) {
    // Whole lines at a time: COPY text is mostly plain bytes between newlines.
    while (!data.empty()) {
      if (ended_) return false;
      size_t nl = data.find('\n');
      if (nl == std::string_view::npos) {
        line_.append(data);
        break;
      }
      if (line_.empty()) {
        line_done(data.substr(0, nl), out);
      } else {
        line_.append(data.substr(0, nl));
        line_done(line_, out);
        line_.clear();
      }
      data.remove_prefix(nl + 1);
    }
    return !ended_;
  }
  void finish(std::string& out) {
    if (!line_.empty() && !ended_) {
      line_done(line_, out);
      line_.clear();
    }
  }

 private:
  void line_done(std::string_view line, std::string& out) {
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line == "\\.") {
      ended_ = true;
      return;
    }
    size_t start = 0;
    bool first = true;
    const char stops[] = {delimiter_, '\\', '\0'};
    // Split on unescaped delimiters, jumping from one delimiter or backslash to the next.
    for (size_t i = line.find_first_of(stops, 0, 2);; i = line.find_first_of(stops, i, 2)) {
      if (i != std::string_view::npos && line[i] == '\\') {
        i += 2;
        if (i < line.size()) continue;
        i = std::string_view::npos;  // an escape at the very end: the rest is the last field
      }
      size_t end = i == std::string_view::npos ? line.size() : i;
      if (!first) out.push_back(',');
      first = false;
      field(line.substr(start, end - start), out);
      if (i == std::string_view::npos) break;
      start = ++i;
    }
    out.push_back('\n');
  }
  void field(std::string_view raw, std::string& out) {
    if (raw == null_) return;  // NULL: unquoted empty
    out.push_back('"');
    if (raw.find_first_of("\\\"") == std::string_view::npos) {
      out.append(raw);  // nothing to unescape or double
      out.push_back('"');
      return;
    }
    for (size_t i = 0; i < raw.size(); ++i) {
      char c = raw[i];
      if (c == '\\' && i + 1 < raw.size()) {
        char n = raw[++i];
        switch (n) {
          case 'b': c = '\b'; break;
          case 'f': c = '\f'; break;
          case 'n': c = '\n'; break;
          case 'r': c = '\r'; break;
          case 't': c = '\t'; break;
          case 'v': c = '\v'; break;
          case 'x': {
            int v = 0, digits = 0;
            while (digits < 2 && i + 1 < raw.size() && std::isxdigit(static_cast<unsigned char>(raw[i + 1]))) {
              char h = raw[++i];
              v = v * 16 + (std::isdigit(static_cast<unsigned char>(h)) ? h - '0' : (std::tolower(h) - 'a' + 10));
              ++digits;
            }
            c = digits ? static_cast<char>(v) : 'x';
            break;
          }
          default:
            if (n >= '0' && n <= '7') {
              int v = n - '0', digits = 1;
              while (digits < 3 && i + 1 < raw.size() && raw[i + 1] >= '0' && raw[i + 1] <= '7') {
                v = v * 8 + (raw[++i] - '0');
                ++digits;
              }
              c = static_cast<char>(v);
            } else {
              c = n;
            }
        }
      }
      if (c == '"') out.push_back('"');
      out.push_back(c);
    }
    out.push_back('"');
  }
  char delimiter_;
  std::string null_;
  std::string line_;
  bool ended_ = false;
};

// Big-endian integers of COPY BINARY fields.
int64_t be_int(std::string_view b) {
  int64_t v = static_cast<int8_t>(b[0]);
  for (size_t i = 1; i < b.size(); ++i) v = (v << 8) | static_cast<unsigned char>(b[i]);
  return v;
}

// The civil date of `days` since 1970-01-01 (Howard Hinnant's days_from_civil, inverted).
void civil_from_days(int64_t days, int64_t& y, unsigned& m, unsigned& d) {
  days += 719468;
  int64_t era = (days >= 0 ? days : days - 146096) / 146097;
  unsigned doe = static_cast<unsigned>(days - era * 146097);
  unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  unsigned mp = (5 * doy + 2) / 153;
  d = doy - (153 * mp + 2) / 5 + 1;
  m = mp < 10 ? mp + 3 : mp - 9;
  y = static_cast<int64_t>(yoe) + era * 400 + (m <= 2);
}

// "YYYY-MM-DD" of days since 2000-01-01 (PostgreSQL's epoch); false outside years 1-9999.
bool append_date(int64_t pg_days, std::string& out) {
  int64_t y;
  unsigned m, d;
  civil_from_days(pg_days + 10957, y, m, d);
  if (y < 1 || y > 9999) return false;
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(y), m, d);
  out += buf;
  return true;
}

// A field's text for the CSV without a DuckDB value in between, for the types loaders send
// most (integers, floats, booleans, text, JSON, UUIDs, dates, timestamps: 6x the rows/s of
// the general path); false leaves the field to decode_binary (infinities, NaN, years outside
// 1-9999, numerics, arrays, …).
bool append_binary_field(int32_t type, std::string_view b, std::string& out) {
  char buf[64];
  switch (type) {
    case oid::kBool:
      if (b.size() != 1) return false;
      out += b[0] ? "true" : "false";
      return true;
    case oid::kInt2:
    case oid::kInt4:
    case oid::kInt8: {
      if (b.size() != (type == oid::kInt2 ? 2u : type == oid::kInt4 ? 4u : 8u)) return false;
      auto r = std::to_chars(buf, buf + sizeof buf, be_int(b));
      out.append(buf, r.ptr);
      return true;
    }
    case oid::kFloat4:
    case oid::kFloat8: {
      if (b.size() != (type == oid::kFloat4 ? 4u : 8u)) return false;
      uint64_t bits = static_cast<uint64_t>(be_int(b));
      double v;
      if (type == oid::kFloat4) {
        uint32_t narrow = static_cast<uint32_t>(bits);
        float f;
        std::memcpy(&f, &narrow, 4);
        if (!std::isfinite(f)) return false;
        auto r = std::to_chars(buf, buf + sizeof buf, f);
        out.append(buf, r.ptr);
        return true;
      }
      std::memcpy(&v, &bits, 8);
      if (!std::isfinite(v)) return false;
      auto r = std::to_chars(buf, buf + sizeof buf, v);
      out.append(buf, r.ptr);
      return true;
    }
    case oid::kText:
    case oid::kVarchar:
    case oid::kBpchar:
    case oid::kName:
    case oid::kJson:
      out.push_back('"');
      for (char c : b) {
        if (c == '"') out.push_back('"');
        out.push_back(c);
      }
      out.push_back('"');
      return true;
    case oid::kUuid: {
      if (b.size() != 16) return false;
      static const char* digits = "0123456789abcdef";
      for (size_t i = 0; i < 16; ++i) {
        if (i == 4 || i == 6 || i == 8 || i == 10) out.push_back('-');
        unsigned char c = static_cast<unsigned char>(b[i]);
        out.push_back(digits[c >> 4]);
        out.push_back(digits[c & 15]);
      }
      return true;
    }
    case oid::kDate: {
      if (b.size() != 4) return false;
      int64_t days = be_int(b);
      if (days == INT32_MAX || days == INT32_MIN) return false;  // ±infinity
      return append_date(days, out);
    }
    case oid::kTimestamp:
    case oid::kTimestamptz: {
      if (b.size() != 8) return false;
      int64_t us = be_int(b);
      if (us == INT64_MAX || us == INT64_MIN) return false;  // ±infinity
      int64_t days = us / 86400000000LL, rest = us % 86400000000LL;
      if (rest < 0) rest += 86400000000LL, --days;
      if (!append_date(days, out)) return false;
      int64_t secs = rest / 1000000;
      std::snprintf(buf, sizeof buf, " %02d:%02d:%02d.%06d%s", static_cast<int>(secs / 3600),
                    static_cast<int>(secs / 60 % 60), static_cast<int>(secs % 60), static_cast<int>(rest % 1000000),
                    type == oid::kTimestamptz ? "+00" : "");
      out += buf;
      return true;
    }
    default:
      return false;
  }
}

// Rewrites COPY BINARY input into the same CSV dialect, decoding each field by column type.
class BinaryToCsv {
 public:
  explicit BinaryToCsv(std::vector<int32_t> column_oids) : oids_(std::move(column_oids)) {}
  bool feed(std::string_view data, std::string& out) {
    pending_.append(data);
    size_t pos = 0;
    while (!ended_) {
      ReadBuffer in(std::string_view(pending_).substr(pos));
      if (!header_done_) {
        static const char kSignature[] = "PGCOPY\n\377\r\n";
        if (in.remaining() < 19) break;
        if (std::memcmp(pending_.data() + pos, kSignature, 11) != 0) {
          throw SqlError("22P04", "COPY file signature not recognized");
        }
        in.get_bytes(11);
        int32_t flags = in.get_i32();
        if (flags & 0x10000) throw SqlError("22P04", "COPY with OIDs is not supported");
        int32_t ext = in.get_i32();
        if (ext < 0 || in.remaining() < static_cast<size_t>(ext)) {
          if (ext < 0) throw SqlError("22P04", "invalid COPY file header (wrong length)");
          break;
        }
        in.get_bytes(static_cast<size_t>(ext));
        pos += 19 + static_cast<size_t>(ext);
        header_done_ = true;
        continue;
      }
      // One tuple, only when complete.
      size_t tuple_start = pos;
      if (in.remaining() < 2) break;
      int16_t fields = in.get_i16();
      if (fields == -1) {
        ended_ = true;
        pos += 2;
        break;
      }
      if (fields != static_cast<int16_t>(oids_.size())) {
        throw SqlError("22P04", "row field count is " + std::to_string(fields) + ", expected " +
                                    std::to_string(oids_.size()));
      }
      std::string row;
      bool complete = true;
      for (int16_t f = 0; f < fields; ++f) {
        if (in.remaining() < 4) {
          complete = false;
          break;
        }
        int32_t len = in.get_i32();
        if (len < -1) throw SqlError("22P04", "invalid field size");
        if (f) row.push_back(',');
        if (len == -1) continue;
        if (in.remaining() < static_cast<size_t>(len)) {
          complete = false;
          break;
        }
        std::string_view bytes = in.get_bytes(static_cast<size_t>(len));
        if (append_binary_field(oids_[f], bytes, row)) continue;
        if (oids_[f] == oid::kBytea) {
          // PostgreSQL's hex form, which the table's text-to-bytea cast reads (DuckDB's own
          // "\x00\xFF" form is not bytea text input).
          static const char* digits = "0123456789abcdef";
          row += "\"\\x";
          for (unsigned char b : bytes) {
            row.push_back(digits[b >> 4]);
            row.push_back(digits[b & 15]);
          }
          row.push_back('"');
          continue;
        }
        duck::Value v = decode_binary(oids_[f], bytes);
        char* text = duckdb_get_varchar(v.get());
        row.push_back('"');
        for (const char* p = text; *p; ++p) {
          if (*p == '"') row.push_back('"');
          row.push_back(*p);
        }
        row.push_back('"');
        duckdb_free(text);
      }
      if (!complete) {
        pos = tuple_start;
        break;
      }
      out += row;
      out.push_back('\n');
      pos = pending_.size() - in.remaining();
    }
    pending_.erase(0, pos);
    return !ended_;
  }
  void finish() {
    if (!header_done_ && !pending_.empty()) throw SqlError("22P04", "COPY file signature not recognized");
    if (!pending_.empty()) throw SqlError("22P04", "unexpected EOF in COPY data");
  }

 private:
  std::vector<int32_t> oids_;
  std::string pending_;
  bool header_done_ = false;
  bool ended_ = false;
};

std::atomic<uint64_t> fifo_counter{0};

std::string fmt_hex(unsigned char c) {
  static const char digits[] = "0123456789ABCDEF";
  return {digits[c >> 4], digits[c & 15]};
}

}  // namespace

std::string storage_copy_options(const pg_query::CopyStmt& stmt) {
  static const std::set<std::string> allowed = {
      "format",      "compression",      "compression_level", "header",       "delimiter",
      "sep",         "quote",            "escape",            "null",         "nullstr",
      "force_quote", "partition_by",     "per_thread_output", "file_size_bytes",
      "row_group_size", "row_group_size_bytes", "row_groups_per_file", "overwrite_or_ignore",
      "filename_pattern", "file_extension", "dateformat",     "timestampformat", "array",
      "parquet_version", "field_ids",    "write_partition_columns"};
  std::string out;
  for (const auto& n : stmt.options()) {
    if (!n.has_def_elem()) continue;
    const auto& d = n.def_elem();
    std::string name = d.defname();
    if (!allowed.count(name)) {
      throw SqlError("0A000", "COPY option \"" + name + "\" is not supported for a storage");
    }
    std::string value;
    if (d.has_arg() && d.arg().has_list()) {
      for (const auto& item : d.arg().list().items()) {
        value += (value.empty() ? "" : ", ") +
                 quote_identifier(item.has_string() ? item.string().sval() : "");
      }
      value = "(" + value + ")";
    } else if (name == "format") {
      std::string f = def_value(d);
      std::transform(f.begin(), f.end(), f.begin(), ::tolower);
      if (f != "parquet" && f != "csv" && f != "json") {
        throw SqlError("22023", "COPY to a storage writes parquet, csv or json, not \"" +
                                    def_value(d) + "\"");
      }
      value = f;
    } else if (d.has_arg() && (d.arg().has_integer() || d.arg().has_float_())) {
      value = def_value(d);
    } else {
      value = sql::quote_literal(def_value(d));
    }
    out += (out.empty() ? "" : ", ") + name + " " + value;
  }
  return out.empty() ? "" : " (" + out + ")";
}

std::string copy_source_query(const pg_query::CopyStmt& copy) {
  if (copy.has_query()) return sql::deparse_statement(copy.query());
  std::string columns;
  for (int i = 0; i < copy.attlist_size(); ++i) {
    columns += (i ? ", " : "") + quote_identifier(copy.attlist(i).string().sval());
  }
  return "SELECT " + (columns.empty() ? std::string("*") : columns) + " FROM " +
         relation_name(copy.relation());
}

void Session::copy_to_storage(const pg_query::CopyStmt& copy) {
  std::string options = storage_copy_options(copy);
  std::shared_ptr<PreparedQuery> q = copy_source(copy);
  RunningScope running(*this);
  uint64_t rows = sql::is_storage_url(copy.filename())
                      ? engine_->copy_to_storage(q->duck_text, options, copy.filename())
                      : engine_->copy_to_file(q->duck_text, options, copy.filename());
  write_command_complete(out_, "COPY " + std::to_string(rows));
}

std::shared_ptr<PreparedQuery> Session::copy_source(const pg_query::CopyStmt& copy) {
  // The query as any other: sandbox, grants, PostgreSQL's SQL for DuckDB.
  std::shared_ptr<PreparedQuery> q = prepare(sql::analyze({copy_source_query(copy), 0}), {});
  if (!q->returns_rows || q->duck_text.empty()) {
    throw SqlError("0A000", "COPY to a storage takes a query DuckDB runs as one statement");
  }
  authorize(q->as_written(), q->access);
  return q;
}

void Session::handle_copy(const sql::Statement& st) {
  const auto& copy = sql::root_node(st)->copy_stmt();
  // The server's own sessions (golden tables) may write a file of the duckling's tmp/.
  if (!copy.is_from() && !copy.is_program() &&
      (sql::is_storage_url(copy.filename()) || (system_ && !copy.filename().empty()))) {
    copy_to_storage(copy);
    return;
  }
  if (!copy.filename().empty() || copy.is_program()) {
    throw SqlError("42501",
                   "COPY to or from a file or program is not allowed; use COPY … FROM STDIN or "
                   "TO STDOUT (psql's \\copy)");
  }
  if (copy.has_where_clause()) throw SqlError("0A000", "COPY FROM … WHERE is not supported");
  CopyOptions options = parse_options(copy);
  std::string columns;
  for (int i = 0; i < copy.attlist_size(); ++i) {
    if (i) columns += ", ";
    columns += quote_identifier(copy.attlist(i).string().sval());
  }

  if (!copy.is_from()) {
    // ---- COPY … TO STDOUT ----
    std::string query;
    if (copy.has_query()) {
      query = sql::deparse_statement(copy.query());
    } else {
      query = "SELECT " + (columns.empty() ? std::string("*") : columns) + " FROM " +
              relation_name(copy.relation());
    }
    Portal portal;
    portal.query = prepare(sql::analyze({query, 0}), {});
    if (!portal.query->returns_rows) throw SqlError("42601", "COPY query must return rows");
    bool binary = options.format == CopyFormat::kBinary;
    portal.result_formats = {static_cast<int16_t>(binary ? 1 : 0)};
    struct StreamGuard {
      Session* s;
      Portal* p;
      ~StreamGuard() {
        if (s->streaming_ == p) s->streaming_ = nullptr;
      }
    } guard{this, &portal};
    RunningScope running(*this);
    start_portal(portal);
    size_t ncols = portal.encoders.size();
    std::vector<bool> force(ncols, options.force_quote_all);
    for (size_t c = 0; c < ncols; ++c) {
      std::string name = portal.result.column_name(c);
      if (std::find(options.force_quote.begin(), options.force_quote.end(), name) !=
          options.force_quote.end()) {
        force[c] = true;
      }
    }
    write_copy_response(out_, 'H', binary, static_cast<int>(ncols));
    if (binary) {
      size_t at = out_.begin_message('d');
      out_.put_bytes(std::string_view("PGCOPY\n\377\r\n\0", 11));
      out_.put_i32(0);
      out_.put_i32(0);
      out_.end_message(at);
    } else if (options.header) {
      size_t at = out_.begin_message('d');
      for (size_t c = 0; c < ncols; ++c) {
        if (c) out_.data().push_back(options.delimiter);
        append_csv(out_.data(), portal.result.column_name(c), options, false);
      }
      out_.data().push_back('\n');
      out_.end_message(at);
    }
    std::string value;
    uint64_t rows = 0;
    duck::DataChunk* chunk = nullptr;
    while (next_row(portal, chunk)) {
      idx_t n = chunk->size();
      for (; portal.row_in_chunk < n; ++portal.row_in_chunk) {
        idx_t r = portal.row_in_chunk;
        size_t at = out_.begin_message('d');
        if (binary) {
          out_.put_i16(static_cast<int16_t>(ncols));
          for (size_t c = 0; c < ncols; ++c) portal.encoders[c]->append_field(r, out_);
        } else {
          std::string& out = out_.data();
          for (size_t c = 0; c < ncols; ++c) {
            if (c) out.push_back(options.delimiter);
            if (portal.encoders[c]->is_null(r)) {
              out += options.null_string;
              continue;
            }
            value.clear();
            portal.encoders[c]->append_value(r, value);
            if (options.format == CopyFormat::kCsv) {
              append_csv(out, value, options, force[c]);
            } else {
              append_text_escaped(out, value, options.delimiter);
            }
          }
          out.push_back('\n');
        }
        out_.end_message(at);
        ++rows;
      }
      maybe_flush();
    }
    if (binary) {
      size_t at = out_.begin_message('d');
      out_.put_i16(-1);
      out_.end_message(at);
    }
    write_simple(out_, 'c');  // CopyDone
    write_command_complete(out_, "COPY " + std::to_string(rows));
    return;
  }

  // ---- COPY … FROM STDIN ----
  std::string target = relation_name(copy.relation());
  // The target's columns: validates the table before the client starts sending.
  auto probe = prepare(sql::analyze({"SELECT " + (columns.empty() ? std::string("*") : columns) +
                                         " FROM " + target + " LIMIT 0",
                                     0}),
                       {});
  size_t ncols = probe->column_names.size();
  std::vector<int32_t> oids;
  std::string select_list;
  std::string csv_columns;
  for (size_t c = 0; c < ncols; ++c) {
    duckdb_type t = probe->column_types[c].id();
    oids.push_back(pg_type_of(probe->column_types[c].get()).oid);
    std::string col = "c" + std::to_string(c);
    if (c) {
      select_list += ", ";
      csv_columns += ", ";
    }
    csv_columns += "'" + col + "': 'VARCHAR'";
    // PostgreSQL's text forms that DuckDB's casts read differently.
    if (t == DUCKDB_TYPE_BLOB && options.format != CopyFormat::kBinary) {
      select_list += "CASE WHEN starts_with(" + col + ", '\\x') THEN unhex(substr(" + col +
                     ", 3)) ELSE CAST(" + col + " AS BLOB) END";
    } else if ((t == DUCKDB_TYPE_LIST) && options.format != CopyFormat::kBinary) {
      select_list += "CASE WHEN starts_with(" + col + ", '{') THEN '[' || substr(" + col +
                     ", 2, length(" + col + ") - 2) || ']' ELSE " + col + " END";
    } else {
      select_list += col;
    }
  }
  bool passthrough = options.format == CopyFormat::kCsv;
  std::string delim = passthrough ? std::string(1, options.delimiter) : ",";
  std::string quote = passthrough ? std::string(1, options.quote) : "\"";
  std::string escape = passthrough ? std::string(1, options.escape) : "\"";
  std::string nullstr = passthrough ? options.null_string : "";
  Fifo fifo(warehouse_->directory() + "/tmp/copy-" + std::to_string(process_id_) + "-" +
            std::to_string(fifo_counter.fetch_add(1)) + ".fifo");
  std::string insert = "INSERT INTO " + target + (columns.empty() ? "" : " (" + columns + ")") +
                       " SELECT " + select_list + " FROM read_csv(" + quote_literal(fifo.path()) +
                       ", columns = {" + csv_columns + "}, header = " +
                       (passthrough && options.header ? "true" : "false") +
                       ", delim = " + quote_literal(delim) + ", quote = " + quote_literal(quote) +
                       ", escape = " + quote_literal(escape) + ", nullstr = " +
                       quote_literal(nullstr) +
                       ", allow_quoted_nulls = false, auto_detect = false, strict_mode = true)";

  // One COPY is atomic: outside a transaction block it gets its own.
  if (txn_ == TxnStatus::kIdle && !implicit_txn_) begin_implicit_transaction();
  before_duckdb_call();
  RunningScope running(*this);
  std::atomic<bool> reader_done{false};
  std::optional<duck::DuckError> failure;
  uint64_t inserted = 0;
  std::thread reader([&] {
    try {
      duck::Result r = connection().query(insert);
      inserted = r.rows_changed();
    } catch (const duck::DuckError& e) {
      failure = e;
    }
    reader_done = true;
  });
  struct JoinGuard {
    std::thread& t;
    Fifo& f;
    ~JoinGuard() {
      f.close();
      if (t.joinable()) t.join();
    }
  } join_guard{reader, fifo};

  auto reader_error = [&]() -> SqlError {
    fifo.close();
    if (reader.joinable()) reader.join();
    if (failure) return sql::to_sql_error(*failure, insert, 0);
    return SqlError("XX000", "COPY reader ended early");
  };
  if (!fifo.open_for_write(reader_done)) throw reader_error();
  write_copy_response(out_, 'G', options.format == CopyFormat::kBinary, static_cast<int>(ncols));
  flush();

  TextToCsv text(options.delimiter, options.null_string);
  BinaryToCsv binary(oids);
  std::string converted;
  std::string held;  // CSV tail held back to drop an end-of-data "\." line
  bool accepting = true;
  auto abort_copy = [&](const SqlError& e) -> SqlError {
    connection().interrupt();
    fifo.write("\"\x01\",\"too\",\"many\",\"columns\",\"to\",\"parse\"\n");  // fail the reader
    fifo.close();
    if (reader.joinable()) reader.join();
    return e;
  };
  while (true) {
    char type;
    std::string body;
    if (!read_message(type, body)) {
      throw abort_copy(SqlError("08P01", "unexpected EOF on client connection with an open transaction"));
    }
    if (type == 'd') {
      if (!accepting) continue;
      converted.clear();
      try {
        if (options.format == CopyFormat::kText) {
          accepting = text.feed(body, converted);
        } else if (options.format == CopyFormat::kBinary) {
          accepting = binary.feed(body, converted);
        } else {
          held += body;
          // Keep the last 3 bytes back: they may be the start of a final "\.\n".
          size_t keep = std::min<size_t>(held.size(), 3);
          converted.assign(held, 0, held.size() - keep);
          held.erase(0, held.size() - keep);
        }
      } catch (const SqlError& e) {
        throw abort_copy(e);
      }
      if (!converted.empty() && !fifo.write(converted)) throw reader_error();
    } else if (type == 'c') {
      converted.clear();
      try {
        if (options.format == CopyFormat::kText) {
          text.finish(converted);
        } else if (options.format == CopyFormat::kBinary) {
          binary.finish();
        } else {
          bool ends_marker = held == "\\.\n" || held == "\\." ;
          if (!ends_marker) converted = held;
        }
      } catch (const SqlError& e) {
        throw abort_copy(e);
      }
      if (!converted.empty() && !fifo.write(converted)) throw reader_error();
      fifo.close();
      reader.join();
      if (failure) throw sql::to_sql_error(*failure, insert, 0);
      write_command_complete(out_, "COPY " + std::to_string(inserted));
      return;
    } else if (type == 'f') {
      throw abort_copy(SqlError("57014", "COPY from stdin failed: " + decode_copy_fail(body).message));
    } else if (type == 'H' || type == 'S') {
      continue;  // Flush and Sync mean nothing during COPY IN
    } else {
      throw abort_copy(SqlError("08P01", "unexpected message type 0x" +
                                             fmt_hex(static_cast<unsigned char>(type)) +
                                             " during COPY from stdin"));
    }
  }
}

}  // namespace ducklings::pgwire
