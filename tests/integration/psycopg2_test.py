#!/usr/bin/python3
"""psycopg2 against a running server (PG* variables set by with_server.py).

Parameters of many types and typed results round trip to the same Python values,
server-side (named) cursors, COPY through copy_expert, cancel from another thread,
transaction semantics, error classes by SQLSTATE, and many concurrent connections
that must not wait behind one slow query.
"""

import datetime
import decimal
import io
import os
import sys
import threading
import time
import uuid

import psycopg2
import psycopg2.errors
import psycopg2.extensions
import psycopg2.extras
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from harness import case, check, failures, watchdog  # noqa: E402,F401  (tests/harness.py)

# It hung twice in 2026-12-06's runs (ctest's 300 s timeout, no output): say where, if again.
watchdog(270)

# Never finishes by itself, in PostgreSQL or DuckDB.
ENDLESS = ("SELECT sum(a.x * b.y + c.z) FROM generate_series(1, 100000) AS a(x), "
           "generate_series(1, 100000) AS b(y), generate_series(1, 100000) AS c(z)")


def connect(**kw):
    return psycopg2.connect("", **kw)


def test_parameter_types():
    values = [
        ("%s::int4", 42),
        ("%s::int8", 9000000000),
        ("%s::int8", -1),
        ("%s::float8", 0.1),
        ("%s::float8", -2.5e-300),
        ("%s::numeric(10,2)", decimal.Decimal("12345.67")),
        ("%s::numeric(10,2)", decimal.Decimal("-0.50")),
        ("%s::text", "it's a \"quote\" and a \\ backslash; DROP TABLE x; --"),
        ("%s::text", "näive ☃ 日本"),
        ("%s::text", ""),
        ("%s::bytea", b"\x00\xff\x01'\\"),
        ("%s::date", datetime.date(2024, 2, 29)),
        ("%s::timestamp", datetime.datetime(2024, 2, 29, 13, 45, 6, 123456)),
        ("%s::timestamp", datetime.datetime(1999, 12, 31, 0, 0)),
        ("%s::bool", True),
        ("%s::bool", False),
        ("%s::int4", None),
        ("%s::text", None),
    ]
    with connect() as conn, conn.cursor() as cur:
        for cast, value in values:
            cur.execute("SELECT " + cast, (value,))
            got = cur.fetchone()[0]
            if isinstance(value, bytes):
                got = bytes(got)
            check(got == value and type(got) is type(value),
                  "round trip %s %r -> %r (%s)" % (cast, value, got, type(got).__name__))
        # All in one statement, and the column type codes.
        cur.execute("SELECT " + ", ".join(c for c, _ in values), [v for _, v in values])
        row = cur.fetchone()
        check(len(row) == len(values), "one-row shape")
        # Integer list adapts to ARRAY[...] and comes back as a Python list.
        cur.execute("SELECT %s::int4[]", ([1, 2, 3],))
        check(cur.fetchone()[0] == [1, 2, 3], "int list round trip")
        cur.execute("SELECT %s::text[]", (["a", "b,c", 'd"e'],))
        check(cur.fetchone()[0] == ["a", "b,c", 'd"e'], "text list round trip")
        # IN with a tuple, %% literal, named parameters.
        cur.execute("SELECT count(*) FROM generate_series(1, 10) AS t(g) WHERE g IN %s",
                    ((2, 3, 5, 7),))
        check(cur.fetchone()[0] == 4, "IN tuple")
        cur.execute("SELECT %(a)s::int4 + %(b)s::int4, '100%%'", {"a": 1, "b": 2})
        check(cur.fetchone() == (3, "100%"), "named params")
        cur.execute("SELECT 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'::uuid")
        u = cur.fetchone()[0]
        check(str(u) == "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11", "uuid text %r" % u)
        # Column metadata: type codes are PostgreSQL OIDs.
        cur.execute("SELECT 1::int4 AS i, 2::int8 AS b, 0.5::float8 AS f, 'x'::text AS t, "
                    "true AS o, 1.5::numeric(4,1) AS n, DATE '2024-01-01' AS d, "
                    "TIMESTAMP '2024-01-01 00:00:00' AS ts, '\\x00'::bytea AS y")
        got = [(d.name, d.type_code) for d in cur.description]
        want = [("i", 23), ("b", 20), ("f", 701), ("t", 25), ("o", 16), ("n", 1700),
                ("d", 1082), ("ts", 1114), ("y", 17)]
        check(got == want, "description %r" % got)


