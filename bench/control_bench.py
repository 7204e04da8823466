#!/usr/bin/python3
"""Control-plane measurements (docs/control-plane.md): provisioning latency, memory per idle
duckling, and many ducklings on one machine.

    bench/control_bench.py [--ducklings 200] [--latency-runs 10] [--isolation none|process]

Starts duckgres ($DUCKGRES_BIN, default build-bench/duckgres or build/duckgres) with a
temporary data dir and the SQLite config store, then:
- latency: for each of --latency-runs fresh orgs, the time from `PUT …/duckling` (size xs)
  to the first successful `SELECT 1` of a new psycopg2 session as the org's user (polling
  connect every 20 ms), median/min/max;
- many: provisions --ducklings more (org + user + PUT each), waits until all are ready,
  connects to every one and runs a query; reports the wall time and the memory before and
  after, i.e. what an idle (open, sessionless) duckling costs: the server's RSS, and the
  proportional set size (PSS: shared pages split between the processes sharing them) of the
  server plus its `duckgres worker` processes, which is what --isolation process costs;
- warm reuse against cold start: a new session on a duckling that is open (with
  --isolation process: whose worker runs) and on one closed (retired) after its idle timeout.
"""
import argparse
import json
import os
import statistics
import sys
import time

import psycopg2

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "control"))
from control_lib import Api, Server  # noqa: E402
from bench import pss_kib, rss_kib  # noqa: E402  (bench/bench.py, beside this file)


def tree_pss_kib(pid):
    """PSS of the server and its worker processes."""
    try:
        with open("/proc/%d/task/%d/children" % (pid, pid)) as f:
            children = [int(c) for c in f.read().split()]
    except OSError:
        children = []
    return pss_kib([pid] + children), len(children)


def first_query(srv, org, password, deadline):
    while time.monotonic() < deadline:
        try:
            c = psycopg2.connect(host=srv.host, port=srv.port, dbname=org, user="u", password=password)
            c.cursor().execute("SELECT 1")
            c.close()
            return True
        except psycopg2.OperationalError:
            time.sleep(0.02)
    return False


def pgbench_tps(srv, org, password, clients, seconds, query):
    import re
    import subprocess
    import tempfile
    with tempfile.NamedTemporaryFile("w", suffix=".sql", delete=False) as f:
        f.write(query + "\n")
    env = dict(os.environ, PGPASSWORD=password)
    out = subprocess.run(["pgbench", "-n", "-f", f.name, "-c", str(clients), "-j", str(min(clients, 2)),
                          "-T", str(seconds), "-h", srv.host, "-p", str(srv.port), "-U", "u", org],
                         env=env, capture_output=True, text=True, timeout=seconds + 60)
    os.unlink(f.name)
    m = re.search(r"tps = ([0-9.]+)", out.stdout)
    assert m, out.stdout + out.stderr
    return float(m.group(1))


