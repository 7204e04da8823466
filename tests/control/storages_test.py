# Object storages of an organization (docs/storage.md): created over the API and with `duckgres
# ctl storage`, checked against a real S3-compatible server (s3rver, npm, pinned in
# tests/storage/node) before they are kept, listed and read back without their secret, refused
# with 422 naming the service's reason, and their secret sealed at rest: not in the config
# store, the API's answers, the audit log, the server's log or its process list.
import os
import sqlite3
import subprocess

from control_lib import Api, S3rver, Server, check, ctl, error_code, finish, free_port

SECRET = "s3cr3t-" + os.urandom(8).hex()  # what must never be shown


def storages():
    s3 = S3rver()
    srv = Server()
    try:
        srv.start()
        api = Api(srv)
        api.call("POST", "/api/v1/orgs", {"name": "acme"})
        api.call("POST", "/api/v1/orgs", {"name": "beta"})
        base = "/api/v1/orgs/acme/storages"
        good = {"name": "lake", "kind": "s3", "endpoint": s3.endpoint(), "bucket": "ducks",
                "prefix": "acme/", "access_key_id": "S3RVER", "secret_access_key": SECRET}

        # Kept only once it lists and takes a write; the answer never holds the secret.
        s, body = api.call("POST", base, good)
        check(s == 201 and body["name"] == "lake" and body["bucket"] == "ducks"
              and "secret_access_key" not in body and SECRET not in str(body), "created: %s %s" % (s, body))
        probes = [f for _, _, files in os.walk(s3.dir) for f in files if "duckgres-probe" in f]
        check(probes == [], "the write probe is removed: %s" % probes)
        s, body = api.call("POST", base, good)
        check(s == 409, "a second of that name: %s" % s)

        # The service's reason, as a 422.
        s, body = api.call("POST", base, dict(good, name="nokey", access_key_id="NOT-A-KEY"))
        check(s == 422 and error_code(body) == "storage_unusable" and "InvalidAccessKeyId" in str(body),
              "an unknown key: %s %s" % (s, body))
        s, body = api.call("POST", base, dict(good, name="nobucket", bucket="no-such-bucket"))
        check(s == 422 and "NoSuchBucket" in str(body), "a missing bucket: %s %s" % (s, body))
        s, body = api.call("POST", base, dict(good, name="down", endpoint="http://127.0.0.1:%d" % free_port()))
        check(s == 422 and "s3://ducks" in str(body), "a service that is not there: %s %s" % (s, body))
        check(SECRET not in str(body), "no secret in refusals")
        for bad in ({"name": "x", "kind": "ftp"}, {"name": "Bad Name", "kind": "local"},
                    {"name": "x", "kind": "s3", "bucket": "ducks"},
                    {"name": "x", "kind": "local", "path": "/etc"},
                    {"name": "x", "kind": "s3", "bucket": "b", "access_key_id": "k",
                     "secret_access_key": "s", "colour": "blue"}):
            s, body = api.call("POST", base, bad)
            check(s == 400, "refused: %s -> %s %s" % (bad, s, body))

        # A local storage lives in the duckling's directory by default.
        s, body = api.call("POST", base, {"name": "scratch", "kind": "local"})
        check(s == 201 and body["kind"] == "local", "a local storage: %s %s" % (s, body))
        check(os.path.isdir(os.path.join(srv.data_dir, "ducklings", "acme", "storages", "scratch")),
              "its folder exists")

        # Listed and read back, per organization.
        s, body = api.call("GET", base)
        check(s == 200 and [x["name"] for x in body] == ["lake", "scratch"], "listed: %s" % body)
        s, body = api.call("GET", base + "/lake")
        check(s == 200 and body["prefix"] == "acme/" and body["url_style"] == "path", "read back: %s" % body)
        s, body = api.call("GET", "/api/v1/orgs/beta/storages/lake")
        check(s == 404, "another organization does not see it: %s" % s)

        # duckgres ctl, generated from the same routes.
        r = ctl(srv, "storage", "list", "acme")
        check(r.returncode == 0 and "lake" in r.stdout and SECRET not in r.stdout, "ctl storage list: %r" % (r.stdout + r.stderr))
        r = ctl(srv, "storage", "create", "acme", "more", "--kind", "local")
        check(r.returncode == 0 and "more" in r.stdout, "ctl storage create: %r" % (r.stdout + r.stderr))
        env = dict(os.environ, DUCKGRES_SECRET_ACCESS_KEY=SECRET)
        r = ctl(srv, "storage", "create", "acme", "viactl", "--endpoint", s3.endpoint(), "--bucket", "ducks",
                "--access-key-id", "S3RVER", env=env)
        check(r.returncode == 0 and "viactl" in r.stdout and SECRET not in r.stdout,
              "ctl takes the secret from the environment: %r" % (r.stdout + r.stderr))
        r = ctl(srv, "storage", "delete", "acme", "viactl")
        check(r.returncode == 0, "ctl storage delete: %r" % (r.stdout + r.stderr))
        r = ctl(srv, "storage", "delete", "acme", "more")
        check(r.returncode == 0, "ctl storage delete: %r" % (r.stdout + r.stderr))
        s, body = api.call("DELETE", base + "/scratch")
        check(s == 204, "deleted: %s" % s)
        s, body = api.call("GET", base + "/scratch")
        check(s == 404, "gone: %s" % s)

        # Sealed at rest: the config store holds the sealed form, the key file is 0600.
        db = sqlite3.connect(os.path.join(srv.data_dir, "duckgres.db"))
        stored = db.execute("SELECT secret FROM storages WHERE name = 'lake'").fetchone()[0]
        dump = "\n".join(db.iterdump())
        db.close()
        check(stored.startswith("v1:") and SECRET not in dump, "sealed in the store: %s" % stored[:12])
        key = os.path.join(srv.data_dir, "secret.key")
        check(os.path.getsize(key) == 32 and os.stat(key).st_mode & 0o777 == 0o600, "the key file, 0600")
        s, audit = api.call("GET", "/api/v1/orgs/acme/audit")
        check(s == 200 and SECRET not in str(audit), "no secret in the audit log")
        ps = subprocess.run(["ps", "-eo", "args"], stdout=subprocess.PIPE, text=True).stdout
        check(SECRET not in ps, "no secret in the process list")
        srv.stop()
        check(SECRET not in srv.log_text(), "no secret in the server's log")
        # After a restart the same key opens what was sealed: the storage is still there.
        srv.start()
        s, body = api.call("GET", base + "/lake")
        check(s == 200, "kept across a restart: %s" % s)
        srv.stop()
    except Exception as e:  # noqa: BLE001
        check(False, "storages: %r\n%s" % (e, srv.log_tail()))
    finally:
        srv.cleanup()
        s3.stop()


storages()
finish("control storages")
