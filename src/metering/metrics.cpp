#include "metering/metrics.h"

#include <fmt/format.h>

#include <stdexcept>

namespace ducklings::metering {
namespace {

constexpr size_t kMaxOrgLabels = 500;  // past this many organizations, "other"

std::string escape_label(const std::string& v) {
  std::string out;
  out.reserve(v.size());
  for (char c : v) {
    if (c == '\\')
      out += "\\\\";
    else if (c == '"')
      out += "\\\"";
    else if (c == '\n')
      out += "\\n";
    else
      out.push_back(c);
  }
  return out;
}

std::string label_text(const Labels& labels, const std::string& extra_key = "",
                       const std::string& extra_value = "") {
  if (labels.empty() && extra_key.empty()) return "";
  std::string out = "{";
  bool first = true;
  for (const auto& [k, v] : labels) {
    if (!first) out.push_back(',');
    first = false;
    out += k + "=\"" + escape_label(v) + "\"";
  }
  if (!extra_key.empty()) {
    if (!first) out.push_back(',');
    out += extra_key + "=\"" + extra_value + "\"";
  }
  return out + "}";
}

std::string number(double v) {
  if (v == static_cast<double>(static_cast<int64_t>(v)) && v < 9e15 && v > -9e15)
    return std::to_string(static_cast<int64_t>(v));
  return fmt::format("{}", v);
}

const char* type_name(Metrics::Type t) {
  switch (t) {
    case Metrics::Type::kCounter:
      return "counter";
    case Metrics::Type::kGauge:
      return "gauge";
    case Metrics::Type::kHistogram:
      return "histogram";
  }
  return "untyped";
}

}  // namespace

Metrics& Metrics::global() {
  static Metrics* m = [] {
    auto* r = new Metrics();  // never destroyed: sessions may record while the process exits
    declare_standard_metrics(*r);
    return r;
  }();
  return *m;
}

const std::vector<double>& Metrics::duration_buckets() {
  static const std::vector<double> b = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25,
                                        0.5,   1,      2.5,   5,    10,    30,   60,  300};
  return b;
}

void Metrics::declare(const std::string& name, Type type, const std::string& help,
                      std::vector<double> buckets) {
  std::lock_guard lock(mutex_);
  Family& f = families_[name];
  f.type = type;
  f.help = help;
  f.bounds = std::move(buckets);
}

Metrics::Series& Metrics::series_locked(const std::string& name, const Labels& labels, Type type) {
  auto it = families_.find(name);
  if (it == families_.end()) {  // undeclared (a module used without its server): no help text
    it = families_.emplace(name, Family{}).first;
    it->second.type = type;
    if (type == Type::kHistogram) it->second.bounds = duration_buckets();
  }
  if (it->second.type != type)
    throw std::logic_error("metric " + name + " is not declared as " + type_name(type));
  Series& s = it->second.series[labels];
  if (type == Type::kHistogram && s.buckets.empty()) s.buckets.assign(it->second.bounds.size(), 0);
  return s;
}

void Metrics::add(const std::string& name, const Labels& labels, double value) {
  std::lock_guard lock(mutex_);
  series_locked(name, labels, Type::kCounter).value += value;
}

void Metrics::set(const std::string& name, const Labels& labels, double value) {
  std::lock_guard lock(mutex_);
  auto it = families_.find(name);
  // A counter kept elsewhere (an atomic total) is set from it at scrape time too.
  Type type =
      it != families_.end() && it->second.type == Type::kCounter ? Type::kCounter : Type::kGauge;
  series_locked(name, labels, type).value = value;
}

void Metrics::observe(const std::string& name, const Labels& labels, double value) {
  std::lock_guard lock(mutex_);
  Series& s = series_locked(name, labels, Type::kHistogram);
  const std::vector<double>& bounds = families_[name].bounds;
  for (size_t i = 0; i < bounds.size(); ++i) {
    if (value <= bounds[i]) ++s.buckets[i];
  }
  s.sum += value;
  ++s.count;
}

void Metrics::add_collector(std::function<void(Metrics&)> collect) {
  std::lock_guard lock(mutex_);
  collectors_.push_back(std::move(collect));
}

