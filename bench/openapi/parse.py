#!/usr/bin/env python3
"""The baseline: only parsing the description with Python's json module or PyYAML's libyaml
loader (CSafeLoader), timed in the process like bench-openapi (wall and processor seconds) — nothing is resolved, mapped or
written, so it does less than the import. Prints "WALL CPU"."""
import json
import sys
import time

import yaml

path = sys.argv[1]
with open(path) as f:
    text = f.read()
start = time.perf_counter()
cpu = time.process_time()
if path.endswith(".json"):
    doc = json.loads(text)
else:
    doc = yaml.load(text, Loader=yaml.CSafeLoader)
end = time.perf_counter()
cpu_end = time.process_time()
assert doc["paths"]
print("%.3f %.3f" % (end - start, cpu_end - cpu))
