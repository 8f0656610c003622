#!/usr/bin/env bash
# bench/mapping/bench.sh BUILD_DIR SCRATCH_DIR
#
# Maps generated lead records (NDJSON and CSV) with a simple 12-field mapping (nested output, trims,
# lowercasing, concatenation, digit-only phone, integer and date parsing, a default, a
# constant, a required email) through `conduit-cli map`, and the same mapping written as a
# plain python3 script, a jq program and a Miller program. Checks that every output holds the
# same records; then the realistic mapping (see below) against realistic.py. Prints records/s (wall clock, and per CPU-second) and peak memory (GNU
# time's maximum RSS) for each. conduit-cli map runs as it does by default (one mapping thread
# per processor) and also with --threads 1; both must write the same bytes.
# BENCH_RECORDS changes the number of records (default 200000), BENCH_RUNS the runs of the
# quick tools of which the fastest counts (default 5).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=$1
scratch=$2
records=${BENCH_RECORDS:-200000}
cli="$build/src/cli/conduit-cli"

if [ ! -x /usr/bin/time ]; then
  echo "bench/mapping: installing GNU time for peak memory" >&2
  if [ "$(id -u)" = 0 ]; then apt-get install -y -qq time >&2; else sudo apt-get install -y -qq time >&2; fi
fi
for tool in jq mlr python3; do
  command -v "$tool" >/dev/null || { echo "bench/mapping: $tool is missing" >&2; exit 1; }
done

echo "generating $records lead records" >&2
python3 "$here/generate.py" "$records" "$scratch/leads.ndjson" "$scratch/leads.csv"
ls -l "$scratch/leads.ndjson" "$scratch/leads.csv" >&2

# run NAME COMMAND...: runs with GNU time, leaves records/s, peak MB and seconds of the
# fastest of $RUNS runs in $scratch/NAME.stats. The quick tools (conduit, python3) run
# BENCH_RUNS times (default 5), the same for both, so that a busy machine skews less; jq and
# Miller take long enough to run once. Five, not three: on a shared virtual machine the speed
# of the processor drifts over seconds (the same 20,000-record run took 25 to 40 ms within
# ten seconds), and a 0.1 s run lands wholly in a slow stretch more often than a 2.5 s one,
# which averages over several; the fastest of more runs skews the short runs less.
run() {
  local name=$1; shift
  local runs=${RUNS:-1} status i started
  for i in $(seq "$runs"); do
    status=0
    # GNU time prints the wall clock in hundredths of a second, too coarse for a 0.1 s run:
    # bash's microsecond clock around it is kept as well (the same overhead for every tool)
    started=$EPOCHREALTIME
    /usr/bin/time -v -o "$scratch/$name.time.$i" "$@" || status=$?
    echo "$started $EPOCHREALTIME" > "$scratch/$name.wall.$i"
    # conduit-cli map exits 2 when some records are rejected, which they are by design
    if [ $status -ne 0 ] && [ $status -ne 2 ]; then
      echo "bench/mapping: $name failed with status $status" >&2
      return 1
    fi
  done
  python3 - "$records" "$scratch/$name".time.* > "$scratch/$name.stats" <<'PY'
import re, sys
best = None
for path in sys.argv[2:]:
    text = open(path).read()
    wall = re.search(r"Elapsed \(wall clock\) time.*: (?:(\d+):)?(\d+):([\d.]+)", text)
    seconds = int(wall.group(1) or 0) * 3600 + int(wall.group(2)) * 60 + float(wall.group(3))
    try:
        started, ended = open(path.replace(".time.", ".wall.")).read().split()
        seconds = float(ended) - float(started)
    except (OSError, ValueError):
        pass
    rss_kb = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", text).group(1))
    # GNU time counts CPU time in hundredths of a second
    cpu = sum(float(re.search(r"%s time \(seconds\): ([\d.]+)" % kind, text).group(1))
              for kind in ("User", "System"))
    if best is None or seconds < best[0]:
        best = (seconds, rss_kb, cpu)
seconds, rss_kb, cpu = best
records = int(sys.argv[1])
print("%.0f %.1f %.4f %.0f" % (records / max(seconds, 1e-6), rss_kb / 1024, seconds,
                               records / max(cpu, 0.01)))
PY
  echo "  $name: $(cat "$scratch/$name.stats") (records/s, peak MB, s, records/CPU-s; best of $runs)" >&2
}
quick_runs=${BENCH_RUNS:-5}

