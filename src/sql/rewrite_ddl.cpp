#include "sql/rewrite_ddl.h"

#include <cstdint>

#include <strings.h>

#include <algorithm>
#include <optional>
#include <set>

#include "common/errors.h"
#include "sql/catalog_constraints.h"
#include "sql/quoting.h"
#include "sql/rewrite.h"
#include "sql/tree_walk.h"

namespace ducklings::sql {
std::string figure_colname(const pg_query::Node& n);  // rewrite.cpp: PostgreSQL's column names

namespace {

constexpr size_t kMaxNameLength = 63;  // NAMEDATALEN - 1

std::string qualified(const pg_query::RangeVar& rv, const std::string& name) {
  std::string schema = duckdb_schema(rv.schemaname());
  return (schema.empty() ? "" : quote_identifier(schema) + ".") + quote_identifier(name);
}

std::string qualified(const pg_query::RangeVar& rv) { return qualified(rv, rv.relname()); }

pg_query::Node parsed_expression(const std::string& sql) {
  auto parsed = parse("SELECT " + sql);
  if (!parsed) throw SqlError("XX000", "could not parse " + sql);
  return parsed->stmts(0).stmt().select_stmt().target_list(0).res_target().val();
}

// PostgreSQL's makeObjectName: name1_name2_label, the longer part shortened to fit 63 bytes.
std::string object_name(std::string name1, std::string name2, const std::string& label) {
  size_t overhead = label.size() + 1 + (name2.empty() ? 0 : 1);
  size_t avail = kMaxNameLength > overhead ? kMaxNameLength - overhead : 0;
  size_t n1 = name1.size(), n2 = name2.size();
  while (n1 + n2 > avail) {
    if (n1 > n2) {
      --n1;
    } else {
      --n2;
    }
  }
  std::string out = name1.substr(0, n1);
  if (!name2.empty()) out += "_" + name2.substr(0, n2);
  return out + "_" + label;
}

// Names of relations and indexes in the schema of `rv` (PostgreSQL keeps them in one namespace).
std::set<std::string> names_in_schema(const pg_query::RangeVar& rv, const CatalogLookup& lookup) {
  std::string schema = rv.schemaname().empty() ? std::string("current_schema()")
                                               : quote_literal(duckdb_schema(rv.schemaname()));
  std::string where = " WHERE database_name = current_database() AND lower(schema_name) = lower(" + schema + ")";
  std::set<std::string> out;
  for (const auto& row : lookup("SELECT index_name::VARCHAR FROM duckdb_indexes()" + where +
                                " UNION ALL SELECT table_name::VARCHAR FROM duckdb_tables()" + where +
                                " UNION ALL SELECT view_name::VARCHAR FROM duckdb_views()" + where +
                                " UNION ALL SELECT sequence_name::VARCHAR FROM duckdb_sequences()" + where)) {
    if (!row.empty() && row[0]) out.insert(*row[0]);
  }
  return out;
}

// CREATE INDEX without a name: PostgreSQL's ChooseIndexName (<table>_<columns>_idx, then idx1 …).
void name_index(pg_query::IndexStmt& index, const CatalogLookup& lookup) {
  std::string columns;
  for (const auto& p : index.index_params()) {
    if (!p.has_index_elem()) continue;
    const auto& e = p.index_elem();
    std::string name = !e.indexcolname().empty() ? e.indexcolname()
                       : !e.name().empty()        ? e.name()
                       : e.has_expr()             ? figure_colname(e.expr())
                                                  : "expr";
    if (name == "?column?") name = "expr";
    if (!columns.empty()) columns += "_";
    columns += name;
    if (columns.size() >= kMaxNameLength) break;
  }
  std::string label = index.primary() ? "pkey" : index.isconstraint() ? "key" : "idx";
  std::set<std::string> taken = names_in_schema(index.relation(), lookup);
  std::string name = object_name(index.relation().relname(), columns, label);
  for (int pass = 1; taken.count(name); ++pass) {
    name = object_name(index.relation().relname(), columns, label + std::to_string(pass));
  }
  index.set_idxname(name);
}

// Identity columns: a sequence <table>_<column>_seq with the identity's options, the column
// defaulting to its nextval and NOT NULL.
// CREATE SEQUENCE … AS smallint|integer|bigint (DuckDB has no AS): the type's bounds become the
// sequence's, as PostgreSQL takes them, unless given (the catalog reads the type from them).
void bound_sequence_by_type(pg_query::CreateSeqStmt& seq, std::string type) {
  auto* options = seq.mutable_options();
  bool has_max = false, has_min = false, descending = false;
  for (int i = 0; i < options->size();) {
    const auto& o = options->Get(i);
    if (!o.has_def_elem()) {
      ++i;
      continue;
    }
    const std::string& name = o.def_elem().defname();
    if (name == "as") {
      if (o.def_elem().has_arg() && o.def_elem().arg().has_type_name()) {
        const auto& names = o.def_elem().arg().type_name().names();
        if (!names.empty() && names[names.size() - 1].has_string()) type = names[names.size() - 1].string().sval();
      }
      options->DeleteSubrange(i, 1);
      continue;
    }
    if (name == "maxvalue" && o.def_elem().has_arg()) has_max = true;
    if (name == "minvalue" && o.def_elem().has_arg()) has_min = true;
    if (name == "increment" && o.def_elem().has_arg() && o.def_elem().arg().has_integer() &&
        o.def_elem().arg().integer().ival() < 0) {
      descending = true;
    }
    ++i;
  }
  int64_t lowest = 0, highest = 0;
  if (type == "int4" || type == "integer" || type == "int") {
    lowest = INT32_MIN;
    highest = INT32_MAX;
  } else if (type == "int2" || type == "smallint") {
    lowest = INT16_MIN;
    highest = INT16_MAX;
  } else {
    return;  // bigint: DuckDB's own bounds
  }
  auto add = [&](const char* name, int64_t v) {
    auto* d = seq.add_options()->mutable_def_elem();
    d->set_defname(name);
    d->mutable_arg()->mutable_integer()->set_ival(static_cast<int32_t>(v));
  };
  if (!descending && !has_max) add("maxvalue", highest);
  if (descending && !has_min) add("minvalue", lowest);
}

std::vector<std::string> expand_identity_columns(pg_query::CreateStmt& create) {
  std::vector<std::string> sequences;
  const auto& rel = create.relation();
  for (auto& elt : *create.mutable_table_elts()) {
    if (!elt.has_column_def()) continue;
    auto* def = elt.mutable_column_def();
    auto* constraints = def->mutable_constraints();
    for (int i = 0; i < constraints->size(); ++i) {
      if (!constraints->Get(i).has_constraint() ||
          constraints->Get(i).constraint().contype() != pg_query::CONSTR_IDENTITY) {
        continue;
      }
      pg_query::Node seq_node;
      auto* seq = seq_node.mutable_create_seq_stmt();
      *seq->mutable_sequence() = rel;
      seq->mutable_sequence()->set_schemaname(duckdb_schema(rel.schemaname()));
      seq->mutable_sequence()->set_relname(rel.relname() + "_" + def->colname() + "_seq");
      for (const auto& option : constraints->Get(i).constraint().options()) *seq->add_options() = option;
      const auto& type_names = def->type_name().names();
      std::string column_type = type_names.empty() || !type_names[type_names.size() - 1].has_string()
                                    ? std::string() : type_names[type_names.size() - 1].string().sval();
      bound_sequence_by_type(*seq, column_type);  // an integer column's sequence ends at its maximum
      std::string sequence = deparse_statement(seq_node);
      // A sequence left by an earlier table of that name starts afresh (DROP TABLE keeps it).
      sequence.replace(0, std::string("CREATE SEQUENCE").size(),
                       create.if_not_exists() ? "CREATE SEQUENCE IF NOT EXISTS" : "CREATE OR REPLACE SEQUENCE");
      sequences.push_back(sequence);
      // GENERATED ALWAYS: INSERT refuses a value for the column (rewrite_dml reads the mark);
      // either mark makes it an identity column in the catalog.
      bool always = constraints->Get(i).constraint().generated_when() == "a";
      sequences.push_back("COMMENT ON SEQUENCE " + qualified(rel, rel.relname() + "_" + def->colname() + "_seq") +
                          " IS " + quote_literal(always ? kIdentityAlwaysComment : kIdentityByDefaultComment));
      pg_query::Node default_constraint;
      auto* c = default_constraint.mutable_constraint();
      c->set_contype(pg_query::CONSTR_DEFAULT);
      *c->mutable_raw_expr() =
          parsed_expression("nextval(" + quote_literal(qualified(rel, rel.relname() + "_" + def->colname() + "_seq")) + ")");
      constraints->Mutable(i)->Swap(&default_constraint);
      bool not_null = false;
      for (const auto& con : *constraints) {
        if (con.has_constraint() && (con.constraint().contype() == pg_query::CONSTR_NOTNULL ||
                                     con.constraint().contype() == pg_query::CONSTR_PRIMARY)) {
          not_null = true;
        }
      }
      if (!not_null) def->add_constraints()->mutable_constraint()->set_contype(pg_query::CONSTR_NOTNULL);
      break;
    }
  }
  return sequences;
}

// A column of a table as its CREATE TABLE declared it: DuckDB's type, or the one recorded in
// duckgres_meta.declared_types where DuckDB lost it (varchar(n), char(n), varchar vs text).
struct DeclaredColumn {
  std::string name, type, duckdb_type;
  std::optional<std::string> is_nullable, column_default;
};

// The columns of `rv` in order (none when it does not exist).
std::vector<DeclaredColumn> declared_columns(const pg_query::RangeVar& rv, const CatalogLookup& lookup) {
  auto rows = lookup(
      "SELECT c.column_name::VARCHAR, c.data_type::VARCHAR, c.is_nullable::VARCHAR, c.column_default::VARCHAR, "
      "d.type_oid::VARCHAR, d.char_length::VARCHAR FROM duckdb_columns() c LEFT JOIN duckgres_meta.declared_types d "
      "ON d.schema_name = c.schema_name AND d.table_name = c.table_name AND d.column_name = c.column_name "
      "WHERE " + relation_filter(rv.schemaname(), rv.relname(), "c.") + " ORDER BY c.column_index");
  std::vector<DeclaredColumn> out;
  for (const auto& row : rows) {
    if (row.size() < 6 || !row[0] || !row[1]) continue;
    std::string type = *row[1];
    if (row[4] && row[5]) {
      type = std::string(*row[4] == "1042" ? "char" : "varchar") + "(" + *row[5] + ")";
    } else if (type == "VARCHAR") {
      type = row[4] && *row[4] == "1043" ? "varchar" : "text";
    }
    out.push_back({*row[0], std::move(type), *row[1], row[2], row[3]});
  }
  return out;
}

// CREATE TABLE … (LIKE t [INCLUDING DEFAULTS]): t's columns, their types (declared lengths
// too) and NOT NULL.
bool expand_like(pg_query::CreateStmt& create, const CatalogLookup& lookup) {
  constexpr uint32_t kDefaults = 1u << 3, kConstraints = 1u << 2, kIndexes = 1u << 6,
                     kIdentity = 1u << 5, kGenerated = 1u << 4;
  bool changed = false;
  if (std::none_of(create.table_elts().begin(), create.table_elts().end(),
                   [](const pg_query::Node& n) { return n.has_table_like_clause(); })) {
    return false;
  }
  google::protobuf::RepeatedPtrField<pg_query::Node> elements;
  for (auto& elt : *create.mutable_table_elts()) {
    if (!elt.has_table_like_clause()) {
      *elements.Add() = elt;
      continue;
    }
    changed = true;
    const auto& like = elt.table_like_clause();
    uint32_t options = like.options();
    if (options != 0x7fffffff && (options & (kConstraints | kIndexes | kIdentity | kGenerated))) {
      throw SqlError("0A000",
                     "CREATE TABLE … (LIKE … INCLUDING CONSTRAINTS, INDEXES, IDENTITY or GENERATED) is not "
                     "supported by duckgres; add the constraints and indexes with their own statements");
    }
    if (options == 0x7fffffff) options = kDefaults;  // INCLUDING ALL: what can be copied
    const auto& rv = like.relation();
    auto columns = declared_columns(rv, lookup);
    if (columns.empty()) {
      throw SqlError("42P01", "relation \"" + (rv.schemaname().empty() ? "" : rv.schemaname() + ".") +
                                  rv.relname() + "\" does not exist");
    }
    for (const auto& col : columns) {
      auto parsed = parse("CREATE TABLE x (" + quote_identifier(col.name) + " " + col.type + ")");
      if (!parsed) {
        throw SqlError("0A000", "CREATE TABLE … (LIKE …): column " + col.name + " of type " + col.duckdb_type +
                                    " cannot be copied by duckgres");
      }
      pg_query::Node column = parsed->stmts(0).stmt().create_stmt().table_elts(0);
      auto* def = column.mutable_column_def();
      if (col.is_nullable == "NO") def->add_constraints()->mutable_constraint()->set_contype(pg_query::CONSTR_NOTNULL);
      if ((options & kDefaults) && col.column_default) {
        auto* c = def->add_constraints()->mutable_constraint();
        c->set_contype(pg_query::CONSTR_DEFAULT);
        *c->mutable_raw_expr() = parsed_expression(*col.column_default);
      }
      *elements.Add() = std::move(column);
    }
  }
  if (changed) create.mutable_table_elts()->Swap(&elements);
  return changed;
}

std::vector<std::string> adapt_create(Statement& s, const CatalogLookup& lookup) {
  auto* create = s.tree->mutable_stmts(0)->mutable_stmt()->mutable_create_stmt();
  bool changed = expand_like(*create, lookup);
  bool generated = false;
  for (const auto& elt : create->table_elts()) {
    if (!elt.has_column_def()) continue;
    for (const auto& c : elt.column_def().constraints()) {
      if (c.has_constraint() && c.constraint().contype() == pg_query::CONSTR_GENERATED) generated = true;
    }
  }
  std::vector<std::string> out = expand_identity_columns(*create);
  if (!changed && !generated && out.empty()) return {};
  s.text = deparse(*s.tree);
  std::vector<std::string> rest = rewrite_for_duckdb(s);
  if (rest.empty()) rest.push_back(s.text);
  for (auto& statement : rest) out.push_back(generated ? generated_columns_virtual(statement) : statement);
  return out;
}

// CREATE TABLE t AS … WITH NO DATA: the query's columns, no rows (the gateway makes it a
// script, answered "CREATE TABLE AS" as PostgreSQL answers it rather than with a row count).
std::vector<std::string> adapt_create_table_as(Statement& s, const CatalogLookup& lookup) {
  auto* ctas = s.tree->mutable_stmts(0)->mutable_stmt()->mutable_create_table_as_stmt();
  if (ctas->objtype() != pg_query::OBJECT_TABLE) return {};
  if (ctas->if_not_exists() && ctas->into().has_rel()) {
    // An existing table: PostgreSQL skips the query and answers CREATE TABLE AS.
    const auto& rel = ctas->into().rel();
    if (!lookup("SELECT table_name::VARCHAR FROM duckdb_tables() WHERE " +
                relation_filter(rel.schemaname(), rel.relname()))
             .empty()) {
      s.skipped_existing = true;
      return {"SELECT 1", "SELECT 1"};
    }
  }
  if (!ctas->into().skip_data()) return {};
  auto parsed = parse("SELECT * FROM (SELECT 1) AS __duckgres_q LIMIT 0");
  pg_query::Node wrapper = parsed->stmts(0).stmt();
  auto* sub = wrapper.mutable_select_stmt()->mutable_from_clause(0)->mutable_range_subselect();
  *sub->mutable_subquery() = std::move(*ctas->mutable_query());
  *ctas->mutable_query() = std::move(wrapper);
  ctas->mutable_into()->set_skip_data(false);
  s.no_data = true;
  s.text = deparse(*s.tree);
  return {};  // rewritten with the result types of the columns it stores, as any CREATE TABLE AS
}

// The columns of `rv` as a CREATE TABLE with PostgreSQL's types (varchar(n) and char(n) as
// declared), for deparsing expressions over them; nullopt when the table is not found.
std::optional<pg_query::CreateStmt> table_columns(const pg_query::RangeVar& rv, const CatalogLookup& lookup) {
  std::string columns;  // (DECIMAL(p,s) reads as numeric in PostgreSQL's grammar)
  for (const auto& col : declared_columns(rv, lookup)) {
    columns += (columns.empty() ? "" : ", ") + quote_identifier(col.name) + " " + col.type;
  }
  if (columns.empty()) return std::nullopt;
  auto parsed = parse("CREATE TABLE x (" + columns + ")");
  if (!parsed || parsed->stmts_size() != 1) return std::nullopt;
  return parsed->stmts(0).stmt().create_stmt();
}

// What pg_get_indexdef prints of an index's predicate and expression keys, PostgreSQL's casts
// included; nullopt for an index of plain columns, or one whose expressions it cannot print.
std::optional<Statement::IndexDefinition> index_definition(const pg_query::IndexStmt& index, const CatalogLookup& lookup) {
  bool expressions = std::any_of(index.index_params().begin(), index.index_params().end(), [](const pg_query::Node& p) {
    return p.has_index_elem() && p.index_elem().has_expr();
  });
  if (!index.has_where_clause() && !expressions) return std::nullopt;
  auto table = table_columns(index.relation(), lookup);
  if (!table) return std::nullopt;
  Statement::IndexDefinition d;
  if (index.has_where_clause()) {
    auto text = expression_definition(*table, index.where_clause());
    if (!text) return std::nullopt;
    d.predicate = text->first;
    d.pretty_predicate = text->second;
  }
  for (const auto& p : index.index_params()) {
    std::string key, pretty;
    if (p.has_index_elem() && p.index_elem().has_expr()) {
      const auto& e = p.index_elem().expr();
      auto text = expression_definition(*table, e);
      if (!text) return std::nullopt;
      // A function call prints as it is, any other expression inside parentheses of its own.
      key = e.has_func_call() ? text->first : "(" + text->first + ")";
      pretty = e.has_func_call() ? text->second : "(" + text->second + ")";
    }
    d.keys.push_back(std::move(key));
    d.pretty_keys.push_back(std::move(pretty));
  }
  return d;
}

void adapt_index(Statement& s, const CatalogLookup& lookup) {
  auto* index = s.tree->mutable_stmts(0)->mutable_stmt()->mutable_index_stmt();
  bool changed = false;
  s.index_definition = index_definition(*index, lookup);
  if (index->has_where_clause()) {
    if (index->unique()) {
      throw SqlError("0A000",
                     "partial unique indexes (CREATE UNIQUE INDEX … WHERE …) are not supported by duckgres: "
                     "DuckDB cannot limit uniqueness to some rows");
    }
    index->clear_where_clause();  // an index on every row answers the same
    changed = true;
  }
  if (index->idxname().empty()) {
    name_index(*index, lookup);
    changed = true;
  }
  if (index->access_method() == "btree") {  // DuckDB's is ART
    index->clear_access_method();
    changed = true;
  }
  if (changed) s.text = deparse(*s.tree);
}

// Tables whose foreign keys reference `table` (schema, name in DuckDB's terms).
std::vector<std::pair<std::string, std::string>> referencing_tables(const std::string& schema, const std::string& table,
                                                                    const CatalogLookup& lookup) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& row : lookup("SELECT DISTINCT schema_name::VARCHAR, table_name::VARCHAR FROM duckdb_constraints() "
                                "WHERE database_name = current_database() AND constraint_type = 'FOREIGN KEY' AND "
                                "lower(referenced_table) = lower(" + quote_literal(table) + ") AND lower(schema_name) = lower(" +
                                (schema.empty() ? std::string("current_schema()") : quote_literal(schema)) + ")")) {
    if (row.size() == 2 && row[0] && row[1]) out.emplace_back(*row[0], *row[1]);
  }
  return out;
}

