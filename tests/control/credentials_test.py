# Credentials (docs/security.md): service credentials minted with a TTL, used, listed without
# their secret, revoked and expired; passwords changed in SQL with ALTER ROLE (plain, and as
# psql's \password sends them: a SCRAM verifier made by the client), by the user and by an
# owner, in both isolation modes; brute-force refusals per address and per user and the cap
# on connections per address; --tls require; and the audit log of all of it, free of secrets.
import base64
import hashlib
import hmac
import json
import os
import sqlite3
import time

import psycopg2

from control_lib import Api, Server, check, connect, ctl, failures, finish, setup_acme  # noqa: F401


def scram_verifier(password, salt=b"0123456789abcdef", iterations=4096):
    """A SCRAM-SHA-256 verifier as libpq's PQencryptPasswordConn makes it (psql's \\password)."""
    salted = hashlib.pbkdf2_hmac("sha256", password.encode(), salt, iterations)
    client_key = hmac.new(salted, b"Client Key", hashlib.sha256).digest()
    stored = hashlib.sha256(client_key).digest()
    server_key = hmac.new(salted, b"Server Key", hashlib.sha256).digest()
    b64 = lambda b: base64.b64encode(b).decode()  # noqa: E731
    return "SCRAM-SHA-256$%d:%s$%s:%s" % (iterations, b64(salt), b64(stored), b64(server_key))


def can_login(srv, db, user, password, **kw):
    try:
        connect(srv, db, user, password, **kw).close()
        return True, None
    except psycopg2.OperationalError as e:
        return False, str(e)


