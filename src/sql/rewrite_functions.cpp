#include "sql/rewrite_functions.h"

#include <algorithm>
#include <set>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "common/errors.h"
#include "duck/pg_functions.h"
#include "sql/parser.h"
#include "sql/tree_walk.h"

namespace ducklings::sql {
namespace {

// Calls this file builds carry this location, so the walk that continues into them does not
// rewrite them again (they already have DuckDB's meaning).
constexpr int kGenerated = -4242;

std::optional<int> zone_abbreviation(const std::string& w);  // below, with the literals
bool all_digits(const std::string& s);

std::string lower_text(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::string type_name_of(const pg_query::Node& cast) {
  const auto& names = cast.type_cast().type_name().names();
  if (names.empty() || cast.type_cast().type_name().array_bounds_size() > 0) return "";
  return names[names.size() - 1].string().sval();
}

std::string function_name(const pg_query::FuncCall& f) {
  const auto& n = f.funcname();
  if (n.empty() || !n[n.size() - 1].has_string()) return "";
  if (n.size() == 2 && !(n[0].has_string() && n[0].string().sval() == "pg_catalog")) return "";
  if (n.size() > 2) return "";
  return n[n.size() - 1].string().sval();
}

std::optional<std::string> string_constant(const pg_query::Node& n) {
  if (n.has_a_const() && n.a_const().has_sval()) return n.a_const().sval().sval();
  if (n.has_type_cast() && n.type_cast().has_arg() && n.type_cast().arg().has_a_const() &&
      n.type_cast().arg().a_const().has_sval()) {
    const auto& names = n.type_cast().type_name().names();
    std::string t = names.empty() ? "" : names[names.size() - 1].string().sval();
    if (t == "text" || t == "varchar") return n.type_cast().arg().a_const().sval().sval();
  }
  return std::nullopt;
}

// A generated call: kGenerated marks it so later passes do not rewrite it again.
pg_query::Node call(const std::string& name, std::vector<pg_query::Node> args) {
  pg_query::Node n = make_func_call(name, std::move(args));
  n.mutable_func_call()->set_location(kGenerated);
  return n;
}

pg_query::Node string_node(const std::string& s) {
  pg_query::Node n;
  n.mutable_a_const()->mutable_sval()->set_sval(s);
  return n;
}


// current_setting('TimeZone'): the session's zone, which rewrite_names turns into a lookup.
pg_query::Node session_time_zone() {
  pg_query::Node n = call("current_setting", {string_node("TimeZone")});
  n.mutable_func_call()->set_location(-1);  // for rewrite_names, not for this file
  return n;
}

// An expression written in PostgreSQL's syntax with placeholders __pg_arg1, __pg_arg2 …
// replaced by `args`. The template's own function calls are marked as generated.
pg_query::Node expand(const std::string& text, const std::vector<pg_query::Node>& args) {
  static std::mutex mutex;
  static std::map<std::string, pg_query::Node> parsed;
  pg_query::Node node;
  {
    std::lock_guard lock(mutex);
    auto it = parsed.find(text);
    if (it == parsed.end()) {
      auto tree = parse("SELECT " + text);
      if (!tree || tree->stmts_size() != 1) throw SqlError("XX000", "bad rewrite template: " + text);
      pg_query::Node val = tree->stmts(0).stmt().select_stmt().target_list(0).res_target().val();
      walk_nodes(val, [](pg_query::Node& x) {
        if (x.has_func_call()) x.mutable_func_call()->set_location(kGenerated);
      });
      it = parsed.emplace(text, std::move(val)).first;
    }
    node = it->second;
  }
  auto placeholder = [&](const pg_query::Node& x) -> int {
    if (!x.has_column_ref() || x.column_ref().fields_size() != 1 || !x.column_ref().fields(0).has_string()) {
      return 0;
    }
    const std::string& name = x.column_ref().fields(0).string().sval();
    if (name.rfind("__pg_arg", 0) != 0) return 0;
    return std::stoi(name.substr(8));
  };
  if (int k = placeholder(node)) return args.at(k - 1);
  walk_nodes(node, [&](pg_query::Node& x) {
    if (int k = placeholder(x)) x = args.at(k - 1);
  });
  return node;
}

pg_query::Node cast_to(pg_query::Node arg, const std::string& type) {
  return expand("CAST(__pg_arg1 AS " + type + ")", {std::move(arg)});
}

// Capture groups in a regular expression: "(" not escaped, not in brackets, not "(?".
int capture_groups(const std::string& re) {
  int n = 0;
  bool bracket = false;
  for (size_t i = 0; i < re.size(); ++i) {
    char c = re[i];
    if (c == '\\') {
      ++i;
    } else if (bracket) {
      if (c == ']') bracket = false;
    } else if (c == '[') {
      bracket = true;
      if (i + 1 < re.size() && re[i + 1] == ']') ++i;
    } else if (c == '(' && !(i + 1 < re.size() && re[i + 1] == '?')) {
      ++n;
    }
  }
  return n;
}

// PostgreSQL's regexp flags as DuckDB options: g is handled by the caller; i, c, n, s pass.
std::optional<std::string> regex_options(const std::string& flags, bool* global) {
  std::string out;
  for (char c : flags) {
    if (c == 'g' && global) {
      *global = true;
    } else if (c == 'i' || c == 'c' || c == 's') {
      out += c;
    } else if (c == 'n') {
      out += 'm';  // newline-sensitive
    } else {
      return std::nullopt;
    }
  }
  return out;
}

[[noreturn]] void unsupported(const std::string& what) {
  throw SqlError("0A000", what + " is not supported", 0, "",
                 "See docs/postgres-compatibility.md for what duckgres runs differently.");
}

pg_query::Node regexp_matches_call(const std::vector<pg_query::Node>& args) {
  auto pattern = string_constant(args[1]);
  if (!pattern) unsupported("regexp_matches() with a pattern that is not a constant");
  bool global = false;
  std::string options;
  if (args.size() == 3) {
    auto flags = string_constant(args[2]);
    auto opts = flags ? regex_options(*flags, &global) : std::nullopt;
    if (!opts) unsupported("regexp_matches() with these flags");
    options = *opts;
  }
  int groups = capture_groups(*pattern);
  if (groups > 6) unsupported("regexp_matches() with more than 6 capture groups");
  std::string opt = options.empty() ? "" : ", " + std::string("'") + options + "'";
  std::vector<pg_query::Node> a = {args[0], args[1]};
  std::string text;
  if (!global) {
    std::string list;
    for (int g = groups == 0 ? 0 : 1; g <= groups; ++g) {
      if (!list.empty()) list += ", ";
      list += "regexp_extract(__pg_arg1, __pg_arg2, " + std::to_string(g) + opt + ")";
    }
    text = "unnest(CASE WHEN regexp_matches(__pg_arg1, __pg_arg2" + opt + ") THEN ARRAY[ARRAY[" + list +
           "]] ELSE __pg_no_matches() END)";
  } else if (groups <= 1) {
    text = "unnest(__pg_each_as_list(regexp_extract_all(__pg_arg1, __pg_arg2, " +
           std::to_string(groups) + opt + ")))";
  } else {
    std::string lists;
    for (int g = 1; g <= groups; ++g) {
      lists += ", regexp_extract_all(__pg_arg1, __pg_arg2, " + std::to_string(g) + opt + ")";
    }
    text = "unnest(__pg_zip" + std::to_string(groups) + "(" + lists.substr(2) + "))";
  }
  return expand(text, a);
}

// date_part's and EXTRACT's fields; EXTRACT answers numeric, date_part double precision.
std::optional<pg_query::Node> extract_call(const std::string& field_in, const pg_query::Node& source,
                                           bool numeric) {
  std::string field;
  for (char c : field_in) field += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (field == "seconds") field = "second";
  if (field == "minutes") field = "minute";
  if (field == "hours") field = "hour";
  if (field == "days") field = "day";
  if (field == "months" || field == "mon" || field == "mons") field = "month";
  if (field == "years") field = "year";
  if (field == "millisecond") field = "milliseconds";
  if (field == "microsecond") field = "microseconds";
  std::vector<pg_query::Node> a = {source};
  if (numeric) {
    if (field == "epoch" && source.has_type_cast() && type_name_of(source) == "date") {
      return expand("CAST(date_part('epoch', __pg_arg1) AS DECIMAL(38,0))", a);  // whole seconds
    }
    if (field == "epoch") {
      return expand("CAST(round(date_part('epoch', __pg_arg1) * 1000000) AS DECIMAL(38,0)) * "
                    "CAST(0.000001 AS DECIMAL(7,6))", a);
    }
    if (field == "second") {
      return expand("CAST(date_part('microseconds', __pg_arg1) AS DECIMAL(38,0)) * "
                    "CAST(0.000001 AS DECIMAL(7,6))", a);
    }
    if (field == "milliseconds") {
      return expand("CAST(date_part('microseconds', __pg_arg1) AS DECIMAL(38,0)) * "
                    "CAST(0.001 AS DECIMAL(4,3))", a);
    }
    if (field == "julian") return std::nullopt;
    return expand("CAST(date_part('" + field + "', __pg_arg1) AS DECIMAL(38,0))", a);
  }
  if (field == "second") return expand("date_part('microseconds', __pg_arg1) * CAST(0.000001 AS DOUBLE)", a);
  if (field == "milliseconds") return expand("date_part('microseconds', __pg_arg1) * CAST(0.001 AS DOUBLE)", a);
  if (field == "julian") return std::nullopt;
  return expand("CAST(date_part('" + field + "', __pg_arg1) AS DOUBLE)", a);
}

// The dimensions an array expression visibly has: ARRAY[[…]] nesting, a '{{…}}' literal's
// leading braces, a cast's [][]; 0 when it cannot be told from the text.
int array_depth(const pg_query::Node& n) {
  if (n.has_a_array_expr()) {
    const auto& e = n.a_array_expr();
    return 1 + (e.elements_size() > 0 ? array_depth(e.elements(0)) : 0);
  }
  if (!n.has_type_cast()) return 0;
  const auto& c = n.type_cast();
  int bounds = c.has_type_name() ? c.type_name().array_bounds_size() : 0;
  if (bounds == 0) return 0;
  int inner = c.has_arg() ? array_depth(c.arg()) : 0;
  if (auto text = string_constant(c.arg())) {
    for (char ch : *text) {
      if (ch == '{') {
        ++inner;
      } else if (ch != ' ' && ch != '\t' && ch != '\n') {
        break;
      }
    }
  }
  return std::max(bounds, inner);
}

// to_number's result scale: the digit positions after the template's decimal point.
int number_scale(const std::string& fmt) {
  size_t dot = fmt.find_first_of(".D");
  if (dot == std::string::npos) return 0;
  int n = 0;
  for (size_t i = dot + 1; i < fmt.size(); ++i) n += fmt[i] == '9' || fmt[i] == '0';
  return n;
}

bool rewrite_call(pg_query::Node& n) {
  auto& f = *n.mutable_func_call();
  if (f.location() == kGenerated) return false;
  std::string name = function_name(f);
  static const std::set<std::string> regression = {
      "corr",      "covar_pop", "covar_samp", "regr_slope", "regr_intercept", "regr_r2",
      "regr_sxx",  "regr_syy",  "regr_sxy",   "regr_avgx",  "regr_avgy"};
  if (regression.count(name) && f.args_size() == 2 && !f.agg_star() && !f.has_over() && f.agg_order_size() == 0) {
    // PostgreSQL's algorithm, to its last digit (duck/pg_aggregates.h). Not as a window
    // function nor with ORDER BY: DuckDB's window and sorted-aggregate operators hand a C API
    // aggregate one state for many rows (a crash); DuckDB's own aggregates serve those.
    f.clear_funcname();
    f.add_funcname()->mutable_string()->set_sval("__pg_" + name);
    return true;
  }
  bool ordered_agg = name == "string_agg" || name == "array_agg" || name == "json_agg" || name == "jsonb_agg" ||
                     name == "xmlagg";
  if (ordered_agg && f.agg_distinct() && f.agg_order_size() == 0 && f.args_size() >= 1 && !f.has_over()) {
    // PostgreSQL's DISTINCT aggregate reads its input sorted by the argument; DuckDB's comes
    // in hash order, which differs from run to run. DuckDB binds ORDER BY x with DISTINCT x
    // only for a plain column; other arguments: the aggregated list sorted afterwards.
    if (!f.args(0).has_column_ref() && (name == "array_agg" || name == "string_agg")) {
      pg_query::Node agg = n;
      auto* a = agg.mutable_func_call();
      a->set_location(kGenerated);
      if (name == "string_agg") {
        a->clear_funcname();
        a->add_funcname()->mutable_string()->set_sval("array_agg");
        a->mutable_args()->DeleteSubrange(1, a->args_size() - 1);
      }
      pg_query::Node sorted = call("list_sort", {std::move(agg), string_node("ASC"), string_node("NULLS LAST")});
      if (name == "string_agg") sorted = call("array_to_string", {std::move(sorted), f.args(1)});
      n = std::move(sorted);
      return true;
    }
    auto* sort = f.add_agg_order()->mutable_sort_by();
    *sort->mutable_node() = f.args(0);
    sort->set_sortby_dir(pg_query::SORTBY_DEFAULT);
    sort->set_sortby_nulls(pg_query::SORTBY_NULLS_DEFAULT);
    sort->set_location(-1);
    return true;
  }
  if (name.empty() || f.has_over() || f.agg_star() || f.agg_distinct() || f.agg_order_size() > 0 ||
      f.has_agg_filter()) {
    return false;
  }
  if ((name == "concat_ws" || name == "concat") && f.func_variadic() && f.args_size() == (name == "concat" ? 1 : 2)) {
    // concat_ws(sep, VARIADIC array): the array's non-NULL elements joined.
    std::vector<pg_query::Node> a(f.args().begin(), f.args().end());
    if (name == "concat") return (n = call("array_to_string", {a[0], string_node("")}), true);
    return (n = call("array_to_string", {a[1], a[0]}), true);
  }
  std::vector<pg_query::Node> args(f.args().begin(), f.args().end());
  size_t argc = args.size();
  for (const auto& a : args) {
    if (a.has_named_arg_expr() && name != "make_interval") return false;
  }
  auto original = [&] {
    pg_query::Node copy = n;
    copy.mutable_func_call()->set_location(kGenerated);
    return copy;
  };
  auto replace = [&](pg_query::Node with) {
    n = std::move(with);
    return true;
  };

  if (name == "to_char" && argc == 2) return replace(call("__pg_to_char", {args[0], args[1], session_time_zone()}));
  if (name == "to_date" && argc == 2) return replace(call("__pg_to_date", {args[0], args[1]}));
  if (name == "to_timestamp" && argc == 2) {
    return replace(call("__pg_to_timestamp", {args[0], args[1], session_time_zone()}));
  }
  if (name == "to_number" && argc == 2) {
    auto fmt = string_constant(args[1]);
    if (!fmt) unsupported("to_number() with a template that is not a constant");
    return replace(expand("CAST(__pg_to_number(__pg_arg1, __pg_arg2) AS DECIMAL(38," +
                              std::to_string(number_scale(*fmt)) + "))",
                          args));
  }
  if (name == "format" && argc >= 1 && !f.func_variadic()) {
    std::vector<pg_query::Node> out = {args[0]};
    for (size_t i = 1; i < argc; ++i) out.push_back(cast_to(args[i], "text"));
    return replace(call("__pg_format", std::move(out)));
  }
  if ((name == "quote_ident" || name == "quote_literal" || name == "quote_nullable") && argc == 1) {
    return replace(call(name, {cast_to(args[0], "text")}));
  }
  if (name == "encode" && argc == 2) return replace(call("__pg_encode", {args[0], args[1]}));
  if (name == "decode" && argc == 2) return replace(call("__pg_decode", {args[0], args[1]}));
  if ((name == "length" || name == "char_length" || name == "character_length" ||
       name == "octet_length" || name == "bit_length" || name == "strpos" || name == "position") &&
      (argc == 1 || name == "strpos" || name == "position")) {
    // PostgreSQL answers integer, DuckDB bigint.
    pg_query::Node inner = original();
    if (name == "char_length" || name == "character_length") {
      inner.mutable_func_call()->clear_funcname();
      inner.mutable_func_call()->add_funcname()->mutable_string()->set_sval("length");
    }
    return replace(cast_to(std::move(inner), "integer"));
  }
  if ((name == "lpad" || name == "rpad") && (argc == 2 || argc == 3)) {
    // PostgreSQL: no length is an empty string, an empty fill only truncates.
    std::vector<pg_query::Node> a = args;
    if (argc == 2) a.push_back(string_node(" "));
    return replace(call(name == "lpad" ? "__pg_lpad" : "__pg_rpad", std::move(a)));
  }
  if (name == "split_part" && argc == 3 &&
      !(args[2].has_a_const() && args[2].a_const().has_ival() && args[2].a_const().ival().ival() != 0)) {
    return replace(call("__pg_split_part", args));  // field 0 is an error (a constant n is checked here)
  }
  if (name == "overlay" && (argc == 3 || argc == 4)) {
    if (argc == 3) return replace(expand("__pg_overlay(__pg_arg1, __pg_arg2, __pg_arg3, length(__pg_arg2))", args));
    return replace(call("__pg_overlay", args));
  }
  if ((name == "num_nulls" || name == "num_nonnulls") && argc >= 1 && !f.func_variadic()) {
    std::string text = "CAST(0";
    for (size_t i = 1; i <= argc; ++i) {
      text += " + CASE WHEN __pg_arg" + std::to_string(i) + (name == "num_nulls" ? " IS NULL" : " IS NOT NULL") +
              " THEN 1 ELSE 0 END";
    }
    return replace(expand(text + " AS integer)", args));
  }
  if (name == "to_hex" && argc == 1) return replace(call("__pg_to_hex", {args[0]}));
  if (name == "sha256" && argc == 1) return replace(expand("unhex(sha256(__pg_arg1))", args));
  if ((name == "convert_from" || name == "convert_to") && argc == 2) {
    auto enc = string_constant(args[1]);
    std::string e;
    for (char c : enc.value_or("")) e += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (e != "utf8" && e != "utf-8") unsupported(name + "() with an encoding other than UTF8");
    return replace(call(name == "convert_from" ? "decode" : "encode", {args[0]}));
  }
  if (name == "string_to_array" && argc == 3) return replace(call("__pg_string_to_array", args));
  if (name == "string_to_array" && argc == 2) return replace(call("__pg_string_to_array2", args));
  if (name == "array_to_string" && argc == 3) return replace(call("__pg_array_to_string", args));
  if (name == "upper" && argc == 1) {
    // DuckDB upper-cases ß to ẞ; PostgreSQL leaves it.
    return replace(expand("replace(upper(__pg_arg1), 'ẞ', 'ß')", args));
  }
  if (name == "regexp_matches" && (argc == 2 || argc == 3)) return replace(regexp_matches_call(args));
  if (name == "regexp_split_to_table" && (argc == 2 || argc == 3)) {
    pg_query::Node split = call("regexp_split_to_array", args);
    return replace(call("unnest", {std::move(split)}));
  }
  if (name == "regexp_replace" && argc == 4) {
    auto flags = string_constant(args[3]);
    bool global = false;
    auto opts = flags ? regex_options(*flags, &global) : std::nullopt;
    if (!opts) unsupported("regexp_replace() with these flags");
    std::string o = *opts + (global ? "g" : "");
    return replace(call("regexp_replace", {args[0], args[1], args[2], string_node(o)}));
  }
  if (name == "substring" && argc >= 2) {
    auto pattern = string_constant(args[1]);
    if (argc == 2 && pattern) {  // substring(x FROM 'regex'): the first group, or the match
      int g = capture_groups(*pattern) > 0 ? 1 : 0;
      return replace(expand("CASE WHEN regexp_matches(__pg_arg1, __pg_arg2) THEN regexp_extract(__pg_arg1, "
                            "__pg_arg2, " + std::to_string(g) + ") END",
                            {args[0], args[1]}));
    }
    auto escape = argc == 3 ? string_constant(args[2]) : std::nullopt;
    if (argc == 3 && pattern && escape) {  // substring(x SIMILAR p ESCAPE e)
      if (escape->size() > 1) throw SqlError("22025", "invalid escape string");
      auto re = duck::similar_to_regex(*pattern, escape->empty() ? std::nullopt : std::optional<char>((*escape)[0]));
      if (!re) throw SqlError("22025", "invalid escape string");
      int g = re->find("){1,1}?(") != std::string::npos ? 1 : 0;
      return replace(expand("CASE WHEN regexp_matches(__pg_arg1, __pg_arg2) THEN regexp_extract(__pg_arg1, "
                            "__pg_arg2, " + std::to_string(g) + ") END",
                            {args[0], string_node("(?s)" + *re)}));
    }
    return false;
  }
  if ((name == "date_part" || name == "extract") && argc == 2) {
    auto field = string_constant(args[0]);
    if (!field) return false;
    auto out = extract_call(*field, args[1], name == "extract");
    if (!out) return false;
    return replace(std::move(*out));
  }
  if (name == "date_trunc" && argc == 2) {
    auto field = string_constant(args[0]);
    std::string f = lower_text(field.value_or(""));
    if (f == "century" || f == "millennium") {
      // PostgreSQL's centuries start in years ending in 01 (2001); DuckDB's in 00.
      std::string span = f == "century" ? "100" : "1000";
      pg_query::Node x = call("__pg_date_as_timestamptz", {args[1], session_time_zone()});
      return replace(expand("date_trunc('year', __pg_arg1) - to_years(CAST((date_part('year', __pg_arg1) - 1) % " +
                                span + " AS INTEGER))",
                            {x}));
    }
    return replace(call("date_trunc", {args[0], call("__pg_date_as_timestamptz", {args[1], session_time_zone()})}));
  }
  if (name == "timezone" && argc == 2) {
    // AT TIME ZONE 'PST': PostgreSQL's abbreviations are fixed offsets (ICU reads PST as Los
    // Angeles, with daylight saving time); '+02' is POSIX's, west of Greenwich positive.
    auto zone = string_constant(args[0]);
    if (!zone) return false;
    std::string z = lower_text(*zone);
    std::optional<int> west_hours;
    if (auto off = zone_abbreviation(z); off && z != "utc" && z != "gmt" && z != "z" && *off % 3600 == 0) {
      west_hours = -*off / 3600;
    } else if (z.size() >= 2 && z.size() <= 3 && (z[0] == '+' || z[0] == '-') && all_digits(z.substr(1))) {
      west_hours = (z[0] == '-' ? -1 : 1) * std::stoi(z.substr(1));
    }
    if (!west_hours) return false;
    if (*west_hours > 14 || *west_hours < -14) return false;
    std::string etc = *west_hours == 0 ? "UTC" : "Etc/GMT" + std::string(*west_hours > 0 ? "+" : "-") +
                                                    std::to_string(std::abs(*west_hours));
    pg_query::Node out = original();
    *out.mutable_func_call()->mutable_args(0) = string_node(etc);
    return replace(std::move(out));
  }
  if (name == "unnest" && argc == 1) {
    // PostgreSQL's unnest reads every element of a multidimensional array; DuckDB's unnests the
    // outer list only. Arrays known to be nested here (a '{{…}}' literal, ARRAY[[…]], a cast to
    // int[][]) are flattened first.
    int depth = array_depth(args[0]);
    if (depth >= 2) {
      pg_query::Node list = args[0];
      for (int i = 1; i < depth; ++i) list = call("flatten", {std::move(list)});
      pg_query::Node out = original();
      *out.mutable_func_call()->mutable_args(0) = std::move(list);
      return replace(std::move(out));
    }
  }
  if (name == "date_bin" && argc == 3) return replace(call("time_bucket", args));
  if (name == "overlaps" && argc == 4) return replace(call("__pg_overlaps", args));
  if (name == "clock_timestamp" && argc == 0) return replace(call("__pg_clock_timestamp", {}));
  if ((name == "statement_timestamp" || name == "transaction_timestamp") && argc == 0) {
    return replace(call("now", {}));
  }
  if (name == "timeofday" && argc == 0) return replace(call("__pg_timeofday", {session_time_zone()}));
  if (name == "make_interval") {
    static const char* const kParts[] = {"years", "months", "weeks", "days", "hours", "mins", "secs"};
    std::vector<pg_query::Node> parts(7);
    for (size_t i = 0; i < 7; ++i) parts[i].mutable_a_const()->mutable_ival()->set_ival(0);
    size_t position = 0;
    for (auto& a : args) {
      if (a.has_named_arg_expr()) {
        const std::string& pname = a.named_arg_expr().name();
        size_t k = 0;
        while (k < 7 && pname != kParts[k]) ++k;
        if (k == 7) return false;
        parts[k] = a.named_arg_expr().arg();
      } else {
        if (position >= 7) return false;
        parts[position++] = a;
      }
    }
    for (size_t i = 0; i < 6; ++i) parts[i] = cast_to(parts[i], "integer");
    parts[6] = cast_to(parts[6], "double precision");
    return replace(call("__pg_make_interval", std::move(parts)));
  }
  if (name == "generate_series" && argc == 3 && (string_constant(args[2]) ||
                                                  (args[2].has_type_cast() && type_name_of(args[2]) == "interval"))) {
    // generate_series over time with an interval step: the literals take the first argument's
    // type (and interval), and dates become timestamptz, as PostgreSQL resolves them.
    std::string type = args[0].has_type_cast() ? type_name_of(args[0]) : "";
    pg_query::Node stop = args[1];
    if (stop.has_a_const() && stop.a_const().has_sval() && !type.empty()) {
      pg_query::Node cast;
      *cast.mutable_type_cast()->mutable_arg() = stop;
      *cast.mutable_type_cast()->mutable_type_name() = args[0].type_cast().type_name();
      stop = cast;
    }
    pg_query::Node step = args[2];
    if (step.has_a_const()) step = cast_to(step, "interval");
    if (args[0].has_a_const()) return false;
    pg_query::Node out = original();
    auto* oa = out.mutable_func_call()->mutable_args();
    *oa->Mutable(0) = call("__pg_date_as_timestamptz", {args[0], session_time_zone()});
    *oa->Mutable(1) = call("__pg_date_as_timestamptz", {stop, session_time_zone()});
    *oa->Mutable(2) = step;
    return replace(std::move(out));
  }
  return false;
}

// a SIMILAR TO 'pattern' [ESCAPE 'e']: PostgreSQL's SQL regular expression, whole string.
bool rewrite_similar(pg_query::Node& n) {
  if (!n.has_a_expr() || n.a_expr().kind() != pg_query::AEXPR_SIMILAR || !n.a_expr().has_rexpr() ||
      !n.a_expr().has_lexpr()) {
    return false;
  }
  const pg_query::Node& r = n.a_expr().rexpr();
  pg_query::Node pattern_node = r;
  std::optional<std::string> escape = "\\";
  if (r.has_func_call() && function_name(r.func_call()) == "similar_to_escape") {
    if (r.func_call().args_size() < 1) return false;
    pattern_node = r.func_call().args(0);
    if (r.func_call().args_size() == 2) {
      escape = string_constant(r.func_call().args(1));
      if (!escape) unsupported("SIMILAR TO with an ESCAPE that is not a constant");
    }
  }
  auto pattern = string_constant(pattern_node);
  if (!pattern) unsupported("SIMILAR TO with a pattern that is not a constant");
  if (escape->size() > 1) throw SqlError("22025", "invalid escape string", 0, "", "Escape string must be empty or one character.");
  auto re = duck::similar_to_regex(*pattern, escape->empty() ? std::nullopt : std::optional<char>((*escape)[0]));
  if (!re) throw SqlError("2201B", "invalid regular expression: invalid escape \\ sequence");
  std::string op = n.a_expr().name_size() > 0 ? n.a_expr().name(0).string().sval() : "~";
  pg_query::Node match = call("regexp_matches", {n.a_expr().lexpr(), string_node("(?s)" + *re)});
  if (op == "!~") match = expand("NOT __pg_arg1", {match});
  n = std::move(match);
  return true;
}


// ---------------------------------------------------------------------------------------
// Date/time literals in the forms PostgreSQL reads and DuckDB does not: month names, US
// dates, times with AM/PM, zone abbreviations and short offsets, 'today' and friends, ISO 8601
// intervals. A literal is turned into DuckDB's canonical text (or an expression for the
// words that depend on today); what this reader does not recognise goes to DuckDB unchanged.

std::string type_of_cast(const pg_query::TypeCast& c) {
  const auto& names = c.type_name().names();
  if (names.empty() || c.type_name().array_bounds_size() > 0) return "";
  return names[names.size() - 1].string().sval();
}

[[noreturn]] void bad_datetime(const std::string& type, const std::string& text) {
  throw SqlError("22007", "invalid input syntax for type " + type + ": \"" + text + "\"");
}
[[noreturn]] void datetime_out_of_range(const std::string& text) {
  throw SqlError("22008", "date/time field value out of range: \"" + text + "\"");
}

// Zone abbreviations in PostgreSQL's default set (offsets east of UTC, seconds).
std::optional<int> zone_abbreviation(const std::string& w) {
  static const std::pair<const char*, int> kZones[] = {
      {"utc", 0},          {"gmt", 0},          {"z", 0},           {"ut", 0},
      {"est", -5 * 3600},  {"edt", -4 * 3600},  {"cst", -6 * 3600}, {"cdt", -5 * 3600},
      {"mst", -7 * 3600},  {"mdt", -6 * 3600},  {"pst", -8 * 3600}, {"pdt", -7 * 3600},
      {"akst", -9 * 3600}, {"akdt", -8 * 3600}, {"hst", -10 * 3600}, {"cet", 3600},
      {"cest", 7200},      {"eet", 7200},       {"eest", 10800},    {"wet", 0},
      {"west", 3600},      {"bst", 3600},       {"msk", 10800},     {"jst", 9 * 3600},
      {"aest", 10 * 3600}, {"aedt", 11 * 3600}, {"nzst", 12 * 3600}, {"nzdt", 13 * 3600},
      {"ist", 7200}};
  for (const auto& [name, off] : kZones)
    if (w == name) return off;
  return std::nullopt;
}

int month_of(const std::string& w) {
  static const char* const kMonths[] = {"jan", "feb", "mar", "apr", "may", "jun",
                                        "jul", "aug", "sep", "oct", "nov", "dec"};
  static const char* const kFull[] = {"january", "february", "march", "april", "may", "june", "july",
                                      "august", "september", "october", "november", "december"};
  for (int i = 0; i < 12; ++i) {
    if (w == kMonths[i] || w == kFull[i] || (i == 8 && w == "sept")) return i + 1;
  }
  return 0;
}

bool all_digits(const std::string& s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); });
}

