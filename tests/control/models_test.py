# Models (docs/modeling.md): a graph of more than twenty models over generated PostHog data and
# a PostgreSQL source synced into the duckling, built through the API level by level with data
# tests; a failing model's descendants skipped, then the fix rerun; incremental models equal a
# full rebuild row for row after inserts, late rows inside the lookback and upstream updates
# (the source's sync starting them); the fingerprint deciding full rebuilds; a reader polling
# through 100 refreshes never sees a partial or empty table; kill -9 in the middle of a build
# leaves the previous version readable and the next run completes; lineage, dbt manifest import,
# refusals, system.model_runs, ctl and metering.
import json
import os
import tempfile
import threading
import time

import psycopg2

from control_lib import Api, Server, check, connect, ctl, error_code, finish, setup_acme, wait_for
from pg_instance import PgInstance

BASE = "/api/v1/orgs/acme/teams/1/models"
SOURCES = "/api/v1/orgs/acme/teams/1/sources"


def rows(cur, sql, params=None):
    cur.execute(sql, params)
    return cur.fetchall()


def latest_run(api, name):
    s, runs = api.call("GET", "%s/%s/runs" % (BASE, name))
    return runs[0] if s == 200 and runs else None


def wait_run(api, name, run_id, timeout=120):
    deadline = time.monotonic() + timeout
    while True:
        s, run = api.call("GET", "%s/%s/runs/%s" % (BASE, name, run_id))
        if s != 200 or run.get("status") != "running" or time.monotonic() > deadline:
            return run
        time.sleep(0.1)


def build(api, name, **body):
    s, run = api.call("POST", "%s/%s/run" % (BASE, name), body)
    check(s == 202 and run.get("status") == "running" and run.get("id"), "%s: run queued: %s %s" % (name, s, run))
    return wait_run(api, name, run["id"]) if s == 202 else run


def settled(api, names, timeout=180):
    """Every model's newest run once none is running."""
    deadline = time.monotonic() + timeout
    while True:
        latest = {n: latest_run(api, n) for n in names}
        if all(r and r["status"] != "running" for r in latest.values()) or time.monotonic() > deadline:
            return latest
        time.sleep(0.2)


def same_rows(cur, relation, sql):
    """The model's rows and the query's, compared both ways (bags, not sets)."""
    a = rows(cur, "SELECT count(*) FROM (SELECT * FROM %s EXCEPT ALL SELECT * FROM (%s) q) d" % (relation, sql))
    b = rows(cur, "SELECT count(*) FROM (SELECT * FROM (%s) q EXCEPT ALL SELECT * FROM %s) d" % (sql, relation))
    n = rows(cur, "SELECT count(*) FROM %s" % relation)[0][0]
    return a[0][0] == 0 and b[0][0] == 0 and n > 0, (a[0][0], b[0][0], n)


SESSIONS_SQL = ("select session_id, min(timestamp) as started_at, max(timestamp) as ended_at, count(*) as pageviews "
                "from stg_pageviews where session_id is not null group by session_id")
