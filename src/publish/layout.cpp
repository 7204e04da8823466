#include "publish/layout.h"

#include <cctype>
#include <ctime>

namespace ducklings::publish {
namespace {
using json = nlohmann::json;

std::string sql_string(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("''") : std::string(1, c);
  return out + "'";
}

// Trino's spelling of a DuckDB type (nested types recursively), for the Hive connector's
// external table.
std::string trino_type(const std::string& t);

// The parts of "STRUCT(a INTEGER, "b c" VARCHAR)" or "MAP(VARCHAR, INTEGER)" inside the
// parentheses, split at the top-level commas.
std::vector<std::string> inner_parts(const std::string& t) {
  std::vector<std::string> parts;
  size_t open = t.find('(');
  int depth = 0;
  bool quoted = false;
  std::string cur;
  for (size_t i = open + 1; i + 1 < t.size(); ++i) {
    char c = t[i];
    if (c == '"') quoted = !quoted;
    if (!quoted && (c == '(' || c == '[')) ++depth;
    if (!quoted && (c == ')' || c == ']')) --depth;
    if (!quoted && depth == 0 && c == ',') {
      parts.push_back(cur);
      cur.clear();
      continue;
    }
    if (!(cur.empty() && c == ' ')) cur += c;
  }
  if (!cur.empty()) parts.push_back(cur);
  return parts;
}

std::string trino_type(const std::string& t) {
  if (t.size() > 2 && t.compare(t.size() - 2, 2, "[]") == 0) return "array(" + trino_type(t.substr(0, t.size() - 2)) + ")";
  if (t.rfind("STRUCT(", 0) == 0) {
    std::string out;
    for (const auto& p : inner_parts(t)) {
      size_t split = p[0] == '"' ? p.find('"', 1) + 1 : p.find(' ');
      std::string name = p.substr(0, split);
      if (name.front() != '"') name = "\"" + name + "\"";
      out += (out.empty() ? "" : ", ") + name + " " + trino_type(p.substr(split + 1));
    }
    return "row(" + out + ")";
  }
  if (t.rfind("MAP(", 0) == 0) {
    auto parts = inner_parts(t);
    return "map(" + trino_type(parts.at(0)) + ", " + trino_type(parts.size() > 1 ? parts[1] : "VARCHAR") + ")";
  }
  if (t.rfind("DECIMAL", 0) == 0) {
    std::string d = t;
    for (char& c : d) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return d;
  }
  static const std::pair<const char*, const char*> names[] = {
      {"BOOLEAN", "boolean"},   {"TINYINT", "tinyint"},   {"SMALLINT", "smallint"},
      {"INTEGER", "integer"},   {"BIGINT", "bigint"},     {"FLOAT", "real"},
      {"DOUBLE", "double"},     {"VARCHAR", "varchar"},   {"DATE", "date"},
      {"TIME", "time(6)"},      {"TIMESTAMP", "timestamp(6)"},
      {"TIMESTAMP WITH TIME ZONE", "timestamp(6) with time zone"},
      {"UUID", "uuid"},         {"BLOB", "varbinary"}};
  for (const auto& [duck, trino] : names)
    if (t == duck) return trino;
  return "varchar";
}

}  // namespace

std::string version_at(std::chrono::system_clock::time_point at, const std::string& after) {
  std::time_t seconds = std::chrono::system_clock::to_time_t(at);
  auto format = [](std::time_t s) {
    std::tm tm{};
    gmtime_r(&s, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y%m%d%H%M%S", &tm);
    return std::string(buf);
  };
  std::string v = format(seconds);
  if (is_version(after)) {
    // Versions only grow: a run in the same second as the last one (or after a clock step
    // back) takes the second after it.
    std::tm tm{};
    strptime(after.c_str(), "%Y%m%d%H%M%S", &tm);
    std::time_t last = timegm(&tm);
    if (v <= after) v = format(last + 1);
  }
  return v;
}

bool is_version(const std::string& name) {
  if (name.size() != 14) return false;
  for (char c : name)
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
  return true;
}

std::string Location::url() const {
  if (kind == "local") return directory;
  return "s3://" + bucket + "/" + key_prefix;
}

std::string Location::http_url(const std::string& relative) const {
  if (kind == "local") return directory + relative;
  std::string scheme_end = "://";
  size_t at = endpoint.find(scheme_end);
  if (virtual_hosted && at != std::string::npos)
    return endpoint.substr(0, at + 3) + bucket + "." + endpoint.substr(at + 3) + "/" + key_prefix + relative;
  return endpoint + "/" + bucket + "/" + key_prefix + relative;
}

std::string data_glob(const std::string& version, bool partitioned) {
  return version + (partitioned ? "/*/*.parquet" : "/*.parquet");
}

json reading_snippets(const SnippetInput& in) {
  const Location& loc = in.location;
  std::string glob = data_glob(in.version, in.partitioned);
  bool local = loc.kind == "local";
  std::string files = loc.http_url(glob);
  json out;
  // ClickHouse reads the files as they are (Parquet types map to its own), over HTTP(S) for
  // a bucket: credentials, when the bucket wants them, go after the URL.
  std::string table_function = local ? "file(" + sql_string(files) + ", 'Parquet')"
                                     : "s3(" + sql_string(files) + ", 'Parquet')";
  out["clickhouse_sql"] = "SELECT * FROM " + table_function;
  out["clickhouse_create_sql"] =
      local ? "CREATE VIEW " + in.name + " AS SELECT * FROM " + table_function
            : "CREATE TABLE " + in.name + " ENGINE = S3(" + sql_string(files) + ", 'Parquet')";
  // The partition folders' keys are not columns of the files: every reader is told not to add them.
  std::string duck_files = local ? files : loc.url() + glob;
  out["duckdb_sql"] = "SELECT * FROM read_parquet(" + sql_string(duck_files) +
                      (in.partitioned ? ", hive_partitioning = false" : "") + ")";
  std::string folder = local ? "file://" + loc.directory + in.version + "/" : "s3a://" + loc.bucket + "/" + loc.key_prefix + in.version + "/";
  out["spark"] = std::string("df = spark.read") + (in.partitioned ? ".option(\"recursiveFileLookup\", \"true\")" : "") +
                 ".parquet(\"" + folder + "\")";
  std::string columns;
  for (const auto& [name, type] : in.columns) {
    std::string quoted = "\"";
    for (char c : name) quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
    columns += (columns.empty() ? "\n  " : ",\n  ") + quoted + "\" " + trino_type(type);
  }
  std::string trino_location = local ? "file://" + loc.directory + in.version + "/" : "s3://" + loc.bucket + "/" + loc.key_prefix + in.version + "/";
  out["trino_sql"] = "CREATE TABLE hive.default." + in.name + " (" + columns + "\n) WITH (external_location = " +
                     sql_string(trino_location) + ", format = 'PARQUET')";
  return out;
}

}  // namespace ducklings::publish
