#!/usr/bin/env python3
"""Fails when a source file with strings marked for translation is missing from po/POTFILES.in.

A string in such a file would never reach po/conduit.pot, so it would stay English for everyone.
Looks at .c, .h and .ui files under src/, ui/ and data/ for _( N_( C_( NC_( Q_( ngettext (
g_dgettext ( g_dngettext ( and translatable="yes"; also fails when POTFILES.in names a file
that does not exist (xgettext would stop there).

Also fails when a GLib format macro (G_GINT64_FORMAT, G_GSIZE_FORMAT, ...) is part of a string
marked for translation: xgettext ends the message at the macro, so the whole string is never
found in a translation and stays English. <inttypes.h>'s PRId64/PRIu64 (which xgettext knows
as <PRId64>) or %zu for a gsize say the same and can be translated.

  tests/check-potfiles.py [SOURCE_ROOT]
"""
import pathlib
import re
import sys

SCAN_DIRS = ("src", "ui", "data")
C_SUFFIXES = (".c", ".h")

# Comments and literals are blanked first so that a marker inside them does not count, and
# "foo_(" (an identifier ending in _) is not a marker.
C_NOISE = re.compile(r'"(?:\\.|[^"\\\n])*"|\'(?:\\.|[^\'\\\n])*\'|/\*.*?\*/|//[^\n]*', re.S)
C_MARKER = re.compile(r'(?<![A-Za-z0-9_])(?:N?C?_|Q_|ngettext|g_d?n?gettext|g_dpgettext2?)\s*\(')
UI_MARKER = re.compile(r'translatable\s*=\s*["\'](?:yes|true|1)["\']')


def blank(match):
    text = match.group(0)
    return '""' if text.startswith('"') else " "


def has_marked_strings(path):
    text = path.read_text(encoding="utf-8", errors="replace")
    if path.suffix == ".ui":
        return UI_MARKER.search(text) is not None
    return C_MARKER.search(C_NOISE.sub(blank, text)) is not None


GLIB_FORMAT_MACRO = re.compile(r'\bG_G\w*_(?:FORMAT|MODIFIER)\b')


def blank_keeping_lines(match):
    text = match.group(0)
    return '""' if text.startswith('"') else re.sub(r"[^\n]", " ", text)


def glib_format_macros(path):
    """Yields (line, macro) for each GLib format macro in the arguments of a translation call."""
    text = C_NOISE.sub(blank_keeping_lines, path.read_text(encoding="utf-8", errors="replace"))
    for marker in C_MARKER.finditer(text):
        depth, end = 1, marker.end()
        while end < len(text) and depth:
            depth += {"(": 1, ")": -1}.get(text[end], 0)
            end += 1
        for macro in GLIB_FORMAT_MACRO.finditer(text, marker.end(), end):
            yield text.count("\n", 0, macro.start()) + 1, macro.group(0)


def listed_files(potfiles):
    listed = set()
    for line in potfiles.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            listed.add(line)
    return listed


def main():
    top = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else pathlib.Path(__file__).parent.parent)
    potfiles = top / "po" / "POTFILES.in"
    listed = listed_files(potfiles)
    status = 0

    for name in sorted(listed):
        if not (top / name).is_file():
            print(f"po/POTFILES.in names {name}, which does not exist: remove the line")
            status = 1

    checked = 0
    for directory in SCAN_DIRS:
        for path in sorted((top / directory).rglob("*")):
            if not path.is_file() or path.suffix not in C_SUFFIXES + (".ui",):
                continue
            checked += 1
            name = path.relative_to(top).as_posix()
            if name not in listed and has_marked_strings(path):
                print(f"{name} has strings marked for translation but is missing from "
                      f"po/POTFILES.in: add it there")
                status = 1
            if path.suffix in C_SUFFIXES:
                for line, macro in glib_format_macros(path):
                    print(f"{name}:{line}: {macro} inside a string marked for translation: "
                          f"xgettext ends the message there, so it is never translated; use "
                          f"PRId64/PRIu64 from <inttypes.h> (or %zu for a gsize)")
                    status = 1

    if status == 0:
        print(f"checked {checked} source files: each with marked strings is in po/POTFILES.in, "
              f"and no marked string holds a GLib format macro")
    return status


if __name__ == "__main__":
    sys.exit(main())