std::vector<std::string> adapt_truncate(Statement& s, const CatalogLookup& lookup) {
  const auto& t = s.tree->stmts(0).stmt().truncate_stmt();
  bool cascade = t.behavior() == pg_query::DROP_CASCADE;
  if (!cascade && !t.restart_seqs()) {
    s.text = deparse(*s.tree);  // without CONTINUE IDENTITY, which DuckDB does not parse
    return {};
  }
  // The tables, referencing ones first (CASCADE), each once.
  std::vector<std::pair<std::string, std::string>> order;
  std::set<std::pair<std::string, std::string>> seen;
  std::vector<std::pair<std::string, std::string>> pending;
  for (const auto& r : t.relations()) {
    if (r.has_range_var()) pending.emplace_back(duckdb_schema(r.range_var().schemaname()), r.range_var().relname());
  }
  while (!pending.empty()) {
    auto next = pending.back();
    pending.pop_back();
    if (!seen.insert(next).second) continue;
    order.push_back(next);
    if (cascade) {
      for (auto& r : referencing_tables(next.first, next.second, lookup)) pending.push_back(r);
    }
  }
  // Referencing tables were found after the ones they reference: truncate them first.
  std::vector<std::string> out;
  for (auto it = order.rbegin(); it != order.rend(); ++it) {
    out.push_back("TRUNCATE " + (it->first.empty() ? "" : quote_identifier(it->first) + ".") +
                  quote_identifier(it->second));
  }
  if (t.restart_seqs()) {
    // DuckDB cannot reset a sequence, nor drop one a column default uses: the default goes, the
    // sequence is made again with its options, and the default comes back.
    for (const auto& [schema, table] : order) {
      std::string target = (schema.empty() ? "" : quote_identifier(schema) + ".") + quote_identifier(table);
      for (const auto& row : lookup(
               "SELECT q.schema_name::VARCHAR, q.sequence_name::VARCHAR, c.column_name::VARCHAR, "
               "c.column_default::VARCHAR, q.start_value::VARCHAR, q.increment_by::VARCHAR, q.min_value::VARCHAR, "
               "q.max_value::VARCHAR, q.cycle::VARCHAR, q.comment::VARCHAR FROM duckdb_columns() c JOIN "
               "duckdb_sequences() q ON q.database_name = c.database_name AND contains(c.column_default, "
               "'nextval(') AND contains(c.column_default, '\"' || q.sequence_name || '\"') WHERE " +
               relation_filter(schema, table, "c.") + " AND q.last_value IS NOT NULL")) {
        if (row.size() < 10 || !row[0] || !row[1] || !row[2] || !row[3] || !row[4] || !row[5] || !row[6] ||
            !row[7]) {
          continue;
        }
        std::string sequence = quote_identifier(*row[0]) + "." + quote_identifier(*row[1]);
        std::string column = quote_identifier(*row[2]);
        out.push_back("ALTER TABLE " + target + " ALTER COLUMN " + column + " DROP DEFAULT");
        out.push_back("DROP SEQUENCE " + sequence);
        out.push_back("CREATE SEQUENCE " + sequence + " INCREMENT BY " + *row[5] + " MINVALUE " + *row[6] +
                      " MAXVALUE " + *row[7] + " START WITH " + *row[4] +
                      (row[8] && *row[8] == "true" ? " CYCLE" : ""));
        if (row[9] && !row[9]->empty()) {
          out.push_back("COMMENT ON SEQUENCE " + sequence + " IS " + quote_literal(*row[9]));
        }
        out.push_back("ALTER TABLE " + target + " ALTER COLUMN " + column + " SET DEFAULT " + *row[3]);
      }
    }
  }
  return out;
}

