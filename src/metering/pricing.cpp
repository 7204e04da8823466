#include "metering/pricing.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <set>
#include <stdexcept>

namespace ducklings::metering {
namespace {

// What a usage meter's raw unit measures, so a scheme cannot price vCPU-seconds per GB.
enum class Measure { kSeconds, kByteSeconds, kBytes, kCount, kAny };

struct MeterInfo {
  const char* name;
  const char* label;
  Measure measure;
};

constexpr MeterInfo kMeters[] = {
    {"compute_vcpu_seconds", "Compute", Measure::kSeconds},
    {"query_cpu_seconds", "Query CPU", Measure::kSeconds},
    {"storage_byte_seconds", "Storage", Measure::kByteSeconds},
    {"events_ingested", "Events ingested", Measure::kCount},
    {"rows_synced", "Rows synced from sources", Measure::kCount},
    {"model_seconds", "Model runs", Measure::kSeconds},
    {"api_calls", "API calls", Measure::kCount},
    {"export_bytes", "Data exported", Measure::kBytes},
    {"publication_runs", "Golden-table publications", Measure::kCount},
    {"published_bytes", "Golden tables published", Measure::kBytes},
};

struct UnitInfo {
  const char* name;
  const char* plural;
  Measure measure;
  double usage_per_unit;
};

// A billing month is 730 hours (8760 / 12), as cloud storage prices are quoted.
constexpr double kSecondsPerMonth = 730.0 * 3600.0;

constexpr UnitInfo kUnits[] = {
    {"vcpu_hour", "vCPU-hours", Measure::kSeconds, 3600.0},
    {"cpu_hour", "CPU-hours", Measure::kSeconds, 3600.0},
    {"gb_month", "GB-months", Measure::kByteSeconds, 1e9 * kSecondsPerMonth},
    {"gb", "GB", Measure::kBytes, 1e9},
    {"million", "millions", Measure::kCount, 1e6},
    {"thousand", "thousands", Measure::kCount, 1e3},
    {"unit", "units", Measure::kAny, 1.0},
};

constexpr const char* kDefaultSize = "default";

// Parsed through parse() like any operator's scheme, so it cannot drift from the rules.
constexpr const char* kDefaultSchemeYaml = R"(
name: default-2026
currency: USD
meters:
  compute_vcpu_seconds:
    unit: vcpu_hour
    by_size: {xs: 0.05, s: 0.05, m: 0.048, l: 0.045, xl: 0.04, default: 0.05}
  query_cpu_seconds:
    unit: cpu_hour
    description: Query CPU (CPU-hours, included in compute)
    price: 0
  storage_byte_seconds:
    unit: gb_month
    price: 0.023
    free: 10
  events_ingested:
    unit: million
    free: 1
    tiers:
      - {up_to: 100, price: 5.0}
      - {up_to: 1000, price: 3.0}
      - {price: 1.5}
  rows_synced:
    unit: million
    free: 1
    tiers:
      - {up_to: 100, price: 2.0}
      - {up_to: 1000, price: 1.0}
      - {price: 0.5}
  model_seconds:
    unit: cpu_hour
    description: Model runs (hours of building models)
    price: 0.06
  api_calls:
    unit: million
    price: 0.40
    free: 1
  export_bytes:
    unit: gb
    price: 0.05
  publication_runs:
    unit: thousand
    description: Golden-table publication runs
    price: 0
  published_bytes:
    unit: gb
    description: Golden tables published (GB written)
    price: 0.02
    free: 10
)";

const MeterInfo* find_meter(const std::string& name) {
  for (const auto& m : kMeters)
    if (name == m.name) return &m;
  return nullptr;
}

const UnitInfo* find_unit(const std::string& name) {
  for (const auto& u : kUnits)
    if (name == u.name) return &u;
  return nullptr;
}

std::string format_number(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.15g", v);
  return buf;
}

template <typename Names>
std::string join_names(const Names& names) {
  std::string out;
  for (const auto& n : names) {
    if (!out.empty()) out += ", ";
    out += n.name;
  }
  return out;
}

[[noreturn]] void fail(const std::string& key, const std::string& problem) {
  throw std::invalid_argument("pricing scheme: " + key + ": " + problem);
}

// Rejects keys outside `allowed`, so a typo ("prise") is an error rather than a free meter.
void check_keys(const YAML::Node& map, const std::string& path,
                std::initializer_list<const char*> allowed) {
  for (const auto& entry : map) {
    auto key = entry.first.as<std::string>();
    bool known =
        std::any_of(allowed.begin(), allowed.end(), [&](const char* a) { return key == a; });
    if (!known) fail(path.empty() ? key : path + "." + key, "unknown key");
  }
}

double number(const YAML::Node& node, const std::string& key) {
  if (!node.IsScalar()) fail(key, "must be a number");
  double v;
  try {
    v = node.as<double>();
  } catch (const YAML::Exception&) {
    fail(key, "must be a number, not '" + node.Scalar() + "'");
  }
  if (!std::isfinite(v)) fail(key, "must be a finite number");
  return v;
}

double non_negative(const YAML::Node& node, const std::string& key) {
  double v = number(node, key);
  if (v < 0) fail(key, "must not be negative (" + format_number(v) + ")");
  return v;
}

std::string text(const YAML::Node& node, const std::string& key) {
  if (!node.IsScalar()) fail(key, "must be a string");
  auto s = node.Scalar();
  if (s.empty()) fail(key, "must not be empty");
  return s;
}

std::vector<PriceTier> parse_tiers(const YAML::Node& node, const std::string& path) {
  if (!node.IsSequence() || node.size() == 0) fail(path, "must be a non-empty list of tiers");
  std::vector<PriceTier> tiers;
  double previous = 0;
  for (size_t i = 0; i < node.size(); ++i) {
    auto tier_path = path + "[" + std::to_string(i) + "]";
    const auto& t = node[i];
    if (!t.IsMap()) fail(tier_path, "must be a map with up_to and price");
    check_keys(t, tier_path, {"up_to", "price"});
    PriceTier tier;
    if (!t["price"]) fail(tier_path + ".price", "missing");
    tier.price = non_negative(t["price"], tier_path + ".price");
    bool last = i + 1 == node.size();
    if (t["up_to"]) {
      if (last) fail(tier_path + ".up_to", "the last tier must have no up_to (it is unbounded)");
      double up_to = number(t["up_to"], tier_path + ".up_to");
      if (up_to <= previous)
        fail(tier_path + ".up_to", "tiers must ascend: " + format_number(up_to) + " is not above " +
                                       format_number(previous));
      tier.up_to = previous = up_to;
    } else if (!last) {
      fail(tier_path + ".up_to", "missing (every tier but the last needs one)");
    }
    tiers.push_back(tier);
  }
  return tiers;
}

MeterPrice parse_meter(const std::string& meter, const YAML::Node& node) {
  auto path = "meters." + meter;
  const MeterInfo* info = find_meter(meter);
  if (!info) fail(path, "unknown meter (known: " + join_names(kMeters) + ")");
  if (!node.IsMap()) fail(path, "must be a map with unit and price, tiers or by_size");
  check_keys(node, path, {"unit", "description", "price", "tiers", "by_size", "free"});

  MeterPrice m;
  m.meter = meter;
  if (!node["unit"]) fail(path + ".unit", "missing");
  m.unit = text(node["unit"], path + ".unit");
  const UnitInfo* unit = find_unit(m.unit);
  if (!unit)
    fail(path + ".unit", "unknown unit '" + m.unit + "' (known: " + join_names(kUnits) + ")");
  if (unit->measure != Measure::kAny && unit->measure != info->measure)
    fail(path + ".unit", "'" + m.unit + "' does not measure " + meter);
  m.usage_per_unit = unit->usage_per_unit;
  m.description = node["description"] ? text(node["description"], path + ".description")
                                      : std::string(info->label) + " (" + unit->plural + ")";
  if (node["free"]) m.free = non_negative(node["free"], path + ".free");

  int models = !!node["price"] + !!node["tiers"] + !!node["by_size"];
  if (models == 0) fail(path, "needs one of price, tiers or by_size");
  if (models > 1) fail(path, "has more than one of price, tiers and by_size");
  if (node["price"]) {
    m.model = PriceModel::kFlat;
    m.price = non_negative(node["price"], path + ".price");
  } else if (node["tiers"]) {
    m.model = PriceModel::kTiered;
    m.tiers = parse_tiers(node["tiers"], path + ".tiers");
  } else {
    m.model = PriceModel::kBySize;
    const auto& sizes = node["by_size"];
    if (!sizes.IsMap() || sizes.size() == 0)
      fail(path + ".by_size", "must be a non-empty map of size to price");
    for (const auto& entry : sizes) {
      auto size = entry.first.as<std::string>();
      m.by_size[size] = non_negative(entry.second, path + ".by_size." + size);
    }
  }
  return m;
}

// Rounds once, half away from zero. Values within 0.0005 micro of a half count as the
// half: decimal prices are not exact in binary, and 2.5 micros must not become 2.4999….
int64_t to_micros(long double amount) {
  long double micros = std::round(amount * 1e6L * 1e3L) / 1e3L;
  if (std::fabs(micros) >= static_cast<long double>(std::numeric_limits<int64_t>::max()))
    throw std::out_of_range("pricing: an amount does not fit in int64 micros");
  return std::llround(micros);
}

nlohmann::json money(int64_t micros) {
  return static_cast<double>(micros) / 1e6;
}

void price_tiers(const MeterPrice& m, LineItem& line) {
  long double total = 0;
  double from = 0;
  for (const auto& tier : m.tiers) {
    if (line.billable <= from) break;
    double to = tier.up_to.value_or(std::numeric_limits<double>::infinity());
    double in_tier = std::min(line.billable, to) - from;
    TierCharge charge{from, tier.up_to, in_tier, tier.price,
                      to_micros(static_cast<long double>(in_tier) * tier.price)};
    total += static_cast<long double>(in_tier) * tier.price;
    // The line is the sum of its rounded tiers, so the printed tier rows add up too.
    line.amount_micros += charge.amount_micros;
    line.tiers.push_back(charge);
    from = to;
  }
  line.unit_price = line.billable > 0 ? static_cast<double>(total / line.billable) : 0;
}

}  // namespace

