#!/usr/bin/python3
"""The model runner (issue 22): an incremental sessions model against its full rebuild, and the
graph runner against the same SQL run by hand.

    cp build-bench/duckgres /tmp/duckgres-models-bench   # other builds relink build-bench's
    DUCKGRES_BIN=/tmp/duckgres-models-bench /usr/bin/python3 bench/models_bench.py \\
        [--events 10000000] [--persons 200000] [--reps 3] [--generator-order] [--quick] \\
        [--suites sessions,graph] [--model-workers N]

One server (tests/integration/with_server.py's Server), org "acme" with team 1, user alice and
an m duckling; --events generated PostHog events (…/teams/1/generate, 30 days), built once. The
generator writes events in random time order; they are then rewritten in time order, as
capture appends them (--generator-order keeps the generator's order).

1. sessions: an incremental model grouping events by ("$session_id", distinct_id) with
   min(timestamp) as started_at and max(timestamp) as ended_at (incremental_key ended_at,
   lookback 3600 s), so a run reads only the rows from the first event of the sessions touched
   since the watermark (modeling/analysis.h, grouped_increment). Timed: a full rebuild
   (full_refresh) against an incremental run after appending 1% new events (the latest session
   events copied 3 hours later, half of them in their session, half in a new one). A CHECKPOINT
   precedes each timed run (what the bench itself wrote is not the run's work); the checkpoint
   right after an incremental run is timed apart. After each incremental run the model must
   equal the same SQL built by hand on the same data, row for row (EXCEPT ALL both ways), or the
   bench fails; the new rows are then deleted and the model rebuilt, so each repetition does
   the same work.
2. graph: 9 table models (one over events, four reading it, four reading those) run by one
   POST …/run with downstream, against the same SQL sent by hand over psycopg2 (DROP TABLE IF
   EXISTS; CREATE TABLE … AS, one model after the other in the same order), alternating which
   goes first; every model must equal its hand-built table.

One warm-up, then --reps repetitions, medians. Times: the run's duration_ms, the wall time from
the POST until polling sees the run ended (every 10 ms; a graph: every 20 ms, one
model at a time), and the server's CPU time
(/proc/<pid>/stat; steadier on a shared machine). Prints Markdown tables and writes
bench/results/models_latest.json; exits 1 when a check fails.
"""
import argparse
import datetime
import json
import os
import platform
import statistics
import subprocess
import sys
import time
import urllib.request

import psycopg2

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests", "control"))
from control_lib import Api, Server  # noqa: E402

ORG, TEAM = "acme", 1
MODELS = "/api/v1/orgs/%s/teams/%d/models" % (ORG, TEAM)
EVENT_COLUMNS = ('uuid, event, properties, timestamp, distinct_id, person_id, elements_chain, "$session_id", '
                 '"$window_id", created_at, team_id')

SESSIONS_SQL = (
    'select "$session_id" as session_id, distinct_id, min(timestamp) as started_at, '
    "max(timestamp) as ended_at, count(*) as events, "
    "count(*) filter (where event = '$pageview') as pageviews "
    'from events where "$session_id" is not null group by 1, 2')

# The graph: (name, SQL with {other} for each model it reads), upstream first.
GRAPH = [
    ("g_base", 'select uuid, event, distinct_id, person_id, timestamp, "$session_id" as session_id, '
               "properties->>'$pathname' as pathname, properties->>'$browser' as browser "
               "from events where timestamp is not null"),
    ("g_daily_events", "select date_trunc('day', timestamp) as day, event, count(*) as n "
                       "from {g_base} group by 1, 2"),
    ("g_daily_active", "select date_trunc('day', timestamp) as day, count(distinct person_id) as dau "
                       "from {g_base} group by 1"),
    ("g_person_activity", "select person_id, count(*) as events, min(timestamp) as first_seen, "
                          "max(timestamp) as last_seen, count(distinct session_id) as sessions "
                          "from {g_base} group by 1"),
    ("g_pageviews", "select distinct_id, session_id, timestamp, pathname, browser "
                    "from {g_base} where event = '$pageview'"),
    ("g_top_paths", "select pathname, browser, count(*) as views, count(distinct distinct_id) as visitors "
                    "from {g_pageviews} group by 1, 2"),
    ("g_session_pages", "select session_id, count(*) as pageviews, min(timestamp) as first_view, "
                        "max(timestamp) as last_view from {g_pageviews} where session_id is not null group by 1"),
    ("g_person_segments", "select case when events >= 100 then 'power' when events >= 10 then 'regular' "
                          "else 'casual' end as segment, count(*) as persons, avg(sessions) as sessions "
                          "from {g_person_activity} group by 1"),
    ("g_daily_summary", "select d.day, sum(d.n) as events, a.dau from {g_daily_events} d "
                        "join {g_daily_active} a on a.day = d.day group by d.day, a.dau"),
]


