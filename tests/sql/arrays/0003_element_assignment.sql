-- UPDATE … SET a[i] = v: one element assigned, past the end padded with NULLs, several
-- assignments to one column applied in order (each reading the old row), NULL arrays
-- started at element 1, and ON CONFLICT DO UPDATE SET a[i].
DROP SCHEMA IF EXISTS arrset CASCADE;
CREATE SCHEMA arrset;
CREATE TABLE arrset.posts (id int PRIMARY KEY, scores int[], tags text[]);
INSERT INTO arrset.posts VALUES (1, '{5,3,9}', '{a,b}'), (2, NULL, NULL), (3, '{}', '{}');
UPDATE arrset.posts SET scores[1] = 100 WHERE id = 1;
SELECT id, scores, tags FROM arrset.posts ORDER BY id;
UPDATE arrset.posts SET scores[5] = 7, scores[2] = scores[3] + 1 WHERE id = 1;
SELECT id, scores FROM arrset.posts WHERE id = 1;
UPDATE arrset.posts SET scores[1] = id * 10, tags[1] = 'x' || id WHERE id IN (2, 3);
SELECT id, scores, tags FROM arrset.posts ORDER BY id;
UPDATE arrset.posts SET tags[2] = NULL WHERE id = 1;
SELECT id, tags, array_length(tags, 1) FROM arrset.posts WHERE id = 1;
UPDATE arrset.posts SET scores[NULL] = 1 WHERE id = 1;
UPDATE arrset.posts SET scores[2] = scores[2] + 1 RETURNING id, scores;
INSERT INTO arrset.posts VALUES (1, '{0}', NULL) ON CONFLICT (id) DO UPDATE SET scores[3] = -1;
SELECT id, scores FROM arrset.posts ORDER BY id;
DROP SCHEMA arrset CASCADE;
