#!/usr/bin/env bash
# Wire-level benchmark: duckgres and a throwaway PostgreSQL 15 side by side on this machine.
#
#   bench/wire_bench.sh            # full run (10M rows, 3 repetitions, 10 s pgbench runs)
#   ROWS=1000000 REPS=1 DURATION=3 bench/wire_bench.sh   # quick check
#
# Measures, each against both servers alternately (one warm-up run, then REPS runs, median):
#   connect/s   pgbench -C: TLS (sslmode=require) + SCRAM-SHA-256 + SELECT 1 + Terminate
#   SELECT 1/s  pgbench -n, -M simple and -M prepared, at -c 1 and -c 8 (plain TCP)
#   rows/s      bench/wire_bench.c streams ROWS rows x 4 columns (text and binary) through a
#               cursor (FETCH FETCH_SIZE) and in libpq single-row mode; server RSS is watched
# Prints a Markdown table and writes bench/results/wire.json.
#
# Environment: DUCKGRES_BIN (default: build-bench/duckgres, built if missing), ROWS, REPS,
# DURATION, CLIENTS_C (connection-rate clients, 4), FETCH_SIZE (100000), STREAM_MODES
# ("cursor single"), PG_BIN (/usr/lib/postgresql/15/bin). Runs as root: PostgreSQL runs as the
# `postgres` OS user.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ROWS="${ROWS:-10000000}"
REPS="${REPS:-3}"
DURATION="${DURATION:-10}"
CLIENTS_C="${CLIENTS_C:-4}"
FETCH_SIZE="${FETCH_SIZE:-100000}"
STREAM_MODES="${STREAM_MODES:-cursor single}"
PG_BIN="${PG_BIN:-/usr/lib/postgresql/15/bin}"
PASSWORD="wire-bench-$$-secret"
USER_NAME="duckgres"
DB_NAME="duckgres"
RESULTS_DIR="$ROOT/bench/results"

log() { echo "[wire_bench] $*" >&2; }

WORK="$(mktemp -d /tmp/wire_bench.XXXXXX)"
chmod 711 "$WORK"  # the postgres user must reach $WORK/pg
PGDATA_DIR="$WORK/pg"
DG_PID=""
PG_STARTED=0

