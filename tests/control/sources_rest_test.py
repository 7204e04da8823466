# HTTP JSON API sources (docs/sources.md, "REST APIs and Stripe"): a fake Stripe and a fake
# REST API served from this process, synced into a team's duckling over the API — a wrong key
# refused, discovery (Stripe's declared tables, REST's inferred types), a full refresh of
# charges over many small pages with 429s between them compared row by row (unicode, quotes,
# commas, newlines, nulls, nested objects), incremental on `created` (created[gt] sent, the
# lookback window re-read and merged on id), append, each REST pagination type (page, offset,
# cursor in the body, none), a persistent 500 failing the run as transient and leaving the
# landed rows; the keys never show.
import datetime
import json
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from control_lib import Api, Server, check, connect, error_code, finish, setup_acme

API_KEY = "sk_test_" + "51HxQ2eZvKYlo2C9tP"
REST_KEY = "rest-" + "Zq81xKp0"
BASE_TIME = 1767225600  # 2026-01-01 00:00:00 UTC
STRIPE_PAGE = 20        # the fake's largest page: the source asks for 100
WEIRD = ["Café ☕ 日本 🦆", 'say "hi"', "a, b, c", "line1\nline2\r\nline3", "", None, "back\\slash",
         "'single'", "  spaced  ", "NULL", "tab\there", '",', "ünïcödé – ✓"]


def charge(i):
    return {
        "id": "ch_%05d" % i, "object": "charge", "created": BASE_TIME + i * 60, "livemode": False,
        "amount": i * 137 + (10 ** 12 if i % 50 == 0 else 0), "amount_captured": i * 137,
        "amount_refunded": 0, "currency": "usd" if i % 3 else "eur",
        "status": "failed" if i % 17 == 0 else "succeeded", "paid": i % 17 != 0, "captured": True,
        "refunded": False, "disputed": i % 31 == 0,
        "customer": None if i % 4 == 0 else "cus_%04d" % (i % 30),
        "description": WEIRD[i % len(WEIRD)],
        "invoice": None, "payment_intent": "pi_%05d" % i, "payment_method": "pm_%05d" % i,
        "balance_transaction": "txn_%05d" % i,
        "receipt_email": None if i % 5 == 0 else "buyer%d@example.com" % i,
        "statement_descriptor": None,
        "failure_code": "card_declined" if i % 17 == 0 else None,
        "failure_message": "Your card was declined, \"sorry\"" if i % 17 == 0 else None,
        "billing_details": {"name": WEIRD[(i + 1) % len(WEIRD)], "address": {"city": "Zürich", "line1": None}},
        "payment_method_details": {"type": "card", "card": {"brand": "visa", "last4": "%04d" % i}},
        "outcome": {"type": "authorized", "risk_score": i % 100},
        "metadata": {} if i % 2 else {"order": "o-%d" % i, "note": 'a "quoted", comma\nline'},
        "undeclared_field": {"kept": i},  # only _raw has it
    }


def simple(prefix, obj, i, **fields):
    return dict({"id": "%s_%04d" % (prefix, i), "object": obj, "created": BASE_TIME + i * 3600,
                 "livemode": False, "metadata": {"i": str(i)}}, **fields)


