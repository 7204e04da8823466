#include "ingest/bootstrap.h"

#include <fcntl.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>
#include <unistd.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <tuple>
#include <utility>

#include "common/clock.h"
#include "common/digest.h"
#include "ingest/events_reader.h"
#include "ingest/posthog_schema.h"
#include "sql/quoting.h"
#include "sql/sandbox.h"

namespace ducklings::ingest {
namespace fs = std::filesystem;
using json = nlohmann::json;

namespace {

bool has_suffix(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() &&
         s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// How an export file is read, by its extension.
enum class Format { kNone, kJsonLines, kJsonCompressed, kCsv, kParquet };

Format format_of(const std::string& file) {
  std::string f = file;
  for (char& c : f) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  bool gz = has_suffix(f, ".gz");
  if (gz) f.resize(f.size() - 3);
  if (has_suffix(f, ".jsonl") || has_suffix(f, ".ndjson") || has_suffix(f, ".json"))
    return gz ? Format::kJsonCompressed : Format::kJsonLines;
  if (has_suffix(f, ".csv") || has_suffix(f, ".tsv")) return Format::kCsv;
  if (has_suffix(f, ".parquet")) return Format::kParquet;
  return Format::kNone;
}

// The columns of an events export read as JSON Lines; a key a line lacks reads as NULL.
const char* const kEventColumns[][2] = {
    {"uuid", "VARCHAR"},           {"event", "VARCHAR"},      {"distinct_id", "VARCHAR"},
    {"timestamp", "VARCHAR"},      {"properties", "JSON"},    {"person_id", "VARCHAR"},
    {"elements_chain", "VARCHAR"}, {"created_at", "VARCHAR"}, {"$group_0", "VARCHAR"},
    {"$group_1", "VARCHAR"},       {"$group_2", "VARCHAR"},   {"$group_3", "VARCHAR"},
    {"$group_4", "VARCHAR"}};

// The files as a SQL list of text: ['a.jsonl', 'b.jsonl'].
std::string file_list(const std::vector<std::string>& files) {
  std::string list;
  for (const auto& f : files) list += (list.empty() ? "[" : ", ") + sql::quote_literal(f);
  return list + "]";
}

// DuckDB's reader over a batch of files of one format; each row names its file in `__file`.
// Plain JSON Lines events are read with their columns named: DuckDB sampling the files for a
// schema took longer than reading the rows.
// `named` holds the columns (name, type) to read; empty: the reader finds them.
using Columns = std::vector<std::vector<std::optional<std::string>>>;
std::string reader_sql(Format format, const std::vector<std::string>& files, const Columns& named) {
  std::string list = file_list(files);
  switch (format) {
    case Format::kJsonLines:
      if (!named.empty()) {
        std::string columns;
        for (const auto& c : named) {
          if (!columns.empty()) columns += ", ";
          columns += sql::quote_literal(*c[0]) + ": " + sql::quote_literal(*c[1]);
        }
        return "read_json(" + list +
               ", format = 'newline_delimited', filename = '__file', columns = {" + columns + "})";
      }
      [[fallthrough]];
    case Format::kJsonCompressed:
      return "read_json_auto(" + list +
             ", format = 'newline_delimited', sample_size = 20000, union_by_name = true, "
             "filename = '__file')";
    case Format::kCsv:
      return "read_csv_auto(" + list +
             ", header = true, union_by_name = true, filename = '__file')";
    case Format::kParquet:
      return "read_parquet(" + list + ", union_by_name = true, filename = '__file')";
    case Format::kNone:
      break;
  }
  return "";
}

// The keys of the file's first line that is not blank; throws when it is not a JSON object.
std::vector<std::string> first_line_keys(const std::string& file) {
  std::ifstream in(file);
  std::string line;
  size_t number = 1;
  while (std::getline(in, line) && line.find_first_not_of(" \t\r") == std::string::npos) ++number;
  json first = json::parse(line, nullptr, false);
  if (!first.is_object())
    throw std::runtime_error(file + ", line " + std::to_string(number) + ": not a JSON object");
  std::vector<std::string> keys;
  for (const auto& [k, v] : first.items()) keys.push_back(k);
  return keys;
}

// Whether [begin, end) holds only white space.
bool blank(const char* begin, const char* end) {
  for (; begin < end; ++begin) {
    if (*begin != ' ' && *begin != '\t' && *begin != '\r') return false;
  }
  return true;
}

// The lines of a JSON Lines file that are not blank: the rows the reader makes of it. The file
// is read in blocks (not mapped: one cut short meanwhile must not raise SIGBUS here); line
// ends are found 64 bytes at a time, and a line counts when the byte before its end is not
// white space, else when any of it is not.
int64_t count_lines(const std::string& file) {
  int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw std::runtime_error(file + ": cannot be read");
  constexpr size_t kBlock = 1 << 20;
  std::vector<char> block(kBlock);
  int64_t lines = 0;
  bool content = false;  // the current line has something besides white space so far
  while (true) {
    ssize_t got = ::read(fd, block.data(), kBlock);
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) {
      ::close(fd);
      throw std::runtime_error(file + ": cannot be read");
    }
    if (got == 0) break;
    const char* data = block.data();
    size_t size = static_cast<size_t>(got), line_start = 0;
    auto line_end = [&](size_t nl) {
      if ((nl > line_start && data[nl - 1] != ' ' && data[nl - 1] != '\t' &&
           data[nl - 1] != '\r') ||
          content || !blank(data + line_start, data + nl))
        ++lines;
      content = false;
      line_start = nl + 1;
    };
    size_t i = 0;
#ifdef __SSE2__
    const __m128i newline = _mm_set1_epi8('\n');
    for (; i + 64 <= size; i += 64) {
      uint64_t mask = 0;
      for (int k = 0; k < 4; ++k) {
        __m128i chunk = _mm_loadu_si128(reinterpret_cast<const __m128i*>(data + i + 16 * k));
        mask |= static_cast<uint64_t>(
                    static_cast<uint32_t>(_mm_movemask_epi8(_mm_cmpeq_epi8(chunk, newline))))
                << (16 * k);
      }
      while (mask) {
        line_end(i + static_cast<size_t>(__builtin_ctzll(mask)));
        mask &= mask - 1;
      }
    }
#endif
    for (; i < size; ++i) {
      if (data[i] == '\n') line_end(i);
    }
    // A line that goes on into the next block.
    if (line_start < size && !blank(data + line_start, data + size)) content = true;
  }
  ::close(fd);
  return lines + (content ? 1 : 0);
}

// The non-blank lines of each file, counted on every core: the batch waits for them.
std::vector<int64_t> count_lines(const std::vector<std::string>& files) {
  std::vector<int64_t> lines(files.size());
  std::atomic<size_t> next{0};
  std::exception_ptr failure;
  std::mutex failure_mutex;
  auto work = [&] {
    for (size_t i = next++; i < files.size(); i = next++) {
      try {
        lines[i] = count_lines(files[i]);
      } catch (...) {
        std::lock_guard lock(failure_mutex);
        if (!failure) failure = std::current_exception();
      }
    }
  };
  size_t cores = std::max(1u, std::thread::hardware_concurrency());
  size_t helpers = std::min(files.size(), cores) - (files.empty() ? 0 : 1);
  std::vector<std::thread> threads;
  for (size_t i = 0; i < helpers; ++i) threads.emplace_back(work);
  work();
  for (auto& t : threads) t.join();
  if (failure) std::rethrow_exception(failure);
  return lines;
}

// The columns of JSON Lines events read by name. A required key the first line of a file
// lacks is reported as a missing column; the group columns are read when a file's first line
// has them (each costs the reader and the insert even when absent).
std::vector<std::vector<std::optional<std::string>>> event_columns(
    const std::vector<std::string>& files) {
  std::vector<std::string> present;
  for (const auto& f : files) {
    std::vector<std::string> keys = first_line_keys(f);
    for (const char* required : {"uuid", "event", "distinct_id", "timestamp"}) {
      if (std::find(keys.begin(), keys.end(), required) == keys.end())
        throw std::runtime_error(f + " has no \"" + required + "\" column");
    }
    present.insert(present.end(), keys.begin(), keys.end());
  }
  std::vector<std::vector<std::optional<std::string>>> columns;
  for (const auto& c : kEventColumns) {
    bool group = std::string(c[0]).rfind("$group_", 0) == 0;
    if (!group || std::find(present.begin(), present.end(), c[0]) != present.end())
      columns.push_back({std::string(c[0]), std::string(c[1])});
  }
  return columns;
}

// The rows a batch added, from the command tag of its INSERT of the events or groups (or of
// the persons, followed by that of their distinct ids), which comes before the record of its
// files: "INSERT 0 <rows>".
int64_t inserted_rows(const std::vector<std::string>& tags, const std::string& kind) {
  size_t from_end = kind == "persons" ? 3 : 2;
  if (tags.size() < from_end) return 0;
  const std::string& tag = tags[tags.size() - from_end];
  return tag.rfind("INSERT ", 0) == 0 ? std::stoll(tag.substr(tag.rfind(' ') + 1)) : 0;
}

// A batch is sized to take about this long at the rate of the previous one (the first at
// first_rate): long enough that a statement's fixed costs vanish, short enough for progress
// and for what a restart redoes.
constexpr double kBatchSeconds = 3.0;

// The rate a first batch is sized by, in bytes/s, before a batch has measured one: about half
// what the reader does with realistic JSON Lines events on two cores (~200 MB/s); DuckDB's
// readers with a staged batch (CSV, Parquet, gzip) are taken to be much slower. One larger
// batch costs less than two (5-8% with 1M JSON Lines events: a statement's start and end).
double first_rate(Format format) {
  return format == Format::kJsonLines ? 100e6 : 20e6;
}
constexpr size_t kBatchMaxFiles = 256;

// Ends the transaction that staged a batch in its temporary table: what the batch's own
// transaction then reads is committed, which DuckDB scans in parallel (rows a transaction
// wrote itself it does not), and the staging is not something a restart needs undone.
constexpr const char* kStagedCommit = "COMMIT;";

// What a streamed batch raises when an event's $groups names a type not mapped yet.
constexpr const char* kUnmappedGroupTypes = "duckgres bootstrap: group types to register";

}  // namespace

Bootstrapper::Bootstrapper(std::vector<std::string> readable_directories, SqlRunner run_sql,
                           JobSink save, uintmax_t batch_max_bytes)
    : readable_(std::move(readable_directories)),
      run_sql_(std::move(run_sql)),
      save_(std::move(save)),
      batch_max_bytes_(batch_max_bytes) {
  thread_ = std::thread([this] {
    std::unique_lock lock(mutex_);
    while (true) {
      wake_.wait(lock, [this] { return stop_ || !queue_.empty(); });
      if (stop_) return;
      json job = queue_.front();
      queue_.pop_front();
      lock.unlock();
      run(std::move(job));
      lock.lock();
    }
  });
}

Bootstrapper::~Bootstrapper() {
  stop();
}

std::map<std::pair<std::string, std::string>, uint64_t> Bootstrapper::take_row_counts() {
  std::lock_guard lock(mutex_);
  return std::exchange(applied_rows_, {});
}

void Bootstrapper::stop() {
  {
    std::lock_guard lock(mutex_);
    stop_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

std::vector<std::string> Bootstrapper::files_of(const std::string& path) {
  std::vector<std::string> out;
  std::error_code ec;
  if (fs::is_directory(path, ec)) {
    for (const auto& f : fs::directory_iterator(path, ec)) {
      if (f.is_regular_file() && format_of(f.path().string()) != Format::kNone)
        out.push_back(f.path().string());
    }
    std::sort(out.begin(), out.end());
  } else if (fs::is_regular_file(path, ec) && format_of(path) != Format::kNone) {
    out.push_back(path);
  }
  return out;
}

std::vector<std::pair<std::string, uintmax_t>> Bootstrapper::listing(const std::string& org,
                                                                    const std::string& path) {
  std::vector<std::pair<std::string, uintmax_t>> out;
  if (path.rfind("s3://", 0) == 0) {
    if (!objects_.list) throw std::runtime_error("storages are not reachable on this server");
    for (auto& [url, size] : objects_.list(org, path)) {
      if (format_of(url) != Format::kNone) out.emplace_back(std::move(url), size);
    }
    return out;
  }
  for (const std::string& f : files_of(path)) {
    std::error_code ec;
    out.emplace_back(f, fs::file_size(f, ec));
  }
  return out;
}

json Bootstrapper::start(const std::string& org, const std::string& schema, int64_t team_id,
                         const std::string& path, const std::string& kind) {
  if (kind != "events" && kind != "persons" && kind != "groups") {
    throw std::invalid_argument("\"kind\" must be events, persons or groups");
  }
  bool in_storage = path.rfind("s3://", 0) == 0;
  if (!in_storage && !sql::path_within(path, readable_) &&
      std::none_of(readable_.begin(), readable_.end(), [&](const std::string& d) {
        return fs::path(path).lexically_normal() == fs::path(d).lexically_normal();
      })) {
    throw std::invalid_argument(
        "\"path\" must be s3://<storage>/<prefix> or an absolute path under the server's "
        "--readable-directories");
  }
  std::vector<std::pair<std::string, uintmax_t>> files;
  try {
    files = listing(org, path);
  } catch (const std::exception& e) {
    if (!in_storage) throw;
    throw std::invalid_argument(e.what());  // no such storage, or it cannot be listed
  }
  if (files.empty()) {
    throw std::invalid_argument(
        "\"path\" names no .jsonl, .json, .csv or .parquet file (optionally .gz)");
  }
  uintmax_t bytes = 0;
  for (const auto& f : files) bytes += f.second;
  json job = {{"id", random_hex(8)},    {"org", org},         {"kind", "bootstrap"},
              {"schema", schema},       {"team_id", team_id}, {"data", kind},
              {"path", path},           {"state", "queued"},  {"files_total", files.size()},
              {"files_done", 0},        {"rows", 0},          {"rows_inserted", 0},
              {"bytes_total", bytes},   {"bytes_done", 0},    {"rows_per_second", 0},
              {"eta_seconds", nullptr}, {"error", nullptr},   {"created_at", iso_utc_now()}};
  save_(job);
  resume(job);
  return job;
}

void Bootstrapper::resume(const json& job) {
  {
    std::lock_guard lock(mutex_);
    queue_.push_back(job);
  }
  wake_.notify_all();
}

std::string Bootstrapper::batch_sql(const json& job, const std::vector<std::string>& files,
                                    const std::vector<std::string>& names,
                                    const std::vector<uintmax_t>& sizes, const std::string& src,
                                    const Rows& columns, const std::vector<int64_t>* lines,
                                    const std::vector<std::string>& group_types_known) {
  auto has = [&](const char* name) {
    for (const auto& c : columns) {
      if (c[0] && *c[0] == name) return true;
    }
    return false;
  };
  auto type_of = [&](const char* name) -> std::string {
    for (const auto& c : columns) {
      if (c[0] && *c[0] == name && c.size() > 1 && c[1]) return *c[1];
    }
    return "";
  };
  // A JSON column read as text (CSV, or JSON strings) is parsed; a struct becomes JSON.
  auto as_json = [&](const char* name) {
    std::string col = sql::quote_identifier(name);
    if (type_of(name) == "JSON") {
      // Read as JSON already; an export that holds properties as JSON text is unwrapped.
      return "coalesce(CASE WHEN starts_with(CAST(" + col + " AS VARCHAR), '\"') THEN TRY_CAST(" +
             "json_extract_string(" + col + ", '$') AS JSON) ELSE " + col + " END, '{}')";
    }
    return type_of(name) == "VARCHAR" ? "TRY_CAST(" + col + " AS JSON)"
                                      : "CAST(to_json(" + col + ") AS JSON)";
  };
  auto missing = [&](const char* column) {
    return std::runtime_error((files.size() == 1 ? files[0] : "the export") + " has no \"" +
                              column + "\" column");
  };
  std::string s = sql::quote_identifier(job["schema"].get<std::string>());
  std::string team = sql::quote_literal(job["schema"].get<std::string>());
  // The rows of a batch have no order to keep: DuckDB then writes them from all its threads.
  // Kept (the default), an insert from a source without batch indexes (our reader) runs on one.
  std::string out = "SET preserve_insertion_order = false;";
  if (job["data"] == "events") {
    for (const char* required : {"uuid", "event", "distinct_id", "timestamp"}) {
      if (!has(required)) throw missing(required);
    }
    // The batch's rows, typed; those that are events (`valid`) go in. A streamed batch reads
    // with our reader (typed already, the session and window ids and $groups read out of the
    // properties); a staged one with DuckDB's, its JSON parsed by the query.
    // An export's own group columns, when its files have them (as text, for DuckDB's reader).
    std::vector<bool> group_column(5);
    for (int i = 0; i < 5; ++i) group_column[i] = has(("$group_" + std::to_string(i)).c_str());
    auto group_columns_read = [&](bool cast) {
      std::string out;
      for (int i = 0; i < 5; ++i) {
        std::string g = sql::quote_identifier("$group_" + std::to_string(i));
        if (group_column[i])
          out += ", nullif(" + (cast ? "CAST(" + g + " AS VARCHAR)" : g) + ", '') AS g" +
                 std::to_string(i);
      }
      return out;
    };
    std::string typed;
    if (lines) {
      typed =
          "SELECT uuid, event, coalesce(properties, '{}') AS properties, coalesce(\"timestamp\", "
          "TRY_CAST(timestamp_text AS TIMESTAMPTZ)) AS ts, distinct_id, person_id, "
          "nullif(elements_chain, '') AS elements_chain, coalesce(created_at, "
          "TRY_CAST(created_at_text AS TIMESTAMPTZ)) AS created_at, \"$session_id\" AS sid, "
          "\"$window_id\" AS wid, \"$groups\" AS groups_json" +
          group_columns_read(false) + " FROM " + kEventsReader + "(" + file_list(files) + ")";
    } else {
      std::string props = has("properties") ? as_json("properties") : "CAST('{}' AS JSON)";
      typed = "SELECT TRY_CAST(uuid AS UUID) AS uuid, CAST(event AS VARCHAR) AS event, " + props +
              " AS properties, TRY_CAST(\"timestamp\" AS TIMESTAMPTZ) AS ts, CAST(distinct_id AS "
              "VARCHAR) AS distinct_id, " +
              std::string(has("person_id") ? "TRY_CAST(person_id AS UUID)" : "CAST(NULL AS UUID)") +
              " AS person_id, " +
              std::string(has("elements_chain") ? "nullif(CAST(elements_chain AS VARCHAR), '')"
                                                : "CAST(NULL AS VARCHAR)") +
              " AS elements_chain, " +
              std::string(has("created_at") ? "TRY_CAST(created_at AS TIMESTAMPTZ)"
                                            : "CAST(NULL AS TIMESTAMPTZ)") +
              " AS created_at" + group_columns_read(true) + ", __file FROM " + src;
    }
    std::string valid =
        " WHERE uuid IS NOT NULL AND ts IS NOT NULL AND event IS NOT NULL AND distinct_id IS NOT "
        "NULL";
    std::string mapping = s + ".group_type_mapping";
    // The batch's events, each with its person: the one the export names, else that of its
    // distinct id. The join runs once here, not in each branch below (DuckDB probed it for
    // every row of each, 0.3 s per million rows a branch once the team has persons).
    auto with_person = [&](const std::string& rows) {
      return "WITH b AS MATERIALIZED (SELECT t.* REPLACE (coalesce(t.person_id, p.person_id) AS "
             "person_id) FROM (SELECT * FROM " +
             rows + valid + ") t LEFT JOIN " + s +
             ".person_distinct_ids p ON p.distinct_id = t.distinct_id), ";
    };
    std::string batch;
    if (lines) {
      // Streamed: the files' rows are counted apart (their lines), so nothing else needs them
      // again and a materialized CTE holds them for the statement only.
      batch = with_person("(" + typed + ")");
    } else {
      out += "CREATE OR REPLACE TEMP TABLE __b AS " + typed + ";" + kStagedCommit;
      batch = with_person("__b");
      // Group types first seen in the batch's $groups get the next indexes (PostHog allows
      // five) before its events are mapped.
      out += register_group_types(mapping, "SELECT unnest(map_keys(g)) AS t, ts FROM (SELECT " +
                                               groups_map("properties") +
                                               " AS g, ts FROM __b) WHERE g IS NOT NULL");
    }
    // The group columns: an export's own, else the event's $groups mapped by the team's group
    // types. A streamed batch cannot register a type: it stops at the first event whose $groups
    // has a type not mapped while the mapping has room, and the batch is applied staged.
    std::string group_out;
    // A streamed batch maps by the types known when it was made (an index never changes);
    // a staged one joins the mapping (`m`).
    std::string known_list;
    size_t known = 0;
    for (int i = 0; i < 5; ++i) {
      std::string n = std::to_string(i);
      std::string mapped;
      if (!lines) {
        mapped = "CASE WHEN m.t" + n + " IS NOT NULL THEN b.groups[m.t" + n + "] END";
      } else if (i < static_cast<int>(group_types_known.size()) && !group_types_known[i].empty()) {
        mapped = "b.groups[" + sql::quote_literal(group_types_known[i]) + "]";
        known_list += (known++ ? ", " : "") + sql::quote_literal(group_types_known[i]);
      } else {
        mapped = "CAST(NULL AS VARCHAR)";
      }
      group_out += group_column[i] ? ", coalesce(b.g" + n + ", " + mapped + ")" : ", " + mapped;
    }
    std::string team_id = std::to_string(job["team_id"].get<int64_t>());
    if (lines && known < 5) {
      team_id =
          "CASE WHEN b.groups IS NOT NULL AND len(list_filter(map_keys(b.groups), k -> k <> ''" +
          (known ? " AND k NOT IN (" + known_list + ")" : std::string()) + ")) > 0 THEN error('" +
          std::string(kUnmappedGroupTypes) + "') ELSE " + team_id + " END";
    }
    // Events already there (an overlapping export, or captured live) are skipped by uuid: the
    // table's uuids are probed against the batch's. A uuid the batch repeats keeps one row;
    // those few rows take the window, the others go straight in. When nothing is to be
    // skipped (`n`), the batch goes in without an anti-join, which DuckDB may otherwise plan
    // with a hash table of the whole batch.
    std::string columns_out =
        "b.uuid, b.event, b.properties, b.ts, b.distinct_id, b.person_id, "
        "b.elements_chain, b.sid, b.wid, coalesce(b.created_at, b.ts), " +
        team_id + group_out;
    // The session and window ids and $groups: read out already (streamed), else from the JSON.
    std::string with_ids =
        lines
            ? "SELECT *, CASE WHEN groups_json IS NOT NULL THEN TRY_CAST(groups_json AS "
              "MAP(VARCHAR, VARCHAR)) END AS groups FROM b"
            : "SELECT * EXCLUDE (x), x[1] AS sid, x[2] AS wid FROM (SELECT *, "
              "json_extract_string(properties, ['$.\"$session_id\"', '$.\"$window_id\"']) AS x, " +
                  groups_map("properties") + " AS groups FROM b)";
    std::string select = " SELECT " + columns_out + " FROM (" + with_ids + ") b" +
                         (lines ? std::string() : ", " + group_types(mapping, "m")) + " WHERE ";
    out += "INSERT INTO " + s +
           ".events (uuid, event, properties, timestamp, distinct_id, person_id, "
           "elements_chain, \"$session_id\", \"$window_id\", created_at, team_id" +
           group_columns() + ") " + batch +
           "rep AS MATERIALIZED (SELECT uuid FROM b GROUP BY uuid HAVING count(*) > 1), "
           "skip AS MATERIALIZED (SELECT e.uuid FROM " +
           s +
           ".events e WHERE e.uuid IN (SELECT uuid FROM b) UNION ALL SELECT uuid FROM rep), n AS "
           "MATERIALIZED (SELECT count(*) AS skipped FROM skip)" +
           select + "(SELECT skipped FROM n) = 0 UNION ALL" + select +
           "(SELECT skipped FROM n) > 0 AND NOT EXISTS (SELECT 1 FROM skip WHERE skip.uuid = "
           "b.uuid) UNION ALL" +
           select + "b.uuid IN (SELECT uuid FROM rep) AND NOT EXISTS (SELECT 1 FROM " + s +
           ".events e WHERE e.uuid = b.uuid) QUALIFY row_number() OVER (PARTITION BY b.uuid) = "
           "1;";
  } else if (job["data"] == "groups") {
    // Groups name their type (group_type) or its index (group_type_index); a type not known
    // yet gets the next index. The latest row of a group wins; groups already there stay.
    if (!has("group_key")) throw missing("group_key");
    if (!has("group_type") && !has("group_type_index")) throw missing("group_type");
    const char* props_column = has("group_properties") ? "group_properties" : "properties";
    std::string props = has(props_column) ? as_json(props_column) : "CAST('{}' AS JSON)";
    std::string mapping = s + ".group_type_mapping";
    out += "CREATE OR REPLACE TEMP TABLE __b AS SELECT " +
           std::string(has("group_type") ? "nullif(CAST(group_type AS VARCHAR), '')"
                                         : "CAST(NULL AS VARCHAR)") +
           " AS group_type, " +
           (has("group_type_index") ? "TRY_CAST(group_type_index AS INTEGER)"
                                    : std::string("CAST(NULL AS INTEGER)")) +
           " AS type_index, nullif(CAST(group_key AS VARCHAR), '') AS group_key, " + props +
           " AS properties, " +
           (has("created_at") ? "TRY_CAST(created_at AS TIMESTAMPTZ)" : std::string("now()")) +
           " AS created_at, __file FROM " + src + ";" + kStagedCommit;
    out += register_group_types(mapping,
                                "SELECT group_type AS t, created_at AS ts FROM __b WHERE "
                                "type_index IS NULL AND group_key IS NOT NULL");
    out += "INSERT INTO " + s +
           ".groups (group_type_index, group_key, properties, created_at) SELECT i, k, "
           "properties, created_at FROM (SELECT coalesce(b.type_index, m.group_type_index) AS i, "
           "b.group_key AS k, b.properties, b.created_at FROM __b b LEFT JOIN " +
           mapping +
           " m ON m.group_type = b.group_type) g WHERE i BETWEEN 0 AND 4 AND k IS NOT NULL AND "
           "NOT EXISTS (SELECT 1 FROM " +
           s +
           ".groups x WHERE x.group_type_index = g.i AND x.group_key = g.k) QUALIFY "
           "row_number() OVER (PARTITION BY i, k ORDER BY created_at DESC NULLS LAST) = 1;";
  } else {
    if (!has("id")) throw missing("id");
    std::string props = has("properties") ? as_json("properties") : "CAST('{}' AS JSON)";
    out += "CREATE OR REPLACE TEMP TABLE __b AS SELECT TRY_CAST(id AS UUID) AS id, " + props +
           " AS properties, " +
           std::string(has("created_at") ? "TRY_CAST(created_at AS TIMESTAMPTZ)" : "now()") +
           " AS created_at, " +
           std::string(has("is_identified") ? "TRY_CAST(is_identified AS BOOLEAN)" : "false") +
           " AS is_identified, " +
           std::string(has("distinct_ids") ? "TRY_CAST(distinct_ids AS VARCHAR[])"
                                           : "CAST([] AS VARCHAR[])") +
           " AS distinct_ids, __file FROM " + src + ";" + kStagedCommit;
    // A person the batch repeats keeps one row; a distinct id stays with its first person.
    out +=
        "CREATE OR REPLACE TEMP TABLE __p AS SELECT * FROM __b WHERE id IS NOT NULL QUALIFY "
        "row_number() OVER (PARTITION BY id) = 1;";
    out += "INSERT INTO " + s +
           ".persons (id, properties, created_at, is_identified, version) SELECT "
           "id, properties, created_at, coalesce(is_identified, false), 0 FROM __p WHERE id NOT IN "
           "(SELECT id FROM " +
           s + ".persons);";
    out += "INSERT INTO " + s +
           ".person_distinct_ids SELECT DISTINCT ON (d) d, id, 0 FROM (SELECT id, "
           "unnest(distinct_ids) AS d FROM __p) WHERE d IS NOT NULL AND d NOT IN (SELECT "
           "distinct_id FROM " +
           s + ".person_distinct_ids);";
  }
  // Each file is recorded with the rows read from it in the batch's transaction: a restart
  // redoes the batch whole or not at all.
  std::string values;
  for (size_t i = 0; i < files.size(); ++i) {
    values += (i ? ", (" : "(") + sql::quote_literal(names[i]) + ", " +
              sql::quote_literal(files[i]) + ", " + std::to_string(sizes[i]) + ", " +
              std::to_string(i) + ", " + (lines ? std::to_string((*lines)[i]) : "NULL") + ")";
  }
  out += "INSERT INTO duckgres_meta.bootstrapped SELECT " + team +
         ", f.name, f.size, coalesce(f.lines, n.rows, 0), now() FROM (VALUES " + values +
         ") f(name, file, size, i, lines) LEFT JOIN (" +
         (lines ? std::string("SELECT CAST(NULL AS VARCHAR) AS __file, CAST(NULL AS BIGINT) AS rows")
                : std::string("SELECT __file, count(*) AS rows FROM __b GROUP BY __file")) +
         ") n ON n.__file = f.file ORDER BY f.i RETURNING rows;";
  return out;
}

std::vector<std::string> Bootstrapper::known_group_types(const std::string& org,
                                                         const std::string& schema) {
  std::vector<std::string> types(5);
  for (const auto& r :
       run_sql_(org, "SELECT group_type_index, group_type FROM " + sql::quote_identifier(schema) +
                         ".group_type_mapping WHERE group_type_index BETWEEN 0 "
                         "AND 4")
           .rows) {
    if (r.size() == 2 && r[0] && r[1]) types[std::stoul(*r[0])] = *r[1];
  }
  return types;
}

void Bootstrapper::run(json job) {
  auto started = std::chrono::steady_clock::now();
  spdlog::debug("bootstrap {}: started", job["id"].get<std::string>());
  job["state"] = "running";
  if (!job.contains("started_at") || job["started_at"].is_null()) job["started_at"] = iso_utc_now();
  save_(job);
  const std::string org = job["org"].get<std::string>();
  const std::string team = sql::quote_literal(job["schema"].get<std::string>());
  try {
    std::vector<std::pair<std::string, uintmax_t>> listed = listing(org, job["path"]);
    std::vector<std::string> files;
    std::map<std::string, uintmax_t> size_of;
    for (const auto& [name, size] : listed) {
      files.push_back(name);
      size_of[name] = size;
    }
    // Files a previous run applied (same path and size) are skipped, their rows counted.
    Rows done = run_sql_(org,
                         "CREATE TABLE IF NOT EXISTS duckgres_meta.bootstrapped (schema_name "
                         "VARCHAR, file VARCHAR, size BIGINT, rows BIGINT, applied_at "
                         "TIMESTAMPTZ); SELECT file, size, rows FROM duckgres_meta.bootstrapped "
                         "WHERE schema_name = " +
                             team)
                    .rows;
    std::map<std::pair<std::string, uintmax_t>, int64_t> applied;
    for (const auto& r : done) {
      if (r.size() > 2 && r[0] && r[1]) {
        applied[{*r[0], std::stoull(*r[1])}] = r[2] ? std::stoll(*r[2]) : 0;
      }
    }
    uintmax_t bytes_done = 0, bytes_this_run = 0;
    int64_t rows = 0, rows_this_run = 0;
    size_t files_done = 0;
    double bytes_per_second = 0;  // of the previous batch
    size_t next = 0;
    std::vector<std::string> types;  // the team's group types by index, as last read
    bool group_types_read = false;
    auto report = [&] {
      // What this run did sets the rate (files done before a restart took no time now).
      double elapsed =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
      double byte_rate = elapsed > 0 ? static_cast<double>(bytes_this_run) / elapsed : 0;
      job["files_done"] = files_done;
      job["rows"] = rows;
      job["bytes_done"] = bytes_done;
      job["rows_per_second"] =
          elapsed > 0 ? static_cast<int64_t>(static_cast<double>(rows_this_run) / elapsed) : 0;
      uintmax_t total = job["bytes_total"].get<uintmax_t>();
      job["eta_seconds"] =
          byte_rate > 0 && total > bytes_done
              ? json(static_cast<int64_t>(static_cast<double>(total - bytes_done) / byte_rate))
              : json(0);
      save_(job);
    };
    while (next < files.size()) {
      {
        std::lock_guard lock(mutex_);
        if (stop_) return;  // left running: the next start resumes it
      }
      uintmax_t size = size_of[files[next]];
      auto was = applied.find({files[next], size});
      if (was != applied.end()) {
        rows += was->second;
        bytes_done += size;
        ++files_done;
        ++next;
        continue;
      }
      // The batch: this file and the following ones of its format not applied yet, as many
      // as the previous batch's rate does in kBatchSeconds.
      Format format = format_of(files[next]);
      std::vector<std::string> batch{files[next]};
      std::vector<uintmax_t> sizes{size};
      uintmax_t batch_bytes = size;
      uintmax_t budget =
          bytes_per_second > 0
              ? std::min<uintmax_t>(batch_max_bytes_,
                                    static_cast<uintmax_t>(bytes_per_second * kBatchSeconds))
              : std::min<uintmax_t>(batch_max_bytes_,
                                    static_cast<uintmax_t>(first_rate(format) * kBatchSeconds));
      for (size_t i = next + 1; i < files.size() && batch.size() < kBatchMaxFiles; ++i) {
        uintmax_t s = size_of[files[i]];
        if (format_of(files[i]) != format || applied.count({files[i], s}) ||
            batch_bytes + s > budget) {
          break;
        }
        batch.push_back(files[i]);
        sizes.push_back(s);
        batch_bytes += s;
      }
      auto prepare_started = std::chrono::steady_clock::now();
      // A storage's objects are read from local copies, kept until the batch is applied.
      std::vector<std::string> local = batch;
      std::shared_ptr<void> copies;
      if (job["path"].get<std::string>().rfind("s3://", 0) == 0) {
        std::tie(local, copies) = objects_.fetch(org, batch);
      }
      bool named_events = job["data"] == "events" && format == Format::kJsonLines;
      Rows columns;
      if (named_events) columns = event_columns(local);
      std::string src = reader_sql(format, local, columns);
      if (!named_events) {
        columns = run_sql_(org, "SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM " +
                                    src + ")")
                      .rows;
      }
      // JSON Lines events stream from the files; a batch that needs group types registered
      // first is applied again, staged. The types are read once, and again after such a batch
      // (a type another writer registers meanwhile only sends a batch the staged way).
      std::vector<int64_t> lines;
      if (named_events) {
        lines = count_lines(local);
        if (!group_types_read) {
          types = known_group_types(org, job["schema"].get<std::string>());
          group_types_read = true;
        }
      }
      auto batch_started = std::chrono::steady_clock::now();
      SqlResult result;
      try {
        result = run_sql_(org, batch_sql(job, local, batch, sizes, src, columns,
                                         named_events ? &lines : nullptr, types));
      } catch (const std::exception& e) {
        if (!named_events || std::string(e.what()).find(kUnmappedGroupTypes) == std::string::npos)
          throw;
        result = run_sql_(org, batch_sql(job, local, batch, sizes, src, columns, nullptr, types));
        group_types_read = false;
      }
      double took =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - batch_started).count();
      bytes_per_second = took > 0 ? static_cast<double>(batch_bytes) / took : 0;
      spdlog::debug("bootstrap {}: {} file(s), {} bytes in {:.3f} s ({:.3f} s before)",
                    job["id"].get<std::string>(), batch.size(), batch_bytes, took,
                    std::chrono::duration<double>(batch_started - prepare_started).count());
      int64_t n = 0;
      for (const auto& r : result.rows) n += !r.empty() && r[0] ? std::stoll(*r[0]) : 0;
      int64_t inserted = inserted_rows(result.tags, job["data"].get<std::string>());
      {
        std::lock_guard lock(mutex_);
        applied_rows_[{org, job["schema"].get<std::string>()}] += static_cast<uint64_t>(inserted);
      }
      job["rows_inserted"] = job.value("rows_inserted", int64_t{0}) + inserted;
      rows += n;
      rows_this_run += n;
      bytes_done += batch_bytes;
      bytes_this_run += batch_bytes;
      files_done += batch.size();
      next += batch.size();
      report();
    }
    report();
    job["state"] = "done";
    job["finished_at"] = iso_utc_now();
    job["eta_seconds"] = 0;
    spdlog::info("bootstrap {} of {}: {} rows from {} file(s)", job["id"].get<std::string>(), org,
                 job["rows"].get<int64_t>(), files_done);
  } catch (const std::exception& e) {
    job["state"] = "failed";
    job["error"] = e.what();
    spdlog::error("bootstrap {} failed: {}", job["id"].get<std::string>(), e.what());
  }
  save_(job);
}

}  // namespace ducklings::ingest
