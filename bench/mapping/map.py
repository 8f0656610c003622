#!/usr/bin/env python3
"""The benchmark mapping as a plain python3 script: json and csv modules only.

    map.py ndjson|csv INPUT OUTPUT REJECTED
"""
import csv
import datetime
import json
import re
import sys

EMAIL = re.compile(r"^[^@\s]+@[^@\s.]+(\.[^@\s.]+)+$")
NOT_DIGIT = re.compile(r"[^0-9]")


def to_integer(value):
    if value is None or value == "":
        return None
    return int(value)


def map_record(r):
    email = (r.get("email") or "").strip().lower()
    if email == "" or not EMAIL.match(email):
        return None, "email"
    first, last = r["first_name"].strip(), r["last_name"].strip()
    day, month, year = r["created"].split("/")
    company = {"name": r["company"].strip()}
    employees = to_integer(r["employees"])
    if employees is not None:
        company["employees"] = employees
    company["country"] = r["country"].upper()
    return {
        "lead_id": to_integer(r["id"]),
        "contact": {
            "first_name": first,
            "last_name": last,
            "full_name": first + " " + last,
            "email": email,
            "phone": NOT_DIGIT.sub("", r["phone"]),
        },
        "company": company,
        "created_on": datetime.date(int(year), int(month), int(day)).isoformat(),
        "source": r["utm_source"] or "web",
        "pipeline": "inbound",
    }, None


def main():
    kind, source, target, rejected_path = sys.argv[1:5]
    with open(source, encoding="utf-8", newline="") as f, \
            open(target, "w", encoding="utf-8") as out, \
            open(rejected_path, "w", encoding="utf-8") as rejected:
        records = csv.DictReader(f) if kind == "csv" else (json.loads(line) for line in f if line.strip())
        for record in records:
            mapped, reason = map_record(record)
            if mapped is None:
                rejected.write(json.dumps({"record": record, "reason": reason}, ensure_ascii=False) + "\n")
            else:
                out.write(json.dumps(mapped, ensure_ascii=False, separators=(",", ":")) + "\n")


main()