# The graph: name → (sql, materialization, extra). Staging views over events and the source,
# marts over them; an incremental sessions model (grouped: narrowed to touched sessions), an
# incremental row-level one and an incremental one over the synced orders.
MODELS = [
    ("stg_events", "select uuid, event, timestamp, distinct_id, person_id, \"$session_id\" as session_id, "
                   "properties->>'$pathname' as pathname from events", "view", {}),
    ("stg_pageviews", "select * from stg_events where event = '$pageview'", "view", {}),
    ("stg_orders", "select id as order_id, customer_id, amount, updated_at from shop.orders", "table", {}),
    ("stg_customers", "select id as customer_id, name, created_at from shop.customers", "view", {}),
    ("sessions", SESSIONS_SQL, "incremental",
     {"incremental": {"incremental_key": "ended_at", "unique_key": ["session_id"], "lookback_seconds": 3600},
      "tests": [{"type": "not_null", "column": "session_id"}, {"type": "unique", "column": "session_id"},
                {"type": "row_count", "min": 1}]}),
    ("pageviews_inc", "select uuid, timestamp, distinct_id, session_id, pathname from stg_pageviews", "incremental",
     {"incremental": {"incremental_key": "timestamp", "unique_key": ["uuid"], "lookback_seconds": 600,
                      "strategy": "delete+insert"}}),
    ("orders_inc", "select order_id, customer_id, amount, updated_at from stg_orders", "incremental",
     {"incremental": {"incremental_key": "updated_at", "unique_key": ["order_id"], "lookback_seconds": 0}}),
    ("daily_active_users", "select date_trunc('day', timestamp) as day, count(distinct person_id) as users "
                           "from stg_events group by 1", "table", {}),
    ("events_by_type", "select event, count(*) as n from stg_events group by event", "table",
     {"tests": [{"type": "accepted_values", "column": "event", "severity": "warn",
                 "values": ["$pageview", "$autocapture"]}]}),
    ("top_paths", "select pathname, count(*) as views from stg_pageviews where pathname is not null group by 1 "
                  "order by views desc, pathname limit 20", "table", {}),
    ("session_lengths", "select session_id, extract(epoch from ended_at - started_at) as seconds from sessions",
     "table", {}),
    ("sessions_per_user", "select p.distinct_id, count(distinct p.session_id) as sessions from stg_pageviews p "
                          "group by 1", "table", {}),
    ("bounce_sessions", "select * from sessions where pageviews = 1", "view", {}),
    ("long_sessions", "select * from session_lengths where seconds > 600", "table", {}),
    ("funnel", "select count(*) filter (where event = 'signed_up') as signed_up, count(*) filter (where event = "
               "'activated') as activated, count(*) filter (where event = 'purchased') as purchased from stg_events",
     "table", {}),
    ("user_events", "select distinct_id, count(*) as events, min(timestamp) as first_seen from stg_events group by 1",
     "table", {"tests": [{"type": "unique", "column": "distinct_id"}]}),
    ("revenue_per_customer", "select c.customer_id, c.name, coalesce(sum(o.amount), 0) as revenue from stg_customers c "
                             "left join orders_inc o on o.customer_id = c.customer_id group by 1, 2", "table",
     {"tests": [{"type": "relationships", "column": "customer_id", "to": "stg_customers", "field": "customer_id"}]}),
    ("daily_revenue", "select date_trunc('day', updated_at) as day, sum(amount) as revenue from orders_inc group by 1",
     "table", {}),
    ("revenue_summary", "select count(*) as customers, sum(revenue) as revenue from revenue_per_customer", "table", {}),
    ("weekly_active_users", "with weekly as (select date_trunc('week', day) as week, sum(users) as user_days "
                            "from daily_active_users group by 1) select * from weekly", "table", {}),
    ("events_duck", "FROM team_1.events SELECT event, count(*) AS n GROUP BY ALL", "table", {"dialect": "duckdb"}),
    ("broken", "select cast(event as integer) as n from stg_events", "table", {}),
    ("broken_child", "select count(*) as n from broken", "table", {}),
]


def create_graph(api):
    for name, sql, materialization, extra in MODELS:
        body = dict({"name": name, "sql": sql, "materialization": materialization}, **extra)
        s, m = api.call("POST", BASE, body)
        check(s == 201 and m["relation"] == "team_1." + name, "created %s: %s %s" % (name, s, m))
    s, listed = api.call("GET", BASE)
    check(s == 200 and len(listed) == len(MODELS) >= 20, "%d models listed" % len(listed))
    by = {m["name"]: m for m in listed}
    check(by["sessions"]["depends_on"] == {"models": ["stg_pageviews"], "relations": []}
          and by["stg_events"]["depends_on"] == {"models": [], "relations": ["team_1.events"]}
          and by["stg_orders"]["depends_on"]["relations"] == ["shop.orders"]
          and set(by["revenue_per_customer"]["depends_on"]["models"]) == {"stg_customers", "orders_inc"}
          and by["events_duck"]["depends_on"]["relations"] == ["team_1.events"],
          "dependencies read from the SQL: %s" % {n: by[n]["depends_on"] for n in ("sessions", "revenue_per_customer", "events_duck")})


