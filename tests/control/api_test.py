# The control-plane API end to end, on both config stores (SQLite, then a real PostgreSQL 15):
# every endpoint with good and bad input, provisioning to first query through psql, scaling,
# deletion, `duckgres ctl`, and the isolation of two organizations.
import json
import subprocess

import psycopg2

from control_lib import Api, Server, check, connect, ctl, error_code, failures, finish
from pg_instance import PgInstance


THREADS = "SHOW threads"
MEMORY = "SHOW memory_limit"


def run_suite(store_label, extra_args):
    srv = Server()
    try:
        # The isolation checks try many wrong logins from one address: above the ban threshold.
        srv.start(extra_args=list(extra_args) + ["--auth-failure-threshold", "1000"])
        api = Api(srv)
        print("-- %s store" % store_label)

        # Authentication and the OpenAPI document.
        s, b = api.call("GET", "/api/v1/orgs", token="")
        check(s == 401 and error_code(b) == "unauthorized", "%s: no token is 401 (%s %s)" % (store_label, s, b))
        s, b = api.call("GET", "/api/v1/orgs", token="wrong")
        check(s == 401, "%s: a wrong token is 401" % store_label)
        s, b = api.call("GET", "/api/v1/openapi.json", token="")
        check(s == 200 and b.get("openapi", "").startswith("3.") and "/api/v1/orgs/{org}/duckling" in b["paths"],
              "%s: openapi document" % store_label)

        # The document is well-formed OpenAPI: path parameters declared, $refs resolvable,
        # unique operationIds, a response schema for every operation that returns a body.
        doc = b
        op_ids = []
        for path, item in doc["paths"].items():
            declared = {p["name"] for p in item.get("parameters", []) if p["in"] == "path" and p["required"]}
            templated = set(__import__("re").findall(r"{(\w+)}", path))
            check(declared == templated, "%s: openapi %s declares %s of %s" % (store_label, path, declared, templated))
            for method, op in item.items():
                if method == "parameters":
                    continue
                op_ids.append(op["operationId"])
                check(any(code.startswith("2") for code in op["responses"]), "%s: openapi %s %s has a 2xx" % (store_label, method, path))
        check(len(op_ids) == len(set(op_ids)) == 78, "%s: 78 unique operationIds (%s)" % (store_label, op_ids))
        for r in __import__("re").findall(r'"\$ref": "#/components/schemas/(\w+)"', json.dumps(doc)):
            check(r in doc["components"]["schemas"], "%s: openapi $ref %s resolves" % (store_label, r))

        # Organizations.
        s, acme = api.call("POST", "/api/v1/orgs", {"name": "acme", "max_vcpus": 4})
        check(s == 201 and acme["name"] == "acme" and acme["max_vcpus"] == 4 and len(acme["id"]) == 36,
              "%s: create org (%s %s)" % (store_label, s, acme))
        s, b = api.call("POST", "/api/v1/orgs", {"name": "acme"})
        check(s == 409 and error_code(b) == "conflict", "%s: duplicate org is 409 (%s)" % (store_label, s))
        for bad in ({"name": "Bad Name"}, {"name": ""}, {"name": "duckgres"}, {"name": 5}, {},
                    {"name": "ok-name", "max_vcpus": 0}, {"name": "ok-name", "max_vcpus": "4"}):
            s, b = api.call("POST", "/api/v1/orgs", bad)
            check(s == 400 and error_code(b) == "invalid_request" and b["error"]["message"],
                  "%s: bad org %s is 400 (%s %s)" % (store_label, bad, s, b))
        s, b = api.call("POST", "/api/v1/orgs", raw=b"{not json")
        check(s == 400 and error_code(b) == "invalid_json", "%s: malformed JSON is 400" % store_label)
        s, b = api.call("POST", "/api/v1/orgs", raw=b"[1, 2]")
        check(s == 400, "%s: a JSON array body is 400" % store_label)
        s, globex = api.call("POST", "/api/v1/orgs", {"name": "globex"})
        check(s == 201 and globex["max_vcpus"] >= 1, "%s: second org" % store_label)
        s, b = api.call("GET", "/api/v1/orgs")
        check(s == 200 and [o["name"] for o in b] == ["acme", "globex"], "%s: list orgs %s" % (store_label, b))
        s, b = api.call("GET", "/api/v1/orgs/nope")
        check(s == 404 and error_code(b) == "not_found", "%s: unknown org is 404" % store_label)
        s, b = api.call("PATCH", "/api/v1/orgs/acme", {"max_connections": 3})
        check(s == 200 and b["max_connections"] == 3, "%s: patch org (%s %s)" % (store_label, s, b))
        s, b = api.call("PATCH", "/api/v1/orgs/acme", {"name": "other"})
        check(s == 400, "%s: renaming an org is refused" % store_label)
        # A field the route's schema does not name is refused, not ignored: a misspelt cap
        # would otherwise leave the default in place without a word.
        s, b = api.call("POST", "/api/v1/orgs", {"name": "typo-org", "max_vcpu": 2})
        check(s == 400 and error_code(b) == "invalid_request" and '"max_vcpu"' in b["error"]["message"],
              "%s: an unknown body field is 400 naming it (%s %s)" % (store_label, s, b))
        s, b = api.call("GET", "/api/v1/orgs/typo-org")
        check(s == 404, "%s: nothing was created for a refused body (%s)" % (store_label, s))
        s, b = api.call("PATCH", "/api/v1/orgs/acme", {"max_connections": 3, "colour": "red"})
        check(s == 400 and '"colour"' in b["error"]["message"], "%s: unknown PATCH field is 400 (%s)" % (store_label, b))
        s, b = api.call("PUT", "/api/v1/orgs")
        check(s == 405 and error_code(b) == "method_not_allowed", "%s: wrong method is 405" % store_label)
        s, b = api.call("PUT", "/api/v1/orgs/acme")
        check(s == 405 and "GET, PATCH or DELETE" in b["error"]["message"], "%s: a 405 names the allowed methods (%s)" % (store_label, b))
        s, b = api.call("GET", "/api/v1/nothing")
        check(s == 404, "%s: unknown route is 404" % store_label)

        # Teams.
        s, team = api.call("POST", "/api/v1/orgs/acme/teams", {"team_id": 1, "name": "Web"})
        check(s == 201 and team["schema_name"] == "team_1" and team["api_token"].startswith("phc_"),
              "%s: create team (%s %s)" % (store_label, s, team))
        s, team2 = api.call("POST", "/api/v1/orgs/acme/teams", {"team_id": 2, "name": "App", "schema_name": "app"})
        check(s == 201 and team2["schema_name"] == "app", "%s: team with a schema name" % store_label)
        s, b = api.call("POST", "/api/v1/orgs/acme/teams", {"team_id": 1, "name": "again"})
        check(s == 409, "%s: duplicate team id is 409" % store_label)
        s, b = api.call("POST", "/api/v1/orgs/acme/teams", {"team_id": 3, "name": "x", "schema_name": "app"})
        check(s == 409, "%s: duplicate schema is 409" % store_label)
        for bad in ({"name": "no id"}, {"team_id": -1, "name": "x"}, {"team_id": 4, "name": "x", "schema_name": "Bad-Schema"},
                    {"team_id": 4, "name": "x", "schema_name": "main"}, {"team_id": 4}):
            s, b = api.call("POST", "/api/v1/orgs/acme/teams", bad)
            check(s == 400, "%s: bad team %s is 400 (%s)" % (store_label, bad, s))
        s, b = api.call("GET", "/api/v1/orgs/acme/teams/1")
        check(s == 200 and b["name"] == "Web", "%s: get team" % store_label)
        s, b = api.call("GET", "/api/v1/orgs/acme/teams/abc")
        check(s == 400, "%s: non-numeric team id is 400" % store_label)
        s, b = api.call("GET", "/api/v1/orgs/globex/teams/1")
        check(s == 404, "%s: another org's team is 404" % store_label)

        # Users.
        s, u = api.call("POST", "/api/v1/orgs/acme/users", {"username": "alice", "password": "alice-secret-1"})
        check(s == 201 and u["access_mode"] == "unrestricted" and "password" not in u and "verifier" not in u,
              "%s: create user (%s %s)" % (store_label, s, u))
        s, u = api.call("POST", "/api/v1/orgs/acme/users",
                        {"username": "bob", "password": "bob-secret-12", "access_mode": "project_reader", "team_id": 1})
        check(s == 201 and u["team_id"] == 1, "%s: project_reader user" % store_label)
        s, b = api.call("POST", "/api/v1/orgs/acme/users", {"username": "alice", "password": "whatever-1"})
        check(s == 409, "%s: duplicate username is 409" % store_label)
        s, b = api.call("POST", "/api/v1/orgs/globex/users", {"username": "alice", "password": "globex-alice-1"})
        check(s == 201, "%s: the same username in another org" % store_label)
        for bad in ({"username": "carol"}, {"username": "carol", "password": "short"},
                    {"username": "carol", "password": "long-enough-1", "access_mode": "admin"},
                    {"username": "carol", "password": "long-enough-1", "access_mode": "project_user"},
                    {"username": "carol", "password": "long-enough-1", "access_mode": "project_user", "team_id": 99},
                    {"username": "carol", "password": "long-enough-1", "team_id": 1},
                    {"username": "no spaces", "password": "long-enough-1"}):
            s, b = api.call("POST", "/api/v1/orgs/acme/users", bad)
            check(s == 400, "%s: bad user %s is 400 (%s %s)" % (store_label, bad, s, b))
        s, b = api.call("PATCH", "/api/v1/orgs/acme/users/bob", {"access_mode": "project_user"})
        check(s == 200 and b["access_mode"] == "project_user" and b["team_id"] == 1, "%s: patch user mode" % store_label)
        s, b = api.call("GET", "/api/v1/orgs/acme/users")
        check(s == 200 and [x["username"] for x in b] == ["alice", "bob"], "%s: list users" % store_label)
        s, b = api.call("DELETE", "/api/v1/orgs/acme/teams/1")
        check(s == 409, "%s: a team with users cannot be deleted" % store_label)

        # The duckling: no duckling yet, then provision.
        s, b = api.call("GET", "/api/v1/orgs/acme/duckling")
        check(s == 404, "%s: no duckling yet" % store_label)
        try:
            connect(srv, "acme", "alice", "alice-secret-1").close()
            check(False, "%s: connecting before provisioning must fail" % store_label)
        except psycopg2.OperationalError as e:
            check("does not exist" in str(e), "%s: before provisioning: %s" % (store_label, e))
        s, b = api.call("PUT", "/api/v1/orgs/acme/duckling", {"size": "l"})
        check(s == 422 and error_code(b) == "quota_exceeded", "%s: size over max_vcpus is 422 (%s)" % (store_label, s))
        for bad in ({"size": "huge"}, {"size": {"vcpus": 2}}, {"size": {"vcpus": 2, "memory": "lots"}}, {"size": 3}):
            s, b = api.call("PUT", "/api/v1/orgs/acme/duckling", bad)
            check(s == 400, "%s: bad size %s is 400 (%s)" % (store_label, bad, s))
        s, d = api.call("PUT", "/api/v1/orgs/acme/duckling", {"size": "s"})
        check(s == 202 and d["state"] in ("pending", "provisioning", "ready") and d["size"]["vcpus"] == 2,
              "%s: provision is 202 (%s %s)" % (store_label, s, d))
        d = api.wait_state("acme", ("ready", "failed"))
        check(d["state"] == "ready" and d["ready_at"], "%s: duckling ready (%s)" % (store_label, d))
        conn = d["connection"]
        check(conn["database"] == "acme" and conn["port"] == srv.port and "psql" in conn and
              conn["jdbc"].startswith("jdbc:postgresql://") and "Driver=" in conn["odbc"] and
              "type: postgres" in conn["dbt_profile"], "%s: connection details %s" % (store_label, conn))
        s, b = api.call("PUT", "/api/v1/orgs/acme/duckling", {"size": "s"})
        check(s == 200 and b["state"] == "ready", "%s: PUT again is idempotent (%s)" % (store_label, s))
        s, b = api.call("PUT", "/api/v1/orgs/acme/duckling", {"size": "m"})
        check(s == 409, "%s: PUT with another size is 409 (use PATCH)" % store_label)

        # psql connects with the org's user; the teams' schemas are there.
        env = {"PGPASSWORD": "alice-secret-1", "PATH": "/usr/bin:/bin"}
        out = subprocess.run(["psql", "-X", "-At", "-h", srv.host, "-p", str(srv.port), "-U", "alice", "-d", "acme",
                              "-c", "SELECT schema_name FROM information_schema.schemata WHERE schema_name IN ('team_1', 'app') ORDER BY 1"],
                             env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        check(out.returncode == 0 and out.stdout.split() == ["app", "team_1"],
              "%s: psql as alice on acme (%s %s)" % (store_label, out.stdout, out.stderr))
        c = connect(srv, "acme", "alice", "alice-secret-1")
        c.autocommit = True
        cur = c.cursor()
        cur.execute("CREATE TABLE team_1.clicks (id int, event text)")
        cur.execute("INSERT INTO team_1.clicks VALUES (1, 'pageview'), (2, 'signup')")
        cur.execute(THREADS)
        check(cur.fetchone()[0] == "2", "%s: size s runs 2 DuckDB threads" % store_label)
        cur.execute(MEMORY)
        mem_before = cur.fetchone()[0]

        # Isolation: logins resolve within the database's organization only.
        for db, user, pw in (("globex", "alice", "alice-secret-1"),      # acme's password on globex
                             ("acme", "alice", "globex-alice-1"),        # globex's password on acme
                             ("acme", "duckgres", srv.password),          # the server admin on an org db
                             ("duckgres", "alice", "alice-secret-1"),     # an org user on the server db
                             ("globex", "bob", "bob-secret-12")):
            try:
                connect(srv, db, user, pw).close()
                check(False, "%s: %s on %s must be refused" % (store_label, user, db))
            except psycopg2.OperationalError as e:
                check("password authentication failed" in str(e) or "does not exist" in str(e),
                      "%s: %s on %s refused: %s" % (store_label, user, db, e))
        # globex gets its own duckling; neither sees the other's tables.
        s, b = api.call("PUT", "/api/v1/orgs/globex/duckling", {"size": "xs"})
        check(s == 202, "%s: globex provision" % store_label)
        check(api.wait_state("globex", ("ready", "failed"))["state"] == "ready", "%s: globex ready" % store_label)
        g = connect(srv, "globex", "alice", "globex-alice-1")
        g.autocommit = True
        gc = g.cursor()
        gc.execute("SELECT count(*) FROM information_schema.tables WHERE table_name = 'events'")
        check(gc.fetchone()[0] == 0, "%s: globex does not see acme's tables" % store_label)
        # (File-path escapes such as ATTACH are the sandbox's business: docs/security.md.)
        for probe in ("SELECT * FROM acme.team_1.clicks", "SELECT * FROM team_1.clicks"):
            try:
                gc.execute(probe)
                rows = gc.fetchall()
                check(False, "%s: globex reached acme with %s: %s" % (store_label, probe, rows))
            except psycopg2.Error as e:
                # Refused as another database's or a missing relation, not by some other failure.
                check(e.pgcode in ("0A000", "3D000", "3F000", "42P01", "42501"),
                      "%s: %s refused as out of reach: %s %s" % (store_label, probe, e.pgcode, e))
        g.close()

        # Connection cap: max_connections 3 on acme.
        extra = [connect(srv, "acme", "alice", "alice-secret-1") for _ in range(2)]
        try:
            connect(srv, "acme", "alice", "alice-secret-1").close()
            check(False, "%s: a 4th session past max_connections=3 must be refused" % store_label)
        except psycopg2.OperationalError as e:
            check("too many connections" in str(e), "%s: cap refusal: %s" % (store_label, e))
        for e in extra:
            e.close()

        # Scaling up keeps the session; the new size applies.
        s, b = api.call("PATCH", "/api/v1/orgs/acme/duckling", {"size": {"vcpus": 3, "memory": "3GB"}})
        check(s == 202 and b["size"]["vcpus"] == 3 and b["size"]["memory_mb"] == 3072, "%s: scale (%s %s)" % (store_label, s, b))
        s, b = api.call("PATCH", "/api/v1/orgs/acme/duckling", {"size": {"vcpus": 5, "memory": "3GB"}})
        check(s == 422, "%s: scaling past max_vcpus is 422" % store_label)
        import time
        deadline = time.monotonic() + 10
        threads = mem_after = None
        while time.monotonic() < deadline:
            cur.execute(THREADS)
            threads = cur.fetchone()[0]
            cur.execute(MEMORY)
            mem_after = cur.fetchone()[0]
            if threads == "3" and mem_after != mem_before:
                break
            time.sleep(0.1)
        check(threads == "3", "%s: the session sees 3 threads after scaling (%s)" % (store_label, threads))
        check(mem_after != mem_before, "%s: memory limit changed (%s -> %s)" % (store_label, mem_before, mem_after))
        cur.execute("SELECT count(*) FROM team_1.clicks")
        check(cur.fetchone()[0] == 2, "%s: data intact after scaling" % store_label)

        # ctl: readable output and --json.
        r = ctl(srv, "org", "create", "initech", "--max-vcpus", "2")
        check(r.returncode == 0 and "name: initech" in r.stdout, "%s: ctl org create (%s %s)" % (store_label, r.stdout, r.stderr))
        r = ctl(srv, "--json", "org", "get", "initech")
        check(r.returncode == 0 and json.loads(r.stdout)["max_vcpus"] == 2, "%s: ctl --json org get" % store_label)
        r = ctl(srv, "team", "create", "initech", "--team-id", "7", "--name", "Main")
        check(r.returncode == 0 and "schema_name: team_7" in r.stdout, "%s: ctl team create" % store_label)
        r = ctl(srv, "user", "create", "initech", "peter", "--password", "peter-secret-0")
        check(r.returncode == 0 and "username: peter" in r.stdout, "%s: ctl user create" % store_label)
        # Commands made from the route table: every route has one (team get, user update and
        # its old name set-password, org update, …).
        r = ctl(srv, "user", "set-password", "initech", "peter", "--password", "peter-secret-9")
        check(r.returncode == 0 and "username: peter" in r.stdout, "%s: ctl user set-password (%s)" % (store_label, r.stderr))
        # A path parameter is percent-decoded: a user named with an @ is reachable.
        r = ctl(srv, "user", "create", "initech", "ann@initech.io", "--password", "ann-secret-77")
        check(r.returncode == 0, "%s: ctl user create with an @ (%s)" % (store_label, r.stderr))
        s, b = api.call("GET", "/api/v1/orgs/initech/users/ann%40initech.io")
        check(s == 200 and b["username"] == "ann@initech.io", "%s: GET a user by its encoded name (%s %s)" % (store_label, s, b))
        r = ctl(srv, "--json", "user", "get", "initech", "ann@initech.io")
        check(r.returncode == 0 and json.loads(r.stdout)["username"] == "ann@initech.io", "%s: ctl user get with an @ (%s)" % (store_label, r.stderr))
        r = ctl(srv, "--json", "team", "get", "initech", "7")
        check(r.returncode == 0 and json.loads(r.stdout)["schema_name"] == "team_7", "%s: ctl team get (%s)" % (store_label, r.stderr))
        r = ctl(srv, "--json", "org", "update", "initech", "--max-connections", "9")
        check(r.returncode == 0 and json.loads(r.stdout)["max_connections"] == 9, "%s: ctl org update (%s)" % (store_label, r.stderr))
        r = ctl(srv, "team", "get", "initech", "seven")
        check(r.returncode == 1 and "positive integer" in r.stderr, "%s: ctl shows the API's 400 (%s)" % (store_label, r.stderr))
        r = ctl(srv, "duckling", "provision", "initech", "--size", "xs", "--wait")
        check(r.returncode == 0 and "state: ready" in r.stdout, "%s: ctl duckling provision --wait (%s %s)" % (store_label, r.stdout, r.stderr))
        r = ctl(srv, "duckling", "provision", "initech", "--size", "l")
        check(r.returncode == 1 and "max_vcpus" in r.stderr, "%s: ctl error is readable (%s)" % (store_label, r.stderr))
        p = connect(srv, "initech", "peter", "peter-secret-9")
        p.cursor().execute("SELECT 1")
        p.close()
        # Roles and grants from a shell: a list option (--privileges) and a positional body field (peter is a role once
        # he has logged in).
        r = ctl(srv, "role", "create", "initech", "analysts")
        check(r.returncode == 0, "%s: ctl role create (%s)" % (store_label, r.stderr))
        r = ctl(srv, "grant", "initech", "--privileges", "SELECT,INSERT", "--all-tables-in-schema", "team_7", "--to", "analysts")
        check(r.returncode == 0, "%s: ctl grant (%s)" % (store_label, r.stderr))
        r = ctl(srv, "role", "add-member", "initech", "analysts", "peter")
        check(r.returncode == 0, "%s: ctl role add-member (%s)" % (store_label, r.stderr))
        r = ctl(srv, "--json", "role", "list", "initech")
        roles = {x["name"]: x for x in json.loads(r.stdout)} if r.returncode == 0 else {}
        check(sorted(g["privilege"] for g in roles.get("analysts", {}).get("grants", [])) == ["INSERT", "SELECT"] and
              roles["analysts"]["members"] == ["peter"], "%s: ctl role list shows the grants and members (%s)" % (store_label, r.stdout[-400:]))
        r = ctl(srv, "duckling", "delete", "initech", "--wait")
        check(r.returncode == 0 and "state: deleted" in r.stdout, "%s: ctl duckling delete --wait (%s %s)" % (store_label, r.stdout, r.stderr))
        r = ctl(srv, "org", "delete", "initech")
        check(r.returncode == 0, "%s: ctl org delete (%s)" % (store_label, r.stderr))

        # Deleting: the org cannot go while its duckling lives; deletion ends sessions and data.
        s, b = api.call("DELETE", "/api/v1/orgs/acme")
        check(s == 409, "%s: org with a duckling is 409" % store_label)
        s, b = api.call("DELETE", "/api/v1/orgs/acme/duckling")
        check(s == 202 and b["state"] == "deleting", "%s: delete duckling is 202" % store_label)
        d = api.wait_state("acme", ("deleted",))
        check(d["state"] == "deleted", "%s: duckling deleted (%s)" % (store_label, d))
        try:
            cur.execute("SELECT 1")
            check(False, "%s: a session on a deleted duckling must end" % store_label)
        except psycopg2.Error as e:
            # Ended by the server (57P01) or found closed: not a statement's error.
            check(e.pgcode in (None, "57P01"), "%s: the session was ended: %s %s" % (store_label, e.pgcode, e))
        import os
        check(not os.path.exists(os.path.join(srv.data_dir, "ducklings", "acme")), "%s: its data is removed" % store_label)
        try:
            connect(srv, "acme", "alice", "alice-secret-1").close()
            check(False, "%s: connecting to a deleted duckling must fail" % store_label)
        except psycopg2.OperationalError as e:
            check("does not exist" in str(e), "%s: deleted: %s" % (store_label, e))
        s, b = api.call("DELETE", "/api/v1/orgs/acme/users/bob")
        check(s == 204, "%s: delete user" % store_label)
        s, b = api.call("DELETE", "/api/v1/orgs/acme/teams/1")
        check(s == 204, "%s: delete team" % store_label)
        s, b = api.call("DELETE", "/api/v1/orgs/acme")
        check(s == 204, "%s: delete org (%s %s)" % (store_label, s, b))
        s, b = api.call("GET", "/api/v1/orgs/acme")
        check(s == 404, "%s: deleted org is gone" % store_label)
        # The server's own database still works.
        a = psycopg2.connect(srv.dsn())
        a.cursor().execute("SELECT 1")
        a.close()
        rc = srv.stop()
        check(rc == 0, "%s: clean shutdown (%s)" % (store_label, rc))
    except Exception as e:  # noqa: BLE001 — report with the server log
        check(False, "%s: %r\n%s" % (store_label, e, srv.log_tail()))
    finally:
        if failures:
            print(srv.log_tail(), file=__import__("sys").stderr)
        srv.cleanup()


run_suite("sqlite", [])
with PgInstance() as pg:
    run_suite("postgres", ["--config-store", pg.create_database("control_api")])
finish("control api")
