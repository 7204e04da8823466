// Role-based access control in the gateway (gateway::Engine) (docs/security.md). A duckling's roles, their
// members and their grants live in its own database (duckgres_meta), so sessions in the
// server process and in a worker read the same, transactionally. A user is an owner when the
// control plane says so (the server's own logins, an organization's unrestricted users);
// project_user and project_reader users get writer or reader privileges on their team's
// schema; everything else comes from GRANT. Each statement's reads and writes
// (sql::analyze_access) are checked before it runs; catalogs show only what may be used.
#include <spdlog/spdlog.h>

#include <algorithm>

#include "gateway/engine.h"
#include "sql/catalog.h"
#include "sql/engine_macros.h"
#include "sql/function_policy.h"
#include "sql/quoting.h"
#include "sql/rewrite_matview.h"
#include "warehouse/role_store.h"

namespace ducklings::gateway {
namespace {

using sql::Privilege;

constexpr const char* kBuiltinRoles[] = {"owner", "writer", "reader"};

bool is_builtin_role(const std::string& name) {
  return std::find(std::begin(kBuiltinRoles), std::end(kBuiltinRoles), name) !=
         std::end(kBuiltinRoles);
}

bool internal_schema(const std::string& s) {
  return s == "duckgres_catalog" || s == "duckgres_information_schema" || s == "duckgres_meta" ||
         s == "pg_catalog" || s == "information_schema" || s == "system" || s == "temp";
}

// PostgreSQL's schema names as DuckDB's.
std::string duck_schema(const std::string& s) {
  if (s == "public") return "main";
  if (s == "pg_catalog") return "duckgres_catalog";
  if (s == "information_schema") return "duckgres_information_schema";
  return s;
}

std::string pg_schema(const std::string& s) {
  return s == "main" ? "public" : s;
}

std::string list_literal(const std::vector<std::string>& items) {
  std::string out = "CAST([";
  for (size_t i = 0; i < items.size(); ++i) out += (i ? ", " : "") + sql::quote_literal(items[i]);
  return out + "] AS VARCHAR[])";
}

std::vector<std::vector<std::optional<std::string>>> rows_of(duck::Connection& c,
                                                             const std::string& query) {
  std::vector<std::vector<std::optional<std::string>>> out;
  duck::Result r = c.query(query);
  idx_t columns = r.column_count();
  while (duck::DataChunk chunk = r.fetch()) {
    for (idx_t row = 0; row < chunk.size(); ++row) {
      std::vector<std::optional<std::string>> values;
      for (idx_t col = 0; col < columns; ++col) values.push_back(chunk.varchar(col, row));
      out.push_back(std::move(values));
    }
  }
  return out;
}

}  // namespace

void Engine::register_login_role() {
  // Users become roles of the duckling when they first log in, so GRANT can name them.
  warehouse::RoleStore(*connection_).add_user(principal_.user);
}

void Engine::refresh_privileges() {
  uint64_t generation = warehouse_->auth_generation();
  if (privileges_.generation == generation) return;
  Privileges p;
  p.generation = generation;
  p.owner = principal_.superuser || principal_.access_mode.empty() ||
            principal_.access_mode == "unrestricted";
  if (!p.owner) {
    // The user's roles: itself, PUBLIC, and every role it belongs to, through other roles.
    warehouse::RoleStore store(*connection_);
    std::vector<std::string> roles = {principal_.user, "public"};
    auto members = store.memberships();
    for (size_t i = 0; i < roles.size(); ++i) {
      for (const auto& [role, member] : members) {
        if (member == roles[i] && std::find(roles.begin(), roles.end(), role) == roles.end()) {
          roles.push_back(role);
        }
      }
    }
    // Built-in roles count by membership only: a login that carries one's name is not it.
    auto member_of = [&](const char* builtin) {
      return std::find(roles.begin() + 1, roles.end(), builtin) != roles.end();
    };
    p.owner = member_of("owner");
    p.roles = roles;
    p.write_all = member_of("writer");
    p.read_all = p.write_all || member_of("reader");
    for (const auto& g : store.grants(roles)) {
      Privilege priv;
      if (sql::parse_privilege(g.privilege, priv)) p.grants.push_back({priv, g.schema, g.table});
    }
    // A project user writes its team's schema; a project reader reads it.
    if (!principal_.team_schema.empty()) {
      bool writes = principal_.access_mode == "project_user";
      p.grants.push_back({Privilege::kUsage, principal_.team_schema, ""});
      p.grants.push_back({Privilege::kSelect, principal_.team_schema, "*"});
      if (writes) {
        for (Privilege w : {Privilege::kInsert, Privilege::kUpdate, Privilege::kDelete}) {
          p.grants.push_back({w, principal_.team_schema, "*"});
        }
        p.grants.push_back({Privilege::kCreate, principal_.team_schema, ""});
      }
    }
    p.grants.push_back({Privilege::kUsage, "main", ""});  // PostgreSQL's default for public
  }
  // What has_table_privilege() answers (duckgres_catalog.__holds): "PRIVILEGE schema.table"
  // entries, "*" for every table or schema; unset for an owner, who holds everything. A
  // table's grants count only with USAGE on its schema, as in Engine::may.
  bool was_listed = privileges_.generation != UINT64_MAX && !privileges_.owner;
  std::string held_query;
  if (!p.owner) {
    std::vector<std::string> held;
    auto all = [&](Privilege x) { held.push_back(std::string(sql::privilege_name(x)) + " *.*"); };
    if (p.read_all || p.write_all) all(Privilege::kSelect);
    if (p.write_all) {
      for (Privilege w : {Privilege::kInsert, Privilege::kUpdate, Privilege::kDelete}) all(w);
    }
    for (const auto& g : p.grants) {
      if (g.table.empty()) continue;
      bool usage = std::any_of(p.grants.begin(), p.grants.end(), [&](const RoleGrant& u) {
        return u.privilege == Privilege::kUsage && u.schema == g.schema && u.table.empty();
      });
      if (usage) held.push_back(std::string(sql::privilege_name(g.privilege)) + " " + g.schema + "." + g.table);
    }
    held_query = "SET VARIABLE duckgres_privileges = " + list_literal(held);
  } else if (was_listed) {
    held_query = "RESET VARIABLE duckgres_privileges";
  }
  if (!held_query.empty()) connection_->query(held_query);
  privileges_ = std::move(p);
  // What catalogs show follows (duckgres_catalog.__may_see / __may_use).
  if (privileges_.owner || privileges_.read_all) {
    // Unset, the catalog shows everything: only a session that was restricted says so.
    if (catalog_restricted_) connection_->query("SET VARIABLE duckgres_sees_all = true");
    catalog_restricted_ = false;
  } else {
    catalog_restricted_ = true;
    std::vector<std::string> schemas, tables, usage;
    for (const auto& g : privileges_.grants) {
      if (g.table == "*")
        schemas.push_back(g.schema);
      else if (!g.table.empty())
        tables.push_back(g.schema + "." + g.table);
      if (g.privilege == Privilege::kUsage) usage.push_back(g.schema);
    }
    connection_->query(
        "SET VARIABLE duckgres_sees_all = false; SET VARIABLE duckgres_seen_schemas = " +
        list_literal(schemas) + "; SET VARIABLE duckgres_seen_tables = " + list_literal(tables) +
        "; SET VARIABLE duckgres_usage_schemas = " + list_literal(usage));
  }
  catalog_snapshot_generation_ = kNoSnapshot;  // the catalog's snapshot shows other relations now
}

bool Engine::may(Privilege p, const std::string& schema, const std::string& table) const {
  const Privileges& s = privileges_;
  if (s.owner) return true;
  if (schema == "duckgres_meta") return false;  // the query log of every user, roles, grants
  if (internal_schema(schema)) return p == Privilege::kSelect || p == Privilege::kUsage;
  bool reading = p == Privilege::kSelect || p == Privilege::kUsage;
  if (s.write_all || (s.read_all && reading)) return true;
  auto held = [&](Privilege want, const std::string& t) {
    for (const auto& g : s.grants) {
      if (g.privilege != want || g.schema != schema) continue;
      if (t.empty() ? g.table.empty() : (g.table == "*" || g.table == t)) return true;
    }
    return false;
  };
  if (table.empty()) return held(p, "");
  // A table's privileges count only with USAGE on its schema, as in PostgreSQL.
  return held(Privilege::kUsage, "") && held(p, table);
}

std::vector<std::string> Engine::search_path_schemas() const {
  std::vector<std::string> out;
  std::string path = settings_.get("search_path").value_or("public");
  size_t i = 0;
  while (i <= path.size()) {
    size_t j = path.find(',', i);
    if (j == std::string::npos) j = path.size();
    std::string item = path.substr(i, j - i);
    item.erase(0, item.find_first_not_of(" \t"));
    item.erase(item.find_last_not_of(" \t") + 1);
    if (item.size() >= 2 && item.front() == '"' && item.back() == '"')
      item = item.substr(1, item.size() - 2);
    if (!item.empty() && item != "$user") out.push_back(duck_schema(item));
    i = j + 1;
  }
  return out;
}

void Engine::sync_search_path() {
  if (!warehouse_) return;
  uint64_t generation = warehouse_->schema_generation();
  if (search_path_generation_ == generation) return;
  std::vector<std::string> wanted = search_path_schemas();
  if (applied_search_path_.empty() && wanted == std::vector<std::string>{"main"}) {
    // The path the session began with (main and the macros), and main always exists: no
    // query per new session.
    effective_search_path_ = std::move(wanted);
    search_path_generation_ = generation;
    return;
  }
  before_call();
  std::vector<std::string> existing;
  for (const auto& r : rows_of(*connection_,
                               "SELECT schema_name FROM duckdb_schemas() WHERE database_name = "
                               "current_database()")) {
    if (r[0]) existing.push_back(*r[0]);
  }
  effective_search_path_.clear();
  std::string path;
  for (const auto& s : wanted) {
    if (std::find(existing.begin(), existing.end(), s) == existing.end()) continue;
    effective_search_path_.push_back(s);
    path += (path.empty() ? "" : ",") + sql::quote_identifier(s);
  }
  // No schema of the path exists: PostgreSQL then resolves no unqualified name, where DuckDB
  // would fall back to main; the server's read-only catalog schema holds no user relation.
  if (path.empty()) path = "duckgres_catalog";
  if (path == "main" && applied_search_path_.empty()) path.clear();  // as the session began
  if (path != applied_search_path_) {
    // The instance's macros (sql/engine_macros) stay on the path whatever the client's is.
    connection_->query("SET search_path = " +
                       sql::quote_literal((path.empty() ? "main" : path) + "," +
                                          sql::kMacroSchemaPath));
    applied_search_path_ = path;
    if (hooks_.search_path_changed) hooks_.search_path_changed();  // plans bound names through it
  }
  search_path_generation_ = generation;
}

std::string Engine::resolve_schema(const std::string& name, bool creating) {
  sync_search_path();
  const std::vector<std::string>& path = effective_search_path_;
  if (creating) {
    if (path.empty()) throw SqlError("3F000", "no schema has been selected to create in");
    return path[0];
  }
  uint64_t generation = warehouse_->schema_generation();
  if (relation_schemas_generation_ != generation) {
    relation_schemas_.clear();
    before_call();
    for (const auto& r : rows_of(
             *connection_,
             "SELECT table_name, schema_name FROM duckdb_tables() WHERE database_name = "
             "current_database() UNION ALL SELECT view_name, schema_name FROM duckdb_views() WHERE "
             "database_name = current_database() AND NOT internal UNION ALL SELECT sequence_name, "
             "schema_name FROM duckdb_sequences() WHERE database_name = current_database()")) {
      relation_schemas_[*r[0]].push_back(*r[1]);
    }
    relation_schemas_generation_ = generation;
  }
  auto it = relation_schemas_.find(name);
  if (it == relation_schemas_.end()) return "";
  for (const auto& s : path) {
    if (std::find(it->second.begin(), it->second.end(), s) != it->second.end()) return s;
  }
  // DuckDB searches its default schema (public) after the path, whatever the path says: the
  // check resolves as DuckDB will read.
  if (std::find(it->second.begin(), it->second.end(), "main") != it->second.end()) return "main";
  return "";
}

bool Engine::engine_has_function(const std::string& name) {
  uint64_t generation = warehouse_->schema_generation();
  if (function_names_generation_ != generation) {
    function_names_.clear();
    before_call();
    for (const auto& r :
         rows_of(*connection_, "SELECT DISTINCT lower(function_name) FROM duckdb_functions()")) {
      if (r[0]) function_names_.insert(*r[0]);
    }
    function_names_generation_ = generation;
  }
  return function_names_.count(name) > 0;
}

void Engine::refuse_unpopulated_matviews(const sql::Statement& statement) {
  if (!warehouse_) return;
  uint64_t generation = warehouse_->schema_generation();
  if (matview_readers_generation_ != generation) {
    // Materialized views and the views that read them: few or none, asked again only after DDL.
    matview_readers_.clear();
    before_call();
    for (const auto& r : rows_of(*connection_, sql::kMatviewReadersSql)) {
      if (r[0]) matview_readers_.insert(*r[0]);
    }
    matview_readers_generation_ = generation;
  }
  if (matview_readers_.empty()) return;
  for (const auto& rv : sql::matview_candidates(statement, matview_readers_)) {
    std::string schema = rv.schemaname().empty() ? resolve_schema(rv.relname(), false) : duck_schema(rv.schemaname());
    if (schema.empty()) continue;  // no such relation: DuckDB says so
    before_call();
    auto rows = rows_of(*connection_, sql::unpopulated_matview_sql(schema, rv.relname()));
    if (!rows.empty() && rows[0][0]) sql::refuse_unpopulated(*rows[0][0]);
  }
}

void Engine::refuse_server_schema_writes(const sql::StatementAccess& access) const {
  for (const auto& need : access.needs) {
    // The server's own schemas are read-only for every session, owners included.
    std::string schema = duck_schema(need.schema);
    if (!need.schema.empty() &&
        (schema == "duckgres_meta" || schema == "duckgres_catalog" ||
         schema == "duckgres_information_schema" || schema == "system") &&
        need.privilege != Privilege::kSelect && need.privilege != Privilege::kUsage) {
      throw SqlError("42501", "permission denied: schema " + pg_schema(need.schema) +
                                  " belongs to the server");
    }
  }
}

void Engine::authorize(const sql::Statement& statement,
                        std::optional<sql::StatementAccess>& analysis) {
  if (principal_.system) return;  // the server's own work (ingestion) writes where users may not
  refresh_privileges();
  // An owner's reads need no analysis: the common case costs nothing.
  if (privileges_.owner && statement.read_only) return;
  if (!analysis) analysis = sql::analyze_access(statement);
  const sql::StatementAccess& access = *analysis;
  refuse_server_schema_writes(access);
  for (const auto& need : access.needs) {
    // Where an unqualified CREATE lands (3F000 when no schema of the path exists).
    if (need.privilege == Privilege::kCreate && need.table.empty() && need.schema.empty())
      resolve_schema("", true);
  }
  if (privileges_.owner) return;
  if (access.owner_only) {
    throw SqlError("42501", "permission denied: " + access.owner_reason + " needs the owner role",
                   0, "", "Ask an owner of the duckling, or to be granted the owner role.");
  }
  for (const auto& name : access.functions_not_allowed) {
    // A name DuckDB does not have fails there with 42883, as it would for an owner.
    if (!engine_has_function(name)) continue;
    throw SqlError("42501", "permission denied: function " + name + "() needs the owner role", 0,
                   "",
                   "Below the owner role a session calls only functions known to read nothing "
                   "its grants do not cover (docs/security.md).");
  }
  for (const auto& need : access.needs) {
    std::string schema = duck_schema(need.schema);
    if (need.table.empty()) {
      if (schema.empty()) schema = resolve_schema("", true);
      if (!may(need.privilege, schema, "")) {
        throw SqlError("42501", std::string("permission denied: ") +
                                    sql::privilege_name(need.privilege) + " on schema " +
                                    pg_schema(schema));
      }
      continue;
    }
    if (schema.empty()) {
      if (sql::is_catalog_relation(need.table)) continue;  // pg_class and friends
      schema = resolve_schema(need.table, false);
      if (schema.empty()) {
        if (sql::is_engine_catalog_view(need.table)) {
          throw SqlError(
              "42501",
              "permission denied: " + need.table + " (DuckDB's catalog) needs the owner role", 0,
              "", "pg_catalog and information_schema show what the session may use.");
        }
        continue;  // no such relation: DuckDB says so (42P01)
      }
    }
    if (!may(need.privilege, schema, need.table)) {
      throw SqlError("42501", std::string("permission denied: ") +
                                  sql::privilege_name(need.privilege) + " on table " +
                                  pg_schema(schema) + "." + need.table);
    }
  }
}

std::string Engine::run_role_statement(const sql::Statement& statement) {
  const pg_query::Node& root = *sql::root_node(statement);
  before_call();
  warehouse::RoleStore store(*connection_);
  auto role_exists = [&](const std::string& name) {
    return is_builtin_role(name) || name == "public" || store.kind(name).has_value();
  };
  auto role_name = [&](const pg_query::Node& n) -> std::string {
    if (!n.has_role_spec()) throw SqlError("0A000", "unsupported role specification");
    const auto& r = n.role_spec();
    switch (r.roletype()) {
      case pg_query::ROLESPEC_CSTRING:
        return r.rolename();
      case pg_query::ROLESPEC_PUBLIC:
        return "public";
      case pg_query::ROLESPEC_CURRENT_USER:
      case pg_query::ROLESPEC_CURRENT_ROLE:
      case pg_query::ROLESPEC_SESSION_USER:
        return principal_.user;
      default:
        throw SqlError("0A000", "unsupported role specification");
    }
  };
  auto existing_role = [&](const std::string& name) {
    if (!role_exists(name)) throw SqlError("42704", "role \"" + name + "\" does not exist");
    return name;
  };
  std::string tag;
  if (root.has_create_role_stmt()) {
    const auto& c = root.create_role_stmt();
    for (const auto& o : c.options()) {
      if (o.has_def_elem() &&
          (o.def_elem().defname() == "password" ||
           (o.def_elem().defname() == "canlogin" && o.def_elem().has_arg() &&
            o.def_elem().arg().has_boolean() && o.def_elem().arg().boolean().boolval()))) {
        throw SqlError(
            "0A000", "roles created in SQL cannot log in", 0, "",
            "Create users with POST /api/v1/orgs/{org}/users or duckgres ctl user create.");
      }
    }
    if (c.stmt_type() == pg_query::ROLESTMT_USER) {
      throw SqlError(
          "0A000", "CREATE USER is not supported", 0, "",
          "Create users with POST /api/v1/orgs/{org}/users or duckgres ctl user create.");
    }
    if (is_builtin_role(c.role()) || c.role() == "public" || c.role().rfind("pg_", 0) == 0) {
      throw SqlError("42939", "role name \"" + c.role() + "\" is reserved");
    }
    if (role_exists(c.role())) throw SqlError("42710", "role \"" + c.role() + "\" already exists");
    store.create_role(c.role());
    tag = "CREATE ROLE";
  } else if (root.has_drop_role_stmt()) {
    const auto& d = root.drop_role_stmt();
    for (const auto& r : d.roles()) {
      std::string name = role_name(r);
      if (is_builtin_role(name) || name == "public") {
        throw SqlError("42939", "cannot drop the built-in role \"" + name + "\"");
      }
      auto kind = store.kind(name);
      if (!kind) {
        if (d.missing_ok()) {
          if (hooks_.notice) hooks_.notice("role \"" + name + "\" does not exist, skipping");
          continue;
        }
        throw SqlError("42704", "role \"" + name + "\" does not exist");
      }
      if (*kind == "user") {
        throw SqlError("0A000", "\"" + name + "\" is a user", 0, "",
                       "Delete users with DELETE /api/v1/orgs/{org}/users/{username}.");
      }
      store.drop_role(name);
    }
    tag = "DROP ROLE";
  } else if (root.has_grant_role_stmt()) {
    const auto& g = root.grant_role_stmt();
    for (const auto& granted : g.granted_roles()) {
      std::string role = existing_role(granted.access_priv().priv_name());
      for (const auto& grantee : g.grantee_roles()) {
        std::string member = existing_role(role_name(grantee));
        if (g.is_grant() && member == role) {
          throw SqlError("0LP01", "role \"" + role + "\" cannot be a member of itself");
        }
        store.set_member(role, member, g.is_grant());
      }
    }
    tag = g.is_grant() ? "GRANT ROLE" : "REVOKE ROLE";
  } else {
    const auto& g = root.grant_stmt();
    bool on_schema = g.objtype() == pg_query::OBJECT_SCHEMA;
    if (!on_schema && g.objtype() != pg_query::OBJECT_TABLE) {
      throw SqlError("0A000", "privileges can be granted on tables and schemas");
    }
    if (g.targtype() == pg_query::ACL_TARGET_DEFAULTS) {
      throw SqlError("0A000", "ALTER DEFAULT PRIVILEGES is not supported");
    }
    std::vector<Privilege> privileges;
    if (g.privileges().empty()) {  // ALL [PRIVILEGES]
      if (on_schema)
        privileges = {Privilege::kUsage, Privilege::kCreate};
      else
        privileges = {Privilege::kSelect, Privilege::kInsert, Privilege::kUpdate,
                      Privilege::kDelete};
    }
    for (const auto& p : g.privileges()) {
      const auto& ap = p.access_priv();
      if (!ap.cols().empty()) throw SqlError("0A000", "column privileges are not supported");
      Privilege priv = Privilege::kSelect;
      bool known = sql::parse_privilege(ap.priv_name(), priv);
      bool table_priv = priv != Privilege::kUsage && priv != Privilege::kCreate;
      if (!known || on_schema == table_priv) {
        std::string name = ap.priv_name();
        for (char& ch : name) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
        throw SqlError(
            "0LP01", "invalid privilege type " + name + (on_schema ? " for schema" : " for table"));
      }
      privileges.push_back(priv);
    }
    // (schema, table) pairs: '' for the schema, '*' for all its tables.
    std::vector<std::pair<std::string, std::string>> objects;
    for (const auto& o : g.objects()) {
      if (on_schema || g.targtype() == pg_query::ACL_TARGET_ALL_IN_SCHEMA) {
        std::string schema = duck_schema(o.string().sval());
        if (rows_of(*connection_,
                    "SELECT 1 FROM duckdb_schemas() WHERE database_name = "
                    "current_database() AND schema_name = " +
                        sql::quote_literal(schema))
                .empty()) {
          throw SqlError("3F000", "schema \"" + o.string().sval() + "\" does not exist");
        }
        objects.push_back({schema, on_schema ? "" : "*"});
      } else {
        const auto& rv = o.range_var();
        relation_schemas_generation_ = UINT64_MAX;  // look again: it may be new in this transaction
        std::string schema = rv.schemaname().empty() ? resolve_schema(rv.relname(), false)
                                                     : duck_schema(rv.schemaname());
        if (schema.empty() ||
            rows_of(*connection_,
                    "SELECT 1 FROM duckdb_tables() WHERE database_name = current_database() AND "
                    "schema_name = " +
                        sql::quote_literal(schema) +
                        " AND table_name = " + sql::quote_literal(rv.relname()) +
                        " UNION ALL SELECT 1 FROM duckdb_views() WHERE database_name = "
                        "current_database() AND schema_name = " +
                        sql::quote_literal(schema) +
                        " AND view_name = " + sql::quote_literal(rv.relname()))
                .empty()) {
          throw SqlError("42P01", "relation \"" + rv.relname() + "\" does not exist");
        }
        objects.push_back({schema, rv.relname()});
      }
    }
    for (const auto& grantee_node : g.grantees()) {
      std::string grantee = existing_role(role_name(grantee_node));
      for (Privilege p : privileges) {
        for (const auto& [schema, table] : objects) {
          store.set_grant({grantee, sql::privilege_name(p), schema, table}, g.is_grant());
        }
      }
    }
    tag = g.is_grant() ? "GRANT" : "REVOKE";
  }
  if (hooks_.audit) {
    hooks_.audit(tag == "CREATE ROLE"         ? "role.create"
                 : tag == "DROP ROLE"         ? "role.drop"
                 : tag.rfind("GRANT", 0) == 0 ? "grant"
                                              : "revoke",
                 tag, statement.text);
  }
  warehouse_->auth_changed();
  return tag;
}

}  // namespace ducklings::gateway
