#!/usr/bin/python3
"""PostHog ingestion throughput (docs/posthog-data.md): capture and bootstrap.

    bench/ingest_bench.py [--seconds 10] [--clients 6] [--rows 1000000] [--size s]

Starts duckgres ($DUCKGRES_BIN, default build-bench/duckgres or build/duckgres) with a
temporary data dir, an organization with one team and a duckling of --size, then:
- capture: wrk (Debian's, one thread) posts batches of 100 `$pageview` events to /batch over
  --clients keep-alive connections for --seconds; reports acknowledged events/s and how long the
  ingester then takes to have every event in the table;
- bootstrap: writes --rows events as JSON Lines (10 files) under a readable directory and
  backfills them with `duckgres ctl bootstrap`; reports rows/s over the wall time, the job's own
  rows_per_second and the server's CPU time per event;
- bootstrap-realistic (not run by default): the same with --rows events of the generator,
  exported to JSON Lines first.
The clients run on the same machine, so capture figures include their cost.
"""
import argparse
import datetime
import http.client
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import uuid

import psycopg2

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "control"))
from control_lib import Api, Server  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=int, default=10)
    ap.add_argument("--clients", type=int, default=16)
    ap.add_argument("--rows", type=int, default=1000000)
    ap.add_argument("--size", default="s")
    ap.add_argument("--suites", default="capture,bootstrap",
                    help="comma-separated: capture, bootstrap, bootstrap-realistic")
    args = ap.parse_args()
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    binary = os.environ.get("DUCKGRES_BIN") or next(
        p for p in (os.path.join(root, "build-bench", "duckgres"), os.path.join(root, "build", "duckgres"))
        if os.path.exists(p))
    tmp = tempfile.mkdtemp(prefix="duckgres-ingest-bench-")
    exports = os.path.join(tmp, "exports")
    os.makedirs(exports)
    srv = Server(binary=binary)
    results = {}
    try:
        srv.start(extra_args=["--readable-directories", exports] + (["--log-level", "debug"] if os.environ.get("BENCH_DEBUG") else [])
                  + os.environ.get("BENCH_SERVER_ARGS", "").split())
        api = Api(srv)
        api.call("POST", "/api/v1/orgs", {"name": "bench"})
        s, team = api.call("POST", "/api/v1/orgs/bench/teams", {"team_id": 1, "name": "web"})
        api.call("POST", "/api/v1/orgs/bench/users", {"username": "u", "password": "bench-password-1"})
        api.call("PUT", "/api/v1/orgs/bench/duckling", {"size": args.size})
        assert api.wait_state("bench", ("ready",))["state"] == "ready"
        key = team["api_token"]

        def count():
            c = psycopg2.connect(host=srv.host, port=srv.port, dbname="bench", user="u", password="bench-password-1")
            cur = c.cursor()
            cur.execute("SELECT count(*) FROM team_1.events")
            n = cur.fetchone()[0]
            c.close()
            return n

        def server_cpu():
            # utime + stime of the server process (workers included after they exit)
            f = open("/proc/%d/stat" % srv.proc.pid).read().rsplit(")", 1)[1].split()
            return sum(int(x) for x in f[11:15]) / os.sysconf("SC_CLK_TCK")

        suites = args.suites.split(",")
        if "capture" in suites:
            body = json.dumps({"api_key": key, "batch": [
                {"event": "$pageview", "distinct_id": "user-%d" % i,
                 "properties": {"$current_url": "https://shop.example/p/%d" % (i % 50), "$browser": "Chrome",
                                "$os": "Mac OS X", "$session_id": "s-%d" % (i // 10)}} for i in range(100)]}).encode()
            # wrk (C, epoll) drives the load: Python clients would measure the GIL, not the server.
            with open(os.path.join(tmp, "body.json"), "wb") as f:
                f.write(body)
            with open(os.path.join(tmp, "post.lua"), "w") as f:
                f.write('wrk.method = "POST"\nwrk.headers["Content-Type"] = "application/json"\n'
                        'local f = io.open("%s")\nwrk.body = f:read("*a")\nf:close()\n' % os.path.join(tmp, "body.json"))
            cpu0 = server_cpu()
            out = subprocess.run(["wrk", "-t1", "-c%d" % args.clients, "-d%ds" % args.seconds, "-s",
                                  os.path.join(tmp, "post.lua"), "http://%s:%d/batch" % (srv.host, srv.http_port)],
                                 capture_output=True, text=True, check=True).stdout
            requests, elapsed = re.search(r"(\d+) requests in ([\d.]+)s", out).groups()
            failed = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
            acked = [(int(requests) - (int(failed.group(1)) if failed else 0)) * 100]
            elapsed = float(elapsed)
            t1 = time.monotonic()
            while count() < acked[0] and time.monotonic() - t1 < 120:
                time.sleep(0.1)
            lag = time.monotonic() - t1
            cpu_us = (server_cpu() - cpu0) * 1e6 / max(acked[0], 1)
            c = psycopg2.connect(host=srv.host, port=srv.port, dbname="bench", user="u", password="bench-password-1")
            cur = c.cursor()
            cur.execute("SELECT count(*) - count(DISTINCT uuid) FROM team_1.events")
            assert cur.fetchone()[0] == 0, "made uuids repeat"
            c.close()
            results["capture"] = {"events": acked[0], "seconds": elapsed, "events_per_second": acked[0] / elapsed,
                                  "ingest_lag_seconds": lag, "clients": args.clients, "server_cpu_us_per_event": cpu_us}
            print("capture: %d events acknowledged in %.1f s: %.0f events/s (batches of 100, %d clients); all in the "
                  "table %.1f s later; server CPU %.2f us/event (HTTP and ingester)"
                  % (acked[0], elapsed, acked[0] / elapsed, args.clients, lag, cpu_us))

        def bootstrap(directory, team_id, label):
            # One `ctl bootstrap` of every file in `directory`: its wall time, the job's own rate
            # and the server's CPU time per event (steadier than the rate on a shared machine).
            files = [f for f in os.listdir(directory) if os.path.isfile(os.path.join(directory, f))]
            size = sum(os.path.getsize(os.path.join(directory, f)) for f in files)
            # What capture or the generator left in the write-ahead log is checkpointed first: the
            # bootstrap's first commit would otherwise pay for it.
            c = psycopg2.connect(host=srv.host, port=srv.port, dbname="bench", user="u", password="bench-password-1")
            c.autocommit = True
            c.cursor().execute("CHECKPOINT")
            c.close()
            env = dict(os.environ, DUCKGRES_URL="http://%s:%d" % (srv.host, srv.http_port), DUCKGRES_TOKEN=srv.token)
            cpu0 = server_cpu()
            start = time.monotonic()
            out = subprocess.run([binary, "ctl", "--json", "bootstrap", "bench", str(team_id), directory], env=env,
                                 capture_output=True, text=True, timeout=3600)
            wall = time.monotonic() - start
            cpu = server_cpu() - cpu0
            job = json.loads(out.stdout)
            assert job["state"] == "done", out.stdout + out.stderr
            results[label] = {"rows": job["rows"], "rows_inserted": job["rows_inserted"], "bytes": size, "seconds": wall,
                              "rows_per_second": job["rows"] / wall, "job_rows_per_second": job["rows_per_second"],
                              "server_cpu_us_per_row": cpu * 1e6 / job["rows"]}
            print("%s: %d JSON Lines events (%.0f MB, %d files) in %.2f s: %.0f rows/s (the job's own rate %d); "
                  "server CPU %.2f us/event" % (label, job["rows"], size / 1e6, len(files), wall,
                                                job["rows"] / wall, job["rows_per_second"], cpu * 1e6 / job["rows"]))

        if "bootstrap" in suites:
            # Bootstrap: JSON Lines, 10 files, events of five keys.
            t0 = datetime.datetime(2025, 1, 1, tzinfo=datetime.timezone.utc)
            per = args.rows // 10
            for k in range(10):
                with open(os.path.join(exports, "events-%02d.jsonl" % k), "w") as f:
                    for i in range(k * per, (k + 1) * per):
                        f.write(json.dumps({"uuid": str(uuid.UUID(int=i + 1)), "event": "$pageview",
                                            "distinct_id": "user-%d" % (i % 10000),
                                            "timestamp": (t0 + datetime.timedelta(seconds=i)).isoformat(),
                                            "properties": {"$current_url": "https://shop.example/p/%d" % (i % 50)}}) + "\n")
            bootstrap(exports, 1, "bootstrap")
        if "bootstrap-realistic" in suites:
            # Realistic events: the generator's (sessions, autocapture, funnels; ~0.6 KB a line)
            # in a scratch team, exported as PostHog writes them, then bootstrapped into a team
            # of their own.
            api.call("POST", "/api/v1/orgs/bench/teams", {"team_id": 2, "name": "generated"})
            api.call("POST", "/api/v1/orgs/bench/teams", {"team_id": 3, "name": "imported"})
            s, _ = api.call("POST", "/api/v1/orgs/bench/teams/2/generate", {"events": args.rows, "persons": args.rows // 50})
            assert s in (200, 201), (s, _)
            realistic = os.path.join(exports, "realistic")
            os.makedirs(realistic)
            c = psycopg2.connect(host=srv.host, port=srv.port, dbname="bench", user="u", password="bench-password-1")
            cur = c.cursor("export")
            cur.itersize = 50000
            cur.execute("SELECT CAST(json_object('uuid', CAST(uuid AS VARCHAR), 'event', event, 'distinct_id', distinct_id, "
                        "'timestamp', strftime(timestamp AT TIME ZONE 'UTC', '%Y-%m-%dT%H:%M:%S.%fZ'), 'properties', properties, "
                        "'elements_chain', elements_chain, 'person_id', CAST(person_id AS VARCHAR)) AS VARCHAR) FROM team_2.events")
            files = [open(os.path.join(realistic, "events-%02d.jsonl" % k), "w") for k in range(10)]
            for i, (line,) in enumerate(cur):
                files[i % 10].write(line + "\n")
            for f in files:
                f.close()
            c.close()
            bootstrap(realistic, 3, "bootstrap-realistic")
        print(json.dumps(results))
    finally:
        if os.environ.get("BENCH_DEBUG"):
            print(open(srv.log_path).read()[-3000:])
        srv.stop()
        srv.cleanup()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
