// The config store's schema, built by ordered, checksummed migrations at start-up.
#pragma once
#include <string>
#include <vector>

#include "control/config_store.h"

namespace ducklings::control {

struct Migration {
  int version;
  std::string name;
  std::vector<std::string> statements;  // portable SQL, one statement each
};

// Every migration, in order.
const std::vector<Migration>& migrations();

// SHA-256 (hex) of a migration's statements: an applied migration whose text changed since is
// refused, so replicas never run against a schema they do not expect.
std::string migration_checksum(const Migration& m);

// Applies the migrations not yet applied, each in its own transaction (PostgreSQL: under an
// advisory lock, so replicas starting together apply each once). Throws StoreError when an
// applied migration's checksum differs or the store holds a newer version than this binary.
// Returns how many were applied.
int migrate(ConfigStore& store);

}  // namespace ducklings::control
