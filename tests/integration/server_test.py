#!/usr/bin/python3
"""The server as a process and a protocol endpoint.

Against the running server (PG* variables set by with_server.py): /health, raw
protocol checks (GSSENCRequest answered 'N', SSLRequest, SCRAM with the server
signature verified, 28P01 for a wrong password or unknown user, garbage/oversized/
truncated messages answered with an error or a close while others keep being served,
bogus CancelRequest), 500 simultaneous idle sessions.

With the duckgres binary ($DUCKGRES_BIN, else <repo>/build/duckgres) it also starts
servers of its own: configuration precedence (flag > env > YAML), bad settings stop
start-up naming the setting, the generated admin password printed once, data
surviving a restart, and SIGTERM letting an in-flight statement finish.
"""

import base64
import hashlib
import hmac
import os
import re
import secrets
import socket
import ssl
import struct
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

import psycopg2
import psycopg2.errors

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import with_server  # noqa: E402
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from harness import case, check, failures  # noqa: E402,F401  (tests/harness.py)

HOST = os.environ.get("PGHOST", "127.0.0.1")
PORT = int(os.environ.get("PGPORT", "5432"))
USER = os.environ.get("PGUSER", "duckgres")
PASSWORD = os.environ.get("PGPASSWORD", "")
DB = os.environ.get("PGDATABASE", "duckgres")
IO_TIMEOUT = 10
# with_server.py sets DUCKGRES_HTTP_PORT; its absence means an external server (e.g. a
# real PostgreSQL used to check these tests).
IS_DUCKGRES = "DUCKGRES_HTTP_PORT" in os.environ


# --- a minimal protocol v3 client ------------------------------------------------------------

class Closed(Exception):
    pass


def recv_exact(sock, n):
    buf = b""
    while len(buf) < n:
        chunk = sock.recv(n - len(buf))
        if not chunk:
            raise Closed("connection closed after %d of %d bytes" % (len(buf), n))
        buf += chunk
    return buf


def read_msg(sock):
    header = recv_exact(sock, 5)
    kind, length = header[:1], struct.unpack("!i", header[1:])[0]
    return kind, recv_exact(sock, length - 4)


def msg(kind, payload=b""):
    return kind + struct.pack("!i", len(payload) + 4) + payload


def startup_packet(user, database, **params):
    body = struct.pack("!i", 196608)
    for k, v in [("user", user), ("database", database), *params.items()]:
        body += k.encode() + b"\0" + v.encode() + b"\0"
    body += b"\0"
    return struct.pack("!i", len(body) + 4) + body


def error_fields(payload):
    fields = {}
    for part in payload.split(b"\0"):
        if part:
            fields[chr(part[0])] = part[1:].decode("utf-8", "replace")
    return fields


def raw_socket():
    s = socket.create_connection((HOST, PORT), timeout=IO_TIMEOUT)
    s.settimeout(IO_TIMEOUT)
    return s


def scram_login(sock, user=USER, password=PASSWORD, database=DB):
    """Startup + SCRAM-SHA-256. Returns ('ok', messages) or ('error', fields)."""
    sock.sendall(startup_packet(user, database))
    nonce = base64.b64encode(secrets.token_bytes(18)).decode()
    client_first_bare = "n=,r=" + nonce
    auth_message = salted = None
    messages = []
    while True:
        kind, payload = read_msg(sock)
        if kind == b"E":
            return "error", error_fields(payload)
        if kind == b"R":
            code = struct.unpack("!i", payload[:4])[0]
            if code == 10:  # SASL: mechanisms
                mechs = [m for m in payload[4:].split(b"\0") if m]
                if b"SCRAM-SHA-256" not in mechs:
                    raise AssertionError("SCRAM-SHA-256 not offered: %r" % mechs)
                data = ("n,," + client_first_bare).encode()
                sock.sendall(msg(b"p", b"SCRAM-SHA-256\0" + struct.pack("!i", len(data)) + data))
            elif code == 11:  # SASL continue: server-first-message
                server_first = payload[4:].decode()
                attrs = dict(kv.split("=", 1) for kv in server_first.split(","))
                if not attrs["r"].startswith(nonce):
                    raise AssertionError("server nonce does not extend the client nonce")
                salted = hashlib.pbkdf2_hmac("sha256", password.encode(),
                                             base64.b64decode(attrs["s"]), int(attrs["i"]))
                client_key = hmac.new(salted, b"Client Key", "sha256").digest()
                stored_key = hashlib.sha256(client_key).digest()
                final_no_proof = "c=biws,r=" + attrs["r"]
                auth_message = ",".join([client_first_bare, server_first, final_no_proof])
                signature = hmac.new(stored_key, auth_message.encode(), "sha256").digest()
                proof = bytes(a ^ b for a, b in zip(client_key, signature))
                final = final_no_proof + ",p=" + base64.b64encode(proof).decode()
                sock.sendall(msg(b"p", final.encode()))
            elif code == 12:  # SASL final: v=server signature
                server_key = hmac.new(salted, b"Server Key", "sha256").digest()
                want = hmac.new(server_key, auth_message.encode(), "sha256").digest()
                got = payload[4:].decode()
                if got != "v=" + base64.b64encode(want).decode():
                    raise AssertionError("wrong server signature %r" % got)
            elif code == 0:
                pass
            else:
                raise AssertionError("unexpected authentication request %d" % code)
        else:
            messages.append((kind, payload))
            if kind == b"Z":
                return "ok", messages


