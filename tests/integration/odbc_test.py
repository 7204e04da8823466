#!/usr/bin/python3
"""pyodbc through psqlODBC (DSN-less) against a running server (PG* variables set by
with_server.py): plain and TLS connections, parameters, typed results, inserts with
row counts, transactions, and the SQLSTATE of server errors.

psqlODBC runs a few statements of its own while connecting (SET DateStyle/
extra_float_digits, a pg_type lookup for large objects, ...); if the server rejects
one, the connection fails here and the error names it. By default psqlODBC wraps every
statement in a SAVEPOINT (statement-level rollback); the query tests run both with the
default and with Protocol=7.4-1 (transaction-level rollback, no savepoints).
"""

import datetime
import decimal
import os
import sys

import pyodbc
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from harness import case, check, failures  # noqa: E402,F401  (tests/harness.py)

DRIVER = "/usr/lib/x86_64-linux-gnu/odbc/psqlodbcw.so"


def conn_str(sslmode="disable", password=None, extra=""):
    return ("DRIVER={%s};SERVER=%s;PORT=%s;DATABASE=%s;UID=%s;PWD={%s};SSLmode=%s;"
            "BoolsAsChar=0;%s" % (
                DRIVER, os.environ.get("PGHOST", "127.0.0.1"), os.environ.get("PGPORT", "5432"),
                os.environ.get("PGDATABASE", "duckgres"), os.environ.get("PGUSER", "duckgres"),
                os.environ.get("PGPASSWORD", "") if password is None else password, sslmode,
                extra))


# Extra connection-string settings for the query tests; see the docstring.
MODE = {"extra": ""}


def connect(**kw):
    kw.setdefault("extra", MODE["extra"])
    return pyodbc.connect(conn_str(**kw), timeout=30)


def sqlstate(exc):
    # pyodbc puts the ODBC SQLSTATE first in args; psqlODBC passes the server's through.
    return exc.args[0] if exc.args else None


def test_connect_plain_and_tls():
    for mode in ("disable", "require"):
        conn = connect(sslmode=mode)
        row = conn.cursor().execute("SELECT 1, 'x'").fetchone()
        check(tuple(row) == (1, "x"), "%s: SELECT 1 -> %r" % (mode, row))
        conn.close()


def test_wrong_password():
    try:
        connect(password="wrong-password")
        check(False, "wrong password accepted")
    except pyodbc.Error as e:
        msg = str(e)
        check("28P01" in msg or "password authentication failed" in msg,
              "wrong password error: %s" % msg)


def test_parameters_and_types():
    conn = connect()
    cur = conn.cursor()
    cur.execute("SELECT CAST(? AS INTEGER) + 1, CAST(? AS VARCHAR), CAST(? AS DOUBLE PRECISION), "
                "CAST(? AS BIGINT)", 41, "it's \"quoted\" ☃", 0.5, 9000000000)
    row = cur.fetchone()
    check(tuple(row) == (42, "it's \"quoted\" ☃", 0.5, 9000000000), "params %r" % (row,))
    cur.execute("SELECT 42::int4, 9000000000::int8, 0.1::float8, 12345.67::numeric(10,2), "
                "'text'::text, DATE '2024-02-29', TIMESTAMP '2024-02-29 13:45:06.123456', "
                "true, false, NULL::int4")
    row = cur.fetchone()
    want = (42, 9000000000, 0.1, decimal.Decimal("12345.67"), "text",
            datetime.date(2024, 2, 29), datetime.datetime(2024, 2, 29, 13, 45, 6, 123456),
            True, False, None)
    for i, (g, w) in enumerate(zip(row, want)):
        check(g == w and type(g) is type(w),
              "column %d: %r (%s) want %r (%s)" % (i + 1, g, type(g).__name__, w,
                                                   type(w).__name__))
    cols = [d[0] for d in cur.description]
    check(len(cols) == 10, "description %r" % cols)
    # Parameters of date / decimal / None types.
    cur.execute("SELECT CAST(? AS DATE), CAST(? AS NUMERIC(10,2)), CAST(? AS INTEGER)",
                datetime.date(1999, 12, 31), decimal.Decimal("-0.50"), None)
    row = cur.fetchone()
    check(tuple(row) == (datetime.date(1999, 12, 31), decimal.Decimal("-0.50"), None),
          "date/decimal/null params %r" % (row,))
    cur.execute("SELECT g FROM generate_series(1, 50000) AS t(g)")
    rows = cur.fetchall()
    check(len(rows) == 50000 and rows[-1][0] == 50000, "50000 rows: %d" % len(rows))
    conn.close()