def test_executemany_and_rowcount():
    with connect() as conn, conn.cursor() as cur:
        cur.execute("DROP TABLE IF EXISTS pp_many")
        cur.execute("CREATE TABLE pp_many (id int PRIMARY KEY, name text, price numeric(10,2))")
        rows = [(i, "name %d" % i, decimal.Decimal(i) / 4) for i in range(1, 501)]
        cur.executemany("INSERT INTO pp_many VALUES (%s, %s, %s)", rows)
        psycopg2.extras.execute_values(
            cur, "INSERT INTO pp_many VALUES %s",
            [(i, "v%d" % i, decimal.Decimal("1.10")) for i in range(501, 1001)], page_size=1000)
        check(cur.rowcount == 500, "execute_values rowcount %d" % cur.rowcount)
        cur.execute("UPDATE pp_many SET price = price + 1 WHERE id <= 100")
        check(cur.rowcount == 100, "update rowcount %d" % cur.rowcount)
        cur.execute("DELETE FROM pp_many WHERE id > 990")
        check(cur.rowcount == 10, "delete rowcount %d" % cur.rowcount)
        cur.execute("SELECT id, name, price FROM pp_many ORDER BY id")
        got = cur.fetchall()
        check(len(got) == 990, "row count %d" % len(got))
        check(got[0] == (1, "name 1", decimal.Decimal("1.25")), "first row %r" % (got[0],))
        check(got[499] == (500, "name 500", decimal.Decimal("125.00")), "row 500 %r" % (got[499],))
        check(cur.rowcount == 990, "select rowcount %d" % cur.rowcount)
        cur.execute("DROP TABLE pp_many")


def test_named_cursor():
    n = 100000
    with connect() as conn:
        with conn.cursor("big_cursor") as cur:
            cur.itersize = 5000
            cur.execute("SELECT g, 'row ' || g FROM generate_series(1, %s) AS t(g)", (n,))
            count = 0
            ok = True
            for i, (g, s) in enumerate(cur, start=1):
                count += 1
                if g != i or s != "row %d" % i:
                    ok = False
            check(count == n, "named cursor rows %d" % count)
            check(ok, "named cursor values in order")
        # fetchmany / scroll-less paging on a second named cursor in the same transaction.
        with conn.cursor("paged") as cur:
            cur.execute("SELECT g FROM generate_series(1, 10) AS t(g)")
            check([r[0] for r in cur.fetchmany(3)] == [1, 2, 3], "fetchmany 1")
            check([r[0] for r in cur.fetchmany(3)] == [4, 5, 6], "fetchmany 2")
            check([r[0] for r in cur.fetchall()] == [7, 8, 9, 10], "fetchall rest")