std::string column_list(const google::protobuf::RepeatedPtrField<pg_query::Node>& keys) {
  std::string out;
  for (const auto& k : keys) {
    if (!out.empty()) out += ", ";
    out += quote_identifier(k.string().sval());
  }
  return out;
}

std::vector<std::string> adapt_alter_table_actions(Statement& s, const CatalogLookup& lookup);

// An index DuckDB made with CREATE INDEX (not a key constraint's): its name and statement.
struct TableIndex {
  std::string name;
  std::string sql;
};

std::vector<TableIndex> table_indexes(const std::string& filter, const CatalogLookup& lookup) {
  std::vector<TableIndex> out;
  for (const auto& row : lookup("SELECT index_name::VARCHAR, sql::VARCHAR FROM duckdb_indexes() WHERE " + filter +
                                " AND sql IS NOT NULL ORDER BY index_oid")) {
    if (row.size() == 2 && row[0] && row[1]) out.push_back({*row[0], *row[1]});
  }
  return out;
}

// The CREATE INDEX that makes `index` again on table `rel`, named `name`, with column `from`
// renamed `to` (none when empty); nullopt when DuckDB's statement cannot be read.
std::optional<std::string> recreate_index(const TableIndex& index, const pg_query::RangeVar& rel, const std::string& name,
                                          const std::string& from = "", const std::string& to = "") {
  auto parsed = parse(index.sql);
  if (!parsed || parsed->stmts_size() != 1 || !parsed->stmts(0).stmt().has_index_stmt()) return std::nullopt;
  pg_query::Node node = parsed->stmts(0).stmt();
  auto* stmt = node.mutable_index_stmt();
  stmt->set_idxname(name);
  stmt->mutable_relation()->set_schemaname(duckdb_schema(rel.schemaname()));
  stmt->mutable_relation()->set_relname(rel.relname());
  stmt->clear_access_method();
  if (!from.empty()) {
    auto same = [&](const std::string& n) { return strcasecmp(n.c_str(), from.c_str()) == 0; };
    walk_nodes(node, [&](pg_query::Node& n) {
      if (n.has_index_elem() && same(n.index_elem().name())) n.mutable_index_elem()->set_name(to);
      if (n.has_column_ref() && n.column_ref().fields_size() >= 1) {
        auto* last = n.mutable_column_ref()->mutable_fields(n.column_ref().fields_size() - 1);
        if (last->has_string() && same(last->string().sval())) last->mutable_string()->set_sval(to);
      }
    });
  }
  return deparse_statement(node);
}

