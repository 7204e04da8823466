# What an adversarial probe with ordinary tenant logins found (issue 17), as regressions:
# a project_reader of team 1 must not reach team 2's tables through DuckDB functions that run
# SQL given as data (also with the SQL as a bound parameter of the extended protocol, sent by
# libpq itself), nor see them through DuckDB's introspection functions and catalog views;
# search_path resolves in DuckDB as in the grant check; built-in role names are not logins;
# the query log shows a reader its own statements only; server paths stay hidden; engine
# settings that bound planning stay put; too-deep statements get 54001 and the server lives.
# Run with ducklings in the server process and in worker processes.
import ctypes
import ctypes.util

import psycopg2

from control_lib import Api, Server, check, connect, failures, finish  # noqa: F401

SECRET = 4242


class Libpq:
    """libpq through ctypes: PQexecParams sends Parse/Bind/Execute with typed parameters."""

    def __init__(self, conninfo):
        self.lib = ctypes.CDLL(ctypes.util.find_library("pq") or "libpq.so.5")
        lib = self.lib
        lib.PQconnectdb.restype = ctypes.c_void_p
        lib.PQconnectdb.argtypes = [ctypes.c_char_p]
        lib.PQstatus.argtypes = [ctypes.c_void_p]
        lib.PQerrorMessage.restype = ctypes.c_char_p
        lib.PQerrorMessage.argtypes = [ctypes.c_void_p]
        lib.PQexecParams.restype = ctypes.c_void_p
        lib.PQexecParams.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int,
                                     ctypes.POINTER(ctypes.c_uint), ctypes.POINTER(ctypes.c_char_p),
                                     ctypes.POINTER(ctypes.c_int), ctypes.POINTER(ctypes.c_int),
                                     ctypes.c_int]
        lib.PQresultStatus.argtypes = [ctypes.c_void_p]
        lib.PQresultErrorField.restype = ctypes.c_char_p
        lib.PQresultErrorField.argtypes = [ctypes.c_void_p, ctypes.c_int]
        lib.PQntuples.argtypes = [ctypes.c_void_p]
        lib.PQgetvalue.restype = ctypes.c_char_p
        lib.PQgetvalue.argtypes = [ctypes.c_void_p, ctypes.c_int, ctypes.c_int]
        lib.PQclear.argtypes = [ctypes.c_void_p]
        lib.PQfinish.argtypes = [ctypes.c_void_p]
        self.conn = lib.PQconnectdb(conninfo.encode())
        if lib.PQstatus(self.conn) != 0:
            raise RuntimeError(lib.PQerrorMessage(self.conn).decode())

    def execute(self, sql, params, types):
        """(sqlstate or None, first value or None)."""
        n = len(params)
        values = (ctypes.c_char_p * n)(*[p.encode() for p in params])
        oids = (ctypes.c_uint * n)(*types)
        r = self.lib.PQexecParams(self.conn, sql.encode(), n, oids, values, None, None, 0)
        try:
            status = self.lib.PQresultStatus(r)
            if status in (1, 2):  # PGRES_COMMAND_OK, PGRES_TUPLES_OK
                v = self.lib.PQgetvalue(r, 0, 0) if self.lib.PQntuples(r) else None
                return None, v.decode() if v is not None else None
            code = self.lib.PQresultErrorField(r, ord("C"))
            return (code.decode() if code else "?"), None
        finally:
            self.lib.PQclear(r)

    def close(self):
        self.lib.PQfinish(self.conn)


def refused(cur, sql, code="42501"):
    """The statement fails with `code` and the session stays usable."""
    try:
        cur.execute(sql)
        rows = cur.fetchall() if cur.description else []
        return False, "ran: %r" % (rows[:3],)
    except psycopg2.Error as e:
        ok = e.pgcode == code
        cur.connection.rollback() if not cur.connection.autocommit else None
        cur.execute("SELECT 1")
        return ok, "%s %s" % (e.pgcode, str(e).strip().splitlines()[0])


