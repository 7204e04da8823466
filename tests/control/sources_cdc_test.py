# Change data capture from a real PostgreSQL 15 (wal_level=logical) into a team's duckling
# (docs/sources.md): the connector makes its publication and slot, snapshots the table, then
# applies inserts, updates (a key changed, a large value left unchanged), deletes and a
# truncate in commit order; it keeps going across a restart of duckgres (changes made while it
# was down arrive) and of PostgreSQL mid-stream; a column dropped and one added upstream; it
# reports its lag; deleting the source drops the slot and the publication. Every check compares
# the landed table row by row with the source.
import time

import psycopg2

from control_lib import Api, Server, check, connect, finish, setup_acme, wait_for
from pg_instance import PgInstance

OWNER_PASSWORD = "owner-" + "k3Rw9z"
COLUMNS = "id, name, qty, price, at, big, data"


def rows(conn, sql):
    cur = conn.cursor()
    cur.execute(sql)
    return cur.fetchall()


def normal(r):
    return tuple(bytes(v) if isinstance(v, memoryview) else v for v in r)


def converged(up, duck, columns=COLUMNS, table="items"):
    """Waits until the landed rows equal the source's; returns whether they did."""
    q = "SELECT %s FROM %%s ORDER BY id" % columns
    want = [normal(r) for r in rows(up, q % table)]
    last = []

    def same():
        nonlocal last
        try:
            last = [normal(r) for r in rows(duck, q % ("shop." + table))]
        except psycopg2.Error as e:  # a column not added yet
            last = [str(e)]
        return last == want
    ok = wait_for(same, timeout=30, pause=0.2)
    if not ok:
        diff = [(a, b) for a, b in zip(want, last) if a != b][:3]
        print("  not converged: source %d rows, landed %d, first differences %s" % (len(want), len(last), diff))
    return ok


