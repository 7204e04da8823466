// A warehouse: one persistent DuckDB database file under the data dir, shared by its sessions.
#pragma once
#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "duck/duck.h"
#include "duck/task_assist.h"

namespace ducklings::warehouse {

// Compute limits applied to a warehouse's DuckDB instance.
struct ComputeLimits {
  int threads = 0;           // 0 = DuckDB's default (all cores)
  std::string memory_limit;  // empty = DuckDB's default
  std::string temp_limit;    // max_temp_directory_size; empty = DuckDB's default
  bool operator==(const ComputeLimits&) const = default;
};

// What SQL may ask of the process's sessions, answered by the server's session registry
// (pgwire sets it; until then there are none). Every warehouse registers it as the functions
// duckgres_activity(database) (a JSON array, read by pg_stat_activity) and
// duckgres_signal_backend(database, pid, caller_pid, action) (pg_cancel_backend and
// pg_terminate_backend), which the catalog's views and macros call.
struct SessionDirectory {
  std::function<std::string(const std::string& database)> activity_json;
  // true when a session `pid` of `database` was signalled; throws when `caller` may not.
  std::function<bool(const std::string& database, int32_t pid, int32_t caller,
                     const std::string& action)>
      signal;
};
void set_session_directory(SessionDirectory directory);
// Registers those functions in `connection`'s database (before the catalog is installed).
void register_session_functions(duck::Connection& connection);

// Functions a module above this one adds to every warehouse opened after the call (the
// ingest module's file readers): given a connection and the warehouse's readable directories.
// Called once at start-up, before any warehouse opens.
using FunctionRegistrar = std::function<void(duck::Connection& connection,
                                             const std::vector<std::string>& readable_directories)>;
void add_function_registrar(FunctionRegistrar registrar);

class Warehouse {
 public:
  Warehouse(std::string name, const std::string& directory, const ComputeLimits& limits,
            const std::vector<std::string>& readable_directories = {});
  const std::string& name() const { return name_; }
  const std::string& directory() const { return directory_; }
  // A new connection for one session.
  std::unique_ptr<duck::Connection> connect() { return database_.connect(); }
  // Sessions mark the queries they run, so longer ones get the other threads (see TaskAssist).
  duck::TaskAssist* assist() { return assist_.get(); }
  // Bumped whenever a session changes the schema (DDL), so per-session caches of catalog
  // facts know to look again.
  uint64_t schema_generation() const { return schema_generation_.load(std::memory_order_acquire); }
  void schema_changed() { schema_generation_.fetch_add(1, std::memory_order_acq_rel); }
  // Bumped when roles, memberships or grants change, so sessions reload what they may do.
  uint64_t auth_generation() const { return auth_generation_.load(std::memory_order_acquire); }
  // Bumped after data may have changed (a write statement ended, a transaction ended): DuckDB
  // plans with the statistics of their time (a filter over an empty table is planned as no
  // rows), so a prepared statement older than the last change is prepared again.
  uint64_t data_generation() const { return data_generation_.load(std::memory_order_acquire); }
  void data_changed() { data_generation_.fetch_add(1, std::memory_order_acq_rel); }
  void auth_changed() { auth_generation_.fetch_add(1, std::memory_order_acq_rel); }
  // Applies a new compute size to the running instance; sessions keep running.
  void apply(const ComputeLimits& limits);
  ComputeLimits limits() const;
  // Sessions count themselves in and out; admit() refuses past `cap` (0 = no cap).
  bool admit(int cap);
  void leave();
  // Whether no session has used it for `idle` (sessions that merely hold it count as use).
  bool idle_for(std::chrono::milliseconds idle) const;
  int sessions() const { return sessions_.load(std::memory_order_acquire); }

 private:
  void install_catalog();
  void sandbox(const std::vector<std::string>& readable_directories);
  std::string name_;
  std::string directory_;
  int threads_;
  mutable std::mutex limits_mutex_;
  ComputeLimits limits_;
  std::atomic<int> sessions_{0};
  std::atomic<int64_t> last_used_ms_;  // steady clock, when the last session left
  duck::Database database_;
  std::unique_ptr<duck::TaskAssist> assist_;  // after database_: stops before it closes
  std::atomic<uint64_t> schema_generation_{0};
  std::atomic<uint64_t> auth_generation_{0};
  std::atomic<uint64_t> data_generation_{0};
};

// Opens warehouses on first use and keeps them open; thread-safe.
class WarehouseRegistry {
 public:
  // `readable_directories`: what an operator lets sessions read files from (the sandbox).
  WarehouseRegistry(std::string data_dir, ComputeLimits limits,
                    std::vector<std::string> readable_directories = {});
  // Creates the warehouse's directory and database file if missing.
  std::shared_ptr<Warehouse> create(const std::string& name);
  std::shared_ptr<Warehouse> create(const std::string& name, const ComputeLimits& limits);
  // The warehouse named `name`, or nullptr when it does not exist.
  std::shared_ptr<Warehouse> find(const std::string& name);
  // The open warehouse named `name`, without opening it.
  std::shared_ptr<Warehouse> find_open(const std::string& name);
  // Forgets the open `name`: its file closes when the last holder lets it go (a worker
  // process is about to open it).
  void close(const std::string& name);
  // Closes `name` (sessions still holding it keep it alive until they end) and deletes its
  // directory.
  void destroy(const std::string& name);
  // Closes open warehouses no session holds that have been idle for `idle` (they reopen on
  // the next session: a cold start). Returns how many were closed.
  int retire_idle(std::chrono::milliseconds idle);
  // Runs after find() opens a warehouse (e.g. to create schemas recorded while it was closed).
  void set_open_hook(std::function<void(const std::string&, Warehouse&)> hook);
  // Where a warehouse opened by find() gets its limits (the control plane's sizes); the
  // registry's defaults when unset or when it answers nothing.
  void set_limits_source(std::function<std::optional<ComputeLimits>(const std::string&)> source);
  // Checkpoints and closes every open database (on shutdown, after sessions ended).
  void close_all();

  static bool valid_name(const std::string& name);

 private:
  std::string path_of(const std::string& name) const;
  ComputeLimits limits_for(const std::string& name);
  std::function<std::optional<ComputeLimits>(const std::string&)> limits_source_;
  std::function<void(const std::string&, Warehouse&)> open_hook_;
  std::string data_dir_;
  ComputeLimits limits_;
  std::vector<std::string> readable_directories_;
  std::mutex mutex_;
  std::map<std::string, std::shared_ptr<Warehouse>> open_;
};

}  // namespace ducklings::warehouse