def refusals(api):
    cases = [
        ({"name": "1bad", "sql": "select 1"}, 400, "invalid_request"),
        ({"name": "x", "sql": "selec 1"}, 400, "invalid_request"),
        ({"name": "x", "sql": "delete from events"}, 400, "invalid_request"),
        ({"name": "x", "sql": "select 1; select 2"}, 400, "invalid_request"),
        ({"name": "x", "sql": "select 1", "materialization": "ephemeral"}, 400, "invalid_request"),
        ({"name": "x", "sql": "select 1 as a", "materialization": "incremental"}, 400, "invalid_request"),
        ({"name": "x", "sql": "select 1 as a", "materialization": "incremental",
          "incremental": {"incremental_key": "b"}}, 400, "invalid_request"),
        ({"name": "x", "sql": "select 1", "schedule": "5m"}, 400, "invalid_request"),
        ({"name": "x", "sql": "select 1", "colour": "red"}, 400, "invalid_request"),
        ({"name": "x", "sql": "select 1", "tests": [{"type": "not_null"}]}, 400, "invalid_request"),
        ({"name": "sessions", "sql": "select 1"}, 409, "conflict"),
    ]
    for body, status, code in cases:
        s, b = api.call("POST", BASE, body)
        check(s == status and error_code(b) == code, "refused %s: %s %s" % (body, s, b))
    # A cycle, with its path.
    s, b = api.call("PATCH", BASE + "/stg_events", {"sql": "select * from long_sessions"})
    check(s == 400 and error_code(b) == "cycle" and "stg_events" in b["error"]["message"]
          and "long_sessions →" in b["error"]["message"], "a cycle refused with its path: %s %s" % (s, b))
    s, b = api.call("DELETE", BASE + "/sessions")
    check(s == 409 and "session_lengths" in str(b), "a model others read is not deleted: %s %s" % (s, b))
    s, b = api.call("POST", BASE + "/nothing/run", {})
    check(s == 404, "running an unknown model: %s" % s)


def run_graph(api, cur):
    roots = [n for n, sql, _, _ in MODELS if n in ("stg_events", "stg_orders", "stg_customers", "events_duck")]
    for r in roots:
        s, run = api.call("POST", "%s/%s/run" % (BASE, r), {})
        check(s == 202, "%s queued: %s %s" % (r, s, run))
    names = [m[0] for m in MODELS]
    latest = settled(api, names)
    failed = {n for n, r in latest.items() if r["status"] != "completed"}
    check(failed == {"broken", "broken_child"}, "the graph built but the broken model and its child: %s"
          % {n: (latest[n]["status"], latest[n]["error"]) for n in failed})
    check(latest["broken"]["status"] == "failed" and "integer" in (latest["broken"]["error"] or ""),
          "the broken model failed with DuckDB's reason: %s" % latest["broken"])
    child = latest["broken_child"]
    check(child["status"] == "cancelled" and child.get("skipped") and "upstream model broken failed" in child["error"],
          "its descendant skipped with the reason: %s" % child)
    # Level by level: each model started after the models it reads finished.
    s, listed = api.call("GET", BASE)
    ok = True
    for m in listed:
        for up in m["depends_on"]["models"]:
            if latest[m["name"]]["status"] == "completed" and latest[m["name"]]["started_at"] < latest[up]["finished_at"]:
                ok = False
    check(ok, "no model started before the models it reads finished")
    check(latest["sessions"]["mode"] == "full_refresh" and latest["sessions"]["rows"] > 0
          and [t["status"] for t in latest["sessions"]["tests"]] == ["passed"] * 3,
          "sessions built whole the first time, its tests passed: %s" % latest["sessions"])
    warn = latest["events_by_type"]["tests"]
    check(latest["events_by_type"]["status"] == "completed" and len(warn) == 1 and warn[0]["status"] == "warn"
          and warn[0]["failures"] > 0, "a failing warn test is reported, the model still built: %s" % warn)
    for name, sql in (("daily_active_users", "select date_trunc('day', timestamp) as day, count(distinct person_id) "
                                             "as users from team_1.events group by 1"),
                      ("revenue_per_customer", "select c.id as customer_id, c.name, coalesce(sum(o.amount), 0) as revenue "
                                               "from shop.customers c left join shop.orders o on o.customer_id = c.id "
                                               "group by 1, 2"),
                      ("events_duck", "select event, count(*) as n from team_1.events group by 1")):
        same, counts = same_rows(cur, "team_1." + name, sql)
        check(same, "%s holds what its SQL gives by hand: %s" % (name, counts))
    # The fix, rerun: the broken model and then its child build.
    s, m = api.call("PATCH", BASE + "/broken", {"sql": "select length(event) as n from stg_events"})
    check(s == 200 and m["status"] == "failed", "the broken model changed: %s %s" % (s, m))
    run = build(api, "broken")
    child = wait_for(lambda: (lambda r: r if r and r["status"] == "completed" else None)(latest_run(api, "broken_child")), 60)
    check(run["status"] == "completed" and child and rows(cur, "select n from team_1.broken_child")[0][0] > 0,
          "rerun after the fix: %s, child %s" % (run["status"], child and child["status"]))


