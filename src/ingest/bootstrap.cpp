#include "ingest/bootstrap.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <utility>

#include "common/clock.h"
#include "common/digest.h"
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

// DuckDB's reader for an export file, by its extension; empty when it is none of them.
std::string reader(const std::string& file) {
  std::string f = file;
  for (char& c : f) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (has_suffix(f, ".gz")) f.resize(f.size() - 3);
  std::string q = sql::quote_literal(file);
  if (has_suffix(f, ".jsonl") || has_suffix(f, ".ndjson") || has_suffix(f, ".json")) {
    return "read_json_auto(" + q + ", format = 'newline_delimited', sample_size = 20000)";
  }
  if (has_suffix(f, ".csv") || has_suffix(f, ".tsv"))
    return "read_csv_auto(" + q + ", header = true)";
  if (has_suffix(f, ".parquet")) return "read_parquet(" + q + ")";
  return "";
}

// Plain (not compressed) JSON Lines: events of these are read with the columns named, without
// DuckDB sampling the file for its schema (that took longer than reading the rows).
bool plain_json(const std::string& file) {
  std::string f = file;
  for (char& c : f) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return has_suffix(f, ".jsonl") || has_suffix(f, ".ndjson") || has_suffix(f, ".json");
}

// The columns of an events export read as JSON Lines; a key a line lacks reads as NULL.
const char* const kEventColumns[][2] = {{"uuid", "VARCHAR"},           {"event", "VARCHAR"},
                                        {"distinct_id", "VARCHAR"},    {"timestamp", "VARCHAR"},
                                        {"properties", "JSON"},        {"person_id", "VARCHAR"},
                                        {"elements_chain", "VARCHAR"}, {"created_at", "VARCHAR"}};

std::string events_json_reader(const std::string& file) {
  std::string columns;
  for (const auto& c : kEventColumns) {
    if (!columns.empty()) columns += ", ";
    columns += sql::quote_literal(c[0]) + ": " + sql::quote_literal(c[1]);
  }
  return "read_json(" + sql::quote_literal(file) + ", format = 'newline_delimited', columns = {" +
         columns + "})";
}

// The keys of the file's first line; throws when it is not a JSON object.
std::vector<std::string> first_line_keys(const std::string& file) {
  std::ifstream in(file);
  std::string line;
  while (std::getline(in, line) && line.find_first_not_of(" \t\r") == std::string::npos) {
  }
  json first = json::parse(line, nullptr, false);
  if (!first.is_object()) throw std::runtime_error(file + ": the first line is not a JSON object");
  std::vector<std::string> keys;
  for (const auto& [k, v] : first.items()) keys.push_back(k);
  return keys;
}

}  // namespace

Bootstrapper::Bootstrapper(std::vector<std::string> readable_directories, SqlRunner run_sql,
                           JobSink save)
    : readable_(std::move(readable_directories)),
      run_sql_(std::move(run_sql)),
      save_(std::move(save)) {
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
      if (f.is_regular_file() && !reader(f.path().string()).empty())
        out.push_back(f.path().string());
    }
    std::sort(out.begin(), out.end());
  } else if (fs::is_regular_file(path, ec) && !reader(path).empty()) {
    out.push_back(path);
  }
  return out;
}

