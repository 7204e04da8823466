# The catalog answers from a per-session snapshot of DuckDB's catalog (refreshed when any
# session changes the schema): it must never show a stale schema. Another session's committed
# DDL shows at once; a transaction sees its own DDL; a rollback takes it away again.
# PG* variables come from with_server.py (or --external for a real PostgreSQL).
import os
import sys

import psycopg2
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from harness import case, check, failures  # noqa: E402,F401  (tests/harness.py)


a = psycopg2.connect("")
a.autocommit = True
b = psycopg2.connect("")
b.autocommit = True
ca, cb = a.cursor(), b.cursor()


def tables(cur):
    cur.execute("SELECT table_name FROM information_schema.tables WHERE table_schema = 'fresh' ORDER BY 1")
    return [r[0] for r in cur.fetchall()]


def columns(cur, table):
    cur.execute("SELECT attname FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid "
                "JOIN pg_namespace n ON n.oid = c.relnamespace "
                "WHERE n.nspname = 'fresh' AND c.relname = %s AND a.attnum > 0 ORDER BY a.attnum", (table,))
    return [r[0] for r in cur.fetchall()]


ca.execute("DROP SCHEMA IF EXISTS fresh CASCADE")
ca.execute("CREATE SCHEMA fresh")
check(tables(ca) == [] and tables(cb) == [], "empty schema")
cb.execute("CREATE TABLE fresh.one (a int)")
check(tables(ca) == ["one"], "another session's table shows: %r" % tables(ca))
cb.execute("ALTER TABLE fresh.one ADD COLUMN b text")
check(columns(ca, "one") == ["a", "b"], "another session's new column shows: %r" % columns(ca, "one"))

# Uncommitted DDL: visible to its own transaction only.
b.autocommit = False
cb.execute("CREATE TABLE fresh.two (x int)")
check(tables(cb) == ["one", "two"], "own uncommitted table shows: %r" % tables(cb))
check(tables(ca) == ["one"], "another session's uncommitted table does not show: %r" % tables(ca))
b.rollback()
check(tables(cb) == ["one"], "rolled back table is gone: %r" % tables(cb))
cb.execute("CREATE TABLE fresh.three (y int)")
b.commit()
b.autocommit = True
check(tables(ca) == ["one", "three"], "committed table shows: %r" % tables(ca))

# A failed transaction rolls the snapshot back with everything else.
a.autocommit = False
ca.execute("CREATE TABLE fresh.four (z int)")
check(tables(ca) == ["four", "one", "three"], "own table in transaction: %r" % tables(ca))
try:
    ca.execute("SELECT 1 / 0")
except psycopg2.Error:
    pass
a.rollback()
a.autocommit = True
check(tables(ca) == ["one", "three"], "after a failed transaction: %r" % tables(ca))
cb.execute("DROP TABLE fresh.one")
check(tables(ca) == ["three"], "dropped table is gone: %r" % tables(ca))
ca.execute("DROP SCHEMA fresh CASCADE")

if failures:
    print("%d catalog freshness check(s) failed" % len(failures), file=sys.stderr)
    sys.exit(1)
print("all catalog freshness checks passed")
