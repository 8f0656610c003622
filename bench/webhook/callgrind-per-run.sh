#!/usr/bin/env bash
# bench/webhook/callgrind-per-run.sh [-n EVENTS] [-c CONNECTIONS] [-f FUNCTIONS] BUILD_DIR...
#
# Instructions per run of `conduit-cli serve` on the benchmark's flow (webhook → mapping → HTTP
# to bench-sink), counted by callgrind: a figure the machine's load does not move, unlike the
# processor time cpu-per-run.sh reads. For each BUILD_DIR in turn: serve under callgrind
# (collecting in the main loops' dispatch and the history's threads, as the per-run work is
# there, not start-up), EVENTS events (default 400) posted over CONNECTIONS keep-alive
# connections (default 8), then serve stopped. Prints per build the instructions per run, the
# inclusive instructions per run of FUNCTIONS (comma-separated; a default list of the webhook
# path's), and the md5 of the history's items, which must be the same for every build: a
# change that saves instructions must not change what the history keeps. Then bench-relay of
# the first BUILD_DIR (libsoup alone, the issue's yardstick) under callgrind on the same events,
# with its instructions per request.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
events=400 connections=8
functions=handle_request,parse_json,conduit_run_record_items,begin_recording,json_generator_to_data,conduit_json_writer_to_string,json_parser_load_from_data,conduit_json_tree_parse,conduit_json_node_find_invalid_utf8,conduit_run_redact,g_signal_emit,g_object_new,malloc,free
while getopts n:c:f: opt; do
  case $opt in
    n) events=$OPTARG ;;
    c) connections=$OPTARG ;;
    f) functions=$OPTARG ;;
    *) exit 2 ;;
  esac
done
shift $((OPTIND - 1))
[ $# -ge 1 ] || { echo "usage: $0 [-n EVENTS] [-c CONNECTIONS] [-f FUNCTIONS] BUILD_DIR..." >&2; exit 2; }
builds=()
for b in "$@"; do builds+=("$(cd "$b" && pwd)"); done
scratch=$(mktemp -d "${TMPDIR:-/tmp}/conduit-callgrind-per-run.XXXXXX")
[ -z "${KEEP:-}" ] || echo "callgrind-per-run: files kept in $scratch" >&2
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; [ -n "${KEEP:-}" ] || rm -rf "$scratch"; }
trap cleanup EXIT

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

"${builds[0]}/bench/webhook/bench-sink" "$scratch/sink.port" & pids+=($!)
for _ in $(seq 1 100); do [ -s "$scratch/sink.port" ] && break; sleep 0.1; done
sink_port=$(cat "$scratch/sink.port")

