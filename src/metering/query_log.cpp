#include "metering/query_log.h"

#include <pg_query.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cctype>

#include "common/clock.h"
#include "common/digest.h"
#include "sql/quoting.h"

namespace ducklings::metering {
namespace {

constexpr size_t kMaxPending = 100000;
constexpr size_t kMaxQueryText = 64 * 1024;  // longer statements are cut (a COPY of literals)

// Words near which a literal may be a secret.
bool mentions_secret(const std::string& text) {
  std::string lower = text;
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (const char* word :
       {"password", "passwd", "secret", "token", "key", "credential", "scram-"}) {
    if (lower.find(word) != std::string::npos) return true;
  }
  return false;
}

// Every quoted literal ('…', E'…', $tag$…$tag$) replaced by '***': for text libpg_query
// cannot parse (DuckDB's own dialect).
std::string blank_literals(const std::string& text) {
  std::string out;
  size_t i = 0;
  while (i < text.size()) {
    char c = text[i];
    if (c == '\'') {
      size_t j = i + 1;
      while (j < text.size()) {
        if (text[j] == '\\' && j + 1 < text.size()) {
          j += 2;
          continue;
        }
        if (text[j] == '\'') {
          if (j + 1 < text.size() && text[j + 1] == '\'') {
            j += 2;
            continue;
          }
          break;
        }
        ++j;
      }
      out += "'***'";
      i = j + 1;
      continue;
    }
    if (c == '$') {
      size_t end_tag = text.find('$', i + 1);
      if (end_tag != std::string::npos) {
        std::string tag = text.substr(i, end_tag - i + 1);
        bool word = std::all_of(tag.begin() + 1, tag.end() - 1, [](char t) {
          return std::isalnum(static_cast<unsigned char>(t)) || t == '_';
        });
        size_t close = word ? text.find(tag, end_tag + 1) : std::string::npos;
        if (close != std::string::npos) {
          out += "'***'";
          i = close + tag.size();
          continue;
        }
      }
    }
    out.push_back(c);
    ++i;
  }
  return out;
}

}  // namespace

std::string QueryLog::redact(const std::string& text) {
  if (!mentions_secret(text)) return text;
  // libpg_query replaces every constant with $n (and the passwords of CREATE/ALTER ROLE).
  PgQueryNormalizeResult r = pg_query_normalize(text.c_str());
  std::string out = !r.error && r.normalized_query ? r.normalized_query : blank_literals(text);
  pg_query_free_normalize_result(r);
  // What the parser kept as a plain word (PASSWORD 'x' in some DuckDB forms) is blanked too.
  return blank_literals(out);
}

std::string QueryLog::fingerprint(const std::string& text) {
  PgQueryFingerprintResult r = pg_query_fingerprint(text.c_str());
  std::string out = !r.error && r.fingerprint_str ? r.fingerprint_str : "";
  pg_query_free_fingerprint_result(r);
  if (out.empty()) out = sha256_hex(blank_literals(text)).substr(0, 16);  // DuckDB dialect
  return out;
}

QueryLog::QueryLog(Sink sink, int retention_days, std::chrono::milliseconds interval)
    : sink_(std::move(sink)), retention_days_(retention_days) {
  thread_.start(interval, [this] { flush(); });
}

QueryLog::~QueryLog() {
  stop();
}

void QueryLog::stop() {
  thread_.stop();
  flush();  // what sessions recorded last
}

uint64_t QueryLog::dropped() const {
  std::lock_guard lock(mutex_);
  return dropped_;
}

void QueryLog::record(QueryRecord r) {
  std::lock_guard lock(mutex_);
  if (pending_count_ >= kMaxPending) {
    ++dropped_;
    return;
  }
  ++pending_count_;
  pending_[r.duckling].push_back(std::move(r));
}

void QueryLog::flush() {
  std::lock_guard writer(flush_mutex_);
  std::map<std::string, std::vector<QueryRecord>> batch;
  {
    std::lock_guard lock(mutex_);
    batch.swap(pending_);
    pending_count_ = 0;
  }
  for (const auto& [database, records] : batch) {
    try {
      write(database, records);
    } catch (const std::exception& e) {
      // A duckling that is closing or gone: its records go with it.
      spdlog::debug("query log: {} record(s) of {} not written: {}", records.size(), database,
                    e.what());
    }
  }
}

void QueryLog::write(const std::string& database, const std::vector<QueryRecord>& records) {
  auto now = std::chrono::steady_clock::now();
  auto last = pruned_.find(database);
  bool prune = retention_days_ > 0 &&
               (last == pruned_.end() || now - last->second > std::chrono::minutes(10));
  sink_(database, [&](duck::Connection& conn) {
    duck::Appender out(conn, "duckgres_meta", "query_log");
    auto text_or_null = [&](const std::string& v) -> duck::Appender& {
      return v.empty() ? out.null() : out.text(v);
    };
    for (const QueryRecord& r : records) {
      std::string text =
          r.query.size() > kMaxQueryText ? r.query.substr(0, kMaxQueryText) : r.query;
      out.text(r.query_id);
      text_or_null(r.parent_query_id);
      out.text(r.org);
      text_or_null(r.team);
      out.text(r.duckling).text(r.user).text(r.application_name).text(redact(text));
      out.text(fingerprint(text));
      text_or_null(r.command);
      out.integer(r.pid).text(iso_utc(r.started_at)).real(r.duration_ms).integer(r.rows);
      out.integer(r.result_bytes).text(r.status);
      text_or_null(r.sqlstate);
      text_or_null(r.error);
      r.cpu_time_ms >= 0 ? out.real(r.cpu_time_ms) : out.null();
      r.peak_memory_bytes >= 0 ? out.integer(r.peak_memory_bytes) : out.null();
      r.rows_scanned >= 0 ? out.integer(r.rows_scanned) : out.null();
      text_or_null(r.slowest_operators);
      out.end_row();
    }
    out.close();
    if (prune) {
      conn.query("DELETE FROM duckgres_meta.query_log WHERE started_at < now() - INTERVAL " +
                 std::to_string(retention_days_) + " DAY");
    }
  });
  if (prune) pruned_[database] = now;
}

}  // namespace ducklings::metering
