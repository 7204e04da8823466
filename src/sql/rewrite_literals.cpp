#include "sql/rewrite_literals.h"

#include <string>
#include <utility>
#include <vector>

#include "common/errors.h"
#include "sql/tree_walk.h"

namespace ducklings::sql {
// PostgreSQL's name for an unnamed result column (sql/rewrite.cpp).
std::string figure_colname(const pg_query::Node& n);

namespace {

std::string last_name_of(const google::protobuf::RepeatedPtrField<pg_query::Node>& names) {
  if (names.empty() || !names[names.size() - 1].has_string()) return {};
  return names[names.size() - 1].string().sval();
}

std::string operator_of(const pg_query::A_Expr& e) { return last_name_of(e.name()); }

pg_query::Node call(const char* name, std::vector<pg_query::Node> args, int location) {
  pg_query::Node out;
  auto* f = out.mutable_func_call();
  f->add_funcname()->mutable_string()->set_sval(name);
  for (auto& a : args) *f->add_args() = std::move(a);
  f->set_funcformat(pg_query::COERCE_EXPLICIT_CALL);
  f->set_location(location);
  return out;
}

pg_query::Node text_const(const std::string& s) {
  pg_query::Node out;
  out.mutable_a_const()->mutable_sval()->set_sval(s);
  return out;
}

pg_query::Node binary(const std::string& op, pg_query::Node l, pg_query::Node r, int location) {
  pg_query::Node out = make_operator(op, std::move(l), std::move(r));
  out.mutable_a_expr()->set_location(location);
  return out;
}

pg_query::Node boolean(pg_query::BoolExprType type, std::vector<pg_query::Node> args, int location) {
  pg_query::Node out;
  auto* b = out.mutable_bool_expr();
  b->set_boolop(type);
  for (auto& a : args) *b->add_args() = std::move(a);
  b->set_location(location);
  return out;
}

pg_query::Node cast_to(pg_query::Node arg, const char* type) {
  pg_query::Node out;
  auto* c = out.mutable_type_cast();
  *c->mutable_arg() = std::move(arg);
  c->mutable_type_name()->add_names()->mutable_string()->set_sval(type);
  return out;
}

bool is_string_const(const pg_query::Node& n) { return n.has_a_const() && n.a_const().has_sval(); }

// x BETWEEN SYMMETRIC a AND b: between a and b whichever is larger (DuckDB has no SYMMETRIC).
// As (x BETWEEN a AND b) OR (x BETWEEN b AND a), which keeps PostgreSQL's NULLs (least()
// and greatest() would skip them).
bool rewrite_between_symmetric(pg_query::Node& n) {
  if (!n.has_a_expr()) return false;
  const auto& e = n.a_expr();
  bool negated = e.kind() == pg_query::AEXPR_NOT_BETWEEN_SYM;
  if ((!negated && e.kind() != pg_query::AEXPR_BETWEEN_SYM) || !e.rexpr().has_list() ||
      e.rexpr().list().items_size() != 2) {
    return false;
  }
  auto between = [&](const pg_query::Node& lo, const pg_query::Node& hi) {
    pg_query::Node out;
    auto* b = out.mutable_a_expr();
    b->set_kind(pg_query::AEXPR_BETWEEN);
    b->add_name()->mutable_string()->set_sval("BETWEEN");
    *b->mutable_lexpr() = e.lexpr();
    *b->mutable_rexpr()->mutable_list()->add_items() = lo;
    *b->mutable_rexpr()->mutable_list()->add_items() = hi;
    b->set_location(e.location());
    return out;
  };
  const auto& a = e.rexpr().list().items(0);
  const auto& b = e.rexpr().list().items(1);
  pg_query::Node either = boolean(pg_query::OR_EXPR, {between(a, b), between(b, a)}, e.location());
  n = negated ? boolean(pg_query::NOT_EXPR, {std::move(either)}, e.location()) : std::move(either);
  return true;
}

// Operators PostgreSQL spells with symbols DuckDB lacks: a # b (xor), |/ x (square root),
// ||/ x (cube root), @ x (absolute value).
bool rewrite_symbol_operator(pg_query::Node& n) {
  if (!n.has_a_expr() || n.a_expr().kind() != pg_query::AEXPR_OP || !n.a_expr().has_rexpr()) return false;
  const auto& e = n.a_expr();
  std::string op = operator_of(e);
  const char* fn = nullptr;
  if (op == "#" && e.has_lexpr()) {
    n = call("xor", {e.lexpr(), e.rexpr()}, e.location());
    return true;
  }
  if (e.has_lexpr()) return false;
  if (op == "|/") fn = "sqrt";
  else if (op == "||/") fn = "cbrt";
  else if (op == "@") fn = "abs";
  if (!fn) return false;
  n = call(fn, {e.rexpr()}, e.location());
  return true;
}

// B'1010' and X'1F': bit strings, which DuckDB reads from text as BIT.
bool rewrite_bit_string(pg_query::Node& n) {
  if (!n.has_a_const() || !n.a_const().has_bsval()) return false;
  std::string v = n.a_const().bsval().bsval();  // "b1010" or "x1F"
  if (v.empty()) return false;
  std::string bits;
  if (v[0] == 'b' || v[0] == 'B') {
    bits = v.substr(1);
  } else {
    for (size_t i = 1; i < v.size(); ++i) {
      char c = static_cast<char>(std::tolower(static_cast<unsigned char>(v[i])));
      int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
      if (d < 0) return false;  // DuckDB reports it
      for (int b = 3; b >= 0; --b) bits.push_back((d >> b) & 1 ? '1' : '0');
    }
  }
  n = cast_to(text_const(bits), "bit");
  return true;
}

// 1.23456789012345678::float8: PostgreSQL reads the digits as a float (correctly rounded);
// DuckDB would go through a DECIMAL and round twice.
bool rewrite_float_literal(pg_query::Node& n) {
  if (!n.has_type_cast() || !n.type_cast().has_arg() || !n.type_cast().arg().has_a_const() ||
      !n.type_cast().arg().a_const().has_fval() || n.type_cast().type_name().array_bounds_size() > 0) {
    return false;
  }
  std::string type = last_name_of(n.type_cast().type_name().names());
  if (type != "float8" && type != "float4") return false;
  std::string digits = n.type_cast().arg().a_const().fval().fval();
  *n.mutable_type_cast()->mutable_arg() = text_const(digits);
  return true;
}

// pg_typeof('x') and pg_typeof(NULL): an untyped literal is of type unknown in PostgreSQL.
bool rewrite_typeof_unknown(pg_query::Node& n) {
  if (!n.has_func_call() || n.func_call().args_size() != 1 ||
      last_name_of(n.func_call().funcname()) != "pg_typeof") {
    return false;
  }
  const auto& arg = n.func_call().args(0);
  if (!arg.has_a_const() || !(arg.a_const().has_sval() || arg.a_const().isnull())) return false;
  n = text_const("unknown");
  return true;
}

// LIKE and ILIKE: PostgreSQL's patterns escape with a backslash unless ESCAPE names another
// character (or '' none); DuckDB's LIKE has no escape character, and ESCAPE reaches it as
// pg_catalog.like_escape(pattern, escape), which DuckDB spells like_escape(text, pattern,
// escape). Constant patterns without a backslash stay plain LIKE (DuckDB optimizes those).
bool rewrite_like_escape(pg_query::Node& n) {
  if (!n.has_a_expr()) return false;
  const auto& e = n.a_expr();
  bool ilike = e.kind() == pg_query::AEXPR_ILIKE;
  if ((!ilike && e.kind() != pg_query::AEXPR_LIKE) || !e.has_lexpr() || !e.has_rexpr()) return false;
  bool negated = operator_of(e).rfind("!", 0) == 0;
  pg_query::Node pattern = e.rexpr();
  pg_query::Node escape = text_const("\\");
  if (pattern.has_func_call() && last_name_of(pattern.func_call().funcname()) == "like_escape" &&
      pattern.func_call().args_size() == 2) {
    escape = pattern.func_call().args(1);
    pg_query::Node inner = pattern.func_call().args(0);  // not assigned from its own child
    pattern = std::move(inner);
    if (is_string_const(escape) && escape.a_const().sval().sval().empty()) {
      // ESCAPE '': no escape character, which is DuckDB's plain LIKE.
      *n.mutable_a_expr()->mutable_rexpr() = std::move(pattern);
      return true;
    }
  } else if (is_string_const(pattern) && pattern.a_const().sval().sval().find('\\') == std::string::npos) {
    return false;
  } else if (pattern.has_a_const()) {
    if (!pattern.a_const().has_sval()) return false;  // NULL
  }
  const char* fn = ilike ? (negated ? "not_ilike_escape" : "ilike_escape")
                         : (negated ? "not_like_escape" : "like_escape");
  n = call(fn, {e.lexpr(), std::move(pattern), std::move(escape)}, e.location());
  return true;
}

// SIMILAR TO's pattern as the regular expression PostgreSQL's similar_to_escape makes of it:
// % is .*, _ is ., ( groups without capturing, . ^ $ and backslashes are literal, an escaped
// character is literal, the whole string must match.
bool similar_to_regex(const std::string& pattern, char escape, std::string& out) {
  out = "^(?:";
  bool in_bracket = false;
  for (size_t i = 0; i < pattern.size(); ++i) {
    char c = pattern[i];
    if (escape && c == escape) {
      if (i + 1 >= pattern.size()) return false;  // PostgreSQL: 2201B
      char next = pattern[++i];
      if (next == '"') return false;  // substring's separators: not for matching here
      out.push_back('\\');
      out.push_back(next);
    } else if (in_bracket) {
      if (c == ']') in_bracket = false;
      if (c == '\\') out.push_back('\\');
      out.push_back(c);
    } else if (c == '[') {
      in_bracket = true;
      out.push_back(c);
      // A ] (or ^]) right after the bracket opens is literal.
      if (i + 1 < pattern.size() && pattern[i + 1] == '^') out.push_back(pattern[++i]);
      if (i + 1 < pattern.size() && pattern[i + 1] == ']') out.push_back(pattern[++i]);
    } else if (c == '%') {
      out += ".*";
    } else if (c == '_') {
      out.push_back('.');
    } else if (c == '(') {
      out += "(?:";
    } else if (c == '\\' || c == '.' || c == '^' || c == '$') {
      out.push_back('\\');
      out.push_back(c);
    } else {
      out.push_back(c);
    }
  }
  out += ")$";
  return true;
}

// x SIMILAR TO 'pattern' [ESCAPE 'c']: DuckDB reads the pattern as a plain regular
// expression; the pattern becomes the regular expression PostgreSQL would make of it.
// Patterns that are not constants cannot be translated here: those are refused.
bool rewrite_similar_to(pg_query::Node& n) {
  if (!n.has_a_expr() || n.a_expr().kind() != pg_query::AEXPR_SIMILAR) return false;
  const auto& e = n.a_expr();
  bool negated = operator_of(e) == "!~";
  const pg_query::Node& r = e.rexpr();
  if (!r.has_func_call() || last_name_of(r.func_call().funcname()) != "similar_to_escape" ||
      r.func_call().args_size() < 1) {
    return false;
  }
  const auto& pattern = r.func_call().args(0);
  char escape = '\\';
  if (r.func_call().args_size() == 2) {
    const auto& esc = r.func_call().args(1);
    if (!is_string_const(esc) || esc.a_const().sval().sval().size() > 1) return false;
    escape = esc.a_const().sval().sval().empty() ? 0 : esc.a_const().sval().sval()[0];
  }
  if (pattern.has_a_const() && pattern.a_const().isnull()) {
    n = cast_to(pattern, "boolean");
    return true;
  }
  std::string regex;
  if (!is_string_const(pattern)) {
    // DuckDB would read the pattern as a plain regular expression: another answer.
    throw SqlError("0A000", "SIMILAR TO with a pattern that is not a constant is not supported",
                   0, "", "Use a constant pattern, or ~ with a regular expression.");
  }
  if (!similar_to_regex(pattern.a_const().sval().sval(), escape, regex)) {
    throw SqlError("2201B", "invalid regular expression: SIMILAR TO pattern ends with or uses an escape "
                            "this server does not translate");
  }
  pg_query::Node match = call("regexp_matches", {e.lexpr(), text_const(regex), text_const("s")}, e.location());
  n = negated ? boolean(pg_query::NOT_EXPR, {std::move(match)}, e.location()) : std::move(match);
  return true;
}

// (a, b) = (c, d) and the other comparisons of two row constructors: PostgreSQL compares
// pairwise (a = c AND b = d, NULL when a pair is NULL and none is false), DuckDB compares
// two structs, where NULL fields are equal. Ordering compares the first pair that differs.
bool rewrite_row_comparison(pg_query::Node& n) {
  if (!n.has_a_expr() || n.a_expr().kind() != pg_query::AEXPR_OP) return false;
  const auto& e = n.a_expr();
  if (!e.lexpr().has_row_expr() || !e.rexpr().has_row_expr() ||
      e.lexpr().row_expr().args_size() != e.rexpr().row_expr().args_size() ||
      e.lexpr().row_expr().args_size() == 0) {
    return false;
  }
  std::string op = operator_of(e);
  const auto& l = e.lexpr().row_expr().args();
  const auto& r = e.rexpr().row_expr().args();
  int loc = e.location();
  int size = l.size();
  if (op == "=" || op == "<>" || op == "!=") {
    std::vector<pg_query::Node> pairs;
    for (int i = 0; i < size; ++i) pairs.push_back(binary(op == "=" ? "=" : "<>", l[i], r[i], loc));
    n = size == 1 ? std::move(pairs[0])
                  : boolean(op == "=" ? pg_query::AND_EXPR : pg_query::OR_EXPR, std::move(pairs), loc);
    return true;
  }
  if (op != "<" && op != "<=" && op != ">" && op != ">=") return false;
  // a < c OR (a = c AND (b < d OR (b = d AND …))), the last pair with the operator itself.
  std::string strict = op.substr(0, 1);
  pg_query::Node out = binary(op, l[size - 1], r[size - 1], loc);
  for (int i = size - 2; i >= 0; --i) {
    pg_query::Node same = boolean(pg_query::AND_EXPR, {binary("=", l[i], r[i], loc), std::move(out)}, loc);
    out = boolean(pg_query::OR_EXPR, {binary(strict, l[i], r[i], loc), std::move(same)}, loc);
  }
  n = std::move(out);
  return true;
}

// cardinality, array_ndims and array_dims count every dimension of a nested array; DuckDB's
// answer for a list of lists would count the outer list (sql/array_functions). array_length,
// array_upper and array_lower are NULL for an empty array (DuckDB: 0).
bool rewrite_array_shape_function(pg_query::Node& n) {
  if (!n.has_func_call() || n.func_call().args_size() < 1 || n.func_call().args_size() > 2) return false;
  const auto& names = n.func_call().funcname();
  if (names.size() > 2 || (names.size() == 2 && names[0].string().sval() != "pg_catalog")) return false;
  std::string name = last_name_of(names);
  bool two = n.func_call().args_size() == 2;
  const char* to = !two && name == "cardinality"   ? "__pg_cardinality"
                   : !two && name == "array_ndims" ? "__pg_array_ndims"
                   : !two && name == "array_dims"  ? "__pg_array_dims"
                   : two && (name == "array_length" || name == "array_upper") ? "__pg_array_length"
                   : two && name == "array_lower" ? "__pg_array_lower"
                                                  : nullptr;
  if (!to) return false;
  auto* f = n.mutable_func_call();
  f->clear_funcname();
  f->add_funcname()->mutable_string()->set_sval(to);
  return true;
}

// SELECT 'ab'::char(5): PostgreSQL prints a character(n) value blank-padded to n. The values
// are stored unpadded (DuckDB has no blank-insensitive comparison), so the padding is added
// where a select list casts to char(n) itself, naming the column as before.
bool pad_char_casts(pg_query::Node& n) {
  if (!n.has_select_stmt()) return false;
  bool changed = false;
  for (auto& target : *n.mutable_select_stmt()->mutable_target_list()) {
    if (!target.has_res_target() || !target.res_target().has_val()) continue;
    const auto& val = target.res_target().val();
    if (!val.has_type_cast()) continue;
    const auto& tn = val.type_cast().type_name();
    std::string type = last_name_of(tn.names());
    if (type != "bpchar" || tn.typmods_size() != 1 || !tn.typmods(0).has_a_const() ||
        !tn.typmods(0).a_const().has_ival() || tn.array_bounds_size() > 0) {
      continue;
    }
    auto* rt = target.mutable_res_target();
    if (rt->name().empty()) rt->set_name(figure_colname(val));
    pg_query::Node length;
    length.mutable_a_const()->mutable_ival()->set_ival(tn.typmods(0).a_const().ival().ival());
    pg_query::Node padded = call("rpad", {val, std::move(length), text_const(" ")}, val.type_cast().location());
    *rt->mutable_val() = std::move(padded);
    changed = true;
  }
  return changed;
}

}  // namespace

bool rewrite_literal(pg_query::Node& n) {
  bool changed = false;
  changed = rewrite_between_symmetric(n) || changed;
  changed = rewrite_symbol_operator(n) || changed;
  changed = rewrite_bit_string(n) || changed;
  changed = rewrite_float_literal(n) || changed;
  changed = rewrite_typeof_unknown(n) || changed;
  changed = rewrite_like_escape(n) || changed;
  changed = rewrite_similar_to(n) || changed;
  changed = rewrite_row_comparison(n) || changed;
  changed = rewrite_array_shape_function(n) || changed;
  changed = pad_char_casts(n) || changed;
  return changed;
}

}  // namespace ducklings::sql
