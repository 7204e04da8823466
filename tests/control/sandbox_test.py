# The tenant sandbox (docs/security.md): an escape corpus of attempts to reach the server's
# files, other ducklings, extensions, engine settings, profiling and log output, and
# EXPORT/IMPORT — directly and wrapped in CTEs, subqueries, INSERT … SELECT, views and
# macros. Every attempt must fail with 42501, leave no file behind and leave the session
# usable; the owner of the default database is held as tightly as an organization's user.
# Run with ducklings in the server process and in worker processes. What the sandbox keeps
# working (COPY FROM STDIN, an operator's readable directory, allowed settings) is checked too.
import os
import shutil
import tempfile

import psycopg2

from control_lib import Api, Server, check, connect, failures, finish  # noqa: F401


def corpus(p):
    """(label, SQL) pairs; p holds the paths the attempts aim at."""
    secret, out, out_db, out_dir = p["secret"], p["out"], p["out_db"], p["out_dir"]
    other, own, other_org = p["other_file"], p["own_dir"], p["other_org"]
    reads = [
        ("read_csv", "SELECT * FROM read_csv('%s')" % secret),
        ("read_csv_auto", "SELECT * FROM read_csv_auto('%s')" % secret),
        ("read_text", "SELECT * FROM read_text('%s')" % secret),
        ("read_blob", "SELECT * FROM read_blob('%s')" % secret),
        ("read_json", "SELECT * FROM read_json('%s')" % secret),
        ("read_json_auto", "SELECT * FROM read_json_auto('%s')" % secret),
        ("read_ndjson_objects", "SELECT * FROM read_ndjson_objects('%s')" % secret),
        ("read_parquet", "SELECT * FROM read_parquet('%s')" % secret),
        ("parquet_metadata", "SELECT * FROM parquet_metadata('%s')" % secret),
        ("parquet_schema", "SELECT * FROM parquet_schema('%s')" % secret),
        ("sniff_csv", "SELECT * FROM sniff_csv('%s')" % secret),
        ("glob of /", "SELECT * FROM glob('/etc/*')"),
        ("/etc/passwd", "SELECT * FROM read_csv('/etc/passwd', sep = ':')"),
        ("the config store", "SELECT * FROM read_blob('%s')" % p["store"]),
        ("another duckling's file", "SELECT * FROM read_blob('%s')" % other),
        ("relative path", "SELECT * FROM read_text('../../../../etc/passwd')"),
        (".. out of its own tmp/", "SELECT * FROM read_blob('%s/tmp/../../%s/warehouse.duckdb')"
         % (own, os.path.basename(os.path.dirname(other)))),
        ("a list of paths", "SELECT * FROM read_csv(['%s', '/etc/passwd'])" % secret),
        ("in a subquery", "SELECT count(*) FROM (SELECT * FROM read_text('%s')) s" % secret),
        ("in a CTE", "WITH x AS (SELECT * FROM read_text('%s')) SELECT * FROM x" % secret),
        ("in a scalar subquery", "SELECT (SELECT content FROM read_text('%s'))" % secret),
        ("INSERT … SELECT", "INSERT INTO loot SELECT content FROM read_text('%s')" % secret),
        ("CREATE TABLE AS", "CREATE TABLE stolen AS SELECT * FROM read_text('%s')" % secret),
        ("upper case", "SELECT * FROM READ_TEXT('%s')" % secret),
        ("quoted name", "SELECT * FROM \"read_text\"('%s')" % secret),
        ("schema-qualified", "SELECT * FROM main.read_text('%s')" % secret),
        ("FROM-first", "FROM read_text('%s')" % secret),
        ("LATERAL", "SELECT * FROM (SELECT 1) a, LATERAL (SELECT * FROM read_text('%s')) b" % secret),
        ("in WHERE", "SELECT 1 WHERE EXISTS (SELECT * FROM read_text('%s'))" % secret),
        ("UNION", "SELECT 'x' UNION ALL SELECT content FROM read_text('%s')" % secret),
    ]
    scans = [
        ("replacement scan", "SELECT * FROM '%s'" % secret),
        ("replacement scan, quoted", "SELECT * FROM \"%s\"" % secret),
        ("replacement scan of /etc/passwd", "SELECT * FROM '/etc/passwd'"),
        ("replacement scan FROM-first", "FROM '%s'" % secret),
        ("replacement scan, relative", "SELECT * FROM 'data.csv'"),
        ("replacement scan, ..", "SELECT * FROM \"../../secret.csv\""),
        ("replacement scan in a JOIN", "SELECT * FROM loot JOIN '%s' ON true" % secret),
    ]
    copies = [
        ("COPY table TO file", "COPY loot TO '%s'" % out),
        ("COPY query TO file", "COPY (SELECT 1) TO '%s'" % out),
        ("COPY FROM file", "COPY loot FROM '%s'" % secret),
        ("COPY TO relative path", "COPY loot TO 'relative.csv'"),
        ("COPY TO ..", "COPY loot TO '../../escape.csv'"),
        ("COPY TO PROGRAM", "COPY loot TO PROGRAM 'touch %s'" % out),
        ("COPY FROM PROGRAM", "COPY loot FROM PROGRAM 'cat /etc/passwd'"),
        ("COPY into its own tmp/", "COPY loot TO '%s/tmp/x.csv'" % own),
        ("COPY TO parquet", "COPY (SELECT 1) TO '%s' (FORMAT parquet)" % out),
        ("COPY FROM DATABASE", "COPY FROM DATABASE warehouse TO other"),
    ]
    attaches = [
        ("ATTACH another duckling", "ATTACH '%s' AS o" % other),
        ("ATTACH a new file", "ATTACH '%s' AS n" % out_db),
        ("ATTACH :memory:", "ATTACH ':memory:' AS m"),
        ("ATTACH IF NOT EXISTS", "ATTACH IF NOT EXISTS '%s'" % out_db),
        ("DETACH", "DETACH warehouse"),
        ("USE", "USE system"),
    ]
    extensions = [
        ("INSTALL", "INSTALL httpfs"),
        ("LOAD", "LOAD httpfs"),
        ("LOAD a path", "LOAD '%s'" % secret),
        ("FORCE INSTALL", "FORCE INSTALL httpfs"),
        ("INSTALL FROM", "INSTALL httpfs FROM 'http://127.0.0.1:1/'"),
        ("CREATE EXTENSION", "CREATE EXTENSION httpfs"),
        ("UPDATE EXTENSIONS", "UPDATE EXTENSIONS"),
    ]
    settings = [
        ("SET enable_external_access", "SET enable_external_access = true"),
        ("SET allowed_directories", "SET allowed_directories = '/'"),
        ("SET threads", "SET threads = 64"),
        ("SET memory_limit", "SET memory_limit = '100GB'"),
        ("SET temp_directory", "SET temp_directory = '%s'" % out_dir),
        ("SET GLOBAL", "SET GLOBAL threads = 1"),
        ("RESET threads", "RESET threads"),
        ("SET profiling_output", "SET profiling_output = '%s'" % out),
        ("SET enable_profiling", "SET enable_profiling = 'json'"),
        ("SET log_query_path", "SET log_query_path = '%s'" % out),
        ("SET extension_directory", "SET extension_directory = '%s'" % out_dir),
        ("SET VARIABLE of the server's", "SET VARIABLE duckgres_user = 'duckgres'"),
        ("set_config of an engine setting", "SELECT set_config('threads', '64', false)"),
        ("ALTER SYSTEM", "ALTER SYSTEM SET threads = 1"),
        ("SET lock_configuration", "SET lock_configuration = false"),
    ]
    pragmas = [
        ("PRAGMA enable_profiling", "PRAGMA enable_profiling"),
        ("PRAGMA profiling_output", "PRAGMA profiling_output = '%s'" % out),
        ("PRAGMA database_list", "PRAGMA database_list"),
        ("CALL", "CALL pragma_database_list()"),
        ("EXPORT DATABASE", "EXPORT DATABASE '%s'" % out_dir),
        ("IMPORT DATABASE", "IMPORT DATABASE '%s'" % os.path.dirname(secret)),
    ]
    wrapped = [
        ("a view over a reader", "CREATE VIEW v1 AS SELECT * FROM read_text('%s')" % secret),
        ("a macro over a reader", "CREATE MACRO m1() AS TABLE SELECT * FROM read_text('%s')" % secret),
        ("a macro taking the path", "CREATE MACRO m2(p) AS TABLE SELECT * FROM read_text(p)"),
        ("a scalar macro", "CREATE MACRO m3(p) AS (SELECT content FROM read_text(p))"),
        ("a temp view over glob", "CREATE TEMP VIEW v2 AS SELECT * FROM glob('/*')"),
        ("duckdb_settings()", "SELECT * FROM duckdb_settings()"),
        ("duckdb_databases()", "SELECT * FROM duckdb_databases()"),
        ("duckdb_extensions()", "SELECT * FROM duckdb_extensions()"),
        ("duckdb_secrets()", "SELECT * FROM duckdb_secrets()"),
        ("CREATE SECRET", "CREATE SECRET s (TYPE s3, KEY_ID 'x', SECRET 'y')"),
        ("CREATE PERSISTENT SECRET", "CREATE PERSISTENT SECRET s2 (TYPE s3, KEY_ID 'x', SECRET 'y')"),
    ]
    cross = [
        ("another org's table", "SELECT * FROM %s.main.t" % other_org),
        ("another org's, quoted", "SELECT * FROM \"%s\".\"public\".\"t\"" % other_org),
        ("INSERT into another org", "INSERT INTO %s.public.t VALUES (1)" % other_org),
        ("CREATE in another org", "CREATE TABLE %s.public.x (a int)" % other_org),
        ("DROP in another org", "DROP TABLE %s.public.t" % other_org),
        ("DuckDB's catalog name", "SELECT * FROM warehouse.main.loot"),
    ]
    return reads + scans + copies + attaches + extensions + settings + pragmas + wrapped + cross