def test_copy():
    with connect() as conn, conn.cursor() as cur:
        cur.execute("DROP TABLE IF EXISTS pp_copy")
        cur.execute("CREATE TABLE pp_copy (id int, name text, amount numeric(10,2), d date)")
        conn.commit()
        csv_in = ('1,"a, b",1.50,2024-01-31\n'
                  '2,"say ""hi""",-3.00,1999-12-31\n'
                  '3,,,\n'
                  '4,"",0.00,2000-02-29\n')
        cur.copy_expert("COPY pp_copy FROM STDIN WITH (FORMAT csv)", io.StringIO(csv_in))
        check(cur.rowcount == 4, "copy from csv rowcount %d" % cur.rowcount)
        out = io.StringIO()
        cur.copy_expert("COPY (SELECT * FROM pp_copy ORDER BY id) TO STDOUT WITH (FORMAT csv)",
                        out)
        check(out.getvalue() == csv_in, "csv round trip:\n%r\n%r" % (csv_in, out.getvalue()))
        cur.execute("SELECT name IS NULL, name FROM pp_copy WHERE id IN (3, 4) ORDER BY id")
        check(cur.fetchall() == [(True, None), (False, "")], "csv null vs empty")

        cur.execute("DELETE FROM pp_copy")
        text_in = "".join("%d\tname\\t%d\t%d.25\t2024-01-01\n" % (i, i, i) for i in range(20000))
        text_in += "20000\t\\N\t\\N\t\\N\n"
        cur.copy_expert("COPY pp_copy FROM STDIN", io.StringIO(text_in))
        out = io.StringIO()
        cur.copy_expert("COPY (SELECT * FROM pp_copy ORDER BY id) TO STDOUT", out)
        check(out.getvalue() == text_in, "text round trip (%d vs %d chars)"
              % (len(text_in), len(out.getvalue())))
        cur.execute("SELECT count(*), sum(amount) FROM pp_copy")
        check(cur.fetchone() == (20001, decimal.Decimal("199995000.00")),
              "copied sums")
        # Text-format escapes, read as PostgreSQL reads them (checked against PostgreSQL 15);
        # rows after the end marker are ignored.
        cur.execute("CREATE TEMP TABLE pp_escapes (id int, a text, b text)")
        cur.copy_expert("COPY pp_escapes FROM STDIN", io.StringIO(
            "1\ta\\tb\t\\N\n"
            "2\t\\\\back\\\\slash\\\\\tx\\ny\n"
            "3\t\t\"quoted\" , comma\n"
            "4\t\\x41\\101\\z\tend\\\\\n"
            "\\.\n"
            "6\tafter\tend\n"))
        cur.execute("SELECT id, a, b FROM pp_escapes ORDER BY id")
        check(cur.fetchall() == [(1, "a\tb", None), (2, "\\back\\slash\\", "x\ny"),
                                 (3, "", '"quoted" , comma'), (4, "AAz", "end\\")],
              "text escapes")
        # copy_from / copy_to (the COPY ... FROM STDIN / TO STDOUT helpers).
        cur.execute("DELETE FROM pp_copy")
        cur.copy_from(io.StringIO("7\tseven\t7.00\t2024-07-07\n"), "pp_copy")
        buf = io.StringIO()
        cur.copy_to(buf, "pp_copy")
        check(buf.getvalue() == "7\tseven\t7.00\t2024-07-07\n", "copy_to %r" % buf.getvalue())
        # A malformed row fails the COPY with 22P02 and the session goes on.
        try:
            cur.copy_expert("COPY pp_copy FROM STDIN", io.StringIO("8\tx\tnot-a-number\t\\N\n"))
            check(False, "bad copy accepted")
        except psycopg2.Error as e:
            check(e.pgcode == "22P02", "bad copy SQLSTATE %s" % e.pgcode)
        conn.rollback()
        cur.execute("DROP TABLE pp_copy")


def test_cancel():
    conn = connect()
    cur = conn.cursor()
    cancelled_after = []
    done = threading.Event()

    def cancel_soon():
        # A CancelRequest that reaches the server before the query does is ignored (as in
        # PostgreSQL): on a loaded machine the query may not have arrived after 1 s, so the
        # cancel is repeated until the query ends.
        time.sleep(1.0)
        while not done.is_set():
            cancelled_after.append(time.monotonic())
            conn.cancel()
            done.wait(5.0)

    t = threading.Thread(target=cancel_soon)
    t.start()
    try:
        cur.execute(ENDLESS)
        check(False, "endless query returned")
    except psycopg2.errors.QueryCanceled as e:
        check(e.pgcode == "57014", "cancel SQLSTATE %s" % e.pgcode)
        took = time.monotonic() - cancelled_after[-1]
        check(took < 5, "cancel took %.1f s" % took)
        check(len(cancelled_after) <= 3, "the query needed %d cancels" % len(cancelled_after))
    finally:
        done.set()
    t.join()
    conn.rollback()
    cur.execute("SELECT 1")
    check(cur.fetchone() == (1,), "connection usable after cancel")
    conn.close()


