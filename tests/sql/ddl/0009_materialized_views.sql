-- Materialized views (sql/rewrite_matview.h): created, read, refreshed (stale until then),
-- WITH NO DATA, listed by pg_matviews and pg_class (relkind m), CONCURRENTLY's conditions,
-- the wrong kind of DROP or REFRESH, renamed and dropped.
CREATE TABLE mv_base (id int PRIMARY KEY, g text, v numeric(10,2));
INSERT INTO mv_base VALUES (1, 'a', 1.5), (2, 'a', 2.5), (3, 'b', 10);
CREATE MATERIALIZED VIEW mv_sums AS SELECT g, sum(v) AS total, count(*) AS n FROM mv_base GROUP BY g;
SELECT * FROM mv_sums ORDER BY g;
INSERT INTO mv_base VALUES (4, 'b', 1), (5, 'c', 7);
SELECT * FROM mv_sums ORDER BY g;
REFRESH MATERIALIZED VIEW mv_sums;
SELECT * FROM mv_sums ORDER BY g;
CREATE MATERIALIZED VIEW IF NOT EXISTS mv_sums AS SELECT 1 AS x;
CREATE MATERIALIZED VIEW mv_sums AS SELECT 1 AS x;
CREATE MATERIALIZED VIEW public.mv_ids (ident, grp) AS SELECT id, g FROM mv_base WHERE v > 2 WITH NO DATA;
SELECT schemaname, matviewname, ispopulated, hasindexes FROM pg_matviews ORDER BY matviewname;
REFRESH MATERIALIZED VIEW CONCURRENTLY mv_ids;
REFRESH MATERIALIZED VIEW mv_ids;
SELECT * FROM mv_ids ORDER BY ident;
SELECT c.relname, c.relkind FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = 'public' AND c.relname LIKE 'mv%' ORDER BY c.relname;
REFRESH MATERIALIZED VIEW CONCURRENTLY mv_sums;
CREATE UNIQUE INDEX mv_sums_g ON mv_sums (g);
UPDATE mv_base SET v = v + 1 WHERE g = 'c';
REFRESH MATERIALIZED VIEW CONCURRENTLY mv_sums;
SELECT * FROM mv_sums ORDER BY g;
REFRESH MATERIALIZED VIEW mv_base;
REFRESH MATERIALIZED VIEW mv_nothing;
DROP TABLE mv_sums;
DROP MATERIALIZED VIEW mv_base;
REFRESH MATERIALIZED VIEW mv_ids WITH NO DATA;
SELECT matviewname, ispopulated FROM pg_matviews ORDER BY matviewname;
ALTER MATERIALIZED VIEW mv_ids RENAME TO mv_renamed;
SELECT matviewname FROM pg_matviews ORDER BY matviewname;
DROP MATERIALIZED VIEW mv_renamed, mv_sums;
SELECT count(*) FROM pg_matviews;
DROP MATERIALIZED VIEW IF EXISTS mv_nothing;
DROP TABLE mv_base;
