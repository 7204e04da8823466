#include "sql/catalog_constraints.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <optional>
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
  std::optional<std::pair<std::string, std::string>> definition;  // a CHECK's, plain and pretty
};

}  // namespace

// ---- CHECK constraints as pg_get_constraintdef prints them --------------------------------

namespace {

// A column's or value's type as PostgreSQL names it in a cast ("" when not known).
std::string pg_type_of_column(const pg_query::TypeName& tn) {
  if (tn.array_bounds_size() > 0 || tn.names_size() == 0) return "";
  std::string n = string_of(tn.names(tn.names_size() - 1));
  if (n == "int4" || n == "int" || n == "integer" || n == "serial" || n == "serial4") return "integer";
  if (n == "int8" || n == "bigint" || n == "bigserial" || n == "serial8") return "bigint";
  if (n == "int2" || n == "smallint" || n == "smallserial" || n == "serial2") return "smallint";
  if (n == "numeric" || n == "decimal") return "numeric";
  if (n == "float8") return "double precision";
  if (n == "float4") return "real";
  if (n == "text") return "text";
  if (n == "varchar") return "character varying";
  if (n == "bpchar") return "bpchar";
  if (n == "bool") return "boolean";
  if (n == "date") return "date";
  if (n == "timestamp") return "timestamp without time zone";
  if (n == "timestamptz") return "timestamp with time zone";
  return "";
}

bool is_integer_type(const std::string& t) { return t == "integer" || t == "bigint" || t == "smallint"; }

// One deparsed operand: its text, its type, whether it is an untyped string literal, and
// whether it is an operator expression (which pretty printing parenthesizes as an operand).
struct Part {
  std::string text;
  std::string type;
  bool unknown_literal = false;
  bool op = false;
  bool negative = false;  // an integer or numeric constant below zero
};

class CheckDeparser {
 public:
  CheckDeparser(const std::map<std::string, std::string>& columns, bool pretty) : columns_(columns), pretty_(pretty) {}

  std::optional<Part> expr(const pg_query::Node& n) {
    if (n.has_column_ref()) {
      const auto& f = n.column_ref().fields();
      if (f.size() != 1 || !f[0].has_string()) return std::nullopt;
      std::string name = f[0].string().sval();
      auto it = columns_.find(name);
      if (it == columns_.end() || it->second.empty()) return std::nullopt;
      return Part{ident(name), it->second};
    }
    if (n.has_a_const()) return constant(n.a_const());
    if (n.has_a_expr()) return operation(n.a_expr());
    if (n.has_bool_expr()) return boolean(n.bool_expr());
    if (n.has_null_test()) {
      auto arg = expr(n.null_test().arg());
      if (!arg) return std::nullopt;
      std::string text = operand(*arg) + (n.null_test().nulltesttype() == pg_query::IS_NULL ? " IS NULL" : " IS NOT NULL");
      return Part{wrap(text), "boolean", false, true};
    }
    if (n.has_func_call()) return function(n.func_call());
    return std::nullopt;
  }

 private:
  static std::string ident(const std::string& name) {
    bool plain = !name.empty() && (std::islower(static_cast<unsigned char>(name[0])) || name[0] == '_');
    for (char c : name) {
      if (!(std::islower(static_cast<unsigned char>(c)) || std::isdigit(static_cast<unsigned char>(c)) || c == '_')) plain = false;
    }
    return plain ? name : quote_identifier(name);
  }
  std::string wrap(const std::string& text) const { return pretty_ ? text : "(" + text + ")"; }
  // An operator expression as an operand of another: parenthesized when pretty (non-pretty
  // ones carry their own parentheses).
  std::string operand(const Part& p) const { return pretty_ && p.op ? "(" + p.text + ")" : p.text; }
  std::string cast(const Part& p, const std::string& type) const {
    if (p.negative || p.unknown_literal) return p.text + "::" + type;  // '-1'::integer, 'x'::text
    if (p.op || !pretty_) return "(" + p.text + ")::" + type;
    return p.text + "::" + type;
  }

  std::optional<Part> constant(const pg_query::A_Const& c) {
    if (c.has_ival()) {
      long v = c.ival().ival();
      if (v < 0) return Part{"'" + std::to_string(v) + "'::integer", "integer", false, false, true};
      return Part{std::to_string(v), "integer"};
    }
    if (c.has_fval()) {
      std::string v = c.fval().fval();
      bool integral = v.find_first_not_of("-0123456789") == std::string::npos;
      std::string type = integral ? "bigint" : "numeric";
      if (!v.empty() && v[0] == '-') return Part{"'" + v + "'::" + type, type, false, false, true};
      return Part{v, type};
    }
    if (c.has_sval()) return Part{quote_literal(c.sval().sval()), "", true};
    if (c.has_boolval()) return Part{c.boolval().boolval() ? "true" : "false", "boolean"};
    return std::nullopt;
  }