def test_transactions():
    conn = connect()
    cur = conn.cursor()
    cur.execute("DROP TABLE IF EXISTS pp_tx")
    cur.execute("CREATE TABLE pp_tx (a int)")
    conn.commit()
    check(conn.get_transaction_status() == psycopg2.extensions.TRANSACTION_STATUS_IDLE,
          "idle after commit")
    cur.execute("INSERT INTO pp_tx VALUES (1)")
    check(conn.get_transaction_status() == psycopg2.extensions.TRANSACTION_STATUS_INTRANS,
          "in transaction after insert")
    try:
        cur.execute("SELECT * FROM pp_no_such_table")
        check(False, "undefined table accepted")
    except psycopg2.errors.UndefinedTable as e:
        check(e.pgcode == "42P01", "undefined table %s" % e.pgcode)
    check(conn.get_transaction_status() == psycopg2.extensions.TRANSACTION_STATUS_INERROR,
          "in error after failure")
    try:
        cur.execute("SELECT 1")
        check(False, "statement accepted in failed transaction")
    except psycopg2.errors.InFailedSqlTransaction as e:
        check(e.pgcode == "25P02", "in failed transaction %s" % e.pgcode)
    conn.rollback()
    cur.execute("SELECT count(*) FROM pp_tx")
    check(cur.fetchone()[0] == 0, "rollback undid the insert")
    cur.execute("INSERT INTO pp_tx VALUES (2)")
    conn.commit()
    # Another connection sees committed data only.
    other = connect()
    ocur = other.cursor()
    cur.execute("INSERT INTO pp_tx VALUES (3)")
    ocur.execute("SELECT count(*) FROM pp_tx")
    check(ocur.fetchone()[0] == 1, "uncommitted insert visible to another session")
    other.rollback()
    conn.commit()
    ocur.execute("SELECT count(*) FROM pp_tx")
    check(ocur.fetchone()[0] == 2, "committed insert not visible")
    other.close()
    # Autocommit: each statement commits; an error does not poison the next one.
    conn.autocommit = True
    cur.execute("INSERT INTO pp_tx VALUES (4)")
    check(conn.get_transaction_status() == psycopg2.extensions.TRANSACTION_STATUS_IDLE,
          "autocommit leaves no open transaction")
    try:
        cur.execute("SELECT 1/0")
    except psycopg2.errors.DivisionByZero:
        pass
    cur.execute("SELECT count(*) FROM pp_tx")
    check(cur.fetchone()[0] == 3, "autocommit insert kept")
    # Explicit BEGIN/ROLLBACK under autocommit.
    cur.execute("BEGIN")
    cur.execute("DELETE FROM pp_tx")
    cur.execute("ROLLBACK")
    cur.execute("SELECT count(*) FROM pp_tx")
    check(cur.fetchone()[0] == 3, "explicit rollback under autocommit")
    # Context manager commits on success and rolls back on exception.
    conn.autocommit = False
    try:
        with conn:
            with conn.cursor() as c2:
                c2.execute("INSERT INTO pp_tx VALUES (5)")
                raise RuntimeError("abort")
    except RuntimeError:
        pass
    cur.execute("SELECT count(*) FROM pp_tx WHERE a = 5")
    check(cur.fetchone()[0] == 0, "with-block rollback")
    conn.rollback()
    cur.execute("DROP TABLE pp_tx")
    conn.commit()
    conn.close()


def test_error_classes():
    conn = connect()
    conn.autocommit = True
    cur = conn.cursor()
    cur.execute("DROP TABLE IF EXISTS pp_err")
    cur.execute("CREATE TABLE pp_err (id int PRIMARY KEY, v int NOT NULL)")
    cur.execute("INSERT INTO pp_err VALUES (1, 1)")
    cases = [
        ("INSERT INTO pp_err VALUES (1, 2)", psycopg2.errors.UniqueViolation, "23505"),
        ("INSERT INTO pp_err VALUES (2, NULL)", psycopg2.errors.NotNullViolation, "23502"),
        ("SELECT 1/0", psycopg2.errors.DivisionByZero, "22012"),
        ("SELECT * FROM pp_no_such_table", psycopg2.errors.UndefinedTable, "42P01"),
        ("SELECT no_such_column FROM pp_err", psycopg2.errors.UndefinedColumn, "42703"),
        ("SELEC 1", psycopg2.errors.SyntaxError, "42601"),
        ("SELECT 'abc'::int4", psycopg2.errors.InvalidTextRepresentation, "22P02"),
        ("SELECT 2147483647::int4 + 1", psycopg2.errors.NumericValueOutOfRange, "22003"),
        ("CREATE TABLE pp_err (a int)", psycopg2.errors.DuplicateTable, "42P07"),
        ("SELECT no_such_function(1)", psycopg2.errors.UndefinedFunction, "42883"),
    ]
    for sql, cls, state in cases:
        try:
            cur.execute(sql)
            check(False, "%s: no error" % sql)
        except psycopg2.Error as e:
            check(isinstance(e, cls) and e.pgcode == state,
                  "%s: got %s %s, want %s %s" % (sql, type(e).__name__, e.pgcode,
                                                 cls.__name__, state))
            check(e.diag.severity in ("ERROR",), "%s: severity %s" % (sql, e.diag.severity))
            check(bool(e.diag.message_primary), "%s: no message" % sql)
    cur.execute("SELECT count(*) FROM pp_err")
    check(cur.fetchone()[0] == 1, "failed inserts left no rows")
    cur.execute("DROP TABLE pp_err")
    conn.close()