PricingScheme PricingScheme::parse(const std::string& yaml_text) {
  YAML::Node root;
  try {
    root = YAML::Load(yaml_text);
  } catch (const YAML::Exception& e) {
    throw std::invalid_argument(std::string("pricing scheme: not valid YAML: ") + e.what());
  }
  if (!root.IsMap())
    throw std::invalid_argument("pricing scheme: must be a map with name and meters");
  check_keys(root, "", {"name", "currency", "meters"});

  PricingScheme scheme;
  if (!root["name"]) fail("name", "missing");
  scheme.name_ = text(root["name"], "name");
  if (root["currency"]) {
    scheme.currency_ = text(root["currency"], "currency");
    bool iso = scheme.currency_.size() == 3 &&
               std::all_of(scheme.currency_.begin(), scheme.currency_.end(),
                           [](char c) { return c >= 'A' && c <= 'Z'; });
    if (!iso) fail("currency", "must be a three-letter ISO 4217 code such as USD");
  }
  const auto& meters = root["meters"];
  if (!meters) fail("meters", "missing");
  if (!meters.IsMap()) fail("meters", "must be a map of meter name to price");
  std::set<std::string> seen;
  for (const auto& entry : meters) {
    auto meter = entry.first.as<std::string>();
    if (!seen.insert(meter).second) fail("meters." + meter, "appears twice");
    scheme.meters_.push_back(parse_meter(meter, entry.second));
  }
  return scheme;
}

