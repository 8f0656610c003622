#!/usr/bin/env bash
# bench/webhook/cpu-per-run.sh [-s SECONDS] [-c CONNECTIONS] [-r ROUNDS] BUILD_DIR [BUILD_DIR...]
#
# The processor-time half of bench.sh, without Node-RED (which needs npm and the network): the
# benchmark's flow served by `conduit-cli serve` of each BUILD_DIR in turn, then bench-relay
# (libsoup alone) of the first, each driven by wrk for SECONDS (default 10) at CONNECTIONS
# (default 16), ROUNDS times (default 2), alternating, so that a baseline build and a changed
# one are measured in the same run under the same load. For each it prints the processor time
# (user + system) over the runs the sink received, and per thread name the processor time and
# voluntary context switches per run: on a shared machine those move less with the load than
# wall-clock figures do.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
seconds=10 connections=16 rounds=2
while getopts s:c:r: opt; do
  case $opt in
    s) seconds=$OPTARG ;;
    c) connections=$OPTARG ;;
    r) rounds=$OPTARG ;;
    *) exit 2 ;;
  esac
done
shift $((OPTIND - 1))
[ $# -ge 1 ] || { echo "usage: $0 [-s SECONDS] [-c CONNECTIONS] [-r ROUNDS] BUILD_DIR..." >&2; exit 2; }
builds=()
for b in "$@"; do builds+=("$(cd "$b" && pwd)"); done
hz=$(getconf CLK_TCK)
scratch=$(mktemp -d "${TMPDIR:-/tmp}/conduit-cpu-per-run.XXXXXX")
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$scratch"; }
trap cleanup EXIT

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

wait_for_file() {
  for _ in $(seq 1 100); do [ -s "$1" ] && return 0; sleep 0.1; done
  echo "cpu-per-run: $1 was not written" >&2; return 1
}

cpu_us() {  # user + system of a process or thread so far, in µs
  sed 's/^.*) //' "$1/stat" | awk -v hz="$hz" '{printf "%d", ($12 + $13) * 1e6 / hz}'
}

threads() {  # one line per thread: name, µs of processor time, voluntary switches
  local line
  for t in /proc/"$1"/task/*; do
    # a thread may end while it is read (GLib's worker pool): it is left out
    line=$( { printf '%s %s %s\n' "$(tr ' ' _ < "$t/comm")" "$(cpu_us "$t")" \
                "$(awk '/^voluntary_ctxt_switches/ {print $2}' "$t/status")"; } 2>/dev/null) || continue
    echo "$line"
  done
}

# measure LABEL PID URL: drives URL, prints the figures per completed run
measure() {
  local label=$1 pid=$2 url=$3 before after sink_before runs cpu
  wrk -t1 -c"$connections" -d2s -s "$here/post.lua" "$url" > /dev/null  # warm up
  sleep 0.5
  threads "$pid" > "$scratch/t0"
  sink_before=$(curl -s "http://127.0.0.1:$sink_port/count")
  before=$(cpu_us "/proc/$pid")
  wrk -t2 -c"$connections" -d"${seconds}s" -s "$here/post.lua" "$url" > "$scratch/wrk.txt"
  sleep 1  # the runs already accepted finish
  after=$(cpu_us "/proc/$pid")
  runs=$(( $(curl -s "http://127.0.0.1:$sink_port/count") - sink_before ))
  threads "$pid" > "$scratch/t1"
  cpu=$(( (after - before) / (runs > 0 ? runs : 1) ))
  printf '%-24s c=%-3s runs %7d  runs/s %7.1f  CPU per run %5d µs\n' "$label" "$connections" \
    "$runs" "$(echo "$runs / $seconds" | bc -l)" "$cpu"
  join <(sort "$scratch/t0" | awk '{c[$1]+=$2; s[$1]+=$3} END {for (k in c) print k, c[k], s[k]}' | sort) \
       <(sort "$scratch/t1" | awk '{c[$1]+=$2; s[$1]+=$3} END {for (k in c) print k, c[k], s[k]}' | sort) |
    awk -v n="$runs" '{ cpu = ($4 - $2) / (n > 0 ? n : 1); sw = ($5 - $3) / (n > 0 ? n : 1);
                        if (cpu >= 0.5) printf "    thread %-16s %6.1f µs  %5.2f switches per run\n", $1, cpu, sw }'
}

"${builds[0]}/bench/webhook/bench-sink" "$scratch/sink.port" & pids+=($!)
wait_for_file "$scratch/sink.port"
sink_port=$(cat "$scratch/sink.port")

for round in $(seq 1 "$rounds"); do
  echo "round $round" >&2
  for b in "${builds[@]}"; do
    port=$(free_port)
    sed -e "s/@PORT@/$port/" -e "s/@SINK_PORT@/$sink_port/" "$here/flow.conduit.in" > "$scratch/bench.conduit"
    rm -f "$scratch"/history.db*
    "$b/src/cli/conduit-cli" serve "$scratch/bench.conduit" --history "$scratch/history.db" \
      --keep-runs 0 --keep-days 0 > "$scratch/serve.log" 2>&1 &
    pid=$!
    for _ in $(seq 1 300); do (echo > "/dev/tcp/127.0.0.1/$port") 2>/dev/null && break; sleep 0.1; done
    measure "serve $(basename "$(dirname "$b")")/$(basename "$b")" "$pid" "http://127.0.0.1:$port/hooks/bench"
    kill -TERM "$pid"; wait "$pid" || true
  done
  rm -f "$scratch/relay.port"
  "${builds[0]}/bench/webhook/bench-relay" "http://127.0.0.1:$sink_port/orders" "$scratch/relay.port" "$(nproc)" &
  pid=$!
  wait_for_file "$scratch/relay.port"
  measure "bench-relay ($(nproc) threads)" "$pid" "http://127.0.0.1:$(cat "$scratch/relay.port")/hooks/bench"
  kill "$pid"; wait "$pid" 2>/dev/null || true
done