def log(msg):
    print("[models-bench] %s" % msg, file=sys.stderr, flush=True)


def fail(msg):
    log("FAILED: " + msg)
    sys.exit(1)


def ms(t0):
    return (time.perf_counter() - t0) * 1000.0


def median(xs):
    return statistics.median(xs) if xs else float("nan")


def iso(t):
    return datetime.datetime.fromisoformat(t.replace("Z", "+00:00"))


def machine():
    model = ""
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    with open("/proc/meminfo") as f:
        mem_kib = int(f.readline().split()[1])
    commit = subprocess.run(["git", "-C", ROOT, "describe", "--always", "--dirty"], stdout=subprocess.PIPE,
                            text=True).stdout.strip()
    return {"cpus": os.cpu_count(), "cpu_model": model, "mem_gib": round(mem_kib / 1024 / 1024, 1),
            "platform": platform.platform(), "commit": commit}


def loadavg():
    with open("/proc/loadavg") as f:
        return float(f.read().split()[0])


class Bench:
    def __init__(self, srv):
        self.srv = srv
        self.api = Api(srv)
        self.tick = os.sysconf("SC_CLK_TCK")

    def cpu_ms(self):
        """The server's CPU time so far (user + system)."""
        with open("/proc/%d/stat" % self.srv.proc.pid) as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) * 1000.0 / self.tick

    def ok(self, want, method, path, body=None):
        s, out = self.api.call(method, path, body)
        if s != want:
            fail("%s %s: %s %s" % (method, path, s, out))
        return out

    def call_long(self, method, path, body, timeout=7200):
        """An API call that may take long (the generator): Api.call gives up after 30 s."""
        req = urllib.request.Request("http://%s:%d%s" % (self.srv.host, self.srv.http_port, path),
                                     data=json.dumps(body).encode(), method=method)
        req.add_header("Authorization", "Bearer " + self.srv.token)
        req.add_header("Content-Type", "application/json")
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return json.loads(r.read().decode() or "null")

    def run_model(self, name, full_refresh):
        """POST …/run and poll until it ends: (run, wall ms, server CPU ms)."""
        c0, t0 = self.cpu_ms(), time.perf_counter()
        run = self.ok(202, "POST", "%s/%s/run" % (MODELS, name), {"full_refresh": full_refresh, "downstream": False})
        while run["status"] == "running":
            time.sleep(0.01)
            run = self.ok(200, "GET", "%s/%s/runs/%s" % (MODELS, name, run["id"]))
        wall, cpu = ms(t0), self.cpu_ms() - c0
        if run["status"] != "completed":
            fail("model %s: run %s" % (name, json.dumps(run)))
        return run, wall, cpu

    def latest_run(self, name):
        runs = self.ok(200, "GET", "%s/%s/runs" % (MODELS, name))
        return runs[0] if runs else None

    def run_graph(self, root, names):
        """One POST on `root` with downstream, then poll until each of `names` has a new run that
        ended: (runs by name, wall ms to the last one's end, server CPU ms)."""
        before = {n: (self.latest_run(n) or {}).get("id") for n in names}
        c0, t0 = self.cpu_ms(), time.perf_counter()
        self.ok(202, "POST", "%s/%s/run" % (MODELS, root), {"full_refresh": True, "downstream": True})
        # One request every 20 ms, for the first model (upstream first) not seen ended: polling
        # all of them that often would cost the server a share of the cores it measures.
        done = {}
        while len(done) < len(names):
            n = next(m for m in names if m not in done)
            r = self.latest_run(n)
            if r and r["id"] != before[n] and r["status"] != "running":
                if r["status"] != "completed":
                    fail("model %s: run %s" % (n, json.dumps(r)))
                done[n] = r
                continue
            time.sleep(0.02)
        return done, ms(t0), self.cpu_ms() - c0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--events", type=int, default=10_000_000)
    ap.add_argument("--persons", type=int, default=200_000)
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--lookback", type=int, default=3600)
    ap.add_argument("--generator-order", action="store_true",
                    help="keep the generator's random time order (no rewrite in time order)")
    ap.add_argument("--suites", default="sessions,graph")
    ap.add_argument("--model-workers", type=int,
                    help="DUCKGRES_MODEL_WORKERS for the server: models built at once (its default: 2)")
    ap.add_argument("--quick", action="store_true", help="1M events, 20k persons, one repetition")
    ap.add_argument("--keep-log", help="copy the server log here at the end")
    args = ap.parse_args()
    if args.quick:
        args.events, args.persons, args.reps = 1_000_000, 20_000, 1
    suites = args.suites.split(",")
    new_rows = args.events // 100
    binary = os.environ.get("DUCKGRES_BIN", os.path.join(ROOT, "build-bench", "duckgres"))
    results = {"events": args.events, "persons": args.persons, "reps": args.reps, "new_rows": new_rows,
               "time_ordered": not args.generator_order, "binary": binary, "machine": machine(),
               "started_at": datetime.datetime.utcnow().isoformat(timespec="seconds") + "Z",
               "load_at_start": loadavg()}
    results["model_workers"] = args.model_workers or "default"
    srv = Server(binary=binary)
    srv.start(env={"DUCKGRES_MODEL_WORKERS": str(args.model_workers)} if args.model_workers else None)
    try:
        b = Bench(srv)
        b.ok(201, "POST", "/api/v1/orgs", {"name": ORG})
        b.ok(201, "POST", "/api/v1/orgs/%s/teams" % ORG, {"team_id": TEAM, "name": "web"})
        b.ok(201, "POST", "/api/v1/orgs/%s/users" % ORG, {"username": "alice", "password": "alice-secret-1"})
        b.api.call("PUT", "/api/v1/orgs/%s/duckling" % ORG, {"size": "m"})
        if b.api.wait_state(ORG, ("ready", "failed"))["state"] != "ready":
            fail("the duckling did not start")
        conn = psycopg2.connect(host=srv.host, port=srv.port, dbname=ORG, user="alice", password="alice-secret-1")
        conn.autocommit = True
        cur = conn.cursor()

        def one(sql):
            cur.execute(sql)
            return cur.fetchone()[0]

        def timed(sql):
            t0 = time.perf_counter()
            cur.execute(sql)
            return ms(t0)

        log("generating %d events, %d persons, 30 days" % (args.events, args.persons))
        t0 = time.perf_counter()
        schema = b.call_long("POST", "/api/v1/orgs/%s/teams/%d/generate" % (ORG, TEAM),
                             {"events": args.events, "persons": args.persons, "days": 30})["schema"]
        cur.execute("SET search_path TO %s" % schema)
        if not args.generator_order:
            cur.execute("CREATE TABLE bench_sorted AS SELECT * FROM events ORDER BY timestamp")
            cur.execute("DELETE FROM events")
            cur.execute("INSERT INTO events SELECT * FROM bench_sorted")
            cur.execute("DROP TABLE bench_sorted")
        cur.execute("CHECKPOINT")
        results["events_rows"] = one("SELECT count(*) FROM events")
        log("generated%s in %.0f s into %s: %d events" % ("" if args.generator_order else " and put in time order",
                                                          time.perf_counter() - t0, schema, results["events_rows"]))
        results["version"] = one("SELECT version()")

        if "sessions" in suites:
            sessions(args, b, cur, one, timed, new_rows, results)
        if "graph" in suites:
            graph(args, b, cur, one, results)
        conn.close()
    finally:
        results["load_at_end"] = loadavg()
        srv.stop()
        if args.keep_log:
            with open(args.keep_log, "w") as f:
                f.write(srv.log_text())
        srv.cleanup()
    report(args, results)