def simple_query(sock, sql):
    """Sends a Query; returns the messages up to ReadyForQuery."""
    sock.sendall(msg(b"Q", sql.encode() + b"\0"))
    out = []
    while True:
        kind, payload = read_msg(sock)
        out.append((kind, payload))
        if kind == b"Z":
            return out


def data_rows(messages):
    rows = []
    for kind, payload in messages:
        if kind == b"D":
            n = struct.unpack("!h", payload[:2])[0]
            pos, row = 2, []
            for _ in range(n):
                ln = struct.unpack("!i", payload[pos:pos + 4])[0]
                pos += 4
                row.append(None if ln < 0 else payload[pos:pos + ln].decode())
                pos += max(ln, 0)
            rows.append(tuple(row))
    return rows


def error_or_close(sock, what):
    """After garbage the server must answer with an ErrorResponse or close, not hang."""
    try:
        while True:
            kind, payload = read_msg(sock)
            if kind == b"E":
                fields = error_fields(payload)
                code = fields.get("C", "")
                check(code.startswith("08") or code.startswith("0A"),
                      "%s: SQLSTATE %s (%s)" % (what, code, fields.get("M")))
                return "error " + code
            if kind in (b"N", b"S"):
                continue
            check(False, "%s: unexpected message %r" % (what, kind))
            return "message"
    except Closed:
        return "closed"
    except ConnectionResetError:
        return "closed"
    except socket.timeout:
        check(False, "%s: server neither answered nor closed within %ds" % (what, IO_TIMEOUT))
        return "timeout"


def still_serving(what):
    try:
        conn = psycopg2.connect("", connect_timeout=10)
        cur = conn.cursor()
        cur.execute("SELECT 40 + 2")
        check(cur.fetchone()[0] == 42, "%s: wrong answer" % what)
        conn.close()
    except Exception as e:  # noqa: BLE001 - turned into a failure
        check(False, "%s: server no longer serves: %s" % (what, e))


# --- against the running server -----------------------------------------------------------

def test_health():
    http_port = os.environ.get("DUCKGRES_HTTP_PORT")
    if not http_port:
        print("skip: test_health (DUCKGRES_HTTP_PORT unset: not a duckgres server)")
        return
    with urllib.request.urlopen("http://127.0.0.1:%s/health" % http_port, timeout=10) as r:
        check(r.status == 200, "/health status %d" % r.status)


def test_gssenc_request_then_login():
    s = raw_socket()
    s.sendall(struct.pack("!ii", 8, 80877104))
    answer = recv_exact(s, 1)
    if answer == b"G" and not IS_DUCKGRES:
        # A PostgreSQL built with GSSAPI offers it; duckgres has no GSSAPI and must say 'N'.
        print("note: GSSENCRequest answered 'G' by an external server")
        s.close()
        return
    check(answer == b"N", "GSSENCRequest answered %r, want 'N'" % answer)
    # The same connection goes on with a plain startup.
    status, messages = scram_login(s)
    check(status == "ok", "login after GSSENCRequest: %r" % (messages,))
    if status == "ok":
        kinds = {k for k, _ in messages}
        check(b"K" in kinds, "no BackendKeyData")
        params = dict(p.split(b"\0")[:2] for k, p in messages if k == b"S")
        for name in (b"server_version", b"client_encoding", b"DateStyle",
                     b"integer_datetimes", b"standard_conforming_strings"):
            check(name in params, "ParameterStatus %s missing" % name.decode())
        rows = data_rows(simple_query(s, "SELECT 1, 'a', NULL"))
        check(rows == [("1", "a", None)], "SELECT after raw login: %r" % rows)
        s.sendall(msg(b"X"))
    s.close()


