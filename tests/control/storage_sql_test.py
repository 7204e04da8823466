# SQL reaching an organization's storages (docs/storage.md): read_parquet, read_csv and
# read_json of s3://<storage>/<path or glob> and COPY … TO 's3://<storage>/…' against a real
# S3-compatible server (s3rver) and a local storage, in both isolation modes (in the server
# process, and in a worker process whose requests go over the control socket). Reads give the
# answers the same rows give from a table; a changed object is read again (ETag); other
# organizations' storages, missing objects and roles without a grant get their SQLSTATE.
import os
import time
import urllib.request

import psycopg2

from control_lib import Api, S3rver, Server, check, connect, ctl, finish, setup_acme


def sqlstate(conn, sql):
    cur = conn.cursor()
    try:
        cur.execute(sql)
        cur.fetchall()
        return None
    except psycopg2.Error as e:
        return e.pgcode
    finally:
        conn.rollback() if not conn.autocommit else None


def one(conn, sql):
    cur = conn.cursor()
    cur.execute(sql)
    return cur.fetchone()


def wait_job(api, job_id, timeout=120):
    deadline = time.monotonic() + timeout
    while True:
        s, job = api.call("GET", "/api/v1/orgs/acme/jobs/" + job_id)
        if job.get("state") in ("done", "failed") or time.monotonic() > deadline:
            return job
        time.sleep(0.2)


