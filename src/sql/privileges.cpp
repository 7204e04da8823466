#include "sql/privileges.h"

#include <algorithm>
#include <cctype>
#include <set>

#include "sql/catalog.h"
#include "sql/function_policy.h"
#include "sql/storage_urls.h"

namespace ducklings::sql {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;
using Scope = std::vector<std::string>;  // CTE names visible where a relation is named

class Collector {
 public:
  StatementAccess out;

  void owner(const std::string& reason) {
    out.owner_only = true;
    if (out.owner_reason.empty()) out.owner_reason = reason;
  }

  void need(Privilege p, const pg_query::RangeVar& rv, const Scope& scope) {
    if (rv.catalogname() == "system") {
      // DuckDB's own catalog views (system.main.duckdb_tables, system.pg_catalog.pg_class)
      // show every tenant's objects; the emulated catalogs filter.
      owner("DuckDB's system catalog");
      return;
    }
    // pg_catalog and information_schema relations the gateway does not emulate are DuckDB's,
    // which show every tenant's objects.
    if ((rv.schemaname() == "pg_catalog" && !is_catalog_relation(rv.relname())) ||
        (rv.schemaname() == "information_schema" &&
         !is_information_schema_relation(rv.relname()))) {
      owner(rv.schemaname() + "." + rv.relname() + " (not emulated: DuckDB's catalog)");
      return;
    }
    if (rv.schemaname().empty() && rv.catalogname().empty() &&
        std::find(scope.begin(), scope.end(), rv.relname()) != scope.end()) {
      return;  // a CTE of the statement, not a relation
    }
    out.needs.push_back({p, rv.schemaname(), rv.relname()});
  }

  void need_schema(Privilege p, const std::string& schema) { out.needs.push_back({p, schema, ""}); }

  // Every relation below `m` is read, except where a nested statement says otherwise.
  void walk(const Message& m, const Scope& scope) {
    if (skip_.count(&m)) return;
    const Descriptor* d = m.GetDescriptor();
    if (d == pg_query::Node::descriptor()) {
      const auto& n = static_cast<const pg_query::Node&>(m);
      switch (n.node_case()) {
        case pg_query::Node::kSelectStmt:
          select(n.select_stmt(), scope);
          return;
        case pg_query::Node::kInsertStmt:
        case pg_query::Node::kUpdateStmt:
        case pg_query::Node::kDeleteStmt:
        case pg_query::Node::kMergeStmt:
          dml(n, scope);
          return;
        default:
          break;
      }
    }
    if (d == pg_query::RangeVar::descriptor()) {
      need(Privilege::kSelect, static_cast<const pg_query::RangeVar&>(m), scope);
      return;
    }
    if (d == pg_query::RangeFunction::descriptor()) {
      // FROM f(…): the calls are table functions.
      for (const auto& item : static_cast<const pg_query::RangeFunction&>(m).functions()) {
        if (item.has_list() && item.list().items_size() > 0 && item.list().items(0).has_func_call())
          from_calls_.insert(&item.list().items(0).func_call());
      }
    } else if (d == pg_query::FuncCall::descriptor()) {
      function(static_cast<const pg_query::FuncCall&>(m), scope);
    }
    children(m, scope);
  }

