#!/usr/bin/env bash
# bench/scale/bench.sh BUILD_DIR SCRATCH_DIR — see bench/run for the output contract.
#
# Past one server: the same flow as bench/webhook (a webhook, a mapping, an HTTP request to a
# local API, bench-sink) served four ways in one run, each fed the same fixed number of events
# (BENCH_EVENTS, default 3000) by the same small client at concurrency 16:
#
#   serve        one `conduit-cli serve` process with its SQLite history (the baseline)
#   nats-Nw      `serve --queue` on a private `nats-server -js`: one receiver and N = 1, 2, 3
#                workers (`--role worker`), each worker with its own SQLite history
#
# A run counts as completed when the API received its request and a history recorded it as
# succeeded. Completed runs/s is from the first event posted to the last run completed. CPU per
# completed run is the processor time (user + system, from /proc) of every process of the
# variant — receivers, workers, nats-server — divided by the completed runs; the client and
# the sink are left out, being the same for all. On a machine of C cores the variants cannot go
# beyond C × 1 s / (CPU per run): that projection is printed too, for the cores of this machine
# and for 8.
set -euo pipefail
build=$(cd "$1" && pwd)
scratch=$(cd "$2" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
events=${BENCH_EVENTS:-3000}
cli=$build/src/cli/conduit-cli
sink_bin=$build/bench/webhook/bench-sink
nats_bin=$(command -v nats-server || echo /usr/sbin/nats-server)
ticks=$(getconf CLK_TCK)
pids=()

log() { echo "bench/scale: $*" >&2; }
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT

for tool in sqlite3 curl python3; do
  command -v "$tool" >/dev/null || { log "$tool is not installed"; exit 1; }
done
[ -x "$nats_bin" ] || { log "nats-server is not installed (apt install nats-server)"; exit 1; }

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

wait_for_port() {
  for _ in $(seq 1 300); do
    (echo > "/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
    sleep 0.1
  done
  log "nothing listens on port $1"; return 1
}

wait_for_line() {  # wait_for_line FILE TEXT
  for _ in $(seq 1 300); do
    grep -q "$2" "$1" 2>/dev/null && return 0
    sleep 0.1
  done
  log "$1 never said “$2”:"; cat "$1" >&2; return 1
}

sink_count() { curl -s "http://127.0.0.1:$sink_port/count"; }

# Processor time of some processes, in clock ticks (utime + stime of /proc/PID/stat).
cpu_ticks() {
  local total=0 pid fields
  for pid in "$@"; do
    fields=$(sed 's/^.*) //' "/proc/$pid/stat")
    total=$(( total + $(echo "$fields" | awk '{print $12 + $13}') ))
  done
  echo "$total"
}

succeeded() {  # succeeded DB…: succeeded runs in these histories
  local total=0 db
  for db in "$@"; do
    total=$(( total + $(sqlite3 "$db" "SELECT COUNT(*) FROM runs WHERE status = 'succeeded'") ))
  done
  echo "$total"
}

# The client: posts $events events over 16 keep-alive connections, each answered 202.
post_events() {
  python3 - "$1" "$events" <<'PY'
import http.client, sys, threading, urllib.parse
url = urllib.parse.urlsplit(sys.argv[1]); total = int(sys.argv[2])
body = b'{"order_id":"A-1001","email":"  Ada@Example.COM ","total":"12.50","items":[{"sku":"X-1","qty":2}]}'
lock = threading.Lock(); state = {"next": 0, "bad": 0}
def work():
    conn = http.client.HTTPConnection(url.hostname, url.port)
    while True:
        with lock:
            if state["next"] >= total: break
            state["next"] += 1
        conn.request("POST", url.path, body, {"Content-Type": "application/json"})
        r = conn.getresponse(); r.read()
        if r.status != 202:
            with lock: state["bad"] += 1
threads = [threading.Thread(target=work) for _ in range(16)]
for t in threads: t.start()
for t in threads: t.join()
if state["bad"]: print(f"bench/scale: {state['bad']} events were not accepted", file=sys.stderr)
PY
}

"$sink_bin" "$scratch/sink.port" & pids+=($!)
for _ in $(seq 1 50); do [ -s "$scratch/sink.port" ] && break; sleep 0.1; done
sink_port=$(cat "$scratch/sink.port")

declare -A rate cpu labels
# measure NAME DB… — after the variant's processes ($procs) serve on $url
measure() {
  local name=$1; shift
  local sink_before cpu_before start end cpu_after done_runs ok
  local -A each_before
  local p split=""
  for p in "${procs[@]}"; do each_before[$p]=$(cpu_ticks "$p"); done
  sink_before=$(sink_count)
  cpu_before=$(cpu_ticks "${procs[@]}")
  start=$(date +%s.%N)
  post_events "$url"
  for _ in $(seq 1 1200); do
    [ $(( $(sink_count) - sink_before )) -ge "$events" ] && [ "$(succeeded "$@")" -ge "$events" ] && break
    sleep 0.05
  done
  end=$(date +%s.%N)
  cpu_after=$(cpu_ticks "${procs[@]}")
  ok=$(succeeded "$@")
  done_runs=$(( $(sink_count) - sink_before ))
  [ "$ok" -lt "$done_runs" ] && done_runs=$ok
  [ "$done_runs" -lt "$events" ] && log "  only $done_runs of $events runs completed"
  rate[$name]=$(python3 -c "print(round($done_runs / ($end - $start), 1))")
  cpu[$name]=$(python3 -c "print(round(($cpu_after - $cpu_before) * 1e6 / $ticks / max($done_runs, 1), 1))")
  log "  $name: $done_runs runs, ${rate[$name]} runs/s, ${cpu[$name]} µs CPU per run"
  # where the processor time went, µs per run, in the order the processes were started
  for p in "${procs[@]}"; do
    split+=" ${labels[$p]}=$(python3 -c "print(round(($(cpu_ticks "$p") - ${each_before[$p]}) * 1e6 / $ticks / max($done_runs, 1)))")"
  done
  log "   per process:$split"
}

stop_all() {
  local p
  for p in "${procs[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
  for p in "${procs[@]}"; do wait "$p" 2>/dev/null || true; done
}

flow_for() {  # flow_for PORT
  sed -e "s/@PORT@/$1/" -e "s/@SINK_PORT@/$sink_port/" "$here/../webhook/flow.conduit.in" \
    > "$scratch/bench-$1.conduit"
  echo "$scratch/bench-$1.conduit"
}

# serve: one process, SQLite
port=$(free_port)
flow=$(flow_for "$port")
"$cli" validate "$flow" >&2
log "serve (SQLite), $events events"
"$cli" serve "$flow" --history "$scratch/serve.db" --keep-runs 0 --keep-days 0 \
  > "$scratch/serve.log" 2>&1 &
procs=($!); pids+=($!); labels[$!]=serve
wait_for_port "$port"
url=http://127.0.0.1:$port/hooks/bench
measure serve "$scratch/serve.db"
stop_all

# serve --queue: one receiver, N workers, a nats-server of their own
for n in 1 2 3; do
  name=nats-${n}w
  log "NATS, one receiver and $n worker(s), $events events"
  nats_port=$(free_port)
  "$nats_bin" -js -a 127.0.0.1 -p "$nats_port" -sd "$scratch/$name-js" > "$scratch/$name-nats.log" 2>&1 &
  procs=($!); pids+=($!); labels[$!]=nats-server
  wait_for_port "$nats_port"
  nats=nats://127.0.0.1:$nats_port
  dbs=()
  for w in $(seq 1 "$n"); do
    db=$scratch/$name-worker$w.db; dbs+=("$db")
    "$cli" serve "$flow" --history "$db" --keep-runs 0 --keep-days 0 --queue "$nats" \
      --role worker > "$scratch/$name-worker$w.log" 2>&1 &
    procs+=($!); pids+=($!); labels[$!]=worker$w
    wait_for_line "$scratch/$name-worker$w.log" "running its events from"
  done
  port=$(free_port)
  flow=$(flow_for "$port")
  "$cli" serve "$flow" --history "$scratch/$name-receiver.db" --queue "$nats" \
    > "$scratch/$name-receiver.log" 2>&1 &
  procs+=($!); pids+=($!); labels[$!]=receiver
  wait_for_port "$port"
  url=http://127.0.0.1:$port/hooks/bench
  measure "$name" "${dbs[@]}"
  stop_all
done

cores=$(nproc)
for name in nats-1w nats-2w nats-3w; do
  printf 'completed runs/s, %s (%s cores)\t%s\truns/s\tserve (SQLite)\t%s\thigher\n' \
    "$name" "$cores" "${rate[$name]}" "${rate[serve]}"
  printf 'CPU per completed run, %s\t%s\tµs\tserve (SQLite)\t%s\tlower\n' \
    "$name" "${cpu[$name]}" "${cpu[serve]}"
done
for name in serve nats-1w nats-2w nats-3w; do
  for c in "$cores" 8; do
    printf 'projected runs/s on %s cores, %s\t%s\truns/s\t-\t-\thigher\n' "$c" "$name" \
      "$(python3 -c "print(round($c * 1e6 / max(${cpu[$name]}, 1), 0))")"
  done
done
