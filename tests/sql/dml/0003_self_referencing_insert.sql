-- A multi-row INSERT into a table whose foreign key references itself: PostgreSQL checks the
-- key at the end of the statement, so parents and children may come in any order of one
-- VALUES list (a child naming a missing parent is still 23503, and nothing is inserted).
DROP SCHEMA IF EXISTS selfins CASCADE;
CREATE SCHEMA selfins;
CREATE TABLE selfins.categories (id int PRIMARY KEY, parent_id int REFERENCES selfins.categories (id), name text);
INSERT INTO selfins.categories VALUES (1, NULL, 'root'), (2, 1, 'books'), (3, 2, 'novels');
INSERT INTO selfins.categories VALUES (13, 12, 'c'), (12, 11, 'b'), (11, NULL, 'a');
INSERT INTO selfins.categories (name, parent_id, id) VALUES ('x', 21, 22), ('w', NULL, 21);
INSERT INTO selfins.categories VALUES (30, 1, 'ok'), (31, 99, 'orphan');
SELECT id, parent_id, name FROM selfins.categories ORDER BY id;
BEGIN;
INSERT INTO selfins.categories VALUES (41, 40, 'later'), (40, 3, 'sooner');
SELECT count(*) FROM selfins.categories WHERE id >= 40;
ROLLBACK;
SELECT count(*) FROM selfins.categories;
CREATE TABLE selfins.people (handle text PRIMARY KEY, manager text REFERENCES selfins.people (handle));
INSERT INTO selfins.people VALUES ('bo', 'al'), ('al', NULL), ('cy', 'bo');
SELECT handle, manager FROM selfins.people ORDER BY handle;
DROP SCHEMA selfins CASCADE;
