-- CHECK constraints as pg_get_constraintdef prints them, plain and pretty: PostgreSQL's
-- implicit casts (an integer compared with a numeric or double column, a string literal typed
-- as the column, varchar compared as text), its parentheses, BETWEEN and IN expanded.
DROP SCHEMA IF EXISTS ckdef CASCADE;
CREATE SCHEMA ckdef;
CREATE TABLE ckdef.t (a int CHECK (a > -1), b numeric(10,2) CHECK (b >= 0), c text CHECK (c <> ''), d varchar(5) CHECK (d IN ('x', 'y')), e int CHECK (e BETWEEN 1 AND 10), f float8 CHECK (f > 0), g bigint CHECK (g > 0 AND g < 100), h text CHECK (length(h) > 2), i numeric CHECK (i > 0.5), j date CHECK (j > '2020-01-01'), k boolean CHECK (k IS NOT NULL), l int CHECK (l % 2 = 0 OR l IS NULL));
SELECT conname, pg_get_constraintdef(oid), pg_get_constraintdef(oid, true) FROM pg_constraint WHERE conrelid = 'ckdef.t'::regclass ORDER BY conname;
CREATE TABLE ckdef.orders (id int PRIMARY KEY, status varchar(10) NOT NULL, qty int, price numeric(8,2), CONSTRAINT orders_status_ck CHECK (status IN ('new', 'paid', 'shipped')), CONSTRAINT orders_value_ck CHECK (qty * price < 10000 AND qty >= 1));
SELECT conname, pg_get_constraintdef(oid, true) FROM pg_constraint WHERE conrelid = 'ckdef.orders'::regclass AND contype = 'c' ORDER BY conname;
ALTER TABLE ckdef.orders RENAME TO orders_v2;
SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = 'ckdef.orders_v2'::regclass AND contype = 'c' ORDER BY conname;
INSERT INTO ckdef.orders_v2 VALUES (1, 'new', 2, 10.00);
INSERT INTO ckdef.orders_v2 VALUES (2, 'lost', 2, 10.00);
SELECT count(*) FROM ckdef.orders_v2;
DROP SCHEMA ckdef CASCADE;
