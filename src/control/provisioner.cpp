#include "control/provisioner.h"

#include <spdlog/spdlog.h>

#include <cstdlib>

#include "common/clock.h"
#include "ingest/posthog_schema.h"
#include "sql/quoting.h"

namespace ducklings::control {

Provisioner::Provisioner(ConfigStore& store, warehouse::WarehouseRegistry& warehouses,
                         std::function<void(const std::string&)> end_sessions,
                         std::chrono::seconds idle_timeout, WorkerFleet* fleet)
    : store_(store),
      warehouses_(warehouses),
      end_sessions_(std::move(end_sessions)),
      idle_timeout_(idle_timeout),
      fleet_(fleet) {}

Provisioner::~Provisioner() {
  stop();
}

void Provisioner::start() {
  {
    std::lock_guard lock(mutex_);
    started_ = true;
  }
  thread_ = std::thread([this] {
    std::unique_lock lock(mutex_);
    while (!stop_) {
      uint64_t pass = ++passes_begun_;
      lock.unlock();
      try {
        converge();
        if (idle_timeout_.count() > 0) {
          if (int n = warehouses_.retire_idle(idle_timeout_))
            spdlog::debug("closed {} idle duckling(s)", n);
          if (fleet_) {
            if (int n = fleet_->retire_idle(idle_timeout_))
              spdlog::info("retired {} idle worker(s)", n);
          }
        }
      } catch (const std::exception& e) {
        spdlog::error("provisioner: {}", e.what());
      }
      lock.lock();
      passes_done_ = pass;
      passed_.notify_all();
      // Changes arrive by wake(); the timer catches what another replica changed.
      wake_.wait_for(lock, std::chrono::seconds(2), [this] { return stop_ || woken_; });
      woken_ = false;
    }
  });
}

void Provisioner::stop() {
  {
    std::lock_guard lock(mutex_);
    stop_ = true;
  }
  wake_.notify_all();
  passed_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void Provisioner::wake() {
  {
    std::lock_guard lock(mutex_);
    woken_ = true;
  }
  wake_.notify_all();
}

void Provisioner::wake_and_wait(std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  if (!started_) return;
  // A pass under way may have read the records before the change: wait for the next one.
  uint64_t target = passes_begun_ + 1;
  woken_ = true;
  wake_.notify_all();
  passed_.wait_for(lock, timeout, [&] { return stop_ || passes_done_ >= target; });
}

warehouse::ComputeLimits Provisioner::limits_of(int vcpus, int64_t memory_mb, int64_t temp_mb) {
  return {vcpus, std::to_string(memory_mb) + "MB", std::to_string(temp_mb) + "MB"};
}

std::optional<warehouse::ComputeLimits> Provisioner::limits_for_database(
    const std::string& database) {
  auto rows = store_.query(
      "SELECT d.vcpus, d.memory_mb, d.temp_mb FROM ducklings d JOIN orgs o ON o.id = d.org_id "
      "WHERE o.name = ? AND d.state = 'ready'",
      {database});
  if (rows.empty()) return std::nullopt;
  return limits_of(std::stoi(*rows[0][0]), std::stoll(*rows[0][1]), std::stoll(*rows[0][2]));
}

std::optional<DucklingSpec> Provisioner::spec_for_database(const std::string& database) {
  std::optional<warehouse::ComputeLimits> limits = limits_for_database(database);
  if (!limits) return std::nullopt;
  return DucklingSpec{*limits, team_schemas(database)};
}

void Provisioner::set_state(const std::string& org_id, const std::string& state,
                            const std::string& message) {
  std::string now = iso_utc_now();
  if (state == "ready") {
    store_.execute(
        "UPDATE ducklings SET state = ?, status_message = ?, updated_at = ?, ready_at = ? WHERE "
        "org_id = ?",
        {state, message, now, now, org_id});
  } else {
    store_.execute(
        "UPDATE ducklings SET state = ?, status_message = ?, updated_at = ? WHERE org_id = ?",
        {state, message, now, org_id});
  }
}

void Provisioner::provision(const std::string& org_id, const std::string& name,
                            const warehouse::ComputeLimits& limits) {
  // Tests stretch provisioning to kill the control plane in the middle of it.
  if (const char* delay = std::getenv("DUCKGRES_TEST_PROVISION_DELAY_MS")) {
    std::this_thread::sleep_for(std::chrono::milliseconds(std::atoi(delay)));
  }
  // Opening creates the directory, the database file and the catalog; both are idempotent.
  auto w = warehouses_.create(name, limits);
  std::vector<std::string> schemas;
  for (const Row& t : store_.query(
           "SELECT schema_name FROM teams WHERE org_id = ? ORDER BY schema_name", {org_id})) {
    schemas.push_back(*t[0]);
  }
  ensure_schemas(name, *w, schemas);
  w->connect()->query("CHECKPOINT");
  if (fleet_) {
    // Its worker opens the file; DuckDB lets one process at a time have it.
    warehouses_.close(name);
    std::lock_guard lock(ensured_mutex_);
    ensured_.erase(name);
  }
}

void Provisioner::ensure_schemas(const std::string& name, warehouse::Warehouse& w,
                                 const std::vector<std::string>& schemas) {
  auto conn = w.connect();
  for (const std::string& schema : schemas) {
    conn->query(ingest::team_tables_sql(schema));  // the schema and its PostHog tables
  }
  std::lock_guard lock(ensured_mutex_);
  ensured_[name] = schemas;
}

std::vector<std::string> Provisioner::team_schemas(const std::string& database) {
  std::vector<std::string> schemas;
  for (const Row& t : store_.query(
           "SELECT t.schema_name FROM teams t JOIN orgs o ON o.id = t.org_id WHERE o.name = ? "
           "ORDER BY t.schema_name",
           {database})) {
    schemas.push_back(*t[0]);
  }
  return schemas;
}

void Provisioner::on_open(const std::string& database, warehouse::Warehouse& w) {
  try {
    ensure_schemas(database, w, team_schemas(database));
  } catch (const std::exception& e) {
    spdlog::error("duckling '{}': creating team schemas on open failed: {}", database, e.what());
  }
}

int Provisioner::converge() {
  // Registry calls happen outside store transactions: sessions opening a warehouse ask the
  // store for its limits while holding the registry.
  auto rows = store_.query(
      "SELECT d.org_id, o.name, d.state, d.vcpus, d.memory_mb, d.temp_mb FROM ducklings d "
      "JOIN orgs o ON o.id = d.org_id WHERE d.state IN ('pending', 'provisioning', 'ready', "
      "'deleting')");
  std::map<std::string, std::vector<std::string>> teams;  // schemas by org id, one query
  for (const Row& t :
       store_.query("SELECT org_id, schema_name FROM teams ORDER BY org_id, schema_name")) {
    teams[*t[0]].push_back(*t[1]);
  }
  int changed = 0;
  for (const Row& r : rows) {
    const std::string &org_id = *r[0], &name = *r[1], &state = *r[2];
    warehouse::ComputeLimits limits =
        limits_of(std::stoi(*r[3]), std::stoll(*r[4]), std::stoll(*r[5]));
    try {
      if (state == "pending" || state == "provisioning") {
        if (state == "pending")
          set_state(org_id, "provisioning", "creating its storage and database");
        provision(org_id, name, limits);
        set_state(org_id, "ready", "ready");
        spdlog::info("duckling '{}' is ready ({} vCPUs, {})", name, limits.threads,
                     limits.memory_limit);
        ++changed;
      } else if (state == "ready") {
        // New sizes and new teams' schemas reach an open warehouse here.
        if (fleet_) {
          fleet_->configure(name, {limits, teams[org_id]});
        } else if (auto w = warehouses_.find_open(name)) {
          if (w->limits() != limits) {
            w->apply(limits);
            spdlog::info("duckling '{}' scaled to {} vCPUs, {}", name, limits.threads,
                         limits.memory_limit);
          }
          // Only a changed set of teams costs DuckDB work; a closed warehouse gets its
          // schemas when it opens (on_open).
          const std::vector<std::string>& schemas = teams[org_id];
          bool known;
          {
            std::lock_guard lock(ensured_mutex_);
            auto it = ensured_.find(name);
            known = it != ensured_.end() && it->second == schemas;
          }
          if (!known) ensure_schemas(name, *w, schemas);
        }
      } else if (state == "deleting") {
        if (end_sessions_) end_sessions_(name);
        if (fleet_) fleet_->stop(name);
        warehouses_.destroy(name);
        set_state(org_id, "deleted", "deleted; its data is removed");
        spdlog::info("duckling '{}' deleted", name);
        ++changed;
      }
    } catch (const std::exception& e) {
      spdlog::error("duckling '{}': {} failed: {}", name, state, e.what());
      if (state != "ready") {
        set_state(org_id, state == "deleting" ? "deleting" : "failed",
                  std::string("failed: ") + e.what());
      }
    }
  }
  return changed;
}

}  // namespace ducklings::control