def run():
    with PgInstance(settings=["wal_level=logical", "max_replication_slots=4", "max_wal_senders=4"]) as pg:
        pg.create_database("shop")
        admin = psycopg2.connect(pg.uri("shop"))
        admin.autocommit = True
        admin.cursor().execute("CREATE ROLE owner LOGIN REPLICATION PASSWORD '%s'; GRANT CREATE ON SCHEMA public TO owner; GRANT CREATE ON DATABASE shop TO owner"
                               % OWNER_PASSWORD)
        up = psycopg2.connect(pg.uri("shop").replace("postgres:" + pg.password, "owner:" + OWNER_PASSWORD))
        up.autocommit = True
        cur = up.cursor()
        cur.execute("""
            CREATE TABLE items (id int PRIMARY KEY, name text, qty int, price numeric(10,2),
                                at timestamptz, big text, data bytea);
            CREATE TABLE nokey (a int, b text);
            INSERT INTO items SELECT i, 'item ' || i || CASE WHEN i % 3 = 0 THEN ', "q"' ELSE '' END,
                   i % 17, i * 1.5, TIMESTAMPTZ '2026-01-01 00:00:00+00' + i * INTERVAL '1 minute',
                   CASE WHEN i = 7 THEN repeat('large ', 5000) END, decode(lpad(to_hex(i), 4, '0'), 'hex')
            FROM generate_series(1, 1000) AS i;
        """)
        data_dir_srv = Server()
        srv = data_dir_srv
        try:
            srv.start(extra_args=["--isolation", "process"])
            api = Api(srv)
            setup_acme(api)
            base = "/api/v1/orgs/acme/teams/1/sources"
            spec = {"host": "127.0.0.1", "port": pg.port, "database": "shop", "user": "owner",
                    "password": OWNER_PASSWORD, "sslmode": "disable"}
            s, src = api.call("POST", base, {"name": "shop", "kind": "postgres", "connection": spec})
            check(s == 201, "source created: %s %s" % (s, src))

            s, body = api.call("PATCH", base + "/shop/tables/nokey", {"enabled": True, "sync_type": "cdc"})
            check(s == 400 and "primary key" in str(body), "cdc needs a primary key: %s %s" % (s, body))
            s, body = api.call("PATCH", base + "/shop/tables/items", {"enabled": True, "sync_type": "cdc"})
            check(s == 200 and body["sync_type"] == "cdc", "items streamed: %s %s" % (s, body))
            slot = body.get("cdc", {}).get("slot") if isinstance(body.get("cdc"), dict) else None
            check(slot and rows(admin, "SELECT count(*) FROM pg_replication_slots WHERE slot_name = '%s'" % slot) == [(1,)]
                  and rows(admin, "SELECT count(*) FROM pg_publication WHERE pubname = '%s'" % slot) == [(1,)],
                  "the connector's slot and publication exist: %s" % slot)

            duck = connect(srv, "acme", "alice", "alice-secret-1")
            duck.autocommit = True

            def landed():
                try:
                    return rows(duck, "SELECT count(*) FROM shop.items")[0][0]
                except psycopg2.Error:
                    return -1
            check(wait_for(lambda: landed() == 1000, timeout=30), "the snapshot landed: %s rows" % landed())
            check(converged(up, duck), "the snapshot row by row")

            # Inserts, updates, deletes, a key changed, a large value left unchanged by an update
            # (PostgreSQL does not send it), several in one transaction, in commit order.
            cur.execute("""
                INSERT INTO items SELECT i, 'new ' || i, i, i, now(), NULL, NULL FROM generate_series(1001, 1200) AS i;
                UPDATE items SET qty = qty + 100 WHERE id % 10 = 0;
                DELETE FROM items WHERE id BETWEEN 50 AND 59;
                UPDATE items SET id = 5000 WHERE id = 60;
                UPDATE items SET qty = -7 WHERE id = 7;
                BEGIN; UPDATE items SET name = 'first' WHERE id = 1; UPDATE items SET name = 'second' WHERE id = 1;
                DELETE FROM items WHERE id = 2; INSERT INTO items (id, name) VALUES (2, 'reborn'); COMMIT;
            """)
            check(converged(up, duck), "inserts, updates, deletes, a key change, an unchanged large value")
            check(rows(duck, "SELECT length(big), qty FROM shop.items WHERE id = 7") == [(30000, -7)],
                  "the large value kept")

            # The stream reports where it is and its lag.
            s, tables = api.call("GET", base + "/shop/tables")
            t = {x["name"]: x for x in tables}.get("public.items", {}) if s == 200 else {}
            cdc = t.get("cdc") or {}
            check(cdc.get("status") == "streaming" and cdc.get("confirmed_lsn") and cdc.get("lag_p99_ms") is not None
                  and cdc.get("changes_applied", 0) > 0, "status and lag reported: %s" % cdc)

            # duckgres down: changes made meanwhile arrive after its restart, from the slot.
            srv.stop()
            cur.execute("UPDATE items SET price = price + 1 WHERE id <= 100; DELETE FROM items WHERE id > 1150;"
                        "INSERT INTO items (id, name) VALUES (9001, 'while down')")
            srv.start(extra_args=["--isolation", "process"])
            duck = connect(srv, "acme", "alice", "alice-secret-1")
            duck.autocommit = True
            check(converged(up, duck), "changes made while duckgres was down")

            # PostgreSQL restarted mid-stream: the stream reconnects and resumes.
            def writes(n, start):
                for i in range(n):
                    cur.execute("UPDATE items SET qty = %s WHERE id = %s", (start + i, 100 + i % 50))
            writes(200, 10000)
            pg.stop()
            time.sleep(1)
            pg.start()
            admin = psycopg2.connect(pg.uri("shop"))
            admin.autocommit = True
            up = psycopg2.connect(pg.uri("shop").replace("postgres:" + pg.password, "owner:" + OWNER_PASSWORD))
            up.autocommit = True
            cur = up.cursor()
            writes(200, 20000)
            check(converged(up, duck), "changes across a restart of PostgreSQL")

            # A column dropped upstream stays landed (NULL for new rows); one added is added.
            cur.execute("ALTER TABLE items DROP COLUMN qty; ALTER TABLE items ADD COLUMN note text;"
                        "INSERT INTO items (id, name, note) VALUES (9002, 'after', 'a note');"
                        "UPDATE items SET note = 'updated' WHERE id = 3")
            check(converged(up, duck, "id, name, price, at, big, data, note"), "a column dropped and one added")
            check(rows(duck, "SELECT qty FROM shop.items WHERE id = 9002") == [(None,)],
                  "the dropped column is NULL for new rows")

            # A truncate empties the landed table, then new rows land.
            cur.execute("TRUNCATE items; INSERT INTO items (id, name) VALUES (1, 'after truncate')")
            check(converged(up, duck, "id, name, note"), "a truncate")

            # The source deleted: its slot and publication are dropped upstream.
            s, _ = api.call("DELETE", base + "/shop")
            check(s == 204, "deleted: %s" % s)
            check(rows(admin, "SELECT count(*) FROM pg_replication_slots WHERE slot_name = '%s'" % slot) == [(0,)]
                  and rows(admin, "SELECT count(*) FROM pg_publication WHERE pubname = '%s'" % slot) == [(0,)],
                  "the slot and the publication are gone")
            duck.close()
            srv.stop()
            check(OWNER_PASSWORD not in srv.log_text(), "no password in the log")
        except Exception as e:  # noqa: BLE001
            check(False, "%r\n%s" % (e, srv.log_tail()))
        finally:
            srv.stop()
            srv.cleanup()
            up.close()
            admin.close()


run()
finish("control sources cdc")