def credentials_and_passwords(isolation):
    srv = Server()
    try:
        srv.start(extra_args=["--isolation", isolation])
        api = Api(srv)
        setup_acme(api)
        a = connect(srv, "acme", "alice", "alice-secret-1")
        a.autocommit = True
        a.cursor().execute("CREATE TABLE team_1.clicks AS SELECT 1 AS id")

        # Minting: bad TTLs are 400s; a good one gives a login that works once.
        for ttl in (30, 3601, "x"):
            s, body = api.call("POST", "/api/v1/orgs/acme/credentials", {"ttl_seconds": ttl})
            check(s == 400, "%s: ttl %r refused (%s)" % (isolation, ttl, s))
        s, cred = api.call("POST", "/api/v1/orgs/acme/credentials",
                           {"ttl_seconds": 600, "name": "etl", "access_mode": "project_reader", "team_id": 1})
        check(s == 201 and cred["password"] and cred["state"] == "active", "%s: minted: %s" % (isolation, cred))
        c = connect(srv, "acme", cred["username"], cred["password"])
        c.autocommit = True
        cur = c.cursor()
        cur.execute("SELECT count(*) FROM team_1.clicks")
        check(cur.fetchone()[0] == 1, "%s: the credential reads its team" % isolation)
        try:
            cur.execute("INSERT INTO team_1.clicks VALUES (2)")
            check(False, "%s: a project_reader credential wrote" % isolation)
        except psycopg2.Error as e:
            check(e.pgcode == "42501", "%s: credential limited by its access mode: %s" % (isolation, e.pgcode))
        s, listed = api.call("GET", "/api/v1/orgs/acme/credentials")
        check(s == 200 and len(listed) == 1 and "password" not in listed[0], "%s: listed without secret" % isolation)

        # Revoked: no new sessions; the list says so; unknown ids are 404.
        s, revoked = api.call("DELETE", "/api/v1/orgs/acme/credentials/%s" % cred["id"])
        check(s == 200 and revoked["state"] == "revoked", "%s: revoked: %s" % (isolation, revoked))
        ok, err = can_login(srv, "acme", cred["username"], cred["password"])
        check(not ok and "password authentication failed" in (err or ""), "%s: revoked login refused: %s" % (isolation, err))
        check(api.call("DELETE", "/api/v1/orgs/acme/credentials/nope")[0] == 404, "%s: unknown credential 404" % isolation)

        # Expired: the clock moved past expires_at (set in the real store).
        s, cred2 = api.call("POST", "/api/v1/orgs/acme/credentials", {"ttl_seconds": 60})
        check(can_login(srv, "acme", cred2["username"], cred2["password"])[0], "%s: fresh credential logs in" % isolation)
        db = sqlite3.connect(os.path.join(srv.data_dir, "duckgres.db"))
        db.execute("UPDATE service_credentials SET expires_at = '2000-01-01T00:00:00.000Z' WHERE id = ?", (cred2["id"],))
        db.commit()
        db.close()
        check(not can_login(srv, "acme", cred2["username"], cred2["password"])[0], "%s: expired login refused" % isolation)
        s, listed = api.call("GET", "/api/v1/orgs/acme/credentials")
        check({x["id"]: x["state"] for x in listed}.get(cred2["id"]) == "expired", "%s: listed as expired" % isolation)

        # The same from a shell.
        out = ctl(srv, "--json", "credential", "mint", "acme", "--ttl", "300", "--name", "shell")
        minted = json.loads(out.stdout) if out.returncode == 0 else {}
        check(minted.get("password") and can_login(srv, "acme", minted["username"], minted["password"])[0],
              "%s: ctl credential mint: %s" % (isolation, out.stderr))
        out = ctl(srv, "credential", "revoke", "acme", minted.get("id", "x"))
        check(out.returncode == 0 and "revoked" in out.stdout, "%s: ctl credential revoke: %s" % (isolation, out.stderr))
        check(not can_login(srv, "acme", minted["username"], minted["password"])[0], "%s: revoked from the shell" % isolation)
        out = ctl(srv, "audit", "acme", "--limit", "5")
        check(out.returncode == 0 and "credential.revoke" in out.stdout, "%s: ctl audit" % isolation)

        # ALTER ROLE … PASSWORD: one's own (plain text), psql's \password (a verifier), an owner's.
        b = connect(srv, "acme", "bob", "bob-secret-1")
        b.autocommit = True
        b.cursor().execute("ALTER ROLE bob PASSWORD 'bob-secret-2'")
        check(not can_login(srv, "acme", "bob", "bob-secret-1")[0], "%s: old password refused" % isolation)
        check(can_login(srv, "acme", "bob", "bob-secret-2")[0], "%s: new password works" % isolation)
        b.cursor().execute("ALTER USER CURRENT_USER PASSWORD '%s'" % scram_verifier("bob-secret-3"))
        check(can_login(srv, "acme", "bob", "bob-secret-3")[0], "%s: a client-made SCRAM verifier works" % isolation)
        try:
            b.cursor().execute("ALTER ROLE alice PASSWORD 'hijacked-1'")
            check(False, "%s: bob changed alice's password" % isolation)
        except psycopg2.Error as e:
            check(e.pgcode == "42501", "%s: only an owner changes others: %s" % (isolation, e.pgcode))
        for sql, code in (("ALTER ROLE bob PASSWORD 'short'", "22023"),
                          ("ALTER ROLE bob PASSWORD 'md5" + "0" * 32 + "'", "0A000"),
                          ("ALTER ROLE bob SUPERUSER", "0A000")):
            try:
                b.cursor().execute(sql)
                check(False, "%s: %s accepted" % (isolation, sql))
            except psycopg2.Error as e:
                check(e.pgcode == code, "%s: %s: %s" % (isolation, sql, e.pgcode))
        a.cursor().execute("ALTER ROLE bob PASSWORD 'bob-secret-4'")
        check(can_login(srv, "acme", "bob", "bob-secret-4")[0], "%s: an owner sets another's password" % isolation)
        try:
            a.cursor().execute("ALTER ROLE nobody PASSWORD 'whatever-1'")
            check(False, "%s: unknown role" % isolation)
        except psycopg2.Error as e:
            check(e.pgcode == "42704", "%s: unknown role: %s" % (isolation, e.pgcode))
        a.cursor().execute("GRANT SELECT ON team_1.clicks TO bob")

        # The audit log: API and SQL actions, newest first, with no secret in it.
        s, entries = api.call("GET", "/api/v1/orgs/acme/audit?limit=1000")
        actions = [e["action"] for e in entries]
        for want in ("org.create", "team.create", "user.create", "duckling.provision", "credential.mint",
                     "credential.revoke", "user.password", "grant"):
            check(want in actions, "%s: audit has %s (%s)" % (isolation, want, actions))
        check([e["id"] for e in entries] == sorted((e["id"] for e in entries), reverse=True), "%s: newest first" % isolation)
        text = json.dumps(entries)
        for secret in ("bob-secret-2", "bob-secret-4", "bob-secret-3", cred["password"], "alice-secret-1"):
            check(secret not in text, "%s: no secret in the audit log" % isolation)
        pw = [e for e in entries if e["action"] == "user.password"]
        check(pw and pw[0]["target"] == "bob" and "sql user" in pw[0]["actor"], "%s: password change by SQL user: %s" % (isolation, pw[:1]))
        s, page = api.call("GET", "/api/v1/orgs/acme/audit?limit=2")
        s2, page2 = api.call("GET", "/api/v1/orgs/acme/audit?limit=2&before=%s" % page[-1]["id"])
        check(len(page) == 2 and page2 and page2[0]["id"] < page[-1]["id"], "%s: audit pages" % isolation)
        check(api.call("GET", "/api/v1/orgs/acme/audit?limit=0")[0] == 400, "%s: bad limit 400" % isolation)
        for x in (a, b, c):
            x.close()
        check(srv.stop() == 0, "%s: clean stop" % isolation)
    except Exception as e:  # noqa: BLE001
        check(False, "%s: %r\n%s" % (isolation, e, srv.log_tail()))
    finally:
        srv.cleanup()


