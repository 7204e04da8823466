# The front door before login (docs/security.md, "Credentials"): sockets that never send a
# startup packet, or dribble one byte at a time, cannot lock logins out (only authenticated
# sessions count against max_connections; unauthenticated ones are bounded per address and in
# all, and cut at --authentication-timeout, sooner under pressure); CancelRequests are
# rate-limited per address while a real cancel still works; the data dir is private
# (0600/0700, also an older one); COPY pipes a killed server left are removed when the duckling
# opens; SCRAM-SHA-256-PLUS with channel binding over TLS.
#
# Clients bind to other loopback addresses (127.0.0.x) to play attackers apart from the login.
import os
import socket
import stat
import struct
import subprocess
import sys
import threading
import time
import urllib.request

import psycopg2

from control_lib import Api, Server, check, connect, finish, setup_acme, wait_for  # noqa: F401

ENDLESS = ("SELECT sum(a.x * b.y + c.z) FROM generate_series(1, 100000) AS a(x), "
           "generate_series(1, 100000) AS b(y), generate_series(1, 100000) AS c(z)")
STARTUP = (lambda body: struct.pack("!I", len(body) + 4) + body)(
    struct.pack("!I", 196608) + b"user\0duckgres\0database\0duckgres\0\0")


def raw_socket(srv, source):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.bind((source, 0))
    s.settimeout(5)
    s.connect((srv.host, srv.port))
    return s


def is_closed(s, wait=0.0):
    """True when the server has closed `s` (EOF or reset), waiting up to `wait` seconds."""
    s.settimeout(max(wait, 0.001))
    try:
        while True:
            if not s.recv(4096):
                return True
    except socket.timeout:
        return False
    except OSError:
        return True


def first_bytes(s, wait=1.0):
    s.settimeout(wait)
    try:
        return s.recv(4096)
    except OSError:
        return b""


def metric(srv, name, **labels):
    req = urllib.request.Request("http://%s:%d/metrics" % (srv.host, srv.http_port))
    req.add_header("Authorization", "Bearer " + srv.token)
    with urllib.request.urlopen(req, timeout=10) as r:
        text = r.read().decode()
    total = 0.0
    for line in text.splitlines():
        if not line.startswith(name + "{") and not line.startswith(name + " "):
            continue
        if all('%s="%s"' % (k, v) in line for k, v in labels.items()):
            total += float(line.rsplit(" ", 1)[1])
    return total


def timed_login(srv, password=None, **kw):
    start = time.monotonic()
    try:
        connect(srv, "duckgres", "duckgres", password or srv.password, connect_timeout=10,
                **kw).close()
        return True, time.monotonic() - start, None
    except psycopg2.OperationalError as e:
        return False, time.monotonic() - start, str(e)


class Dribbler(threading.Thread):
    """Sends `payload` one byte every `pause` seconds (slowloris) until the server closes the
    socket; records when. With `tls`, it first asks for TLS and dribbles a ClientHello."""

    def __init__(self, srv, source, pause, tls=False):
        super().__init__(daemon=True)
        self.sock = raw_socket(srv, source)
        self.pause = pause
        self.tls = tls
        self.closed_at = None
        self.started = time.monotonic()

    def run(self):
        payload = STARTUP
        try:
            if self.tls:
                self.sock.sendall(struct.pack("!II", 8, 80877103))
                self.sock.recv(1)  # the server's 'S'
                # A TLS record header announcing a 512-byte handshake, then its bytes slowly.
                payload = b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03" + b"\x00" * 600
            for b in payload:
                self.sock.send(bytes([b]))
                if is_closed(self.sock, self.pause):
                    break
        except OSError:
            pass
        self.closed_at = time.monotonic()


