#!/usr/bin/python3
"""Change data capture lag under a steady stream of updates (issue 21).

    bench/cdc_lag_bench.py [--rate N] [--seconds N] [--rows N]

A throwaway PostgreSQL 15 (wal_level=logical) holds a table of --rows rows (id, v, at). A
source of kind postgres streams it with sync_type cdc. pgbench then runs single-row UPDATE
transactions at --rate per second (5,000 by default, its -R throttle) for --seconds, each
setting `at = clock_timestamp()`. Lag is measured two ways:
  - as the connector reports it: for each transaction, from its commit in PostgreSQL to the
    commit of the duckling transaction that applied it (the table's `cdc.lag_*` fields; the
    samples of the run itself are read from the connector's window);
  - from outside: every 100 ms, the query's start less max(at) of the landed table (DuckDB reads
    the snapshot its query starts with; the query's own time is reported apart).
At the end the landed table must equal the source (count and sum of v). Prints a Markdown
table and writes bench/results/cdc_lag_latest.json. Uses DUCKGRES_BIN (default
build-bench/duckgres).
"""
import argparse
import datetime
import json
import os
import subprocess
import sys
import tempfile
import threading
import time

import psycopg2

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests", "control"))
from control_lib import Server  # noqa: E402
from pg_instance import PG_BIN, PgInstance  # noqa: E402

sys.path.insert(0, os.path.join(ROOT, "bench"))
from sources_bench import bench_source  # noqa: E402  (bench/sources_bench.py)


def log(msg):
    print("[cdc-bench] %s" % msg, file=sys.stderr, flush=True)


def percentile(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(p * len(values)))] if values else None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rate", type=int, default=5000)
    ap.add_argument("--seconds", type=int, default=30)
    ap.add_argument("--rows", type=int, default=100_000)
    args = ap.parse_args()
    binary = os.environ.get("DUCKGRES_BIN", os.path.join(ROOT, "build-bench", "duckgres"))
    results = {"rate": args.rate, "seconds": args.seconds, "rows": args.rows}
    with PgInstance(settings=["wal_level=logical", "max_replication_slots=4", "max_wal_senders=4"]) as pg:
        pg.create_database("src")
        up = psycopg2.connect(pg.uri("src"))
        up.autocommit = True
        up.cursor().execute("CREATE TABLE hot (id int PRIMARY KEY, v bigint NOT NULL, at timestamptz NOT NULL);"
                            "INSERT INTO hot SELECT i, 0, now() FROM generate_series(1, %d) AS i" % args.rows)
        srv = Server(binary=binary)
        srv.start()
        try:
            api, duck, base = bench_source(srv, pg)
            s, body = api.call("PATCH", base + "/src/tables/hot", {"enabled": True, "sync_type": "cdc"})
            assert s == 200, body

            def landed(sql):
                try:
                    cur = duck.cursor()
                    cur.execute(sql)
                    return cur.fetchall()
                except psycopg2.Error:
                    return None
            deadline = time.monotonic() + 120
            while landed("SELECT count(*) FROM src.hot") != [(args.rows,)]:
                assert time.monotonic() < deadline, "the snapshot did not land"
                time.sleep(0.2)
            log("snapshot landed; %d updates/s for %d s" % (args.rate, args.seconds))

            def cdc_status():
                s, tables = api.call("GET", base + "/src/tables")
                return {t["name"]: t for t in tables}["public.hot"].get("cdc") or {}
            outside, query_ms = [], []
            stop = threading.Event()

            def poll():
                while not stop.is_set():
                    # DuckDB reads from the snapshot its query starts with: freshness is
                    # measured at the start (the query's own time is reported apart).
                    start = datetime.datetime.now(datetime.timezone.utc)
                    r = landed("SELECT max(at) FROM src.hot")
                    took = datetime.datetime.now(datetime.timezone.utc) - start
                    if r and r[0][0]:
                        outside.append((start - r[0][0]).total_seconds() * 1000)
                        query_ms.append(took.total_seconds() * 1000)
                    time.sleep(0.1)
            poller = threading.Thread(target=poll)
            script = os.path.join(tempfile.mkdtemp(prefix="cdc-bench-"), "update.sql")
            with open(script, "w") as f:
                f.write("\\set id random(1, %d)\nUPDATE hot SET v = v + 1, at = clock_timestamp() WHERE id = :id;\n"
                        % args.rows)
            env = dict(os.environ, PGPASSWORD=pg.password)
            poller.start()
            bench = subprocess.Popen([os.path.join(PG_BIN, "pgbench"), "-n", "-h", "127.0.0.1", "-p", str(pg.port),
                                      "-U", "postgres", "-f", script, "-R", str(args.rate), "-T", str(args.seconds),
                                      "-c", "4", "-j", "2", "src"],
                                     env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
            # Until the first updates land, max(at) is the load's time: those samples go.
            time.sleep(2)
            outside.clear()
            query_ms.clear()
            before = cdc_status().get("lag_samples", 0)
            output, _ = bench.communicate()
            assert bench.returncode == 0, output
            bench.stdout = output
            tps = [line for line in bench.stdout.splitlines() if line.startswith("tps")]
            cur = up.cursor()
            cur.execute("SELECT count(*), sum(v) FROM hot")
            want = cur.fetchall()
            deadline = time.monotonic() + 60
            while landed("SELECT count(*), sum(v) FROM src.hot") != want:
                assert time.monotonic() < deadline, "the landed table did not converge"
                time.sleep(0.1)
            stop.set()
            poller.join()
            status = cdc_status()
            updates = int(want[0][1])
            log("pgbench: %s; %d updates landed" % (tps, updates))
            results.update({
                "updates": updates, "pgbench_tps": tps[0] if tps else None,
                "connector_lag_p50_ms": status.get("lag_p50_ms"),
                "connector_lag_p99_ms": status.get("lag_p99_ms"),
                "connector_samples": status.get("lag_samples", 0) - before,
                "outside_lag_p50_ms": round(percentile(outside, 0.5) or 0),
                "outside_lag_p99_ms": round(percentile(outside, 0.99) or 0),
                "outside_lag_max_ms": round(max(outside) if outside else 0),
                "outside_samples": len(outside),
                "poll_query_p99_ms": round(percentile(query_ms, 0.99) or 0),
            })
            duck.close()
        finally:
            srv.stop()
            srv.cleanup()
    print("\n| CDC at %d updates/s for %d s | p50 | p99 |" % (args.rate, args.seconds))
    print("|---|---:|---:|")
    print("| commit upstream → applied in the duckling (connector) | %s ms | %s ms |"
          % (results["connector_lag_p50_ms"], results["connector_lag_p99_ms"]))
    print("| query start − max(at) landed, polled every 100 ms | %s ms | %s ms |"
          % (results["outside_lag_p50_ms"], results["outside_lag_p99_ms"]))
    print("| the polling query's own time | | %s ms |" % results["poll_query_p99_ms"])
    print("| updates landed | %s (%s) | |" % (results["updates"], results["pgbench_tps"]))
    os.makedirs(os.path.join(ROOT, "bench", "results"), exist_ok=True)
    with open(os.path.join(ROOT, "bench", "results", "cdc_lag_latest.json"), "w") as f:
        json.dump(results, f, indent=2)


if __name__ == "__main__":
    main()
