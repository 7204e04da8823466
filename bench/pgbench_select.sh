#!/bin/bash
# pgbench select-only (-S) against a fresh duckgres on the default database: simple and
# extended protocol, 1 and 8 clients, 8 s each (docs/operations.md's query-log cost).
#   bench/pgbench_select.sh BINARY [server flags, e.g. --query-profiling off]
BIN=$1; shift; D=$(mktemp -d); PORT=25999
DUCKGRES_ADMIN_PASSWORD=secret DUCKGRES_ADMIN_TOKEN=t1 $BIN serve --port $PORT --http-port 25998 --data-dir $D "$@" > $D/log 2>&1 &
P=$!; sleep 2
export PGPASSWORD=secret
pgbench -i -s 1 -h 127.0.0.1 -p $PORT -U duckgres duckgres > /dev/null 2>&1
for M in simple extended; do for C in 1 8; do
  echo "$M c$C $(pgbench -n -S -M $M -c $C -j 2 -T 8 -h 127.0.0.1 -p $PORT -U duckgres duckgres 2>/dev/null | grep -o 'tps = [0-9.]*')"
done; done
kill $P; wait $P 2>/dev/null; rm -rf $D
