#!/usr/bin/env bash
# bench/db/bench.sh BUILD_DIR SCRATCH — 200,000 mapped rows into PostgreSQL through a flow,
# against psql \copy and a python3 psycopg2 execute_batch script, same run, same server.
set -euo pipefail
build=$1
scratch=$2
exe="$build/bench/bench-db"
[ -x "$exe" ] || { echo "bench-db not built" >&2; exit 1; }
chmod 755 "$scratch"
# DB_ROWS rows (200,000); DB_BATCH rows per transaction for the writer alone (5,000)
"$exe" "$scratch" "${DB_ROWS:-200000}"
