// Realistic synthetic PostHog data for a team's schema, made by DuckDB itself: persons (some
// identified, on plans), each with one or two distinct ids; sessions of pageviews over a few
// sites' pages, autocapture clicks with elements_chain and page leaves; a signup → activation
// → purchase funnel with drop-off; skewed activity (a few persons make most events) and a
// weekly rhythm. Used by `make run`'s demo data, POST …/teams/{id}/generate, tests and benches.
#pragma once
#include <cstdint>
#include <string>

namespace ducklings::ingest {

struct GeneratorSpec {
  int64_t events = 100000;
  int64_t persons = 2000;
  int days = 30;
  int64_t seed = 42;
};

// SQL (several statements, one transaction's worth) appending the generated data to `schema`.
std::string generate_sql(const std::string& schema, int64_t team_id, const GeneratorSpec& spec);

}  // namespace ducklings::ingest