def incremental(api, cur, srv, pg):
    def equal_to_full(name, sql, label):
        same, counts = same_rows(cur, "team_1." + name, sql)
        check(same, "%s equals a full rebuild %s: %s" % (name, label, counts))

    full_sessions = ("select \"$session_id\" as session_id, min(timestamp) as started_at, max(timestamp) as ended_at, "
                     "count(*) as pageviews from team_1.events where event = '$pageview' and \"$session_id\" is not null "
                     "group by 1")
    full_pageviews = ("select uuid, timestamp, distinct_id, \"$session_id\" as session_id, properties->>'$pathname' as pathname "
                      "from team_1.events where event = '$pageview'")
    wm = rows(cur, "select max(ended_at) from team_1.sessions")[0][0]
    # New rows: sessions that continue and new ones, after the watermark.
    cur.execute("insert into team_1.events (uuid, event, timestamp, distinct_id, person_id, \"$session_id\", properties) "
                "select gen_random_uuid(), '$pageview', e.ended_at + interval '5 minutes', 'u-late', gen_random_uuid(), "
                "e.session_id, '{\"$pathname\": \"/continued\"}' from (select session_id, ended_at from team_1.sessions order by ended_at desc "
                "limit 20) e")
    cur.execute("insert into team_1.events (uuid, event, timestamp, distinct_id, person_id, \"$session_id\", properties) "
                "select gen_random_uuid(), '$pageview', %s + i * interval '1 second', 'u-new', gen_random_uuid(), "
                "'new-' || (i %% 7), '{\"$pathname\": \"/new\"}' from generate_series(1, 50) as t(i)", (wm,))
    for name, sql in (("sessions", full_sessions), ("pageviews_inc", full_pageviews)):
        run = build(api, name, downstream=False)
        check(run["status"] == "completed" and run["mode"] == "incremental" and 0 < run["rows"] < 1000,
              "%s ran incrementally: %s" % (name, {k: run.get(k) for k in ("status", "mode", "rows", "error", "read_from")}))
        equal_to_full(name, sql, "after inserts")
    # Late rows inside the lookback: before the watermark, after it less an hour.
    wm = rows(cur, "select max(ended_at) from team_1.sessions")[0][0]
    cur.execute("insert into team_1.events (uuid, event, timestamp, distinct_id, person_id, \"$session_id\", properties) "
                "select gen_random_uuid(), '$pageview', %s - interval '5 minutes', 'u-late2', gen_random_uuid(), "
                "session_id, '{\"$pathname\": \"/late\"}' from team_1.sessions where ended_at > %s - interval '2 hours' limit 5", (wm, wm))
    for name, sql in (("sessions", full_sessions), ("pageviews_inc", full_pageviews)):
        run = build(api, name, downstream=False)
        check(run["mode"] == "incremental", "%s: late rows, incremental: %s" % (name, run.get("mode")))
        equal_to_full(name, sql, "after late rows inside the lookback")
    # A row inside the lookback for a session that ended long before it: the key index finds the
    # session's old row, far behind the watermark, and the run reads from its start.
    old_id, old_start = rows(cur, "select session_id, started_at from team_1.sessions order by ended_at limit 1")[0]
    wm = rows(cur, "select max(ended_at) from team_1.sessions")[0][0]
    cur.execute("insert into team_1.events (uuid, event, timestamp, distinct_id, person_id, \"$session_id\", properties) "
                "values (gen_random_uuid(), '$pageview', %s - interval '1 minute', 'u-old', gen_random_uuid(), %s, "
                "'{\"$pathname\": \"/back\"}')", (wm, old_id))
    run = build(api, "sessions", downstream=False)
    check(run["mode"] == "incremental" and run.get("key_index") == "used" and run["rows"] >= 1
          and rows(cur, "select cast(%s as timestamptz) >= cast(%s as timestamptz)", (old_start, run.get("read_from")))[0][0],
          "a late row of an old session: found by the key index, read from the session's start %s: %s"
          % (old_start, {k: run.get(k) for k in ("mode", "rows", "read_from", "key_index", "error")}))
    equal_to_full("sessions", full_sessions, "after a late row of an old session")
    # The model's table written by hand: its key index no longer counts as many rows, so the run
    # merges without it and rebuilds it; the next run uses it again.
    cur.execute("delete from team_1.sessions where session_id like 'new-%'")
    for i, label in ((1, "rebuilt"), (2, "used")):
        wm = rows(cur, "select max(timestamp) from team_1.events where \"$session_id\" like 'new-%'")[0][0]
        cur.execute("insert into team_1.events (uuid, event, timestamp, distinct_id, person_id, \"$session_id\", properties) "
                    "values (gen_random_uuid(), '$pageview', %s + interval '1 minute', 'u-new', gen_random_uuid(), %s, "
                    "'{\"$pathname\": \"/again\"}')", (wm, "new-%d" % i))
        run = build(api, "sessions", downstream=False)
        check(run["mode"] == "incremental" and run.get("key_index") == label,
              "after the model's table was written by hand, run %d: key index %s: %s" % (i, label, run.get("key_index")))
        equal_to_full("sessions", full_sessions, "after the model's table was written by hand (run %d)" % i)
    # Updates upstream: the source's sync lands them and starts the models that read it.
    up = psycopg2.connect(pg.uri("shop"))
    up.autocommit = True
    before = latest_run(api, "orders_inc")
    up.cursor().execute("update orders set amount = amount + 1000, updated_at = now() where id % 50 = 0")
    up.cursor().execute("insert into orders select i, i % 100 + 1, i, now() from generate_series(5001, 5040) as i")
    s, run = api.call("POST", SOURCES + "/shop/sync", {})
    check(s == 202, "source sync started: %s %s" % (s, run))
    after = wait_for(lambda: (lambda r: r if r and r["id"] != before["id"] and r["status"] != "running" else None)(
        latest_run(api, "orders_inc")), 90)
    check(after and after["status"] == "completed" and after["mode"] == "incremental"
          and after["trigger"] == "upstream stg_orders" and 140 <= after["rows"] <= 141 and after.get("key_index") == "used",
          "the sync started stg_orders, then orders_inc merged the changed rows: %s" % after)
    equal_to_full("orders_inc", "select id as order_id, customer_id, amount, updated_at from shop.orders", "after updates")
    summary = wait_for(lambda: (lambda r: r if r and r["status"] == "completed" and r["started_at"] > after["finished_at"] else None)(
        latest_run(api, "revenue_summary")), 60)
    check(summary is not None and rows(cur, "select revenue from team_1.revenue_summary")[0][0]
          == rows(cur, "select sum(amount) from shop.orders")[0][0], "downstream marts rebuilt after the orders changed")
    # The fingerprint: a comment and whitespace keep it; a new unique key rebuilds whole.
    s, m = api.call("PATCH", BASE + "/sessions", {"sql": "-- sessions\n" + SESSIONS_SQL.replace(" from ", "\n   from ")})
    run = build(api, "sessions", downstream=False)
    check(run["mode"] == "incremental", "a comment and whitespace keep the fingerprint: %s" % run.get("mode"))
    s, m = api.call("PATCH", BASE + "/sessions", {"incremental": {"incremental_key": "ended_at", "unique_key": ["session_id", "started_at"],
                                                                  "lookback_seconds": 3600}})
    run = build(api, "sessions", downstream=False)
    check(s == 200 and run["mode"] == "full_refresh", "a new unique key rebuilds whole: %s %s" % (s, run.get("mode")))
    equal_to_full("sessions", full_sessions, "after the rebuild")
    run = build(api, "sessions", downstream=False, full_refresh=True)
    check(run["mode"] == "full_refresh", "full_refresh asked for")