def sessions(args, b, cur, one, timed, new_rows, results):
    b.ok(201, "POST", MODELS, {"name": "sessions", "sql": SESSIONS_SQL, "materialization": "incremental",
                               "incremental": {"incremental_key": "ended_at",
                                               "unique_key": ["session_id", "distinct_id"],
                                               "lookback_seconds": args.lookback}})
    # The new rows: the latest session events 3 hours later (the generator's sessions are a
    # person's events in a 3-hour bucket), half in their session, half in a new one.
    cutoff = one('SELECT CAST(timestamp AS text) FROM events WHERE "$session_id" IS NOT NULL '
                 "ORDER BY timestamp DESC LIMIT 1 OFFSET %d" % (new_rows - 1))
    cur.execute(
        "CREATE TABLE bench_new AS SELECT gen_random_uuid() AS uuid, event, properties, "
        "timestamp + interval '3 hours' AS timestamp, distinct_id, person_id, elements_chain, "
        "CASE WHEN hash(uuid) %% 2 = 0 THEN \"$session_id\" ELSE \"$session_id\" || '-next' END "
        "AS \"$session_id\", \"$window_id\", created_at + interval '3 hours' AS created_at, team_id "
        "FROM events WHERE \"$session_id\" IS NOT NULL AND timestamp >= CAST('%s' AS timestamptz) "
        "ORDER BY timestamp DESC LIMIT %d" % (cutoff, new_rows))
    run, wall, cpu = b.run_model("sessions", True)  # the first build
    results["sessions_rows"] = run["rows"]
    log("first build: %d sessions, %d ms (wall %.0f ms)" % (run["rows"], run["duration_ms"], wall))
    if one("SELECT count(*) - count(DISTINCT (session_id, distinct_id)) FROM sessions") != 0:
        fail("(session_id, distinct_id) is not unique in sessions")
    full = {"runner": [], "wall": [], "cpu": []}
    inc = {"runner": [], "wall": [], "cpu": [], "checkpoint": []}
    for rep in range(args.reps + 1):  # the first is a warm-up
        cur.execute("CHECKPOINT")
        run, wall, cpu = b.run_model("sessions", True)
        if run["mode"] != "full_refresh":
            fail("a full_refresh run ran %s" % run["mode"])
        log("rep %d: full rebuild %d ms (wall %.0f ms, server CPU %.0f ms), %d rows"
            % (rep, run["duration_ms"], wall, cpu, run["rows"]))
        if rep > 0:
            full["runner"].append(run["duration_ms"])
            full["wall"].append(wall)
            full["cpu"].append(cpu)
    for rep in range(args.reps + 1):
        cur.execute("INSERT INTO events (%s) SELECT * FROM bench_new" % EVENT_COLUMNS)
        cur.execute("CHECKPOINT")  # what the new rows wrote is not the run's work
        run, wall, cpu = b.run_model("sessions", False)
        if run["mode"] != "incremental":
            fail("the run after the new rows ran %s: %s" % (run["mode"], json.dumps(run)))
        checkpoint = timed("CHECKPOINT")  # what the merge left in the write-ahead log
        log("rep %d: incremental %d ms (wall %.0f ms, server CPU %.0f ms), %d rows merged, read from %s; "
            "CHECKPOINT after it %.0f ms" % (rep, run["duration_ms"], wall, cpu, run["rows"], run.get("read_from"),
                                              checkpoint))
        if rep > 0:
            inc["runner"].append(run["duration_ms"])
            inc["wall"].append(wall)
            inc["cpu"].append(cpu)
            inc["checkpoint"].append(checkpoint)
        results["incremental_rows"] = run["rows"]
        results["read_from"] = run.get("read_from")
        # Row for row what a full rebuild gives on the same data.
        cur.execute("DROP TABLE IF EXISTS bench_expected")
        cur.execute("CREATE TABLE bench_expected AS " + SESSIONS_SQL)
        extra = one("SELECT count(*) FROM (SELECT * FROM sessions EXCEPT ALL SELECT * FROM bench_expected) t")
        missing = one("SELECT count(*) FROM (SELECT * FROM bench_expected EXCEPT ALL SELECT * FROM sessions) t")
        if extra or missing:
            fail("after the incremental run sessions has %d rows a full rebuild does not, and lacks %d of its rows"
                 % (extra, missing))
        log("rep %d: equal to a full rebuild (%d rows)" % (rep, one("SELECT count(*) FROM bench_expected")))
        if rep == 0:
            results["read_rows"] = one("SELECT count(*) FROM events WHERE \"$session_id\" IS NOT NULL AND "
                                       "timestamp >= CAST('%s' AS timestamptz)" % run.get("read_from"))
            results["source_rows"] = one("SELECT count(*) FROM events WHERE \"$session_id\" IS NOT NULL")
        cur.execute("DROP TABLE bench_expected")
        cur.execute("DELETE FROM events WHERE uuid IN (SELECT uuid FROM bench_new)")
        b.run_model("sessions", True)  # back to the base data and its watermark
    s = {"full_ms": median(full["runner"]), "full_wall_ms": median(full["wall"]), "full_cpu_ms": median(full["cpu"]),
         "incremental_ms": median(inc["runner"]), "incremental_wall_ms": median(inc["wall"]),
         "incremental_cpu_ms": median(inc["cpu"]), "checkpoint_after_ms": median(inc["checkpoint"]),
         "full": full, "incremental": inc}
    s["speedup"] = s["full_ms"] / s["incremental_ms"]
    s["speedup_wall"] = s["full_wall_ms"] / s["incremental_wall_ms"]
    s["speedup_cpu"] = s["full_cpu_ms"] / s["incremental_cpu_ms"]
    s["speedup_with_checkpoint"] = s["full_wall_ms"] / (s["incremental_wall_ms"] + s["checkpoint_after_ms"])
    results["sessions"] = s


