-- || of an array and an element appends or prepends it; an untyped literal beside an array is
-- an array of its type (PostgreSQL's anyarray || anyarray).
DROP TABLE IF EXISTS arrcat;
CREATE TABLE arrcat (id int, tags text[], nums int[], days date[]);
INSERT INTO arrcat VALUES (1, '{a,b}', '{1,2}', ARRAY['2024-01-05'::date]), (2, '{}', '{}', ARRAY[]::date[]), (3, NULL, NULL, NULL);
INSERT INTO arrcat (id, days) VALUES (4, '{2024-03-01}');
SELECT id, tags || 'c'::text, 'z'::text || tags, nums || 3, 0 || nums, days || '2024-02-01'::date FROM arrcat WHERE id < 4 ORDER BY id;
SELECT id, tags || '{x,y}', '{w}' || tags, nums || '{7,8}', nums || ARRAY[9] FROM arrcat WHERE id < 4 ORDER BY id;
SELECT ARRAY[1, 2] || '{3}', ARRAY['a'] || '{b}', ARRAY[1] || NULL::int, NULL::int[] || 4, ARRAY[true] || false;
SELECT array_length(nums || 5, 1), cardinality('{1,2}'::int[] || 3) FROM arrcat WHERE id = 1;
SELECT string_to_array('a,b', ',') || 'c'::text, array_agg(id ORDER BY id) || 99 FROM arrcat WHERE id < 4;
SELECT 1 || ARRAY['x'];
DROP TABLE arrcat;