def test_insert_and_transactions():
    conn = connect()
    conn.autocommit = True
    cur = conn.cursor()
    cur.execute("DROP TABLE IF EXISTS odbc_t")
    cur.execute("CREATE TABLE odbc_t (id int PRIMARY KEY, name varchar(50), amount numeric(10,2))")
    conn.autocommit = False
    n = cur.execute("INSERT INTO odbc_t VALUES (?, ?, ?)", 1, "one", decimal.Decimal("1.10")).rowcount
    check(n == 1, "insert rowcount %r" % n)
    cur.executemany("INSERT INTO odbc_t VALUES (?, ?, ?)",
                    [(i, "n%d" % i, decimal.Decimal(i) / 4) for i in range(2, 102)])
    conn.commit()
    n = cur.execute("UPDATE odbc_t SET name = 'x' WHERE id <= ?", 10).rowcount
    check(n == 10, "update rowcount %r" % n)
    conn.rollback()
    cur.execute("SELECT count(*), sum(amount), count(CASE WHEN name = 'x' THEN 1 END) FROM odbc_t")
    row = cur.fetchone()
    check(tuple(row) == (101, decimal.Decimal("1.10") + sum(decimal.Decimal(i) / 4
                                                            for i in range(2, 102)), 0),
          "after rollback %r" % (row,))
    conn.commit()
    conn.autocommit = True
    cur.execute("DROP TABLE odbc_t")
    conn.close()


def test_errors():
    conn = connect()
    conn.autocommit = True
    cur = conn.cursor()
    cur.execute("DROP TABLE IF EXISTS odbc_e")
    cur.execute("CREATE TABLE odbc_e (id int PRIMARY KEY)")
    cur.execute("INSERT INTO odbc_e VALUES (1)")
    cases = [
        ("SELECT * FROM odbc_no_such_table", "42P01", pyodbc.ProgrammingError),
        ("INSERT INTO odbc_e VALUES (1)", "23505", pyodbc.IntegrityError),
        ("SELECT 1/0", "22012", pyodbc.DataError),
        ("SELEC 1", "42601", pyodbc.ProgrammingError),
    ]
    for sql, state, cls in cases:
        try:
            cur.execute(sql)
            check(False, "%s: no error" % sql)
        except pyodbc.Error as e:
            check(sqlstate(e) == state, "%s: SQLSTATE %s want %s (%s)" % (sql, sqlstate(e), state, e))
            check(isinstance(e, cls), "%s: %s want %s" % (sql, type(e).__name__, cls.__name__))
    row = cur.execute("SELECT count(*) FROM odbc_e").fetchone()
    check(row[0] == 1, "session usable after errors")
    cur.execute("DROP TABLE odbc_e")
    conn.close()


case(test_connect_plain_and_tls)
case(test_wrong_password)
for extra in ("", "Protocol=7.4-1"):
    MODE["extra"] = extra
    for fn in (test_parameters_and_types, test_insert_and_transactions, test_errors):
        case(fn, " [%s]" % (extra or "defaults"))

if failures:
    print("%d ODBC check(s) failed" % len(failures), file=sys.stderr)
    sys.exit(1)
print("all ODBC checks passed")
