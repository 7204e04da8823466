// PostgreSQL 15 catalog emulation over DuckDB's own catalog functions (duckdb_tables() & co).
//
// OIDs: DuckDB's own OIDs for schemas, tables, views, indexes, sequences, types and functions
// (consistent within a running database), except the fixed ones clients know: pg_catalog 11,
// public (DuckDB's main) 2200, information_schema 13207 and the built-in type OIDs. Objects
// DuckDB has no OID for get synthetic ones: a PRIMARY KEY/UNIQUE/FOREIGN KEY/CHECK constraint
// 1e9 + table_oid * 100 + k (k: its position among the table's constraints), the index behind a
// PRIMARY KEY/UNIQUE constraint that + 50, a column default 3e9 + table_oid * 1000 + attnum.
//
// The pg_type rows of built-in types (typtype 'b' and 'p' in pg_catalog) and pg_get_keywords()
// were exported from a real PostgreSQL 15.
//
// Macros are expanded textually by DuckDB, so their subqueries only expose m_-prefixed columns
// (an argument such as an unqualified `oid` must bind to the caller's row, not the subquery's),
// and builtins they call are qualified with system.main (unqualified names resolve in the
// macro's own schema first, where current_database() is our own macro).
//
// Session values the server may set with SET VARIABLE: duckgres_user, duckgres_database,
// duckgres_backend_pid, duckgres_application_name, duckgres_start_time, duckgres_server_addr,
// duckgres_server_port, duckgres_client_addr, duckgres_client_port.
#include "sql/catalog.h"

#include <algorithm>
#include <array>
#include <string>
#include <unordered_map>