def polling_reader(api, srv):
    """100 refreshes of a table model while another session reads it."""
    expected = None
    seen = {"reads": 0, "bad": []}
    stop = threading.Event()

    def reader():
        c = connect(srv, "acme", "alice", "alice-secret-1")
        c.autocommit = True
        cur = c.cursor()
        while not stop.is_set():
            try:
                cur.execute("select count(*), sum(users) from team_1.daily_active_users")
                got = cur.fetchone()
                seen["reads"] += 1
                if got != expected:
                    seen["bad"].append(got)
            except Exception as e:  # noqa: BLE001 - any error is what the check counts
                seen["bad"].append(str(e))
        c.close()

    build(api, "daily_active_users", downstream=False)  # with the events added since
    c = connect(srv, "acme", "alice", "alice-secret-1")
    cur = c.cursor()
    cur.execute("select count(*), sum(users) from team_1.daily_active_users")
    expected = cur.fetchone()
    c.close()
    t = threading.Thread(target=reader)
    t.start()
    statuses = []
    for _ in range(100):
        statuses.append(build(api, "daily_active_users", downstream=False)["status"])
    stop.set()
    t.join()
    check(statuses == ["completed"] * 100 and seen["reads"] > 100 and not seen["bad"],
          "100 refreshes: the reader saw the whole table every time (%d reads, %s)" % (seen["reads"], seen["bad"][:3]))


