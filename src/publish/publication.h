// A golden-table publication as the API takes it (docs/golden-tables.md): a team's table, view
// or model published as Parquet to one of the organization's storages, on a schedule or on
// demand, checked field by field. What a version looks like in the storage is layout.h.
#pragma once
#include <cstdint>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

namespace ducklings::publish {

struct PublicationSpec {
  std::string name;
  std::string source_schema, source_table;  // "source": "<schema>.<table>"
  std::string storage;                      // an organization storage (default: "local")
  std::string prefix;                       // a folder of the storage ("" for its root)
  int64_t schedule_seconds = 0;             // 0: on demand only
  std::string schedule;                     // as given ("1h", "daily", "manual", …)
  std::string partition_by;                 // a DATE or TIMESTAMP[TZ] column, or ""
  // Rewrite only the date partitions whose rows changed since the last run (an append-only
  // source partitioned by date); the others are carried over from the live version.
  bool incremental = false;
  int retain_versions = 3;  // versions kept; at least 2 (the live one and the one before)
  bool after_source_build = false;  // also published after each build of the model it names
  std::string description;

  nlohmann::json to_json() const;
  // From a request body (or a stored spec); throws control::RefusedError 400 naming the field.
  static PublicationSpec from_json(const nlohmann::json& body);
  // "<schema>.<table>", a part quoted when it is not a lower-case identifier.
  std::string source() const;
  // The publication's folder in its storage: "[<prefix>/]<name>/".
  std::string folder() const { return (prefix.empty() ? "" : prefix + "/") + name + "/"; }
};

// Why `schema`.`table` may not be published, or nullopt: the catalog and system schemas, the
// server's internal relations and the raw PostHog tables (events, persons) of a team schema.
std::optional<std::string> refused_source(const std::string& schema, const std::string& table,
                                          bool team_schema);

}  // namespace ducklings::publish
