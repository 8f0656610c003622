#!/usr/bin/python3
# read_openpyxl.py IN.xlsx: the baseline. Reads the first sheet in openpyxl's read-only
# (streaming) mode into records named by the header row, and writes them as NDJSON, as
# `conduit-cli map --keep-unmapped` does.
import datetime
import json
import sys

import openpyxl


def plain(value):
    # openpyxl gives a datetime for a date cell; Conduit writes a midnight as the date alone
    if isinstance(value, datetime.datetime) and value.time() == datetime.time(0):
        return value.date().isoformat()
    if isinstance(value, (datetime.datetime, datetime.date, datetime.time)):
        return value.isoformat()
    return value


wb = openpyxl.load_workbook(sys.argv[1], read_only=True)
ws = wb.worksheets[0]
rows = ws.iter_rows(values_only=True)
header = [str(h) for h in next(rows)]
out = sys.stdout
n = 0
for row in rows:
    # a row may end before the header does: its last columns are empty
    row = tuple(row) + (None,) * (len(header) - len(row))
    out.write(json.dumps(dict(zip(header, map(plain, row))), ensure_ascii=False) + "\n")
    n += 1
print(n, file=sys.stderr)