def graph(args, b, cur, one, results):
    names = [n for n, _ in GRAPH]
    for name, sql in GRAPH:
        b.ok(201, "POST", MODELS, {"name": name, "sql": sql.format(**{n: n for n in names}), "materialization": "table"})
    cur.execute("CREATE SCHEMA IF NOT EXISTS byhand")
    hand_sql = [(n, "DROP TABLE IF EXISTS byhand.%s; CREATE TABLE byhand.%s AS %s"
                 % (n, n, sql.format(**{m: "byhand." + m for m in names}))) for n, sql in GRAPH]
    g = {"runner_wall": [], "runner_span": [], "runner_sum": [], "runner_cpu": [], "hand_wall": [], "hand_cpu": [],
         "per_model_runner": {n: [] for n in names}, "per_model_hand": {n: [] for n in names}}
    for rep in range(args.reps + 1):  # the first is a warm-up
        for who in (("runner", "hand") if rep % 2 == 0 else ("hand", "runner")):
            cur.execute("CHECKPOINT")
            if who == "runner":
                runs, wall, cpu = b.run_graph(names[0], names)
                span = (max(iso(r["finished_at"]) for r in runs.values()) -
                        min(iso(r["started_at"]) for r in runs.values())).total_seconds() * 1000
                total = sum(r["duration_ms"] for r in runs.values())
                log("rep %d: runner %.0f ms wall (first start to last end %.0f ms, summed duration_ms %d), "
                    "server CPU %.0f ms" % (rep, wall, span, total, cpu))
                if rep > 0:
                    g["runner_wall"].append(wall)
                    g["runner_span"].append(span)
                    g["runner_sum"].append(total)
                    g["runner_cpu"].append(cpu)
                    for n, r in runs.items():
                        g["per_model_runner"][n].append(r["duration_ms"])
            else:
                c0, t0 = b.cpu_ms(), time.perf_counter()
                for n, sql in hand_sql:
                    t1 = time.perf_counter()
                    cur.execute(sql)
                    if rep > 0:
                        g["per_model_hand"][n].append(ms(t1))
                wall, cpu = ms(t0), b.cpu_ms() - c0
                log("rep %d: by hand %.0f ms, server CPU %.0f ms" % (rep, wall, cpu))
                if rep > 0:
                    g["hand_wall"].append(wall)
                    g["hand_cpu"].append(cpu)
    for n in names:
        a = one("SELECT count(*) FROM (SELECT * FROM %s EXCEPT ALL SELECT * FROM byhand.%s) t" % (n, n))
        c = one("SELECT count(*) FROM (SELECT * FROM byhand.%s EXCEPT ALL SELECT * FROM %s) t" % (n, n))
        if a or c:
            fail("model %s differs from the same SQL run by hand (%d/%d rows)" % (n, a, c))
    out = {"models": len(names), "runner_wall_ms": median(g["runner_wall"]), "runner_span_ms": median(g["runner_span"]),
           "runner_sum_ms": median(g["runner_sum"]), "runner_cpu_ms": median(g["runner_cpu"]),
           "hand_ms": median(g["hand_wall"]), "hand_cpu_ms": median(g["hand_cpu"]),
           "per_model_runner_ms": {n: median(v) for n, v in g["per_model_runner"].items()},
           "per_model_hand_ms": {n: median(v) for n, v in g["per_model_hand"].items()}, "runs": g}
    out["overhead"] = out["runner_wall_ms"] / out["hand_ms"]
    out["overhead_cpu"] = out["runner_cpu_ms"] / out["hand_cpu_ms"]
    results["graph"] = out