bool mentions_column(const TableIndex& index, const std::string& column) {
  auto parsed = parse(index.sql);
  if (!parsed) return true;
  bool found = false;
  walk_nodes(*parsed, [&](pg_query::Node& n) {
    if (n.has_index_elem() && strcasecmp(n.index_elem().name().c_str(), column.c_str()) == 0) found = true;
    if (n.has_column_ref() && n.column_ref().fields_size() >= 1) {
      const auto& last = n.column_ref().fields(n.column_ref().fields_size() - 1);
      if (last.has_string() && strcasecmp(last.string().sval().c_str(), column.c_str()) == 0) found = true;
    }
  });
  return found;
}

// DuckDB cannot rename a table, alter a column's type or nullability, rename or drop a column
// while an index depends on the table (2BP01): the indexes are dropped, the table altered and
// the indexes made again (an index on a dropped column goes with it, as in PostgreSQL).
// `statements` carry out the change; `renamed` is {old, new} for RENAME COLUMN; `new_name` the
// table's name after RENAME TO.
std::vector<std::string> around_indexes(const pg_query::RangeVar& rel, std::vector<std::string> statements,
                                        const std::vector<std::string>& dropped_columns,
                                        const std::pair<std::string, std::string>& renamed,
                                        const CatalogLookup& lookup, const std::string& new_name = "") {
  std::vector<TableIndex> indexes = table_indexes(relation_filter(rel.schemaname(), rel.relname()), lookup);
  if (indexes.empty()) return statements;
  std::vector<std::string> out;
  std::vector<std::string> again;
  pg_query::RangeVar after = rel;
  if (!new_name.empty()) after.set_relname(new_name);
  for (const auto& index : indexes) {
    bool goes = std::any_of(dropped_columns.begin(), dropped_columns.end(),
                            [&](const std::string& c) { return mentions_column(index, c); });
    if (!goes) {
      auto sql = recreate_index(index, after, index.name, renamed.first, renamed.second);
      if (!sql) return statements;  // DuckDB's own error then
      again.push_back(*sql);
    }
    out.push_back("DROP INDEX " + qualified(rel, index.name));
  }
  out.insert(out.end(), statements.begin(), statements.end());
  out.insert(out.end(), again.begin(), again.end());
  return out;
}

