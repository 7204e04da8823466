# Monitoring (docs/operations.md), in both isolation modes: the query log read as
# system.query_log (one row per statement, parent ids for multi-statement messages, errors
# with their SQLSTATE, secrets redacted, fingerprints, read-only, each role seeing what it
# may) and through the API (filters, pages, 400s); live sessions in pg_stat_activity and
# GET …/activity, cancelled and terminated from SQL and from the API; and /metrics, scraped
# by a real Prometheus whose query API must agree with the query log.
import json
import os
import shutil
import socket
import subprocess
import tempfile
import threading
import time
import urllib.parse
import urllib.request

import psycopg2

from control_lib import Api, Server, check, connect, failures, finish, setup_acme, wait_for  # noqa: F401


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def log_rows(conn, where="true"):
    """system.query_log rows (dicts), oldest first, once the writer has caught up."""
    cur = conn.cursor()
    cur.execute("SELECT query_id, parent_query_id, user_name, application_name, query, fingerprint, command, "
                "rows, result_bytes, status, sqlstate, error, duration_ms, team, cpu_time_ms, peak_memory_bytes, rows_scanned, "
                "CAST(slowest_operators AS VARCHAR) AS slowest_operators FROM system.query_log "
                "WHERE " + where + " ORDER BY started_at, query_id")
    names = [d[0] for d in cur.description]
    return [dict(zip(names, r)) for r in cur.fetchall()]


