# Session functions clients call on connect (PG* variables set by with_server.py):
# pg_backend_pid() matches BackendKeyData, current_database(), current_setting()/set_config()
# follow SET, txid_current(), version().
import os
import sys

import psycopg2
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from harness import case, check, failures  # noqa: E402,F401  (tests/harness.py)


conn = psycopg2.connect("")
conn.autocommit = True
cur = conn.cursor()


def one(sql, *args):
    cur.execute(sql, args)
    return cur.fetchone()[0]


check(one("SELECT pg_backend_pid()") == conn.get_backend_pid(),
      "pg_backend_pid %s vs %s" % (one("SELECT pg_backend_pid()"), conn.get_backend_pid()))
check(one("SELECT pg_catalog.pg_backend_pid()") == conn.get_backend_pid(), "qualified pg_backend_pid")
check(one("SELECT current_database()") == os.environ["PGDATABASE"], "current_database")
# The SQL-standard value functions answer the session's user, database and schema, not
# DuckDB's own ("duckdb", the file's catalog, "main"), under their PostgreSQL column names.
user = os.environ["PGUSER"]
cur.execute("SELECT current_user, session_user, user, current_role, current_catalog, current_schema")
check(cur.fetchone() == (user, user, user, user, os.environ["PGDATABASE"], "public"),
      "SQL value functions")
check([d[0] for d in cur.description] ==
      ["current_user", "session_user", "user", "current_role", "current_catalog", "current_schema"],
      "SQL value function column names")
cur.execute("SELECT * FROM (SELECT current_user) t WHERE current_user = %s", (user,))
check(cur.description[0][0] == "current_user" and cur.fetchone() == (user,),
      "current_user in a subquery and a WHERE clause")
cur.execute("SET TimeZone = 'UTC'")
check(one("SELECT current_setting('TimeZone')") == "UTC", "current_setting TimeZone")
cur.execute("SET application_name = 'compat-suite'")
check(one("SELECT current_setting('application_name')") == "compat-suite", "current_setting after SET")
check(one("SELECT set_config('statement_timeout', '5000', false)") == "5s", "set_config result")
check(one("SHOW statement_timeout") == "5s", "set_config took effect")
cur.execute("SET statement_timeout = '90s'")
check(one("SHOW statement_timeout") == "90s", "SHOW statement_timeout 90s")
cur.execute("SET statement_timeout = '2min'")
check(one("SHOW statement_timeout") == "2min", "SHOW statement_timeout 2min")
cur.execute("SET statement_timeout = 250")
check(one("SHOW statement_timeout") == "250ms", "SHOW statement_timeout 250ms")
cur.execute("RESET statement_timeout")
check(one("SELECT pg_catalog.set_config('search_path', 'public', false)") == "public", "qualified set_config")
check(isinstance(one("SELECT txid_current()"), int), "txid_current")
check(one("SELECT version()").startswith("PostgreSQL 15."), "version")
check(one("SELECT count(*) FROM pg_catalog.pg_type WHERE typname = 'int4' AND oid = 23") == 1, "pg_type int4")
# A regclass literal is the relation's oid; a name that is no relation is 42P01, as in
# PostgreSQL (it used to answer NULL, so `WHERE attrelid = 'typo'::regclass` found nothing).
cur.execute("CREATE TABLE regclass_probe (id int)")
check(one("SELECT 'regclass_probe'::regclass::oid = (SELECT oid FROM pg_class WHERE relname = 'regclass_probe')"),
      "regclass literal")
try:
    one("SELECT 'no_such_relation'::regclass")
    check(False, "regclass of a missing relation answered")
except psycopg2.Error as e:
    check(e.pgcode == "42P01", "regclass of a missing relation: %s" % e.pgcode)

if failures:
    print("%d session function check(s) failed" % len(failures), file=sys.stderr)
    sys.exit(1)
print("all session function checks passed")
