#!/usr/bin/env python3
"""Writes the engine's GResource description: src/core/conduit-core.gresource.xml (the built-in
connectors) plus one <file> per data/connectors/apps/*.json, found by listing the folder.

An app is data: adding data/connectors/apps/ID.json is all it takes to bundle it. The depfile
names the folder itself, whose time changes when a file is added, removed or replaced, so
ninja runs this again then.

  gen-connectors-gresource.py TEMPLATE.xml APPS_DIR OUTPUT.xml DEPFILE
"""
import pathlib
import sys


def main():
    template, apps_dir, output, depfile = (pathlib.Path(arg) for arg in sys.argv[1:5])
    text = template.read_text(encoding="utf-8")
    marker = "  </gresource>"
    if marker not in text:
        sys.exit(f"gen-connectors-gresource: {template}: no “{marker.strip()}” to add the apps before")
    apps = "".join(f"    <file>apps/{path.name}</file>\n"
                   for path in sorted(apps_dir.glob("*.json")))
    output.write_text(text.replace(marker, apps + marker, 1), encoding="utf-8")
    depfile.write_text(f"{output}: {apps_dir}\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
