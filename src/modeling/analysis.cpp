#include "modeling/analysis.h"

#include <algorithm>
#include <map>
#include <set>
#include <stdexcept>

#include "common/digest.h"
#include "sql/parser.h"
#include "sql/privileges.h"
#include "sql/statement.h"
#include "sql/tree_walk.h"

namespace ducklings::modeling {
namespace {
using json = nlohmann::json;

// The SELECT a query's rows come from: the left side of a set operation.
const pg_query::SelectStmt* leftmost(const pg_query::SelectStmt& s) {
  const pg_query::SelectStmt* out = &s;
  while (out->op() != pg_query::SETOP_NONE && out->has_larg()) out = &out->larg();
  return out;
}

std::set<std::string> cte_names(google::protobuf::Message& tree) {
  std::set<std::string> out;
  sql::walk_nodes(tree, [&](pg_query::Node& n) {
    if (n.has_common_table_expr()) out.insert(n.common_table_expr().ctename());
  });
  return out;
}

std::string last_field(const pg_query::ColumnRef& c) {
  if (c.fields_size() == 0) return "";
  const auto& f = c.fields(c.fields_size() - 1);
  return f.has_a_star() ? "*" : f.has_string() ? f.string().sval() : "";
}

// The name PostgreSQL gives a select-list entry.
std::string output_name(const pg_query::ResTarget& t) {
  if (!t.name().empty()) return t.name();
  if (t.val().has_column_ref()) return last_field(t.val().column_ref());
  if (t.val().has_func_call() && t.val().func_call().funcname_size() > 0)
    return t.val().func_call().funcname(t.val().func_call().funcname_size() - 1).string().sval();
  return "?column?";
}

// SQL text of one expression.
std::string expression_sql(const pg_query::Node& e) {
  pg_query::Node statement;
  auto* target = statement.mutable_select_stmt()->add_target_list()->mutable_res_target();
  *target->mutable_val() = e;
  std::string text = sql::deparse_statement(statement);
  return text.rfind("SELECT ", 0) == 0 ? text.substr(7) : text;
}

// The relations of a FROM clause by the name column references qualify them with; a
// subquery, function or CTE maps to nullopt (its columns are not a relation's).
void from_relations(const pg_query::Node& item, const std::set<std::string>& ctes,
                    std::map<std::string, std::optional<RelationRef>>& out) {
  if (item.has_range_var()) {
    const auto& rv = item.range_var();
    std::string alias = rv.has_alias() ? rv.alias().aliasname() : rv.relname();
    if (rv.schemaname().empty() && ctes.count(rv.relname())) out[alias] = std::nullopt;
    else out[alias] = RelationRef{rv.schemaname(), rv.relname()};
  } else if (item.has_join_expr()) {
    from_relations(item.join_expr().larg(), ctes, out);
    from_relations(item.join_expr().rarg(), ctes, out);
  } else if (item.has_range_subselect() && item.range_subselect().has_alias()) {
    out[item.range_subselect().alias().aliasname()] = std::nullopt;
  } else if (item.has_range_function() && item.range_function().has_alias()) {
    out[item.range_function().alias().aliasname()] = std::nullopt;
  }
}

std::vector<ColumnLineage> lineage(pg_query::SelectStmt& top, const std::set<std::string>& ctes) {
  std::vector<ColumnLineage> out;
  const pg_query::SelectStmt& s = *leftmost(top);
  std::map<std::string, std::optional<RelationRef>> relations;
  for (const auto& item : s.from_clause()) from_relations(item, ctes, relations);
  std::optional<RelationRef> only;
  if (relations.size() == 1) only = relations.begin()->second;
  for (const auto& node : s.target_list()) {
    if (!node.has_res_target()) continue;
    const auto& t = node.res_target();
    ColumnLineage column{output_name(t), {}};
    pg_query::Node value = t.val();
    std::set<std::pair<RelationRef, std::string>> seen;
    auto add = [&](const pg_query::ColumnRef& c) {
      std::string name = last_field(c);
      std::optional<RelationRef> from = only;
      if (c.fields_size() >= 2 && c.fields(c.fields_size() - 2).has_string()) {
        auto it = relations.find(c.fields(c.fields_size() - 2).string().sval());
        from = it == relations.end() ? std::nullopt : it->second;
      }
      if (from && seen.insert({*from, name}).second) column.from.emplace_back(*from, name);
    };
    if (value.has_column_ref()) add(value.column_ref());
    sql::walk_nodes(value, [&](pg_query::Node& n) {
      if (n.has_column_ref()) add(n.column_ref());
    });
    out.push_back(std::move(column));
  }
  return out;
}

// DuckDB's parse tree: the base tables it names (CTEs aside), and the tree without positions.
void duck_tables(json& node, std::set<std::string>& ctes, std::vector<RelationRef>& out) {
  if (node.is_object()) {
    node.erase("query_location");
    if (node.contains("cte_map") && node["cte_map"].contains("map")) {
      for (const auto& entry : node["cte_map"]["map"])
        if (entry.contains("key") && entry["key"].is_string()) ctes.insert(entry["key"].get<std::string>());
    }
    // "type" is also a constant's type (an object): only a string names a node's kind.
    auto kind = node.find("type");
    if (kind != node.end() && kind->is_string() && *kind == "BASE_TABLE" && node.contains("table_name")) {
      RelationRef r{node.value("schema_name", ""), node.value("table_name", "")};
      if (!(r.schema.empty() && ctes.count(r.name)) && std::find(out.begin(), out.end(), r) == out.end())
        out.push_back(r);
    }
    for (auto& [k, v] : node.items()) duck_tables(v, ctes, out);
  } else if (node.is_array()) {
    for (auto& v : node) duck_tables(v, ctes, out);
  }
}

}  // namespace

QueryAnalysis analyze_query(const std::string& text, const std::string& dialect, const DuckParse& duck_parse) {
  auto parts = sql::split_statements(text);
  if (parts.size() != 1) throw std::invalid_argument("a model's SQL is one query (it has " + std::to_string(parts.size()) + " statements)");
  sql::Statement statement = sql::analyze(parts[0]);
  QueryAnalysis out;
  if (statement.tree) {
    const pg_query::Node* root = sql::root_node(statement);
    if (!root || !root->has_select_stmt() || root->select_stmt().has_into_clause())
      throw std::invalid_argument("a model's SQL is a query (SELECT, WITH … SELECT, VALUES), not " + statement.tag);
    out.postgres = true;
    for (const auto& need : sql::analyze_access(statement).needs) {
      if (need.privilege != sql::Privilege::kSelect || need.table.empty()) continue;
      RelationRef r{need.schema, need.table};
      if (std::find(out.reads.begin(), out.reads.end(), r) == out.reads.end()) out.reads.push_back(r);
    }
    pg_query::ParseResult tree = *statement.tree;
    std::set<std::string> ctes = cte_names(tree);
    out.columns = lineage(*tree.mutable_stmts(0)->mutable_stmt()->mutable_select_stmt(), ctes);
    out.fingerprint_basis = sql::deparse(*statement.tree);  // PostgreSQL's canonical text
    return out;
  }
  if (dialect != "duckdb") {
    throw std::invalid_argument("syntax error: " + statement.parse_error.message +
                                " (a model in DuckDB's dialect says \"dialect\": \"duckdb\")");
  }
  json tree = duck_parse(text);
  if (tree.value("error", false)) throw std::invalid_argument(tree.value("error_message", std::string("syntax error")));
  std::set<std::string> ctes;
  duck_tables(tree, ctes, out.reads);
  out.fingerprint_basis = tree.dump();
  return out;
}

std::string fingerprint(const QueryAnalysis& analysis, const std::string& materialization,
                        const std::string& incremental_key, std::vector<std::string> unique_key) {
  std::sort(unique_key.begin(), unique_key.end());
  json basis = {analysis.fingerprint_basis, materialization, incremental_key, unique_key};
  return sha256_hex(basis.dump());
}

std::string executable_sql(const std::string& text,
                           const std::function<std::optional<RelationRef>(const RelationRef&)>& resolve,
                           const std::optional<Narrowing>& narrow) {
  auto tree = sql::parse(text);
  if (!tree || tree->stmts_size() != 1) return text;
  std::set<std::string> ctes = cte_names(*tree);
  sql::walk_range_vars(*tree, [&](pg_query::RangeVar& rv) {
    if (rv.schemaname().empty() && ctes.count(rv.relname())) return;
    auto to = resolve({rv.schemaname(), rv.relname()});
    if (!to) return;
    if (!rv.has_alias() && to->name != rv.relname()) rv.mutable_alias()->set_aliasname(rv.relname());
    rv.clear_catalogname();
    rv.set_schemaname(to->schema);
    rv.set_relname(to->name);
  });
  if (narrow) {
    auto* s = tree->mutable_stmts(0)->mutable_stmt()->mutable_select_stmt();
    if (s->op() == pg_query::SETOP_NONE && s->from_clause_size() == 1 && s->from_clause(0).has_range_var()) {
      const auto& rv = s->from_clause(0).range_var();
      pg_query::Node column;
      auto* ref = column.mutable_column_ref();
      ref->add_fields()->mutable_string()->set_sval(rv.has_alias() ? rv.alias().aliasname() : rv.relname());
      ref->add_fields()->mutable_string()->set_sval(narrow->column);
      pg_query::Node literal;
      literal.mutable_a_const()->mutable_sval()->set_sval(narrow->literal);
      pg_query::Node condition = sql::make_operator(">=", std::move(column), std::move(literal));
      if (s->has_where_clause()) {
        pg_query::Node both;
        auto* b = both.mutable_bool_expr();
        b->set_boolop(pg_query::AND_EXPR);
        *b->add_args() = s->where_clause();
        *b->add_args() = std::move(condition);
        *s->mutable_where_clause() = std::move(both);
      } else {
        *s->mutable_where_clause() = std::move(condition);
      }
    }
  }
  return sql::deparse(*tree);
}

std::optional<GroupedIncrement> grouped_increment(const std::string& text, const std::string& incremental_key,
                                                  const std::vector<std::string>& unique_key) {
  auto tree = sql::parse(text);
  if (!tree || tree->stmts_size() != 1 || !tree->stmts(0).stmt().has_select_stmt()) return std::nullopt;
  const auto& s = tree->stmts(0).stmt().select_stmt();
  if (s.op() != pg_query::SETOP_NONE || s.from_clause_size() != 1 || !s.from_clause(0).has_range_var() ||
      s.group_clause_size() == 0 || s.distinct_clause_size() > 0 || s.window_clause_size() > 0 ||
      s.has_limit_count() || s.has_limit_offset() || unique_key.empty())
    return std::nullopt;
  const auto& rv = s.from_clause(0).range_var();
  if (s.has_with_clause()) {
    for (const auto& c : s.with_clause().ctes())
      if (rv.schemaname().empty() && c.common_table_expr().ctename() == rv.relname()) return std::nullopt;
  }
  GroupedIncrement out;
  out.relation = {rv.schemaname(), rv.relname()};
  out.alias = rv.has_alias() ? rv.alias().aliasname() : rv.relname();
  // The argument column of an aggregate `name`(c), or empty.
  auto aggregate_of = [](const pg_query::Node& v, const char* name) -> std::string {
    if (!v.has_func_call()) return "";
    const auto& f = v.func_call();
    if (f.funcname_size() != 1 || f.funcname(0).string().sval() != name || f.args_size() != 1 ||
        f.has_over() || f.agg_distinct() || f.has_agg_filter() || !f.args(0).has_column_ref())
      return "";
    return last_field(f.args(0).column_ref());
  };
  const pg_query::ResTarget* key_target = nullptr;
  for (const auto& n : s.target_list())
    if (n.has_res_target() && output_name(n.res_target()) == incremental_key) key_target = &n.res_target();
  if (!key_target) return std::nullopt;
  out.column = aggregate_of(key_target->val(), "max");
  if (out.column.empty() || out.column == "*") return std::nullopt;
  for (const auto& n : s.target_list()) {
    if (n.has_res_target() && aggregate_of(n.res_target().val(), "min") == out.column)
      out.min_output = output_name(n.res_target());
  }
  if (out.min_output.empty()) return std::nullopt;
  for (const std::string& k : unique_key) {
    int index = 0, found = -1;
    for (const auto& n : s.target_list()) {
      ++index;
      if (n.has_res_target() && output_name(n.res_target()) == k) found = index;
    }
    if (found < 0) return std::nullopt;
    const pg_query::Node& value = s.target_list(found - 1).res_target().val();
    bool grouped = false;
    for (const auto& g : s.group_clause()) {
      if (sql::same_expression(g, value) ||
          (g.has_a_const() && g.a_const().has_ival() && g.a_const().ival().ival() == found) ||
          (g.has_column_ref() && g.column_ref().fields_size() == 1 && last_field(g.column_ref()) == k))
        grouped = true;
    }
    if (!grouped) return std::nullopt;
    out.key_expressions.push_back(expression_sql(value));
  }
  if (s.has_where_clause()) out.where = expression_sql(s.where_clause());
  return out;
}

}  // namespace ducklings::modeling