def run_corpus(label, conn, paths):
    conn.autocommit = True
    cur = conn.cursor()
    cur.execute("CREATE TABLE IF NOT EXISTS loot (content TEXT)")
    attempts = corpus(paths)
    for name, sql in attempts:
        try:
            cur.execute(sql)
            rows = cur.fetchall() if cur.description else []
            check(False, "%s: %s: not denied (%r)" % (label, name, rows[:2]))
        except psycopg2.Error as e:
            check(e.pgcode == "42501", "%s: %s: %s %s" % (label, name, e.pgcode, str(e).strip().splitlines()[0]))
        cur.execute("SELECT 1")
        check(cur.fetchone() == (1,), "%s: %s: session usable afterwards" % (label, name))
    for path in (paths["out"], paths["out_db"], "relative.csv", "escape.csv"):
        check(not os.path.exists(path), "%s: no file %s" % (label, path))
    check(not os.listdir(paths["out_dir"]), "%s: nothing in %s" % (label, paths["out_dir"]))
    cur.execute("SELECT count(*) FROM loot")
    check(cur.fetchone()[0] == 0, "%s: nothing of the secret landed in a table" % label)
    cur.execute("SELECT count(*) FROM information_schema.tables WHERE table_name IN ('stolen', 'v1', 'v2')")
    check(cur.fetchone()[0] == 0, "%s: no table or view made of a reader" % label)
    return len(attempts)


