#!/usr/bin/env bash
# psql's meta-commands against a running server (PG* set by with_server.py) over the schema in
# schema.sql. The expected outputs were taken from PostgreSQL 15.18 with the same schema.
set -uo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
source "$HERE/psql_lib.sh"

same '\dt' '\dt' "           List of relations
 Schema |   Name    | Type  |  Owner   
--------+-----------+-------+----------
 public | customers | table | duckgres
 public | orders    | table | duckgres
(2 rows)
"
same '\dt sales.*' '\dt sales.*' "          List of relations
 Schema |  Name   | Type  |  Owner   
--------+---------+-------+----------
 sales  | regions | table | duckgres
(1 row)
"
same '\dv sales.*' '\dv sales.*' "           List of relations
 Schema |    Name    | Type |  Owner   
--------+------------+------+----------
 sales  | big_orders | view | duckgres
(1 row)
"
has '\dn' '\dn' " public |" " sales  |" "(2 rows)"
has '\l' '\l' " duckgres "
has '\du' '\du' " duckgres "
has '\df' '\df' "List of functions"
got=$(psql -X -v ON_ERROR_STOP=1 -c '\x on' -c "SELECT relname, relkind FROM pg_class WHERE relname = 'customers'" 2>&1)
if grep -qF "relname | customers" <<<"$got" && grep -qF "relkind | r" <<<"$got"; then
  echo "ok: \x"
else
  fail "\x: $got"
fi

finish "psql compat"
