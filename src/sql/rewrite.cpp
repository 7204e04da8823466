#include "sql/rewrite.h"

#include "sql/tree_walk.h"

namespace ducklings::sql {
namespace {

bool is_operator(const pg_query::A_Expr& e, const char* op) {
  return e.kind() == pg_query::AEXPR_OP && e.name_size() >= 1 &&
         e.name(e.name_size() - 1).has_string() && e.name(e.name_size() - 1).string().sval() == op;
}

bool names_type(const pg_query::TypeName& t, const char* name) {
  return t.names_size() >= 1 && t.names(t.names_size() - 1).has_string() &&
         t.names(t.names_size() - 1).string().sval() == name;
}

// PostgreSQL's bytea input text ("\x00ff" hex or the escape format) as DuckDB's BLOB literal
// text, which spells every byte as \xNN.
bool bytea_literal_for_duckdb(const std::string& pg, std::string& out) {
  static const char digits[] = "0123456789ABCDEF";
  std::string bytes;
  if (pg.size() >= 2 && pg[0] == '\\' && pg[1] == 'x') {
    std::string hex;
    for (size_t i = 2; i < pg.size(); ++i) {
      if (!std::isspace(static_cast<unsigned char>(pg[i]))) hex.push_back(pg[i]);
    }
    if (hex.size() % 2) return false;
    for (size_t i = 0; i < hex.size(); i += 2) {
      auto v = [](char c) {
        return std::isdigit(static_cast<unsigned char>(c)) ? c - '0' : std::tolower(c) - 'a' + 10;
      };
      if (!std::isxdigit(static_cast<unsigned char>(hex[i])) ||
          !std::isxdigit(static_cast<unsigned char>(hex[i + 1]))) {
        return false;
      }
      bytes.push_back(static_cast<char>(v(hex[i]) * 16 + v(hex[i + 1])));
    }
  } else {
    for (size_t i = 0; i < pg.size(); ++i) {
      if (pg[i] != '\\') {
        bytes.push_back(pg[i]);
      } else if (i + 1 < pg.size() && pg[i + 1] == '\\') {
        bytes.push_back('\\');
        ++i;
      } else if (i + 3 < pg.size() && pg[i + 1] >= '0' && pg[i + 1] <= '3') {
        bytes.push_back(static_cast<char>((pg[i + 1] - '0') * 64 + (pg[i + 2] - '0') * 8 + (pg[i + 3] - '0')));
        i += 3;
      } else {
        return false;
      }
    }
  }
  out.clear();
  for (unsigned char c : bytes) {
    out += "\\x";
    out.push_back(digits[c >> 4]);
    out.push_back(digits[c & 15]);
  }
  return true;
}

// Expression-level rewrites anywhere in the tree; returns whether anything changed.
bool rewrite_expressions(pg_query::ParseResult& tree) {
  bool changed = false;
  walk_nodes(tree, [&](pg_query::Node& n) {
    if (n.has_a_expr() && (is_operator(n.a_expr(), "/") || is_operator(n.a_expr(), "%")) &&
        n.a_expr().has_lexpr() && n.a_expr().has_rexpr()) {
      // PostgreSQL raises division_by_zero where DuckDB returns NULL; the session's macros
      // (see kSessionSetup) keep PostgreSQL's semantics.
      bool div = is_operator(n.a_expr(), "/");
      pg_query::FuncCall call;
      call.add_funcname()->mutable_string()->set_sval(div ? "__duckgres_div" : "__duckgres_mod");
      *call.add_args() = n.a_expr().lexpr();
      *call.add_args() = n.a_expr().rexpr();
      call.set_funcformat(pg_query::COERCE_EXPLICIT_CALL);
      call.set_location(n.a_expr().location());
      *n.mutable_func_call() = std::move(call);
      changed = true;
    } else if (n.has_type_cast() && n.type_cast().has_type_name() &&
               names_type(n.type_cast().type_name(), "bytea") && n.type_cast().has_arg() &&
               n.type_cast().arg().has_a_const() && n.type_cast().arg().a_const().has_sval()) {
      std::string duck;
      auto* sval = n.mutable_type_cast()->mutable_arg()->mutable_a_const()->mutable_sval();
      if (sval->sval().rfind("\\x", 0) == 0 || sval->sval().find('\\') != std::string::npos) {
        if (bytea_literal_for_duckdb(sval->sval(), duck) && duck != sval->sval()) {
          sval->set_sval(duck);
          changed = true;
        }
      }
    }
  });
  return changed;
}

}  // namespace

// PostgreSQL's name for an unnamed result column (FigureColname in parse_target.c).
std::string figure_colname(const pg_query::Node& n) {
  using N = pg_query::Node;
  switch (n.node_case()) {
    case N::kColumnRef: {
      const auto& f = n.column_ref().fields();
      if (!f.empty() && f[f.size() - 1].has_string()) return f[f.size() - 1].string().sval();
      return "?column?";
    }
    case N::kAIndirection: {
      const auto& ind = n.a_indirection().indirection();
      for (int i = ind.size() - 1; i >= 0; --i) {
        if (ind[i].has_string()) return ind[i].string().sval();
      }
      return n.a_indirection().has_arg() ? figure_colname(n.a_indirection().arg()) : "?column?";
    }
    case N::kFuncCall: {
      const auto& f = n.func_call().funcname();
      return f.empty() ? "?column?" : f[f.size() - 1].string().sval();
    }
    case N::kAExpr:
      return n.a_expr().kind() == pg_query::AEXPR_NULLIF ? "nullif" : "?column?";
    case N::kTypeCast: {
      std::string inner = n.type_cast().has_arg() ? figure_colname(n.type_cast().arg()) : "?column?";
      if (inner != "?column?") return inner;
      const auto& names = n.type_cast().type_name().names();
      return names.empty() ? inner : names[names.size() - 1].string().sval();
    }
    case N::kCollateClause:
      return n.collate_clause().has_arg() ? figure_colname(n.collate_clause().arg()) : "?column?";
    case N::kCaseExpr: return "case";
    case N::kAArrayExpr: return "array";
    case N::kRowExpr: return "row";
    case N::kCoalesceExpr: return "coalesce";
    case N::kMinMaxExpr:
      return n.min_max_expr().op() == pg_query::IS_GREATEST ? "greatest" : "least";
    case N::kGroupingFunc: return "grouping";
    case N::kSqlvalueFunction: {
      switch (n.sqlvalue_function().op()) {
        case pg_query::SVFOP_CURRENT_DATE: return "current_date";
        case pg_query::SVFOP_CURRENT_TIME:
        case pg_query::SVFOP_CURRENT_TIME_N: return "current_time";
        case pg_query::SVFOP_CURRENT_TIMESTAMP:
        case pg_query::SVFOP_CURRENT_TIMESTAMP_N: return "current_timestamp";
        case pg_query::SVFOP_LOCALTIME:
        case pg_query::SVFOP_LOCALTIME_N: return "localtime";
        case pg_query::SVFOP_LOCALTIMESTAMP:
        case pg_query::SVFOP_LOCALTIMESTAMP_N: return "localtimestamp";
        case pg_query::SVFOP_CURRENT_ROLE: return "current_role";
        case pg_query::SVFOP_CURRENT_USER: return "current_user";
        case pg_query::SVFOP_USER: return "user";
        case pg_query::SVFOP_SESSION_USER: return "session_user";
        case pg_query::SVFOP_CURRENT_CATALOG: return "current_catalog";
        case pg_query::SVFOP_CURRENT_SCHEMA: return "current_schema";
        default: return "?column?";
      }
    }
    case N::kSubLink: {
      const auto& sl = n.sub_link();
      if (sl.sub_link_type() == pg_query::EXISTS_SUBLINK) return "exists";
      if (sl.sub_link_type() == pg_query::ARRAY_SUBLINK) return "array";
      if (sl.sub_link_type() == pg_query::EXPR_SUBLINK && sl.has_subselect() &&
          sl.subselect().has_select_stmt()) {
        const auto& t = sl.subselect().select_stmt().target_list();
        if (t.size() == 1 && t[0].has_res_target()) {
          if (!t[0].res_target().name().empty()) return t[0].res_target().name();
          if (t[0].res_target().has_val()) return figure_colname(t[0].res_target().val());
        }
      }
      return "?column?";
    }
    default: return "?column?";
  }
}

// Names every unnamed result column as PostgreSQL would, where DuckDB would name it otherwise.
bool name_result_columns(pg_query::SelectStmt& select) {
  if (select.has_larg()) return name_result_columns(*select.mutable_larg());  // UNION etc.
  bool changed = false;
  for (auto& target : *select.mutable_target_list()) {
    if (!target.has_res_target()) continue;
    auto* rt = target.mutable_res_target();
    if (!rt->name().empty() || !rt->has_val() || rt->val().has_column_ref()) continue;
    rt->set_name(figure_colname(rt->val()));
    changed = true;
  }
  return changed;
}

const char* const kSessionSetup =
    "CREATE OR REPLACE TEMP MACRO __duckgres_div(a, b) AS "
    "CASE WHEN b = 0 THEN error('division by zero') ELSE a / b END;"
    "CREATE OR REPLACE TEMP MACRO __duckgres_mod(a, b) AS "
    "CASE WHEN b = 0 THEN error('division by zero') ELSE a % b END;"
    // Clients parse version() for "PostgreSQL <major>.<minor>"; it still names both engines.
    "CREATE OR REPLACE TEMP MACRO version() AS (SELECT 'PostgreSQL 15.0 on x86_64-pc-linux-gnu, "
    "duckgres (DuckDB ' || library_version || ')' FROM pragma_version());";

std::vector<std::string> rewrite_for_duckdb(const Statement& s) {
  const pg_query::Node* root = root_node(s);
  if (!root) return {};
  if (s.kind == StatementKind::kQuery || s.kind == StatementKind::kInsert ||
      s.kind == StatementKind::kUpdate || s.kind == StatementKind::kDelete ||
      root->has_create_table_as_stmt() || root->has_view_stmt()) {
    pg_query::ParseResult tree = *s.tree;
    // Column names first: they come from the expressions as the client wrote them.
    bool changed = false;
    pg_query::Node* top = tree.mutable_stmts(0)->mutable_stmt();
    if (top->has_select_stmt()) changed = name_result_columns(*top->mutable_select_stmt());
    changed = rewrite_expressions(tree) || changed;
    if (changed) return {deparse(tree)};
    return {};
  }
  switch (root->node_case()) {
    case pg_query::Node::kDropStmt: {
      // DuckDB drops one object per statement.
      const auto& drop = root->drop_stmt();
      if (drop.objects_size() <= 1) return {};
      std::vector<std::string> out;
      for (const auto& object : drop.objects()) {
        pg_query::Node one = *root;
        auto* d = one.mutable_drop_stmt();
        d->clear_objects();
        *d->add_objects() = object;
        out.push_back(deparse_statement(one));
      }
      return out;
    }
    case pg_query::Node::kTruncateStmt: {
      const auto& t = root->truncate_stmt();
      if (t.relations_size() <= 1) return {};
      std::vector<std::string> out;
      for (const auto& rel : t.relations()) {
        pg_query::Node one = *root;
        auto* d = one.mutable_truncate_stmt();
        d->clear_relations();
        *d->add_relations() = rel;
        out.push_back(deparse_statement(one));
      }
      return out;
    }
    case pg_query::Node::kCreateStmt: {
      // Storage parameters (WITH (fillfactor=…)) and tablespaces mean nothing to DuckDB.
      const auto& c = root->create_stmt();
      if (c.options_size() == 0 && c.tablespacename().empty()) return {};
      pg_query::Node copy = *root;
      copy.mutable_create_stmt()->clear_options();
      copy.mutable_create_stmt()->clear_tablespacename();
      return {deparse_statement(copy)};
    }
    default: return {};
  }
}

}  // namespace ducklings::sql