def kill_mid_run(api, srv, args):
    slow = "select sum(a.range * b.range) as s, count(*) as n from range(30000) a, range(%d) b"
    s, m = api.call("POST", BASE, {"name": "slow", "sql": slow % 15000})
    run = build(api, "slow")
    check(run["status"] == "completed", "the slow model built: %s" % run)
    s, m = api.call("PATCH", BASE + "/slow", {"sql": slow % 20000})
    s, run = api.call("POST", BASE + "/slow/run", {})
    # A second run waits behind it: cancelled while queued.
    s2, queued = api.call("POST", BASE + "/slow/run", {"full_refresh": True})
    s3, cancelled = api.call("POST", "%s/slow/runs/%s/cancel" % (BASE, queued["id"]))
    check(s2 == 202 and queued["id"] != run["id"] and s3 == 200 and cancelled["status"] == "cancelled",
          "a queued run cancelled: %s %s" % (s3, cancelled))
    s4, again = api.call("POST", "%s/slow/runs/%s/cancel" % (BASE, queued["id"]))
    check(s4 == 409, "cancelling an ended run: %s" % s4)
    wait_for(lambda: api.call("GET", "%s/slow/runs/%s" % (BASE, run["id"]))[1].get("phase") == "building", 30, 0.05)
    time.sleep(0.5)
    srv.kill()
    srv.start(extra_args=args)
    api.call("GET", "/api/v1/orgs")
    c = connect(srv, "acme", "alice", "alice-secret-1")
    c.autocommit = True
    cur = c.cursor()
    got = rows(cur, "select n from team_1.slow")
    check(got == [(30000 * 15000,)], "after kill -9 the previous version is readable: %s" % got)
    s, r = api.call("GET", "%s/slow/runs/%s" % (BASE, run["id"]))
    check(r["status"] == "failed" and "stopped" in r["error"], "the interrupted run ended failed: %s" % r)
    run = build(api, "slow")
    check(run["status"] == "completed" and rows(cur, "select n from team_1.slow") == [(30000 * 20000,)],
          "the next run completed: %s" % run)
    leftovers = rows(cur, "select count(*) from duckdb_tables() where table_name like '__model_stage%'")
    check(leftovers == [(0,)], "no stage left behind: %s" % leftovers)
    c.close()


