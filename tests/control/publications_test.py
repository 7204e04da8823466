# Golden tables (docs/golden-tables.md): a team's table and a DuckDB-dialect model published as
# Parquet to the duckling's local folder and to an S3-compatible server (s3rver); every version
# read back by an independent Parquet reader (hyparquet) and by DuckDB (through the server's
# storage URLs), rows, types and checksums equal to the source; ClickHouse itself (chdb) runs the
# generated SQL over the local files and through s3() against s3rver with the same aggregates;
# date partitions and an incremental run that rewrites only the changed day; retention; refusals;
# kill -9 in the middle of a publication; ctl and metering.
import datetime
import decimal
import hashlib
import json
import os
import subprocess
import time
import urllib.request

from control_lib import Api, S3rver, Server, check, connect, ctl, error_code, finish, setup_acme, wait_for

BASE = "/api/v1/orgs/acme/teams/1/publications"
READER = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "publish", "node", "read.mjs")

SOURCE_SQL = """
CREATE TABLE team_1.golden AS SELECT i AS id, gen_random_uuid() AS uid, 'name ' || i AS name,
  timestamptz '2026-11-01 00:00:00+00' + i * interval '7 minutes' AS at,
  CAST((i % 1000) * 1.25 AS numeric(12,2)) AS amount, (i % 97) / 7.0::float8 AS score,
  jsonb_build_object('plan', CASE WHEN i % 3 = 0 THEN 'pro' ELSE 'free' END, 'n', i)::json AS props,
  ARRAY[i, i * 2] AS pair, i % 5 = 0 AS flag, DATE '2026-11-01' + (i / 400) AS day,
  interval '1 hour' * (i % 4) AS wait
FROM generate_series(1, 5000) AS i
"""
ROWS_SQL = ("SELECT id, uid::text, name, at, amount, score, props::text, pair, flag, day, wait::text "
            "FROM %s ORDER BY id")
AGG_SQL = ("SELECT count(*), sum(id), sum(amount), round(sum(score)::numeric, 4), count(*) FILTER (WHERE flag), "
           "count(DISTINCT uid), count(*) FILTER (WHERE props->>'plan' = 'pro') FROM %s")
CH_AGG = ("SELECT count(), sum(id), sum(amount), round(sum(score), 4), countIf(flag), uniqExact(uid), "
          "countIf(JSONExtractString(props, 'plan') = 'pro') FROM (%s)")


