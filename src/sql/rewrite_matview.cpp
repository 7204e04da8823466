#include "sql/rewrite_matview.h"

#include <cctype>
#include <optional>

#include "common/errors.h"
#include "sql/parser.h"
#include "sql/quoting.h"
#include "sql/rewrite.h"
#include "sql/tree_walk.h"

namespace ducklings::sql {
namespace {

// The schema as the meta table holds it: DuckDB's name, the current schema when unqualified.
std::string schema_expression(const std::string& schema) {
  return schema.empty() ? std::string("current_schema()") : quote_literal(schema == "public" ? "main" : schema);
}

std::string meta_filter(const std::string& schema, const std::string& name) {
  return " WHERE lower(schema_name) = lower(" + schema_expression(schema) + ") AND lower(view_name) = lower(" +
         quote_literal(name) + ")";
}

std::string qualified(const pg_query::RangeVar& rel) {
  return rel.schemaname().empty() ? quote_identifier(rel.relname())
                                  : quote_identifier(rel.schemaname()) + "." + quote_identifier(rel.relname());
}

bool is_matview(const pg_query::RangeVar& rel, const CatalogLookup& lookup) {
  return !lookup("SELECT view_name::VARCHAR FROM duckgres_meta.matviews" +
                 meta_filter(rel.schemaname(), rel.relname()))
              .empty();
}

bool table_exists(const pg_query::RangeVar& rel, const CatalogLookup& lookup) {
  return !lookup("SELECT table_name::VARCHAR FROM duckdb_tables() WHERE " +
                 relation_filter(rel.schemaname(), rel.relname()))
              .empty();
}

pg_query::RangeVar range_var_of(const pg_query::Node& object) {
  // DROP's objects are lists of names: [schema,] name.
  pg_query::RangeVar rv;
  const auto& items = object.list().items();
  if (items.size() >= 2) rv.set_schemaname(items[items.size() - 2].string().sval());
  if (!items.empty()) rv.set_relname(items[items.size() - 1].string().sval());
  return rv;
}

std::vector<std::string> create(Statement& s, const CatalogLookup& lookup) {
  auto* ctas = s.tree->mutable_stmts(0)->mutable_stmt()->mutable_create_table_as_stmt();
  const auto& rel = ctas->into().rel();
  ctas->set_objtype(pg_query::OBJECT_TABLE);
  if (ctas->if_not_exists() && table_exists(rel, lookup)) {
    s.text = deparse(*s.tree);
    return {};  // the CREATE TABLE AS path answers it (nothing created, nothing recorded)
  }
  Statement::MatviewDefinition m;
  m.schema = rel.schemaname();
  m.name = rel.relname();
  pg_query::Node query = ctas->query();  // shown without dbt's database qualifiers
  walk_range_vars(query, [](pg_query::RangeVar& rv) {
    if (is_database_qualifier(rv.catalogname())) rv.clear_catalogname();
  });
  m.query = deparse_statement(query);
  m.populated = !ctas->into().skip_data();
  s.matview = std::move(m);
  s.text = deparse(*s.tree);
  return {};
}

std::vector<std::string> refresh(Statement& s, const CatalogLookup& lookup) {
  const auto& r = s.tree->stmts(0).stmt().refresh_mat_view_stmt();
  const auto& rel = r.relation();
  auto rows = lookup("SELECT definition::VARCHAR, populated::VARCHAR FROM duckgres_meta.matviews" +
                     meta_filter(rel.schemaname(), rel.relname()));
  if (rows.empty() || !rows[0][0]) {
    bool view = !lookup("SELECT view_name::VARCHAR FROM duckdb_views() WHERE database_name = current_database() "
                        "AND lower(schema_name) = lower(" + schema_expression(rel.schemaname()) +
                        ") AND lower(view_name) = lower(" + quote_literal(rel.relname()) + ")")
                     .empty();
    if (view || table_exists(rel, lookup)) {
      throw SqlError("0A000", "\"" + rel.relname() + "\" is not a materialized view");
    }
    throw SqlError("42P01", "relation \"" + rel.relname() + "\" does not exist");
  }
  bool populated = rows[0][1] && *rows[0][1] == "true";
  if (r.concurrent()) {
    if (r.skip_data())
      throw SqlError("0A000", "REFRESH options CONCURRENTLY and WITH NO DATA cannot be used together");
    if (!populated)
      throw SqlError("0A000", "CONCURRENTLY cannot be used when the materialized view is not populated");
    auto unique = lookup("SELECT index_name::VARCHAR FROM duckdb_indexes() WHERE is_unique AND " +
                         relation_filter(rel.schemaname(), rel.relname()));
    if (unique.empty()) {
      auto schema = lookup("SELECT CASE " + schema_expression(rel.schemaname()) +
                           " WHEN 'main' THEN 'public' ELSE " + schema_expression(rel.schemaname()) + " END");
      std::string name = (schema.empty() || !schema[0][0] ? std::string("public") : *schema[0][0]) + "." + rel.relname();
      throw SqlError("55000", "cannot refresh materialized view \"" + name + "\" concurrently", 0, "",
                     "Create a unique index with no WHERE clause on one or more columns of the materialized view.");
    }
  }
  std::string target = qualified(rel);
  // One transaction (a script runs as one): the old rows until it commits, then the new.
  std::vector<std::string> out = {"DELETE FROM " + target};
  if (!r.skip_data()) {
    Statement insert;
    insert.text = "INSERT INTO " + target + " " + *rows[0][0];
    insert.tree = parse(insert.text);
    if (!insert.tree) throw SqlError("XX000", "the definition of materialized view \"" + rel.relname() + "\" no longer parses");
    insert.kind = StatementKind::kInsert;
    insert.tag = "INSERT";
    std::vector<std::string> translated = rewrite_for_duckdb(insert);
    if (translated.empty()) translated.push_back(insert.text);
    out.insert(out.end(), translated.begin(), translated.end());
  }
  out.push_back(std::string("UPDATE duckgres_meta.matviews SET populated = ") + (r.skip_data() ? "false" : "true") +
                meta_filter(rel.schemaname(), rel.relname()));
  return out;
}

std::vector<std::string> drop(Statement& s, const CatalogLookup& lookup) {
  auto* d = s.tree->mutable_stmts(0)->mutable_stmt()->mutable_drop_stmt();
  bool matview = d->remove_type() == pg_query::OBJECT_MATVIEW;
  if (!matview && d->remove_type() != pg_query::OBJECT_TABLE) return {};
  for (const auto& object : d->objects()) {
    pg_query::RangeVar rel = range_var_of(object);
    bool is = is_matview(rel, lookup);
    if (matview && !is && table_exists(rel, lookup)) {
      throw SqlError("42809", "\"" + rel.relname() + "\" is not a materialized view", 0, "",
                     "Use DROP TABLE to remove a table.");
    }
    if (!matview && is) {
      throw SqlError("42809", "\"" + rel.relname() + "\" is not a table", 0, "",
                     "Use DROP MATERIALIZED VIEW to remove a materialized view.");
    }
  }
  if (!matview) return {};
  d->set_remove_type(pg_query::OBJECT_TABLE);
  s.text = deparse(*s.tree);
  return {};
}

std::vector<std::string> rename(Statement& s, const CatalogLookup& lookup) {
  auto* r = s.tree->mutable_stmts(0)->mutable_stmt()->mutable_rename_stmt();
  bool changed = false;
  if (r->rename_type() == pg_query::OBJECT_MATVIEW) {
    r->set_rename_type(pg_query::OBJECT_TABLE);
    changed = true;
  }
  if (r->relation_type() == pg_query::OBJECT_MATVIEW) {
    r->set_relation_type(pg_query::OBJECT_TABLE);
    changed = true;
  }
  if (!changed) return {};
  if (r->has_relation() && !r->missing_ok() && !is_matview(r->relation(), lookup)) {
    if (table_exists(r->relation(), lookup))
      throw SqlError("42809", "\"" + r->relation().relname() + "\" is not a materialized view");
  }
  s.text = deparse(*s.tree);
  return {};
}

// COMMENT ON MATERIALIZED VIEW (dbt's persist_docs) comments on the table.
std::vector<std::string> comment(Statement& s, const CatalogLookup& lookup) {
  auto* c = s.tree->mutable_stmts(0)->mutable_stmt()->mutable_comment_stmt();
  pg_query::RangeVar rel = range_var_of(c->object());
  if (!is_matview(rel, lookup) && table_exists(rel, lookup))
    throw SqlError("42809", "\"" + rel.relname() + "\" is not a materialized view");
  c->set_objtype(pg_query::OBJECT_TABLE);
  s.text = deparse(*s.tree);
  return {};
}

// Whether EXPLAIN runs its statement (ANALYZE, unless ANALYZE false).
bool explain_runs(const pg_query::ExplainStmt& e) {
  for (const auto& o : e.options()) {
    if (!o.has_def_elem() || o.def_elem().defname() != "analyze") continue;
    const auto& arg = o.def_elem().arg();
    if (arg.has_boolean()) return arg.boolean().boolval();
    if (arg.has_string()) return arg.string().sval() != "false" && arg.string().sval() != "off";
    return !o.def_elem().has_arg() || !(arg.has_integer() && arg.integer().ival() == 0);
  }
  return false;
}

// The part of a statement that scans relations, with what it writes left out; nullopt when it
// scans none.
std::optional<pg_query::Node> scanning_part(const pg_query::Node& root, bool no_data) {
  pg_query::Node out;
  switch (root.node_case()) {
    case pg_query::Node::kSelectStmt:
    case pg_query::Node::kInsertStmt:
    case pg_query::Node::kUpdateStmt:
    case pg_query::Node::kDeleteStmt:
    case pg_query::Node::kMergeStmt: {
      // Its target (SELECT INTO's, the relation the others write) is not scanned.
      out = root;
      const auto* r = out.GetReflection();
      auto* stmt = r->MutableMessage(&out, r->GetOneofFieldDescriptor(out, pg_query::Node::descriptor()->oneof_decl(0)));
      const char* target = root.has_select_stmt() ? "into_clause" : "relation";
      stmt->GetReflection()->ClearField(stmt, stmt->GetDescriptor()->FindFieldByName(target));
      return out;
    }
    case pg_query::Node::kCreateTableAsStmt:
      if (no_data || root.create_table_as_stmt().into().skip_data()) return std::nullopt;
      return root.create_table_as_stmt().query();
    case pg_query::Node::kExplainStmt:
      if (!explain_runs(root.explain_stmt())) return std::nullopt;
      return scanning_part(root.explain_stmt().query(), no_data);
    case pg_query::Node::kCopyStmt:
      if (!root.copy_stmt().has_query()) return std::nullopt;
      return root.copy_stmt().query();
    case pg_query::Node::kDeclareCursorStmt:
      return scanning_part(root.declare_cursor_stmt().query(), no_data);
    default:
      return std::nullopt;
  }
}

std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

}  // namespace

const char* const kMatviewReadersSql =
    "WITH RECURSIVE r(schema_name, name) AS (SELECT schema_name, view_name FROM duckgres_meta.matviews "
    "UNION SELECT d.schema_name, d.view_name FROM duckgres_meta.view_dependencies d JOIN r "
    "ON lower(d.ref_schema) = lower(r.schema_name) AND lower(d.ref_name) = lower(r.name)) "
    "SELECT DISTINCT lower(name)::VARCHAR FROM r";

std::vector<pg_query::RangeVar> matview_candidates(const Statement& s, const std::unordered_set<std::string>& names) {
  std::vector<pg_query::RangeVar> out;
  const pg_query::Node* root = root_node(s);
  if (!root || names.empty()) return out;
  std::optional<pg_query::Node> part = scanning_part(*root, s.no_data);
  if (!part) return out;
  std::unordered_set<std::string> ctes;
  bool any = false;
  walk_messages(*part, [&](google::protobuf::Message& m) {
    if (m.GetDescriptor() == pg_query::CommonTableExpr::descriptor()) {
      ctes.insert(static_cast<pg_query::CommonTableExpr&>(m).ctename());
    } else if (m.GetDescriptor() == pg_query::RangeVar::descriptor()) {
      any = any || names.count(lower(static_cast<pg_query::RangeVar&>(m).relname())) > 0;
    }
  });
  if (!any) return out;
  walk_range_vars(*part, [&](pg_query::RangeVar& rv) {
    if (!names.count(lower(rv.relname()))) return;
    if (rv.schemaname().empty() && ctes.count(rv.relname())) return;
    out.push_back(rv);
  });
  return out;
}

std::string unpopulated_matview_sql(const std::string& schema, const std::string& name) {
  return "WITH RECURSIVE r(schema_name, name) AS (SELECT " + quote_literal(schema) + ", " + quote_literal(name) +
         " UNION SELECT d.ref_schema, d.ref_name FROM duckgres_meta.view_dependencies d JOIN r "
         "ON lower(d.schema_name) = lower(r.schema_name) AND lower(d.view_name) = lower(r.name)) "
         "SELECT m.view_name::VARCHAR FROM r JOIN duckgres_meta.matviews m ON lower(m.schema_name) = "
         "lower(r.schema_name) AND lower(m.view_name) = lower(r.name) WHERE NOT m.populated LIMIT 1";
}

void refuse_unpopulated(const std::string& name) {
  throw SqlError("55000", "materialized view \"" + name + "\" has not been populated", 0, "",
                 "Use the REFRESH MATERIALIZED VIEW command.");
}

std::vector<std::string> adapt_matview(Statement& s, const CatalogLookup& lookup) {
  if (!s.tree || s.tree->stmts_size() != 1) return {};
  const pg_query::Node& root = s.tree->stmts(0).stmt();
  switch (root.node_case()) {
    case pg_query::Node::kCreateTableAsStmt:
      if (root.create_table_as_stmt().objtype() != pg_query::OBJECT_MATVIEW) return {};
      return create(s, lookup);
    case pg_query::Node::kRefreshMatViewStmt: return refresh(s, lookup);
    case pg_query::Node::kDropStmt: return drop(s, lookup);
    case pg_query::Node::kRenameStmt: return rename(s, lookup);
    case pg_query::Node::kCommentStmt:
      if (root.comment_stmt().objtype() != pg_query::OBJECT_MATVIEW || !root.comment_stmt().object().has_list()) return {};
      return comment(s, lookup);
    default: return {};
  }
}

std::vector<std::string> matview_bookkeeping(const Statement& s) {
  if (s.matview) {
    const auto& m = *s.matview;
    return {"DELETE FROM duckgres_meta.matviews" + meta_filter(m.schema, m.name),
            "INSERT INTO duckgres_meta.matviews VALUES (" + schema_expression(m.schema) + ", " +
                quote_literal(m.name) + ", " + quote_literal(m.query) + ", " + (m.populated ? "true" : "false") + ")"};
  }
  if (!s.tree || s.tree->stmts_size() != 1) return {};
  const pg_query::Node& root = s.tree->stmts(0).stmt();
  if (root.has_drop_stmt() && root.drop_stmt().remove_type() == pg_query::OBJECT_TABLE) {
    std::vector<std::string> out;
    for (const auto& object : root.drop_stmt().objects()) {
      pg_query::RangeVar rel = range_var_of(object);
      out.push_back("DELETE FROM duckgres_meta.matviews" + meta_filter(rel.schemaname(), rel.relname()));
    }
    return out;
  }
  if (root.has_rename_stmt() && root.rename_stmt().has_relation() &&
      root.rename_stmt().rename_type() == pg_query::OBJECT_TABLE) {
    const auto& r = root.rename_stmt();
    return {"UPDATE duckgres_meta.matviews SET view_name = " + quote_literal(r.newname()) +
            meta_filter(r.relation().schemaname(), r.relation().relname())};
  }
  return {};
}

}  // namespace ducklings::sql
