#include "metering/usage.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <ctime>
#include <filesystem>
#include <stdexcept>

#include "common/clock.h"

namespace ducklings::metering {
namespace {

const char* unit_of(const std::string& meter) {
  if (meter == "compute_vcpu_seconds") return "vcpu_seconds";
  if (meter == "storage_byte_seconds") return "byte_seconds";
  if (meter == "query_seconds" || meter == "model_seconds") return "seconds";
  if (meter == "query_cpu_seconds") return "cpu_seconds";
  if (meter == "events_ingested") return "events";
  if (meter == "rows_ingested" || meter == "rows_synced") return "rows";
  if (meter == "api_calls") return "calls";
  if (meter == "publication_runs") return "runs";
  if (meter == "published_bytes") return "bytes";
  if (meter == "queries") return "statements";
  return "units";
}

uintmax_t directory_bytes(const std::string& dir) {
  std::error_code ec;
  uintmax_t total = 0;
  for (auto it = std::filesystem::recursive_directory_iterator(dir, ec);
       !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
    std::error_code size_ec;
    if (it->is_regular_file(size_ec)) {
      uintmax_t n = it->file_size(size_ec);
      if (!size_ec) total += n;
    }
  }
  return total;
}

}  // namespace

std::string UsageStore::hour_of(std::chrono::system_clock::time_point at) {
  std::time_t t = std::chrono::system_clock::to_time_t(at);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof(buf), "%Y-%m-%dT%H:00:00Z", &tm);
  return buf;
}

void UsageStore::upsert(const std::string& hour, const UsageRecord& r, bool add) {
  // Portable between SQLite and PostgreSQL: ON CONFLICT … DO UPDATE with excluded.
  store_.execute(
      std::string("INSERT INTO usage (hour, org, team, username, duckling, meter, size, quantity, "
                  "updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, CAST(? AS DOUBLE PRECISION), ?) ON "
                  "CONFLICT (hour, org, team, username, duckling, meter, size) DO UPDATE SET "
                  "quantity = ") +
          (add ? "usage.quantity + excluded.quantity" : "excluded.quantity") +
          ", updated_at = excluded.updated_at",
      {hour, r.org, r.team, r.user, r.duckling, r.meter, r.size, std::to_string(r.quantity),
       iso_utc_now()});
}

void UsageStore::add(const std::string& hour, const UsageRecord& r) {
  if (r.quantity != 0) upsert(hour, r, true);
}

void UsageStore::set(const std::string& hour, const UsageRecord& r) {
  upsert(hour, r, false);
}

nlohmann::json UsageStore::totals(const std::string& org, const std::string& from,
                                  const std::string& to, const std::vector<std::string>& group_by) {
  static const std::map<std::string, std::string> kColumns = {{"hour", "hour"},
                                                              {"team", "team"},
                                                              {"user", "username"},
                                                              {"duckling", "duckling"},
                                                              {"size", "size"}};
  std::string keys = "meter";
  std::vector<std::string> names = {"meter"};
  for (const std::string& g : group_by) {
    auto it = kColumns.find(g);
    if (it == kColumns.end()) {
      throw std::invalid_argument("\"group_by\" takes hour, team, user, duckling and size, not \"" +
                                  g + "\"");
    }
    if (std::find(names.begin(), names.end(), g) != names.end()) continue;
    keys += ", " + it->second;
    names.push_back(g);
  }
  auto rows =
      store_.query("SELECT " + keys +
                       ", SUM(quantity) FROM usage WHERE org = ? AND hour >= ? AND hour < ? "
                       "GROUP BY " +
                       keys + " ORDER BY " + keys,
                   {org, from, to});
  nlohmann::json out = nlohmann::json::array();
  for (const auto& row : rows) {
    nlohmann::json item;
    for (size_t i = 0; i < names.size(); ++i) {
      item[names[i]] = row[i] && !row[i]->empty() ? nlohmann::json(*row[i]) : nullptr;
    }
    item["quantity"] = row.back() ? std::stod(*row.back()) : 0.0;
    item["unit"] = unit_of(item["meter"].get<std::string>());
    out.push_back(std::move(item));
  }
  return out;
}

