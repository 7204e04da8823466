#include "sql/result_types.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <functional>
#include <set>
#include <stdexcept>

#include "sql/catalog.h"
#include "sql/catalog_types.h"
#include "sql/decimal_text.h"
#include "sql/numeric_math.h"
#include "sql/pg_float.h"
#include "sql/pg_numeric.h"
#include "sql/quoting.h"
#include "sql/rewrite.h"
#include "sql/tree_walk.h"

namespace ducklings::sql {

std::string figure_colname(const pg_query::Node& n);  // rewrite.cpp: PostgreSQL's column names

namespace {

// PostgreSQL type OIDs the inference deals in.
constexpr int32_t kJsonb = 3802, kVoid = 2278, kRegclass = 2205, kRegtype = 2206, kOid = 26, kName = 19, kBool = 16, kInt8 = 20, kInt2 = 21, kInt4 = 23, kText = 25, kFloat4 = 700,
                  kFloat8 = 701, kBpchar = 1042, kVarchar = 1043, kDate = 1082, kTime = 1083,
                  kTimestamp = 1114, kTimestamptz = 1184, kInterval = 1186, kNumeric = 1700, kUuid = 2950;

// The scale DuckDB keeps for numeric values computed by division when they feed another
// expression (round(avg(x), 2)): PostgreSQL's own scale for quotients of ordinary size. Summed
// (sum(x / 7.0)), quotients keep 20, the digits PostgreSQL's have below 1 (1/7.0 is
// 0.14285714285714285714), with 18 integer digits left.
constexpr int kNestedQuotientScale = 16;
constexpr int kSummedQuotientScale = 20;

PgResultType known(int32_t oid, bool exact = true) { return PgResultType{oid, -1, exact}; }

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

bool is_integer(int32_t oid) { return oid == kInt2 || oid == kInt4 || oid == kInt8; }
bool is_float(int32_t oid) { return oid == kFloat4 || oid == kFloat8; }
bool is_number(int32_t oid) { return is_integer(oid) || is_float(oid) || oid == kNumeric; }
bool is_text(int32_t oid) { return oid == kText || oid == kVarchar || oid == kBpchar; }

// Rank in PostgreSQL's implicit numeric promotions (int2 < int4 < int8 < numeric < float4 <
// float8), which decide the type of mixed arithmetic.
int number_rank(int32_t oid) {
  switch (oid) {
    case kInt2: return 1;
    case kInt4: return 2;
    case kInt8: return 3;
    case kNumeric: return 4;
    case kFloat4: return 5;
    case kFloat8: return 6;
    default: return 0;
  }
}

const char* duckdb_name_of(int32_t oid) {
  switch (oid) {
    case kInt2: return "int2";
    case kInt4: return "int4";
    case kInt8: return "int8";
    case kFloat4: return "float4";
    case kFloat8: return "float8";
    default: return nullptr;
  }
}

// The PostgreSQL type a cast's type name means (pg_catalog names as the parser leaves them).
// The type name an array literal's elements are cast to (numeric keeps its own digits, so
// none for it).
const char* pg_name_of_element(int32_t oid) {
  switch (oid) {
    case kBool: return "bool";
    case kInt2: return "int2";
    case kInt4: return "int4";
    case kInt8: return "int8";
    case kFloat4: return "float4";
    case kFloat8: return "float8";
    case kText: return "text";
    case kVarchar: return "varchar";
    case kDate: return "date";
    case kTimestamp: return "timestamp";
    case kTimestamptz: return "timestamptz";
    default: return nullptr;
  }
}

PgResultType array_type() {
  PgResultType t;
  t.array = true;
  return t;
}

PgResultType type_of_name(const pg_query::TypeName& t) {
  if (t.array_bounds_size() > 0 || t.names_size() == 0) return {};
  const auto& last = t.names(t.names_size() - 1);
  if (!last.has_string()) return {};
  std::string name = last.string().sval();
  if (name == "int2" || name == "smallint") return known(kInt2);
  if (name == "int4" || name == "integer" || name == "int") return known(kInt4);
  if (name == "int8" || name == "bigint") return known(kInt8);
  if (name == "float4" || name == "real") return known(kFloat4);
  if (name == "float8") return known(kFloat8);
  if (name == "text") return known(kText);
  if (name == "oid") return known(kOid);
  if (name == "jsonb") return known(kJsonb);
  if (name == "varchar" || name == "bpchar") {
    PgResultType out = known(name == "varchar" ? kVarchar : kBpchar);
    if (t.typmods_size() == 1 && t.typmods(0).has_a_const() && t.typmods(0).a_const().has_ival()) {
      out.typmod = t.typmods(0).a_const().ival().ival() + 4;
    } else if (name == "bpchar") {
      out.typmod = 5;  // char is char(1)
    }
    return out;
  }
  if (name == "bool" || name == "boolean") return known(kBool);
  if (name == "date") return known(kDate);
  if (name == "timestamp") return known(kTimestamp);
  if (name == "timestamptz") return known(kTimestamptz);
  if (name == "time") return known(kTime);
  if (name == "uuid") return known(kUuid);
  if (name == "interval") return known(kInterval);
  if (name == "numeric" || name == "decimal") {
    PgResultType out = known(kNumeric);
    if (t.typmods_size() >= 1 && t.typmods(0).has_a_const() && t.typmods(0).a_const().has_ival()) {
      int p = t.typmods(0).a_const().ival().ival();
      int s = 0;
      if (t.typmods_size() >= 2 && t.typmods(1).has_a_const() && t.typmods(1).a_const().has_ival()) {
        s = t.typmods(1).a_const().ival().ival();
      }
      out.typmod = ((p << 16) | (s & 0xffff)) + 4;
    }
    return out;
  }
  return {};
}

// How pg_typeof prints a type (format_type without a typmod).
const char* format_type_name(int32_t oid) {
  switch (oid) {
    case kBool: return "boolean";
    case kInt2: return "smallint";
    case kInt4: return "integer";
    case kInt8: return "bigint";
    case kText: return "text";
    case kFloat4: return "real";
    case kFloat8: return "double precision";
    case kBpchar: return "character";
    case kVarchar: return "character varying";
    case kDate: return "date";
    case kTime: return "time without time zone";
    case kTimestamp: return "timestamp without time zone";
    case kTimestamptz: return "timestamp with time zone";
    case kInterval: return "interval";
    case kNumeric: return "numeric";
    case 17: return "bytea";
    case 114: return "json";
    case kJsonb: return "jsonb";
    case 2950: return "uuid";
    case 1266: return "time with time zone";
    case kVoid: return "void";
    case kOid: return "oid";
    case kName: return "name";
    case kRegclass: return "regclass";
    case kRegtype: return "regtype";
    case 24: return "regproc";
    default: return nullptr;
  }
}


pg_query::Node make_cast(pg_query::Node arg, const std::string& type, std::vector<int> typmods = {}) {
  pg_query::Node out;
  auto* cast = out.mutable_type_cast();
  *cast->mutable_arg() = std::move(arg);
  cast->mutable_type_name()->add_names()->mutable_string()->set_sval(type);
  for (int m : typmods) cast->mutable_type_name()->add_typmods()->mutable_a_const()->mutable_ival()->set_ival(m);
  return out;
}

std::string func_name(const pg_query::FuncCall& f) {
  const auto& names = f.funcname();
  if (names.empty() || !names[names.size() - 1].has_string()) return "";
  if (names.size() == 2 && names[0].has_string() && names[0].string().sval() != "pg_catalog") return "";
  return lower(names[names.size() - 1].string().sval());
}

// 1.5e-3 as plain digits with numeric_in's display scale ("0.0015", 1e3 → "1000", 1.50e1 →
// "15.0"), which DuckDB reads as a DECIMAL rather than a DOUBLE; nullopt beyond 38 digits.
std::optional<std::string> plain_decimal_literal(const std::string& text) {
  auto e = text.find_first_of("eE");
  if (e == std::string::npos) return std::nullopt;
  auto mantissa = parse_decimal(text.substr(0, e));
  if (!mantissa) return std::nullopt;
  long exponent = 0;
  try {
    size_t used = 0;
    exponent = std::stol(text.substr(e + 1), &used);
    if (used != text.size() - e - 1) return std::nullopt;
  } catch (const std::exception&) {
    return std::nullopt;
  }
  if (exponent > 38 || exponent < -38) return std::nullopt;
  // value = digits · 10^(exponent - scale); display scale = max(0, scale - exponent).
  std::string digits = mantissa->digits.empty() ? "0" : mantissa->digits;
  int shift = static_cast<int>(exponent) - mantissa->scale;
  int scale = std::max(0, -shift);
  if (shift > 0) digits.append(static_cast<size_t>(shift), '0');
  if (static_cast<int>(digits.size()) <= scale) digits.insert(0, static_cast<size_t>(scale - digits.size() + 1), '0');
  if (digits.size() > 38) return std::nullopt;
  std::string out = mantissa->negative ? "-" : "";
  out += digits.substr(0, digits.size() - static_cast<size_t>(scale));
  if (scale > 0) out += "." + digits.substr(digits.size() - static_cast<size_t>(scale));
  return out;
}

// The type of a numeric literal as PostgreSQL's scanner gives it.
PgResultType literal_number_type(const std::string& text) {
  if (text.find_first_of("eE") != std::string::npos) return PgResultType{kNumeric, -1, false};  // DuckDB: a DOUBLE
  if (text.find('.') != std::string::npos) return known(kNumeric);
  // Integers too large for int4 arrive as Float nodes: int8, else numeric.
  std::string digits = text;
  if (!digits.empty() && (digits[0] == '-' || digits[0] == '+')) digits = digits.substr(1);
  if (digits.size() < 19 || (digits.size() == 19 && digits <= "9223372036854775807")) return known(kInt8);
  return known(kNumeric);
}

struct Relation {
  std::string alias;  // lower case; what qualified references use
  std::string schema, name;  // a table to look up on first use
  mutable bool looked_up = false;
  mutable std::optional<TableColumns> columns;
};

struct Scope {
  std::vector<Relation> relations;
  std::map<std::string, TableColumns> ctes;
  const Scope* outer = nullptr;

  const TableColumns* cte(const std::string& name) const {
    for (const Scope* s = this; s; s = s->outer) {
      if (auto it = s->ctes.find(name); it != s->ctes.end()) return &it->second;
    }
    return nullptr;
  }
};

// Whether a select-list entry is rewritten into PostgreSQL's numeric text.
// kTextCast: the operand of a cast to text, which takes a numeric text as it is.
enum class Place { kNested, kTopTarget, kTextCast };

class Typer {
 public:
  Typer(const ColumnTypeLookup& lookup, bool rewrite) : lookup_(lookup), rewrite_(rewrite) {}

  bool changed = false;
  // Whether a top-level star's columns are typed (to describe them; the rewrite leaves stars
  // alone and looks nothing up for them).
  bool describe_stars = false;
  // For the top-level select: each target's type and whether it became numeric text.
  std::vector<PgResultType> top_types;
  std::vector<bool> top_text;
  bool top_known = false;

  // `outputs`: the select's columns are a result or a relation (top level, FROM, WITH), where
  // PostgreSQL resolves a bare NULL to text; not a set-operation branch or a subquery
  // expression, where the other side decides its type.
  TableColumns select(pg_query::SelectStmt& s, const Scope* outer, bool top, bool outputs = true) {
    Scope scope;
    scope.outer = outer;
    if (top) scale_columns_ = rewrite_ && !exposes_whole_rows(s);
    if (s.has_with_clause()) {
      for (auto& cte_node : *s.mutable_with_clause()->mutable_ctes()) {
        if (!cte_node.has_common_table_expr()) continue;
        auto* cte = cte_node.mutable_common_table_expr();
        TableColumns cols;
        if (cte->has_ctequery() && cte->ctequery().has_select_stmt() && !s.with_clause().recursive()) {
          cols = select(*cte->mutable_ctequery()->mutable_select_stmt(), &scope, false);
        }
        for (int i = 0; i < cte->aliascolnames_size() && i < static_cast<int>(cols.size()); ++i) {
          if (cte->aliascolnames(i).has_string()) cols[i].first = lower(cte->aliascolnames(i).string().sval());
        }
        scope.ctes[lower(cte->ctename())] = std::move(cols);
      }
    }
    if (s.has_larg() && s.has_rarg()) {
      // UNION & co: each branch on its own; the combined types are not worked out here.
      select(*s.mutable_larg(), &scope, false, false);
      select(*s.mutable_rarg(), &scope, false, false);
      return {};
    }
    if (s.values_lists_size() > 0) return values(s, scope);
    for (auto& item : *s.mutable_from_clause()) from_item(item, scope);
    bool distinct = s.distinct_clause_size() > 0;
    bool unresolved_star = false;
    bool grouped = s.group_clause_size() > 0 || s.has_having_clause();
    for (const auto& target : s.target_list()) {
      if (target.has_res_target() && target.res_target().has_val() && target.res_target().val().has_func_call() &&
          !target.res_target().val().func_call().has_over()) {
        std::string f = func_name(target.res_target().val().func_call());
        if (f == "sum" || f == "max" || f == "min" || f == "count" || f == "avg") grouped = true;
      }
    }
    struct Restore {
      bool& flag;
      bool saved;
      ~Restore() { flag = saved; }
    } restore{grouped_select_, grouped_select_};
    grouped_select_ = grouped;
    // GROUP BY and HAVING computed as the select list computes them: PostgreSQL matches a
    // target to a GROUP BY expression as written, DuckDB as rewritten.
    std::vector<pg_query::Node> group_expressions;
    if (rewrite_) {
      std::function<void(pg_query::Node&)> group_item = [&](pg_query::Node& g) {
        if (g.has_grouping_set()) {
          for (auto& inner : *g.mutable_grouping_set()->mutable_content()) group_item(inner);
          return;
        }
        if (g.has_a_const() || g.has_row_expr()) return;  // a position, or () of a grouping set
        group_expressions.push_back(g);
        // A select-list expression computes as the target does (a quotient as its numeric
        // text), so the target stays a grouped expression.
        bool selected = top && !distinct &&
                        std::any_of(s.target_list().begin(), s.target_list().end(), [&](const pg_query::Node& t) {
                          return t.has_res_target() && t.res_target().has_val() &&
                                 same_expression(t.res_target().val(), g);
                        });
        bool text = false;
        expr(g, scope, selected ? Place::kTopTarget : Place::kNested, &text);
      };
      for (auto& g : *s.mutable_group_clause()) group_item(g);
      if (s.has_having_clause()) expr(*s.mutable_having_clause(), scope, Place::kNested, nullptr);
    }
    std::swap(group_expressions_, group_expressions);
    TableColumns out;
    std::vector<pg_query::Node> nested_forms;  // for ORDER BY references to numeric texts
    std::vector<bool> became_text;
    // A FROM subquery's or WITH query's numeric columns carry their rows' display scales in
    // hidden columns (and a quotient its 20 decimals), read where the outer query shows them.
    bool with_scales = scale_columns_ && !top && outputs && !distinct;
    std::vector<pg_query::Node> hidden_targets;
    for (auto& target : *s.mutable_target_list()) {
      if (!target.has_res_target() || !target.res_target().has_val()) {
        out.push_back({"", {}});
        continue;
      }
      auto* rt = target.mutable_res_target();
      const pg_query::Node& v = rt->val();
      if (v.has_column_ref() && v.column_ref().fields_size() > 0 &&
          v.column_ref().fields(v.column_ref().fields_size() - 1).has_a_star()) {
        // A star: its columns come from the relations, in order (looked up once per schema
        // change; a top-level star's columns are only described, never rewritten).
        size_t before = out.size();
        if ((top && !describe_stars) || !star(v.column_ref(), scope, out) || out.size() == before ||
            std::any_of(s.from_clause().begin(), s.from_clause().end(),
                        [](const pg_query::Node& f) { return f.has_join_expr(); })) {
          // Unknown relations, or joins (USING and NATURAL merge columns): not described.
          if (out.size() == before) out.push_back({"", {}});
          unresolved_star = true;
        }
        for (size_t k = before; k < out.size(); ++k) {
          nested_forms.emplace_back();
          became_text.push_back(false);
        }
        continue;
      }
      if (outputs && rewrite_ && v.has_a_const() && v.a_const().isnull()) {
        // SELECT NULL AS x: PostgreSQL's column is text; DuckDB's an integer once it leaves a
        // subquery.
        if (rt->name().empty()) rt->set_name(figure_colname(v));
        *rt->mutable_val() = make_cast(rt->val(), "text");
        changed = true;
        out.push_back({lower(rt->name()), known(kText)});
        nested_forms.emplace_back();
        became_text.push_back(false);
        continue;
      }
      std::string name = rt->name();
      pg_query::Node original = rt->val();
      bool text = false;
      bool changed_before = changed;
      changed = false;
      bool as_top = top && !distinct;
      summed_ += with_scales;
      PgResultType t = expr(*rt->mutable_val(), scope, as_top ? Place::kTopTarget : Place::kNested, &text);
      summed_ -= with_scales;
      t.scale_column.clear();
      if (name.empty() && v.has_column_ref()) {
        const auto& f = v.column_ref().fields();
        if (!f.empty() && f[f.size() - 1].has_string()) name = f[f.size() - 1].string().sval();
      }
      if (changed && rt->name().empty() && !original.has_column_ref()) {
        rt->set_name(figure_colname(original));  // as PostgreSQL names the unchanged expression
      }
      if (as_top && rewrite_ && !text && t.oid == kNumeric && t.typmod < 0 && t.exact) {
        text = print_with_scale(*rt, original, scope, grouped);
      }
      if (top && rewrite_ && t.oid == kBpchar && t.typmod > 4) {
        // character(n) prints padded to n (stored values are not).
        if (rt->name().empty()) rt->set_name(name.empty() ? figure_colname(original) : name);
        pg_query::Node width;
        width.mutable_a_const()->mutable_ival()->set_ival(t.typmod - 4);
        *rt->mutable_val() = make_func_call("__pg_bpchar_out", {rt->val(), std::move(width)});
        changed = true;
      }
      changed = changed || changed_before;
      out.push_back({lower(name.empty() ? rt->name() : name), t});
      if (with_scales && !out.back().first.empty() && t.oid == kNumeric && t.exact && t.typmod < 0) {
        summed_ += 1;
        if (auto hidden = scale_target(original, out.back().first, scope, grouped)) {
          out.back().second.scale_column = hidden->res_target().name();
          hidden_targets.push_back(std::move(*hidden));
        }
        summed_ -= 1;
      }
      if (top && (t.oid == kRegclass || t.oid == kRegtype)) {
        // Printed as a name, sorted as PostgreSQL sorts the type: by the oid.
        became_text.push_back(true);
        nested_forms.push_back(make_cast(original, "int8"));
        continue;
      }
      became_text.push_back(text);
      if (text) {
        pg_query::Node nested = original;
        expr(nested, scope, Place::kNested, nullptr);
        // A column's name alone would sort by the output column (the text) in DuckDB.
        if (nested.has_column_ref() && nested.column_ref().fields_size() == 1) qualify(nested, scope);
        nested_forms.push_back(std::move(nested));
      } else {
        nested_forms.emplace_back();
      }
    }
    for (auto& hidden : hidden_targets) *s.add_target_list() = std::move(hidden);
    std::swap(group_expressions_, group_expressions);
    if (rewrite_) {
      // ORDER BY expressions as the select list and GROUP BY compute them (positions and
      // output names are matched below).
      for (auto& item : *s.mutable_sort_clause()) {
        if (!item.has_sort_by() || !item.sort_by().has_node()) continue;
        auto* node = item.mutable_sort_by()->mutable_node();
        if (node->has_a_const() || (node->has_column_ref() && node->column_ref().fields_size() == 1)) continue;
        expr(*node, scope, Place::kNested, nullptr);
      }
    }
    if (top) {
      bool any_star = false;
      for (const auto& target : s.target_list()) {
        if (target.has_res_target() && target.res_target().has_val() &&
            target.res_target().val().has_column_ref()) {
          const auto& f = target.res_target().val().column_ref().fields();
          if (f.size() > 0 && f[f.size() - 1].has_a_star()) any_star = true;
        }
      }
      top_known = !unresolved_star;
      for (const auto& c : out) top_types.push_back(c.second);
      top_text = became_text;
      // ORDER BY positions count targets, which a star's columns would shift.
      if (rewrite_ && top_known && !any_star) sort_by_numbers(s, out, became_text, nested_forms);
    }
    return out;
  }

