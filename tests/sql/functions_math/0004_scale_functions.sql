-- scale, min_scale and trim_scale of numerics; scalar functions in FROM.
DROP TABLE IF EXISTS scalefn;
CREATE TABLE scalefn (id int, price numeric(10,3), amount numeric);
INSERT INTO scalefn VALUES (1, 12.500, 3.10), (2, 0.000, 100), (3, NULL, NULL);
SELECT id, scale(price), min_scale(price), trim_scale(price), min_scale(amount), trim_scale(amount) FROM scalefn ORDER BY id;
SELECT scale(1.2345), min_scale(1.2300), trim_scale(1.2300), scale(12.50::numeric), scale(5), trim_scale(10.0), trim_scale(0.000);
SELECT scale(x), min_scale(x), trim_scale(x), trim_scale(x) * 2, pg_typeof(trim_scale(x)), pg_typeof(scale(x)) FROM (VALUES (1.50), (2.25)) v(x) ORDER BY x;
SELECT sum(trim_scale(price)), max(scale(price)) FROM scalefn;
SELECT * FROM current_schema();
SELECT s FROM current_database() AS s;
SELECT x FROM current_setting('TimeZone') AS t(x);
SELECT u.* FROM current_user u;
DROP TABLE scalefn;