class Fake:
    """The upstream APIs' data and what they were sent."""

    def __init__(self):
        self.lock = threading.Lock()
        self.stripe = {
            "charges": [charge(i) for i in range(1, 251)],
            "customers": [simple("cus", "customer", i, email=None if i % 3 == 0 else "c%d@x.io" % i,
                                 name=WEIRD[i % len(WEIRD)], balance=-i * 10, delinquent=i % 7 == 0,
                                 address={"country": "CH"} if i % 2 else None)
                          for i in range(1, 31)],
            "invoices": [simple("in", "invoice", i, customer="cus_0001", status="paid", amount_due=500 * i,
                                total=500 * i, paid=True, period_start=BASE_TIME, period_end=BASE_TIME + 86400,
                                lines={"object": "list", "data": [{"amount": 500 * i}]})
                         for i in range(1, 4)],
            "subscriptions": [simple("sub", "subscription", i, customer="cus_0002",
                                     status="canceled" if i == 2 else "active",
                                     current_period_end=BASE_TIME + 30 * 86400, canceled_at=None,
                                     items={"object": "list", "data": []})
                              for i in range(1, 4)],
            "products": [simple("prod", "product", i, name="Plan %d" % i, active=True, images=[])
                         for i in range(1, 3)],
            "prices": [simple("price", "price", i, product="prod_0001", unit_amount=999, currency="usd",
                              recurring={"interval": "month"}) for i in range(1, 3)],
            "refunds": [],
            "balance_transactions": [simple("txn", "balance_transaction", i, amount=1000 * i, fee=30, net=970 * i,
                                            currency="usd", type="charge", exchange_rate=None if i % 2 else 1.0825,
                                            available_on=BASE_TIME + 2 * 86400)
                                     for i in range(1, 6)],
        }
        self.created_gt = []   # (resource, value) of every created[gt] received
        self.requests = 0
        self.rate_limit = False
        self.limited = 0
        self.fail500 = False
        self.items = [{"id": i, "name": WEIRD[i % len(WEIRD)], "price": 3.0 if i % 5 == 0 else i * 1.25,
                       "active": i % 2 == 0, "tags": ["t%d" % i, "x"], "meta": {"k": i, "s": "ß"},
                       "nothing": None, "qty": None if i % 6 == 0 else i * 3}
                      for i in range(1, 48)]
        self.events = [{"uid": "ev-%03d" % i, "kind": "click" if i % 2 else "view",
                        "at": "2026-01-%02dT10:00:00Z" % (i % 28 + 1), "value": i * 7}
                       for i in range(1, 34)]
        self.logs = [{"seq": i, "msg": WEIRD[i % len(WEIRD)], "level": "warn" if i % 4 == 0 else "info"}
                     for i in range(1, 26)]
        self.since = []
        self.links = [{"k": "l%02d" % i, "v": i / 4} for i in range(1, 13)]
        self.tags = [{"tag": "red", "n": 1}, {"tag": "blue", "n": 2}, {"tag": "gr,een", "n": None}]