def query_log_suite(srv, api, isolation):
    a = connect(srv, "acme", "alice", "alice-secret-1", application_name="monitoring-test")
    a.autocommit = True
    cur = a.cursor()
    cur.execute("CREATE TABLE team_1.t (x INT)")
    cur.execute("INSERT INTO team_1.t SELECT * FROM range(5)")
    cur.execute("SELECT * FROM team_1.t WHERE x > 1")
    cur.fetchall()
    cur.execute("SELECT * FROM team_1.t WHERE x > 3")
    cur.fetchall()
    cur.execute("SELECT 101; SELECT 102")  # one Query message, two statements
    try:
        cur.execute("SELECT 1 / 0")
    except psycopg2.Error as e:
        check(e.pgcode == "22012", "%s: division by zero: %s" % (isolation, e.pgcode))
    secret = "Sup3r-Secret-Passw0rd"
    cur.execute("ALTER ROLE alice PASSWORD %s", (secret,))
    cur.execute("ALTER ROLE alice PASSWORD 'alice-secret-1'")  # back, for the suites below
    try:
        cur.execute("CREATE SECRET s (TYPE s3, KEY_ID 'AKIAEXAMPLE', SECRET 'aws-secret-value')")
    except psycopg2.Error:
        pass  # the sandbox refuses it; it is logged all the same
    # Extended protocol (psycopg2 has none; a prepared statement over the wire does).
    cur.execute("PREPARE p AS SELECT x FROM team_1.t WHERE x = $1")
    cur.execute("EXECUTE p(2)")
    cur.fetchall()

    # The writer batches: wait for the last statement sent, not an earlier one.
    rows = wait_for(lambda: [r for r in log_rows(a, "user_name = 'alice'") if r["query"].startswith("EXECUTE p")])
    check(rows, "%s: statements reach system.query_log: %s" % (isolation, log_rows(a)))
    log = log_rows(a, "user_name = 'alice'")
    by_query = {r["query"]: r for r in log}
    ins = by_query.get("INSERT INTO team_1.t SELECT * FROM range(5)")
    check(ins and ins["rows"] == 5 and ins["status"] == "ok" and ins["command"] == "INSERT",
          "%s: INSERT logged with its rows: %s" % (isolation, ins))
    sel = by_query.get("SELECT * FROM team_1.t WHERE x > 1")
    check(sel and sel["rows"] == 3 and sel["result_bytes"] > 0 and sel["duration_ms"] >= 0 and
          sel["application_name"] == "monitoring-test", "%s: SELECT logged: %s" % (isolation, sel))
    ops = json.loads(sel["slowest_operators"]) if sel and sel["slowest_operators"] else []
    check(sel and sel["cpu_time_ms"] is not None and sel["cpu_time_ms"] >= 0 and sel["rows_scanned"] == 5 and
          sel["peak_memory_bytes"] is not None and ops and all("operator" in o and "ms" in o for o in ops),
          "%s: DuckDB's profile of the SELECT: %s" % (isolation, sel))
    other = by_query.get("SELECT * FROM team_1.t WHERE x > 3")
    check(sel and other and sel["fingerprint"] == other["fingerprint"] and sel["fingerprint"],
          "%s: same shape, same fingerprint" % isolation)
    first, second = by_query.get("SELECT 101"), by_query.get("SELECT 102")
    check(first and second and first["parent_query_id"] is None and second["parent_query_id"] == first["query_id"],
          "%s: the second statement of a message names the first as parent: %s %s" % (isolation, first, second))
    err = by_query.get("SELECT 1 / 0")
    check(err and err["status"] == "error" and err["sqlstate"] == "22012" and "zero" in (err["error"] or ""),
          "%s: error logged with its SQLSTATE: %s" % (isolation, err))
    check(not any(secret in (r["query"] or "") or "aws-secret-value" in (r["query"] or "") or
                  "AKIAEXAMPLE" in (r["query"] or "") for r in log),
          "%s: secrets redacted from the log" % isolation)
    check(any("ALTER ROLE alice PASSWORD" in r["query"] for r in log), "%s: the ALTER ROLE is logged" % isolation)
    check(any(r["query"].startswith("EXECUTE p") for r in log), "%s: EXECUTE logged" % isolation)

    # Read-only, for owners too.
    for stmt in ("INSERT INTO system.query_log (query) VALUES ('x')", "DELETE FROM system.query_log",
                 "DROP TABLE duckgres_meta.query_log", "UPDATE system.query_log SET query = 'x'"):
        try:
            cur.execute(stmt)
            check(False, "%s: %s refused" % (isolation, stmt))
        except psycopg2.Error as e:
            check(e.pgcode == "42501", "%s: %s refused with 42501: %s %s" % (isolation, stmt, e.pgcode, e))
    # A reader sees its own statements only.
    b = connect(srv, "acme", "bob", "bob-secret-1")
    b.autocommit = True
    b.cursor().execute("SELECT 4242")
    check(wait_for(lambda: log_rows(b, "query = 'SELECT 4242'")), "%s: bob sees his statement" % isolation)
    users = {r["user_name"] for r in log_rows(b)}
    check(users == {"bob"}, "%s: bob sees only his own: %s" % (isolation, users))
    bob_row = log_rows(b, "query = 'SELECT 4242'")[0]
    check(bob_row["team"] == "team_1", "%s: a project user's team is recorded: %s" % (isolation, bob_row["team"]))
    owner_users = {r["user_name"] for r in log_rows(a)}
    check({"alice", "bob"} <= owner_users, "%s: the owner sees everyone's: %s" % (isolation, owner_users))

    # The API: filters and pages.
    s, page = api.call("GET", "/api/v1/orgs/acme/queries?user=alice&status=error")
    check(s == 200 and page["queries"] and all(q["status"] == "error" and q["user"] == "alice" for q in page["queries"]),
          "%s: API filters user and status: %s %s" % (isolation, s, page))
    s, page = api.call("GET", "/api/v1/orgs/acme/queries?q=" + urllib.parse.quote("team_1.t WHERE"))
    check(s == 200 and len(page["queries"]) >= 2, "%s: API text filter" % isolation)
    # Reading the log is a statement of alice's too: compare against what was there before.
    time.sleep(1)
    logged_before = {r["query_id"] for r in log_rows(a, "user_name = 'alice'")}
    time.sleep(1)
    seen, before, pages = [], "", 0
    while pages < 50:
        s, page = api.call("GET", "/api/v1/orgs/acme/queries?user=alice&limit=3" +
                           ("&before=" + urllib.parse.quote(before) if before else ""))
        if s != 200:
            break
        seen += [q["query_id"] for q in page["queries"]]
        pages += 1
        if not page["next_before"]:
            break
        before = page["next_before"]
    check(len(seen) == len(set(seen)) and logged_before <= set(seen) and pages > 2,
          "%s: pages cover the log once (%d ids in %d pages, %d rows before)" % (isolation, len(seen), pages, len(logged_before)))
    started = [q["started_at"] for q in api.call("GET", "/api/v1/orgs/acme/queries?limit=20")[1]["queries"]]
    check(started == sorted(started, reverse=True), "%s: newest first" % isolation)
    for bad in ("limit=0", "limit=x", "status=maybe", "since=yesterday", "before=nonsense", "min_duration_ms=-1"):
        s, body = api.call("GET", "/api/v1/orgs/acme/queries?" + bad)
        check(s == 400 and "error" in body, "%s: %s refused: %s" % (isolation, bad, s))
    # Time, command and duration filters (values bound as parameters: a quote is just a character).
    hour_ago = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() - 3600))
    s, page = api.call("GET", "/api/v1/orgs/acme/queries?user=alice&command=select&min_duration_ms=0&since=" + hour_ago)
    check(s == 200 and page["queries"] and all(q["command"] == "SELECT" for q in page["queries"]),
          "%s: since, command and min_duration_ms filters: %s %s" % (isolation, s, page))
    s, page = api.call("GET", "/api/v1/orgs/acme/queries?until=2001-01-01T00:00:00Z")
    check(s == 200 and page["queries"] == [], "%s: until filters out everything later: %s" % (isolation, page))
    s, page = api.call("GET", "/api/v1/orgs/acme/queries?user=" + urllib.parse.quote("o'brien') OR true --"))
    check(s == 200 and page["queries"] == [], "%s: a quote in a filter is a value: %s %s" % (isolation, s, page))
    check(api.call("GET", "/api/v1/orgs/nope/queries")[0] == 404, "%s: unknown org 404" % isolation)
    a.close()
    b.close()