struct DateTimeText {
  bool have_date = false, have_time = false, have_zone = false;
  int64_t year = 0;
  int month = 0, day = 0, hour = 0, minute = 0, second = 0;
  std::string fraction;  // digits after the decimal point
  int zone = 0;
};

// Reads PostgreSQL's common date/time spellings; nullopt when the text is something else.
std::optional<DateTimeText> read_datetime(const std::string& in, const std::string& type) {
  DateTimeText d;
  std::string t = in;
  // 2024-01-05T13:45:00: the T separates date and time.
  for (size_t i = 1; i + 1 < t.size(); ++i) {
    if ((t[i] == 'T' || t[i] == 't') && std::isdigit(static_cast<unsigned char>(t[i - 1])) &&
        std::isdigit(static_cast<unsigned char>(t[i + 1]))) {
      t[i] = ' ';
    }
  }
  // Split into words at blanks and commas; a sign or letters after a time start a new word.
  std::vector<std::string> words;
  std::string cur;
  auto flush = [&] {
    if (!cur.empty()) words.push_back(cur);
    cur.clear();
  };
  for (size_t i = 0; i < t.size(); ++i) {
    char c = t[i];
    if (c == ' ' || c == ',' || c == '\t') {
      flush();
    } else if ((c == '+' || c == '-') && !cur.empty() && cur.find(':') != std::string::npos) {
      flush();
      cur += c;
    } else if (std::isalpha(static_cast<unsigned char>(c)) && !cur.empty() &&
               std::isdigit(static_cast<unsigned char>(cur.back())) && cur.find(':') != std::string::npos) {
      flush();
      cur += c;
    } else {
      cur += c;
    }
  }
  flush();
  if (words.empty()) return std::nullopt;
  int pending_month = 0;
  std::vector<int64_t> numbers;  // date parts written as bare numbers around a month name
  int pm = -1;
  for (const std::string& raw : words) {
    std::string w = lower_text(raw);
    if (w.find(':') != std::string::npos && std::isdigit(static_cast<unsigned char>(w[0]))) {
      // HH:MM[:SS[.frac]]
      if (d.have_time) return std::nullopt;
      int parts[3] = {0, 0, 0};
      int n = 0;
      size_t i = 0;
      while (i < w.size() && n < 3) {
        size_t s = i;
        while (i < w.size() && std::isdigit(static_cast<unsigned char>(w[i]))) ++i;
        if (i == s || i - s > 2) return std::nullopt;
        parts[n++] = std::stoi(w.substr(s, i - s));
        if (i < w.size() && w[i] == ':') ++i;
        else break;
      }
      if (i < w.size() && w[i] == '.' && n == 3) {
        ++i;
        size_t s = i;
        while (i < w.size() && std::isdigit(static_cast<unsigned char>(w[i]))) ++i;
        d.fraction = w.substr(s, i - s);
      }
      if (i != w.size() || n < 2) return std::nullopt;
      d.hour = parts[0];
      d.minute = parts[1];
      d.second = parts[2];
      d.have_time = true;
      continue;
    }
    if ((w[0] == '+' || w[0] == '-') && w.size() > 1 && d.have_time) {
      // +02, +0530, +05:30
      std::string digits;
      for (char c : w.substr(1))
        if (c != ':') digits += c;
      if (!all_digits(digits) || (digits.size() != 2 && digits.size() != 4 && digits.size() != 1)) return std::nullopt;
      int h = std::stoi(digits.substr(0, digits.size() >= 2 ? 2 : 1));
      int m = digits.size() == 4 ? std::stoi(digits.substr(2)) : 0;
      d.zone = (w[0] == '-' ? -1 : 1) * (h * 3600 + m * 60);
      d.have_zone = true;
      continue;
    }
    if (w == "am" || w == "pm") {
      if (!d.have_time) return std::nullopt;
      pm = w == "pm";
      continue;
    }
    if (raw.find('/') != std::string::npos && d.have_time && d.have_date) {
      // 2024-01-05 10:30 Europe/Paris: the zone's offset at that local time
      const duck::TimeZone* tz = duck::TimeZone::find(raw);
      if (!tz) return std::nullopt;
      int64_t local = duck::days_from_civil(d.year, d.month, d.day) * 86400 + d.hour * 3600 + d.minute * 60 + d.second;
      d.zone = static_cast<int>(local - tz->utc_of_local(local));
      d.have_zone = true;
      continue;
    }
    if (auto z = zone_abbreviation(w)) {
      if (!d.have_time && !d.have_date && words.size() > 1) return std::nullopt;
      d.zone = *z;
      d.have_zone = true;
      continue;
    }
    if (int m = month_of(w)) {
      if (pending_month) return std::nullopt;
      pending_month = m;
      continue;
    }
    if (w.find('-') != std::string::npos || w.find('/') != std::string::npos || w.find('.') != std::string::npos) {
      // 2024-01-05, 2024/01/05, 01/05/2024 (month first), 1/5/24
      if (d.have_date) return std::nullopt;
      char sep = w.find('-') != std::string::npos ? '-' : (w.find('/') != std::string::npos ? '/' : '.');
      std::vector<std::string> p;
      size_t s = 0;
      for (size_t i = 0; i <= w.size(); ++i) {
        if (i == w.size() || w[i] == sep) {
          p.push_back(w.substr(s, i - s));
          s = i + 1;
        }
      }
      if (p.size() != 3) return std::nullopt;
      if (all_digits(p[0]) && p[0].size() >= 3 && all_digits(p[1]) && all_digits(p[2])) {
        d.year = std::stoll(p[0]);
        d.month = std::stoi(p[1]);
        d.day = std::stoi(p[2]);
      } else if (all_digits(p[0]) && all_digits(p[1]) && all_digits(p[2]) && sep != '-') {
        d.month = std::stoi(p[0]);
        d.day = std::stoi(p[1]);
        d.year = std::stoll(p[2]);
        if (p[2].size() <= 2) d.year += d.year < 70 ? 2000 : 1900;
      } else if (all_digits(p[0]) && month_of(p[1]) && all_digits(p[2])) {  // 05-Jan-2024
        d.day = std::stoi(p[0]);
        d.month = month_of(p[1]);
        d.year = std::stoll(p[2]);
        if (p[2].size() <= 2) d.year += d.year < 70 ? 2000 : 1900;
      } else {
        return std::nullopt;
      }
      d.have_date = true;
      continue;
    }
    if (all_digits(w)) {
      if (w.size() == 8 && !d.have_date && !pending_month && numbers.empty()) {  // 20240105
        d.year = std::stoll(w.substr(0, 4));
        d.month = std::stoi(w.substr(4, 2));
        d.day = std::stoi(w.substr(6, 2));
        d.have_date = true;
        continue;
      }
      if (w.size() > 6) return std::nullopt;
      numbers.push_back(std::stoll(w));
      continue;
    }
    (void)type;
    return std::nullopt;
  }
  if (pending_month) {
    // Jan 5 2024, 5 Jan 2024, January 5, 2024
    if (d.have_date || numbers.size() != 2) return std::nullopt;
    int64_t a = numbers[0], b = numbers[1];
    d.month = pending_month;
    if (a > 31 || (b <= 31 && a >= 1000)) {
      d.year = a;
      d.day = static_cast<int>(b);
    } else {
      d.day = static_cast<int>(a);
      d.year = b;
    }
    d.have_date = true;
  } else if (!numbers.empty()) {
    return std::nullopt;
  }
  if (pm >= 0) {
    if (d.hour > 12) datetime_out_of_range(in);
    if (pm == 1 && d.hour < 12) d.hour += 12;
    if (pm == 0 && d.hour == 12) d.hour = 0;
  }
  if (d.have_date) {
    static const int kDays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool leap = (d.year % 4 == 0 && d.year % 100 != 0) || d.year % 400 == 0;
    if (d.month < 1 || d.month > 12 || d.day < 1 || d.day > kDays[d.month - 1] ||
        (d.month == 2 && d.day == 29 && !leap)) {
      datetime_out_of_range(in);
    }
  }
  if (d.have_time && (d.hour > 24 || d.minute > 59 || d.second > 60 ||
                      (d.hour == 24 && (d.minute > 0 || d.second > 0)))) {
    datetime_out_of_range(in);
  }
  return d;
}