for format in ndjson csv; do
  input="$scratch/leads.$format"
  echo "mapping $format" >&2
  RUNS=$quick_runs run "conduit-$format" "$cli" map "$here/mapping.json" --input "$input" \
    --output "$scratch/conduit-$format.out" --rejected "$scratch/conduit-$format.rejected"
  RUNS=$quick_runs run "python3-$format" python3 "$here/map.py" "$format" "$input" \
    "$scratch/python3-$format.out" "$scratch/python3-$format.rejected"
  # conduit-cli map maps with one thread per processor by default; the same in one thread, to
  # show what the threads add (and cost in processor time)
  RUNS=$quick_runs run "conduit-1thread-$format" "$cli" map "$here/mapping.json" --threads 1 \
    --input "$input" --output "$scratch/conduit-1thread-$format.out" \
    --rejected "$scratch/conduit-1thread-$format.rejected"
  cmp -s "$scratch/conduit-$format.out" "$scratch/conduit-1thread-$format.out" || {
    echo "bench/mapping: --threads 1 wrote other records" >&2; exit 1; }
  if [ "$format" = ndjson ]; then
    run "jq-$format" sh -c 'jq -c -f "$1" "$2" > "$3" 2> "$4"' sh "$here/map.jq" "$input" \
      "$scratch/jq-$format.out" "$scratch/jq-$format.rejected"
    miller_input=--ijsonl
  else
    miller_input=--icsv
  fi
  run "miller-$format" env REJECTED="$scratch/miller-$format.rejected" \
    sh -c 'mlr "$1" --ojsonl put -q -f "$2" then unflatten "$3" > "$4"' sh "$miller_input" \
    "$here/map.mlr" "$input" "$scratch/miller-$format.out"
done

# The realistic lead mapping (realistic.json): names trimmed and title-cased, e-mail checked
# by a regular expression, phone normalised, US dates read leniently, a nested company
# object, let and try, and the rejected records shaped by a second mapping
# (realistic-rejected.json), against realistic.py doing the same job in the same run.
for format in ndjson csv; do
  input="$scratch/leads.$format"
  echo "mapping $format, realistic" >&2
  RUNS=$quick_runs run "conduit-realistic-$format" "$cli" map "$here/realistic.json" \
    --rejected-mapping "$here/realistic-rejected.json" --input "$input" \
    --output "$scratch/conduit-realistic-$format.out" \
    --rejected "$scratch/conduit-realistic-$format.rejected"
  RUNS=$quick_runs run "python3-realistic-$format" python3 "$here/realistic.py" "$format" "$input" \
    "$scratch/python3-realistic-$format.out" "$scratch/python3-realistic-$format.rejected"
  RUNS=$quick_runs run "conduit-realistic-1thread-$format" "$cli" map "$here/realistic.json" \
    --threads 1 --rejected-mapping "$here/realistic-rejected.json" --input "$input" \
    --output "$scratch/conduit-realistic-1thread-$format.out" \
    --rejected "$scratch/conduit-realistic-1thread-$format.rejected"
  for kind in out rejected; do
    cmp -s "$scratch/conduit-realistic-$format.$kind" \
      "$scratch/conduit-realistic-1thread-$format.$kind" || {
      echo "bench/mapping: --threads 1 wrote other records ($kind)" >&2; exit 1; }
  done
  python3 "$here/compare.py" "$scratch/conduit-realistic-$format.out" \
    "$scratch/python3-realistic-$format.out"
  python3 "$here/compare.py" "$scratch/conduit-realistic-$format.rejected" \
    "$scratch/python3-realistic-$format.rejected"
