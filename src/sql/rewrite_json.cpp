#include "sql/rewrite_json.h"

#include <algorithm>
#include <string>
#include <vector>

#include "common/errors.h"
#include "sql/tree_walk.h"

namespace ducklings::sql {
namespace {

std::string last_name(const google::protobuf::RepeatedPtrField<pg_query::Node>& names) {
  if (names.empty() || !names[names.size() - 1].has_string()) return {};
  return names[names.size() - 1].string().sval();
}

pg_query::Node call(const char* name, std::vector<pg_query::Node> args, int location = -1) {
  pg_query::Node out;
  auto* c = out.mutable_func_call();
  c->add_funcname()->mutable_string()->set_sval(name);
  for (auto& a : args) *c->add_args() = std::move(a);
  c->set_funcformat(pg_query::COERCE_EXPLICIT_CALL);
  c->set_location(location);
  return out;
}

pg_query::Node cast(pg_query::Node arg, const char* type, bool array = false) {
  pg_query::Node out;
  auto* tc = out.mutable_type_cast();
  *tc->mutable_arg() = std::move(arg);
  tc->mutable_type_name()->add_names()->mutable_string()->set_sval(type);
  if (array) tc->mutable_type_name()->add_array_bounds()->mutable_integer()->set_ival(-1);
  tc->set_location(-1);
  return out;
}

pg_query::Node text_const(const std::string& s) {
  pg_query::Node out;
  out.mutable_a_const()->mutable_sval()->set_sval(s);
  return out;
}

pg_query::Node concat(pg_query::Node a, pg_query::Node b) { return make_operator("||", std::move(a), std::move(b)); }

// A constant or a parameter: what a json key or path is written as.
bool is_key(const pg_query::Node& n) {
  if (n.has_a_const() || n.has_param_ref() || n.has_a_array_expr()) return true;
  return n.has_type_cast() && is_key(n.type_cast().arg());
}

// `x -> x + 1`: a DuckDB lambda (the other rewrites build some: x op ANY (…)), not a json key.
// `(x, y) -> f(x, y)` too (list_reduce's): a row has no json operators in PostgreSQL.
bool is_lambda(const pg_query::A_Expr& e) {
  if (is_key(e.rexpr())) return false;
  auto is_name = [](const pg_query::Node& n) {
    if (!n.has_column_ref()) return false;
    const auto& f = n.column_ref().fields();
    return f.size() == 1 && f[0].has_string();
  };
  if (e.lexpr().has_row_expr()) {
    const auto& args = e.lexpr().row_expr().args();
    return !args.empty() && std::all_of(args.begin(), args.end(), is_name);
  }
  return is_name(e.lexpr());
}

// An expression that is json (not jsonb) by its shape: a cast to json, or -> / #> applied to one.
bool is_json_valued(const pg_query::Node& n) {
  if (n.has_type_cast() && n.type_cast().has_type_name()) {
    return n.type_cast().type_name().array_bounds_size() == 0 && last_name(n.type_cast().type_name().names()) == "json";
  }
  if (n.has_a_expr() && n.a_expr().kind() == pg_query::AEXPR_OP && n.a_expr().name_size() >= 1 &&
      n.a_expr().has_lexpr() && n.a_expr().has_rexpr()) {
    const std::string op = last_name(n.a_expr().name());
    return (op == "->" || op == "#>") && is_json_valued(n.a_expr().lexpr());
  }
  return false;
}

// json -> 'key' and friends: the operators PostgreSQL has for json and jsonb. DuckDB reads a
// key starting with '$' as a JSON path and binds -> and ->> looser than AND (they are its lambda
// arrows), and knows no #> #>> ? ?| ?& #-: each becomes the function doing its work
// (duck/pg_json.cpp), which needs no precedence either.
bool rewrite_operator(pg_query::Node& n) {
  if (!n.has_a_expr() || n.a_expr().kind() != pg_query::AEXPR_OP || n.a_expr().name_size() < 1 ||
      !n.a_expr().has_lexpr() || !n.a_expr().has_rexpr() || is_lambda(n.a_expr())) {
    return false;
  }
  const std::string op = last_name(n.a_expr().name());
  auto is_jsonb_cast = [](const pg_query::Node& side) {
    return side.has_type_cast() && side.type_cast().has_type_name() &&
           side.type_cast().type_name().array_bounds_size() == 0 &&
           last_name(side.type_cast().type_name().names()) == "jsonb";
  };
  if ((op == "=" || op == "<>" || op == "!=" || op == "<" || op == ">" || op == "<=" || op == ">=") &&
      is_json_valued(n.a_expr().lexpr()) && is_json_valued(n.a_expr().rexpr())) {
    // json (unlike jsonb) has no comparison operators; DuckDB would compare the texts.
    throw SqlError("42883", "operator does not exist: json " + op + " json", n.a_expr().location() + 1, "",
                   "No operator matches the given name and argument types. You might need to add explicit type casts.");
  }
  if ((op == "=" || op == "<>" || op == "!=") && (is_jsonb_cast(n.a_expr().lexpr()) || is_jsonb_cast(n.a_expr().rexpr()))) {
    // jsonb compares values, not text ('{"a": 1.0}'::jsonb = '{"a": 1}'::jsonb); the select
    // list's comparisons of jsonb columns are typed by sql/result_types.
    int location = n.a_expr().location();
    pg_query::Node equal = call("__pgj_equal", {cast(n.a_expr().lexpr(), "jsonb"), cast(n.a_expr().rexpr(), "jsonb")},
                                location);
    if (op == "=") {
      n = std::move(equal);
    } else {
      pg_query::Node negated;
      negated.mutable_bool_expr()->set_boolop(pg_query::NOT_EXPR);
      *negated.mutable_bool_expr()->add_args() = std::move(equal);
      n = std::move(negated);
    }
    return true;
  }
  const char* fn = nullptr;
  bool path = false;  // the right operand is a text[]
  if (op == "->") {
    fn = "__pgj_get";
  } else if (op == "->>") {
    fn = "__pgj_get_text";
  } else if (op == "#>") {
    fn = "__pgj_path", path = true;
  } else if (op == "#>>") {
    fn = "__pgj_path_text", path = true;
  } else if (op == "?") {
    fn = "__pgj_exists";
  } else if (op == "?|") {
    fn = "__pgj_exists_any", path = true;
  } else if (op == "?&") {
    fn = "__pgj_exists_all", path = true;
  } else if (op == "#-") {
    fn = "__pgj_delete_path", path = true;
  } else {
    return false;
  }
  int location = n.a_expr().location();
  pg_query::Node left = n.a_expr().lexpr();
  pg_query::Node right = n.a_expr().rexpr();
  if (path) right = cast(std::move(right), "text", true);
  if (op[0] == '?' || op == "#-") left = cast(std::move(left), "jsonb");
  n = call(fn, {std::move(left), std::move(right)}, location);
  return true;
}

// The arguments of a variadic json function call: jsonb_extract_path(j, 'a', 'b') → ARRAY['a', 'b'].
pg_query::Node text_array(const pg_query::FuncCall& f, int from) {
  pg_query::Node arr;
  auto* a = arr.mutable_a_array_expr();
  for (int i = from; i < f.args_size(); ++i) *a->add_elements() = cast(f.args(i), "text");
  return cast(std::move(arr), "text", true);
}

// A value's json text for json_build_object and the like (kJsonSessionSetup's __pgj_val).
pg_query::Node json_value(const pg_query::Node& v) { return call("__pgj_val", {v}); }

// json_build_object(k, v, …) as json text: {"k" : v, "k2" : v2}.
pg_query::Node build_object_text(const pg_query::FuncCall& f) {
  std::vector<pg_query::Node> pairs;
  for (int i = 0; i + 1 < f.args_size(); i += 2) {
    pairs.push_back(call("__pgj_pair", {f.args(i), json_value(f.args(i + 1))}));
  }
  pg_query::Node body;
  if (pairs.empty()) return text_const("{}");
  pairs.insert(pairs.begin(), text_const(", "));
  return concat(concat(text_const("{"), call("concat_ws", std::move(pairs))), text_const("}"));
}

// json_build_array(a, b, …) as json text: [a, b].
pg_query::Node build_array_text(const pg_query::FuncCall& f) {
  if (f.args_size() == 0) return text_const("[]");
  std::vector<pg_query::Node> items = {text_const(", ")};
  for (const auto& a : f.args()) items.push_back(json_value(a));
  return concat(concat(text_const("["), call("concat_ws", std::move(items))), text_const("]"));
}

// An aggregate's argument list moved onto list(): ORDER BY, FILTER, DISTINCT and OVER stay with it.
pg_query::Node list_of(const pg_query::FuncCall& agg, pg_query::Node element) {
  pg_query::Node sort_key = element;
  pg_query::Node out = call("list", {std::move(element)}, agg.location());
  auto* c = out.mutable_func_call();
  *c->mutable_agg_order() = agg.agg_order();
  if (agg.agg_distinct() && agg.agg_order_size() == 0) {
    // PostgreSQL's DISTINCT aggregate reads its input sorted; DuckDB's comes in hash order.
    auto* sort = c->add_agg_order()->mutable_sort_by();
    *sort->mutable_node() = std::move(sort_key);
    sort->set_sortby_dir(pg_query::SORTBY_DEFAULT);
    sort->set_sortby_nulls(pg_query::SORTBY_NULLS_DEFAULT);
    sort->set_location(-1);
  }
  if (agg.has_agg_filter()) *c->mutable_agg_filter() = agg.agg_filter();
  c->set_agg_distinct(agg.agg_distinct());
  if (agg.has_over()) *c->mutable_over() = agg.over();
  return out;
}

// A set-returning json function outside FROM: DuckDB unnests the list the function returns.
pg_query::Node unnest(pg_query::Node list) { return call("unnest", {std::move(list)}); }

struct SetFunction {
  const char* name;
  const char* list_function;
  const char* type;     // what the argument is read as
  const char* column;   // the column PostgreSQL names; nullptr: key and value
};

constexpr SetFunction kSetFunctions[] = {
    {"jsonb_array_elements", "__pgj_elements", "jsonb", "value"},
    {"json_array_elements", "__pgj_elements", "json", "value"},
    {"jsonb_array_elements_text", "__pgj_elements_text", "jsonb", "value"},
    {"json_array_elements_text", "__pgj_elements_text", "json", "value"},
    {"jsonb_object_keys", "__pgj_keys", "jsonb", "jsonb_object_keys"},
    {"json_object_keys", "__pgj_keys", "json", "json_object_keys"},
    {"jsonb_each", "__pgj_each", "jsonb", nullptr},
    {"json_each", "__pgj_each", "json", nullptr},
    {"jsonb_each_text", "__pgj_each_text", "jsonb", nullptr},
    {"json_each_text", "__pgj_each_text", "json", nullptr},
};

const SetFunction* set_function(const pg_query::FuncCall& f) {
  const auto& names = f.funcname();
  if (names.size() > 2 || (names.size() == 2 && names[0].string().sval() != "pg_catalog")) return nullptr;
  if (f.args_size() != 1) return nullptr;
  std::string name = last_name(names);
  for (const auto& s : kSetFunctions) {
    if (name == s.name) return &s;
  }
  return nullptr;
}

// FROM jsonb_array_elements(x) [AS a]: rows of the list; FROM jsonb_each(x): key and value
// columns (the table macro __pgj_rows). A scalar result's column takes the alias' name, as
// PostgreSQL's whole-row reference to it reads the value (FROM …, jsonb_array_elements(x) e
// SELECT e ->> 'k').
bool rewrite_range_function(pg_query::Node& n) {
  if (!n.has_range_function()) return false;
  auto* rf = n.mutable_range_function();
  if (rf->functions_size() != 1) return false;
  pg_query::Node* pair = rf->mutable_functions(0);
  if (!pair->has_list() || pair->list().items_size() < 1 || !pair->list().items(0).has_func_call()) return false;
  const pg_query::FuncCall& f = pair->list().items(0).func_call();
  const SetFunction* s = set_function(f);
  if (!s) return false;
  pg_query::Node list = call(s->list_function, {cast(f.args(0), s->type)}, f.location());
  if (s->column) {
    *pair->mutable_list()->mutable_items(0) = unnest(std::move(list));
    if (!rf->has_alias()) {
      rf->mutable_alias()->set_aliasname(s->column);
    }
    if (rf->alias().colnames_size() == 0) {
      const std::string& column = rf->alias().aliasname();
      rf->mutable_alias()->add_colnames()->mutable_string()->set_sval(rf->ordinality() ? s->column : column);
    }
  } else {
    *pair->mutable_list()->mutable_items(0) = call("__pgj_rows", {std::move(list)}, f.location());
  }
  return true;
}

bool rewrite_function(pg_query::Node& n) {
  if (!n.has_func_call()) return false;
  const pg_query::FuncCall& f = n.func_call();
  const auto& names = f.funcname();
  if (names.size() > 2 || (names.size() == 2 && names[0].string().sval() != "pg_catalog")) return false;
  const std::string name = last_name(names);
  if (name.find("json") == std::string::npos) return false;
  const bool b = name.rfind("jsonb", 0) == 0 || name == "to_jsonb";
  const char* doc = b ? "jsonb" : "json";
  const int argc = f.args_size();
  const int location = f.location();
  auto arg = [&](int i) -> const pg_query::Node& { return f.args(i); };
  pg_query::Node out;

  if (const SetFunction* s = set_function(f)) {
    out = unnest(call(s->list_function, {cast(arg(0), s->type)}, location));
  } else if ((name == "jsonb_typeof" || name == "json_typeof") && argc == 1) {
    out = call("__pgj_typeof", {cast(arg(0), doc)}, location);
  } else if ((name == "jsonb_array_length" || name == "json_array_length") && argc == 1) {
    out = call("__pgj_array_length", {cast(arg(0), doc)}, location);
  } else if ((name == "jsonb_extract_path" || name == "json_extract_path") && argc >= 1) {
    out = call("__pgj_path", {cast(arg(0), doc), text_array(f, 1)}, location);
  } else if ((name == "jsonb_extract_path_text" || name == "json_extract_path_text") && argc >= 1) {
    out = call("__pgj_path_text", {cast(arg(0), doc), text_array(f, 1)}, location);
  } else if ((name == "jsonb_set" || name == "jsonb_insert") && (argc == 3 || argc == 4)) {
    std::vector<pg_query::Node> args = {cast(arg(0), "jsonb"), cast(arg(1), "text", true), cast(arg(2), "jsonb")};
    if (argc == 4) args.push_back(cast(arg(3), "boolean"));
    out = call(name == "jsonb_set" ? "__pgj_set" : "__pgj_insert", std::move(args), location);
  } else if ((name == "jsonb_strip_nulls" || name == "json_strip_nulls") && argc == 1) {
    out = call("__pgj_strip_nulls", {cast(arg(0), doc)}, location);
  } else if (name == "jsonb_pretty" && argc == 1) {
    out = call("__pgj_pretty", {cast(arg(0), "jsonb")}, location);
  } else if ((name == "to_json" || name == "to_jsonb") && argc == 1) {
    out = call("__pgj_to_json", {arg(0)}, location);
    if (b) out = cast(std::move(out), "jsonb");
  } else if (name == "row_to_json" && argc == 1) {
    // A record's fields (row(a, b)'s f1, f2) as PostgreSQL writes them (duck/pg_record_json).
    out = call("__pgj_to_json", {arg(0)}, location);
  } else if (name == "json_build_object" || name == "jsonb_build_object") {
    if (argc % 2) {
      out = call("error", {text_const("argument list must have even number of elements")}, location);
    } else {
      out = cast(build_object_text(f), doc);
    }
  } else if (name == "json_build_array" || name == "jsonb_build_array") {
    out = cast(build_array_text(f), doc);
  } else if ((name == "json_agg" || name == "jsonb_agg") && argc == 1) {
    out = call("__pgj_agg", {list_of(f, arg(0))}, location);
    if (b) out = cast(std::move(out), "jsonb");
  } else if ((name == "json_object_agg" || name == "jsonb_object_agg") && argc == 2) {
    pg_query::Node pair = call("__pgj_pair", {arg(0), json_value(arg(1))});
    out = call(b ? "__pgj_object_agg_b" : "__pgj_object_agg", {list_of(f, std::move(pair))}, location);
  } else {
    return false;
  }
  n = std::move(out);
  return true;
}

}  // namespace

bool rewrite_json(pg_query::Node& n) {
  return rewrite_operator(n) || rewrite_range_function(n) || rewrite_function(n);
}

}  // namespace ducklings::sql
