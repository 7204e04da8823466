# Ingestion poison pills (issue 17): a captured timestamp the warehouse cannot store (9999-12-31,
# garbage, huge epoch numbers) is clamped or replaced as PostHog does and never written as
# garbage; a write-ahead file that cannot be applied is quarantined (kept on disk with its
# reason, listed by the API, counted in /metrics) while the files after it, of every team, still
# load, also across a restart; a duckling that is not there yet is waited for, not quarantined;
# and an event carrying another project's key inside a batch authorised by this one's is refused
# with the batch, as PostHog refuses a batch with inconsistent keys. In both isolation modes.
import datetime
import http.client
import json
import os
import time
import urllib.request
import uuid

from control_lib import Api, Server, check, connect, finish, wait_for


def post(srv, path, body):
    conn = http.client.HTTPConnection(srv.host, srv.http_port, timeout=30)
    conn.request("POST", path, body=json.dumps(body).encode(), headers={"Content-Type": "application/json"})
    r = conn.getresponse()
    text = r.read().decode()
    conn.close()
    try:
        return r.status, json.loads(text)
    except ValueError:
        return r.status, text


def query(srv, org, sql, args=None):
    c = connect(srv, org, "alice", "alice-secret-1")
    try:
        cur = c.cursor()
        cur.execute(sql, args)
        return cur.fetchall()
    finally:
        c.close()


def count(srv, org, schema, where="true"):
    return query(srv, org, "SELECT count(*) FROM %s.events WHERE %s" % (schema, where))[0][0]


def arrived(srv, org, schema, where, want=1, timeout=30):
    return wait_for(lambda: count(srv, org, schema, where) >= want, timeout=timeout)


def metrics(srv):
    with urllib.request.urlopen("http://%s:%d/metrics" % (srv.host, srv.http_port), timeout=10) as r:
        return r.read().decode()


def metric_value(text, name, labels):
    want = ",".join('%s="%s"' % kv for kv in labels)
    for line in text.splitlines():
        if line.startswith(name + "{") and line.split("}")[0][len(name) + 1:] == want:
            return float(line.rsplit(" ", 1)[1])
    return None


