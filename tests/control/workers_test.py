# Process isolation (--isolation process): each active duckling runs in its own `duckgres
# worker`, spawned by its first session and reached over a private Unix socket; the server
# authenticates and relays. Checked with real clients (psycopg2, psql): the protocol through
# the relay (COPY, large results, cancel, statement_timeout, errors), one worker per org,
# scaling and new team schemas reaching a running worker, hot idle then retirement, the
# connection cap, kill -9 of a worker (clean error, next session respawns), deletion with a
# live session, kill -9 and SIGTERM of the control plane.
import io
import os
import signal
import socket
import struct
import subprocess
import threading
import time

import psycopg2

from control_lib import Api, Server, check, connect, failures, finish  # noqa: F401


def worker_pid(api, org):
    s, d = api.call("GET", "/api/v1/orgs/%s/duckling" % org)
    return (d.get("runtime") or {}).get("worker_pid") if s == 200 else None


def runtime(api, org):
    return api.call("GET", "/api/v1/orgs/%s/duckling" % org)[1].get("runtime") or {}


def alive(pid):
    try:
        os.kill(pid, 0)
    except OSError:
        return False
    # A zombie is dead for our purposes.
    try:
        with open("/proc/%d/stat" % pid) as f:
            return f.read().split()[2] != "Z"
    except OSError:
        return False


def cmdline(pid):
    with open("/proc/%d/cmdline" % pid, "rb") as f:
        return f.read().split(b"\0")


def wait_until(fn, timeout=15):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        v = fn()
        if v:
            return v
        time.sleep(0.1)
    return fn()


def psql(srv, database, user, password, sql, timeout=60):
    env = dict(os.environ, PGPASSWORD=password)
    return subprocess.run(["psql", "-X", "-v", "ON_ERROR_STOP=1", "-v", "VERBOSITY=verbose",
                           "host=%s port=%d dbname=%s user=%s sslmode=require"
                           % (srv.host, srv.port, database, user), "-c", sql],
                          env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                          timeout=timeout)


def setup_org(api, org, team_id, user, password, size="xs", max_connections=None):
    body = {"name": org}
    if max_connections:
        body["max_connections"] = max_connections
    check(api.call("POST", "/api/v1/orgs", body)[0] == 201, "create org %s" % org)
    api.call("POST", "/api/v1/orgs/%s/teams" % org, {"team_id": team_id, "name": "web"})
    api.call("POST", "/api/v1/orgs/%s/users" % org, {"username": user, "password": password})
    api.call("PUT", "/api/v1/orgs/%s/duckling" % org, {"size": size})
    d = api.wait_state(org, ("ready", "failed"))
    check(d["state"] == "ready", "%s ready: %s" % (org, d.get("status_message")))