std::string two(int v) { return (v < 10 ? "0" : "") + std::to_string(v); }

// The fraction rounded to `digits` (PostgreSQL rounds to microseconds, or the typmod).
void round_fraction(DateTimeText& d, int digits) {
  if (static_cast<int>(d.fraction.size()) <= digits) return;
  bool up = d.fraction[digits] >= '5';
  std::string f = d.fraction.substr(0, digits);
  if (up) {
    int i = static_cast<int>(f.size()) - 1;
    while (i >= 0 && f[i] == '9') f[i--] = '0';
    if (i >= 0) {
      ++f[i];
    } else {
      // carries into the seconds: rare enough to leave to DuckDB's arithmetic
      f = std::string(digits, '0');
      ++d.second;
    }
  }
  d.fraction = f;
}

std::optional<pg_query::Node> iso_interval(const std::string& text) {
  // P[nY][nM][nW][nD][T[nH][nM][nS]]
  if (text.size() < 2 || (text[0] != 'P' && text[0] != 'p')) return std::nullopt;
  std::string out;
  bool time = false;
  size_t i = 1;
  while (i < text.size()) {
    char c = static_cast<char>(std::toupper(static_cast<unsigned char>(text[i])));
    if (c == 'T') {
      time = true;
      ++i;
      continue;
    }
    size_t s = i;
    if (i < text.size() && (text[i] == '-' || text[i] == '+')) ++i;
    while (i < text.size() && (std::isdigit(static_cast<unsigned char>(text[i])) || text[i] == '.')) ++i;
    if (i == s || i >= text.size()) return std::nullopt;
    std::string num = text.substr(s, i - s);
    char unit = static_cast<char>(std::toupper(static_cast<unsigned char>(text[i++])));
    const char* word = nullptr;
    if (!time && unit == 'Y') word = " years ";
    else if (!time && unit == 'M') word = " months ";
    else if (!time && unit == 'W') word = " weeks ";
    else if (!time && unit == 'D') word = " days ";
    else if (time && unit == 'H') word = " hours ";
    else if (time && unit == 'M') word = " minutes ";
    else if (time && unit == 'S') word = " seconds ";
    else return std::nullopt;
    out += num + word;
  }
  if (out.empty()) return std::nullopt;
  out.pop_back();
  return string_node(out);
}

