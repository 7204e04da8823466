-- jsonb compares values, not text: numbers by their numeric value (1.0 = 1), objects by keys
-- in any written order; in the select list, in WHERE, against a column and an untyped literal.
DROP TABLE IF EXISTS jeq;
CREATE TABLE jeq (id int, doc jsonb);
INSERT INTO jeq VALUES (1, '{"a": 1.0, "b": [1, 2.50]}'), (2, '{"b": [1, 2.5], "a": 1}'), (3, '{"a": 2}'), (4, NULL);
SELECT '{"a": 1.0}'::jsonb = '{"a": 1}'::jsonb, '[1, 2.50]'::jsonb <> '[1.0, 2.5]'::jsonb, '{"a": 1}'::jsonb = '{"a": "1"}'::jsonb;
SELECT id, doc, doc = '{"a": 1, "b": [1, 2.5]}' AS same FROM jeq ORDER BY id;
SELECT id FROM jeq WHERE doc = '{"a": 1, "b": [1.0, 2.5]}'::jsonb ORDER BY id;
SELECT id FROM jeq WHERE doc <> '{"a": 2.0}'::jsonb ORDER BY id;
SELECT a.id, b.id, a.doc = b.doc FROM jeq a JOIN jeq b ON a.id < b.id WHERE a.id <= 2 AND b.id <= 3 ORDER BY 1, 2;
SELECT '{"a": {"b": 1e2}}'::jsonb = '{"a": {"b": 100}}'::jsonb, '[]'::jsonb = '{}'::jsonb, 'null'::jsonb = 'null'::jsonb;
DROP TABLE jeq;