  // The value's PostgreSQL type; rewrites `n` in place so DuckDB computes it. `text` (when
  // given) is set when `n` became numeric text.
  PgResultType expr(pg_query::Node& n, const Scope& scope, Place place, bool* text) {
    using N = pg_query::Node;
    switch (n.node_case()) {
      case N::kAConst: {
        const auto& c = n.a_const();
        if (c.isnull()) return {};
        if (c.has_ival()) return known(kInt4);
        if (c.has_fval()) {
          if (auto plain = plain_decimal_literal(c.fval().fval())) {
            // PostgreSQL's 1e3 is a numeric; DuckDB's a DOUBLE.
            if (rewrite_) {
              n.mutable_a_const()->mutable_fval()->set_fval(*plain);
              changed = true;
            }
            return known(kNumeric);
          }
          PgResultType t = literal_number_type(c.fval().fval());
          if (t.oid == kInt8 && c.fval().fval() == "-2147483648") {
            // PostgreSQL's make_const makes -2147483648 an int4; DuckDB a bigint, on which int4
            // arithmetic would not overflow where PostgreSQL's does (22003).
            if (rewrite_) {
              n = make_cast(n, "int4");
              changed = true;
            }
            return known(kInt4);
          }
          return t;
        }
        if (c.has_boolval()) return known(kBool);
        return {};  // an untyped string literal: its type comes from the context
      }
      case N::kTypeCast: {
        const auto& tn = n.type_cast().type_name();
        std::string target = tn.names_size() > 0 && tn.names(tn.names_size() - 1).has_string()
                                 ? tn.names(tn.names_size() - 1).string().sval() : std::string();
        if ((target == "regclass" || target == "regtype") && tn.array_bounds_size() == 0) {
          // A printed 'name'::regclass shows the name (PostgreSQL's regclass output); elsewhere
          // it stays the oid it compares as (sql/rewrite: regclass_lookup).
          const auto& arg = n.type_cast().arg();
          bool literal = arg.has_a_const() && arg.a_const().has_sval();
          if (!literal) expr(*n.mutable_type_cast()->mutable_arg(), scope, Place::kNested, nullptr);
          if (literal && place == Place::kTopTarget && rewrite_) {
            std::string text = arg.a_const().sval().sval();
            std::string schema, rel = text;
            if (auto dot = text.find('.'); dot != std::string::npos) {
              schema = text.substr(0, dot);
              rel = text.substr(dot + 1);
            }
            if (target == "regclass" && catalog_table_oid(schema, rel) != 0) {
              // pg_class & co have PostgreSQL's fixed oids, not rows of the emulated pg_class.
              pg_query::Node name;
              name.mutable_a_const()->mutable_sval()->set_sval(rel);
              n = make_cast(std::move(name), std::string(kRegclassAlias));
            } else {
              n = make_cast(make_cast(n, "int8"), target);
            }
            changed = true;
          }
          return known(target == "regclass" ? kRegclass : kRegtype);
        }
        PgResultType t = type_of_name(n.type_cast().type_name());
        if (n.type_cast().type_name().array_bounds_size() > 0) {
          pg_query::TypeName element = n.type_cast().type_name();
          element.clear_array_bounds();
          t = array_type();
          PgResultType e = type_of_name(element);
          if (e.oid != kNumeric) t.element = e.oid;
        }
        bool to_text = (t.oid == kText || t.oid == kVarchar) && n.type_cast().type_name().typmods_size() == 0 &&
                       !grouped_expression(n.type_cast().arg());
        bool inner_text = false;
        std::optional<pg_query::Node> original_arg;
        if (to_text && rewrite_) original_arg = n.type_cast().arg();
        PgResultType inner = expr(*n.mutable_type_cast()->mutable_arg(), scope,
                                  to_text ? Place::kTextCast : Place::kNested, to_text ? &inner_text : nullptr);
        if (original_arg && !inner_text && inner.oid == kNumeric && inner.exact && inner.typmod < 0) {
          auto* arg = n.mutable_type_cast()->mutable_arg();
          *arg = numeric_text(*original_arg, std::move(*arg), inner, scope);
          changed = true;
        }
        if (to_text && rewrite_ && inner.array &&
            (inner.element == kDate || inner.element == kTime || inner.element == kTimestamp ||
             inner.element == kTimestamptz || inner.element == kUuid)) {
          // array_out's {…}, where DuckDB's own list text is […, …].
          auto* arg = n.mutable_type_cast()->mutable_arg();
          *arg = make_func_call("__pg_array_text", {std::move(*arg)});
          changed = true;
        }
        if (to_text && rewrite_ && inner.array && inner.element == kNumeric) {
          auto* arg = n.mutable_type_cast()->mutable_arg();
          *arg = make_func_call("__pg_numeric_array_text", {std::move(*arg)});
          changed = true;
        }
        if (t.oid == kTime && inner.oid == kTimestamptz && !inner.array && rewrite_) {
          // DuckDB has no cast from TIMESTAMPTZ to TIME: the local timestamp's time, as
          // PostgreSQL takes it in the session's time zone.
          auto* arg = n.mutable_type_cast()->mutable_arg();
          *arg = make_cast(std::move(*arg), "timestamp");
          changed = true;
        }
        if (t.oid == kNumeric && !inner.exact) t.exact = false;
        if (t.oid == kNumeric && t.typmod < 0 && rewrite_) unconstrained_numeric(n, inner);
        if ((t.oid == kFloat8 || t.oid == kFloat4) && inner.oid == kNumeric && rewrite_ &&
            n.type_cast().type_name().array_bounds_size() == 0) {
          // DuckDB divides a 38-digit DECIMAL's integer by its power of ten in double, rounding
          // twice (1.23456789 became 1.2345678900000001); from the digits it is exact.
          auto* arg = n.mutable_type_cast()->mutable_arg();
          *arg = make_cast(std::move(*arg), "text");
          changed = true;
        }
        return t;
      }
      case N::kColumnRef: return column(n.column_ref(), scope);
      case N::kSqlvalueFunction:
        switch (n.sqlvalue_function().op()) {
          case pg_query::SVFOP_CURRENT_USER:
          case pg_query::SVFOP_CURRENT_ROLE:
          case pg_query::SVFOP_SESSION_USER:
          case pg_query::SVFOP_USER:
          case pg_query::SVFOP_CURRENT_CATALOG:
          case pg_query::SVFOP_CURRENT_SCHEMA: return known(kName);
          default: return {};
        }
      case N::kAExpr: return operator_expr(n, scope, place, text);
      case N::kFuncCall: {
        std::string name = func_name(n.func_call());
        if ((name == "scale" || name == "min_scale" || name == "trim_scale") && n.func_call().args_size() == 1 &&
            !n.func_call().has_over()) {
          return numeric_scale_function(n, name, scope);
        }
        return function(n, scope, place, text);
      }
      case N::kBoolExpr:
      case N::kNullTest:
      case N::kBooleanTest:
        children(n, scope);
        return known(kBool);
      case N::kCoalesceExpr: {
        std::vector<PgResultType> ts;
        std::vector<pg_query::Node*> values;
        std::vector<pg_query::Node> originals;
        bool shown = rewrite_ && text && (place == Place::kTopTarget || place == Place::kTextCast);
        for (auto& a : *n.mutable_coalesce_expr()->mutable_args()) {
          if (shown) originals.push_back(a);
          ts.push_back(expr(a, scope, Place::kNested, nullptr));
          values.push_back(&a);
        }
        PgResultType t = common_of(n.coalesce_expr().args(), ts);
        values_as_numeric_text(values, originals, ts, t, scope, place, text);
        return t;
      }
      case N::kMinMaxExpr: {
        std::vector<PgResultType> ts;
        for (auto& a : *n.mutable_min_max_expr()->mutable_args()) ts.push_back(expr(a, scope, Place::kNested, nullptr));
        return common_of(n.min_max_expr().args(), ts);
      }
      case N::kCaseExpr: {
        auto* c = n.mutable_case_expr();
        if (c->has_arg()) expr(*c->mutable_arg(), scope, Place::kNested, nullptr);
        std::vector<PgResultType> ts;
        std::vector<pg_query::Node*> values;
        std::vector<pg_query::Node> originals;
        bool shown = rewrite_ && text && (place == Place::kTopTarget || place == Place::kTextCast);
        auto value = [&](pg_query::Node* v) {
          if (shown) originals.push_back(*v);
          ts.push_back(expr(*v, scope, Place::kNested, nullptr));
          values.push_back(v);
        };
        for (auto& w : *c->mutable_args()) {
          if (!w.has_case_when()) return {};
          auto* cw = w.mutable_case_when();
          if (cw->has_expr()) expr(*cw->mutable_expr(), scope, Place::kNested, nullptr);
          if (cw->has_result()) value(cw->mutable_result());
        }
        if (c->has_defresult()) value(c->mutable_defresult());
        PgResultType t = common(ts);
        values_as_numeric_text(values, originals, ts, t, scope, place, text);
        return t;
      }
      case N::kGroupingFunc:
        if (rewrite_) {
          n = make_cast(n, "int4");
          changed = true;
        }
        return known(kInt4);
      case N::kSubLink: {
        auto* link = n.mutable_sub_link();
        if (link->has_testexpr()) expr(*link->mutable_testexpr(), scope, Place::kNested, nullptr);
        if (!link->has_subselect() || !link->subselect().has_select_stmt()) return {};
        TableColumns cols = select(*link->mutable_subselect()->mutable_select_stmt(), &scope, false, false);
        if (link->sub_link_type() == pg_query::EXISTS_SUBLINK || link->sub_link_type() == pg_query::ANY_SUBLINK ||
            link->sub_link_type() == pg_query::ALL_SUBLINK) {
          return known(kBool);
        }
        if (link->sub_link_type() == pg_query::EXPR_SUBLINK && cols.size() == 1) return cols[0].second;
        return {};
      }
      case N::kAArrayExpr: {
        std::vector<PgResultType> ts;
        for (auto& a : *n.mutable_a_array_expr()->mutable_elements()) {
          ts.push_back(expr(a, scope, Place::kNested, nullptr));
        }
        PgResultType element = common(ts);
        bool all_untyped = !ts.empty() && std::all_of(n.a_array_expr().elements().begin(), n.a_array_expr().elements().end(),
                                                      [](const pg_query::Node& x) { return x.has_a_const() && x.a_const().has_sval(); });
        if (all_untyped) element = known(kText);  // ARRAY['a'] is text[]
        if (rewrite_ && element.oid == kNumeric) mixed_scale_literals(*n.mutable_a_array_expr()->mutable_elements());
        PgResultType t = array_type();
        if (!element.array) t.element = element.oid;
        return t;
      }
      default:
        children(n, scope);
        return {};
    }
  }

 private:
  // A column reference qualified by the name of the relation of this scope that has it.
  void qualify(pg_query::Node& ref, const Scope& scope) {
    std::string name = lower(ref.column_ref().fields(0).string().sval());
    for (const auto& r : scope.relations) {
      resolve(r);
      if (!r.columns || r.alias.empty()) continue;
      for (const auto& c : *r.columns) {
        if (c.first != name) continue;
        pg_query::Node q;
        q.mutable_column_ref()->add_fields()->mutable_string()->set_sval(r.alias);
        *q.mutable_column_ref()->add_fields() = ref.column_ref().fields(0);
        ref = std::move(q);
        return;
      }
    }
  }