  void statement(const pg_query::Node& root) {
    using N = pg_query::Node;
    const Scope none;
    switch (root.node_case()) {
      case N::kSelectStmt:
      case N::kInsertStmt:
      case N::kUpdateStmt:
      case N::kDeleteStmt:
      case N::kMergeStmt:
        walk(root, none);
        return;
      case N::kCopyStmt: {
        const auto& c = root.copy_stmt();
        if (c.has_relation())
          need(c.is_from() ? Privilege::kInsert : Privilege::kSelect, c.relation(), none);
        if (c.has_query()) walk(c.query(), none);
        return;
      }
      case N::kExplainStmt:
        if (root.explain_stmt().has_query()) statement(root.explain_stmt().query());
        return;
      case N::kDeclareCursorStmt:
        if (root.declare_cursor_stmt().has_query()) statement(root.declare_cursor_stmt().query());
        return;
      case N::kPrepareStmt:
        if (root.prepare_stmt().has_query()) statement(root.prepare_stmt().query());
        return;
      case N::kCreateStmt: {
        const auto& c = root.create_stmt();
        need_schema(Privilege::kCreate, c.relation().schemaname());
        skip_.insert(&c.relation());
        walk(root, none);  // LIKE and REFERENCES name other tables
        return;
      }
      case N::kCreateTableAsStmt: {
        const auto& c = root.create_table_as_stmt();
        need_schema(Privilege::kCreate, c.into().rel().schemaname());
        if (c.has_query()) walk(c.query(), none);
        return;
      }
      case N::kViewStmt: {
        const auto& v = root.view_stmt();
        need_schema(Privilege::kCreate, v.view().schemaname());
        if (v.has_query()) walk(v.query(), none);
        return;
      }
      case N::kIndexStmt:
        need_schema(Privilege::kCreate, root.index_stmt().relation().schemaname());
        return;
      case N::kCreateSeqStmt:
        need_schema(Privilege::kCreate, root.create_seq_stmt().sequence().schemaname());
        return;
      case N::kAlterTableStmt:
        need_schema(Privilege::kCreate, root.alter_table_stmt().relation().schemaname());
        return;
      case N::kRenameStmt:
        if (root.rename_stmt().has_relation()) {
          need_schema(Privilege::kCreate, root.rename_stmt().relation().schemaname());
        } else {
          owner("ALTER … RENAME");
        }
        return;
      case N::kDropStmt:
        drop(root.drop_stmt());
        return;
      case N::kRefreshMatViewStmt:  // PostgreSQL: its owner; here, who may create in its schema
        need_schema(Privilege::kCreate, root.refresh_mat_view_stmt().relation().schemaname());
        return;
      case N::kTruncateStmt:
        for (const auto& r : root.truncate_stmt().relations()) {
          if (r.has_range_var()) need(Privilege::kDelete, r.range_var(), none);
        }
        return;
      case N::kCommentStmt: {
        const auto& c = root.comment_stmt();
        std::vector<std::string> names = list_names(c.object());
        size_t drop_last = c.objtype() == pg_query::OBJECT_COLUMN ? 2 : 1;
        if ((c.objtype() == pg_query::OBJECT_TABLE || c.objtype() == pg_query::OBJECT_VIEW ||
             c.objtype() == pg_query::OBJECT_MATVIEW || c.objtype() == pg_query::OBJECT_COLUMN) &&
            names.size() >= drop_last) {
          need_schema(Privilege::kCreate,
                      names.size() > drop_last ? names[names.size() - drop_last - 1] : "");
        } else {
          owner("COMMENT");
        }
        return;
      }
      case N::kCreateEnumStmt:
        type_names(root.create_enum_stmt().type_name());
        return;
      case N::kCompositeTypeStmt:
        need_schema(Privilege::kCreate, root.composite_type_stmt().typevar().schemaname());
        return;
      case N::kCreateSchemaStmt:
        owner("CREATE SCHEMA");
        return;
      case N::kGrantStmt:
        owner(root.grant_stmt().is_grant() ? "GRANT" : "REVOKE");
        return;
      case N::kGrantRoleStmt:
        owner(root.grant_role_stmt().is_grant() ? "GRANT" : "REVOKE");
        return;
      case N::kCreateRoleStmt:
        owner("CREATE ROLE");
        return;
      case N::kDropRoleStmt:
        owner("DROP ROLE");
        return;
      case N::kAlterRoleStmt:
        return;  // a password: one's own, or an owner's for anyone (the session checks)
      case N::kAlterRoleSetStmt:
        owner("ALTER ROLE");
        return;
      case N::kAlterDefaultPrivilegesStmt:
        owner("ALTER DEFAULT PRIVILEGES");
        return;
      case N::kAlterOwnerStmt:
      case N::kReassignOwnedStmt:
      case N::kDropOwnedStmt:
        owner("changing owners");
        return;
      case N::kTransactionStmt:
      case N::kVariableSetStmt:
      case N::kVariableShowStmt:
      case N::kDiscardStmt:
      case N::kDeallocateStmt:
      case N::kExecuteStmt:
      case N::kFetchStmt:
      case N::kClosePortalStmt:
      case N::kVacuumStmt:
      case N::kCheckPointStmt:
        return;  // nothing of the data
      default:
        owner("this statement (the gateway cannot tell what it reaches)");
        return;
    }
  }

 private:
  void children(const Message& m, const Scope& scope) {
    const Reflection* r = m.GetReflection();
    const Descriptor* d = m.GetDescriptor();
    if (d == pg_query::Node::descriptor()) {
      const FieldDescriptor* f = r->GetOneofFieldDescriptor(m, d->oneof_decl(0));
      if (f && f->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE) walk(r->GetMessage(m, f), scope);
      return;
    }
    for (int i = 0; i < d->field_count(); ++i) {
      const FieldDescriptor* f = d->field(i);
      if (f->cpp_type() != FieldDescriptor::CPPTYPE_MESSAGE) continue;
      if (f->is_repeated()) {
        for (int j = 0; j < r->FieldSize(m, f); ++j) walk(r->GetRepeatedMessage(m, f, j), scope);
      } else if (r->HasField(m, f)) {
        walk(r->GetMessage(m, f), scope);
      }
    }
  }

