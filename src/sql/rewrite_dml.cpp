#include "sql/rewrite_dml.h"

#include <strings.h>

#include <algorithm>

#include "common/errors.h"
#include "sql/quoting.h"
#include "sql/rewrite_ddl.h"
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

// The table's columns in order.
std::vector<std::string> table_columns(const pg_query::RangeVar& rv, const CatalogLookup& lookup) {
  // pragma_table_info reads one table's entry (duckdb_columns() builds every column of every
  // table: milliseconds per INSERT); a missing table is DuckDB's error, 42P01.
  std::string schema = duckdb_schema(rv.schemaname());
  std::string name = (schema.empty() ? "" : quote_identifier(schema) + ".") + quote_identifier(rv.relname());
  std::vector<std::string> out;
  for (const auto& row : lookup("SELECT name::VARCHAR FROM pragma_table_info(" + quote_literal(name) + ") ORDER BY cid")) {
    if (!row.empty() && row[0]) out.push_back(*row[0]);
  }
  if (out.empty()) {
    throw SqlError("42P01", "relation \"" + (rv.schemaname().empty() ? "" : rv.schemaname() + ".") +
                                rv.relname() + "\" does not exist");
  }
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

bool adapt_insert(pg_query::InsertStmt& insert, const CatalogLookup& lookup) {
  bool changed = false;
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

std::vector<std::string> adapt_statement(Statement& s, const CatalogLookup& lookup) {
  if (!s.tree || s.tree->stmts_size() != 1) return {};
  pg_query::Node* root = s.tree->mutable_stmts(0)->mutable_stmt();
  refuse_data_modifying_cte(*root);
  bool changed = false;
  switch (root->node_case()) {
    case pg_query::Node::kInsertStmt:
      changed = adapt_insert(*root->mutable_insert_stmt(), lookup);
      break;
    case pg_query::Node::kSelectStmt:
      changed = adapt_select_into(s, *root);
      break;
    case pg_query::Node::kCreateStmt:
    case pg_query::Node::kCreateTableAsStmt:
    case pg_query::Node::kIndexStmt:
    case pg_query::Node::kTruncateStmt:
    case pg_query::Node::kAlterTableStmt:
      return adapt_ddl(s, lookup);
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