def activity_suite(srv, api, isolation):
    a = connect(srv, "acme", "alice", "alice-secret-1", application_name="long-runner")
    a.autocommit = True
    outcome = {}

    def long_query(conn, key):
        try:
            conn.cursor().execute("SELECT count(*) FROM range(100000000000) t(i) WHERE i % 7 = 3")
            outcome[key] = "finished"
        except psycopg2.Error as e:
            outcome[key] = e.pgcode or str(e)

    t = threading.Thread(target=long_query, args=(a, "api-cancel"))
    t.start()
    sessions = wait_for(lambda: [x for x in api.call("GET", "/api/v1/orgs/acme/activity")[1]["sessions"]
                                 if x["state"] == "active" and "range(100000000000)" in (x["query"] or "")])
    check(sessions and sessions[0]["user"] == "alice" and sessions[0]["application_name"] == "long-runner" and
          sessions[0]["query_start"], "%s: the running query in GET activity: %s" % (isolation, sessions))
    if sessions:
        pid = sessions[0]["pid"]
        s, body = api.call("POST", "/api/v1/orgs/acme/activity/%d/cancel" % pid)
        check(s == 200 and body["signalled"], "%s: API cancel: %s %s" % (isolation, s, body))
    t.join(30)
    check(outcome.get("api-cancel") == "57014", "%s: the statement was canceled: %s" % (isolation, outcome))
    a.cursor().execute("SELECT 1")  # the session lives on
    check(api.call("POST", "/api/v1/orgs/acme/activity/999999/cancel")[0] == 404, "%s: unknown pid 404" % isolation)
    check(api.call("POST", "/api/v1/orgs/acme/activity/abc/cancel")[0] == 400, "%s: bad pid 400" % isolation)
    check(api.call("GET", "/api/v1/orgs/acme/activity/1/cancel")[0] == 405, "%s: GET cancel 405" % isolation)

    # pg_stat_activity in SQL: another session's row; a reader may not cancel the owner's.
    b = connect(srv, "acme", "bob", "bob-secret-1")
    b.autocommit = True
    bc = b.cursor()
    bc.execute("SELECT pid, usename, state, query FROM pg_stat_activity WHERE usename = 'alice'")
    rows = bc.fetchall()
    check(rows and rows[0][3] == "<insufficient privilege>", "%s: bob sees alice's session, not her query: %s" % (isolation, rows))
    alice_pid = rows[0][0] if rows else 0
    try:
        bc.execute("SELECT pg_cancel_backend(%s)", (alice_pid,))
        check(False, "%s: bob may not cancel alice" % isolation)
    except psycopg2.Error as e:
        check(e.pgcode == "42501", "%s: bob's cancel refused with 42501: %s" % (isolation, e.pgcode))
    bc.execute("SELECT pid = pg_backend_pid(), state, query FROM pg_stat_activity WHERE usename = 'bob'")
    me = bc.fetchall()
    check(me and me[0][0] and me[0][1] == "active" and "pg_stat_activity" in me[0][2], "%s: own row: %s" % (isolation, me))

    # The owner terminates a session from SQL: its client gets 57P01 and the connection ends.
    t = threading.Thread(target=long_query, args=(b, "terminated"))
    t.start()
    ac = a.cursor()

    def bob_active():
        ac.execute("SELECT pid FROM pg_stat_activity WHERE usename = 'bob' AND state = 'active'")
        return ac.fetchall()
    bob_rows = wait_for(bob_active)
    check(bob_rows, "%s: bob's running query is active" % isolation)
    if bob_rows:
        ac.execute("SELECT pg_terminate_backend(%s)", (bob_rows[0][0],))
        check(ac.fetchone()[0] is True, "%s: pg_terminate_backend answers true" % isolation)
    t.join(30)
    # libpq reads the FATAL 57P01 and then the closed connection; psycopg2 reports the latter.
    got = outcome.get("terminated") or ""
    check(got == "57P01" or "closed the connection" in got or "closed unexpectedly" in got,
          "%s: the terminated session ended: %s" % (isolation, outcome))
    ended = wait_for(lambda: log_rows(a, "user_name = 'bob' AND sqlstate = '57P01'"))
    check(ended and ended[0]["status"] == "error" and "range(100000000000)" in ended[0]["query"],
          "%s: the query log has the terminated statement with 57P01: %s" % (isolation, ended))
    check(b.closed or not wait_for(lambda: bob_active(), timeout=3), "%s: bob's session is gone" % isolation)
    ac.execute("SELECT pg_cancel_backend(999999)")
    check(ac.fetchone()[0] is False, "%s: no such backend: false" % isolation)
    a.close()


