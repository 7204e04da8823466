-- An analyst's questions of an orders table (numeric(10,2) amounts, float prices, timestamptz
-- written to the minute): sums, averages, shares and growth as quotients, windows, FILTER,
-- CASE, JSON of rows, as PostgreSQL 15 answers them digit for digit.
DROP SCHEMA IF EXISTS ords CASCADE;
CREATE SCHEMA ords;
SET search_path = ords, public;
CREATE TABLE orders (id int, customer text, amount numeric(10,2), qty int, price float8, created timestamptz, status text);
INSERT INTO orders VALUES (1,'a',12.50,3,4.25,'2024-01-05 10:00+00','paid'),(2,'b',7.00,1,7.0,'2024-01-06 11:30+00','paid'),(3,'a',100.10,10,10.01,'2024-02-01 09:00+00','refunded'),(4,'c',NULL,2,NULL,'2024-02-03 15:45+00','open'),(5,'b',0.99,7,0.1414,'2024-03-10 08:00+00','paid');
SELECT customer, sum(amount), avg(amount), round(avg(amount), 2), count(*) FROM orders GROUP BY customer ORDER BY customer;
SELECT date_trunc('month', created) AS m, sum(amount) / sum(qty) AS unit, count(*) FILTER (WHERE status = 'paid') FROM orders GROUP BY 1 ORDER BY 1;
SELECT customer, amount, amount / sum(amount) OVER (PARTITION BY customer) AS share FROM orders ORDER BY id;
SELECT customer, 100.0 * count(*) / sum(count(*)) OVER () AS pct FROM orders GROUP BY customer ORDER BY customer;
SELECT id, price * qty, price / qty, amount * qty, amount / qty FROM orders ORDER BY id;
SELECT status, percentile_cont(0.5) WITHIN GROUP (ORDER BY amount), stddev(amount), variance(qty) FROM orders GROUP BY status ORDER BY status;
SELECT id, amount - lag(amount) OVER (ORDER BY id) AS delta, (amount - lag(amount) OVER (ORDER BY id)) / lag(amount) OVER (ORDER BY id) * 100 AS growth FROM orders ORDER BY id;
WITH m AS (SELECT customer, sum(amount) AS total FROM orders GROUP BY customer) SELECT customer, total, total / (SELECT sum(total) FROM m) AS frac FROM m ORDER BY total DESC NULLS LAST;
SELECT customer, array_agg(amount ORDER BY id), string_agg(amount::text, ',' ORDER BY id) FROM orders GROUP BY customer ORDER BY 1;
SELECT extract(epoch FROM created)::bigint, to_char(created, 'YYYY-MM-DD HH24:MI'), created::date FROM orders ORDER BY id;
SELECT avg(price), sum(price), avg(qty)::numeric(10,3), sum(qty) / count(*)::numeric FROM orders;
SELECT customer, max(amount) - min(amount), max(created) - min(created) FROM orders GROUP BY customer ORDER BY 1;
SELECT coalesce(sum(amount) FILTER (WHERE status = 'open'), 0), nullif(sum(qty), 0) FROM orders;
SELECT id, CASE WHEN amount > 50 THEN 'big' WHEN amount > 5 THEN 'mid' ELSE 'small' END, greatest(amount, 10), least(amount, 10.005) FROM orders ORDER BY id;
SELECT json_build_object('id', id, 'amt', amount, 'at', created) FROM orders ORDER BY id LIMIT 2;
SELECT customer, json_agg(json_build_object('id', id, 'amount', amount) ORDER BY id) FROM orders GROUP BY customer ORDER BY 1;
RESET search_path;
DROP SCHEMA ords CASCADE;
