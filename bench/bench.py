#!/usr/bin/python3
"""duckgres against PostgreSQL 15 and embedded DuckDB, side by side in one run.

    bench/bench.py [--rows N] [--reps N] [--suites analytics,streaming,small,ingest,connections,memory]
                   [--duration S] [--quick]

Starts a throwaway PostgreSQL 15 (initdb as the postgres OS user, loopback, TLS, SCRAM,
tuned for 2 cores / 24 GiB) and duckgres (build-bench, Release), builds the same synthetic
PostHog `events` table in both (bench/events.sql runs in duckgres; PostgreSQL gets the rows
through COPY), and runs the suites. Every measurement: one warm-up, then --reps runs; the
median with min and max. Prints a Markdown table and writes bench/results/latest.json.
Run as root (PostgreSQL runs as the postgres user). `make bench` / `make bench-quick`.
"""
import argparse
import contextlib
import datetime
import decimal
import json
import os
import platform
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time

import psycopg2

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PG_BIN = os.environ.get("PG_BIN", "/usr/lib/postgresql/15/bin")
SUITES = ["analytics", "streaming", "small", "ingest", "connections", "memory"]


def log(msg):
    print("[bench] %s" % msg, file=sys.stderr, flush=True)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run(cmd, **kw):
    return subprocess.run(cmd, check=True, capture_output=True, text=True, **kw).stdout