def report(args, results):
    print("\n%d events (%s), %d persons; median of %d after a warm-up; %s, %d cores, load %.1f → %.1f; "
          "model workers: %s" % (args.events, "time order" if results["time_ordered"] else "generator order",
                                 args.persons, args.reps, results["machine"]["commit"], results["machine"]["cpus"],
                                 results["load_at_start"], results["load_at_end"], results["model_workers"]))
    if "sessions" in results:
        s = results["sessions"]
        print("\n| sessions model | run's duration_ms | wall, POST → completed | server CPU |")
        print("|---|---:|---:|---:|")
        print("| full rebuild (%d sessions) | %.0f ms | %.0f ms | %.0f ms |" %
              (results["sessions_rows"], s["full_ms"], s["full_wall_ms"], s["full_cpu_ms"]))
        print("| incremental after %d new events (%d sessions merged) | %.0f ms | %.0f ms | %.0f ms |" %
              (results["new_rows"], results["incremental_rows"], s["incremental_ms"], s["incremental_wall_ms"],
               s["incremental_cpu_ms"]))
        print("| speed-up (goal ≥ 20×) | %.1f× | %.1f× | %.1f× |" % (s["speedup"], s["speedup_wall"], s["speedup_cpu"]))
        print("| CHECKPOINT right after the incremental run (not in it) | | %.0f ms | |" % s["checkpoint_after_ms"])
        print("| speed-up counting that checkpoint | | %.1f× | |" % s["speedup_with_checkpoint"])
        print("\nThe incremental run read from %s: %d of %d session events."
              % (results.get("read_from"), results.get("read_rows", 0), results.get("source_rows", 0)))
    if "graph" in results:
        g = results["graph"]
        print("\n| graph of %d table models | wall | server CPU |" % g["models"])
        print("|---|---:|---:|")
        print("| runner: one POST with downstream, until the last model ended | %.0f ms | %.0f ms |" %
              (g["runner_wall_ms"], g["runner_cpu_ms"]))
        print("| the same SQL by hand (psycopg2, one after the other) | %.0f ms | %.0f ms |" %
              (g["hand_ms"], g["hand_cpu_ms"]))
        print("| runner / by hand (goal ≤ 1.1×) | %.2f× | %.2f× |" % (g["overhead"], g["overhead_cpu"]))
        print("\n| model | runner duration_ms | by hand ms |")
        print("|---|---:|---:|")
        for n in g["per_model_runner_ms"]:
            print("| %s | %.0f | %.0f |" % (n, g["per_model_runner_ms"][n], g["per_model_hand_ms"][n]))
    os.makedirs(os.path.join(ROOT, "bench", "results"), exist_ok=True)
    with open(os.path.join(ROOT, "bench", "results", "models_latest.json"), "w") as f:
        json.dump(results, f, indent=2)


if __name__ == "__main__":
    main()