  // A WITH list: a non-recursive CTE sees only those before it; a recursive list sees all.
  void with(const pg_query::WithClause& w, Scope& scope) {
    skip_.insert(&w);
    if (w.recursive()) {
      for (const auto& c : w.ctes()) scope.push_back(c.common_table_expr().ctename());
      for (const auto& c : w.ctes()) walk(c.common_table_expr().ctequery(), scope);
      return;
    }
    for (const auto& c : w.ctes()) {
      walk(c.common_table_expr().ctequery(), scope);
      scope.push_back(c.common_table_expr().ctename());
    }
  }

  void select(const pg_query::SelectStmt& s, const Scope& outer) {
    Scope scope = outer;
    if (s.has_with_clause()) with(s.with_clause(), scope);
    children(s, scope);
  }

  void dml(const pg_query::Node& n, const Scope& outer) {
    Scope scope = outer;
    const Scope none;  // a statement's target is never one of its CTEs
    if (n.has_insert_stmt()) {
      const auto& s = n.insert_stmt();
      if (s.has_with_clause()) with(s.with_clause(), scope);
      need(Privilege::kInsert, s.relation(), none);
      if (s.has_on_conflict_clause() &&
          s.on_conflict_clause().action() == pg_query::ONCONFLICT_UPDATE) {
        need(Privilege::kUpdate, s.relation(), none);
      }
      skip_.insert(&s.relation());
      children(s, scope);
    } else if (n.has_update_stmt()) {
      const auto& s = n.update_stmt();
      if (s.has_with_clause()) with(s.with_clause(), scope);
      need(Privilege::kUpdate, s.relation(), none);
      skip_.insert(&s.relation());
      children(s, scope);
    } else if (n.has_delete_stmt()) {
      const auto& s = n.delete_stmt();
      if (s.has_with_clause()) with(s.with_clause(), scope);
      need(Privilege::kDelete, s.relation(), none);
      skip_.insert(&s.relation());
      children(s, scope);
    } else if (n.has_merge_stmt()) {
      const auto& s = n.merge_stmt();
      if (s.has_with_clause()) with(s.with_clause(), scope);
      for (const auto& w : s.merge_when_clauses()) {
        switch (w.merge_when_clause().command_type()) {
          case pg_query::CMD_INSERT:
            need(Privilege::kInsert, s.relation(), none);
            break;
          case pg_query::CMD_UPDATE:
            need(Privilege::kUpdate, s.relation(), none);
            break;
          case pg_query::CMD_DELETE:
            need(Privilege::kDelete, s.relation(), none);
            break;
          default:
            break;
        }
      }
      skip_.insert(&s.relation());
      children(s, scope);
    }
  }

  // A function call: allowed below owner only when function_policy lists it.
  void function(const pg_query::FuncCall& call, const Scope& scope) {
    const auto& names = call.funcname();
    if (names.empty() || !names[names.size() - 1].has_string()) return;
    std::string name = lower(names[names.size() - 1].string().sval());
    if (names.size() >= 2) {
      const auto& schema = names[names.size() - 2];
      if (!schema.has_string() || !builtin_function_schema(lower(schema.string().sval()))) {
        owner("function " + name + "() of a schema (user-defined functions)");
        return;
      }
    }
    // s3://<storage>/… of the organization's storages: the storage's grant is checked when its
    // objects are fetched (control/storage_access.h).
    if (reads_storage_urls(name) && call.args_size() > 0 && storage_urls_only(call.args(0))) return;
    switch (function_use(name, from_calls_.count(&call) > 0)) {
      case FunctionUse::kAllowed:
        return;
      case FunctionUse::kNotAllowed:
        if (std::find(out.functions_not_allowed.begin(), out.functions_not_allowed.end(), name) ==
            out.functions_not_allowed.end()) {
          out.functions_not_allowed.push_back(name);
        }
        return;
      case FunctionUse::kNamesRelation:
        break;
    }
    // nextval('s'), pragma_table_info('t'): the relation named by a constant.
    std::optional<pg_query::RangeVar> rv;
    if (call.args_size() > 0) rv = relation_of(call.args(0));
    if (!rv) {
      owner("function " + name + "() of a relation not named by a constant");
      return;
    }
    bool writes = name == "nextval" || name == "setval";
    need(writes ? Privilege::kUpdate : Privilege::kSelect, *rv, scope);
  }