bool alters_under_indexes(pg_query::AlterTableType t) {
  return t == pg_query::AT_SetNotNull || t == pg_query::AT_DropNotNull || t == pg_query::AT_AlterColumnType ||
         t == pg_query::AT_DropColumn;
}

// ALTER TABLE … RENAME [COLUMN] of a table with indexes (dbt's rename of a materialized view
// to its backup); ALTER INDEX … RENAME TO (DuckDB has neither): the index is made again under
// its new name.
std::vector<std::string> adapt_rename(Statement& s, const CatalogLookup& lookup) {
  const auto& rename = s.tree->stmts(0).stmt().rename_stmt();
  if (!rename.has_relation()) return {};
  const auto& rel = rename.relation();
  bool column = rename.rename_type() == pg_query::OBJECT_COLUMN && rename.relation_type() == pg_query::OBJECT_TABLE;
  if (column || rename.rename_type() == pg_query::OBJECT_TABLE) {
    Statement copy = s;  // left as it was when there are no indexes
    std::vector<std::string> statements = rewrite_for_duckdb(copy);
    if (statements.empty()) statements.push_back(copy.text);
    std::vector<std::string> out =
        column ? around_indexes(rel, statements, {}, {rename.subname(), rename.newname()}, lookup)
               : around_indexes(rel, statements, {}, {}, lookup, rename.newname());
    if (out.size() == statements.size()) return {};
    return out;
  }
  if (rename.rename_type() != pg_query::OBJECT_INDEX) return {};
  std::string schema = rel.schemaname().empty() ? std::string("current_schema()")
                                                : quote_literal(duckdb_schema(rel.schemaname()));
  auto rows = lookup("SELECT index_name::VARCHAR, sql::VARCHAR, table_name::VARCHAR FROM duckdb_indexes() WHERE "
                     "database_name = current_database() AND lower(schema_name) = lower(" + schema +
                     ") AND lower(index_name) = lower(" + quote_literal(rel.relname()) + ")");
  if (rows.empty() || rows[0].size() < 3 || !rows[0][1] || !rows[0][2]) {
    if (rename.missing_ok()) return {"SELECT 1", "SELECT 1"};
    throw SqlError("42P01", "relation \"" + rel.relname() + "\" does not exist");
  }
  pg_query::RangeVar table = rel;
  table.set_relname(*rows[0][2]);
  auto sql = recreate_index({*rows[0][0], *rows[0][1]}, table, rename.newname());
  if (!sql) throw SqlError("0A000", "ALTER INDEX … RENAME cannot remake index " + rel.relname() + " in duckgres");
  return {"DROP INDEX " + qualified(rel, *rows[0][0]), *sql};
}

