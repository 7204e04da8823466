-- array_fill of one dimension, width_bucket over an array of lower bounds, unnest of several
-- arrays in FROM (zipped, the shorter padded with NULLs).
SELECT array_fill(7, ARRAY[3]), array_fill('x'::text, ARRAY[2]), array_fill(1.5, ARRAY[0]), pg_typeof(array_fill(7, ARRAY[3]));
SELECT width_bucket(3.5, ARRAY[1, 3, 5]), width_bucket(0, ARRAY[1, 3]), width_bucket(5, ARRAY[1, 3, 5]), width_bucket(NULL::int, ARRAY[1]);
SELECT width_bucket(now()::date, ARRAY['2000-01-01'::date, '2100-01-01'::date]), width_bucket(7.0::float8, ARRAY[1.0, 5.0, 10.0]::float8[]);
SELECT * FROM unnest(ARRAY[1, 2], ARRAY['a', 'b', 'c']) AS u(n, s) ORDER BY n NULLS LAST;
SELECT u.x, u.y FROM unnest(ARRAY[10, 20, 30], ARRAY[true]) AS u(x, y) ORDER BY x;
SELECT count(*) FROM unnest('{}'::int[], '{}'::text[]) AS u(a, b);
DROP TABLE IF EXISTS fillpairs;
CREATE TABLE fillpairs (id int, ks text[], vs int[]);
INSERT INTO fillpairs VALUES (1, '{a,b}', '{1,2}'), (2, '{c}', '{3,4}');
SELECT p.id, u.k, u.v FROM fillpairs p, unnest(p.ks, p.vs) AS u(k, v) ORDER BY p.id, u.v;
DROP TABLE fillpairs;
