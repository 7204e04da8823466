// Table OID and attribute number of each result column, for RowDescription: resolves the
// syntactic origins of a SELECT (sql/column_origin.h) against the warehouse's tables, with a
// per-session cache that is dropped whenever any session changes the schema.
#pragma once
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "duck/duck.h"
#include "sql/column_origin.h"
#include "sql/statement.h"
#include "warehouse/warehouse.h"

namespace ducklings::gateway {

struct ColumnOrigin {
  int32_t table_oid = 0;
  int16_t attnum = 0;
};

class ColumnOriginResolver {
 public:
  // `connection` runs the catalog lookups; they never fail the session's transaction.
  ColumnOriginResolver(duck::Connection& connection, const warehouse::Warehouse& warehouse)
      : connection_(connection), warehouse_(warehouse) {}

  // One entry per result column ({0, 0} for computed ones), or empty when the statement is
  // not a plain SELECT or its columns do not line up with `column_names`.
  std::vector<ColumnOrigin> resolve(const sql::Statement& statement,
                                    const std::vector<std::string>& column_names);

 private:
  struct RelationColumns {
    int32_t oid = 0;
    std::vector<std::string> columns;  // in attnum order, lower case
  };
  const RelationColumns* lookup(const sql::FromRelation& relation);

  duck::Connection& connection_;
  const warehouse::Warehouse& warehouse_;
  uint64_t generation_ = 0;
  std::map<std::pair<std::string, std::string>, std::optional<RelationColumns>> cache_;
  std::optional<duck::PreparedStatement> lookup_statement_;
};

}  // namespace ducklings::gateway
