#!/usr/bin/env bash
# bench/history/writer-per-run.sh [-n EVENTS] CONDUIT_CLI [CONDUIT_CLI...]
#
# The SQLite history writer's instructions per run of `conduit-cli serve` (#23): the webhook
# benchmark's flow (bench/webhook/flow.conduit.in: webhook → mapping → HTTP to bench-sink) served
# by each CONDUIT_CLI in turn under callgrind, which counts the writer thread (and the
# checkpointer's) only, EVENTS events (default 400) posted over 8 keep-alive connections.
# Instruction counts do not move with the machine's load, so a baseline build and a changed one
# compare in one run. It also prints the steps the history holds, so the outputs can be compared.
# Group commit makes the commits a run vary with the timing: WRITER_PER_RUN_KEEP=DIR keeps the
# callgrind outputs, to compare functions (callgrind_annotate --inclusive=yes).
# bench-sink is taken from the build directory of the first CONDUIT_CLI.
set -euo pipefail
here=$(cd "$(dirname "$0")/../webhook" && pwd)
events=400
while getopts n: opt; do
  case $opt in
    n) events=$OPTARG ;;
    *) exit 2 ;;
  esac
done
shift $((OPTIND - 1))
[ $# -ge 1 ] || { echo "usage: $0 [-n EVENTS] CONDUIT_CLI..." >&2; exit 2; }
sink=$(dirname "$(dirname "$(dirname "$(readlink -f "$1")")")")/bench/webhook/bench-sink
[ -x "$sink" ] || { echo "writer-per-run: $sink not built" >&2; exit 1; }
scratch=$(mktemp -d "${TMPDIR:-/tmp}/conduit-writer-per-run.XXXXXX")
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$scratch"; }
trap cleanup EXIT

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

"$sink" "$scratch/sink.port" & pids+=($!)
for _ in $(seq 1 100); do [ -s "$scratch/sink.port" ] && break; sleep 0.1; done
sink_port=$(cat "$scratch/sink.port")

for cli in "$@"; do
  port=$(free_port)
  sed -e "s/@PORT@/$port/" -e "s/@SINK_PORT@/$sink_port/" "$here/flow.conduit.in" \
    > "$scratch/bench.conduit"
  rm -f "$scratch"/history.db* "$scratch"/callgrind.out
  # serve re-executes itself with G_SLICE=always-malloc on GLib < 2.76: set it here, so that
  # the process valgrind follows is the one serving
  G_SLICE=always-malloc valgrind --tool=callgrind --callgrind-out-file="$scratch/callgrind.out" \
    --collect-atstart=no --toggle-collect=writer_thread --toggle-collect=checkpointer_thread \
    "$cli" serve "$scratch/bench.conduit" --history "$scratch/history.db" \
    --keep-runs 0 --keep-days 0 > "$scratch/serve.log" 2>&1 &
  pid=$!
  for _ in $(seq 1 600); do
    (echo > "/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
    sleep 0.1
  done
  python3 - "$port" "$events" <<'EOF'
import http.client, sys, threading
port, events = int(sys.argv[1]), int(sys.argv[2])
body = ('{"order_id":"A-1001","email":"  Ada@Example.COM ","total":"12.50",'
        '"items":[{"sku":"X-1","qty":2}]}')
def post(n):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    for _ in range(n):
        c.request("POST", "/hooks/bench", body, {"Content-Type": "application/json"})
        r = c.getresponse(); r.read()
        if r.status >= 300:
            sys.exit("writer-per-run: the webhook answered %d" % r.status)
threads = [threading.Thread(target=post, args=(events // 8,)) for _ in range(8)]
for t in threads: t.start()
for t in threads: t.join()
EOF
  # the runs accepted finish before serve stops
  for _ in $(seq 1 600); do
    ended=$(sqlite3 "$scratch/history.db" \
              "SELECT COUNT(*) FROM runs WHERE status != 'running'" 2>/dev/null || echo 0)
    [ "$ended" -ge $((events / 8 * 8)) ] && break
    sleep 0.2
  done
  kill -TERM "$pid"; wait "$pid" || true
  # WRITER_PER_RUN_KEEP=DIR keeps each build's callgrind output there, for callgrind_annotate
  [ -z "${WRITER_PER_RUN_KEEP:-}" ] ||
    cp "$scratch/callgrind.out" "$WRITER_PER_RUN_KEEP/callgrind.$(echo "$cli" | tr / _)"
  runs=$(sqlite3 "$scratch/history.db" "SELECT COUNT(*) FROM runs")
  total=$(callgrind_annotate "$scratch/callgrind.out" 2>/dev/null |
          awk '/PROGRAM TOTALS/ {gsub(",", "", $1); print $1}')
  printf '%s: %d runs, writer+checkpointer %d instructions a run\n' "$cli" "$runs" $((total / runs))
  printf '  steps rows a run %s, statuses %s\n' \
    "$(sqlite3 "$scratch/history.db" "SELECT printf('%.2f', COUNT(*) * 1.0 / $runs) FROM steps")" \
    "$(sqlite3 "$scratch/history.db" "SELECT group_concat(s, ' ') FROM (SELECT node_id || ':' ||
            attempt || ':' || status || '=' || COUNT(*) AS s FROM steps
            GROUP BY node_id, attempt, status ORDER BY 1)")"
done
