#!/usr/bin/env bash
# bench/scale/bench.sh BUILD_DIR SCRATCH_DIR — see bench/run for the output contract.
#
# Past one server: the same flow as bench/webhook (a webhook, a mapping, an HTTP request to a
# local API, bench-sink) served seven ways in one run, each fed the same fixed number of events
# (BENCH_EVENTS, default 3000) by the same small client at concurrency 16:
#
#   serve        one `conduit-cli serve` process with its SQLite history (the baseline)
#   nats-Nw      `serve --queue` on a private `nats-server -js`: one receiver and N = 1, 2, 3
#                workers (`--role worker`), each worker with its own SQLite history
#   nats-pg-Nw   the same with `--history postgresql://…`: receiver and workers share one
#                PostgreSQL 15 started for the run by bench-scale-pg (the tests' server helper)
#
# A run counts as completed when the API received its request and a history recorded it as
# succeeded. Completed runs/s is from the first event posted to the last run completed. CPU per
# completed run is the processor time (user + system, from /proc) of every process of the
# variant — receivers, workers, nats-server, and for nats-pg the PostgreSQL server with all its
# backends — divided by the completed runs; the client and the sink are left out, being the
# same for all. On a machine of C cores the variants cannot go beyond C × 1 s / (CPU per run):
# that projection is printed too, for the cores of this machine and for 8.
#
# BENCH_VARIANTS="serve nats-pg-1w" runs only those. BENCH_BASELINE_BUILD=DIR runs each variant
# a second time, right after, with DIR's conduit-cli (another build, say main's), and prints
# its CPU per run as the baseline of the row: a change is judged in the same run.
# BENCH_PERF=DIR records a profile (perf record -g) of each variant's processes into DIR.
# BENCH_THREADS=1 prints, per process, each thread's user and system time and its context
# switches per run (what callgrind does not count: system calls, wake-ups between threads).
# BENCH_PG_STATEMENTS=1 starts PostgreSQL with pg_stat_statements and prints the statements it
# ran per run, and the time it spent planning and running them (the extension's cost is then in
# PostgreSQL's processor time: compare these figures, not that).
# BENCH_CALLGRIND=DIR runs serve, the receivers and the workers under callgrind, counting
# instructions only while the events run (not the start-up), into DIR/VARIANT-TAG-ROLE.PID.cg:
# instruction counts per run that the machine's load does not move (its CPU figures are then
# valgrind's, not ours). nats-server and PostgreSQL are not counted: compare their CPU.
set -euo pipefail
build=$(cd "$1" && pwd)
scratch=$(cd "$2" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
events=${BENCH_EVENTS:-3000}
cli=$build/src/cli/conduit-cli
base_cli=${BENCH_BASELINE_BUILD:+$(cd "$BENCH_BASELINE_BUILD" && pwd)/src/cli/conduit-cli}
pg_bin=$build/bench/bench-scale-pg
variants=${BENCH_VARIANTS:-serve nats-1w nats-2w nats-3w nats-pg-1w nats-pg-2w nats-pg-3w}
sink_bin=$build/bench/webhook/bench-sink
nats_bin=$(command -v nats-server || echo /usr/sbin/nats-server)
ticks=$(getconf CLK_TCK)
slow=1                              # waits are this many times longer under callgrind
[ -n "${BENCH_CALLGRIND:-}" ] && slow=20
pids=()

log() { echo "bench/scale: $*" >&2; }
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT

for tool in sqlite3 curl python3 psql; do
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
  for _ in $(seq 1 $(( 300 * slow ))); do
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

# Processor time of the PostgreSQL server: the postmaster with the children it reaped, and the
# backends, writers and checkpointer still alive.
pg_ticks() {
  local total children
  total=$(sed 's/^.*) //' "/proc/$pg_pid/stat" | awk '{print $12 + $13 + $14 + $15}')
  children=$(ps -o pid= --ppid "$pg_pid" | tr '\n' ' ')
  # shellcheck disable=SC2086
  [ -n "${children// /}" ] && total=$(( total + $(cpu_ticks_alive $children) ))
  echo "$total"
}

cpu_ticks_alive() {  # like cpu_ticks, for processes that may end meanwhile
  local total=0 pid
  for pid in "$@"; do
    total=$(( total + $(sed 's/^.*) //' "/proc/$pid/stat" 2>/dev/null \
                         | awk '{print $12 + $13} END {if (NR == 0) print 0}') ))
  done
  echo "$total"
}

ticks_of() {  # ticks_of PROC…: as cpu_ticks, "pg" standing for the PostgreSQL server
  local total=0 p
  for p in "$@"; do
    if [ "$p" = pg ]; then total=$(( total + $(pg_ticks) ))
    else total=$(( total + $(cpu_ticks "$p") )); fi
  done
  echo "$total"
}

pg_succeeded() {
  psql "$pg_url" -tAc "SELECT COUNT(*) FROM conduit_runs WHERE status = 'succeeded'" 2>/dev/null \
    || echo 0
}

# What the PostgreSQL server wrote: WAL bytes (exact), and per table rows inserted, updated
# (HOT: without new index entries) and deleted, as its statistics say.
pg_written() {
  psql "$pg_url" -tAF ' ' -c "SELECT 'wal',
    pg_wal_lsn_diff (pg_current_wal_lsn (), '0/0')::bigint::text
    UNION ALL SELECT 'xact', xact_commit::text FROM pg_stat_database
    WHERE datname = current_database ()
    UNION ALL SELECT relname, n_tup_ins || ' ' || n_tup_upd || ' ' || n_tup_hot_upd || ' '
    || n_tup_del FROM pg_stat_user_tables WHERE relname LIKE 'conduit_%'" | tr '\n' ';'
  # with BENCH_PG_STATEMENTS, the statements the server ran (BEGIN and COMMIT included)
  [ -n "${BENCH_PG_STATEMENTS:-}" ] && psql "$pg_url" -tAF ' ' -c "SELECT 'statements',
    COALESCE(SUM(calls), 0)::bigint,
    (COALESCE(SUM(total_plan_time), 0) * 1000)::bigint,
    (COALESCE(SUM(total_exec_time), 0) * 1000)::bigint
    FROM pg_stat_statements s JOIN pg_roles r ON r.oid = s.userid
    WHERE r.rolname = 'app' AND s.query NOT LIKE '%pg\\_%' AND s.query NOT LIKE 'SELECT COUNT(*)%'" | tr '\n' ';'
  return 0
}

# Per thread of some processes: name, user and system ticks, voluntary and involuntary context
# switches (BENCH_THREADS), as JSON.
thread_snapshot() {
  python3 - "$@" <<'PY'
import json, os, sys
out = {}
for pid in sys.argv[1:]:
    threads = {}
    try:
        tids = os.listdir(f"/proc/{pid}/task")
    except OSError:
        tids = []
    for tid in tids:
        try:
            stat = open(f"/proc/{pid}/task/{tid}/stat").read()
            status = open(f"/proc/{pid}/task/{tid}/status").read().splitlines()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2:].split()
        switches = [int(l.split()[1]) for l in status if "ctxt_switches" in l]
        threads[tid] = [stat[stat.index("(") + 1:stat.rindex(")")], int(fields[11]),
                        int(fields[12])] + switches
    out[pid] = threads
print(json.dumps(out))
PY
}

