#include "ingest/posthog_schema.h"

#include "sql/quoting.h"

namespace ducklings::ingest {

std::string team_tables_sql(const std::string& schema) {
  std::string s = sql::quote_identifier(schema);
  std::string out = "CREATE SCHEMA IF NOT EXISTS " + s + ";";
  out += "CREATE TABLE IF NOT EXISTS " + s +
         ".events (uuid UUID NOT NULL, event VARCHAR NOT NULL, properties JSON, "
         "timestamp TIMESTAMPTZ NOT NULL, distinct_id VARCHAR NOT NULL, person_id UUID, "
         "elements_chain VARCHAR, \"$session_id\" VARCHAR, \"$window_id\" VARCHAR, "
         "created_at TIMESTAMPTZ NOT NULL DEFAULT now(), team_id BIGINT);";
  out += "CREATE TABLE IF NOT EXISTS " + s +
         ".persons (id UUID NOT NULL, properties JSON, created_at TIMESTAMPTZ, "
         "is_identified BOOLEAN DEFAULT false, version BIGINT DEFAULT 0);";
  out += "CREATE TABLE IF NOT EXISTS " + s +
         ".person_distinct_ids (distinct_id VARCHAR NOT NULL, person_id UUID NOT NULL, "
         "version BIGINT DEFAULT 0);";
  out += "CREATE TABLE IF NOT EXISTS " + s +
         ".groups (group_type_index INTEGER NOT NULL, group_key VARCHAR NOT NULL, "
         "properties JSON, created_at TIMESTAMPTZ);";
  // Which index a group type name has (filled by the ingester as types appear).
  out += "CREATE TABLE IF NOT EXISTS " + s +
         ".group_type_mapping (group_type VARCHAR NOT NULL, group_type_index INTEGER NOT NULL);";
  // The properties analysts filter on most, as typed columns.
  std::string typed;
  for (const char* p : {"$current_url", "$pathname", "$host", "$browser", "$browser_version", "$os",
                        "$device_type", "$referrer", "$referring_domain", "$lib", "$lib_version",
                        "$screen_width", "$screen_height", "$ip"}) {
    std::string name = p;
    std::string cast =
        (name == "$screen_width" || name == "$screen_height")
            ? "TRY_CAST(json_extract_string(properties, " +
                  sql::quote_literal("$.\"" + name + "\"") + ") AS INTEGER)"
            : "json_extract_string(properties, " + sql::quote_literal("$.\"" + name + "\"") + ")";
    typed += ", " + cast + " AS " + sql::quote_identifier(name);
  }
  out += "CREATE VIEW IF NOT EXISTS " + s + ".events_typed AS SELECT *" + typed + " FROM " + s +
         ".events;";
  return out;
}

}  // namespace ducklings::ingest
