# External sources (docs/sources.md): a real PostgreSQL 15 synced into a team's duckling over
# the API — discovery, full refresh, incremental (merge on the primary key, updates inside the
# lookback window, a column added upstream), append — every sync compared row by row with the
# source; refusals (a bad password, an incremental or CDC sync without a primary key, CDC
# without logical WAL), a
# primary key that is not unique and a permission lost upstream fail the run and leave the
# landed data as it was; the password never shows.
import datetime
import json
import os
import time

import psycopg2

from control_lib import Api, Server, check, connect, ctl, error_code, finish, setup_acme, wait_for
from pg_instance import PgInstance

READER_PASSWORD = "reader-" + "x7Hq2p"


def upstream(pg):
    c = psycopg2.connect(pg.uri("shop"))
    c.autocommit = True
    return c


def rows(conn, sql):
    cur = conn.cursor()
    cur.execute(sql)
    return cur.fetchall()


def normal(value):
    """Values as both sides' drivers give them, made comparable."""
    if isinstance(value, memoryview):
        return bytes(value)
    if isinstance(value, datetime.datetime) and value.tzinfo is not None:
        return value.astimezone(datetime.timezone.utc)
    if isinstance(value, float):
        return round(value, 4)
    return value


def same(pg_rows, duck_rows):
    return [tuple(normal(v) for v in r) for r in pg_rows] == [tuple(normal(v) for v in r) for r in duck_rows]


def wait_run(api, base, run_id, timeout=120):
    deadline = time.monotonic() + timeout
    while True:
        s, run = api.call("GET", "%s/runs/%s" % (base, run_id))
        if run.get("status") != "running" or time.monotonic() > deadline:
            return run
        time.sleep(0.2)


def sync(api, base, body=None):
    s, run = api.call("POST", base + "/sync", body or {})
    check(s == 202 and run["status"] == "running", "sync started: %s %s" % (s, run))
    return wait_run(api, base, run["id"]) if s == 202 else run


