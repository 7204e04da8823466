#!/usr/bin/env bash
# psql's \d TABLE against a running server (PG* set by with_server.py) over the schema in
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

has '\d orders' '\d orders' \
  'Table "public.orders"' \
  " order_id    | bigint                   |           | not null | " \
  " customer_id | integer                  |           | not null | " \
  " amount      | numeric(12,2)            |           | not null | " \
  " note        | character varying(40)    |           |          | " \
  " placed_at   | timestamp with time zone |           |          | " \
  '"orders_pkey" PRIMARY KEY, btree (order_id)' \
  '"orders_customer_id_fkey" FOREIGN KEY (customer_id) REFERENCES customers(id)'
has '\d customers' '\d customers' \
  'Table "public.customers"' \
  " email      | character varying(120)      |           | not null | " \
  " created_at | timestamp without time zone |           | not null | " \
  '"customers_pkey" PRIMARY KEY, btree (id)' \
  '"customers_email_key" UNIQUE CONSTRAINT, btree (email)'
if ((failures)); then
  echo "$failures psql describe check(s) failed" >&2
  exit 1
fi
echo "all psql describe checks passed"