  // Both sides of a comparison or arithmetic in PostgreSQL's types: a string literal takes the
  // other side's type, an integer meets a numeric or float as one, varchar compares as text.
  bool coerce(Part& l, Part& r) {
    auto text_like = [](const std::string& t) { return t == "character varying" || t == "bpchar"; };
    if (l.unknown_literal && r.unknown_literal) return false;
    if (l.unknown_literal || r.unknown_literal) {
      Part& lit = l.unknown_literal ? l : r;
      Part& other = l.unknown_literal ? r : l;
      if (other.type.empty()) return false;
      std::string type = text_like(other.type) ? "text" : other.type;
      if (text_like(other.type)) other.text = cast(other, "text"), other.type = "text", other.op = false;
      lit.text = cast(lit, type);
      lit.type = type;
      lit.unknown_literal = false;
      return true;
    }
    if (l.type == r.type || (is_integer_type(l.type) && is_integer_type(r.type))) return true;
    if (text_like(l.type) && (r.type == "text" || text_like(r.type))) {
      l.text = cast(l, "text"), l.type = "text", l.op = false;
      if (text_like(r.type)) r.text = cast(r, "text"), r.type = "text", r.op = false;
      return true;
    }
    if (text_like(r.type) && l.type == "text") {
      r.text = cast(r, "text"), r.type = "text", r.op = false;
      return true;
    }
    for (const char* wide : {"numeric", "double precision", "real"}) {
      if (l.type == wide && is_integer_type(r.type)) {
        r.text = cast(r, wide), r.type = wide, r.op = false;
        return true;
      }
      if (r.type == wide && is_integer_type(l.type)) {
        l.text = cast(l, wide), l.type = wide, l.op = false;
        return true;
      }
    }
    if (l.type == "double precision" && r.type == "numeric") {
      r.text = cast(r, "double precision"), r.type = l.type, r.op = false;
      return true;
    }
    if (r.type == "double precision" && l.type == "numeric") {
      l.text = cast(l, "double precision"), l.type = r.type, l.op = false;
      return true;
    }
    return false;
  }

  std::optional<Part> binary(const std::string& op, Part l, Part r) {
    static const std::set<std::string> comparisons = {"=", "<>", "<", ">", "<=", ">="};
    static const std::set<std::string> arithmetic = {"+", "-", "*", "/", "%"};
    bool compare = comparisons.count(op) > 0;
    if (!compare && !arithmetic.count(op)) return std::nullopt;
    if (!coerce(l, r)) return std::nullopt;
    std::string type = compare ? "boolean" : l.type;
    if (!compare && l.type != r.type) type = l.type == "bigint" || r.type == "bigint" ? "bigint" : l.type;
    return Part{wrap(operand(l) + " " + (op == "!=" ? "<>" : op) + " " + operand(r)), type, false, true};
  }

  std::optional<Part> operation(const pg_query::A_Expr& a) {
    if (a.name_size() != 1 || !a.name(0).has_string()) return std::nullopt;
    std::string op = a.name(0).string().sval();
    if (op == "!=") op = "<>";
    if (a.kind() == pg_query::AEXPR_OP) {
      if (!a.has_lexpr() || !a.has_rexpr()) return std::nullopt;
      auto l = expr(a.lexpr()), r = expr(a.rexpr());
      if (!l || !r) return std::nullopt;
      return binary(op, *l, *r);
    }
    if (a.kind() == pg_query::AEXPR_BETWEEN && a.rexpr().has_list() && a.rexpr().list().items_size() == 2) {
      auto x = expr(a.lexpr()), lo = expr(a.rexpr().list().items(0)), hi = expr(a.rexpr().list().items(1));
      if (!x || !lo || !hi) return std::nullopt;
      auto low = binary(">=", *x, *lo), high = binary("<=", *x, *hi);
      if (!low || !high) return std::nullopt;
      return Part{wrap(low->text + " AND " + high->text), "boolean", false, true};
    }
    if (a.kind() == pg_query::AEXPR_IN && op == "=" && a.rexpr().has_list()) {
      auto x = expr(a.lexpr());
      if (!x || x->type.empty()) return std::nullopt;
      bool varchar = x->type == "character varying";
      std::vector<std::string> items;
      for (const auto& item : a.rexpr().list().items()) {
        auto v = expr(item);
        if (!v) return std::nullopt;
        if (v->unknown_literal) {
          v->text = v->text + "::" + x->type;
        } else if (v->type != x->type && !(is_integer_type(v->type) && is_integer_type(x->type))) {
          return std::nullopt;
        }
        items.push_back(v->text);
      }
      std::string array = "ARRAY[";
      for (size_t i = 0; i < items.size(); ++i) array += (i ? ", " : "") + items[i];
      array += "]";
      std::string left = x->text;
      if (varchar) {
        left = cast(*x, "text");
        array = pretty_ ? array + "::text[]" : "(" + array + ")::text[]";
      }
      return Part{wrap(left + " = ANY (" + array + ")"), "boolean", false, true};
    }
    return std::nullopt;
  }

