"""A throwaway MariaDB (Debian's mariadb-server) for the MySQL source's tests.

    with MariaDbInstance() as db:
        db.sql("CREATE DATABASE shop")               # as root, through the `mariadb` client
        rows = db.rows("SELECT id, name FROM shop.t")  # [["1", "a"], …] (text; None for NULL)

A data dir under /tmp, loopback TCP on a free port, real password authentication (root has
none and connects over TCP from 127.0.0.1 only), no binary log, relaxed flushing. When the tests
run as root the server runs as root too (--user=root), the data dir being its own.
"""
import os
import pwd
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "integration"))
from with_server import free_port, port_open  # noqa: E402

MARIADBD = os.environ.get("MARIADBD", "/usr/sbin/mariadbd")


class MariaDbInstance:
    def __init__(self):
        self.port = free_port()
        self.dir = tempfile.mkdtemp(prefix="duckgres-mariadb-")
        self.data = os.path.join(self.dir, "data")
        self.socket = os.path.join(self.dir, "sock")
        self.user = pwd.getpwuid(os.geteuid()).pw_name
        self.proc = None

    def __enter__(self):
        try:
            subprocess.run(["mariadb-install-db", "--no-defaults", "--datadir=" + self.data,
                            "--user=" + self.user, "--auth-root-authentication-method=normal",
                            "--skip-test-db"],
                           check=True, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
            self._log = open(os.path.join(self.dir, "log"), "ab")
            self.proc = subprocess.Popen(
                [MARIADBD, "--no-defaults", "--datadir=" + self.data, "--socket=" + self.socket,
                 "--port=%d" % self.port, "--bind-address=127.0.0.1", "--user=" + self.user,
                 "--skip-name-resolve", "--skip-log-bin", "--innodb-flush-log-at-trx-commit=0",
                 "--innodb-buffer-pool-size=64M", "--pid-file=" + os.path.join(self.dir, "pid"),
                 "--log-error=" + os.path.join(self.dir, "error.log")],
                stdout=self._log, stderr=subprocess.STDOUT, start_new_session=True)
            deadline = time.monotonic() + 30
            while not self._ready():
                if self.proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("mariadbd did not start:\n" + self.error_log())
                time.sleep(0.1)
        except BaseException:
            self.__exit__()
            raise
        return self

    def _ready(self):
        if not port_open("127.0.0.1", self.port):
            return False
        return subprocess.run(self._client() + ["-e", "SELECT 1"], stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL).returncode == 0

    def __exit__(self, *exc):
        try:
            if self.proc is not None and self.proc.poll() is None:
                self.proc.kill()
                self.proc.wait(timeout=30)
        finally:
            if getattr(self, "_log", None):
                self._log.close()
            shutil.rmtree(self.dir, ignore_errors=True)

    def error_log(self):
        try:
            with open(os.path.join(self.dir, "error.log"), errors="replace") as f:
                return f.read()[-4000:]
        except OSError:
            return ""

    def _client(self, user="root", password=None, database=None):
        args = ["mariadb", "--no-defaults", "-h127.0.0.1", "-P%d" % self.port, "-u" + user,
                "--batch", "--raw", "--skip-column-names", "--default-character-set=utf8mb4"]
        if password is not None:
            args.append("-p" + password)
        if database:
            args.append(database)
        return args

    def sql(self, statements, database=None):
        """Runs statements as root; raises with the client's message when they fail."""
        r = subprocess.run(self._client(database=database), input=statements.encode(),
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        if r.returncode != 0:
            raise RuntimeError("mariadb: %s" % r.stderr.decode(errors="replace"))
        return r.stdout.decode()

    def rows(self, query, database=None):
        """The rows of a query as text (NULL → None). With --batch --raw a value cannot hold a
        tab or newline unescaped: queries that may have them select HEX() or REPLACE() them."""
        out = self.sql(query, database)
        return [[None if v == "NULL" else v for v in line.split("\t")] for line in out.split("\n") if line]
