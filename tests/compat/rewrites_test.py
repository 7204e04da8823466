# The SQL gateway's rewrites, one case each: a PostgreSQL statement and the answer PostgreSQL 15
# gives (run this file with `with_server.py --external` against a real PostgreSQL to check the
# expectations themselves). Each case runs through the simple protocol (psycopg2) after the
# setup statements; PG* variables come from with_server.py.
import os
import sys

import psycopg2
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from harness import case, check, failures  # noqa: E402,F401  (tests/harness.py)

DB = os.environ.get("PGDATABASE", "duckgres")

SETUP = [
    "DROP SCHEMA IF EXISTS rw CASCADE",
    "CREATE SCHEMA rw",
    "CREATE TABLE rw.items (id serial PRIMARY KEY, big bigserial, code bpchar(3), label varchar(10),"
    " price float8, qty int4, tags text[], flag \"char\", nm name, ref oid, at timestamptz)"
    " WITH (fillfactor = 70)",
    "INSERT INTO rw.items (code, label, price, qty, tags, flag, nm, ref, at) VALUES"
    " ('ab', 'first', 1.5, 2, '{red,green}'::text[], 'x', 'n1', 42, '2024-01-02 03:04:05+00'),"
    " ('cd', 'second', 2.25, 3, '{blue}'::text[], 'y', 'n2', 43, '2024-02-03 04:05:06+00')",
    "CREATE INDEX CONCURRENTLY items_qty ON rw.items (qty)",
    "COMMENT ON TABLE rw.items IS 'things we sell'",
    "COMMENT ON COLUMN rw.items.label IS 'shown to buyers'",
    "DROP TABLE IF EXISTS public.rw_pub",
    "CREATE TABLE public.rw_pub (id serial, v int)",
    "COMMENT ON COLUMN public.rw_pub.v IS 'the value'",
]

