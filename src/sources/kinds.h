// The kinds of source a team can add (postgres, mysql, files, rest, stripe): the connection
// each takes — checked when the source is created, its secret kept apart to be sealed — and
// how a stored source is opened.
#pragma once
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "sources/source.h"

namespace ducklings::control {
class StorageAccess;
}
namespace ducklings::gateway {
class Gateway;
}

namespace ducklings::sources {

// A connection as stored (without its secret) and the secret.
struct CheckedConnection {
  nlohmann::json connection;
  std::string secret;
};

// One field of a kind's connection.
struct ConnectionField {
  std::string name;
  enum Type { kString, kInteger, kBoolean, kObject, kArray } type = kString;
  bool required = false;
  bool secret = false;                // at most one per kind: sealed, never shown
  nlohmann::json default_value = nullptr;
  std::vector<std::string> one_of;    // allowed values of a string, when not empty
};

// Checks `connection` against the kind's fields (400 RefusedError naming what is wrong, or an
// unknown kind); fills defaults. `secret_apart`: the secret given beside the connection (the
// API's top-level "password"), used when the connection has none.
CheckedConnection check_connection(const std::string& kind, const nlohmann::json& connection,
                                   const std::string& secret_apart = "");

// What opening a source may need besides its connection: the duckling's organization, and for
// files its storages and DuckDB (to infer a schema).
struct SourceContext {
  std::string org;
  gateway::Gateway* gateway = nullptr;
  control::StorageAccess* storage = nullptr;
};
std::unique_ptr<Source> open_source(const std::string& kind, const nlohmann::json& connection,
                                    const std::string& secret, const SourceContext& context);

// Each kind, in its own file: the fields of its connection (none: not available yet) and how
// it opens.
std::vector<ConnectionField> postgres_fields();
std::vector<ConnectionField> mysql_fields();
std::unique_ptr<Source> open_mysql(const nlohmann::json& connection, const std::string& password);
std::vector<ConnectionField> files_fields();
std::unique_ptr<Source> open_files(const nlohmann::json& connection, const SourceContext& context);
std::vector<ConnectionField> rest_fields();
std::unique_ptr<Source> open_rest(const nlohmann::json& connection, const std::string& secret);
std::vector<ConnectionField> stripe_fields();
std::unique_ptr<Source> open_stripe(const nlohmann::json& connection, const std::string& api_key);

}  // namespace ducklings::sources
