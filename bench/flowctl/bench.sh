#!/usr/bin/env bash
# bench/flowctl/bench.sh BUILD_DIR SCRATCH_DIR — `./conduit-dev bench flowctl`
#
# Flow control steps (issue #22) in a streaming run, each against the flow without it (or with
# the step it stands in for) in the same run, through `conduit-cli run --no-history`:
#   - a disabled Map Fields between Read File and Write File vs Read File → Write File: what a
#     switched-off step costs (it passes batches through);
#   - Switch with four rules (the last one matching) vs Filter with that one condition;
#   - Merge by key (inner join of two halves of the file) vs Merge append of the same halves.
# Checks every flow wrote every record. Prints records/s (wall clock) and peak memory (GNU
# time's maximum RSS). BENCH_RECORDS: records (default 1000000).
set -euo pipefail
build=$1
scratch=$2
records=${BENCH_RECORDS:-1000000}
cli="$build/src/cli/conduit-cli"

if [ ! -x /usr/bin/time ]; then
  echo "bench/flowctl: installing GNU time for peak memory" >&2
  if [ "$(id -u)" = 0 ]; then apt-get install -y -qq time >&2; else sudo apt-get install -y -qq time >&2; fi
fi

echo "generating $records records and the flows" >&2
python3 - "$records" "$scratch" <<'PY'
import json, sys
n, scratch = int(sys.argv[1]), sys.argv[2]
with open(scratch + "/in.ndjson", "w") as out:
    for i in range(n):
        out.write(json.dumps({"id": i // 2, "side": "a" if i % 2 == 0 else "b",
                              "country": "DE", "total": i % 1000, "email": "p%d@example.com" % i})
                  + "\n")

def node(id, type, x, settings, **more):
    return dict(id=id, type=type, position=[x, 0], settings=settings, **more)
def link(a, b, port="out", to_port="in"):
    return {"from": a, "from_port": port, "to": b, "to_port": to_port}
start = node("start", "manual-trigger", 0, {"items": [{}]})
read = node("read", "read-file", 200, {"path": scratch + "/in.ndjson", "format": "ndjson"})
def write(name):
    return node("write", "write-file", 800, {"path": "%s/%s.out" % (scratch, name),
                                             "format": "ndjson", "mode": "replace"})
def flow(name, middle, links):
    json.dump({"version": 1, "name": "flowctl bench: " + name,
               "nodes": [start, read] + middle + [write(name)],
               "links": [link("start", "read")] + links}, open("%s/%s.conduit" % (scratch, name), "w"))

flow("direct", [], [link("read", "write")])
flow("disabled", [node("map", "mapping", 400, {}, disabled=True,
                       mapping={"rows": [{"destination": "x", "field": "id"}]})],
     [link("read", "map"), link("map", "write")])
flow("filter", [node("pick", "filter", 400, {"condition": "country == \"DE\""})],
     [link("read", "pick"), link("pick", "write", "match")])
flow("switch", [node("pick", "switch", 400, {"rule_1": "country == \"FR\"",
                                             "rule_2": "country == \"IT\"",
                                             "rule_3": "total > 5000",
                                             "rule_4": "country == \"DE\""})],
     [link("read", "pick"), link("pick", "write", "rule_4")])
split = node("split", "filter", 400, {"condition": "side == \"a\""})
flow("append", [split, node("join", "merge", 600, {"mode": "append"})],
     [link("read", "split"), link("split", "join", "match", "a"),
      link("split", "join", "no_match", "b"), link("join", "write")])
flow("join", [split, node("join", "merge", 600, {"mode": "inner", "key": "id"})],
     [link("read", "split"), link("split", "join", "match", "a"),
      link("split", "join", "no_match", "b"), link("join", "write")])
PY

# measure NAME EXPECTED: runs NAME.conduit; $scratch/NAME.stats is "records/s peak-MB s"
measure() {
  local name=$1 expected=$2 status=0
  /usr/bin/time -v -o "$scratch/$name.time" "$cli" run "$scratch/$name.conduit" --no-history \
    > "$scratch/$name.log" 2>&1 || status=$?
  if [ $status -ne 0 ]; then
    echo "bench/flowctl: $name failed with status $status" >&2
    cat "$scratch/$name.log" >&2
    return 1
  fi
  local got
  got=$(wc -l < "$scratch/$name.out")
  if [ "$got" != "$expected" ]; then
    echo "bench/flowctl: $name wrote $got records, expected $expected" >&2
    return 1
  fi
  python3 - "$records" "$scratch/$name.time" > "$scratch/$name.stats" <<'PY'
import re, sys
n = int(sys.argv[1])
text = open(sys.argv[2]).read()
wall = re.search(r"Elapsed \(wall clock\) time.*: (?:(\d+):)?(\d+):([\d.]+)", text)
seconds = int(wall.group(1) or 0) * 3600 + int(wall.group(2)) * 60 + float(wall.group(3))
rss_kb = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", text).group(1))
print("%.0f %.1f %.1f" % (n / max(seconds, 1e-6), rss_kb / 1024, seconds))
PY
  echo "  $name: $(cat "$scratch/$name.stats") (records/s, peak MB, s)" >&2
}

measure direct "$records"
measure disabled "$records"
measure filter "$records"
measure switch "$records"
measure append "$records"
measure join $((records / 2))

stat() { cut -d' ' -f"$2" "$scratch/$1.stats"; }
printf 'disabled step records/s\t%s\trecords/s\tno step\t%s\thigher\n' "$(stat disabled 1)" "$(stat direct 1)"
printf 'disabled step peak memory\t%s\tMB\tno step\t%s\tlower\n' "$(stat disabled 2)" "$(stat direct 2)"
printf 'switch (4 rules) records/s\t%s\trecords/s\tfilter (1 condition)\t%s\thigher\n' "$(stat switch 1)" "$(stat filter 1)"
printf 'merge by key records/s\t%s\trecords/s\tmerge append\t%s\thigher\n' "$(stat join 1)" "$(stat append 1)"
printf 'merge by key peak memory\t%s\tMB\tmerge append\t%s\tlower\n' "$(stat join 2)" "$(stat append 2)"