  // (VALUES (0.5), (3.0)) v(x): a numeric column whose literals have several scales carries each
  // row's in a hidden column (DuckDB's VALUES column has one: 0.50, 3.00), named in the alias.
  void values_scales(pg_query::SelectStmt& s, pg_query::Alias& alias, TableColumns& columns) {
    if (s.values_lists_size() == 0 || columns.empty()) return;
    std::vector<std::vector<int>> scales(columns.size());
    std::vector<bool> eligible(columns.size(), true);
    for (const auto& row : s.values_lists()) {
      if (!row.has_list() || row.list().items_size() != static_cast<int>(columns.size())) return;
      for (size_t i = 0; i < columns.size(); ++i) {
        const auto& item = row.list().items(static_cast<int>(i));
        std::optional<int> scale;
        if (item.has_a_const() && item.a_const().isnull()) scale = 0;
        if (item.has_a_const() && item.a_const().has_ival()) scale = 0;
        if (item.has_a_const() && item.a_const().has_fval()) scale = numeric_text_scale(item.a_const().fval().fval());
        if (!scale) eligible[i] = false;
        scales[i].push_back(scale.value_or(0));
      }
    }
    for (size_t i = 0; i < columns.size(); ++i) {
      const PgResultType& t = columns[i].second;
      bool varies = std::adjacent_find(scales[i].begin(), scales[i].end(), std::not_equal_to<int>()) != scales[i].end();
      if (!eligible[i] || !varies || t.oid != kNumeric || !t.exact || columns[i].first.empty()) continue;
      for (size_t k = static_cast<size_t>(alias.colnames_size()); k < columns.size(); ++k) {
        alias.add_colnames()->mutable_string()->set_sval(columns[k].first);
      }
      std::string hidden = "__dscale__" + columns[i].first;
      alias.add_colnames()->mutable_string()->set_sval(hidden);
      int k = 0;
      for (auto& row : *s.mutable_values_lists()) {
        row.mutable_list()->add_items()->mutable_a_const()->mutable_ival()->set_ival(scales[i][k++]);
      }
      columns[i].second.scale_column = hidden;
      changed = true;
    }
  }

  // ARRAY[1.5, 2]: numeric literals of several scales, which DuckDB would give one (2.0), as
  // numeric without precision, whose values print without trailing zeros. Literals written
  // with trailing zeros (1.50) stay as they are.
  void mixed_scale_literals(google::protobuf::RepeatedPtrField<pg_query::Node>& elements) {
    std::set<int> scales;
    for (const auto& e : elements) {
      if (!e.has_a_const()) return;
      const auto& c = e.a_const();
      if (c.isnull()) continue;
      if (c.has_ival()) {
        scales.insert(0);
        continue;
      }
      if (!c.has_fval()) return;
      auto d = parse_decimal(c.fval().fval());
      if (!d || d->scale > kUnconstrainedScale ||
          static_cast<int>(d->digits.size()) - d->scale > kUnconstrainedWidth - kUnconstrainedScale) {
        return;
      }
      const std::string& text = c.fval().fval();
      if (d->scale > 0 && text.back() == '0') return;
      scales.insert(d->scale);
    }
    if (scales.size() < 2) return;
    for (auto& e : elements) e = make_cast(e, "numeric", {kUnconstrainedWidth, kUnconstrainedScale});
    changed = true;
  }

  int summed_ = 0;  // > 0 while typing the argument of sum, avg & co.
  bool grouped_select_ = false;  // typing a select with GROUP BY, HAVING or aggregates
  bool scale_columns_ = false;  // subqueries may add hidden display-scale columns

  // Whether a statement reads a relation's columns without naming them (a star, a whole-row
  // reference such as row_to_json(t)): hidden columns would show there.
  static bool exposes_whole_rows(pg_query::SelectStmt& s) {
    // One walk: the relations' names and the one-word column references, compared after.
    std::set<std::string> relations, single_names;
    bool star = false;
    walk_messages(s, [&](google::protobuf::Message& m) {
      const auto* d = m.GetDescriptor();
      if (d == pg_query::ColumnRef::descriptor()) {
        const auto& ref = static_cast<pg_query::ColumnRef&>(m);
        for (const auto& f : ref.fields()) star = star || f.has_a_star();
        if (ref.fields_size() == 1 && ref.fields(0).has_string()) single_names.insert(lower(ref.fields(0).string().sval()));
      } else if (d == pg_query::CommonTableExpr::descriptor()) {
        relations.insert(lower(static_cast<pg_query::CommonTableExpr&>(m).ctename()));
      } else if (d == pg_query::RangeVar::descriptor()) {
        const auto& rv = static_cast<pg_query::RangeVar&>(m);
        relations.insert(lower(rv.has_alias() ? rv.alias().aliasname() : rv.relname()));
      } else if (d == pg_query::RangeSubselect::descriptor()) {
        const auto& sub = static_cast<pg_query::RangeSubselect&>(m);
        if (sub.has_alias()) relations.insert(lower(sub.alias().aliasname()));
      }
    });
    if (star) return true;
    return std::any_of(single_names.begin(), single_names.end(),
                       [&](const std::string& n) { return relations.count(n) > 0; });
  }

  // The hidden target `__dscale__<name>` holding the display scale of a subquery's numeric
  // column, when it varies row by row and is not the outer query's to work out (a table's
  // column); nullopt otherwise.
  std::optional<pg_query::Node> scale_target(const pg_query::Node& original, const std::string& name,
                                             const Scope& scope, bool grouped) {
    std::optional<DisplayScale> scale = display_scale(original, scope);
    if (!scale || scale->fixed) return std::nullopt;
    if (original.has_column_ref()) {
      pg_query::Node ref = original;
      if (expr(ref, scope, Place::kNested, nullptr).scale_column.empty()) return std::nullopt;
    }
    if (grouped && grouped_expression(original)) scale->expr = make_func_call("any_value", {scale->expr});
    pg_query::Node target;
    auto* rt = target.mutable_res_target();
    rt->set_name("__dscale__" + name);
    *rt->mutable_val() = std::move(scale->expr);
    changed = true;
    return target;
  }
  // The GROUP BY expressions (as written) of the select whose list is being typed.
  std::vector<pg_query::Node> group_expressions_;
  bool grouped_expression(const pg_query::Node& e) const {
    return std::any_of(group_expressions_.begin(), group_expressions_.end(),
                       [&](const pg_query::Node& g) { return same_expression(g, e); });
  }

  const ColumnTypeLookup& lookup_;
  bool rewrite_;

  // Visits the expressions below a node the inference does not type (so their subqueries and
  // casts are still rewritten), without typing them.
  void children(pg_query::Node& n, const Scope& scope) {
    using N = pg_query::Node;
    switch (n.node_case()) {
      case N::kBoolExpr:
        for (auto& a : *n.mutable_bool_expr()->mutable_args()) expr(a, scope, Place::kNested, nullptr);
        break;
      case N::kNullTest:
        if (n.null_test().has_arg()) expr(*n.mutable_null_test()->mutable_arg(), scope, Place::kNested, nullptr);
        break;
      default: break;
    }
  }

  static PgResultType common(const std::vector<PgResultType>& ts) {
    PgResultType out;
    bool first = true;
    for (const auto& t : ts) {
      if (t.oid == 0) continue;  // NULL or an untyped literal takes the others' type
      if (first) {
        out = t;
        first = false;
        continue;
      }
      if (t.oid == out.oid) {
        if (t.typmod != out.typmod) out.typmod = -1;
        out.exact = out.exact && t.exact;
      } else if (is_number(t.oid) && is_number(out.oid)) {
        out = known(number_rank(t.oid) > number_rank(out.oid) ? t.oid : out.oid, t.exact && out.exact);
      } else if (is_text(t.oid) && is_text(out.oid)) {
        out = known(kText);
      } else {
        return {};
      }
    }
    return out;
  }

  // common() over the arguments, unknown when an argument that is no literal is unknown: an
  // unresolved column would otherwise take its type from coalesce(x, 0)'s 0.
  template <class Args>
  static PgResultType common_of(const Args& nodes, const std::vector<PgResultType>& ts) {
    int i = 0;
    bool untyped_literal = false;
    for (const auto& a : nodes) {
      if (i < static_cast<int>(ts.size()) && ts[i].oid == 0 && !a.has_a_const()) return {};
      if (a.has_a_const() && a.a_const().has_sval()) untyped_literal = true;
      ++i;
    }
    PgResultType out = common(ts);
    if (untyped_literal && (out.oid == kVarchar || out.oid == kBpchar)) out.typmod = -1;  // 'x' has none
    return out;
  }

  void from_item(pg_query::Node& item, Scope& scope) {
    if (item.has_range_var()) {
      const auto& rv = item.range_var();
      Relation r;
      r.schema = rv.schemaname();
      r.name = rv.relname();
      r.alias = lower(rv.has_alias() ? rv.alias().aliasname() : rv.relname());
      if (r.schema.empty()) {
        if (const TableColumns* c = scope.cte(lower(r.name))) {
          r.columns = *c;
          r.looked_up = true;
        }
      }
      if (rv.has_alias()) rename(r, rv.alias());
      scope.relations.push_back(std::move(r));
    } else if (item.has_range_subselect()) {
      auto* sub = item.mutable_range_subselect();
      Relation r;
      r.looked_up = true;
      if (sub->has_subquery() && sub->subquery().has_select_stmt()) {
        r.columns = select(*sub->mutable_subquery()->mutable_select_stmt(), &scope, false);
      }
      if (sub->has_alias()) {
        r.alias = lower(sub->alias().aliasname());
        rename(r, sub->alias());
        if (scale_columns_ && r.columns && sub->subquery().has_select_stmt()) {
          values_scales(*sub->mutable_subquery()->mutable_select_stmt(), *sub->mutable_alias(), *r.columns);
        }
      }
      scope.relations.push_back(std::move(r));
    } else if (item.has_join_expr()) {
      auto* j = item.mutable_join_expr();
      if (j->has_larg()) from_item(*j->mutable_larg(), scope);
      if (j->has_rarg()) from_item(*j->mutable_rarg(), scope);
      if (j->has_quals()) expr(*j->mutable_quals(), scope, Place::kNested, nullptr);
    } else if (item.has_range_function()) {
      // The functions' arguments are expressions like any (unnest(ARRAY[1.5, 2])).
      for (auto& pair : *item.mutable_range_function()->mutable_functions()) {
        if (!pair.has_list() || pair.list().items_size() < 1 || !pair.list().items(0).has_func_call()) continue;
        for (auto& a : *pair.mutable_list()->mutable_items(0)->mutable_func_call()->mutable_args()) {
          if (a.has_a_array_expr()) expr(a, scope, Place::kNested, nullptr);
        }
      }
      Relation r;
      r.looked_up = true;
      const auto& rf = item.range_function();
      if (rf.has_alias()) r.alias = lower(rf.alias().aliasname());
      if (std::optional<std::string> column = integer_series(item)) {
        r.columns = TableColumns{{lower(*column), known(kInt4)}};
        if (r.alias.empty()) r.alias = "generate_series";
      }
      scope.relations.push_back(std::move(r));  // columns unknown unless a series of integers
    } else {
      Relation r;
      r.looked_up = true;
      scope.relations.push_back(std::move(r));
    }
  }

  // FROM generate_series(a, b[, step]) of integer constants: PostgreSQL's column is integer,
  // DuckDB's bigint. The function becomes a subquery that casts, under the same names; returns
  // the column's name.
  std::optional<std::string> integer_series(pg_query::Node& item) {
    const auto& rf = item.range_function();
    if (rf.ordinality() || rf.is_rowsfrom() || rf.functions_size() != 1 || rf.coldeflist_size() > 0) return std::nullopt;
    const auto& pair = rf.functions(0);
    if (!pair.has_list() || pair.list().items_size() < 1 || !pair.list().items(0).has_func_call()) return std::nullopt;
    const auto& call = pair.list().items(0).func_call();
    if (func_name(call) != "generate_series" || call.args_size() < 2 || call.args_size() > 3) return std::nullopt;
    for (const auto& a : call.args()) {
      bool constant = a.has_a_const() && a.a_const().has_ival();
      bool negative = a.has_a_expr() && a.a_expr().kind() == pg_query::AEXPR_OP && !a.a_expr().has_lexpr() &&
                      a.a_expr().has_rexpr() && a.a_expr().rexpr().has_a_const() && a.a_expr().rexpr().a_const().has_ival();
      if (!constant && !negative) return std::nullopt;
    }
    std::string alias = rf.has_alias() ? rf.alias().aliasname() : "generate_series";
    if (rf.has_alias() && rf.alias().colnames_size() > 1) return std::nullopt;
    std::string column = rf.has_alias() && rf.alias().colnames_size() == 1 && rf.alias().colnames(0).has_string()
                             ? rf.alias().colnames(0).string().sval()
                             : alias;
    if (!rewrite_) return column;
    pg_query::SelectStmt inner;
    auto* target = inner.add_target_list()->mutable_res_target();
    target->set_name(column);
    pg_query::Node ref;
    ref.mutable_column_ref()->add_fields()->mutable_string()->set_sval("__series");
    *target->mutable_val() = make_cast(ref, "int4");
    pg_query::Node from = item;
    auto* from_alias = from.mutable_range_function()->mutable_alias();
    from_alias->set_aliasname("__series");
    from_alias->clear_colnames();
    from_alias->add_colnames()->mutable_string()->set_sval("__series");
    *inner.add_from_clause() = std::move(from);
    inner.set_limit_option(pg_query::LIMIT_OPTION_DEFAULT);
    inner.set_op(pg_query::SETOP_NONE);
    pg_query::Node sub;
    auto* rs = sub.mutable_range_subselect();
    *rs->mutable_subquery()->mutable_select_stmt() = std::move(inner);
    rs->mutable_alias()->set_aliasname(alias);
    item = std::move(sub);
    changed = true;
    return column;
  }

  void rename(Relation& r, const pg_query::Alias& alias) {
    if (alias.colnames_size() == 0) return;
    resolve(r);
    if (!r.columns) return;
    for (int i = 0; i < alias.colnames_size() && i < static_cast<int>(r.columns->size()); ++i) {
      if (alias.colnames(i).has_string()) (*r.columns)[i].first = lower(alias.colnames(i).string().sval());
    }
  }

  void resolve(const Relation& r) const {
    if (r.looked_up) return;
    r.looked_up = true;
    if (r.schema == "pg_catalog" || r.schema == "information_schema") return;
    if (lookup_) r.columns = lookup_(r.schema, r.name);
  }

  TableColumns values(pg_query::SelectStmt& s, const Scope& scope) {
    TableColumns out;
    std::vector<std::vector<PgResultType>> by_column;
    for (auto& row : *s.mutable_values_lists()) {
      if (!row.has_list()) return {};
      auto* items = row.mutable_list()->mutable_items();
      if (by_column.empty()) by_column.resize(items->size());
      if (static_cast<size_t>(items->size()) != by_column.size()) return {};
      for (int i = 0; i < items->size(); ++i) {
        by_column[i].push_back(expr(*items->Mutable(i), scope, Place::kNested, nullptr));
      }
    }
    for (size_t i = 0; i < by_column.size(); ++i) {
      PgResultType t = common(by_column[i]);
      t.typmod = -1;
      bool untyped = std::all_of(by_column[i].begin(), by_column[i].end(), [](const PgResultType& x) { return x.oid == 0; });
      if (untyped) t = {};
      out.push_back({"column" + std::to_string(i + 1), t});
    }
    return out;
  }

  // Whether every relation's columns were known.
  bool star(const pg_query::ColumnRef& ref, const Scope& scope, TableColumns& out) {
    bool known_all = true;
    std::string only;
    if (ref.fields_size() >= 2 && ref.fields(ref.fields_size() - 2).has_string()) {
      only = lower(ref.fields(ref.fields_size() - 2).string().sval());
    }
    for (const auto& r : scope.relations) {
      if (!only.empty() && r.alias != only) continue;
      resolve(r);
      if (!r.columns) {
        out.push_back({"", {}});  // count unknown: the caller marks the select as not known
        known_all = false;
        continue;
      }
      for (const auto& c : *r.columns) out.push_back(c);
    }
    return known_all;
  }

