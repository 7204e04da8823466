-- to_json, row_to_json and json_agg of records and arrays: each field as PostgreSQL's to_json
-- writes it (numerics with their scale, timestamps with T, intervals as interval_out, nested
-- records and arrays, json and jsonb fields as they are); row(a, b)'s fields are f1, f2.
SELECT row_to_json(row(1, 'a'));
SELECT row_to_json(row(1.50, '2024-01-05'::date, NULL, true));
SELECT row_to_json(t) FROM (SELECT 1 AS a, 'x' AS b, 2.50 AS c) t;
SELECT row_to_json(t) FROM (SELECT 1 AS a, '2024-01-05 10:00'::timestamp AS ts, '2024-01-05 10:00:00.25'::timestamp AS ts2) t;
SELECT row_to_json(t) FROM (SELECT 1 AS a, '2024-01-05 10:00+00'::timestamptz AS ts) t;
SELECT json_agg(t ORDER BY t.a) FROM (SELECT 1 AS a, 2.50 AS c UNION ALL SELECT 2, 3.75) t;
SELECT to_json(t) FROM (SELECT ARRAY[1.5, 2.25] AS xs, ARRAY['a', 'b"c'] AS ys, '1 day 02:00:00'::interval AS iv) t;
SELECT row_to_json(t) FROM (SELECT '12:30:00.5'::time AS t1, 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'::uuid AS u, '\xdead'::bytea AS b) t;
SELECT row_to_json(t) FROM (SELECT 1.5::float8 AS f, 'NaN'::float8 AS n, 1e20::float8 AS big, 0.1::real AS r, 123456789012::bigint AS i) t;
SELECT row_to_json(t) FROM (SELECT '{"k": [1, 2.0]}'::json AS j, '{"b": 1, "a": 2.50}'::jsonb AS jb) t;
SELECT row_to_json(t) FROM (SELECT row(1, 'x') AS r, ARRAY[row(1, 2)] AS rs) t;
SELECT json_agg(x) FROM (VALUES (1.50), (2.25)) v(x);
SELECT to_json(ARRAY['2024-01-05 10:00'::timestamp]), to_jsonb(ARRAY[1.5, 2]);
SELECT row_to_json(t) FROM (SELECT '-1 year -2 mons +3 days -04:05:06.789'::interval AS a, '0'::interval AS b, '1 mon'::interval AS c) t;
