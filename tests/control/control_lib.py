"""Shared by the control-plane suites: an API client, checks, and servers on either store."""
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "integration"))
from with_server import Server, port_open  # noqa: E402,F401

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from harness import case, check, failures, finish  # noqa: E402,F401  (tests/harness.py)


class Api:
    def __init__(self, server, token=None):
        self.base = "http://%s:%d" % (server.host, server.http_port)
        self.token = server.token if token is None else token
        self.server = server

    def call(self, method, path, body=None, raw=None, token=None):
        # The server opens its HTTP port a moment after the PostgreSQL one wait_ready() saw
        # (and again after each restart).
        deadline = time.monotonic() + 30
        while not port_open(self.server.host, self.server.http_port) and time.monotonic() < deadline:
            time.sleep(0.05)
        data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
        req = urllib.request.Request(self.base + path, data=data, method=method)
        tok = self.token if token is None else token
        if tok:
            req.add_header("Authorization", "Bearer " + tok)
        if data is not None:
            req.add_header("Content-Type", "application/json")
        try:
            with urllib.request.urlopen(req, timeout=30) as r:
                text = r.read().decode()
                return r.status, (json.loads(text) if text else None)
        except urllib.error.HTTPError as e:
            text = e.read().decode()
            try:
                return e.code, json.loads(text)
            except ValueError:
                return e.code, text

    def wait_state(self, org, states, timeout=60):
        deadline = time.monotonic() + timeout
        while True:
            status, body = self.call("GET", "/api/v1/orgs/%s/duckling" % org)
            if status == 200 and body["state"] in states:
                return body
            if time.monotonic() > deadline:
                return body
            time.sleep(0.1)


def error_code(body):
    return body.get("error", {}).get("code") if isinstance(body, dict) else None


def ctl(server, *args, env=None):
    env = dict(os.environ if env is None else env)
    env["DUCKGRES_URL"] = "http://%s:%d" % (server.host, server.http_port)
    env["DUCKGRES_TOKEN"] = server.token
    return subprocess.run([server.binary, "ctl", *args], env=env, stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, text=True, timeout=120)


def connect(server, database, user, password, **kw):
    import psycopg2
    return psycopg2.connect(host=server.host, port=server.port, dbname=database, user=user,
                            password=password, **kw)


def wait_for(fn, timeout=15, pause=0.2):
    """fn()'s first truthy value within timeout, else its last value."""
    deadline = time.monotonic() + timeout
    value = fn()
    while not value and time.monotonic() < deadline:
        time.sleep(pause)
        value = fn()
    return value


def setup_acme(api, size="xs"):
    """The organization most suites use: acme, team 1 (web), alice (owner) and bob (a reader
    of team 1), and its duckling ready."""
    api.call("POST", "/api/v1/orgs", {"name": "acme"})
    s, team = api.call("POST", "/api/v1/orgs/acme/teams", {"team_id": 1, "name": "web"})
    api.call("POST", "/api/v1/orgs/acme/users", {"username": "alice", "password": "alice-secret-1"})
    api.call("POST", "/api/v1/orgs/acme/users", {"username": "bob", "password": "bob-secret-1",
                                                 "access_mode": "project_reader", "team_id": 1})
    api.call("PUT", "/api/v1/orgs/acme/duckling", {"size": size})
    check(api.wait_state("acme", ("ready", "failed"))["state"] == "ready", "acme ready")
    return team


S3RVER = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "storage", "node", "node_modules",
                      "s3rver", "bin", "s3rver.js")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class S3rver:
    """s3rver on a free port with a bucket "ducks" (it checks key ids, S3RVER, not SigV4)."""

    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="s3rver_")
        self.port = free_port()
        self.proc = subprocess.Popen(
            ["node", "--openssl-legacy-provider", S3RVER, "-d", self.dir, "-a", "127.0.0.1",
             "-p", str(self.port), "-s", "--configure-bucket", "ducks"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        check(wait_for(lambda: self._open(), timeout=20), "s3rver listens")

    def _open(self):
        try:
            socket.create_connection(("127.0.0.1", self.port), timeout=0.5).close()
            return True
        except OSError:
            return False

    def endpoint(self):
        return "http://127.0.0.1:%d" % self.port

    def stop(self):
        self.proc.terminate()
        self.proc.wait()
        shutil.rmtree(self.dir, ignore_errors=True)
