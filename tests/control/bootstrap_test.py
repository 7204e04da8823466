# Bootstrap (issue 7): a team backfilled from export files on the server — JSON Lines and CSV
# events, JSON Lines persons with their distinct ids — through `duckgres ctl bootstrap` (its
# progress bar) and the API job (progress, listing); paths outside --readable-directories
# and bad requests refused; running it again never duplicates; a job interrupted by kill -9
# resumes on restart and ends with every row exactly once. In both isolation modes.
import csv
import ctypes
import datetime
import gzip
import json

import psycopg2
import os
import shutil
import tempfile
import time
import uuid

import psycopg2

from control_lib import Api, Server, check, connect, ctl, failures, finish  # noqa: F401


def write_events(path, n, start=0):
    t0 = datetime.datetime(2026, 1, 1, tzinfo=datetime.timezone.utc)
    ids = []
    with open(path, "w") as f:
        for i in range(start, start + n):
            u = str(uuid.UUID(int=i + 1))
            ids.append(u)
            f.write(json.dumps({"uuid": u, "event": "$pageview" if i % 3 else "signup", "distinct_id": "user-%d" % (i % 500),
                                "timestamp": (t0 + datetime.timedelta(seconds=i)).isoformat(),
                                "properties": {"$current_url": "https://shop.example/p/%d" % (i % 40), "$session_id": "s%d" % (i // 50)}}) + "\n")
    return ids


def duckdb_run(*statements):
    """Runs SQL in an in-memory DuckDB (the server's own libduckdb, through its C API) — here to
    write Parquet files, which nothing else on the machine writes."""
    root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
    lib = ctypes.CDLL(os.path.join(root, "third_party", "duckdb", "lib", "libduckdb.so"))
    db, conn = ctypes.c_void_p(), ctypes.c_void_p()
    assert lib.duckdb_open(None, ctypes.byref(db)) == 0
    assert lib.duckdb_connect(db, ctypes.byref(conn)) == 0
    for sql in statements:
        result = ctypes.create_string_buffer(256)  # duckdb_result, opaque here
        ok = lib.duckdb_query(conn, sql.encode(), result) == 0
        lib.duckdb_destroy_result(result)
        assert ok, sql
    lib.duckdb_disconnect(ctypes.byref(conn))
    lib.duckdb_close(ctypes.byref(db))


def count(srv, sql):
    c = connect(srv, "acme", "alice", "alice-secret-1")
    cur = c.cursor()
    cur.execute(sql)
    v = cur.fetchone()[0]
    c.close()
    return v


def wait_job(api, job_id, states=("done", "failed"), timeout=120):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        s, job = api.call("GET", "/api/v1/orgs/acme/jobs/%s" % job_id)
        if s == 200 and job["state"] in states:
            return job
        time.sleep(0.1)
    return job


def suite(isolation):
    tmp = tempfile.mkdtemp(prefix="duckgres-bootstrap-")
    exports = os.path.join(tmp, "exports")
    os.makedirs(os.path.join(exports, "many"))
    srv = Server()
    try:
        # Batches of at most 16 MiB: the kill below lands between batches of one file each.
        args = ["--isolation", isolation, "--readable-directories", exports, "--bootstrap-batch-mb", "16"]
        srv.start(extra_args=args)
        api = Api(srv)
        api.call("POST", "/api/v1/orgs", {"name": "acme"})
        api.call("POST", "/api/v1/orgs/acme/teams", {"team_id": 1, "name": "web"})
        api.call("POST", "/api/v1/orgs/acme/users", {"username": "alice", "password": "alice-secret-1"})
        api.call("PUT", "/api/v1/orgs/acme/duckling", {"size": "s"})
        check(api.wait_state("acme", ("ready", "failed"))["state"] == "ready", "%s: ready" % isolation)

        # Persons first, so events get their person_id.
        persons = os.path.join(exports, "persons.jsonl")
        with open(persons, "w") as f:
            for p in range(100):
                f.write(json.dumps({"id": str(uuid.UUID(int=10 ** 9 + p)), "properties": {"email": "u%d@example.com" % p},
                                    "created_at": "2025-12-01T00:00:00Z", "is_identified": True,
                                    "distinct_ids": ["user-%d" % p, "user-%d" % (p + 100)]}) + "\n")
        out = ctl(srv, "bootstrap", "acme", "1", persons, "--kind", "persons")
        check(out.returncode == 0 and "state: done" in out.stdout, "%s: persons bootstrap: %s %s" % (isolation, out.stdout[-300:], out.stderr[-300:]))
        check("rows_inserted: 100\n" in out.stdout, "%s: persons inserted: %s" % (isolation, out.stdout[-300:]))
        check(count(srv, "SELECT count(*) FROM team_1.persons") == 100 and
              count(srv, "SELECT count(*) FROM team_1.person_distinct_ids") == 200, "%s: persons and their ids" % isolation)

        events = os.path.join(exports, "events.jsonl")
        ids = write_events(events, 20000)
        out = ctl(srv, "bootstrap", "acme", "1", events)
        check(out.returncode == 0 and "rows: 20000" in out.stdout, "%s: ctl bootstrap: %s" % (isolation, out.stdout[-400:]))
        check("100%" in out.stderr and "rows/s" in out.stderr, "%s: a progress bar: %r" % (isolation, out.stderr[-200:]))
        check(count(srv, "SELECT count(*) FROM team_1.events") == 20000, "%s: 20000 events" % isolation)
        check(count(srv, "SELECT count(*) FROM team_1.events WHERE person_id IS NOT NULL") ==
              count(srv, "SELECT count(*) FROM team_1.events WHERE CAST(split_part(distinct_id, '-', 2) AS INT) < 200"),
              "%s: events of known distinct ids get their person" % isolation)
        check(count(srv, "SELECT count(*) FROM team_1.events WHERE \"$session_id\" = 's0'") == 50, "%s: $session_id column" % isolation)

        # Again: nothing duplicates; a CSV with overlapping uuids adds only the new ones.
        out = ctl(srv, "bootstrap", "acme", "1", events)
        check(out.returncode == 0 and count(srv, "SELECT count(*) FROM team_1.events") == 20000, "%s: re-run adds nothing" % isolation)
        csv_path = os.path.join(exports, "more.csv")
        with open(csv_path, "w", newline="") as f:
            w = csv.writer(f)
            w.writerow(["uuid", "event", "distinct_id", "timestamp", "properties"])
            for i in range(19000, 21000):
                w.writerow([str(uuid.UUID(int=i + 1)), "csv", "user-%d" % i, "2026-02-01T00:00:00Z", json.dumps({"n": i})])
        s, job = api.call("POST", "/api/v1/orgs/acme/teams/1/bootstrap", {"path": csv_path})
        check(s == 202 and job["state"] in ("queued", "running", "done"), "%s: API job: %s" % (isolation, job))
        job = wait_job(api, job["id"])
        check(job["state"] == "done" and job["rows"] == 2000 and job["rows_inserted"] == 1000 and job["bytes_done"] == job["bytes_total"] > 0,
              "%s: API job progress: %s" % (isolation, job))
        check(count(srv, "SELECT count(*) FROM team_1.events") == 21000, "%s: overlapping uuids skipped" % isolation)
        s, jobs = api.call("GET", "/api/v1/orgs/acme/jobs")
        check(s == 200 and len(jobs) == 4 and all(j["state"] == "done" for j in jobs), "%s: jobs listed" % isolation)

        # Several small files go in one batch (one transaction): a uuid repeated within a file
        # and across files of the batch is stored once, lines that are not events are skipped;
        # rows counts the lines read, rows_inserted the events added.
        batch = os.path.join(exports, "batch")
        os.makedirs(batch)
        t = "2026-03-01T00:00:00Z"
        lines = {
            "a.jsonl": [{"uuid": str(uuid.UUID(int=50001)), "event": "a", "distinct_id": "d1", "timestamp": t},
                        {"uuid": str(uuid.UUID(int=50001)), "event": "a", "distinct_id": "d1", "timestamp": t},
                        {"uuid": "not-a-uuid", "event": "a", "distinct_id": "d1", "timestamp": t},
                        {"uuid": str(uuid.UUID(int=50002)), "event": "a", "distinct_id": "d1", "timestamp": "yesterday"}],
            "b.jsonl": [{"uuid": str(uuid.UUID(int=50001)), "event": "b", "distinct_id": "d2", "timestamp": t},
                        {"uuid": str(uuid.UUID(int=50003)), "event": "b", "distinct_id": "d2", "timestamp": t,
                         "properties": {"$window_id": "w1"}},
                        {"uuid": str(uuid.UUID(int=5)), "event": "b", "distinct_id": "d2", "timestamp": t}],
            "c.jsonl": [{"uuid": str(uuid.UUID(int=50004 + i)), "event": "c", "distinct_id": "d3", "timestamp": t}
                        for i in range(10)],
        }
        for name, rows in lines.items():
            with open(os.path.join(batch, name), "w", newline="") as f:
                if name == "c.jsonl":  # CRLF, blank lines, no newline at the end: still 10 rows
                    f.write("\r\n  \r\n".join(json.dumps(r) for r in rows))
                else:
                    f.write("".join(json.dumps(r) + "\n" for r in rows))
        before = count(srv, "SELECT count(*) FROM team_1.events")
        s, job = api.call("POST", "/api/v1/orgs/acme/teams/1/bootstrap", {"path": batch})
        job = wait_job(api, job["id"])
        check(job["state"] == "done" and job["files_done"] == 3 and job["rows"] == 4 + 3 + 10 and job["rows_inserted"] == 12,
              "%s: a batch of three files: rows read and inserted: %s" % (isolation, job))
        # 50001 once, 50003, ten of c; uuid 5 was there already.
        check(count(srv, "SELECT count(*) FROM team_1.events") == before + 12, "%s: duplicates within the batch stored once" % isolation)
        check(count(srv, "SELECT count(*) FROM team_1.events WHERE uuid = CAST('%s' AS UUID)" % uuid.UUID(int=50001)) == 1,
              "%s: a uuid of two files once" % isolation)
        check(count(srv, "SELECT \"$window_id\" FROM team_1.events WHERE uuid = CAST('%s' AS UUID)" % uuid.UUID(int=50003)) == "w1",
              "%s: $window_id column" % isolation)
        s, again = api.call("POST", "/api/v1/orgs/acme/teams/1/bootstrap", {"path": batch})
        again = wait_job(api, again["id"])
        check(again["state"] == "done" and again["rows"] == 17 and again["rows_inserted"] == 0 and
              count(srv, "SELECT count(*) FROM team_1.events") == before + 12,
              "%s: the batch again: %s" % (isolation, again))
        # Lines as exports write them, through the JSON Lines reader: a byte order mark, a uuid
        # in braces without dashes, offsets and fractions, a time without offset (cast in the
        # session's zone, UTC), properties as JSON text, numbers where text is expected, an
        # escaped key, escapes kept as written.
        forms = os.path.join(exports, "forms")
        os.makedirs(forms)
        with open(os.path.join(forms, "a.jsonl"), "w", encoding="utf-8") as f:
            f.write("\ufeff" + json.dumps({"uuid": "{%s}" % uuid.UUID(int=81001).hex.upper(), "event": 5, "distinct_id": 42,
                                         "timestamp": "2026-04-01 10:00:00.5+05:30",
                                         "properties": json.dumps({"$session_id": "s-81", "n": [1, {"b": None}]})}) + "\n")
            f.write('{"\\u0075uid": "%s", "event": "forms", "distinct_id": "d", "timestamp": "2026-04-01T10:00:00", '
                    '"properties": {"$window_id": 7, "x": "\\u00e9\\n"}, "created_at": "2026-04-01T12:00:00+0100"}\n'
                    % uuid.UUID(int=81002))
            f.write(json.dumps({"uuid": str(uuid.UUID(int=81003)), "event": "forms", "distinct_id": "d",
                                "timestamp": "2026-04-01T10:00:00.123456Z", "properties": None, "elements_chain": "",
                                "person_id": None}) + "\n")
        out = ctl(srv, "bootstrap", "acme", "1", forms)
        c = connect(srv, "acme", "alice", "alice-secret-1")
        cur = c.cursor()
        cur.execute("SELECT CAST(uuid AS VARCHAR), event, distinct_id, timestamp, \"$session_id\", \"$window_id\", "
                    "properties->>'x', properties->'n'->>0, CAST(properties AS VARCHAR), created_at, elements_chain "
                    "FROM team_1.events WHERE uuid IN (%s) ORDER BY uuid" % ", ".join(
                        "CAST('%s' AS UUID)" % uuid.UUID(int=i) for i in (81001, 81002, 81003)))
        got = cur.fetchall()
        utc = datetime.timezone.utc
        want = [(str(uuid.UUID(int=81001)), "5", "42", datetime.datetime(2026, 4, 1, 4, 30, 0, 500000, utc), "s-81", None,
                 None, "1", got[0][8] if got else None, datetime.datetime(2026, 4, 1, 4, 30, 0, 500000, utc), None),
                (str(uuid.UUID(int=81002)), "forms", "d", datetime.datetime(2026, 4, 1, 10, 0, 0, 0, utc), None, "7",
                 "\u00e9\n", None, '{"$window_id": 7, "x": "\\u00e9\\n"}', datetime.datetime(2026, 4, 1, 11, 0, 0, 0, utc), None),
                (str(uuid.UUID(int=81003)), "forms", "d", datetime.datetime(2026, 4, 1, 10, 0, 0, 123456, utc), None, None,
                 None, None, "{}", datetime.datetime(2026, 4, 1, 10, 0, 0, 123456, utc), None)]
        check(out.returncode == 0 and got == want, "%s: lines as exports write them: %s %s" % (isolation, got, out.stderr[-300:]))
        # The reader is a file reader like DuckDB's: a user may read files under the readable
        # directories with it, no others.
        cur.execute("SELECT count(*), count(\"$session_id\") FROM duckgres_read_events(['%s'])" % os.path.join(forms, "a.jsonl"))
        read = cur.fetchone()
        try:
            cur.execute("SELECT * FROM duckgres_read_events(['/etc/passwd'])")
            refused = None
        except psycopg2.Error as e:
            refused = e.pgcode
        c.close()
        check(read == (3, 1) and refused == "42501", "%s: duckgres_read_events() for users: %s %s" % (isolation, read, refused))
        # A line that is not a JSON object fails the job, naming file and line; its batch adds
        # nothing.
        bad_dir = os.path.join(exports, "forms-bad")
        os.makedirs(bad_dir)
        good = json.dumps({"uuid": str(uuid.UUID(int=82001)), "event": "bad-batch", "distinct_id": "d", "timestamp": t})
        for text, line, why in ((good + "\n" + good.replace("bad-batch", "x")[:-1] + "\n", 2, "not valid JSON"),
                                (good + '\n{"uuid": "x", "event": tru}\n', 2, "not valid JSON"),
                                ("\n" + good + "\n[1, 2]\n", 3, "not a JSON object"),
                                (good + " " + good + "\n", 1, "not a JSON object"),
                                ('{"uuid": "unterminated\n' + good + "\n", 1, "not a JSON object"),
                                (good + "\n" + '{"uuid": "unterminated\n' + good + "\n", 2, "not valid JSON")):
            with open(os.path.join(bad_dir, "b.jsonl"), "w") as f:
                f.write(text)
            s, job = api.call("POST", "/api/v1/orgs/acme/teams/1/bootstrap", {"path": bad_dir})
            job = wait_job(api, job["id"])
            check(job["state"] == "failed" and "b.jsonl, line %d: " % line in (job["error"] or "") and why in job["error"] and
                  count(srv, "SELECT count(*) FROM team_1.events WHERE event = 'bad-batch'") == 0,
                  "%s: a bad line fails the job: %r -> %s" % (isolation, text[-40:], job))

        # Groups: an export's $group_N columns are kept; $groups in properties are mapped by
        # the team's group types, a type first seen here getting the next index.
        grp = os.path.join(exports, "groups")
        os.makedirs(grp)
        with open(os.path.join(grp, "g.jsonl"), "w") as f:
            f.write(json.dumps({"uuid": str(uuid.UUID(int=70002)), "event": "grp", "distinct_id": "g", "timestamp": t,
                                "$group_0": "c-2", "properties": {}}) + "\n")
            f.write(json.dumps({"uuid": str(uuid.UUID(int=70001)), "event": "grp", "distinct_id": "g", "timestamp": t,
                                "$group_0": None, "properties": {"$groups": {"company": "c-1", "team": "t-1"}}}) + "\n")
        with open(os.path.join(grp, "h.jsonl"), "w") as f:
            f.write(json.dumps({"uuid": str(uuid.UUID(int=70003)), "event": "grp", "distinct_id": "g", "timestamp": t,
                                "properties": {"$groups": {"team": "t-2"}}}) + "\n")
        out = ctl(srv, "bootstrap", "acme", "1", grp)
        check(out.returncode == 0, "%s: bootstrap with groups: %s" % (isolation, out.stderr[-300:]))
        # A later job whose $groups types are known streams its events, mapped.
        later = os.path.join(exports, "groups-later.jsonl")
        with open(later, "w") as f:
            f.write(json.dumps({"uuid": str(uuid.UUID(int=70004)), "event": "grp-later", "distinct_id": "g", "timestamp": t,
                                "properties": {"$groups": {"company": "c-9"}}}) + "\n")
        out = ctl(srv, "bootstrap", "acme", "1", later)
        check(out.returncode == 0 and count(srv, "SELECT count(*) FROM team_1.events e JOIN team_1.group_type_mapping m ON "
                                                 "m.group_type = 'company' WHERE e.event = 'grp-later' AND "
                                                 "CASE m.group_type_index WHEN 0 THEN e.\"$group_0\" ELSE e.\"$group_1\" END = 'c-9'") == 1,
              "%s: a later export mapped by known types: %s" % (isolation, out.stderr[-300:]))
        c = connect(srv, "acme", "alice", "alice-secret-1")
        cur = c.cursor()
        cur.execute("SELECT group_type, group_type_index FROM team_1.group_type_mapping ORDER BY 2")
        types = dict(cur.fetchall())
        cur.execute('SELECT "$group_0", "$group_1" FROM team_1.events WHERE event = \'grp\' ORDER BY uuid')
        got = cur.fetchall()
        c.close()
        check(sorted(types) == ["company", "team"] and
              got == [tuple("c-1" if types["company"] == i else "t-1" if types["team"] == i else None for i in (0, 1)),
                      ("c-2", None), tuple("t-2" if types["team"] == i else None for i in (0, 1))],
              "%s: group columns from an export: %s %s" % (isolation, types, got))

        # Groups from an export: by type name (a new one gets the next index) or by index; the
        # latest row of a group wins, groups already there stay as they are.
        gdir = os.path.join(exports, "groups-export")
        os.makedirs(gdir)
        with open(os.path.join(gdir, "a.csv"), "w", newline="") as f:
            w = csv.writer(f)
            w.writerow(["group_type", "group_key", "group_properties", "created_at"])
            w.writerow(["company", "c-1", json.dumps({"name": "Old"}), "2025-01-01T00:00:00Z"])
            w.writerow(["company", "c-1", json.dumps({"name": "Acme"}), "2025-02-01T00:00:00Z"])
            w.writerow(["org", "o-1", json.dumps({"tier": 2}), "2025-01-05T00:00:00Z"])
            w.writerow(["company", "", "{}", "2025-01-01T00:00:00Z"])
        out = ctl(srv, "bootstrap", "acme", "1", os.path.join(gdir, "a.csv"), "--kind", "groups")
        check(out.returncode == 0 and "rows: 4" in out.stdout and "rows_inserted: 2" in out.stdout,
              "%s: groups bootstrap: %s %s" % (isolation, out.stdout[-300:], out.stderr[-300:]))
        with open(os.path.join(gdir, "b.jsonl"), "w") as f:
            f.write(json.dumps({"group_type_index": types["company"], "group_key": "c-2", "properties": {"name": "Beta"}}) + "\n")
            f.write(json.dumps({"group_type_index": types["company"], "group_key": "c-1", "properties": {"name": "Changed"}}) + "\n")
        out = ctl(srv, "bootstrap", "acme", "1", os.path.join(gdir, "b.jsonl"), "--kind", "groups")
        c = connect(srv, "acme", "alice", "alice-secret-1")
        cur = c.cursor()
        cur.execute("SELECT m.group_type, g.group_key, g.properties->>'name', g.properties->>'tier' FROM team_1.groups g "
                    "JOIN team_1.group_type_mapping m USING (group_type_index) WHERE m.group_type IN ('company', 'org') "
                    "ORDER BY 2")
        got = cur.fetchall()
        cur.execute("SELECT group_type_index FROM team_1.group_type_mapping WHERE group_type = 'org'")
        org_index = cur.fetchone()
        c.close()
        check(out.returncode == 0 and got == [("company", "c-1", "Acme", None), ("company", "c-2", "Beta", None), ("org", "o-1", None, "2")]
              and org_index == (2,), "%s: groups from exports: %s %s" % (isolation, got, org_index))

        # Parquet: persons, then events in two files of different schemas (properties as JSON
        # text in one, a struct in the other; a uuid column as text and as UUID).
        pq, pqp = os.path.join(exports, "parquet"), os.path.join(exports, "parquet-persons")
        os.makedirs(pq)
        os.makedirs(pqp)
        duckdb_run(
            "COPY (SELECT CAST(uuid() AS VARCHAR) AS id, json_object('email', 'pq' || i || '@x') AS properties, "
            "['pq-' || i] AS distinct_ids, true AS is_identified FROM range(7) t(i)) TO '%s' (FORMAT parquet)"
            % os.path.join(pqp, "persons.parquet"),
            "COPY (SELECT lpad(printf('%%x', 80001 + i), 32, '0') AS uuid, 'pq1' AS event, 'pq-' || (i %% 7) AS distinct_id, "
            "TIMESTAMPTZ '2025-03-01 00:00:00+00' + INTERVAL (i) MINUTE AS timestamp, json_object('$session_id', "
            "'s' || (i // 10)) AS properties FROM range(500) t(i)) TO '%s' (FORMAT parquet)" % os.path.join(pq, "e1.parquet"),
            "COPY (SELECT CAST(lpad(printf('%%x', 90001 + i), 32, '0') AS UUID) AS uuid, 'pq2' AS event, 'pq-' || (i %% 7) AS distinct_id, TIMESTAMPTZ '2025-03-02 "
            "00:00:00+00' + INTERVAL (i) MINUTE AS timestamp, {'$current_url': 'https://q/' || i} AS properties, "
            "'x' AS extra FROM range(300) t(i)) TO '%s' (FORMAT parquet)" % os.path.join(pq, "e2.parquet"))
        out_p = ctl(srv, "bootstrap", "acme", "1", pqp, "--kind", "persons")
        out_e = ctl(srv, "bootstrap", "acme", "1", pq)
        check(out_p.returncode == 0 and "rows_inserted: 7\n" in out_p.stdout and out_e.returncode == 0 and
              "rows_inserted: 800\n" in out_e.stdout, "%s: Parquet bootstrap: %s %s" % (isolation, out_p.stdout[-200:], out_e.stdout[-200:]))
        check(count(srv, "SELECT count(*) FROM team_1.events WHERE event LIKE 'pq_' AND person_id IS NOT NULL") == 800 and
              count(srv, "SELECT count(*) FROM team_1.events WHERE event = 'pq1' AND \"$session_id\" IS NOT NULL") == 500 and
              count(srv, "SELECT count(*) FROM team_1.events WHERE event = 'pq2' AND (properties->>'$current_url') LIKE 'https://q/%'") == 300,
              "%s: Parquet events with their persons, sessions and properties" % isolation)

        # Compressed JSON Lines, read with their schema sampled; the files' keys differ.
        gz = os.path.join(exports, "gz")
        os.makedirs(gz)
        with gzip.open(os.path.join(gz, "x.jsonl.gz"), "wt") as f:
            f.write(json.dumps({"uuid": str(uuid.UUID(int=60001)), "event": "gz", "distinct_id": "g", "timestamp": t,
                                "properties": {"k": 1}}) + "\n")
        with gzip.open(os.path.join(gz, "y.jsonl.gz"), "wt") as f:
            f.write(json.dumps({"uuid": str(uuid.UUID(int=60002)), "event": "gz", "distinct_id": "g", "timestamp": t,
                                "elements_chain": "a:nth-child(1)"}) + "\n")
        out = ctl(srv, "bootstrap", "acme", "1", gz)
        check(out.returncode == 0 and "rows: 2" in out.stdout and
              count(srv, "SELECT count(*) FROM team_1.events WHERE event = 'gz' AND (properties->>'k' = '1' OR elements_chain "
                         "LIKE 'a:%')") == 2, "%s: gzip files: %s %s" % (isolation, out.stdout[-300:], out.stderr[-300:]))
        with open(os.path.join(batch, "d.jsonl"), "w") as f:
            f.write(json.dumps({"event": "no uuid", "distinct_id": "d", "timestamp": t}) + "\n")
        s, bad = api.call("POST", "/api/v1/orgs/acme/teams/1/bootstrap", {"path": batch})
        bad = wait_job(api, bad["id"])
        check(bad["state"] == "failed" and "d.jsonl" in (bad["error"] or "") and "uuid" in bad["error"],
              "%s: a file without uuids fails the job, named: %s" % (isolation, bad))
        os.remove(os.path.join(batch, "d.jsonl"))

        # Refused requests.
        for body, what in (({"path": "/etc"}, "outside the readable directories"), ({"path": exports + "/../"}, ".. out of them"),
                           ({"path": os.path.join(exports, "missing.jsonl")}, "a missing file"),
                           ({"path": events, "kind": "sessions"}, "an unknown kind"), ({}, "no path")):
            s, b = api.call("POST", "/api/v1/orgs/acme/teams/1/bootstrap", body)
            check(s == 400 and "error" in b, "%s: %s refused: %s %s" % (isolation, what, s, b))
        check(api.call("POST", "/api/v1/orgs/acme/teams/9/bootstrap", {"path": events})[0] == 404, "%s: unknown team 404" % isolation)

        # Interrupted by kill -9 after the first of several files: the job resumes on restart.
        many = os.path.join(exports, "many")
        total = 0
        for k in range(4):
            write_events(os.path.join(many, "part-%d.jsonl" % k), 60000, start=100000 + k * 60000)
            total += 60000
        s, job = api.call("POST", "/api/v1/orgs/acme/teams/1/bootstrap", {"path": many})
        wait_job(api, job["id"], states=("running",))
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            j = api.call("GET", "/api/v1/orgs/acme/jobs/%s" % job["id"])[1]
            if j["files_done"] >= 1 or j["state"] == "done":
                break
            time.sleep(0.02)
        srv.kill()
        srv.start(extra_args=args)
        j = wait_job(api, job["id"])
        check(j["state"] == "done" and j["files_done"] == 4 and j["rows"] == total, "%s: resumed to done: %s" % (isolation, j))
        got = count(srv, "SELECT count(*) FROM team_1.events WHERE uuid >= CAST('00000000-0000-0000-0000-0000000186a1' AS UUID)")
        distinct = count(srv, "SELECT count(DISTINCT uuid) FROM team_1.events")
        check(got == total and distinct == count(srv, "SELECT count(*) FROM team_1.events"),
              "%s: every row once after kill -9 (%d of %d)" % (isolation, got, total))
        check(srv.stop() == 0, "%s: clean stop" % isolation)
    except Exception as e:  # noqa: BLE001
        check(False, "%s: %r\n%s" % (isolation, e, srv.log_tail()))
    finally:
        srv.cleanup()
        shutil.rmtree(tmp, ignore_errors=True)


for isolation in ("none", "process"):
    suite(isolation)
finish("control bootstrap")
