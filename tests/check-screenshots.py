#!/usr/bin/env python3
"""Checks that every screenshot the metainfo shows is a PNG in this repository, of the size the
metainfo declares. Skips while the app that data/screenshots/take-screenshots.sh photographs is
not built (-Dapp=false, or before it exists), since then there is nothing to take.

  tests/check-screenshots.py METAINFO_FILE SOURCE_ROOT APP_EXECUTABLE
"""
import pathlib
import struct
import sys
import xml.etree.ElementTree as ET

# Software centres fetch screenshots from the repository's main branch.
SCREENSHOT_URL = "https://github.com/conduit-app/conduit/raw/main/"


def png_size(path):
    with open(path, "rb") as png:
        header = png.read(24)
    if header[:8] != b"\x89PNG\r\n\x1a\n":
        return None
    return struct.unpack(">II", header[16:24])


def main():
    metainfo, top, app = map(pathlib.Path, sys.argv[1:4])
    images = ET.parse(metainfo).getroot().findall("screenshots/screenshot/image")
    if not images:
        print("metainfo: no screenshots", file=sys.stderr)
        return 1

    problems, missing = [], []
    for image in images:
        url = image.text.strip()
        if not url.startswith(SCREENSHOT_URL):
            problems.append(f"screenshot {url} is not a file in the repository")
            continue
        name = url[len(SCREENSHOT_URL):]
        shot = top / name
        if not shot.is_file():
            missing.append(name)
            continue
        size = png_size(shot)
        if size is None:
            problems.append(f"{name} is not a PNG")
            continue
        declared = (image.get("width"), image.get("height"))
        if declared != (None, None) and tuple(int(d or 0) for d in declared) != size:
            problems.append(f"{name} is declared {declared[0]}×{declared[1]} in the metainfo "
                            f"but is {size[0]}×{size[1]}")
        print(f"{name}: {size[0]}×{size[1]}")

    if missing and not problems and not app.exists():
        print(f"1..0 # SKIP {', '.join(missing)} not taken yet, and {app.name} is not built")
        return 77
    for name in missing:
        problems.append(f"{name} does not exist: run data/screenshots/take-screenshots.sh")
    for problem in problems:
        print(problem, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
