#!/usr/bin/env bash
# bench/openapi/bench.sh BUILD_DIR SCRATCH: importing a generated 5 MB OpenAPI description
# (JSON, then the same as YAML) — parsing, resolving every $ref and allOf, mapping 2,900
# operations and writing the descriptor's text — timed inside bench-openapi, against Python
# only parsing the same file in its process (json; PyYAML's libyaml CSafeLoader). The issue's
# bar: under a second for 5 MB. Wall and processor seconds both: on a shared machine the
# processor time is the steadier figure. BYTES=… for another size.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=$1
scratch=$2
bytes=${BYTES:-5242880}
py=/usr/bin/python3

"$py" "$here/generate.py" "$scratch/api.json" "$scratch/api.yaml" "$bytes"
ls -l "$scratch/api.json" "$scratch/api.yaml" >&2

run() {   # run NAME COMMAND… → its first line of output, then peak KB on the next
  /usr/bin/time -f "%M" -o "$scratch/$1.time" "${@:2}" > "$scratch/$1.out" 2> "$scratch/$1.err" ||
    { cat "$scratch/$1.err" >&2; return 1; }
  cat "$scratch/$1.out" "$scratch/$1.time"
}

{ read -r cj_time cj_cpu cj_ops cj_bytes; read -r cj_kb; } < <(run conduit-json "$build/bench/bench-openapi" "$scratch/api.json")
{ read -r cy_time cy_cpu cy_ops cy_bytes; read -r cy_kb; } < <(run conduit-yaml "$build/bench/bench-openapi" "$scratch/api.yaml")
{ read -r pj_time pj_cpu; read -r pj_kb; } < <(run python-json "$py" "$here/parse.py" "$scratch/api.json")
{ read -r py_time py_cpu; read -r py_kb; } < <(run python-yaml "$py" "$here/parse.py" "$scratch/api.yaml")
# the whole command a person runs, on the part a descriptor can hold (one tag of twelve)
read -r cli_time cli_kb < <(/usr/bin/time -f "%e %M" "$build/src/cli/conduit-cli" connector import openapi \
                            "$scratch/api.json" --tag group0 --output "$scratch/out" 2>&1 >&2 | tail -1)
echo "JSON: $cj_ops operations, descriptor $cj_bytes bytes; YAML: $cy_ops operations, $cy_bytes bytes" >&2
[ "$cj_ops" = "$cy_ops" ] && [ "$cj_bytes" = "$cy_bytes" ] || { echo "the JSON and YAML imports differ" >&2; exit 1; }

mb=$(( bytes / 1024 / 1024 ))
printf 'import %s MB JSON (wall)\t%s\ts\tpython3 json.loads only\t%s\tlower\n' "$mb" "$cj_time" "$pj_time"
printf 'import %s MB JSON (wall)\t%s\ts\tthe issue'"'"'s bar\t1.000\tlower\n' "$mb" "$cj_time"
printf 'import %s MB JSON (processor)\t%s\ts\tpython3 json.loads only\t%s\tlower\n' "$mb" "$cj_cpu" "$pj_cpu"
printf 'import %s MB JSON (processor)\t%s\ts\tthe issue'"'"'s bar\t1.000\tlower\n' "$mb" "$cj_cpu"
printf 'import %s MB JSON peak memory\t%s\tMB\tpython3 json.loads only\t%s\tlower\n' "$mb" "$((cj_kb / 1024))" "$((pj_kb / 1024))"
printf 'conduit-cli import --tag group0 (wall)\t%s\ts\tthe issue'"'"'s bar\t1.000\tlower\n' "$cli_time"
printf 'import the same as YAML (wall)\t%s\ts\tPyYAML CSafeLoader only\t%s\tlower\n' "$cy_time" "$py_time"
printf 'import the same as YAML (processor)\t%s\ts\tPyYAML CSafeLoader only\t%s\tlower\n' "$cy_cpu" "$py_cpu"
printf 'import the same as YAML (processor)\t%s\ts\tthe issue'"'"'s bar\t1.000\tlower\n' "$cy_cpu"