  // The relation a constant names: 'name', 'schema.name', '"Quoted"', optionally ::regclass.
  static std::optional<pg_query::RangeVar> relation_of(const pg_query::Node& arg) {
    const pg_query::Node* n = &arg;
    if (n->has_type_cast()) n = &n->type_cast().arg();
    if (!n->has_a_const() || !n->a_const().has_sval()) return std::nullopt;
    const std::string& text = n->a_const().sval().sval();
    std::vector<std::string> parts;
    std::string part;
    bool quoted = false, was_quoted = false;
    for (size_t i = 0; i < text.size(); ++i) {
      char c = text[i];
      if (c == '"') {
        if (quoted && i + 1 < text.size() && text[i + 1] == '"') {
          part.push_back('"');
          ++i;
        } else {
          quoted = !quoted;
          was_quoted = true;
        }
      } else if (c == '.' && !quoted) {
        parts.push_back(was_quoted ? part : lower(part));
        part.clear();
        was_quoted = false;
      } else {
        part.push_back(c);
      }
    }
    parts.push_back(was_quoted ? part : lower(part));
    if (quoted || parts.size() > 3 ||
        std::any_of(parts.begin(), parts.end(), [](const std::string& p) { return p.empty(); })) {
      return std::nullopt;
    }
    pg_query::RangeVar rv;
    rv.set_relname(parts.back());
    if (parts.size() >= 2) rv.set_schemaname(parts[parts.size() - 2]);
    if (parts.size() == 3) rv.set_catalogname(parts[0]);
    return rv;
  }

  static std::string lower(std::string s) {
    for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
  }

  static std::vector<std::string> list_names(const pg_query::Node& n) {
    std::vector<std::string> out;
    if (n.has_list()) {
      for (const auto& item : n.list().items()) {
        if (item.has_string()) out.push_back(item.string().sval());
      }
    } else if (n.has_string()) {
      out.push_back(n.string().sval());
    }
    return out;
  }

  void type_names(const google::protobuf::RepeatedPtrField<pg_query::Node>& names) {
    need_schema(Privilege::kCreate, names.size() >= 2 && names[names.size() - 2].has_string()
                                        ? names[names.size() - 2].string().sval()
                                        : "");
  }

  void drop(const pg_query::DropStmt& d) {
    switch (d.remove_type()) {
      case pg_query::OBJECT_TABLE:
      case pg_query::OBJECT_VIEW:
      case pg_query::OBJECT_MATVIEW:
      case pg_query::OBJECT_SEQUENCE:
      case pg_query::OBJECT_INDEX:
      case pg_query::OBJECT_TYPE:
        for (const auto& o : d.objects()) {
          std::vector<std::string> names = list_names(o);
          if (o.has_type_name()) {
            type_names(o.type_name().names());
            continue;
          }
          need_schema(Privilege::kCreate, names.size() >= 2 ? names[names.size() - 2] : "");
        }
        return;
      case pg_query::OBJECT_SCHEMA:
        owner("DROP SCHEMA");
        return;
      default:
        owner("DROP of this kind of object");
        return;
    }
  }

  std::set<const Message*> skip_;
  std::set<const pg_query::FuncCall*> from_calls_;  // calls in FROM: table functions
};

std::string upper(std::string s) {
  for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

}  // namespace

const char* privilege_name(Privilege p) {
  switch (p) {
    case Privilege::kSelect:
      return "SELECT";
    case Privilege::kInsert:
      return "INSERT";
    case Privilege::kUpdate:
      return "UPDATE";
    case Privilege::kDelete:
      return "DELETE";
    case Privilege::kCreate:
      return "CREATE";
    case Privilege::kUsage:
      return "USAGE";
  }
  return "?";
}

bool parse_privilege(const std::string& name, Privilege& out) {
  static const Privilege all[] = {Privilege::kSelect, Privilege::kInsert, Privilege::kUpdate,
                                  Privilege::kDelete, Privilege::kCreate, Privilege::kUsage};
  std::string u = upper(name);
  for (Privilege p : all) {
    if (u == privilege_name(p)) {
      out = p;
      return true;
    }
  }
  return false;
}

StatementAccess analyze_access(const Statement& statement) {
  Collector c;
  if (!statement.tree) {
    c.owner("a DuckDB-dialect statement (the gateway cannot tell what it reaches)");
    return c.out;
  }
  const pg_query::Node* root = root_node(statement);
  if (root) c.statement(*root);
  return c.out;
}

}  // namespace ducklings::sql
