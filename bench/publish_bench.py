#!/usr/bin/python3
"""Golden tables (issue 23): the publication throughput of an events-shaped table to the local
folder and to an S3-compatible server (s3rver), against DuckDB's own COPY … TO Parquet of the
same table to local disk, embedded (bench/copy_parquet.c, the same libduckdb).

    cp build-bench/duckgres /tmp/duckgres-publish-bench   # other builds relink build-bench's
    DUCKGRES_BIN=/tmp/duckgres-publish-bench /usr/bin/python3 bench/publish_bench.py \\
        [--rows 10000000] [--reps 3] [--size s] [--quick]

One server (tests/integration/with_server.py's Server), org "acme" with team 1 and a duckling
of --size (s: 2 threads, 4 GiB, the machine's cores); a table team_1.golden_events of --rows
events-shaped rows (uuid, event, distinct_id, a timestamptz, a double, a JSON object of 10
keys, a session id); two publications of it, to the default local storage and to s3rver. Each
is published once to warm up, then --reps times; a run's time is its duration_ms (the API's:
from the worker taking it to `latest` moved, checksums included). Then the server stops and
copy_parquet opens the duckling's database file read-only with the same threads and memory and
runs COPY (SELECT * FROM team_1.golden_events) TO a local file, once with DuckDB's defaults
(one file, Snappy) and once with the publication's settings (ZSTD, row groups of 122880), a
warm-up and --reps times each. Ratio: DuckDB's time over the publication's (≥ 1 is faster).
Prints a Markdown table and writes bench/results/publish_latest.json; exits 1 when a check fails
(a run failed, or a version's row count differs from the table's).
"""
import argparse
import datetime
import glob
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

import psycopg2

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests", "control"))
from control_lib import Api, S3rver, Server  # noqa: E402

BASE = "/api/v1/orgs/acme/teams/1/publications"
TABLE_SQL = """
CREATE TABLE team_1.golden_events AS
SELECT gen_random_uuid() AS uuid,
  (ARRAY['$pageview', '$autocapture', '$pageleave', 'signed_up', 'purchase'])[1 + i %% 5] AS event,
  'user_' || (i %% 200000) AS distinct_id,
  timestamptz '2026-10-01 00:00:00+00' + i * interval '250 milliseconds' AS timestamp,
  (i %% 9973) / 7.0::float8 AS value,
  json_build_object('$current_url', 'https://example.com/p/' || (i %% 1000), '$browser',
    (ARRAY['Chrome', 'Firefox', 'Safari'])[1 + i %% 3], '$os', (ARRAY['Mac OS X', 'Windows', 'Linux'])[1 + i %% 3],
    '$device_type', 'Desktop', '$screen_width', 1280 + i %% 7 * 160, '$lib', 'web', '$lib_version', '1.2' || i %% 10,
    'plan', (ARRAY['free', 'pro', 'team'])[1 + i %% 3], 'price', i %% 100, 'ref', 'campaign_' || (i %% 50))::json AS properties,
  'session_' || (i / 40) AS session_id
FROM generate_series(1, %d) AS i
"""


def log(msg):
    print("[publish-bench] %s" % msg, file=sys.stderr, flush=True)


def fail(msg):
    log("FAILED: " + msg)
    sys.exit(1)


def machine():
    model = ""
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    commit = subprocess.run(["git", "-C", ROOT, "describe", "--always", "--dirty"], stdout=subprocess.PIPE,
                            text=True).stdout.strip()
    return {"cpus": os.cpu_count(), "cpu_model": model, "platform": platform.platform(), "commit": commit}