def run(isolation):
    s3 = S3rver()
    srv = Server()
    label = "isolation=%s" % isolation
    try:
        srv.start(extra_args=["--isolation", isolation])
        api = Api(srv)
        setup_acme(api)
        lake = {"name": "lake", "kind": "s3", "endpoint": s3.endpoint(), "bucket": "ducks",
                "prefix": "acme/", "access_key_id": "S3RVER", "secret_access_key": "acme-secret"}
        s, body = api.call("POST", "/api/v1/orgs/acme/storages", lake)
        check(s == 201, "%s: lake: %s %s" % (label, s, body))
        s, body = api.call("POST", "/api/v1/orgs/acme/storages", {"name": "home", "kind": "local"})
        check(s == 201, "%s: home: %s %s" % (label, s, body))
        api.call("POST", "/api/v1/orgs", {"name": "beta"})
        s, body = api.call("POST", "/api/v1/orgs/beta/storages",
                           dict(lake, name="vault", prefix="beta/"))
        check(s == 201, "%s: beta's vault: %s %s" % (label, s, body))

        alice = connect(srv, "acme", "alice", "alice-secret-1")
        alice.autocommit = True
        cur = alice.cursor()
        cur.execute("CREATE TABLE t AS SELECT i, i % 7 AS g, md5(i::text) AS s, "
                    "TIMESTAMP '2024-01-01' + i * INTERVAL '1 minute' AS at "
                    "FROM generate_series(1, 200000) AS i")
        want = one(alice, "SELECT count(*), sum(i), count(DISTINCT s), max(at) FROM t")

        # COPY … TO a storage: the file DuckDB wrote, uploaded; the tag counts rows.
        cur.execute("COPY (SELECT * FROM t WHERE i <= 120000) TO 's3://lake/ds/part-1.parquet' "
                    "(FORMAT parquet)")
        check(cur.statusmessage == "COPY 120000", "%s: COPY tag %s" % (label, cur.statusmessage))
        cur.execute("COPY (SELECT * FROM t WHERE i > 120000) TO 's3://lake/ds/part-2.parquet' "
                    "(FORMAT parquet, COMPRESSION zstd)")
        cur.execute("COPY t TO 's3://lake/csv/t.csv' (FORMAT csv, HEADER true)")
        cur.execute("COPY (SELECT i, s FROM t WHERE i <= 1000) TO 's3://lake/json/t.json' (FORMAT json)")
        cur.execute("COPY t TO 's3://lake/hive' (FORMAT parquet, PARTITION_BY (g))")
        stored = sorted(os.path.relpath(os.path.join(d, f), s3.dir)
                        for d, _, files in os.walk(s3.dir) for f in files)
        check(any("acme/ds/part-1.parquet" in p for p in stored)
              and any("acme/hive/g=3/" in p for p in stored),
              "%s: the objects are in the bucket, under the prefix: %s" % (label, stored[:8]))

        # Reads: the same answers as from the table, by glob, list and single key.
        q = "SELECT count(*), sum(i), count(DISTINCT s), max(at) FROM %s"
        got = one(alice, q % "read_parquet('s3://lake/ds/*.parquet')")
        check(got == want, "%s: parquet by glob %s == %s" % (label, got, want))
        got = one(alice, q % "read_parquet(ARRAY['s3://lake/ds/part-1.parquet', "
                             "'s3://lake/ds/part-2.parquet'])")
        check(got == want, "%s: parquet by list %s" % (label, got))
        got = one(alice, "SELECT count(*), sum(i) FROM read_csv('s3://lake/csv/t.csv')")
        check(got == want[:2], "%s: csv %s" % (label, got))
        got = one(alice, "SELECT count(*), sum(i) FROM read_json('s3://lake/json/t.json')")
        check(got == (1000, 500500), "%s: json %s" % (label, got))
        got = one(alice, "SELECT count(*), count(DISTINCT g), sum(i) FROM "
                         "read_parquet('s3://lake/hive/**/*.parquet', hive_partitioning = true)")
        check(got == (want[0], 7, want[1]), "%s: hive-partitioned %s" % (label, got))
        got = one(alice, "SELECT count(*) FROM t JOIN read_parquet('s3://lake/ds/part-1.parquet') p "
                         "USING (i)")
        check(got == (120000,), "%s: joined with a table %s" % (label, got))

        if isolation == "process":
            # 10M rows in many files: the same answers from the bucket as from local disk (a
            # local storage) and from the table they came from.
            cur.execute("CREATE TABLE big AS SELECT i, i % 1000 AS k, (i::bigint * 7919) % 100003 AS v, "
                        "CAST(i % 97 AS DOUBLE) / 7 AS x FROM generate_series(1, 10000000) AS i")
            cur.execute("COPY big TO 's3://lake/big' (FORMAT parquet, FILE_SIZE_BYTES '8MB')")
            check(cur.statusmessage == "COPY 10000000", "%s: 10M rows copied: %s" % (label, cur.statusmessage))
            cur.execute("COPY big TO 's3://home/big' (FORMAT parquet, FILE_SIZE_BYTES '8MB')")
            files = [f for _, _, fs in os.walk(os.path.join(srv.data_dir, "ducklings", "acme", "storages",
                                                            "home", "big")) for f in fs]
            check(len(files) > 4, "%s: many files: %d" % (label, len(files)))
            agg = ("SELECT count(*), sum(i), count(DISTINCT k), sum(v), round(sum(x), 6), "
                   "min(i), max(i) FROM %s")
            from_table = one(alice, agg % "big")
            from_bucket = one(alice, agg % "read_parquet('s3://lake/big/*.parquet')")
            from_disk = one(alice, agg % "read_parquet('s3://home/big/*.parquet')")
            check(from_bucket == from_disk == from_table,
                  "%s: 10M rows: bucket %s, disk %s, table %s" % (label, from_bucket, from_disk, from_table))
            top = ("SELECT k, count(*), sum(v) FROM %s GROUP BY k ORDER BY sum(v) DESC, k LIMIT 5")
            check(one(alice, top % "read_parquet('s3://lake/big/*.parquet')") == one(alice, top % "big"),
                  "%s: grouped answers alike" % label)
            cur.execute("DROP TABLE big")

        # A changed object is read again (its ETag changed), not the cached copy.
        cur.execute("COPY (SELECT * FROM t WHERE i > 199000) TO 's3://lake/ds/part-2.parquet' "
                    "(FORMAT parquet)")
        got = one(alice, "SELECT count(*) FROM read_parquet('s3://lake/ds/*.parquet')")
        check(got == (121000,), "%s: the new object is read %s" % (label, got))

        # A local storage: files in the duckling's folder, read in place.
        cur.execute("COPY (SELECT * FROM t WHERE g = 0) TO 's3://home/zero.parquet'")
        got = one(alice, "SELECT count(*) FROM read_parquet('s3://home/zero.parquet')")
        check(got == one(alice, "SELECT count(*) FROM t WHERE g = 0"), "%s: local storage %s" % (label, got))

        # What stays refused.
        for sql, code in (
                ("SELECT * FROM read_parquet('s3://vault/x.parquet')", "42704"),  # beta's
                ("SELECT * FROM read_parquet('s3://nosuch/x.parquet')", "42704"),
                ("SELECT * FROM read_parquet('s3://lake/none/*.parquet')", "58P01"),
                ("SELECT * FROM read_parquet('s3://lake/missing.parquet')", "58P01"),
                ("COPY t TO 's3://vault/t.parquet'", "42704"),
                ("COPY t TO 's3://lake/t.txt' (FORMAT text)", "22023"),
                ("COPY t TO 's3://lake/t.parquet' (FORMAT parquet, colour 'blue')", "0A000"),
                ("SELECT * FROM read_parquet('/etc/passwd')", "42501"),
                ("SELECT * FROM read_parquet('%s/ducklings/acme/storage_cache/lake/ds/part-1.parquet')"
                 % srv.data_dir, "42501"),
                ("SELECT * FROM 's3://lake/ds/part-1.parquet'", "42501"),
                ("COPY t FROM 's3://lake/csv/t.csv'", "42501"),
                # beta's objects by another way: a key that climbs out of lake's prefix, the
                # bucket's name as a storage, the endpoint's URL.
                ("SELECT * FROM read_parquet('s3://lake/../beta/x.parquet')", "22023"),
                ("SELECT * FROM read_parquet('s3://ducks/beta/x.parquet')", "42704"),
                ("SELECT * FROM read_parquet('%s/ducks/beta/x.parquet')" % s3.endpoint(), "42501")):
            got = sqlstate(alice, sql)
            check(got == code, "%s: %s -> %s (want %s)" % (label, sql, got, code))

        # Other roles reach a storage only by a grant: read, then write.
        bob = connect(srv, "acme", "bob", "bob-secret-1")
        bob.autocommit = True
        got = sqlstate(bob, "SELECT count(*) FROM read_parquet('s3://lake/ds/*.parquet')")
        check(got == "42501", "%s: bob without a grant: %s" % (label, got))
        s, body = api.call("POST", "/api/v1/orgs/acme/storages/lake/grants",
                           {"role": "bob", "privilege": "read"})
        check(s == 201 and body["privilege"] == "read", "%s: grant: %s %s" % (label, s, body))
        got = one(bob, "SELECT count(*) FROM read_parquet('s3://lake/ds/*.parquet')")
        check(got == (121000,), "%s: bob reads with the grant: %s" % (label, got))
        got = sqlstate(bob, "COPY (SELECT 1 AS x) TO 's3://lake/bob.parquet'")
        check(got == "42501", "%s: bob may not write: %s" % (label, got))
        s, body = api.call("GET", "/api/v1/orgs/acme/storages/lake/grants")
        check(s == 200 and [g["role"] for g in body] == ["bob"], "%s: grants listed %s" % (label, body))
        s, _ = api.call("DELETE", "/api/v1/orgs/acme/storages/lake/grants/bob")
        check(s == 204, "%s: revoked: %s" % (label, s))
        got = sqlstate(bob, "SELECT count(*) FROM read_parquet('s3://lake/ds/*.parquet')")
        check(got == "42501", "%s: bob after the revoke: %s" % (label, got))
        s, body = api.call("POST", "/api/v1/orgs/acme/storages/lake/grants",
                           {"role": "bob", "privilege": "admin"})
        check(s == 400, "%s: an unknown privilege: %s" % (label, s))
        s, body = api.call("POST", "/api/v1/orgs/acme/storages/nosuch/grants",
                           {"role": "bob", "privilege": "read"})
        check(s == 404, "%s: a grant of no storage: %s" % (label, s))
        # Write (by duckgres ctl): bob writes where he may and reads it back.
        r = ctl(srv, "storage", "grant", "acme", "lake", "bob", "--privilege", "write")
        check(r.returncode == 0 and "write" in r.stdout, "%s: ctl storage grant: %r" % (label, r.stdout + r.stderr))
        r = ctl(srv, "storage", "grants", "acme", "lake")
        check(r.returncode == 0 and "bob" in r.stdout, "%s: ctl storage grants: %r" % (label, r.stdout + r.stderr))
        cur_b = bob.cursor()
        cur_b.execute("COPY (SELECT 42 AS x) TO 's3://lake/bob/x.parquet'")
        check(one(bob, "SELECT x FROM read_parquet('s3://lake/bob/x.parquet')") == (42,),
              "%s: bob writes with the write grant" % label)
        got = sqlstate(bob, "SELECT count(*) FROM read_parquet('s3://home/zero.parquet')")
        check(got == "42501", "%s: a grant of one storage is not of another: %s" % (label, got))
        r = ctl(srv, "storage", "revoke", "acme", "lake", "bob")
        check(r.returncode == 0, "%s: ctl storage revoke: %r" % (label, r.stdout + r.stderr))
        bob.close()

        # Bootstrap of PostHog exports in a bucket: s3://<storage>/<prefix>, applied once.
        for n, first in ((1, 1), (2, 3001)):
            cur.execute("COPY (SELECT CAST(lpad(to_hex(i), 32, '0') AS UUID) AS uuid, "
                        "'exported' AS event, 'user-' || i AS distinct_id, "
                        "TIMESTAMPTZ '2026-02-01 00:00:00+00' + i * INTERVAL '1 second' AS timestamp, "
                        "json_build_object('n', i) AS properties "
                        "FROM generate_series(%d, %d) AS i) TO 's3://lake/exports/events-%d.jsonl' "
                        "(FORMAT json)" % (first, first + 2999, n))
        s, job = api.call("POST", "/api/v1/orgs/acme/teams/1/bootstrap", {"path": "s3://lake/exports/"})
        check(s == 202, "%s: bootstrap from a bucket: %s %s" % (label, s, job))
        job = wait_job(api, job["id"])
        check(job["state"] == "done" and job["files_done"] == 2 and job["rows_inserted"] == 6000,
              "%s: bootstrap job: %s" % (label, job))
        got = one(alice, "SELECT count(*), count(DISTINCT uuid), min(properties->>'n') FROM "
                         "team_1.events WHERE event = 'exported'")
        check(got == (6000, 6000, "1"), "%s: bootstrapped events %s" % (label, got))
        s, again = api.call("POST", "/api/v1/orgs/acme/teams/1/bootstrap", {"path": "s3://lake/exports/"})
        again = wait_job(api, again["id"])
        check(again["state"] == "done" and again["rows_inserted"] == 0, "%s: again adds nothing: %s" % (label, again))
        for bad in ("s3://vault/exports/", "s3://lake/nothing/"):
            s, body = api.call("POST", "/api/v1/orgs/acme/teams/1/bootstrap", {"path": bad})
            check(s == 400, "%s: bootstrap of %s: %s %s" % (label, bad, s, body))
        alice.close()
        # What SQL moved shows in /metrics, per organization.
        with urllib.request.urlopen("http://%s:%d/metrics" % (srv.host, srv.http_port), timeout=5) as r:
            metrics = r.read().decode()
        def metric(line_start):
            for line in metrics.splitlines():
                if line.startswith(line_start):
                    return float(line.rsplit(" ", 1)[1])
            return None
        hits = metric('duckgres_storage_objects_read_total{org="acme",how="hit"}')
        downloads = metric('duckgres_storage_objects_read_total{org="acme",how="download"}')
        written = metric('duckgres_storage_written_objects_total{org="acme"}')
        check(hits and downloads and written and metric('duckgres_storage_read_bytes_total{org="acme"}'),
              "%s: storage metrics: hits %s, downloads %s, written %s" % (label, hits, downloads, written))
        srv.stop()
        check("acme-secret" not in srv.log_text(), "%s: no secret in the server's log" % label)
    except Exception as e:  # noqa: BLE001
        check(False, "%s: %r\n%s" % (label, e, srv.log_tail()))
    finally:
        srv.stop()
        srv.cleanup()
        s3.stop()


for mode in ("process", "none"):
    run(mode)
finish("control storage_sql")
