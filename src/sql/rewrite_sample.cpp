#include "sql/rewrite_sample.h"

#include <cctype>
#include <string>

#include "common/errors.h"
#include "sql/tree_walk.h"

namespace ducklings::sql {
namespace {

pg_query::Node float_const(double v) {
  pg_query::Node out;
  out.mutable_a_const()->mutable_fval()->set_fval(std::to_string(v));
  return out;
}

pg_query::Node as_float8(pg_query::Node arg) {
  pg_query::Node out;
  auto* cast = out.mutable_type_cast();
  *cast->mutable_arg() = std::move(arg);
  cast->mutable_type_name()->add_names()->mutable_string()->set_sval("float8");
  return out;
}


// The constant value of a numeric literal, if `n` is one (possibly negated).
bool constant_value(const pg_query::Node& n, double& out) {
  if (n.has_a_const()) {
    const auto& c = n.a_const();
    if (c.isnull()) return false;
    if (c.has_ival()) return out = c.ival().ival(), true;
    if (c.has_fval()) return out = std::stod(c.fval().fval()), true;
    return false;
  }
  if (n.has_a_expr() && n.a_expr().name_size() == 1 && n.a_expr().name(0).string().sval() == "-" &&
      !n.a_expr().has_lexpr() && constant_value(n.a_expr().rexpr(), out)) {
    out = -out;
    return true;
  }
  return false;
}

bool is_null_const(const pg_query::Node& n) { return n.has_a_const() && n.a_const().isnull(); }

}  // namespace

bool rewrite_table_sample(pg_query::Node& n) {
  if (!n.has_range_table_sample()) return false;
  const pg_query::RangeTableSample& sample = n.range_table_sample();
  if (!sample.relation().has_range_var()) return false;
  std::string method;
  if (sample.method_size() > 0 && sample.method(sample.method_size() - 1).has_string()) {
    method = sample.method(sample.method_size() - 1).string().sval();
  }
  for (char& c : method) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  // SYSTEM samples pages in PostgreSQL; each row is kept with the same probability here
  // (a Bernoulli sample), which SYSTEM permits: its block granularity is not a promise.
  if (method != "system" && method != "bernoulli") {
    throw SqlError("42704", "tablesample method " + method + " does not exist");
  }
  if (sample.args_size() != 1) {
    throw SqlError("2202H", "tablesample method " + method + " requires 1 argument, not " +
                                std::to_string(sample.args_size()));
  }
  const pg_query::Node& percent = sample.args(0);
  if (is_null_const(percent)) throw SqlError("2202H", "TABLESAMPLE parameter cannot be null");
  double p = 0;
  if (constant_value(percent, p) && !(p >= 0 && p <= 100)) {
    throw SqlError("2202H", "sample percentage must be between 0 and 100");
  }
  pg_query::Node fraction = make_operator("/", as_float8(percent), float_const(100));
  pg_query::Node draw;
  if (sample.has_repeatable()) {
    // REPEATABLE (seed): the same rows for the same seed while the table is unchanged, so the
    // draw is a hash of the row's position and the seed rather than random().
    if (is_null_const(sample.repeatable())) {
      throw SqlError("2202G", "TABLESAMPLE REPEATABLE parameter cannot be null");
    }
    pg_query::Node hash = make_func_call("hash", {make_column_ref("rowid"), as_float8(sample.repeatable())});
    draw = make_operator("/", as_float8(std::move(hash)), float_const(18446744073709551616.0));
  } else {
    draw = make_func_call("random", {});
  }

  pg_query::RangeVar relation = sample.relation().range_var();
  pg_query::Alias alias;
  if (relation.has_alias()) {
    alias = relation.alias();
    relation.clear_alias();
  } else {
    alias.set_aliasname(relation.relname());
  }
  pg_query::Node subquery;
  auto* select = subquery.mutable_select_stmt();
  select->set_limit_option(pg_query::LIMIT_OPTION_DEFAULT);
  select->set_op(pg_query::SETOP_NONE);
  auto* star = select->add_target_list()->mutable_res_target()->mutable_val()->mutable_column_ref();
  star->add_fields()->mutable_a_star();
  *select->add_from_clause()->mutable_range_var() = std::move(relation);
  *select->mutable_where_clause() = make_operator("<", std::move(draw), std::move(fraction));

  pg_query::Node out;
  auto* sub = out.mutable_range_subselect();
  *sub->mutable_subquery() = std::move(subquery);
  *sub->mutable_alias() = std::move(alias);
  n = std::move(out);
  return true;
}

}  // namespace ducklings::sql
