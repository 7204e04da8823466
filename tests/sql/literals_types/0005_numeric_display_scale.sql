-- numeric keeps each value's display scale: text cast to numeric keeps its digits ('12.50'
-- prints 12.50), sums keep the widest scale of their inputs, max/min the chosen value's,
-- + and - the wider operand's, * the sum of both, round(x, n) n digits; ORDER BY still sorts
-- by value, GROUP BY still groups by value.
DROP SCHEMA IF EXISTS dscale CASCADE;
CREATE SCHEMA dscale;
CREATE TABLE dscale.sales (id int, region text, price text, qty int);
INSERT INTO dscale.sales VALUES (1, 'eu', '12.50', 2), (2, 'eu', '7.125', 1), (3, 'us', '99.00', 3), (4, 'us', '1200', 1), (5, 'us', NULL, 1), (6, 'apac', '0.5', 4);
SELECT id, price::numeric AS price FROM dscale.sales ORDER BY price, id;
SELECT id, price::numeric * qty AS line, price::numeric + 1 AS plus_one, -price::numeric AS neg FROM dscale.sales ORDER BY id;
SELECT sum(price::numeric) AS total, max(price::numeric) AS top, min(price::numeric) AS bottom FROM dscale.sales;
SELECT region, sum(price::numeric * qty) AS revenue FROM dscale.sales GROUP BY region ORDER BY revenue DESC;
SELECT region, coalesce(sum(price::numeric), 0) AS revenue FROM dscale.sales WHERE id > 4 GROUP BY region ORDER BY region;
SELECT id, coalesce(price::numeric, 0) AS price, round(price::numeric, 1) AS r1, round(price::numeric) AS r0 FROM dscale.sales ORDER BY id;
SELECT region, count(*) FROM dscale.sales GROUP BY region HAVING sum(price::numeric) > 20 ORDER BY region;
SELECT '1.10'::numeric + '2.205'::numeric, '1.5'::numeric * '2.25'::numeric, ('0.10')::numeric - 0.1;
DROP SCHEMA dscale CASCADE;