std::vector<std::string> adapt_alter_table(Statement& s, const CatalogLookup& lookup) {
  const auto& alter = s.tree->stmts(0).stmt().alter_table_stmt();
  if (alter.objtype() != pg_query::OBJECT_TABLE || !alter.has_relation()) return {};
  const auto& rel = alter.relation();
  bool special = alter.cmds_size() > 1;
  bool under_indexes = false;
  std::vector<std::string> dropped_columns;
  for (const auto& c : alter.cmds()) {
    const auto& cmd = c.alter_table_cmd();
    if (cmd.subtype() == pg_query::AT_AddConstraint || cmd.subtype() == pg_query::AT_DropConstraint) special = true;
    if (alters_under_indexes(cmd.subtype())) under_indexes = true;
    if (cmd.subtype() == pg_query::AT_DropColumn) dropped_columns.push_back(cmd.name());
  }
  if (under_indexes) {
    std::vector<std::string> statements;
    if (special) {
      statements = adapt_alter_table_actions(s, lookup);
    } else {
      Statement copy = s;  // left as it was when there are no indexes
      statements = rewrite_for_duckdb(copy);
      if (statements.empty()) statements.push_back(copy.text);
    }
    std::vector<std::string> out = around_indexes(rel, statements, dropped_columns, {}, lookup);
    if (out.size() > statements.size() || special) return out;
    return {};
  }
  if (!special) return {};
  return adapt_alter_table_actions(s, lookup);
}

