-- A materialized view created WITH NO DATA, or refreshed WITH NO DATA, cannot be read until a
-- REFRESH populates it (55000, as PostgreSQL's executor says): directly, through a view, in a
-- join, a subquery, an INSERT … SELECT, CREATE TABLE AS and EXPLAIN ANALYZE; not when nothing
-- is scanned (CREATE … WITH NO DATA) nor for what only names it (a CTE of that name,
-- REFRESH, DROP, RENAME, COMMENT).
DROP SCHEMA IF EXISTS mvnp CASCADE;
CREATE SCHEMA mvnp;
CREATE TABLE mvnp.src (id int, grp text, v int);
INSERT INTO mvnp.src VALUES (1, 'a', 10), (2, 'a', 20), (3, 'b', 5);
CREATE MATERIALIZED VIEW mvnp.totals AS SELECT grp, sum(v) AS total FROM mvnp.src GROUP BY grp WITH NO DATA;
SELECT matviewname, ispopulated FROM pg_matviews WHERE schemaname = 'mvnp';
SELECT * FROM mvnp.totals;
SELECT count(*) FROM mvnp.totals;
SELECT s.id FROM mvnp.src s JOIN mvnp.totals t ON t.grp = s.grp;
SELECT id FROM mvnp.src WHERE grp IN (SELECT grp FROM mvnp.totals);
EXPLAIN ANALYZE SELECT * FROM mvnp.totals;
SET search_path = mvnp, public;
SELECT grp FROM totals;
CREATE VIEW mvnp.totals_v AS SELECT grp, total FROM mvnp.totals WHERE total > 0;
SELECT * FROM mvnp.totals_v;
CREATE TABLE mvnp.copy AS SELECT * FROM mvnp.totals;
CREATE TABLE mvnp.copy2 (grp text, total bigint);
INSERT INTO mvnp.copy2 SELECT * FROM mvnp.totals;
CREATE MATERIALIZED VIEW mvnp.second AS SELECT * FROM mvnp.totals WITH NO DATA;
WITH totals AS (SELECT 'x' AS grp) SELECT grp FROM totals;
COMMENT ON MATERIALIZED VIEW mvnp.totals IS 'not yet';
SELECT obj_description('mvnp.totals'::regclass, 'pg_class');
REFRESH MATERIALIZED VIEW mvnp.totals;
SELECT * FROM mvnp.totals ORDER BY grp;
SELECT * FROM mvnp.totals_v ORDER BY grp;
SELECT matviewname, ispopulated FROM pg_matviews WHERE schemaname = 'mvnp' ORDER BY 1;
SELECT * FROM mvnp.second;
INSERT INTO mvnp.copy2 SELECT * FROM mvnp.totals;
SELECT * FROM mvnp.copy2 ORDER BY grp;
REFRESH MATERIALIZED VIEW mvnp.totals WITH NO DATA;
SELECT * FROM mvnp.totals;
SELECT count(*) FROM mvnp.copy2;
BEGIN;
REFRESH MATERIALIZED VIEW mvnp.totals;
SELECT * FROM mvnp.totals ORDER BY grp;
ROLLBACK;
SELECT * FROM mvnp.totals;
ALTER MATERIALIZED VIEW mvnp.totals RENAME TO totals2;
SELECT * FROM mvnp.totals2;
REFRESH MATERIALIZED VIEW mvnp.totals2;
SELECT * FROM mvnp.totals2 ORDER BY grp;
CREATE MATERIALIZED VIEW public.mvnp_pub AS SELECT 1 AS one WITH NO DATA;
SELECT * FROM public.mvnp_pub;
SELECT * FROM mvnp_pub;
DROP MATERIALIZED VIEW public.mvnp_pub;
DROP SCHEMA mvnp CASCADE;
SELECT count(*) FROM pg_matviews WHERE schemaname = 'mvnp';
