# The synthetic PostHog data (issue 7): `--demo-data on` (make run) fills the default
# database's posthog_demo team on the first start; POST …/teams/{id}/generate and `duckgres
# ctl generate` fill an organization's team. The data looks like a product's: the event mix,
# a funnel that narrows, skewed activity, typed properties, persons with their distinct ids.
from control_lib import Api, Server, check, connect, ctl, failures, finish  # noqa: F401


def one(cur, sql):
    cur.execute(sql)
    return cur.fetchone()


def shape(label, cur, schema, events, persons):
    total = one(cur, "SELECT count(*) FROM %s.events WHERE event NOT IN ('signed_up', 'activated', 'purchased')" % schema)[0]
    check(total == events, "%s: %d generated events (%d)" % (label, events, total))
    check(one(cur, "SELECT count(*) FROM %s.persons" % schema)[0] == persons, "%s: %d persons" % (label, persons))
    signed, activated, purchased = one(cur, "SELECT count(*) FILTER (WHERE event = 'signed_up'), count(*) FILTER "
                                             "(WHERE event = 'activated'), count(*) FILTER (WHERE event = 'purchased') "
                                             "FROM %s.events" % schema)
    check(signed > activated > purchased > 0, "%s: a narrowing funnel %d > %d > %d" % (label, signed, activated, purchased))
    pageviews = one(cur, "SELECT count(*) FILTER (WHERE event = '$pageview') * 1.0 / count(*) FROM %s.events" % schema)[0]
    check(0.5 < float(pageviews) < 0.7, "%s: pageviews are most events (%.2f)" % (label, pageviews))
    top = one(cur, "WITH c AS (SELECT person_id, count(*) AS n FROM %s.events GROUP BY 1), r AS (SELECT n, "
                   "row_number() OVER (ORDER BY n DESC) AS k FROM c) SELECT sum(n) FILTER (WHERE k <= (SELECT "
                   "count(*) FROM c) / 10) * 1.0 / sum(n) FROM r" % schema)[0]
    check(float(top) > 0.3, "%s: the busiest tenth of persons make %.0f%% of events" % (label, float(top) * 100))
    missing = one(cur, "SELECT count(*) FROM %s.events_typed WHERE event = '$pageview' AND (\"$pathname\" IS NULL OR "
                       "\"$browser\" IS NULL OR \"$session_id\" IS NULL)" % schema)[0]
    check(missing == 0, "%s: pageviews carry path, browser and session" % label)
    orphans = one(cur, "SELECT count(*) FROM %s.events e WHERE NOT EXISTS (SELECT 1 FROM %s.person_distinct_ids d "
                       "WHERE d.distinct_id = e.distinct_id AND d.person_id = e.person_id)" % (schema, schema))[0]
    check(orphans == 0, "%s: every event's distinct_id maps to its person" % label)
    check(one(cur, "SELECT count(*) FROM %s.events WHERE event = '$autocapture' AND elements_chain IS NULL" % schema)[0] == 0,
          "%s: autocapture has elements_chain" % label)


srv = Server()
try:
    srv.start(extra_args=["--demo-data", "on"])
    c = connect(srv, "duckgres", "duckgres", srv.password)
    shape("demo", c.cursor(), "posthog_demo", 100000, 2000)
    c.close()
    srv.stop()
    srv.start(extra_args=["--demo-data", "on"])  # not again on a later start
    c = connect(srv, "duckgres", "duckgres", srv.password)
    check(one(c.cursor(), "SELECT count(*) FROM posthog_demo.persons")[0] == 2000, "demo data made once")
    c.close()

    api = Api(srv)
    api.call("POST", "/api/v1/orgs", {"name": "acme"})
    api.call("POST", "/api/v1/orgs/acme/teams", {"team_id": 3, "name": "app"})
    api.call("POST", "/api/v1/orgs/acme/users", {"username": "alice", "password": "alice-secret-1"})
    api.call("PUT", "/api/v1/orgs/acme/duckling", {"size": "xs"})
    check(api.wait_state("acme", ("ready", "failed"))["state"] == "ready", "ready")
    s, b = api.call("POST", "/api/v1/orgs/acme/teams/3/generate", {"events": 20000, "persons": 300, "days": 14})
    check(s == 201 and b["events"] == 20000, "API generate: %s %s" % (s, b))
    for body in ({"events": 0}, {"persons": "many"}, {"days": 100000}):
        check(api.call("POST", "/api/v1/orgs/acme/teams/3/generate", body)[0] == 400, "bad %s refused" % body)
    check(api.call("POST", "/api/v1/orgs/acme/teams/9/generate", {})[0] == 404, "unknown team 404")
    # A team is usable as soon as its creation is answered: its schema is in the open duckling.
    for team_id in (4, 5, 6):
        api.call("POST", "/api/v1/orgs/acme/teams", {"team_id": team_id, "name": "t%d" % team_id})
        s, b = api.call("POST", "/api/v1/orgs/acme/teams/%d/generate" % team_id, {"events": 100, "persons": 10})
        check(s == 201, "a new team at once: generate %s %s" % (s, b))
    a = connect(srv, "acme", "alice", "alice-secret-1")
    a.autocommit = True  # each check sees what was committed since
    shape("api", a.cursor(), "team_3", 20000, 300)
    out = ctl(srv, "generate", "acme", "3", "--events", "5000", "--persons", "100")
    check(out.returncode == 0, "ctl generate: %s %s" % (out.stdout, out.stderr))
    n = one(a.cursor(), "SELECT count(*) FROM team_3.persons")[0]
    check(n == 400, "ctl generate appends (%d persons)" % n)
    a.close()
    check(srv.stop() == 0, "clean stop")
except Exception as e:  # noqa: BLE001
    check(False, "%r\n%s" % (e, srv.log_tail()))
finally:
    srv.cleanup()
finish("control generator")
