// Pricing: a declarative scheme (YAML) that turns a period's usage totals into an invoice.
//
// An invoice is a pure function of (scheme, usage): the usage totals are only read, so
// repricing a period with another scheme never rewrites what was recorded.
//
// Scheme format:
//
//   name: standard-2026            # required; recorded on every invoice
//   currency: USD                  # optional, three upper-case letters, default USD
//   meters:                        # required map: usage meter -> how it is priced
//     compute_vcpu_seconds:        # a known usage meter (see known_meters())
//       unit: vcpu_hour            # required price unit (see below)
//       description: Compute       # optional line label, default from the meter
//       by_size: {xs: 0.05, m: 0.048, default: 0.05}   # price per unit by duckling size
//     storage_byte_seconds:
//       unit: gb_month
//       price: 0.023               # flat price per unit
//       free: 10                   # optional free allowance per invoice, in price units
//     events_ingested:
//       unit: million
//       free: 1
//       tiers:                     # graduated: each tier prices the units that fall in it
//         - {up_to: 100, price: 5.0}
//         - {up_to: 1000, price: 3.0}
//         - {price: 1.5}           # the last tier, and only it, has no up_to
//
// A meter has exactly one of `price`, `tiers` or `by_size`. Prices and allowances are
// non-negative; tier bounds strictly ascend. Units, in the meter's raw usage units:
//   vcpu_hour, cpu_hour = 3600 seconds      gb_month = 1e9 bytes * 730 h * 3600 s
//   gb = 1e9 bytes    million = 1e6    thousand = 1e3    unit = 1 (any meter)
// A unit must measure what its meter counts (no `gb` for vCPU-seconds).
//
// Thread safety: a PricingScheme is immutable once built; its const members may be called
// from any thread.
#pragma once
#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace ducklings::metering {

// One period's total of one usage meter, in the meter's raw unit (e.g. vCPU-seconds).
struct UsageTotal {
  std::string meter;
  std::string size;  // duckling size for size-priced meters (xs, s, m, l, …), else empty
  double quantity = 0;
};

// One volume tier of a graduated price.
struct PriceTier {
  std::optional<double> up_to;  // cumulative billable price units; none on the last tier
  double price = 0;             // per price unit
};

enum class PriceModel { kFlat, kTiered, kBySize };

// How one meter is priced.
struct MeterPrice {
  std::string meter;
  std::string description;
  std::string unit;           // price unit name, e.g. "gb_month"
  double usage_per_unit = 1;  // raw usage units in one price unit
  double free = 0;            // free allowance per invoice, in price units
  PriceModel model = PriceModel::kFlat;
  double price = 0;                       // kFlat
  std::vector<PriceTier> tiers;           // kTiered
  std::map<std::string, double> by_size;  // kBySize; "default" prices sizes not listed
};

// The part of a tiered line that fell in one tier.
struct TierCharge {
  double from = 0;              // billable price units where the tier starts
  std::optional<double> up_to;  // where it ends; none for the last tier
  double quantity = 0;          // billable price units in this tier
  double unit_price = 0;
  int64_t amount_micros = 0;
};

// One line of an invoice: one meter (and size, for size-priced meters).
struct LineItem {
  std::string meter;
  std::string size;
  std::string description;
  std::string unit;       // price unit; empty for a meter the scheme does not price
  double quantity = 0;    // in price units (raw usage units when not priced)
  double free = 0;        // part of quantity covered by the free allowance
  double billable = 0;    // quantity - free
  double unit_price = 0;  // for tiers, the average over the billable units
  int64_t amount_micros = 0;
  std::vector<TierCharge> tiers;  // the tiers the billable units reached, for tiered meters
};

// What a period's usage costs under one scheme; amounts are integer millionths of the
// currency so that lines add up to the total exactly.
struct Invoice {
  std::string scheme;
  std::string currency;
  std::string period;
  std::vector<LineItem> lines;
  int64_t subtotal_micros = 0;
  int64_t total_micros = 0;  // equal to subtotal until taxes or credits exist

  // Amounts both as numbers ("amount", in currency units) and exactly ("amount_micros").
  nlohmann::json to_json() const;
};

class PricingScheme {
 public:
  // Reads a scheme; throws std::invalid_argument naming the offending key.
  static PricingScheme parse(const std::string& yaml_text);
  // The built-in scheme used when an operator configures none.
  static PricingScheme default_scheme();
  // The usage meters a scheme may price.
  static const std::vector<std::string>& known_meters();

  const std::string& name() const { return name_; }
  const std::string& currency() const { return currency_; }
  const std::vector<MeterPrice>& meters() const { return meters_; }  // in YAML order
  const MeterPrice* find(const std::string& meter) const;            // nullptr if not priced

  // Prices `usage` for `period` (a label, e.g. "2026-11"). Rows of the same meter and size
  // are summed; lines follow the first appearance of each (meter, size) in `usage`, and a
  // meter's free allowance is used up by its lines in that order. Meters without usage (or
  // with a zero total) get no line; usage of a meter the scheme does not price gets a
  // "not priced" line with amount 0. Throws std::invalid_argument for a negative or
  // non-finite quantity.
  Invoice invoice(const std::vector<UsageTotal>& usage, const std::string& period) const;

 private:
  PricingScheme() = default;

  std::string name_;
  std::string currency_ = "USD";
  std::vector<MeterPrice> meters_;
};

// A "YYYY-MM" period as its ISO-8601 UTC start and exclusive end
// ("2026-12" -> "2026-12-01T00:00:00Z", "2027-01-01T00:00:00Z"); throws std::invalid_argument.
std::pair<std::string, std::string> month_bounds(const std::string& period);

}  // namespace ducklings::metering