FAKE = Fake()


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def send(self, status, body, headers=()):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for k, v in headers:
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        url = urllib.parse.urlsplit(self.path)
        q = {k: v[-1] for k, v in urllib.parse.parse_qs(url.query, keep_blank_values=True).items()}
        parts = url.path.strip("/").split("/")
        if parts[0] == "v1" and len(parts) == 2 and parts[1] in FAKE.stripe:
            return self.stripe(parts[1], q)
        if parts[0] == "api" and len(parts) == 2:
            if self.headers.get("X-Api-Key") != REST_KEY:
                return self.send(401, {"message": "bad api key"})
            if self.headers.get("X-Client") != "duckgres-test":
                return self.send(400, {"message": "the X-Client header is missing"})
            return getattr(self, "rest_" + parts[1], lambda q: self.send(404, {"message": "no such thing"}))(q)
        self.send(404, {"error": {"message": "Unrecognized request URL", "type": "invalid_request_error"}})

    def stripe(self, name, q):
        if self.headers.get("Authorization") != "Bearer " + API_KEY:
            return self.send(401, {"error": {"message": "Invalid API Key provided: sk_test_****",
                                             "type": "invalid_request_error"}})
        with FAKE.lock:
            FAKE.requests += 1
            if FAKE.rate_limit and FAKE.requests % 4 == 0:
                FAKE.limited += 1
                return self.send(429, {"error": {"message": "Too many requests", "type": "rate_limit_error"}},
                                 [("Retry-After", "1")])
            if FAKE.fail500 and "starting_after" in q:
                return self.send(500, {"error": {"message": "Something went wrong", "type": "api_error"}})
            rows = sorted(FAKE.stripe[name], key=lambda r: (-r["created"], r["id"]))  # newest first
            if name == "subscriptions" and q.get("status") != "all":
                rows = [r for r in rows if r["status"] != "canceled"]
            if "created[gt]" in q:
                FAKE.created_gt.append((name, q["created[gt]"]))
                rows = [r for r in rows if r["created"] > int(q["created[gt]"])]
            if "starting_after" in q:
                ids = [r["id"] for r in rows]
                rows = rows[ids.index(q["starting_after"]) + 1:]
            limit = min(int(q.get("limit", "10")), STRIPE_PAGE)
            page = json.loads(json.dumps(rows[:limit]))
        self.send(200, {"object": "list", "data": page, "has_more": len(rows) > limit, "url": "/v1/" + name})

    def rest_items(self, q):  # page numbers from 1, at most 10 a page
        size = min(int(q.get("per_page", "5")), 10)
        page = int(q.get("page", "1"))
        self.send(200, {"items": FAKE.items[(page - 1) * size:page * size], "page": page, "total": len(FAKE.items)})

    def rest_events(self, q):  # offset and limit, at most 8 a page
        offset, limit = int(q.get("offset", "0")), min(int(q.get("limit", "8")), 8)
        self.send(200, {"results": FAKE.events[offset:offset + limit], "count": len(FAKE.events)})

    def rest_logs(self, q):  # the next cursor in the body, records nested
        rows = FAKE.logs
        if "since" in q:
            with FAKE.lock:
                FAKE.since.append(q["since"])
            rows = [r for r in rows if r["seq"] > int(q["since"])]
        start = int(q["after"][4:]) if "after" in q else 0
        page = rows[start:start + 6]
        more = start + 6 < len(rows)
        self.send(200, {"data": {"entries": page}, "meta": {"next": "tok-%d" % (start + 6) if more else None}})

    def rest_links(self, q):  # the next page's URL in the body
        p = int(q.get("p", "1"))
        page = FAKE.links[(p - 1) * 5:p * 5]
        self.send(200, {"rows": page, "next": "/api/links?p=%d" % (p + 1) if p * 5 < len(FAKE.links) else None})

    def rest_tags(self, q):  # the page is the array
        self.send(200, FAKE.tags)


def rows(conn, sql):
    cur = conn.cursor()
    cur.execute(sql)
    return cur.fetchall()


def wait_run(api, base, run_id, timeout=90):
    deadline = time.monotonic() + timeout
    while True:
        s, run = api.call("GET", "%s/runs/%s" % (base, run_id))
        if run.get("status") != "running" or time.monotonic() > deadline:
            return run
        time.sleep(0.2)


def utc(epoch):
    return datetime.datetime.fromtimestamp(epoch, datetime.timezone.utc) if epoch is not None else None


def norm(v):
    if isinstance(v, datetime.datetime) and v.tzinfo is not None:
        return v.astimezone(datetime.timezone.utc)
    if isinstance(v, float):
        return round(v, 6)
    return v


CHARGE_COLS = ["id", "object", "created", "created_at", "livemode", "amount", "currency", "status", "paid",
               "disputed", "customer", "description", "receipt_email", "failure_message", "billing_details",
               "payment_method_details", "metadata", "_raw"]
JSON_COLS = {"billing_details", "payment_method_details", "metadata", "_raw", "tags", "meta"}


def select(cols, table, order):
    return "SELECT %s FROM %s ORDER BY %s" % (
        ", ".join('"%s"::VARCHAR' % c if c in JSON_COLS else '"%s"' % c for c in cols), table, order)


def landed(conn, cols, table, order):
    return [tuple(json.loads(v) if c in JSON_COLS and v is not None else norm(v) for c, v in zip(cols, r))
            for r in rows(conn, select(cols, table, order))]


