#!/usr/bin/env bash
# psql's meta-commands against a running server (PG* set by with_server.py) over the schema in
# schema.sql. The expected outputs were taken from PostgreSQL 15.18 with the same schema.
set -uo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
failures=0
fail() {
  echo "FAIL: $*" >&2
  failures=$((failures + 1))
}

psql -X -q -v ON_ERROR_STOP=1 -f "$HERE/schema.sql" >/dev/null || fail "loading schema.sql"

# same NAME META EXPECTED: psql output of META must equal EXPECTED.
same() {
  local name=$1 meta=$2 expected=${3%$'\n'} got
  got=$(psql -X -v ON_ERROR_STOP=1 -c "$meta" 2>&1)
  if [[ "$got" != "$expected" ]]; then
    fail "$name: expected
$expected
got
$got"
  else
    echo "ok: $name"
  fi
}

# has NAME META LINE...: psql succeeds and its output contains every LINE.
has() {
  local name=$1 meta=$2 got line
  shift 2
  if ! got=$(psql -X -v ON_ERROR_STOP=1 -c "$meta" 2>&1); then
    fail "$name: psql failed: $got"
    return
  fi
  for line in "$@"; do
    if ! grep -qF -- "$line" <<<"$got"; then
      fail "$name: missing [$line] in
$got"
      return
    fi
  done
  echo "ok: $name"
}

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

if ((failures)); then
  echo "$failures psql compat check(s) failed" >&2
  exit 1
fi
echo "all psql compat checks passed"
