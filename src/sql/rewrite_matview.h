// Materialized views, which DuckDB does not have, as PostgreSQL's clients see them: a
// materialized view is a DuckDB table whose defining query is kept in
// duckgres_meta.matviews (pg_matviews, pg_class relkind 'm', psql's \dm read it).
//  - CREATE MATERIALIZED VIEW [IF NOT EXISTS] … AS … [WITH [NO] DATA] creates the table
//    (answered "SELECT n", as PostgreSQL does) and records the query as PostgreSQL prints it;
//  - REFRESH MATERIALIZED VIEW [CONCURRENTLY] … [WITH NO DATA] deletes the rows and inserts the
//    query's in one transaction: readers see the old rows or the new, never a mix or none.
//    CONCURRENTLY wants a unique index and a populated view, as in PostgreSQL;
//  - DROP MATERIALIZED VIEW, ALTER MATERIALIZED VIEW … RENAME and COMMENT ON MATERIALIZED VIEW
//    act on the table; DROP TABLE of a materialized view, or DROP MATERIALIZED VIEW of a
//    table, is 42809 as in PostgreSQL.
#pragma once
#include <string>
#include <unordered_set>
#include <vector>

#include "sql/rewrite_dml.h"

namespace ducklings::sql {

// For the statements above: turns the tree into its table form in place and returns the
// DuckDB statements to run instead (REFRESH), or empty when the adapted tree is to be run as
// the other rewrites make it. Statements of other kinds are left alone.
std::vector<std::string> adapt_matview(Statement& statement, const CatalogLookup& lookup);

// What duckgres_meta.matviews records after CREATE, DROP or RENAME of one.
std::vector<std::string> matview_bookkeeping(const Statement& statement);

// Reading a materialized view that is not populated (created or refreshed WITH NO DATA) fails
// as in PostgreSQL (55000 "materialized view … has not been populated"). The gateway keeps
// the names that may need a look (kMatviewReadersSql: every materialized view and every view
// reading one, lower case) and asks only for those of them a statement reads:
//  - the relations `statement` scans whose lower-case name is in `names` — not a CTE's name,
//    nor what it writes, creates, drops, renames or refreshes, nor anything of an EXPLAIN
//    without ANALYZE or a CREATE … AS … WITH NO DATA, which scan nothing;
std::vector<pg_query::RangeVar> matview_candidates(const Statement& statement,
                                                   const std::unordered_set<std::string>& names);
//  - the one materialized view not populated among those `schema`.`name` (DuckDB's schema)
//    is or reads through views: a query answering its name (one VARCHAR column), or no row.
std::string unpopulated_matview_sql(const std::string& schema, const std::string& name);
// Lower-case names of the materialized views and of the views reading them (transitively).
extern const char* const kMatviewReadersSql;
// 55000 for materialized view `name`, as PostgreSQL says it.
[[noreturn]] void refuse_unpopulated(const std::string& name);

}  // namespace ducklings::sql