def brute_force():
    srv = Server()
    try:
        srv.start(extra_args=["--auth-failure-threshold", "5", "--auth-ban-seconds", "2",
                              "--auth-user-failure-threshold", "3", "--max-connections-per-address", "4"])
        api = Api(srv)
        setup_acme(api)
        # Per user: 3 failures lock bob (even with the right password); alice is not affected.
        for _ in range(3):
            check(not can_login(srv, "acme", "bob", "wrong-password")[0], "wrong password refused")
        ok, err = can_login(srv, "acme", "bob", "bob-secret-1")
        check(not ok and "too many failed logins" in (err or ""), "a user refused after 3 failures: %s" % err)
        check(can_login(srv, "acme", "alice", "alice-secret-1")[0], "another user still logs in")
        time.sleep(2.2)
        check(can_login(srv, "acme", "bob", "bob-secret-1")[0], "bob allowed again after the period")
        # Per address: 5 failures (any users) refuse the address for everyone.
        for i in range(5):
            check(not can_login(srv, "acme", "ghost%d" % i, "wrong-password")[0], "unknown user refused")
        ok, err = can_login(srv, "acme", "alice", "alice-secret-1")
        check(not ok and "too many failed logins" in (err or ""), "address refused after 5 failures: %s" % err)
        time.sleep(2.2)
        check(can_login(srv, "acme", "alice", "alice-secret-1")[0], "allowed again after the ban")
        # Cap on concurrent connections from one address.
        held = [connect(srv, "acme", "alice", "alice-secret-1") for _ in range(4)]
        ok, err = can_login(srv, "acme", "alice", "alice-secret-1")
        check(not ok and "too many connections from" in (err or ""), "per-address cap: %s" % err)
        held.pop().close()
        time.sleep(0.2)
        check(can_login(srv, "acme", "alice", "alice-secret-1")[0], "a slot frees when a session ends")
        for h in held:
            h.close()
        s, entries = api.call("GET", "/api/v1/orgs/acme/audit")
        check(any(e["action"] == "login.refused" for e in entries), "refusals are audited")
        check("refusing logins from 127.0.0.1" in srv.log_text(), "and logged")
        srv.stop()
        # --tls require refuses an unencrypted session.
        srv.start(extra_args=["--tls", "require"])
        ok, err = can_login(srv, "acme", "alice", "alice-secret-1", sslmode="disable")
        check(not ok and "SSL" in (err or ""), "--tls require refuses plaintext: %s" % err)
        check(can_login(srv, "acme", "alice", "alice-secret-1", sslmode="require")[0], "TLS accepted")
        srv.stop()
    except Exception as e:  # noqa: BLE001
        check(False, "brute force: %r\n%s" % (e, srv.log_tail()))
    finally:
        srv.cleanup()


for isolation in ("none", "process"):
    credentials_and_passwords(isolation)
brute_force()
finish("control credentials")
