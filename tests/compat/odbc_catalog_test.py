# psqlODBC catalog functions through pyodbc (the Power BI and Tableau ODBC path) over the schema
# in schema.sql: SQLTables, SQLColumns, SQLPrimaryKeys, SQLForeignKeys, SQLStatistics,
# SQLGetTypeInfo. PG* variables come from with_server.py.
import os
import sys

import pyodbc
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from harness import case, check, failures  # noqa: E402,F401  (tests/harness.py)


conn = pyodbc.connect(
    "DRIVER={/usr/lib/x86_64-linux-gnu/odbc/psqlodbcw.so};SERVER=%s;PORT=%s;DATABASE=%s;UID=%s;PWD=%s;"
    "SSLmode=disable" % (os.environ["PGHOST"], os.environ["PGPORT"], os.environ["PGDATABASE"],
                         os.environ["PGUSER"], os.environ.get("PGPASSWORD", "")), autocommit=True)
cur = conn.cursor()
for stmt in open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "schema.sql")).read().split(";"):
    if stmt.strip():
        cur.execute(stmt)

tables = sorted((r.table_schem, r.table_name, r.table_type) for r in cur.tables(schema="sales"))
check(("sales", "regions", "TABLE") in tables and ("sales", "big_orders", "VIEW") in tables,
      "SQLTables %r" % tables)
check(all(t[0] == "sales" for t in tables), "SQLTables schema filter %r" % tables)

cols = [(r.column_name, r.type_name, r.column_size, r.decimal_digits, r.nullable)
        for r in cur.columns(table="orders", schema="public")]
check([c[0] for c in cols] == ["order_id", "customer_id", "amount", "note", "placed_at"],
      "SQLColumns names %r" % cols)
by_name = {c[0]: c for c in cols}
check(by_name.get("order_id", (None, ""))[1] == "int8", "order_id %r" % (by_name.get("order_id"),))
check(by_name.get("amount", (0, 0, 0, 0, 0))[1:4] == ("numeric", 12, 2), "amount %r" % (by_name.get("amount"),))
check(by_name.get("note", (0, 0, 0))[1:3] == ("varchar", 40), "note %r" % (by_name.get("note"),))
check(by_name.get("note", (0, 0, 0, 0, 0))[4] == 1 and by_name.get("amount", (0, 0, 0, 0, 1))[4] == 0,
      "nullable flags")

pks = [r.column_name for r in cur.primaryKeys("orders", schema="public")]
check(pks == ["order_id"], "SQLPrimaryKeys %r" % pks)
fks = [(r.pktable_name, r.pkcolumn_name, r.fkcolumn_name)
       for r in cur.foreignKeys(foreignTable="orders", foreignSchema="public")]
check(fks == [("customers", "id", "customer_id")], "SQLForeignKeys %r" % fks)
stats = [r.column_name for r in cur.statistics("customers", schema="public", unique=True) if r.column_name]
check("id" in stats and "email" in stats, "SQLStatistics %r" % stats)
stats = [(r.index_name, r.ordinal_position, r.column_name, r.non_unique)
         for r in cur.statistics("orders", schema="public") if r.index_name == "orders_placed_customer"]
check(stats == [("orders_placed_customer", 1, "placed_at", 1), ("orders_placed_customer", 2, "customer_id", 1)],
      "SQLStatistics multi-column %r" % stats)
types = [r.type_name for r in cur.getTypeInfo()]
check("int4" in types and "varchar" in types, "SQLGetTypeInfo %r" % types[:10])

if failures:
    print("%d ODBC catalog check(s) failed" % len(failures), file=sys.stderr)
    sys.exit(1)
print("all ODBC catalog checks passed")
