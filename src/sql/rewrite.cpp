#include "sql/rewrite.h"

#include "sql/catalog_types.h"

#include <algorithm>
#include <functional>
#include <set>

#include "sql/array_functions.h"
#include "sql/array_literal.h"
#include "sql/catalog.h"
#include "sql/catalog_constraints.h"
#include "sql/catalog_types.h"
#include "sql/pg_numeric.h"
#include "sql/quoting.h"
#include "sql/rewrite_functions.h"
#include "sql/rewrite_json.h"
#include "sql/rewrite_literals.h"
#include "sql/rewrite_sample.h"
#include "sql/tree_walk.h"

namespace ducklings::sql {
// PostgreSQL's name for an unnamed result column (defined below).
std::string figure_colname(const pg_query::Node& n);

namespace {

bool is_operator(const pg_query::A_Expr& e, const char* op) {
  return e.kind() == pg_query::AEXPR_OP && e.name_size() >= 1 &&
         e.name(e.name_size() - 1).has_string() && e.name(e.name_size() - 1).string().sval() == op;
}

bool names_type(const pg_query::TypeName& t, const char* name) {
  return t.names_size() >= 1 && t.names(t.names_size() - 1).has_string() &&
         t.names(t.names_size() - 1).string().sval() == name;
}

constexpr const char* kCatalogSchema = "duckgres_catalog";
constexpr const char* kInformationSchema = "duckgres_information_schema";

std::string last_name(const google::protobuf::RepeatedPtrField<pg_query::Node>& names) {
  if (names.empty() || !names[names.size() - 1].has_string()) return {};
  return names[names.size() - 1].string().sval();
}

}  // namespace

// Names: PostgreSQL's catalogs live in duckgres_catalog / duckgres_information_schema, and
// PostgreSQL's default schema "public" is DuckDB's "main".
// A database qualifier ("db"."schema"."table", as dbt writes every name) names the session's
// own database, PostgreSQL having no cross-database references; DuckDB's catalog of that
// database has another name, so the qualifier goes. DuckDB's own system and temp stay.
bool is_database_qualifier(const std::string& name) {
  return !name.empty() && name != "system" && name != "temp";
}

namespace {

bool rewrite_range_var(pg_query::RangeVar& rv) {
  bool changed = false;
  if (is_database_qualifier(rv.catalogname())) {
    rv.clear_catalogname();
    changed = true;
  }
  const std::string& schema = rv.schemaname();
  if ((schema.empty() || schema == "pg_catalog") && is_catalog_relation(rv.relname())) {
    rv.set_schemaname(kCatalogSchema);
    return true;
  }
  if (schema == "system" && (rv.relname() == "query_log" || rv.relname() == "source_runs" ||
                             rv.relname() == "model_runs" || rv.relname() == "publication_runs")) {
    // metering/query_log.h, sources/sync.h, modeling/runner.h, publish/publisher.h
    rv.set_schemaname(kCatalogSchema);
    rv.set_relname("__system_" + rv.relname());
    return true;
  }
  if (schema == "information_schema" && is_information_schema_relation(rv.relname())) {
    rv.set_schemaname(kInformationSchema);
    return true;
  }
  if (schema == "public") {
    rv.set_schemaname("main");
    return true;
  }
  return changed;
}

bool rewrite_range_vars(google::protobuf::Message& tree) {
  bool changed = false;
  walk_range_vars(tree, [&](pg_query::RangeVar& rv) { changed = rewrite_range_var(rv) || changed; });
  return changed;
}

bool rewrite_names(pg_query::Node& n) {
  if (n.has_func_call()) {
    auto* names = n.mutable_func_call()->mutable_funcname();
    std::string name = last_name(*names);
    if ((name == "current_setting") && n.func_call().args_size() >= 1 && names->size() <= 2) {
      // The session publishes its parameters as a DuckDB variable (see Session::publish_settings).
      pg_query::FuncCall get;
      get.add_funcname()->mutable_string()->set_sval("getvariable");
      get.add_args()->mutable_a_const()->mutable_sval()->set_sval("__pg_settings");
      pg_query::FuncCall key;
      key.add_funcname()->mutable_string()->set_sval("lower");
      *key.add_args() = n.func_call().args(0);
      pg_query::FuncCall extract;
      extract.add_funcname()->mutable_string()->set_sval("map_extract_value");
      *extract.add_args()->mutable_func_call() = std::move(get);
      *extract.add_args()->mutable_func_call() = std::move(key);
      extract.set_location(n.func_call().location());
      *n.mutable_func_call() = std::move(extract);
      return true;
    }
    const std::string first = names->size() == 2 && (*names)[0].has_string() ? (*names)[0].string().sval() : "";
    if (first == "information_schema" && is_information_schema_function(name)) {
      (*names)[0].mutable_string()->set_sval(kInformationSchema);
      return true;
    }
    bool qualified = first == "pg_catalog";
    if (is_catalog_function(name) && (names->size() == 1 || qualified)) {
      names->Clear();
      names->Add()->mutable_string()->set_sval(kCatalogSchema);
      names->Add()->mutable_string()->set_sval(name);
      return true;
    }
    // PostgreSQL functions DuckDB has under another name.
    static const std::pair<const char*, const char*> renamed[] = {
        {"btrim", "trim"},
        {"extract", "date_part"},  // EXTRACT(field FROM x) reaches us as pg_catalog.extract('field', x)
    };
    for (const auto& [pg, duck] : renamed) {
      if (name == pg && (names->size() == 1 || qualified)) {
        names->Clear();
        names->Add()->mutable_string()->set_sval(duck);
        return true;
      }
    }
    if (qualified) {  // DuckDB's built-ins are not in a pg_catalog schema
      names->DeleteSubrange(0, 1);
      return true;
    }
    return false;
  }
  if (n.has_a_expr() && n.a_expr().name_size() == 2) {
    // OPERATOR(pg_catalog.=) and friends.
    auto* names = n.mutable_a_expr()->mutable_name();
    if ((*names)[0].has_string() && (*names)[0].string().sval() == "pg_catalog") {
      names->DeleteSubrange(0, 1);
      return true;
    }
  }
  if (n.has_column_ref() && n.column_ref().fields_size() == 4 && n.column_ref().fields(0).has_string() &&
      is_database_qualifier(n.column_ref().fields(0).string().sval())) {
    // "db"."schema"."table".column (dbt's snapshot merge names its target so): the database
    // goes, as from the relation itself (rewrite_range_var); the rest is read below.
    n.mutable_column_ref()->mutable_fields()->DeleteSubrange(0, 1);
    rewrite_names(n);
    return true;
  }
  if (n.has_column_ref() && n.column_ref().fields_size() >= 3 && n.column_ref().fields(0).has_string() &&
      n.column_ref().fields(1).has_string()) {
    // pg_catalog.pg_class.relname (SQLAlchemy): the relation is duckgres_catalog's; its
    // unqualified name still finds it in the FROM clause.
    const std::string& schema = n.column_ref().fields(0).string().sval();
    const std::string& relation = n.column_ref().fields(1).string().sval();
    if ((schema == "pg_catalog" && is_catalog_relation(relation)) ||
        (schema == "information_schema" && is_information_schema_relation(relation))) {
      n.mutable_column_ref()->mutable_fields()->DeleteSubrange(0, 1);
      return true;
    }
  }
  if (n.has_column_ref() && n.column_ref().fields_size() == 3 && n.column_ref().fields(0).has_string() &&
      n.column_ref().fields(0).string().sval() == "public") {
    // "public"."events"."properties" (Metabase qualifies every column): the relation is main.events.
    n.mutable_column_ref()->mutable_fields(0)->mutable_string()->set_sval("main");
    return true;
  }
  if (n.has_collate_clause() && n.collate_clause().has_arg()) {
    // Collations: DuckDB has none of PostgreSQL's names ("default", "C", "POSIX").
    std::string coll = last_name(n.collate_clause().collname());
    if (coll == "default" || coll == "C" || coll == "POSIX") {
      pg_query::Node arg = n.collate_clause().arg();
      n = std::move(arg);
      return true;
    }
  }
  return false;
}

// Puts `operand` where a lookup's SQL has its placeholders, CAST(NULL AS …).
void fill_placeholders(pg_query::Node& sub, const pg_query::Node& operand) {
  walk_nodes(sub, [&](pg_query::Node& m) {
    if (m.has_type_cast() && m.type_cast().has_arg() && m.type_cast().arg().has_a_const() &&
        m.type_cast().arg().a_const().isnull()) {
      *m.mutable_type_cast()->mutable_arg() = operand;
    }
  });
}

// FROM (SELECT <targets>) alias, in place of a function in FROM.
void replace_with_subselect(pg_query::Node& n, pg_query::Node select, const std::string& alias, bool lateral) {
  select.mutable_select_stmt()->set_limit_option(pg_query::LIMIT_OPTION_DEFAULT);
  select.mutable_select_stmt()->set_op(pg_query::SETOP_NONE);
  pg_query::Node sub;
  auto* rs = sub.mutable_range_subselect();
  rs->set_lateral(lateral);
  *rs->mutable_subquery() = std::move(select);
  rs->mutable_alias()->set_aliasname(alias);
  n = std::move(sub);
}

// SELECT * FROM current_schema(), FROM current_user u: a scalar function in FROM is a one-row
// table whose column the alias (or the function) names; DuckDB takes only table functions there.
bool scalar_function_as_table(pg_query::Node& n, const std::string& name) {
  const auto& rf = n.range_function();
  if (rf.lateral() || rf.ordinality() || rf.coldeflist_size() > 0 || (rf.has_alias() && rf.alias().colnames_size() > 1)) {
    return false;
  }
  std::string table = rf.has_alias() ? rf.alias().aliasname() : name;
  std::string column = rf.has_alias() && rf.alias().colnames_size() == 1 && rf.alias().colnames(0).has_string()
                           ? rf.alias().colnames(0).string().sval() : table;
  pg_query::Node select;
  auto* stmt = select.mutable_select_stmt();
  auto* target = stmt->add_target_list()->mutable_res_target();
  target->set_name(column);
  *target->mutable_val() = rf.functions(0).list().items(0);
  static const char* name_valued[] = {"current_user", "session_user", "user", "current_role", "current_catalog",
                                      "current_schema", "current_database"};
  if (std::find(std::begin(name_valued), std::end(name_valued), name) != std::end(name_valued)) {
    pg_query::Node value = std::move(*target->mutable_val());
    auto* cast = target->mutable_val()->mutable_type_cast();
    *cast->mutable_arg() = std::move(value);
    cast->mutable_type_name()->add_names()->mutable_string()->set_sval(std::string(kNameAlias));  // typed name, as PostgreSQL
  }
  replace_with_subselect(n, std::move(select), table, false);
  return true;
}

// FROM generate_series(…) s: in PostgreSQL a scalar function's alias also names its column.
bool rewrite_function_alias(pg_query::Node& n) {
  if (!n.has_range_function()) return false;
  auto* rf = n.mutable_range_function();
  if (rf->functions_size() != 1) return false;
  pg_query::Node* pair = rf->mutable_functions(0);
  if (!pair->has_list() || pair->list().items_size() < 1) return false;
  if (pair->list().items(0).has_sqlvalue_function()) return scalar_function_as_table(n, figure_colname(pair->list().items(0)));
  if (!pair->list().items(0).has_func_call()) return false;
  auto* names = pair->mutable_list()->mutable_items(0)->mutable_func_call()->mutable_funcname();
  std::string name = last_name(*names);
  if (name == "pg_partition_ancestors") {
    // In FROM it is a table; DuckDB keeps the table form under another name.
    names->Clear();
    names->Add()->mutable_string()->set_sval(kCatalogSchema);
    names->Add()->mutable_string()->set_sval("__partition_ancestors");
    rf->set_ordinality(false);  // the table form already carries the depth column
    return true;
  }
  static const char* scalar_functions[] = {"current_schema", "current_database", "current_user", "session_user",
                                           "version", "now", "current_setting", "pg_backend_pid", "txid_current",
                                           "to_regclass", "pg_postmaster_start_time", "inet_server_addr",
                                           "inet_server_port", "pg_my_temp_schema", "statement_timestamp",
                                           "transaction_timestamp", "clock_timestamp", "timeofday"};
  if (std::find(std::begin(scalar_functions), std::end(scalar_functions), name) != std::end(scalar_functions)) {
    return scalar_function_as_table(n, name);
  }
  if (name == "unnest" && pair->list().items(0).func_call().args_size() >= 2 && !rf->ordinality() &&
      rf->coldeflist_size() == 0) {
    // FROM unnest(a, b) AS u(x, y): the arrays side by side, the shorter padded with NULLs,
    // as DuckDB's unnests in one select list are.
    const auto& call = pair->list().items(0).func_call();
    pg_query::Node select;
    auto* stmt = select.mutable_select_stmt();
    for (int i = 0; i < call.args_size(); ++i) {
      auto* target = stmt->add_target_list()->mutable_res_target();
      bool named = rf->has_alias() && i < rf->alias().colnames_size() && rf->alias().colnames(i).has_string();
      target->set_name(named ? rf->alias().colnames(i).string().sval() : "unnest");
      pg_query::Node one = pair->list().items(0);
      one.mutable_func_call()->mutable_args()->Clear();
      *one.mutable_func_call()->add_args() = call.args(i);
      *target->mutable_val() = std::move(one);
    }
    replace_with_subselect(n, std::move(select), rf->has_alias() ? rf->alias().aliasname() : "unnest", rf->lateral());
    return true;
  }
  if (!rf->has_alias() || rf->alias().colnames_size() > 0 || rf->ordinality()) return false;
  static const char* scalar_set_functions[] = {"generate_series", "unnest", "generate_subscripts",
                                               "regexp_split_to_table"};
  if (std::find(std::begin(scalar_set_functions), std::end(scalar_set_functions), name) ==
      std::end(scalar_set_functions)) {
    return false;
  }
  rf->mutable_alias()->add_colnames()->mutable_string()->set_sval(rf->alias().aliasname());
  return true;
}

// PostgreSQL's regular-expression operators search; DuckDB's ~ matches the whole string.
bool rewrite_regex_operator(pg_query::Node& n) {
  if (!n.has_a_expr() || n.a_expr().kind() != pg_query::AEXPR_OP || n.a_expr().name_size() != 1 ||
      !n.a_expr().has_lexpr() || !n.a_expr().has_rexpr()) {
    return false;
  }
  std::string op = last_name(n.a_expr().name());
  if (op != "~" && op != "~*" && op != "!~" && op != "!~*") return false;
  pg_query::FuncCall call;
  call.add_funcname()->mutable_string()->set_sval("regexp_matches");
  *call.add_args() = n.a_expr().lexpr();
  *call.add_args() = n.a_expr().rexpr();
  if (op.back() == '*') call.add_args()->mutable_a_const()->mutable_sval()->set_sval("i");
  call.set_funcformat(pg_query::COERCE_EXPLICIT_CALL);
  int location = n.a_expr().location();
  if (op[0] == '!') {
    pg_query::BoolExpr b;
    b.set_boolop(pg_query::NOT_EXPR);
    *b.add_args()->mutable_func_call() = std::move(call);
    b.set_location(location);
    *n.mutable_bool_expr() = std::move(b);
  } else {
    *n.mutable_func_call() = std::move(call);
  }
  return true;
}

// PostgreSQL type names DuckDB lacks: name, "char", regclass & co.
bool is_text_type(const pg_query::TypeName& t) {
  return t.array_bounds_size() == 0 && (names_type(t, "text") || names_type(t, "varchar") ||
                                        names_type(t, "name") || names_type(t, "bpchar"));
}

pg_query::Node format_type_of(const pg_query::Node& type_oid) {
  pg_query::Node out;
  auto* call = out.mutable_func_call();
  // The emulated one, named in full: this node is not renamed again, and DuckDB has a
  // format_type of its own that spells types its way. regtype's output is format_type's
  // but for bpchar, which it calls character.
  call->add_funcname()->mutable_string()->set_sval("duckgres_catalog");
  call->add_funcname()->mutable_string()->set_sval("__regtype_name");
  auto* oid = call->add_args()->mutable_type_cast();
  *oid->mutable_arg() = type_oid;
  oid->mutable_type_name()->add_names()->mutable_string()->set_sval("int8");
  call->set_funcformat(pg_query::COERCE_EXPLICIT_CALL);
  return out;
}

// expr::regclass as a lookup in the emulated pg_class: the relation's name (schema-qualified
// when not on the search path) where the value is printed, its oid where a function takes it
// (obj_description(x::regclass, …)). An operand that is no cast may be a name as text
// ('"s"."t"', format('%I.%I', …)); a cast (x::regclass::text comes here as (oid cast)::regclass)
// is an oid.
bool regclass_lookup(pg_query::Node& n, bool want_oid) {
    const pg_query::Node& operand = n.type_cast().arg();
    bool may_be_text = !operand.has_type_cast();
    auto parsed = parse(std::string(
        // Only r_oid and r_name are visible inside, so the operand's own columns (often
        // a bare "oid") still bind to the outer query.
        std::string("SELECT ") + (want_oid || may_be_text ? "" : "coalesce(") + "(SELECT " +
        (want_oid ? "r_oid" : "r_name") + " FROM (SELECT c.oid AS r_oid, CAST(CASE WHEN "
        "duckgres_catalog.__nsp_visible(ns.nspname) THEN c.relname ELSE ns.nspname || '.' || c.relname END AS " +
        std::string(kRegclassAlias) + ") AS r_name, "
        "ns.nspname || '.' || c.relname AS r_path "
        "FROM duckgres_catalog.pg_class c JOIN duckgres_catalog.pg_namespace ns "
        "ON ns.oid = c.relnamespace) r WHERE ") +
        // The CASE sits inside the cast: DuckDB may evaluate a THEN branch for rows the WHEN
        // rejects (a join filter), and casting a name to BIGINT fails.
        (may_be_text ? "r_oid = CAST(CASE WHEN regexp_full_match(CAST(NULL AS VARCHAR), '[0-9]+') "
                       "THEN CAST(NULL AS VARCHAR) END AS BIGINT) OR r_path = replace(CAST(NULL AS VARCHAR), '\"', ''))"
                     // An oid no relation has prints as the number, as PostgreSQL's regclass does.
                     : want_oid ? "r_oid = CAST(NULL AS BIGINT))"
                                : "r_oid = CAST(NULL AS BIGINT)), CAST(CAST(NULL AS BIGINT) AS " +
                                      std::string(kRegclassAlias) + "))"));
    if (!parsed) return false;
    pg_query::Node sub = parsed->stmts(0).stmt().select_stmt().target_list(0).res_target().val();
    fill_placeholders(sub, n.type_cast().arg());
    n = std::move(sub);
    return true;
}

// An operand of ::regtype that is computed text ('"' || udt_schema || '"."' || udt_name || '"',
// format('%I.%I', …)), not an oid: a column or a cast stays the oid it usually is.
bool is_computed_text(const pg_query::Node& operand) {
  if (operand.has_a_expr()) {
    const auto& e = operand.a_expr();
    return e.kind() == pg_query::AEXPR_OP && e.name_size() == 1 && last_name(e.name()) == "||";
  }
  if (!operand.has_func_call()) return false;
  static const char* text_functions[] = {"format", "quote_ident", "concat", "concat_ws", "lower", "upper",
                                         "replace", "btrim", "ltrim", "rtrim", "substr", "substring",
                                         "split_part", "trim"};
  std::string name = last_name(operand.func_call().funcname());
  return std::find(std::begin(text_functions), std::end(text_functions), name) != std::end(text_functions);
}

// text::regtype as regtypein reads it: a type's name, schema-qualified or not, quoted or not,
// or as format_type spells it ('character varying'); 42704 when no type has it.
std::optional<pg_query::Node> regtype_lookup(const pg_query::Node& operand) {
  auto parsed = parse(
      "SELECT (SELECT CASE WHEN m_o IS NULL THEN error('[42704] type \"' || m_v || '\" does not exist') "
      "ELSE m_o END FROM (SELECT CAST(NULL AS VARCHAR) AS m_v, (SELECT min(t.oid) FROM duckgres_catalog.pg_type t "
      "JOIN duckgres_catalog.pg_namespace ns ON ns.oid = t.typnamespace WHERE "
      "ns.nspname || '.' || t.typname = replace(CAST(NULL AS VARCHAR), '\"', '') "
      "OR (t.typname = replace(CAST(NULL AS VARCHAR), '\"', '') AND duckgres_catalog.__nsp_visible(ns.nspname)) "
      "OR (t.typname = duckgres_catalog.__typname_of(lower(trim(CAST(NULL AS VARCHAR)))) "
      "AND duckgres_catalog.__nsp_visible(ns.nspname))) AS m_o) AS m_q)");
  if (!parsed || parsed->stmts_size() != 1) return std::nullopt;
  pg_query::Node sub = parsed->stmts(0).stmt().select_stmt().target_list(0).res_target().val();
  fill_placeholders(sub, operand);
  return sub;
}

// numeric without precision: DECIMAL(38,17) (sql/pg_numeric), not DuckDB's DECIMAL(18,3),
// which rounds to 3 decimals.
bool set_unconstrained_numeric(pg_query::TypeName& tn) {
  if (last_name(tn.names()) != "numeric" || tn.typmods_size() > 0) return false;
  tn.add_typmods()->mutable_a_const()->mutable_ival()->set_ival(kUnconstrainedWidth);
  tn.add_typmods()->mutable_a_const()->mutable_ival()->set_ival(kUnconstrainedScale);
  return true;
}

bool rewrite_type_name(pg_query::Node& n) {
  if (!n.has_type_cast() || !n.type_cast().has_type_name()) return false;
  auto* tn = n.mutable_type_cast()->mutable_type_name();
  std::string name = last_name(tn->names());
  if (is_text_type(*tn) && n.type_cast().arg().has_type_cast()) {
    // x::regclass::text and x::regtype::text print the name, as the reg* types' output does.
    const auto& inner = n.type_cast().arg().type_cast();
    if (names_type(inner.type_name(), "regclass") && !inner.arg().has_type_cast()) {
      pg_query::Node as_name;
      auto* outer = as_name.mutable_type_cast();
      outer->mutable_type_name()->add_names()->mutable_string()->set_sval("regclass");
      *outer->mutable_arg() = n.type_cast().arg();  // the inner cast: a (looked-up) oid
      auto* oid_cast = outer->mutable_arg()->mutable_type_cast();
      if (!oid_cast->arg().has_a_const() || !oid_cast->arg().a_const().has_sval()) {
        // The oid is the operand itself.
        pg_query::Node operand = oid_cast->arg();
        oid_cast->mutable_type_name()->clear_names();
        oid_cast->mutable_type_name()->add_names()->mutable_string()->set_sval("int8");
        *oid_cast->mutable_arg() = std::move(operand);
      }
      rewrite_type_name(as_name);  // now an expr::regclass: the name, as text
      pg_query::Node text;
      auto* cast = text.mutable_type_cast();
      *cast->mutable_arg() = std::move(as_name);
      cast->mutable_type_name()->add_names()->mutable_string()->set_sval("varchar");
      n = std::move(text);
      return true;
    }
    if (names_type(inner.type_name(), "regtype")) {
      pg_query::Node oid = n.type_cast().arg();
      if (!inner.arg().has_a_const() || !inner.arg().a_const().has_sval()) oid = inner.arg();
      if (is_computed_text(inner.arg())) {
        auto looked_up = regtype_lookup(inner.arg());
        if (!looked_up) return false;
        oid = std::move(*looked_up);
      }
      n = format_type_of(oid);
      return true;
    }
  }
  if (name == "regtype" && n.type_cast().has_arg()) {
    const pg_query::Node& arg = n.type_cast().arg();
    if (arg.has_a_const() && arg.a_const().has_sval()) {
      // 'integer'::regtype → the type's oid, by its name or by how format_type spells it.
      std::string text = arg.a_const().sval().sval();
      if (text.rfind("pg_catalog.", 0) == 0) text = text.substr(11);
      auto parsed = parse("SELECT (SELECT min(t_oid) FROM (SELECT oid AS t_oid, typname AS t_name, "
                          "format_type(oid, NULL) AS t_formatted FROM duckgres_catalog.pg_type) t "
                          "WHERE t_name = lower(" + quote_literal(text) + ") OR t_formatted = lower(" +
                          quote_literal(text) + "))");
      if (!parsed) return false;
      n = parsed->stmts(0).stmt().select_stmt().target_list(0).res_target().val();
      return true;
    }
    // An oid shown as a type: 25::regtype, atttypid::regtype (described as regtype).
    pg_query::Node operand = arg;
    if (is_computed_text(arg)) {
      auto looked_up = regtype_lookup(arg);
      if (!looked_up) return false;
      operand = std::move(*looked_up);
    }
    pg_query::Node shown;
    auto* cast = shown.mutable_type_cast();
    *cast->mutable_arg() = format_type_of(operand);
    cast->mutable_type_name()->add_names()->mutable_string()->set_sval(std::string(kRegtypeAlias));
    n = std::move(shown);
    return true;
  }
  if ((name == "varchar" || name == "bpchar") && tn->typmods_size() == 1 && tn->array_bounds_size() == 0 &&
      tn->typmods(0).has_a_const() && tn->typmods(0).a_const().has_ival()) {
    // An explicit cast to varchar(n) or char(n) cuts the value to n characters.
    int length = tn->typmods(0).a_const().ival().ival();
    pg_query::Node cast = n;
    cast.mutable_type_cast()->mutable_type_name()->clear_typmods();
    pg_query::Node cut;
    auto* call = cut.mutable_func_call();
    call->add_funcname()->mutable_string()->set_sval("left");
    *call->add_args() = std::move(cast);
    call->add_args()->mutable_a_const()->mutable_ival()->set_ival(length);
    call->set_funcformat(pg_query::COERCE_EXPLICIT_CALL);
    n = std::move(cut);
    return true;
  }
  if (name == "regclass" && n.type_cast().has_arg() && n.type_cast().arg().has_a_const() &&
      n.type_cast().arg().a_const().has_sval()) {
    // 'schema.table'::regclass → the table's oid, looked up in the emulated pg_class.
    std::string text = n.type_cast().arg().a_const().sval().sval();
    if (!text.empty() && text.find_first_not_of("0123456789") == std::string::npos) {
      // '16384'::regclass is the oid itself.
      tn->clear_names();
      tn->add_names()->mutable_string()->set_sval("int8");
      return true;
    }
    std::string schema, rel = text;
    if (auto dot = text.find('.'); dot != std::string::npos) {
      schema = text.substr(0, dot);
      rel = text.substr(dot + 1);
    }
    if (int32_t fixed = catalog_table_oid(schema, rel)) {
      // 'pg_class'::regclass: PostgreSQL's fixed oid, as pg_description.classoid holds it.
      n = pg_query::Node();
      n.mutable_a_const()->mutable_ival()->set_ival(fixed);
      return true;
    }
    auto unquote = [](std::string v) {
      if (v.size() >= 2 && v.front() == '"' && v.back() == '"') return v.substr(1, v.size() - 2);
      for (auto& c : v) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      return v;
    };
    // A name that is no relation is 42P01, as PostgreSQL's regclass input raises.
    std::string sql = "SELECT CASE WHEN m_o IS NULL THEN error(" +
                      quote_literal("[42P01] relation \"" + text + "\" does not exist") +
                      ") ELSE m_o END FROM (SELECT (SELECT c.oid FROM duckgres_catalog.pg_class c JOIN "
                      "duckgres_catalog.pg_namespace ns ON ns.oid = c.relnamespace WHERE c.relname = " +
                      quote_literal(unquote(rel)) +
                      (schema.empty() ? std::string() : " AND ns.nspname = " + quote_literal(unquote(schema))) +
                      " LIMIT 1) AS m_o) AS m_q";
    for (char c : sql) {
      if (c == '\\') return false;
    }
    auto parsed = parse(sql);
    if (!parsed || parsed->stmts_size() != 1) return false;
    pg_query::SubLink link;
    link.set_sub_link_type(pg_query::EXPR_SUBLINK);
    *link.mutable_subselect() = parsed->stmts(0).stmt();
    *n.mutable_sub_link() = std::move(link);
    return true;
  }
  if (name == "regnamespace" && n.type_cast().has_arg()) {
    // 'sales'::regnamespace is the schema's oid; relnamespace::regnamespace prints its name.
    const pg_query::Node& arg = n.type_cast().arg();
    bool literal = arg.has_a_const() && arg.a_const().has_sval();
    std::string sql;
    if (literal) {
      std::string text = arg.a_const().sval().sval();
      if (text.size() >= 2 && text.front() == '"' && text.back() == '"') {
        text = text.substr(1, text.size() - 2);
      } else {
        for (auto& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      }
      sql = "SELECT (SELECT min(n_oid) FROM (SELECT oid AS n_oid, nspname AS n_name FROM duckgres_catalog.pg_namespace) n "
            "WHERE n_name = " + quote_literal(text) + ")";
    } else {
      sql = "SELECT (SELECT min(n_name) FROM (SELECT oid AS n_oid, CAST(nspname AS VARCHAR) AS n_name FROM "
            "duckgres_catalog.pg_namespace) n WHERE n_oid = CAST(NULL AS BIGINT))";
    }
    auto parsed = parse(sql);
    if (!parsed) return false;
    pg_query::Node sub = parsed->stmts(0).stmt().select_stmt().target_list(0).res_target().val();
    if (!literal) fill_placeholders(sub, arg);
    n = std::move(sub);
    return true;
  }
  if (set_unconstrained_numeric(*tn)) return true;
  const char* replacement = nullptr;
  if (name == "name" || name == "char" || name == "regproc" ||
      name == "regprocedure" || name == "regnamespace" || name == "regrole") {
    replacement = "varchar";
  } else if (name == "regclass" && n.type_cast().has_arg() && !n.type_cast().arg().has_a_const()) {
    return regclass_lookup(n, false);
  } else if (name == "regclass" || name == "xid" || name == "cid") {
    replacement = "int8";
  } else if (name == "oid" && tn->array_bounds_size() == 0) {
    replacement = kOidAlias.data();  // described as oid (26), a BIGINT to DuckDB
  }
  if (!replacement) {
    // pg_catalog.text and friends: DuckDB has no schema-qualified type names. The deparser
    // spells SQL-standard types (pg_catalog.int4 → integer) itself; strip the rest.
    static const char* standard[] = {"bpchar", "varchar", "numeric", "bool", "int2", "int4",
                                     "int8", "float4", "float8", "time", "timetz", "timestamp",
                                     "timestamptz", "interval", "bit", "varbit"};
    if (tn->names_size() == 2 && tn->names(0).has_string() &&
        tn->names(0).string().sval() == "pg_catalog" &&
        std::find(std::begin(standard), std::end(standard), name) == std::end(standard)) {
      tn->mutable_names()->DeleteSubrange(0, 1);
      return true;
    }
    return false;
  }
  tn->clear_names();
  tn->add_names()->mutable_string()->set_sval(replacement);
  tn->clear_typmods();
  return true;
}

// Column types DuckDB lacks (CREATE TABLE, ALTER TABLE … ADD/TYPE): what is stored instead.
bool rewrite_column_type(pg_query::Node& n) {
  if (!n.has_column_def() || !n.column_def().has_type_name()) return false;
  auto* tn = n.mutable_column_def()->mutable_type_name();
  if (set_unconstrained_numeric(*tn)) return true;
  std::string name = last_name(tn->names());
  const char* replacement = nullptr;
  if (name == "name") {
    replacement = "varchar";
  } else if (name == "regclass" || name == "regtype" || name == "regproc" || name == "regnamespace" ||
             name == "regrole" || name == "xid" || name == "cid") {
    replacement = "int8";
  }
  if (!replacement) return false;
  tn->clear_names();
  tn->add_names()->mutable_string()->set_sval(replacement);
  tn->clear_typmods();
  return true;
}

// serial columns: PostgreSQL creates a sequence <table>_<column>_seq the column defaults to.
// Returns the CREATE SEQUENCE statements to run first; the column defs become integer types
// with that default and NOT NULL.
std::vector<std::string> expand_serial_columns(pg_query::CreateStmt& create) {
  std::vector<std::string> sequences;
  const auto& rel = create.relation();
  for (auto& elt : *create.mutable_table_elts()) {
    if (!elt.has_column_def() || !elt.column_def().has_type_name()) continue;
    auto* def = elt.mutable_column_def();
    std::string type = last_name(def->type_name().names());
    const char* integer = type == "serial" || type == "serial4"     ? "int4"
                          : type == "bigserial" || type == "serial8" ? "int8"
                          : type == "smallserial" || type == "serial2" ? "int2"
                                                                       : nullptr;
    if (!integer || def->type_name().array_bounds_size() > 0) continue;
    std::string schema = rel.schemaname() == "public" ? "main" : rel.schemaname();
    std::string sequence = rel.relname() + "_" + def->colname() + "_seq";
    std::string qualified = (schema.empty() ? "" : quote_identifier(schema) + ".") + quote_identifier(sequence);
    // serial's sequence is AS integer (smallserial's AS smallint): it ends at the type's maximum.
    const char* maximum = integer == std::string("int4") ? " MAXVALUE 2147483647"
                          : integer == std::string("int2") ? " MAXVALUE 32767"
                                                           : "";
    sequences.push_back(std::string(create.if_not_exists() ? "CREATE SEQUENCE IF NOT EXISTS "
                                                           : "CREATE OR REPLACE SEQUENCE ") +
                        qualified + maximum);
    def->mutable_type_name()->clear_names();
    def->mutable_type_name()->add_names()->mutable_string()->set_sval(integer);
    auto parsed = parse("SELECT nextval(" + quote_literal(qualified) + ")");
    pg_query::Node default_constraint;
    auto* c = default_constraint.mutable_constraint();
    c->set_contype(pg_query::CONSTR_DEFAULT);
    *c->mutable_raw_expr() = parsed->stmts(0).stmt().select_stmt().target_list(0).res_target().val();
    *def->add_constraints() = std::move(default_constraint);
    bool not_null = false;
    for (const auto& con : def->constraints()) {
      if (con.has_constraint() && (con.constraint().contype() == pg_query::CONSTR_NOTNULL ||
                                   con.constraint().contype() == pg_query::CONSTR_PRIMARY)) {
        not_null = true;
      }
    }
    if (!not_null) def->add_constraints()->mutable_constraint()->set_contype(pg_query::CONSTR_NOTNULL);
  }
  return sequences;
}



// pg_index.indkey and friends are int2vector/oidvector in PostgreSQL: subscripts count from 0
// and the text form is space-separated ("1 3"). The catalog keeps them as DuckDB lists, so
// references to these columns (their names are distinctive, and pgjdbc's getIndexInfo aliases
// indoption as i_indoption) are adjusted where it shows.
constexpr int32_t kInt2VectorOid = 22;
constexpr int32_t kOidVectorOid = 30;

// The PostgreSQL type of a vector column reference, or 0 when `n` is not one.
int32_t vector_column_type(const pg_query::Node& n) {
  static const std::pair<const char*, int32_t> columns[] = {
      {"indkey", kInt2VectorOid},      {"indoption", kInt2VectorOid}, {"i_indoption", kInt2VectorOid}, {"indclass", kOidVectorOid},
      {"indcollation", kOidVectorOid}, {"proargtypes", kOidVectorOid}};
  if (!n.has_column_ref()) return 0;
  std::string name = last_name(n.column_ref().fields());
  for (const auto& [column, oid] : columns) {
    if (name == column) return oid;
  }
  return 0;
}

bool is_vector_column(const pg_query::Node& n) { return vector_column_type(n) != 0; }

pg_query::Node vector_as_text(const pg_query::Node& column) {
  pg_query::Node space;
  space.mutable_a_const()->mutable_sval()->set_sval(" ");
  return make_func_call("array_to_string", {column, std::move(space)});
}

bool rewrite_vector_column(pg_query::Node& n) {
  if (n.has_a_indirection() && is_vector_column(n.a_indirection().arg()) &&
      n.a_indirection().indirection_size() == 1 && n.a_indirection().indirection(0).has_a_indices() &&
      !n.a_indirection().indirection(0).a_indices().is_slice() &&
      n.a_indirection().indirection(0).a_indices().has_uidx()) {
    auto* indices = n.mutable_a_indirection()->mutable_indirection(0)->mutable_a_indices();
    pg_query::Node one;
    one.mutable_a_const()->mutable_ival()->set_ival(1);
    *indices->mutable_uidx() = make_operator("+", indices->uidx(), std::move(one));
    return true;
  }
  if (n.has_type_cast() && is_vector_column(n.type_cast().arg()) &&
      (names_type(n.type_cast().type_name(), "varchar") || names_type(n.type_cast().type_name(), "text"))) {
    pg_query::Node column = n.type_cast().arg();
    n = vector_as_text(column);
    return true;
  }
  return false;
}

// A result column that is one of those vectors goes out in its text form.
bool vector_columns_as_text(pg_query::SelectStmt& select) {
  if (select.has_larg()) return false;
  bool changed = false;
  for (auto& target : *select.mutable_target_list()) {
    if (!target.has_res_target() || !is_vector_column(target.res_target().val())) continue;
    auto* rt = target.mutable_res_target();
    if (rt->name().empty()) rt->set_name(last_name(rt->val().column_ref().fields()));
    pg_query::Node column = rt->val();
    *rt->mutable_val() = vector_as_text(column);
    changed = true;
  }
  return changed;
}

// generate_series(…) in a select list is a set-returning function in PostgreSQL (one row per
// value) but a list-valued scalar in DuckDB: unnest it there. Calls inside subqueries are
// left to the subquery's own select list.
bool unnest_select_list_series(pg_query::SelectStmt& select) {
  bool changed = false;
  for (auto& target : *select.mutable_target_list()) {
    if (!target.has_res_target() || !target.res_target().has_val()) continue;
    std::set<const pg_query::Node*> in_subqueries;
    walk_nodes(*target.mutable_res_target(), [&](pg_query::Node& n) {
      if (!n.has_sub_link()) return;
      walk_nodes(*n.mutable_sub_link(), [&](pg_query::Node& inner) { in_subqueries.insert(&inner); });
    });
    walk_nodes(*target.mutable_res_target(), [&](pg_query::Node& n) {
      if (!n.has_func_call() || in_subqueries.count(&n)) return;
      const auto& names = n.func_call().funcname();
      bool series = last_name(names) == "generate_series" &&
                    (names.size() == 1 || (names.size() == 2 && names[0].string().sval() == "pg_catalog"));
      if (!series) return;
      pg_query::FuncCall inner = n.func_call();
      inner.clear_funcname();  // qualified, so this walk does not wrap it again
      for (const char* part : {"system", "main", "generate_series"}) {
        inner.add_funcname()->mutable_string()->set_sval(part);
      }
      pg_query::FuncCall wrap;
      wrap.add_funcname()->mutable_string()->set_sval("unnest");
      wrap.set_location(inner.location());
      *wrap.add_args()->mutable_func_call() = std::move(inner);
      *n.mutable_func_call() = std::move(wrap);
      changed = true;
    });
  }
  return changed;
}

pg_query::Node array_expression(const ArrayLiteral& a);

// x op ANY (array) / x op ALL (array): DuckDB reads ANY/ALL as subquery comparisons only, so
// they become a fold over the list that keeps PostgreSQL's NULLs (ANY: true if one
// comparison is, else NULL if one is NULL, else false; ALL the other way round). Each
// comparison counts 2 (true), 1 (NULL) or 0 (false) and the list's max (ANY) or min (ALL)
// decides:
//   CASE WHEN arr IS NULL THEN NULL ELSE CASE coalesce(list_max(list_transform(arr,
//     __duckgres_e -> coalesce(CAST(x op __duckgres_e AS INTEGER) * 2, 1))), 0)
//     WHEN 2 THEN true WHEN 1 THEN NULL ELSE false END END
// (list_min and 2 for ALL: an empty array gives false for ANY and true for ALL). An untyped
// '{a,b}' is the array it spells.
bool rewrite_any_all(pg_query::Node& n) {
  if (!n.has_a_expr()) return false;
  const auto& e = n.a_expr();
  bool any = e.kind() == pg_query::AEXPR_OP_ANY;
  if ((!any && e.kind() != pg_query::AEXPR_OP_ALL) || !e.has_rexpr() || !e.has_lexpr() ||
      e.rexpr().has_sub_link()) {
    return false;
  }
  pg_query::Node array = e.rexpr();
  if (array.has_a_const() && array.a_const().has_sval()) {
    std::optional<ArrayLiteral> parsed = parse_array_literal(array.a_const().sval().sval());
    if (parsed) array = array_expression(*parsed);
  }
  pg_query::Node compare;
  auto* c = compare.mutable_a_expr();
  c->set_kind(pg_query::AEXPR_OP);
  *c->mutable_name() = e.name();
  *c->mutable_lexpr() = e.lexpr();
  *c->mutable_rexpr() = make_column_ref("__duckgres_e");
  pg_query::Node as_int;
  *as_int.mutable_type_cast()->mutable_arg() = std::move(compare);
  as_int.mutable_type_cast()->mutable_type_name()->add_names()->mutable_string()->set_sval("int4");
  pg_query::Node two;
  two.mutable_a_const()->mutable_ival()->set_ival(2);
  pg_query::Node doubled = make_operator("*", std::move(as_int), std::move(two));
  pg_query::Node score;
  *score.mutable_coalesce_expr()->add_args() = std::move(doubled);
  score.mutable_coalesce_expr()->add_args()->mutable_a_const()->mutable_ival()->set_ival(1);
  pg_query::Node lambda = make_operator("->", make_column_ref("__duckgres_e"), std::move(score));
  pg_query::Node fold = make_func_call(any ? "list_max" : "list_min",
                                  {make_func_call("list_transform", {array, std::move(lambda)})});
  pg_query::Node folded;
  *folded.mutable_coalesce_expr()->add_args() = std::move(fold);
  folded.mutable_coalesce_expr()->add_args()->mutable_a_const()->mutable_ival()->set_ival(any ? 0 : 2);
  pg_query::Node decided;
  auto* pick = decided.mutable_case_expr();
  *pick->mutable_arg() = std::move(folded);
  auto* is_true = pick->add_args()->mutable_case_when();
  is_true->mutable_expr()->mutable_a_const()->mutable_ival()->set_ival(any ? 2 : 0);
  is_true->mutable_result()->mutable_a_const()->mutable_boolval()->set_boolval(any);
  auto* is_null_score = pick->add_args()->mutable_case_when();
  is_null_score->mutable_expr()->mutable_a_const()->mutable_ival()->set_ival(1);
  is_null_score->mutable_result()->mutable_a_const()->set_isnull(true);
  pick->mutable_defresult()->mutable_a_const()->mutable_boolval()->set_boolval(!any);
  pg_query::Node out;
  auto* kase = out.mutable_case_expr();
  auto* when = kase->add_args()->mutable_case_when();
  auto* is_null = when->mutable_expr()->mutable_null_test();
  *is_null->mutable_arg() = array;
  is_null->set_nulltesttype(pg_query::IS_NULL);
  when->mutable_result()->mutable_a_const()->set_isnull(true);
  *kase->mutable_defresult() = std::move(decided);
  kase->set_location(e.location());
  n = std::move(out);
  return true;
}

pg_query::Node array_expression(const ArrayLiteral& a) {
  pg_query::Node out;
  auto* arr = out.mutable_a_array_expr();
  for (const auto& item : a.items) {
    pg_query::Node* element = arr->add_elements();
    if (item.is_array) {
      *element = array_expression(item);
    } else if (item.is_null) {
      element->mutable_a_const()->set_isnull(true);
    } else {
      element->mutable_a_const()->mutable_sval()->set_sval(item.text);
    }
  }
  return out;
}

// '{1,2}'::int[]: DuckDB does not read PostgreSQL's array text, so the literal becomes
// ARRAY['1','2']::int[] (the cast converts the elements as PostgreSQL's would).
bool rewrite_array_literal(pg_query::Node& n) {
  if (!n.has_type_cast() || !n.type_cast().has_type_name() ||
      n.type_cast().type_name().array_bounds_size() == 0 || !n.type_cast().arg().has_a_const() ||
      !n.type_cast().arg().a_const().has_sval()) {
    return false;
  }
  std::optional<ArrayLiteral> parsed = parse_array_literal(n.type_cast().arg().a_const().sval().sval());
  if (!parsed) return false;  // DuckDB reports the malformed literal
  *n.mutable_type_cast()->mutable_arg() = array_expression(*parsed);
  // PostgreSQL's int[] takes any number of dimensions; DuckDB's lists need one [] per level.
  int depth = 1;
  for (const ArrayLiteral* x = &*parsed; !x->items.empty() && x->items[0].is_array; x = &x->items[0]) ++depth;
  auto* tn = n.mutable_type_cast()->mutable_type_name();
  while (tn->array_bounds_size() < depth) tn->add_array_bounds()->mutable_integer()->set_ival(-1);
  return true;
}

void collect_from_aliases(const pg_query::Node& n, std::set<std::string>& out) {
  if (n.has_range_var()) {
    out.insert(n.range_var().has_alias() ? n.range_var().alias().aliasname() : n.range_var().relname());
  } else if (n.has_join_expr()) {
    collect_from_aliases(n.join_expr().larg(), out);
    collect_from_aliases(n.join_expr().rarg(), out);
  } else if (n.has_range_subselect() && n.range_subselect().has_alias()) {
    out.insert(n.range_subselect().alias().aliasname());
  }
}

// SELECT unnest(tags) AS tag, count(*) … GROUP BY tag: PostgreSQL expands the rows of a
// set-returning result column before it groups them; DuckDB refuses UNNEST in a grouped
// select. The function moves into a LATERAL subquery of FROM, which expands the same rows,
// and the result column reads its value. Only for one such column: several zip in
// PostgreSQL, where a join would multiply them.
bool lateral_grouped_set_function(pg_query::SelectStmt& select) {
  static const char* kSetFunctions[] = {"unnest", "jsonb_object_keys", "json_object_keys", "jsonb_array_elements",
                                        "json_array_elements", "jsonb_array_elements_text",
                                        "json_array_elements_text", "regexp_split_to_table", "string_to_table",
                                        "generate_series", "regexp_matches"};
  bool has_aggregate = false;
  int found = -1, count = 0;
  for (int i = 0; i < select.target_list_size(); ++i) {
    const auto& t = select.target_list(i);
    if (!t.has_res_target() || !t.res_target().has_val()) continue;
    walk_nodes(*select.mutable_target_list(i)->mutable_res_target(), [&](pg_query::Node& n) {
      if (!n.has_func_call() || n.func_call().has_over()) return;
      std::string name = last_name(n.func_call().funcname());
      if (name == "count" || name == "sum" || name == "avg" || name == "min" || name == "max" ||
          name == "array_agg" || name == "string_agg" || name == "bool_or" || name == "bool_and") {
        has_aggregate = true;
      }
    });
    const auto& v = t.res_target().val();
    if (v.has_func_call() && !v.func_call().has_over() &&
        std::find_if(std::begin(kSetFunctions), std::end(kSetFunctions), [&](const char* f) {
          return last_name(v.func_call().funcname()) == f;
        }) != std::end(kSetFunctions)) {
      found = i;
      ++count;
    }
  }
  if (count != 1 || (select.group_clause_size() == 0 && !has_aggregate) || select.from_clause_size() == 0) {
    return false;
  }
  auto* target = select.mutable_target_list(found)->mutable_res_target();
  pg_query::Node call = target->val();
  std::string column = target->name().empty() ? last_name(call.func_call().funcname()) : target->name();
  // GROUP BY the call as written: the column instead.
  pg_query::Node replacement;
  auto* ref = replacement.mutable_column_ref();
  ref->add_fields()->mutable_string()->set_sval("__duckgres_srf");
  ref->add_fields()->mutable_string()->set_sval(column);
  for (auto& g : *select.mutable_group_clause()) {
    if (same_expression(g, call)) g = replacement;
  }
  pg_query::Node inner;
  auto* expand = inner.mutable_select_stmt();
  auto* inner_target = expand->add_target_list()->mutable_res_target();
  inner_target->set_name(column);
  *inner_target->mutable_val() = std::move(call);
  pg_query::Node lateral;
  auto* sub = lateral.mutable_range_subselect();
  sub->set_lateral(true);
  *sub->mutable_subquery() = std::move(inner);
  sub->mutable_alias()->set_aliasname("__duckgres_srf");
  *select.add_from_clause() = std::move(lateral);
  target->set_name(column);
  *target->mutable_val() = std::move(replacement);
  return true;
}

// GROUP BY x where x is both a FROM alias and a result column's name: PostgreSQL groups by
// that relation's whole row (dbt's relations query relies on it), which DuckDB cannot; the
// result column it names groups the same rows.
bool group_by_relation_alias(pg_query::SelectStmt& select) {
  if (select.group_clause_size() == 0) return false;
  std::set<std::string> aliases;
  for (const auto& item : select.from_clause()) collect_from_aliases(item, aliases);
  bool changed = false;
  for (auto& group : *select.mutable_group_clause()) {
    if (!group.has_column_ref() || group.column_ref().fields_size() != 1 ||
        !group.column_ref().fields(0).has_string()) {
      continue;
    }
    const std::string& name = group.column_ref().fields(0).string().sval();
    if (!aliases.count(name)) continue;
    for (int i = 0; i < select.target_list_size(); ++i) {
      const auto& t = select.target_list(i);
      if (t.has_res_target() && t.res_target().name() == name) {
        group.Clear();
        group.mutable_a_const()->mutable_ival()->set_ival(i + 1);
        changed = true;
        break;
      }
    }
  }
  return changed;
}

// Expression-level rewrites anywhere in the tree; returns whether anything changed.
// CURRENT_USER, SESSION_USER, CURRENT_CATALOG, CURRENT_SCHEMA…: DuckDB answers its own
// values ("duckdb", the file's catalog, "main"); the session's are in the catalog's macros.
bool rewrite_session_value(pg_query::Node& n) {
  if (!n.has_sqlvalue_function()) return false;
  const char* macro = nullptr;
  switch (n.sqlvalue_function().op()) {
    case pg_query::SVFOP_CURRENT_ROLE:
    case pg_query::SVFOP_CURRENT_USER:
    case pg_query::SVFOP_USER:
    case pg_query::SVFOP_SESSION_USER: macro = "__user"; break;
    case pg_query::SVFOP_CURRENT_CATALOG: macro = "__database"; break;
    case pg_query::SVFOP_CURRENT_SCHEMA: macro = "current_schema"; break;
    default: return false;
  }
  int location = n.sqlvalue_function().location();
  pg_query::FuncCall call;
  call.add_funcname()->mutable_string()->set_sval("duckgres_catalog");
  call.add_funcname()->mutable_string()->set_sval(macro);
  call.set_funcformat(pg_query::COERCE_EXPLICIT_CALL);
  call.set_location(location);
  *n.mutable_func_call() = std::move(call);
  return true;
}

// UNION & co hold their branches as SelectStmts, not Nodes: each branch's select list and
// GROUP BY.
bool rewrite_select_branches(pg_query::Node& n) {
  if (!n.has_select_stmt()) return false;
  bool changed = false;
  std::function<void(pg_query::SelectStmt&)> each_branch = [&](pg_query::SelectStmt& select) {
    if (select.has_larg()) each_branch(*select.mutable_larg());
    if (select.has_rarg()) each_branch(*select.mutable_rarg());
    changed = lateral_grouped_set_function(select) || changed;
    changed = unnest_select_list_series(select) || changed;
    changed = group_by_relation_alias(select) || changed;
  };
  each_branch(*n.mutable_select_stmt());
  return changed;
}

// A function takes a regclass as its oid (obj_description(x::regclass, …)), and so does a cast
// to oid: not the name the value prints as (the walk visits them before the operand).
bool rewrite_oid_operands(pg_query::Node& n) {
  bool changed = false;
  auto as_oid = [&](pg_query::Node& arg) {
    if (arg.has_type_cast() && arg.type_cast().has_type_name() &&
        names_type(arg.type_cast().type_name(), "regclass") && arg.type_cast().has_arg() &&
        !arg.type_cast().arg().has_a_const() && !arg.type_cast().arg().has_type_cast()) {
      changed = regclass_lookup(arg, true) || changed;
    } else if (arg.has_type_cast() && arg.type_cast().has_type_name() &&
               names_type(arg.type_cast().type_name(), "regtype") && arg.type_cast().has_arg() &&
               !arg.type_cast().arg().has_a_const()) {
      pg_query::Node operand = arg.type_cast().arg();  // an oid shown as a type: the oid
      arg = std::move(operand);
      changed = true;
    }
  };
  if (n.has_func_call()) {
    for (auto& arg : *n.mutable_func_call()->mutable_args()) as_oid(arg);
  } else if (n.has_type_cast() && n.type_cast().has_type_name() && n.type_cast().has_arg() &&
             (names_type(n.type_cast().type_name(), "oid") || names_type(n.type_cast().type_name(), "int8") ||
              names_type(n.type_cast().type_name(), "int4"))) {
    as_oid(*n.mutable_type_cast()->mutable_arg());
  }
  return changed;
}

// An unnamed select-list entry of current_user & co is named before its value becomes a macro
// call (the walk visits parents first), in subqueries too: SELECT * FROM (SELECT current_user)
// t has a column current_user.
bool name_session_value(pg_query::Node& n) {
  if (n.has_res_target() && n.res_target().name().empty() && n.res_target().has_val() &&
      n.res_target().val().has_sqlvalue_function()) {
    n.mutable_res_target()->set_name(figure_colname(n.res_target().val()));
  }
  return false;  // a name alone need not be deparsed
}

// PostgreSQL raises division_by_zero where DuckDB returns NULL; the session's macros (see
// sql/engine_macros) keep PostgreSQL's semantics.
bool rewrite_division(pg_query::Node& n) {
  if (!n.has_a_expr() || !(is_operator(n.a_expr(), "/") || is_operator(n.a_expr(), "%")) ||
      !n.a_expr().has_lexpr() || !n.a_expr().has_rexpr()) {
    return false;
  }
  bool div = is_operator(n.a_expr(), "/");
  pg_query::FuncCall call;
  call.add_funcname()->mutable_string()->set_sval(div ? "__duckgres_div" : "__duckgres_mod");
  *call.add_args() = n.a_expr().lexpr();
  *call.add_args() = n.a_expr().rexpr();
  call.set_funcformat(pg_query::COERCE_EXPLICIT_CALL);
  call.set_location(n.a_expr().location());
  *n.mutable_func_call() = std::move(call);
  return true;
}

// The expression rules, in the order each node meets them (each sees the node as the ones
// before it left it; the walk visits parents before children).
struct NodeRule {
  const char* name;
  bool (*apply)(pg_query::Node&);
};
const NodeRule kNodeRules[] = {
    // Clauses: set-returning functions and GROUP BY in select lists, TABLESAMPLE.
    {"select_branches", rewrite_select_branches},
    {"table_sample", rewrite_table_sample},  // sql/rewrite_sample.cpp
    // Operators and literals whose meaning differs.
    {"vector_column", rewrite_vector_column},
    {"any_all", rewrite_any_all},
    {"array_literal", rewrite_array_literal},
    // Functions: json first, then calls by PostgreSQL's name, before the names change.
    {"json", rewrite_json},  // sql/rewrite_json.cpp
    {"function_call", rewrite_function_call},  // sql/rewrite_functions.cpp
    // Names of schemas, catalogs and functions.
    {"names", rewrite_names},
    {"regex_operator", rewrite_regex_operator},
    {"function_alias", rewrite_function_alias},
    // Types and literals.
    {"oid_operands", rewrite_oid_operands},
    {"type_name", rewrite_type_name},
    {"literal", rewrite_literal},  // sql/rewrite_literals.cpp
    // Session values and division last: they turn expressions into macro calls.
    {"name_session_value", name_session_value},
    {"session_value", rewrite_session_value},
    {"division", rewrite_division},
};

bool rewrite_expressions(pg_query::ParseResult& tree) {
  bool changed = rewrite_range_vars(tree);
  walk_nodes(tree, [&](pg_query::Node& n) {
    for (const NodeRule& rule : kNodeRules) changed = rule.apply(n) || changed;
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
      // A name an inner cast took from its type gives way to this cast's ('t'::bool::int is
      // int4), as in PostgreSQL; a column's or function's name stays.
      const pg_query::Node* arg = &n.type_cast().arg();
      while (arg->has_type_cast()) arg = &arg->type_cast().arg();
      bool from_type = n.type_cast().arg().has_type_cast() && figure_colname(*arg) == "?column?";
      if (inner != "?column?" && !from_type) return inner;
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

namespace {

// DuckDB's name of the schema a statement names (unqualified and public are main).
std::string meta_schema(const std::string& schema) { return schema.empty() || schema == "public" ? "main" : schema; }

}  // namespace

std::string declared_type_insert(const std::string& schema, const std::string& table, const std::string& column,
                                 int32_t type_oid, int32_t typmod) {
  bool has_length = (type_oid == 1043 || type_oid == 1042) && typmod >= 4;
  return "INSERT INTO duckgres_meta.declared_types VALUES (" +
         quote_literal(meta_schema(schema)) + ", " + quote_literal(table) + ", " +
         quote_literal(column) + ", " + std::to_string(type_oid) + ", " + std::to_string(typmod) + ", " +
         (has_length ? std::to_string(typmod - 4) : std::string("NULL")) + ")";
}

namespace {

// Type names DuckDB or PostgreSQL know without a CREATE TYPE (as the parser leaves them).
bool is_builtin_type_name(const std::string& name) {
  static const std::set<std::string> names = {
      "bool", "int2", "int4", "int8", "float4", "float8", "numeric", "text", "varchar", "bpchar", "date", "time",
      "timetz", "timestamp", "timestamptz", "interval", "bytea", "json", "jsonb", "uuid", "name", "oid", "char",
      "bit", "varbit", "inet", "cidr", "macaddr", "money", "xml", "regclass", "regtype", "regproc", "regnamespace",
      "regrole", "xid", "cid", "tsvector", "tsquery", "point", "line", "lseg", "box", "path", "polygon", "circle",
      "int", "integer", "bigint", "smallint", "real", "double", "boolean", "decimal", "blob", "string", "hugeint",
      "ubigint", "uinteger", "usmallint", "utinyint", "tinyint", "uhugeint", "serial", "bigserial", "smallserial",
      "serial4", "serial8", "serial2", "struct", "map", "list", "union", "varint", "bignum", "float", "double precision"};
  return names.count(name) > 0;
}

// The (schema, name) pairs a DROP TABLE / VIEW / INDEX names (schema empty when unqualified).
std::vector<std::pair<std::string, std::string>> dropped_relations(const pg_query::DropStmt& drop) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& object : drop.objects()) {
    if (!object.has_list()) continue;
    const auto& parts = object.list().items();
    std::string name = parts.empty() ? "" : parts[parts.size() - 1].string().sval();
    std::string schema = parts.size() >= 2 ? parts[parts.size() - 2].string().sval() : "";
    out.emplace_back(schema, name);
  }
  return out;
}

std::string meta_where(const std::string& schema, const std::string& table) {
  return " WHERE schema_name = " + quote_literal(meta_schema(schema)) +
         " AND table_name = " + quote_literal(table);
}

// The row of declared_types for a column declared `tn`, when the catalog shows it otherwise
// than DuckDB's type: varchar(n), char(n), varchar without a length (DuckDB's VARCHAR is text
// to the catalog) and numeric(38,17) (plain numeric is DECIMAL(38,17), sql/pg_numeric).
std::optional<std::string> declared_type_row(const std::string& schema, const std::string& table,
                                             const std::string& column, const pg_query::TypeName& tn) {
  std::string type = last_name(tn.names());
  if (tn.array_bounds_size() > 0) return std::nullopt;
  int oid = 0, typmod = -1;
  if (type == "numeric" && tn.typmods_size() == 2 && tn.typmods(0).a_const().ival().ival() == kUnconstrainedWidth &&
      tn.typmods(1).a_const().ival().ival() == kUnconstrainedScale) {
    oid = 1700;
    typmod = (kUnconstrainedWidth << 16) + kUnconstrainedScale + 4;
  } else if (type == "varchar" && tn.typmods_size() == 0) {
    oid = 1043;
  } else if ((type == "varchar" || type == "bpchar") && tn.typmods_size() == 1 && tn.typmods(0).has_a_const() &&
             tn.typmods(0).a_const().has_ival()) {
    oid = type == "varchar" ? 1043 : 1042;
    typmod = tn.typmods(0).a_const().ival().ival() + 4;
  } else if (tn.names_size() <= 2 && !tn.names().empty() && tn.typmods_size() == 0 && !is_builtin_type_name(type)) {
    // A user's enum: DuckDB's column type is the label list, not the type's name (found here
    // by name, in the type's schema or else the current one).
    std::string type_schema = tn.names_size() == 2 ? tn.names(0).string().sval() : std::string();
    if (type_schema == "public") type_schema = "main";
    return "INSERT INTO duckgres_meta.declared_types SELECT " +
           quote_literal(meta_schema(schema)) + ", " + quote_literal(table) + ", " +
           quote_literal(column) + ", type_oid, -1, NULL FROM duckdb_types() WHERE database_name = "
           "system.main.current_database() AND NOT internal AND logical_type = 'ENUM' AND type_name = " +
           quote_literal(type) + " AND schema_name = " +
           (type_schema.empty() ? std::string("system.main.current_schema()") : quote_literal(type_schema)) + " LIMIT 1";
  } else {
    return std::nullopt;
  }
  return declared_type_insert(schema, table, column, oid, typmod);
}

// What the bookkeeping tables know of a relation follows its renames, schema moves and
// column changes (dbt renames every model it builds).
std::vector<std::string> follow_alter(const pg_query::Node& root) {
  std::vector<std::string> out;
  const char* tables[] = {"duckgres_meta.declared_types", "duckgres_meta.constraint_names",
                          "duckgres_meta.generated_columns"};
  if (root.has_rename_stmt() && root.rename_stmt().has_relation()) {
    const auto& r = root.rename_stmt();
    const std::string& schema = r.relation().schemaname();
    const std::string& table = r.relation().relname();
    switch (r.rename_type()) {
      case pg_query::OBJECT_TABLE:
      case pg_query::OBJECT_VIEW:
      case pg_query::OBJECT_MATVIEW:
        for (const char* t : tables) {
          out.push_back(std::string("UPDATE ") + t + " SET table_name = " + quote_literal(r.newname()) +
                        meta_where(schema, table));
        }
        out.push_back("UPDATE duckgres_meta.view_dependencies SET view_name = " + quote_literal(r.newname()) +
                      " WHERE schema_name = " + quote_literal(meta_schema(schema)) +
                      " AND view_name = " + quote_literal(table));
        out.push_back("UPDATE duckgres_meta.view_dependencies SET ref_name = " + quote_literal(r.newname()) +
                      " WHERE ref_schema = " + quote_literal(meta_schema(schema)) +
                      " AND ref_name = " + quote_literal(table));
        break;
      case pg_query::OBJECT_INDEX:
        out.push_back("UPDATE duckgres_meta.index_options SET index_name = " + quote_literal(r.newname()) +
                      " WHERE schema_name = " + quote_literal(meta_schema(schema)) +
                      " AND index_name = " + quote_literal(table));
        break;
      case pg_query::OBJECT_COLUMN:
        for (const char* t : {"duckgres_meta.declared_types", "duckgres_meta.generated_columns"}) {
          out.push_back(std::string("UPDATE ") + t + " SET column_name = " + quote_literal(r.newname()) +
                        meta_where(schema, table) + " AND column_name = " + quote_literal(r.subname()));
        }
        out.push_back("UPDATE duckgres_meta.constraint_names SET columns = array_to_string(list_transform("
                      "string_split(columns, ','), lambda x: CASE WHEN x = " + quote_literal(r.subname()) + " THEN " +
                      quote_literal(r.newname()) + " ELSE x END), ',')" + meta_where(schema, table));
        // A CHECK's recorded text named the old column: DuckDB's own text is shown instead.
        out.push_back("UPDATE duckgres_meta.constraint_names SET definition = NULL, pretty_definition = NULL" +
                      meta_where(schema, table) + " AND contains(definition, " + quote_literal(r.subname()) + ")");
        break;
      default: break;
    }
    return out;
  }
  if (root.has_alter_object_schema_stmt() && root.alter_object_schema_stmt().has_relation()) {
    const auto& a = root.alter_object_schema_stmt();
    std::string target = a.newschema() == "public" ? "main" : a.newschema();
    for (const char* t : tables) {
      out.push_back(std::string("UPDATE ") + t + " SET schema_name = " + quote_literal(target) +
                    meta_where(a.relation().schemaname(), a.relation().relname()));
    }
    return out;
  }
  if (root.has_alter_table_stmt() && root.alter_table_stmt().has_relation()) {
    const auto& a = root.alter_table_stmt();
    const std::string& schema = a.relation().schemaname();
    const std::string& table = a.relation().relname();
    for (const auto& cmd_node : a.cmds()) {
      if (!cmd_node.has_alter_table_cmd()) continue;
      const auto& cmd = cmd_node.alter_table_cmd();
      std::string column = cmd.name();
      const pg_query::TypeName* type = nullptr;
      if (cmd.has_def() && cmd.def().has_column_def()) {
        if (column.empty()) column = cmd.def().column_def().colname();
        if (cmd.def().column_def().has_type_name()) type = &cmd.def().column_def().type_name();
      }
      bool changes_type = cmd.subtype() == pg_query::AT_AddColumn || cmd.subtype() == pg_query::AT_AlterColumnType;
      if (!changes_type && cmd.subtype() != pg_query::AT_DropColumn) continue;
      if (column.empty()) continue;
      for (const char* t : {"duckgres_meta.declared_types", "duckgres_meta.generated_columns"}) {
        out.push_back(std::string("DELETE FROM ") + t + meta_where(schema, table) + " AND column_name = " +
                      quote_literal(column));
      }
      if (changes_type && type) {
        if (auto row = declared_type_row(schema, table, column, *type)) out.push_back(*row);
      }
    }
  }
  return out;
}

}  // namespace

namespace {

// CREATE VIEW: the tables and views its query reads (duckgres_meta.view_dependencies), for
// pg_depend and pg_rewrite as dbt's relation-dependency query reads them. An unqualified name
// is the relation the current schema (or main) has.
std::vector<std::string> record_view_dependencies(const pg_query::ViewStmt& view) {
  std::string schema = view.view().schemaname().empty() || view.view().schemaname() == "public"
                           ? std::string() : view.view().schemaname();
  std::string schema_sql = schema.empty() ? "system.main.current_schema()" : quote_literal(schema);
  std::vector<std::string> out = {"DELETE FROM duckgres_meta.view_dependencies WHERE schema_name = " + schema_sql +
                                  " AND view_name = " + quote_literal(view.view().relname())};
  pg_query::Node query = view.query();
  std::set<std::string> ctes, seen;
  walk_nodes(query, [&](pg_query::Node& n) {
    if (n.has_common_table_expr()) ctes.insert(n.common_table_expr().ctename());
  });
  walk_nodes(query, [&](pg_query::Node& n) {
    if (!n.has_range_var()) return;
    const auto& rv = n.range_var();
    if (rv.schemaname().empty() && ctes.count(rv.relname())) return;
    std::string ref_schema = rv.schemaname() == "public" ? "main" : rv.schemaname();
    if (!seen.insert(ref_schema + "." + rv.relname()).second) return;
    out.push_back("INSERT INTO duckgres_meta.view_dependencies SELECT " + schema_sql + ", " +
                  quote_literal(view.view().relname()) + ", r_schema, r_name FROM (SELECT schema_name AS r_schema, "
                  "table_name AS r_name FROM duckdb_tables() WHERE database_name = system.main.current_database() "
                  "UNION ALL SELECT schema_name, view_name FROM duckdb_views() WHERE database_name = "
                  "system.main.current_database() AND NOT internal) r WHERE r_name = " + quote_literal(rv.relname()) +
                  (ref_schema.empty() ? " AND r_schema IN (system.main.current_schema(), 'main') ORDER BY "
                                        "r_schema = system.main.current_schema() DESC"
                                      : " AND r_schema = " + quote_literal(ref_schema)) +
                  " LIMIT 1");
  });
  return out;
}

}  // namespace

// Forgets what was recorded for indexes that no longer exist (those of a dropped table).
const char* const kForgetDroppedIndexes =
    "DELETE FROM duckgres_meta.index_options WHERE schema_name || '.' || index_name NOT IN (SELECT schema_name || '.' || "
    "index_name FROM duckdb_indexes() WHERE database_name = current_database())";

std::vector<std::string> catalog_bookkeeping(const Statement& s) {
  const pg_query::Node* root = root_node(s);
  if (!root) return {};
  if (root->has_view_stmt() && root->view_stmt().has_view() && root->view_stmt().has_query()) {
    return record_view_dependencies(root->view_stmt());
  }
  if (root->has_create_stmt()) {
    const auto& create = root->create_stmt();
    const auto& rel = create.relation();
    std::vector<std::string> out = {"DELETE FROM duckgres_meta.declared_types" +
                                    meta_where(rel.schemaname(), rel.relname())};
    std::string schema = rel.schemaname().empty() || rel.schemaname() == "public" ? "main" : rel.schemaname();
    out.push_back("DELETE FROM duckgres_meta.generated_columns" + meta_where(rel.schemaname(), rel.relname()));
    for (const auto& elt : create.table_elts()) {
      if (!elt.has_column_def() || !elt.column_def().has_type_name()) continue;
      const auto& column = elt.column_def();
      if (auto row = declared_type_row(schema, rel.relname(), column.colname(), column.type_name())) {
        out.push_back(*row);
      }
      for (const auto& c : column.constraints()) {
        if (c.has_constraint() && c.constraint().contype() == pg_query::CONSTR_GENERATED) {
          out.push_back("INSERT INTO duckgres_meta.generated_columns VALUES (" + quote_literal(schema) + ", " +
                        quote_literal(rel.relname()) + ", " + quote_literal(column.colname()) + ")");
        }
      }
    }
    if (out.size() == 2) out.clear();
    for (auto& named : record_constraint_names(create, schema)) out.push_back(std::move(named));
    return out;
  }
  if (root->has_drop_stmt() && (root->drop_stmt().remove_type() == pg_query::OBJECT_TABLE ||
                                root->drop_stmt().remove_type() == pg_query::OBJECT_VIEW)) {
    std::vector<std::string> out;
    for (const auto& [schema, table] : dropped_relations(root->drop_stmt())) {
      out.push_back("DELETE FROM duckgres_meta.declared_types" + meta_where(schema, table));
      out.push_back("DELETE FROM duckgres_meta.generated_columns" + meta_where(schema, table));
      out.push_back(forget_constraint_names(meta_schema(schema), table));
      out.push_back("DELETE FROM duckgres_meta.view_dependencies WHERE schema_name = " +
                    quote_literal(meta_schema(schema)) + " AND view_name = " +
                    quote_literal(table));
    }
    out.push_back(kForgetDroppedIndexes);  // the table's indexes went with it
    return out;
  }
  if (root->has_index_stmt() && !root->index_stmt().idxname().empty()) {
    // Each key's DESC / NULLS FIRST, as pg_index.indoption holds them (DuckDB keeps no order).
    const auto& index = root->index_stmt();
    std::string schema = meta_schema(index.relation().schemaname());
    std::string options;
    bool any = false;
    for (const auto& param : index.index_params()) {
      int option = 0;
      if (param.has_index_elem()) {
        const auto& e = param.index_elem();
        bool desc = e.ordering() == pg_query::SORTBY_DESC;
        bool nulls_first = e.nulls_ordering() == pg_query::SORTBY_NULLS_FIRST ||
                           (desc && e.nulls_ordering() != pg_query::SORTBY_NULLS_LAST);
        option = (desc ? 1 : 0) | (nulls_first ? 2 : 0);
      }
      any = any || option != 0;
      options += (options.empty() ? "" : ",") + std::to_string(option);
    }
    // IF NOT EXISTS over an existing index keeps what that index recorded.
    std::string where = " WHERE schema_name = " + quote_literal(schema) + " AND index_name = " + quote_literal(index.idxname());
    std::vector<std::string> out;
    if (!index.if_not_exists()) out.push_back("DELETE FROM duckgres_meta.index_options" + where);
    const auto& definition = s.index_definition;  // the predicate and expressions (adapt_index)
    if (any || definition) {
      auto list = [](const std::vector<std::string>& texts) {
        std::string out;
        for (const auto& k : texts) out += (out.empty() ? "[" : ", ") + quote_literal(k);
        return out.empty() ? std::string("NULL") : out + "]";
      };
      auto text = [](const std::string& t) { return t.empty() ? std::string("NULL") : quote_literal(t); };
      std::string values = quote_literal(schema) + ", " + quote_literal(index.idxname()) + ", " +
                           (any ? quote_literal(options) : "NULL") + ", " +
                           (definition ? text(definition->predicate) + ", " + list(definition->keys) + ", " +
                                             text(definition->pretty_predicate) + ", " + list(definition->pretty_keys)
                                       : std::string("NULL, NULL, NULL, NULL"));
      out.push_back("INSERT INTO duckgres_meta.index_options (schema_name, index_name, indoption, predicate, keys, "
                    "pretty_predicate, pretty_keys) " +
                    (index.if_not_exists()
                         ? "SELECT " + values + " WHERE NOT EXISTS (SELECT 1 FROM duckgres_meta.index_options" + where + ")"
                         : "VALUES (" + values + ")"));
    }
    return out;
  }
  if (root->has_drop_stmt() && root->drop_stmt().remove_type() == pg_query::OBJECT_INDEX) {
    std::vector<std::string> out;
    for (const auto& [schema, index] : dropped_relations(root->drop_stmt())) {
      out.push_back("DELETE FROM duckgres_meta.index_options WHERE schema_name = " +
                    quote_literal(meta_schema(schema)) + " AND index_name = " +
                    quote_literal(index));
    }
    return out;
  }
  if (root->has_drop_stmt() && root->drop_stmt().remove_type() == pg_query::OBJECT_SCHEMA) {
    std::vector<std::string> out;
    for (const auto& object : root->drop_stmt().objects()) {
      if (!object.has_string()) continue;
      std::string schema = object.string().sval() == "public" ? "main" : object.string().sval();
      for (const char* table : {"duckgres_meta.schema_comments", "duckgres_meta.declared_types", "duckgres_meta.index_options",
                                "duckgres_meta.constraint_names", "duckgres_meta.view_dependencies",
                                "duckgres_meta.generated_columns", "duckgres_meta.matviews"}) {
        out.push_back(std::string("DELETE FROM ") + table + " WHERE schema_name = " + quote_literal(schema));
      }
    }
    return out;
  }
  return follow_alter(*root);
}

std::optional<std::pair<std::string, std::string>> altered_table(const Statement& s) {
  const pg_query::Node* root = root_node(s);
  if (!root) return std::nullopt;
  const pg_query::RangeVar* rv = nullptr;
  if (root->has_rename_stmt() && root->rename_stmt().rename_type() == pg_query::OBJECT_TABLE &&
      root->rename_stmt().has_relation()) {
    rv = &root->rename_stmt().relation();
  } else if (root->has_alter_table_stmt() && root->alter_table_stmt().objtype() == pg_query::OBJECT_TABLE &&
             root->alter_table_stmt().has_relation()) {
    rv = &root->alter_table_stmt().relation();
  }
  if (!rv) return std::nullopt;
  std::string schema = rv->schemaname() == "public" ? "main" : rv->schemaname();
  return std::make_pair(schema, rv->relname());
}

void alter_as_view(Statement& s) {
  if (!s.tree || s.tree->stmts_size() != 1) return;
  pg_query::Node* root = s.tree->mutable_stmts(0)->mutable_stmt();
  if (root->has_rename_stmt()) {
    root->mutable_rename_stmt()->set_rename_type(pg_query::OBJECT_VIEW);
    root->mutable_rename_stmt()->set_relation_type(pg_query::OBJECT_VIEW);
  } else if (root->has_alter_table_stmt()) {
    root->mutable_alter_table_stmt()->set_objtype(pg_query::OBJECT_VIEW);
  }
  s.text = deparse(*s.tree);
}

std::vector<int32_t> result_type_overrides(const Statement& s) {
  const pg_query::Node* root = root_node(s);
  if (!root || !root->has_select_stmt() || root->select_stmt().has_larg()) return {};
  std::vector<int32_t> out;
  bool any = false;
  for (const auto& target : root->select_stmt().target_list()) {
    if (!target.has_res_target() || !target.res_target().has_val()) return {};
    const pg_query::Node& val = target.res_target().val();
    if (val.has_column_ref() && val.column_ref().fields_size() > 0 &&
        val.column_ref().fields(val.column_ref().fields_size() - 1).has_a_star()) {
      return {};  // a star: positions are not known here
    }
    out.push_back(vector_column_type(val));
    any = any || out.back() != 0;
  }
  return any ? out : std::vector<int32_t>{};
}

std::vector<std::string> rewrite_for_duckdb(const Statement& s, const ColumnTypeLookup* column_types) {
  const pg_query::Node* root = root_node(s);
  if (!root) return {};
  if (s.kind == StatementKind::kQuery || s.kind == StatementKind::kInsert ||
      s.kind == StatementKind::kUpdate || s.kind == StatementKind::kDelete ||
      root->has_create_table_as_stmt() || root->has_view_stmt() || root->has_merge_stmt()) {
    pg_query::ParseResult tree = *s.tree;
    // Column names first: they come from the expressions as the client wrote them.
    bool changed = false;
    pg_query::Node* top = tree.mutable_stmts(0)->mutable_stmt();
    if (top->has_explain_stmt()) {
      // DuckDB knows ANALYZE and FORMAT; VERBOSE, COSTS, BUFFERS, TIMING … (which tools add)
      // only change PostgreSQL's output, so they go.
      auto* options = top->mutable_explain_stmt()->mutable_options();
      for (int i = options->size() - 1; i >= 0; --i) {
        const std::string& name = options->Get(i).def_elem().defname();
        if (name != "analyze" && name != "format") {
          options->DeleteSubrange(i, 1);
          changed = true;
        }
      }
    }
    if (top->has_select_stmt()) {
      changed = name_result_columns(*top->mutable_select_stmt());
      changed = vector_columns_as_text(*top->mutable_select_stmt()) || changed;
      if (column_types) changed = rewrite_result_types(tree, *column_types) || changed;
    } else if (column_types && (top->has_create_table_as_stmt() || top->has_view_stmt() || top->has_insert_stmt())) {
      changed = rewrite_result_types(tree, *column_types) || changed;  // the rows they store
    }
    changed = rewrite_expressions(tree) || changed;
    if (changed || mentions_duckdb_keyword(s.text)) return {deparse(tree)};
    return {};
  }
  // DDL naming objects: database qualifiers go and public is main (see rewrite_names).
  pg_query::Node named_copy;
  bool renamed = false;
  switch (root->node_case()) {
    case pg_query::Node::kDropStmt:
    case pg_query::Node::kTruncateStmt:
    case pg_query::Node::kRenameStmt:
    case pg_query::Node::kCommentStmt:
    case pg_query::Node::kIndexStmt:
    case pg_query::Node::kAlterTableStmt:
      named_copy = *root;
      renamed = rewrite_range_vars(named_copy);
      if (named_copy.has_drop_stmt()) {
        for (auto& object : *named_copy.mutable_drop_stmt()->mutable_objects()) {
          // DROP TABLE db.schema.t (a COMMENT's three names are schema.table.column).
          if (object.has_list() && object.list().items_size() == 3 && object.list().items(0).has_string() &&
              is_database_qualifier(object.list().items(0).string().sval())) {
            object.mutable_list()->mutable_items()->DeleteSubrange(0, 1);
            renamed = true;
          }
        }
      }
      if (named_copy.has_comment_stmt() && named_copy.comment_stmt().has_object() &&
          named_copy.comment_stmt().object().has_list()) {
        // COMMENT ON TABLE db.schema.t / COLUMN db.schema.t.c (dbt's persist_docs).
        auto* items = named_copy.mutable_comment_stmt()->mutable_object()->mutable_list()->mutable_items();
        int qualified = named_copy.comment_stmt().objtype() == pg_query::OBJECT_COLUMN ? 4 : 3;
        if (items->size() == qualified && (*items)[0].has_string() &&
            is_database_qualifier((*items)[0].string().sval())) {
          items->DeleteSubrange(0, 1);
          renamed = true;
        }
      }
      walk_nodes(named_copy, [&](pg_query::Node& n) {
        renamed = rewrite_names(n) || renamed;
        if (n.has_list() && n.list().items_size() >= 2 && n.list().items(0).has_string() &&
            n.list().items(1).has_string() && n.list().items(0).string().sval() == "public") {
          n.mutable_list()->mutable_items(0)->mutable_string()->set_sval("main");
          renamed = true;
        }
      });
      if (renamed) root = &named_copy;
      break;
    default:
      break;
  }
  switch (root->node_case()) {
    case pg_query::Node::kRenameStmt:
    case pg_query::Node::kCommentStmt:
      if (renamed || mentions_duckdb_keyword(s.text)) return {deparse_statement(*root)};
      return {};
    case pg_query::Node::kDropStmt: {
      // DuckDB drops one object per statement.
      const auto& drop = root->drop_stmt();
      if (drop.objects_size() <= 1) {
        if (renamed || mentions_duckdb_keyword(s.text)) return {deparse_statement(*root)};
        return {};
      }
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
      if (t.relations_size() <= 1) {
        if (renamed || mentions_duckdb_keyword(s.text)) return {deparse_statement(*root)};
        return {};
      }
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
      pg_query::ParseResult tree = *s.tree;
      auto* create = tree.mutable_stmts(0)->mutable_stmt()->mutable_create_stmt();
      bool changed = create->options_size() > 0 || !create->tablespacename().empty();
      create->clear_options();
      create->clear_tablespacename();
      std::vector<std::string> out = expand_serial_columns(*create);
      changed = !out.empty() || changed;
      walk_nodes(tree, [&](pg_query::Node& n) { changed = rewrite_column_type(n) || changed; });
      changed = rewrite_expressions(tree) || changed;
      if (!changed && !mentions_duckdb_keyword(s.text)) return {};
      out.push_back(deparse(tree));
      return out;
    }
    case pg_query::Node::kAlterTableStmt: {
      pg_query::Node alter = *root;
      bool changed = renamed;
      walk_nodes(alter, [&](pg_query::Node& n) { changed = rewrite_column_type(n) || changed; });
      if (!changed && !mentions_duckdb_keyword(s.text)) return {};
      return {deparse_statement(alter)};
    }
    case pg_query::Node::kIndexStmt: {
      // CREATE INDEX CONCURRENTLY: DuckDB builds indexes in its own transaction anyway.
      if (!root->index_stmt().concurrent() && !renamed && !mentions_duckdb_keyword(s.text)) return {};
      pg_query::Node copy = *root;
      auto* index = copy.mutable_index_stmt();
      index->set_concurrent(false);
      if (index->access_method() == "btree") index->clear_access_method();  // DuckDB's is ART
      return {deparse_statement(copy)};
    }
    default: return {};
  }
}

}  // namespace ducklings::sql
