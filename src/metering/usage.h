// Usage metering: durable records of what each organization used, by hour, in the config
// store (table usage, migration 4), attributed to team, user and duckling where known.
//
// Meters (raw units):
//   compute_vcpu_seconds   a warm duckling's allotment (vCPUs × seconds warm), by size
//   storage_byte_seconds   bytes of the duckling's files × seconds (sampled)
//   events_ingested        events captured for a team
//   rows_ingested          rows a bootstrap job loaded for a team
//   rows_synced            rows a source's sync landed for a team (sources/)
//   model_seconds          seconds a team's models took to build (modeling/), attributed
//                          to the user "model:<name>"
//   publication_runs       runs of a team's golden-table publications (publish/), and
//   published_bytes        the bytes they wrote; both attributed to "publication:<name>"
//   api_calls              API requests naming the organization
//   queries, query_seconds, query_cpu_seconds
//                          statements, their duration and DuckDB's CPU time for them, from
//                          the duckling's query log, by team and user
//
// Sampled meters are added to their hour; meters read from the query log are recomputed for
// the current and the previous hour and replace what was there, so running the collector
// again never counts twice. A UsageCollector thread does both every `interval`.
#pragma once
#include <chrono>
#include <functional>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <tuple>
#include <vector>

#include "common/periodic.h"
#include "control/config_store.h"
#include "metering/pricing.h"

namespace ducklings::metering {

struct UsageRecord {
  std::string org, team, user, duckling, meter, size;
  double quantity = 0;
};

class UsageStore {
 public:
  explicit UsageStore(control::ConfigStore& store) : store_(store) {}
  // The hour `at` falls in, as "2026-12-01T20:00:00Z".
  static std::string hour_of(std::chrono::system_clock::time_point at);
  void add(const std::string& hour, const UsageRecord& r);  // sampled meters
  void set(const std::string& hour, const UsageRecord& r);  // recomputed meters
  // Sums over hours in [from, to) (ISO-8601 UTC hours), grouped by meter and by each of
  // `group_by` (hour, team, user, duckling, size); throws std::invalid_argument for others.
  nlohmann::json totals(const std::string& org, const std::string& from, const std::string& to,
                        const std::vector<std::string>& group_by);
  // Per meter and size, for an invoice.
  std::vector<UsageTotal> meter_totals(const std::string& org, const std::string& from,
                                       const std::string& to);

 private:
  void upsert(const std::string& hour, const UsageRecord& r, bool add);
  control::ConfigStore& store_;
};

// Where the collector reads what it records; every source may be empty.
struct UsageSources {
  struct Duckling {
    std::string org, size, directory;
    int vcpus = 0;
    bool warm = false;  // open (in-process) or its worker running
  };
  std::function<std::vector<Duckling>()> ducklings;
  // Rows (hour, team, user, queries, seconds, CPU seconds) of the org's query log since
  // `since` (ISO).
  std::function<std::vector<std::vector<std::string>>(const std::string& org,
                                                      const std::string& since)>
      query_usage;
  // Counts since the last call: events by (org, team schema); API calls by org.
  std::function<std::map<std::pair<std::string, std::string>, uint64_t>()> take_events;
  std::function<std::map<std::string, uint64_t>()> take_api_calls;
  // Rows bootstrapped since the last call, by (org, team schema).
  std::function<std::map<std::pair<std::string, std::string>, uint64_t>()> take_rows;
  // Rows sources landed since the last call, by (org, team schema).
  std::function<std::map<std::pair<std::string, std::string>, uint64_t>()> take_synced_rows;
  // Seconds models built since the last call, by (org, team schema, model).
  std::function<std::map<std::tuple<std::string, std::string, std::string>, double>()> take_model_seconds;
  // Publication runs and bytes published since the last call, by (org, team schema, publication).
  std::function<std::map<std::tuple<std::string, std::string, std::string>, std::pair<uint64_t, uint64_t>>()>
      take_publications;
};

class UsageCollector {
 public:
  UsageCollector(UsageStore& store, UsageSources sources, std::chrono::milliseconds interval);
  ~UsageCollector();
  void start();
  void stop();
  void collect_once();  // one pass (tests, shutdown)

 private:
  UsageStore& store_;
  UsageSources sources_;
  std::chrono::milliseconds interval_;
  std::chrono::steady_clock::time_point last_;
  std::map<std::string, bool> warm_before_;  // by org, at the last pass
  std::mutex pass_mutex_;
  PeriodicThread thread_;
};

}  // namespace ducklings::metering
