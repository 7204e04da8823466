#include "sql/rewrite_dml.h"

#include <strings.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <map>
#include <set>

#include "common/errors.h"
#include "sql/quoting.h"
#include "sql/rewrite.h"
#include "sql/rewrite_ddl.h"
#include "sql/rewrite_matview.h"
#include "sql/tree_walk.h"

namespace ducklings::sql {

std::string duckdb_schema(const std::string& schema) { return schema == "public" ? "main" : schema; }

std::string relation_filter(const std::string& schema, const std::string& name, const std::string& alias) {
  // DuckDB matches names without regard to case; so do these lookups.
  return alias + "database_name = current_database() AND lower(" + alias + "schema_name) = lower(" +
         (schema.empty() ? std::string("current_schema()") : quote_literal(duckdb_schema(schema))) + ") AND lower(" +
         alias + "table_name) = lower(" + quote_literal(name) + ")";
}

namespace {

constexpr const char* kCardinalityMessage = "ON CONFLICT DO UPDATE command cannot affect row a second time";

std::string table_label(const pg_query::RangeVar& rv) { return rv.relname(); }

pg_query::Node parsed_value(const std::string& sql) {
  auto parsed = parse("SELECT " + sql);
  if (!parsed) throw SqlError("XX000", "could not parse " + sql);
  return parsed->stmts(0).stmt().select_stmt().target_list(0).res_target().val();
}

// The table's columns in order.
// The columns of a table with their DuckDB types, in order. pragma_table_info reads one table's
// entry (duckdb_columns() builds every column of every table: milliseconds per INSERT); a
// missing table is 42P01.
std::vector<std::pair<std::string, std::string>> column_types(const pg_query::RangeVar& rv, const CatalogLookup& lookup) {
  std::string schema = duckdb_schema(rv.schemaname());
  std::string name = (schema.empty() ? "" : quote_identifier(schema) + ".") + quote_identifier(rv.relname());
  std::vector<std::pair<std::string, std::string>> columns;
  for (const auto& r : lookup("SELECT name::VARCHAR, type::VARCHAR FROM pragma_table_info(" + quote_literal(name) +
                              ") ORDER BY cid")) {
    if (r.size() >= 2 && r[0] && r[1]) columns.emplace_back(*r[0], *r[1]);
  }
  if (columns.empty()) {
    throw SqlError("42P01", "relation \"" + (rv.schemaname().empty() ? "" : rv.schemaname() + ".") +
                                rv.relname() + "\" does not exist");
  }
  return columns;
}

std::vector<std::string> table_columns(const pg_query::RangeVar& rv, const CatalogLookup& lookup) {
  std::vector<std::string> out;
  for (auto& [name, type] : column_types(rv, lookup)) out.push_back(std::move(name));
  return out;
}

// A unique key of the table: its constraint names as PostgreSQL and DuckDB call it, and its columns.
struct UniqueKey {
  std::vector<std::string> names;
  std::vector<std::string> columns;
};

std::vector<std::string> split_unit(const std::string& s) {
  std::vector<std::string> out;
  size_t start = 0;
  while (true) {
    size_t end = s.find('\x1f', start);
    out.push_back(s.substr(start, end == std::string::npos ? std::string::npos : end - start));
    if (end == std::string::npos) break;
    start = end + 1;
  }
  return out;
}

// Primary keys, unique constraints and unique indexes on plain columns: what ON CONFLICT can name.
std::vector<UniqueKey> unique_keys(const pg_query::RangeVar& rv, const CatalogLookup& lookup) {
  std::string filter = relation_filter(rv.schemaname(), rv.relname());
  std::vector<UniqueKey> out;
  for (const auto& row : lookup(
           "SELECT constraint_type::VARCHAR, constraint_name::VARCHAR, "
           "array_to_string(constraint_column_names, chr(31))::VARCHAR FROM duckdb_constraints() WHERE " +
           filter + " AND constraint_type IN ('PRIMARY KEY', 'UNIQUE') ORDER BY constraint_index")) {
    if (row.size() < 3 || !row[0] || !row[2]) continue;
    UniqueKey key;
    key.columns = split_unit(*row[2]);
    bool primary = *row[0] == "PRIMARY KEY";
    std::string pg_name = rv.relname();
    if (primary) {
      pg_name += "_pkey";
    } else {
      for (const auto& c : key.columns) pg_name += "_" + c;
      pg_name += "_key";
    }
    key.names.push_back(pg_name);
    if (row[1]) key.names.push_back(*row[1]);
    out.push_back(std::move(key));
  }
  // Unique indexes: their expressions are the column names when they index plain columns.
  for (const auto& row : lookup("SELECT index_name::VARCHAR, expressions::VARCHAR FROM duckdb_indexes() WHERE " +
                                filter + " AND is_unique")) {
    if (row.size() < 2 || !row[0] || !row[1]) continue;
    UniqueKey key;
    key.names.push_back(*row[0]);
    // expressions reads ['"a"', '"b"']: the indexed columns, quoted twice.
    std::string list = *row[1];
    if (list.size() >= 2 && list.front() == '[' && list.back() == ']') list = list.substr(1, list.size() - 2);
    size_t start = 0;
    while (start <= list.size()) {
      size_t end = list.find(',', start);
      std::string c = list.substr(start, end == std::string::npos ? std::string::npos : end - start);
      while (!c.empty() && c.front() == ' ') c.erase(0, 1);
      while (!c.empty() && c.back() == ' ') c.pop_back();
      for (char q : {'\'', '"'}) {
        if (c.size() >= 2 && c.front() == q && c.back() == q) c = c.substr(1, c.size() - 2);
      }
      if (!c.empty()) key.columns.push_back(c);
      if (end == std::string::npos) break;
      start = end + 1;
    }
    out.push_back(std::move(key));
  }
  return out;
}

bool has_default_marker(const pg_query::SelectStmt& select) {
  for (const auto& row : select.values_lists()) {
    for (const auto& v : row.list().items()) {
      if (v.has_set_to_default()) return true;
    }
  }
  return false;
}

// PostgreSQL refuses an INSERT … ON CONFLICT DO UPDATE whose rows propose the same key twice
// (21000); DuckDB applies one of them. The rows go through a materialized CTE that is checked
// for repeated non-NULL keys before any row is inserted.
void check_key_cardinality(pg_query::InsertStmt& insert, const std::vector<std::string>& key,
                           const CatalogLookup& lookup) {
  if (!insert.has_select_stmt() || !insert.select_stmt().has_select_stmt()) return;
  if (has_default_marker(insert.select_stmt().select_stmt())) return;  // VALUES (DEFAULT, …)
  std::vector<std::string> targets;
  if (insert.cols_size() > 0) {
    for (const auto& c : insert.cols()) {
      if (!c.has_res_target() || c.res_target().indirection_size() > 0) return;
      targets.push_back(c.res_target().name());
    }
  } else {
    targets = table_columns(insert.relation(), lookup);
  }
  size_t last = 0;
  for (const auto& k : key) {
    auto it = std::find_if(targets.begin(), targets.end(), [&](const std::string& t) {
      return std::equal(t.begin(), t.end(), k.begin(), k.end(),
                        [](char a, char b) { return std::tolower(a) == std::tolower(b); });
    });
    if (it == targets.end()) return;  // the key comes from a default: proposed once per row anyway
    last = std::max(last, static_cast<size_t>(it - targets.begin()));
  }
  std::string not_null;
  std::string group;
  for (const auto& k : key) {
    not_null += (not_null.empty() ? "" : " AND ") + quote_identifier(k) + " IS NOT NULL";
    group += (group.empty() ? "" : ", ") + quote_identifier(k);
  }
  auto parsed = parse("SELECT * FROM __duckgres_rows WHERE (SELECT CASE WHEN max(n) > 1 THEN error(" +
                      quote_literal(kCardinalityMessage) +
                      ") ELSE true END FROM (SELECT count(*) AS n FROM __duckgres_rows WHERE " + not_null +
                      " GROUP BY " + group + ") AS __duckgres_keys)");
  if (!parsed) return;
  pg_query::Node wrapper = parsed->stmts(0).stmt();
  auto* with = wrapper.mutable_select_stmt()->mutable_with_clause();
  auto* cte = with->add_ctes()->mutable_common_table_expr();
  cte->set_ctename("__duckgres_rows");
  cte->set_ctematerialized(pg_query::CTEMaterializeAlways);
  for (size_t i = 0; i <= last; ++i) cte->add_aliascolnames()->mutable_string()->set_sval(targets[i]);
  *cte->mutable_ctequery() = std::move(*insert.mutable_select_stmt());
  *insert.mutable_select_stmt() = std::move(wrapper);
}

// PostgreSQL refuses a value for a GENERATED ALWAYS identity column unless the INSERT says
// OVERRIDING SYSTEM VALUE (428C9); DEFAULT is fine. Such columns' sequences carry a mark
// (rewrite_ddl), so the common INSERT costs one look at the sequences.
// varchar(n) columns (DuckDB keeps no length): a value of more than n characters is 22001
// unless the rest is blanks, which PostgreSQL cuts off. Checked for INSERT … VALUES.
pg_query::Node varchar_checked(const pg_query::Node& value, const std::string& n) {
  pg_query::Node out = parsed_value(
      "CASE WHEN length(CAST(__duckgres_v AS VARCHAR)) <= " + n + " THEN CAST(__duckgres_v AS VARCHAR) "
      "WHEN length(rtrim(CAST(__duckgres_v AS VARCHAR), ' ')) <= " + n + " THEN left(CAST(__duckgres_v AS VARCHAR), " +
      n + ") ELSE error('value too long for type character varying(" + n + ")') END");
  walk_nodes(out, [&](pg_query::Node& m) {
    if (m.has_column_ref() && m.column_ref().fields_size() == 1 && m.column_ref().fields(0).has_string() &&
        m.column_ref().fields(0).string().sval() == "__duckgres_v") {
      m = value;
    }
  });
  return out;
}

// GENERATED ALWAYS identity columns (refused values, 428C9) and varchar(n) columns (lengths
// checked) of the INSERT's table: one look at the catalog, usually answered with no rows.
bool check_insert_columns(pg_query::InsertStmt& insert, const CatalogLookup& lookup) {
  const auto& rv = insert.relation();
  std::string schema = rv.schemaname().empty() ? std::string("current_schema()")
                                               : quote_literal(duckdb_schema(rv.schemaname()));
  bool system_value = insert.override() == pg_query::OVERRIDING_SYSTEM_VALUE;
  std::string sql = "SELECT 'v', column_name::VARCHAR, char_length::VARCHAR FROM duckgres_meta.declared_types "
                    "WHERE type_oid = 1043 AND lower(schema_name) = lower(" + schema + ") AND lower(table_name) = "
                    "lower(" + quote_literal(rv.relname()) + ")";
  if (!system_value) {
    sql += " UNION ALL SELECT 'i', sequence_name::VARCHAR, NULL FROM duckdb_sequences() WHERE database_name = "
           "current_database() AND lower(schema_name) = lower(" + schema + ") AND comment = " +
           quote_literal(kIdentityAlwaysComment) + " AND starts_with(lower(sequence_name), lower(" +
           quote_literal(rv.relname() + "_") + "))";
  }
  auto rows = lookup(sql);
  if (rows.empty()) return false;
  std::vector<std::string> targets;
  if (insert.cols_size() > 0) {
    for (const auto& c : insert.cols()) targets.push_back(c.res_target().name());
  } else {
    targets = table_columns(rv, lookup);
  }
  pg_query::SelectStmt* values = insert.has_select_stmt() && insert.select_stmt().has_select_stmt()
                                     ? insert.mutable_select_stmt()->mutable_select_stmt()
                                     : nullptr;
  bool changed = false;
  for (const auto& row : rows) {
    if (row.size() < 3 || !row[0] || !row[1]) continue;
    if (*row[0] == "v") {
      if (!values || values->values_lists_size() == 0 || !row[2]) continue;
      for (size_t i = 0; i < targets.size(); ++i) {
        if (strcasecmp(targets[i].c_str(), row[1]->c_str()) != 0) continue;
        for (auto& list : *values->mutable_values_lists()) {
          auto* items = list.mutable_list()->mutable_items();
          if (static_cast<int>(i) >= items->size()) continue;
          pg_query::Node& v = *items->Mutable(static_cast<int>(i));
          if (v.has_set_to_default() || (v.has_a_const() && v.a_const().isnull())) continue;
          v = varchar_checked(v, *row[2]);
          changed = true;
        }
      }
      continue;
    }
    const std::string& seq = *row[1];  // row[0] is the 'i' tag
    size_t prefix = rv.relname().size() + 1;
    if (seq.size() <= prefix + 4 || seq.compare(seq.size() - 4, 4, "_seq") != 0) continue;
    std::string column = seq.substr(prefix, seq.size() - prefix - 4);
    for (size_t i = 0; i < targets.size(); ++i) {
      if (strcasecmp(targets[i].c_str(), column.c_str()) != 0) continue;
      bool only_defaults = values && values->values_lists_size() > 0;
      if (only_defaults) {
        for (const auto& list : values->values_lists()) {
          const auto& items = list.list().items();
          if (static_cast<int>(i) < items.size() && !items[i].has_set_to_default()) only_defaults = false;
        }
      }
      if (!only_defaults && insert.has_select_stmt()) {
        throw SqlError("428C9", "cannot insert a non-DEFAULT value into column \"" + targets[i] + "\"", 0,
                       "Column \"" + targets[i] + "\" is an identity column defined as GENERATED ALWAYS.",
                       "Use OVERRIDING SYSTEM VALUE to override.");
      }
    }
  }
  return changed;
}

// SET a[i] = v (UPDATE, ON CONFLICT DO UPDATE): DuckDB assigns whole columns only, so the
// element assignment becomes a = __pg_array_assign(a, i, v), and several on one column nest
// in the order written, as PostgreSQL applies them.
bool assign_array_elements(google::protobuf::RepeatedPtrField<pg_query::Node>& targets) {
  if (std::none_of(targets.begin(), targets.end(), [](const pg_query::Node& t) {
        return t.has_res_target() && t.res_target().indirection_size() > 0;
      })) {
    return false;  // the usual case, left untouched
  }
  bool changed = false;
  std::map<std::string, int> first_target;  // column → index of its whole-column target
  google::protobuf::RepeatedPtrField<pg_query::Node> kept;
  for (auto& t : targets) {
    if (!t.has_res_target()) {
      *kept.Add() = std::move(t);
      continue;
    }
    auto* rt = t.mutable_res_target();
    if (rt->indirection_size() == 0) {
      first_target[rt->name()] = kept.size();
      *kept.Add() = std::move(t);
      continue;
    }
    if (rt->indirection_size() != 1 || !rt->indirection(0).has_a_indices() ||
        rt->indirection(0).a_indices().is_slice()) {
      throw SqlError("0A000", "assignment to a slice, a field or more than one subscript of \"" + rt->name() +
                                  "\" is not supported by duckgres: assign the whole column");
    }
    auto it = first_target.find(rt->name());
    pg_query::Node base = it == first_target.end() ? make_column_ref(rt->name())
                                                   : kept[it->second].res_target().val();
    pg_query::Node index = rt->indirection(0).a_indices().uidx();
    pg_query::Node assigned = make_func_call("__pg_array_assign", {std::move(base), std::move(index), rt->val()});
    if (it != first_target.end()) {
      *kept[it->second].mutable_res_target()->mutable_val() = std::move(assigned);
    } else {
      rt->clear_indirection();
      *rt->mutable_val() = std::move(assigned);
      first_target[rt->name()] = kept.size();
      *kept.Add() = std::move(t);
    }
    changed = true;
  }
  if (changed) targets.Swap(&kept);
  return changed;
}

// A PostgreSQL array literal ('{2024-01-05}') given for an array column of dates, times,
// timestamps, intervals, uuids or numerics: DuckDB reads array text only for text, integer,
// float, boolean and bytea elements (sql/pg_casts), so the literal gets the column's type as an
// explicit cast, which sql/rewrite turns into a list of elements. Costs a lookup only when a
// value looks like an array literal.
bool is_array_text(const pg_query::Node& n) {
  if (!n.has_a_const() || !n.a_const().has_sval()) return false;
  const std::string& v = n.a_const().sval().sval();
  size_t i = v.find_first_not_of(" \t\n");
  return i != std::string::npos && v[i] == '{';
}


std::string type_of_column(const std::vector<std::pair<std::string, std::string>>& columns, const std::string& name) {
  for (const auto& c : columns) {
    if (strcasecmp(c.first.c_str(), name.c_str()) == 0) return c.second;
  }
  return "";
}

// `value`, an array literal, cast to the array column type `type` (DuckDB's spelling) when
// DuckDB cannot read its text itself.
bool cast_array_literal(pg_query::Node& value, const std::string& type) {
  if (!is_array_text(value) || type.size() < 3 || type.compare(type.size() - 2, 2, "[]") != 0) return false;
  std::string base = type.substr(0, type.find('['));
  pg_query::TypeName tn;
  int p = 0, sc = 0;
  if (base == "DATE" || base == "TIME" || base == "TIMESTAMP" || base == "INTERVAL" || base == "UUID") {
    std::string lowered = base;
    for (auto& ch : lowered) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    tn.add_names()->mutable_string()->set_sval(lowered);
  } else if (base == "TIMESTAMP WITH TIME ZONE") {
    tn.add_names()->mutable_string()->set_sval("timestamptz");
  } else if (std::sscanf(base.c_str(), "DECIMAL(%d,%d)", &p, &sc) == 2) {
    tn.add_names()->mutable_string()->set_sval("numeric");
    tn.add_typmods()->mutable_a_const()->mutable_ival()->set_ival(p);
    tn.add_typmods()->mutable_a_const()->mutable_ival()->set_ival(sc);
  } else {
    return false;  // the registered text casts read it
  }
  for (size_t at = type.find("[]"); at != std::string::npos; at = type.find("[]", at + 2)) {
    tn.add_array_bounds()->mutable_integer()->set_ival(-1);
  }
  pg_query::Node cast;
  *cast.mutable_type_cast()->mutable_arg() = value;
  *cast.mutable_type_cast()->mutable_type_name() = std::move(tn);
  value.Swap(&cast);
  return true;
}

// A date and time PostgreSQL reads and DuckDB's cast from text does not: minutes without
// seconds ('2024-01-05 10:00+00', '2024-01-05 10:00'), as an untyped literal for a timestamp
// or timestamptz column. Given the column's type as an explicit cast, sql/rewrite_literals
// reads it as PostgreSQL does.
bool is_minutes_timestamp_text(const pg_query::Node& n) {
  if (!n.has_a_const() || !n.a_const().has_sval()) return false;
  const std::string& v = n.a_const().sval().sval();
  if (v.size() < 16 || v.size() > 64 || !std::isdigit(static_cast<unsigned char>(v[0]))) return false;
  size_t colon = v.find(':');
  if (colon == std::string::npos || colon < 2 || colon + 3 > v.size()) return false;
  auto digit = [&](size_t i) { return i < v.size() && std::isdigit(static_cast<unsigned char>(v[i])); };
  // HH:MM not followed by :SS.
  return digit(colon - 1) && digit(colon + 1) && digit(colon + 2) && (colon + 3 == v.size() || v[colon + 3] != ':') &&
         !digit(colon + 3);
}

// `value`, such a timestamp, cast to the timestamp column type `type` (DuckDB's spelling).
bool cast_timestamp_literal(pg_query::Node& value, const std::string& type) {
  if (!is_minutes_timestamp_text(value)) return false;
  const char* name = type == "TIMESTAMP WITH TIME ZONE" ? "timestamptz" : type == "TIMESTAMP" ? "timestamp" : nullptr;
  if (!name) return false;
  pg_query::Node cast;
  *cast.mutable_type_cast()->mutable_arg() = value;
  cast.mutable_type_cast()->mutable_type_name()->add_names()->mutable_string()->set_sval(name);
  value.Swap(&cast);
  return true;
}

bool cast_literals_to_columns(pg_query::InsertStmt& insert, const CatalogLookup& lookup) {
  if (!insert.has_select_stmt() || !insert.select_stmt().has_select_stmt()) return false;
  auto* values = insert.mutable_select_stmt()->mutable_select_stmt()->mutable_values_lists();
  bool any = false;
  for (const auto& row : *values) {
    if (!row.has_list()) continue;
    for (const auto& item : row.list().items()) any = any || is_array_text(item) || is_minutes_timestamp_text(item);
  }
  if (!any) return false;
  auto columns = column_types(insert.relation(), lookup);
  std::vector<std::string> targets;  // the DuckDB type of each VALUES position
  if (insert.cols_size() == 0) {
    for (const auto& c : columns) targets.push_back(c.second);
  } else {
    for (const auto& col : insert.cols()) targets.push_back(col.has_res_target() ? type_of_column(columns, col.res_target().name()) : "");
  }
  bool changed = false;
  for (auto& row : *values) {
    if (!row.has_list()) continue;
    auto* items = row.mutable_list()->mutable_items();
    for (int i = 0; i < items->size() && i < static_cast<int>(targets.size()); ++i) {
      changed = cast_array_literal(*items->Mutable(i), targets[i]) || changed;
      changed = cast_timestamp_literal(*items->Mutable(i), targets[i]) || changed;
    }
  }
  return changed;
}

// UPDATE … SET days = '{…}': as for INSERT.
bool cast_literals_to_columns(pg_query::UpdateStmt& update, const CatalogLookup& lookup) {
  bool any = false;
  for (const auto& t : update.target_list()) {
    any = any || (t.has_res_target() && t.res_target().indirection_size() == 0 &&
                  (is_array_text(t.res_target().val()) || is_minutes_timestamp_text(t.res_target().val())));
  }
  if (!any) return false;
  auto columns = column_types(update.relation(), lookup);
  bool changed = false;
  for (auto& t : *update.mutable_target_list()) {
    if (!t.has_res_target() || t.res_target().indirection_size() > 0) continue;
    auto* rt = t.mutable_res_target();
    std::string type = type_of_column(columns, rt->name());
    changed = cast_array_literal(*rt->mutable_val(), type) || changed;
    changed = cast_timestamp_literal(*rt->mutable_val(), type) || changed;
  }
  return changed;
}

bool adapt_insert(pg_query::InsertStmt& insert, const CatalogLookup& lookup) {
  if (insert.override() == pg_query::OVERRIDING_USER_VALUE) {
    // PostgreSQL then ignores the values given for identity columns.
    throw SqlError("0A000", "INSERT … OVERRIDING USER VALUE is not supported by duckgres: leave the identity "
                            "column out of the INSERT instead");
  }
  bool changed = check_insert_columns(insert, lookup);
  changed = cast_literals_to_columns(insert, lookup) || changed;
  if (insert.override() != pg_query::OVERRIDING_NOT_SET &&
      insert.override() != pg_query::OVERRIDING_KIND_UNDEFINED) {
    // Identity columns are sequences with a default here (see rewrite_ddl): a value given
    // for them is taken as OVERRIDING SYSTEM VALUE means.
    insert.set_override(pg_query::OVERRIDING_NOT_SET);
    changed = true;
  }
  if (insert.cols_size() == 0 && insert.has_select_stmt() && insert.select_stmt().has_select_stmt() &&
      insert.select_stmt().select_stmt().values_lists_size() > 0) {
    // INSERT INTO t VALUES (…) with fewer values than t has columns: PostgreSQL fills the rest
    // with their defaults, DuckDB refuses; naming the leading columns says the same to DuckDB.
    size_t width = 0;
    for (const auto& row : insert.select_stmt().select_stmt().values_lists()) {
      width = std::max(width, static_cast<size_t>(row.list().items_size()));
    }
    std::vector<std::string> columns = table_columns(insert.relation(), lookup);
    if (width < columns.size()) {
      for (size_t i = 0; i < width; ++i) insert.add_cols()->mutable_res_target()->set_name(columns[i]);
      changed = true;
    }
  }
  if (!insert.has_on_conflict_clause()) return changed;
  auto* conflict = insert.mutable_on_conflict_clause();
  changed = assign_array_elements(*conflict->mutable_target_list()) || changed;
  auto* infer = conflict->mutable_infer();
  if (!infer->conname().empty()) {
    // ON CONFLICT ON CONSTRAINT name: DuckDB wants the columns.
    const std::string name = infer->conname();
    const UniqueKey* found = nullptr;
    std::vector<UniqueKey> keys = unique_keys(insert.relation(), lookup);
    for (const auto& k : keys) {
      for (const auto& n : k.names) {
        if (n == name) found = &k;
      }
      if (found) break;
    }
    if (!found) {
      throw SqlError("42704", "constraint \"" + name + "\" for table \"" + table_label(insert.relation()) +
                                  "\" does not exist");
    }
    infer->clear_conname();
    for (const auto& c : found->columns) infer->add_index_elems()->mutable_index_elem()->set_name(c);
    changed = true;
  }
  if (conflict->action() == pg_query::ONCONFLICT_NOTHING && infer->index_elems_size() == 0) {
    // Without a unique key nothing can conflict: PostgreSQL inserts every row, DuckDB refuses.
    if (unique_keys(insert.relation(), lookup).empty()) {
      insert.clear_on_conflict_clause();
      return true;
    }
  }
  if (conflict->action() == pg_query::ONCONFLICT_UPDATE && infer->index_elems_size() > 0) {
    std::vector<std::string> key;
    for (const auto& e : infer->index_elems()) {
      if (!e.has_index_elem() || e.index_elem().name().empty()) return changed;  // an expression
      key.push_back(e.index_elem().name());
    }
    check_key_cardinality(insert, key, lookup);
    changed = true;
  }
  return changed;
}

// SELECT … INTO t FROM …: DuckDB knows only CREATE TABLE t AS SELECT ….
bool adapt_select_into(Statement& s, pg_query::Node& root) {
  if (!root.has_select_stmt() || !root.select_stmt().has_into_clause()) return false;
  pg_query::Node select = root;
  pg_query::IntoClause into = select.select_stmt().into_clause();
  select.mutable_select_stmt()->clear_into_clause();
  pg_query::Node ctas;
  auto* c = ctas.mutable_create_table_as_stmt();
  *c->mutable_query() = std::move(select);
  *c->mutable_into() = std::move(into);
  c->set_objtype(pg_query::OBJECT_TABLE);
  root = std::move(ctas);
  s.tag = "CREATE TABLE AS";  // answered "SELECT n", as PostgreSQL answers SELECT INTO
  return true;
}

// setval(sequence, n [, is_called]): DuckDB sequences cannot be set, only advanced. The call
// becomes one that takes nextval as often as it takes to reach n (what loaders and Django's
// sqlsequencereset need after inserting explicit ids: setval(seq, max(id))); moving back, or
// further than ten million values at once, is refused.
bool replace_setval(pg_query::Node& n, const CatalogLookup& lookup) {
  if (!n.has_func_call()) return false;
  const auto& call = n.func_call();
  const auto& names = call.funcname();
  if (names.empty() || names.size() > 2 || !names[names.size() - 1].has_string() ||
      names[names.size() - 1].string().sval() != "setval" ||
      (names.size() == 2 && (!names[0].has_string() || names[0].string().sval() != "pg_catalog")) ||
      call.args_size() < 2 || call.args_size() > 3) {
    return false;
  }
  // The sequence's name as text: 'schema.name' or 'name' (quotes dropped), found in
  // duckdb_sequences() as DuckDB names it (public is main).
  const std::string x = "replace(CAST(__duckgres_seq AS varchar), '\"', '')";
  const std::string schema = "split_part(" + x + ", '.', 1)";
  const std::string name = "CASE WHEN contains(" + x + ", '.') THEN split_part(" + x + ", '.', 2) ELSE " + x + " END";
  const std::string schema_test = "CASE WHEN contains(" + x + ", '.') THEN schema_name = (CASE WHEN " + schema +
                                  " = 'public' THEN 'main' ELSE " + schema +
                                  " END) ELSE (CASE WHEN schema_name = 'main' THEN 'public' ELSE schema_name END) = "
                                  "current_schema() END";
  const std::string label = "'sequence \"' || CAST(__duckgres_seq AS varchar) || '\"'";
  auto parsed = parse(
      "SELECT coalesce((SELECT CASE WHEN __k < 0 THEN error('setval cannot move ' || " + label +
      " || ' back: DuckDB sequences only advance') WHEN __k > 10000000 THEN error('setval advances ' || " + label +
      " || ' by at most 10,000,000 values at once') WHEN __r <> 0 THEN error('setval cannot reach ' || " + label +
      " || ' value ' || CAST(__duckgres_n AS varchar) || ': not a step of its increment') ELSE (SELECT CASE WHEN "
      "count(nextval(CAST(__duckgres_seq AS varchar))) >= 0 THEN CAST(__duckgres_n AS bigint) END FROM range(__k)) "
      "END FROM (SELECT CAST(floor(__d / __i) AS bigint) AS __k, __d % __i AS __r FROM (SELECT (CASE WHEN "
      "__duckgres_called THEN __duckgres_n ELSE __duckgres_n - increment_by END) - coalesce(last_value, "
      "start_value - increment_by) AS __d, increment_by AS __i FROM duckdb_sequences() WHERE " + schema_test +
      " AND sequence_name = " + name + ") AS __duckgres_distance) AS __duckgres_sequence), error('relation \"' || "
      "CAST(__duckgres_seq AS varchar) || '\" does not exist'))");
  if (!parsed) return false;
  pg_query::Node replacement = parsed->stmts(0).stmt().select_stmt().target_list(0).res_target().val();
  pg_query::Node sequence = call.args(0);
  if (sequence.has_func_call() && sequence.func_call().args_size() == 2 &&
      sequence.func_call().funcname_size() >= 1 &&
      sequence.func_call().funcname(sequence.func_call().funcname_size() - 1).string().sval() ==
          "pg_get_serial_sequence" &&
      sequence.func_call().args(0).has_a_const() && sequence.func_call().args(0).a_const().has_sval() &&
      sequence.func_call().args(1).has_a_const() && sequence.func_call().args(1).a_const().has_sval()) {
    // setval(pg_get_serial_sequence('t', 'id'), …): DuckDB's nextval wants the name as a constant.
    auto rows = lookup("SELECT duckgres_catalog.pg_get_serial_sequence(" +
                       quote_literal(sequence.func_call().args(0).a_const().sval().sval()) + ", " +
                       quote_literal(sequence.func_call().args(1).a_const().sval().sval()) + ")::VARCHAR");
    if (rows.empty() || rows[0].empty() || !rows[0][0]) return false;
    sequence = pg_query::Node();
    sequence.mutable_a_const()->mutable_sval()->set_sval(*rows[0][0]);
  }
  const pg_query::Node value = call.args(1);
  pg_query::Node called;
  if (call.args_size() == 3) {
    called = call.args(2);
  } else {
    called.mutable_a_const()->mutable_boolval()->set_boolval(true);
  }
  walk_nodes(replacement, [&](pg_query::Node& m) {
    if (!m.has_column_ref() || m.column_ref().fields_size() != 1 || !m.column_ref().fields(0).has_string()) return;
    const std::string& f = m.column_ref().fields(0).string().sval();
    if (f == "__duckgres_seq") {
      m = sequence;
    } else if (f == "__duckgres_n") {
      m = value;
    } else if (f == "__duckgres_called") {
      m = called;
    }
  });
  n = std::move(replacement);
  return true;
}

bool mentions_setval(const std::string& text) {
  for (size_t i = 0; i + 6 <= text.size(); ++i) {
    if ((text[i] == 's' || text[i] == 'S') && strncasecmp(text.c_str() + i, "setval", 6) == 0) return true;
  }
  return false;
}

}  // namespace

// WITH d AS (DELETE … RETURNING …) …: DuckDB's CTEs hold queries only.
void refuse_data_modifying_cte(const pg_query::Node& root) {
  const pg_query::WithClause* with = root.has_select_stmt()   ? &root.select_stmt().with_clause()
                                     : root.has_insert_stmt() ? &root.insert_stmt().with_clause()
                                     : root.has_update_stmt() ? &root.update_stmt().with_clause()
                                     : root.has_delete_stmt() ? &root.delete_stmt().with_clause()
                                                              : nullptr;
  if (!with) return;
  for (const auto& cte : with->ctes()) {
    const auto& q = cte.common_table_expr().ctequery();
    if (q.has_insert_stmt() || q.has_update_stmt() || q.has_delete_stmt() || q.has_merge_stmt()) {
      throw SqlError("0A000", "data-modifying statements in WITH are not supported by duckgres (DuckDB's WITH "
                              "holds queries only): run the INSERT, UPDATE or DELETE … RETURNING on its own");
    }
  }
}

namespace {

// The statement's WITH clause, made empty when `create` and it has none (nullptr otherwise).
pg_query::WithClause* mutable_with_clause(pg_query::Node& root, bool create = false) {
  if (root.has_select_stmt() && (create || root.select_stmt().has_with_clause()))
    return root.mutable_select_stmt()->mutable_with_clause();
  if (root.has_insert_stmt() && (create || root.insert_stmt().has_with_clause()))
    return root.mutable_insert_stmt()->mutable_with_clause();
  if (root.has_update_stmt() && (create || root.update_stmt().has_with_clause()))
    return root.mutable_update_stmt()->mutable_with_clause();
  if (root.has_delete_stmt() && (create || root.delete_stmt().has_with_clause()))
    return root.mutable_delete_stmt()->mutable_with_clause();
  return nullptr;
}

bool data_modifying(const pg_query::Node& q) {
  return q.has_insert_stmt() || q.has_update_stmt() || q.has_delete_stmt() || q.has_merge_stmt();
}

// The table a data-modifying statement writes.
const pg_query::RangeVar* written_relation(const pg_query::Node& q) {
  if (q.has_insert_stmt()) return &q.insert_stmt().relation();
  if (q.has_update_stmt()) return &q.update_stmt().relation();
  if (q.has_delete_stmt()) return &q.delete_stmt().relation();
  return nullptr;
}

int returning_size(const pg_query::Node& q) {
  if (q.has_insert_stmt()) return q.insert_stmt().returning_list_size();
  if (q.has_update_stmt()) return q.update_stmt().returning_list_size();
  if (q.has_delete_stmt()) return q.delete_stmt().returning_list_size();
  return 0;
}

std::string lower(std::string v) {
  std::transform(v.begin(), v.end(), v.begin(), [](unsigned char c) { return std::tolower(c); });
  return v;
}

[[noreturn]] void refuse_modifying_with(const std::string& why) {
  throw SqlError("0A000", "this data-modifying statement in WITH is not supported by duckgres: " + why +
                              "; run the INSERT, UPDATE or DELETE … RETURNING on its own");
}

}  // namespace

DataModifyingWith split_data_modifying_with(Statement& s, uint64_t& next_table) {
  DataModifyingWith out;
  if (!s.tree || s.tree->stmts_size() != 1) return out;
  pg_query::Node* root = s.tree->mutable_stmts(0)->mutable_stmt();
  pg_query::WithClause* with = mutable_with_clause(*root);
  if (!with || std::none_of(with->ctes().begin(), with->ctes().end(), [](const pg_query::Node& c) {
        return data_modifying(c.common_table_expr().ctequery());
      })) {
    return out;
  }
  if (with->recursive()) refuse_modifying_with("WITH RECURSIVE");
  bool parameters = false;
  walk_nodes(*root, [&](pg_query::Node& n) { parameters = parameters || n.has_param_ref(); });
  if (parameters) refuse_modifying_with("parameters ($1) in such a statement");
  std::set<std::string> cte_names;
  for (const auto& c : with->ctes()) cte_names.insert(lower(c.common_table_expr().ctename()));
  // The tables the data-modifying statements write. PostgreSQL runs every part of the statement
  // on the snapshot taken before any of them: one after another, a part reading a table another
  // part changed would see the change.
  std::map<std::string, size_t> written;  // relation name -> its CTE's index
  for (int i = 0; i < with->ctes_size(); ++i) {
    const auto& q = with->ctes(i).common_table_expr().ctequery();
    if (!data_modifying(q)) continue;
    if (q.has_merge_stmt()) refuse_modifying_with("MERGE");
    if (!written.emplace(lower(written_relation(q)->relname()), i).second) {
      refuse_modifying_with("two of them write table " + written_relation(q)->relname());
    }
  }
  auto check_reads = [&](google::protobuf::Message& part, int part_index, const pg_query::RangeVar* own) {
    walk_range_vars(part, [&](pg_query::RangeVar& rv) {
      if (&rv == own) return;
      if (rv.schemaname().empty() && cte_names.count(lower(rv.relname()))) return;  // a CTE
      auto it = written.find(lower(rv.relname()));
      if (it != written.end() && static_cast<int>(it->second) != part_index) {
        refuse_modifying_with("table " + rv.relname() + " is written by one part of the statement and read by "
                              "another (PostgreSQL reads it as it was before the statement)");
      }
    });
  };
  for (int i = 0; i < with->ctes_size(); ++i) {
    auto* q = with->mutable_ctes(i)->mutable_common_table_expr()->mutable_ctequery();
    check_reads(*q, i, written_relation(*q));
  }
  pg_query::WithClause saved = *with;
  with->clear_ctes();
  check_reads(*root, -1, nullptr);
  *with = std::move(saved);

  // Each data-modifying CTE becomes a statement of its own that sees the CTEs before it (the
  // earlier data-modifying ones as their temp tables); the statement keeps the others.
  google::protobuf::RepeatedPtrField<pg_query::Node> kept;
  google::protobuf::RepeatedPtrField<pg_query::Node> before;
  for (auto& c : *with->mutable_ctes()) {
    auto* cte = c.mutable_common_table_expr();
    if (!data_modifying(cte->ctequery())) {
      *kept.Add() = c;
      *before.Add() = c;
      continue;
    }
    pg_query::Node step = cte->ctequery();
    if (!before.empty()) {
      pg_query::WithClause* own = mutable_with_clause(step, true);
      google::protobuf::RepeatedPtrField<pg_query::Node> all = before;
      for (const auto& o : own->ctes()) *all.Add() = o;
      own->mutable_ctes()->Swap(&all);
    }
    Statement part = analyze(StatementText{deparse_statement(step), 0});
    if (!part.tree) refuse_modifying_with("its parts could not be parsed again");
    out.steps.push_back(std::move(part));
    if (returning_size(cte->ctequery()) == 0) {
      out.tables.emplace_back();  // without RETURNING nothing can read it
      continue;
    }
    std::string table = "__duckgres_wcte_" + std::to_string(next_table++);
    out.tables.push_back(table);
    auto parsed = parse("SELECT * FROM temp.main." + table);
    *cte->mutable_ctequery() = parsed->stmts(0).stmt();
    *kept.Add() = c;
    *before.Add() = c;
  }
  with->mutable_ctes()->Swap(&kept);
  if (with->ctes_size() == 0) {
    if (root->has_select_stmt()) root->mutable_select_stmt()->clear_with_clause();
    if (root->has_insert_stmt()) root->mutable_insert_stmt()->clear_with_clause();
    if (root->has_update_stmt()) root->mutable_update_stmt()->clear_with_clause();
    if (root->has_delete_stmt()) root->mutable_delete_stmt()->clear_with_clause();
  }
  s.text = deparse(*s.tree);
  s.read_only = false;  // it writes, through its steps
  return out;
}

namespace {

// The VALUES rows of `insert` with each row after the row its one-column self-referencing key
// names (constants compared as written); the given order where values are not constants or
// rows form a cycle.
std::vector<int> parents_first(const pg_query::InsertStmt& insert, const CatalogRows& keys, const CatalogLookup& lookup) {
  const auto& values = insert.select_stmt().select_stmt();
  int n = values.values_lists_size();
  std::vector<int> order(n);
  for (int i = 0; i < n; ++i) order[i] = i;
  if (keys.size() != 1 || keys[0].size() != 3 || !keys[0][0] || !keys[0][1] || *keys[0][2] != "1") return order;
  std::vector<std::string> columns;
  for (const auto& c : insert.cols()) columns.push_back(c.res_target().name());
  if (columns.empty()) columns = table_columns(insert.relation(), lookup);
  auto position = [&](const std::string& name) {
    for (size_t i = 0; i < columns.size(); ++i) {
      if (strcasecmp(columns[i].c_str(), name.c_str()) == 0) return static_cast<int>(i);
    }
    return -1;
  };
  int fk = position(*keys[0][0]), key = position(*keys[0][1]);
  if (fk < 0 || key < 0) return order;
  auto constant = [&](int row, int column, std::string& out) {
    const auto& items = values.values_lists(row).list().items();
    if (column >= items.size()) return false;
    const auto& v = items[column];
    if (!v.has_a_const()) return false;
    const auto& c = v.a_const();
    if (c.isnull()) {
      out.clear();
    } else if (c.has_ival()) {
      out = std::to_string(c.ival().ival());
    } else if (c.has_fval()) {
      out = c.fval().fval();
    } else if (c.has_sval()) {
      out = c.sval().sval();
    } else {
      return false;
    }
    return true;
  };
  std::map<std::string, int> row_of_key;
  std::vector<std::string> parent(n);
  for (int i = 0; i < n; ++i) {
    std::string k;
    if (!constant(i, key, k) || !constant(i, fk, parent[i])) return order;
    row_of_key[k] = i;
  }
  std::vector<int> out;
  std::vector<int> state(n, 0);  // 0 new, 1 being placed, 2 placed
  std::function<bool(int)> place = [&](int i) {
    if (state[i] == 2) return true;
    if (state[i] == 1) return false;  // a cycle
    state[i] = 1;
    auto it = parent[i].empty() ? row_of_key.end() : row_of_key.find(parent[i]);
    if (it != row_of_key.end() && it->second != i && !place(it->second)) return false;
    state[i] = 2;
    out.push_back(i);
    return true;
  };
  for (int i = 0; i < n; ++i) {
    if (!place(i)) return order;
  }
  return out;
}

// A multi-row INSERT … VALUES into a table whose foreign key references the table itself:
// PostgreSQL checks the key at the end of the statement, DuckDB before inserting any row, so
// a parent and its child in one VALUES list failed (23503). Row by row, in the script's one
// transaction, each row sees those before it. Empty when this does not apply.
std::vector<std::string> insert_self_referencing(const Statement& s, const CatalogLookup& lookup) {
  const auto& insert = s.tree->stmts(0).stmt().insert_stmt();
  if (!insert.has_select_stmt() || !insert.select_stmt().has_select_stmt() || insert.returning_list_size() > 0 ||
      insert.has_with_clause() || s.text.find('$') != std::string::npos) {
    return {};
  }
  const auto& values = insert.select_stmt().select_stmt();
  if (values.values_lists_size() < 2) return {};
  const auto& rv = insert.relation();
  CatalogRows keys = lookup(
      "SELECT constraint_column_names[1]::VARCHAR, referenced_column_names[1]::VARCHAR, "
      "len(constraint_column_names)::VARCHAR FROM duckdb_constraints() WHERE constraint_type = 'FOREIGN KEY' AND "
      "lower(referenced_table) = lower(table_name) AND " + relation_filter(rv.schemaname(), rv.relname(), ""));
  if (keys.empty()) return {};
  std::vector<int> order = parents_first(insert, keys, lookup);
  std::vector<std::string> out;
  for (int i : order) {
    Statement row = s;
    auto* select = row.tree->mutable_stmts(0)->mutable_stmt()->mutable_insert_stmt()->mutable_select_stmt()->mutable_select_stmt();
    pg_query::Node only = select->values_lists(i);
    select->clear_values_lists();
    *select->add_values_lists() = std::move(only);
    row.text = deparse(*row.tree);
    std::vector<std::string> rewritten = rewrite_for_duckdb(row);
    if (rewritten.empty()) rewritten.push_back(row.text);
    out.insert(out.end(), rewritten.begin(), rewritten.end());
  }
  return out;
}

// COMMENT ON SCHEMA: DuckDB keeps no schema comments, duckgres_meta.schema_comments does
// (pg_description shows them); IS NULL or '' removes it, as in PostgreSQL.
std::vector<std::string> comment_on_schema(const pg_query::CommentStmt& c, const CatalogLookup& lookup) {
  std::string schema = c.object().has_string() ? c.object().string().sval() : std::string();
  std::string duck_schema = schema == "public" ? "main" : schema;
  if (lookup("SELECT schema_name::VARCHAR FROM duckdb_schemas() WHERE database_name = current_database() AND "
             "schema_name = " + quote_literal(duck_schema)).empty()) {
    throw SqlError("3F000", "schema \"" + schema + "\" does not exist");
  }
  std::vector<std::string> out = {"DELETE FROM duckgres_meta.schema_comments WHERE schema_name = " +
                                  quote_literal(duck_schema)};
  if (!c.comment().empty()) {
    out.push_back("INSERT INTO duckgres_meta.schema_comments VALUES (" + quote_literal(duck_schema) + ", " +
                  quote_literal(c.comment()) + ")");
  }
  return out;
}

}  // namespace

std::vector<std::string> adapt_statement(Statement& s, const CatalogLookup& lookup) {
  if (!s.tree || s.tree->stmts_size() != 1) return {};
  pg_query::Node* root = s.tree->mutable_stmts(0)->mutable_stmt();
  refuse_data_modifying_cte(*root);
  // Materialized views become tables first (CREATE then takes the CREATE TABLE AS path).
  std::vector<std::string> matview = adapt_matview(s, lookup);
  if (!matview.empty()) return matview;
  bool changed = false;
  switch (root->node_case()) {
    case pg_query::Node::kInsertStmt: {
      changed = adapt_insert(*root->mutable_insert_stmt(), lookup);
      std::vector<std::string> rows = insert_self_referencing(s, lookup);
      if (!rows.empty()) return rows;
      break;
    }
    case pg_query::Node::kSelectStmt:
      changed = adapt_select_into(s, *root);
      break;
    case pg_query::Node::kUpdateStmt:
      changed = assign_array_elements(*root->mutable_update_stmt()->mutable_target_list());
      changed = cast_literals_to_columns(*root->mutable_update_stmt(), lookup) || changed;
      break;
    case pg_query::Node::kCreateStmt:
    case pg_query::Node::kCreateTableAsStmt:
    case pg_query::Node::kIndexStmt:
    case pg_query::Node::kTruncateStmt:
    case pg_query::Node::kAlterTableStmt:
    case pg_query::Node::kRenameStmt:
    case pg_query::Node::kCreateSeqStmt:
      return adapt_ddl(s, lookup);
    case pg_query::Node::kCommentStmt:
      if (root->comment_stmt().objtype() == pg_query::OBJECT_SCHEMA) return comment_on_schema(root->comment_stmt(), lookup);
      break;
    case pg_query::Node::kCompositeTypeStmt:
      throw SqlError("0A000", "composite types (CREATE TYPE … AS (…)) are not supported by duckgres", 0, "",
                     "Use a table's columns, or a json or jsonb column.");
    case pg_query::Node::kCreateDomainStmt:
      throw SqlError("0A000", "domains (CREATE DOMAIN) are not supported by duckgres: DuckDB would not check "
                              "their constraints", 0, "", "Declare the column with the base type and a CHECK constraint.");
    case pg_query::Node::kAlterObjectSchemaStmt:
      throw SqlError("0A000", "ALTER … SET SCHEMA is not supported by duckgres: DuckDB cannot move a relation "
                              "to another schema",
                     0, "", "Create it in the other schema (CREATE TABLE … AS SELECT) and drop the old one.");
    default:
      break;
  }
  if ((root->has_select_stmt() || root->has_insert_stmt() || root->has_update_stmt()) && mentions_setval(s.text)) {
    if (root->has_select_stmt()) {
      for (auto& target : *root->mutable_select_stmt()->mutable_target_list()) {
        // The column keeps PostgreSQL's name "setval" (the replacement would be "coalesce").
        auto* rt = target.mutable_res_target();
        if (rt->name().empty() && rt->has_val() && rt->val().has_func_call() &&
            rt->val().func_call().funcname_size() > 0) {
          const auto& f = rt->val().func_call().funcname();
          if (f[f.size() - 1].has_string() && f[f.size() - 1].string().sval() == "setval") rt->set_name("setval");
        }
      }
    }
    walk_nodes(*s.tree, [&](pg_query::Node& n) { changed = replace_setval(n, lookup) || changed; });
  }
  if (changed) s.text = deparse(*s.tree);
  return {};
}

}  // namespace ducklings::sql
