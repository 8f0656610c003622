#!/usr/bin/env python3
"""Runs one validator for a meson test: SKIP (77) when the tool is not installed, FAIL when it
exits non-zero or prints a GLib warning (flatpak-builder, for one, only warns about a property
it does not know and still exits 0).

  tests/run-validator.py TOOL [ARGS...]
"""
import shutil
import subprocess
import sys


def main():
    tool, args = sys.argv[1], sys.argv[2:]
    if shutil.which(tool) is None:
        print(f"{tool} is not installed: `./conduit-dev deps` installs it")
        return 77

    result = subprocess.run([tool] + args, capture_output=True, text=True)
    sys.stdout.write(result.stdout)
    sys.stderr.write(result.stderr)
    if result.returncode != 0:
        print(f"{tool} failed with exit status {result.returncode}", file=sys.stderr)
        return 1
    if "WARNING **" in result.stderr or "CRITICAL **" in result.stderr:
        print(f"{tool} warned: treating that as a failure", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