cleanup() {
  local rc=$?
  set +e
  if [[ -n "$DG_PID" ]] && kill -0 "$DG_PID" 2>/dev/null; then
    kill -TERM "$DG_PID"
    for _ in $(seq 50); do kill -0 "$DG_PID" 2>/dev/null || break; sleep 0.2; done
    kill -0 "$DG_PID" 2>/dev/null && kill -KILL "$DG_PID"
  fi
  if [[ "$PG_STARTED" == 1 ]]; then
    runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$PGDATA_DIR/data" -m immediate -w stop >/dev/null 2>&1
  fi
  if [[ $rc -ne 0 ]]; then
    log "failed (exit $rc); last lines of the server logs:"
    tail -n 20 "$WORK/duckgres.log" 2>/dev/null | sed 's/^/  duckgres: /' >&2
    tail -n 20 "$PGDATA_DIR/pg.log" 2>/dev/null | sed 's/^/  postgres: /' >&2
  fi
  rm -rf "$WORK"
  exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

# --- tools ---------------------------------------------------------------------------------
for tool in pgbench psql gcc python3 openssl runuser; do
  command -v "$tool" >/dev/null || { log "missing tool: $tool"; exit 1; }
done
[[ -x "$PG_BIN/initdb" ]] || { log "PostgreSQL 15 not found at $PG_BIN"; exit 1; }
[[ $(id -u) == 0 ]] || { log "run as root (PostgreSQL is started as the postgres user)"; exit 1; }

if [[ -z "${DUCKGRES_BIN:-}" ]]; then
  DUCKGRES_BIN="$ROOT/build-bench/duckgres"
  if [[ ! -x "$DUCKGRES_BIN" ]]; then
    log "building duckgres in build-bench (Release)"
    cmake -S "$ROOT" -B "$ROOT/build-bench" -DCMAKE_BUILD_TYPE=Release >/dev/null
    make -C "$ROOT/build-bench" -j"$(nproc)" duckgres >/dev/null
  fi
fi
[[ -x "$DUCKGRES_BIN" ]] || { log "duckgres binary not found: $DUCKGRES_BIN"; exit 1; }

WIRE_BENCH="$WORK/wire_bench"
gcc -O2 -Wall -I"$(pg_config --includedir 2>/dev/null || echo /usr/include/postgresql)" \
  -o "$WIRE_BENCH" "$ROOT/bench/wire_bench.c" -lpq -lpthread

# --- duckgres ------------------------------------------------------------------------------
DG_PORT="$(free_port)"
mkdir -p "$WORK/duckgres-data"
DUCKGRES_ADMIN_PASSWORD="$PASSWORD" "$DUCKGRES_BIN" serve --host 127.0.0.1 --port "$DG_PORT" \
  --http-port 0 --data-dir "$WORK/duckgres-data" --log-level warn >"$WORK/duckgres.log" 2>&1 &
DG_PID=$!

# --- PostgreSQL 15 -------------------------------------------------------------------------
PG_PORT="$(free_port)"
mkdir -p "$PGDATA_DIR"
chown postgres: "$PGDATA_DIR"
chmod 700 "$PGDATA_DIR"
runuser -u postgres -- "$PG_BIN/initdb" -D "$PGDATA_DIR/data" -U postgres --auth-local=trust \
  --auth-host=scram-sha-256 -E UTF8 --locale=C.UTF-8 >"$WORK/initdb.log" 2>&1 \
  || { cat "$WORK/initdb.log" >&2; exit 1; }
# EC P-256, like the self-signed certificate duckgres makes, so both handshakes sign alike.
runuser -u postgres -- openssl req -new -x509 -days 2 -nodes -subj "/CN=localhost" \
  -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -keyout "$PGDATA_DIR/data/server.key" -out "$PGDATA_DIR/data/server.crt" \
  >/dev/null 2>&1
chmod 600 "$PGDATA_DIR/data/server.key"
cat >>"$PGDATA_DIR/data/postgresql.conf" <<EOF
listen_addresses = '127.0.0.1'
port = $PG_PORT
unix_socket_directories = '$PGDATA_DIR'
ssl = on
ssl_cert_file = 'server.crt'
ssl_key_file = 'server.key'
password_encryption = 'scram-sha-256'
shared_buffers = 4GB
work_mem = 64MB
max_connections = 200
EOF
cat >"$PGDATA_DIR/data/pg_hba.conf" <<EOF
local   all all                  trust
hostssl all all 127.0.0.1/32     scram-sha-256
host    all all 127.0.0.1/32     scram-sha-256
EOF
runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$PGDATA_DIR/data" -l "$PGDATA_DIR/pg.log" -w start \
  >/dev/null
PG_STARTED=1
runuser -u postgres -- psql -h "$PGDATA_DIR" -p "$PG_PORT" -U postgres -d postgres -qAt \
  -v ON_ERROR_STOP=1 <<EOF >/dev/null
CREATE ROLE $USER_NAME LOGIN SUPERUSER PASSWORD '$PASSWORD';
CREATE DATABASE $DB_NAME OWNER $USER_NAME;
EOF

export PGPASSWORD="$PASSWORD"
conninfo() {  # conninfo SERVER SSLMODE
  local port
  if [[ "$1" == duckgres ]]; then port=$DG_PORT; else port=$PG_PORT; fi
  echo "host=127.0.0.1 port=$port user=$USER_NAME dbname=$DB_NAME sslmode=$2"
}

# Wait for duckgres to answer.
for i in $(seq 100); do
  if psql "$(conninfo duckgres disable)" -qAtc 'SELECT 1' >/dev/null 2>&1; then break; fi
  kill -0 "$DG_PID" 2>/dev/null || { log "duckgres exited at start"; cat "$WORK/duckgres.log" >&2; exit 1; }
  [[ $i == 100 ]] && { log "duckgres did not answer within 20 s"; exit 1; }
  sleep 0.2
done
psql "$(conninfo postgres require)" -qAtc 'SELECT 1' >/dev/null

DG_VERSION="$("$DUCKGRES_BIN" --version 2>/dev/null | head -1 || true)"
DG_SERVER_VERSION="$(psql "$(conninfo duckgres disable)" -qAtc 'SHOW server_version' 2>/dev/null || echo '?')"
DUCKDB_VERSION="$(psql "$(conninfo duckgres disable)" -qAtc 'SELECT version()' 2>/dev/null | head -1 || echo '?')"
PG_VERSION="$(psql "$(conninfo postgres disable)" -qAtc 'SHOW server_version')"
log "duckgres pid $DG_PID port $DG_PORT (server_version $DG_SERVER_VERSION); PostgreSQL $PG_VERSION port $PG_PORT"

# --- measurements --------------------------------------------------------------------------
RAW="$WORK/raw.tsv"  # measure  server  rep  value  detail-json
: >"$RAW"
LOAD_START="$(cut -d' ' -f1-3 /proc/loadavg)"
printf 'SELECT 1;\n' >"$WORK/select1.sql"
chmod 644 "$WORK/select1.sql"

run_pgbench() {  # run_pgbench SERVER SSLMODE ARGS... -> prints tps or FAIL:<reason>
  local server=$1 sslmode=$2; shift 2
  local out
  if out="$(PGSSLMODE=$sslmode pgbench -h 127.0.0.1 -p "$([[ $server == duckgres ]] && echo "$DG_PORT" || echo "$PG_PORT")" \
        -U "$USER_NAME" "$@" -f "$WORK/select1.sql" -T "$DURATION" "$DB_NAME" 2>&1)"; then
    local tps failed
    tps="$(grep -oP '^tps = \K[0-9.]+' <<<"$out" | head -1)"
    failed="$(grep -oP 'number of failed transactions: \K[0-9]+' <<<"$out" | head -1 || true)"
    if [[ -n "$tps" ]] && [[ "${failed:-0}" == 0 ]]; then echo "$tps"; return; fi
  fi
  echo "FAIL:$(grep -iE 'error|fatal|abort|failed' <<<"$out" | head -3 | tr '\n\t' '  ' | cut -c1-300)"
}

run_stream() {  # run_stream SERVER FORMAT MODE -> prints the wire_bench JSON or FAIL:<reason>
  local server=$1 format=$2 mode=$3 pid=0 out
  [[ $server == duckgres ]] && pid=$DG_PID
  local query="SELECT i, i * 2 AS b, 'text' || i AS c, i::float8 * 0.5 AS d FROM generate_series(1::int8, ${ROWS}::int8) AS t(i)"
  if out="$("$WIRE_BENCH" "$(conninfo "$server" disable)" "$query" "$format" "$mode" "$FETCH_SIZE" "$pid" 2>&1)"; then
    echo "$out"
  else
    echo "FAIL:$(tr '\n\t' '  ' <<<"$out" | cut -c1-300)"
  fi
}

record() {  # record MEASURE SERVER REP VALUE
  printf '%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$4" >>"$RAW"
}

measure_pgbench() {  # measure_pgbench NAME SSLMODE ARGS...
  local name=$1 sslmode=$2; shift 2
  for rep in $(seq 0 "$REPS"); do
    for server in duckgres postgres; do
      local v; v="$(run_pgbench "$server" "$sslmode" "$@")"
      log "$name [$server] rep $rep: $v"
      [[ $rep -gt 0 ]] && record "$name" "$server" "$rep" "$v"
    done
  done
}

measure_stream() {  # measure_stream FORMAT MODE
  local name="stream $1 $2"
  for rep in $(seq 0 "$REPS"); do
    for server in duckgres postgres; do
      local v; v="$(run_stream "$server" "$1" "$2")"
      log "$name [$server] rep $rep: $v"
      [[ $rep -gt 0 ]] && record "$name" "$server" "$rep" "$v"
    done
  done
}

measure_pgbench "connect+TLS+SCRAM+SELECT 1 (-C -c $CLIENTS_C)" require -n -C -c "$CLIENTS_C" -j "$CLIENTS_C"
measure_pgbench "SELECT 1 simple, -c 1" disable -n -M simple -c 1 -j 1
measure_pgbench "SELECT 1 prepared, -c 1" disable -n -M prepared -c 1 -j 1
measure_pgbench "SELECT 1 simple, -c 8" disable -n -M simple -c 8 -j 2
measure_pgbench "SELECT 1 prepared, -c 8" disable -n -M prepared -c 8 -j 2
for mode in $STREAM_MODES; do
  for format in text binary; do measure_stream "$format" "$mode"; done
done

# --- report --------------------------------------------------------------------------------
LOAD_END="$(cut -d' ' -f1-3 /proc/loadavg)"
log "load average at start: $LOAD_START, at end: $LOAD_END (other work on the machine skews results)"
mkdir -p "$RESULTS_DIR"
DG_SERVER_VERSION="$DG_SERVER_VERSION" DUCKDB_VERSION="$DUCKDB_VERSION" PG_VERSION="$PG_VERSION" \
  LOAD_START="$LOAD_START" LOAD_END="$LOAD_END" ROWS="$ROWS" REPS="$REPS" DURATION="$DURATION" FETCH_SIZE="$FETCH_SIZE" CLIENTS_C="$CLIENTS_C" \
  python3 - "$RAW" "$RESULTS_DIR/wire.json" <<'EOF'
import json, statistics, sys, datetime, platform, os
raw, out = sys.argv[1], sys.argv[2]
E = os.environ
rows = [l.rstrip("\n").split("\t", 3) for l in open(raw) if l.strip()]
order, data = [], {}
for measure, server, rep, value in rows:
    if measure not in data:
        order.append(measure); data[measure] = {"duckgres": [], "postgres": []}
    data[measure][server].append(value)

def summarize(values, streaming):
    fails = [v for v in values if v.startswith("FAIL:")]
    if fails:
        return {"error": fails[0][5:], "runs": values}
    if not streaming:
        nums = [float(v) for v in values]
        return {"median": statistics.median(nums), "runs": nums, "unit": "tps"}
    runs = [json.loads(v) for v in values]
    med = statistics.median(r["rows_per_s"] for r in runs)
    return {"median": med, "unit": "rows/s", "runs": runs,
            "mb_per_s": statistics.median(r["mb_per_s"] for r in runs),
            "datarow_bytes": runs[0]["datarow_bytes"],
            "rss_peak_kb": max(r["rss_peak_sampled_kb"] for r in runs),
            "rss_before_kb": min(r["rss_before_kb"] for r in runs),
            "hwm_after_kb": max(r["hwm_after_kb"] for r in runs)}

cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
result = {"generated": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
          "machine": {"nproc": os.cpu_count(), "cpu": cpu, "kernel": platform.release(),
                      "loadavg_start": E["LOAD_START"], "loadavg_end": E["LOAD_END"],
                      "mem_gb": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1)},
          "versions": {"duckgres_server_version": E["DG_SERVER_VERSION"], "duckgres_version()": E["DUCKDB_VERSION"],
                       "postgresql": E["PG_VERSION"]},
          "settings": {"rows": int(E["ROWS"]), "reps": int(E["REPS"]), "duration_s": int(E["DURATION"]),
                       "fetch_size": int(E["FETCH_SIZE"]), "connect_clients": int(E["CLIENTS_C"])},
          "measures": []}
