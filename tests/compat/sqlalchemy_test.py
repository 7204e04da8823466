# SQLAlchemy's inspector on psycopg2 (the path of Superset and Hex) against a running server
# (PG* variables set by with_server.py): schemas, tables, views, columns with types and
# nullability, primary and foreign keys, indexes of the schema in schema.sql.
import os
import sys

import sqlalchemy as sa
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from harness import case, check, failures  # noqa: E402,F401  (tests/harness.py)


url = sa.engine.URL.create(
    "postgresql+psycopg2", username=os.environ["PGUSER"], password=os.environ.get("PGPASSWORD"),
    host=os.environ["PGHOST"], port=int(os.environ["PGPORT"]), database=os.environ["PGDATABASE"])
engine = sa.create_engine(url)
with engine.begin() as conn:
    conn.execute(sa.text(open(os.path.join(os.path.dirname(__file__), "schema.sql")).read()))

insp = sa.inspect(engine)
schemas = insp.get_schema_names()
check("public" in schemas and "sales" in schemas, "schemas %r" % schemas)
check("duckgres_catalog" not in schemas, "internal schema listed: %r" % schemas)
check(sorted(insp.get_table_names()) == ["customers", "orders"], "public tables %r" % insp.get_table_names())
check(insp.get_table_names(schema="sales") == ["regions"], "sales tables %r" % insp.get_table_names(schema="sales"))
check(insp.get_view_names(schema="sales") == ["big_orders"], "views %r" % insp.get_view_names(schema="sales"))

cols = {c["name"]: c for c in insp.get_columns("orders")}
check(list(cols) == ["order_id", "customer_id", "amount", "note", "placed_at"], "columns %r" % list(cols))
check(isinstance(cols["order_id"]["type"], sa.BigInteger), "order_id type %r" % cols["order_id"]["type"])
check(isinstance(cols["amount"]["type"], sa.Numeric) and cols["amount"]["type"].precision == 12
      and cols["amount"]["type"].scale == 2, "amount type %r" % cols["amount"]["type"])
check(isinstance(cols["note"]["type"], sa.String) and cols["note"]["type"].length == 40,
      "note type %r" % cols["note"]["type"])
check(cols["amount"]["nullable"] is False and cols["note"]["nullable"] is True, "nullability")
check(isinstance(cols["placed_at"]["type"], sa.TIMESTAMP) and cols["placed_at"]["type"].timezone,
      "placed_at type %r" % cols["placed_at"]["type"])

pk = insp.get_pk_constraint("orders")
check(pk["constrained_columns"] == ["order_id"], "pk %r" % pk)
fks = insp.get_foreign_keys("orders")
check(len(fks) == 1 and fks[0]["constrained_columns"] == ["customer_id"]
      and fks[0]["referred_table"] == "customers" and fks[0]["referred_columns"] == ["id"],
      "fks %r" % fks)
indexes = insp.get_indexes("orders")
check([(i["name"], i["column_names"], i["unique"]) for i in indexes]
      == [("orders_placed_customer", ["placed_at", "customer_id"], False)], "indexes %r" % indexes)
uniques = insp.get_unique_constraints("customers")
check(any(u["column_names"] == ["email"] for u in uniques), "unique %r" % uniques)

with engine.connect() as conn:
    rows = conn.execute(sa.text("SELECT o.amount, c.name FROM public.orders o JOIN customers c "
                                "ON c.id = o.customer_id")).fetchall()
    check(rows == [(250, "Ann")] or [(float(r[0]), r[1]) for r in rows] == [(250.0, "Ann")],
          "join rows %r" % rows)

if failures:
    print("%d SQLAlchemy check(s) failed" % len(failures), file=sys.stderr)
    sys.exit(1)
print("all SQLAlchemy checks passed")