bool rewrite_datetime_literal(pg_query::Node& n) {
  auto& c = *n.mutable_type_cast();
  if (!c.has_arg() || !c.arg().has_a_const() || !c.arg().a_const().has_sval()) return false;
  std::string type = type_of_cast(c);
  bool is_date = type == "date", is_ts = type == "timestamp", is_tstz = type == "timestamptz";
  bool is_time = type == "time", is_interval = type == "interval";
  if (!is_date && !is_ts && !is_tstz && !is_time && !is_interval) return false;
  const std::string text = c.arg().a_const().sval().sval();
  std::string word = lower_text(text);
  while (!word.empty() && word.back() == ' ') word.pop_back();
  while (!word.empty() && word.front() == ' ') word.erase(0, 1);
  std::string pg_type = is_date ? "date" : is_ts ? "timestamp without time zone" : is_tstz ? "timestamp with time zone"
                        : is_time ? "time without time zone" : "interval";
  auto set_text = [&](const std::string& s) {
    if (s == text) return false;
    c.mutable_arg()->mutable_a_const()->mutable_sval()->set_sval(s);
    return true;
  };
  if (is_interval) {
    if (auto iso = iso_interval(text)) return set_text(iso->a_const().sval().sval());
    // '1-2' is PostgreSQL's year-month form; '+3 days' (in its own output) DuckDB refuses.
    std::string t = word;
    bool negative = !t.empty() && t[0] == '-';
    std::string body = negative ? t.substr(1) : t;
    size_t dash = body.find('-');
    if (dash != std::string::npos && dash > 0 && all_digits(body.substr(0, dash)) && all_digits(body.substr(dash + 1))) {
      std::string sign = negative ? "-" : "";
      return set_text(sign + body.substr(0, dash) + " years " + sign + body.substr(dash + 1) + " months");
    }
    std::string out;
    for (size_t i = 0; i < text.size(); ++i) {
      bool token_start = i == 0 || text[i - 1] == ' ';
      if (text[i] == '+' && token_start && i + 1 < text.size() && std::isdigit(static_cast<unsigned char>(text[i + 1]))) {
        continue;
      }
      out += text[i];
    }
    return set_text(out);
  }
  // Words that name a day relative to today: the cast of current_date.
  if (!is_time && (word == "today" || word == "tomorrow" || word == "yesterday" || word == "now")) {
    std::string day = word == "tomorrow" ? "current_date + 1" : word == "yesterday" ? "current_date - 1" : "current_date";
    std::string to = is_date ? "date" : is_ts ? "timestamp" : "timestamptz";
    if (word == "now") n = expand("CAST(now() AS " + to + ")", {});
    else n = expand("CAST(" + day + " AS " + to + ")", {});
    return true;
  }
  if (word == "epoch") return set_text(is_date ? "1970-01-01" : is_ts ? "1970-01-01 00:00:00" : "1970-01-01 00:00:00+00");
  if (is_time && word == "allballs") return set_text("00:00:00");
  if (word == "infinity" || word == "-infinity" || word == "+infinity") return false;
  bool any_digit = std::any_of(word.begin(), word.end(), [](char ch) { return std::isdigit(static_cast<unsigned char>(ch)); });
  if (!any_digit) bad_datetime(pg_type, text);
  auto d = read_datetime(text, pg_type);
  if (!d) return false;
  int precision = 6;
  if (c.type_name().typmods_size() == 1 && c.type_name().typmods(0).has_a_const() &&
      c.type_name().typmods(0).a_const().has_ival()) {
    precision = std::clamp(c.type_name().typmods(0).a_const().ival().ival(), 0, 6);
  }
  round_fraction(*d, precision);
  std::string date = d->have_date ? std::to_string(d->year).insert(0, d->year < 1000 ? std::string(4 - std::to_string(d->year).size(), '0') : "") + "-" + two(d->month) + "-" + two(d->day) : "";
  std::string time = two(d->hour) + ":" + two(d->minute) + ":" + two(d->second) +
                     (d->fraction.empty() || precision == 0 ? "" : "." + d->fraction);
  if (is_time) {
    if (!d->have_time || d->have_date) return false;
    return set_text(time);
  }
  if (!d->have_date) return false;
  if (is_date) return set_text(date);
  std::string out = date + " " + time;
  if (is_tstz && d->have_zone) {
    int z = d->zone < 0 ? -d->zone : d->zone;
    out += (d->zone < 0 ? "-" : "+") + two(z / 3600) + ":" + two(z / 60 % 60);
  }
  return set_text(out);
}

