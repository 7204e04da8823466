#include "gateway/column_origins.h"

#include <algorithm>
#include <cctype>

#include "sql/catalog.h"

namespace ducklings::gateway {
namespace {

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

// Unqualified names resolve as DuckDB resolves them: the current schema first, then main.
constexpr const char* kLookupSql =
    "SELECT CAST(table_oid AS VARCHAR), schema_name, lower(column_name) FROM duckdb_columns() "
    "WHERE database_name = current_database() AND lower(table_name) = lower($2) "
    "AND ($1 = '' OR lower(schema_name) = lower($1)) "
    "ORDER BY schema_name <> current_schema(), schema_name <> 'main', schema_name, column_index";

}  // namespace

const ColumnOriginResolver::RelationColumns* ColumnOriginResolver::lookup(
    const sql::FromRelation& relation) {
  std::string schema = relation.schema == "public" ? "main" : relation.schema;
  if (schema == "pg_catalog" || schema == "information_schema" ||
      (schema.empty() && sql::is_catalog_relation(relation.name))) {
    return nullptr;  // the emulated catalogs: clients never ask where their columns come from
  }
  auto key = std::make_pair(schema, relation.name);
  if (auto it = cache_.find(key); it != cache_.end()) return it->second ? &*it->second : nullptr;
  std::optional<RelationColumns> found;
  try {
    if (!lookup_statement_) lookup_statement_.emplace(connection_.prepare(kLookupSql));
    duck::PreparedStatement& p = *lookup_statement_;
    p.clear_bindings();
    p.bind_varchar(0, schema);
    p.bind_varchar(1, relation.name);
    duck::Result r = p.execute(false);
    std::string first_schema;
    while (duck::DataChunk c = r.fetch()) {
      for (idx_t row = 0; row < c.size(); ++row) {
        std::string row_schema = c.varchar(1, row).value_or("");
        if (!found) {
          found.emplace();
          found->oid = static_cast<int32_t>(std::stoll(c.varchar(0, row).value_or("0")));
          first_schema = row_schema;
        }
        if (row_schema != first_schema) break;
        found->columns.push_back(c.varchar(2, row).value_or(""));
      }
    }
  } catch (const std::exception&) {
    found.reset();  // unknown origin is always a safe answer
  }
  auto [it, inserted] = cache_.emplace(key, std::move(found));
  return it->second ? &*it->second : nullptr;
}

std::vector<ColumnOrigin> ColumnOriginResolver::resolve(const sql::Statement& statement,
                                                        const std::vector<std::string>& column_names) {
  std::optional<sql::SelectOrigins> origins = sql::select_origins(statement);
  if (!origins) return {};
  bool any_column = std::any_of(origins->targets.begin(), origins->targets.end(),
                                [](const sql::TargetOrigin& t) { return !t.computed; });
  if (!any_column) return {};
  uint64_t generation = warehouse_.schema_generation();
  if (generation != generation_) {
    cache_.clear();
    generation_ = generation;
  }
  std::vector<const RelationColumns*> relations;
  for (const auto& r : origins->relations) relations.push_back(r.opaque ? nullptr : lookup(r));
  auto attnum_in = [](const RelationColumns* r, const std::string& column) -> int16_t {
    if (!r) return 0;
    std::string name = lower(column);
    for (size_t i = 0; i < r->columns.size(); ++i) {
      if (r->columns[i] == name) return static_cast<int16_t>(i + 1);
    }
    return 0;
  };
  std::vector<ColumnOrigin> out;
  for (const auto& t : origins->targets) {
    if (t.computed) {
      out.push_back({});
    } else if (t.star) {
      if (!origins->star_expands_plainly) return {};
      for (size_t i = 0; i < relations.size(); ++i) {
        if (t.relation >= 0 && static_cast<size_t>(t.relation) != i) continue;
        if (!relations[i]) return {};  // cannot count the columns a subquery contributes
        for (size_t a = 0; a < relations[i]->columns.size(); ++a) {
          out.push_back({relations[i]->oid, static_cast<int16_t>(a + 1)});
        }
      }
    } else if (t.relation >= 0) {
      const RelationColumns* r = relations[t.relation];
      int16_t attnum = attnum_in(r, t.column);
      out.push_back(attnum ? ColumnOrigin{r->oid, attnum} : ColumnOrigin{});
    } else {
      // Unqualified: the one relation that has the column; an opaque relation might have it too.
      ColumnOrigin origin;
      for (size_t i = 0; i < relations.size(); ++i) {
        if (origins->relations[i].opaque) {
          origin = {};
          break;
        }
        if (int16_t attnum = attnum_in(relations[i], t.column)) {
          if (origin.table_oid) {
            origin = {};
            break;
          }
          origin = {relations[i]->oid, attnum};
        }
      }
      out.push_back(origin);
    }
  }
  if (out.size() != column_names.size()) return {};
  return out;
}

}  // namespace ducklings::gateway
