#!/usr/bin/env python3
"""Checks the installed MIME description the way the desktop will read it: update-mime-database
builds a private database from it, which must know application/x-conduit-flow by the *.conduit
glob, as a kind of application/json, with a German comment from po/de.po.

  tests/check-mime-type.py BUILD/data/io.conduit.Conduit.xml
"""
import pathlib
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

MIME_TYPE = "application/x-conduit-flow"
NS = {"m": "http://www.freedesktop.org/standards/shared-mime-info"}
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def read_if_there(path):
    return path.read_text(encoding="utf-8") if path.exists() else ""


def main():
    source = pathlib.Path(sys.argv[1])
    if shutil.which("update-mime-database") is None:
        print("update-mime-database is not installed (package shared-mime-info)")
        return 77

    problems = []
    with tempfile.TemporaryDirectory() as tmp:
        database = pathlib.Path(tmp) / "mime"
        (database / "packages").mkdir(parents=True)
        shutil.copy(source, database / "packages" / "conduit-under-test.xml")
        result = subprocess.run(["update-mime-database", "-V", str(database)],
                                capture_output=True, text=True)
        # It reports mistakes in a package as warnings and still exits 0.
        output = result.stdout + result.stderr
        complaints = [line for line in output.splitlines()
                      if "warning" in line.lower() or "error" in line.lower()]
        if result.returncode != 0 or complaints:
            problems.append("update-mime-database rejected it:\n" + "\n".join(complaints))

        globs = read_if_there(database / "globs2")
        if not any(line.split(":")[1:] == [MIME_TYPE, "*.conduit"] for line in globs.splitlines()
                   if not line.startswith("#")):
            problems.append(f"*.conduit does not map to {MIME_TYPE} in globs2:\n{globs}")

        subclasses = read_if_there(database / "subclasses")
        if f"{MIME_TYPE} application/json" not in subclasses.splitlines():
            problems.append(f"{MIME_TYPE} is not a sub-class of application/json:\n{subclasses}")

        described = database / "application" / "x-conduit-flow.xml"
        if not described.exists():
            problems.append(f"no {described.relative_to(database)} was written")
        else:
            comments = ET.parse(described).getroot().findall("m:comment", NS)
            languages = {comment.get(XML_LANG) for comment in comments}
            if None not in languages:
                problems.append("the type has no untranslated comment")
            if "de" not in languages:
                problems.append("the comment has no German translation: is po/de.po merged?")

    for problem in problems:
        print(problem, file=sys.stderr)
    if not problems:
        print(f"{source.name}: {MIME_TYPE} for *.conduit, a kind of application/json")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
