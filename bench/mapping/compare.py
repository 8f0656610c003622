#!/usr/bin/env python3
"""Checks that mapped outputs hold the same records in the same order.

    compare.py REFERENCE OTHER...
"""
import json
import sys


def canonical(path):
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                yield json.dumps(json.loads(line), sort_keys=True, ensure_ascii=False)


reference = list(canonical(sys.argv[1]))
status = 0
for other in sys.argv[2:]:
    records = list(canonical(other))
    if records != reference:
        status = 1
        first = next((i for i, (a, b) in enumerate(zip(reference, records)) if a != b),
                     min(len(reference), len(records)))
        print(f"compare: {other} differs from {sys.argv[1]} at record {first + 1} "
              f"({len(records)} vs {len(reference)} records)", file=sys.stderr)
        if first < len(reference) and first < len(records):
            print(f"  {sys.argv[1]}: {reference[first]}\n  {other}: {records[first]}", file=sys.stderr)
sys.exit(status)