def lockout():
    """1,000 silent sockets from one address and slowloris from another: the login goes on."""
    srv = Server()
    try:
        srv.start()
        silent = []
        for _ in range(1000):
            try:
                silent.append(raw_socket(srv, "127.0.0.2"))
            except OSError:
                break
        opened = time.monotonic()
        check(len(silent) == 1000, "opened %d of 1000 silent sockets" % len(silent))
        dribblers = [Dribbler(srv, "127.0.0.3", 1.0) for _ in range(20)]
        for d in dribblers:
            d.start()
        time.sleep(0.3)
        ok, took, err = timed_login(srv)
        check(ok and took < 2, "login beside 1,000 silent sockets: %s in %.2f s (%s)" % (ok, took, err))
        # A burst from one address may take half the startup pool (512): the rest were refused
        # at once, with 53300, and closed.
        closed = [is_closed(s) for s in silent]
        check(sum(closed) >= 1000 - 512, "%d of 1,000 silent sockets closed past the burst bound"
              % sum(closed))
        check(sum(not c for c in closed) <= 512, "%d stay open" % sum(not c for c in closed))
        # Once they have waited a second, the address is at its bound of 32: refused.
        time.sleep(max(0.0, opened + 1.2 - time.monotonic()))
        fresh = raw_socket(srv, "127.0.0.2")
        answer = first_bytes(fresh)
        check(answer[:1] == b"E" and b"53300" in answer and b"not yet authenticated" in answer,
              "one more from that address gets 53300: %r" % answer[:120])
        fresh.close()
        # The address sits at its bound (and the pool half full): its sockets get the
        # pressure timeout (5 s), not 60 s.
        deadline = opened + 8
        while time.monotonic() < deadline and not all(is_closed(s) for s in silent):
            time.sleep(0.2)
        check(all(is_closed(s) for s in silent), "an address at its bound is cut after 5 s")
        ok, took, err = timed_login(srv)
        check(ok and took < 2, "login after: %s in %.2f s (%s)" % (ok, took, err))
        for s in silent:
            s.close()
    except Exception as e:  # noqa: BLE001
        check(False, "lockout: %r\n%s" % (e, srv.log_tail()))
    finally:
        srv.cleanup()


def burst():
    """200 logins at once from one address (a client pool starting) all succeed."""
    srv = Server()
    try:
        srv.start()
        errors = []

        def one():
            try:
                c = connect(srv, "duckgres", "duckgres", srv.password, connect_timeout=30)
                time.sleep(0.5)
                c.close()
            except psycopg2.Error as e:
                errors.append(str(e).strip())

        threads = [threading.Thread(target=one) for _ in range(200)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=60)
        check(not errors, "%d of 200 simultaneous logins failed: %s" % (len(errors), errors[:2]))
    except Exception as e:  # noqa: BLE001
        check(False, "burst: %r\n%s" % (e, srv.log_tail()))
    finally:
        srv.cleanup()


def authentication_timeout():
    """--authentication-timeout 2 cuts idle sockets, byte dribblers and a stalled TLS handshake."""
    srv = Server()
    try:
        srv.start(extra_args=["--authentication-timeout", "2"])
        idle = [raw_socket(srv, "127.0.0.4") for _ in range(10)]
        opened = time.monotonic()
        dribblers = [Dribbler(srv, "127.0.0.5", 0.25) for _ in range(5)]
        dribblers += [Dribbler(srv, "127.0.0.5", 0.25, tls=True) for _ in range(2)]
        for d in dribblers:
            d.start()
        time.sleep(1.0)
        check(not any(is_closed(s) for s in idle), "idle sockets kept within the timeout")
        deadline = opened + 4
        while time.monotonic() < deadline and not all(is_closed(s) for s in idle):
            time.sleep(0.1)
        took = time.monotonic() - opened
        check(all(is_closed(s) for s in idle), "idle sockets closed after the timeout")
        check(took < 3.5, "closed %.2f s after opening" % took)
        for d in dribblers:
            d.join(timeout=3)
        lived = [d.closed_at - d.started for d in dribblers if d.closed_at]
        check(len(lived) == len(dribblers) and max(lived) < 3.5,
              "dribblers (plain and in a TLS handshake) cut at the timeout: %r" % lived)
        check(metric(srv, "duckgres_auth_refusals_total", reason="authentication_timeout") >= 17,
              "timeouts counted in the metrics")
        ok, took, err = timed_login(srv)
        check(ok, "login still works: %s" % err)
        # A login that takes its time, but less than the timeout, is not cut.
        s = raw_socket(srv, "127.0.0.4")
        time.sleep(1.2)
        s.sendall(STARTUP)
        answer = first_bytes(s, 2)
        check(answer[:1] == b"R", "a startup packet within the timeout is answered: %r" % answer[:20])
        s.close()
    except Exception as e:  # noqa: BLE001
        check(False, "authentication timeout: %r\n%s" % (e, srv.log_tail()))
    finally:
        srv.cleanup()