# (what it shows, SQL, expected rows)
CASES = [
    # casts to the reg* types and OID literals
    ("regclass cast round trip", "SELECT 'rw.items'::regclass::text", [("rw.items",)]),
    ("regclass to oid matches pg_class",
     "SELECT 'rw.items'::regclass::oid = (SELECT oid FROM pg_class WHERE relname = 'items')", [(True,)]),
    ("regtype names a type", "SELECT 'integer'::regtype::text, 'int8'::regtype::oid::int", [("integer", 20)]),
    ("regtype from an OID literal", "SELECT 25::regtype::text, 1043::regtype::text", [("text", "character varying")]),
    ("regproc names a function", "SELECT 'now'::regproc::text", [("now",)]),
    ("oid cast of a literal", "SELECT '16'::oid::int, 16::oid = 16", [(16, True)]),
    # PostgreSQL type names and modifiers
    ("int4 and float8", "SELECT 7::int4 + 1, 2.5::float8 * 2", [(8, 5.0)]),
    # (char(n) values are stored unpadded: PostgreSQL prints 'ab ', duckgres 'ab'; see
    # docs/postgres-compatibility.md)
    ("bpchar compares ignoring padding", "SELECT length(code), code = 'ab' FROM rw.items ORDER BY id",
     [(2, True), (2, False)]),
    ("varchar(n) rejects longer values",
     "SELECT count(*) FROM rw.items WHERE label::varchar(3) = 'fir'", [(1,)]),
    ("timestamptz", "SELECT at = '2024-01-02 03:04:05+00'::timestamptz FROM rw.items WHERE id = 1", [(True,)]),
    ("serial and bigserial count up", "SELECT id, big FROM rw.items ORDER BY id", [(1, 1), (2, 2)]),
    ("text[] literal and subscript", "SELECT tags[1], array_length(tags, 1) FROM rw.items ORDER BY id",
     [("red", 2), ("blue", 1)]),
    ("\"char\" and name", "SELECT flag::text, nm::text FROM rw.items ORDER BY id", [("x", "n1"), ("y", "n2")]),
    ("oid column", "SELECT ref::int8 + 1 FROM rw.items ORDER BY id", [(43,), (44,)]),
    ("array literal cast", "SELECT '{3,4}'::int[], '{\"a b\",NULL}'::text[]", [([3, 4], ["a b", None])]),
    ("array literal of arrays", "SELECT '{{1,2},{3,4}}'::int[]", [([[1, 2], [3, 4]],)]),
    # ANY / ALL over arrays
    ("= ANY over an array", "SELECT label FROM rw.items WHERE qty = ANY(ARRAY[3, 9])", [("second",)]),
    ("<> ALL over an array", "SELECT label FROM rw.items WHERE qty <> ALL('{3,9}'::int[])", [("first",)]),
    ("ANY over an array column", "SELECT id FROM rw.items WHERE 'blue' = ANY(tags)", [(2,)]),
    ("ANY over NULL and empty", "SELECT 1 = ANY(NULL::int[]), 1 = ANY('{}'::int[]), 1 = ALL('{}'::int[])",
     [(None, False, True)]),
    ("ANY in an outer join condition",
     "SELECT i.id, t.n FROM rw.items i LEFT JOIN (SELECT 3 AS n) t ON t.n = ANY(ARRAY[i.qty]) ORDER BY 1",
     [(1, None), (2, 3)]),
    ("ANY over a subquery stays a subquery", "SELECT 3 = ANY(SELECT qty FROM rw.items)", [(True,)]),
    # set-returning functions in the select list
    ("generate_series in the select list", "SELECT generate_series(1, 3) AS g", [(1,), (2,), (3,)]),
    # pg_catalog-qualified functions and operators
    ("pg_catalog.lower", "SELECT pg_catalog.lower('AB'), pg_catalog.upper('cd')", [("ab", "CD")]),
    ("OPERATOR(pg_catalog.=)", "SELECT 1 OPERATOR(pg_catalog.=) 1", [(True,)]),
    ("json ->> binds tighter than AND, = and LIKE, as in PostgreSQL",
     "SELECT count(*) FROM (VALUES ('{\"$k\": \"v\", \"u\": \"https://x/1\"}'::json)) t(j) "
     "WHERE true AND j ->> '$k' = 'v' AND j ->> 'u' LIKE 'https://x/%' AND j -> 'u' IS NOT NULL", [(1,)]),
    ("json ->> keys as PostgreSQL reads them", "SELECT '{\"$browser\": \"Chrome\", \"a.b\": 1}'::json ->> '$browser',"
     " '{\"a.b\": 1}'::json ->> 'a.b', '{\"p\": {\"n\": 3}}'::json -> 'p' ->> 'n'", [("Chrome", "1", "3")]),
    ("EXTRACT", "SELECT extract(hour FROM TIMESTAMP '2024-01-01 05:06:07')::int,"
     " extract(epoch FROM TIMESTAMP '2024-01-01 00:00:10' - TIMESTAMP '2024-01-01 00:00:00')::int", [(5, 10)]),
    ("btrim", "SELECT btrim('  x  '), btrim('xxyxx', 'x')", [("x", "y")]),
    # DDL the gateway adjusts
    ("CREATE TABLE ... WITH (...)", "SELECT relname FROM pg_class WHERE relname = 'items'", [("items",)]),
    ("CREATE INDEX CONCURRENTLY",
     "SELECT indexname FROM pg_indexes WHERE tablename = 'items' AND indexname = 'items_qty'", [("items_qty",)]),
    ("COMMENT ON TABLE", "SELECT obj_description('rw.items'::regclass, 'pg_class')", [("things we sell",)]),
    ("COMMENT ON COLUMN", "SELECT col_description('rw.items'::regclass, 4)", [("shown to buyers",)]),
    ("serial in public", "INSERT INTO public.rw_pub (v) VALUES (7) RETURNING id", [(1,)]),
    ("COMMENT ON COLUMN in public", "SELECT col_description('public.rw_pub'::regclass, 2)", [("the value",)]),
    ("database-qualified names", 'SELECT count(*) FROM "%s".rw.items' % DB, [(2,)]),
    # int2vector columns count from 0 and print space-separated
    ("indkey subscript and text",
     "SELECT i.indkey[0], i.indkey::text FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid"
     " WHERE c.relname = 'items_qty'", [(6, "6")]),
    # session functions
    ("set_config answers the new value", "SELECT set_config('application_name', 'rw-test', false)",
     [("rw-test",)]),
    ("current_setting follows set_config", "SELECT current_setting('application_name')", [("rw-test",)]),
    ("txid_current is a number", "SELECT txid_current() > 0", [(True,)]),
    ("version names PostgreSQL", "SELECT version() LIKE 'PostgreSQL 15%'", [(True,)]),
]

