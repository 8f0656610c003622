#!/usr/bin/env bash
# bench/webhook/bench.sh BUILD_DIR SCRATCH_DIR — see bench/run for the output contract.
#
# One flow, run by Conduit and by Node-RED in turn on this machine: a webhook receives an order,
# a mapping reshapes it, an HTTP request sends it to a local API (bench-sink), driven by wrk at
# concurrency 16 and 64 for BENCH_SECONDS (default 10) each. A run counts as completed when the
# API received its request; for Conduit it must also be recorded as succeeded in the history,
# so the figure is min(requests the sink received, runs recorded as succeeded) per second.
# Latency is wrk's p50/p99 of the webhook answer (Conduit answers 202 once the event is
# committed to its history; Node-RED answers after its request returned). Resident memory is
# the peak VmRSS sampled while serving.
#
# The sink (bench-sink) is a minimal epoll HTTP server: a real API runs elsewhere, so here it
# should take as little as possible of the two cores the runners are measured on. A third
# contestant, bench-relay, is libsoup alone (server in, client out, no mapping, no history, as
# many threads as Conduit's workers): the ceiling for any runner built on libsoup here. CPU per
# completed run is the serving process's processor time (user + system) over the runs completed
# while wrk drove it, for Conduit and for the relay.
set -euo pipefail
build=$(cd "$1" && pwd)
scratch=$(cd "$2" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
seconds=${BENCH_SECONDS:-10}
cli=$build/src/cli/conduit-cli
sink_bin=$build/bench/webhook/bench-sink
relay_bin=$build/bench/webhook/bench-relay
pids=()

log() { echo "bench/webhook: $*" >&2; }
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT

for tool in wrk sqlite3 npm node curl python3; do
  command -v "$tool" >/dev/null || { log "$tool is not installed"; exit 1; }
done

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

sink_count() { curl -s "http://127.0.0.1:$sink_port/count"; }

# Processor time (user + system) of a process so far, in microseconds, from /proc/PID/stat.
cpu_us() {
  sed 's/^.*) //' "/proc/$1/stat" | awk -v hz="$(getconf CLK_TCK)" '{printf "%d", ($12 + $13) * 1e6 / hz}'
}

# Peak resident memory of a process while it serves, in MB.
sample_rss() {
  local pid=$1 out=$2 peak=0 kb
  while kill -0 "$pid" 2>/dev/null; do
    kb=$(awk '/VmRSS/ {print $2}' "/proc/$pid/status" 2>/dev/null || echo 0)
    [ "${kb:-0}" -gt "$peak" ] && peak=$kb && echo "$peak" > "$out"
    sleep 0.2
  done
}

# wrk's latency percentiles in milliseconds.
percentile() {
  awk -v p="$1%" '$1 == p { v = $2; if (v ~ /us$/) { sub("us", "", v); v /= 1000 }
                            else if (v ~ /ms$/) { sub("ms", "", v) }
                            else if (v ~ /s$/) { sub("s", "", v); v *= 1000 }
                            printf "%.2f", v }' "$2"
}

drive() {  # drive URL CONCURRENCY OUT
  wrk -t2 -c"$2" -d"${seconds}s" --latency -s "$here/post.lua" "$1" > "$3"
  grep -q "Non-2xx" "$3" && log "some answers were not 2xx: $(grep Non-2xx "$3")"
  true
}

"$sink_bin" "$scratch/sink.port" & pids+=($!)
for _ in $(seq 1 50); do [ -s "$scratch/sink.port" ] && break; sleep 0.1; done
sink_port=$(cat "$scratch/sink.port")

# Conduit
conduit_port=$(free_port)
sed -e "s/@PORT@/$conduit_port/" -e "s/@SINK_PORT@/$sink_port/" "$here/flow.conduit.in" > "$scratch/bench.conduit"
"$cli" validate "$scratch/bench.conduit" >&2
db=$scratch/history.db
"$cli" serve "$scratch/bench.conduit" --history "$db" --keep-runs 0 --keep-days 0 > "$scratch/serve.log" 2>&1 &
conduit_pid=$!; pids+=($conduit_pid)
wait_for_port "$conduit_port"
sample_rss "$conduit_pid" "$scratch/conduit.rss" & pids+=($!)
url=http://127.0.0.1:$conduit_port/hooks/bench

declare -A c_runs c_p50 c_p99 c_recorded c_cpu
for c in 16 64; do
  log "Conduit, $c connections, ${seconds} s"
  sink_before=$(sink_count)
  cpu_before=$(cpu_us "$conduit_pid")
  ok_before=$(sqlite3 "$db" "SELECT COUNT(*) FROM runs WHERE status = 'succeeded'")
  all_before=$(sqlite3 "$db" "SELECT COUNT(*) FROM runs")
  drive "$url" "$c" "$scratch/conduit-$c.wrk"
  # let the runs already accepted finish
  for _ in $(seq 1 100); do
    [ "$(sqlite3 "$db" "SELECT COUNT(*) FROM runs WHERE status = 'running'")" = 0 ] && break
    sleep 0.1
  done
  sink=$(( $(sink_count) - sink_before ))
  ok=$(( $(sqlite3 "$db" "SELECT COUNT(*) FROM runs WHERE status = 'succeeded'") - ok_before ))
  all=$(( $(sqlite3 "$db" "SELECT COUNT(*) FROM runs") - all_before ))
  accepted=$(awk '/requests in/ {print $1}' "$scratch/conduit-$c.wrk")
  done_runs=$(( sink < ok ? sink : ok ))
  c_cpu[$c]=$(( ($(cpu_us "$conduit_pid") - cpu_before) / (done_runs > 0 ? done_runs : 1) ))
  c_runs[$c]=$(python3 -c "print(round($done_runs / $seconds, 1))")
  c_p50[$c]=$(percentile 50 "$scratch/conduit-$c.wrk")
  c_p99[$c]=$(percentile 99 "$scratch/conduit-$c.wrk")
  # wrk counts the answers that arrived within its time; events accepted just after are in the
  # history too, so the share is of the answered ones found there (with none left running).
  running=$(sqlite3 "$db" "SELECT COUNT(*) FROM runs WHERE status != 'succeeded'")
  [ "$running" = 0 ] || log "  $running runs did not succeed"
  c_recorded[$c]=$(python3 -c "print(round(100.0 * min($all, $accepted) / max($accepted, 1), 2))")
  log "  accepted $accepted, recorded $all, succeeded $ok, sink received $sink, ${c_cpu[$c]} µs CPU per run"