def test_ssl_request_raw():
    s = raw_socket()
    s.sendall(struct.pack("!ii", 8, 80877103))
    answer = recv_exact(s, 1)
    check(answer == b"S", "SSLRequest answered %r" % answer)
    if answer == b"S":
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
        t = ctx.wrap_socket(s, server_hostname=HOST)
        status, messages = scram_login(t)
        check(status == "ok", "login over TLS: %r" % (messages,))
        if status == "ok":
            check(data_rows(simple_query(t, "SELECT 2")) == [("2",)], "SELECT over TLS")
        t.close()
    else:
        s.close()


def test_auth_failures():
    for user, password, what in ((USER, PASSWORD + "-wrong", "wrong password"),
                                 ("no_such_user_" + secrets.token_hex(4), "whatever",
                                  "unknown user")):
        s = raw_socket()
        status, fields = scram_login(s, user=user, password=password)
        check(status == "error", "%s: login succeeded" % what)
        if status == "error":
            check(fields.get("C") == "28P01", "%s: SQLSTATE %s (%s)" % (what, fields.get("C"),
                                                                       fields.get("M")))
            check(fields.get("S") == "FATAL", "%s: severity %s" % (what, fields.get("S")))
            try:
                check(s.recv(1) == b"", "%s: connection left open" % what)
            except (ConnectionResetError, socket.timeout):
                pass
        s.close()


def test_protocol_garbage():
    # Before authentication.
    cases = [
        ("unknown protocol code", struct.pack("!ii", 8, 0x0BADC0DE)),
        ("oversized startup length", struct.pack("!ii", 0x7FFFFFFF, 196608)),
        ("startup length below minimum", struct.pack("!i", 4)),
        ("1 KB of random bytes", struct.pack("!ii", 1024, 0x0DEADBEE) + os.urandom(1016)),
    ]
    for what, data in cases:
        s = raw_socket()
        s.sendall(data)
        error_or_close(s, what)
        s.close()
        still_serving("after " + what)
    # A truncated startup packet: the client hangs up half-way.
    s = raw_socket()
    s.sendall(struct.pack("!ii", 100, 196608) + b"user\0")
    s.shutdown(socket.SHUT_WR)
    error_or_close(s, "truncated startup packet")
    s.close()
    still_serving("after truncated startup packet")

    # After authentication.
    def logged_in():
        s = raw_socket()
        status, info = scram_login(s)
        if status != "ok":
            raise AssertionError("login failed: %r" % (info,))
        return s

    s = logged_in()
    s.sendall(b"\x01" + struct.pack("!i", 8) + b"garbage!")
    error_or_close(s, "unknown message type")
    s.close()
    s = logged_in()
    s.sendall(b"Q" + struct.pack("!i", 0x7FFFFFF0) + b"SELECT 1")
    error_or_close(s, "oversized message length")
    s.close()
    s = logged_in()
    s.sendall(b"Q" + struct.pack("!i", 2))
    error_or_close(s, "message length below 4")
    s.close()
    s = logged_in()
    s.sendall(b"Q" + struct.pack("!i", 100) + b"SELECT")
    s.shutdown(socket.SHUT_WR)
    error_or_close(s, "truncated Query")
    s.close()
    s = logged_in()
    # A complete message of an unknown type with a random body (the length is fixed so
    # the server has every byte it was promised and cannot legitimately wait for more).
    s.sendall(b"\x02" + struct.pack("!i", 4096) + os.urandom(4092))
    error_or_close(s, "4 KB random message after login")
    s.close()
    still_serving("after garbage following login")

    # Protocol-level errors that a session survives: Bind to an unknown statement, then Sync.
    s = logged_in()
    bind = b"\0" + b"no_such_stmt\0" + struct.pack("!hhh", 0, 0, 0)
    s.sendall(msg(b"B", bind) + msg(b"E", b"\0" + struct.pack("!i", 0)) + msg(b"S"))
    kinds = []
    code = None
    while True:
        kind, payload = read_msg(s)
        kinds.append(kind)
        if kind == b"E":
            code = error_fields(payload).get("C")
        if kind == b"Z":
            check(payload == b"I", "ReadyForQuery status %r after Sync" % payload)
            break
    check(code == "26000", "Bind to unknown statement: SQLSTATE %s" % code)
    check(kinds.count(b"E") == 1, "Execute after failed Bind not skipped: %r" % kinds)
    check(data_rows(simple_query(s, "SELECT 3")) == [("3",)], "session after Bind error")
    s.close()


