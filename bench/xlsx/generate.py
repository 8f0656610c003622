#!/usr/bin/python3
# generate.py OUT.xlsx ROWS: a sheet of ROWS orders (and a header row) written by openpyxl in
# write-only mode: numbers, text, a date with a date format, a boolean, an empty cell.
import datetime
import sys

import openpyxl
from openpyxl.cell import WriteOnlyCell

out, rows = sys.argv[1], int(sys.argv[2])
wb = openpyxl.Workbook(write_only=True)
ws = wb.create_sheet("Orders")
ws.append(["id", "customer", "email", "amount", "ordered", "paid", "note"])
start = datetime.date(2024, 1, 1)
for i in range(rows):
    ordered = WriteOnlyCell(ws, value=start + datetime.timedelta(days=i % 700))
    ordered.number_format = "yyyy-mm-dd"
    ws.append([i + 1, "Customer %d" % (i % 5000), "c%d@example.com" % i, round(i * 1.37 % 1000, 2),
               ordered, i % 3 == 0, None if i % 2 else "note %d" % i])
wb.save(out)