def rss_kib(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def pss_kib(pids):
    total = 0
    for pid in pids:
        try:
            with open("/proc/%d/smaps_rollup" % pid) as f:
                for line in f:
                    if line.startswith("Pss:"):
                        total += int(line.split()[1])
        except OSError:
            pass
    return total


def postgres_pids(postmaster_pid):
    out = run(["ps", "-o", "pid=", "--ppid", str(postmaster_pid)])
    return [postmaster_pid] + [int(p) for p in out.split()]


class Servers:
    def __init__(self, args):
        self.args = args
        self.work = tempfile.mkdtemp(prefix="bench.")
        os.chmod(self.work, 0o711)
        self.password = "bench-" + secrets.token_hex(8)
        self.user = "duckgres"
        self.db = "duckgres"
        self.dg_port, self.pg_port = free_port(), free_port()
        self.dg = None
        self.pg_data = os.path.join(self.work, "pg")

    def start(self):
        binary = os.environ.get("DUCKGRES_BIN", os.path.join(ROOT, "build-bench", "duckgres"))
        if not os.path.exists(binary):
            log("building duckgres (Release) in build-bench")
            run(["cmake", "-S", ROOT, "-B", os.path.join(ROOT, "build-bench"), "-DCMAKE_BUILD_TYPE=Release"])
            run(["make", "-C", os.path.join(ROOT, "build-bench"), "-j%d" % os.cpu_count(), "duckgres"])
        self.binary = binary
        env = dict(os.environ, DUCKGRES_ADMIN_PASSWORD=self.password)
        self.dg_log = open(os.path.join(self.work, "duckgres.log"), "w")
        self.dg = subprocess.Popen([binary, "serve", "--host", "127.0.0.1", "--port", str(self.dg_port),
                                    "--http-port", str(free_port()), "--data-dir", os.path.join(self.work, "dg"),
                                    "--max-connections", "1100"],
                                   env=env, stdout=self.dg_log, stderr=subprocess.STDOUT)
        os.makedirs(self.pg_data)
        shutil.chown(self.pg_data, "postgres")
        data = os.path.join(self.pg_data, "data")
        run(["runuser", "-u", "postgres", "--", PG_BIN + "/initdb", "-D", data, "-U", "postgres", "--auth-local=trust",
             "--auth-host=scram-sha-256", "-E", "UTF8", "--locale=C.UTF-8"])
        run(["runuser", "-u", "postgres", "--", "openssl", "req", "-new", "-x509", "-days", "2", "-nodes", "-subj",
             "/CN=localhost", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
             "-keyout", data + "/server.key", "-out", data + "/server.crt"])
        with open(data + "/postgresql.conf", "a") as f:
            f.write("""listen_addresses = '127.0.0.1'
port = %d
unix_socket_directories = '%s'
ssl = on
ssl_cert_file = 'server.crt'
ssl_key_file = 'server.key'
password_encryption = 'scram-sha-256'
max_connections = 1100
shared_buffers = 6GB
effective_cache_size = 16GB
work_mem = 256MB
maintenance_work_mem = 1GB
max_worker_processes = 4
max_parallel_workers = 2
max_parallel_workers_per_gather = 2
random_page_cost = 1.1
jit = off
""" % (self.pg_port, self.pg_data))
        with open(data + "/pg_hba.conf", "w") as f:
            f.write("local all all trust\nhostssl all all 127.0.0.1/32 scram-sha-256\n"
                    "host all all 127.0.0.1/32 scram-sha-256\n")
        run(["runuser", "-u", "postgres", "--", PG_BIN + "/pg_ctl", "-D", data, "-l", self.pg_data + "/pg.log",
             "-w", "start"])
        run(["runuser", "-u", "postgres", "--", "psql", "-h", self.pg_data, "-p", str(self.pg_port), "-U", "postgres",
             "-d", "postgres", "-qAt", "-c", "CREATE ROLE %s LOGIN SUPERUSER PASSWORD '%s'" % (self.user, self.password),
             "-c", "CREATE DATABASE %s OWNER %s" % (self.db, self.user)])
        os.environ["PGPASSWORD"] = self.password
        for _ in range(100):
            try:
                psycopg2.connect(self.dsn("duckgres")).close()
                break
            except psycopg2.Error:
                if self.dg.poll() is not None:
                    raise RuntimeError("duckgres exited at start")
                time.sleep(0.2)
        self.pg_postmaster = int(open(data + "/postmaster.pid").readline())

    def dsn(self, server, sslmode="disable"):
        port = self.dg_port if server == "duckgres" else self.pg_port
        return "host=127.0.0.1 port=%d user=%s dbname=%s sslmode=%s" % (port, self.user, self.db, sslmode)

    def port(self, server):
        return self.dg_port if server == "duckgres" else self.pg_port

    def stop(self):
        if self.dg and self.dg.poll() is None:
            self.dg.send_signal(signal.SIGTERM)
            try:
                self.dg.wait(60)
            except subprocess.TimeoutExpired:
                self.dg.kill()
        subprocess.run(["runuser", "-u", "postgres", "--", PG_BIN + "/pg_ctl", "-D", self.pg_data + "/data",
                        "-m", "immediate", "-w", "stop"], capture_output=True)
        shutil.rmtree(self.work, ignore_errors=True)


@contextlib.contextmanager
def session(dsn, autocommit=True):
    """A connection that is closed afterwards (psycopg2's own `with` opens a transaction even in
    autocommit mode, where VACUUM and CHECKPOINT cannot run)."""
    c = psycopg2.connect(dsn)
    c.autocommit = autocommit
    try:
        yield c
    finally:
        c.close()


def summary(values):
    return {"median": statistics.median(values), "min": min(values), "max": max(values), "runs": values}


class Results:
    def __init__(self):
        self.rows = []  # (suite, measurement, unit, better, {server: summary})

    def add(self, suite, name, unit, better, by_server):
        self.rows.append({"suite": suite, "measurement": name, "unit": unit, "better": better,
                          "results": by_server})
        parts = ", ".join("%s %.4g" % (s, v["median"]) for s, v in by_server.items())
        log("%s / %s: %s %s" % (suite, name, parts, unit))


def load_data(srv, args):
    persons = max(args.rows // 50, 100)
    gen = open(os.path.join(ROOT, "bench", "events.sql")).read()
    gen = gen.replace("{rows}", str(args.rows)).replace("{persons}", str(persons))
    start = time.time()
    with session(srv.dsn("duckgres")) as c:
        cur = c.cursor()
        cur.execute(gen)  # DuckDB SQL: the statements run as DuckDB reads them
    log("duckgres: generated %d events, %d persons in %.1f s" % (args.rows, persons, time.time() - start))
    start = time.time()
    with session(srv.dsn("postgres")) as c:
        c.cursor().execute("""
          DROP TABLE IF EXISTS events; DROP TABLE IF EXISTS persons;
          CREATE TABLE events (id bigint, uuid uuid, event text, distinct_id text, person_id uuid,
            "timestamp" timestamptz, "$session_id" text, properties jsonb);
          CREATE TABLE persons (id bigint PRIMARY KEY, person_id uuid, distinct_id text, created_at timestamptz,
            properties jsonb)""")
    for table in ("events", "persons"):
        copy_out = subprocess.Popen(["psql", srv.dsn("duckgres"), "-qAtc", "COPY %s TO STDOUT" % table],
                                    stdout=subprocess.PIPE)
        subprocess.run(["psql", srv.dsn("postgres"), "-qAtc", "COPY %s FROM STDIN" % table], stdin=copy_out.stdout,
                       check=True, capture_output=True)
        copy_out.wait()
    with session(srv.dsn("postgres")) as c:
        # What a PostgreSQL user would add for these questions (issue 24: an honest peer).
        c.cursor().execute('CREATE INDEX events_timestamp ON events ("timestamp"); '
                           'CREATE INDEX events_event_timestamp ON events (event, "timestamp"); '
                           'CREATE INDEX events_person ON events (person_id)')
        for table in ("events", "persons"):
            c.cursor().execute("VACUUM ANALYZE " + table)
    log("postgres: loaded through COPY in %.1f s" % (time.time() - start))
    return persons


def parse_queries():
    text = open(os.path.join(ROOT, "bench", "queries.sql")).read()
    out = []
    for block in text.split("-- name: ")[1:]:
        name, _, body = block.partition("\n")
        out.append((name.strip(), body.strip().rstrip(";")))
    return out


def suite_analytics(srv, args, res, persons):
    queries = parse_queries()
    conns = {s: psycopg2.connect(srv.dsn(s)) for s in ("duckgres", "postgres")}
    for c in conns.values():
        c.autocommit = True
    # Embedded DuckDB: the same queries (JSON keys spelled as DuckDB paths), same data.
    exe = os.path.join(srv.work, "embedded_bench")
    run(["gcc", "-O2", "-o", exe, os.path.join(ROOT, "bench", "embedded_bench.c"),
         "-I" + os.path.join(ROOT, "third_party/duckdb/include"), "-L" + os.path.join(ROOT, "third_party/duckdb/lib"),
         "-lduckdb", "-Wl,-rpath," + os.path.join(ROOT, "third_party/duckdb/lib")])
    duck_queries = os.path.join(srv.work, "queries_duckdb.sql")
    with open(duck_queries, "w") as f:
        for name, body in queries:
            f.write("-- name: %s\n%s;\n" % (name, re.sub(r"->>'(\$[^']*)'", lambda m: "->>'$.\"%s\"'" % m.group(1), body)))
    threads = str(os.cpu_count())
    embedded = {}
    out = run([exe, os.path.join(ROOT, "bench", "events.sql"), duck_queries, str(args.rows), str(persons),
               str(args.reps), threads])
    for line in out.splitlines():
        j = json.loads(line)
        embedded[j["name"]] = j
    ratios_pg, ratios_embedded = [], []
    differ = []
    for name, sql in queries:
        by_server = {}
        answers = {}
        for server in ("duckgres", "postgres"):
            cur = conns[server].cursor()
            times = []
            rows = None
            for i in range(args.reps + 1):
                start = time.perf_counter()
                cur.execute(sql)
                fetched = cur.fetchall()
                if i:
                    times.append((time.perf_counter() - start) * 1000)
                rows = len(fetched)
            answers[server] = answer(fetched)
            by_server[server] = dict(summary(times), rows=rows)
        e = embedded[name]
        by_server["duckdb_embedded"] = dict(summary(e["ms"]), rows=e["rows"])
        if not (by_server["duckgres"]["rows"] == by_server["postgres"]["rows"] == e["rows"]):
            log("WARNING %s: row counts differ %r" % (name, [v["rows"] for v in by_server.values()]))
        if answers["duckgres"] != answers["postgres"]:
            differ.append(name)
            log("WARNING %s: duckgres' answer differs from PostgreSQL's (first rows %r / %r)" % (
                name, answers["duckgres"][:2], answers["postgres"][:2]))
        res.add("analytics", name, "ms", "lower", by_server)
        ratios_pg.append(by_server["postgres"]["median"] / by_server["duckgres"]["median"])
        ratios_embedded.append(by_server["duckgres"]["median"] / by_server["duckdb_embedded"]["median"])
    gm = lambda xs: statistics.geometric_mean(xs)
    res.summary = getattr(res, "summary", {})
    res.summary["analytics_speedup_vs_postgres_geomean"] = gm(ratios_pg)
    res.summary["analytics_overhead_vs_embedded_geomean"] = gm(ratios_embedded)
    res.summary["analytics_answers_differing_from_postgres"] = differ


def answer(rows):
    """A result as a comparable multiset: numbers to 9 significant digits (sums of doubles add
    up in another order), timestamps as UTC instants, rows sorted (ties of an ORDER BY may
    come in either order)."""
    def value(v):
        if isinstance(v, bool) or v is None:
            return v
        if isinstance(v, (int, float, decimal.Decimal)):
            return float("%.9g" % float(v))
        if isinstance(v, datetime.datetime):
            return v.astimezone(datetime.timezone.utc).isoformat() if v.tzinfo else v.isoformat()
        if isinstance(v, datetime.timedelta):
            return v.total_seconds()
        if isinstance(v, (list, tuple)):
            return tuple(value(x) for x in v)
        return str(v)
    return sorted((tuple(value(v) for v in r) for r in rows), key=repr)


def suite_streaming(srv, args, res):
    exe = os.path.join(srv.work, "wire_bench")
    run(["gcc", "-O2", "-o", exe, os.path.join(ROOT, "bench", "wire_bench.c"), "-I/usr/include/postgresql",
         "-lpq", "-lpthread"])
    query = ('SELECT id, uuid, event, distinct_id, person_id, "timestamp", "$session_id", properties FROM events')
    for fmt in ("text", "binary"):
        by_server, peaks = {}, {}
        for server in ("duckgres", "postgres"):
            values = []
            pid = srv.dg.pid if server == "duckgres" else 0
            for i in range(args.reps + 1):
                j = json.loads(run([exe, srv.dsn(server), query, fmt, "cursor", "100000", str(pid)]))
                if i:
                    values.append(j["rows_per_s"])
                    peaks.setdefault(server, []).append(max(j.get("hwm_after_kb", 0), j.get("rss_peak_sampled_kb", 0)))
            by_server[server] = summary(values)
        res.add("streaming", "%d rows x 8 columns, %s" % (args.rows, fmt), "rows/s", "higher", by_server)
        res.add("memory", "server peak RSS while streaming (%s)" % fmt, "KiB", "lower",
                {s: summary(v) for s, v in peaks.items()})


def pgbench(srv, server, script, clients, duration, mode="prepared", sslmode="disable", connect=False):
    env = dict(os.environ, PGSSLMODE=sslmode)
    cmd = ["pgbench", "-n", "-h", "127.0.0.1", "-p", str(srv.port(server)), "-U", srv.user, "-M", mode,
           "-c", str(clients), "-j", str(min(clients, os.cpu_count() * 2)), "-T", str(duration), "-f", script]
    if connect:
        cmd.append("-C")
    out = run(cmd + [srv.db], env=env)
    return float(re.search(r"tps = ([0-9.]+) \((without initial connection time|including reconnection times)\)", out).group(1))


def suite_small(srv, args, res, persons):
    day = ("\\set d random(0, 89)\nSELECT count(*), max(distinct_id) FROM persons WHERE created_at >= "
           "TIMESTAMPTZ '2024-01-01 00:00:00+00' + :d * INTERVAL '1 day' AND created_at < "
           "TIMESTAMPTZ '2024-01-01 00:00:00+00' + (:d + 1) * INTERVAL '1 day';\n")
    scripts = {
        "SELECT 1": "SELECT 1;\n",
        "primary-key lookup": "\\set id random(0, %d)\nSELECT * FROM persons WHERE id = :id;\n" % (persons - 1),
        "short aggregation": day,
    }
    for name, body in scripts.items():
        path = os.path.join(srv.work, "script.sql")
        with open(path, "w") as f:
            f.write(body)
        for clients in (1, 8, 32):
            by_server = {}
            for server in ("duckgres", "postgres"):
                values = []
                for i in range(args.reps + 1):
                    tps = pgbench(srv, server, path, clients, args.duration if i else 2)
                    if i:
                        values.append(tps)
                by_server[server] = summary(values)
            res.add("small", "%s, prepared, %d clients" % (name, clients), "tps", "higher", by_server)


def suite_ingest(srv, args, res):
    n = min(args.rows, 1_000_000)
    events_columns = 'id, uuid, event, distinct_id, "timestamp", properties::json AS properties'
    # Events-shaped rows (uuid, text, timestamptz, a JSON object of ~10 keys) and narrow ones
    # (two integers and a short text), each in PostgreSQL's text, CSV and binary formats.
    shapes = {
        "events-shaped": ("SELECT %s FROM events ORDER BY id LIMIT %d" % (events_columns, n),
                          "id bigint, uuid uuid, event text, distinct_id text, \"timestamp\" timestamptz, properties json"),
        "narrow": ("SELECT id, id %% 1000 AS k, event FROM events ORDER BY id LIMIT %d" % n,
                   "id bigint, k bigint, event text"),
    }
    formats = (("text", ""), ("CSV", "(FORMAT csv)"), ("binary", "(FORMAT binary)"))
    files = {}
    with session(srv.dsn("postgres")) as c:
        cur = c.cursor()
        for shape, (query, _) in shapes.items():
            for fmt, options in formats:
                path = os.path.join(srv.work, "ingest-%s.%s" % (shape, fmt))
                with open(path, "wb") as f:
                    cur.copy_expert("COPY (%s) TO STDOUT %s" % (query, options), f)
                files[shape, fmt] = path
    txt_path = files["events-shaped", "text"]
    ddl = ("DROP TABLE IF EXISTS ingest; CREATE TABLE ingest (id bigint, uuid uuid, event text, distinct_id text, "
           "\"timestamp\" timestamptz, properties %s)")
    rows_for_insert = []
    with open(txt_path) as f:
        for i, line in enumerate(f):
            if i >= 100_000:
                break
            rows_for_insert.append(line.rstrip("\n").split("\t"))
    for shape, (_, columns) in shapes.items():
        for fmt, options in formats:
            by_server = {}
            for server in ("duckgres", "postgres"):
                values = []
                for i in range(args.reps + 1):
                    with session(srv.dsn(server)) as c:
                        cur = c.cursor()
                        cur.execute("DROP TABLE IF EXISTS ingest; CREATE TABLE ingest (%s)" % columns)
                        start = time.perf_counter()
                        with open(files[shape, fmt], "rb") as f:
                            cur.copy_expert("COPY ingest FROM STDIN %s" % options, f)
                        if i:
                            values.append(n / (time.perf_counter() - start))
                by_server[server] = summary(values)
            label = "COPY FROM STDIN %s" % fmt if shape == "events-shaped" else "COPY FROM STDIN %s, narrow rows" % fmt
            res.add("ingest", "%s, %d rows" % (label, n), "rows/s", "higher", by_server)
    by_server = {}
    for server in ("duckgres", "postgres"):
        values = []
        for i in range(args.reps + 1):
            with session(srv.dsn(server), autocommit=False) as c:
                cur = c.cursor()
                cur.execute(ddl % ("json" if server == "duckgres" else "jsonb"))
                c.commit()
                start = time.perf_counter()
                for b in range(0, len(rows_for_insert), 1000):
                    batch = rows_for_insert[b:b + 1000]
                    args_sql = ",".join(cur.mogrify("(%s,%s,%s,%s,%s,%s)", r).decode() for r in batch)
                    cur.execute("INSERT INTO ingest VALUES " + args_sql)
                c.commit()
                if i:
                    values.append(len(rows_for_insert) / (time.perf_counter() - start))
        by_server[server] = summary(values)
    res.add("ingest", "INSERT, 1000-row batches, %d rows" % len(rows_for_insert), "rows/s", "higher", by_server)


def suite_connections(srv, args, res):
    path = os.path.join(srv.work, "select1.sql")
    with open(path, "w") as f:
        f.write("SELECT 1;\n")
    by_server = {}
    for server in ("duckgres", "postgres"):
        values = []
        for i in range(args.reps + 1):
            tps = pgbench(srv, server, path, 4, args.duration if i else 2, mode="simple", sslmode="require", connect=True)
            if i:
                values.append(tps)
        by_server[server] = summary(values)
    res.add("connections", "new connections (TLS + SCRAM + SELECT 1), 4 clients", "conn/s", "higher", by_server)


def suite_memory(srv, args, res):
    count = 1000 if not args.quick else 200
    idle = {"duckgres": rss_kib(srv.dg.pid), "postgres": pss_kib(postgres_pids(srv.pg_postmaster))}
    per_conn = {}
    for server in ("duckgres", "postgres"):
        before = rss_kib(srv.dg.pid) if server == "duckgres" else pss_kib(postgres_pids(srv.pg_postmaster))
        conns = [psycopg2.connect(srv.dsn(server)) for _ in range(count)]
        time.sleep(1)
        after = rss_kib(srv.dg.pid) if server == "duckgres" else pss_kib(postgres_pids(srv.pg_postmaster))
        for c in conns:
            c.close()
        per_conn[server] = (after - before) / count
    res.add("memory", "server RSS idle (PostgreSQL: PSS of all processes)", "KiB", "lower",
            {s: summary([v]) for s, v in idle.items()})
    res.add("memory", "per idle connection (%d connections)" % count, "KiB", "lower",
            {s: summary([v]) for s, v in per_conn.items()})


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=10_000_000)
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--duration", type=int, default=10)
    ap.add_argument("--suites", default=",".join(SUITES))
    ap.add_argument("--quick", action="store_true", help="1M rows, 1 repetition, 3 s pgbench runs")
    args = ap.parse_args()
    if args.quick:
        args.rows, args.reps, args.duration = 1_000_000, 1, 3
    suites = [s for s in args.suites.split(",") if s]
    if os.geteuid() != 0:
        sys.exit("bench: run as root (PostgreSQL runs as the postgres user)")
    srv = Servers(args)
    res = Results()
    res.summary = {}
    started = datetime.datetime.utcnow()
    try:
        srv.start()
        persons = load_data(srv, args)
        if "analytics" in suites:
            suite_analytics(srv, args, res, persons)
        if "streaming" in suites:
            suite_streaming(srv, args, res)
        if "small" in suites:
            suite_small(srv, args, res, persons)
        if "ingest" in suites:
            suite_ingest(srv, args, res)
        if "connections" in suites:
            suite_connections(srv, args, res)
        if "memory" in suites:
            suite_memory(srv, args, res)
        with session(srv.dsn("postgres")) as c:
            pg_version = c.server_version
        dg_version = run(["psql", srv.dsn("duckgres"), "-qAtc", "SELECT version()"]).strip()
    finally:
        srv.stop()
    for row in res.rows:
        r = row["results"]
        if "postgres" in r and "duckgres" in r and r["postgres"]["median"]:
            row["ratio_duckgres_postgres"] = r["duckgres"]["median"] / r["postgres"]["median"]
        if "duckdb_embedded" in r and r["duckdb_embedded"]["median"]:
            row["ratio_duckgres_embedded"] = r["duckgres"]["median"] / r["duckdb_embedded"]["median"]
    report = {
        "started": started.isoformat() + "Z",
        "machine": {"cpus": os.cpu_count(), "platform": platform.platform(),
                    "memory_gib": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1)},
        "versions": {"duckgres": dg_version, "postgres": pg_version},
        "settings": {"rows": args.rows, "reps": args.reps, "duration_s": args.duration, "suites": suites},
        "summary": res.summary, "measurements": res.rows}
    os.makedirs(os.path.join(ROOT, "bench", "results"), exist_ok=True)
    with open(os.path.join(ROOT, "bench", "results", "latest.json"), "w") as f:
        json.dump(report, f, indent=1)
    print("| suite | measurement | unit | duckgres | PostgreSQL 15 | DuckDB embedded | duckgres/PG | duckgres/embedded |")
    print("|---|---|---|---:|---:|---:|---:|---:|")
    for row in res.rows:
        r = row["results"]
        cell = lambda s: "%.4g" % r[s]["median"] if s in r else ""
        ratio = lambda k: "%.2f" % row[k] if k in row else ""
        print("| %s | %s | %s | %s | %s | %s | %s | %s |" % (row["suite"], row["measurement"], row["unit"],
              cell("duckgres"), cell("postgres"), cell("duckdb_embedded"), ratio("ratio_duckgres_postgres"),
              ratio("ratio_duckgres_embedded")))
    for k, v in res.summary.items():
        print("\n%s: %s" % (k, "%.2f" % v if isinstance(v, float) else v))


if __name__ == "__main__":
    main()
