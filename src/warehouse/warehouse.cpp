#include "warehouse/warehouse.h"

#include <algorithm>
#include <filesystem>
#include <thread>

#include "common/clock.h"
#include "common/errors.h"
#include "duck/pg_json.h"
#include "duck/pg_record_json.h"
#include "duck/pg_aggregates.h"
#include "duck/pg_functions.h"
#include "sql/catalog.h"
#include "sql/catalog_types.h"
#include "sql/engine_macros.h"
#include "sql/array_functions.h"
#include "sql/pg_casts.h"
#include "sql/quoting.h"
#include "sql/result_types.h"

namespace ducklings::warehouse {
namespace fs = std::filesystem;
namespace {

// How long a query runs alone before the other threads join it: longer than a point lookup or
// a short aggregation over a few thousand rows, short against anything that scans a table.
constexpr std::chrono::microseconds kAssistDelay{1000};

std::mutex directory_mutex;
SessionDirectory& session_directory() {
  static SessionDirectory d;
  return d;
}

std::vector<FunctionRegistrar>& function_registrars() {
  static std::vector<FunctionRegistrar> r;
  return r;
}

// Removes the COPY FROM STDIN pipes a killed process left in the duckling's tmp/
// (pgwire/copy.cpp names them copy-<session>-<n>.fifo). Called once the duckling's database is
// open here: DuckDB's file lock says no other process has it, and no session here has begun.
void remove_stale_fifos(const std::string& directory) {
  std::string tmp = directory + "/tmp";
  std::error_code ec;
  try {
    for (const auto& entry : fs::directory_iterator(tmp, ec)) {
      std::string name = entry.path().filename().string();
      if (name.rfind("copy-", 0) != 0 || name.size() < 5 ||
          name.compare(name.size() - 5, 5, ".fifo") != 0 || !entry.is_fifo(ec)) {
        continue;
      }
      fs::remove(entry.path(), ec);
    }
  } catch (const fs::filesystem_error&) {
    // Best effort: a pipe left behind costs nothing but a directory entry.
  }
}

}  // namespace

void add_function_registrar(FunctionRegistrar registrar) {
  std::lock_guard lock(directory_mutex);
  function_registrars().push_back(std::move(registrar));
}

void set_session_directory(SessionDirectory d) {
  std::lock_guard lock(directory_mutex);
  session_directory() = std::move(d);
}

void register_session_functions(duck::Connection& conn) {
  sql::register_catalog_types(conn.get());  // the catalog's views cast to them
  duck::register_pg_json(conn.get());        // jsonb and the json operators' functions
  duck::register_record_json(conn.get());     // to_json of records (row_to_json(t), json_agg(t))
  sql::register_result_type_functions(conn);  // numeric division at PostgreSQL's scale
  duck::register_text_function(conn, "duckgres_activity", 1,
                               [](const std::vector<std::string>& a) -> std::optional<std::string> {
                                 std::function<std::string(const std::string&)> f;
                                 {
                                   std::lock_guard lock(directory_mutex);
                                   f = session_directory().activity_json;
                                 }
                                 return f ? f(a[0]) : "[]";
                               });
  duck::register_text_function(conn, "duckgres_signal_backend", 4,
                               [](const std::vector<std::string>& a) -> std::optional<std::string> {
                                 decltype(SessionDirectory::signal) f;
                                 {
                                   std::lock_guard lock(directory_mutex);
                                   f = session_directory().signal;
                                 }
                                 int32_t pid = 0, caller = 0;
                                 try {
                                   pid = std::stoi(a[1]);
                                   caller = std::stoi(a[2]);
                                 } catch (const std::exception&) {
                                   return "false";
                                 }
                                 return f && f(a[0], pid, caller, a[3]) ? "true" : "false";
                               });
}

Warehouse::Warehouse(std::string name, const std::string& directory, const ComputeLimits& limits,
                     const std::vector<std::string>& readable_directories)
    : name_(std::move(name)),
      directory_(directory),
      threads_(limits.threads > 0
                   ? limits.threads
                   : std::max(1, static_cast<int>(std::thread::hardware_concurrency()))),
      database_(directory + "/warehouse.duckdb",
                [&] {
                  std::vector<std::pair<std::string, std::string>> options = {
                      {"temp_directory", directory + "/tmp"},
                      // Extensions come only from what the library has built in.
                      {"autoinstall_known_extensions", "false"},
                      {"autoload_known_extensions", "false"},
                      {"allow_community_extensions", "false"},
                      {"allow_persistent_secrets", "false"},
                      // PostgreSQL's NULL order: last ascending, first descending (DuckDB's
                      // default puts them last both ways, so ORDER BY … DESC, rank() and
                      // array_agg(… ORDER BY … DESC) answered otherwise).
                      {"default_null_order", "nulls_last_on_asc_first_on_desc"},
                  };
                  // DuckDB starts no worker threads of its own: queries run on their session's
                  // thread and TaskAssist lends the others to those that run longer than a point
                  // lookup.
                  options.emplace_back("threads", std::to_string(threads_));
                  options.emplace_back("external_threads", std::to_string(threads_));
                  if (!limits.memory_limit.empty())
                    options.emplace_back("memory_limit", limits.memory_limit);
                  return options;
                }()),
      assist_(std::make_unique<duck::TaskAssist>(database_.get(), threads_ - 1, kAssistDelay)) {
  {
    auto conn = database_.connect();
    register_session_functions(*conn);  // before the catalog: its views call them
    duck::register_pg_functions(*conn, readable_directories);  // to_char, format(), …
    duck::register_pg_aggregates(*conn);  // corr, covar_*, regr_* as PostgreSQL computes them
    sql::register_pg_casts(*conn);       // PostgreSQL's text input for bytea, bool, int, arrays
    sql::register_array_functions(*conn);  // cardinality, array_ndims, array_dims of nested arrays
    std::vector<FunctionRegistrar> registrars;
    {
      std::lock_guard lock(directory_mutex);
      registrars = function_registrars();
    }
    // The server's own readers (bootstrap's events reader) also read storage objects' local
    // copies; what a session names is checked by the gateway's sandbox first.
    std::vector<std::string> server_readable = readable_directories;
    server_readable.push_back(directory + "/storage_cache");
    server_readable.push_back(directory + "/storages");
    for (const auto& r : registrars) r(*conn, server_readable);
    // The macros the rewritten SQL calls, once per instance rather than per session (they
    // call the functions above; ATTACH needs external access, switched off below).
    sql::install_engine_macros(*conn);
  }
  install_catalog();
  sandbox(readable_directories);
}

void Warehouse::sandbox(const std::vector<std::string>& readable_directories) {
  // DuckDB opens no file but its own, its spill files and the COPY pipes in its tmp/
  // directory, storage objects (plus what an operator allows); no extension loads, no database attaches.
  // Once off, external access cannot be turned back on in this instance.
  // Statements read an organization's storages through local files: copies of remote
  // objects in storage_cache/, a local storage's own folder under storages/ (control/).
  std::string list = "[" + sql::quote_literal(directory_ + "/tmp/") + ", " +
                     sql::quote_literal(directory_ + "/storage_cache/") + ", " +
                     sql::quote_literal(directory_ + "/storages/");
  for (const std::string& d : readable_directories) {
    list += ", " + sql::quote_literal(d.back() == '/' ? d : d + "/");
  }
  list += "]";
  auto conn = database_.connect();
  conn->query("SET allowed_directories = " + list);
  conn->query("SET enable_external_access = false");
}

void Warehouse::apply(const ComputeLimits& limits) {
  std::lock_guard lock(limits_mutex_);
  if (limits == limits_) return;
  auto conn = database_.connect();
  int threads = limits.threads > 0 ? limits.threads : threads_;
  // external_threads may not exceed threads: raise threads first, lower it last.
  int current = limits_.threads > 0 ? limits_.threads : threads_;
  std::string t = std::to_string(threads);
  if (threads >= current) {
    conn->query("SET threads = " + t);
    conn->query("SET external_threads = " + t);
  } else {
    conn->query("SET external_threads = " + t);
    conn->query("SET threads = " + t);
  }
  assist_->resize(threads - 1);
  if (!limits.memory_limit.empty()) conn->query("SET memory_limit = '" + limits.memory_limit + "'");
  if (!limits.temp_limit.empty()) {
    conn->query("SET max_temp_directory_size = '" + limits.temp_limit + "'");
  }
  limits_ = limits;
}

ComputeLimits Warehouse::limits() const {
  std::lock_guard lock(limits_mutex_);
  return limits_;
}

void Warehouse::leave() {
  last_used_ms_.store(steady_ms(), std::memory_order_release);
  sessions_.fetch_sub(1, std::memory_order_acq_rel);
}

bool Warehouse::idle_for(std::chrono::milliseconds idle) const {
  return sessions() == 0 &&
         steady_ms() - last_used_ms_.load(std::memory_order_acquire) >= idle.count();
}

bool Warehouse::admit(int cap) {
  int n = sessions_.fetch_add(1, std::memory_order_acq_rel) + 1;
  if (cap > 0 && n > cap) {
    sessions_.fetch_sub(1, std::memory_order_acq_rel);
    return false;
  }
  return true;
}

void Warehouse::install_catalog() {
  // The PostgreSQL catalog emulation lives in the database itself, installed once per
  // catalog version, so sessions start without creating anything.
  auto conn = database_.connect();
  try {
    duck::Result r = conn->query("SELECT CAST(version AS VARCHAR) FROM duckgres_catalog.__version");
    duck::DataChunk c = r.fetch();
    if (c && c.size() == 1 && c.varchar(0, 0) == std::optional<std::string>(sql::kCatalogVersion)) return;
  } catch (const duck::DuckError&) {
    // Not installed yet.
  }
  conn->query("BEGIN TRANSACTION");
  try {
    conn->query(sql::catalog_install_sql());
    conn->query("COMMIT");
  } catch (...) {
    conn->query("ROLLBACK");
    throw;
  }
}

WarehouseRegistry::WarehouseRegistry(std::string data_dir, ComputeLimits limits,
                                     std::vector<std::string> readable_directories)
    : data_dir_(std::move(data_dir)),
      limits_(std::move(limits)),
      readable_directories_(std::move(readable_directories)) {}

bool WarehouseRegistry::valid_name(const std::string& name) {
  if (name.empty() || name.size() > 63) return false;
  for (char c : name) {
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-')) return false;
  }
  return true;
}

std::string WarehouseRegistry::path_of(const std::string& name) const {
  return data_dir_ + "/ducklings/" + name;
}

std::shared_ptr<Warehouse> WarehouseRegistry::create(const std::string& name) {
  return create(name, limits_);
}

std::shared_ptr<Warehouse> WarehouseRegistry::create(const std::string& name,
                                                     const ComputeLimits& limits) {
  if (!valid_name(name)) throw SqlError("42602", "invalid database name \"" + name + "\"");
  std::lock_guard lock(mutex_);
  if (auto it = open_.find(name); it != open_.end()) {
    it->second->apply(limits);
    return it->second;
  }
  fs::create_directories(path_of(name) + "/tmp");
  auto w = std::make_shared<Warehouse>(name, path_of(name), limits, readable_directories_);
  remove_stale_fifos(path_of(name));
  open_[name] = w;
  return w;
}

std::shared_ptr<Warehouse> WarehouseRegistry::find_open(const std::string& name) {
  std::lock_guard lock(mutex_);
  auto it = open_.find(name);
  return it == open_.end() ? nullptr : it->second;
}

void WarehouseRegistry::close(const std::string& name) {
  std::shared_ptr<Warehouse> w;
  {
    std::lock_guard lock(mutex_);
    if (auto it = open_.find(name); it != open_.end()) {
      w = std::move(it->second);
      open_.erase(it);
    }
  }
}

void WarehouseRegistry::destroy(const std::string& name) {
  if (!valid_name(name)) return;
  std::shared_ptr<Warehouse> w;
  {
    std::lock_guard lock(mutex_);
    if (auto it = open_.find(name); it != open_.end()) {
      w = std::move(it->second);
      open_.erase(it);
    }
  }
  w.reset();  // closes the database unless a session still holds it
  std::error_code ec;
  fs::remove_all(path_of(name), ec);
  if (ec) throw std::runtime_error("cannot remove " + path_of(name) + ": " + ec.message());
}

int WarehouseRegistry::retire_idle(std::chrono::milliseconds idle) {
  std::lock_guard lock(mutex_);
  int closed = 0;
  for (auto it = open_.begin(); it != open_.end();) {
    // Only the registry holds it: no session is on its way in (find() copies under this
    // lock). It closes under the lock too, so its file is never open twice.
    if (it->second.use_count() == 1 && it->second->idle_for(idle)) {
      it = open_.erase(it);
      ++closed;
    } else {
      ++it;
    }
  }
  return closed;
}

void WarehouseRegistry::set_limits_source(
    std::function<std::optional<ComputeLimits>(const std::string&)> source) {
  std::lock_guard lock(mutex_);
  limits_source_ = std::move(source);
}

ComputeLimits WarehouseRegistry::limits_for(const std::string& name) {
  if (limits_source_) {
    if (std::optional<ComputeLimits> l = limits_source_(name)) return *l;
  }
  return limits_;
}

std::shared_ptr<Warehouse> WarehouseRegistry::find(const std::string& name) {
  if (!valid_name(name)) return nullptr;
  std::lock_guard lock(mutex_);
  if (auto it = open_.find(name); it != open_.end()) return it->second;
  if (!fs::exists(path_of(name) + "/warehouse.duckdb")) return nullptr;
  fs::create_directories(path_of(name) + "/tmp");
  auto w =
      std::make_shared<Warehouse>(name, path_of(name), limits_for(name), readable_directories_);
  remove_stale_fifos(path_of(name));
  if (open_hook_) open_hook_(name, *w);
  open_[name] = w;
  return w;
}

void WarehouseRegistry::set_open_hook(std::function<void(const std::string&, Warehouse&)> hook) {
  std::lock_guard lock(mutex_);
  open_hook_ = std::move(hook);
}

void WarehouseRegistry::close_all() {
  std::lock_guard lock(mutex_);
  for (auto& [name, w] : open_) {
    try {
      w->connect()->query("CHECKPOINT");
    } catch (const std::exception&) {
      // A failed checkpoint leaves the WAL, which DuckDB replays on the next open.
    }
  }
  open_.clear();
}

}  // namespace ducklings::warehouse