  std::optional<Part> boolean(const pg_query::BoolExpr& b) {
    if (b.boolop() == pg_query::NOT_EXPR) return std::nullopt;
    const char* word = b.boolop() == pg_query::AND_EXPR ? " AND " : " OR ";
    std::string text;
    for (const auto& arg : b.args()) {
      auto p = expr(arg);
      if (!p || p->type != "boolean") return std::nullopt;
      // Pretty: a nested AND/OR keeps its parentheses, and so does x = ANY (…) (ruleutils'
      // isSimpleNode), a comparison needs none.
      bool nested = arg.has_bool_expr() || (arg.has_a_expr() && arg.a_expr().kind() == pg_query::AEXPR_IN);
      text += (text.empty() ? "" : word) + (pretty_ && nested ? "(" + p->text + ")" : p->text);
    }
    return Part{wrap(text), "boolean", false, true};
  }

  std::optional<Part> function(const pg_query::FuncCall& f) {
    if (f.funcname_size() != 1 || f.agg_star() || f.has_over() || f.args_size() != 1) return std::nullopt;
    std::string name = string_of(f.funcname(0));
    std::string type;
    if (name == "length" || name == "char_length") type = "integer";
    if (name == "lower" || name == "upper" || name == "btrim" || name == "trim") type = "text";
    if (name == "abs") type = "?";
    if (type.empty()) return std::nullopt;
    auto arg = expr(f.args(0));
    if (!arg || arg->unknown_literal) return std::nullopt;
    if (type == "?") {
      type = arg->type;
    } else if (arg->type == "character varying" || arg->type == "bpchar") {
      arg->text = cast(*arg, "text");
    } else if (arg->type != "text") {
      return std::nullopt;
    }
    return Part{name + "(" + arg->text + ")", type};
  }

  const std::map<std::string, std::string>& columns_;
  bool pretty_;
};

}  // namespace

namespace {

std::map<std::string, std::string> column_types(const pg_query::CreateStmt& create) {
  std::map<std::string, std::string> columns;
  for (const auto& elt : create.table_elts()) {
    if (elt.has_column_def() && elt.column_def().has_type_name()) {
      columns[elt.column_def().colname()] = pg_type_of_column(elt.column_def().type_name());
    }
  }
  return columns;
}

}  // namespace

std::optional<std::pair<std::string, std::string>> expression_definition(const pg_query::CreateStmt& create,
                                                                         const pg_query::Node& expr) {
  auto columns = column_types(create);
  CheckDeparser plain(columns, false), pretty(columns, true);
  auto p = plain.expr(expr), q = pretty.expr(expr);
  if (!p || !q) return std::nullopt;
  return std::make_pair(p->text, q->text);
}

std::optional<std::pair<std::string, std::string>> check_definition(const pg_query::CreateStmt& create,
                                                                    const pg_query::Node& expr) {
  auto columns = column_types(create);
  CheckDeparser plain(columns, false), pretty(columns, true);
  auto p = plain.expr(expr), q = pretty.expr(expr);
  if (!p || !q || p->type != "boolean") return std::nullopt;
  return std::make_pair("CHECK (" + p->text + ")", "CHECK (" + q->text + ")");
}

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
      n.definition = check_definition(create, c.raw_expr());
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
                  std::to_string(position) + ", " + quote_literal(name) + ", " +
                  (c.definition ? quote_literal(c.definition->first) + ", " + quote_literal(c.definition->second)
                                : std::string("NULL, NULL")) + ")");
  }
  return out;
}

std::string forget_constraint_names(const std::string& schema, const std::string& table) {
  return "DELETE FROM duckgres_meta.constraint_names WHERE schema_name = " + quote_literal(schema) +
         " AND table_name = " + quote_literal(table);
}

}  // namespace ducklings::sql
