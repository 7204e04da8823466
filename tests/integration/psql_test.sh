#!/usr/bin/env bash
# psql against a running server (PG* variables set by with_server.py): exact output of
# queries, multi-statement strings, SQLSTATEs of errors, transactions, \copy round
# trips in text and CSV, TLS and plain connections, a wrong password.
set -uo pipefail

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
failures=0

fail() {
  echo "FAIL: $*" >&2
  failures=$((failures + 1))
}

# q ARGS... : runs psql -q -At with ON_ERROR_STOP and prints stdout; stderr to $WORK/err.
q() {
  psql -X -q -At -v ON_ERROR_STOP=1 "$@" 2>"$WORK/err"
}

# expect NAME EXPECTED psql-args... : compares psql -At output exactly.
expect() {
  local name=$1 expected=$2
  shift 2
  local got
  got=$(q "$@")
  local rc=$?
  if [[ $rc -ne 0 ]]; then
    fail "$name: psql exited $rc: $(cat "$WORK/err")"
  elif [[ "$got" != "$expected" ]]; then
    fail "$name: expected [$expected] got [$got]"
  else
    echo "ok: $name"
  fi
}

# expect_error NAME SQLSTATE psql-args... : the statement must fail with that SQLSTATE.
expect_error() {
  local name=$1 state=$2
  shift 2
  q -v VERBOSITY=verbose "$@" >"$WORK/out"
  local rc=$?
  if [[ $rc -eq 0 ]]; then
    fail "$name: expected error $state but psql succeeded: $(cat "$WORK/out")"
  elif ! grep -q "ERROR:  $state:" "$WORK/err"; then
    fail "$name: expected SQLSTATE $state, got: $(cat "$WORK/err")"
  else
    echo "ok: $name"
  fi
}

# --- plain queries and PostgreSQL text formats -------------------------------------------
ver=$(q -c "select version()")
if [[ "$ver" == "PostgreSQL 15."* ]]; then echo "ok: version()"; else fail "version(): [$ver]"; fi
expect "column names as PostgreSQL names them" $'?column?|count|int4|case\n1|2|2|1' \
  -c "\\pset tuples_only off" -c "\\pset footer off" -c "select 1, count(*), 2::int4, case when true then 1 end from generate_series(1, 2)" 
expect "select 1" "1" -c "SELECT 1"
expect "text formats" "t|f||0.1|-2.5|42|9000000000|hello world" \
  -c "SELECT true, false, NULL::int, 0.1::float8, -2.5::float8, 42::int4, 9000000000::int8, 'hello world'::text"
expect "float formats" "0.30000000000000004|1e+20|1.5e-07|3.141592653589793|100|-0" \
  -c "SELECT 0.1::float8 + 0.2::float8, 1e20::float8, 0.00000015::float8, 3.141592653589793::float8, 100::float8, -0.0::float8"
expect "numeric" "12345.67|-0.50|1.000" \
  -c "SELECT 12345.67::numeric(10,2), -0.5::numeric(6,2), 1::numeric(8,3)"
expect "date and timestamp" "2024-02-29|2024-02-29 13:45:06.123456|1999-12-31 00:00:00" \
  -c "SELECT DATE '2024-02-29', TIMESTAMP '2024-02-29 13:45:06.123456', TIMESTAMP '1999-12-31'"
expect "bytea hex" '\x00ff41' -c "SELECT '\\x00ff41'::bytea"
expect "uuid" "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11" \
  -c "SELECT 'A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11'::uuid"
expect "quotes and unicode" "it's|näive ☃" -c "SELECT 'it''s', 'näive ☃'"
expect "generate_series sum" "5050|100" \
  -c "SELECT sum(g), count(*) FROM generate_series(1, 100) AS t(g)"
expect "order and nulls" $'1|a\n2|\n3|c' \
  -c "SELECT * FROM (VALUES (3, 'c'), (1, 'a'), (2, NULL)) AS v(i, s) ORDER BY i"
expect "column names" $'x|y\n1|2' \
  -c "SELECT 1 AS x, 2 AS y" -P footer=off -P tuples_only=off

# --- several statements in one Query message; psql 15 shows every result -----------------
expect "multi-statement" $'1\n2\nthree' -c "SELECT 1; SELECT 2; SELECT 'three'"
expect "multi-statement with DDL" $'CREATE TABLE\nINSERT 0 2\n2' \
  -c "CREATE TABLE ms (a int); INSERT INTO ms VALUES (1), (2); SELECT count(*) FROM ms" \
  -v QUIET=off