srv = Server()
try:
    args = ["--isolation", "process", "--duckling-idle-timeout", "2", "--shutdown-timeout", "10"]
    srv.start(extra_args=args)
    api = Api(srv)
    setup_org(api, "acme", 1, "alice", "alice-secret-1", max_connections=3)
    setup_org(api, "globex", 2, "hank", "hank-secret-1")
    check(runtime(api, "acme") == {"warm": False, "sessions": 0, "isolation": "process"},
          "no worker before the first session: %s" % runtime(api, "acme"))

    # The first session spawns the worker; the server process does not open the duckling.
    a = connect(srv, "acme", "alice", "alice-secret-1", sslmode="require")
    a.autocommit = True
    cur = a.cursor()
    rt = runtime(api, "acme")
    check(rt.get("warm") is True and rt.get("sessions") == 1 and rt.get("worker_pid"),
          "a worker runs the session: %s" % rt)
    pid_a = rt.get("worker_pid") or 0
    check(pid_a != srv.proc.pid and alive(pid_a) and b"worker" in cmdline(pid_a),
          "the worker is its own `duckgres worker` process")
    check(a.get_backend_pid() > 0, "BackendKeyData relayed")
    cur.execute("SELECT current_user, current_database()")
    check(cur.fetchone() == ("alice", "acme"), "session identity in the worker")

    # The protocol through the relay.
    cur.execute("CREATE TABLE team_1.clicks (id INTEGER, name TEXT)")
    data = "".join("%d\tname %d\n" % (i, i) for i in range(100000))
    cur.copy_expert("COPY team_1.clicks FROM STDIN", io.StringIO(data))
    cur.execute("SELECT count(*), sum(id) FROM team_1.clicks")
    check(cur.fetchone() == (100000, sum(range(100000))), "COPY FROM STDIN through the relay")
    cur.execute("SELECT i, repeat('x', 100) FROM range(300000) t(i)")
    check(len(cur.fetchall()) == 300000, "a large result through the relay")
    out = io.StringIO()
    cur.copy_expert("COPY (SELECT * FROM team_1.clicks ORDER BY id) TO STDOUT", out)
    check(out.getvalue() == data, "COPY TO STDOUT through the relay")
    cur.execute("SELECT %s::int + 1, %s", (41, "x"))
    check(cur.fetchone() == (42, "x"), "extended protocol with parameters")
    try:
        cur.execute("SELECT * FROM missing_table")
        check(False, "error expected")
    except psycopg2.Error as e:
        check(e.pgcode == "42P01", "errors keep their SQLSTATE: %s" % e.pgcode)
    threading.Timer(0.5, a.cancel).start()
    t0 = time.monotonic()
    try:
        cur.execute("SELECT count(*) FROM range(100000000000) a")
        check(False, "cancel expected")
    except psycopg2.Error as e:
        check(e.pgcode == "57014" and time.monotonic() - t0 < 10, "CancelRequest reaches the worker")
    cur.execute("SET statement_timeout = 300")
    try:
        cur.execute("SELECT count(*) FROM range(100000000000) a")
        check(False, "timeout expected")
    except psycopg2.Error as e:
        check(e.pgcode == "57014", "statement_timeout in the worker: %s" % e.pgcode)
    cur.execute("RESET statement_timeout")
    cur.execute("SELECT 1")
    check(cur.fetchone() == (1,), "the session is usable after errors")

    # The trusted startup the server hands to workers is refused on the public port: a
    # client cannot skip authentication by speaking the worker's protocol.
    for code in ((1234 << 16) | 5700, (1234 << 16) | 5701):
        body = struct.pack("!i", code) + b"user\0alice\0database\0acme\0duckgres.superuser\0on\0" \
            b"duckgres.process_id\0" + b"7\0duckgres.secret_key\0" + b"7\0\0"
        with socket.create_connection((srv.host, srv.port), timeout=10) as s:
            s.sendall(struct.pack("!i", len(body) + 4) + body)
            reply = b""
            while True:
                chunk = s.recv(4096)
                if not chunk:
                    break
                reply += chunk
        check(reply[:1] == b"E" and b"08P01" in reply and b"R" not in reply[:1],
              "trusted startup %d refused on the TCP port: %r" % (code & 0xffff, reply[:80]))

    # One worker per organization, each seeing only its own duckling.
    g = connect(srv, "globex", "hank", "hank-secret-1")
    g.autocommit = True
    pid_g = worker_pid(api, "globex")
    check(pid_g and pid_g != pid_a, "globex has its own worker (%s vs %s)" % (pid_g, pid_a))
    gc = g.cursor()
    gc.execute("SELECT count(*) FROM information_schema.schemata WHERE schema_name = 'team_1'")
    check(gc.fetchone()[0] == 0, "globex's worker does not see acme's schema")
    g.close()

    # Scaling and a new team reach the running worker; the session stays.
    check(api.call("PATCH", "/api/v1/orgs/acme/duckling", {"size": "s"})[0] in (200, 202), "scale to s")
    api.call("POST", "/api/v1/orgs/acme/teams", {"team_id": 7, "name": "app"})

    def scaled():
        cur.execute("SHOW threads")
        threads = cur.fetchone()[0]
        cur.execute("SELECT count(*) FROM information_schema.schemata WHERE schema_name = 'team_7'")
        return threads == "2" and cur.fetchone()[0] == 1

    check(wait_until(scaled), "threads and the new team's schema reach the live session")
    check(worker_pid(api, "acme") == pid_a, "scaling kept the worker")

    # The connection cap counts sessions of the worker: 53300 past max_connections.
    extra = [connect(srv, "acme", "alice", "alice-secret-1") for _ in range(2)]
    try:
        connect(srv, "acme", "alice", "alice-secret-1")
        check(False, "fourth session admitted past max_connections 3")
    except psycopg2.OperationalError as e:
        check("too many connections" in str(e), "53300 past the cap: %s" % e)
    for c in extra:
        c.close()

    # kill -9 of the worker during a statement: the session gets an error at once, the next
    # session gets a new worker, committed data is there.
    def kill_soon():
        # Once the statement runs (another session of the worker sees it active), not after
        # a guessed delay that a loaded machine can outlast.
        def running():
            cur.execute("SELECT count(*) FROM pg_stat_activity WHERE state = 'active' AND "
                        "query LIKE 'SELECT count(*) FROM range(100000000000)%'")
            return cur.fetchone()[0] > 0
        wait_until(running)
        os.kill(pid_a, signal.SIGKILL)

    threading.Thread(target=kill_soon).start()
    t0 = time.monotonic()
    r = psql(srv, "acme", "alice", "alice-secret-1", "SELECT count(*) FROM range(100000000000) a")
    took = time.monotonic() - t0
    check(r.returncode != 0 and "57P02" in r.stderr and "worker process ended" in r.stderr,
          "a killed worker's session gets FATAL 57P02: %r" % r.stderr)
    check(took < 10, "no hang after the worker died (%.1fs)" % took)
    try:
        cur.execute("SELECT 1")
        check(False, "the idle session survived its worker")
    except psycopg2.Error as e:
        check(e.pgcode in (None, "57P02"), "the idle session ended with its worker: %s %s" % (e.pgcode, e))
    a2 = connect(srv, "acme", "alice", "alice-secret-1")
    c2 = a2.cursor()
    c2.execute("SELECT count(*) FROM team_1.clicks")
    check(c2.fetchone()[0] == 100000, "a new worker after the crash, with the data")
    pid_a2 = worker_pid(api, "acme")
    check(pid_a2 and pid_a2 != pid_a, "respawned worker %s" % pid_a2)
    check("worker of 'acme' (pid %d) killed by signal 9" % pid_a in srv.log_text(),
          "the crash is logged")
    a2.close()

    # Hot idle: warm after the last session, retired after --duckling-idle-timeout.
    check(runtime(api, "acme").get("warm") is True, "warm right after the last session")
    check(wait_until(lambda: not alive(pid_a2), timeout=20), "the idle worker retired")
    check(runtime(api, "acme") == {"warm": False, "sessions": 0, "isolation": "process"},
          "runtime after retirement: %s" % runtime(api, "acme"))
    r = psql(srv, "acme", "alice", "alice-secret-1", "SELECT count(*) FROM team_1.clicks")
    check(r.returncode == 0 and "100000" in r.stdout, "cold start after retirement: %s" % r.stderr)

    # SIGTERM of the control plane: a running statement finishes, then the session ends.
    result = {}

    def long_query():
        result["r"] = psql(srv, "acme", "alice", "alice-secret-1",
                           "SELECT sum(i % 7) FROM range(300000000) t(i)")

    t = threading.Thread(target=long_query)
    t.start()
    wait_until(lambda: runtime(api, "acme").get("sessions") == 1, timeout=10)
    time.sleep(0.3)
    pid_a3 = worker_pid(api, "acme")
    check(srv.stop() == 0, "clean stop with a running statement")
    t.join()
    check("899999997" in result["r"].stdout.replace(" ", ""),
          "the running statement finished before shutdown: %r" % (result["r"].stdout + result["r"].stderr))
    check(pid_a3 and not alive(pid_a3), "workers stop with the server")

    # kill -9 of the control plane: its workers notice and exit; a restart serves again.
    srv.start(extra_args=args)
    c = connect(srv, "acme", "alice", "alice-secret-1")
    pid_a4 = worker_pid(api, "acme")
    srv.kill()
    check(wait_until(lambda: not alive(pid_a4), timeout=15), "workers exit when the control plane dies")
    srv.start(extra_args=args)
    c = connect(srv, "acme", "alice", "alice-secret-1")
    cc = c.cursor()
    cc.execute("SELECT count(*) FROM team_1.clicks")
    check(cc.fetchone()[0] == 100000, "served again after kill -9 of the control plane")

    # Deleting the duckling ends its worker and its sessions; its files go.
    pid_a5 = worker_pid(api, "acme")
    api.call("DELETE", "/api/v1/orgs/acme/duckling")
    check(api.wait_state("acme", ("deleted",))["state"] == "deleted", "deleted")
    try:
        cc.execute("SELECT 1")
        check(False, "session survived deletion")
    except psycopg2.Error as e:
        check(e.pgcode in (None, "57P01"), "the session was ended: %s %s" % (e.pgcode, e))
    check(not alive(pid_a5), "the worker ended with its duckling")
    check(not os.path.exists(os.path.join(srv.data_dir, "ducklings", "acme")), "files removed")
    check(srv.stop() == 0, "final clean stop")
except Exception as e:  # noqa: BLE001
    check(False, "%r\n%s" % (e, srv.log_tail()))
finally:
    srv.cleanup()
finish("control workers")