  PgResultType column(const pg_query::ColumnRef& ref, const Scope& scope) {
    const auto& f = ref.fields();
    if (f.empty() || !f[f.size() - 1].has_string()) return {};
    std::string name = lower(f[f.size() - 1].string().sval());
    std::string qualifier = f.size() >= 2 && f[f.size() - 2].has_string() ? lower(f[f.size() - 2].string().sval()) : "";
    for (const Scope* s = &scope; s; s = s->outer) {
      const PgResultType* found = nullptr;
      bool unknown_relation = false;
      for (const auto& r : s->relations) {
        if (!qualifier.empty() && r.alias != qualifier) continue;
        resolve(r);
        if (!r.columns) {
          unknown_relation = true;
          continue;
        }
        for (const auto& c : *r.columns) {
          if (c.first != name) continue;
          if (found) return {};  // ambiguous
          found = &c.second;
        }
      }
      if (found) return unknown_relation && qualifier.empty() ? PgResultType{} : *found;
      if (unknown_relation) return {};
    }
    return {};
  }

  PgResultType operator_expr(pg_query::Node& n, const Scope& scope, Place place, bool* text) {
    auto* e = n.mutable_a_expr();
    if (e->kind() != pg_query::AEXPR_OP || e->name_size() != 1 || !e->name(0).has_string()) {
      PgResultType l = e->has_lexpr() ? expr(*e->mutable_lexpr(), scope, Place::kNested, nullptr) : PgResultType{};
      if (e->has_rexpr()) expr(*e->mutable_rexpr(), scope, Place::kNested, nullptr);
      switch (e->kind()) {
        case pg_query::AEXPR_NULLIF:
          if (is_text(l.oid)) return known(kText);  // compared as text, so answered as text
          return PgResultType{l.oid, -1, l.exact};
        case pg_query::AEXPR_OP_ANY:
        case pg_query::AEXPR_OP_ALL:
        case pg_query::AEXPR_DISTINCT:
        case pg_query::AEXPR_NOT_DISTINCT:
        case pg_query::AEXPR_IN:
        case pg_query::AEXPR_LIKE:
        case pg_query::AEXPR_ILIKE:
        case pg_query::AEXPR_SIMILAR:
        case pg_query::AEXPR_BETWEEN:
        case pg_query::AEXPR_NOT_BETWEEN:
        case pg_query::AEXPR_BETWEEN_SYM:
        case pg_query::AEXPR_NOT_BETWEEN_SYM: return known(kBool);
        default: return {};
      }
    }
    std::string op = e->name(0).string().sval();
    if (!e->has_lexpr()) {  // prefix: -x, +x, ~x
      PgResultType t = e->has_rexpr() ? expr(*e->mutable_rexpr(), scope, Place::kNested, nullptr) : PgResultType{};
      if ((op == "-" || op == "+") && is_number(t.oid)) {
        if (op == "-" && rewrite_ && quotient_text(e->rexpr())) {
          pg_query::Node zero;
          zero.mutable_a_const()->mutable_sval()->set_sval("0");
          pg_query::Node call = make_func_call("__pg_numeric_sub_text", {std::move(zero), *quotient_text(e->rexpr())});
          n = finish_quotient(std::move(call), place, text);
        }
        return PgResultType{t.oid, -1, t.exact};
      }
      return {};
    }
    // The operands as written, for the display scale a numeric quotient's operands have.
    std::optional<pg_query::Node> lo, ro;
    bool comparison = op == "=" || op == "<>" || op == "!=" || op == "<" || op == ">" || op == "<=" || op == ">=";
    if ((op == "/" || op == "^" || op == "+" || op == "-" || op == "*" || comparison) && rewrite_ && e->has_rexpr()) {
      lo = e->lexpr();
      ro = e->rexpr();
    }
    PgResultType l = expr(*e->mutable_lexpr(), scope, Place::kNested, nullptr);
    PgResultType r = e->has_rexpr() ? expr(*e->mutable_rexpr(), scope, Place::kNested, nullptr) : PgResultType{};
    auto untyped_literal = [](const pg_query::Node& side) { return side.has_a_const() && side.a_const().has_sval(); };
    if ((op == "=" || op == "<>" || op == "!=") && e->has_rexpr() &&
        ((l.oid == kJsonb && (r.oid == kJsonb || untyped_literal(e->rexpr()))) ||
         (r.oid == kJsonb && untyped_literal(e->lexpr())))) {
      // jsonb compares values, not text: '{"a": 1.0}'::jsonb = '{"a": 1}'::jsonb.
      if (rewrite_) {
        pg_query::Node left = l.oid == kJsonb ? e->lexpr() : make_cast(e->lexpr(), "jsonb");
        pg_query::Node right = r.oid == kJsonb ? e->rexpr() : make_cast(e->rexpr(), "jsonb");
        pg_query::Node equal = make_func_call("__pgj_equal", {std::move(left), std::move(right)});
        if (op != "=") {
          pg_query::Node negated;
          auto* b = negated.mutable_bool_expr();
          b->set_boolop(pg_query::NOT_EXPR);
          *b->add_args() = std::move(equal);
          equal = std::move(negated);
        }
        n = std::move(equal);
        changed = true;
      }
      return known(kBool);
    }
    auto exact_number = [](const PgResultType& t) { return t.exact && (t.oid == kNumeric || is_integer(t.oid)); };
    if (comparison && rewrite_ && e->has_rexpr() && (quotient_text(e->lexpr()) || quotient_text(e->rexpr())) &&
        exact_number(l) && (exact_number(r) || untyped_literal(e->rexpr()))) {
      // A quotient compares with all its digits (1/3::numeric * 3 is not 1).
      pg_query::Node zero;
      zero.mutable_a_const()->mutable_ival()->set_ival(0);
      pg_query::Node compared = make_func_call(
          "__pg_numeric_cmp", {numeric_text(*lo, e->lexpr(), l, scope), numeric_text(*ro, e->rexpr(), r, scope)});
      n = make_operator(op, make_cast(std::move(compared), "int4"), std::move(zero));
      changed = true;
      return known(kBool);
    }
    if (op == "=" || op == "<>" || op == "!=" || op == "<" || op == ">" || op == "<=" || op == ">=" ||
        op == "~" || op == "~*" || op == "!~" || op == "!~*" || op == "~~" || op == "!~~") {
      return known(kBool);
    }
    if (op == "||" && e->has_rexpr() && l.array != r.array &&
        (untyped_literal(e->lexpr()) || untyped_literal(e->rexpr()))) {
      // array || '{…}': the literal is an array of the other side's type, as PostgreSQL
      // resolves an unknown operand of anyarray || anyarray.
      const PgResultType& known_side = l.array ? l : r;
      const char* element = known_side.element ? pg_name_of_element(known_side.element) : nullptr;
      if (rewrite_ && element) {
        pg_query::Node& literal = l.array ? *e->mutable_rexpr() : *e->mutable_lexpr();
        pg_query::Node cast = make_cast(literal, element);
        cast.mutable_type_cast()->mutable_type_name()->add_array_bounds()->mutable_integer()->set_ival(-1);
        literal = std::move(cast);
        n = make_func_call("__pg_array_cat", {e->lexpr(), e->rexpr()});
        changed = true;
      }
      return known_side;
    }
    if (op == "||" && e->has_rexpr() && l.array != r.array) {
      // array || element and element || array (DuckDB concatenates lists only).
      if (rewrite_) {
        n = l.array ? make_func_call("list_append", {e->lexpr(), e->rexpr()})
                    : make_func_call("list_prepend", {e->lexpr(), e->rexpr()});
        changed = true;
      }
      return array_type();
    }
    if (op == "||" && e->has_rexpr() && l.array && r.array) {
      // array_cat: a NULL array is no elements beside another (DuckDB's || is NULL).
      if (rewrite_) {
        n = make_func_call("__pg_array_cat", {e->lexpr(), e->rexpr()});
        changed = true;
      }
      return l;
    }
    if (op == "||" && (l.array || r.array)) return array_type();
    if (op == "||" && (is_text(l.oid) || is_text(r.oid))) {
      // character(n) loses its trailing blanks when it becomes text.
      auto trim_bpchar = [&](pg_query::Node* side, const PgResultType& t) {
        if (t.oid != kBpchar || !rewrite_) return;
        pg_query::Node blank;
        blank.mutable_a_const()->mutable_sval()->set_sval(" ");
        *side = make_func_call("rtrim", {*side, std::move(blank)});
        changed = true;
      };
      trim_bpchar(e->mutable_lexpr(), l);
      if (e->has_rexpr()) trim_bpchar(e->mutable_rexpr(), r);
      return known(kText);
    }
    if (op == "-" && l.oid == kDate && r.oid == kDate) {
      if (rewrite_) {
        n = make_cast(n, "int4");  // DuckDB answers bigint
        changed = true;
      }
      return known(kInt4);
    }
    if ((op == "+" || op == "-") && l.oid == kDate && is_integer(r.oid)) return known(kDate);
    if (op == "-" && (l.oid == kTimestamp || l.oid == kTimestamptz) && l.oid == r.oid) return known(kInterval);
    if (op == "^" && (l.oid == kNumeric || r.oid == kNumeric) && l.exact && r.exact &&
        (l.oid == kNumeric || is_integer(l.oid)) && (r.oid == kNumeric || is_integer(r.oid))) {
      if (rewrite_) {
        pg_query::Node call = make_func_call(
            "__pg_numeric_power", {numeric_text(*lo, e->lexpr(), l, scope), numeric_text(*ro, e->rexpr(), r, scope)});
        n = finish_quotient(std::move(call), place, text);
      }
      return known(kNumeric);
    }
    bool arithmetic = op == "+" || op == "-" || op == "*" || op == "/" || op == "%";
    if (!arithmetic || !is_number(l.oid) || !is_number(r.oid)) return {};
    if (op == "%" && (is_float(l.oid) || is_float(r.oid))) return {};  // PostgreSQL has no float %
    int32_t result;
    if (l.oid == kFloat4 && r.oid == kFloat4) {
      result = kFloat4;
    } else if (is_float(l.oid) || is_float(r.oid)) {
      result = kFloat8;
    } else {
      result = number_rank(l.oid) >= number_rank(r.oid) ? l.oid : r.oid;
    }
    bool exact = l.exact && r.exact;
    if (rewrite_ && result != kNumeric) {
      // Mixed widths: the narrower operand widens first, as PostgreSQL's operators take it
      // (DuckDB keeps smallint + 1 a smallint and real * 2 a real).
      widen(*e->mutable_lexpr(), l.oid, result);
      widen(*e->mutable_rexpr(), r.oid, result);
    }
    if (rewrite_ && result == kFloat8 && op != "%") {
      // PostgreSQL's float8 operators refuse a finite result out of range (22003), where
      // DuckDB's doubles answer Infinity or 0.
      const char* fn = op == "+" ? "__pg_float8_add" : op == "-" ? "__pg_float8_sub"
                       : op == "*" ? "__pg_float8_mul" : "__pg_float8_div";
      n = make_func_call(fn, {e->lexpr(), e->rexpr()});
      changed = true;
      return PgResultType{result, -1, exact};
    }
    if ((op == "+" || op == "-" || op == "*") && result == kNumeric && exact && rewrite_ &&
        (quotient_text(e->lexpr()) || quotient_text(e->rexpr()) ||
         (!grouped_select_ && (!l.scale_column.empty() || !r.scale_column.empty())))) {
      // Beside a quotient (whose digits and scale vary row by row, 20 decimals for 2/3): the
      // exact sum, difference or product of the numerics' texts, as numeric.c computes it.
      const char* fn = op == "+" ? "__pg_numeric_add_text" : op == "-" ? "__pg_numeric_sub_text" : "__pg_numeric_mul_text";
      pg_query::Node call =
          make_func_call(fn, {numeric_text(*lo, e->lexpr(), l, scope), numeric_text(*ro, e->rexpr(), r, scope)});
      n = finish_quotient(std::move(call), place, text);
      return known(kNumeric);
    }
    if (op == "*" && l.oid == kNumeric && r.oid == kNumeric && exact && (l.typmod < 0 || r.typmod < 0)) {
      // DuckDB's product of DECIMAL(38,17)s has 34 decimals and overflows beyond 9999; this
      // one is exact, and refuses (22003) only digits it would drop.
      if (rewrite_) {
        n = make_func_call("__pg_numeric_mul", {e->lexpr(), e->rexpr()});
        changed = true;
      }
      return PgResultType{kNumeric, -1, true};
    }
    if (op == "/" && result == kNumeric && exact) {
      if (rewrite_) {
        pg_query::Node call = make_func_call(
            "__pg_numeric_div", {numeric_text(*lo, e->lexpr(), l, scope), numeric_text(*ro, e->rexpr(), r, scope)});
        n = finish_quotient(std::move(call), place, text);
      }
      return known(kNumeric);
    }
    return PgResultType{result, -1, exact};
  }

  // x::numeric: DuckDB's numeric without precision is DECIMAL(18,3), which rounds away digits.
  // PostgreSQL keeps every digit: an integer or a decimal literal keeps its own digits (up to
  // DuckDB's widest decimal, 38 digits), a DECIMAL keeps its scale.
  void unconstrained_numeric(pg_query::Node& n, const PgResultType& inner) {
    pg_query::Node& arg = *n.mutable_type_cast()->mutable_arg();
    auto* tn = n.mutable_type_cast()->mutable_type_name();
    if (tn->typmods_size() > 0 || tn->array_bounds_size() > 0) return;
    auto set_scale = [&](int scale) {
      tn->add_typmods()->mutable_a_const()->mutable_ival()->set_ival(38);
      tn->add_typmods()->mutable_a_const()->mutable_ival()->set_ival(scale);
      changed = true;
    };
    if (is_integer(inner.oid)) {
      set_scale(0);
    } else if (inner.oid == kNumeric && inner.exact) {
      pg_query::Node keep = arg;
      n = std::move(keep);  // already a DECIMAL with the digits it has
      changed = true;
    } else if (arg.has_a_const() && arg.a_const().has_sval()) {
      const std::string& v = arg.a_const().sval().sval();
      size_t i = v.find_first_not_of(" ");
      if (i == std::string::npos) return;
      if (v[i] == '-' || v[i] == '+') ++i;
      int before = 0, after = 0;
      bool point = false;
      for (; i < v.size() && v[i] != ' '; ++i) {
        if (v[i] == '.' && !point) {
          point = true;
        } else if (std::isdigit(static_cast<unsigned char>(v[i]))) {
          (point ? after : before)++;
        } else {
          return;  // NaN, exponents, garbage: DuckDB's cast answers as it does
        }
      }
      if (before + after == 0 || before + after > 38) return;
      set_scale(after);
    }
  }

  void widen(pg_query::Node& operand, int32_t from, int32_t to) {
    if (from == to || from == kNumeric || number_rank(from) >= number_rank(to)) return;
    if (from == kInt4 && to == kInt8 && operand.has_a_const()) return;  // DuckDB widens literals itself
    const char* name = duckdb_name_of(to);
    if (!name) return;
    operand = make_cast(operand, name);
    changed = true;
  }

  // CASE's and COALESCE's values, shown as a result column with a quotient among them: each as
  // its numeric text, so every row keeps its own scale (a DECIMAL has one for the column).
  void values_as_numeric_text(const std::vector<pg_query::Node*>& values, const std::vector<pg_query::Node>& originals,
                              const std::vector<PgResultType>& ts, const PgResultType& result, const Scope& scope,
                              Place place, bool* text) {
    if (!rewrite_ || !text || (place != Place::kTopTarget && place != Place::kTextCast)) return;
    if (originals.size() != values.size() || result.oid != kNumeric || !result.exact || result.typmod >= 0) return;
    if (std::none_of(values.begin(), values.end(), [](const pg_query::Node* v) { return quotient_text(*v); })) {
      // Or values of different scales (CASE … THEN amount ELSE 0 END: 0 prints as 0, not 0.00).
      std::set<int> scales;
      bool varies = false;
      for (const auto& o : originals) {
        if (o.has_a_const() && o.a_const().isnull()) continue;
        std::optional<DisplayScale> d = display_scale(o, scope);
        if (!d) return;
        if (d->fixed) scales.insert(*d->fixed);
        varies = varies || !d->fixed;
      }
      if (scales.size() < 2 && !(varies && !scales.empty())) return;
    }
    for (size_t i = 0; i < values.size(); ++i) *values[i] = numeric_text(originals[i], std::move(*values[i]), ts[i], scope);
    *text = true;
    changed = true;
  }