def test_bogus_cancel_request():
    s = raw_socket()
    s.sendall(struct.pack("!iiii", 16, 80877102, 12345, 67890))
    try:
        check(s.recv(1) == b"", "CancelRequest answered with data")
    except (ConnectionResetError, socket.timeout):
        pass
    s.close()
    still_serving("after bogus CancelRequest")


def test_500_idle_sessions():
    conns = []
    try:
        for i in range(500):
            conns.append(psycopg2.connect("", connect_timeout=30))
        # All of them are live sessions that answer.
        for i in (0, 249, 499):
            cur = conns[i].cursor()
            cur.execute("SELECT %s::int4", (i,))
            check(cur.fetchone()[0] == i, "session %d" % i)
    except psycopg2.Error as e:
        check(False, "session %d of 500 refused: %s" % (len(conns) + 1, e))
    finally:
        for c in conns:
            c.close()
    still_serving("after 500 sessions")


# --- servers of our own -------------------------------------------------------------------------

def binary_or_none():
    b = with_server.server_binary()
    return b if os.access(b, os.X_OK) else None


def login(port, password, dbname="duckgres"):
    return psycopg2.connect(host="127.0.0.1", port=port, user="duckgres", password=password,
                            dbname=dbname, connect_timeout=10, sslmode="disable")


def test_config_precedence():
    tmp = tempfile.mkdtemp(prefix="duckgres-cfg-")
    yaml_port, env_port, flag_port = (with_server.free_port() for _ in range(3))
    yaml_file = os.path.join(tmp, "duckgres.yaml")
    with open(yaml_file, "w") as f:
        f.write("port: %d\nlog_level: info\n" % yaml_port)
    srv = with_server.Server(data_dir=os.path.join(tmp, "data"))
    base = ["--config", yaml_file, "--host", "127.0.0.1", "--http-port", str(srv.http_port),
            "--data-dir", srv.data_dir]
    try:
        for what, args, env, want in (
                ("flag beats env and YAML", base + ["--port", str(flag_port)],
                 {"DUCKGRES_PORT": str(env_port)}, flag_port),
                ("env beats YAML", base, {"DUCKGRES_PORT": str(env_port)}, env_port),
                ("YAML beats default", base, {"DUCKGRES_PORT": None}, yaml_port)):
            env = {k: v for k, v in env.items() if v is not None}
            saved = os.environ.pop("DUCKGRES_PORT", None)
            try:
                srv.start(args=args, env=env, wait=False)
            finally:
                if saved is not None:
                    os.environ["DUCKGRES_PORT"] = saved
            try:
                srv.wait_ready(port=want)
                others = [p for p in (yaml_port, env_port, flag_port) if p != want]
                check(not any(with_server.port_open("127.0.0.1", p) for p in others),
                      "%s: also listening elsewhere" % what)
                conn = login(want, srv.password)
                conn.close()
            except RuntimeError as e:
                check(False, "%s: %s" % (what, e))
            rc = srv.stop()
            check(rc == 0, "%s: exit status %s" % (what, rc))
    finally:
        srv.cleanup()
        subprocess.call(["rm", "-rf", tmp])


