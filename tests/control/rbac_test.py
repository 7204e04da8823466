# Role-based access control (docs/security.md): for the built-in roles (owner, writer,
# reader), the access modes of the control plane (project_user, project_reader) and a custom
# role, which statements succeed and which are denied with 42501 — reads and writes through
# CTEs, subqueries, INSERT … SELECT, COPY and views, DDL, role management and DuckDB-dialect
# statements; grants and revokes taking effect in live sessions; catalogs showing each role
# only what it may use. Run with ducklings in the server process and in worker processes.
import io

import psycopg2

from control_lib import Api, Server, check, connect, failures, finish  # noqa: F401

T, F = True, False
# label, SQL ({u} is the user's name, for objects of its own), and the expected outcome for
# owner, writer, reader, project_user, project_reader, custom.
MATRIX = [
    ("SELECT team 1", "SELECT count(*) FROM team_1.clicks", [T, T, T, T, T, T]),
    ("INSERT team 1", "INSERT INTO team_1.clicks VALUES (100)", [T, T, F, T, F, F]),
    ("UPDATE team 1", "UPDATE team_1.clicks SET id = id WHERE id = 100", [T, T, F, T, F, F]),
    ("DELETE team 1", "DELETE FROM team_1.clicks WHERE id = 100", [T, T, F, T, F, F]),
    ("CREATE TABLE in team 1", "CREATE TABLE team_1.new_{u} (a int)", [T, T, F, T, F, F]),
    ("DROP TABLE in team 1", "DROP TABLE team_1.dropme_{u}", [T, T, F, T, F, F]),
    ("SELECT team 2", "SELECT count(*) FROM team_2.stuff", [T, T, T, F, F, T]),
    ("INSERT … SELECT across teams", "INSERT INTO team_1.clicks SELECT id FROM team_2.stuff WHERE false",
     [T, T, F, F, F, F]),
    ("team 2 through a CTE", "WITH s AS (SELECT * FROM team_2.stuff) SELECT count(*) FROM s", [T, T, T, F, F, T]),
    ("team 2 through a subquery", "SELECT (SELECT count(*) FROM team_2.stuff)", [T, T, T, F, F, T]),
    ("a CTE named like the table does not hide it",
     "WITH stuff AS (SELECT 1) SELECT count(*) FROM team_2.stuff", [T, T, T, F, F, T]),
    ("COPY TO STDOUT", "COPY team_1.clicks TO STDOUT", [T, T, T, T, T, T]),
    ("COPY FROM STDIN", "COPY team_1.clicks FROM STDIN", [T, T, F, T, F, F]),
    ("CREATE ROLE", "CREATE ROLE role_{u}", [T, F, F, F, F, F]),
    ("GRANT", "GRANT SELECT ON team_1.clicks TO reader", [T, F, F, F, F, F]),
    ("DuckDB dialect", "FROM team_1.clicks LIMIT 1", [T, F, F, F, F, F]),
    ("CREATE SCHEMA", "CREATE SCHEMA s_{u}", [T, F, F, F, F, F]),
    ("SELECT public", "SELECT count(*) FROM public.p", [T, T, T, F, F, F]),
    ("a view over team 2", "CREATE VIEW team_1.v_{u} AS SELECT * FROM team_2.stuff", [T, T, F, F, F, F]),
    ("write the server's schemas", "DELETE FROM duckgres_meta.grants", [F, F, F, F, F, F]),
]
ROLES = ["owner", "writer", "reader", "project_user", "project_reader", "custom"]
USERS = {"owner": ("alice", "unrestricted", None), "writer": ("wally", "project_reader", 2),
         "reader": ("rhea", "project_reader", 2), "project_user": ("wendy", "project_user", 1),
         "project_reader": ("rita", "project_reader", 1), "custom": ("carl", "project_reader", 2)}


def run(cur, sql):
    if sql.startswith("COPY") and "STDOUT" in sql:
        cur.copy_expert(sql, io.StringIO())
    elif sql.startswith("COPY"):
        cur.copy_expert(sql, io.StringIO("7\n"))
    else:
        cur.execute(sql)


def user_tables(cur):
    cur.execute("SELECT table_schema || '.' || table_name FROM information_schema.tables "
                "WHERE table_schema NOT IN ('pg_catalog', 'information_schema') ORDER BY 1")
    return [r[0] for r in cur.fetchall()]