std::vector<UsageTotal> UsageStore::meter_totals(const std::string& org, const std::string& from,
                                                 const std::string& to) {
  auto rows = store_.query(
      "SELECT meter, size, SUM(quantity) FROM usage WHERE org = ? AND hour >= ? AND hour < ? "
      "GROUP BY meter, size ORDER BY meter, size",
      {org, from, to});
  std::vector<UsageTotal> out;
  for (const auto& row : rows) {
    out.push_back({row[0].value_or(""), row[1].value_or(""), row[2] ? std::stod(*row[2]) : 0.0});
  }
  return out;
}

UsageCollector::UsageCollector(UsageStore& store, UsageSources sources,
                               std::chrono::milliseconds interval)
    : store_(store),
      sources_(std::move(sources)),
      interval_(interval),
      last_(std::chrono::steady_clock::now()) {}

UsageCollector::~UsageCollector() {
  stop();
}

void UsageCollector::start() {
  thread_.start(interval_, [this] { collect_once(); });
}

void UsageCollector::stop() {
  thread_.stop();
}

void UsageCollector::collect_once() {
  std::lock_guard pass(pass_mutex_);
  auto now_steady = std::chrono::steady_clock::now();
  double seconds = std::chrono::duration<double>(now_steady - last_).count();
  last_ = now_steady;
  auto now = std::chrono::system_clock::now();
  std::string hour = UsageStore::hour_of(now);
  std::string previous = UsageStore::hour_of(now - std::chrono::hours(1));
  try {
    std::vector<UsageSources::Duckling> ducklings;
    if (sources_.ducklings) ducklings = sources_.ducklings();
    for (const auto& d : ducklings) {
      if (d.warm) {
        store_.add(hour, {d.org, "", "", d.org, "compute_vcpu_seconds", d.size, d.vcpus * seconds});
      }
      store_.add(hour, {d.org, "", "", d.org, "storage_byte_seconds", "",
                        static_cast<double>(directory_bytes(d.directory)) * seconds});
      // A cold duckling ran no statements since its last pass (reading its log would open it).
      bool was_warm = warm_before_[d.org];
      warm_before_[d.org] = d.warm;
      if ((!d.warm && !was_warm) || !sources_.query_usage) continue;
      // The query log's last two hours, recomputed: the same rows give the same records.
      for (const auto& row : sources_.query_usage(d.org, previous)) {
        if (row.size() < 5) continue;
        store_.set(row[0], {d.org, row[1], row[2], d.org, "queries", "", std::stod(row[3])});
        store_.set(row[0], {d.org, row[1], row[2], d.org, "query_seconds", "", std::stod(row[4])});
        if (row.size() > 5) {
          store_.set(row[0],
                     {d.org, row[1], row[2], d.org, "query_cpu_seconds", "", std::stod(row[5])});
        }
      }
    }
    if (sources_.take_events) {
      for (const auto& [key, n] : sources_.take_events()) {
        store_.add(hour, {key.first, key.second, "", key.first, "events_ingested", "",
                          static_cast<double>(n)});
      }
    }
    if (sources_.take_rows) {
      for (const auto& [key, n] : sources_.take_rows()) {
        store_.add(hour, {key.first, key.second, "", key.first, "rows_ingested", "",
                          static_cast<double>(n)});
      }
    }
    if (sources_.take_synced_rows) {
      for (const auto& [key, n] : sources_.take_synced_rows()) {
        store_.add(hour, {key.first, key.second, "", key.first, "rows_synced", "",
                          static_cast<double>(n)});
      }
    }
    if (sources_.take_model_seconds) {
      for (const auto& [key, seconds] : sources_.take_model_seconds()) {
        const auto& [org, team, model] = key;
        store_.add(hour, {org, team, "model:" + model, org, "model_seconds", "", seconds});
      }
    }
    if (sources_.take_publications) {
      for (const auto& [key, usage] : sources_.take_publications()) {
        const auto& [org, team, publication] = key;
        store_.add(hour, {org, team, "publication:" + publication, org, "publication_runs", "",
                          static_cast<double>(usage.first)});
        if (usage.second > 0) {
          store_.add(hour, {org, team, "publication:" + publication, org, "published_bytes", "",
                            static_cast<double>(usage.second)});
        }
      }
    }
    if (sources_.take_api_calls) {
      for (const auto& [org, n] : sources_.take_api_calls()) {
        store_.add(hour, {org, "", "", org, "api_calls", "", static_cast<double>(n)});
      }
    }
  } catch (const std::exception& e) {
    spdlog::warn("usage: {}", e.what());
  }
}

}  // namespace ducklings::metering