def lineage_and_more(api, srv, cur):
    s, l = api.call("GET", BASE + "/sessions/lineage")
    cols = {c["name"]: c["from"] for c in l.get("columns", [])}
    check(s == 200 and [u["name"] for u in l["upstream"]] == ["stg_pageviews"]
          and {d["name"] for d in l["downstream"]} == {"session_lengths", "bounce_sessions"}
          and "long_sessions" in {d["name"] for d in l["descendants"]} and l["level"] == 2
          and cols.get("started_at") == [{"relation": "team_1.stg_pageviews", "column": "timestamp", "model": "stg_pageviews"}],
          "lineage: %s %s" % (s, l))
    s, l = api.call("GET", BASE + "/stg_events/lineage")
    check([u["relation"] for u in l["upstream"]] == ["team_1.events"], "lineage to PostHog's events: %s" % l["upstream"])
    # A dbt project's compiled manifest.
    manifest = {"nodes": {
        "model.shop.dbt_orders": {"resource_type": "model", "name": "dbt_orders", "schema": "analytics",
                                  "config": {"materialized": "table"},
                                  "compiled_code": "select order_id, amount from \"acme\".\"team_1\".\"orders_inc\""},
        "model.shop.dbt_big_orders": {"resource_type": "model", "name": "dbt_big_orders", "schema": "analytics",
                                      "config": {"materialized": "view"},
                                      "compiled_code": "select * from \"acme\".\"analytics\".\"dbt_orders\" where amount > 100"},
        "model.shop.dbt_eph": {"resource_type": "model", "name": "dbt_eph", "schema": "analytics",
                               "config": {"materialized": "ephemeral"}, "compiled_code": "select 1"},
        "test.shop.not_null_dbt_orders_order_id": {"resource_type": "test", "attached_node": "model.shop.dbt_orders",
                                                   "test_metadata": {"name": "not_null", "kwargs": {"column_name": "order_id"}},
                                                   "config": {"severity": "ERROR"}},
    }}
    s, out = api.call("POST", BASE + "/import", {"manifest": manifest})
    check(s == 200 and sorted(out["imported"]) == ["dbt_big_orders", "dbt_orders"]
          and [x["name"] for x in out["skipped"]] == ["dbt_eph"], "dbt manifest imported: %s %s" % (s, out))
    s, m = api.call("GET", BASE + "/dbt_big_orders")
    check(s == 200 and m["depends_on"]["models"] == ["dbt_orders"] and m["relation"] == "analytics.dbt_big_orders",
          "imported models keep their references: %s" % m.get("depends_on"))
    s, m = api.call("GET", BASE + "/dbt_orders")
    check(m["tests"] and m["tests"][0]["type"] == "not_null", "its generic test came along: %s" % m["tests"])
    run = build(api, "dbt_orders")
    check(run["status"] == "completed", "the imported model ran: %s" % run)
    big = wait_for(lambda: (lambda r: r if r and r["status"] == "completed" else None)(latest_run(api, "dbt_big_orders")), 30)
    check(big is not None and rows(cur, "select count(*) from analytics.dbt_big_orders")[0][0]
          == rows(cur, "select count(*) from shop.orders where amount > 100")[0][0], "its downstream view landed in analytics")
    # system.model_runs: the owner sees every run; a project reader none.
    n = rows(cur, "select count(*) from system.model_runs where status = 'completed' and mode is not null")[0][0]
    check(n > 100, "system.model_runs has the runs: %d" % n)
    bob = connect(srv, "acme", "bob", "bob-secret-1")
    bcur = bob.cursor()
    check(rows(bcur, "select count(*) from system.model_runs") == [(0,)], "a project reader sees no runs")
    bob.close()
    # ctl.
    r = ctl(srv, "models", "list", "acme", "1")
    check(r.returncode == 0 and "daily_active_users" in r.stdout, "ctl models list: %s %s" % (r.returncode, r.stderr[-300:]))
    r = ctl(srv, "models", "create", "acme", "1", "ctl_model", "--sql", "select 1 as one", "--materialization", "view",
            "--tests", '[{"type": "not_null", "column": "one"}, {"type": "row_count", "min": 1}]')
    s, m = api.call("GET", BASE + "/ctl_model")
    check(r.returncode == 0 and s == 200 and [t["type"] for t in m["tests"]] == ["not_null", "row_count"],
          "ctl models create with tests as JSON: %s %s" % (r.stderr[-300:], m))
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
        json.dump(manifest, f)
    r = ctl(srv, "models", "import", "acme", "1", "--manifest", "@" + f.name)
    os.unlink(f.name)
    check(r.returncode == 0 and "dbt_orders" in r.stdout, "ctl models import --manifest @file: %s %s" % (r.stdout[-300:], r.stderr[-300:]))
    r = ctl(srv, "models", "run", "acme", "1", "funnel")
    check(r.returncode == 0 and "running" in r.stdout, "ctl models run: %s %s" % (r.stdout[-300:], r.stderr[-300:]))
    # Deleting a leaf drops its relation.
    s, _ = api.call("DELETE", BASE + "/long_sessions")
    check(s == 204 and rows(cur, "select count(*) from duckdb_tables() where table_name = 'long_sessions'") == [(0,)],
          "a deleted model's table is dropped: %s" % s)
    # Model compute is metered per model.
    def metered():
        s, body = api.call("GET", "/api/v1/orgs/acme/usage?group_by=user")
        return [r for r in body.get("usage", []) if r["meter"] == "model_seconds"] if s == 200 else []
    usage = wait_for(metered, 20)
    check(usage and any(str(r.get("user", "")).startswith("model:") for r in usage),
          "model_seconds metered by model: %s" % usage[:3])


