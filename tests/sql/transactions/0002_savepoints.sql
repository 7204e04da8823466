-- Savepoints as drivers and ORMs send them: pgjdbc autosave (SAVEPOINT PGJDBC_AUTOSAVE before
-- each statement, ROLLBACK TO it after an error, RELEASE it after success), SQLAlchemy's
-- begin_nested() (sa_savepoint_N), psycopg2 and Django atomic() blocks (s<thread>_x<n>), and
-- the aborted-transaction state in between.
DROP SCHEMA IF EXISTS txsp CASCADE;
CREATE SCHEMA txsp;
SET search_path = txsp;
CREATE TABLE sp_orders (id int PRIMARY KEY, customer text NOT NULL, amount numeric(10,2) CHECK (amount >= 0));
CREATE TABLE sp_audit (order_id int, note text);
INSERT INTO sp_orders VALUES (1, 'ada', 10.00), (2, 'bob', 20.00);
-- pgjdbc autosave=always: the failing INSERT is undone, the transaction goes on.
BEGIN;
SAVEPOINT PGJDBC_AUTOSAVE;
INSERT INTO sp_orders VALUES (3, 'cyd', 30.00);
RELEASE SAVEPOINT PGJDBC_AUTOSAVE;
SAVEPOINT PGJDBC_AUTOSAVE;
INSERT INTO sp_orders VALUES (1, 'dup', 1.00);
ROLLBACK TO SAVEPOINT PGJDBC_AUTOSAVE;
SAVEPOINT PGJDBC_AUTOSAVE;
INSERT INTO sp_orders VALUES (4, 'dan', 40.00);
RELEASE SAVEPOINT PGJDBC_AUTOSAVE;
SELECT id, customer, amount FROM sp_orders ORDER BY id;
COMMIT;
SELECT id, customer FROM sp_orders ORDER BY id;
-- Without a savepoint an error aborts the transaction: every statement fails until ROLLBACK.
BEGIN;
INSERT INTO sp_orders VALUES (5, 'eve', 50.00);
INSERT INTO sp_orders VALUES (5, 'eve again', 50.00);
SELECT count(*) FROM sp_orders;
SAVEPOINT too_late;
RELEASE SAVEPOINT too_late;
COMMIT;
SELECT count(*) FROM sp_orders WHERE id = 5;
-- An aborted transaction recovers with ROLLBACK TO a savepoint set before the error.
BEGIN;
INSERT INTO sp_orders VALUES (5, 'eve', 50.00);
SAVEPOINT before_check;
UPDATE sp_orders SET amount = -1 WHERE id = 5;
SELECT amount FROM sp_orders WHERE id = 5;
ROLLBACK TO SAVEPOINT before_check;
SELECT amount FROM sp_orders WHERE id = 5;
UPDATE sp_orders SET amount = 55.00 WHERE id = 5;
COMMIT;
SELECT id, amount FROM sp_orders WHERE id = 5;
-- SQLAlchemy begin_nested(): nested savepoints, the inner one rolled back, the outer released.
BEGIN;
SAVEPOINT sa_savepoint_1;
INSERT INTO sp_audit VALUES (1, 'outer');
SAVEPOINT sa_savepoint_2;
INSERT INTO sp_audit VALUES (1, 'inner');
DELETE FROM sp_orders WHERE id = 1;
ROLLBACK TO SAVEPOINT sa_savepoint_2;
SELECT note FROM sp_audit ORDER BY note;
SELECT count(*) FROM sp_orders WHERE id = 1;
RELEASE SAVEPOINT sa_savepoint_1;
COMMIT;
SELECT order_id, note FROM sp_audit ORDER BY note;
-- Rolling back to an outer savepoint undoes the inner ones and forgets them.
BEGIN;
SAVEPOINT a;
INSERT INTO sp_audit VALUES (2, 'a');
SAVEPOINT b;
INSERT INTO sp_audit VALUES (2, 'b');
ROLLBACK TO a;
SELECT count(*) FROM sp_audit WHERE order_id = 2;
RELEASE SAVEPOINT b;
ROLLBACK;
-- The same name twice: ROLLBACK TO and RELEASE reach the newer one first.
BEGIN;
SAVEPOINT s;
INSERT INTO sp_audit VALUES (3, 'first');
SAVEPOINT s;
INSERT INTO sp_audit VALUES (3, 'second');
ROLLBACK TO SAVEPOINT s;
SELECT note FROM sp_audit WHERE order_id = 3 ORDER BY note;
RELEASE SAVEPOINT s;
ROLLBACK TO SAVEPOINT s;
SELECT count(*) FROM sp_audit WHERE order_id = 3;
RELEASE SAVEPOINT s;
RELEASE SAVEPOINT s;
ROLLBACK;
-- A savepoint can be rolled back to again and again; it stays until released.
BEGIN;
SAVEPOINT again;
INSERT INTO sp_audit VALUES (4, 'try 1');
ROLLBACK TO SAVEPOINT again;
INSERT INTO sp_audit VALUES (4, 'try 2');
ROLLBACK TO SAVEPOINT again;
INSERT INTO sp_audit VALUES (4, 'try 3');
COMMIT;
SELECT note FROM sp_audit WHERE order_id = 4;
-- Savepoint errors.
SAVEPOINT outside;
RELEASE SAVEPOINT outside;
ROLLBACK TO SAVEPOINT outside;
BEGIN;
ROLLBACK TO SAVEPOINT nosuch;
SELECT 1;
ROLLBACK;
BEGIN;
RELEASE SAVEPOINT nosuch;
ROLLBACK;
-- DDL inside savepoints (Alembic and Django migrations run in one transaction).
BEGIN;
SAVEPOINT ddl;
CREATE TABLE sp_tmp (x int);
INSERT INTO sp_tmp VALUES (1), (2);
ROLLBACK TO SAVEPOINT ddl;
SELECT count(*) FROM information_schema.tables WHERE table_schema = 'txsp' AND table_name = 'sp_tmp';
CREATE TABLE sp_kept (x int);
SAVEPOINT ddl2;
ALTER TABLE sp_kept ADD COLUMN y text;
INSERT INTO sp_kept VALUES (1, 'one');
RELEASE SAVEPOINT ddl2;
COMMIT;
SELECT x, y FROM sp_kept;
-- Django atomic(): a savepoint per block, released on success, rolled back on IntegrityError.
BEGIN;
SAVEPOINT "s140245_x1";
INSERT INTO sp_orders VALUES (6, 'fay', 60.00);
RELEASE SAVEPOINT "s140245_x1";
SAVEPOINT "s140245_x2";
INSERT INTO sp_orders VALUES (7, NULL, 70.00);
ROLLBACK TO SAVEPOINT "s140245_x2";
RELEASE SAVEPOINT "s140245_x2";
COMMIT;
SELECT id, customer FROM sp_orders WHERE id >= 6 ORDER BY id;
-- A statement that failed before any write, then ROLLBACK TO: earlier writes stay.
BEGIN;
UPDATE sp_orders SET amount = amount + 1 WHERE id = 2;
SAVEPOINT q;
SELECT 1 / 0;
ROLLBACK TO SAVEPOINT q;
SELECT amount FROM sp_orders WHERE id = 2;
SELECT nosuchcolumn FROM sp_orders;
ROLLBACK TO SAVEPOINT q;
UPDATE sp_orders SET amount = amount + 1 WHERE id = 2;
COMMIT;
SELECT amount FROM sp_orders WHERE id = 2;
-- Multi-row writes before the savepoint are made again exactly.
BEGIN;
INSERT INTO sp_audit SELECT id, 'bulk ' || customer FROM sp_orders WHERE id <= 3;
UPDATE sp_audit SET note = upper(note) WHERE note LIKE 'bulk%';
SAVEPOINT after_bulk;
DELETE FROM sp_audit;
SELECT count(*) FROM sp_audit;
ROLLBACK TO SAVEPOINT after_bulk;
SELECT order_id, note FROM sp_audit WHERE note LIKE 'BULK%' ORDER BY order_id;
ROLLBACK;
SELECT count(*) FROM sp_audit WHERE note LIKE 'BULK%';
-- COMMIT of an aborted transaction rolls it back; ROLLBACK AND CHAIN starts another.
BEGIN;
INSERT INTO sp_audit VALUES (9, 'lost');
SELECT 1 / 0;
COMMIT;
SELECT count(*) FROM sp_audit WHERE order_id = 9;
BEGIN;
INSERT INTO sp_audit VALUES (9, 'chained away');
ROLLBACK AND CHAIN;
INSERT INTO sp_audit VALUES (9, 'chained in');
COMMIT AND CHAIN;
SELECT note FROM sp_audit WHERE order_id = 9;
COMMIT;
COMMIT AND CHAIN;
SELECT note FROM sp_audit WHERE order_id = 9;