json Bootstrapper::start(const std::string& org, const std::string& schema, int64_t team_id,
                         const std::string& path, const std::string& kind) {
  if (kind != "events" && kind != "persons") {
    throw std::invalid_argument("\"kind\" must be events or persons");
  }
  if (!sql::path_within(path, readable_) &&
      std::none_of(readable_.begin(), readable_.end(), [&](const std::string& d) {
        return fs::path(path).lexically_normal() == fs::path(d).lexically_normal();
      })) {
    throw std::invalid_argument(
        "\"path\" must be an absolute path under the server's "
        "--readable-directories");
  }
  std::vector<std::string> files = files_of(path);
  if (files.empty()) {
    throw std::invalid_argument(
        "\"path\" names no .jsonl, .json, .csv or .parquet file (optionally .gz)");
  }
  uintmax_t bytes = 0;
  for (const auto& f : files) {
    std::error_code ec;
    bytes += fs::file_size(f, ec);
  }
  json job = {{"id", random_hex(8)},
              {"org", org},
              {"kind", "bootstrap"},
              {"schema", schema},
              {"team_id", team_id},
              {"data", kind},
              {"path", path},
              {"state", "queued"},
              {"files_total", files.size()},
              {"files_done", 0},
              {"rows", 0},
              {"bytes_total", bytes},
              {"bytes_done", 0},
              {"rows_per_second", 0},
              {"eta_seconds", nullptr},
              {"error", nullptr},
              {"created_at", iso_utc_now()}};
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

std::string Bootstrapper::file_sql(const json& job, const std::string& file, uintmax_t size,
                                   const Rows& columns) {
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
  std::string s = sql::quote_identifier(job["schema"].get<std::string>());
  std::string src =
      job["data"] == "events" && plain_json(file) ? events_json_reader(file) : reader(file);
  std::string team = sql::quote_literal(job["schema"].get<std::string>());
  std::string f = sql::quote_literal(file);
  std::string done = "(SELECT 1 FROM duckgres_meta.bootstrapped WHERE schema_name = " + team +
                     " AND file = " + f + " AND size = " + std::to_string(size) + ")";
  std::string out =
      "CREATE TABLE IF NOT EXISTS duckgres_meta.bootstrapped (schema_name VARCHAR, file VARCHAR, "
      "size BIGINT, rows BIGINT, applied_at TIMESTAMPTZ);";
  if (job["data"] == "events") {
    for (const char* required : {"uuid", "event", "distinct_id", "timestamp"}) {
      if (!has(required))
        throw std::runtime_error(file + " has no \"" + std::string(required) + "\" column");
    }
    std::string props = has("properties") ? as_json("properties") : "CAST('{}' AS JSON)";
    out +=
        "CREATE OR REPLACE TEMP TABLE __b AS SELECT TRY_CAST(uuid AS UUID) AS uuid, CAST(event AS "
        "VARCHAR) AS event, " +
        props +
        " AS properties, TRY_CAST(\"timestamp\" AS TIMESTAMPTZ) AS "
        "ts, CAST(distinct_id AS VARCHAR) AS distinct_id, " +
        std::string(has("person_id") ? "TRY_CAST(person_id AS UUID)" : "CAST(NULL AS UUID)") +
        " AS person_id, " +
        std::string(has("elements_chain") ? "nullif(CAST(elements_chain AS VARCHAR), '')"
                                          : "CAST(NULL AS VARCHAR)") +
        " AS elements_chain, " +
        std::string(has("created_at") ? "TRY_CAST(created_at AS TIMESTAMPTZ)"
                                      : "CAST(NULL AS TIMESTAMPTZ)") +
        " AS created_at FROM " + src + " WHERE NOT EXISTS " + done +
        " AND TRY_CAST(uuid AS UUID) IS NOT NULL AND TRY_CAST(\"timestamp\" AS TIMESTAMPTZ) IS NOT "
        "NULL AND event IS NOT NULL AND distinct_id IS NOT NULL;";
    // Events already there (an overlapping export, or captured live) are skipped by uuid;
    // DuckDB builds the anti-join on the file's rows and probes the table's uuid column.
    out +=
        "INSERT INTO " + s +
        ".events (uuid, event, properties, timestamp, distinct_id, person_id, "
        "elements_chain, \"$session_id\", \"$window_id\", created_at, team_id) SELECT b.uuid, "
        "b.event, "
        "b.properties, b.ts, b.distinct_id, coalesce(b.person_id, p.person_id), b.elements_chain, "
        "b.ids[1], b.ids[2], coalesce(b.created_at, b.ts), " +
        std::to_string(job["team_id"].get<int64_t>()) +
        " FROM (SELECT *, json_extract_string(properties, ['$.\"$session_id\"', "
        "'$.\"$window_id\"']) AS ids FROM __b) b LEFT JOIN " +
        s +
        ".person_distinct_ids p ON p.distinct_id = b.distinct_id WHERE NOT EXISTS (SELECT 1 FROM " +
        s + ".events e WHERE e.uuid = b.uuid) QUALIFY row_number() OVER (PARTITION BY b.uuid) = 1;";
  } else {
    if (!has("id")) throw std::runtime_error(file + " has no \"id\" column");
    std::string props = has("properties") ? as_json("properties") : "CAST('{}' AS JSON)";
    out += "CREATE OR REPLACE TEMP TABLE __b AS SELECT TRY_CAST(id AS UUID) AS id, " + props +
           " AS properties, " +
           std::string(has("created_at") ? "TRY_CAST(created_at AS TIMESTAMPTZ)" : "now()") +
           " AS created_at, " +
           std::string(has("is_identified") ? "TRY_CAST(is_identified AS BOOLEAN)" : "false") +
           " AS is_identified, " +
           std::string(has("distinct_ids") ? "TRY_CAST(distinct_ids AS VARCHAR[])"
                                           : "CAST([] AS VARCHAR[])") +
           " AS distinct_ids FROM " + src + " WHERE NOT EXISTS " + done +
           " AND TRY_CAST(id AS UUID) IS NOT NULL QUALIFY row_number() OVER (PARTITION BY id) = 1;";
    out += "INSERT INTO " + s +
           ".persons (id, properties, created_at, is_identified, version) SELECT "
           "id, properties, created_at, coalesce(is_identified, false), 0 FROM __b WHERE id NOT IN "
           "(SELECT id FROM " +
           s + ".persons);";
    out += "INSERT INTO " + s +
           ".person_distinct_ids SELECT DISTINCT d, id, 0 FROM (SELECT id, "
           "unnest(distinct_ids) AS d FROM __b) WHERE d NOT IN (SELECT distinct_id FROM " +
           s + ".person_distinct_ids);";
  }
  out += "INSERT INTO duckgres_meta.bootstrapped SELECT " + team + ", " + f + ", " +
         std::to_string(size) + ", (SELECT count(*) FROM __b), now() WHERE NOT EXISTS " + done +
         ";";
  // now() is the transaction's start: the record was made by this transaction when equal.
  out += "SELECT rows, applied_at = now() FROM duckgres_meta.bootstrapped WHERE schema_name = " +
         team + " AND file = " + f + " AND size = " + std::to_string(size) + ";";
  return out;
}

void Bootstrapper::run(json job) {
  auto started = std::chrono::steady_clock::now();
  job["state"] = "running";
  if (!job.contains("started_at") || job["started_at"].is_null()) job["started_at"] = iso_utc_now();
  save_(job);
  try {
    std::vector<std::string> files = files_of(job["path"]);
    uintmax_t bytes_done = 0, bytes_this_run = 0;
    int64_t rows = 0, rows_this_run = 0;
    size_t files_done = 0;
    for (const std::string& file : files) {
      {
        std::lock_guard lock(mutex_);
        if (stop_) return;  // left running: the next start resumes it
      }
      std::error_code ec;
      uintmax_t size = fs::file_size(file, ec);
      Rows columns;
      if (job["data"] == "events" && plain_json(file)) {
        std::vector<std::string> keys = first_line_keys(file);
        for (const auto& c : kEventColumns) {
          // A required key the first line lacks is reported as a missing column.
          bool optional = std::string(c[0]) == "properties" || std::string(c[0]) == "person_id" ||
                          std::string(c[0]) == "elements_chain" ||
                          std::string(c[0]) == "created_at";
          if (optional || std::find(keys.begin(), keys.end(), c[0]) != keys.end())
            columns.push_back({std::string(c[0]), std::string(c[1])});
        }
      } else {
        columns =
            run_sql_(job["org"], "SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM " +
                                     reader(file) + ")");
      }
      Rows result = run_sql_(job["org"], file_sql(job, file, size, columns));
      int64_t n = !result.empty() && result[0][0] ? std::stoll(*result[0][0]) : 0;
      rows += n;
      if (!result.empty() && result[0].size() > 1 && result[0][1] &&
          (*result[0][1] == "true" || *result[0][1] == "t")) {
        std::lock_guard lock(mutex_);
        applied_rows_[{job["org"].get<std::string>(), job["schema"].get<std::string>()}] +=
            static_cast<uint64_t>(n);
      }
      bytes_done += size;
      ++files_done;
      // What this run did sets the rate (files done before a restart took no time now).
      auto elapsed =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
      rows_this_run += n;
      bytes_this_run += size;
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
    }
    job["state"] = "done";
    job["finished_at"] = iso_utc_now();
    job["eta_seconds"] = 0;
    spdlog::info("bootstrap {} of {}: {} rows from {} file(s)", job["id"].get<std::string>(),
                 job["org"].get<std::string>(), job["rows"].get<int64_t>(), files_done);
  } catch (const std::exception& e) {
    job["state"] = "failed";
    job["error"] = e.what();
    spdlog::error("bootstrap {} failed: {}", job["id"].get<std::string>(), e.what());
  }
  save_(job);
}

}  // namespace ducklings::ingest
