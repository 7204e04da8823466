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
#include <vector>

#include "sql/rewrite_dml.h"

namespace ducklings::sql {

// For the statements above: turns the tree into its table form in place and returns the
// DuckDB statements to run instead (REFRESH), or empty when the adapted tree is to be run as
// the other rewrites make it. Statements of other kinds are left alone.
std::vector<std::string> adapt_matview(Statement& statement, const CatalogLookup& lookup);

// What duckgres_meta.matviews records after CREATE, DROP or RENAME of one.
std::vector<std::string> matview_bookkeeping(const Statement& statement);

}  // namespace ducklings::sql