PricingScheme PricingScheme::default_scheme() {
  static const PricingScheme scheme = parse(kDefaultSchemeYaml);
  return scheme;
}

const std::vector<std::string>& PricingScheme::known_meters() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> out;
    for (const auto& m : kMeters) out.emplace_back(m.name);
    return out;
  }();
  return names;
}

const MeterPrice* PricingScheme::find(const std::string& meter) const {
  for (const auto& m : meters_)
    if (m.meter == meter) return &m;
  return nullptr;
}

Invoice PricingScheme::invoice(const std::vector<UsageTotal>& usage,
                               const std::string& period) const {
  // Sum rows per (meter, size) in order of first appearance; size only splits a meter
  // priced by size.
  std::vector<UsageTotal> totals;
  std::map<std::pair<std::string, std::string>, size_t> index;
  for (const auto& u : usage) {
    if (!std::isfinite(u.quantity) || u.quantity < 0)
      throw std::invalid_argument("pricing: usage of " + u.meter + " is " +
                                  format_number(u.quantity) + ", not a non-negative number");
    const MeterPrice* m = find(u.meter);
    std::string size = !m || m->model == PriceModel::kBySize ? u.size : std::string();
    auto [it, added] = index.try_emplace({u.meter, size}, totals.size());
    if (added)
      totals.push_back({u.meter, size, u.quantity});
    else
      totals[it->second].quantity += u.quantity;
  }

  Invoice inv;
  inv.scheme = name_;
  inv.currency = currency_;
  inv.period = period;
  std::map<std::string, double> free_left;
  for (const auto& m : meters_) free_left[m.meter] = m.free;

  for (const auto& t : totals) {
    if (t.quantity == 0) continue;
    LineItem line;
    line.meter = t.meter;
    line.size = t.size;
    const MeterPrice* m = find(t.meter);
    std::optional<double> size_price;
    if (m && m->model == PriceModel::kBySize) {
      auto it = m->by_size.find(t.size);
      if (it == m->by_size.end()) it = m->by_size.find(kDefaultSize);
      if (it != m->by_size.end()) size_price = it->second;
    }
    if (!m || (m->model == PriceModel::kBySize && !size_price)) {
      // Listed rather than dropped, so usage the scheme forgot shows up on review.
      line.description = "not priced";
      line.quantity = t.quantity;
      inv.lines.push_back(std::move(line));
      continue;
    }
    line.unit = m->unit;
    line.description = m->model == PriceModel::kBySize && !t.size.empty()
                           ? m->description + ", size " + t.size
                           : m->description;
    line.quantity = t.quantity / m->usage_per_unit;
    double& left = free_left[m->meter];
    line.free = std::min(line.quantity, left);
    left -= line.free;
    line.billable = line.quantity - line.free;
    switch (m->model) {
      case PriceModel::kFlat:
        line.unit_price = m->price;
        break;
      case PriceModel::kBySize:
        line.unit_price = *size_price;
        break;
      case PriceModel::kTiered:
        price_tiers(*m, line);
        break;
    }
    if (m->model != PriceModel::kTiered)
      line.amount_micros = to_micros(static_cast<long double>(line.billable) * line.unit_price);
    inv.lines.push_back(std::move(line));
  }

  for (const auto& line : inv.lines) inv.subtotal_micros += line.amount_micros;
  inv.total_micros = inv.subtotal_micros;
  return inv;
}