namespace ducklings::sql {

// The catalog's SQL (src/sql/catalog/*.sql, embedded at build time by cmake/embed_sql.cmake).
#include "sql/catalog_sql.h"

const char* const kCatalogVersion = kCatalogSqlHash;

namespace {

// Sorted, for binary search.
constexpr std::array kCatalogRelations = {
    "pg_am",
    "pg_attrdef",
    "pg_attribute",
    "pg_auth_members",
    "pg_class",
    "pg_collation",
    "pg_constraint",
    "pg_database",
    "pg_depend",
    "pg_description",
    "pg_enum",
    "pg_extension",
    "pg_foreign_table",
    "pg_index",
    "pg_indexes",
    "pg_inherits",
    "pg_language",
    "pg_matviews",
    "pg_namespace",
    "pg_partitioned_table",
    "pg_policy",
    "pg_proc",
    "pg_publication",
    "pg_publication_namespace",
    "pg_publication_rel",
    "pg_range",
    "pg_rewrite",
    "pg_roles",
    "pg_sequence",
    "pg_sequences",
    "pg_settings",
    "pg_stat_activity",
    "pg_stat_all_indexes",
    "pg_stat_all_tables",
    "pg_stat_sys_tables",
    "pg_stat_user_indexes",
    "pg_stat_user_tables",
    "pg_statio_all_indexes",
    "pg_statio_all_tables",
    "pg_statio_user_indexes",
    "pg_statio_user_tables",
    "pg_statistic_ext",
    "pg_tables",
    "pg_tablespace",
    "pg_trigger",
    "pg_type",
    "pg_user",
    "pg_views",
};

// The catalog's costly base views (each a scan of DuckDB's catalog functions), in dependency
// order: __X reads the session's snapshot temp.main.__duckgres_snap_X of __live_X, refreshed by
// catalog_snapshot_sql() when the schema changed, so introspection of a large schema does not
// rescan DuckDB's catalog on every query.
constexpr std::array kSnapshotViews = {"constraints", "fkeys", "indexes", "relations", "columns", "index_columns"};

constexpr std::array kInformationSchemaRelations = {
    "character_sets",          "columns",  "constraint_column_usage", "key_column_usage",
    "referential_constraints", "role_table_grants", "routines", "schemata", "sequences",
    "table_constraints",       "table_privileges", "tables",   "views",
};

// information_schema's helper functions that drivers call by qualified name (pgjdbc's
// getPrimaryKeys expands indkey with _pg_expandarray).
constexpr std::array kInformationSchemaFunctions = {"_pg_expandarray"};

constexpr std::array kCatalogFunctions = {
    "array_lower",
    "array_upper",
    "col_description",
    "current_database",
    "current_schema",
    "current_schemas",
    "format_type",
    "has_column_privilege",
    "has_database_privilege",
    "has_function_privilege",
    "has_schema_privilege",
    "has_sequence_privilege",
    "has_table_privilege",
    "inet_client_addr",
    "inet_client_port",
    "inet_server_addr",
    "inet_server_port",
    "obj_description",
    "pg_backend_pid",
    "pg_cancel_backend",
    "pg_char_to_encoding",
    "pg_client_encoding",
    "pg_database_size",
    "pg_encoding_to_char",
    "pg_function_is_visible",
    "pg_get_constraintdef",
    "pg_get_expr",
    "pg_get_function_arguments",
    "pg_get_function_identity_arguments",
    "pg_get_function_result",
    "pg_get_indexdef",
    "pg_get_keywords",
    "pg_get_partkeydef",
    "pg_get_ruledef",
    "pg_get_serial_sequence",
    "pg_get_statisticsobjdef_columns",
    "pg_get_triggerdef",
    "pg_get_userbyid",
    "pg_get_viewdef",
    "pg_has_role",
    "pg_indexes_size",
    "pg_is_in_recovery",
    "pg_partition_ancestors",
    "pg_postmaster_start_time",
    "pg_relation_is_publishable",
    "pg_relation_size",
    "pg_size_pretty",
    "pg_stat_get_dead_tuples",
    "pg_stat_get_live_tuples",
    "pg_stat_get_numscans",
    "pg_stat_get_tuples_deleted",
    "pg_stat_get_tuples_inserted",
    "pg_stat_get_tuples_updated",
    "pg_table_is_visible",
    "pg_table_size",
    "pg_terminate_backend",
    "pg_total_relation_size",
    "pg_type_is_visible",
    "shobj_description",
    "to_regclass",
    "to_regtype",
    "txid_current",
};

template <typename Names>
bool contains(const Names& names, std::string_view name) {
  return std::binary_search(names.begin(), names.end(), name,
                            [](std::string_view a, std::string_view b) { return a < b; });
}


}  // namespace

const std::string& catalog_install_sql() {
  static const std::string sql = [] {
    std::string s;
    for (const char* piece : kCatalogSqlPieces) s += piece;
    // Lets the server see which version a database holds and skip reinstalling it.
    s += std::string("CREATE VIEW duckgres_catalog.__version AS SELECT '") + kCatalogVersion + "' AS version;";
    return s;
  }();
  return sql;
}

const std::string& catalog_snapshot_sql() {
  static const std::string sql = [] {
    std::string s;
    for (const char* name : kSnapshotViews) {
      s += std::string("CREATE OR REPLACE TEMP TABLE __duckgres_snap_") + name +
           " AS SELECT * FROM duckgres_catalog.__live_" + name + ";";
    }
    return s;
  }();
  return sql;
}

bool is_catalog_relation(std::string_view name) {
  return contains(kCatalogRelations, name);
}

bool is_information_schema_relation(std::string_view name) {
  return contains(kInformationSchemaRelations, name);
}

bool is_information_schema_function(std::string_view name) {
  return contains(kInformationSchemaFunctions, name);
}

bool is_catalog_function(std::string_view name) {
  return contains(kCatalogFunctions, name);
}

int32_t catalog_table_oid(std::string_view schema, std::string_view name) {
  if (!schema.empty() && schema != "pg_catalog") return 0;
  static const std::pair<std::string_view, int32_t> tables[] = {
      {"pg_am", 2601},         {"pg_attrdef", 2604}, {"pg_attribute", 1249}, {"pg_class", 1259},
      {"pg_collation", 3456},  {"pg_constraint", 2606}, {"pg_database", 1262}, {"pg_depend", 2608},
      {"pg_description", 2609}, {"pg_enum", 3501},   {"pg_extension", 3079}, {"pg_index", 2610},
      {"pg_inherits", 2611},   {"pg_namespace", 2615}, {"pg_proc", 1255},     {"pg_rewrite", 2618},
      {"pg_sequence", 2224},   {"pg_tablespace", 1213}, {"pg_trigger", 2620}, {"pg_type", 1247},
  };
  for (const auto& [table, oid] : tables) {
    if (table == name) return oid;
  }
  return 0;
}

namespace {

void add_builtin_function_oids(std::string_view rows, std::unordered_map<std::string, int64_t>& m) {
  size_t at = 0;
  while (at < rows.size()) {
    size_t end = rows.find('\n', at);
    if (end == std::string_view::npos) end = rows.size();
    std::string_view line = rows.substr(at, end - at);
    at = end + 1;
    size_t tab = line.find('\t');
    if (tab == std::string_view::npos || tab == 0) continue;
    size_t name_end = line.find('\t', tab + 1);
    if (name_end == std::string_view::npos) continue;
    int64_t oid = 0;
    bool digits = true;
    for (char c : line.substr(0, tab)) {
      if (c < '0' || c > '9') digits = false;
      oid = oid * 10 + (c - '0');
    }
    if (!digits) continue;
    std::string name(line.substr(tab + 1, name_end - tab - 1));
    auto [it, inserted] = m.emplace(name, oid);
    if (!inserted && oid < it->second) it->second = oid;
  }
}

}  // namespace

int64_t builtin_function_oid(std::string_view proname) {
  static const std::unordered_map<std::string, int64_t> oids = [] {
    std::unordered_map<std::string, int64_t> m;
    for (std::string_view rows : kCatalogSqlPieces) {
      if (rows.find("INSERT INTO duckgres_catalog.__pg_proc_builtin") == std::string_view::npos) continue;
      // The generated rows: oid TAB proname TAB …, one a line.
      add_builtin_function_oids(rows, m);
    }
    m.emplace("-", 0);
    return m;
  }();
  auto it = oids.find(std::string(proname));
  return it == oids.end() ? -1 : it->second;
}

}  // namespace ducklings::sql
