#!/usr/bin/env bash
# bench/canvas/bench.sh BUILD_DIR SCRATCH — frame times of the graph canvas with 1,000 nodes
# and 1,500 links, against a naive redraw of the same frames (see bench-canvas.c).
set -euo pipefail
build=$1
here=$(cd "$(dirname "$0")" && pwd)
exe="$build/bench/bench-canvas"
[ -x "$exe" ] || { echo "bench-canvas not built (configure with -Dapp=true)" >&2; exit 1; }
GSK_RENDERER=cairo "$here/../../tests/run-headless" "$exe" "${CANVAS_ROUNDS:-3}"
