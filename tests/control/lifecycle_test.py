# Crash safety of provisioning and persistence, on both config stores: a control plane killed
# (SIGKILL) while a duckling provisions converges to ready on restart; data and records survive
# restarts; deleting a duckling ends its sessions.
import os
import time

import psycopg2

from control_lib import Api, Server, check, connect, failures, finish
from pg_instance import PgInstance


def run_suite(label, extra_args):
    data = None
    srv = Server()
    try:
        srv.start(extra_args=extra_args, env={"DUCKGRES_TEST_PROVISION_DELAY_MS": "3000"})
        api = Api(srv)
        api.call("POST", "/api/v1/orgs", {"name": "hooli"})
        api.call("POST", "/api/v1/orgs/hooli/teams", {"team_id": 5, "name": "Growth"})
        s, _ = api.call("POST", "/api/v1/orgs/hooli/users", {"username": "gavin", "password": "gavin-secret-1"})
        check(s == 201, "%s: user" % label)
        s, d = api.call("PUT", "/api/v1/orgs/hooli/duckling", {"size": "xs"})
        check(s == 202, "%s: provision started" % label)
        d = api.wait_state("hooli", ("provisioning",), timeout=10)
        check(d["state"] == "provisioning", "%s: provisioning (%s)" % (label, d["state"]))
        srv.kill()  # SIGKILL in the middle of provisioning
        srv.start(extra_args=extra_args)
        d = api.wait_state("hooli", ("ready", "failed"), timeout=60)
        check(d["state"] == "ready", "%s: resumed to ready after kill -9 (%s)" % (label, d))
        c = connect(srv, "hooli", "gavin", "gavin-secret-1")
        c.autocommit = True
        cur = c.cursor()
        cur.execute("CREATE TABLE team_5.signups AS SELECT range AS id FROM range(1000)")
        c.close()

        # Records and data survive a clean restart and a kill -9.
        check(srv.stop() == 0, "%s: clean stop" % label)
        srv.start(extra_args=extra_args)
        c = connect(srv, "hooli", "gavin", "gavin-secret-1")
        cur = c.cursor()
        cur.execute("SELECT count(*) FROM team_5.signups")
        check(cur.fetchone()[0] == 1000, "%s: data after restart" % label)
        c.close()
        srv.kill()
        srv.start(extra_args=extra_args)
        s, d = api.call("GET", "/api/v1/orgs/hooli/duckling")
        check(s == 200 and d["state"] == "ready", "%s: record after kill -9" % label)

        # A session open while the duckling is deleted gets an error, not a hang.
        c = connect(srv, "hooli", "gavin", "gavin-secret-1")
        c.autocommit = True
        api.call("DELETE", "/api/v1/orgs/hooli/duckling")
        check(api.wait_state("hooli", ("deleted",))["state"] == "deleted", "%s: deleted" % label)
        try:
            c.cursor().execute("SELECT 1")
            check(False, "%s: session survived deletion" % label)
        except psycopg2.Error as e:
            check("terminating connection" in str(e) or "server closed" in str(e) or isinstance(e, psycopg2.OperationalError),
                  "%s: session ended: %s" % (label, e))
        check(not os.path.exists(os.path.join(srv.data_dir, "ducklings", "hooli")), "%s: files removed" % label)

        # Provisioning again after deletion gives an empty warehouse.
        s, _ = api.call("PUT", "/api/v1/orgs/hooli/duckling", {"size": "xs"})
        check(s == 202, "%s: re-provision" % label)
        check(api.wait_state("hooli", ("ready", "failed"))["state"] == "ready", "%s: ready again" % label)
        c = connect(srv, "hooli", "gavin", "gavin-secret-1")
        cur = c.cursor()
        cur.execute("SELECT count(*) FROM information_schema.tables WHERE table_schema = 'team_5' "
                    "AND table_name = 'signups'")
        check(cur.fetchone()[0] == 0, "%s: the old data is gone" % label)
        cur.execute("SELECT count(*) FROM team_5.events")
        check(cur.fetchone()[0] == 0, "%s: a new, empty events table" % label)
        c.close()
        check(srv.stop() == 0, "%s: final clean stop" % label)

        # Hot idle: a duckling stays open (warm) after its last session for
        # --duckling-idle-timeout, then closes; the next session reopens it (cold start).
        srv.start(extra_args=list(extra_args) + ["--duckling-idle-timeout", "1"])
        c = connect(srv, "hooli", "gavin", "gavin-secret-1")
        c.autocommit = True
        c.cursor().execute("CREATE TABLE team_5.kept AS SELECT 42 AS answer")
        s, d = api.call("GET", "/api/v1/orgs/hooli/duckling")
        check(d.get("runtime") == {"warm": True, "sessions": 1, "isolation": "none"}, "%s: warm with a session: %s" % (label, d.get("runtime")))
        c.close()
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            s, d = api.call("GET", "/api/v1/orgs/hooli/duckling")
            if d.get("runtime", {}).get("warm") is False:
                break
            time.sleep(0.2)
        check(d.get("runtime") == {"warm": False, "sessions": 0, "isolation": "none"}, "%s: closed after the idle timeout: %s" % (label, d.get("runtime")))
        # A team created while the duckling is closed has its schema when it opens again.
        s, _ = api.call("POST", "/api/v1/orgs/hooli/teams", {"team_id": 6, "name": "Later"})
        check(s == 201, "%s: team while closed" % label)
        c = connect(srv, "hooli", "gavin", "gavin-secret-1")
        cur = c.cursor()
        cur.execute("SELECT answer FROM team_5.kept")
        check(cur.fetchone()[0] == 42, "%s: cold start keeps the data" % label)
        cur.execute("SELECT count(*) FROM information_schema.schemata WHERE schema_name = 'team_6'")
        check(cur.fetchone()[0] == 1, "%s: the new team's schema after a cold start" % label)
        c.close()
        check(srv.stop() == 0, "%s: stop after idle test" % label)
    except Exception as e:  # noqa: BLE001
        check(False, "%s: %r\n%s" % (label, e, srv.log_tail()))
    finally:
        srv.cleanup()


run_suite("sqlite", [])
with PgInstance() as pg:
    run_suite("postgres", ["--config-store", pg.create_database("control_lifecycle")])
finish("control lifecycle")