def test_concurrency():
    """A slow query on one connection must not hold up 200 others."""
    slow = connect()
    slow_result = []

    def run_slow():
        try:
            slow.cursor().execute(ENDLESS)
            slow_result.append("finished")
        except psycopg2.errors.QueryCanceled:
            slow_result.append("cancelled")
        except Exception as e:  # noqa: BLE001 - reported below
            slow_result.append(repr(e))

    slow_pid = slow.get_backend_pid()
    st = threading.Thread(target=run_slow)
    st.start()
    # The others start once the slow query runs (pg_stat_activity shows it), not after a guess.
    watcher = connect()
    watcher.autocommit = True
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and not slow_result:
        w = watcher.cursor()
        w.execute("SELECT count(*) FROM pg_stat_activity WHERE state = 'active' AND pid = %s", (slow_pid,))
        if w.fetchone()[0]:
            break
        time.sleep(0.02)
    watcher.close()
    n = 200
    results = [None] * n
    # Connecting 200 clients (SCRAM each) is slow on a loaded ASan build; what is checked is
    # that once connected their queries are not held up, so the clock starts at the barrier.
    released = []
    barrier = threading.Barrier(n, action=lambda: released.append(time.monotonic()))

    def worker(i):
        try:
            c = connect()
            barrier.wait(timeout=300)
            cur = c.cursor()
            cur.execute("SELECT %s::int4 * 2, count(*) FROM generate_series(1, 1000) AS t(g)",
                        (i,))
            results[i] = cur.fetchone()
            c.close()
        except Exception as e:  # noqa: BLE001 - reported below
            results[i] = e
            barrier.abort()  # the others stop waiting for a client that will not come

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=360)
    took = time.monotonic() - released[0] if released else float("inf")
    bad = [(i, r) for i, r in enumerate(results) if r != (2 * i, 1000)]
    check(not bad, "%d of %d concurrent connections failed, e.g. %r" % (len(bad), n, bad[:3]))
    check(took < 60, "200 connected clients' queries took %.1f s" % took)
    check(st.is_alive() and not slow_result,
          "slow query ended before the others finished: %r" % slow_result)
    slow.cancel()
    st.join(timeout=30)
    check(slow_result == ["cancelled"], "slow query outcome %r" % slow_result)
    slow.close()


def test_large_result_and_types():
    with connect() as conn, conn.cursor() as cur:
        cur.execute("SELECT g, g * 0.5::float8, 'x' || g FROM generate_series(1, 200000) AS t(g)")
        rows = cur.fetchall()
        check(len(rows) == 200000, "large result %d rows" % len(rows))
        check(rows[-1] == (200000, 100000.0, "x200000"), "last row %r" % (rows[-1],))
        cur.execute("SELECT 0.1::float8, 1e20::float8, 1.5e-7::float8, 'NaN'::float8, "
                    "'Infinity'::float8")
        row = cur.fetchone()
        check(row[:3] == (0.1, 1e20, 1.5e-7) and row[3] != row[3] and row[4] == float("inf"),
              "float values %r" % (row,))


