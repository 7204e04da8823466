-- Arithmetic on stored numeric without precision (DuckDB's DECIMAL(38,17) underneath): the
-- product of two such columns is exact and does not overflow beyond 9999, a quotient and
-- x::text take the digits the value has (not 17 decimals), avg, variance and stddev keep
-- PostgreSQL's scales, and a temporary table's columns are typed as a permanent one's.
DROP SCHEMA IF EXISTS snar CASCADE;
CREATE SCHEMA snar;
CREATE TABLE snar.t (id int, a numeric, b int, c numeric(10,2), s smallint);
INSERT INTO snar.t VALUES (1, 12500.5, 1, 1.5, 1), (2, 3, 2, 2.25, 2), (3, 1.123, 3, 3, 3), (4, 250000.75, 4, 99.99, 4);
SELECT id, a * a, a * b, a * c, a * 1.5, c * c FROM snar.t ORDER BY id;
SELECT id, a / 3, a / b, b / 2.0, a / c FROM snar.t ORDER BY id;
SELECT id, a::text, (a * 2)::text, (a / 7)::text, c::text FROM snar.t ORDER BY id;
SELECT avg(a), avg(b), avg(c), sum(a * c) FROM snar.t;
SELECT variance(a), var_pop(a), stddev(a), stddev_pop(a) FROM snar.t;
SELECT variance(b), stddev(b), variance(c), stddev(c) FROM snar.t;
SELECT stddev(x), variance(x) FROM (VALUES (1), (2), (3)) v(x);
SELECT stddev(x), stddev_pop(x) FROM (VALUES (10), (20), (30), (45)) v(x);
SELECT id % 2, avg(a), variance(a) FROM snar.t GROUP BY id % 2 ORDER BY 1;
CREATE TEMP TABLE snar_tmp (a numeric, c varchar(3));
INSERT INTO snar_tmp VALUES (12.5, 'x'), (3, 'y'), (1.123, 'z');
SELECT a / 3, pg_typeof(a), pg_typeof(c), a * a FROM snar_tmp ORDER BY a;
-- GROUP BY, HAVING and ORDER BY an expression the select list repeats, as BI tools write them.
SELECT s + 1, count(*) FROM snar.t GROUP BY s + 1 ORDER BY s + 1;
SELECT b / 2.0, count(*) FROM snar.t GROUP BY b / 2.0 HAVING b / 2.0 > 0.6 ORDER BY b / 2.0 DESC;
SELECT round(a / 3, 2), count(*) FROM snar.t GROUP BY round(a / 3, 2) ORDER BY round(a / 3, 2);
SELECT a * 2, max(id) FROM snar.t GROUP BY a * 2 ORDER BY a * 2;
SELECT id FROM snar.t ORDER BY a / b DESC, s + 1;
SELECT DISTINCT s * 2 FROM snar.t ORDER BY s * 2;
DROP SCHEMA snar CASCADE;