def startup_pool_pressure():
    """A full startup pool cuts its oldest socket for a new one; past half full, sockets get
    5 s instead of authentication_timeout."""
    srv = Server()
    try:
        srv.start(extra_args=["--max-startup-connections", "40",
                              "--max-startup-connections-per-address", "16"])
        first = [raw_socket(srv, "127.0.0.%d" % (10 + i // 8)) for i in range(40)]
        opened = time.monotonic()
        time.sleep(0.3)
        check(not any(is_closed(s) for s in first), "a full pool holds its 40 sockets")
        more = [raw_socket(srv, "127.0.0.20") for _ in range(8)]
        time.sleep(0.5)
        cut = sum(is_closed(s) for s in first)
        check(cut == 8, "8 new sockets cut the 8 oldest: %d cut" % cut)
        check(not any(is_closed(s) for s in more), "and were admitted")
        ok, took, err = timed_login(srv)
        check(ok and took < 2, "login into a full pool: %s in %.2f s (%s)" % (ok, took, err))
        deadline = opened + 8
        while time.monotonic() < deadline and not all(is_closed(s) for s in first + more):
            time.sleep(0.2)
        took = time.monotonic() - opened
        check(all(is_closed(s) for s in first + more),
              "under pressure sockets are cut after 5 s, not 60 (%.1f s)" % took)
        check(metric(srv, "duckgres_auth_refusals_total", reason="startup_evicted") >= 8,
              "evictions counted")
    except Exception as e:  # noqa: BLE001
        check(False, "startup pool pressure: %r\n%s" % (e, srv.log_tail()))
    finally:
        srv.cleanup()


def cancel_rate():
    """100 bogus CancelRequests from one address: all but a burst are dropped unchecked; a real
    cancel from elsewhere still stops a query."""
    srv = Server()
    try:
        srv.start()
        conn = connect(srv, "duckgres", "duckgres", srv.password)
        pid = conn.get_backend_pid()
        for key in range(100):
            s = raw_socket(srv, "127.0.0.6")
            s.sendall(struct.pack("!IIii", 16, 80877102, pid, 12345 + key))
            is_closed(s, 1)
            s.close()
        throttled = wait_for(
            lambda: metric(srv, "duckgres_auth_refusals_total", reason="cancel_throttled") >= 75,
            timeout=5)
        check(throttled, "bogus cancels throttled: %s" %
              metric(srv, "duckgres_auth_refusals_total", reason="cancel_throttled"))
        cur = conn.cursor()
        cancelled_at = []

        def cancel_soon():
            time.sleep(0.5)
            cancelled_at.append(time.monotonic())
            conn.cancel()

        t = threading.Thread(target=cancel_soon)
        t.start()
        try:
            cur.execute(ENDLESS)
            check(False, "endless query returned")
        except psycopg2.errors.QueryCanceled:
            check(time.monotonic() - cancelled_at[0] < 5, "the real cancel stopped the query")
        t.join()
        conn.rollback()
        cur.execute("SELECT 1")
        check(cur.fetchone() == (1,), "session usable after cancel")
        conn.close()
    except Exception as e:  # noqa: BLE001
        check(False, "cancel rate: %r\n%s" % (e, srv.log_tail()))
    finally:
        srv.cleanup()


def data_dir_modes_and_fifos():
    """A data dir (an older one with 0644/0755 entries, too) is 0600/0700 after start and
    stays so with ducklings in worker processes; pipes left in tmp/ are gone after a restart."""
    srv = Server()
    try:
        os.chmod(srv.data_dir, 0o755)
        os.makedirs(os.path.join(srv.data_dir, "old", "deeper"))
        os.chmod(os.path.join(srv.data_dir, "old"), 0o755)
        with open(os.path.join(srv.data_dir, "old", "deeper", "file.txt"), "w") as f:
            f.write("x")
        os.chmod(os.path.join(srv.data_dir, "old", "deeper", "file.txt"), 0o644)
        srv.start(extra_args=["--isolation", "process"])
        api = Api(srv)
        setup_acme(api)
        c = connect(srv, "acme", "alice", "alice-secret-1")
        c.autocommit = True
        cur = c.cursor()
        cur.execute("CREATE TABLE t (a int)")
        cur.copy_expert("COPY t FROM STDIN", __import__("io").StringIO("1\n2\n"))
        c.close()
        timed_login(srv)

        def loose(root):
            bad = []
            for dirpath, dirnames, filenames in os.walk(root):
                for name in [dirpath] + [os.path.join(dirpath, n) for n in filenames]:
                    st = os.lstat(name)
                    if stat.S_ISLNK(st.st_mode):
                        continue
                    if st.st_mode & 0o077:
                        bad.append("%s %o" % (os.path.relpath(name, root), st.st_mode & 0o777))
            return bad

        bad = loose(srv.data_dir)
        check(not bad, "data dir entries open to group/others: %s" % bad[:10])
        check(stat.S_IMODE(os.stat(srv.data_dir).st_mode) == 0o700, "data dir 0700")
        check(stat.S_IMODE(os.stat(os.path.join(srv.data_dir, "duckgres.db")).st_mode) == 0o600,
              "config store 0600")
        # Stale COPY pipes (a server killed mid-COPY leaves them) in both kinds of duckling.
        fifos = []
        for root, _, _ in os.walk(os.path.join(srv.data_dir, "ducklings")):
            if os.path.basename(root) == "tmp":
                path = os.path.join(root, "copy-4242-0.fifo")
                os.mkfifo(path, 0o600)
                fifos.append(path)
        check(len(fifos) >= 2, "fifos planted in %d ducklings" % len(fifos))
        srv.kill()
        srv.start(extra_args=["--isolation", "process"])
        check(timed_login(srv)[0], "server back")
        connect(srv, "acme", "alice", "alice-secret-1").close()
        left = [f for f in fifos if os.path.exists(f)]
        check(not left, "stale fifos removed when their duckling opens: %s" % left)
        bad = loose(srv.data_dir)
        check(not bad, "after restart, entries open to group/others: %s" % bad[:10])
    except Exception as e:  # noqa: BLE001
        check(False, "data dir modes: %r\n%s" % (e, srv.log_tail()))
    finally:
        srv.cleanup()


def channel_binding():
    """SCRAM-SHA-256-PLUS over TLS (libpq channel_binding=require); plain SCRAM without TLS."""
    srv = Server()
    try:
        srv.start()
        ok, _, err = timed_login(srv, sslmode="require", channel_binding="require")
        check(ok, "channel_binding=require over TLS: %s" % err)
        ok, _, err = timed_login(srv, sslmode="require", channel_binding="disable")
        check(ok, "SCRAM-SHA-256 over TLS without binding: %s" % err)
        ok, _, err = timed_login(srv, sslmode="disable")
        check(ok, "SCRAM-SHA-256 without TLS: %s" % err)
        ok, _, err = timed_login(srv, sslmode="disable", channel_binding="require")
        check(not ok, "channel_binding=require without TLS fails on the client: %s" % err)
        env = dict(os.environ, PGPASSWORD=srv.password)
        out = subprocess.run(
            ["psql", "host=%s port=%d user=duckgres dbname=duckgres sslmode=require "
             "channel_binding=require" % (srv.host, srv.port), "-Atc", "SELECT 41 + 1"],
            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, timeout=30)
        check(out.stdout.strip() == "42", "psql with channel_binding=require: %r %r"
              % (out.stdout, out.stderr))
        ok, _, err = timed_login(srv, password="wrong", sslmode="require",
                                 channel_binding="require")
        check(not ok and "password authentication failed" in (err or ""),
              "a wrong password still fails with binding: %s" % err)
        check("sslmode=verify-full" not in srv.log_text(),
              "a self-signed certificate does not suggest verify-full")
        # An operator's certificate (here the generated one, named): the log suggests
        # verify-full, and binding works with it.
        srv.stop()
        certs = [os.path.join(srv.data_dir, n) for n in ("server.crt", "server.key")]
        if check(all(os.path.exists(p) for p in certs), "self-signed certificate files: %s"
                 % os.listdir(srv.data_dir)):
            srv.start(extra_args=["--tls-cert", certs[0], "--tls-key", certs[1]])
            check("sslmode=verify-full" in srv.log_text(), "the log suggests verify-full")
            ok, _, err = timed_login(srv, sslmode="require", channel_binding="require")
            check(ok, "channel_binding=require with a configured certificate: %s" % err)
    except Exception as e:  # noqa: BLE001
        check(False, "channel binding: %r\n%s" % (e, srv.log_tail()))
    finally:
        srv.cleanup()


# Each part alone: frontdoor_test.py lockout cancel_rate …
for part in sys.argv[1:] or ["lockout", "burst", "authentication_timeout", "startup_pool_pressure",
                             "cancel_rate", "data_dir_modes_and_fifos", "channel_binding"]:
    globals()[part]()
finish("control frontdoor")
