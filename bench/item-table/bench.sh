#!/usr/bin/env bash
# bench/item-table/bench.sh BUILD_DIR SCRATCH — a step's items in the run panel: the time until a
# window shows 1,000, 10,000 and 100,000 items as the item table, against the JSON text view the run panel
# used before (see bench-item-table.c).
set -euo pipefail
build=$1
here=$(cd "$(dirname "$0")" && pwd)
exe="$build/bench/bench-item-table"
[ -x "$exe" ] || { echo "bench-item-table not built (configure with -Dapp=true)" >&2; exit 1; }
GSK_RENDERER=cairo "$here/../../tests/run-headless" "$exe" "${ITEM_TABLE_ROUNDS:-3}"
