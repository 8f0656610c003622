#!/usr/bin/env python3
"""Checks that GTK-free static libraries really are: no symbol they reference or define
belongs to GTK, GDK, GSK or libadwaita. Reads the libraries' symbol tables with nm, so a GTK
call that slipped in through any header or dependency is caught, whatever the build files say.

  tests/check-no-gtk.py LIBRARY.a...
"""
import re
import subprocess
import sys

UI_SYMBOL = re.compile(r"^_?(gtk|gdk|gsk|adw)_", re.IGNORECASE)
# Every real library of ours calls GLib: an empty or unreadable symbol table must not pass.
GLIB_SYMBOL = re.compile(r"^_?g_")


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    failed = False
    for library in sys.argv[1:]:
        listing = subprocess.run(["nm", "--format=posix", library], check=True,
                                 capture_output=True, text=True).stdout
        names = {line.split()[0] for line in listing.splitlines()
                 if line and not line.endswith(":") and len(line.split()) >= 2}
        if not any(GLIB_SYMBOL.match(name) for name in names):
            print(f"{library}: no GLib symbol found, so the check would prove nothing")
            failed = True
            continue
        ui = sorted(name for name in names if UI_SYMBOL.match(name))
        if ui:
            print(f"{library}: uses {len(ui)} GTK/libadwaita symbols, e.g. {', '.join(ui[:5])}")
            failed = True
        else:
            print(f"{library}: {len(names)} symbols, none of GTK or libadwaita")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
