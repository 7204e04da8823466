// Brings ducklings to the state their records ask for: provisions pending ones, applies new
// sizes, deletes those marked for deletion. Every step is idempotent and the state lives in
// the config store, so a control plane killed half-way resumes on restart.
#pragma once
#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "control/config_store.h"
#include "warehouse/warehouse.h"

namespace ducklings::control {

// What a duckling needs to run: its compute limits and its teams' schemas.
struct DucklingSpec {
  warehouse::ComputeLimits limits;
  std::vector<std::string> schemas;
  bool operator==(const DucklingSpec&) const = default;
};

// Ducklings hosted in worker processes (--isolation process); the provisioner reaches running
// ones here instead of through the in-process registry.
class WorkerFleet {
 public:
  virtual ~WorkerFleet() = default;
  // Brings `database`'s worker, if one runs, to `spec` (cheap when nothing changed).
  virtual void configure(const std::string& database, const DucklingSpec& spec) = 0;
  // Ends `database`'s worker at once (its duckling is deleted); returns once its files are
  // released.
  virtual void stop(const std::string& database) = 0;
  // Ends workers without sessions for `idle`; returns how many.
  virtual int retire_idle(std::chrono::milliseconds idle) = 0;
};

// Runs on its own thread; wake() after an API change for a prompt reaction.
class Provisioner {
 public:
  // `end_sessions` ends the sessions of a database that is being deleted.
  // Open ducklings idle for `idle_timeout` are closed (0 = never); they reopen on demand.
  Provisioner(ConfigStore& store, warehouse::WarehouseRegistry& warehouses,
              std::function<void(const std::string&)> end_sessions,
              std::chrono::seconds idle_timeout = std::chrono::seconds(0),
              WorkerFleet* fleet = nullptr);
  ~Provisioner();
  void start();
  void stop();
  void wake();
  // wake(), then waits (at most `timeout`) for a pass that began after the call to end.
  void wake_and_wait(std::chrono::milliseconds timeout);
  // One pass over every duckling (also what the thread runs); returns how many changed state.
  int converge();

  // The DuckDB limits of a duckling record.
  static warehouse::ComputeLimits limits_of(int vcpus, int64_t memory_mb, int64_t temp_mb);
  // Creates the team schemas of organization `database` in its just-opened warehouse (the
  // registry's open hook).
  void on_open(const std::string& database, warehouse::Warehouse& w);
  // Limits of the organization `database`'s duckling, for warehouses opened by a session.
  std::optional<warehouse::ComputeLimits> limits_for_database(const std::string& database);
  // Limits and schemas of the organization `database`'s ready duckling (for a new worker).
  std::optional<DucklingSpec> spec_for_database(const std::string& database);

 private:
  std::vector<std::string> team_schemas(const std::string& database);
  void set_state(const std::string& org_id, const std::string& state, const std::string& message);
  void provision(const std::string& org_id, const std::string& name,
                 const warehouse::ComputeLimits& limits);
  // CREATE SCHEMA IF NOT EXISTS for each of `schemas`; records them as made in the open
  // instance of `name`.
  void ensure_schemas(const std::string& name, warehouse::Warehouse& w,
                      const std::vector<std::string>& schemas);
  ConfigStore& store_;
  warehouse::WarehouseRegistry& warehouses_;
  std::function<void(const std::string&)> end_sessions_;
  std::chrono::seconds idle_timeout_;
  WorkerFleet* fleet_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool woken_ = false;
  bool started_ = false;
  uint64_t passes_begun_ = 0, passes_done_ = 0;  // the thread's passes, under mutex_
  std::condition_variable passed_;
  bool stop_ = false;
  std::thread thread_;
  std::mutex ensured_mutex_;
  std::map<std::string, std::vector<std::string>>
      ensured_;  // by duckling: schemas made in its open instance
};

}  // namespace ducklings::control
