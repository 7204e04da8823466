// Stripe as a source: its list endpoints read through the JSON API reader (sources/json_api.h)
// with Stripe's paging (starting_after = the last id while has_more) and `created[gt]` for
// incremental and append syncs on `created`; the primary key is `id`.
//
// Each object lands with declared columns rather than inferred ones, so a table's shape does
// not depend on which objects came first: id, object, created (epoch seconds, BIGINT: the
// incremental field, the integer created[gt] takes back), created_at (the same as
// TIMESTAMPTZ), livemode, then the object's useful fields — amounts in minor units as BIGINT,
// other epoch times as TIMESTAMPTZ, ids of related objects as VARCHAR (an expanded one as its
// JSON), nested objects as JSON — and last `_raw`, the whole object as JSON, so a field not
// declared is not lost. Lists only show objects Stripe lists by default (subscriptions: every
// status). An update to an object older than the cursor is read again only within the
// lookback window (or by a full refresh): the events API is not used.
//
// Connection: api_key (secret; sent as "Authorization: Bearer <key>"), base_url (default
// https://api.stripe.com), account (a connected account: Stripe-Account), api_version
// (Stripe-Version; default: the account's).
#include "sources/json_api.h"
#include "sources/kinds.h"

namespace ducklings::sources {
namespace {

using json_api::Column;

struct Field {
  const char* name;
  const char* type;  // id, string, integer, number, boolean, timestamp, json
};

Column column_of(const Field& f) {
  std::string type = f.type;
  std::string duck = type == "integer"     ? "BIGINT"
                     : type == "number"    ? "DOUBLE"
                     : type == "boolean"   ? "BOOLEAN"
                     : type == "timestamp" ? "TIMESTAMPTZ"
                     : type == "json"      ? "JSON"
                                           : "VARCHAR";
  return {f.name, type, duck, ""};
}

struct StripeResource {
  const char* name;
  const char* path;
  std::vector<Field> fields;
  std::vector<std::pair<std::string, std::string>> params;
};

const std::vector<StripeResource>& catalog() {
  static const std::vector<StripeResource> all = {
      {"charges",
       "/v1/charges",
       {{"amount", "integer"}, {"amount_captured", "integer"}, {"amount_refunded", "integer"},
        {"currency", "string"}, {"status", "string"}, {"paid", "boolean"}, {"captured", "boolean"},
        {"refunded", "boolean"}, {"disputed", "boolean"}, {"customer", "id"}, {"description", "string"},
        {"invoice", "id"}, {"payment_intent", "id"}, {"payment_method", "id"},
        {"balance_transaction", "id"}, {"receipt_email", "string"}, {"statement_descriptor", "string"},
        {"failure_code", "string"}, {"failure_message", "string"}, {"billing_details", "json"},
        {"payment_method_details", "json"}, {"outcome", "json"}, {"metadata", "json"}},
       {}},
      {"customers",
       "/v1/customers",
       {{"email", "string"}, {"name", "string"}, {"phone", "string"}, {"description", "string"},
        {"currency", "string"}, {"balance", "integer"}, {"delinquent", "boolean"}, {"default_source", "id"},
        {"invoice_prefix", "string"}, {"tax_exempt", "string"}, {"address", "json"}, {"shipping", "json"},
        {"invoice_settings", "json"}, {"metadata", "json"}},
       {}},
      {"invoices",
       "/v1/invoices",
       {{"customer", "id"}, {"subscription", "id"}, {"status", "string"}, {"number", "string"},
        {"currency", "string"}, {"amount_due", "integer"}, {"amount_paid", "integer"},
        {"amount_remaining", "integer"}, {"subtotal", "integer"}, {"total", "integer"}, {"tax", "integer"},
        {"billing_reason", "string"}, {"collection_method", "string"}, {"paid", "boolean"},
        {"attempted", "boolean"}, {"customer_email", "string"}, {"hosted_invoice_url", "string"},
        {"period_start", "timestamp"}, {"period_end", "timestamp"}, {"due_date", "timestamp"},
        {"status_transitions", "json"}, {"lines", "json"}, {"metadata", "json"}},
       {}},
      {"subscriptions",
       "/v1/subscriptions",
       {{"customer", "id"}, {"status", "string"}, {"currency", "string"}, {"collection_method", "string"},
        {"cancel_at_period_end", "boolean"}, {"current_period_start", "timestamp"},
        {"current_period_end", "timestamp"}, {"start_date", "timestamp"}, {"trial_start", "timestamp"},
        {"trial_end", "timestamp"}, {"cancel_at", "timestamp"}, {"canceled_at", "timestamp"},
        {"ended_at", "timestamp"}, {"latest_invoice", "id"}, {"default_payment_method", "id"},
        {"items", "json"}, {"metadata", "json"}},
       {{"status", "all"}}},  // without it, canceled subscriptions are not listed
      {"products",
       "/v1/products",
       {{"name", "string"}, {"description", "string"}, {"active", "boolean"}, {"type", "string"},
        {"default_price", "id"}, {"unit_label", "string"}, {"url", "string"}, {"updated", "timestamp"},
        {"images", "json"}, {"metadata", "json"}},
       {}},
      {"prices",
       "/v1/prices",
       {{"product", "id"}, {"active", "boolean"}, {"currency", "string"}, {"unit_amount", "integer"},
        {"unit_amount_decimal", "string"}, {"type", "string"}, {"billing_scheme", "string"},
        {"nickname", "string"}, {"lookup_key", "string"}, {"tax_behavior", "string"}, {"recurring", "json"},
        {"metadata", "json"}},
       {}},
      {"refunds",
       "/v1/refunds",
       {{"amount", "integer"}, {"currency", "string"}, {"charge", "id"}, {"payment_intent", "id"},
        {"reason", "string"}, {"status", "string"}, {"balance_transaction", "id"},
        {"receipt_number", "string"}, {"metadata", "json"}},
       {}},
      {"balance_transactions",
       "/v1/balance_transactions",
       {{"amount", "integer"}, {"fee", "integer"}, {"net", "integer"}, {"currency", "string"},
        {"type", "string"}, {"status", "string"}, {"reporting_category", "string"}, {"source", "id"},
        {"description", "string"}, {"exchange_rate", "number"}, {"available_on", "timestamp"},
        {"fee_details", "json"}},
       {}},
  };
  return all;
}

}  // namespace

std::vector<ConnectionField> stripe_fields() {
  return {{"api_key", ConnectionField::kString, false, true},
          {"base_url", ConnectionField::kString, false, false, "https://api.stripe.com"},
          {"account", ConnectionField::kString},
          {"api_version", ConnectionField::kString}};
}

std::unique_ptr<Source> open_stripe(const nlohmann::json& c, const std::string& api_key) {
  if (api_key.empty()) json_api::refuse("connection \"api_key\" is required");
  json_api::Api api;
  api.label = "Stripe";
  api.base_url = json_api::checked_base_url("base_url", c.value("base_url", "https://api.stripe.com"));
  json_api::check_header("api_key", "Authorization", api_key);
  api.headers.push_back("Authorization: Bearer " + api_key);
  if (std::string account = c.value("account", ""); !account.empty()) {
    json_api::check_header("account", "Stripe-Account", account);
    api.headers.push_back("Stripe-Account: " + account);
  }
  if (std::string version = c.value("api_version", ""); !version.empty()) {
    json_api::check_header("api_version", "Stripe-Version", version);
    api.headers.push_back("Stripe-Version: " + version);
  }
  // One small list checks the key; a key that may not read charges still passes (403).
  api.probe_path = "/v1/charges?limit=1";
  for (const auto& s : catalog()) {
    json_api::Resource r;
    r.name = s.name;
    r.path = s.path;
    r.record_path = "data";
    r.primary_key = {"id"};
    r.params = s.params;
    r.params.emplace_back("limit", "100");  // Stripe's largest page
    r.pagination.type = json_api::Pagination::kCursor;
    r.pagination.cursor_field = "id";
    r.pagination.cursor_param = "starting_after";
    r.pagination.has_more_path = "has_more";
    r.incremental_field = "created";
    r.incremental_param = "created[gt]";
    r.infer = false;
    r.columns = {{"id", "string", "VARCHAR", ""},
                 {"object", "string", "VARCHAR", ""},
                 {"created", "integer", "BIGINT", ""},
                 {"created_at", "timestamp", "TIMESTAMPTZ", "created"},
                 {"livemode", "boolean", "BOOLEAN", ""}};
    for (const auto& f : s.fields) r.columns.push_back(column_of(f));
    r.columns.push_back({"_raw", "object", "JSON", "*"});
    api.resources.push_back(std::move(r));
  }
  return json_api::open(std::move(api));
}

}  // namespace ducklings::sources
