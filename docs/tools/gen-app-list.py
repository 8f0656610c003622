#!/usr/bin/env python3
"""Writes the list of bundled apps in docs/connectors.md from what `conduit-cli connector list`
and `conduit-cli connector show ID` print, so the list is what the program loads.

The list sits between the lines "<!-- app list -->" and "<!-- end of app list -->".

  docs/tools/gen-app-list.py SOURCE_ROOT CONDUIT_CLI            rewrite the list
  docs/tools/gen-app-list.py SOURCE_ROOT CONDUIT_CLI --check    exit 1 when it is out of date
"""
import pathlib
import re
import subprocess
import sys

START = "<!-- app list -->"
END = "<!-- end of app list -->"


def cli(conduit_cli, *args):
    result = subprocess.run([conduit_cli, "connector", *args], capture_output=True, text=True,
                            env={"LC_ALL": "C.UTF-8", "PATH": "/usr/bin:/bin"})
    if result.returncode != 0:
        sys.exit(f"gen-app-list: conduit-cli connector {' '.join(args)}: {result.stderr.strip()}")
    return result.stdout


def app_list(conduit_cli):
    out = ["", "| App | Category | Connection | Operations | Triggers |", "| --- | --- | --- | --- | --- |"]
    details = []
    for line in cli(conduit_cli, "list").splitlines():
        fields = line.split("\t")
        if len(fields) != 6:
            continue  # the built-in steps follow the apps, with fewer columns
        app_id, title, category, auth, _, _ = fields
        operations, triggers = [], []
        section = None
        for shown in cli(conduit_cli, "show", app_id).splitlines():
            if shown in ("Operations:", "Triggers:"):
                section = shown
                continue
            match = re.match(r"^  (\S+) — (.*)$", shown)
            if match and section == "Operations:":
                operations.append(match.groups())
            elif match and section == "Triggers:":
                triggers.append(match.groups())
        out.append(f"| {title} (`{app_id}`) | {category} | {auth} | "
                   + ", ".join(re.sub(r" \(.*\)$", "", text) for _, text in operations)
                   + " | " + (", ".join(text for _, text in triggers) or "—") + " |")
        details.append("")
        details.append(f"**{title}** (`{app_id}`)")
        details.append("")
        for step, text in operations:
            details.append(f"- `{step}` — " + re.sub(r"\((\w+ .*)\)$", r"(`\1`)", text))
        for step, text in triggers:
            details.append(f"- trigger `{step}` — {text}")
    return "\n".join(out + details) + "\n\n"


def main():
    top, conduit_cli = pathlib.Path(sys.argv[1]), sys.argv[2]
    check = "--check" in sys.argv[3:]
    path = top / "docs" / "connectors.md"
    text = path.read_text(encoding="utf-8")
    if START not in text or END not in text:
        sys.exit(f"gen-app-list: {path}: no “{START}” … “{END}” lines")
    head, rest = text.split(START, 1)
    _, tail = rest.split(END, 1)
    wanted = head + START + "\n" + app_list(conduit_cli) + END + tail
    if check:
        if wanted != text:
            print("docs/connectors.md: the app list is out of date: run "
                  "docs/tools/gen-app-list.py SOURCE_ROOT build/src/cli/conduit-cli", file=sys.stderr)
            return 1
        print("docs/connectors.md: the app list is up to date")
        return 0
    path.write_text(wanted, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
