#!/usr/bin/env bash
# bench/stream/bench.sh BUILD_DIR SCRATCH_DIR — `./conduit-dev bench run` (or `bench stream`)
#
# A streaming run (issue #21): the flow Read File → Map Fields → Write File (the rejected
# records to a second Write File) over generated lead records, with bench/mapping's 12-field
# mapping, through `conduit-cli run` with a history, against the same job done by
# `conduit-cli map` (the streaming floor: one process, no steps, no history) in the same run.
# Checks both wrote the same records. Then Read File → Map Fields → HTTP Request to bench-sink
# (bench/webhook's minimal local API) for peak memory with a request per record.
# Prints records/s (wall clock and per CPU-second) and peak memory (GNU time's maximum RSS).
# BENCH_RECORDS: records of the file flow (default 1000000); BENCH_HTTP_RECORDS: of the HTTP
# flow (default 100000: each request is recorded in the history, a million take long on a
# shared machine).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=$1
scratch=$2
records=${BENCH_RECORDS:-1000000}
http_records=${BENCH_HTTP_RECORDS:-100000}
cli="$build/src/cli/conduit-cli"
sink="$build/bench/webhook/bench-sink"
mapping="$here/../mapping/mapping.json"

if [ ! -x /usr/bin/time ]; then
  echo "bench/stream: installing GNU time for peak memory" >&2
  if [ "$(id -u)" = 0 ]; then apt-get install -y -qq time >&2; else sudo apt-get install -y -qq time >&2; fi
fi

echo "generating $records lead records" >&2
python3 "$here/../mapping/generate.py" "$records" "$scratch/leads.ndjson" "$scratch/leads.csv"
rm -f "$scratch/leads.csv"
head -n "$http_records" "$scratch/leads.ndjson" > "$scratch/http-leads.ndjson"

# flow IN OUT REJECTED: the file flow, as conduit-cli run reads it
python3 - "$mapping" "$scratch" <<'PY'
import json, sys
mapping = json.load(open(sys.argv[1]))
scratch = sys.argv[2]
def node(id, type, x, settings, **more):
    return dict(id=id, type=type, position=[x, 0], settings=settings, **more)
def link(a, b, port="out"):
    return {"from": a, "from_port": port, "to": b, "to_port": "in"}
start = node("start", "manual-trigger", 0, {"items": [{}]})
def read(path):
    return node("read", "read-file", 200, {"path": path, "format": "ndjson"})
mapper = node("map", "mapping", 400, {}, mapping=mapping)
files = {"version": 1, "name": "Stream bench: file", "nodes": [
    start, read(scratch + "/leads.ndjson"), mapper,
    node("write", "write-file", 600, {"path": scratch + "/run.out", "format": "ndjson",
                                      "mode": "replace"}),
    node("refused", "write-file", 600, {"path": scratch + "/run.rejected", "format": "ndjson",
                                        "mode": "replace"})],
    "links": [link("start", "read"), link("read", "map"), link("map", "write"),
              link("map", "refused", "rejected")]}
json.dump(files, open(scratch + "/file.conduit", "w"))
http = {"version": 1, "name": "Stream bench: HTTP", "nodes": [
    start, read(scratch + "/http-leads.ndjson"), mapper,
    node("send", "http-request", 600, {"method": "POST", "url": "http://127.0.0.1:PORT/leads",
                                       "max_attempts": 3})],
    "links": [link("start", "read"), link("read", "map"), link("map", "send")]}
json.dump(http, open(scratch + "/http.conduit.in", "w"))
PY