# Prints where each process's time went by thread name, per run: user and system µs, context
# switches (voluntary + involuntary): what callgrind does not see (system calls, wake-ups).
thread_report() {  # thread_report BEFORE AFTER RUNS
  python3 - "$@" "$ticks" "$(declare -p labels)" <<'PY'
import collections, json, re, sys
before, after, runs, ticks = json.loads(sys.argv[1]), json.loads(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
labels = dict(re.findall(r'\[(\w+)\]="([^"]*)"', sys.argv[5]))
for pid, threads in after.items():
    by_name = collections.defaultdict(lambda: [0, 0, 0])
    seen = collections.Counter()
    for tid, (name, user, system, vol, invol) in sorted(threads.items(), key=lambda t: int(t[0])):
        b = before.get(pid, {}).get(tid, [name, 0, 0, 0, 0])
        # threads that kept the program's name (libnats' own) told apart by their order
        seen[name] += 1
        row = by_name[name if seen[name] == 1 else "%s/%d" % (name, seen[name])]
        row[0] += user - b[1]; row[1] += system - b[2]; row[2] += vol + invol - b[3] - b[4]
    text = ", ".join("%s %.0f+%.0f µs %.1f sw" % (n, u * 1e6 / ticks / runs, s * 1e6 / ticks / runs,
                                                 w / runs)
                     for n, (u, s, w) in sorted(by_name.items(), key=lambda kv: -sum(kv[1][:2]))
                     if u + s + w > 0)
    print("bench/scale:    %s threads (user+system, switches per run): %s"
          % (labels.get(pid, pid), text), file=sys.stderr)
PY
}

succeeded() {  # succeeded DB…: succeeded runs in these histories ("pg": the PostgreSQL one)
  local total=0 db
  for db in "$@"; do
    if [ "$db" = pg ]; then total=$(( total + $(pg_succeeded) - pg_before ))
    else
      total=$(( total + $(sqlite3 "$db" "SELECT COUNT(*) FROM runs WHERE status = 'succeeded'") ))
    fi
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

declare -A rate cpu labels base_cpu
pg_before=0
# measure NAME DB… — after the variant's processes ($procs) serve on $url
measure() {
  local name=$1; shift
  local sink_before cpu_before start end cpu_after done_runs ok
  local -A each_before
  local p split=""
  for p in "${procs[@]}"; do each_before[$p]=$(ticks_of "$p"); done
  sink_before=$(sink_count)
  [ -n "$pg_url" ] && pg_before=$(pg_succeeded)
  local written_before=""
  [[ " $* " == *" pg "* ]] && written_before=$(pg_written)
  cpu_before=$(ticks_of "${procs[@]}")
  local threads_before="" p_threads=()
  for p in "${procs[@]}"; do [ "$p" = pg ] || p_threads+=("$p"); done
  [ -n "${BENCH_THREADS:-}" ] && threads_before=$(thread_snapshot "${p_threads[@]}")
  if [ -n "${BENCH_CALLGRIND:-}" ]; then
    for p in "${procs[@]}"; do
      [[ ${labels[$p]} == worker* || ${labels[$p]} == receiver || ${labels[$p]} == serve ]] &&
        callgrind_control -i on "$p" > /dev/null 2>&1
    done
  fi
  start=$(date +%s.%N)
  if [ -n "${BENCH_PERF:-}" ]; then
    # a profile of the variant's processes (and PostgreSQL's backends) while the events run
    local targets=() p2
    for p in "${procs[@]}"; do
      if [ "$p" = pg ]; then
        for p2 in $(ps -o pid= --ppid "$pg_pid"); do targets+=("$p2"); done
      else targets+=("$p"); fi
    done
    perf record -q ${BENCH_PERF_ARGS:--g} -F 499 -o "$BENCH_PERF/$name-$perf_tag.data" \
      -p "$(IFS=,; echo "${targets[*]}")" 2> /dev/null &
    perf_pid=$!
  fi
  post_events "$url"
  for _ in $(seq 1 $(( 1200 * slow ))); do
    [ $(( $(sink_count) - sink_before )) -ge "$events" ] && [ "$(succeeded "$@")" -ge "$events" ] && break
    sleep 0.05
  done
  end=$(date +%s.%N)
  cpu_after=$(ticks_of "${procs[@]}")
  if [ -n "${BENCH_CALLGRIND:-}" ]; then
    for p in "${procs[@]}"; do
      [[ ${labels[$p]} == worker* || ${labels[$p]} == receiver || ${labels[$p]} == serve ]] &&
        callgrind_control -i off "$p" > /dev/null 2>&1
    done
  fi
  if [ -n "${BENCH_PERF:-}" ]; then kill -INT "$perf_pid"; wait "$perf_pid" || true; fi
  ok=$(succeeded "$@")
  done_runs=$(( $(sink_count) - sink_before ))
  [ "$ok" -lt "$done_runs" ] && done_runs=$ok
  [ "$done_runs" -lt "$events" ] && log "  only $done_runs of $events runs completed"
  rate[$name]=$(python3 -c "print(round($done_runs / ($end - $start), 1))")
  cpu[$name]=$(python3 -c "print(round(($cpu_after - $cpu_before) * 1e6 / $ticks / max($done_runs, 1), 1))")
  log "  $name: $done_runs runs, ${rate[$name]} runs/s, ${cpu[$name]} µs CPU per run"
  # where the processor time went, µs per run, in the order the processes were started
  for p in "${procs[@]}"; do
    split+=" ${labels[$p]}=$(python3 -c "print(round(($(ticks_of "$p") - ${each_before[$p]}) * 1e6 / $ticks / max($done_runs, 1)))")"
  done
  log "   per process:$split"
  [ -n "$threads_before" ] &&
    thread_report "$threads_before" "$(thread_snapshot "${p_threads[@]}")" "$(( done_runs > 0 ? done_runs : 1 ))"
  if [ -n "$written_before" ]; then
    # the statistics of a backend reach the views within PGSTAT_IDLE_INTERVAL (10 s) of its
    # last transaction
    sleep 11
    python3 -c '
import sys
def parse(text):
    return {f.split()[0]: [int(x) for x in f.split()[1:]] for f in text.split(";") if f.strip()}
before, after, runs = parse(sys.argv[1]), parse(sys.argv[2]), max(int(sys.argv[3]), 1)
d = {k: [(a - b) / runs for a, b in zip(v, before.get(k, [0] * len(v)))] for k, v in after.items()}
rows = ", ".join("%s +%.1f ~%.1f (%.1f HOT) -%.1f" % ((k[len("conduit_"):],) + tuple(v))
                 for k, v in sorted(d.items())
                 if k not in ("wal", "xact", "statements") and any(abs(x) >= 0.05 for x in v))
statements = (", %.2f statements (%.0f µs planning, %.0f µs running them)" % tuple(d["statements"])
              if "statements" in d else "")
print("bench/scale:    postgresql per run: %.0f WAL bytes, %.2f transactions%s; rows inserted +,"
      " updated ~, deleted -: %s" % (d["wal"][0], d["xact"][0], statements, rows))' "$written_before" "$(pg_written)" "$done_runs" >&2
  fi
}

stop_all() {
  local p
  for p in "${procs[@]}"; do [ "$p" = pg ] || kill -TERM "$p" 2>/dev/null || true; done
  for p in "${procs[@]}"; do [ "$p" = pg ] || wait "$p" 2>/dev/null || true; done
}

flow_for() {  # flow_for PORT
  sed -e "s/@PORT@/$1/" -e "s/@SINK_PORT@/$sink_port/" "$here/../webhook/flow.conduit.in" \
    > "$scratch/bench-$1.conduit"
  echo "$scratch/bench-$1.conduit"
}

labels[pg]=postgresql
pg_url=
if [[ " $variants " == *" nats-pg-"* ]]; then
  [ -x "$pg_bin" ] || { log "bench-scale-pg is not built"; exit 1; }
  "$pg_bin" > "$scratch/pg.out" 2> "$scratch/pg.log" & pg_helper=$!; pids+=($!)
  for _ in $(seq 1 600); do [ "$(wc -l < "$scratch/pg.out")" -ge 2 ] && break; sleep 0.1; done
  pg_url=$(sed -n 1p "$scratch/pg.out"); pg_pid=$(sed -n 2p "$scratch/pg.out")
  [ -n "$pg_pid" ] || { log "PostgreSQL did not start:"; cat "$scratch/pg.log" >&2; exit 1; }
fi

# profiled NAME CMD…: CMD, under callgrind with BENCH_CALLGRIND (collecting from measure() on;
# G_SLICE set, else conduit-cli starts itself again with it, which valgrind cannot follow).
# conduit-cli is a front that execv()s conduit-cli-full for serve: valgrind is given the full
# program itself, else it would count the front's few instructions and nothing after the exec.
profiled() {
  local name=$1; shift
  if [ -n "${BENCH_CALLGRIND:-}" ]; then
    [ -x "$1-full" ] && set -- "$1-full" "${@:2}"
    G_SLICE=always-malloc exec valgrind --tool=callgrind --instr-atstart=no \
      --callgrind-out-file="$BENCH_CALLGRIND/$name.%p.cg" "$@"
  fi
  exec "$@"
}

# run_variant NAME CLI: start the variant's processes with CLI, measure, stop them
run_variant() {
  local name=$1 exe=$2 n history nats_port nats db w dbs=()
  if [ "$name" = serve ]; then
    log "serve (SQLite), $events events ($exe)"
    port=$(free_port)
    flow=$(flow_for "$port")
    rm -f "$scratch/serve.db"*
    profiled "serve-$perf_tag-serve" "$exe" serve "$flow" --history "$scratch/serve.db" \
      --keep-runs 0 --keep-days 0 > "$scratch/serve.log" 2>&1 &
    procs=($!); pids+=($!); labels[$!]=serve
    wait_for_port "$port"
    url=http://127.0.0.1:$port/hooks/bench
    measure serve "$scratch/serve.db"
    stop_all
    return
  fi

  # serve --queue: one receiver, N workers, a nats-server of their own
  n=${name##*-}; n=${n%w}
  log "$name: one receiver and $n worker(s), $events events ($exe)"
  nats_port=$(free_port)
  rm -rf "$scratch/$name-js"
  "$nats_bin" -js -a 127.0.0.1 -p "$nats_port" -sd "$scratch/$name-js" > "$scratch/$name-nats.log" 2>&1 &
  procs=($!); pids+=($!); labels[$!]=nats-server
  [[ $name == nats-pg-* ]] && procs+=(pg)
  # each variant (and each build: the baseline's schema may be older) starts on an empty history
  [[ $name == nats-pg-* ]] && PGOPTIONS="-c client_min_messages=warning" psql "$pg_url" -qc "DROP TABLE IF EXISTS conduit_runs, conduit_steps,
    conduit_items, conduit_events, conduit_dedupe_keys, conduit_trigger_cursors,
    conduit_history_meta" >&2
  wait_for_port "$nats_port"
  nats=nats://127.0.0.1:$nats_port
  for w in $(seq 1 "$n"); do
    if [[ $name == nats-pg-* ]]; then history=$pg_url; dbs=(pg)
    else db=$scratch/$name-worker$w.db; rm -f "$db"*; dbs+=("$db"); history=$db; fi
    profiled "$name-$perf_tag-worker$w" "$exe" serve "$flow" --history "$history" --keep-runs 0 \
      --keep-days 0 --queue "$nats" --role worker > "$scratch/$name-worker$w.log" 2>&1 &
    procs+=($!); pids+=($!); labels[$!]=worker$w
    wait_for_line "$scratch/$name-worker$w.log" "running its events from"
  done
  port=$(free_port)
  flow=$(flow_for "$port")
  if [[ $name == nats-pg-* ]]; then history=$pg_url
  else history=$scratch/$name-receiver.db; rm -f "$history"*; fi
  profiled "$name-$perf_tag-receiver" "$exe" serve "$flow" --history "$history" --queue "$nats" \
    > "$scratch/$name-receiver.log" 2>&1 &
  procs+=($!); pids+=($!); labels[$!]=receiver
  wait_for_port "$port"
  url=http://127.0.0.1:$port/hooks/bench
  measure "$name" "${dbs[@]}"
  stop_all
}

port=$(free_port)
flow=$(flow_for "$port")
"$cli" validate "$flow" >&2
for name in $variants; do
  perf_tag=build
  run_variant "$name" "$cli"
  if [ -n "$base_cli" ]; then
    # the same variant with the baseline build, its figures kept apart
    saved_rate=${rate[$name]}; saved_cpu=${cpu[$name]}
    perf_tag=baseline
    run_variant "$name" "$base_cli"
    base_cpu[$name]=${cpu[$name]}; rate[$name]=$saved_rate; cpu[$name]=$saved_cpu
  fi
done

cores=$(nproc)
for name in $variants; do
  [ -n "$base_cli" ] && printf 'CPU per completed run, %s\t%s\tµs\tbaseline build\t%s\tlower\n' \
    "$name" "${cpu[$name]}" "${base_cpu[$name]}"
  [ "$name" = serve ] && continue
  if [[ " $variants " == *" serve "* ]]; then
    printf 'completed runs/s, %s (%s cores)\t%s\truns/s\tserve (SQLite)\t%s\thigher\n' \
      "$name" "$cores" "${rate[$name]}" "${rate[serve]}"
    printf 'CPU per completed run, %s\t%s\tµs\tserve (SQLite)\t%s\tlower\n' \
      "$name" "${cpu[$name]}" "${cpu[serve]}"
  else
    printf 'completed runs/s, %s (%s cores)\t%s\truns/s\t-\t-\thigher\n' "$name" "$cores" \
      "${rate[$name]}"
  fi
done
for name in $variants; do
  for c in "$cores" 8; do
    printf 'projected runs/s on %s cores, %s\t%s\truns/s\t-\t-\thigher\n' "$c" "$name" \
      "$(python3 -c "print(round($c * 1e6 / max(${cpu[$name]}, 1), 0))")"
  done
done

# PostgreSQL removes its folder on the way out
if [ -n "$pg_url" ]; then kill -TERM "$pg_helper"; wait "$pg_helper" || true; fi
