# MySQL/MariaDB sources (docs/sources.md): a real MariaDB synced into a team's duckling over the
# API — refusals (a wrong password, nothing listening, TLS required of a server without it),
# discovery (columns and the types they land as, the primary key, row estimates, incremental
# fields, a view), a full refresh compared row by row (NULLs, empty strings, quotes, commas,
# newlines, unicode, decimals, datetimes, binary, JSON, the largest unsigned bigint, zero dates,
# TIME past 24 h), incremental syncs (merge on the primary key, an update inside the lookback
# window, a column added upstream; refused without a key), append; a key that is not unique and
# a grant revoked upstream fail the run and leave the landed data as it was; a run cancelled
# midway stops the stream.
import datetime
import json
import time
from decimal import Decimal

from control_lib import Api, Server, check, connect, error_code, finish, free_port, setup_acme
from mariadb_instance import MariaDbInstance

READER_PASSWORD = "reader-" + "Qm4zK9"


def duck_rows(conn, sql):
    cur = conn.cursor()
    cur.execute(sql)
    return cur.fetchall()


def up_rows(db, database, select, table, order="id"):
    """MariaDB's rows as JSON arrays (NULLs, tabs and newlines survive the client's output)."""
    out = db.rows("SELECT JSON_ARRAY(%s) FROM %s ORDER BY %s" % (select, table, order), database)
    return [json.loads(r[0], parse_float=Decimal) for r in out]


def norm(kind, v):
    """A value of either side as the other would give it."""
    if v is None:
        return None
    if kind == "int":
        return int(v)
    if kind == "dec":
        return Decimal(str(v))
    if kind == "float":
        return float("%.6g" % float(v))
    if kind == "ts":  # DATETIME / TIMESTAMP: naive, in UTC; a zero date is NULL
        if isinstance(v, str):
            if v.startswith("0000-00-00"):
                return None
            v = datetime.datetime.fromisoformat(v)
        if v.tzinfo is not None:
            v = v.astimezone(datetime.timezone.utc).replace(tzinfo=None)
        return v
    if kind == "date":
        if isinstance(v, str):
            return None if v.startswith("0000-00-00") else datetime.date.fromisoformat(v)
        return v
    if kind == "hex":
        return bytes.fromhex(v) if isinstance(v, str) else bytes(v)
    if kind == "json":
        return json.loads(v) if isinstance(v, str) else v
    if kind == "interval":  # TIME's text ([-]h:mm:ss[.f]) or a timedelta
        if isinstance(v, str):
            sign = -1 if v.startswith("-") else 1
            h, m, s = v.lstrip("-").split(":")
            return sign * datetime.timedelta(hours=int(h), minutes=int(m), seconds=float(s))
        return v
    if kind == "bool":
        return int(v)
    return v


def same(kinds, up, duck, label):
    a = [[norm(k, v) for k, v in zip(kinds, r)] for r in up]
    b = [[norm(k, v) for k, v in zip(kinds, r)] for r in duck]
    if a != b:
        diff = [(x, y) for x, y in zip(a, b) if x != y][:3]
        print("%s: %d upstream rows, %d landed; first differences: %r" % (label, len(a), len(b), diff))
    return a == b


def wait_run(api, base, run_id, timeout=120):
    deadline = time.monotonic() + timeout
    while True:
        s, run = api.call("GET", "%s/runs/%s" % (base, run_id))
        if run.get("status") != "running" or time.monotonic() > deadline:
            return run
        time.sleep(0.1)


def sync(api, base, body=None):
    s, run = api.call("POST", base + "/sync", body or {})
    check(s == 202 and run["status"] == "running", "sync started: %s %s" % (s, run))
    return wait_run(api, base, run["id"]) if s == 202 else run