def expected(records, cols, key):
    out = []
    for r in sorted(records, key=lambda r: r[key]):
        out.append(tuple(r if c == "_raw" else utc(r["created"]) if c == "created_at" else norm(r.get(c))
                         for c in cols))
    return out


def first_difference(a, b):
    for x, y in zip(a, b):
        if x != y:
            return "%r != %r" % (x, y)
    return "lengths %d != %d" % (len(a), len(b))


def main():
    started = time.monotonic()
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    upstream = "http://127.0.0.1:%d" % httpd.server_port
    srv = Server()
    answers = []  # every API answer: no key in any
    try:
        srv.start(extra_args=["--isolation", "process"])
        api = Api(srv)
        setup_acme(api)

        def call(method, path, body=None):
            s, b = api.call(method, path, body)
            answers.append(json.dumps(b))
            return s, b

        base = "/api/v1/orgs/acme/teams/1/sources"

        def sync(name, tables=None):
            s, run = call("POST", "%s/%s/sync" % (base, name), {"tables": tables} if tables else {})
            check(s == 202 and run.get("status") == "running", "sync %s started: %s %s" % (name, s, run))
            done = wait_run(api, base + "/" + name, run["id"]) if s == 202 else run
            answers.append(json.dumps(done))
            return done

        def patch(source, table, body):
            return call("PATCH", "%s/%s/tables/%s" % (base, source, table), body)

        # A wrong key: 422 with Stripe's reason.
        s, body = call("POST", base, {"name": "stripe", "kind": "stripe",
                                      "connection": {"api_key": "sk_test_wrong", "base_url": upstream}})
        check(s == 422 and error_code(body) == "source_unreachable" and "Invalid API Key" in str(body)
              and "authentication" in str(body), "a wrong api key: %s %s" % (s, body))
        s, body = call("POST", base, {"name": "stripe", "kind": "stripe", "connection": {"base_url": upstream}})
        check(s == 400 and "api_key" in str(body), "no api key: %s %s" % (s, body))
        s, src = call("POST", base, {"name": "stripe", "kind": "stripe",
                                     "connection": {"api_key": API_KEY, "base_url": upstream}})
        check(s == 201 and src.get("schema") == "stripe" and "api_key" not in src.get("connection", {}),
              "stripe created: %s %s" % (s, src))

        # Discovery: the declared tables.
        s, tables = call("GET", base + "/stripe/tables")
        by = {t["name"]: t for t in tables} if s == 200 else {}
        check(set(by) == {"charges", "customers", "invoices", "subscriptions", "products", "prices", "refunds",
                          "balance_transactions"}, "stripe tables: %s %s" % (s, sorted(by)))
        ch = by.get("charges", {})
        types = {c["name"]: c["lands_as"] for c in ch.get("columns", [])}
        check(ch.get("primary_key") == ["id"] and ch.get("incremental_fields") == ["created"]
              and ch.get("lands_in") == "stripe.charges" and ch.get("row_estimate") is None
              and [c["name"] for c in ch.get("columns", [])][:5] == ["id", "object", "created", "created_at", "livemode"]
              and types.get("created") == "BIGINT" and types.get("created_at") == "TIMESTAMPTZ"
              and types.get("amount") == "BIGINT" and types.get("billing_details") == "JSON"
              and types.get("_raw") == "JSON" and types.get("paid") == "BOOLEAN",
              "charges described: %s" % ch)

        # A full refresh over 13 pages of 20, every 4th request answered 429 (Retry-After: 1).
        for t in ("charges", "customers", "subscriptions", "refunds"):
            s, body = patch("stripe", t, {"enabled": True, "frequency": "manual"})
            check(s == 200, "enable %s: %s %s" % (t, s, body))
        FAKE.rate_limit = True
        t0 = time.monotonic()
        run1 = sync("stripe")
        FAKE.rate_limit = False
        check(run1["status"] == "completed" and run1["rows"] == 250 + 30 + 3 + 0,
              "stripe full refresh: %s" % run1)
        check(FAKE.limited >= 3, "429s were answered: %d (%.1f s)" % (FAKE.limited, time.monotonic() - t0))
        check(not FAKE.created_gt, "a full refresh sends no created[gt]: %s" % FAKE.created_gt)
        duck = connect(srv, "acme", "alice", "alice-secret-1")
        duck.autocommit = True
        got = landed(duck, CHARGE_COLS, "stripe.charges", "id")
        want = expected(FAKE.stripe["charges"], CHARGE_COLS, "id")
        check(got == want, "charges row by row: %s" % first_difference(got, want))
        got = rows(duck, "SELECT count(*), count(*) FILTER (WHERE status = 'canceled') FROM stripe.subscriptions")
        check(got == [(3, 1)], "subscriptions of every status: %s" % got)
        check(rows(duck, "SELECT count(*) FROM stripe.refunds") == [(0,)], "an empty list lands an empty table")

        # Incremental on created: the first run continues from what the full refresh landed (its
        # newest created less the lookback), and so does the next, from its cursor: the new
        # charges and the window's, merged on id.
        s, body = patch("stripe", "charges", {"sync_type": "incremental", "incremental_field": "created",
                                              "lookback_seconds": 300})
        check(s == 200 and body["configured_primary_key"] == ["id"], "charges incremental: %s %s" % (s, body))
        run2 = sync("stripe", ["charges"])
        newest = max(r["created"] for r in FAKE.stripe["charges"])
        check(run2["status"] == "completed" and run2["rows"] == 5
              and FAKE.created_gt == [("charges", str(newest - 300))],
              "first incremental run, from the landed rows: %s %s" % (run2, FAKE.created_gt))
        with FAKE.lock:
            del FAKE.created_gt[:]
        before_10 = json.loads(json.dumps(FAKE.stripe["charges"][9]))
        with FAKE.lock:
            for i in range(251, 254):
                FAKE.stripe["charges"].append(charge(i))
            FAKE.stripe["charges"][248]["amount"] = 777  # created = newest - 60: inside the window
            FAKE.stripe["charges"][248]["description"] = "updated, \"late\""
            FAKE.stripe["charges"][9]["amount"] = 1  # long before the cursor: not read again
        run3 = sync("stripe", ["charges"])
        check(run3["status"] == "completed" and run3["rows"] == 3 + 5,
              "incremental run: the 3 new and the window's 5: %s" % run3)
        check(FAKE.created_gt == [("charges", str(newest - 300))],
              "created[gt] sent: %s (cursor %d less 300)" % (FAKE.created_gt, newest))
        want = expected(FAKE.stripe["charges"][:9] + [before_10] + FAKE.stripe["charges"][10:], CHARGE_COLS, "id")
        got = landed(duck, CHARGE_COLS, "stripe.charges", "id")
        check(got == want, "charges merged on id (253 rows, ch_00249 updated, ch_00010 not read): %s"
              % first_difference(got, want))

        # Append on created (a table not landed yet: append inserts, so switching a landed table
        # to it inserts its rows again): only the transactions past the cursor are inserted.
        s, body = patch("stripe", "balance_transactions", {"enabled": True, "frequency": "manual",
                                                           "sync_type": "append", "incremental_field": "created"})
        check(s == 200, "balance_transactions append: %s %s" % (s, body))
        run4 = sync("stripe", ["balance_transactions"])  # no cursor yet: all 5
        got = rows(duck, "SELECT id, exchange_rate, available_on FROM stripe.balance_transactions ORDER BY id LIMIT 2")
        check([tuple(norm(v) for v in r) for r in got] == [("txn_0001", None, utc(BASE_TIME + 2 * 86400)),
                                                           ("txn_0002", 1.0825, utc(BASE_TIME + 2 * 86400))],
              "balance transactions typed: %s" % got)
        with FAKE.lock:
            FAKE.stripe["balance_transactions"] += [
                simple("txn", "balance_transaction", i, amount=5, fee=0, net=5, currency="usd", type="payout")
                for i in (6, 7)]
        run5 = sync("stripe", ["balance_transactions"])
        check(run4["rows"] == 5 and run5["status"] == "completed" and run5["rows"] == 2,
              "append runs: %s %s" % (run4["rows"], run5))
        check(("balance_transactions", str(BASE_TIME + 5 * 3600)) in FAKE.created_gt, "append sent created[gt]")
        got = rows(duck, "SELECT id FROM stripe.balance_transactions ORDER BY id")
        check(got == [("txn_%04d" % i,) for i in range(1, 8)], "appended: %s" % got)

        # A 500 that persists past the retries fails the run as transient; the rows stay.
        with FAKE.lock:
            FAKE.stripe["customers"].append(simple("cus", "customer", 31, email="new@x.io"))
            FAKE.fail500 = True
        t0 = time.monotonic()
        run6 = sync("stripe", ["customers"])
        FAKE.fail500 = False
        check(run6["status"] == "failed" and "HTTP 500" in str(run6) and "Something went wrong" in str(run6),
              "a persistent 500 fails the run (%.1f s): %s" % (time.monotonic() - t0, run6))
        check(rows(duck, "SELECT count(*) FROM stripe.customers") == [(30,)], "the landed customers stay")
        s, tables = call("GET", base + "/stripe/tables")
        cu = {t["name"]: t for t in tables}.get("customers", {})
        check(cu.get("status") == "failed" and "500" in (cu.get("last_error") or ""), "customers' state: %s" % cu)

        # The REST kind: a malformed description is a 400, a wrong key a 422.
        resources = [
            {"name": "items", "path": "/api/items", "record_path": "items", "primary_key": ["id"],
             "pagination": {"type": "page", "page_param": "page", "size_param": "per_page", "size": 10}},
            {"name": "events", "path": "api/events", "record_path": "results", "primary_key": ["uid"],
             "pagination": {"type": "offset", "limit": 8}},
            {"name": "logs", "path": "/api/logs", "record_path": "data.entries", "primary_key": ["seq"],
             "pagination": {"type": "cursor", "cursor_path": "meta.next", "cursor_param": "after"},
             "incremental": {"field": "seq", "param": "since"}},
            {"name": "tags", "path": "/api/tags", "params": {"sort": "name"}},
            {"name": "links", "path": "/api/links", "record_path": "rows",
             "pagination": {"type": "cursor", "cursor_path": "next"}},
        ]
        rest = {"base_url": upstream, "auth_header": "X-Api-Key", "auth_value": REST_KEY,
                "headers": {"X-Client": "duckgres-test"}, "resources": resources}
        rest_apart = dict(rest)
        del rest_apart["auth_value"]
        for bad, why in (([dict(resources[0], pagination={"type": "sideways"})], "pagination.type"),
                         ([{"name": "x"}], "path"),
                         ([dict(resources[0], colour="red")], "colour"),
                         ([resources[0], resources[0]], "two resources"),
                         ([dict(resources[1], pagination={"type": "cursor"})], "cursor_path")):
            s, body = call("POST", base, {"name": "api", "kind": "rest", "connection": dict(rest, resources=bad)})
            check(s == 400 and why in str(body), "refused (%s): %s %s" % (why, s, body))
        s, body = call("POST", base, {"name": "api", "kind": "rest", "connection": dict(rest, auth_value="nope")})
        check(s == 422 and error_code(body) == "source_unreachable" and "bad api key" in str(body),
              "a wrong REST key: %s %s" % (s, body))
        # The secret given apart (the API's top-level "password", as ctl sends it).
        s, src = call("POST", base, {"name": "api", "kind": "rest", "prefix": "ext", "connection": rest_apart,
                                     "password": REST_KEY})
        check(s == 201 and src.get("schema") == "ext" and "auth_value" not in src.get("connection", {}),
              "rest created: %s %s" % (s, src))
        s, tables = call("GET", base + "/api/tables")
        by = {t["name"]: t for t in tables} if s == 200 else {}
        cols = lambda t: [(c["name"], c["lands_as"]) for c in by.get(t, {}).get("columns", [])]  # noqa: E731
        check(cols("items") == [("id", "BIGINT"), ("name", "VARCHAR"), ("price", "DOUBLE"), ("active", "BOOLEAN"),
                                ("tags", "JSON"), ("meta", "JSON"), ("nothing", "VARCHAR"), ("qty", "BIGINT")],
              "items' inferred types: %s" % cols("items"))
        check(cols("events") == [("uid", "VARCHAR"), ("kind", "VARCHAR"), ("at", "VARCHAR"), ("value", "BIGINT")]
              and by.get("logs", {}).get("incremental_fields") == ["seq"] and by.get("tags", {}).get("lands_in") == "ext.tags",
              "events, logs, tags: %s %s" % (cols("events"), by.get("logs")))
        for t in ("items", "events", "logs", "tags", "links"):
            patch("api", t, {"enabled": True, "frequency": "manual"})
        s, body = patch("api", "logs", {"sync_type": "append", "incremental_field": "seq"})
        check(s == 200, "logs append: %s %s" % (s, body))
        run7 = sync("api")
        check(run7["status"] == "completed" and run7["rows"] == 47 + 33 + 25 + 3 + 12, "rest run: %s" % run7)
        for table, records, columns, key in (
                ("items", FAKE.items, ["id", "name", "price", "active", "tags", "meta", "nothing", "qty"], "id"),
                ("events", FAKE.events, ["uid", "kind", "at", "value"], "uid"),
                ("logs", FAKE.logs, ["seq", "msg", "level"], "seq"),
                ("tags", FAKE.tags, ["tag", "n"], "tag"),
                ("links", FAKE.links, ["k", "v"], "k")):
            got = landed(duck, columns, "ext." + table, '"%s"' % key)
            want = expected(records, columns, key)
            check(got == want, "rest %s row by row: %s" % (table, first_difference(got, want)))
        with FAKE.lock:
            FAKE.logs += [{"seq": i, "msg": "later %d" % i, "level": "info"} for i in range(26, 29)]
        run8 = sync("api", ["logs"])
        check(run8["status"] == "completed" and run8["rows"] == 3 and FAKE.since == ["25"],
              "rest append sent since=25: %s %s" % (run8, FAKE.since))
        check(rows(duck, "SELECT count(*), max(seq) FROM ext.logs") == [(28, 28)], "logs appended")

        # The keys never show.
        for path in (base, base + "/stripe", base + "/api", base + "/stripe/runs", base + "/api/runs",
                     base + "/stripe/tables", base + "/api/tables"):
            call("GET", path)
        leaked = [a for a in answers if API_KEY in a or REST_KEY in a]
        check(not leaked, "no key in %d answers: %s" % (len(answers), leaked[:1]))
        s, audit = api.call("GET", "/api/v1/orgs/acme/audit")
        check(s == 200 and REST_KEY not in json.dumps(audit) and API_KEY not in json.dumps(audit),
              "no key (given apart or in the connection) in the audit log")
        duck.close()
        srv.stop()
        log = srv.log_text()
        check(API_KEY not in log and REST_KEY not in log, "no key in the log")
    except Exception as e:  # noqa: BLE001
        check(False, "%r\n%s" % (e, srv.log_tail()))
    finally:
        srv.stop()
        srv.cleanup()
        httpd.shutdown()
    print("sources_rest: %.1f s" % (time.monotonic() - started))


main()
finish("control sources_rest")