std::string Metrics::org_label(const std::string& org) {
  std::lock_guard lock(mutex_);
  if (orgs_.count(org)) return org;
  if (orgs_.size() >= kMaxOrgLabels) return "other";
  orgs_[org] = true;
  return org;
}

void Metrics::fold(std::map<std::string, Family>& into, const std::map<std::string, Family>& from,
                   bool gauges) {
  for (const auto& [name, f] : from) {
    if (f.type == Type::kGauge && !gauges) continue;
    auto [it, fresh] = into.try_emplace(name);
    Family& to = it->second;
    if (fresh) {
      to.type = f.type;
      to.help = f.help;
      to.bounds = f.bounds;
    }
    if (to.type != f.type || to.bounds != f.bounds) continue;  // another version's shape
    for (const auto& [labels, s] : f.series) {
      Series& t = to.series[labels];
      t.value += s.value;
      if (t.buckets.size() < s.buckets.size()) t.buckets.resize(s.buckets.size(), 0);
      for (size_t i = 0; i < s.buckets.size(); ++i) t.buckets[i] += s.buckets[i];
      t.sum += s.sum;
      t.count += s.count;
    }
  }
}

std::string Metrics::exposition() {
  std::vector<std::function<void(Metrics&)>> collectors;
  {
    std::lock_guard lock(mutex_);
    collectors = collectors_;
  }
  for (auto& c : collectors) c(*this);
  std::map<std::string, Family> all;
  {
    std::lock_guard lock(mutex_);
    all = families_;
    for (const auto& [source, remote] : remote_) fold(all, remote.families, true);
    fold(all, retired_, false);
  }
  std::string out;
  for (const auto& [name, f] : all) {
    out += "# HELP " + name + " " + f.help + "\n# TYPE " + name + " " + type_name(f.type) + "\n";
    for (const auto& [labels, s] : f.series) {
      if (f.type != Type::kHistogram) {
        out += name + label_text(labels) + " " + number(s.value) + "\n";
        continue;
      }
      for (size_t i = 0; i < f.bounds.size(); ++i) {
        out += name + "_bucket" + label_text(labels, "le", number(f.bounds[i])) + " " +
               std::to_string(i < s.buckets.size() ? s.buckets[i] : 0) + "\n";
      }
      out += name + "_bucket" + label_text(labels, "le", "+Inf") + " " + std::to_string(s.count) +
             "\n";
      out += name + "_sum" + label_text(labels) + " " + number(s.sum) + "\n";
      out += name + "_count" + label_text(labels) + " " + std::to_string(s.count) + "\n";
    }
  }
  return out;
}

nlohmann::json Metrics::to_json(const std::map<std::string, Family>& families) {
  nlohmann::json out = nlohmann::json::object();
  for (const auto& [name, f] : families) {
    nlohmann::json series = nlohmann::json::array();
    for (const auto& [labels, s] : f.series) {
      series.push_back({{"labels", labels},
                        {"value", s.value},
                        {"buckets", s.buckets},
                        {"sum", s.sum},
                        {"count", s.count}});
    }
    out[name] = {{"type", static_cast<int>(f.type)},
                 {"help", f.help},
                 {"bounds", f.bounds},
                 {"series", series}};
  }
  return out;
}

std::map<std::string, Metrics::Family> Metrics::from_json(const nlohmann::json& j) {
  std::map<std::string, Family> out;
  for (const auto& [name, f] : j.items()) {
    Family fam;
    int type = f.at("type").get<int>();
    if (type < 0 || type > 2) continue;
    fam.type = static_cast<Type>(type);
    fam.help = f.at("help").get<std::string>();
    fam.bounds = f.at("bounds").get<std::vector<double>>();
    for (const auto& s : f.at("series")) {
      Series series;
      series.value = s.at("value").get<double>();
      series.buckets = s.at("buckets").get<std::vector<uint64_t>>();
      series.sum = s.at("sum").get<double>();
      series.count = s.at("count").get<uint64_t>();
      fam.series[s.at("labels").get<Labels>()] = std::move(series);
    }
    out[name] = std::move(fam);
  }
  return out;
}

nlohmann::json Metrics::snapshot() {
  std::vector<std::function<void(Metrics&)>> collectors;
  {
    std::lock_guard lock(mutex_);
    collectors = collectors_;
  }
  for (auto& c : collectors) c(*this);
  std::lock_guard lock(mutex_);
  return to_json(families_);
}

