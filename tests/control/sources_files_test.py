# Files in a storage as a source (docs/sources.md): CSV under a glob in a local storage,
# JSON Lines and Parquet in an S3 storage (s3rver). The files are written through SQL (COPY …
# TO 's3://…'), the schema is inferred and reported, every sync is compared row by row with
# the table the files came from; append picks up only new or changed files (by ETag),
# incremental merges a changed file's rows on the primary key; a path that matches nothing and
# a bad format are refused.
from control_lib import Api, S3rver, Server, check, connect, finish, setup_acme, wait_for  # noqa: F401
import time


def rows(conn, sql):
    cur = conn.cursor()
    cur.execute(sql)
    return cur.fetchall()


def sync(api, base, body=None):
    s, run = api.call("POST", base + "/sync", body or {})
    check(s == 202, "sync started: %s %s" % (s, run))
    deadline = time.monotonic() + 60
    while run.get("status") == "running" and time.monotonic() < deadline:
        time.sleep(0.1)
        s, run = api.call("GET", "%s/runs/%s" % (base, run["id"]))
    return run


def run():
    s3 = S3rver()
    srv = Server()
    try:
        srv.start(extra_args=["--isolation", "process"])
        api = Api(srv)
        setup_acme(api)
        s, body = api.call("POST", "/api/v1/orgs/acme/storages", {"name": "home", "kind": "local"})
        check(s == 201, "home: %s %s" % (s, body))
        s, body = api.call("POST", "/api/v1/orgs/acme/storages", {
            "name": "lake", "kind": "s3", "endpoint": s3.endpoint(), "bucket": "ducks", "prefix": "acme/",
            "access_key_id": "S3RVER", "secret_access_key": "acme-secret"})
        check(s == 201, "lake: %s %s" % (s, body))
        duck = connect(srv, "acme", "alice", "alice-secret-1")
        duck.autocommit = True
        cur = duck.cursor()
        cur.execute("""
            CREATE TABLE orders_src AS SELECT i AS id, 'customer ' || i || CASE WHEN i % 4 = 0 THEN ', "vip"' ELSE '' END AS name,
                   CAST(i * 1.25 AS DECIMAL(10,2)) AS amount, TIMESTAMP '2026-01-01' + i * INTERVAL '1 hour' AS at
            FROM range(1, 3001) t(i);
            CREATE TABLE events_src AS SELECT i AS id, 'e' || i AS event, {'k': i, 'tag': 'ü' || i} AS props
            FROM range(1, 501) t(i);
            CREATE TABLE prices_src AS SELECT i AS id, i / 3.0 AS price, DATE '2026-01-01' + CAST(i AS INTEGER) AS day
            FROM range(1, 2001) t(i);
        """)
        cur.execute("COPY (SELECT * FROM orders_src WHERE id <= 1000) TO 's3://home/exports/orders/part1.csv' (FORMAT csv, HEADER)")
        cur.execute("COPY (SELECT * FROM orders_src WHERE id > 1000 AND id <= 2000) TO 's3://home/exports/orders/part2.csv' (FORMAT csv, HEADER)")
        cur.execute("COPY (SELECT * FROM events_src WHERE id <= 250) TO 's3://lake/events/a.jsonl' (FORMAT json)")
        cur.execute("COPY (SELECT * FROM events_src WHERE id > 250) TO 's3://lake/events/b.jsonl' (FORMAT json)")
        cur.execute("COPY prices_src TO 's3://lake/prices/all.parquet' (FORMAT parquet)")

        base = "/api/v1/orgs/acme/teams/1/sources"
        # Refused: nothing matches (422 with the reason), a format it does not read, a bad field.
        s, body = api.call("POST", base, {"name": "none", "kind": "files",
                                          "connection": {"storage": "home", "path": "nothing/*.csv", "format": "csv"}})
        check(s == 422 and "no object matches" in str(body), "nothing matches: %s %s" % (s, body))
        s, body = api.call("POST", base, {"name": "bad", "kind": "files",
                                          "connection": {"storage": "home", "path": "exports/", "format": "xlsx"}})
        check(s == 400, "a bad format: %s %s" % (s, body))
        s, body = api.call("POST", base, {"name": "nostore", "kind": "files",
                                          "connection": {"storage": "nosuch", "path": "a.csv", "format": "csv"}})
        check(s == 422, "no such storage: %s %s" % (s, body))

        # CSV under a glob in the local storage, appended file by file.
        s, body = api.call("POST", base, {"name": "exports", "kind": "files",
                                          "connection": {"storage": "home", "path": "exports/orders/*.csv", "format": "csv"}})
        check(s == 201, "files source: %s %s" % (s, body))
        s, tables = api.call("GET", base + "/exports/tables")
        t = tables[0] if s == 200 and tables else {}
        check(t.get("name") == "orders" and t.get("lands_in") == "exports.orders"
              and [c["name"] for c in t.get("columns", [])] == ["id", "name", "amount", "at"]
              and {"id", "at"} <= set(t.get("incremental_fields", [])),
              "the schema inferred and reported: %s" % t)
        s, body = api.call("PATCH", base + "/exports/tables/orders", {"enabled": True, "sync_type": "append", "frequency": "manual"})
        check(s == 200, "append without an incremental field: %s %s" % (s, body))
        r = sync(api, base + "/exports")
        check(r["status"] == "completed" and r["rows"] == 2000, "first append: %s" % r)
        # CSV carries no decimal type: the amounts land as DOUBLE (as inferred and reported).
        q = "SELECT id, name, CAST(amount AS DOUBLE), at FROM %s ORDER BY id"
        check(rows(duck, q % "exports.orders") == rows(duck, q % "orders_src WHERE id <= 2000"), "orders row by row")
        cur.execute("COPY (SELECT * FROM orders_src WHERE id > 2000) TO 's3://home/exports/orders/part3.csv' (FORMAT csv, HEADER)")
        r = sync(api, base + "/exports")
        check(r["status"] == "completed" and r["rows"] == 1000, "only the new file: %s" % r)
        check(rows(duck, q % "exports.orders") == rows(duck, q % "orders_src"), "orders row by row after the new file")
        r = sync(api, base + "/exports")
        check(r["status"] == "completed" and r["rows"] == 0, "nothing new, nothing landed: %s" % r)

        # JSON Lines in S3, incremental on the key: a changed file's rows are merged.
        s, body = api.call("POST", base, {"name": "lake_events", "kind": "files",
                                          "connection": {"storage": "lake", "path": "events/", "format": "jsonl"}})
        check(s == 201, "jsonl source: %s %s" % (s, body))
        s, body = api.call("PATCH", base + "/lake_events/tables/events",
                           {"enabled": True, "sync_type": "incremental", "primary_key": ["id"], "frequency": "manual"})
        check(s == 200, "events incremental: %s %s" % (s, body))
        r = sync(api, base + "/lake_events")
        check(r["status"] == "completed" and r["rows"] == 500, "events landed: %s" % r)
        got, want = rows(duck, "SELECT id, event, props->>'tag' FROM lake_events.events ORDER BY id"), \
            rows(duck, "SELECT id, event, props.tag FROM events_src ORDER BY id")
        check(got == want, "events row by row: %s vs %s" % (got[:2], want[:2]))
        cur.execute("UPDATE events_src SET event = 'changed' WHERE id IN (1, 2)")
        cur.execute("COPY (SELECT * FROM events_src WHERE id <= 250) TO 's3://lake/events/a.jsonl' (FORMAT json)")
        r = sync(api, base + "/lake_events")
        check(r["status"] == "completed" and r["rows"] == 250, "the changed file only: %s" % r)
        check(rows(duck, "SELECT count(*), count(*) FILTER (WHERE event = 'changed') FROM lake_events.events") == [(500, 2)],
              "merged on the key, not duplicated")

        # Parquet in S3, full refresh.
        s, body = api.call("POST", base, {"name": "lake_prices", "kind": "files",
                                          "connection": {"storage": "lake", "path": "prices/all.parquet", "format": "parquet",
                                                         "table": "daily_prices"}})
        check(s == 201, "parquet source: %s %s" % (s, body))
        s, body = api.call("PATCH", base + "/lake_prices/tables/daily_prices", {"enabled": True, "frequency": "manual"})
        check(s == 200, "prices: %s %s" % (s, body))
        r = sync(api, base + "/lake_prices")
        check(r["status"] == "completed" and r["rows"] == 2000, "prices landed: %s" % r)
        qp = "SELECT id, price, day FROM %s ORDER BY id"
        check(rows(duck, qp % "lake_prices.daily_prices") == rows(duck, qp % "prices_src"), "prices row by row")
        check("acme-secret" not in str(api.call("GET", base)), "no storage secret in answers")
        duck.close()
    except Exception as e:  # noqa: BLE001
        check(False, "%r\n%s" % (e, srv.log_tail()))
    finally:
        srv.stop()
        srv.cleanup()
        s3.stop()


run()
finish("control sources files")
