-- Numeric values that are stored rather than returned: a quotient in CREATE TABLE … AS,
-- CREATE VIEW and INSERT … SELECT stays numeric (not double precision), and columns declared
-- numeric, numeric(38,17) and numeric(p,s) keep their declared types in the catalog.
DROP SCHEMA IF EXISTS stnum CASCADE;
CREATE SCHEMA stnum;
CREATE TABLE stnum.raw (id int, cents bigint, qty int);
INSERT INTO stnum.raw VALUES (1, 1250, 3), (2, 990, 7), (3, 100000, 9);
CREATE VIEW stnum.v AS SELECT id, cents / 100.0 AS amount, cents / qty AS per_item FROM stnum.raw;
SELECT id, amount, pg_typeof(amount), per_item, pg_typeof(per_item) FROM stnum.v ORDER BY id;
CREATE TABLE stnum.t AS SELECT id, cents / 100.0 AS amount FROM stnum.raw;
SELECT id, amount::float8, pg_typeof(amount) FROM stnum.t ORDER BY id;
SELECT round(amount, 2) FROM stnum.t ORDER BY id;
CREATE TABLE stnum.ins (id int, share numeric, ratio double precision);
INSERT INTO stnum.ins SELECT id, cents / 300.0, cents / 300.0 FROM stnum.raw;
SELECT id, round(share, 10), ratio FROM stnum.ins ORDER BY id;
CREATE TABLE stnum.decl (a numeric, b numeric(38,17), c numeric(10,2), d numeric(38,0));
SELECT attname, format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = 'stnum.decl'::regclass AND attnum > 0 ORDER BY attnum;
SELECT column_name, data_type, numeric_precision, numeric_scale FROM information_schema.columns WHERE table_schema = 'stnum' AND table_name IN ('decl', 't') ORDER BY table_name, ordinal_position;
SELECT attname, format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = 'stnum.v'::regclass AND attnum > 0 ORDER BY attnum;
DROP SCHEMA stnum CASCADE;