# (SQL, then SHOW of the setting, expected value)
SETTINGS = [
    ("SET search_path TO rw, public", "search_path", "rw, public"),
    ("SET client_encoding TO 'UTF8'", "client_encoding", "UTF8"),
    ("SET DateStyle TO 'ISO, DMY'", "DateStyle", "ISO, DMY"),
    ("SET TimeZone TO 'Europe/Paris'", "TimeZone", "Europe/Paris"),
    ("SET extra_float_digits = 2", "extra_float_digits", "2"),
    ("SET application_name = 'rewrites'", "application_name", "rewrites"),
    ("SET statement_timeout = '5s'", "statement_timeout", "5s"),
    ("SET default_transaction_isolation = 'repeatable read'", "default_transaction_isolation", "repeatable read"),
    ("SET SESSION CHARACTERISTICS AS TRANSACTION ISOLATION LEVEL SERIALIZABLE",
     "default_transaction_isolation", "serializable"),
    ("RESET statement_timeout", "statement_timeout", "0"),
    ("RESET ALL", "search_path", "\"$user\", public"),
]


def normalize(rows):
    out = []
    for row in rows:
        out.append(tuple(float(v) if type(v).__name__ == "Decimal" else v for v in row))
    return out


conn = psycopg2.connect("")
conn.autocommit = True
cur = conn.cursor()
for statement in SETUP:
    cur.execute(statement)
for what, sql, expected in CASES:
    try:
        cur.execute(sql)
        got = normalize(cur.fetchall())
        check(got == expected, "%s: %s gave %r, expected %r" % (what, sql, got, expected))
    except psycopg2.Error as e:
        check(False, "%s: %s failed: %s" % (what, sql, e))
for sql, name, expected in SETTINGS:
    try:
        cur.execute(sql)
        cur.execute("SHOW " + name)
        got = cur.fetchone()[0]
        check(got == expected, "%s: SHOW %s gave %r, expected %r" % (sql, name, got, expected))
        if name != "statement_timeout":  # pg_settings shows that one in ms
            cur.execute("SELECT setting FROM pg_settings WHERE name = %s", (name,))
            got = cur.fetchone()[0]
            check(got == expected, "%s: pg_settings.%s is %r, expected %r" % (sql, name, got, expected))
    except psycopg2.Error as e:
        check(False, "%s failed: %s" % (sql, e))


def unpopulated_matview_read():
    """Reading a materialized view WITH NO DATA: PostgreSQL's SQLSTATE, message and hint, at
    each execution of a prepared statement too (sql/rewrite_matview.h)."""
    cur.execute("CREATE MATERIALIZED VIEW rw.mv AS SELECT id FROM rw.items WITH NO DATA")
    cur.execute("PREPARE read_mv AS SELECT count(*) FROM rw.mv")

    def refused(sql):
        try:
            cur.execute(sql)
        except psycopg2.Error as e:
            return (e.pgcode, e.diag.message_primary, e.diag.message_hint)
        return None
    want = ("55000", 'materialized view "mv" has not been populated', "Use the REFRESH MATERIALIZED VIEW command.")
    got = refused("SELECT * FROM rw.mv")
    check(got == want, "unpopulated read: %r" % (got,))
    check(refused("EXECUTE read_mv") == want, "prepared unpopulated read")
    cur.execute("REFRESH MATERIALIZED VIEW rw.mv")
    cur.execute("EXECUTE read_mv")
    check(cur.fetchall() == [(2,)], "the prepared read after REFRESH")
    cur.execute("REFRESH MATERIALIZED VIEW rw.mv WITH NO DATA")
    check(refused("EXECUTE read_mv") == want, "prepared read after REFRESH … WITH NO DATA")
    cur.execute("DEALLOCATE read_mv")
    cur.execute("DROP MATERIALIZED VIEW rw.mv")


case(unpopulated_matview_read)
cur.execute("DISCARD ALL")
cur.execute("SHOW application_name")
check(cur.fetchone()[0] == "", "DISCARD ALL resets application_name")
cur.execute("DROP SCHEMA rw CASCADE")
cur.execute('DROP TABLE "%s".public.rw_pub' % DB)

if failures:
    print("%d of %d rewrite checks failed" % (len(failures), len(CASES) + len(SETTINGS) + 2), file=sys.stderr)
    sys.exit(1)
print("all %d rewrite checks passed" % (len(CASES) + len(SETTINGS) + 2))