def suite(isolation):
    srv = Server()
    try:
        srv.start(extra_args=["--isolation", isolation])
        api = Api(srv)
        api.call("POST", "/api/v1/orgs", {"name": "acme"})
        for team in (1, 2):
            api.call("POST", "/api/v1/orgs/acme/teams", {"team_id": team, "name": "t%d" % team})
        for role, (name, mode, team) in USERS.items():
            body = {"username": name, "password": name + "-secret-1", "access_mode": mode}
            if team:
                body["team_id"] = team
            s, d = api.call("POST", "/api/v1/orgs/acme/users", body)
            check(s == 201, "%s: user %s: %s" % (isolation, name, d))
        api.call("PUT", "/api/v1/orgs/acme/duckling", {"size": "xs"})
        check(api.wait_state("acme", ("ready", "failed"))["state"] == "ready", "%s: ready" % isolation)

        sessions = {}
        for role, (name, _, _) in USERS.items():
            c = connect(srv, "acme", name, name + "-secret-1")
            c.autocommit = True
            sessions[role] = c
        owner = sessions["owner"].cursor()
        owner.execute("CREATE TABLE team_1.clicks AS SELECT range AS id FROM range(3)")
        owner.execute("CREATE TABLE team_2.stuff AS SELECT 42 AS id")
        owner.execute("CREATE TABLE public.p AS SELECT 1 AS id")
        for role, (name, _, _) in USERS.items():
            owner.execute("CREATE TABLE team_1.dropme_%s (a int)" % name)
        owner.execute("GRANT writer TO wally")
        owner.execute("GRANT reader TO rhea")
        owner.execute("CREATE ROLE analyst")
        owner.execute("GRANT USAGE ON SCHEMA team_1 TO analyst")
        owner.execute("GRANT SELECT ON team_1.clicks TO analyst")
        owner.execute("GRANT analyst TO carl")

        for label, sql, expected in MATRIX:
            for role, allowed in zip(ROLES, expected):
                name = USERS[role][0]
                cur = sessions[role].cursor()
                text = sql.format(u=name)
                try:
                    run(cur, text)
                    check(allowed, "%s: %s may not: %s" % (isolation, role, label))
                except psycopg2.Error as e:
                    if allowed:
                        check(False, "%s: %s may: %s (%s %s)" % (isolation, role, label, e.pgcode, e))
                    else:
                        check(e.pgcode == "42501" and "permission denied" in str(e),
                              "%s: %s: %s denied with 42501 (%s %s)" % (isolation, role, label, e.pgcode, e))

        # The message names the missing privilege.
        try:
            sessions["project_reader"].cursor().execute("INSERT INTO team_1.clicks VALUES (1)")
        except psycopg2.Error as e:
            check("INSERT on table team_1.clicks" in str(e), "%s: the denial names INSERT: %s" % (isolation, e))

        # Catalogs show each role what it may use.
        rita = user_tables(sessions["project_reader"].cursor())
        check(rita and all(t.startswith("team_1.") for t in rita), "%s: project_reader sees team 1 only: %s" % (isolation, rita))
        carl = user_tables(sessions["custom"].cursor())
        check("team_1.clicks" in carl and "team_2.stuff" in carl and "team_1.new_wendy" not in carl
              and "public.p" not in carl, "%s: custom role sees its grants: %s" % (isolation, carl))
        rhea = user_tables(sessions["reader"].cursor())
        check("public.p" in rhea and "team_1.clicks" in rhea, "%s: reader sees everything: %s" % (isolation, rhea))
        cur = sessions["project_reader"].cursor()
        cur.execute("SELECT nspname FROM pg_namespace WHERE nspname LIKE 'team%' ORDER BY 1")
        check([r[0] for r in cur.fetchall()] == ["team_1"], "%s: pg_namespace of a project reader" % isolation)
        cur.execute("SELECT count(*) FROM pg_class WHERE relname = 'stuff'")
        check(cur.fetchone()[0] == 0, "%s: pg_class hides team 2's table from team 1's reader" % isolation)

        # Grants and revokes reach live sessions, at their next statement.
        rcur = sessions["project_reader"].cursor()
        owner.execute("GRANT USAGE ON SCHEMA team_2 TO rita")
        owner.execute("GRANT SELECT ON ALL TABLES IN SCHEMA team_2 TO rita")
        rcur.execute("SELECT id FROM team_2.stuff")
        check(rcur.fetchone() == (42,), "%s: a grant reaches a live session" % isolation)
        check("team_2.stuff" in user_tables(rcur), "%s: and its catalog" % isolation)
        owner.execute("REVOKE SELECT ON ALL TABLES IN SCHEMA team_2 FROM rita")
        try:
            rcur.execute("SELECT id FROM team_2.stuff")
            check(False, "%s: a revoke reaches a live session" % isolation)
        except psycopg2.Error as e:
            check(e.pgcode == "42501", "%s: revoked: %s" % (isolation, e.pgcode))
        # A grant inside a transaction counts once it commits.
        owner_conn = sessions["owner"]
        owner_conn.autocommit = False
        owner_conn.cursor().execute("GRANT SELECT ON team_2.stuff TO rita")
        try:
            rcur.execute("SELECT id FROM team_2.stuff")
            check(False, "%s: an uncommitted grant counted" % isolation)
        except psycopg2.Error as e:
            check(e.pgcode == "42501", "%s: refused for want of the grant, not otherwise: %s %s" % (isolation, e.pgcode, e))
        owner_conn.commit()
        owner_conn.autocommit = True
        rcur.execute("SELECT id FROM team_2.stuff")
        check(rcur.fetchone() == (42,), "%s: the committed grant counts" % isolation)

        # Role management errors as PostgreSQL gives them.
        for sql, code in (("CREATE ROLE analyst", "42710"), ("CREATE ROLE writer", "42939"),
                          ("DROP ROLE nobody", "42704"), ("GRANT SELECT ON team_1.clicks TO nobody", "42704"),
                          ("GRANT SELECT ON nope TO analyst", "42P01"), ("GRANT USAGE ON team_1.clicks TO analyst", "0LP01"),
                          ("CREATE ROLE bob LOGIN PASSWORD 'x'", "0A000"), ("DROP ROLE writer", "42939")):
            try:
                owner.execute(sql)
                check(False, "%s: %s should fail" % (isolation, sql))
            except psycopg2.Error as e:
                check(e.pgcode == code, "%s: %s: %s (want %s)" % (isolation, sql, e.pgcode, code))
        owner.execute("DROP ROLE analyst")
        ccur = sessions["custom"].cursor()
        try:
            ccur.execute("SELECT count(*) FROM team_1.clicks")
            check(False, "%s: dropping a role takes its grants" % isolation)
        except psycopg2.Error as e:
            check(e.pgcode == "42501", "%s: dropped role: %s" % (isolation, e.pgcode))
        # The same through the API: roles, grants and memberships reach live sessions.
        wcur = sessions["project_user"].cursor()

        def wendy_reads_team_2():
            try:
                wcur.execute("SELECT count(*) FROM team_2.stuff")
                return True
            except psycopg2.Error as e:
                check(e.pgcode == "42501", "%s: denied as 42501" % isolation)
                return False

        base = "/api/v1/orgs/acme"
        check(api.call("POST", base + "/roles", {"name": "api_role"})[0] == 201, "%s: API role created" % isolation)
        check(api.call("POST", base + "/roles", {"name": "api_role"})[0] == 409, "%s: API role exists: 409" % isolation)
        s, _ = api.call("POST", base + "/grants", {"privileges": ["USAGE"], "schema": "team_2", "to": "api_role"})
        check(s == 200, "%s: API schema grant (%s)" % (isolation, s))
        s, _ = api.call("POST", base + "/grants", {"privileges": ["SELECT"], "all_tables_in_schema": "team_2", "to": "api_role"})
        check(s == 200, "%s: API all-tables grant" % isolation)
        check(not wendy_reads_team_2(), "%s: not yet a member" % isolation)
        check(api.call("POST", base + "/roles/api_role/members", {"member": "wendy"})[0] == 201, "%s: API member" % isolation)
        check(wendy_reads_team_2(), "%s: a member through the API reads team 2" % isolation)
        s, roles = api.call("GET", base + "/roles")
        mine = [r for r in roles if r["name"] == "api_role"]
        check(mine and mine[0]["members"] == ["wendy"] and
              {"privilege": "SELECT", "schema": "team_2", "all_tables": True} in mine[0]["grants"],
              "%s: GET roles: %s" % (isolation, mine))
        check({r["name"] for r in roles} >= {"owner", "writer", "reader", "api_role", "alice"}, "%s: role list" % isolation)
        s, _ = api.call("POST", base + "/grants/revoke", {"privileges": ["SELECT"], "all_tables_in_schema": "team_2", "to": "api_role"})
        check(s == 200 and not wendy_reads_team_2(), "%s: API revoke" % isolation)
        for body, code in (({"privileges": ["BOGUS"], "schema": "team_2", "to": "api_role"}, 400),
                           ({"privileges": ["SELECT"], "to": "api_role"}, 400),
                           ({"privileges": ["SELECT"], "table": "team_2.stuff", "to": "nobody"}, 404),
                           ({"privileges": ["SELECT"], "table": "team_2.nope", "to": "api_role"}, 404),
                           ({"privileges": ["USAGE"], "table": "team_2.stuff", "to": "api_role"}, 400),
                           ("not json", 400)):
            s, err = api.call("POST", base + "/grants", raw=body.encode()) if isinstance(body, str) \
                else api.call("POST", base + "/grants", body)
            check(s == code and "error" in err, "%s: grant %s: %s (want %s)" % (isolation, body, s, code))
        check(api.call("DELETE", base + "/roles/api_role/members/wendy")[0] == 204, "%s: API member removed" % isolation)
        check(api.call("DELETE", base + "/roles/api_role")[0] == 204, "%s: API role dropped" % isolation)
        check(api.call("DELETE", base + "/roles/api_role")[0] == 404, "%s: dropped twice: 404" % isolation)
        check(api.call("GET", "/api/v1/orgs/nope/roles")[0] == 404, "%s: unknown org: 404" % isolation)
        s, entries = api.call("GET", base + "/audit?limit=1000")
        api_grants = [e for e in entries if e["action"] == "grant" and e["actor"].startswith("api token")]
        sql_grants = [e for e in entries if e["action"] == "grant" and e["actor"] == 'sql user "alice"']
        check(api_grants and sql_grants, "%s: grants audited with their actor" % isolation)
        for c in sessions.values():
            c.close()
        check(srv.stop() == 0, "%s: clean stop" % isolation)
    except Exception as e:  # noqa: BLE001
        check(False, "%s: %r\n%s" % (isolation, e, srv.log_tail()))
    finally:
        srv.cleanup()


for isolation in ("none", "process"):
    suite(isolation)
finish("control rbac")