def run(isolation):
    label = "isolation=%s" % isolation
    with PgInstance() as pg:
        pg.create_database("shop")
        up = upstream(pg)
        cur = up.cursor()
        cur.execute("""
            CREATE ROLE reader LOGIN PASSWORD '%s';
            CREATE TABLE customers (id serial PRIMARY KEY, name text NOT NULL, email varchar(80),
              created_at timestamptz, balance numeric(12,2), active boolean, meta jsonb,
              photo bytea, tags text[], score double precision, born date);
            CREATE TABLE orders (id bigint PRIMARY KEY, customer_id int, amount numeric(10,2),
              updated_at timestamptz NOT NULL);
            CREATE SCHEMA sales;
            CREATE TABLE sales.refunds (id int PRIMARY KEY, amount real, at date);
            CREATE TABLE dupes (k int, v int, ts timestamptz);
            CREATE VIEW big_customers AS SELECT * FROM customers WHERE balance > 100;
            GRANT USAGE ON SCHEMA sales TO reader;
            GRANT SELECT ON ALL TABLES IN SCHEMA public, sales TO reader;
        """ % READER_PASSWORD)
        cur.execute("""
            INSERT INTO customers (name, email, created_at, balance, active, meta, photo, tags, score, born)
            SELECT 'name ' || i || CASE WHEN i % 3 = 0 THEN ', with "quotes"' ELSE '' END ||
                     CASE WHEN i % 5 = 0 THEN E'\\nand a line' ELSE '' END,
                   CASE WHEN i % 4 = 0 THEN NULL WHEN i % 7 = 0 THEN '' ELSE 'u' || i || '@x.io' END,
                   TIMESTAMPTZ '2026-01-01 00:00:00+00' + i * INTERVAL '1 hour',
                   (i * 37 % 1000) / 3.0, i % 2 = 0, jsonb_build_object('i', i, 'ü', 'ß'),
                   decode(lpad(to_hex(i), 8, '0'), 'hex'), ARRAY['a' || i, 'b'], i / 7.0,
                   DATE '1990-01-01' + i
            FROM generate_series(1, 2000) AS i;
            INSERT INTO orders SELECT i, i % 2000 + 1, i * 1.25, TIMESTAMPTZ '2026-02-01 00:00:00+00' + i * INTERVAL '1 minute'
            FROM generate_series(1, 5000) AS i;
            INSERT INTO sales.refunds SELECT i, i / 4.0, DATE '2026-03-01' + i FROM generate_series(1, 300) AS i;
            INSERT INTO dupes VALUES (1, 1, now()), (1, 2, now()), (2, 3, now());
        """)
        srv = Server()
        try:
            # Two streams for a large table whatever the machine's cores (the default is half).
            srv.start(extra_args=["--isolation", isolation, "--usage-interval", "1"],
                      env={"DUCKGRES_SOURCE_STREAMS": "2"})
            api = Api(srv)
            setup_acme(api)
            base = "/api/v1/orgs/acme/teams/1/sources"
            conn_spec = {"host": "127.0.0.1", "port": pg.port, "database": "shop", "user": "reader",
                         "password": READER_PASSWORD, "sslmode": "disable"}

            # Refused: a wrong password (422 with PostgreSQL's reason), other kinds, bad fields.
            s, body = api.call("POST", base, {"name": "shop", "kind": "postgres",
                                              "connection": dict(conn_spec, password="wrong")})
            check(s == 422 and error_code(body) == "source_unreachable" and "authentication" in str(body),
                  "%s: a wrong password: %s %s" % (label, s, body))
            for bad, code in (({"name": "x", "kind": "postgres", "connection": {"host": "h"}}, 400),
                              ({"name": "x", "kind": "ftp", "connection": {}}, 400),
                              ({"name": "x", "kind": "postgres", "connection": dict(conn_spec, colour=1)}, 400),
                              ({"name": "x", "kind": "postgres", "prefix": "team_1", "connection": conn_spec}, 400)):
                s, body = api.call("POST", base, bad)
                check(s == code, "%s: refused %s: %s %s" % (label, bad.get("kind"), s, body))

            s, src = api.call("POST", base, {"name": "shop", "kind": "postgres", "connection": conn_spec})
            check(s == 201 and src["schema"] == "shop" and "password" not in src["connection"],
                  "%s: source created: %s %s" % (label, s, src))
            s, body = api.call("POST", base, {"name": "shop", "kind": "postgres", "connection": conn_spec})
            check(s == 409, "%s: a second of that name: %s" % (label, s))

            # Discovery.
            s, tables = api.call("GET", base + "/shop/tables")
            by = {t["name"]: t for t in tables} if s == 200 else {}
            check(s == 200 and {"public.customers", "public.orders", "sales.refunds", "public.dupes",
                                "public.big_customers"} <= set(by), "%s: discovered: %s %s" % (label, s, list(by)))
            c = by.get("public.customers", {})
            check(c.get("primary_key") == ["id"] and c.get("kind") == "table"
                  and {"id", "created_at", "balance", "born"} <= set(c.get("incremental_fields", []))
                  and c.get("lands_in") == "shop.customers"
                  and [col["lands_as"] for col in c.get("columns", [])][:5] == ["INTEGER", "VARCHAR", "VARCHAR", "TIMESTAMPTZ", "DECIMAL(12, 2)"],
                  "%s: customers described: %s" % (label, c))
            check(by.get("sales.refunds", {}).get("lands_in") == "shop.sales_refunds"
                  and by.get("public.big_customers", {}).get("kind") == "view",
                  "%s: other schemas and views" % label)

            # Settings, and what is refused.
            def patch(table, body):
                return api.call("PATCH", base + "/shop/tables/" + table, body)
            s, body = patch("dupes", {"enabled": True, "sync_type": "incremental", "incremental_field": "ts"})
            check(s == 400 and "primary key" in str(body), "%s: incremental without a key: %s %s" % (label, s, body))
            s, body = patch("dupes", {"sync_type": "cdc"})
            check(s == 400 and "primary key" in str(body), "%s: cdc without a key: %s %s" % (label, s, body))
            s, body = patch("customers", {"enabled": True, "sync_type": "cdc"})
            check(s == 422 and "wal_level" in str(body), "%s: cdc on a server without logical WAL: %s %s" % (label, s, body))
            s, body = patch("orders", {"sync_type": "incremental", "incremental_field": "customer_name"})
            check(s == 400, "%s: an unknown incremental field: %s" % (label, s))
            s, body = api.call("POST", base + "/shop/sync", {})
            check(s == 400, "%s: nothing enabled: %s %s" % (label, s, body))
            s, body = patch("customers", {"enabled": True, "frequency": "manual"})
            check(s == 200 and body["enabled"] and body["sync_type"] == "full_refresh", "%s: customers: %s" % (label, body))
            s, body = patch("orders", {"enabled": True, "sync_type": "incremental", "incremental_field": "updated_at",
                                       "lookback_seconds": 3600, "frequency": "manual"})
            check(s == 200, "%s: orders: %s %s" % (label, s, body))
            s, body = patch("sales.refunds", {"enabled": True, "sync_type": "append", "incremental_field": "id",
                                              "frequency": "manual"})
            check(s == 200, "%s: refunds: %s %s" % (label, s, body))

            run1 = sync(api, base + "/shop")
            check(run1["status"] == "completed" and run1["rows"] == 2000 + 5000 + 300,
                  "%s: first run: %s" % (label, run1))
            duck = connect(srv, "acme", "alice", "alice-secret-1")
            duck.autocommit = True
            q_c = "SELECT id, name, email, created_at, balance, active, meta::text, photo, tags::text, score, born FROM %s ORDER BY id"
            check(same(rows(up, q_c % "customers"), rows(duck, q_c % "shop.customers")),
                  "%s: customers row by row" % label)
            q_o = "SELECT id, customer_id, amount, updated_at FROM %s ORDER BY id"
            check(same(rows(up, q_o % "orders"), rows(duck, q_o % "shop.orders")), "%s: orders row by row" % label)
            q_r = "SELECT id, amount, at FROM %s ORDER BY id"
            check(same(rows(up, q_r % "sales.refunds"), rows(duck, q_r % "shop.sales_refunds")),
                  "%s: refunds row by row" % label)

            # The run in SQL: a row per table.
            got = rows(duck, "SELECT table_name, status, rows FROM system.source_runs WHERE run_id = '%s' "
                             "ORDER BY table_name" % run1["id"])
            check(got == [("public.customers", "completed", 2000), ("public.orders", "completed", 5000),
                          ("sales.refunds", "completed", 300)], "%s: system.source_runs: %s" % (label, got))

            # Changes upstream: an update past the cursor, an update inside the lookback window
            # (older than the cursor by less than an hour), a new row, a column added; an
            # appended refund; a customer deleted (gone after the full refresh).
            cur.execute("""
                UPDATE orders SET amount = 999.99, updated_at = TIMESTAMPTZ '2026-02-04 12:00:00+00' WHERE id = 10;
                UPDATE orders SET amount = 1.01, updated_at = updated_at - INTERVAL '10 minutes' WHERE id = 4990;
                INSERT INTO orders VALUES (5001, 7, 5.5, TIMESTAMPTZ '2026-02-05 00:00:00+00');
                ALTER TABLE orders ADD COLUMN note text;
                UPDATE orders SET note = 'noted', updated_at = TIMESTAMPTZ '2026-02-05 00:00:01+00' WHERE id = 20;
                INSERT INTO sales.refunds SELECT i, i / 4.0, DATE '2026-03-01' + i FROM generate_series(301, 320) AS i;
                DELETE FROM customers WHERE id = 5;
            """)
            run2 = sync(api, base + "/shop")
            check(run2["status"] == "completed", "%s: second run: %s" % (label, run2))
            check(same(rows(up, q_o % "orders"), rows(duck, q_o % "shop.orders")),
                  "%s: orders after the merge, the lookback window's update included" % label)
            check(rows(duck, "SELECT note FROM shop.orders WHERE id = 20") == [("noted",)],
                  "%s: the added column" % label)
            check(same(rows(up, q_r % "sales.refunds"), rows(duck, q_r % "shop.sales_refunds")),
                  "%s: refunds appended" % label)
            check(rows(duck, "SELECT count(*) FROM shop.customers WHERE id = 5") == [(0,)],
                  "%s: the full refresh drops the deleted row" % label)
            tables = {t["table"]: t for t in run2["tables"]}
            check(tables.get("sales.refunds", {}).get("rows") == 20, "%s: append read only the new rows: %s" % (label, run2))

            # Enabled columns: only those land; the key cannot be left out.
            cur.execute("CREATE TABLE picks (id int PRIMARY KEY, keep text, secret text);"
                        "INSERT INTO picks SELECT i, 'k' || i, 's' || i FROM generate_series(1, 50) AS i;"
                        "GRANT SELECT ON picks TO reader")
            s, body = patch("picks", {"enabled": True, "frequency": "manual", "enabled_columns": ["keep"]})
            check(s == 400 and "must include id" in str(body), "%s: the key left out: %s %s" % (label, s, body))
            s, body = patch("picks", {"enabled": True, "frequency": "manual", "enabled_columns": ["id", "keep"]})
            check(s == 200 and body["enabled_columns"] == ["id", "keep"], "%s: picks: %s %s" % (label, s, body))
            run_p = sync(api, base + "/shop", {"tables": ["picks"]})
            check(run_p["status"] == "completed" and run_p["rows"] == 50, "%s: picks synced: %s" % (label, run_p))
            check(rows(duck, "SELECT column_name FROM information_schema.columns WHERE table_schema = 'shop' "
                             "AND table_name = 'picks' ORDER BY ordinal_position") == [("id",), ("keep",)]
                  and same(rows(up, "SELECT id, keep FROM picks ORDER BY id"), rows(duck, "SELECT id, keep FROM shop.picks ORDER BY id")),
                  "%s: only the enabled columns landed" % label)

            # A type changed upstream is reported, not cast into the landed type.
            cur.execute("ALTER TABLE orders ALTER COLUMN customer_id TYPE text USING 'c' || customer_id; "
                        "UPDATE orders SET updated_at = TIMESTAMPTZ '2026-02-06 00:00:00+00' WHERE id = 30")
            run_t = sync(api, base + "/shop", {"tables": ["orders"]})
            check(run_t["status"] == "failed" and "changed type" in str(run_t), "%s: a type change: %s" % (label, run_t))
            check(rows(duck, "SELECT typeof(customer_id) FROM shop.orders LIMIT 1") == [("INTEGER",)],
                  "%s: the landed column kept its type" % label)
            cur.execute("ALTER TABLE orders ALTER COLUMN customer_id TYPE int USING substr(customer_id, 2)::int")

            # A primary key that is not unique fails the run and lands nothing.
            s, body = patch("dupes", {"enabled": True, "sync_type": "incremental", "incremental_field": "ts",
                                      "primary_key": ["k"], "frequency": "manual"})
            check(s == 200, "%s: dupes with a key: %s %s" % (label, s, body))
            run3 = sync(api, base + "/shop", {"tables": ["dupes"]})
            check(run3["status"] == "failed" and "not unique" in str(run3), "%s: a key not unique: %s" % (label, run3))
            check(rows(duck, "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'shop' AND table_name = 'dupes'") == [(0,)],
                  "%s: nothing landed for it" % label)

            # A permission lost upstream: the run fails with PostgreSQL's reason, the landed
            # table stays as it was.
            before = rows(duck, "SELECT count(*) FROM shop.customers")
            cur.execute("REVOKE SELECT ON customers FROM reader")
            run4 = sync(api, base + "/shop", {"tables": ["customers"]})
            check(run4["status"] == "failed" and "permission denied" in str(run4), "%s: permission lost: %s" % (label, run4))
            check(rows(duck, "SELECT count(*) FROM shop.customers") == before, "%s: the old rows stay" % label)
            s, tables = api.call("GET", base + "/shop/tables")
            c = {t["name"]: t for t in tables}.get("public.customers", {})
            check(c.get("status") == "failed" and "permission denied" in (c.get("last_error") or ""),
                  "%s: the table's state says why: %s" % (label, c))
            s, runs = api.call("GET", base + "/shop/runs")
            check(s == 200 and [r["id"] for r in runs][:2] == [run4["id"], run3["id"]], "%s: runs listed newest first" % label)

            # Rows landed are metered by team (rows_synced): the first run's 7,300, the second's, picks'.
            def synced():
                s, body = api.call("GET", "/api/v1/orgs/acme/usage?group_by=team")
                return sum(r["quantity"] for r in body.get("usage", []) if r["meter"] == "rows_synced") if s == 200 else 0
            want = run1["rows"] + run2["rows"] + run_p["rows"]
            check(wait_for(lambda: synced() == want, timeout=20), "%s: rows_synced %s == %s" % (label, synced(), want))

            # A run cancelled midway lands nothing of the table it was syncing.
            cur.execute("CREATE TABLE big AS SELECT i AS id, md5(i::text) AS h FROM generate_series(1, 3000000) AS i;"
                        "ALTER TABLE big ADD PRIMARY KEY (id); GRANT SELECT ON big TO reader")
            s, body = patch("big", {"enabled": True, "frequency": "manual"})
            s, started = api.call("POST", base + "/shop/sync", {"tables": ["big"]})
            check(s == 202, "%s: big started: %s" % (label, s))
            time.sleep(0.5)
            s, body = api.call("POST", "%s/shop/runs/%s/cancel" % (base, started["id"]))
            check(s == 200, "%s: cancel: %s %s" % (label, s, body))
            done = wait_run(api, base + "/shop", started["id"])
            check(done["status"] == "cancelled", "%s: the run ends cancelled: %s" % (label, done))
            check(rows(duck, "SELECT count(*) FROM duckdb_tables() WHERE schema_name = 'shop' AND table_name LIKE '%big%' OR table_name LIKE '__duckgres_stage%'") == [(0,)],
                  "%s: nothing of it landed, no stage left" % label)
            s, body = api.call("POST", "%s/shop/runs/%s/cancel" % (base, started["id"]))
            check(s == 409, "%s: cancelling an ended run: %s" % (label, s))

            # A large table on a duckling with two threads: read in two streams of one
            # snapshot (TID ranges), both landed.
            cur.execute("ANALYZE big")
            s, body = api.call("PATCH", "/api/v1/orgs/acme/duckling", {"size": "m"})
            check(s in (200, 202) and wait_for(lambda: api.call("GET", "/api/v1/orgs/acme/duckling")[1].get("size", {}).get("name") == "m"
                                               and api.call("GET", "/api/v1/orgs/acme/duckling")[1].get("state") == "ready", timeout=60),
                  "%s: scaled to m: %s %s" % (label, s, body))
            duck.close()
            duck = connect(srv, "acme", "alice", "alice-secret-1")
            duck.autocommit = True
            run_b = sync(api, base + "/shop", {"tables": ["big"]})
            check(run_b["status"] == "completed" and run_b["rows"] == 3000000
                  and "public.big: read in 2 streams" in srv.log_text(), "%s: big in two streams: %s" % (label, run_b))
            q_b = "SELECT count(*), sum(id), count(DISTINCT h), min(id), max(id) FROM %s"
            check(same(rows(up, q_b % "big"), rows(duck, q_b % "shop.big")), "%s: big row for row" % label)

            # duckgres ctl: the password from the environment, not the command line.
            env = dict(os.environ, DUCKGRES_SOURCE_PASSWORD=READER_PASSWORD)
            spec = dict(conn_spec)
            del spec["password"]
            r = ctl(srv, "sources", "create", "acme", "1", "shop2", "--kind", "postgres",
                    "--connection", json.dumps(spec), "--prefix", "shop_two", env=env)
            check(r.returncode == 0 and "shop_two" in r.stdout and READER_PASSWORD not in r.stdout,
                  "%s: ctl sources create: %r" % (label, r.stdout + r.stderr))
            r = ctl(srv, "sources", "tables", "acme", "1", "shop2")
            check(r.returncode == 0 and "public.orders" in r.stdout, "%s: ctl sources tables" % label)

            # The password never shows.
            s, audit = api.call("GET", "/api/v1/orgs/acme/audit")
            check(READER_PASSWORD not in str(audit) and READER_PASSWORD not in str(api.call("GET", base)),
                  "%s: no password in the audit log or answers" % label)
            s, _ = api.call("DELETE", base + "/shop")
            check(s == 204, "%s: deleted: %s" % (label, s))
            check(rows(duck, "SELECT count(*) FROM shop.orders")[0][0] > 0, "%s: its tables stay" % label)
            duck.close()
            srv.stop()
            check(READER_PASSWORD not in srv.log_text(), "%s: no password in the log" % label)
        except Exception as e:  # noqa: BLE001
            check(False, "%s: %r\n%s" % (label, e, srv.log_tail()))
        finally:
            srv.stop()
            srv.cleanup()
            up.close()


for mode in ("none", "process"):
    run(mode)
finish("control sources")