# Customers: the column types, and what each side's values are compared as.
CUSTOMER_COLUMNS = [
    ("id", "id", "int"), ("name", "name", None), ("email", "email", None),
    ("DATE_FORMAT(created_at, '%Y-%m-%d %H:%i:%s.%f')", "created_at", "ts"),
    ("balance", "balance", "dec"), ("active", "active", "int"), ("meta", "meta::VARCHAR", "json"),
    ("HEX(photo)", "photo", "hex"), ("score", "score", "float"), ("CAST(born AS CHAR)", "born", "date"),
    ("big", "big", "int"), ("tiny", "tiny", "int"), ("ratio", "ratio", "float"),
    ("CAST(wait AS CHAR)", "wait", "interval"), ("CAST(yr AS UNSIGNED)", "yr", "int"), ("kind", "kind", None),
    ("CAST(flag AS UNSIGNED)", "flag", "bool"), ("CAST(bits AS UNSIGNED)", "bits", "int"),
    ("CAST(huge AS CHAR)", "huge", None), ("CAST(seen AS CHAR)", "seen", "ts"),
]
ORDER_COLUMNS = [("id", "id", "int"), ("customer_id", "customer_id", "int"), ("amount", "amount", "dec"),
                 ("DATE_FORMAT(updated_at, '%Y-%m-%d %H:%i:%s.%f')", "updated_at", "ts")]


def compare(db, database, duck, table, columns, label, order="id"):
    up = up_rows(db, database, ", ".join(c[0] for c in columns), table, order)
    landed = duck_rows(duck, "SELECT %s FROM shop.%s ORDER BY %s" % (", ".join(c[1] for c in columns), table, order))
    return same([c[2] for c in columns], up, landed, label)


def upstream_setup(db, database):
    db.sql("""
        CREATE DATABASE %(db)s CHARACTER SET utf8mb4;
        GRANT SELECT ON %(db)s.* TO 'reader'@'%%';
        USE %(db)s;
        SET time_zone = '+00:00';
        CREATE TABLE customers (id INT AUTO_INCREMENT PRIMARY KEY, name VARCHAR(200) NOT NULL,
          email VARCHAR(80), created_at TIMESTAMP(3) NULL, balance DECIMAL(12,2), active BOOLEAN,
          meta JSON, photo VARBINARY(16), score DOUBLE, born DATE, big BIGINT UNSIGNED,
          tiny TINYINT UNSIGNED, ratio FLOAT, wait TIME, yr YEAR, kind ENUM('basic', 'gold'),
          flag BIT(1), bits BIT(12), huge DECIMAL(50,5), seen DATETIME);
        INSERT INTO customers (name, email, created_at, balance, active, meta, photo, score, born,
                               big, tiny, ratio, wait, yr, kind, flag, bits, huge, seen)
        SELECT CONCAT('name ', seq, IF(seq %% 3 = 0, ', with "quotes"', ''), IF(seq %% 5 = 0, '\\nand a line', '')),
               CASE WHEN seq %% 4 = 0 THEN NULL WHEN seq %% 7 = 0 THEN '' ELSE CONCAT('u', seq, '@x.io') END,
               TIMESTAMP('2026-01-01 00:00:00') + INTERVAL seq HOUR + INTERVAL seq * 1000 MICROSECOND,
               (seq * 37 %% 1000) / 3.0, seq %% 2, JSON_OBJECT('i', seq, 'ü', 'ß'),
               UNHEX(LPAD(HEX(seq), 8, '0')), seq / 7.0, DATE('1990-01-01') + INTERVAL seq DAY,
               seq * 1000003, seq %% 256, seq / 8.0, SEC_TO_TIME(seq * 97), 1990 + seq %% 40,
               IF(seq %% 2 = 0, 'gold', 'basic'), seq %% 2, seq %% 4096,
               CONCAT(seq, '123456789012345678901234567890.12345'), TIMESTAMP('2025-06-01') + INTERVAL seq MINUTE
        FROM seq_1_to_2000;
        INSERT INTO customers (id, name, email, created_at, balance, active, meta, photo, score, born,
                               big, tiny, ratio, wait, yr, kind, flag, bits, huge, seen) VALUES
          (5001, 'edge, "quoted"\\nline\\ttab ünïcödé 🦆', '', NULL, -0.01, 2, '{"nested": {"a": [1, null, "x,y"]}}',
           X'002C220A0D5C', -1.5e300, '0000-00-00', 18446744073709551615, 255, -3.25, '-838:59:59', 2155,
           NULL, 1, 4095, '-99999999999999999999999999999999999999999999.99999', '0000-00-00 00:00:00'),
          (5002, '', NULL, '2038-01-19 03:14:07.999', NULL, 0, 'null', X'', 0, '2024-02-29',
           0, 0, 0, '838:59:59', 0, 'basic', 0, 0, NULL, '9999-12-31 23:59:59'),
          (5003, 'NULL', 'NULL', NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
           NULL, NULL, NULL, NULL);
        CREATE TABLE orders (id BIGINT PRIMARY KEY, customer_id INT, amount DECIMAL(10,2),
          updated_at TIMESTAMP(3) NOT NULL, KEY (updated_at));
        INSERT INTO orders SELECT seq, seq %% 2000 + 1, seq * 1.25,
          TIMESTAMP('2026-02-01 00:00:00') + INTERVAL seq MINUTE FROM seq_1_to_5000;
        CREATE TABLE visits (id INT PRIMARY KEY, seen_at DATETIME(6) NOT NULL, n INT);
        INSERT INTO visits SELECT seq, TIMESTAMP('2026-03-01 00:00:00') + INTERVAL seq * 1500 MICROSECOND, seq
          FROM seq_1_to_300;
        CREATE TABLE refunds (id INT PRIMARY KEY, amount FLOAT, at DATE);
        INSERT INTO refunds SELECT seq, seq / 4.0, DATE('2026-03-01') + INTERVAL seq DAY FROM seq_1_to_300;
        CREATE TABLE dupes (k INT, v INT, ts DATETIME);
        INSERT INTO dupes VALUES (1, 1, NOW()), (1, 2, NOW()), (2, 3, NOW());
        CREATE VIEW big_customers AS SELECT id, name, balance FROM customers WHERE balance > 100;
        ANALYZE TABLE customers, orders, refunds, dupes, visits;
    """ % {"db": database})