  // The exact numeric text inside a nested quotient's DECIMAL (finish_quotient), or nullptr.
  static const pg_query::Node* quotient_text(const pg_query::Node& n) {
    if (!n.has_func_call() || n.func_call().args_size() != 1) return nullptr;
    std::string name = func_name(n.func_call());
    return name == "__pg_numeric_decimal" || name == "__pg_numeric_decimal_summed" ? &n.func_call().args(0) : nullptr;
  }

  // A numeric quotient as DuckDB computes it: PostgreSQL's text when it is a result column of
  // its own, else a DECIMAL for the expression around it.
  pg_query::Node finish_quotient(pg_query::Node text_call, Place place, bool* text) {
    changed = true;
    if ((place == Place::kTopTarget || place == Place::kTextCast) && text) {
      *text = true;
      return text_call;
    }
    // Not CAST(… AS DECIMAL(38,16)): DuckDB's cast from text to a 38-digit decimal takes ~20 µs
    // a row.
    return make_func_call(summed_ > 0 ? "__pg_numeric_decimal_summed" : "__pg_numeric_decimal", {std::move(text_call)});
  }

  // PostgreSQL's display scale of a numeric expression (numeric keeps each value's own: '12.50'
  // ::numeric prints 12.50, x * 2 keeps x's digits), where DuckDB's DECIMAL(38,17) for numeric
  // without precision has lost it: a constant, or an SQL expression giving it row by row.
  struct DisplayScale {
    std::optional<int> fixed;
    pg_query::Node expr;  // when not fixed
  };

  static pg_query::Node int_node(int v) {
    pg_query::Node n;
    n.mutable_a_const()->mutable_ival()->set_ival(v);
    return n;
  }

  static pg_query::Node as_node(const DisplayScale& d) { return d.fixed ? int_node(*d.fixed) : d.expr; }

  static DisplayScale combine(const char* op, const DisplayScale& a, const DisplayScale& b) {
    bool sum = std::string(op) == "+";
    if (a.fixed && b.fixed) return {sum ? *a.fixed + *b.fixed : std::max(*a.fixed, *b.fixed), {}};
    if (sum) return {std::nullopt, make_operator("+", as_node(a), as_node(b))};
    return {std::nullopt, make_func_call("greatest", {as_node(a), as_node(b)})};
  }

  // CASE WHEN chooses(arg1) THEN scale(arg1) WHEN … END: the scale of whichever argument
  // coalesce, greatest or least answers.
  template <typename Args, typename Chooses>
  std::optional<DisplayScale> chosen_argument_scale(const Args& args, const Scope& scope, int depth,
                                                    Chooses chooses) {
    pg_query::Node c;
    auto* ce = c.mutable_case_expr();
    for (const auto& a : args) {
      auto sa = display_scale(a, scope, depth + 1);
      if (!sa) return std::nullopt;
      pg_query::Node value = a;
      expr(value, scope, Place::kNested, nullptr);
      auto* w = ce->add_args()->mutable_case_when();
      *w->mutable_expr() = chooses(std::move(value));
      *w->mutable_result() = as_node(*sa);
    }
    return DisplayScale{std::nullopt, std::move(c)};
  }

  std::optional<DisplayScale> display_scale(const pg_query::Node& original, const Scope& scope, int depth = 0) {
    if (depth > 16) return std::nullopt;
    pg_query::Node n = original;
    PgResultType t = expr(n, scope, Place::kNested, nullptr);  // n: as DuckDB will compute it
    if (is_integer(t.oid)) return DisplayScale{0, {}};
    if (t.oid != kNumeric || !t.exact) return std::nullopt;
    if (t.typmod >= 4) return DisplayScale{(t.typmod - 4) & 0xffff, {}};
    // A quotient (or a sum, difference or product with one): its text's, row by row.
    if (const pg_query::Node* exact = quotient_text(n)) {
      return DisplayScale{std::nullopt, make_func_call("__pg_numeric_scale", {*exact})};
    }
    switch (original.node_case()) {
      case pg_query::Node::kAConst:
        if (original.a_const().has_fval()) {
          if (auto sc = numeric_text_scale(original.a_const().fval().fval())) return DisplayScale{*sc, {}};
        }
        return std::nullopt;
      case pg_query::Node::kColumnRef:
        if (!t.scale_column.empty()) {
          // The subquery's hidden column, qualified as the reference is.
          pg_query::Node ref = original;
          auto* fields = ref.mutable_column_ref()->mutable_fields();
          fields->Mutable(fields->size() - 1)->mutable_string()->set_sval(t.scale_column);
          return DisplayScale{std::nullopt, std::move(ref)};
        }
        return DisplayScale{std::nullopt, make_func_call("__pg_numeric_scale", {std::move(n)})};
      case pg_query::Node::kTypeCast: {
        const auto& arg = original.type_cast().arg();
        pg_query::Node arg_rewritten = arg;
        PgResultType at = expr(arg_rewritten, scope, Place::kNested, nullptr);
        if (at.oid == kNumeric) return display_scale(arg, scope, depth + 1);
        if (is_integer(at.oid)) return DisplayScale{0, {}};
        if (arg.has_a_const() && arg.a_const().has_sval()) {
          if (auto sc = numeric_text_scale(arg.a_const().sval().sval())) return DisplayScale{*sc, {}};
          return std::nullopt;
        }
        // Text (or a value DuckDB types): the scale its digits have.
        return DisplayScale{std::nullopt, make_func_call("__pg_numeric_scale", {std::move(arg_rewritten)})};
      }
      case pg_query::Node::kAExpr: {
        const auto& e = original.a_expr();
        if (e.kind() != pg_query::AEXPR_OP || e.name_size() != 1 || !e.name(0).has_string()) return std::nullopt;
        std::string op = e.name(0).string().sval();
        if (!e.has_lexpr()) {
          if ((op == "-" || op == "+") && e.has_rexpr()) return display_scale(e.rexpr(), scope, depth + 1);
          return std::nullopt;
        }
        if (op != "+" && op != "-" && op != "*") return std::nullopt;
        auto l = display_scale(e.lexpr(), scope, depth + 1);
        auto r = l ? display_scale(e.rexpr(), scope, depth + 1) : std::nullopt;
        if (!l || !r) return std::nullopt;
        return combine(op == "*" ? "+" : "max", *l, *r);  // numeric.c: add/sub max, mul sum
      }
      case pg_query::Node::kFuncCall: {
        const auto& f = original.func_call();
        std::string name = func_name(f);
        if (f.has_over() || f.agg_distinct() || f.args_size() == 0) return std::nullopt;
        if ((name == "abs") && f.args_size() == 1) return display_scale(f.args(0), scope, depth + 1);
        if ((name == "floor" || name == "ceil" || name == "ceiling") && f.args_size() == 1) return DisplayScale{0, {}};
        if (name == "trim_scale" && f.args_size() == 1) {
          pg_query::Node value = f.args(0);
          expr(value, scope, Place::kNested, nullptr);
          return DisplayScale{std::nullopt, make_func_call("__pg_numeric_min_scale", {std::move(value)})};
        }
        if ((name == "round" || name == "trunc") && f.args_size() <= 2) {
          if (f.args_size() == 1) return DisplayScale{0, {}};
          const auto& places = f.args(1);
          if (places.has_a_const() && places.a_const().has_ival()) {
            return DisplayScale{std::max<int>(0, places.a_const().ival().ival()), {}};
          }
          return std::nullopt;
        }
        if ((name == "sum" || name == "max" || name == "min") && f.args_size() == 1) {
          ++summed_;  // the argument's scale row by row, inside the aggregate
          auto a = display_scale(f.args(0), scope, depth + 1);
          --summed_;
          if (!a || a->fixed) return a;  // with a FILTER too: every row has that scale
          if (f.has_agg_filter() || f.agg_order_size() > 0) return std::nullopt;
          if (name == "sum") return DisplayScale{std::nullopt, make_func_call("max", {a->expr})};  // numeric_add
          // The chosen value's own scale.
          pg_query::Node value = f.args(0);
          expr(value, scope, Place::kNested, nullptr);
          return DisplayScale{std::nullopt,
                              make_func_call(name == "max" ? "arg_max" : "arg_min", {a->expr, std::move(value)})};
        }
        return std::nullopt;
      }
      case pg_query::Node::kCoalesceExpr:
        // The first non-NULL argument's scale.
        return chosen_argument_scale(original.coalesce_expr().args(), scope, depth, [](pg_query::Node value) {
          pg_query::Node test;
          test.mutable_null_test()->set_nulltesttype(pg_query::IS_NOT_NULL);
          *test.mutable_null_test()->mutable_arg() = std::move(value);
          return test;
        });
      case pg_query::Node::kMinMaxExpr:
        // The first argument equal to the result, as ExecEvalMinMax keeps the first of equals.
        return chosen_argument_scale(original.min_max_expr().args(), scope, depth, [&n](pg_query::Node value) {
          return make_operator("=", n, std::move(value));
        });
      default:
        return std::nullopt;
    }
  }

  // An exact number as the text PostgreSQL's numeric of it prints: the digits of its display
  // scale, where DuckDB's text of a stored numeric without precision has 17 decimals.
  pg_query::Node numeric_text(const pg_query::Node& original, pg_query::Node rewritten, const PgResultType& t,
                              const Scope& scope) {
    if (const pg_query::Node* exact = quotient_text(rewritten)) return *exact;
    if (t.oid != kNumeric || !t.exact || t.typmod >= 0) return make_cast(std::move(rewritten), "text");
    if (auto scale = display_scale(original, scope)) {
      return make_func_call("__pg_numeric_text", {std::move(rewritten), make_cast(as_node(*scale), "int4")});
    }
    pg_query::Node scale = make_func_call("__pg_numeric_scale", {rewritten});
    return make_func_call("__pg_numeric_text", {std::move(rewritten), std::move(scale)});
  }

  // variance of an exact number (numeric_stddev_internal): (n·Σx² − (Σx)²) / (n(n−1)), or n²
  // for the population, in exact decimals; the numerator has twice the digits Σx shows.
  // `call` is the aggregate call (its FILTER and OVER apply to each part).
  pg_query::Node numeric_variance(const pg_query::Node& call, const PgResultType& t,
                                  const std::optional<pg_query::Node>& written, bool population, const Scope& scope) {
    auto agg = [&](const char* fn, pg_query::Node arg) {
      pg_query::Node c = call;
      auto* f = c.mutable_func_call();
      f->mutable_funcname()->Clear();
      f->add_funcname()->mutable_string()->set_sval(fn);
      f->clear_args();
      *f->add_args() = std::move(arg);
      return c;
    };
    pg_query::Node x = call.func_call().args(0);
    bool unconstrained = t.oid == kNumeric && t.typmod < 0;
    pg_query::Node square, sum_squared;
    pg_query::Node sum = agg("sum", x);
    if (unconstrained) {
      // DuckDB's DECIMAL(38,17) product has 34 decimals and overflows beyond 9999.
      square = make_func_call("__pg_numeric_mul", {x, x});
      sum_squared = make_func_call("__pg_numeric_mul", {sum, sum});
    } else {
      pg_query::Node operand = is_integer(t.oid) ? make_cast(x, "numeric", {38, 0}) : x;
      square = make_operator("*", operand, operand);
      sum_squared = make_operator("*", sum, sum);
    }
    pg_query::Node scale = int_node(0);
    if (t.oid == kNumeric) {
      ++summed_;  // inside the aggregate
      std::optional<DisplayScale> d = written ? display_scale(*written, scope) : std::nullopt;
      --summed_;
      if (d && d->fixed) {
        scale = int_node(*d->fixed);
      } else {
        scale = agg("max", d ? d->expr : make_func_call("__pg_numeric_scale", {x}));
      }
    }
    return make_func_call(population ? "__pg_numeric_var_pop" : "__pg_numeric_var_samp",
                          {agg("count", x), agg("sum", square), std::move(sum_squared), std::move(scale)});
  }

  // A top-level numeric result printed with PostgreSQL's display scale, as numeric text.
  bool print_with_scale(pg_query::ResTarget& rt, const pg_query::Node& original, const Scope& scope,
                        bool grouped) {
    if (original.has_a_const()) return false;  // prints right already
    if (original.has_column_ref()) {
      // A table's column prints right already; a subquery's quotient with its rows' scales.
      pg_query::Node ref = original;
      if (expr(ref, scope, Place::kNested, nullptr).scale_column.empty()) return false;
    }
    // Grouped: aggregates, and GROUP BY expressions with the scale of any of the group's rows
    // (another expression's scale may read columns the grouping does not keep).
    bool group_key = grouped && grouped_expression(original);
    if (grouped && !group_key) {
      if (!original.has_func_call() || original.func_call().has_over()) return false;
      std::string name = func_name(original.func_call());
      if (name != "sum" && name != "max" && name != "min") return false;
    }
    auto scale = display_scale(original, scope);
    if (!scale) return false;
    if (group_key && !scale->fixed) scale->expr = make_func_call("any_value", {scale->expr});
    pg_query::Node value = rt.val();
    *rt.mutable_val() = make_func_call("__pg_numeric_text", {std::move(value), make_cast(as_node(*scale), "int4")});
    if (rt.name().empty()) rt.set_name(figure_colname(original));
    changed = true;
    return true;
  }

  // exp, ln, log, log10 and power of exact numerics (numeric.c's digits, sql/numeric_math):
  // the call computing them as numeric text, or nullopt for PostgreSQL's float8 forms.
  static std::optional<pg_query::Node> numeric_math_call(const std::string& name, const pg_query::FuncCall& f,
                                                         const std::vector<PgResultType>& args) {
    auto exact = [](const PgResultType& t) { return t.exact && (t.oid == kNumeric || is_integer(t.oid)); };
    bool any_numeric = std::any_of(args.begin(), args.end(), [](const PgResultType& t) { return t.oid == kNumeric; });
    if (!std::all_of(args.begin(), args.end(), exact) || static_cast<int>(args.size()) != f.args_size()) {
      return std::nullopt;
    }
    auto text_arg = [&](int i) {
      const pg_query::Node* exact = quotient_text(f.args(i));
      return exact ? *exact : make_cast(f.args(i), "text");
    };
    pg_query::Node ten;
    ten.mutable_a_const()->mutable_sval()->set_sval("10");
    if (args.size() == 1 && any_numeric) {
      if (name == "exp") return make_func_call("__pg_numeric_exp", {text_arg(0)});
      if (name == "ln") return make_func_call("__pg_numeric_ln", {text_arg(0)});
      if (name == "log" || name == "log10") return make_func_call("__pg_numeric_log", {ten, text_arg(0)});
    }
    if (args.size() == 2 && name == "log") return make_func_call("__pg_numeric_log", {text_arg(0), text_arg(1)});
    if (args.size() == 2 && any_numeric && (name == "power" || name == "pow")) {
      return make_func_call("__pg_numeric_power", {text_arg(0), text_arg(1)});
    }
    return std::nullopt;
  }

  // scale(x), min_scale(x) and trim_scale(x) of a numeric: the display scale PostgreSQL's value
  // has (the inference's, as it prints), the fewest decimals that keep the value, and the value
  // printed with those.
  PgResultType numeric_scale_function(pg_query::Node& n, const std::string& name, const Scope& scope) {
    pg_query::Node original = n.func_call().args(0);
    PgResultType t = expr(*n.mutable_func_call()->mutable_args(0), scope, Place::kNested, nullptr);
    if (!(t.oid == kNumeric || is_integer(t.oid))) return {};
    pg_query::Node value = n.func_call().args(0);
    if (name == "trim_scale") {
      if (rewrite_) {
        n = std::move(value);  // the value; its display scale comes from display_scale()
        changed = true;
      }
      return PgResultType{kNumeric, -1, t.exact};
    }
    if (rewrite_) {
      std::optional<DisplayScale> shown = name == "scale" ? display_scale(original, scope) : std::nullopt;
      if (shown) {
        // NULL for NULL, whatever scale the type gives.
        pg_query::Node c;
        auto* ce = c.mutable_case_expr();
        auto* when = ce->add_args()->mutable_case_when();
        auto* test = when->mutable_expr()->mutable_null_test();
        *test->mutable_arg() = std::move(value);
        test->set_nulltesttype(pg_query::IS_NULL);
        when->mutable_result()->mutable_a_const()->set_isnull(true);
        *ce->mutable_defresult() = as_node(*shown);
        n = make_cast(std::move(c), "int4");
      } else {
        n = make_cast(make_func_call(name == "scale" ? "__pg_numeric_scale" : "__pg_numeric_min_scale", {std::move(value)}),
                      "int4");
      }
      changed = true;
    }
    return known(kInt4);
  }