def run_allowed(label, conn, paths):
    """What the sandbox keeps: COPY FROM STDIN, the readable directory, allowed settings."""
    import io
    conn.autocommit = True
    cur = conn.cursor()
    cur.execute("CREATE TABLE IF NOT EXISTS kept (a INTEGER, b TEXT)")
    cur.copy_expert("COPY kept FROM STDIN", io.StringIO("1\tone\n2\ttwo\n"))
    cur.execute("SELECT count(*) FROM kept")
    check(cur.fetchone()[0] == 2, "%s: COPY FROM STDIN works in the sandbox" % label)
    cur.execute("SELECT sum(n) FROM read_csv('%s/ok.csv')" % paths["readable"])
    check(cur.fetchone()[0] == 6, "%s: reading from the operator's directory" % label)
    cur.execute("SELECT sum(n) FROM read_csv(['%s/ok.csv', '%s/./ok.csv'])" % (paths["readable"], paths["readable"]))
    check(cur.fetchone()[0] == 12, "%s: a list of files of the operator's directory" % label)
    try:
        cur.execute("SELECT * FROM read_csv(['%s/ok.csv', '/etc/passwd'])" % paths["readable"])
        check(False, "%s: a list with a file outside the readable directory" % label)
    except psycopg2.Error as e:
        check(e.pgcode == "42501", "%s: a list with a file outside: %s" % (label, e.pgcode))
    try:
        cur.execute("SELECT * FROM read_text('%s/../secret.txt')" % paths["readable"])
        check(False, "%s: .. out of the readable directory" % label)
    except psycopg2.Error as e:
        check(e.pgcode == "42501", "%s: .. out of the readable directory: %s" % (label, e.pgcode))
    cur.execute("SET enable_progress_bar = false")
    cur.execute("SET VARIABLE my_var = 42")
    cur.execute("SELECT getvariable('my_var')")
    check(cur.fetchone()[0] == 42, "%s: SET VARIABLE of the session's own" % label)
    cur.execute("SHOW threads")
    check(cur.fetchone()[0] is not None, "%s: SHOW threads" % label)
    cur.execute("SELECT count(*) FROM (SELECT range % 1000 AS k FROM range(2000000) ORDER BY 1) t")
    check(cur.fetchone()[0] == 2000000, "%s: sorting (spill directory reachable)" % label)


