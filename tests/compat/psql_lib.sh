# Shared by the psql compat suites (sourced, not run): the schema load and the checks.
# shellcheck shell=bash
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

# finish WHAT: the exit status and summary line of a suite.
finish() {
  if ((failures)); then
    echo "$failures $1 check(s) failed" >&2
    exit 1
  fi
  echo "all $1 checks passed"
}
