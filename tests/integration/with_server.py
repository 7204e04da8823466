#!/usr/bin/python3
"""Runs one integration test against a freshly started duckgres server.

    with_server.py [--external] -- COMMAND [ARGS...]

Starts the binary named by $DUCKGRES_BIN (default <repo>/build/duckgres) on free
ports with a temporary data dir and a random admin password, waits until it accepts
connections, exports PGHOST PGPORT PGUSER PGPASSWORD PGDATABASE DUCKGRES_HTTP_PORT
DUCKGRES_DATA_DIR, runs COMMAND, stops the server with SIGTERM (it must exit with
status 0 within 30 s), removes the data dir and exits with COMMAND's status.

With --external (or DUCKGRES_EXTERNAL=1) no server is started: COMMAND runs against
whatever the PG* variables already point at (e.g. a real PostgreSQL 15, to check
that the tests themselves are right).

Importable: tests that restart the server themselves use `Server` and `free_port`.
"""

import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DEFAULT_BIN = os.path.join(REPO, "build", "duckgres")
READY_TIMEOUT = 60
STOP_TIMEOUT = 30


def free_port():
    """A TCP port that was free a moment ago on 127.0.0.1."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def server_binary():
    return os.environ.get("DUCKGRES_BIN") or DEFAULT_BIN


def _die_with_parent():
    # If the harness is killed (e.g. a ctest timeout), take the server down with it.
    try:
        import ctypes
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except OSError:
        pass


def port_open(host, port, timeout=0.5):
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


class Server:
    """One duckgres server process with its own ports, data dir and log file.

    Tests that need several starts over the same data (restart, persistence) pass
    data_dir explicitly; otherwise a temporary one is created and removed by cleanup().
    """

    def __init__(self, binary=None, data_dir=None, password=None, port=None,
                 http_port=None, host="127.0.0.1"):
        self.binary = binary or server_binary()
        self.host = host
        self.port = port or free_port()
        self.http_port = http_port or free_port()
        self._tmp = tempfile.mkdtemp(prefix="duckgres-it-")
        if data_dir is None:
            data_dir = os.path.join(self._tmp, "data")
            os.makedirs(data_dir)
        self.data_dir = data_dir
        self.password = password if password is not None else "pw-" + secrets.token_hex(12)
        self.token = "tok-" + secrets.token_hex(16)  # the API's admin bearer token
        self.log_path = os.path.join(self._tmp, "server.log")
        self.proc = None
        self._log = None

    # -- lifecycle -------------------------------------------------------------------

    def command(self, extra_args=()):
        return [self.binary, "serve", "--host", self.host, "--port", str(self.port),
                "--http-port", str(self.http_port), "--data-dir", self.data_dir,
                *extra_args]

    def start(self, extra_args=(), env=None, wait=True, set_password=True, args=None):
        """Starts the process. `args` replaces the whole default command line tail."""
        proc_env = dict(os.environ)
        for k in ("DUCKGRES_ADMIN_PASSWORD", "DUCKGRES_ADMIN_TOKEN"):
            proc_env.pop(k, None)
        if set_password and self.password:
            proc_env["DUCKGRES_ADMIN_PASSWORD"] = self.password
        proc_env["DUCKGRES_ADMIN_TOKEN"] = self.token
        if env:
            proc_env.update(env)
        cmd = [self.binary, "serve", *args] if args is not None else self.command(extra_args)
        self._log = open(self.log_path, "ab")
        self._log.write(("\n=== start: %s\n" % " ".join(cmd)).encode())
        self._log.flush()
        self.proc = subprocess.Popen(cmd, stdout=self._log, stderr=subprocess.STDOUT,
                                     env=proc_env, start_new_session=True,
                                     preexec_fn=_die_with_parent)
        if wait:
            self.wait_ready()
        return self

    def wait_ready(self, timeout=READY_TIMEOUT, port=None):
        # By default both listeners: the HTTP one can open after the PostgreSQL one (a restart
        # under the sanitizers showed it), and tests call the API right after start().
        ports = [port] if port else [self.port] + ([self.http_port] if self.http_port else [])
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("server exited with status %s before accepting connections\n%s"
                                   % (self.proc.returncode, self.log_tail()))
            if all(port_open(self.host, p) for p in ports):
                return
            time.sleep(0.1)
        raise RuntimeError("server did not accept connections on port %d within %ds\n%s"
                           % (port, timeout, self.log_tail()))

    def stop(self, timeout=STOP_TIMEOUT):
        """SIGTERM; returns the exit status. Kills and raises if it takes longer than timeout."""
        if self.proc is None:
            return None
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        try:
            rc = self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            raise RuntimeError("server did not exit within %ds of SIGTERM\n%s"
                               % (timeout, self.log_tail()))
        finally:
            if self._log:
                self._log.close()
                self._log = None
        return rc

    def kill(self):
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        if self._log:
            self._log.close()
            self._log = None

    def cleanup(self):
        self.kill()
        shutil.rmtree(self._tmp, ignore_errors=True)

    # -- observation -----------------------------------------------------------------

    def log_text(self):
        try:
            with open(self.log_path, "rb") as f:
                return f.read().decode("utf-8", "replace")
        except OSError:
            return ""

    def log_tail(self, lines=60):
        text = self.log_text().splitlines()
        return "\n".join(["--- server log (last %d lines) ---" % min(lines, len(text))]
                         + text[-lines:])

    def env(self):
        """Environment variables that point clients at this server."""
        return {
            "PGHOST": self.host,
            "PGPORT": str(self.port),
            "PGUSER": "duckgres",
            "PGPASSWORD": self.password,
            "PGDATABASE": "duckgres",
            "DUCKGRES_HTTP_PORT": str(self.http_port),
            "DUCKGRES_DATA_DIR": self.data_dir,
            "DUCKGRES_URL": "http://%s:%d" % (self.host, self.http_port),
            "DUCKGRES_ADMIN_TOKEN": self.token,
        }

    def dsn(self, **overrides):
        params = {"host": self.host, "port": self.port, "user": "duckgres",
                  "password": self.password, "dbname": "duckgres"}
        params.update(overrides)
        return " ".join("%s=%s" % (k, v) for k, v in params.items())


def main(argv):
    external = os.environ.get("DUCKGRES_EXTERNAL") == "1"
    args = list(argv)
    while args and args[0] != "--":
        opt = args.pop(0)
        if opt == "--external":
            external = True
        else:
            print("with_server.py: unknown option %s" % opt, file=sys.stderr)
            return 2
    if not args or len(args) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    test_cmd = args[1:]

    if external:
        return subprocess.call(test_cmd)

    binary = server_binary()
    if not os.access(binary, os.X_OK):
        print("with_server.py: server binary %s not found (set DUCKGRES_BIN)" % binary,
              file=sys.stderr)
        return 1
    server = Server(binary)

    def on_signal(signum, frame):
        server.cleanup()
        sys.exit(128 + signum)

    for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(sig, on_signal)
    try:
        try:
            server.start()
        except RuntimeError as e:
            print("with_server.py: %s" % e, file=sys.stderr)
            return 1
        env = dict(os.environ)
        env.update(server.env())
        env.pop("PGSSLMODE", None)
        try:
            rc = subprocess.call(test_cmd, env=env)
        except OSError as e:
            print("with_server.py: cannot run %s: %s" % (test_cmd, e), file=sys.stderr)
            rc = 1
        alive = server.proc.poll() is None
        if not alive:
            print("with_server.py: server died during the test (status %s)"
                  % server.proc.returncode, file=sys.stderr)
            rc = rc or 1
        try:
            status = server.stop()
            if alive and status != 0:
                print("with_server.py: server exited with status %s after SIGTERM" % status,
                      file=sys.stderr)
                rc = rc or 1
        except RuntimeError as e:
            print("with_server.py: %s" % e, file=sys.stderr)
            rc = rc or 1
        if rc != 0:
            print(server.log_tail(), file=sys.stderr)
        return rc
    finally:
        server.cleanup()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
