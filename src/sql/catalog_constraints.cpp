#include "sql/catalog_constraints.h"

#include <algorithm>
#include <set>

#include "sql/quoting.h"
#include "sql/tree_walk.h"

namespace ducklings::sql {

namespace {

std::string string_of(const pg_query::Node& n) { return n.has_string() ? n.string().sval() : std::string(); }

std::string joined(const std::vector<std::string>& parts, const char* separator) {
  std::string out;
  for (const auto& p : parts) out += (out.empty() ? "" : separator) + p;
  return out;
}

// The distinct columns a CHECK expression reads, in order of appearance.
std::vector<std::string> columns_read(const pg_query::Node& expr) {
  std::vector<std::string> out;
  pg_query::Node copy = expr;
  walk_nodes(copy, [&](pg_query::Node& n) {
    if (!n.has_column_ref() || n.column_ref().fields_size() == 0) return;
    std::string name = string_of(n.column_ref().fields(n.column_ref().fields_size() - 1));
    if (!name.empty() && std::find(out.begin(), out.end(), name) == out.end()) out.push_back(name);
  });
  return out;
}

struct Named {
  char contype;
  std::vector<std::string> columns;  // key columns; for CHECK, those it reads
  std::string name;                  // as declared, or empty
};

}  // namespace

std::vector<std::string> record_constraint_names(const pg_query::CreateStmt& create, const std::string& schema) {
  const std::string& table = create.relation().relname();
  std::vector<Named> constraints;
  auto add = [&](const pg_query::Constraint& c, const std::string& column) {
    Named n{0, {}, c.conname()};
    switch (c.contype()) {
      case pg_query::CONSTR_PRIMARY: n.contype = 'p'; break;
      case pg_query::CONSTR_UNIQUE: n.contype = 'u'; break;
      case pg_query::CONSTR_FOREIGN: n.contype = 'f'; break;
      case pg_query::CONSTR_CHECK: n.contype = 'c'; break;
      default: return;
    }
    if (n.contype == 'c') {
      n.columns = columns_read(c.raw_expr());
    } else if (!column.empty()) {
      n.columns = {column};
    } else {
      for (const auto& k : n.contype == 'f' ? c.fk_attrs() : c.keys()) n.columns.push_back(string_of(k));
    }
    constraints.push_back(std::move(n));
  };
  for (const auto& elt : create.table_elts()) {
    if (elt.has_column_def()) {
      for (const auto& c : elt.column_def().constraints()) {
        if (c.has_constraint()) add(c.constraint(), elt.column_def().colname());
      }
    } else if (elt.has_constraint()) {
      add(elt.constraint(), "");
    }
  }
  if (constraints.empty() || create.relation().relpersistence() == "t") return {};
  std::vector<std::string> out = {forget_constraint_names(schema, table)};
  std::set<std::string> used;
  for (const auto& c : constraints) {
    if (!c.name.empty()) used.insert(c.name);
  }
  int checks = 0;
  for (const auto& c : constraints) {
    std::string name = c.name;
    if (name.empty()) {
      // PostgreSQL's ChooseConstraintName: table, columns, label; a number when taken.
      std::string base = c.contype == 'p' ? table + "_pkey"
                         : c.contype == 'c'
                             ? table + (c.columns.size() == 1 ? "_" + c.columns[0] : std::string()) + "_check"
                             : table + "_" + joined(c.columns, "_") + (c.contype == 'u' ? "_key" : "_fkey");
      name = base;
      for (int i = 1; used.count(name); ++i) name = base + std::to_string(i);
    }
    used.insert(name);
    // CHECKs are matched by their position among the table's checks (DuckDB keeps the
    // declaration order), the others by their key columns.
    int position = c.contype == 'c' ? checks++ : -1;
    out.push_back("INSERT INTO duckgres_meta.constraint_names VALUES (" + quote_literal(schema) + ", " +
                  quote_literal(table) + ", '" + c.contype + "', " +
                  quote_literal(c.contype == 'c' ? std::string() : joined(c.columns, ",")) + ", " +
                  std::to_string(position) + ", " + quote_literal(name) + ")");
  }
  return out;
}

std::string forget_constraint_names(const std::string& schema, const std::string& table) {
  return "DELETE FROM duckgres_meta.constraint_names WHERE schema_name = " + quote_literal(schema) +
         " AND table_name = " + quote_literal(table);
}

}  // namespace ducklings::sql
