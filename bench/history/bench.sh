#!/usr/bin/env bash
# bench/history/bench.sh BUILD_DIR SCRATCH — opening and scrolling a history of 100,000 runs
# through the paging run list model, against loading every run into a GListStore at once.
set -euo pipefail
build=$1
scratch=$2
exe="$build/bench/bench-history"
[ -x "$exe" ] || { echo "bench-history not built (configure with -Dapp=true)" >&2; exit 1; }
"$exe" "$scratch" "${HISTORY_RUNS:-100000}"