def test_bad_settings_stop_startup():
    tmp = tempfile.mkdtemp(prefix="duckgres-bad-")
    bad_yaml = os.path.join(tmp, "bad.yaml")
    with open(bad_yaml, "w") as f:
        f.write("log_level: chatty\n")
    cases = [
        ("port", ["--port", "not-a-port"], {}),
        ("port", ["--port", "70000"], {}),
        ("max_connections", [], {"DUCKGRES_MAX_CONNECTIONS": "0"}),
        ("log_level", ["--config", bad_yaml], {}),
        ("config", ["--config", os.path.join(tmp, "missing.yaml")], {}),
    ]
    try:
        for setting, extra, env in cases:
            srv = with_server.Server(data_dir=os.path.join(tmp, "data"))
            args = ["--host", "127.0.0.1", "--http-port", str(srv.http_port),
                    "--data-dir", srv.data_dir]
            if "--port" not in extra:
                args += ["--port", str(srv.port)]
            srv.start(args=args + extra, env=env, wait=False)
            try:
                rc = srv.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                rc = None
            out = srv.log_text()
            what = "%s %s %s" % (setting, " ".join(extra), env)
            check(rc not in (None, 0), "bad %s: exit status %s" % (what, rc))
            check(setting in out, "bad %s: message does not name '%s': %s"
                  % (what, setting, out.strip().splitlines()[-3:]))
            srv.cleanup()
    finally:
        subprocess.call(["rm", "-rf", tmp])


def test_generated_admin_password():
    srv = with_server.Server(password="")
    try:
        srv.start(set_password=False)
        log = srv.log_text()
        candidates = []
        for line in log.splitlines():
            if "password" in line.lower():
                for tok in re.split(r"[\s'\"`:=,;()\[\]{}]+", line):
                    if len(tok) >= 8 and tok.lower() not in candidates and "password" not in tok.lower():
                        candidates.append(tok)
        password = None
        for tok in candidates[:20]:
            try:
                login(srv.port, tok).close()
                password = tok
                break
            except psycopg2.OperationalError:
                continue
        check(password is not None,
              "no working admin password found in the log: %s"
              % [l for l in log.splitlines() if "password" in l.lower()])
        check(srv.stop() == 0, "first stop")
        if password is None:
            return
        check(log.count(password) == 1, "password printed %d times" % log.count(password))
        first_len = len(srv.log_text())
        srv.start(set_password=False)
        second = srv.log_text()[first_len:]
        check(password not in second, "password printed again on restart")
        try:
            login(srv.port, password).close()
        except psycopg2.OperationalError as e:
            check(False, "generated password no longer works after restart: %s" % e)
        check(srv.stop() == 0, "second stop")
    finally:
        srv.cleanup()


def test_persistence_across_restart():
    srv = with_server.Server()
    try:
        srv.start()
        conn = login(srv.port, srv.password)
        cur = conn.cursor()
        cur.execute("CREATE TABLE persist (id int PRIMARY KEY, name text, amount numeric(10,2))")
        cur.execute("INSERT INTO persist SELECT g, 'n' || g, g * 0.25 FROM "
                    "generate_series(1, 10000) AS t(g)")
        conn.commit()
        cur.execute("UPDATE persist SET name = 'changed' WHERE id = 7")
        conn.commit()
        cur.execute("INSERT INTO persist VALUES (20000, 'uncommitted', 0)")  # never committed
        conn.close()
        check(srv.stop() == 0, "stop")
        srv.port, srv.http_port = with_server.free_port(), with_server.free_port()
        srv.start()
        conn = login(srv.port, srv.password)
        cur = conn.cursor()
        cur.execute("SELECT count(*), sum(amount), max(id), "
                    "(SELECT name FROM persist WHERE id = 7) FROM persist")
        row = cur.fetchone()
        import decimal
        check(row == (10000, decimal.Decimal("12501250.00"), 10000, "changed"),
              "after restart: %r" % (row,))
        conn.close()
        check(srv.stop() == 0, "second stop")
    finally:
        srv.cleanup()


def test_tls_require_refuses_plaintext():
    srv = with_server.Server()
    try:
        srv.start(args=["--host", "127.0.0.1", "--port", str(srv.port), "--http-port",
                        str(srv.http_port), "--data-dir", srv.data_dir, "--tls", "require"])
        try:
            login(srv.port, srv.password).close()
            check(False, "tls=require: a plaintext session was accepted")
        except psycopg2.OperationalError as e:
            check("SSL" in str(e) or "encryption" in str(e), "tls=require: unexpected error %s" % e)
        conn = psycopg2.connect(host="127.0.0.1", port=srv.port, user="duckgres",
                                password=srv.password, dbname="duckgres", sslmode="require")
        cur = conn.cursor()
        cur.execute("SELECT 41 + 1")
        check(cur.fetchone() == (42,), "tls=require: query over TLS")
        conn.close()
        check(srv.stop() == 0, "stop")
    finally:
        srv.cleanup()


