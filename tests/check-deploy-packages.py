#!/usr/bin/env python3
"""Checks that the Debian packages `conduit-cli deploy` tells a server to install (the
runtime_packages list in src/core/conduit-deployment.c) ship every shared library conduit-cli
links directly, so a deployment never lacks one when a new dependency is added.

  tests/check-deploy-packages.py CONDUIT_CLI SOURCE_ROOT
"""
import pathlib
import re
import subprocess
import sys

# Part of every Debian system (libc6 depends on libgcc-s1): no need to name them.
ESSENTIAL = {"libc6", "libgcc-s1"}
# A sanitizer build links the sanitizers' runtimes, which a server's build does not.
SANITIZER_RUNTIMES = ("libasan", "libubsan", "libtsan", "liblsan")


def main():
    cli, top = sys.argv[1], pathlib.Path(sys.argv[2])
    source = (top / "src" / "core" / "conduit-deployment.c").read_text(encoding="utf-8")
    block = re.search(r"runtime_packages\[\] = \{(.*?)\};", source, re.S).group(1)
    listed = set(re.findall(r'"([^"]+)"', block))

    needed = re.findall(r"\(NEEDED\)\s+Shared library: \[(.+?)\]",
                        subprocess.run(["readelf", "-d", cli], check=True, capture_output=True,
                                       text=True).stdout)
    if any(soname.startswith(SANITIZER_RUNTIMES) for soname in needed):
        print("a sanitizer build: its libraries are not what a deployment runs")
        return 77
    resolved = {}
    for line in subprocess.run(["ldd", cli], check=True, capture_output=True, text=True).stdout.splitlines():
        match = re.match(r"\s*(\S+) => (\S+)", line)
        if match:
            resolved[match.group(1)] = match.group(2)

    problems = []
    for soname in needed:
        path = resolved.get(soname)
        if path is None:
            problems.append(f"{soname}: not found by ldd")
            continue
        owner = subprocess.run(["dpkg-query", "-S", str(pathlib.Path(path).resolve())],
                               capture_output=True, text=True)
        if owner.returncode != 0:
            owner = subprocess.run(["dpkg-query", "-S", path], capture_output=True, text=True)
        if owner.returncode != 0:
            problems.append(f"{soname} ({path}): no Debian package owns it")
            continue
        package = owner.stdout.split(":")[0].strip()
        if package not in listed and package not in ESSENTIAL:
            problems.append(f"{soname} comes from {package}, which runtime_packages in "
                            "src/core/conduit-deployment.c does not list")

    for problem in problems:
        print(problem, file=sys.stderr)
    print(f"{len(needed)} libraries checked against {len(listed)} packages")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