total = 0
tmp = tempfile.mkdtemp(prefix="duckgres-sandbox-")
try:
    readable = os.path.join(tmp, "readable")
    os.makedirs(readable)
    with open(os.path.join(readable, "ok.csv"), "w") as f:
        f.write("n\n1\n2\n3\n")
    secret = os.path.join(tmp, "secret.txt")
    with open(secret, "w") as f:
        f.write("the server's secret\n")
    for isolation in ("none", "process"):
        srv = Server()
        out_dir = os.path.join(tmp, "out-" + isolation)
        os.makedirs(out_dir)
        try:
            srv.start(extra_args=["--isolation", isolation, "--readable-directories", readable])
            api = Api(srv)
            for org, user in (("acme", "alice"), ("globex", "gina")):
                api.call("POST", "/api/v1/orgs", {"name": org})
                api.call("POST", "/api/v1/orgs/%s/users" % org, {"username": user, "password": user + "-secret-1"})
                api.call("PUT", "/api/v1/orgs/%s/duckling" % org, {"size": "xs"})
                check(api.wait_state(org, ("ready", "failed"))["state"] == "ready", "%s ready" % org)
            g = connect(srv, "globex", "gina", "gina-secret-1")
            g.autocommit = True
            g.cursor().execute("CREATE TABLE t AS SELECT 'globex data' AS s")
            g.close()
            ducklings = os.path.join(srv.data_dir, "ducklings")
            paths = {"secret": secret, "out": os.path.join(tmp, "out.csv"),
                     "out_db": os.path.join(tmp, "new.duckdb"), "out_dir": out_dir,
                     "store": os.path.join(srv.data_dir, "duckgres.db"),
                     "other_file": os.path.join(ducklings, "globex", "warehouse.duckdb"),
                     "own_dir": os.path.join(ducklings, "acme"), "other_org": "globex",
                     "readable": readable}
            c = connect(srv, "acme", "alice", "alice-secret-1")
            total += run_corpus("%s/acme user" % isolation, c, paths)
            run_allowed("%s/acme user" % isolation, c, paths)
            c.close()
            if isolation == "none":
                # The server's own admin, on the default database, is held the same way.
                admin = dict(paths, own_dir=os.path.join(ducklings, "duckgres"))
                c = connect(srv, "duckgres", "duckgres", srv.password)
                total += run_corpus("admin", c, admin)
                c.close()
            check(srv.stop() == 0, "%s: clean stop" % isolation)
        except Exception as e:  # noqa: BLE001
            check(False, "%s: %r\n%s" % (isolation, e, srv.log_tail()))
        finally:
            srv.cleanup()
finally:
    shutil.rmtree(tmp, ignore_errors=True)
print("sandbox: %d escape attempts" % total)
finish("control sandbox")
