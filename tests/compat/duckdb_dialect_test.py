# Power users keep DuckDB's own SQL: statements PostgreSQL's grammar rejects run as DuckDB reads
# them (FROM-first, SUMMARIZE, PIVOT/UNPIVOT, QUALIFY, SELECT * EXCLUDE/REPLACE, lambdas, ASOF
# joins, list literals), with row results, command tags and errors as for any statement.
# PG* variables come from with_server.py.
import os
import sys

import psycopg2
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from harness import case, check, failures  # noqa: E402,F401  (tests/harness.py)


conn = psycopg2.connect("")
conn.autocommit = True
cur = conn.cursor()
cur.execute("DROP SCHEMA IF EXISTS dd CASCADE")
cur.execute("CREATE SCHEMA dd")
cur.execute("CREATE TABLE dd.sales (region text, quarter text, amount integer, ts timestamp)")
cur.execute("INSERT INTO dd.sales VALUES ('eu', 'q1', 10, '2024-01-01 10:00'), ('eu', 'q2', 20, '2024-04-01 10:00'),"
            " ('us', 'q1', 5, '2024-01-02 10:00'), ('us', 'q2', 7, '2024-04-02 10:00')")
cur.execute("CREATE TABLE dd.prices (ts timestamp, price integer)")
cur.execute("INSERT INTO dd.prices VALUES ('2024-01-01 00:00', 100), ('2024-03-01 00:00', 200)")

CASES = [
    ("FROM-first", "FROM dd.sales SELECT region, amount WHERE amount > 10", [("eu", 20)]),
    ("bare FROM", "FROM dd.prices ORDER BY ts", None),
    ("QUALIFY", "SELECT region, amount FROM dd.sales QUALIFY row_number() OVER (PARTITION BY region ORDER BY amount DESC) = 1"
     " ORDER BY region", [("eu", 20), ("us", 7)]),
    ("EXCLUDE", "SELECT * EXCLUDE (ts, quarter) FROM dd.sales ORDER BY amount LIMIT 1", [("us", 5)]),
    ("REPLACE", "SELECT * EXCLUDE (ts, quarter) REPLACE (amount * 10 AS amount) FROM dd.sales ORDER BY amount LIMIT 1",
     [("us", 50)]),
    ("lambda", "SELECT list_transform([1, 2, 3], x -> x * 2)", [([2, 4, 6],)]),
    ("list literal", "SELECT [1, 2][2]", [(2,)]),
    ("PIVOT", "PIVOT dd.sales ON quarter USING sum(amount) GROUP BY region ORDER BY region",
     [("eu", 10, 20), ("us", 5, 7)]),
    ("ASOF join", "SELECT s.amount, p.price FROM dd.sales s ASOF JOIN dd.prices p ON s.ts >= p.ts ORDER BY s.ts",
     [(10, 100), (5, 100), (20, 200), (7, 200)]),
    ("SUMMARIZE", "SUMMARIZE dd.prices", None),
]
for what, sql, expected in CASES:
    try:
        cur.execute(sql)
        rows = [tuple(int(v) if type(v).__name__ == "Decimal" else v for v in r) for r in cur.fetchall()]
        if expected is None:
            check(len(rows) == 2, "%s: %r" % (what, rows))
        else:
            check(rows == expected, "%s: got %r, expected %r" % (what, rows, expected))
    except psycopg2.Error as e:
        check(False, "%s failed: %s" % (what, e))

# A DuckDB-dialect statement that fails still gets a SQLSTATE, and the session goes on.
try:
    cur.execute("FROM dd.no_such_table SELECT 1")
    check(False, "missing table accepted")
except psycopg2.Error as e:
    check(e.pgcode == "42P01", "missing table code %s" % e.pgcode)
cur.execute("SELECT 1")
check(cur.fetchone() == (1,), "session usable after a DuckDB-dialect error")
cur.execute("DROP SCHEMA dd CASCADE")

if failures:
    print("%d DuckDB dialect check(s) failed" % len(failures), file=sys.stderr)
    sys.exit(1)
print("all DuckDB dialect checks passed")
