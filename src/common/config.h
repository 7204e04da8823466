// Server settings: flags > environment (DUCKGRES_<NAME>) > YAML file > defaults.
#pragma once
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace ducklings {

struct ServerConfig {
  std::string host = "127.0.0.1";
  int port = 5432;
  int http_port = 8080;
  std::string data_dir = "./data";
  std::string config;  // optional YAML file
  std::string tls_cert;
  std::string tls_key;
  std::string tls = "on";                     // on | off | require
  std::string auth_method = "scram-sha-256";  // or "password" (cleartext, only over TLS)
  std::string log_level = "info";
  int max_connections = 1000;
  int shutdown_timeout = 30;             // seconds in-flight statements get on SIGTERM
  int64_t max_message_size = 256 << 20;  // bytes; larger frontend messages are refused (08P01)
  int threads = 0;                       // DuckDB threads per warehouse; 0 = all cores
  std::string memory_limit;              // DuckDB memory_limit, empty = DuckDB default
  int auth_failure_threshold = 10;       // failed logins from one address before it is refused
  int auth_user_failure_threshold = 0;   // … of one user from anywhere; 0 = off
  int auth_ban_seconds = 300;            // how long such a refusal lasts
  int max_connections_per_address = 0;   // concurrent sessions from one address; 0 = no cap
  int duckling_idle_timeout = 300;       // seconds a duckling stays open after its last session
  int query_log_retention_days = 30;     // system.query_log keeps this many days; 0 = forever
  int usage_interval = 60;               // seconds between usage samples (metering/usage.h)
  int bootstrap_batch_mb = 256;          // most MiB of export files a bootstrap transaction reads
  std::string query_profiling = "on";    // DuckDB's per-statement profile in the query log
  std::string pricing_scheme;            // YAML file of the pricing scheme; empty = built-in

  // Before login (pgwire/auth_limiter.h).
  int authentication_timeout = 60;               // seconds a connection has to authenticate
  int max_startup_connections_per_address = 32;  // not yet authenticated, per address (/64)
  int max_startup_connections = 1024;            // … in all (past it the oldest is cut)
  int cancel_requests_per_second = 2;            // CancelRequests per address (burst 10x)

  // Directories sessions may read files from (read_csv('/dir/…')), comma-separated; nothing
  // else of the server's file system is reachable from SQL.
  std::string readable_directories;
  std::string isolation = "none";
  std::string demo_data = "off";  // on: a new data dir's default database gets a PostHog demo team
                                  // // none | process (a worker process per duckling)
  std::string config_store;       // "" / sqlite:<path> / postgres://… (control plane)
  // The key that seals secrets at rest (common/secret_box.h); "" for <data_dir>/secret.key.
  std::string secret_key_file;
  int storage_cache_mb = 10240;  // local copies of storage objects SQL reads, per duckling
};

// The names of every setting, as used for flags (--name with '-'), env and YAML (with '_').
const std::map<std::string, std::string>& setting_descriptions();

// Applies one setting given as text; throws ConfigError naming the setting on a bad value.
void apply_setting(ServerConfig& config, const std::string& name, const std::string& value);

// A comma-separated setting as its non-empty items.
std::vector<std::string> split_list(const std::string& value);

// Builds the configuration: `flags` holds the settings given on the command line.
ServerConfig load_config(const std::map<std::string, std::string>& flags);

}  // namespace ducklings
