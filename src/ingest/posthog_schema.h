// The PostHog data model inside a team's schema (docs/posthog-data.md): events, persons,
// person_distinct_ids, groups, and events_typed with the common properties as typed columns.
#pragma once
#include <string>

namespace ducklings::ingest {

// Idempotent SQL creating the schema and its tables and views (run whenever a team's schema
// is ensured).
std::string team_tables_sql(const std::string& schema);

// The events' group columns, for an INSERT's column list: `, "$group_0", …, "$group_4"`.
std::string group_columns();
// The team's group types by index as one row `alias`(t0 … t4), from its group_type_mapping
// table (`mapping`), to join with the rows inserted.
std::string group_types(const std::string& mapping, const std::string& alias);
// The values of the group columns for a row whose $groups (type → key) is the MAP `groups`.
std::string group_values(const std::string& groups, const std::string& alias);
// An event's $groups (type -> key) as a MAP from its JSON `properties`; NULL without any (only
// properties that mention $groups are parsed for them).
std::string groups_map(const std::string& properties);
// SQL giving the group types `seen` names (a query of rows (t, ts)) that `mapping` lacks the
// next indexes, in the order they were first seen; PostHog allows five (0-4).
std::string register_group_types(const std::string& mapping, const std::string& seen);

}  // namespace ducklings::ingest