def publish(api, name):
    s, run = api.call("POST", "%s/%s/run" % (BASE, name), {})
    if s != 202:
        fail("run of %s: %s %s" % (name, s, run))
    while True:
        s, run = api.call("GET", "%s/%s/runs/%s" % (BASE, name, run["id"]))
        if run.get("status") != "running":
            break
        time.sleep(0.05)
    if run["status"] != "completed":
        fail("run of %s: %s" % (name, run))
    return run


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=10_000_000)
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--size", default="s")
    ap.add_argument("--quick", action="store_true", help="1M rows, one repetition")
    args = ap.parse_args()
    if args.quick:
        args.rows, args.reps = 1_000_000, 1
    binary = os.environ.get("DUCKGRES_BIN", os.path.join(ROOT, "build-bench", "duckgres"))
    threads, memory = {"xs": (1, "2GB"), "s": (2, "4GB"), "m": (4, "8GB"), "l": (8, "16GB")}[args.size]
    results = {"rows": args.rows, "reps": args.reps, "size": args.size, "threads": threads, "binary": binary,
               "machine": machine(), "started_at": datetime.datetime.utcnow().isoformat(timespec="seconds") + "Z"}
    work = tempfile.mkdtemp(prefix="publish_bench_")
    s3 = S3rver()
    srv = Server(binary=binary)
    srv.start()
    try:
        api = Api(srv)
        api.call("POST", "/api/v1/orgs", {"name": "acme"})
        api.call("POST", "/api/v1/orgs/acme/teams", {"team_id": 1, "name": "web"})
        api.call("POST", "/api/v1/orgs/acme/users", {"username": "alice", "password": "alice-secret-1"})
        api.call("PUT", "/api/v1/orgs/acme/duckling", {"size": args.size})
        if api.wait_state("acme", ("ready", "failed"))["state"] != "ready":
            fail("the duckling did not start")
        conn = psycopg2.connect(host=srv.host, port=srv.port, dbname="acme", user="alice", password="alice-secret-1")
        conn.autocommit = True
        cur = conn.cursor()
        t0 = time.perf_counter()
        cur.execute(TABLE_SQL % args.rows)
        cur.execute("CHECKPOINT")
        log("table of %d rows in %.1f s" % (args.rows, time.perf_counter() - t0))
        s, _ = api.call("POST", "/api/v1/orgs/acme/storages",
                        {"name": "lake", "kind": "s3", "endpoint": s3.endpoint(), "bucket": "ducks",
                         "access_key_id": "S3RVER", "secret_access_key": "S3RVER"})
        for name, storage in (("events_local", "local"), ("events_s3", "lake")):
            s, p = api.call("POST", BASE, {"name": name, "source": "team_1.golden_events", "storage": storage,
                                           "retain_versions": 2})
            if s != 201:
                fail("publication %s: %s %s" % (name, s, p))
            runs = [publish(api, name) for _ in range(args.reps + 1)][1:]
            for r in runs:
                if r["rows"] != args.rows:
                    fail("%s published %s rows" % (name, r["rows"]))
            results[name] = {"ms": [r["duration_ms"] for r in runs], "bytes": runs[-1]["bytes"],
                             "files": runs[-1]["files"]}
            log("%s: %s ms, %.1f MB in %d files" % (name, results[name]["ms"], runs[-1]["bytes"] / 1e6,
                                                     runs[-1]["files"]))
        conn.close()
    finally:
        srv.stop()
        s3.stop()
    database = [f for f in glob.glob(os.path.join(srv.data_dir, "ducklings", "acme", "*.duckdb"))]
    if len(database) != 1:
        fail("the duckling's database file: %s" % database)
    exe = os.path.join(work, "copy_parquet")
    subprocess.run(["gcc", "-O2", "-o", exe, os.path.join(ROOT, "bench", "copy_parquet.c"),
                    "-I" + os.path.join(ROOT, "third_party/duckdb/include"),
                    "-L" + os.path.join(ROOT, "third_party/duckdb/lib"), "-lduckdb",
                    "-Wl,-rpath," + os.path.join(ROOT, "third_party/duckdb/lib")], check=True)
    for label, options in (("duckdb_copy_default", "(FORMAT parquet)"),
                           ("duckdb_copy_zstd", "(FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE 122880)")):
        target = os.path.join(work, label + "_{rep}.parquet")
        sql = "COPY (SELECT * FROM team_1.golden_events) TO '%s' %s" % (target, options)
        out = subprocess.run([exe, database[0], str(threads), memory, str(args.reps), sql], stdout=subprocess.PIPE,
                             text=True, check=True).stdout
        results[label] = {"ms": json.loads(out)["ms"], "bytes": os.path.getsize(target.replace("{rep}", "1"))}
        log("%s: %s ms" % (label, results[label]["ms"]))
        for f in glob.glob(os.path.join(work, label + "_*.parquet")):
            os.remove(f)
    shutil.rmtree(work, ignore_errors=True)
    med = {k: statistics.median(results[k]["ms"]) for k in ("events_local", "events_s3", "duckdb_copy_default",
                                                           "duckdb_copy_zstd")}
    results["median_ms"] = med
    results["ratio_local_vs_duckdb_default"] = med["duckdb_copy_default"] / med["events_local"]
    results["ratio_local_vs_duckdb_zstd"] = med["duckdb_copy_zstd"] / med["events_local"]
    results["ratio_s3rver_vs_duckdb_default"] = med["duckdb_copy_default"] / med["events_s3"]
    print("| %d rows, size %s (%d threads) | median ms | MB | rows/s | DuckDB COPY (default) ÷ this |" % (
        args.rows, args.size, threads))
    print("|---|---:|---:|---:|---:|")
    for k in ("events_local", "events_s3", "duckdb_copy_default", "duckdb_copy_zstd"):
        print("| %s | %.0f | %.1f | %.2fM | %.2f |" % (k, med[k], results[k]["bytes"] / 1e6, args.rows / med[k] / 1e3,
                                                       med["duckdb_copy_default"] / med[k]))
    os.makedirs(os.path.join(ROOT, "bench", "results"), exist_ok=True)
    with open(os.path.join(ROOT, "bench", "results", "publish_latest.json"), "w") as f:
        json.dump(results, f, indent=2)


if __name__ == "__main__":
    main()
