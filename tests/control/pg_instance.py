"""A throwaway PostgreSQL 15 (Debian's binaries) for the PostgreSQL config store.

    with PgInstance() as pg:
        uri = pg.create_database("cp1")   # postgres://… of a fresh database

initdb runs as the `postgres` OS user when the tests run as root (PostgreSQL refuses root),
with a data dir under /tmp, loopback TCP on a free port, SCRAM password auth.
"""
import os
import pwd
import secrets
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "integration"))
from with_server import free_port  # noqa: E402

PG_BIN = os.environ.get("PG_BIN", "/usr/lib/postgresql/15/bin")


class PgInstance:
    def __init__(self, settings=()):
        self.settings = list(settings)  # extra "-c name=value" server settings
        self.port = free_port()
        self.password = "pg-" + secrets.token_hex(8)
        self.dir = tempfile.mkdtemp(prefix="duckgres-pg-")
        self.data = os.path.join(self.dir, "data")
        self.as_postgres = os.geteuid() == 0

    def _run(self, args, **kw):
        if self.as_postgres:
            args = ["runuser", "-u", "postgres", "--"] + args
        return subprocess.run(args, check=True, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, **kw)

    def __enter__(self):
        pwfile = os.path.join(self.dir, "pw")
        with open(pwfile, "w") as f:
            f.write(self.password)
        if self.as_postgres:
            pw = pwd.getpwnam("postgres")
            os.chown(self.dir, pw.pw_uid, pw.pw_gid)
            os.chown(pwfile, pw.pw_uid, pw.pw_gid)
        self._run([os.path.join(PG_BIN, "initdb"), "-D", self.data, "-U", "postgres", "-A", "scram-sha-256",
                   "--pwfile=" + pwfile, "--no-sync"])
        self.start()
        return self

    def start(self):
        options = "-p %d -k %s -c listen_addresses=127.0.0.1 -c fsync=off" % (self.port, self.dir)
        options += "".join(" -c " + s for s in self.settings)
        self._run([os.path.join(PG_BIN, "pg_ctl"), "-D", self.data, "-w", "-l", os.path.join(self.dir, "log"),
                   "-o", options, "start"])

    def stop(self, mode="fast"):
        self._run([os.path.join(PG_BIN, "pg_ctl"), "-D", self.data, "-w", "-m", mode, "stop"])

    def __exit__(self, *exc):
        try:
            self._run([os.path.join(PG_BIN, "pg_ctl"), "-D", self.data, "-m", "immediate", "stop"])
        finally:
            shutil.rmtree(self.dir, ignore_errors=True)

    def uri(self, database="postgres"):
        return "postgres://postgres:%s@127.0.0.1:%d/%s" % (self.password, self.port, database)

    def create_database(self, name):
        import psycopg2
        c = psycopg2.connect(self.uri())
        c.autocommit = True
        c.cursor().execute('CREATE DATABASE "%s"' % name)
        c.close()
        return self.uri(name)