// interval '…' + '4 hours': the bare literal takes the type PostgreSQL resolves it to.
bool rewrite_datetime_operand(pg_query::Node& n) {
  auto& e = *n.mutable_a_expr();
  if (e.kind() != pg_query::AEXPR_OP || e.name_size() != 1 || !e.has_lexpr() || !e.has_rexpr()) return false;
  std::string op = e.name(0).string().sval();
  if (op != "+" && op != "-") return false;
  auto bare = [](const pg_query::Node& x) { return x.has_a_const() && x.a_const().has_sval(); };
  auto typed = [](const pg_query::Node& x) { return x.has_type_cast() ? type_of_cast(x.type_cast()) : std::string(); };
  for (int side = 0; side < 2; ++side) {
    pg_query::Node* lit = side == 0 ? e.mutable_rexpr() : e.mutable_lexpr();
    const pg_query::Node& other = side == 0 ? e.lexpr() : e.rexpr();
    if (!bare(*lit)) continue;
    std::string t = typed(other);
    std::string to;
    if (t == "interval") to = "interval";
    else if ((t == "timestamp" || t == "timestamptz") && side == 0) to = op == "+" ? "interval" : t;
    if (to.empty()) continue;
    pg_query::Node cast;
    *cast.mutable_type_cast()->mutable_arg() = *lit;
    cast.mutable_type_cast()->mutable_type_name()->add_names()->mutable_string()->set_sval(to);
    *lit = std::move(cast);
    return true;
  }
  return false;
}

}  // namespace

