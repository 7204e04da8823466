#!/usr/bin/python3
"""A full refresh from PostgreSQL against the baseline, side by side (issue 21).

    bench/sources_bench.py [--rows N] [--reps N] [--quick]

A throwaway PostgreSQL 15 holds a narrow table (--rows, 10M by default: id bigint, k int,
v double precision, s text; primary key id). The baseline is what one would do by hand:
`psql -c "\\copy narrow TO 'narrow.csv' (FORMAT csv)"`, then DuckDB reading that file into a
table (read_csv through duckgres, --readable-directories). The sync is a source of kind
postgres with the table enabled (full_refresh), run through the API until completed. Peak RSS
of the duckgres process (in-process duckling) is sampled every 50 ms during the sync.
Prints a Markdown table and writes bench/results/sources_latest.json. Uses DUCKGRES_BIN
(default build-bench/duckgres).
"""
import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time

import psycopg2

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests", "control"))
from control_lib import Api, Server  # noqa: E402
from pg_instance import PG_BIN, PgInstance  # noqa: E402

sys.path.insert(0, os.path.join(ROOT, "bench"))
from bench import rss_kib  # noqa: E402  (bench/bench.py)


def log(msg):
    print("[sources-bench] %s" % msg, file=sys.stderr, flush=True)


def bench_source(srv, pg):
    """Org "bench" (team 1, user ana, an m duckling) with a postgres source "src" over `pg`'s
    database src: (api, a connection to the duckling, the sources' base path)."""
    api = Api(srv)
    api.call("POST", "/api/v1/orgs", {"name": "bench"})
    api.call("POST", "/api/v1/orgs/bench/teams", {"team_id": 1, "name": "t"})
    api.call("POST", "/api/v1/orgs/bench/users", {"username": "ana", "password": "ana-secret-1"})
    api.call("PUT", "/api/v1/orgs/bench/duckling", {"size": "m"})
    api.wait_state("bench", ("ready",))
    duck = psycopg2.connect(host=srv.host, port=srv.port, dbname="bench", user="ana", password="ana-secret-1")
    duck.autocommit = True
    base = "/api/v1/orgs/bench/teams/1/sources"
    s, body = api.call("POST", base, {"name": "src", "kind": "postgres", "connection": {
        "host": "127.0.0.1", "port": pg.port, "database": "src", "user": "postgres",
        "password": pg.password, "sslmode": "disable"}})
    assert s == 201, body
    return api, duck, base


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=10_000_000)
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--quick", action="store_true", help="1M rows, one repetition")
    args = ap.parse_args()
    if args.quick:
        args.rows, args.reps = 1_000_000, 1
    binary = os.environ.get("DUCKGRES_BIN", os.path.join(ROOT, "build-bench", "duckgres"))
    work = tempfile.mkdtemp(prefix="sources-bench-")
    os.chmod(work, 0o777)  # psql's \copy runs as this user; PostgreSQL never writes here
    results = {"rows": args.rows, "reps": args.reps}
    with PgInstance() as pg:
        pg.create_database("src")
        up = psycopg2.connect(pg.uri("src"))
        up.autocommit = True
        log("filling %d rows in PostgreSQL" % args.rows)
        up.cursor().execute("CREATE TABLE narrow AS SELECT i::bigint AS id, (i %% 1000)::int AS k, "
                            "i * 0.5::double precision AS v, 'name-' || i AS s "
                            "FROM generate_series(1, %d) AS i; ALTER TABLE narrow ADD PRIMARY KEY (id)"
                            % args.rows)
        up.cursor().execute("VACUUM ANALYZE narrow")
        srv = Server(binary=binary)
        srv.start(extra_args=["--readable-directories", work])
        try:
            api, duck, base = bench_source(srv, pg)
            s, body = api.call("PATCH", base + "/src/tables/narrow", {"enabled": True, "frequency": "manual"})
            assert s == 200, body

            baseline, synced, peaks = [], [], []
            csv_path = os.path.join(work, "narrow.csv")
            env = dict(os.environ, PGPASSWORD=pg.password)
            for rep in range(args.reps + 1):  # the first is a warm-up
                t = time.perf_counter()
                subprocess.run([os.path.join(PG_BIN, "psql"), "-h", "127.0.0.1", "-p", str(pg.port),
                                "-U", "postgres", "-d", "src", "-c",
                                "\\copy narrow TO '%s' (FORMAT csv)" % csv_path],
                               check=True, env=env, stdout=subprocess.DEVNULL)
                dumped = time.perf_counter() - t
                cur = duck.cursor()
                cur.execute("DROP TABLE IF EXISTS baseline")
                t = time.perf_counter()
                cur.execute("CREATE TABLE baseline AS SELECT * FROM read_csv('%s', columns = {'id': 'BIGINT', "
                            "'k': 'INTEGER', 'v': 'DOUBLE', 's': 'VARCHAR'}, header = false)" % csv_path)
                loaded = time.perf_counter() - t
                os.remove(csv_path)

                idle = rss_kib(srv.proc.pid)
                peak = [idle]
                stop = threading.Event()

                def sample():
                    while not stop.is_set():
                        peak[0] = max(peak[0], rss_kib(srv.proc.pid))
                        time.sleep(0.05)
                sampler = threading.Thread(target=sample)
                sampler.start()
                t = time.perf_counter()
                s, run = api.call("POST", base + "/src/sync", {})
                while run.get("status") == "running":
                    time.sleep(0.05)
                    s, run = api.call("GET", "%s/src/runs/%s" % (base, run["id"]))
                took = time.perf_counter() - t
                stop.set()
                sampler.join()
                assert run["status"] == "completed" and run["rows"] == args.rows, run
                got = duck.cursor()
                got.execute("SELECT count(*), sum(id), sum(k), sum(v) FROM src.narrow")
                want = duck.cursor()
                want.execute("SELECT count(*), sum(id), sum(k), sum(v) FROM baseline")
                assert got.fetchall() == want.fetchall()
                log("rep %d: baseline %.2f s (psql %.2f + DuckDB %.2f), sync %.2f s, peak RSS +%d MiB"
                    % (rep, dumped + loaded, dumped, loaded, took, (peak[0] - idle) // 1024))
                if rep > 0:
                    baseline.append(dumped + loaded)
                    synced.append(took)
                    peaks.append((peak[0] - idle) / 1024)
            duck.close()
        finally:
            srv.stop()
            srv.cleanup()
            shutil.rmtree(work, ignore_errors=True)
    results.update({"baseline_s": statistics.median(baseline), "sync_s": statistics.median(synced),
                    "peak_rss_above_idle_mib": max(peaks)})
    results["speed_vs_baseline"] = round(results["baseline_s"] / results["sync_s"], 3)
    print("\n| %d rows | seconds (median of %d) |" % (args.rows, args.reps))
    print("|---|---:|")
    print("| baseline: psql \\copy to CSV + DuckDB read_csv | %.2f |" % results["baseline_s"])
    print("| full refresh sync | %.2f |" % results["sync_s"])
    print("| speed vs baseline | %.2f× |" % results["speed_vs_baseline"])
    print("| peak RSS above idle during the sync | %.0f MiB |" % results["peak_rss_above_idle_mib"])
    os.makedirs(os.path.join(ROOT, "bench", "results"), exist_ok=True)
    with open(os.path.join(ROOT, "bench", "results", "sources_latest.json"), "w") as f:
        json.dump(results, f, indent=2)


if __name__ == "__main__":
    main()
