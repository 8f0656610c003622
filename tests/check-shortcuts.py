#!/usr/bin/env python3
"""Checks that the keyboard shortcuts window lists every key the app binds: each
gtk_widget_class_add_binding*() and gtk_application_set_accels_for_action() in src/app must
appear, with its modifiers, among the accelerators of ui/gtk/help-overlay.ui (which may name
several keys for one entry, separated by spaces). A key added without telling the person fails.

  tests/check-shortcuts.py SOURCE_ROOT
"""
import pathlib
import re
import sys
import xml.etree.ElementTree as ET

MODIFIERS = {"0": "", "GDK_CONTROL_MASK": "<Control>", "GDK_SHIFT_MASK": "<Shift>",
             "GDK_ALT_MASK": "<Alt>", "GDK_SUPER_MASK": "<Super>"}
ORDER = ["<Control>", "<Shift>", "<Alt>", "<Super>"]
# A second key for the same thing (the keypad's twin, Backspace for Delete) need not be shown
# beside the first: the window lists the key a person looks for.
TWINS = {"KP_Delete": "Delete", "BackSpace": "Delete", "KP_Enter": "Return",
         "<Control>KP_Add": "<Control>plus", "<Control>equal": "<Control>plus",
         "<Control>KP_Subtract": "<Control>minus", "Menu": "<Control>l",
         "<Shift>Right": "<Shift>Left", "<Shift>Up": "<Shift>Left", "<Shift>Down": "<Shift>Left"}


def normalise(accel):
    mods = re.findall(r"<\w+>", accel)
    key = re.sub(r"<\w+>", "", accel)
    mods = sorted(("<Control>" if m in ("<Primary>", "<Ctrl>") else m) for m in mods)
    mods.sort(key=lambda m: ORDER.index(m) if m in ORDER else len(ORDER))
    return "".join(mods) + key


def modifiers(expression):
    parts = [p.strip() for p in expression.split("|")]
    unknown = [p for p in parts if p not in MODIFIERS]
    if unknown:
        raise SystemExit(f"check-shortcuts: modifier {unknown[0]} not known to this script")
    return "".join(MODIFIERS[p] for p in parts)


def bound(top):
    found = {}
    for source in sorted((top / "src" / "app").glob("*.c")):
        text = source.read_text(encoding="utf-8")
        for match in re.finditer(r"gtk_widget_class_add_binding\w*\s*\(\s*widget_class,\s*"
                                 r"GDK_KEY_(\w+),\s*([^,]+),", text):
            accel = normalise(modifiers(match.group(2)) + match.group(1))
            found.setdefault(accel, f"{source.name}:{text.count(chr(10), 0, match.start()) + 1}")
        # the canvas's arrow keys move by a grid step, and with Shift by a pixel
        for match in re.finditer(r"add_nudge_bindings\s*\(\s*widget_class,\s*GDK_KEY_(\w+),", text):
            line = f"{source.name}:{text.count(chr(10), 0, match.start()) + 1}"
            found.setdefault(match.group(1), line)
            found.setdefault("<Shift>" + match.group(1), line)
        for match in re.finditer(r"\*\w+_accels\[\]\s*=\s*\{([^}]*)\}", text):
            for accel in re.findall(r'"([^"]+)"', match.group(1)):
                found.setdefault(normalise(accel),
                                 f"{source.name}:{text.count(chr(10), 0, match.start()) + 1}")
    return found


def listed(overlay):
    accels = set()
    for shortcut in ET.parse(overlay).getroot().iter("object"):
        if shortcut.get("class") != "GtkShortcutsShortcut":
            continue
        for prop in shortcut.findall("property"):
            if prop.get("name") == "accelerator":
                accels.update(normalise(a) for a in prop.text.split())
    return accels


def main():
    top = pathlib.Path(sys.argv[1])
    found = bound(top)
    shown = listed(top / "ui" / "gtk" / "help-overlay.ui")
    missing = sorted(accel for accel in found if accel not in shown and TWINS.get(accel) not in shown)
    for accel in missing:
        print(f"{found[accel]}: {accel} is bound but not in ui/gtk/help-overlay.ui",
              file=sys.stderr)
    print(f"{len(found)} keys bound, {len(shown)} listed in the shortcuts window")
    if len(found) < 20:
        print("check-shortcuts: found fewer bindings than the app has; is the pattern stale?",
              file=sys.stderr)
        return 1
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
