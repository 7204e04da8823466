// Where the result columns of a SELECT come from, read from the parse tree: PostgreSQL reports
// the table OID and attribute number of every column that is a plain table column in
// RowDescription, and drivers (pgjdbc's getTableName, psqlODBC's SQLColAttribute) rely on it.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "sql/statement.h"

namespace ducklings::sql {

// A relation in the FROM clause. `opaque` when its columns cannot be looked up by name (a
// subquery, a CTE, a function).
struct FromRelation {
  std::string schema;  // empty when unqualified
  std::string name;
  std::string alias;  // what qualified column references use: the alias, else the name
  bool opaque = false;
};

// One select-list entry: a column (`relation` indexes `relations`, -1 = find it by name), a
// star (`relation` -1 = every relation), or something computed (neither).
struct TargetOrigin {
  int relation = -1;
  std::string column;
  bool star = false;
  bool computed = false;
};

struct SelectOrigins {
  std::vector<FromRelation> relations;
  std::vector<TargetOrigin> targets;
  bool star_expands_plainly = true;  // no USING/NATURAL join folds columns together
};

// The origins of a plain SELECT (no set operation, VALUES or SELECT INTO), or nothing.
std::optional<SelectOrigins> select_origins(const Statement& statement);

}  // namespace ducklings::sql
