// What the model runner's files share (runner.cpp, build.cpp, dbt_manifest.cpp): names quoted
// for SQL, a run's owner in the run history, refusals. Not a public header.
#pragma once
#include <stdexcept>
#include <string>

#include "common/digest.h"
#include "control/control_plane.h"
#include "modeling/analysis.h"
#include "sql/quoting.h"

namespace ducklings::modeling::detail {

[[noreturn]] inline void invalid(const std::string& message, const std::string& code = "invalid_request") {
  throw control::RefusedError(control::Refusal::kInvalid, code, message);
}

inline std::string qi(const std::string& s) { return sql::quote_identifier(s); }
inline std::string ql(const std::string& s) { return sql::quote_literal(s); }

inline std::string owner(int64_t team_id, const std::string& model) { return control::job_owner(team_id, model); }

inline std::string relation_text(const RelationRef& r) { return r.schema.empty() ? r.name : r.schema + "." + r.name; }

// The key index of an incremental model with a unique key (modeling/build.cpp): one row per row
// of the model, with the hash of its unique key, its incremental key and, for a grouped model,
// the group's first value. Internal, so it lives beside the run history.
inline std::string key_index_name(const std::string& schema, const std::string& model) {
  return "model_keys_" + sha256_hex(schema + "." + model).substr(0, 16);
}
inline std::string key_index_table(const std::string& schema, const std::string& model) {
  return "duckgres_meta." + qi(key_index_name(schema, model));
}

// A run stopped by cancel_run between two steps.
struct Cancelled : std::runtime_error {
  Cancelled() : std::runtime_error("cancelled") {}
};

}  // namespace ducklings::modeling::detail
