// A warehouse: one persistent DuckDB database file under the data dir, shared by its sessions.
#pragma once
#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "duck/duck.h"
#include "duck/task_assist.h"

namespace ducklings::warehouse {

// Compute limits applied to a warehouse's DuckDB instance.
struct ComputeLimits {
  int threads = 0;           // 0 = DuckDB's default (all cores)
  std::string memory_limit;  // empty = DuckDB's default
};

class Warehouse {
 public:
  Warehouse(std::string name, const std::string& directory, const ComputeLimits& limits);
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

 private:
  void install_catalog();
  std::string name_;
  std::string directory_;
  int threads_;
  duck::Database database_;
  std::unique_ptr<duck::TaskAssist> assist_;  // after database_: stops before it closes
  std::atomic<uint64_t> schema_generation_{0};
};

// Opens warehouses on first use and keeps them open; thread-safe.
class WarehouseRegistry {
 public:
  WarehouseRegistry(std::string data_dir, ComputeLimits limits);
  // Creates the warehouse's directory and database file if missing.
  std::shared_ptr<Warehouse> create(const std::string& name);
  // The warehouse named `name`, or nullptr when it does not exist.
  std::shared_ptr<Warehouse> find(const std::string& name);
  // Checkpoints and closes every open database (on shutdown, after sessions ended).
  void close_all();

  static bool valid_name(const std::string& name);

 private:
  std::string path_of(const std::string& name) const;
  std::string data_dir_;
  ComputeLimits limits_;
  std::mutex mutex_;
  std::map<std::string, std::shared_ptr<Warehouse>> open_;
};

}  // namespace ducklings::warehouse
