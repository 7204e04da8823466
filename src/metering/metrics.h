// Prometheus metrics of one process: counters, gauges and histograms with labels, exposed in
// the text format (version 0.0.4) at the HTTP port's /metrics. Workers (--isolation process)
// keep their own registry and send its snapshot to the server, which adds it to its own
// exposition; counters of a worker that ended are kept, so totals never go back.
// Thread-safe: every call takes the registry's lock (a few map lookups per statement).
#pragma once
#include <functional>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

namespace ducklings::metering {

using Labels = std::vector<std::pair<std::string, std::string>>;

class Metrics {
 public:
  enum class Type { kCounter, kGauge, kHistogram };
  // The process's registry.
  static Metrics& global();

  // Declares a family (name, help, buckets); an undeclared name is declared on first use.
  void declare(const std::string& name, Type type, const std::string& help,
               std::vector<double> buckets = {});
  void add(const std::string& name, const Labels& labels, double value = 1);  // counter
  // A gauge, or a counter whose total is kept elsewhere.
  void set(const std::string& name, const Labels& labels, double value);
  void observe(const std::string& name, const Labels& labels, double value);  // histogram
  // Called at every scrape before the text is made (gauges read from elsewhere).
  void add_collector(std::function<void(Metrics&)> collect);

  // The text exposition: this process's series plus every remote snapshot.
  std::string exposition();
  // This process's series, to be sent to the server.
  nlohmann::json snapshot();
  // The latest snapshot of the worker `pid` hosting `source` (its database). A snapshot from
  // another pid means the earlier worker ended: its counters and histograms are kept as
  // retired totals, its gauges dropped.
  void merge_remote(const std::string& source, const std::string& pid,
                    const nlohmann::json& snapshot);
  void clear_collectors();

  // An organization's name as a label value, or "other" past a bound (label cardinality).
  std::string org_label(const std::string& org);

  static const std::vector<double>& duration_buckets();  // seconds, 1 ms .. 5 min

 private:
  struct Series {
    double value = 0;               // counter, gauge
    std::vector<uint64_t> buckets;  // histogram: cumulative counts per bound
    double sum = 0;
    uint64_t count = 0;
  };
  struct Family {
    Type type = Type::kCounter;
    std::string help;
    std::vector<double> bounds;
    std::map<Labels, Series> series;
  };
  Series& series_locked(const std::string& name, const Labels& labels, Type type);
  static void fold(std::map<std::string, Family>& into, const std::map<std::string, Family>& from,
                   bool gauges);
  static nlohmann::json to_json(const std::map<std::string, Family>& families);
  static std::map<std::string, Family> from_json(const nlohmann::json& j);

  std::mutex mutex_;
  std::map<std::string, Family> families_;
  struct Remote {
    std::string pid;
    std::map<std::string, Family> families;
  };
  std::map<std::string, Remote> remote_;   // by source
  std::map<std::string, Family> retired_;  // counters of ended sources
  std::vector<std::function<void(Metrics&)>> collectors_;
  std::map<std::string, bool> orgs_;  // label values handed out
};

// The families every process declares (queries, sessions); the server declares its own too.
void declare_standard_metrics(Metrics& m);
void declare_server_metrics(Metrics& m);

}  // namespace ducklings::metering