void Metrics::merge_remote(const std::string& source, const std::string& pid,
                           const nlohmann::json& snapshot) {
  auto fams = from_json(snapshot);  // throws on a malformed snapshot, before anything changes
  std::lock_guard lock(mutex_);
  Remote& r = remote_[source];
  if (!r.pid.empty() && r.pid != pid) fold(retired_, r.families, false);
  r.pid = pid;
  r.families = std::move(fams);
}

void Metrics::clear_collectors() {
  std::lock_guard lock(mutex_);
  collectors_.clear();
}

void declare_standard_metrics(Metrics& m) {
  using T = Metrics::Type;
  m.declare("duckgres_queries_total", T::kCounter,
            "Statements run, by organization (database) and status (ok, error, canceled).");
  m.declare("duckgres_query_duration_seconds", T::kHistogram,
            "Statement duration from its message to its last row, by organization.",
            Metrics::duration_buckets());
  m.declare("duckgres_query_rows_total", T::kCounter,
            "Rows returned or changed by statements, by organization.");
  m.declare("duckgres_query_log_dropped_total", T::kCounter,
            "Query log records dropped because the writer fell behind.");
  m.declare("duckgres_connections_total", T::kCounter, "Client connections accepted.");
  m.declare("duckgres_http_requests_total", T::kCounter,
            "HTTP requests, by route (api, capture, metrics, health, other) and status class.");
  m.declare("duckgres_admission_rejects_total", T::kCounter,
            "Sessions refused with 53300 (a connection cap of the duckling or of the server).");
}

void declare_server_metrics(Metrics& m) {
  using T = Metrics::Type;
  m.declare("duckgres_connections_open", T::kGauge,
            "Client sessions open on the server (relayed ones included).");
  m.declare("duckgres_auth_failures_total", T::kCounter, "Failed logins.");
  m.declare("duckgres_auth_bans_total", T::kCounter,
            "Addresses and users refused after too many failed logins.");
  m.declare("duckgres_auth_refusals_total", T::kCounter,
            "Logins refused before authentication, by reason (banned, address_cap).");
  m.declare("duckgres_workers_active", T::kGauge, "Worker processes hosting ducklings.");
  m.declare("duckgres_worker_spawn_seconds", T::kHistogram,
            "Time from spawning a worker to its accepting sessions.", Metrics::duration_buckets());
  m.declare("duckgres_worker_crashes_total", T::kCounter,
            "Workers that ended without being asked to.");
  m.declare("duckgres_ingest_events_total", T::kCounter,
            "Captured events, by result (stored in the event log, rejected as invalid).");
  m.declare("duckgres_ingest_files_applied_total", T::kCounter,
            "Event-log files applied to their team's events table.");
  m.declare("duckgres_ingest_apply_errors_total", T::kCounter,
            "Failed attempts to apply an event-log file (retried, or quarantined after several).");
  m.declare("duckgres_ingest_quarantined_files_total", T::kCounter,
            "Event-log files quarantined by this process (could not be applied; kept on disk), "
            "by organization and team schema.");
  m.declare("duckgres_ingest_quarantined_files", T::kGauge,
            "Event-log files in quarantine now, by organization and team schema.");
  m.declare("duckgres_storage_objects_read_total", T::kCounter,
            "Storage objects SQL read (s3://…), by organization and how: hit (the duckling's "
            "cached copy, its ETag unchanged) or download.");
  m.declare("duckgres_storage_read_bytes_total", T::kCounter,
            "Bytes downloaded from organizations' storages for SQL and bootstrap.");
  m.declare("duckgres_storage_written_objects_total", T::kCounter,
            "Objects COPY … TO 's3://…' uploaded, by organization.");
  m.declare("duckgres_storage_written_bytes_total", T::kCounter,
            "Bytes COPY … TO 's3://…' uploaded, by organization.");
  m.declare("duckgres_storage_cache_bytes", T::kGauge,
            "Bytes of storage objects' local copies a duckling keeps (--storage-cache-mb caps it).");
  m.declare("duckgres_ingest_event_times_corrected_total", T::kCounter,
            "Captured events stored with another time than the one sent, by reason (unparseable "
            "and future: the time of receipt; out_of_range: the epoch).");
}

}  // namespace ducklings::metering