done
kill -TERM "$conduit_pid"; wait "$conduit_pid" || true
conduit_rss=$(python3 -c "print(round($(cat "$scratch/conduit.rss") / 1024, 1))")

# The libsoup ceiling
workers=$(nproc)
"$relay_bin" "http://127.0.0.1:$sink_port/orders" "$scratch/relay.port" "$workers" &
relay_pid=$!; pids+=($relay_pid)
for _ in $(seq 1 50); do [ -s "$scratch/relay.port" ] && break; sleep 0.1; done
relay_url=http://127.0.0.1:$(cat "$scratch/relay.port")/hooks/bench
declare -A r_runs r_cpu
for c in 16 64; do
  log "libsoup relay ($workers threads), $c connections, ${seconds} s"
  sink_before=$(sink_count)
  cpu_before=$(cpu_us "$relay_pid")
  drive "$relay_url" "$c" "$scratch/relay-$c.wrk"
  sleep 0.5
  sink=$(( $(sink_count) - sink_before ))
  r_cpu[$c]=$(( ($(cpu_us "$relay_pid") - cpu_before) / (sink > 0 ? sink : 1) ))
  r_runs[$c]=$(python3 -c "print(round($sink / $seconds, 1))")
  log "  sink received $sink, ${r_cpu[$c]} µs CPU per request"
done

# Node-RED, installed from npm for this run
log "installing Node-RED from npm"
npm install --prefix "$scratch/node-red" node-red --no-audit --no-fund --loglevel=error >&2
nr_port=$(free_port)
mkdir -p "$scratch/nr-user"
sed -e "s/@SINK_PORT@/$sink_port/" "$here/node-red-flows.json.in" > "$scratch/nr-user/flows.json"
sed -e "s/@PORT@/$nr_port/" "$here/node-red-settings.js.in" > "$scratch/nr-user/settings.js"
node "$scratch/node-red/node_modules/node-red/red.js" --userDir "$scratch/nr-user" \
  --settings "$scratch/nr-user/settings.js" > "$scratch/node-red.log" 2>&1 &
nr_pid=$!; pids+=($nr_pid)
wait_for_port "$nr_port"
sleep 1
sample_rss "$nr_pid" "$scratch/node-red.rss" & pids+=($!)
nr_url=http://127.0.0.1:$nr_port/hooks/bench

declare -A n_runs n_p50 n_p99
for c in 16 64; do
  log "Node-RED, $c connections, ${seconds} s"
  sink_before=$(sink_count)
  drive "$nr_url" "$c" "$scratch/node-red-$c.wrk"
  sleep 0.5
  sink=$(( $(sink_count) - sink_before ))
  n_runs[$c]=$(python3 -c "print(round($sink / $seconds, 1))")
  n_p50[$c]=$(percentile 50 "$scratch/node-red-$c.wrk")
  n_p99[$c]=$(percentile 99 "$scratch/node-red-$c.wrk")
  log "  sink received $sink"
done
kill "$nr_pid"; wait "$nr_pid" 2>/dev/null || true
nr_rss=$(python3 -c "print(round($(cat "$scratch/node-red.rss") / 1024, 1))")

for c in 16 64; do
  printf 'completed runs/s, c=%s\t%s\truns/s\tNode-RED\t%s\thigher\n' "$c" "${c_runs[$c]}" "${n_runs[$c]}"
  printf 'libsoup relay ceiling, c=%s\t%s\truns/s\tNode-RED\t%s\thigher\n' "$c" "${r_runs[$c]}" "${n_runs[$c]}"
  printf 'webhook answer p50, c=%s\t%s\tms\tNode-RED\t%s\tlower\n' "$c" "${c_p50[$c]}" "${n_p50[$c]}"
  printf 'webhook answer p99, c=%s\t%s\tms\tNode-RED\t%s\tlower\n' "$c" "${c_p99[$c]}" "${n_p99[$c]}"
  printf 'accepted events in history, c=%s\t%s\t%%\t-\t-\thigher\n' "$c" "${c_recorded[$c]}"
  printf 'CPU per completed run, c=%s\t%s\tµs\tlibsoup relay\t%s\tlower\n' "$c" "${c_cpu[$c]}" "${r_cpu[$c]}"
done
printf 'peak resident memory serving\t%s\tMB\tNode-RED\t%s\tlower\n' "$conduit_rss" "$nr_rss"