  PgResultType function(pg_query::Node& n, const Scope& scope, Place place, bool* text) {
    auto* f = n.mutable_func_call();
    std::string name = func_name(*f);
    // avg's and variance's argument as written: the display scale of its sum.
    std::optional<pg_query::Node> original_arg;
    if (rewrite_ && f->args_size() == 1 &&
        (name == "avg" || name == "variance" || name == "var_samp" || name == "var_pop" || name == "stddev" ||
         name == "stddev_samp" || name == "stddev_pop")) {
      original_arg = f->args(0);
    }
    std::vector<PgResultType> args;
    bool accumulates = f->args_size() == 1 && !f->agg_distinct() &&
                       (name == "sum" || name == "avg" || name == "min" || name == "max" || name == "variance" ||
                        name == "var_samp" || name == "var_pop" || name == "stddev" || name == "stddev_samp" ||
                        name == "stddev_pop");
    summed_ += accumulates;
    for (auto& a : *f->mutable_args()) args.push_back(expr(a, scope, Place::kNested, nullptr));
    summed_ -= accumulates;
    if (f->has_agg_filter()) expr(*f->mutable_agg_filter(), scope, Place::kNested, nullptr);
    PgResultType a0 = args.empty() ? PgResultType{} : args[0];
    bool window = f->has_over();
    auto to_int4 = [&]() {
      if (rewrite_) {
        n = make_cast(n, "int4");
        changed = true;
      }
      return known(kInt4);
    };
    if (name.empty()) return {};
    if (name == "count" || name == "row_number" || name == "rank" || name == "dense_rank" ||
        name == "regr_count") {
      return known(kInt8);
    }
    if (name == "ntile") return to_int4();
    if (name == "percent_rank" || name == "cume_dist" || name == "random" || name == "pi") return known(kFloat8);
    if (name == "sum" && args.size() == 1) {
      if (a0.oid == kInt2 || a0.oid == kInt4) {
        if (rewrite_) {
          n = make_cast(n, "int8");  // DuckDB sums integers into a HUGEINT
          changed = true;
        }
        return known(kInt8);
      }
      if (a0.oid == kInt8 || a0.oid == kNumeric) return PgResultType{kNumeric, -1, a0.exact};
      if (a0.oid == kFloat4) {
        if (rewrite_) {
          n = make_cast(n, "float4");  // DuckDB sums reals into a double
          changed = true;
        }
        return known(kFloat4, false);
      }
      if (a0.oid == kFloat8 || a0.oid == kInterval) return known(a0.oid, a0.exact);
      return {};
    }
    if ((name == "min" || name == "max") && args.size() == 1) return PgResultType{a0.oid, -1, a0.exact};
    if (name == "avg" && args.size() == 1) {
      if (is_float(a0.oid)) return known(kFloat8, a0.exact);
      if (a0.oid == kInterval) return known(kInterval);
      if (!(is_integer(a0.oid) || a0.oid == kNumeric)) return {};
      if (!a0.exact || f->agg_star() || f->agg_order_size() > 0) return PgResultType{kNumeric, -1, false};
      if (rewrite_) {
        pg_query::Node sum = n, count = n;
        sum.mutable_func_call()->mutable_funcname(sum.func_call().funcname_size() - 1)->mutable_string()->set_sval("sum");
        count.mutable_func_call()->mutable_funcname(count.func_call().funcname_size() - 1)->mutable_string()->set_sval("count");
        if (a0.oid == kNumeric && original_arg) {
          // Σx with the digits PostgreSQL's sum shows (the most any value has), not DuckDB's 17.
          pg_query::Node written_sum = sum;
          *written_sum.mutable_func_call()->mutable_args(0) = *original_arg;
          sum = numeric_text(written_sum, std::move(sum), a0, scope);
        }
        n = finish_quotient(make_func_call("__pg_numeric_avg", {sum, count}), place, text);
      }
      return known(kNumeric);
    }
    if ((name == "variance" || name == "var_samp" || name == "var_pop") && args.size() == 1) {
      if (is_float(a0.oid)) return known(kFloat8, a0.exact);
      if (!(is_integer(a0.oid) || a0.oid == kNumeric)) return {};
      if (!a0.exact || f->agg_star() || f->agg_order_size() > 0 || f->agg_distinct()) {
        return PgResultType{kNumeric, -1, false};
      }
      if (rewrite_) {
        n = finish_quotient(numeric_variance(n, a0, original_arg, name == "var_pop", scope), place, text);
      }
      return known(kNumeric);
    }
    if (name == "every" && rewrite_) {
      // PostgreSQL's SQL-standard name of bool_and.
      f->mutable_funcname()->Clear();
      f->add_funcname()->mutable_string()->set_sval("bool_and");
      changed = true;
    }
    if (name == "bool_and" || name == "bool_or" || name == "every") return known(kBool);
    if (name == "div" && args.size() == 2 && is_number(a0.oid) && is_number(args[1].oid) && !is_float(a0.oid) &&
        !is_float(args[1].oid) && a0.exact && args[1].exact) {
      // The integral part of a / b: (a - a % b) / b divides exactly.
      if (rewrite_) {
        pg_query::Node a = f->args(0), b = f->args(1);
        pg_query::Node multiple = make_operator("-", a, make_operator("%", a, b));
        n = make_cast(make_func_call("__pg_numeric_div", {make_cast(multiple, "text"), make_cast(b, "text")}), "numeric",
                      {38, 0});
        changed = true;
      }
      return known(kNumeric);
    }
    if (name == "width_bucket" && (args.size() == 2 || args.size() == 4)) {
      if (rewrite_) {
        // (x, thresholds array) or (x, low, high, count)
        f->mutable_funcname()->Clear();
        f->add_funcname()->mutable_string()->set_sval(args.size() == 2 ? "__pg_width_bucket_array" : "__pg_width_bucket");
        changed = true;
      }
      return known(kInt4);
    }
    if ((name == "stddev" || name == "stddev_samp" || name == "stddev_pop") && args.size() == 1 &&
        (is_integer(a0.oid) || a0.oid == kNumeric) && a0.exact && !f->agg_star() && f->agg_order_size() == 0 &&
        !f->agg_distinct()) {
      if (rewrite_) {
        // The square root of the variance at the variance's scale, as numeric_stddev_internal.
        pg_query::Node variance = numeric_variance(n, a0, original_arg, name == "stddev_pop", scope);
        n = finish_quotient(make_func_call("__pg_numeric_sqrt", {variance}), place, text);
      }
      return known(kNumeric);
    }
    if ((name == "stddev" || name == "stddev_samp" || name == "stddev_pop") && args.size() == 1) {
      if (is_float(a0.oid)) return known(kFloat8, a0.exact);
      if (is_integer(a0.oid) || a0.oid == kNumeric) return PgResultType{kNumeric, -1, false};
      return {};
    }
    if (name == "generate_series" && !window && (args.size() == 2 || args.size() == 3) &&
        std::all_of(args.begin(), args.end(), [](const PgResultType& t) { return t.oid == kInt4 || t.oid == kInt2; })) {
      if (rewrite_) {
        n = make_cast(n, "int4");  // DuckDB's series are bigint
        changed = true;
      }
      return known(kInt4);
    }
    if (name == "string_agg") return known(kText);
    if (name == "grouping") return to_int4();
    if (window && (name == "lag" || name == "lead" || name == "first_value" || name == "last_value" ||
                   name == "nth_value")) {
      return PgResultType{a0.oid, -1, a0.exact};
    }
    if (name == "percentile_cont" || name == "percentile_disc") {
      // WITHIN GROUP (ORDER BY x): percentile_cont interpolates in double precision (DuckDB
      // would interpolate a DECIMAL in its own scale), percentile_disc returns x's type.
      if (f->agg_order_size() != 1 || !f->agg_order(0).has_sort_by() || !f->agg_order(0).sort_by().has_node()) return {};
      auto* node = f->mutable_agg_order(0)->mutable_sort_by()->mutable_node();
      PgResultType x = expr(*node, scope, Place::kNested, nullptr);
      if (name == "percentile_disc") return PgResultType{x.oid, -1, x.exact};
      if (!is_number(x.oid) || (!args.empty() && args[0].oid == 0)) return {};
      if (rewrite_ && x.oid != kFloat8) {
        *node = make_cast(*node, "float8");
        changed = true;
      }
      return known(kFloat8);
    }
    if ((name == "to_regclass" || name == "to_regtype") && args.size() == 1) {
      std::string type = name.substr(3);
      if (rewrite_ && (place == Place::kTopTarget || place == Place::kTextCast)) {
        n = make_cast(make_cast(n, "int8"), type);  // printed: the name, not the oid
        changed = true;
      }
      return known(type == "regclass" ? kRegclass : kRegtype);
    }
    if ((name == "setseed" || name == "pg_sleep") && args.size() == 1) {
      // void: PostgreSQL's result is an empty value, not NULL (setseed(0.5) IS NULL is false).
      if (rewrite_) {
        pg_query::Node call = n;
        n = make_func_call("__pg_void", {std::move(call)});
        changed = true;
      }
      return known(kVoid);
    }
    if (name == "pg_typeof" && args.size() == 1) {
      const char* type_name = format_type_name(a0.oid);
      if (!type_name) {
        // Arrays and types the inference does not follow: PostgreSQL's name for DuckDB's type at
        // run time (DuckDB's own pg_typeof says decimal(2,1)[] and varchar[]). Untyped literals
        // are unknown (sql/rewrite_literals).
        const auto& arg = f->args(0);
        if (arg.has_a_const() && (arg.a_const().has_sval() || arg.a_const().isnull())) return {};
        if (rewrite_) {
          n = make_func_call("__pg_format_type", {make_func_call("typeof", {arg})});
          changed = true;
        }
        return known(kRegtype);
      }
      if (rewrite_) {
        // PostgreSQL's name of the type; the argument stays (it may be an aggregate).
        pg_query::Node arg = f->args(0);
        pg_query::Node out;
        auto* c = out.mutable_case_expr();
        auto* when = c->add_args()->mutable_case_when();
        auto* test = when->mutable_expr()->mutable_null_test();
        *test->mutable_arg() = std::move(arg);
        test->set_nulltesttype(pg_query::IS_NULL);
        when->mutable_result()->mutable_a_const()->mutable_sval()->set_sval(type_name);
        c->mutable_defresult()->mutable_a_const()->mutable_sval()->set_sval(type_name);
        n = std::move(out);
        changed = true;
      }
      return known(kRegtype);
    }
    if (window) return {};
    if (a0.oid == kBpchar && args.size() == 1 && rewrite_ &&
        (name == "length" || name == "char_length" || name == "character_length" ||
         (name == "octet_length" && a0.typmod > 4))) {
      // character(n): its trailing blanks do not count for length; octet_length counts the
      // value blank-padded to n (DuckDB keeps the text as it was stored).
      pg_query::Node arg = f->args(0);
      if (name == "octet_length") {
        pg_query::Node width;
        width.mutable_a_const()->mutable_ival()->set_ival(a0.typmod - 4);
        pg_query::Node blank;
        blank.mutable_a_const()->mutable_sval()->set_sval(" ");
        *f->mutable_args(0) = make_func_call("rpad", {std::move(arg), std::move(width), std::move(blank)});
      } else {
        pg_query::Node blank;
        blank.mutable_a_const()->mutable_sval()->set_sval(" ");
        *f->mutable_args(0) = make_func_call("rtrim", {std::move(arg), std::move(blank)});
      }
      changed = true;
    }
    if (name == "length" || name == "char_length" || name == "character_length" ||
        name == "octet_length" || name == "strpos" || name == "position" || name == "ascii" ||
        name == "width_bucket") {
      if (name == "length" && !args.empty() && !is_text(a0.oid) && a0.oid != 0) return {};
      return to_int4();
    }
    if (name == "abs" && args.size() == 1 && is_number(a0.oid)) return PgResultType{a0.oid, -1, a0.exact};
    if ((name == "gcd" || name == "lcm") && args.size() == 2 && is_integer(a0.oid) && a0.oid == args[1].oid) {
      if (a0.oid == kInt4) return to_int4();
      return known(a0.oid);
    }
    if (name == "mod" && args.size() == 2 && is_integer(a0.oid) && is_integer(args[1].oid)) {
      return known(number_rank(a0.oid) >= number_rank(args[1].oid) ? a0.oid : args[1].oid);
    }
    if (name == "mod" && args.size() == 2 && !is_float(a0.oid) && !is_float(args[1].oid) &&
        (a0.oid == kNumeric || args[1].oid == kNumeric) && is_number(a0.oid) && is_number(args[1].oid)) {
      return PgResultType{kNumeric, -1, a0.exact && args[1].exact};
    }
    if (name == "sign" && args.size() == 1 && is_number(a0.oid)) {
      // PostgreSQL has sign(numeric) and sign(float8); DuckDB answers a tinyint.
      if (rewrite_) {
        n = a0.oid == kNumeric ? make_cast(n, "numeric", {38, 0}) : make_cast(n, "float8");
        changed = true;
      }
      return a0.oid == kNumeric ? known(kNumeric) : known(kFloat8);
    }
    if ((name == "round" || name == "trunc" || name == "ceil" || name == "ceiling" || name == "floor") &&
        !args.empty()) {
      if (a0.oid == kNumeric) return PgResultType{kNumeric, -1, a0.exact};
      if (a0.oid == kFloat8 || a0.oid == kFloat4) {
        if (name == "round" && args.size() == 1 && rewrite_) {
          // PostgreSQL rounds a double half to even (rint); DuckDB's round goes away from zero.
          auto* call = n.mutable_func_call();
          call->mutable_funcname(call->funcname_size() - 1)->mutable_string()->set_sval("round_even");
          call->add_args()->mutable_a_const()->mutable_ival()->set_ival(0);
          if (call->funcname_size() == 2) call->mutable_funcname()->DeleteSubrange(0, 1);
          changed = true;
        }
        return known(kFloat8);
      }
      return {};
    }
    if (name == "sqrt" && args.size() == 1 && a0.oid == kNumeric && a0.exact) {
      if (rewrite_) {
        // Negative: DuckDB's own sqrt raises PostgreSQL's error (2201F).
        pg_query::Node x = f->args(0);
        pg_query::Node out;
        auto* c = out.mutable_case_expr();
        auto* when = c->add_args()->mutable_case_when();
        auto* test = when->mutable_expr()->mutable_a_expr();
        test->set_kind(pg_query::AEXPR_OP);
        test->add_name()->mutable_string()->set_sval("<");
        *test->mutable_lexpr() = x;
        test->mutable_rexpr()->mutable_a_const()->mutable_ival()->set_ival(0);
        *when->mutable_result() = make_cast(make_func_call("sqrt", {x}), "text");
        *c->mutable_defresult() = make_func_call("__pg_numeric_sqrt_scaled", {make_cast(x, "text")});
        n = finish_quotient(std::move(out), place, text);
      }
      return known(kNumeric);
    }
    if (auto call = numeric_math_call(name, *f, args)) {
      if (rewrite_) n = finish_quotient(std::move(*call), place, text);
      return known(kNumeric);
    }
    if (name == "sqrt" || name == "cbrt" || name == "exp" || name == "ln" || name == "log" ||
        name == "log10" || name == "power" || name == "pow") {
      bool any_numeric = std::any_of(args.begin(), args.end(), [](const PgResultType& t) { return t.oid == kNumeric; });
      if (name == "cbrt") return known(kFloat8, false);
      if (any_numeric || (name == "log" && args.size() == 2)) return PgResultType{kNumeric, -1, false};
      if (std::all_of(args.begin(), args.end(), [](const PgResultType& t) { return is_number(t.oid); })) {
        return known(kFloat8, false);
      }
      return {};
    }
    if (name == "factorial") return PgResultType{kNumeric, -1, true};
    if ((name == "current_database" || name == "current_schema" || name == "current_user" ||
         name == "session_user") && args.empty()) {
      return known(kName);
    }
    if (name == "coalesce" || name == "greatest" || name == "least") return common_of(f->args(), args);
    if (name == "lower" || name == "upper" || name == "concat" || name == "substr" || name == "substring" ||
        name == "replace" || name == "trim" || name == "btrim" || name == "ltrim" || name == "rtrim" ||
        name == "left" || name == "right" || name == "lpad" || name == "rpad" || name == "repeat" ||
        name == "reverse" || name == "md5" || name == "initcap") {
      return known(kText);
    }
    // sql/rewrite_functions.cpp computes them as PostgreSQL types them.
    if (name == "extract" || name == "to_number") return PgResultType{kNumeric, -1, true};
    if (name == "date_part") return known(kFloat8);
    if (name == "array_agg" && args.size() == 1 && !a0.array && a0.oid != 0 && a0.oid != kNumeric) {
      PgResultType t = array_type();
      t.element = a0.oid;
      return t;
    }
    if (name == "array_agg" || name == "string_to_array" || name == "regexp_split_to_array" ||
        name == "array_append" || name == "array_prepend" || name == "array_cat" || name == "array_remove" ||
        name == "array_replace" || name == "array_fill") {
      return array_type();
    }
    return {};
  }

