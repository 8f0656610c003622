#!/usr/bin/env python3
"""Generates lead records as a web form or a CRM export gives them: padded names, mixed-case
emails (some missing or broken), phone numbers with punctuation, day/month/year dates.

    generate.py COUNT OUT.ndjson OUT.csv
"""
import csv
import json
import random
import sys

count, ndjson_path, csv_path = int(sys.argv[1]), sys.argv[2], sys.argv[3]
rng = random.Random(20260127)

FIRST = ["Ada", "Grace", "Alan", "Edsger", "Barbara", "Donald", "Frances", "Ken", "Radia", "Tim",
         "Margaret", "Dennis", "Hedy", "Linus", "Karen", "Niklaus", "Shafi", "John", "Sophie", "Lynn"]
LAST = ["Lovelace", "Hopper", "Turing", "Dijkstra", "Liskov", "Knuth", "Allen", "Thompson",
        "Perlman", "Berners-Lee", "Hamilton", "Ritchie", "Lamarr", "Torvalds", "Jones", "Wirth"]
COMPANY = ["Analytical Engines Ltd", "Compiler Works", "Bletchley Labs", "Structured Systems",
           "Cluster Inc", "Typesetting Co", "Unix Partners", "Spanning Tree GmbH", "Web Foundry"]
SOURCES = ["newsletter", "google", "linkedin", "partner", "event", ""]
COUNTRIES = ["fr", "de", "gb", "us", "es", "it", "nl", "se"]
NOTES = ["Asked for a demo", "Wants pricing for 50 seats", "Met at the trade fair",
         "Call back next quarter", "Downloaded the white paper", ""]
FIELDS = ["id", "first_name", "last_name", "email", "phone", "company", "employees", "created",
          "utm_source", "country", "city", "notes", "created_us"]


def pad(text):
    return " " * rng.randint(0, 2) + text + " " * rng.randint(0, 2)


with open(ndjson_path, "w", encoding="utf-8") as ndjson, \
        open(csv_path, "w", encoding="utf-8", newline="") as csv_file:
    writer = csv.writer(csv_file, lineterminator="\r\n")
    writer.writerow(FIELDS)
    for i in range(1, count + 1):
        first, last = rng.choice(FIRST), rng.choice(LAST)
        roll = rng.random()
        if roll < 0.03:
            email = ""
        elif roll < 0.04:
            email = f"{first}.{last}.example.com"
        else:
            email = pad(f"{first}.{last}{i}@{rng.choice(['Example.com', 'mail.EXAMPLE.org', 'corp.example.net'])}")
        record = {
            "id": i,
            "first_name": pad(first),
            "last_name": pad(last.upper() if rng.random() < 0.2 else last),
            "email": email,
            "phone": f"+{rng.randint(1, 49)} ({rng.randint(10, 99)}) {rng.randint(1000, 9999)}-{rng.randint(1000, 9999)}",
            "company": pad(rng.choice(COMPANY)),
            "employees": "" if rng.random() < 0.05 else str(rng.randint(1, 5000)),
            "created": f"{rng.randint(1, 28):02d}/{rng.randint(1, 12):02d}/{rng.randint(2019, 2025)}",
            "utm_source": rng.choice(SOURCES),
            "country": rng.choice(COUNTRIES),
            "city": rng.choice(["Paris", "Berlin", "London", "New York", "Madrid", "Rome"]),
            "notes": rng.choice(NOTES),
        }
        # the US form of the same kind of date, with an impossible one now and then (02/30)
        record["created_us"] = ("02/30/2024" if rng.random() < 0.01 else
                                f"{rng.randint(1, 12):02d}/{rng.randint(1, 28):02d}/{rng.randint(2019, 2025)}")
        ndjson.write(json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n")
        writer.writerow([record[f] for f in FIELDS])