done
echo "  realistic: the same mapped and rejected records from conduit and python3" >&2

echo "checking that all outputs are identical" >&2
python3 "$here/compare.py" "$scratch/conduit-ndjson.out" "$scratch/conduit-csv.out" \
  "$scratch/python3-ndjson.out" "$scratch/python3-csv.out" "$scratch/jq-ndjson.out" \
  "$scratch/miller-ndjson.out" "$scratch/miller-csv.out"
rejected=$(wc -l < "$scratch/conduit-ndjson.rejected")
python_rejected=$(wc -l < "$scratch/python3-ndjson.rejected")
[ "$rejected" = "$python_rejected" ] || {
  echo "bench/mapping: conduit rejected $rejected records, python3 $python_rejected" >&2; exit 1; }
echo "  $(wc -l < "$scratch/conduit-ndjson.out") mapped, $rejected rejected, in every tool" >&2

stat() { cut -d' ' -f"$2" "$scratch/$1.stats"; }
for format in ndjson csv; do
  baselines="python3 miller"
  [ "$format" = ndjson ] && baselines="python3 jq miller"
  for base in $baselines; do
    printf '%s records/s\t%s\trecords/s\t%s\t%s\thigher\n' "$format" "$(stat "conduit-$format" 1)" \
      "$base" "$(stat "$base-$format" 1)"
  done
  for base in $baselines; do
    printf '%s peak memory\t%s\tMB\t%s\t%s\tlower\n' "$format" "$(stat "conduit-$format" 2)" \
      "$base" "$(stat "$base-$format" 2)"
  done
  # per second of CPU time (user + system): steadier than wall time on a busy machine;
  # Miller spreads its work over several threads, so it looks slower here than on the clock
  for base in $baselines; do
    printf '%s records/CPU-s\t%s\trecords/CPU-s\t%s\t%s\thigher\n' "$format" \
      "$(stat "conduit-$format" 4)" "$base" "$(stat "$base-$format" 4)"
  done
  printf '%s records/s, --threads 1\t%s\trecords/s\tpython3\t%s\thigher\n' "$format" \
    "$(stat "conduit-1thread-$format" 1)" "$(stat "python3-$format" 1)"
  printf '%s records/CPU-s, --threads 1\t%s\trecords/CPU-s\tpython3\t%s\thigher\n' "$format" \
    "$(stat "conduit-1thread-$format" 4)" "$(stat "python3-$format" 4)"
done
for format in ndjson csv; do
  printf 'realistic %s records/s\t%s\trecords/s\tpython3\t%s\thigher\n' "$format" \
    "$(stat "conduit-realistic-$format" 1)" "$(stat "python3-realistic-$format" 1)"
  printf 'realistic %s peak memory\t%s\tMB\tpython3\t%s\tlower\n' "$format" \
    "$(stat "conduit-realistic-$format" 2)" "$(stat "python3-realistic-$format" 2)"
  printf 'realistic %s records/CPU-s\t%s\trecords/CPU-s\tpython3\t%s\thigher\n' "$format" \
    "$(stat "conduit-realistic-$format" 4)" "$(stat "python3-realistic-$format" 4)"
  printf 'realistic %s records/s, --threads 1\t%s\trecords/s\tpython3\t%s\thigher\n' "$format" \
    "$(stat "conduit-realistic-1thread-$format" 1)" "$(stat "python3-realistic-$format" 1)"
  printf 'realistic %s records/CPU-s, --threads 1\t%s\trecords/CPU-s\tpython3\t%s\thigher\n' \
    "$format" "$(stat "conduit-realistic-1thread-$format" 4)" "$(stat "python3-realistic-$format" 4)"
done