q -c "DROP TABLE ms" >/dev/null || fail "drop ms: $(cat "$WORK/err")"

# --- errors and their SQLSTATEs -------------------------------------------------------------
expect_error "undefined table" 42P01 -c "SELECT * FROM no_such_table"
expect_error "syntax error" 42601 -c "SELECT FROM WHERE"
expect_error "undefined column" 42703 -c "SELECT no_such_column FROM generate_series(1, 2) AS t(g)"
expect_error "division by zero" 22012 -c "SELECT 1 / 0"
expect_error "invalid integer text" 22P02 -c "SELECT 'abc'::int"
# The session survives an error: a script keeps going without ON_ERROR_STOP.
got=$(psql -X -At -c "SELECT * FROM no_such_table" -c "SELECT 'alive'" 2>/dev/null)
[[ "$got" == "alive" ]] && echo "ok: session survives error" \
  || fail "session after error: got [$got]"

# --- transactions ---------------------------------------------------------------------------
q -c "CREATE TABLE tx (a int)" >/dev/null || fail "create tx: $(cat "$WORK/err")"
expect "rollback undoes" "0" <<'EOF'
BEGIN;
INSERT INTO tx VALUES (1), (2);
ROLLBACK;
SELECT count(*) FROM tx;
EOF
expect "commit keeps" $'2\n2' <<'EOF'
BEGIN;
INSERT INTO tx VALUES (1), (2);
SELECT count(*) FROM tx;
COMMIT;
SELECT count(*) FROM tx;
EOF
# After an error inside a transaction block every statement fails with 25P02 until ROLLBACK.
psql -X -q -At -v VERBOSITY=verbose >"$WORK/out" 2>"$WORK/err" <<'EOF'
BEGIN;
INSERT INTO tx VALUES (3);
SELECT * FROM no_such_table;
SELECT 'not run';
ROLLBACK;
SELECT count(*) FROM tx;
EOF
if grep -q "ERROR:  25P02:" "$WORK/err" && [[ "$(cat "$WORK/out")" == "2" ]]; then
  echo "ok: aborted transaction"
else
  fail "aborted transaction: out [$(cat "$WORK/out")] err [$(cat "$WORK/err")]"
fi
q -c "DROP TABLE tx" >/dev/null || fail "drop tx: $(cat "$WORK/err")"

# --- \copy round trips ----------------------------------------------------------------------
q -c "CREATE TABLE cp (id int, name text, price numeric(10,2), ok boolean, day date, x float8)" \
  >/dev/null || fail "create cp: $(cat "$WORK/err")"

# Text format: tab separated, \N is NULL, backslash escapes for tab/newline/backslash.
printf '%s\n' \
  $'1\tplain\t1.50\tt\t2024-01-31\t0.1' \
  $'2\twith\\ttab and \\\\ backslash\t-3.00\tf\t1999-12-31\t-1e+20' \
  $'3\t\\N\t\\N\t\\N\t\\N\t\\N' \
  $'4\tline\\nbreak\t0.00\tt\t2000-02-29\t2.5' \
  $'5\t\t100.25\tf\t2024-02-29\t3' >"$WORK/in.txt"
expect "copy from text" "COPY 5" -v QUIET=off -c "\\copy cp from '$WORK/in.txt'"
q -c "\\copy (SELECT * FROM cp ORDER BY id) to '$WORK/out.txt'" >/dev/null \
  || fail "copy to text: $(cat "$WORK/err")"
if cmp -s "$WORK/in.txt" "$WORK/out.txt"; then echo "ok: text copy round trip"; else
  fail "text copy round trip differs:"; diff "$WORK/in.txt" "$WORK/out.txt" >&2
fi
expect "copied values" $'1|plain|1.50|t|2024-01-31|0.1\n2|with\ttab and \\ backslash|-3.00|f|1999-12-31|-1e+20\n3|||||\n5||100.25|f|2024-02-29|3' \
  -c "SELECT * FROM cp WHERE id <> 4 ORDER BY id"
expect "empty string is not null" "t|t" \
  -c "SELECT name = '', (SELECT name IS NULL FROM cp WHERE id = 3) FROM cp WHERE id = 5"

