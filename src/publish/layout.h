// What a publication looks like in its storage (docs/golden-tables.md), the contract readers
// rely on:
//   <folder>/<version>/…parquet          a version: UTC YYYYMMDDHHMMSS, hive folders when partitioned
//   <folder>/<version>/_manifest.json    written last: schema, row count, files with sizes and SHA-256
//   <folder>/latest                      the live version's folder name, moved after its manifest
// and the reading snippets of a version for ClickHouse, DuckDB, Spark and Trino.
#pragma once
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace ducklings::publish {

inline constexpr const char* kManifest = "_manifest.json";
inline constexpr const char* kLatest = "latest";

// The version of a run starting at `at`, later than `after` (the newest one the folder has):
// the next second when `at` falls in the same one.
std::string version_at(std::chrono::system_clock::time_point at, const std::string& after);
// Whether a folder name is a version (14 digits).
bool is_version(const std::string& name);

// Where readers find a publication: its storage's kind and address.
struct Location {
  std::string kind;       // local | s3
  std::string directory;  // local: the publication's folder, absolute
  std::string endpoint, bucket, key_prefix;  // s3: key_prefix ends with the publication's name + '/'
  bool virtual_hosted = false;
  // "s3://bucket/…/<name>/" or the local folder, with a trailing '/'.
  std::string url() const;
  // HTTP(S) URL of a key under the publication (ClickHouse, Trino and Spark over S3A need one).
  std::string http_url(const std::string& relative) const;
};

struct SnippetInput {
  std::string name;  // the publication's
  Location location;
  std::string version;
  bool partitioned = false;
  std::vector<std::pair<std::string, std::string>> columns;  // name, Parquet-side DuckDB type
};

// The glob of a version's data files relative to the publication's folder.
std::string data_glob(const std::string& version, bool partitioned);

// {"clickhouse_sql", "clickhouse_create_sql", "duckdb_sql", "spark", "trino_sql"}: ready to
// paste; credentials are never in them (docs/golden-tables.md says where they go).
nlohmann::json reading_snippets(const SnippetInput& in);

}  // namespace ducklings::publish