  // ORDER BY 2 or ORDER BY name where that result column became numeric text: sort by the
  // number, not by its text.
  void sort_by_numbers(pg_query::SelectStmt& s, const TableColumns& out, const std::vector<bool>& text,
                       const std::vector<pg_query::Node>& nested) {
    if (std::none_of(text.begin(), text.end(), [](bool b) { return b; })) return;
    for (auto& item : *s.mutable_sort_clause()) {
      if (!item.has_sort_by() || !item.sort_by().has_node()) continue;
      auto* node = item.mutable_sort_by()->mutable_node();
      int index = -1;
      if (node->has_a_const() && node->a_const().has_ival()) {
        index = node->a_const().ival().ival() - 1;
      } else if (node->has_column_ref() && node->column_ref().fields_size() == 1 &&
                 node->column_ref().fields(0).has_string()) {
        std::string name = lower(node->column_ref().fields(0).string().sval());
        for (size_t i = 0; i < out.size(); ++i) {
          if (out[i].first == name && s.target_list(static_cast<int>(i)).res_target().name() != "") {
            if (index >= 0) {
              index = -1;
              break;
            }
            index = static_cast<int>(i);
          }
        }
      }
      if (index >= 0 && static_cast<size_t>(index) < text.size() && text[index]) {
        *node = nested[index];
        changed = true;
      }
    }
  }
};

pg_query::SelectStmt* top_select(pg_query::ParseResult& tree) {
  if (tree.stmts_size() != 1 || !tree.stmts(0).has_stmt()) return nullptr;
  pg_query::Node* root = tree.mutable_stmts(0)->mutable_stmt();
  if (!root->has_select_stmt() || root->select_stmt().has_into_clause()) return nullptr;
  return root->mutable_select_stmt();
}

}  // namespace

PgResultType pg_type_of_duckdb_name(const std::string& duckdb_type) {
  std::string t = duckdb_type;
  std::transform(t.begin(), t.end(), t.begin(), [](unsigned char c) { return std::toupper(c); });
  if (t == "SMALLINT") return known(kInt2);
  if (t == "INTEGER") return known(kInt4);
  if (t == "BIGINT") return known(kInt8);
  if (t == "FLOAT") return known(kFloat4);
  if (t == "DOUBLE") return known(kFloat8);
  if (t == "VARCHAR") return known(kText);
  if (t == "BOOLEAN") return known(kBool);
  if (t == "DATE") return known(kDate);
  if (t == "TIME") return known(kTime);
  if (t == "TIMESTAMP") return known(kTimestamp);
  if (t == "TIMESTAMP WITH TIME ZONE") return known(kTimestamptz);
  if (t == "INTERVAL") return known(kInterval);
  if (t == "JSONB") return known(kJsonb);
  if (t.size() > 2 && t.compare(t.size() - 2, 2, "[]") == 0) {
    PgResultType a = array_type();
    PgResultType element = pg_type_of_duckdb_name(t.substr(0, t.size() - 2));
    if (!element.array && element.oid != kNumeric) a.element = element.oid;
    return a;
  }
  if (t.rfind("DECIMAL(", 0) == 0) {
    int p = 0, s = 0;
    if (std::sscanf(t.c_str(), "DECIMAL(%d,%d)", &p, &s) == 2) {
      if (p == kUnconstrainedWidth && s == kUnconstrainedScale) return known(kNumeric);  // numeric
      return PgResultType{kNumeric, ((p << 16) | s) + 4, true};
    }
    return known(kNumeric);
  }
  return {};
}

int32_t type_oid_of_name(std::string_view name) {
  for (int32_t oid : {kBool, kInt2, kInt4, kInt8, kText, kFloat4, kFloat8, kBpchar, kVarchar, kDate, kTime,
                      kTimestamp, kTimestamptz, kInterval, kNumeric}) {
    if (name == format_type_name(oid)) return oid;
  }
  return 0;
}

// The query whose rows a statement stores: CREATE TABLE … AS, CREATE VIEW … AS (its rows are
// read as a table's) and INSERT … SELECT; nullptr for others.
pg_query::SelectStmt* stored_select(pg_query::ParseResult& tree, bool& keeps_types) {
  if (tree.stmts_size() != 1 || !tree.stmts(0).has_stmt()) return nullptr;
  pg_query::Node* root = tree.mutable_stmts(0)->mutable_stmt();
  pg_query::Node* query = nullptr;
  keeps_types = true;
  if (root->has_create_table_as_stmt()) {
    query = root->mutable_create_table_as_stmt()->mutable_query();
  } else if (root->has_view_stmt()) {
    query = root->mutable_view_stmt()->mutable_query();
  } else if (root->has_insert_stmt() && root->insert_stmt().has_select_stmt()) {
    query = root->mutable_insert_stmt()->mutable_select_stmt();
    keeps_types = false;  // the table's columns decide
  }
  return query && query->has_select_stmt() ? query->mutable_select_stmt() : nullptr;
}

bool rewrite_result_types(pg_query::ParseResult& tree, const ColumnTypeLookup& lookup) {
  if (pg_query::SelectStmt* select = top_select(tree)) {
    Typer typer(lookup, true);
    typer.select(*select, nullptr, true);
    return typer.changed;
  }
  bool keeps_types = false;
  pg_query::SelectStmt* select = stored_select(tree, keeps_types);
  if (!select) return false;
  // Stored rows get exact numerics as DECIMALs (a quotient is not DuckDB's double). A new
  // table's or view's quotient column keeps DECIMAL(38,16), so it prints the 16 decimals
  // PostgreSQL's quotients of ordinary size have (12.5000000000000000 for 1250 / 100.0), and is
  // numeric without precision to the catalog (stored_declared_types).
  Typer typer(lookup, true);
  typer.select(*select, nullptr, false, keeps_types);
  return typer.changed;
}

std::vector<std::string> stored_declared_types(const Statement& statement, const ColumnTypeLookup& lookup) {
  if (!statement.tree || statement.tree->stmts_size() != 1) return {};
  const pg_query::Node& root = statement.tree->stmts(0).stmt();
  const pg_query::RangeVar* rel = nullptr;
  const google::protobuf::RepeatedPtrField<pg_query::Node>* aliases = nullptr;
  if (root.has_view_stmt()) {
    rel = &root.view_stmt().view();
    aliases = &root.view_stmt().aliases();
  } else if (root.has_create_table_as_stmt() && root.create_table_as_stmt().has_into()) {
    rel = &root.create_table_as_stmt().into().rel();
    aliases = &root.create_table_as_stmt().into().col_names();
  } else {
    return {};
  }
  pg_query::ParseResult tree = *statement.tree;
  bool keeps_types = false;
  pg_query::SelectStmt* select = stored_select(tree, keeps_types);
  std::vector<std::string> out = {"DELETE FROM duckgres_meta.declared_types WHERE schema_name = " +
                                  quote_literal(rel->schemaname().empty() || rel->schemaname() == "public"
                                                    ? "main" : rel->schemaname()) +
                                  " AND table_name = " + quote_literal(rel->relname())};
  if (!select) return out;
  Typer typer(lookup, false);
  typer.describe_stars = true;
  TableColumns columns = typer.select(*select, nullptr, false, true);
  for (size_t i = 0; i < columns.size(); ++i) {
    std::string name = i < static_cast<size_t>(aliases->size()) && (*aliases)[i].has_string()
                           ? (*aliases)[i].string().sval() : columns[i].first;
    const PgResultType& t = columns[i].second;
    // numeric without precision whatever DECIMAL holds it (a quotient's is DECIMAL(38,16)).
    bool declared = t.oid == kVarchar || (t.oid == kBpchar && t.typmod > 4) ||
                    (t.oid == kNumeric && (t.typmod == (kUnconstrainedWidth << 16) + kUnconstrainedScale + 4 ||
                                           (t.typmod < 0 && t.exact)));
    if (!name.empty() && declared) {
      out.push_back(declared_type_insert(rel->schemaname(), rel->relname(), name, t.oid, t.typmod));
    }
  }
  return out;
}

namespace {

// Each top-level result column's PostgreSQL type, and whether the rewrite made it numeric text.
bool top_level_types(const Statement& statement, const ColumnTypeLookup& lookup,
                     std::vector<PgResultType>& types, std::vector<bool>& text) {
  if (!statement.tree) return false;
  pg_query::ParseResult tree = *statement.tree;
  pg_query::SelectStmt* select = top_select(tree);
  if (!select) return false;
  Typer typer(lookup, true);
  typer.describe_stars = true;
  typer.select(*select, nullptr, true);
  if (!typer.top_known) return false;
  types = std::move(typer.top_types);
  text = std::move(typer.top_text);
  return types.size() == text.size();
}

}  // namespace

std::vector<int32_t> result_type_corrections(const Statement& statement, const ColumnTypeLookup& lookup) {
  std::vector<PgResultType> types;
  std::vector<bool> text;
  if (!top_level_types(statement, lookup, types, text)) return {};
  std::vector<int32_t> out;
  bool any = false;
  for (const auto& t : types) {
    bool plain_numeric = t.oid == kNumeric && t.typmod < 0;
    out.push_back(plain_numeric ? kNumeric : 0);
    any = any || plain_numeric;
  }
  return any ? out : std::vector<int32_t>{};
}

void correct_result_types(const Statement& statement, const std::vector<duck::LogicalType>& duckdb_types,
                          const ColumnTypeLookup& lookup, std::vector<int32_t>& overrides,
                          std::vector<int32_t>& typmods) {
  auto may_differ = [](const duck::LogicalType& t) {
    return t.get() && (t.id() == DUCKDB_TYPE_DECIMAL || t.id() == DUCKDB_TYPE_VARCHAR);
  };
  if (std::none_of(duckdb_types.begin(), duckdb_types.end(), may_differ)) return;
  std::vector<PgResultType> types;
  std::vector<bool> text;
  if (!top_level_types(statement, lookup, types, text) || types.size() != duckdb_types.size()) return;
  for (size_t i = 0; i < types.size(); ++i) {
    if ((types[i].oid == kRegtype || types[i].oid == kVoid) && duckdb_types[i].get() &&
        duckdb_types[i].id() == DUCKDB_TYPE_VARCHAR) {
      if (overrides.empty()) overrides.assign(duckdb_types.size(), 0);
      if (overrides[i] == 0) overrides[i] = types[i].oid;  // pg_typeof's name or void's '', as text
      continue;
    }
    if ((types[i].oid == kVarchar || (types[i].oid == kBpchar && types[i].typmod > 4) || types[i].oid == kName) &&
        duckdb_types[i].get() && duckdb_types[i].id() == DUCKDB_TYPE_VARCHAR) {
      if (overrides.empty()) overrides.assign(duckdb_types.size(), 0);
      if (overrides[i] != 0) continue;
      overrides[i] = types[i].oid;  // varchar(n), char(n): their declared length
      typmods.resize(duckdb_types.size(), -1);
      typmods[i] = types[i].typmod;
      continue;
    }
    if (types[i].oid != kNumeric || types[i].typmod >= 0 || !duckdb_types[i].get()) continue;
    bool decimal = duckdb_types[i].id() == DUCKDB_TYPE_DECIMAL;
    bool numeric_text = duckdb_types[i].id() == DUCKDB_TYPE_VARCHAR && text[i];
    if (!decimal && !numeric_text) continue;
    if (overrides.empty()) overrides.assign(duckdb_types.size(), 0);
    if (overrides[i] == 0) overrides[i] = kNumeric;
  }
}


std::optional<std::string> numeric_divide(std::string_view x_text, std::string_view y_text) {
  auto x = parse_decimal(x_text), y = parse_decimal(y_text);
  if (!x || !y) return std::nullopt;
  if (y->digits.empty()) throw std::domain_error("division by zero");
  auto [w1, f1] = weight_and_first(*x);
  auto [w2, f2] = weight_and_first(*y);
  int qweight = w1 - w2 - (f1 <= f2 ? 1 : 0);
  int rscale = std::min(std::max({16 - 4 * qweight, x->scale, y->scale, 0}), 1000);
  // x/y = X·10^-sx / (Y·10^-sy); scaled by 10^rscale: X·10^(sy + rscale) / (Y·10^sx).
  using u128 = unsigned __int128;
  const u128 kMaxDivisor = static_cast<u128>(10000000000000000000ULL) * 1000000000000000000ULL;  // 10^37
  u128 divisor = 0;
  for (char c : y->digits) divisor = divisor * 10 + static_cast<unsigned>(c - '0');
  for (int k = 0; k < x->scale; ++k) {
    if (divisor > kMaxDivisor / 10) throw std::overflow_error("value overflows numeric format");
    divisor *= 10;
  }
  if (divisor > kMaxDivisor) throw std::overflow_error("value overflows numeric format");
  std::string dividend = x->digits.empty() ? "0" : x->digits;
  dividend.append(static_cast<size_t>(y->scale + rscale), '0');
  std::string quotient;
  u128 remainder = 0;
  for (char c : dividend) {
    remainder = remainder * 10 + static_cast<unsigned>(c - '0');
    quotient.push_back(static_cast<char>('0' + static_cast<int>(remainder / divisor)));
    remainder %= divisor;
  }
  if (remainder * 2 >= divisor) increment_digits(quotient);  // half away from zero
  size_t nonzero = quotient.find_first_not_of('0');
  bool zero = nonzero == std::string::npos;
  if (quotient.size() < static_cast<size_t>(rscale) + 1) {
    quotient.insert(0, static_cast<size_t>(rscale) + 1 - quotient.size(), '0');
  }
  size_t int_digits = quotient.size() - static_cast<size_t>(rscale);
  size_t lead = quotient.find_first_not_of('0');
  if (lead == std::string::npos || lead >= int_digits) lead = int_digits - 1;  // keep one 0
  std::string out = (!zero && x->negative != y->negative) ? "-" : "";
  out.append(quotient, lead, int_digits - lead);
  if (rscale > 0) {
    out.push_back('.');
    out.append(quotient, int_digits, std::string::npos);
  }
  return out;
}

namespace {

// An unsigned magnitude as decimal text with `scale` digits after the point.
std::string format_scaled(unsigned __int128 value, int scale, bool negative) {
  std::string digits;
  for (; value > 0; value /= 10) digits.insert(digits.begin(), static_cast<char>('0' + static_cast<int>(value % 10)));
  return format_digits(negative, digits, scale);
}

}  // namespace


// The square root of the integer `m` (decimal digits), rounded half up, by the schoolbook
// method: one digit of the root per pair of digits of m.
std::string decimal_isqrt_rounded(const std::string& m) {
  std::string digits = m.size() % 2 ? "0" + m : m;
  std::string root, remainder;
  for (size_t i = 0; i < digits.size(); i += 2) {
    remainder = times_small_plus(remainder, 100, (digits[i] - '0') * 10 + (digits[i + 1] - '0'));
    std::string twenty_root = times_small_plus(root, 20, 0);
    int x = 9;
    std::string take;
    for (; x > 0; --x) {
      take = times_small_plus(times_small_plus(twenty_root, 1, x), x, 0);  // (20·root + x)·x
      if (compare_digits(take, remainder) <= 0) break;
    }
    if (x > 0) remainder = subtract_digits(remainder, take);
    root = times_small_plus(root, 10, x);
  }
  // Rounded: one more when m − s² > s.
  if (compare_digits(remainder, root) > 0) root = times_small_plus(root, 1, 1);
  return root.empty() ? "0" : root;
}

std::optional<std::string> numeric_sqrt(std::string_view text) {
  auto d = parse_decimal(text);
  if (!d) return std::nullopt;
  if (d->digits.empty()) return format_scaled(0, d->scale, false);
  if (d->negative) throw std::domain_error("cannot take square root of a negative number");
  // sqrt(V / 10^r) · 10^r = sqrt(V · 10^r), rounded: s = isqrt(M), plus one when M - s² > s.
  // M has twice the digits of the result (41 for 1.00000000000000000000): the root is taken
  // digit by digit on decimal digits, not in 128 bits.
  std::string m = d->digits;
  m.append(static_cast<size_t>(d->scale), '0');
  std::string root = decimal_isqrt_rounded(m);
  if (root.size() > 38) throw std::overflow_error("value overflows numeric format");
  unsigned __int128 value = 0;
  for (char c : root) value = value * 10 + static_cast<unsigned>(c - '0');
  return format_scaled(value, d->scale, false);
}

std::optional<std::string> numeric_sqrt_scaled(std::string_view text) {
  auto d = parse_decimal(text);
  if (!d) return std::nullopt;
  // numeric_sqrt: sweight = (weight + 1) * DEC_DIGITS / 2 - 1; rscale = 16 - sweight, at least
  // the argument's scale.
  int weight = weight_and_first(*d).first;
  int sweight = (weight + 1) * 4 / 2 - 1;
  int rscale = std::min(std::max({16 - sweight, d->scale, 0}), 1000);
  std::string padded(text);
  if (rscale > d->scale) {
    if (d->scale == 0) padded.push_back('.');
    padded.append(static_cast<size_t>(rscale - d->scale), '0');
  }
  return numeric_sqrt(padded);
}

std::optional<__int128> numeric_text_scaled(std::string_view text, int scale) {
  auto d = parse_decimal(text);
  if (!d) return std::nullopt;
  using u128 = unsigned __int128;
  const u128 kLimit = static_cast<u128>(10000000000000000000ULL) * 10000000000000000000ULL;  // 10^38
  std::string digits = d->digits;
  bool round_up = false;
  if (d->scale > scale) {
    size_t drop = static_cast<size_t>(d->scale - scale);
    if (drop <= digits.size()) {
      round_up = digits[digits.size() - drop] >= '5';
      digits.resize(digits.size() - drop);
    } else {
      digits.clear();
    }
  } else {
    digits.append(static_cast<size_t>(scale - d->scale), '0');
  }
  u128 v = 0;
  for (char c : digits) {
    v = v * 10 + static_cast<unsigned>(c - '0');
    if (v >= kLimit) throw std::overflow_error("value overflows numeric format");
  }
  if (round_up && ++v >= kLimit) throw std::overflow_error("value overflows numeric format");
  __int128 out = static_cast<__int128>(v);
  return d->negative ? -out : out;
}

std::optional<std::string> numeric_text_binary(std::string_view text) {
  auto d = parse_decimal(text);
  if (!d) return std::nullopt;
  // Base-10000 groups aligned on the decimal point: integer digits padded on the left,
  // fraction digits on the right.
  std::string all = d->digits;  // without leading zeros
  int int_digits = static_cast<int>(all.size()) - d->scale;
  std::string ipart, fpart;
  if (int_digits > 0) {
    ipart = all.substr(0, static_cast<size_t>(int_digits));
    fpart = all.substr(static_cast<size_t>(int_digits));
  } else {
    fpart = std::string(static_cast<size_t>(-int_digits), '0') + all;
  }
  ipart.insert(0, (4 - ipart.size() % 4) % 4, '0');
  fpart.append((4 - fpart.size() % 4) % 4, '0');
  std::vector<int> groups;
  for (size_t k = 0; k < ipart.size(); k += 4) groups.push_back(std::stoi(ipart.substr(k, 4)));
  for (size_t k = 0; k < fpart.size(); k += 4) groups.push_back(std::stoi(fpart.substr(k, 4)));
  int weight = static_cast<int>(ipart.size() / 4) - 1;
  size_t first = 0;
  while (first < groups.size() && groups[first] == 0) {
    ++first;
    --weight;
  }
  size_t last = groups.size();
  while (last > first && groups[last - 1] == 0) --last;
  bool zero = first == last;
  if (zero) weight = 0;
  std::string out;
  auto put16 = [&](int v) {
    out.push_back(static_cast<char>((v >> 8) & 0xff));
    out.push_back(static_cast<char>(v & 0xff));
  };
  put16(static_cast<int>(last - first));
  put16(weight);
  put16(d->negative && !zero ? 0x4000 : 0);
  put16(d->scale);
  for (size_t k = first; k < last; ++k) put16(groups[k]);
  return out;
}

namespace {

// Calls `fn` on each row's VARCHAR arguments (one or two); NULL in, NULL out.
template <typename Fn>
void text_rows(duckdb_function_info info, duckdb_data_chunk input, duckdb_vector output, Fn fn) {
  idx_t rows = duckdb_data_chunk_get_size(input);
  idx_t columns = duckdb_data_chunk_get_column_count(input);
  duckdb_string_t* data[2] = {nullptr, nullptr};
  uint64_t* valid[2] = {nullptr, nullptr};
  for (idx_t c = 0; c < columns && c < 2; ++c) {
    duckdb_vector v = duckdb_data_chunk_get_vector(input, c);
    data[c] = static_cast<duckdb_string_t*>(duckdb_vector_get_data(v));
    valid[c] = duckdb_vector_get_validity(v);
  }
  duckdb_vector_ensure_validity_writable(output);
  uint64_t* ovalid = duckdb_vector_get_validity(output);
  try {
    for (idx_t r = 0; r < rows; ++r) {
      std::string_view args[2];
      bool null = false;
      for (idx_t c = 0; c < columns && c < 2; ++c) {
        if (!duckdb_validity_row_is_valid(valid[c], r)) {
          null = true;
          break;
        }
        args[c] = std::string_view(duckdb_string_t_data(&data[c][r]), duckdb_string_t_length(data[c][r]));
      }
      if (null) {
        duckdb_validity_set_row_invalid(ovalid, r);
        continue;
      }
      std::optional<std::string> out = fn(args[0], args[1]);
      if (!out) throw std::invalid_argument("invalid input syntax for type numeric: \"" + std::string(args[0]) + "\"");
      duckdb_vector_assign_string_element_len(output, r, out->data(), out->size());
    }
  } catch (const std::exception& e) {
    duckdb_scalar_function_set_error(info, e.what());
  }
}

void numeric_div_function(duckdb_function_info info, duckdb_data_chunk input, duckdb_vector output) {
  text_rows(info, input, output, [](std::string_view x, std::string_view y) { return numeric_divide(x, y); });
}

void numeric_add_function(duckdb_function_info info, duckdb_data_chunk input, duckdb_vector output) {
  text_rows(info, input, output, [](std::string_view x, std::string_view y) { return numeric_add_text(x, y, false); });
}

void numeric_sub_function(duckdb_function_info info, duckdb_data_chunk input, duckdb_vector output) {
  text_rows(info, input, output, [](std::string_view x, std::string_view y) { return numeric_add_text(x, y, true); });
}

void numeric_mul_text_function(duckdb_function_info info, duckdb_data_chunk input, duckdb_vector output) {
  text_rows(info, input, output, [](std::string_view x, std::string_view y) { return numeric_mul_text(x, y); });
}

void numeric_cmp_function(duckdb_function_info info, duckdb_data_chunk input, duckdb_vector output) {
  text_rows(info, input, output, [](std::string_view x, std::string_view y) -> std::optional<std::string> {
    std::optional<int> c = numeric_compare_text(x, y);
    if (!c) return std::nullopt;
    return std::to_string(*c);
  });
}

void numeric_exp_function(duckdb_function_info info, duckdb_data_chunk input, duckdb_vector output) {
  text_rows(info, input, output, [](std::string_view x, std::string_view) { return numeric_exp(x); });
}

void numeric_ln_function(duckdb_function_info info, duckdb_data_chunk input, duckdb_vector output) {
  text_rows(info, input, output, [](std::string_view x, std::string_view) { return numeric_ln(x); });
}

void numeric_log_function(duckdb_function_info info, duckdb_data_chunk input, duckdb_vector output) {
  text_rows(info, input, output, [](std::string_view b, std::string_view x) { return numeric_log(b, x); });
}

void numeric_power_function(duckdb_function_info info, duckdb_data_chunk input, duckdb_vector output) {
  text_rows(info, input, output, [](std::string_view b, std::string_view e) { return numeric_power(b, e); });
}

void numeric_sqrt_function(duckdb_function_info info, duckdb_data_chunk input, duckdb_vector output) {
  text_rows(info, input, output, [](std::string_view x, std::string_view) { return numeric_sqrt(x); });
}

void numeric_sqrt_scaled_function(duckdb_function_info info, duckdb_data_chunk input, duckdb_vector output) {
  text_rows(info, input, output, [](std::string_view x, std::string_view) { return numeric_sqrt_scaled(x); });
}

// __pg_numeric_decimal(text) → DECIMAL(38,16) and __pg_numeric_decimal_summed(text) →
// DECIMAL(38,20): the numeric text rounded (half away from zero).
template <int kScale>
void numeric_decimal_function(duckdb_function_info info, duckdb_data_chunk input, duckdb_vector output) {
  idx_t rows = duckdb_data_chunk_get_size(input);
  duckdb_vector v = duckdb_data_chunk_get_vector(input, 0);
  auto* data = static_cast<duckdb_string_t*>(duckdb_vector_get_data(v));
  uint64_t* valid = duckdb_vector_get_validity(v);
  auto* out = static_cast<duckdb_hugeint*>(duckdb_vector_get_data(output));
  duckdb_vector_ensure_validity_writable(output);
  uint64_t* ovalid = duckdb_vector_get_validity(output);
  try {
    for (idx_t r = 0; r < rows; ++r) {
      if (!duckdb_validity_row_is_valid(valid, r)) {
        duckdb_validity_set_row_invalid(ovalid, r);
        continue;
      }
      std::string_view text(duckdb_string_t_data(&data[r]), duckdb_string_t_length(data[r]));
      std::optional<__int128> value = numeric_text_scaled(text, kScale);
      if (!value) throw std::invalid_argument("invalid input syntax for type numeric: \"" + std::string(text) + "\"");
      out[r].lower = static_cast<uint64_t>(static_cast<unsigned __int128>(*value));
      out[r].upper = static_cast<int64_t>(*value >> 64);
    }
  } catch (const std::exception& e) {
    duckdb_scalar_function_set_error(info, e.what());
  }
}

void register_text_function(duck::Connection& connection, const char* name, int arity,
                            duckdb_scalar_function_t function, duckdb_logical_type result = nullptr) {
  duck::register_scalar(connection.get(),
                        {name, std::vector<duckdb_type>(static_cast<size_t>(arity), DUCKDB_TYPE_VARCHAR),
                         DUCKDB_TYPE_VARCHAR, result, function});
}

}  // namespace

void register_result_type_functions(duck::Connection& connection) {
  register_numeric_functions(connection);  // numeric without precision (sql/pg_numeric)
  register_float_functions(connection);    // double precision overflow (sql/pg_float)
  register_text_function(connection, "__pg_numeric_div", 2, numeric_div_function);
  register_text_function(connection, "__pg_numeric_add_text", 2, numeric_add_function);
  register_text_function(connection, "__pg_numeric_sub_text", 2, numeric_sub_function);
  register_text_function(connection, "__pg_numeric_mul_text", 2, numeric_mul_text_function);
  register_text_function(connection, "__pg_numeric_cmp", 2, numeric_cmp_function);
  register_text_function(connection, "__pg_numeric_sqrt", 1, numeric_sqrt_function);
  register_text_function(connection, "__pg_numeric_exp", 1, numeric_exp_function);
  register_text_function(connection, "__pg_numeric_ln", 1, numeric_ln_function);
  register_text_function(connection, "__pg_numeric_log", 2, numeric_log_function);
  register_text_function(connection, "__pg_numeric_power", 2, numeric_power_function);
  register_text_function(connection, "__pg_numeric_sqrt_scaled", 1, numeric_sqrt_scaled_function);
  duckdb_logical_type decimal = duckdb_create_decimal_type(38, kNestedQuotientScale);
  register_text_function(connection, "__pg_numeric_decimal", 1, numeric_decimal_function<kNestedQuotientScale>, decimal);
  duckdb_destroy_logical_type(&decimal);
  decimal = duckdb_create_decimal_type(38, kSummedQuotientScale);
  register_text_function(connection, "__pg_numeric_decimal_summed", 1, numeric_decimal_function<kSummedQuotientScale>,
                         decimal);
  duckdb_destroy_logical_type(&decimal);
}

void ColumnTypeCache::set_generation(uint64_t generation) {
  if (generation == generation_) return;
  cache_.clear();
  generation_ = generation;
}

std::optional<TableColumns> ColumnTypeCache::lookup(const std::string& schema_in, const std::string& name) {
  std::string schema = schema_in == "public" ? "main" : schema_in;
  auto key = std::make_pair(schema, name);
  if (auto it = cache_.find(key); it != cache_.end()) return it->second;
  std::optional<TableColumns> found;
  try {
    if (!statement_) {
      // Unqualified names resolve as DuckDB resolves them: the current schema, then main.
      statement_.emplace(connection_.prepare(
          "SELECT c.database_name || '.' || c.schema_name, lower(c.column_name), c.data_type, CAST(d.type_oid AS VARCHAR), CAST(d.typmod AS VARCHAR) "
          "FROM duckdb_columns() c "
          "LEFT JOIN duckgres_meta.declared_types d ON d.schema_name = c.schema_name "
          "AND d.table_name = c.table_name AND d.column_name = c.column_name "
          "WHERE (c.database_name = current_database() AND ($1 = '' OR lower(c.schema_name) = lower($1)) "
          "OR c.database_name = 'temp' AND $1 IN ('', 'pg_temp')) AND lower(c.table_name) = lower($2) "
          // A temporary table hides a permanent one of the same name, as pg_temp comes first in
          // PostgreSQL's search_path.
          "ORDER BY c.database_name <> 'temp', c.schema_name <> current_schema(), c.schema_name <> 'main', "
          "c.schema_name, c.column_index"));
    }
    duck::PreparedStatement& p = *statement_;
    p.clear_bindings();
    p.bind_varchar(0, schema);
    p.bind_varchar(1, name);
    duck::Result r = p.execute(false);
    std::string first_schema;
    bool done = false;
    while (!done) {
      duck::DataChunk c = r.fetch();
      if (!c) break;
      for (idx_t row = 0; row < c.size(); ++row) {
        std::string row_schema = c.varchar(0, row).value_or("");
        if (!found) {
          found.emplace();
          first_schema = row_schema;
        }
        if (row_schema != first_schema) {
          done = true;
          break;
        }
        PgResultType t = pg_type_of_duckdb_name(c.varchar(2, row).value_or(""));
        // varchar(n), char(n) and numeric(38,17) as declared (DuckDB keeps none of them).
        auto declared = c.varchar(3, row);
        auto typmod = c.varchar(4, row);
        if (declared && typmod && (t.oid == kText || t.oid == kNumeric)) {
          t = PgResultType{static_cast<int32_t>(std::stol(*declared)), static_cast<int32_t>(std::stol(*typmod)), true};
        }
        found->push_back({c.varchar(1, row).value_or(""), t});
      }
    }
  } catch (const std::exception&) {
    found.reset();  // an unknown type is always a safe answer
  }
  cache_.emplace(key, found);
  return found;
}

}  // namespace ducklings::sql