nlohmann::json Invoice::to_json() const {
  auto lines_json = nlohmann::json::array();
  for (const auto& l : lines) {
    auto tiers_json = nlohmann::json::array();
    for (const auto& t : l.tiers)
      tiers_json.push_back({{"from", t.from},
                            {"up_to", t.up_to ? nlohmann::json(*t.up_to) : nlohmann::json()},
                            {"quantity", t.quantity},
                            {"unit_price", t.unit_price},
                            {"amount", money(t.amount_micros)},
                            {"amount_micros", t.amount_micros}});
    lines_json.push_back({{"meter", l.meter},
                          {"size", l.size},
                          {"description", l.description},
                          {"unit", l.unit},
                          {"quantity", l.quantity},
                          {"free", l.free},
                          {"billable", l.billable},
                          {"unit_price", l.unit_price},
                          {"amount", money(l.amount_micros)},
                          {"amount_micros", l.amount_micros},
                          {"tiers", tiers_json}});
  }
  return {{"scheme", scheme},
          {"currency", currency},
          {"period", period},
          {"lines", lines_json},
          {"subtotal", money(subtotal_micros)},
          {"subtotal_micros", subtotal_micros},
          {"total", money(total_micros)},
          {"total_micros", total_micros}};
}

std::pair<std::string, std::string> month_bounds(const std::string& period) {
  auto digits = [&](size_t from, size_t n) {
    for (size_t i = from; i < from + n; ++i)
      if (period[i] < '0' || period[i] > '9') return false;
    return true;
  };
  if (period.size() != 7 || period[4] != '-' || !digits(0, 4) || !digits(5, 2))
    throw std::invalid_argument("period '" + period + "': expected YYYY-MM");
  int year = std::stoi(period.substr(0, 4));
  int month = std::stoi(period.substr(5, 2));
  if (year < 1 || month < 1 || month > 12)
    throw std::invalid_argument("period '" + period + "': no such month");
  int end_year = month == 12 ? year + 1 : year;
  int end_month = month == 12 ? 1 : month + 1;
  if (end_year > 9999) throw std::invalid_argument("period '" + period + "': out of range");
  auto iso = [](int y, int m) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%04d-%02d-01T00:00:00Z", y, m);
    return std::string(buf);
  };
  return {iso(year, month), iso(end_year, end_month)};
}

}  // namespace ducklings::metering