def node(*args):
    r = subprocess.run(["node", READER, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                       timeout=300, cwd=os.path.dirname(READER))
    if r.returncode != 0:
        raise RuntimeError("read.mjs %s: %s" % (args[0], r.stderr[-2000:]))
    return json.loads(r.stdout)


def clickhouse(sql):
    return node("clickhouse", sql).get("data", [])


def numbers(row):
    return [round(float(v), 4) for v in row]


def wait_run(api, name, run_id, timeout=300):
    deadline = time.monotonic() + timeout
    while True:
        s, run = api.call("GET", "%s/%s/runs/%s" % (BASE, name, run_id))
        if s != 200 or run.get("status") != "running" or time.monotonic() > deadline:
            return run
        time.sleep(0.1)


def publish(api, name):
    s, run = api.call("POST", "%s/%s/run" % (BASE, name), {})
    check(s == 202 and run.get("id", "").startswith("pr_") and run.get("status") == "running",
          "%s: run queued: %s %s" % (name, s, run))
    return wait_run(api, name, run["id"]) if s == 202 else run


def one(cur, sql):
    cur.execute(sql)
    return cur.fetchone()


def http_get(url):
    with urllib.request.urlopen(url, timeout=30) as r:
        return r.read()


class Folder:
    """A publication's folder as a reader sees it: local files, or s3rver over anonymous HTTP."""

    def __init__(self, location, s3=None):
        self.location, self.s3 = location, s3

    def url(self, rel):
        if not self.s3:
            return os.path.join(self.location, rel)
        bucket_key = self.location[len("s3://"):]
        return "%s/%s%s" % (self.s3.endpoint(), bucket_key, rel)

    def read(self, rel):
        if not self.s3:
            with open(self.url(rel), "rb") as f:
                return f.read()
        return http_get(self.url(rel))

    def exists(self, rel):
        try:
            self.read(rel)
            return True
        except (OSError, urllib.error.URLError):
            return False


def check_version(label, cur, folder, version, source, storage, prefix=""):
    """A whole version: manifest and files agree, and hyparquet and DuckDB read the source's rows."""
    manifest = json.loads(folder.read("%s/_manifest.json" % version))
    want_rows = one(cur, "SELECT count(*) FROM %s" % source)[0]
    check(manifest["row_count"] == want_rows and manifest["version"] == version and manifest["files"],
          "%s: manifest counts %s rows, the source %s" % (label, manifest["row_count"], want_rows))
    for f in manifest["files"]:
        data = folder.read("%s/%s" % (version, f["path"]))
        check(len(data) == f["size"] and hashlib.sha256(data).hexdigest() == f["sha256"],
              "%s: %s: size and sha256 as the manifest says" % (label, f["path"]))
    parsed = node("parquet", *[folder.url("%s/%s" % (version, f["path"])) for f in manifest["files"]])
    check(len(parsed["rows"]) == want_rows and sum(f["rows"] for f in parsed["files"]) == want_rows,
          "%s: hyparquet reads %d rows" % (label, len(parsed["rows"])))
    check(all(c == ["ZSTD"] for f in parsed["files"] for c in [f["codecs"]]),
          "%s: ZSTD: %s" % (label, [f["codecs"] for f in parsed["files"]][:3]))
    # DuckDB, through the server's storage URL: every row as the source has it.
    url = "s3://%s/%s%s/%s" % (storage, prefix, manifest["publication"], version)
    glob = url + ("/*/*.parquet" if manifest.get("partition_by") else "/*.parquet")
    reader = "read_parquet('%s'%s)" % (glob, ", hive_partitioning = false" if manifest.get("partition_by") else "")
    return manifest, parsed, reader


def golden_rows_equal(label, cur, parsed, reader):
    cur.execute(ROWS_SQL % "team_1.golden")
    source = cur.fetchall()
    cur.execute(ROWS_SQL % reader)
    published = cur.fetchall()
    check(published == source, "%s: DuckDB reads the source's rows (%d of %d)" % (label, len(published), len(source)))
    # hyparquet, row by row on what it decodes itself.
    by_id = {int(r["id"]): r for r in parsed["rows"]}
    bad = []
    for (i, uid, name, at, amount, score, props, pair, flag, day, wait) in source:
        r = by_id.get(i)
        ok = (r is not None and r["uid"] == uid and r["name"] == name and r["flag"] == flag and
              datetime.datetime.fromisoformat(r["at"].replace("Z", "+00:00")) == at and
              decimal.Decimal(str(r["amount"])) == amount and abs(float(r["score"]) - score) < 1e-12 and
              json.loads(r["props"]) == json.loads(props) and [int(x) for x in r["pair"]] == list(pair) and
              r["day"][:10] == day.isoformat() and r["wait"] == wait)
        if not ok:
            bad.append((i, r))
    check(not bad, "%s: hyparquet's rows equal the source's (%d differ; first %s)" % (label, len(bad), bad[:1]))
    types = {c["name"]: (c["type"], c["logical"] or c["converted"], c["utc"]) for c in parsed["columns"]}
    check(types["at"] == ("INT64", "TIMESTAMP", True) and types["uid"][1] == "UUID" and types["amount"][1] == "DECIMAL"
          and types["props"] == ("BYTE_ARRAY", "UTF8", None) and types["day"][1] == "DATE"
          and types["wait"] == ("BYTE_ARRAY", "UTF8", None) and types["name"][1] == "UTF8",
          "%s: Parquet logical types: %s" % (label, types))


def refusals(api):
    bad = [
        ({"name": "p1", "source": "pg_catalog.pg_class"}, 400, "system"),
        ({"name": "p1", "source": "team_1.events"}, 400, "raw PostHog"),
        ({"name": "p1", "source": "team_1.persons"}, 400, "raw PostHog"),
        ({"name": "p1", "source": "duckgres_meta.query_log"}, 400, "internal"),
        ({"name": "p1", "source": "team_1.empty_one"}, 422, "no rows"),
        ({"name": "p1", "source": "team_1.nothing_here"}, 422, "not a table"),
        ({"name": "p1", "source": "golden"}, 400, "<schema>.<table>"),
        ({"name": "p1", "source": "team_1.golden", "schedule": "1m"}, 400, "5 minutes"),
        ({"name": "p1", "source": "team_1.golden", "storage": "nowhere"}, 422, "no storage"),
        ({"name": "p1", "source": "team_1.golden", "partition_by": "name"}, 400, "DATE or TIMESTAMP"),
        ({"name": "p1", "source": "team_1.golden", "incremental": True}, 400, "partition_by"),
        ({"name": "../x", "source": "team_1.golden"}, 400, "name"),
        ({"name": "p1", "source": "team_1.golden", "bogus": 1}, 400, "bogus"),
    ]
    s, _ = api.call("POST", "/api/v1/orgs/acme/teams", {"team_id": 2, "name": "app"})
    bad.append(({"name": "p1", "source": "team_2.anything"}, 400, "team 2"))
    for body, status, words in bad:
        s, b = api.call("POST", BASE, body)
        message = b.get("error", {}).get("message", "") if isinstance(b, dict) else str(b)
        check(s == status and words in message, "refused %s: %s %s" % (body, s, message))
    s, b = api.call("POST", BASE + "/golden_local/run", {})
    check(s == 404, "run of an unknown publication: 404 (%s)" % s)


def local_publication(api, srv, cur):
    s, p = api.call("POST", BASE, {"name": "golden_local", "source": "team_1.golden"})
    check(s == 201 and p["storage"] == "local" and p["latest_version"] is None and p["status"] == "never_run",
          "local publication created on the default storage: %s %s" % (s, p))
    s, again = api.call("POST", BASE, {"name": "golden_local", "source": "team_1.golden"})
    check(s == 409, "a second golden_local: 409 (%s)" % s)
    run = publish(api, "golden_local")
    check(run["status"] == "completed" and run["rows"] == 5000 and run["bytes"] > 0 and run["files"] >= 1
          and run["mode"] == "full", "local run completed: %s" % run)
    s, p = api.call("GET", BASE + "/golden_local")
    version = p["latest_version"]
    check(s == 200 and version == run["version"] and p["location"].endswith("/golden_local/")
          and p["clickhouse_sql"] and p["duckdb_sql"] and version in p["clickhouse_sql"],
          "GET shows the live version, location and snippets: %s" % {k: p.get(k) for k in ("latest_version", "location", "clickhouse_sql", "duckdb_sql")})
    check(set(p["snippets"]) >= {"clickhouse_sql", "clickhouse_create_sql", "duckdb_sql", "spark", "trino_sql"},
          "every reader's snippet: %s" % list(p["snippets"]))
    location = p["location"]
    check(location.startswith(os.path.realpath(srv.data_dir)) or location.startswith(srv.data_dir),
          "the local folder is the duckling's: %s" % location)
    folder = Folder(location)
    check(folder.read("latest").decode() == version, "latest names the version")
    manifest, parsed, reader = check_version("local", cur, folder, version, "team_1.golden", "local")
    golden_rows_equal("local", cur, parsed, reader)
    # ClickHouse runs the generated SQL over the files: the source's aggregates, JSON as text.
    want = numbers(one(cur, AGG_SQL % "team_1.golden"))
    got = clickhouse(CH_AGG % p["clickhouse_sql"])
    check(got and numbers(got[0]) == want, "ClickHouse (local files) %s == %s" % (got, want))
    s, changed = api.call("PATCH", BASE + "/golden_local", {"schedule": "6h", "description": "the golden rows"})
    check(s == 200 and changed["schedule"] == "6h" and changed["schedule_seconds"] == 21600
          and changed["latest_version"] == version, "PATCH changes the schedule: %s %s" % (s, changed))
    s, bad = api.call("PATCH", BASE + "/golden_local", {"storage": "elsewhere"})
    check(s == 400, "a publication keeps its storage: %s %s" % (s, bad))
    described = {r[0]: r[1] for r in clickhouse("DESCRIBE (%s)" % p["clickhouse_sql"])}
    check("String" in described.get("props", "") and "DateTime64(6, 'UTC')" in described.get("at", "")
          and "UUID" in described.get("uid", "") and "Decimal(12, 2)" in described.get("amount", "")
          and "String" in described.get("wait", ""), "ClickHouse's types: %s" % described)
    return version


def s3_publication(api, cur, s3):
    s, st = api.call("POST", "/api/v1/orgs/acme/storages",
                     {"name": "lake", "kind": "s3", "endpoint": s3.endpoint(), "bucket": "ducks", "prefix": "golden/",
                      "access_key_id": "S3RVER", "secret_access_key": "S3RVER"})
    check(s == 201, "lake storage: %s %s" % (s, st))
    s, p = api.call("POST", BASE, {"name": "golden_days", "source": "team_1.golden", "storage": "lake",
                                   "partition_by": "at", "incremental": True, "schedule": "manual",
                                   "retain_versions": 2})
    check(s == 201 and p["partition_by"] == "at", "partitioned S3 publication: %s %s" % (s, p))
    run = publish(api, "golden_days")
    check(run["status"] == "completed" and run["rows"] == 5000 and run["mode"] == "full",
          "S3 run completed: %s" % run)
    s, p = api.call("GET", BASE + "/golden_days")
    v1 = p["latest_version"]
    check(p["location"] == "s3://ducks/golden/golden_days/", "S3 location: %s" % p["location"])
    folder = Folder(p["location"], s3)
    check(folder.read("latest").decode() == v1, "S3 latest names %s" % v1)
    manifest, parsed, reader = check_version("s3", cur, folder, v1, "team_1.golden", "lake")
    days = one(cur, "SELECT count(DISTINCT CAST(at AT TIME ZONE 'UTC' AS date)) FROM team_1.golden")[0]
    check(len({f["partition"] for f in manifest["files"]}) == days and
          all(f["path"].startswith("at_date=") for f in manifest["files"]),
          "one folder per UTC day (%d): %s" % (days, [f["path"] for f in manifest["files"]][:3]))
    golden_rows_equal("s3", cur, parsed, reader)
    want = numbers(one(cur, AGG_SQL % "team_1.golden"))
    got = clickhouse(CH_AGG % p["clickhouse_sql"])
    check(p["clickhouse_sql"].startswith("SELECT * FROM s3('%s/ducks/golden/golden_days/%s/" % (s3.endpoint(), v1))
          and got and numbers(got[0]) == want, "ClickHouse through s3(): %s == %s (%s)" % (got, want, p["clickhouse_sql"]))
    created = clickhouse(p["snippets"]["clickhouse_create_sql"] + "; SELECT count() FROM golden_days")
    check(created and int(created[0][0]) == 5000, "ClickHouse's S3 table: %s" % created)

    # New rows on a new day: the next run writes that day only and carries the others.
    cur.execute("INSERT INTO team_1.golden SELECT i, gen_random_uuid(), 'name ' || i, "
                "timestamptz '2026-12-30 10:00:00+00' + i * interval '1 second', 1.5, 0.5, '{\"plan\": \"pro\"}'::json, "
                "ARRAY[i, i], true, DATE '2026-12-30', interval '2 hours' FROM generate_series(5001, 5100) AS i")
    run = publish(api, "golden_days")
    check(run["status"] == "completed" and run["mode"] == "incremental" and run.get("partitions_written") == 1
          and run.get("partitions_carried") == days and run["rows"] == 5100,
          "incremental run rewrote one day: %s" % run)
    s, p = api.call("GET", BASE + "/golden_days")
    v2 = p["latest_version"]
    check(v2 > v1 and folder.read("latest").decode() == v2, "latest moved to %s" % v2)
    manifest, parsed, reader = check_version("s3 incremental", cur, folder, v2, "team_1.golden", "lake")
    golden_rows_equal("s3 incremental", cur, parsed, reader)
    got = clickhouse(CH_AGG % p["clickhouse_sql"])
    want = numbers(one(cur, AGG_SQL % "team_1.golden"))
    check(got and numbers(got[0]) == want, "ClickHouse after the incremental run %s == %s" % (got, want))
    # Nothing changed: no new version.
    run = publish(api, "golden_days")
    check(run["status"] == "completed" and run.get("unchanged") is True and run["version"] == v2,
          "an unchanged source publishes nothing new: %s" % run)
    # Retention 2: a third version prunes the first.
    cur.execute("INSERT INTO team_1.golden SELECT i, gen_random_uuid(), 'x', timestamptz '2026-12-31 10:00:00+00', 1, 1, "
                "'{}'::json, ARRAY[1], false, DATE '2026-12-31', interval '0' FROM generate_series(5101, 5110) AS i")
    run = publish(api, "golden_days")
    s, versions = api.call("GET", BASE + "/golden_days/versions")
    names = [v["version"] for v in versions]
    check(run["status"] == "completed" and names == [run["version"], v2] and versions[0]["live"]
          and not folder.exists("%s/_manifest.json" % v1), "retention keeps the live version and the one before: %s" % versions)
    cur.execute("DELETE FROM team_1.golden WHERE id > 5000")
    return v2


def model_publication(api, cur):
    """A model in DuckDB's dialect, with a struct and a list of text, published and read back."""
    s, m = api.call("POST", "/api/v1/orgs/acme/teams/1/models",
                    {"name": "golden_struct", "dialect": "duckdb",
                     "sql": "SELECT id, {'plan': props->>'$.plan', 'n': id} AS info, [name, 'x'] AS names, "
                            "id::HUGEINT * 1000000000000 AS big, id::UBIGINT AS u FROM team_1.golden"})
    check(s == 201, "model: %s %s" % (s, m))
    s, run = api.call("POST", "/api/v1/orgs/acme/teams/1/models/golden_struct/run", {})
    check(wait_for(lambda: api.call("GET", "/api/v1/orgs/acme/teams/1/models/golden_struct/runs/" + run["id"])[1]["status"] == "completed", 60),
          "model built")
    s, p = api.call("POST", BASE, {"name": "golden_struct", "source": "team_1.golden_struct", "after_source_build": True})
    check(s == 201, "publication of a model: %s %s" % (s, p))
    run = publish(api, "golden_struct")
    # The model's next build publishes it again.
    s, built = api.call("POST", "/api/v1/orgs/acme/teams/1/models/golden_struct/run", {})

    def after_build():
        runs = api.call("GET", BASE + "/golden_struct/runs")[1]
        return [r for r in runs if r["trigger"] == "model team_1.golden_struct" and r["status"] == "completed"]
    check(wait_for(after_build, 60), "a build of the model published it: %s" % api.call("GET", BASE + "/golden_struct/runs")[1][:2])
    s, p = api.call("GET", BASE + "/golden_struct")
    folder = Folder(p["location"])
    manifest = json.loads(folder.read("%s/_manifest.json" % p["latest_version"]))
    types = {c["name"]: c["type"] for c in manifest["schema"]}
    check(run["status"] == "completed" and types.get("big") == "DECIMAL(38,0)" and types.get("u") == "DECIMAL(20,0)"
          and types.get("info", "").startswith("STRUCT"), "the model's columns as published: %s" % types)
    got = clickhouse("SELECT count(), sum(info.n), countIf(info.plan = 'pro'), sum(length(names)), sum(big) FROM (%s)"
                     % p["clickhouse_sql"])
    want = one(cur, "SELECT count(*), sum(id), count(*) FILTER (WHERE props->>'plan' = 'pro'), 2 * count(*), "
                    "sum(id)::numeric * 1000000000000 FROM team_1.golden")
    check(got and numbers(got[0]) == numbers(want), "ClickHouse reads structs, lists and wide integers: %s == %s" % (got, want))


def other_sources(api, cur):
    """A view and a table of the public schema publish as tables do."""
    cur.execute("CREATE VIEW team_1.golden_view AS SELECT id, name, at FROM team_1.golden WHERE flag")
    cur.execute("CREATE TABLE public.shop_orders AS SELECT i AS id, i * 2.5 AS total FROM generate_series(1, 777) AS i")
    for name, source, want in (("golden_view", "team_1.golden_view", 1000), ("shop_orders", "public.shop_orders", 777)):
        s, p = api.call("POST", BASE, {"name": name, "source": source})
        run = publish(api, name) if s == 201 else {}
        s, p = api.call("GET", BASE + "/" + name)
        check(run.get("status") == "completed" and run.get("rows") == want and p.get("rows") == want,
              "%s published: %s" % (source, run))


def kill_mid_publication(api, srv, s3, cur):
    """kill -9 while a large version is being written: latest keeps the previous version, no
    manifest exists for the partial one, and the next run cleans it and completes."""
    cur.execute("CREATE TABLE team_1.wide AS SELECT i AS id, md5(i::text) AS a, md5((i + 1)::text) AS b, "
                "timestamptz '2026-01-01 00:00:00+00' + i * interval '1 second' AS at "
                "FROM generate_series(1, 3000000) AS i")
    s, p = api.call("POST", BASE, {"name": "wide", "source": "team_1.wide", "storage": "lake", "partition_by": "at"})
    check(s == 201, "wide publication: %s %s" % (s, p))
    run = publish(api, "wide")
    s, p = api.call("GET", BASE + "/wide")
    live = p["latest_version"]
    folder = Folder(p["location"], s3)
    cur.close()

    def versions_in_bucket():
        listed = http_get("%s/ducks?prefix=golden/wide/&list-type=2" % s3.endpoint()).decode()
        keys = [k.split("</Key>")[0] for k in listed.split("<Key>")[1:]]
        return {k.split("/")[2] for k in keys if k.count("/") >= 4} - {live}
    s, run = api.call("POST", BASE + "/wide/run", {})
    # Kill once the new version's first file is in the bucket: its others are still uploading.
    seen = wait_for(versions_in_bucket, 120, 0.02)
    srv.kill()
    check(seen, "the new version's files were being uploaded when the server was killed")
    check(folder.read("latest").decode() == live, "after kill -9, latest still names %s" % live)
    partial = next(iter(versions_in_bucket()), None)
    check(partial is not None and not folder.exists("%s/_manifest.json" % partial),
          "no manifest for the partial version %s" % partial)
    srv.start(extra_args=["--usage-interval", "1"])
    s, r = api.call("GET", "%s/wide/runs/%s" % (BASE, run["id"]))
    check(r["status"] == "failed" and "stopped" in (r["error"] or ""), "the killed run failed: %s" % r)
    run = publish(api, "wide")
    check(run["status"] == "completed" and partial in run["cleaned"] and run["rows"] == 3000000,
          "the next run cleaned %s and completed: %s" % (partial, {k: run.get(k) for k in ("status", "cleaned", "rows", "error")}))
    s, versions = api.call("GET", BASE + "/wide/versions")
    check(all(v["complete"] for v in versions), "only whole versions remain: %s" % versions)


def ctl_and_usage(api, srv):
    r = ctl(srv, "publications", "list", "acme", "1")
    check(r.returncode == 0 and "golden_local" in r.stdout, "ctl publications list: %s %s" % (r.returncode, r.stderr[-300:]))
    r = ctl(srv, "publications", "run", "acme", "1", "golden_local")
    check(r.returncode == 0 and "pr_" in r.stdout, "ctl publications run: %s %s" % (r.stdout[-300:], r.stderr[-300:]))
    r = ctl(srv, "publications", "versions", "acme", "1", "golden_local")
    check(r.returncode == 0 and "version" in r.stdout, "ctl publications versions: %s" % r.stderr[-300:])

    def meters():
        s, u = api.call("GET", "/api/v1/orgs/acme/usage?group_by=user")
        text = json.dumps(u)
        return "published_bytes" in text and "publication_runs" in text and "publication:golden_local" in text
    check(wait_for(meters, 30), "publications metered: %s" % api.call("GET", "/api/v1/orgs/acme/usage?group_by=user")[1])
    c = connect(srv, "acme", "alice", "alice-secret-1")
    c.autocommit = True
    cur = c.cursor()

    def listed():  # the run ctl started ends in its own time
        cur.execute("SELECT publication, status, rows, version FROM system.publication_runs "
                    "WHERE publication = 'golden_local' ORDER BY started_at")
        found = cur.fetchall()
        return found if len(found) >= 2 else None
    runs = wait_for(listed, 60) or []
    c.close()
    check(len(runs) >= 2 and runs[0][1:3] == ("completed", 5000) and runs[0][3],
          "system.publication_runs lists the runs: %s" % runs)
    s, _ = api.call("DELETE", BASE + "/golden_struct?purge=true")
    s2, _ = api.call("GET", BASE + "/golden_struct")
    check(s == 204 and s2 == 404, "deleted: %s %s" % (s, s2))


def process_isolation():
    """The same publication when the duckling runs in its own worker process (DuckDB writes the
    files there, the server moves them)."""
    srv = Server()
    try:
        srv.start(extra_args=["--isolation", "process"])
        api = Api(srv)
        setup_acme(api)
        c = connect(srv, "acme", "alice", "alice-secret-1")
        c.autocommit = True
        cur = c.cursor()
        cur.execute(SOURCE_SQL)
        s, p = api.call("POST", BASE, {"name": "golden_local", "source": "team_1.golden", "partition_by": "day"})
        check(s == 201, "process isolation: created %s %s" % (s, p))
        run = publish(api, "golden_local")
        s, p = api.call("GET", BASE + "/golden_local")
        check(run["status"] == "completed" and run["rows"] == 5000, "process isolation: published %s" % run)
        manifest, parsed, reader = check_version("process isolation", cur, Folder(p["location"]), p["latest_version"],
                                                 "team_1.golden", "local")
        golden_rows_equal("process isolation", cur, parsed, reader)
        check(all(f["path"].startswith("day=") for f in manifest["files"]),
              "process isolation: DATE partitions by the column itself: %s" % [f["path"] for f in manifest["files"]][:2])
        c.close()
    finally:
        srv.stop()


def main():
    s3 = S3rver()
    srv = Server()
    try:
        srv.start(extra_args=["--usage-interval", "1"])
        api = Api(srv)
        setup_acme(api)
        c = connect(srv, "acme", "alice", "alice-secret-1")
        c.autocommit = True
        cur = c.cursor()
        cur.execute(SOURCE_SQL)
        cur.execute("CREATE TABLE team_1.empty_one (id int)")
        refusals(api)
        local_publication(api, srv, cur)
        s3_publication(api, cur, s3)
        model_publication(api, cur)
        other_sources(api, cur)
        ctl_and_usage(api, srv)
        kill_mid_publication(api, srv, s3, cur)
    finally:
        srv.stop()
        s3.stop()
    process_isolation()
    finish("publications")


if __name__ == "__main__":
    main()