# post_events PORT: EVENTS events over CONNECTIONS keep-alive connections, each answered 202
post_events() {
  python3 - "$1" "$events" "$connections" <<'PY'
import http.client, sys, threading
port, events, connections = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
# post.lua's body
body = '{"order_id":"A-1001","email":"  Ada@Example.COM ","total":"12.50","items":[{"sku":"X-1","qty":2}]}'
failed = []
def post(n):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    for _ in range(n):
        c.request("POST", "/hooks/bench", body, {"Content-Type": "application/json"})
        r = c.getresponse(); r.read()
        if r.status != 202:
            failed.append(r.status)
threads = [threading.Thread(target=post, args=(events // connections + (i < events % connections),))
           for i in range(connections)]
for t in threads: t.start()
for t in threads: t.join()
if failed:
    sys.exit("callgrind-per-run: %d events not accepted (%s)" % (len(failed), failed[:5]))
PY
}

n=0
for b in "${builds[@]}"; do
  n=$((n + 1))
  label="$(basename "$(dirname "$b")")/$(basename "$b")"
  port=$(free_port)
  sed -e "s/@PORT@/$port/" -e "s/@SINK_PORT@/$sink_port/" "$here/flow.conduit.in" > "$scratch/bench.conduit"
  rm -f "$scratch"/history.db*
  # G_SLICE=always-malloc: serve would re-exec itself with it (conduit-slice.c), out of callgrind;
  # conduit-cli-full, not the front, which would execv() it out of callgrind too
  cli="$b/src/cli/conduit-cli-full"
  [ -x "$cli" ] || cli="$b/src/cli/conduit-cli"
  G_SLICE=always-malloc valgrind --tool=callgrind --collect-atstart=no \
    --toggle-collect=g_main_context_dispatch --toggle-collect=writer_thread \
    --toggle-collect=checkpointer_thread --callgrind-out-file="$scratch/callgrind.out.$n" \
    "$cli" serve "$scratch/bench.conduit" --history "$scratch/history.db" \
    --keep-runs 0 --keep-days 0 > "$scratch/serve.log" 2>&1 &
  pid=$!
  for _ in $(seq 1 600); do (echo > "/dev/tcp/127.0.0.1/$port") 2>/dev/null && break; sleep 0.1; done
  before=$(curl -s "http://127.0.0.1:$sink_port/count")
  post_events "$port"
  for _ in $(seq 1 600); do
    [ $(( $(curl -s "http://127.0.0.1:$sink_port/count") - before )) -ge "$events" ] && break
    sleep 0.2
  done
  sleep 2  # the last runs' ends reach the history
  runs=$(( $(curl -s "http://127.0.0.1:$sink_port/count") - before ))
  kill -TERM "$pid"; wait "$pid" || true
  total=$(callgrind_annotate "$scratch/callgrind.out.$n" 2>/dev/null | awk '/PROGRAM TOTALS/ {gsub(",", "", $1); print $1}')
  md5=$(sqlite3 "$scratch/history.db" \
    "SELECT node_id, port, is_output, seq, data, size, truncated FROM items ORDER BY run_id, node_id, port, seq" | md5sum | cut -d' ' -f1)
  items=$(sqlite3 "$scratch/history.db" "SELECT count(*) FROM items")
  printf '%-32s runs %5d  Ir per run %9.1fk  history items %d md5 %s\n' "$label" "$runs" \
    "$(echo "$total / $runs / 1000" | bc -l)" "$items" "$md5"
  callgrind_annotate --inclusive=yes --threshold=100 "$scratch/callgrind.out.$n" 2>/dev/null > "$scratch/annotate.$n.txt"
  IFS=, read -r -a names <<< "$functions"
  for f in "${names[@]}"; do
    ir=$(awk -v f="$f" '{ n = $0; sub(/^[ 0-9,]+\([ 0-9.%]*\)? */, "", n); sub(/ .*$/, "", n);
                          sub(/^.*:/, "", n); if (n == f) { gsub(",", "", $1); s += $1 } }
                        END { print s + 0 }' "$scratch/annotate.$n.txt")
    printf '    %-36s %9.1fk per run (inclusive)\n' "$f" "$(echo "$ir / $runs / 1000" | bc -l)"
  done
done

# The relay: the same events, 2 threads (as serve's workers on this bench's machine)
rm -f "$scratch/relay.port"
valgrind --tool=callgrind --collect-atstart=no --toggle-collect=g_main_context_dispatch \
  --callgrind-out-file="$scratch/callgrind.out.relay" "${builds[0]}/bench/webhook/bench-relay" \
  "http://127.0.0.1:$sink_port/orders" "$scratch/relay.port" 2 > "$scratch/relay.log" 2>&1 &
pid=$!
for _ in $(seq 1 600); do [ -s "$scratch/relay.port" ] && break; sleep 0.1; done
before=$(curl -s "http://127.0.0.1:$sink_port/count")
post_events "$(cat "$scratch/relay.port")"
runs=$(( $(curl -s "http://127.0.0.1:$sink_port/count") - before ))
kill -TERM "$pid"; wait "$pid" || true
total=$(callgrind_annotate "$scratch/callgrind.out.relay" 2>/dev/null | awk '/PROGRAM TOTALS/ {gsub(",", "", $1); print $1}')
printf '%-32s runs %5d  Ir per run %9.1fk\n' "bench-relay (2 threads)" "$runs" \
  "$(echo "$total / $runs / 1000" | bc -l)"
