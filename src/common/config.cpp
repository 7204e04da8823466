#include "common/config.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <vector>

#include "common/errors.h"

namespace ducklings {
namespace {

int64_t parse_integer(const std::string& name, const std::string& value, int64_t min, int64_t max) {
  try {
    size_t used = 0;
    if (value.empty() || std::isspace(static_cast<unsigned char>(value[0]))) {
      throw std::invalid_argument("leading space");
    }
    int64_t v = std::stoll(value, &used);
    if (used != value.size()) throw std::invalid_argument("trailing");
    if (v < min || v > max) {
      throw ConfigError("setting '" + name + "': " + value + " is out of range [" +
                        std::to_string(min) + ", " + std::to_string(max) + "]");
    }
    return v;
  } catch (const ConfigError&) {
    throw;
  } catch (const std::exception&) {
    throw ConfigError("setting '" + name + "': '" + value + "' is not an integer");
  }
}

struct Setting {
  std::string description;
  std::function<void(ServerConfig&, const std::string&, const std::string&)> apply;
};

Setting text(std::string description, std::string ServerConfig::*field) {
  return {std::move(description),
          [field](ServerConfig& c, const std::string&, const std::string& v) { c.*field = v; }};
}

template <typename T>
Setting integer(std::string description, T ServerConfig::*field, int64_t min, int64_t max) {
  return {std::move(description),
          [field, min, max](ServerConfig& c, const std::string& n, const std::string& v) {
            c.*field = static_cast<T>(parse_integer(n, v, min, max));
          }};
}

Setting choice(std::string description, std::string ServerConfig::*field,
               std::vector<std::string> allowed) {
  return {
      std::move(description),
      [field, allowed](ServerConfig& c, const std::string& n, const std::string& v) {
        if (std::find(allowed.begin(), allowed.end(), v) == allowed.end()) {
          throw ConfigError("setting '" + n + "': '" + v + "' is not one of the allowed values");
        }
        c.*field = v;
      }};
}

const std::map<std::string, Setting>& settings() {
  static const std::map<std::string, Setting> table = {
      {"host", text("address to listen on", &ServerConfig::host)},
      {"port", integer("PostgreSQL protocol port", &ServerConfig::port, 0, 65535)},
      {"http_port", integer("HTTP API port", &ServerConfig::http_port, 0, 65535)},
      {"data_dir", text("directory holding databases and state", &ServerConfig::data_dir)},
      {"config", text("YAML configuration file", &ServerConfig::config)},
      {"tls_cert", text("TLS certificate (PEM); self-signed when empty", &ServerConfig::tls_cert)},
      {"tls_key", text("TLS private key (PEM)", &ServerConfig::tls_key)},
      {"tls", choice("on | off | require", &ServerConfig::tls, {"on", "off", "require"})},
      {"auth_method", choice("scram-sha-256 | password (cleartext, only over TLS)",
                             &ServerConfig::auth_method, {"scram-sha-256", "password"})},
      {"log_level",
       {"trace|debug|info|warn|error",
        [](ServerConfig& c, const std::string& n, const std::string& v) {
          static const char* levels[] = {"trace", "debug", "info", "warn", "error", "off"};
          if (std::find(std::begin(levels), std::end(levels), v) == std::end(levels)) {
            throw ConfigError("setting '" + n + "': unknown level '" + v + "'");
          }
          c.log_level = v;
        }}},
      {"max_connections",
       integer("maximum concurrent sessions", &ServerConfig::max_connections, 1, 100000)},
      {"shutdown_timeout", integer("seconds in-flight statements get on shutdown",
                                   &ServerConfig::shutdown_timeout, 0, 3600)},
      {"max_message_size", integer("largest frontend message in bytes",
                                   &ServerConfig::max_message_size, 1024, int64_t(1) << 30)},
      {"threads",
       integer("DuckDB threads per warehouse (0 = all cores)", &ServerConfig::threads, 0, 1024)},
      {"memory_limit", text("DuckDB memory limit, e.g. 4GB", &ServerConfig::memory_limit)},
      {"duckling_idle_timeout",
       integer("seconds a duckling's database stays open (warm) after its last session; 0 = "
               "always",
               &ServerConfig::duckling_idle_timeout, 0, 86400 * 30)},
      {"query_log_retention_days",
       integer("days each duckling's query log (system.query_log) keeps; 0 = forever",
               &ServerConfig::query_log_retention_days, 0, 36500)},
      {"query_profiling",
       choice("on: record DuckDB's profile of each statement (CPU time, peak memory, rows "
              "scanned, slowest operators) in the query log; costs short statements ~8%",
              &ServerConfig::query_profiling, {"on", "off"})},
      {"usage_interval", integer("seconds between usage samples (compute, storage, queries)",
                                 &ServerConfig::usage_interval, 1, 3600)},
      {"pricing_scheme",
       text("YAML file of the pricing scheme invoices use; empty = the built-in scheme",
            &ServerConfig::pricing_scheme)},
      {"auth_failure_threshold",
       integer("failed logins from one address before it is refused for auth_ban_seconds; 0 = "
               "never",
               &ServerConfig::auth_failure_threshold, 0, 1000000)},
      {"auth_user_failure_threshold",
       integer("failed logins of one user (from any address) before it is refused; 0 = never",
               &ServerConfig::auth_user_failure_threshold, 0, 1000000)},
      {"auth_ban_seconds", integer("seconds a refused address or user waits",
                                   &ServerConfig::auth_ban_seconds, 1, 86400 * 7)},
      {"max_connections_per_address",
       integer("concurrent sessions one client address may hold; 0 = no cap",
               &ServerConfig::max_connections_per_address, 0, 1000000)},
      {"authentication_timeout",
       integer("seconds a connection has to authenticate (PostgreSQL's authentication_timeout); "
               "under pressure it gets at most 5",
               &ServerConfig::authentication_timeout, 1, 600)},
      {"max_startup_connections_per_address",
       integer("connections one client address (an IPv6 /64) may keep waiting for more than a "
               "second without authenticating (a burst may hold up to half of "
               "max_startup_connections); more are refused with 53300",
               &ServerConfig::max_startup_connections_per_address, 1, 100000)},
      {"max_startup_connections",
       integer("connections not yet authenticated in all; past it the oldest is closed",
               &ServerConfig::max_startup_connections, 1, 100000)},
      {"cancel_requests_per_second",
       integer("CancelRequests acted on per client address (an IPv6 /64) and second, after a "
               "burst of ten times as many; more are dropped",
               &ServerConfig::cancel_requests_per_second, 1, 100000)},
      {"bootstrap_batch_mb",
       integer("most MiB of export files one bootstrap transaction reads (memory against speed)",
               &ServerConfig::bootstrap_batch_mb, 1, 65536)},
      {"readable_directories",
       text("directories SQL may read files from (read_csv, read_parquet…), comma-separated; "
            "none by default",
            &ServerConfig::readable_directories)},
      {"demo_data",
       choice("on: the first start fills the default database's posthog_demo schema with "
              "synthetic PostHog data (make run)",
              &ServerConfig::demo_data, {"on", "off"})},
      {"isolation",
       choice("none (ducklings run in the server process) | process (each active duckling "
              "runs in its own `duckgres worker` process)",
              &ServerConfig::isolation, {"none", "process"})},
      {"secret_key_file",
       text("file of the 32-byte key that seals secrets at rest (storage keys); made with mode "
            "0600 on first start; default <data-dir>/secret.key",
            &ServerConfig::secret_key_file)},
      {"storage_cache_mb",
       integer("MiB of local copies each duckling keeps of the storage objects SQL reads "
               "(s3://<storage>/…), least recently used dropped first",
               &ServerConfig::storage_cache_mb, 1, 16 << 20)},
      {"config_store",
       text("control-plane store: sqlite:<path> (default <data-dir>/duckgres.db) or "
            "postgres://user:pass@host/db",
            &ServerConfig::config_store)},
  };
  return table;
}

}  // namespace

std::vector<std::string> split_list(const std::string& value) {
  std::vector<std::string> out;
  size_t i = 0;
  while (i <= value.size()) {
    size_t j = value.find(',', i);
    if (j == std::string::npos) j = value.size();
    std::string item = value.substr(i, j - i);
    while (!item.empty() && std::isspace(static_cast<unsigned char>(item.back()))) item.pop_back();
    size_t k = 0;
    while (k < item.size() && std::isspace(static_cast<unsigned char>(item[k]))) ++k;
    if (k < item.size()) out.push_back(item.substr(k));
    i = j + 1;
  }
  return out;
}

namespace {

std::string normalize(std::string name) {
  std::replace(name.begin(), name.end(), '-', '_');
  return name;
}

}  // namespace

const std::map<std::string, std::string>& setting_descriptions() {
  static const std::map<std::string, std::string> out = [] {
    std::map<std::string, std::string> m;
    for (const auto& [name, s] : settings()) m[name] = s.description;
    return m;
  }();
  return out;
}

void apply_setting(ServerConfig& config, const std::string& raw_name, const std::string& value) {
  std::string name = normalize(raw_name);
  auto it = settings().find(name);
  if (it == settings().end()) throw ConfigError("unknown setting '" + raw_name + "'");
  it->second.apply(config, name, value);
}

ServerConfig load_config(const std::map<std::string, std::string>& flags) {
  ServerConfig config;
  // The config file's own location can come from a flag or the environment.
  std::string file;
  if (auto it = flags.find("config"); it != flags.end()) {
    file = it->second;
  } else if (const char* env = std::getenv("DUCKGRES_CONFIG")) {
    file = env;
  }
  if (!file.empty()) {
    if (!std::filesystem::exists(file)) {
      throw ConfigError("setting 'config': file '" + file + "' does not exist");
    }
    YAML::Node root;
    try {
      root = YAML::LoadFile(file);
    } catch (const YAML::Exception& e) {
      throw ConfigError("setting 'config': cannot parse '" + file + "': " + e.what());
    }
    if (root && !root.IsNull()) {
      if (!root.IsMap()) throw ConfigError("setting 'config': '" + file + "' is not a mapping");
      for (const auto& kv : root) {
        if (!kv.first.IsScalar()) {
          throw ConfigError("setting 'config': '" + file + "' has a key that is not a name");
        }
        std::string key = kv.first.as<std::string>();
        if (!kv.second.IsScalar()) {
          throw ConfigError("setting '" + key + "' in '" + file + "' must be a scalar");
        }
        apply_setting(config, key, kv.second.as<std::string>());
      }
    }
    config.config = file;
  }
  for (const auto& [name, s] : settings()) {
    std::string env_name = "DUCKGRES_" + name;
    std::transform(env_name.begin(), env_name.end(), env_name.begin(), ::toupper);
    if (const char* env = std::getenv(env_name.c_str())) apply_setting(config, name, env);
  }
  for (const auto& [name, value] : flags) apply_setting(config, name, value);
  return config;
}

}  // namespace ducklings