fmt = lambda x: f"{x:,.0f}"
print("| measure | duckgres | PostgreSQL 15 | ratio duckgres/PG |")
print("|---|---:|---:|---:|")
for m in order:
    streaming = m.startswith("stream")
    d = summarize(data[m]["duckgres"], streaming)
    p = summarize(data[m]["postgres"], streaming)
    ratio = d["median"] / p["median"] if "median" in d and "median" in p and p["median"] else None
    result["measures"].append({"measure": m, "duckgres": d, "postgres": p, "ratio": ratio})
    unit = "rows/s" if streaming else ("conn/s" if "connect" in m else "tps")
    cell = lambda s: (f"{fmt(s['median'])} {unit}" if "median" in s else "FAILED: " + s["error"][:120].replace("|", "/"))
    print(f"| {m} | {cell(d)} | {cell(p)} | {'%.2f' % ratio if ratio else 'n/a'} |")
    if streaming and "median" in d and "median" in p:
        print(f"| {m}: MB/s (DataRow bytes) | {d['mb_per_s']:.1f} | {p['mb_per_s']:.1f} | {d['mb_per_s']/p['mb_per_s']:.2f} |")
        print(f"| {m}: server peak RSS (before) | {d['rss_peak_kb']/1024:.0f} MiB ({d['rss_before_kb']/1024:.0f}) | {p['rss_peak_kb']/1024:.0f} MiB ({p['rss_before_kb']/1024:.0f}) | |")
json.dump(result, open(out, "w"), indent=2)
EOF
log "wrote $RESULTS_DIR/wire.json"