def test_statement_timeout():
    conn = psycopg2.connect(host=HOST, port=PORT, user=USER, password=PASSWORD, dbname=DB)
    conn.autocommit = True
    cur = conn.cursor()
    cur.execute("SET statement_timeout = '300ms'")
    t0 = time.time()
    try:
        cur.execute("SELECT count(*) FROM range(100000000000)")
        check(False, "statement_timeout: long query finished")
    except psycopg2.errors.QueryCanceled as e:
        check("statement timeout" in str(e), "statement_timeout message: %s" % e)
    check(time.time() - t0 < 5, "statement_timeout took %.1fs" % (time.time() - t0))
    cur.execute("SELECT 1")  # the session goes on
    check(cur.fetchone() == (1,), "after statement_timeout")
    cur.execute("RESET statement_timeout")
    cur.execute("SHOW statement_timeout")
    check(cur.fetchone() == ("0",), "RESET statement_timeout")
    try:
        cur.execute("SET statement_timeout = 'soon'")
        check(False, "bad statement_timeout accepted")
    except psycopg2.errors.InvalidParameterValue:
        pass
    conn.close()


def test_sigterm_lets_statement_finish():
    srv = with_server.Server()
    try:
        srv.start()
        conn = login(srv.port, srv.password)
        cur = conn.cursor()
        m = 10000

        def q(n):
            return ("SELECT sum(a.x + b.y) FROM generate_series(1, %d) AS a(x), "
                    "generate_series(1, %d) AS b(y)" % (n, m))

        # Find a statement that takes a couple of seconds on this machine.
        n = 1000
        while True:
            t0 = time.monotonic()
            cur.execute(q(n))
            took = time.monotonic() - t0
            if took >= 0.5 or n >= 10 ** 7:
                break
            n *= 4
        n = int(n * max(1.0, 2.5 / max(took, 0.01)))
        want = m * n * (n + 1) // 2 + n * m * (m + 1) // 2
        result = []

        def run():
            try:
                cur.execute(q(n))
                result.append(int(cur.fetchone()[0]))
            except Exception as e:  # noqa: BLE001 - reported below
                result.append(e)

        watcher = login(srv.port, srv.password)
        watcher.autocommit = True
        t = threading.Thread(target=run)
        t.start()
        # SIGTERM once the statement runs (pg_stat_activity shows it), not after a guess.
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            w = watcher.cursor()
            w.execute("SELECT count(*) FROM pg_stat_activity WHERE state = 'active' AND "
                      "query LIKE 'SELECT sum(a.x + b.y)%'")
            if w.fetchone()[0] > 0:
                break
            time.sleep(0.02)
        watcher.close()
        check(t.is_alive(), "calibrated statement finished too early")
        srv.proc.send_signal(15)
        t.join(timeout=60)
        check(result == [want], "in-flight statement after SIGTERM: %r want %d" % (result, want))
        conn.close()
        try:
            rc = srv.proc.wait(timeout=30)
            check(rc == 0, "exit status after SIGTERM %s" % rc)
        except subprocess.TimeoutExpired:
            check(False, "server still running 30 s after SIGTERM and the last session ended")
    finally:
        srv.cleanup()


case(test_health)
case(test_gssenc_request_then_login)
case(test_ssl_request_raw)
case(test_auth_failures)
case(test_protocol_garbage)
case(test_bogus_cancel_request)
case(test_500_idle_sessions)
case(test_statement_timeout)
if binary_or_none():
    case(test_config_precedence)
    case(test_bad_settings_stop_startup)
    case(test_generated_admin_password)
    case(test_persistence_across_restart)
    case(test_sigterm_lets_statement_finish)
    case(test_tls_require_refuses_plaintext)
else:
    print("skip: server lifecycle tests (no duckgres binary at %s)" % with_server.server_binary())

if failures:
    print("%d server check(s) failed" % len(failures), file=sys.stderr)
    sys.exit(1)
print("all server checks passed")
