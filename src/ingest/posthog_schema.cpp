#include "ingest/posthog_schema.h"

#include "sql/quoting.h"

namespace ducklings::ingest {

namespace {

std::string group_columns_ddl() {
  std::string out;
  for (int i = 0; i < 5; ++i) out += ", \"$group_" + std::to_string(i) + "\" VARCHAR";
  return out;
}

}  // namespace

std::string team_tables_sql(const std::string& schema) {
  std::string s = sql::quote_identifier(schema);
  std::string out = "CREATE SCHEMA IF NOT EXISTS " + s + ";";
  out += "CREATE TABLE IF NOT EXISTS " + s +
         ".events (uuid UUID NOT NULL, event VARCHAR NOT NULL, properties JSON, "
         "timestamp TIMESTAMPTZ NOT NULL, distinct_id VARCHAR NOT NULL, person_id UUID, "
         "elements_chain VARCHAR, \"$session_id\" VARCHAR, \"$window_id\" VARCHAR, "
         "created_at TIMESTAMPTZ NOT NULL DEFAULT now(), team_id BIGINT" +
         group_columns_ddl() + ");";
  // The keys of the event's groups ($groups), by the index of their type (group_type_mapping),
  // as PostHog keeps them; added to tables made before they existed.
  for (int i = 0; i < 5; ++i) {
    out += "ALTER TABLE " + s + ".events ADD COLUMN IF NOT EXISTS \"$group_" + std::to_string(i) +
           "\" VARCHAR;";
  }
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

std::string group_columns() {
  std::string out;
  for (int i = 0; i < 5; ++i) out += ", \"$group_" + std::to_string(i) + "\"";
  return out;
}

std::string group_types(const std::string& mapping, const std::string& alias) {
  std::string out = "(SELECT ";
  for (int i = 0; i < 5; ++i) {
    out += std::string(i ? ", " : "") +
           "max(group_type) FILTER (WHERE group_type_index = " + std::to_string(i) + ") AS t" +
           std::to_string(i);
  }
  return out + " FROM " + mapping + ") " + alias;
}

std::string group_values(const std::string& groups, const std::string& alias) {
  std::string out;
  for (int i = 0; i < 5; ++i) {
    std::string t = alias + ".t" + std::to_string(i);
    out += ", CASE WHEN " + t + " IS NOT NULL THEN " + groups + "[" + t + "] END";
  }
  return out;
}

std::string groups_map(const std::string& properties) {
  return "CASE WHEN contains(CAST(" + properties + " AS VARCHAR), '\"$groups\"') THEN " +
         "TRY_CAST(json_extract(" + properties + ", '$.\"$groups\"') AS MAP(VARCHAR, VARCHAR)) END";
}

std::string register_group_types(const std::string& mapping, const std::string& seen) {
  return "INSERT INTO " + mapping +
         " SELECT t, i FROM (SELECT t, (SELECT coalesce(max(group_type_index), -1) FROM " +
         mapping +
         ") + row_number() OVER (ORDER BY first, t) AS i FROM (SELECT t, min(ts) AS first FROM (" +
         seen + ") WHERE t IS NOT NULL AND t <> '' AND t NOT IN (SELECT group_type FROM " +
         mapping + ") GROUP BY 1)) WHERE i <= 4;";
}

}  // namespace ducklings::ingest
