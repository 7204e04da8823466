-- TABLESAMPLE: PostgreSQL reads its argument as a percentage of rows. The rows drawn differ
-- between engines, so these statements check what a user relies on: bounds, the extremes,
-- REPEATABLE giving the same sample twice, and the errors for bad arguments.
DROP SCHEMA IF EXISTS sampling CASCADE;
CREATE SCHEMA sampling;
SET search_path = sampling;
CREATE TABLE big (id int PRIMARY KEY, grp int);
INSERT INTO big SELECT g, g % 10 FROM generate_series(1, 10000) g;
SELECT count(*) FROM big TABLESAMPLE SYSTEM (100);
SELECT count(*) FROM big TABLESAMPLE BERNOULLI (100);
SELECT count(*) FROM big TABLESAMPLE BERNOULLI (0);
SELECT count(*) FROM big TABLESAMPLE SYSTEM (0);
SELECT count(*) BETWEEN 4000 AND 6000 FROM big TABLESAMPLE BERNOULLI (50);
SELECT count(*) BETWEEN 500 AND 1500 FROM big b TABLESAMPLE BERNOULLI (10) WHERE b.grp >= 0;
SELECT count(*) BETWEEN 9000 AND 10000 FROM sampling.big AS s (i, g) TABLESAMPLE SYSTEM (99.5) WHERE s.i > 0;
SELECT (SELECT array_agg(id ORDER BY id) FROM big TABLESAMPLE BERNOULLI (1) REPEATABLE (42)) = (SELECT array_agg(id ORDER BY id) FROM big TABLESAMPLE BERNOULLI (1) REPEATABLE (42));
SELECT count(*) BETWEEN 1 AND 300 FROM big TABLESAMPLE BERNOULLI (1) REPEATABLE (7);
SELECT count(*) FROM big t1 TABLESAMPLE BERNOULLI (100) JOIN big t2 ON t1.id = t2.id WHERE t2.id <= 10;
SELECT count(*) FROM big TABLESAMPLE SYSTEM (101);
SELECT count(*) FROM big TABLESAMPLE BERNOULLI (-1);
SELECT count(*) FROM big TABLESAMPLE BERNOULLI (NULL);
SELECT count(*) FROM big TABLESAMPLE nosuch (10);
SELECT count(*) FROM big TABLESAMPLE SYSTEM (10) REPEATABLE (NULL);
DROP SCHEMA sampling CASCADE;
