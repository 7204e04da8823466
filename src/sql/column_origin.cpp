#include "sql/column_origin.h"

#include <set>

namespace ducklings::sql {
namespace {

void add_from_item(const pg_query::Node& n, const std::set<std::string>& ctes, SelectOrigins& out) {
  if (n.has_range_var()) {
    const auto& rv = n.range_var();
    FromRelation r;
    r.schema = rv.schemaname();
    r.name = rv.relname();
    r.alias = rv.has_alias() ? rv.alias().aliasname() : rv.relname();
    r.opaque = !rv.catalogname().empty() || (r.schema.empty() && ctes.count(r.name) > 0);
    out.relations.push_back(std::move(r));
  } else if (n.has_join_expr()) {
    const auto& j = n.join_expr();
    if (j.is_natural() || j.using_clause_size() > 0 || j.has_alias()) out.star_expands_plainly = false;
    add_from_item(j.larg(), ctes, out);
    add_from_item(j.rarg(), ctes, out);
  } else {
    FromRelation r;
    r.opaque = true;
    if (n.has_range_subselect() && n.range_subselect().has_alias()) {
      r.alias = n.range_subselect().alias().aliasname();
    } else if (n.has_range_function() && n.range_function().has_alias()) {
      r.alias = n.range_function().alias().aliasname();
    }
    out.relations.push_back(std::move(r));
  }
}

int relation_named(const SelectOrigins& o, const std::string& schema, const std::string& alias) {
  for (size_t i = 0; i < o.relations.size(); ++i) {
    const FromRelation& r = o.relations[i];
    if (r.alias == alias && (schema.empty() || r.schema == schema)) return static_cast<int>(i);
  }
  return -2;  // not found: treat as computed
}

TargetOrigin target_origin(const pg_query::Node& val, const SelectOrigins& o) {
  TargetOrigin t;
  if (!val.has_column_ref()) {
    t.computed = true;
    return t;
  }
  const auto& fields = val.column_ref().fields();
  std::vector<std::string> names;
  bool star = false;
  for (int i = 0; i < fields.size(); ++i) {
    if (fields[i].has_a_star() && i == fields.size() - 1) {
      star = true;
    } else if (fields[i].has_string()) {
      names.push_back(fields[i].string().sval());
    } else {
      t.computed = true;
      return t;
    }
  }
  if (star) {
    t.star = true;
    if (names.size() > 2) {
      t.computed = true;
    } else if (!names.empty()) {
      t.relation = relation_named(o, names.size() == 2 ? names[0] : "", names.back());
    }
    if (t.relation == -2) t.computed = true;
    return t;
  }
  if (names.empty() || names.size() > 3) {
    t.computed = true;
    return t;
  }
  t.column = names.back();
  if (names.size() >= 2) {
    t.relation = relation_named(o, names.size() == 3 ? names[0] : "", names[names.size() - 2]);
    if (t.relation == -2) t.computed = true;
  }
  return t;
}

}  // namespace

std::optional<SelectOrigins> select_origins(const Statement& statement) {
  const pg_query::Node* root = root_node(statement);
  if (!root || !root->has_select_stmt()) return std::nullopt;
  const auto& s = root->select_stmt();
  if (s.op() != pg_query::SETOP_NONE || s.values_lists_size() > 0 || s.has_into_clause()) {
    return std::nullopt;
  }
  std::set<std::string> ctes;
  if (s.has_with_clause()) {
    for (const auto& cte : s.with_clause().ctes()) {
      if (cte.has_common_table_expr()) ctes.insert(cte.common_table_expr().ctename());
    }
  }
  SelectOrigins out;
  for (const auto& item : s.from_clause()) add_from_item(item, ctes, out);
  for (const auto& target : s.target_list()) {
    if (!target.has_res_target()) return std::nullopt;
    out.targets.push_back(target_origin(target.res_target().val(), out));
  }
  return out;
}

}  // namespace ducklings::sql