std::vector<std::string> adapt_alter_table_actions(Statement& s, const CatalogLookup& lookup) {
  const auto& alter = s.tree->stmts(0).stmt().alter_table_stmt();
  const auto& rel = alter.relation();
  std::vector<std::string> out;
  for (const auto& c : alter.cmds()) {
    const auto& cmd = c.alter_table_cmd();
    if (cmd.subtype() == pg_query::AT_AddConstraint && cmd.def().has_constraint()) {
      const auto& con = cmd.def().constraint();
      switch (con.contype()) {
        case pg_query::CONSTR_UNIQUE: {
          std::string name = con.conname();
          if (name.empty()) {
            std::string cols;
            for (const auto& k : con.keys()) cols += (cols.empty() ? "" : "_") + k.string().sval();
            name = object_name(rel.relname(), cols, "key");
          }
          out.push_back("CREATE UNIQUE INDEX " + quote_identifier(name) + " ON " + qualified(rel) + " (" +
                        column_list(con.keys()) + ")");
          continue;
        }
        case pg_query::CONSTR_PRIMARY:
          if (con.keys_size() > 0) {
            out.push_back("ALTER TABLE " + qualified(rel) + " ADD PRIMARY KEY (" + column_list(con.keys()) + ")");
            continue;
          }
          break;
        case pg_query::CONSTR_CHECK:
          throw SqlError("0A000",
                         "ALTER TABLE … ADD CONSTRAINT … CHECK is not supported by duckgres (DuckDB checks "
                         "only constraints declared in CREATE TABLE)");
        case pg_query::CONSTR_FOREIGN:
          throw SqlError("0A000",
                         "ALTER TABLE … ADD CONSTRAINT … FOREIGN KEY is not supported by duckgres (DuckDB "
                         "checks only foreign keys declared in CREATE TABLE)");
        default: break;
      }
      throw SqlError("0A000", "this ALTER TABLE … ADD CONSTRAINT is not supported by duckgres");
    }
    if (cmd.subtype() == pg_query::AT_DropConstraint) {
      // A unique constraint added above is a unique index of that name.
      std::string schema = rel.schemaname().empty() ? std::string("current_schema()")
                                                    : quote_literal(duckdb_schema(rel.schemaname()));
      auto rows = lookup("SELECT index_name::VARCHAR FROM duckdb_indexes() WHERE database_name = current_database() "
                         "AND lower(schema_name) = lower(" + schema + ") AND index_name = " +
                         quote_literal(cmd.name()));
      if (!rows.empty()) {
        out.push_back("DROP INDEX " + qualified(rel, cmd.name()));
        continue;
      }
      if (cmd.missing_ok()) continue;
      throw SqlError("0A000", "ALTER TABLE … DROP CONSTRAINT " + cmd.name() +
                                  " is not supported by duckgres (DuckDB cannot drop constraints declared in "
                                  "CREATE TABLE)");
    }
    pg_query::Node one = s.tree->stmts(0).stmt();
    auto* a = one.mutable_alter_table_stmt();
    a->clear_cmds();
    *a->add_cmds() = c;
    Statement part = s;
    *part.tree->mutable_stmts(0)->mutable_stmt() = one;
    part.text = deparse(*part.tree);
    std::vector<std::string> rewritten = rewrite_for_duckdb(part);
    if (rewritten.empty()) rewritten.push_back(part.text);
    out.insert(out.end(), rewritten.begin(), rewritten.end());
  }
  if (out.empty()) out.push_back("SELECT 1");  // DROP CONSTRAINT IF EXISTS of nothing
  return out;
}

}  // namespace

