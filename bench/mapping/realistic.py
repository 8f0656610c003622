#!/usr/bin/env python3
"""The realistic benchmark mapping (realistic.json with realistic-rejected.json) as a plain
python3 script: json, csv, re and datetime modules only.

    realistic.py ndjson|csv INPUT OUTPUT REJECTED
"""
import csv
import datetime
import json
import re
import sys

PATTERN = r"^[^@\s]+@[^@\s.]+(\.[^@\s.]+)+$"
EMAIL = re.compile(PATTERN)
NOT_DIGIT = re.compile(r"[^0-9]")


def title(text):
    # as the mapping language's title(): a word goes on through letters, digits and apostrophes
    out = []
    start = True
    for ch in text:
        out.append(ch.upper() if start else ch.lower())
        start = not (ch.isalnum() or ch in "'\u2019")
    return "".join(out)


def to_integer(value):
    if value is None or value == "":
        return None
    return int(value)


def us_date(text):
    try:
        month, day, year = text.split("/")
        return datetime.date(int(year), int(month), int(day)).isoformat()
    except ValueError:
        return None


def map_record(r):
    email = (r.get("email") or "").strip().lower()
    if email == "":
        return None, "contact.email: a value is required"
    if not EMAIL.search(email):
        return None, f"contact.email: “{email}” does not match the pattern {PATTERN}"
    first, last = title(r["first_name"].strip()), title(r["last_name"].strip())
    digits = NOT_DIGIT.sub("", r["phone"])
    company = {"name": r["company"].strip()}
    try:
        employees = to_integer(r["employees"])
    except ValueError:
        employees = None
    if employees is not None:
        company["employees"] = employees
    company["country"] = r["country"].upper()
    company["city"] = title(r["city"].strip())
    mapped = {
        "lead_id": to_integer(r["id"]),
        "contact": {
            "first_name": first,
            "last_name": last,
            "full_name": first + " " + last,
            "email": email,
            "phone": ("+1" if len(digits) == 10 else "+") + digits,
        },
        "company": company,
    }
    created = us_date(r["created_us"])
    if created is not None:
        mapped["created_on"] = created
    mapped["source"] = r["utm_source"] or "web"
    return mapped, None


def main():
    kind, source, target, rejected_path = sys.argv[1:5]
    with open(source, encoding="utf-8", newline="") as f, \
            open(target, "w", encoding="utf-8") as out, \
            open(rejected_path, "w", encoding="utf-8") as rejected:
        if kind == "csv":
            records = ((n + 2, r) for n, r in enumerate(csv.DictReader(f)))
        else:
            records = ((n + 1, json.loads(line)) for n, line in enumerate(f) if line.strip())
        for line, record in records:
            mapped, reason = map_record(record)
            if mapped is None:
                rejected.write(json.dumps({"error": reason, "id": record.get("id"), "line": line},
                                          ensure_ascii=False, separators=(",", ":")) + "\n")
            else:
                out.write(json.dumps(mapped, ensure_ascii=False, separators=(",", ":")) + "\n")


main()
