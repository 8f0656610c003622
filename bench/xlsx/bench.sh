#!/usr/bin/env bash
# bench/xlsx/bench.sh BUILD_DIR SCRATCH: reading a 500,000-row Excel sheet into NDJSON records,
# conduit-cli map (libzip + libxml2's streaming reader) against python3-openpyxl's read-only
# mode, both with /usr/bin/time for wall time and peak memory. ROWS=… for another size.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=$1
scratch=$2
rows=${ROWS:-500000}
py=/usr/bin/python3     # Debian's, where python3-openpyxl is

echo "generating $rows rows with openpyxl (write-only)…" >&2
"$py" "$here/generate.py" "$scratch/orders.xlsx" "$rows"
echo '{"rows": []}' > "$scratch/mapping.json"
ls -l "$scratch/orders.xlsx" >&2

measure() {   # measure NAME COMMAND… → "SECONDS KB"
  /usr/bin/time -f "%e %M" -o "$scratch/$1.time" "${@:2}" > "$scratch/$1.ndjson" 2> "$scratch/$1.err" ||
    { cat "$scratch/$1.err" >&2; return 1; }
  cat "$scratch/$1.time"
}

read -r c_time c_kb < <(measure conduit "$build/src/cli/conduit-cli" map "$scratch/mapping.json" \
                        --keep-unmapped --input "$scratch/orders.xlsx")
read -r p_time p_kb < <(measure openpyxl "$py" "$here/read_openpyxl.py" "$scratch/orders.xlsx")

c_lines=$(wc -l < "$scratch/conduit.ndjson")
p_lines=$(wc -l < "$scratch/openpyxl.ndjson")
echo "records: conduit $c_lines, openpyxl $p_lines" >&2
[ "$c_lines" -eq "$rows" ] && [ "$p_lines" -eq "$rows" ] || { echo "record counts differ" >&2; exit 1; }
# the same records, field by field (openpyxl writes 12.0 where Conduit writes 12)
"$py" - "$scratch/conduit.ndjson" "$scratch/openpyxl.ndjson" <<'PY'
import json, sys
for n, (a, b) in enumerate(zip(open(sys.argv[1]), open(sys.argv[2])), 1):
    if json.loads(a) != json.loads(b):
        sys.exit("record %d differs:\n  conduit  %s  openpyxl %s" % (n, a, b))
PY

printf 'read %s rows (wall)\t%s\ts\topenpyxl read-only\t%s\tlower\n' "$rows" "$c_time" "$p_time"
printf 'peak memory\t%s\tMB\topenpyxl read-only\t%s\tlower\n' "$((c_kb / 1024))" "$((p_kb / 1024))"