# CSV with header: quoting of commas, quotes and newlines; empty unquoted = NULL.
q -c "TRUNCATE cp" >/dev/null || q -c "DELETE FROM cp" >/dev/null
cat >"$WORK/in.csv" <<'EOF'
id,name,price,ok,day,x
1,"a, b",1.50,t,2024-01-31,0.1
2,"say ""hi""",-3.00,f,1999-12-31,-1e+20
3,,,,,
4,"two
lines",0.00,t,2000-02-29,2.5
5,"",100.25,f,2024-02-29,3
EOF
expect "copy from csv" "COPY 5" -v QUIET=off \
  -c "\\copy cp from '$WORK/in.csv' with (format csv, header true)"
q -c "\\copy (SELECT * FROM cp ORDER BY id) to '$WORK/out.csv' with (format csv, header true)" \
  >/dev/null || fail "copy to csv: $(cat "$WORK/err")"
if cmp -s "$WORK/in.csv" "$WORK/out.csv"; then echo "ok: csv copy round trip"; else
  fail "csv copy round trip differs:"; diff "$WORK/in.csv" "$WORK/out.csv" >&2
fi
expect "csv values" $'a, b|t\nsay "hi"|f\n|\ntwo\nlines|t\n|f' \
  -c "SELECT name, ok FROM cp ORDER BY id"
expect "csv null vs empty" "f|t" \
  -c "SELECT (SELECT name IS NULL FROM cp WHERE id = 5), (SELECT name IS NULL FROM cp WHERE id = 3)"
# A bad row fails the whole COPY and leaves the table as it was.
printf '6\tok\t1\tt\t2024-01-01\t1\n7\tbad\tnot-a-number\tt\t2024-01-01\t1\n' >"$WORK/bad.txt"
q -v VERBOSITY=verbose -c "\\copy cp from '$WORK/bad.txt'" >/dev/null
if grep -q "ERROR:  22P02:" "$WORK/err"; then echo "ok: bad copy row"; else
  fail "bad copy row: expected 22P02, got: $(cat "$WORK/err")"
fi
expect "bad copy is atomic" "5" -c "SELECT count(*) FROM cp"
q -c "DROP TABLE cp" >/dev/null || fail "drop cp: $(cat "$WORK/err")"

# --- TLS and plain connections ----------------------------------------------------------------
expect "sslmode=require" "1" "sslmode=require" -c "SELECT 1"
got=$(psql -X "sslmode=require" -c '\conninfo' 2>&1)
[[ "$got" == *"SSL connection (protocol: TLS"* ]] && echo "ok: conninfo shows TLS" \
  || fail "sslmode=require conninfo: $got"
expect "sslmode=disable" "1" "sslmode=disable" -c "SELECT 1"
got=$(psql -X "sslmode=disable" -c '\conninfo' 2>&1)
[[ "$got" != *"SSL connection"* && "$got" == *"You are connected"* ]] \
  && echo "ok: conninfo without TLS" || fail "sslmode=disable conninfo: $got"
expect "tls multi-row" "200000|20000100000" "sslmode=require" \
  -c "SELECT count(*), sum(g) FROM generate_series(1, 200000) AS t(g)"

# --- authentication failures ----------------------------------------------------------------
for mode in disable require; do
  PGPASSWORD="wrong-$RANDOM" psql -X -At "sslmode=$mode" -c "SELECT 1" >"$WORK/out" 2>"$WORK/err"
  rc=$?
  if [[ $rc -eq 2 ]] && grep -q 'FATAL:  password authentication failed for user "duckgres"' "$WORK/err"; then
    echo "ok: wrong password ($mode)"
  else
    fail "wrong password ($mode): rc=$rc out [$(cat "$WORK/out")] err [$(cat "$WORK/err")]"
  fi
done
PGUSER=no_such_user psql -X -At -c "SELECT 1" >"$WORK/out" 2>"$WORK/err"
rc=$?
if [[ $rc -eq 2 ]] && grep -q 'FATAL:  password authentication failed for user "no_such_user"' "$WORK/err"; then
  echo "ok: unknown user"
else
  fail "unknown user: rc=$rc err [$(cat "$WORK/err")]"
fi

if [[ $failures -ne 0 ]]; then
  echo "$failures psql check(s) failed" >&2
  exit 1
fi
echo "all psql checks passed"