def relay_cost(binary, password, seconds):
    """Session throughput with the duckling in the server process and in a worker (relayed)."""
    out = {}
    for isolation in ("none", "process"):
        srv = Server(binary=binary)
        srv.start(extra_args=["--isolation", isolation])
        api = Api(srv)
        try:
            api.call("POST", "/api/v1/orgs", {"name": "relay"})
            api.call("POST", "/api/v1/orgs/relay/users", {"username": "u", "password": password})
            api.call("PUT", "/api/v1/orgs/relay/duckling", {"size": "s"})
            assert first_query(srv, "relay", password, time.monotonic() + 60)
            for clients in (1, 8):
                out["%s_select1_c%d_tps" % (isolation, clients)] = pgbench_tps(
                    srv, "relay", password, clients, seconds, "SELECT 1")
            out["%s_sum_c1_tps" % isolation] = pgbench_tps(
                srv, "relay", password, 1, seconds, "SELECT sum(i) FROM range(10000000) t(i)")
        finally:
            srv.stop()
            srv.cleanup()
    print("relay cost, pgbench tps in-process / worker: SELECT 1 at 1 client %.0f / %.0f, at 8 clients %.0f / %.0f; "
          "sum over 10M rows at 1 client %.1f / %.1f"
          % (out["none_select1_c1_tps"], out["process_select1_c1_tps"], out["none_select1_c8_tps"],
             out["process_select1_c8_tps"], out["none_sum_c1_tps"], out["process_sum_c1_tps"]))
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--ducklings", type=int, default=200)
    ap.add_argument("--latency-runs", type=int, default=10)
    ap.add_argument("--isolation", choices=("none", "process"), default="none")
    ap.add_argument("--relay-seconds", type=int, default=10,
                    help="pgbench run length comparing in-process and worker sessions (0 = skip)")
    args = ap.parse_args()
    isolation = ["--isolation", args.isolation]
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    binary = os.environ.get("DUCKGRES_BIN") or next(
        p for p in (os.path.join(root, "build-bench", "duckgres"), os.path.join(root, "build", "duckgres"))
        if os.path.exists(p))
    srv = Server(binary=binary)
    srv.start(extra_args=isolation)
    api = Api(srv)
    password = "bench-password-1"
    results = {}
    try:
        lat = []
        for i in range(args.latency_runs):
            org = "lat%d" % i
            api.call("POST", "/api/v1/orgs", {"name": org})
            api.call("POST", "/api/v1/orgs/%s/users" % org, {"username": "u", "password": password})
            start = time.monotonic()
            s, _ = api.call("PUT", "/api/v1/orgs/%s/duckling" % org, {"size": "xs"})
            assert s == 202, s
            assert first_query(srv, org, password, start + 60), "no first query for " + org
            lat.append((time.monotonic() - start) * 1000)
        results["provisioning_latency_ms"] = {"median": statistics.median(lat), "min": min(lat), "max": max(lat)}
        print("provisioning latency (PUT -> first SELECT 1), ms: median %.1f, min %.1f, max %.1f"
              % (statistics.median(lat), min(lat), max(lat)))

        before = rss_kib(srv.proc.pid)
        pss_before, _ = tree_pss_kib(srv.proc.pid)
        start = time.monotonic()
        orgs = ["many%d" % i for i in range(args.ducklings)]
        for org in orgs:
            api.call("POST", "/api/v1/orgs", {"name": org})
            api.call("POST", "/api/v1/orgs/%s/users" % org, {"username": "u", "password": password})
            s, _ = api.call("PUT", "/api/v1/orgs/%s/duckling" % org, {"size": "xs"})
            assert s == 202, s
        pending = set(orgs)
        while pending and time.monotonic() - start < 600:
            s, body = api.call("GET", "/api/v1/orgs")
            for org in list(pending):
                s, d = api.call("GET", "/api/v1/orgs/%s/duckling" % org)
                if d["state"] == "ready":
                    pending.discard(org)
                elif d["state"] == "failed":
                    raise RuntimeError("%s failed: %s" % (org, d["status_message"]))
            time.sleep(0.2)
        ready_s = time.monotonic() - start
        assert not pending, "not ready: %s" % sorted(pending)[:5]
        after_ready = rss_kib(srv.proc.pid)
        for org in orgs:
            c = psycopg2.connect(host=srv.host, port=srv.port, dbname=org, user="u", password=password)
            cur = c.cursor()
            cur.execute("CREATE TABLE t AS SELECT range AS i FROM range(1000)")
            cur.execute("SELECT count(*) FROM t")
            assert cur.fetchone()[0] == 1000
            c.commit()
            c.close()
        time.sleep(1)
        after_used = rss_kib(srv.proc.pid)
        pss_after, workers = tree_pss_kib(srv.proc.pid)
        results["many"] = {"ducklings": args.ducklings, "all_ready_s": ready_s,
                           "rss_before_kib": before, "rss_ready_kib": after_ready, "rss_after_queries_kib": after_used,
                           "per_idle_duckling_kib": (after_used - before) / args.ducklings,
                           "pss_before_kib": pss_before, "pss_after_kib": pss_after, "workers": workers,
                           "pss_per_idle_duckling_kib": (pss_after - pss_before) / args.ducklings}
        print("PSS of the server and its %d workers: %d -> %d KiB: %.0f KiB per idle duckling"
              % (workers, pss_before, pss_after, (pss_after - pss_before) / args.ducklings))
        print("%d ducklings: all ready in %.1f s (%.1f ms each); server RSS %d -> %d KiB when ready, %d KiB after a "
              "session and a table in each: %.0f KiB per idle duckling"
              % (args.ducklings, ready_s, ready_s * 1000 / args.ducklings, before, after_ready, after_used,
                 (after_used - before) / args.ducklings))
    finally:
        srv.stop()
        srv.cleanup()

    # Warm reuse against cold start: a new session on an open duckling, and on one closed
    # after --duckling-idle-timeout (the next session reopens its database).
    srv = Server(binary=binary)
    srv.start(extra_args=["--duckling-idle-timeout", "1"] + isolation)
    api = Api(srv)
    try:
        api.call("POST", "/api/v1/orgs", {"name": "warm"})
        api.call("POST", "/api/v1/orgs/warm/users", {"username": "u", "password": password})
        api.call("PUT", "/api/v1/orgs/warm/duckling", {"size": "xs"})
        assert first_query(srv, "warm", password, time.monotonic() + 60)
        hot, cold = [], []
        for i in range(args.latency_runs):
            keep = psycopg2.connect(host=srv.host, port=srv.port, dbname="warm", user="u", password=password)
            start = time.monotonic()
            first_query(srv, "warm", password, start + 60)
            hot.append((time.monotonic() - start) * 1000)
            keep.close()
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline:
                s, d = api.call("GET", "/api/v1/orgs/warm/duckling")
                if d.get("runtime", {}).get("warm") is False:
                    break
                time.sleep(0.1)
            assert d["runtime"]["warm"] is False, d
            start = time.monotonic()
            first_query(srv, "warm", password, start + 60)
            cold.append((time.monotonic() - start) * 1000)
        for name, v in (("warm_reuse_ms", hot), ("cold_start_ms", cold)):
            results[name] = {"median": statistics.median(v), "min": min(v), "max": max(v)}
        print("new session + SELECT 1, ms: warm duckling median %.1f (min %.1f, max %.1f); cold start "
              "(database reopened) median %.1f (min %.1f, max %.1f)"
              % (statistics.median(hot), min(hot), max(hot), statistics.median(cold), min(cold), max(cold)))
    finally:
        srv.stop()
        srv.cleanup()
    if args.relay_seconds > 0:
        results["relay"] = relay_cost(binary, password, args.relay_seconds)
    results["isolation"] = args.isolation
    print(json.dumps(results))


if __name__ == "__main__":
    main()
