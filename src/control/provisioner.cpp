#include "control/provisioner.h"

#include <spdlog/spdlog.h>

#include <cstdlib>

#include "common/clock.h"
#include "sql/quoting.h"

namespace ducklings::control {

Provisioner::Provisioner(ConfigStore& store, warehouse::WarehouseRegistry& warehouses,
                         std::function<void(const std::string&)> end_sessions,
                         std::chrono::seconds idle_timeout)
    : store_(store),
      warehouses_(warehouses),
      end_sessions_(std::move(end_sessions)),
      idle_timeout_(idle_timeout) {}

Provisioner::~Provisioner() {
  stop();
}

void Provisioner::start() {
  thread_ = std::thread([this] {
    std::unique_lock lock(mutex_);
    while (!stop_) {
      lock.unlock();
      try {
        converge();
        if (idle_timeout_.count() > 0) {
          if (int n = warehouses_.retire_idle(idle_timeout_))
            spdlog::debug("closed {} idle duckling(s)", n);
        }
      } catch (const std::exception& e) {
        spdlog::error("provisioner: {}", e.what());
      }
      lock.lock();
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
  if (thread_.joinable()) thread_.join();
}

void Provisioner::wake() {
  {
    std::lock_guard lock(mutex_);
    woken_ = true;
  }
  wake_.notify_all();
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
  auto conn = w->connect();
  for (const Row& t : store_.query("SELECT schema_name FROM teams WHERE org_id = ?", {org_id})) {
    conn->query("CREATE SCHEMA IF NOT EXISTS " + sql::quote_identifier(*t[0]));
  }
  conn->query("CHECKPOINT");
}

int Provisioner::converge() {
  // Registry calls happen outside store transactions: sessions opening a warehouse ask the
  // store for its limits while holding the registry.
  auto rows = store_.query(
      "SELECT d.org_id, o.name, d.state, d.vcpus, d.memory_mb, d.temp_mb FROM ducklings d "
      "JOIN orgs o ON o.id = d.org_id WHERE d.state IN ('pending', 'provisioning', 'ready', "
      "'deleting')");
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
        if (auto w = warehouses_.find_open(name)) {
          if (w->limits() != limits) {
            w->apply(limits);
            spdlog::info("duckling '{}' scaled to {} vCPUs, {}", name, limits.threads,
                         limits.memory_limit);
          }
          auto conn = w->connect();
          for (const Row& t :
               store_.query("SELECT schema_name FROM teams WHERE org_id = ?", {org_id})) {
            conn->query("CREATE SCHEMA IF NOT EXISTS " + sql::quote_identifier(*t[0]));
          }
        }
      } else if (state == "deleting") {
        if (end_sessions_) end_sessions_(name);
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
