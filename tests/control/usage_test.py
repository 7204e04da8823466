# Usage metering and invoices (docs/operations.md), on both config stores (SQLite, then a real
# PostgreSQL 15) and both isolation modes: records by hour attributed to team and user whose
# sums match the query log, compute while warm, storage, captured events, API calls; the usage
# route's grouping and 400s; invoices from a YAML pricing scheme with tiers and free
# allowances whose lines add up; a scheme change reprices without touching the records.
import json
import os
import tempfile
import time
import urllib.parse
import urllib.request

from control_lib import Api, Server, check, connect, failures, finish, wait_for  # noqa: F401
from pg_instance import PgInstance

SCHEME = """
name: test-tiers
currency: EUR
meters:
  compute_vcpu_seconds: {unit: vcpu_hour, by_size: {xs: 36, s: 72, default: 100}}
  events_ingested:
    unit: thousand
    free: 0.002
    tiers: [{up_to: 0.001, price: 1000}, {price: 10}]
  api_calls: {unit: unit, price: 0.01, free: 2}
"""


def usage(api, group_by="", org="acme"):
    s, body = api.call("GET", "/api/v1/orgs/%s/usage?group_by=%s" % (org, group_by))
    return s, body


def total(rows, meter, **keys):
    return sum(r["quantity"] for r in rows if r["meter"] == meter and all(r.get(k) == v for k, v in keys.items()))