def run(db, isolation):
    label = "isolation=%s" % isolation
    database = "shop_" + isolation
    started_at = time.monotonic()
    upstream_setup(db, database)
    srv = Server()
    duck = None
    try:
        srv.start(extra_args=["--isolation", isolation])
        api = Api(srv)
        setup_acme(api)
        base = "/api/v1/orgs/acme/teams/1/sources"
        conn_spec = {"host": "127.0.0.1", "port": db.port, "database": database, "user": "reader",
                     "password": READER_PASSWORD}

        # Refused: a wrong password (422 with MariaDB's reason), nothing listening, TLS
        # required of a server without it, an unknown database, a bad sslmode.
        s, body = api.call("POST", base, {"name": "shop", "kind": "mysql",
                                          "connection": dict(conn_spec, password="wrong")})
        check(s == 422 and error_code(body) == "source_unreachable" and "Access denied" in str(body)
              and "MySQL at 127.0.0.1:%d" % db.port in str(body),
              "%s: a wrong password: %s %s" % (label, s, body))
        s, body = api.call("POST", base, {"name": "shop", "kind": "mysql",
                                          "connection": dict(conn_spec, port=free_port())})
        check(s == 422 and error_code(body) == "source_unreachable", "%s: nothing listening: %s %s" % (label, s, body))
        s, body = api.call("POST", base, {"name": "shop", "kind": "mysql",
                                          "connection": dict(conn_spec, sslmode="require")})
        check(s == 422 and "TLS" in str(body), "%s: TLS required: %s %s" % (label, s, body))
        s, body = api.call("POST", base, {"name": "shop", "kind": "mysql",
                                          "connection": dict(conn_spec, database="nope")})
        check(s == 422 and "nope" in str(body), "%s: an unknown database: %s %s" % (label, s, body))
        s, body = api.call("POST", base, {"name": "shop", "kind": "mysql",
                                          "connection": dict(conn_spec, sslmode="allow")})
        check(s == 400, "%s: sslmode allow is not MySQL's: %s %s" % (label, s, body))

        s, src = api.call("POST", base, {"name": "shop", "kind": "mysql", "connection": conn_spec})
        check(s == 201 and src["schema"] == "shop" and "password" not in src["connection"]
              and src["connection"].get("port") == db.port,
              "%s: source created: %s %s" % (label, s, src))

        # Discovery.
        s, tables = api.call("GET", base + "/shop/tables")
        by = {t["name"]: t for t in tables} if s == 200 else {}
        check(s == 200 and set(by) == {"customers", "orders", "visits", "refunds", "dupes", "big_customers"},
              "%s: discovered: %s %s" % (label, s, list(by)))
        c = by.get("customers", {})
        lands = {col["name"]: col["lands_as"] for col in c.get("columns", [])}
        want = {"id": "INTEGER", "name": "VARCHAR", "email": "VARCHAR", "created_at": "TIMESTAMPTZ",
                "balance": "DECIMAL(12, 2)", "active": "TINYINT", "meta": "JSON", "photo": "BLOB",
                "score": "DOUBLE", "born": "DATE", "big": "UBIGINT", "tiny": "UTINYINT", "ratio": "FLOAT",
                "wait": "INTERVAL", "yr": "SMALLINT", "kind": "VARCHAR", "flag": "BOOLEAN", "bits": "UBIGINT",
                "huge": "VARCHAR", "seen": "TIMESTAMP"}
        check(lands == want and [col["name"] for col in c["columns"]] == list(want),
              "%s: customers' columns in order and their types: %s" % (label, lands))
        check(c.get("primary_key") == ["id"] and c.get("kind") == "table" and c.get("schema") == ""
              and c.get("lands_in") == "shop.customers" and isinstance(c.get("row_estimate"), int)
              and c["row_estimate"] > 1000
              and set(c.get("incremental_fields", [])) == {"id", "created_at", "balance", "active", "born",
                                                            "big", "tiny", "seen"},
              "%s: customers described: %s" % (label, {k: v for k, v in c.items() if k != "columns"}))
        v = by.get("big_customers", {})
        check(v.get("kind") == "view" and v.get("row_estimate") is None and v.get("primary_key") == []
              and [col["lands_as"] for col in v.get("columns", [])] == ["INTEGER", "VARCHAR", "DECIMAL(12, 2)"],
              "%s: the view: %s" % (label, v))
        check(by.get("dupes", {}).get("primary_key") == [], "%s: dupes has no key" % label)

        def patch(table, body):
            return api.call("PATCH", base + "/shop/tables/" + table, body)
        s, body = patch("dupes", {"enabled": True, "sync_type": "incremental", "incremental_field": "ts"})
        check(s == 400 and "primary key" in str(body), "%s: incremental without a key: %s %s" % (label, s, body))
        s, body = patch("orders", {"sync_type": "incremental", "incremental_field": "amount_text"})
        check(s == 400, "%s: an unknown incremental field: %s" % (label, s))
        s, body = patch("customers", {"enabled": True, "frequency": "manual"})
        check(s == 200 and body["sync_type"] == "full_refresh", "%s: customers: %s %s" % (label, s, body))
        s, body = patch("orders", {"enabled": True, "sync_type": "incremental", "incremental_field": "updated_at",
                                   "lookback_seconds": 3600, "frequency": "manual"})
        check(s == 200, "%s: orders: %s %s" % (label, s, body))
        s, body = patch("visits", {"enabled": True, "sync_type": "incremental", "incremental_field": "seen_at",
                                   "frequency": "manual"})
        check(s == 200, "%s: visits: %s %s" % (label, s, body))
        s, body = patch("refunds", {"enabled": True, "sync_type": "append", "incremental_field": "id",
                                    "frequency": "manual"})
        check(s == 200, "%s: refunds: %s %s" % (label, s, body))
        s, body = patch("dupes", {"enabled": True, "frequency": "manual"})
        check(s == 200, "%s: dupes: %s %s" % (label, s, body))

        run1 = sync(api, base + "/shop")
        check(run1["status"] == "completed" and run1["rows"] == 2003 + 5000 + 300 + 300 + 3,
              "%s: first run: %s" % (label, run1))
        duck = connect(srv, "acme", "alice", "alice-secret-1")
        duck.autocommit = True
        check(compare(db, database, duck, "customers", CUSTOMER_COLUMNS, label + " customers"),
              "%s: customers row by row" % label)
        check(duck_rows(duck, "SELECT name, email, born, seen, active, big::VARCHAR FROM shop.customers WHERE id IN (5001, 5003) ORDER BY id")
              == [('edge, "quoted"\nline\ttab ünïcödé 🦆', "", None, None, 2, "18446744073709551615"),
                  ("NULL", "NULL", None, None, None, None)],
              "%s: the edge rows: empty string, quotes, zero dates as NULL, 'NULL' as text, max unsigned" % label)
        check(compare(db, database, duck, "orders", ORDER_COLUMNS, label + " orders"), "%s: orders row by row" % label)
        visit_columns = [("id", "id", "int"), ("CAST(seen_at AS CHAR)", "seen_at", "ts"), ("n", "n", "int")]
        check(compare(db, database, duck, "visits", visit_columns, label + " visits"), "%s: visits row by row" % label)
        refund_columns = [("id", "id", "int"), ("amount", "amount", "float"), ("CAST(at AS CHAR)", "at", "date")]
        check(compare(db, database, duck, "refunds", refund_columns, label + " refunds"),
              "%s: refunds row by row" % label)
        check(duck_rows(duck, "SELECT typeof(created_at), typeof(wait), typeof(photo) FROM shop.customers LIMIT 1")
              == [("TIMESTAMP WITH TIME ZONE", "INTERVAL", "BLOB")], "%s: landed types" % label)

        # Upstream changes: an order updated past the cursor, one updated inside the lookback
        # window (its updated_at moves forward but stays older than the cursor), a new order, a
        # column added and set; visits updated past their microsecond cursor; refunds appended;
        # a customer deleted (gone after the full refresh).
        db.sql("""
            SET time_zone = '+00:00';
            UPDATE orders SET amount = 999.99, updated_at = '2026-02-04 12:00:00.250' WHERE id = 10;
            UPDATE orders SET amount = 1.01, updated_at = updated_at + INTERVAL 5 MINUTE WHERE id = 4950;
            INSERT INTO orders VALUES (5001, 7, 5.5, '2026-02-05 00:00:00');
            ALTER TABLE orders ADD COLUMN note VARCHAR(40);
            UPDATE orders SET note = 'noted, "really"', updated_at = '2026-02-05 00:00:01' WHERE id = 20;
            UPDATE visits SET n = -n, seen_at = seen_at + INTERVAL 1 MICROSECOND WHERE id = 300;
            UPDATE visits SET n = 1000 WHERE id = 299;
            INSERT INTO refunds SELECT seq, seq / 4.0, DATE('2026-03-01') + INTERVAL seq DAY FROM seq_301_to_320;
            DELETE FROM customers WHERE id = 5;
        """, database)
        run2 = sync(api, base + "/shop")
        check(run2["status"] == "completed", "%s: second run: %s" % (label, run2))
        per_table = {t["table"]: t for t in run2.get("tables", [])}
        check(compare(db, database, duck, "orders", ORDER_COLUMNS + [("note", "note", None)], label + " orders"),
              "%s: orders merged on the key, the lookback window's update included, the column added" % label)
        check(duck_rows(duck, "SELECT count(*), count(DISTINCT id) FROM shop.orders") == [(5001, 5001)],
              "%s: no order twice" % label)
        check(per_table.get("orders", {}).get("rows", 10**9) < 100,
              "%s: incremental read only the window: %s" % (label, per_table.get("orders")))
        check(duck_rows(duck, "SELECT n FROM shop.visits WHERE id IN (299, 300) ORDER BY id") == [(299,), (-300,)]
              and per_table.get("visits", {}).get("rows") == 1,
              "%s: visits past the microsecond cursor only: %s" % (label, per_table.get("visits")))
        check(compare(db, database, duck, "refunds", refund_columns, label + " refunds")
              and per_table.get("refunds", {}).get("rows") == 20, "%s: refunds appended: %s" % (label, per_table.get("refunds")))
        check(duck_rows(duck, "SELECT count(*) FROM shop.customers WHERE id = 5") == [(0,)],
              "%s: the full refresh drops the deleted row" % label)

        # A primary key that is not unique fails the run; what landed before stays.
        before = duck_rows(duck, "SELECT k, v FROM shop.dupes ORDER BY v")
        s, body = patch("dupes", {"sync_type": "incremental", "incremental_field": "ts", "primary_key": ["k"]})
        check(s == 200, "%s: dupes with a key: %s %s" % (label, s, body))
        db.sql("INSERT INTO dupes VALUES (3, 4, NOW() + INTERVAL 1 HOUR), (3, 5, NOW() + INTERVAL 1 HOUR)", database)
        run3 = sync(api, base + "/shop", {"tables": ["dupes"]})
        check(run3["status"] == "failed" and "not unique" in str(run3), "%s: a key not unique: %s" % (label, run3))
        check(before == [(1, 1), (1, 2), (2, 3)] and duck_rows(duck, "SELECT k, v FROM shop.dupes ORDER BY v") == before,
              "%s: the landed dupes stay" % label)

        # A grant revoked upstream: the run fails with MariaDB's reason, the data stays.
        before = duck_rows(duck, "SELECT count(*), sum(id) FROM shop.customers")
        db.sql("REVOKE SELECT ON %s.* FROM 'reader'@'%%'" % database)
        run4 = sync(api, base + "/shop", {"tables": ["customers"]})
        check(run4["status"] == "failed" and "Access denied" in str(run4), "%s: grant revoked: %s" % (label, run4))
        check(duck_rows(duck, "SELECT count(*), sum(id) FROM shop.customers") == before, "%s: the old rows stay" % label)
        db.sql("GRANT SELECT ON %s.* TO 'reader'@'%%'" % database)

        # A run cancelled midway stops the stream: nothing of the table lands, no stage stays,
        # the source's query ends.
        if isolation == "none":
            db.sql("CREATE TABLE big (id INT PRIMARY KEY, h CHAR(32)) "
                   "SELECT seq AS id, MD5(seq) AS h FROM seq_1_to_1500000", database)
            s, body = patch("big", {"enabled": True, "frequency": "manual"})
            s, started = api.call("POST", base + "/shop/sync", {"tables": ["big"]})
            check(s == 202, "%s: big started: %s" % (label, s))
            time.sleep(0.4)
            s, body = api.call("POST", "%s/shop/runs/%s/cancel" % (base, started["id"]))
            check(s == 200, "%s: cancel: %s %s" % (label, s, body))
            done = wait_run(api, base + "/shop", started["id"])
            check(done["status"] == "cancelled", "%s: the run ends cancelled: %s" % (label, done))
            check(duck_rows(duck, "SELECT count(*) FROM duckdb_tables() WHERE schema_name = 'shop' AND "
                                  "(table_name = 'big' OR table_name LIKE '__duckgres_stage%')") == [(0,)],
                  "%s: nothing of it landed, no stage left" % label)
            left = lambda: db.rows("SELECT count(*) FROM information_schema.PROCESSLIST WHERE USER = 'reader'")[0][0]
            deadline = time.monotonic() + 10
            while left() != "0" and time.monotonic() < deadline:
                time.sleep(0.1)
            if left() != "0": print([l for l in srv.log_text().splitlines() if "DEBUG" in l or "big" in l])
            check(left() == "0", "%s: the source's query ended: %s" % (label, db.rows("SELECT ID, COMMAND, TIME, STATE, INFO FROM information_schema.PROCESSLIST WHERE USER = 'reader'")))

        s, _ = api.call("DELETE", base + "/shop")
        check(s == 204, "%s: deleted: %s" % (label, s))
        duck.close()
        duck = None
        srv.stop()
        check(READER_PASSWORD not in srv.log_text(), "%s: no password in the log" % label)
    except Exception as e:  # noqa: BLE001
        check(False, "%s: %r\n%s" % (label, e, srv.log_tail()))
    finally:
        if duck is not None:
            duck.close()
        srv.stop()
        srv.cleanup()
    print("%s: %.1f s" % (label, time.monotonic() - started_at))


if __name__ == "__main__":
    with MariaDbInstance() as mariadb:
        mariadb.sql("CREATE USER 'reader'@'%%' IDENTIFIED BY '%s'" % READER_PASSWORD)
        for mode in ("none", "process"):
            run(mariadb, mode)
    finish("control sources_mysql")
