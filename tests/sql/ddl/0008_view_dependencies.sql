-- Which relations a view reads, as pg_depend and pg_rewrite record it (dbt reads this to know
-- which views depend on a model): followed through renames, CTEs excluded, gone on DROP.
DROP SCHEMA IF EXISTS vdep CASCADE;
CREATE SCHEMA vdep;
CREATE TABLE vdep.orders (id int PRIMARY KEY, customer_id int, amount numeric(10,2));
CREATE TABLE vdep.customers (id int PRIMARY KEY, name text);
CREATE VIEW vdep.order_totals AS WITH o AS (SELECT customer_id, sum(amount) AS total FROM vdep.orders GROUP BY customer_id) SELECT c.name, o.total FROM o JOIN vdep.customers c ON c.id = o.customer_id;
CREATE VIEW vdep.big_spenders__tmp AS SELECT name FROM vdep.order_totals WHERE total > 100;
ALTER TABLE vdep.big_spenders__tmp RENAME TO big_spenders;
SELECT v.relname AS view, r.rulename, t.relname AS reads, d.deptype FROM pg_rewrite r JOIN pg_class v ON v.oid = r.ev_class JOIN pg_depend d ON d.objid = r.oid AND d.classid = 'pg_rewrite'::regclass JOIN pg_class t ON t.oid = d.refobjid JOIN pg_namespace n ON n.oid = v.relnamespace WHERE n.nspname = 'vdep' GROUP BY 1, 2, 3, 4 ORDER BY 1, 3, 4;
SELECT count(*) FROM pg_rewrite r JOIN pg_class v ON v.oid = r.ev_class JOIN pg_namespace n ON n.oid = v.relnamespace WHERE n.nspname = 'vdep';
SELECT DISTINCT dependent.relname FROM pg_depend d JOIN pg_rewrite r ON r.oid = d.objid JOIN pg_class dependent ON dependent.oid = r.ev_class WHERE d.refobjid = 'vdep.orders'::regclass AND dependent.oid <> d.refobjid ORDER BY 1;
DROP VIEW vdep.big_spenders;
SELECT count(*) FROM pg_rewrite r JOIN pg_class v ON v.oid = r.ev_class JOIN pg_namespace n ON n.oid = v.relnamespace WHERE n.nspname = 'vdep';
SELECT DISTINCT dependent.relname FROM pg_depend d JOIN pg_rewrite r ON r.oid = d.objid JOIN pg_class dependent ON dependent.oid = r.ev_class WHERE d.refobjid = 'vdep.order_totals'::regclass AND dependent.oid <> d.refobjid ORDER BY 1;
DROP SCHEMA vdep CASCADE;