std::string generated_columns_virtual(const std::string& sql) {
  static const std::string kStart = "GENERATED ALWAYS AS (";
  static const std::string kStored = " STORED";
  std::string out;
  size_t i = 0;
  while (i < sql.size()) {
    char c = sql[i];
    if (c == '\'' || c == '"') {  // a literal or quoted name: copied whole
      size_t j = i + 1;
      while (j < sql.size()) {
        if (sql[j] == c) {
          if (j + 1 < sql.size() && sql[j + 1] == c) {
            j += 2;
            continue;
          }
          break;
        }
        ++j;
      }
      out.append(sql, i, j + 1 - i);
      i = j + 1;
      continue;
    }
    if (sql.compare(i, kStart.size(), kStart) == 0) {
      // Copy up to the matching parenthesis, then drop " STORED".
      size_t j = i + kStart.size();
      int depth = 1;
      while (j < sql.size() && depth > 0) {
        char d = sql[j];
        if (d == '\'' || d == '"') {
          size_t k = j + 1;
          while (k < sql.size() && !(sql[k] == d && (k + 1 >= sql.size() || sql[k + 1] != d))) k += sql[k] == d ? 2 : 1;
          j = k + 1;
          continue;
        }
        if (d == '(') ++depth;
        if (d == ')') --depth;
        ++j;
      }
      out.append(sql, i, j - i);
      i = j;
      if (sql.compare(i, kStored.size(), kStored) == 0) i += kStored.size();
      continue;
    }
    out.push_back(c);
    ++i;
  }
  return out;
}

std::vector<std::string> adapt_ddl(Statement& s, const CatalogLookup& lookup) {
  switch (s.tree->stmts(0).stmt().node_case()) {
    case pg_query::Node::kCreateStmt: return adapt_create(s, lookup);
    case pg_query::Node::kCreateTableAsStmt: return adapt_create_table_as(s, lookup);
    case pg_query::Node::kIndexStmt: adapt_index(s, lookup); return {};
    case pg_query::Node::kTruncateStmt: return adapt_truncate(s, lookup);
    case pg_query::Node::kAlterTableStmt: return adapt_alter_table(s, lookup);
    case pg_query::Node::kRenameStmt: return adapt_rename(s, lookup);
    case pg_query::Node::kCreateSeqStmt: {
      auto& seq = *s.tree->mutable_stmts(0)->mutable_stmt()->mutable_create_seq_stmt();
      std::string before = seq.SerializeAsString();
      bound_sequence_by_type(seq, "bigint");
      if (seq.SerializeAsString() != before) s.text = deparse(*s.tree);
      return {};
    }
    default: return {};
  }
}

}  // namespace ducklings::sql
