#!/usr/bin/python3
"""Object storage side by side with local disk (docs/storage.md, issue 20).

    bench/storage_bench.py [--rows N] [--reps N] [--mib N] [--quick]

1. PUT and GET throughput of a dataset of random bytes (--mib, 1024 by default, in 8 files)
   through the storage module to s3rver (npm, pinned in tests/storage/node) and to a local
   directory (bench/storage_throughput.cpp).
2. A Parquet dataset (--rows, 10M by default; 8 columns; files of ~64 MiB) written by
   duckgres with COPY … TO 's3://…' to a bucket on s3rver and to a local storage, then scanned
   with read_parquet: few columns and all columns, from local disk, from the bucket with the
   duckling's cache warm (ETag checked by a LIST per query) and cold (a server started with a
   1 MiB cache, so every query downloads every file).
Each measurement: one warm-up, then --reps runs, the median. Prints a Markdown table and
writes bench/results/storage_latest.json. Uses DUCKGRES_BIN (default build-bench/duckgres).
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

import psycopg2

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests", "control"))
from control_lib import Api, S3rver, Server  # noqa: E402


def log(msg):
    print("[storage-bench] %s" % msg, file=sys.stderr, flush=True)


def median_ms(conn, sql, reps, between=None):
    cur = conn.cursor()
    cur.execute(sql)
    first = cur.fetchall()
    runs = []
    for _ in range(reps):
        if between:
            cur.execute(between)  # ends the last statement (its copies' lease) untimed
            cur.fetchall()
        t = time.perf_counter()
        cur.execute(sql)
        rows = cur.fetchall()
        runs.append((time.perf_counter() - t) * 1000)
        if rows != first:
            raise RuntimeError("answers differ between runs of %s" % sql)
    return statistics.median(runs), first


def start_server(binary, data_dir, cache_mb):
    srv = Server(binary=binary, data_dir=data_dir)
    srv.start(extra_args=["--storage-cache-mb", str(cache_mb)])
    return srv


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=10_000_000)
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--mib", type=int, default=1024)
    ap.add_argument("--quick", action="store_true", help="1M rows, 256 MiB, one repetition")
    args = ap.parse_args()
    if args.quick:
        args.rows, args.mib, args.reps = 1_000_000, 256, 1
    binary = os.environ.get("DUCKGRES_BIN", os.path.join(ROOT, "build-bench", "duckgres"))
    tool = os.path.join(os.path.dirname(binary), "storage_throughput")
    s3 = S3rver()
    work = tempfile.mkdtemp(prefix="storage-bench-")
    results = {"rows": args.rows, "reps": args.reps, "measurements": []}
    try:
        log("PUT/GET of %d MiB" % args.mib)
        out = subprocess.run([tool, "--endpoint", s3.endpoint(), "--dir", work, "--mib",
                              str(args.mib), "--files", "8"], check=True, stdout=subprocess.PIPE,
                             text=True).stdout
        results["throughput"] = json.loads(out)

        data_dir = os.path.join(work, "data")
        os.makedirs(data_dir)
        srv = start_server(binary, data_dir, 10240)
        api = Api(srv)
        api.call("POST", "/api/v1/orgs", {"name": "bench"})
        api.call("POST", "/api/v1/orgs/bench/users", {"username": "ana", "password": "ana-secret-1"})
        api.call("PUT", "/api/v1/orgs/bench/duckling", {"size": "m"})
        api.wait_state("bench", ("ready",))
        api.call("POST", "/api/v1/orgs/bench/storages",
                 {"name": "lake", "kind": "s3", "endpoint": s3.endpoint(), "bucket": "ducks",
                  "access_key_id": "S3RVER", "secret_access_key": "S3RVER"})
        api.call("POST", "/api/v1/orgs/bench/storages", {"name": "disk", "kind": "local"})

        def connect():
            c = psycopg2.connect(host=srv.host, port=srv.port, dbname="bench", user="ana",
                                 password="ana-secret-1")
            c.autocommit = True
            return c

        conn = connect()
        cur = conn.cursor()
        log("writing %d rows of Parquet to the bucket and to disk" % args.rows)
        cur.execute("CREATE TABLE ds AS SELECT i AS id, uuid() AS uuid, "
                    "(ARRAY['pageview','click','signup','purchase','leave'])[i % 5 + 1] AS event, "
                    "'user-' || (i % 100000) AS distinct_id, "
                    "TIMESTAMPTZ '2026-01-01' + i * INTERVAL '1 second' AS ts, "
                    "(i % 1000) / 10.0 AS x, i % 7 AS y, "
                    "'{\"path\": \"/p/' || (i % 500) || '\", \"n\": ' || i || '}' AS props "
                    "FROM generate_series(1, " + str(args.rows) + ") AS i")
        for target in ("s3://lake/ds", "s3://disk/ds"):
            t = time.perf_counter()
            cur.execute("COPY ds TO '%s' (FORMAT parquet, FILE_SIZE_BYTES '64MB')" % target)
            results.setdefault("copy_to_s", {})[target] = round(time.perf_counter() - t, 2)
        cur.execute("DROP TABLE ds")
        few = "SELECT event, count(*), sum(x) FROM read_parquet('%s/*.parquet') GROUP BY event ORDER BY event"
        every = ("SELECT count(*), count(DISTINCT uuid), sum(id), max(ts), sum(x), sum(y), "
                 "sum(length(event) + length(distinct_id) + length(props)) FROM read_parquet('%s/*.parquet')")
        queries = {"few_columns": few, "all_columns": every}
        answers = {}
        for name, q in queries.items():
            ms, rows = median_ms(conn, q % "s3://disk/ds", args.reps)
            answers[name] = rows
            results["measurements"].append({"query": name, "source": "local disk", "ms": ms})
            ms, rows = median_ms(conn, q % "s3://lake/ds", args.reps)
            if rows != answers[name]:
                raise RuntimeError("the bucket answers %s otherwise" % name)
            results["measurements"].append({"query": name, "source": "bucket, cache warm", "ms": ms})
        conn.close()
        srv.stop()
        # Cold: a cache too small to keep anything, so each query downloads every file.
        srv.start(extra_args=["--storage-cache-mb", "1"])
        conn = connect()
        for name, q in queries.items():
            ms, rows = median_ms(conn, q % "s3://lake/ds", args.reps, between="SELECT 1")
            if rows != answers[name]:
                raise RuntimeError("the cold bucket answers %s otherwise" % name)
            results["measurements"].append({"query": name, "source": "bucket, cache cold", "ms": ms})
        conn.close()
        srv.stop()
        srv.cleanup()
    finally:
        s3.stop()
        subprocess.run(["rm", "-rf", work])

    local = {m["query"]: m["ms"] for m in results["measurements"] if m["source"] == "local disk"}
    for m in results["measurements"]:
        m["speed_vs_local"] = round(local[m["query"]] / m["ms"], 3)
    t = results["throughput"]
    print("\n| measurement | s3rver | local directory | s3rver/local |")
    print("|---|---:|---:|---:|")
    for d in ("put", "get"):
        s, l = t["s3_%s_mib_s" % d], t["local_%s_mib_s" % d]
        print("| %s %d MiB (%d files) | %.0f MiB/s | %.0f MiB/s | %.2f |" % (d.upper(), t["mib"], t["files"], s, l, s / l))
    print("\n| query (%d rows) | source | ms | speed vs local disk |" % args.rows)
    print("|---|---|---:|---:|")
    for m in results["measurements"]:
        print("| %s | %s | %.1f | %.2f× |" % (m["query"], m["source"], m["ms"], m["speed_vs_local"]))
    os.makedirs(os.path.join(ROOT, "bench", "results"), exist_ok=True)
    with open(os.path.join(ROOT, "bench", "results", "storage_latest.json"), "w") as f:
        json.dump(results, f, indent=2)


if __name__ == "__main__":
    main()
