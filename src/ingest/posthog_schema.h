// The PostHog data model inside a team's schema (docs/posthog-data.md): events, persons,
// person_distinct_ids, groups, and events_typed with the common properties as typed columns.
#pragma once
#include <string>

namespace ducklings::ingest {

// Idempotent SQL creating the schema and its tables and views (run whenever a team's schema
// is ensured).
std::string team_tables_sql(const std::string& schema);

}  // namespace ducklings::ingest