def prometheus_suite(srv, api, isolation, tmp):
    """A real Prometheus scrapes /metrics; its query API must agree with the query log."""
    port = free_port()
    data = os.path.join(tmp, "prom-" + isolation)
    os.makedirs(data)
    config = os.path.join(tmp, "prometheus-%s.yml" % isolation)
    with open(config, "w") as f:
        f.write("global:\n  scrape_interval: 1s\nscrape_configs:\n  - job_name: duckgres\n"
                "    static_configs:\n      - targets: ['%s:%d']\n" % (srv.host, srv.http_port))
    log = open(os.path.join(tmp, "prometheus-%s.log" % isolation), "wb")
    prom = subprocess.Popen(["prometheus", "--config.file=" + config, "--storage.tsdb.path=" + data,
                             "--web.listen-address=127.0.0.1:%d" % port], stdout=log, stderr=subprocess.STDOUT)

    def query(expr):
        url = "http://127.0.0.1:%d/api/v1/query?query=%s" % (port, urllib.parse.quote(expr))
        try:
            with urllib.request.urlopen(url, timeout=5) as r:
                body = json.loads(r.read().decode())
            return body["data"]["result"]
        except Exception:  # noqa: BLE001  (not up yet)
            return None

    try:
        a = connect(srv, "acme", "alice", "alice-secret-1")
        a.autocommit = True
        cur = a.cursor()
        divisions = "SELECT count(*) FROM system.query_log WHERE query LIKE 'SELECT 1 / %'"
        cur.execute(divisions)
        earlier = cur.fetchone()[0]  # the query log suite's, if its rows are in already
        for i in range(5):
            try:
                cur.execute("SELECT 1 / %s" % (0 if i % 2 else 1))
            except psycopg2.Error:
                pass
        # Counts from the query log, once its writer has the five statements, then Prometheus
        # must come to the same numbers (a worker pushes its registry every 2 s: polled below).
        def logged():
            cur.execute(divisions)
            return cur.fetchone()[0] >= earlier + 5
        check(wait_for(logged, timeout=30), "%s: the five statements reach the query log" % isolation)
        cur.execute("SELECT status, count(*) FROM system.query_log GROUP BY status")
        log_counts = dict(cur.fetchall())
        a.close()

        def agrees():
            result = query('sum by (status) (duckgres_queries_total{org="acme"})')
            if not result:
                return None
            got = {r["metric"]["status"]: int(float(r["value"][1])) for r in result}
            # Statements after the count (the log query itself) may add to "ok".
            return got if got.get("error") == log_counts.get("error") and got.get("ok", 0) >= log_counts.get("ok", 0) else None
        got = wait_for(agrees, timeout=30)
        check(got, "%s: Prometheus agrees with the query log: %s vs %s\n%s" % (
            isolation, query('duckgres_queries_total{org="acme"}'), log_counts, open(log.name).read()[-800:]))
        up = query('up{job="duckgres"}')
        check(up and up[0]["value"][1] == "1", "%s: the target is up: %s" % (isolation, up))
        p99 = query('histogram_quantile(0.99, sum by (le) (duckgres_query_duration_seconds_bucket{org="acme"}))')
        check(p99 and float(p99[0]["value"][1]) > 0, "%s: a latency quantile: %s" % (isolation, p99))
        conns = query("duckgres_connections_total")
        check(conns and float(conns[0]["value"][1]) >= 3, "%s: connections counted: %s" % (isolation, conns))
        if isolation == "process":
            workers = query("duckgres_workers_active")
            check(workers and float(workers[0]["value"][1]) >= 1, "%s: workers active: %s" % (isolation, workers))
        # A failed login reaches the auth counter.
        try:
            connect(srv, "acme", "alice", "wrong-password-1").close()
        except psycopg2.Error:
            pass
        def failures_seen():
            r = query("duckgres_auth_failures_total")
            return r if r and float(r[0]["value"][1]) >= 1 else None
        check(wait_for(failures_seen, timeout=10), "%s: auth failures: %s" % (
            isolation, query("duckgres_auth_failures_total")))
    finally:
        prom.terminate()
        try:
            prom.wait(10)
        except subprocess.TimeoutExpired:
            prom.kill()
        log.close()

    # The text itself: HELP/TYPE lines and a histogram's buckets.
    with urllib.request.urlopen("http://%s:%d/metrics" % (srv.host, srv.http_port), timeout=5) as r:
        text = r.read().decode()
        ctype = r.headers.get("Content-Type", "")
    check(ctype.startswith("text/plain") and "# TYPE duckgres_query_duration_seconds histogram" in text and
          'le="+Inf"' in text, "%s: exposition format" % isolation)
    req = urllib.request.Request("http://%s:%d/metrics" % (srv.host, srv.http_port), method="POST", data=b"")
    try:
        urllib.request.urlopen(req, timeout=5)
        check(False, "%s: POST /metrics refused" % isolation)
    except urllib.error.HTTPError as e:
        check(e.code == 405, "%s: POST /metrics 405" % isolation)


def suite(isolation):
    srv = Server()
    tmp = tempfile.mkdtemp(prefix="duckgres-monitoring-")
    try:
        srv.start(extra_args=["--isolation", isolation])
        api = Api(srv)
        setup_acme(api)
        query_log_suite(srv, api, isolation)
        activity_suite(srv, api, isolation)
        prometheus_suite(srv, api, isolation, tmp)
        check(srv.stop() == 0, "%s: clean stop" % isolation)
    except Exception as e:  # noqa: BLE001
        check(False, "%s: %r\n%s" % (isolation, e, srv.log_tail()))
    finally:
        srv.cleanup()
        shutil.rmtree(tmp, ignore_errors=True)


for isolation in ("none", "process"):
    suite(isolation)
finish("control monitoring")