def suite(isolation):
    srv = Server()
    try:
        args = ["--isolation", isolation]
        srv.start(extra_args=args)
        api = Api(srv)
        api.call("POST", "/api/v1/orgs", {"name": "acme"})
        keys = {}
        for tid, name in ((1, "web"), (2, "app")):
            s, team = api.call("POST", "/api/v1/orgs/acme/teams", {"team_id": tid, "name": name})
            keys[tid] = team["api_token"]
        api.call("POST", "/api/v1/orgs/acme/users", {"username": "alice", "password": "alice-secret-1"})
        api.call("PUT", "/api/v1/orgs/acme/duckling", {"size": "xs"})
        api.call("POST", "/api/v1/orgs", {"name": "beta"})
        s, team = api.call("POST", "/api/v1/orgs/beta/teams", {"team_id": 3, "name": "other"})
        keys[3] = team["api_token"]
        api.call("POST", "/api/v1/orgs/beta/users", {"username": "alice", "password": "alice-secret-1"})
        api.call("PUT", "/api/v1/orgs/beta/duckling", {"size": "xs"})
        check(api.wait_state("acme", ("ready", "failed"))["state"] == "ready", "%s: acme ready" % isolation)
        check(api.wait_state("beta", ("ready", "failed"))["state"] == "ready", "%s: beta ready" % isolation)

        def capture(tid, events, **top):
            return post(srv, "/batch", dict(top, api_key=keys[tid], batch=events))

        # 1. Timestamps the warehouse cannot store, sent with only the public project key.
        now = datetime.datetime.now(datetime.timezone.utc)
        far = str(uuid.uuid4())
        s, b = capture(1, [{"event": "far-future", "distinct_id": "p1", "uuid": far, "timestamp": "9999-12-31T23:59:59Z"}])
        check(s == 200, "%s: a 9999-12-31 event is acknowledged: %s %s" % (isolation, s, b))
        odd = [
            ("future-epoch", 1e20),                                   # epoch ms past any calendar
            ("garbage", "yesterday at noon"),                         # unparseable: time of receipt
            ("tomorrow+", (now + datetime.timedelta(days=3)).isoformat()),  # > 23 h ahead: receipt
            ("ancient", "0000-01-01T00:00:00Z"),                      # below year 1: the epoch
        ]
        ids = {}
        for name, ts in odd:
            ids[name] = str(uuid.uuid4())
            s, b = capture(1, [{"event": name, "distinct_id": "p1", "uuid": ids[name], "timestamp": ts}])
            check(s == 200, "%s: %s timestamp acknowledged: %s %s" % (isolation, name, s, b))
        s, b = capture(1, [{"event": "far-sent-at", "distinct_id": "p1", "timestamp": now.isoformat()}],
                       sent_at="0001-01-01T00:00:00Z")  # skew correction past the year 9999
        check(s == 200, "%s: an absurd sent_at acknowledged: %s %s" % (isolation, s, b))
        # Good events to both teams after it arrive.
        check(capture(1, [{"event": "after-1", "distinct_id": "p1"}])[0] == 200, "%s: team 1 after" % isolation)
        check(capture(2, [{"event": "after-2", "distinct_id": "p2"}])[0] == 200, "%s: team 2 after" % isolation)
        check(arrived(srv, "acme", "team_1", "event = 'after-1'"), "%s: team 1's later event arrived" % isolation)
        check(arrived(srv, "acme", "team_2", "event = 'after-2'"), "%s: team 2's later event arrived" % isolation)
        rows = dict(query(srv, "acme", "SELECT event, timestamp FROM team_1.events WHERE event IN "
                                       "('far-future', 'future-epoch', 'garbage', 'tomorrow+', 'ancient', 'far-sent-at')"))
        check(len(rows) == 6, "%s: every odd timestamp's event stored: %s" % (isolation, sorted(rows)))
        for name in ("far-future", "future-epoch", "garbage", "tomorrow+", "far-sent-at"):
            ts = rows.get(name)
            check(ts is not None and abs((ts - now).total_seconds()) < 120,
                  "%s: %s stored at the time of receipt: %s" % (isolation, name, ts))
        ts = rows.get("ancient")
        check(ts is not None and ts == datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc),
              "%s: a timestamp before year 1 becomes the epoch: %s" % (isolation, ts))
        check(query(srv, "acme", "SELECT count(*) FROM team_1.events WHERE year(timestamp) > 9999 OR year(timestamp) < 1")[0][0] == 0,
              "%s: nothing out of range written" % isolation)
        s, q = api.call("GET", "/api/v1/orgs/acme/teams/1/ingest/quarantine")
        check(s == 200 and q == [], "%s: nothing quarantined by odd timestamps: %s %s" % (isolation, s, q))

        # 2. A file that cannot be applied is quarantined; later files of every team still load.
        team_dir = os.path.join(srv.data_dir, "ducklings", "acme", "tmp", "ingest", "team_1")
        bad_line = {"v": 2, "uuid": str(uuid.uuid4()), "event": "poison", "properties": {}, "timestamp": "not a time",
                    "distinct_id": "x", "elements_chain": "", "session_id": "", "window_id": "", "set": None,
                    "set_once": None, "unset": None, "anon_distinct_id": "", "alias": "",
                    "created_at": "2026-01-01T00:00:00.000Z", "team_id": 1}
        with open(os.path.join(team_dir, "seg-0000000000000001.jsonl"), "w") as f:
            f.write(json.dumps(bad_line) + "\n")
        check(capture(1, [{"event": "after-bad-1", "distinct_id": "p1"}])[0] == 200, "%s: team 1 after the bad file" % isolation)
        check(capture(2, [{"event": "after-bad-2", "distinct_id": "p2"}])[0] == 200, "%s: team 2 after the bad file" % isolation)
        check(arrived(srv, "acme", "team_1", "event = 'after-bad-1'"), "%s: team 1 loads past the bad file" % isolation)
        check(arrived(srv, "acme", "team_2", "event = 'after-bad-2'"), "%s: team 2 loads past the bad file" % isolation)
        s, q = api.call("GET", "/api/v1/orgs/acme/teams/1/ingest/quarantine")
        check(s == 200 and isinstance(q, list) and len(q) == 1 and q[0].get("name") == "seg-0000000000000001.jsonl"
              and q[0].get("reason") and q[0].get("attempts", 0) >= 1 and q[0].get("size", 0) > 0,
              "%s: the bad file is listed with its reason: %s %s" % (isolation, s, q))
        check(os.path.exists(os.path.join(team_dir, "quarantine", "seg-0000000000000001.jsonl")),
              "%s: the quarantined file stays on disk" % isolation)
        check(count(srv, "acme", "team_1", "event = 'poison'") == 0, "%s: nothing of the bad file applied" % isolation)
        text = metrics(srv)
        check(metric_value(text, "duckgres_ingest_quarantined_files_total", [("org", "acme"), ("team", "team_1")]) == 1,
              "%s: the quarantine counted in /metrics" % isolation)
        check(metric_value(text, "duckgres_ingest_quarantined_files", [("org", "acme"), ("team", "team_1")]) == 1,
              "%s: files in quarantine in /metrics" % isolation)
        s, q = api.call("GET", "/api/v1/orgs/acme/teams/2/ingest/quarantine")
        check(s == 200 and q == [], "%s: team 2 has nothing in quarantine: %s" % (isolation, q))
        s, q = api.call("GET", "/api/v1/orgs/acme/teams/9/ingest/quarantine")
        check(s == 404, "%s: an unknown team's quarantine is 404: %s" % (isolation, s))

        # ... across a restart: a bad file left by the last run, then good events to both teams.
        check(srv.stop() == 0, "%s: clean stop" % isolation)
        with open(os.path.join(team_dir, "seg-0000000000000002.jsonl"), "w") as f:
            f.write('{"v":2,"uuid":"not json\n')
        srv.start(extra_args=args)
        check(capture(1, [{"event": "after-restart-1", "distinct_id": "p1"}])[0] == 200, "%s: team 1 after restart" % isolation)
        check(capture(2, [{"event": "after-restart-2", "distinct_id": "p2"}])[0] == 200, "%s: team 2 after restart" % isolation)
        check(arrived(srv, "acme", "team_1", "event = 'after-restart-1'"), "%s: team 1 loads after restart" % isolation)
        check(arrived(srv, "acme", "team_2", "event = 'after-restart-2'"), "%s: team 2 loads after restart" % isolation)
        s, q = api.call("GET", "/api/v1/orgs/acme/teams/1/ingest/quarantine")
        names = sorted(f.get("name") for f in q) if s == 200 and isinstance(q, list) else q
        check(names == ["seg-0000000000000001.jsonl", "seg-0000000000000002.jsonl"],
              "%s: both bad files in quarantine after the restart: %s" % (isolation, names))
        check(metric_value(metrics(srv), "duckgres_ingest_quarantined_files", [("org", "acme"), ("team", "team_1")]) == 2,
              "%s: files in quarantine after the restart in /metrics" % isolation)

        # A quarantined file, once fixed, is put back and applied.
        fixed = dict(bad_line, timestamp="2026-01-01T00:00:00.000Z")
        with open(os.path.join(team_dir, "quarantine", "seg-0000000000000001.jsonl"), "w") as f:
            f.write(json.dumps(fixed) + "\n")
        s, b = api.call("POST", "/api/v1/orgs/acme/teams/1/ingest/quarantine/seg-0000000000000001.jsonl/retry")
        check(s == 202, "%s: retry a quarantined file: %s %s" % (isolation, s, b))
        check(arrived(srv, "acme", "team_1", "event = 'poison'"), "%s: the fixed file applied" % isolation)
        s, q = api.call("GET", "/api/v1/orgs/acme/teams/1/ingest/quarantine")
        check(s == 200 and [f.get("name") for f in q] == ["seg-0000000000000002.jsonl"],
              "%s: the retried file left the quarantine: %s" % (isolation, q))
        s, b = api.call("POST", "/api/v1/orgs/acme/teams/1/ingest/quarantine/seg-9.jsonl/retry")
        check(s == 404, "%s: retry of a file not in quarantine: %s" % (isolation, s))
        s, b = api.call("POST", "/api/v1/orgs/acme/teams/1/ingest/quarantine/..%2Fseg-0000000000000002.jsonl/retry")
        check(s == 404, "%s: retry of a name outside the quarantine: %s" % (isolation, s))

        if isolation == "process":
            # The worker killed while files are applied: retried, nothing quarantined or lost.
            s, d = api.call("GET", "/api/v1/orgs/acme/duckling")
            pid = ((d or {}).get("runtime") or {}).get("worker_pid")
            sent = 0
            for i in range(10):
                check(capture(1 + i % 2, [{"event": "around-kill", "distinct_id": "k"}] * 20)[0] == 200,
                      "%s: capture around a worker kill" % isolation)
                sent += 20
                if i == 3 and pid:
                    os.kill(pid, 9)
                time.sleep(0.1)
            check(pid is not None, "%s: the worker's pid" % isolation)
            check(wait_for(lambda: count(srv, "acme", "team_1", "event = 'around-kill'")
                           + count(srv, "acme", "team_2", "event = 'around-kill'") == sent, timeout=30),
                  "%s: every event around the worker kill arrived" % isolation)
            for tid in (1, 2):
                s, q = api.call("GET", "/api/v1/orgs/acme/teams/%d/ingest/quarantine" % tid)
                check(s == 200 and len(q) == (1 if tid == 1 else 0),
                      "%s: a killed worker quarantines nothing (team %d): %s" % (isolation, tid, q))

        # 3. A duckling that is not there yet is waited for (retried), not a reason to quarantine.
        api.call("POST", "/api/v1/orgs", {"name": "gamma"})
        s, team = api.call("POST", "/api/v1/orgs/gamma/teams", {"team_id": 4, "name": "late"})
        keys[4] = team["api_token"]
        check(capture(4, [{"event": "early", "distinct_id": "g"}])[0] == 200, "%s: captured before the duckling" % isolation)
        time.sleep(3)
        api.call("POST", "/api/v1/orgs/gamma/users", {"username": "alice", "password": "alice-secret-1"})
        api.call("PUT", "/api/v1/orgs/gamma/duckling", {"size": "xs"})
        check(api.wait_state("gamma", ("ready", "failed"))["state"] == "ready", "%s: gamma ready" % isolation)
        check(arrived(srv, "gamma", "team_4", "event = 'early'"), "%s: the early event arrived once the duckling did" % isolation)
        s, q = api.call("GET", "/api/v1/orgs/gamma/teams/4/ingest/quarantine")
        check(s == 200 and q == [], "%s: a missing duckling quarantines nothing: %s" % (isolation, q))

        # 4. Another project's key inside a batch authorised by this one's: the batch is refused.
        for label, foreign in (("another org's key as api_key", {"api_key": keys[3]}),
                               ("another team's key as token", {"token": keys[2]}),
                               ("another org's key in properties", {"properties": {"token": keys[3]}})):
            marker = "cross-" + uuid.uuid4().hex[:8]
            s, b = capture(1, [{"event": marker, "distinct_id": "p1"}, dict({"event": marker, "distinct_id": "p1"}, **foreign)])
            check(s == 400 and isinstance(b, dict) and "event 2" in b.get("detail", "") and "key" in b.get("detail", ""),
                  "%s: %s refused, naming the event: %s %s" % (isolation, label, s, b))
            time.sleep(0.6)
            stored = count(srv, "acme", "team_1", "event = '%s'" % marker) + count(srv, "acme", "team_2", "event = '%s'" % marker) \
                + count(srv, "beta", "team_3", "event = '%s'" % marker)
            check(stored == 0, "%s: %s: nothing of the batch stored (%d)" % (isolation, label, stored))
        # A single event whose own key differs from the request's.
        s, b = post(srv, "/e", {"api_key": keys[1], "event": "cross-single", "distinct_id": "p1",
                                "properties": {"token": keys[3]}})
        check(s == 400, "%s: a single event with two keys refused: %s %s" % (isolation, s, b))
        # The same key repeated in the events is fine.
        s, b = capture(1, [{"event": "same-key", "distinct_id": "p1", "api_key": keys[1], "properties": {"token": keys[1]}}])
        check(s == 200 and arrived(srv, "acme", "team_1", "event = 'same-key'"), "%s: the batch's own key repeated: %s %s" % (isolation, s, b))
        check(srv.stop() == 0, "%s: clean stop at the end" % isolation)
    except Exception as e:  # noqa: BLE001
        check(False, "%s: %r\n%s" % (isolation, e, srv.log_tail()))
    finally:
        srv.cleanup()


for isolation in ("none", "process"):
    suite(isolation)
finish("control ingest_quarantine")