# Ways to run team 2's SQL that name no relation in the statement's text.
BYPASSES = [
    ("query_table", "SELECT * FROM query_table('team_2.secret')"),
    ("query_table, list", "SELECT * FROM query_table(['team_2.secret'])"),
    ("query", "SELECT * FROM query('SELECT * FROM team_2.secret')"),
    ("query, upper case", "SELECT * FROM QUERY('SELECT * FROM team_2.secret')"),
    ("query, qualified", "SELECT * FROM main.query('SELECT * FROM team_2.secret')"),
    ("query in a subquery", "SELECT (SELECT max(v) FROM query('SELECT v FROM team_2.secret'))"),
    ("query in a CTE", "WITH x AS (SELECT * FROM query('SELECT * FROM team_2.secret')) SELECT * FROM x"),
    ("query, text built at run time",
     "SELECT * FROM query('SELECT * FROM team_' || '2.secret')"),
    ("json_execute_serialized_sql",
     "SELECT * FROM json_execute_serialized_sql(json_serialize_sql('SELECT * FROM team_2.secret'))"),
    ("json_serialize_plan", "SELECT json_serialize_plan('SELECT * FROM team_2.secret')"),
    ("duckdb_tables()", "SELECT table_name FROM duckdb_tables() WHERE schema_name = 'team_2'"),
    ("duckdb_columns()", "SELECT column_name FROM duckdb_columns() WHERE schema_name = 'team_2'"),
    ("duckdb_tables view", "SELECT table_name FROM duckdb_tables WHERE schema_name = 'team_2'"),
    ("sqlite_master", "SELECT sql FROM sqlite_master"),
    ("system.main.duckdb_views", "SELECT * FROM system.main.duckdb_views"),
    ("DuckDB's pg_class", "SELECT relname FROM system.pg_catalog.pg_class", "42P01"),
    ("pg_catalog not emulated", "SELECT * FROM pg_catalog.pg_prepared_statements"),
    ("duckdb_functions()", "SELECT * FROM duckdb_functions()"),
    ("duckdb_databases()", "SELECT path FROM duckdb_databases()"),
    ("pragma_table_info of team 2", "SELECT * FROM pragma_table_info('team_2.secret')"),
    ("pragma_storage_info of team 2", "SELECT * FROM pragma_storage_info('team_2.secret')"),
    ("duckdb_table_sample of team 2", "SELECT * FROM duckdb_table_sample('team_2.secret')"),
    ("summary", "SELECT * FROM summary((SELECT 1))"),
    ("histogram table macro", "SELECT * FROM histogram('team_2.secret', v)"),
    ("nextval of team 2", "SELECT nextval('team_2.seq')"),
    ("the query log of everyone", "SELECT count(*) FROM duckgres_meta.query_log"),
    ("the grants table", "SELECT count(*) FROM duckgres_meta.grants"),
    ("SET max_expression_depth", "SET max_expression_depth = 100000"),
]

# What a project reader keeps: plain functions, its own team's introspection.
ALLOWED = [
    ("arithmetic and strings", "SELECT upper('a') || lpad('1', 3, '0'), abs(-1), round(2.5)"),
    ("aggregates and windows", "SELECT count(*), sum(v), row_number() OVER () FROM team_1.t GROUP BY v"),
    ("generate_series", "SELECT count(*) FROM generate_series(1, 10)"),
    ("unnest", "SELECT * FROM unnest(ARRAY[1, 2])"),
    ("json", "SELECT json_extract('{\"a\": 1}', '$.a')"),
    ("catalog functions", "SELECT format_type(23, -1), pg_get_userbyid(10), current_schema()"),
    ("pg_class", "SELECT count(*) FROM pg_class WHERE relname = 't'"),
    ("pragma_table_info of its own table", "SELECT count(*) FROM pragma_table_info('team_1.t')"),
    ("the system query log", "SELECT count(*) FROM system.query_log"),
    ("histogram aggregate", "SELECT histogram(v) FROM team_1.t"),
]