def test_uuid_adapter():
    psycopg2.extras.register_uuid()
    with connect() as conn, conn.cursor() as cur:
        u = uuid.UUID("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11")
        cur.execute("SELECT %s", (u,))
        check(cur.fetchone()[0] == u, "uuid adapter")


def test_repeated_statement_sees_new_rows():
    """The same text run again (the server reuses its plan) sees what others wrote since:
    DuckDB plans a filter over an empty table as "no rows", so the plan must be remade."""
    a, b = connect(), connect()
    a.autocommit = True
    b.autocommit = True
    try:
        ca, cb = a.cursor(), b.cursor()
        ca.execute("DROP TABLE IF EXISTS stale_plans")
        ca.execute("CREATE TABLE stale_plans (name text, n int)")
        count = "SELECT count(*) FROM stale_plans WHERE name = 'ann'"
        ca.execute(count)
        check(ca.fetchone()[0] == 0, "empty at first")
        cb.execute("INSERT INTO stale_plans VALUES ('ann', 1)")
        ca.execute(count)
        check(ca.fetchone()[0] == 1, "another session's insert seen by the repeated SELECT")
        update = "UPDATE stale_plans SET n = n + 1 WHERE name = 'bob'"
        ca.execute(update)
        check(ca.rowcount == 0, "no bob yet")
        cb.execute("INSERT INTO stale_plans VALUES ('bob', 1)")
        ca.execute(update)
        check(ca.rowcount == 1, "the repeated UPDATE finds the new row: %d" % ca.rowcount)
        # Inside a transaction: its own insert, then the repeated statement.
        a.autocommit = False
        ca.execute("SELECT count(*) FROM stale_plans WHERE name = 'cy'")
        check(ca.fetchone()[0] == 0, "no cy")
        ca.execute("INSERT INTO stale_plans VALUES ('cy', 1)")
        ca.execute("SELECT count(*) FROM stale_plans WHERE name = 'cy'")
        check(ca.fetchone()[0] == 1, "own uncommitted insert seen")
        a.rollback()
        ca.execute("DROP TABLE stale_plans")
        a.commit()
    finally:
        a.close()
        b.close()


def test_explain():
    """EXPLAIN answers as PostgreSQL does: one text column "QUERY PLAN", a row per line,
    with the options tools send (VERBOSE, COSTS, BUFFERS) accepted."""
    with connect() as conn, conn.cursor() as cur:
        cur.execute("CREATE TEMP TABLE explained AS SELECT range AS a FROM range(1000)")
        for stmt in ("EXPLAIN SELECT count(*) FROM explained WHERE a > 10",
                     "EXPLAIN ANALYZE SELECT count(*) FROM explained WHERE a > 10",
                     "EXPLAIN (ANALYZE, VERBOSE, COSTS OFF, BUFFERS, FORMAT TEXT) SELECT * FROM explained",
                     "EXPLAIN VERBOSE SELECT 1"):
            cur.execute(stmt)
            rows = cur.fetchall()
            names = [d[0] for d in cur.description]
            check(names == ["QUERY PLAN"] and cur.description[0][1] == 25,
                  "%s: one text column QUERY PLAN: %s" % (stmt, cur.description))
            check(len(rows) > 3 and all(len(r) == 1 and isinstance(r[0], str) and "\n" not in r[0] for r in rows),
                  "%s: a row per line: %r" % (stmt, rows[:3]))
        cur.execute("EXPLAIN ANALYZE SELECT count(*) FROM explained WHERE a > 10")
        check(any("Total Time" in r[0] for r in cur.fetchall()), "EXPLAIN ANALYZE shows timings")
        cur.execute("EXPLAIN (FORMAT JSON) SELECT 1")
        rows = cur.fetchall()
        check(len(rows) == 1 and rows[0][0].lstrip().startswith("["), "FORMAT JSON: one value: %r" % rows[:1])


for fn in (test_parameter_types, test_repeated_statement_sees_new_rows, test_explain, test_executemany_and_rowcount, test_named_cursor, test_copy,
           test_cancel, test_transactions, test_error_classes, test_large_result_and_types,
           test_uuid_adapter, test_concurrency):
    case(fn)

if failures:
    print("%d psycopg2 check(s) failed" % len(failures), file=sys.stderr)
    sys.exit(1)
print("all psycopg2 checks passed")
