#!/usr/bin/env python3
"""Checks that a translation is complete: no untranslated and no fuzzy message in the .po file.
Also reports (without failing) strings in the sources that the .po file does not have yet, which
`meson compile -C build conduit-update-po` brings in for translating.

  tests/check-translation.py PO_FILE SOURCE_ROOT
"""
import pathlib
import re
import shutil
import subprocess
import sys
import tempfile

# The keywords of meson's i18n.gettext(preset: 'glib').
XGETTEXT_KEYWORDS = ["_", "N_", "C_:1c,2", "NC_:1c,2", "g_dcgettext:2", "g_dngettext:2,3",
                     "g_dpgettext2:2c,3", "g_dgettext:2", "ngettext:1,2"]


def run(*args):
    return subprocess.run(args, capture_output=True, text=True)


def statistics(po):
    """Returns {'translated': n, 'fuzzy': n, 'untranslated': n} as msgfmt counts them."""
    result = run("msgfmt", "--statistics", "--output-file=/dev/null", str(po))
    counts = {"translated": 0, "fuzzy": 0, "untranslated": 0}
    for number, word in re.findall(r"(\d+) (translated|fuzzy|untranslated)", result.stderr):
        counts[word] = int(number)
    return result.returncode, counts


def main():
    po, top = pathlib.Path(sys.argv[1]).resolve(), pathlib.Path(sys.argv[2]).resolve()
    for tool in ("msgfmt", "msgattrib", "xgettext", "msgcmp"):
        if shutil.which(tool) is None:
            print(f"1..0 # SKIP {tool} is not installed (package gettext)")
            return 77

    status, counts = statistics(po)
    print(f"{po.name}: {counts['translated']} translated, {counts['fuzzy']} fuzzy, "
          f"{counts['untranslated']} untranslated")
    if counts["fuzzy"] or counts["untranslated"]:
        listing = run("msgattrib", "--only-fuzzy" if counts["fuzzy"] else "--untranslated",
                      "--no-obsolete", str(po)).stdout
        print(f"{po.name} is not complete; for example:\n{listing[:3000]}", file=sys.stderr)
        status = 1

    with tempfile.TemporaryDirectory() as tmp:
        pot = pathlib.Path(tmp) / "current.pot"
        args = ["xgettext", "--from-code=UTF-8", "--add-comments", "--directory", str(top),
                "--files-from", str(top / "po" / "POTFILES.in"), "--output", str(pot)]
        args += [f"--keyword={k}" for k in XGETTEXT_KEYWORDS]
        result = run(*args)
        if result.returncode != 0:
            print(f"xgettext failed:\n{result.stderr}", file=sys.stderr)
            return 1
        result = run("msgcmp", "--use-untranslated", str(po), str(pot))
        new = [line for line in result.stderr.splitlines()
               if "this message is used but not defined" in line]
        if new:
            print(f"note: {len(new)} strings in the sources are not in {po.name} yet: run "
                  "`meson compile -C build conduit-update-po` and translate them")

    return 1 if status else 0


if __name__ == "__main__":
    sys.exit(main())