# measure NAME COMMAND...: GNU time into $scratch/NAME.stats as "records/s peak-MB s records/CPU-s"
measure() {
  local name=$1 n=$2 status=0; shift 2
  /usr/bin/time -v -o "$scratch/$name.time" "$@" > "$scratch/$name.log" 2>&1 || status=$?
  # both exit 2 when some records are rejected, which they are by design
  if [ $status -ne 0 ] && [ $status -ne 2 ]; then
    echo "bench/stream: $name failed with status $status" >&2
    cat "$scratch/$name.log" >&2
    return 1
  fi
  python3 - "$n" "$scratch/$name.time" > "$scratch/$name.stats" <<'PY'
import re, sys
n = int(sys.argv[1])
text = open(sys.argv[2]).read()
wall = re.search(r"Elapsed \(wall clock\) time.*: (?:(\d+):)?(\d+):([\d.]+)", text)
seconds = int(wall.group(1) or 0) * 3600 + int(wall.group(2)) * 60 + float(wall.group(3))
rss_kb = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", text).group(1))
cpu = sum(float(re.search(r"%s time \(seconds\): ([\d.]+)" % kind, text).group(1))
          for kind in ("User", "System"))
print("%.0f %.1f %.1f %.0f" % (n / max(seconds, 1e-6), rss_kb / 1024, seconds, n / max(cpu, 0.01)))
PY
  echo "  $name: $(cat "$scratch/$name.stats") (records/s, peak MB, s, records/CPU-s)" >&2
}

echo "file flow: conduit-cli run (with a history) and conduit-cli map, $records records" >&2
measure run "$records" "$cli" run "$scratch/file.conduit" --history "$scratch/history.db"
measure map "$records" "$cli" map "$mapping" --input "$scratch/leads.ndjson" \
  --output "$scratch/map.out" --rejected "$scratch/map.rejected"
python3 "$here/../mapping/compare.py" "$scratch/map.out" "$scratch/run.out"
[ "$(wc -l < "$scratch/run.rejected")" = "$(wc -l < "$scratch/map.rejected")" ] || {
  echo "bench/stream: the flow and conduit-cli map rejected different numbers of records" >&2
  exit 1; }
echo "  the same $(wc -l < "$scratch/run.out") records mapped, $(wc -l < "$scratch/run.rejected") rejected, by both" >&2

echo "HTTP flow: Read File → Map Fields → HTTP Request to bench-sink, $http_records records" >&2
"$sink" "$scratch/port" &
sink_pid=$!
trap 'kill $sink_pid 2>/dev/null || true' EXIT
for _ in $(seq 50); do [ -s "$scratch/port" ] && break; sleep 0.1; done
port=$(cat "$scratch/port")
sed "s/PORT/$port/" "$scratch/http.conduit.in" > "$scratch/http.conduit"
measure http "$http_records" "$cli" run "$scratch/http.conduit" --history "$scratch/history-http.db"
measure map-http "$http_records" "$cli" map "$mapping" --input "$scratch/http-leads.ndjson" \
  --output "$scratch/map-http.out" --rejected "$scratch/map-http.rejected"
received=$(python3 -c "import urllib.request; print(urllib.request.urlopen('http://127.0.0.1:$port/count').read().decode().strip())")
[ "$received" = "$(wc -l < "$scratch/map-http.out")" ] || {
  echo "bench/stream: the sink received $received requests, expected $(wc -l < "$scratch/map-http.out")" >&2
  exit 1; }
echo "  the sink received $received requests, one per mapped record" >&2

stat() { cut -d' ' -f"$2" "$scratch/$1.stats"; }
printf 'file flow records/s\t%s\trecords/s\tconduit-cli map\t%s\thigher\n' "$(stat run 1)" "$(stat map 1)"
printf 'file flow records/CPU-s\t%s\trecords/CPU-s\tconduit-cli map\t%s\thigher\n' "$(stat run 4)" "$(stat map 4)"
printf 'file flow peak memory\t%s\tMB\tconduit-cli map\t%s\tlower\n' "$(stat run 2)" "$(stat map 2)"
printf 'file flow peak memory\t%s\tMB\tbudget (issue #21)\t64\tlower\n' "$(stat run 2)"
printf 'HTTP flow records/s\t%s\trecords/s\tconduit-cli map\t%s\thigher\n' "$(stat http 1)" "$(stat map-http 1)"
printf 'HTTP flow peak memory\t%s\tMB\tbudget (issue #21)\t64\tlower\n' "$(stat http 2)"