// PostgreSQL's regular-expression operators search (DuckDB's ~ matches the whole string):
// DuckDB's boolean regexp_matches, marked so this file's set-returning one is not applied.
bool rewrite_regex_operator(pg_query::Node& n) {
  const auto& e = n.a_expr();
  if (e.kind() != pg_query::AEXPR_OP || e.name_size() != 1 || !e.has_lexpr() || !e.has_rexpr()) return false;
  std::string op = e.name(0).string().sval();
  if (op != "~" && op != "~*" && op != "!~" && op != "!~*") return false;
  std::vector<pg_query::Node> args = {e.lexpr(), e.rexpr()};
  if (op.back() == '*') args.push_back(string_node("i"));
  pg_query::Node match = call("regexp_matches", std::move(args));
  if (op[0] == '!') match = expand("NOT __pg_arg1", {match});
  n = std::move(match);
  return true;
}

// FROM regexp_matches(…) AS m: the alias names the column too (as for scalar functions).
bool name_set_function_column(pg_query::Node& n) {
  auto* rf = n.mutable_range_function();
  if (rf->functions_size() != 1 || !rf->has_alias() || rf->alias().colnames_size() > 0 || rf->ordinality()) {
    return false;
  }
  const pg_query::Node& pair = rf->functions(0);
  if (!pair.has_list() || pair.list().items_size() < 1 || !pair.list().items(0).has_func_call()) return false;
  if (function_name(pair.list().items(0).func_call()) != "regexp_matches") return false;
  rf->mutable_alias()->add_colnames()->mutable_string()->set_sval(rf->alias().aliasname());
  return true;
}

bool rewrite_function_call(pg_query::Node& node) {
  if (node.has_func_call()) return rewrite_call(node);
  if (node.has_range_function()) return name_set_function_column(node);
  if (node.has_a_expr()) {
    return rewrite_regex_operator(node) || rewrite_similar(node) || rewrite_datetime_operand(node);
  }
  if (node.has_type_cast()) return rewrite_datetime_literal(node);
  return false;
}

}  // namespace ducklings::sql
