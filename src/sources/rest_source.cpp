// HTTP JSON APIs (a declarative REST source, and Stripe built on it): not built yet.
#include "sources/kinds.h"

namespace ducklings::sources {
std::vector<ConnectionField> rest_fields() { return {}; }
std::unique_ptr<Source> open_rest(const nlohmann::json&, const std::string&) {
  throw SourceError(false, "sources of kind rest are not available yet");
}
std::vector<ConnectionField> stripe_fields() { return {}; }
std::unique_ptr<Source> open_stripe(const nlohmann::json&, const std::string&) {
  throw SourceError(false, "sources of kind stripe are not available yet");
}
}  // namespace ducklings::sources
