#!/usr/bin/env bash
# pgbench with a custom script over tables created with plain SQL, in all three query
# modes (simple, extended, prepared), 4 clients: no failed transactions, nonzero tps,
# and 1000 concurrent increments of one row add up to exactly 1000. A serialization
# failure (40001) is retried by pgbench (--max-tries=100: under ASan a transaction once lost 10
# tries in a row to DuckDB write conflicts), as a client of an optimistic
# engine would; any other error aborts the client and fails the test.
set -uo pipefail

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
failures=0
fail() {
  echo "FAIL: $*" >&2
  failures=$((failures + 1))
}

psql -X -q -v ON_ERROR_STOP=1 <<'EOF' || { echo "FAIL: setup" >&2; exit 1; }
DROP TABLE IF EXISTS bench_accounts;
CREATE TABLE bench_accounts (aid int PRIMARY KEY, bid int NOT NULL, abalance int NOT NULL, filler char(84));
INSERT INTO bench_accounts SELECT g, 1 + (g - 1) / 10000, 0, '' FROM generate_series(1, 10000) AS t(g);
EOF

cat >"$WORK/custom.sql" <<'EOF'
\set aid random(1, 10000)
\set delta random(-5000, 5000)
BEGIN;
UPDATE bench_accounts SET abalance = abalance + :delta WHERE aid = :aid;
SELECT abalance FROM bench_accounts WHERE aid = :aid;
END;
EOF

cat >"$WORK/select.sql" <<'EOF'
\set aid random(1, 10000)
SELECT abalance, bid FROM bench_accounts WHERE aid = :aid;
EOF

# check_run NAME OUTPUT-FILE: 0 failed transactions, nonzero tps, all transactions processed.
check_run() {
  local name=$1 out=$2
  if ! grep -q "^number of failed transactions: 0 " "$out"; then
    fail "$name: failed transactions: $(grep -i 'failed' "$out")"
  fi
  local tps
  tps=$(sed -n 's/^tps = \([0-9.]*\) .*/\1/p' "$out")
  if [[ -z "$tps" ]] || ! awk -v t="$tps" 'BEGIN { exit !(t > 0) }'; then
    fail "$name: tps [$tps]"
  else
    echo "ok: $name tps=$tps"
  fi
}

for mode in simple extended prepared; do
  pgbench -n -c 4 -j 2 -T 5 -M "$mode" --max-tries=100 -f "$WORK/custom.sql" >"$WORK/out" 2>"$WORK/err"
  rc=$?
  if [[ $rc -ne 0 ]]; then
    fail "custom $mode: pgbench exited $rc: $(head -3 "$WORK/err")"
  else
    check_run "custom $mode" "$WORK/out"
  fi

  pgbench -n -c 4 -j 2 -T 3 -M "$mode" -f "$WORK/select.sql" >"$WORK/out" 2>"$WORK/err"
  rc=$?
  if [[ $rc -ne 0 ]]; then
    fail "select $mode: pgbench exited $rc: $(head -3 "$WORK/err")"
  else
    check_run "select $mode" "$WORK/out"
  fi
done

# Fixed transactions: exactly -t per client, the effect must be exactly that many updates.
cat >"$WORK/increment.sql" <<'EOF'
UPDATE bench_accounts SET abalance = abalance + 1 WHERE aid = 1;
EOF
psql -X -q -c "UPDATE bench_accounts SET abalance = 0 WHERE aid = 1" || fail "reset"
pgbench -n -c 4 -j 2 -t 250 -M prepared --max-tries=1000 -f "$WORK/increment.sql" >"$WORK/out" 2>"$WORK/err"
rc=$?
[[ $rc -eq 0 ]] || fail "increment: pgbench exited $rc: $(tail -5 "$WORK/err")"
grep -q "^number of transactions actually processed: 1000/1000" "$WORK/out" \
  || fail "increment: $(grep processed "$WORK/out")"
got=$(psql -X -At -c "SELECT abalance FROM bench_accounts WHERE aid = 1")
[[ "$got" == "1000" ]] && echo "ok: 1000 concurrent increments" || fail "increments: balance [$got]"

psql -X -q -c "DROP TABLE bench_accounts" || fail "drop"
if [[ $failures -ne 0 ]]; then
  echo "$failures pgbench check(s) failed" >&2
  exit 1
fi
echo "all pgbench checks passed"