def suite(isolation):
    srv = Server()
    try:
        srv.start(extra_args=["--isolation", isolation])
        api = Api(srv)
        api.call("POST", "/api/v1/orgs", {"name": "acme"})
        for team in (1, 2):
            api.call("POST", "/api/v1/orgs/acme/teams", {"team_id": team, "name": "t%d" % team})
        users = (("alice", "unrestricted", None), ("rita", "project_reader", 1),
                 ("wendy", "project_user", 1))
        for name, mode, team in users:
            body = {"username": name, "password": name + "-secret-1", "access_mode": mode}
            if team:
                body["team_id"] = team
            s, d = api.call("POST", "/api/v1/orgs/acme/users", body)
            check(s == 201, "%s: user %s: %s" % (isolation, name, d))
        # Built-in role names are not logins.
        for name in ("owner", "writer", "Reader", "public", "pg_monitor"):
            s, d = api.call("POST", "/api/v1/orgs/acme/users",
                            {"username": name, "password": "secret-pass-1", "access_mode": "project_reader",
                             "team_id": 1})
            check(s == 400 and "reserved" in str(d), "%s: user named %s refused: %s %s" % (isolation, name, s, d))
        api.call("PUT", "/api/v1/orgs/acme/duckling", {"size": "xs"})
        check(api.wait_state("acme", ("ready", "failed"))["state"] == "ready", "%s: ready" % isolation)

        owner_conn = connect(srv, "acme", "alice", "alice-secret-1")
        owner_conn.autocommit = True
        owner = owner_conn.cursor()
        owner.execute("CREATE TABLE team_2.secret AS SELECT %d AS v" % SECRET)
        owner.execute("CREATE SEQUENCE team_2.seq")
        owner.execute("CREATE TABLE team_1.t AS SELECT range AS v FROM range(3)")
        owner.execute("CREATE SEQUENCE team_1.seq")
        owner.execute("CREATE TABLE public.pub AS SELECT 7 AS v")
        owner.execute("SELECT 'alice was here'")

        rita_conn = connect(srv, "acme", "rita", "rita-secret-1")
        rita_conn.autocommit = True
        rita = rita_conn.cursor()
        for label, sql, *code in BYPASSES:
            ok, what = refused(rita, sql, *code)
            check(ok, "%s: project_reader: %s refused with 42501: %s" % (isolation, label, what))
        for label, sql in ALLOWED:
            try:
                rita.execute(sql)
                rita.fetchall()
            except psycopg2.Error as e:
                check(False, "%s: project_reader may: %s (%s %s)" % (isolation, label, e.pgcode, e))
        # An unknown function is still 42883, as for an owner.
        ok, what = refused(rita, "SELECT no_such_function(1)", "42883")
        check(ok, "%s: unknown function: %s" % (isolation, what))
        # The owner keeps DuckDB's functions.
        owner.execute("SELECT * FROM query_table('team_2.secret')")
        check(owner.fetchone() == (SECRET,), "%s: the owner runs query_table()" % isolation)
        # query() and json_execute_serialized_sql() run SQL the gateway cannot see: for no one.
        for sql in ("SELECT * FROM query('SELECT 1')",
                    "SELECT * FROM json_execute_serialized_sql(json_serialize_sql('SELECT 1'))"):
            ok, what = refused(owner, sql)
            check(ok, "%s: the owner may not: %s (%s)" % (isolation, sql, what))

        # The inner SQL as a bound parameter of the extended protocol (libpq's PQexecParams).
        pq = Libpq("host=%s port=%d dbname=acme user=rita password=rita-secret-1 sslmode=disable"
                   % (srv.host, srv.port))
        for sql in ("SELECT * FROM query($1)", "SELECT * FROM query_table($1)",
                    "SELECT * FROM json_execute_serialized_sql(json_serialize_sql($1))"):
            code, value = pq.execute(sql, ["SELECT v FROM team_2.secret" if "table" not in sql
                                           else "team_2.secret"], [25])
            check(code == "42501" and value != str(SECRET),
                  "%s: bound parameter: %s refused (%s, %s)" % (isolation, sql, code, value))
        # libpq's PQexecParams describes the portal before it executes it: the grant check
        # runs however a portal starts.
        code, value = pq.execute("SELECT v FROM team_2.secret WHERE v > $1", ["0"], [23])
        check(code == "42501" and value is None,
              "%s: team 2 through PQexecParams refused (%s, %s)" % (isolation, code, value))
        code, value = pq.execute("SELECT count(*) FROM team_1.t WHERE v >= $1", ["1"], [23])
        check(code is None and value == "2", "%s: libpq session still usable: %s %s" % (isolation, code, value))
        pq.close()

        # The query log: a reader sees its own statements only.
        rita.execute("SELECT count(*) FROM system.query_log WHERE user_name <> 'rita'")
        check(rita.fetchone()[0] == 0, "%s: system.query_log shows rita her own statements" % isolation)

        # search_path: DuckDB resolves unqualified names as the grant check does.
        wendy_conn = connect(srv, "acme", "wendy", "wendy-secret-1")
        wendy_conn.autocommit = True
        wendy = wendy_conn.cursor()
        wendy.execute("SELECT nextval('team_1.seq')")
        check(wendy.fetchone() == (1,), "%s: a project user takes its sequence's next value" % isolation)
        wendy.execute("SET search_path = team_1")
        # DuckDB looks in public after the path; the grant check resolves as DuckDB reads.
        ok, what = refused(wendy, "SELECT * FROM pub")
        check(ok, "%s: search_path team_1 does not reach public.pub: %s" % (isolation, what))
        ok, what = refused(wendy, "INSERT INTO pub VALUES (1)")
        check(ok, "%s: nor write it: %s" % (isolation, what))
        wendy.execute("CREATE TABLE made_here (a int)")
        wendy.execute("INSERT INTO made_here VALUES (1)")
        wendy.execute("SELECT count(*) FROM team_1.made_here")
        check(wendy.fetchone() == (1,), "%s: an unqualified CREATE lands in team_1" % isolation)
        wendy.execute("SELECT count(*) FROM t")
        check(wendy.fetchone() == (3,), "%s: unqualified team_1.t" % isolation)
        wendy.execute("SET search_path = no_such_schema")
        ok, what = refused(wendy, "SELECT * FROM pub")
        check(ok, "%s: a search_path of no schema reaches nothing: %s" % (isolation, what))
        ok, what = refused(wendy, "CREATE TABLE nowhere (a int)", "3F000")
        check(ok, "%s: nor creates: %s" % (isolation, what))
        owner.execute("SELECT count(*) FROM pub")
        check(owner.fetchone() == (1,), "%s: public.pub unchanged" % isolation)

        # Server paths stay hidden, for owners too.
        for sql in ("SELECT path FROM duckdb_databases", "SELECT * FROM system.main.pragma_database_list",
                    "SELECT * FROM duckdb_settings()", "SELECT * FROM duckdb_logs",
                    "SELECT * FROM read_blob('%s/ducklings/acme/warehouse.duckdb')" % srv.data_dir,
                    "SELECT * FROM read_blob('%s/ducklings/acme/tmp/../warehouse.duckdb')" % srv.data_dir):
            ok, what = refused(owner, sql)
            check(ok, "%s: the owner may not: %s (%s)" % (isolation, sql, what))
        owner.execute("SELECT setting FROM pg_settings WHERE name = 'temp_directory'")
        rows = owner.fetchall()
        check(all(srv.data_dir not in (r[0] or "") for r in rows), "%s: pg_settings hides paths: %s" % (isolation, rows))
        owner.execute("SELECT string_agg(coalesce(setting, ''), ',') FROM pg_settings")
        check(srv.data_dir not in (owner.fetchone()[0] or ""), "%s: no setting shows the data dir" % isolation)

        # Too deep: 54001, and the server lives (in-process, every organization with it).
        for label, sql in (("50,000 terms", "SELECT " + "+".join(["1"] * 50000)),
                           ("10,000 parentheses", "SELECT " + "(" * 10000 + "1" + ")" * 10000),
                           ("1,000-deep list", "SELECT " + "[" * 1000 + "1" + "]" * 1000),
                           ("5,000-deep array", "SELECT " + "ARRAY[" * 5000 + "1" + "]" * 5000)):
            for cur in (rita, owner):
                try:
                    cur.execute(sql)
                    cur.fetchall()
                    check(False, "%s: %s should be refused" % (isolation, label))
                except psycopg2.Error as e:
                    check(e.pgcode == "54001", "%s: %s: 54001 (%s %s)" % (isolation, label, e.pgcode, str(e)[:200]))
        # A text array of 5,000,000 '{' (the array literal parser recursed once per brace).
        pq = Libpq("host=%s port=%d dbname=acme user=rita password=rita-secret-1 sslmode=disable"
                   % (srv.host, srv.port))
        code, _ = pq.execute("SELECT $1::text[]", ["{" * 5000000], [1009])
        check(code is not None and code != "XX000", "%s: a 5M-deep text[] parameter: %s" % (isolation, code))
        pq.close()
        try:
            rita.execute("SELECT '%s'::int[]" % ("{" * 1000000 + "1" + "}" * 1000000))
            check(False, "%s: a 1M-deep array literal should fail" % isolation)
        except psycopg2.Error as e:
            check(e.pgcode not in (None, "XX000"), "%s: 1M-deep array literal: %s" % (isolation, e.pgcode))
        owner.execute("SELECT 1 + 1")
        check(owner.fetchone() == (2,), "%s: the server lives after deep statements" % isolation)
        owner.execute("SELECT " + "+".join(["1"] * 200))
        check(owner.fetchone() == (200,), "%s: 200 terms still run" % isolation)

        for c in (owner_conn, rita_conn, wendy_conn):
            c.close()
        check(srv.stop() == 0, "%s: clean stop" % isolation)
    except Exception as e:  # noqa: BLE001
        check(False, "%s: %r\n%s" % (isolation, e, srv.log_tail()))
    finally:
        srv.cleanup()


for isolation in ("none", "process"):
    suite(isolation)
finish("control probe")
