-- Index definitions as pg_get_indexdef, pg_indexes and pg_index print them: partial indexes'
-- predicates and expression keys with PostgreSQL's implicit casts, plain and pretty (psql \d).
DROP SCHEMA IF EXISTS ixdef CASCADE;
CREATE SCHEMA ixdef;
CREATE TABLE ixdef.t (id int, email varchar(255), st varchar(10), code char(3), n numeric, a int, b int, note text);
CREATE INDEX t_open ON ixdef.t (id) WHERE st <> 'done';
CREATE UNIQUE INDEX t_lower_email ON ixdef.t (lower(email));
CREATE INDEX t_sum ON ixdef.t ((a + b), id DESC) WHERE a > 0 AND st IS NOT NULL;
CREATE INDEX ON ixdef.t (upper(note));
CREATE INDEX t_code ON ixdef.t (code) WHERE n >= 10 OR b IN (1, 2, 3);
CREATE INDEX t_len ON ixdef.t (length(note)) WHERE note IS NULL;
SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'ixdef' ORDER BY indexname;
SELECT c.relname, pg_get_indexdef(c.oid, 0, true) FROM pg_class c WHERE c.relnamespace = 'ixdef'::regnamespace AND c.relkind = 'i' ORDER BY 1;
SELECT c.relname, pg_get_indexdef(c.oid, 1, false), pg_get_indexdef(c.oid, 1, true) FROM pg_class c WHERE c.relnamespace = 'ixdef'::regnamespace AND c.relkind = 'i' ORDER BY 1;
SELECT c.relname, pg_get_expr(i.indpred, i.indrelid) FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE i.indrelid = 'ixdef.t'::regclass ORDER BY 1;
INSERT INTO ixdef.t VALUES (1, 'A@x.org', 'open', 'abc', 12, 1, 2, 'n'), (2, 'b@x.org', 'done', 'abd', 3, 0, 1, NULL);
SELECT id FROM ixdef.t WHERE st <> 'done' ORDER BY id;
INSERT INTO ixdef.t VALUES (3, 'a@X.org', 'open', 'abe', 1, 1, 1, 'x');
DROP INDEX ixdef.t_open;
CREATE INDEX t_open ON ixdef.t (id);
SELECT indexdef FROM pg_indexes WHERE schemaname = 'ixdef' AND indexname = 't_open';
ALTER INDEX ixdef.t_code RENAME TO t_code_partial;
SELECT indexdef FROM pg_indexes WHERE schemaname = 'ixdef' AND indexname = 't_code_partial';
DROP SCHEMA ixdef CASCADE;
