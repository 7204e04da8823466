#!/usr/bin/python3
"""Transactions through psycopg2 as applications drive them (issue 18): savepoints around a
failing statement (the IntegrityError an ORM recovers from), a ROLLBACK TO that cannot be
emulated (a serial default before the savepoint) failing clearly, read-only sessions and
transactions (set_session(readonly=True)), the isolation level asked for, a SCROLL named
cursor moved with scroll(), and SETs undone by ROLLBACK TO. The SQL corpus
(tests/sql/transactions) holds the statement-by-statement answers; this checks the driver's
view: exception classes, notices, cursor positions.
"""
import os
import sys

import psycopg2
import psycopg2.errors

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from control_lib import Server, check, finish  # noqa: E402


def connect(server, **kw):
    conn = psycopg2.connect(server.dsn(), **kw)
    return conn


def savepoints(server):
    conn = connect(server)
    cur = conn.cursor()
    cur.execute("CREATE TABLE tt_acct (id int PRIMARY KEY, owner text NOT NULL, balance int)")
    conn.commit()
    cur.execute("INSERT INTO tt_acct VALUES (%s, %s, %s)", (1, "ada", 10))
    cur.execute("SAVEPOINT before_dup")
    try:
        cur.execute("INSERT INTO tt_acct VALUES (%s, %s, %s)", (1, "dup", 0))
        check(False, "duplicate key accepted")
    except psycopg2.errors.UniqueViolation:
        pass
    try:
        cur.execute("SELECT 1")
        check(False, "a statement ran in an aborted transaction")
    except psycopg2.errors.InFailedSqlTransaction:
        pass
    cur.execute("ROLLBACK TO SAVEPOINT before_dup")
    cur.execute("INSERT INTO tt_acct VALUES (%s, %s, %s)", (2, "bob", 20))
    cur.execute("SAVEPOINT upd")
    cur.execute("UPDATE tt_acct SET balance = balance * 100")
    cur.execute("ROLLBACK TO SAVEPOINT upd")
    cur.execute("SELECT id, owner, balance FROM tt_acct ORDER BY id")
    check(cur.fetchall() == [(1, "ada", 10), (2, "bob", 20)], "rows after two ROLLBACK TO")
    conn.commit()
    cur.execute("SELECT count(*) FROM tt_acct")
    check(cur.fetchone()[0] == 2, "committed rows")

    # A serial default before the savepoint cannot be repeated: a clear 0A000, then ROLLBACK.
    cur.execute("CREATE TABLE tt_serial (id serial PRIMARY KEY, v text UNIQUE)")
    conn.commit()
    cur.execute("INSERT INTO tt_serial (v) VALUES ('a')")
    cur.execute("SAVEPOINT s")
    try:
        cur.execute("INSERT INTO tt_serial (v) VALUES ('a')")
    except psycopg2.errors.UniqueViolation:
        pass
    try:
        cur.execute("ROLLBACK TO SAVEPOINT s")
        check(False, "ROLLBACK TO over a serial default succeeded")
    except psycopg2.errors.FeatureNotSupported as e:
        check("nextval" in str(e), "the refusal names the default: %s" % e)
    conn.rollback()
    cur.execute("SELECT count(*) FROM tt_serial")
    check(cur.fetchone()[0] == 0, "the refused transaction left nothing")
    conn.commit()

    # ROLLBACK TO undoes a SET made after the savepoint; SET LOCAL ends with the transaction.
    cur.execute("SET application_name = 'outer'")
    cur.execute("SAVEPOINT app")
    cur.execute("SET application_name = 'inner'")
    cur.execute("ROLLBACK TO SAVEPOINT app")
    cur.execute("SHOW application_name")
    check(cur.fetchone()[0] == "outer", "SET undone by ROLLBACK TO")
    cur.execute("SET LOCAL statement_timeout = '7s'")
    conn.commit()
    cur.execute("SHOW statement_timeout")
    check(cur.fetchone()[0] == "0", "SET LOCAL ended with the transaction")
    conn.commit()
    conn.close()


def read_only(server):
    conn = connect(server)
    conn.set_session(readonly=True)
    cur = conn.cursor()
    cur.execute("SELECT count(*) FROM tt_acct")
    check(cur.fetchone()[0] == 2, "reads in a read-only transaction")
    try:
        cur.execute("DELETE FROM tt_acct")
        check(False, "DELETE in a read-only transaction")
    except psycopg2.errors.ReadOnlySqlTransaction as e:
        check("cannot execute DELETE in a read-only transaction" in str(e), str(e))
    conn.rollback()
    conn.close()
    conn = connect(server)
    conn.autocommit = True
    conn.set_session(readonly=True)  # in autocommit: SET default_transaction_read_only
    cur = conn.cursor()
    try:
        cur.execute("INSERT INTO tt_acct VALUES (3, 'cyd', 30)")
        check(False, "INSERT in a read-only session")
    except psycopg2.errors.ReadOnlySqlTransaction:
        pass
    conn.set_session(readonly=False)
    cur.execute("INSERT INTO tt_acct VALUES (3, 'cyd', 30)")
    check(cur.rowcount == 1, "write after leaving read-only")
    conn.close()


def isolation(server):
    conn = connect(server)
    conn.set_session(isolation_level="SERIALIZABLE")
    cur = conn.cursor()
    cur.execute("SHOW transaction_isolation")
    check(cur.fetchone()[0] == "serializable", "the level asked for is shown")
    check(any("snapshot isolation" in n for n in conn.notices),
          "SERIALIZABLE warns it runs as snapshot isolation: %r" % conn.notices)
    conn.rollback()
    conn.set_session(isolation_level="REPEATABLE READ")
    cur.execute("SHOW transaction_isolation")
    check(cur.fetchone()[0] == "repeatable read", "repeatable read shown")
    conn.rollback()
    conn.close()


def scroll_cursor(server):
    conn = connect(server)
    cur = conn.cursor("tt_scroll", scrollable=True)
    cur.execute("SELECT g FROM generate_series(1, 10) AS t(g) ORDER BY g")
    check([r[0] for r in cur.fetchmany(4)] == [1, 2, 3, 4], "first page")
    cur.scroll(-3)
    check(cur.fetchone()[0] == 2, "scroll(-3) then fetchone")
    cur.scroll(7, mode="absolute")
    check(cur.fetchone()[0] == 8, "scroll(7, absolute) then fetchone")
    check([r[0] for r in cur.fetchall()] == [9, 10], "fetchall after scrolling")
    cur.close()
    forward = conn.cursor("tt_forward", scrollable=False)
    forward.execute("SELECT g FROM generate_series(1, 3) AS t(g)")
    forward.fetchone()
    try:
        forward.scroll(-1)
        check(False, "a NO SCROLL cursor moved backwards")
    except psycopg2.errors.ObjectNotInPrerequisiteState:
        pass
    conn.rollback()
    conn.close()


def main():
    server = Server()
    try:
        server.start()
        savepoints(server)
        read_only(server)
        isolation(server)
        scroll_cursor(server)
    finally:
        server.stop()
        server.cleanup()
    finish("transactions")


if __name__ == "__main__":
    main()