def suite(label, extra_args, scheme_path):
    srv = Server()
    try:
        exports = os.path.join(os.path.dirname(scheme_path), "exports-" + label.replace(" ", "-"))
        os.makedirs(exports, exist_ok=True)
        with open(os.path.join(exports, "events.jsonl"), "w") as f:
            for i in range(3):
                f.write(json.dumps({"uuid": "00000000-0000-0000-0000-00000000000%d" % (i + 1), "event": "old",
                                    "distinct_id": "u%d" % i, "timestamp": "2025-01-01T00:00:0%dZ" % i}) + "\n")
        srv.start(extra_args=list(extra_args) + ["--usage-interval", "1", "--pricing-scheme", scheme_path,
                                                 "--readable-directories", exports])
        api = Api(srv)
        api.call("POST", "/api/v1/orgs", {"name": "acme"})
        s, team = api.call("POST", "/api/v1/orgs/acme/teams", {"team_id": 1, "name": "web"})
        api.call("POST", "/api/v1/orgs/acme/users", {"username": "alice", "password": "alice-secret-1"})
        api.call("POST", "/api/v1/orgs/acme/users", {"username": "bob", "password": "bob-secret-1",
                                                     "access_mode": "project_user", "team_id": 1})
        api.call("PUT", "/api/v1/orgs/acme/duckling", {"size": "xs"})
        check(api.wait_state("acme", ("ready", "failed"))["state"] == "ready", "%s: ready" % label)

        a = connect(srv, "acme", "alice", "alice-secret-1")
        a.autocommit = True
        for i in range(7):
            a.cursor().execute("SELECT %d" % i)
        b = connect(srv, "acme", "bob", "bob-secret-1")
        b.autocommit = True
        for i in range(4):
            b.cursor().execute("SELECT %d" % i)
        # Captured events for the team.
        req = urllib.request.Request("http://%s:%d/batch" % (srv.host, srv.http_port), method="POST", data=json.dumps(
            {"api_key": team["api_token"], "batch": [{"event": "e", "distinct_id": "d%d" % i} for i in range(5)]}).encode())
        with urllib.request.urlopen(req, timeout=10) as r:
            check(r.status == 200, "%s: events captured" % label)

        # The query log is the truth for statements: usage by user must come to the same sums.
        cur = a.cursor()

        def log_counts():
            cur.execute("SELECT user_name, count(*), sum(duration_ms) / 1000.0, coalesce(sum(cpu_time_ms), 0) / 1000.0 "
                        "FROM system.query_log GROUP BY user_name")
            return {u: (n, secs, cpu) for u, n, secs, cpu in cur.fetchall()}

        def agrees():
            logged = log_counts()
            s, body = usage(api, "user,team")
            if s != 200:
                return None
            rows = body["usage"]
            ok = all(abs(total(rows, "queries", user=u) - n) < 1e-9 and abs(total(rows, "query_seconds", user=u) - secs) < 1e-6 and
                     abs(total(rows, "query_cpu_seconds", user=u) - cpu) < 1e-6 for u, (n, secs, cpu) in logged.items())
            return (rows, logged) if ok and logged.get("bob") else None
        got = wait_for(agrees)
        check(got, "%s: usage by user matches the query log: %s vs %s" % (label, usage(api, "user,team")[1], log_counts()))
        if got:
            rows, logged = got
            check(total(rows, "queries", user="bob", team="team_1") == logged["bob"][0],
                  "%s: bob's statements are attributed to his team" % label)
            check(total(rows, "query_cpu_seconds") > 0, "%s: CPU time attributed: %s" % (label, total(rows, "query_cpu_seconds")))
        s, body = usage(api)
        rows = body["usage"]
        check(total(rows, "compute_vcpu_seconds") > 0 and total(rows, "storage_byte_seconds") > 0,
              "%s: compute and storage sampled: %s" % (label, rows))
        check(wait_for(lambda: total(usage(api, "team")[1]["usage"], "events_ingested", team="team_1") == 5),
              "%s: 5 events for team_1: %s" % (label, usage(api, "team")[1]))
        check(total(rows, "api_calls") >= 5, "%s: API calls counted: %s" % (label, total(rows, "api_calls")))
        # Bootstrapped rows count once, however often the job runs.
        for _ in range(2):
            s, job = api.call("POST", "/api/v1/orgs/acme/teams/1/bootstrap", {"path": exports})
            check(s == 202, "%s: bootstrap job: %s %s" % (label, s, job))
            wait_for(lambda: api.call("GET", "/api/v1/orgs/acme/jobs/%s" % job["id"])[1]["state"] in ("done", "failed"))
        check(wait_for(lambda: total(usage(api, "team")[1]["usage"], "rows_ingested", team="team_1") == 3),
              "%s: 3 rows bootstrapped for team_1: %s" % (label, usage(api, "team")[1]))
        time.sleep(2)
        check(total(usage(api, "team")[1]["usage"], "rows_ingested", team="team_1") == 3, "%s: still 3 after the re-run" % label)
        s, body = usage(api, "hour,size,duckling")
        check(s == 200 and all(r["hour"].endswith(":00:00Z") for r in body["usage"]) and
              any(r["meter"] == "compute_vcpu_seconds" and r["size"] == "xs" and r["duckling"] == "acme" for r in body["usage"]),
              "%s: grouped by hour, size and duckling: %s" % (label, body))
        for bad in ("group_by=password", "from=yesterday", "to=2026-13-01"):
            s, b2 = api.call("GET", "/api/v1/orgs/acme/usage?" + bad)
            check(s == 400 and "error" in b2, "%s: usage %s refused: %s" % (label, bad, s))
        check(api.call("GET", "/api/v1/orgs/nope/usage")[0] == 404, "%s: unknown org 404" % label)
        past = urllib.parse.quote("2001-01-01")
        s, body = api.call("GET", "/api/v1/orgs/acme/usage?from=%s&to=%s" % (past, urllib.parse.quote("2001-02-01")))
        check(s == 200 and body["usage"] == [], "%s: nothing in 2001" % label)

        # The invoice under the YAML scheme: tiers, allowances and lines that add up.
        month = time.strftime("%Y-%m", time.gmtime())
        s, inv = api.call("GET", "/api/v1/orgs/acme/invoice?period=" + month)
        check(s == 200 and inv["scheme"] == "test-tiers" and inv["currency"] == "EUR", "%s: invoice: %s %s" % (label, s, inv))
        if s == 200:
            check(sum(line["amount_micros"] for line in inv["lines"]) == inv["total_micros"],
                  "%s: lines add up to the total" % label)
            events = [line for line in inv["lines"] if line["meter"] == "events_ingested"]
            # 5 events = 0.005 thousand; 0.002 free; 0.001 at 1000 (the first tier), 0.002 at 10.
            check(events and events[0]["amount_micros"] == 1020000,
                  "%s: tiered events line: %s" % (label, events))
            compute = [line for line in inv["lines"] if line["meter"] == "compute_vcpu_seconds"]
            check(compute and compute[0]["size"] == "xs" and compute[0]["unit_price"] == 36,
                  "%s: compute priced by size: %s" % (label, compute))
            check(all(line["meter"] in ("compute_vcpu_seconds", "events_ingested", "api_calls") for line in inv["lines"]),
                  "%s: only priced meters on the invoice" % label)
        for bad in ("period=2026-13", "period=last-month"):
            check(api.call("GET", "/api/v1/orgs/acme/invoice?" + bad)[0] == 400, "%s: invoice %s refused" % (label, bad))
        s, old = api.call("GET", "/api/v1/orgs/acme/invoice?period=2001-01")
        check(s == 200 and old["lines"] == [] and old["total_micros"] == 0, "%s: an empty month" % label)
        a.close()
        b.close()
        # Once the last statements are in (two passes agree), the records survive a restart.
        def settled():
            first = usage(api, "user")[1]["usage"]
            time.sleep(2.5)
            second = usage(api, "user")[1]["usage"]
            return second if total(first, "queries") == total(second, "queries") else None
        before = wait_for(settled, timeout=30) or []
        check(srv.stop() == 0, "%s: clean stop" % label)
        # Another scheme after a restart: the records are the same, only prices change.
        srv.start(extra_args=list(extra_args) + ["--usage-interval", "1"])
        after = usage(api, "user")[1]["usage"]
        check(total(after, "queries") == total(before, "queries") and total(after, "events_ingested") == total(before, "events_ingested"),
              "%s: usage kept across a restart and a scheme change" % label)
        s, inv = api.call("GET", "/api/v1/orgs/acme/invoice")
        check(s == 200 and inv["scheme"] != "test-tiers", "%s: the built-in scheme now: %s" % (label, inv.get("scheme")))
        check(srv.stop() == 0, "%s: clean stop again" % label)
        # A scheme that does not parse stops the server with the reason.
        bad_scheme = scheme_path + ".bad"
        with open(bad_scheme, "w") as f:
            f.write("name: x\nmeters:\n  events_ingested: {unit: million, price: -1}\n")
        srv.start(extra_args=list(extra_args) + ["--pricing-scheme", bad_scheme], wait=False)
        code = srv.proc.wait(30)
        check(code == 2 and "events_ingested" in srv.log_text(), "%s: a bad scheme is refused: %s" % (label, code))
    except Exception as e:  # noqa: BLE001
        check(False, "%s: %r\n%s" % (label, e, srv.log_tail()))
    finally:
        if srv.proc and srv.proc.poll() is None:
            srv.stop()
        srv.cleanup()


tmp = tempfile.mkdtemp(prefix="duckgres-usage-")
scheme = os.path.join(tmp, "scheme.yml")
with open(scheme, "w") as f:
    f.write(SCHEME)
suite("sqlite none", ["--isolation", "none"], scheme)
suite("sqlite process", ["--isolation", "process"], scheme)
with PgInstance() as pg:
    suite("postgres", ["--config-store", pg.create_database("control_usage")], scheme)
finish("control usage")