def process_isolation():
    """The same builds when the duckling runs in its own worker process: the swap's transaction,
    a blocking test rolling it back, an incremental run."""
    srv = Server()
    try:
        srv.start(extra_args=["--isolation", "process"])
        api = Api(srv)
        setup_acme(api)
        api.call("POST", "/api/v1/orgs/acme/teams/1/generate", {"events": 5000, "persons": 50, "days": 3})
        api.call("POST", BASE, {"name": "stg_pageviews", "materialization": "view",
                                "sql": "select timestamp, \"$session_id\" as session_id from events where event = '$pageview'"})
        api.call("POST", BASE, {"name": "sessions", "sql": SESSIONS_SQL, "materialization": "incremental",
                                "incremental": {"incremental_key": "ended_at", "unique_key": ["session_id"],
                                                "lookback_seconds": 3600}})
        s, m = api.call("POST", BASE, {"name": "guarded", "sql": "select count(*) as n from sessions",
                                       "tests": [{"type": "row_count", "max": 1}]})
        run = build(api, "stg_pageviews")
        latest = settled(api, ["stg_pageviews", "sessions", "guarded"])
        check([latest[n]["status"] for n in ("stg_pageviews", "sessions", "guarded")] == ["completed"] * 3,
              "process isolation: the graph built: %s" % {n: (r["status"], r["error"]) for n, r in latest.items()})
        c = connect(srv, "acme", "alice", "alice-secret-1")
        c.autocommit = True
        cur = c.cursor()
        before = rows(cur, "select n from team_1.guarded")
        s, m = api.call("PATCH", BASE + "/guarded", {"sql": "select n from (values (1), (2)) as t(n)"})
        run = build(api, "guarded")
        check(run["status"] == "failed" and "row_count" in run["error"] and rows(cur, "select n from team_1.guarded") == before,
              "process isolation: a failing blocking test keeps the previous version: %s" % run.get("error"))
        cur.execute("insert into team_1.events (uuid, event, timestamp, distinct_id, \"$session_id\") "
                    "select gen_random_uuid(), '$pageview', now(), 'p', 'proc-' || (i % 3) from generate_series(1, 9) as t(i)")
        previous = latest_run(api, "sessions")["id"]
        run = build(api, "stg_pageviews")
        latest = {"sessions": wait_for(lambda: (lambda r: r if r["id"] != previous and r["status"] != "running" else None)(
            latest_run(api, "sessions")), 60)}
        full = SESSIONS_SQL.replace("stg_pageviews", "team_1.stg_pageviews")
        same, counts = same_rows(cur, "team_1.sessions", full)
        check(latest["sessions"]["mode"] == "incremental" and same,
              "process isolation: incremental equals full: %s %s" % (latest["sessions"]["mode"], counts))
        c.close()
    finally:
        srv.stop()


def main():
    with PgInstance() as pg:
        pg.create_database("shop")
        up = psycopg2.connect(pg.uri("shop"))
        up.autocommit = True
        up.cursor().execute("""
            CREATE TABLE customers (id int PRIMARY KEY, name text, created_at timestamptz);
            CREATE TABLE orders (id bigint PRIMARY KEY, customer_id int, amount numeric(10,2), updated_at timestamptz NOT NULL);
            INSERT INTO customers SELECT i, 'c' || i, now() - i * interval '1 day' FROM generate_series(1, 100) i;
            INSERT INTO orders SELECT i, i % 100 + 1, i * 0.5, now() - i * interval '1 minute' FROM generate_series(1, 5000) i;
        """)
        srv = Server()
        args = ["--usage-interval", "1"]
        try:
            srv.start(extra_args=args)
            api = Api(srv)
            setup_acme(api)
            s, _ = api.call("POST", "/api/v1/orgs/acme/teams/1/generate", {"events": 40000, "persons": 300, "days": 14})
            check(s == 201, "events generated")
            conn = {"host": "127.0.0.1", "port": pg.port, "database": "shop", "user": "postgres", "password": pg.password,
                    "sslmode": "disable"}
            s, src = api.call("POST", SOURCES, {"name": "shop", "kind": "postgres", "connection": conn})
            check(s == 201, "source created: %s %s" % (s, src))
            for t in ("public.customers", "public.orders"):
                api.call("PATCH", "%s/shop/tables/%s" % (SOURCES, t), {"enabled": True})
            s, run = api.call("POST", SOURCES + "/shop/sync", {})
            check(wait_for(lambda: api.call("GET", "%s/shop/runs/%s" % (SOURCES, run["id"]))[1]["status"] == "completed", 60),
                  "source synced")
            c = connect(srv, "acme", "alice", "alice-secret-1")
            c.autocommit = True
            cur = c.cursor()
            create_graph(api)
            refusals(api)
            run_graph(api, cur)
            incremental(api, cur, srv, pg)
            polling_reader(api, srv)
            lineage_and_more(api, srv, cur)
            c.close()
            kill_mid_run(api, srv, args)
        finally:
            srv.stop()
    process_isolation()
    finish("models")


if __name__ == "__main__":
    main()
