// What a statement reads and writes, read from its PostgreSQL parse tree, for role-based
// access control in the gateway (docs/security.md): every relation it reads (through CTEs,
// subqueries, joins, INSERT … SELECT, COPY and the queries of views it creates), the relation
// it writes, and the schemas it creates objects in. A statement it cannot fully analyse, and
// the management of roles and grants, need the owner role.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "sql/statement.h"

namespace ducklings::sql {

enum class Privilege { kSelect, kInsert, kUpdate, kDelete, kCreate, kUsage };

// "SELECT", "INSERT", …
const char* privilege_name(Privilege p);
// The privilege named `name` (case-insensitive); false when it is not one.
bool parse_privilege(const std::string& name, Privilege& out);

struct AccessNeed {
  Privilege privilege;
  std::string schema;  // as written; empty: resolved through the search path
  std::string table;   // empty: a privilege on the schema itself (CREATE)
};

struct StatementAccess {
  std::vector<AccessNeed> needs;
  bool owner_only = false;
  std::string owner_reason;  // what needs the owner role ("GRANT", "a DuckDB-dialect statement")
  // Functions called that sql::function_use does not allow below owner (lower case); the
  // gateway refuses them when the engine has them, and lets the engine say 42883 otherwise.
  std::vector<std::string> functions_not_allowed;
};

StatementAccess analyze_access(const Statement& statement);

}  // namespace ducklings::sql
