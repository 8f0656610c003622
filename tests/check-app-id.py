#!/usr/bin/env python3
"""Checks that the desktop integration files agree with each other: one application id, one
MIME type, the icons the desktop file names, and a Flatpak manifest that grants no more than it
needs. tests/check-screenshots.py looks after the screenshots.

  tests/check-app-id.py APP_ID SOURCE_ROOT DESKTOP_FILE METAINFO_FILE MIME_FILE
"""
import configparser
import json
import pathlib
import sys
import xml.etree.ElementTree as ET

SVG = "{http://www.w3.org/2000/svg}"
MIME_NS = {"m": "http://www.freedesktop.org/standards/shared-mime-info"}
# Home or host access would defeat the file chooser portal, through which flows are opened.
FORBIDDEN_FILESYSTEMS = ("home", "host", "host-os", "host-etc", "~")

problems = []


def expect(condition, message):
    if not condition:
        problems.append(message)


def main():
    app_id, top = sys.argv[1], pathlib.Path(sys.argv[2])
    desktop_path, metainfo_path, mime_path = map(pathlib.Path, sys.argv[3:6])

    mime_root = ET.parse(mime_path).getroot()
    mime_types = [t.get("type") for t in mime_root.findall("m:mime-type", MIME_NS)]
    expect(len(mime_types) == 1, f"{mime_path.name}: expected one MIME type, found {mime_types}")
    mime_type = mime_types[0] if mime_types else None

    desktop = configparser.ConfigParser(interpolation=None, strict=False)
    desktop.optionxform = str
    desktop.read(desktop_path, encoding="utf-8")
    entry = desktop["Desktop Entry"]
    expect(desktop_path.name == app_id + ".desktop", f"desktop file is named {desktop_path.name}")
    expect(entry.get("Icon") == app_id, f"desktop file: Icon={entry.get('Icon')}, not {app_id}")
    expect(entry.get("Exec", "").split()[:1] == ["conduit"],
           "desktop file: Exec does not start conduit")
    expect(mime_type in entry.get("MimeType", "").split(";"),
           f"desktop file: MimeType does not list {mime_type}")

    icons = ((f"data/icons/hicolor/scalable/apps/{app_id}.svg", "128", False),
             (f"data/icons/hicolor/symbolic/apps/{app_id}-symbolic.svg", "16", True))
    for icon, size, symbolic in icons:
        if not (top / icon).is_file():
            problems.append(f"{icon} is missing")
            continue
        svg = ET.parse(top / icon).getroot()
        expect(svg.tag == SVG + "svg", f"{icon} is not an SVG document")
        expect(svg.get("viewBox") == f"0 0 {size} {size}",
               f"{icon}: the canvas must be {size}×{size}, not viewBox=\"{svg.get('viewBox')}\"")
        if symbolic:
            # GTK recolours the fill of a symbolic icon to the text colour, never its strokes.
            stroked = [e.tag.split("}")[-1] for e in svg.iter()
                       if e.get("stroke", "none") != "none"]
            expect(not stroked,
                   f"{icon}: strokes ({', '.join(stroked)}) would not follow the theme")

    component = ET.parse(metainfo_path).getroot()
    expect(component.findtext("id") == app_id, f"metainfo: <id> is {component.findtext('id')}")
    launchable = component.find("launchable[@type='desktop-id']")
    expect(launchable is not None and launchable.text == desktop_path.name,
           "metainfo: <launchable type=\"desktop-id\"> does not name the desktop file")
    expect(mime_type in [m.text for m in component.findall("provides/mediatype")],
           f"metainfo: <provides> does not list {mime_type}")
    binaries = {b.text for b in component.findall("provides/binary")}
    expect({"conduit", "conduit-cli"} <= binaries, f"metainfo: <provides> binaries are {binaries}")
    schema = ET.parse(top / "data" / f"{app_id}.gschema.xml").getroot().find("schema")
    expect(schema.get("id") == app_id, f"GSettings schema id is {schema.get('id')}")
    expect(schema.get("path") == "/" + app_id.replace(".", "/") + "/",
           f"GSettings schema path is {schema.get('path')}")

    manifest_path = top / "flatpak" / f"{app_id}.json"
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    expect(manifest.get("id") == app_id, f"Flatpak manifest id is {manifest.get('id')}")
    expect(manifest.get("command") == "conduit", "Flatpak manifest: command is not conduit")
    for arg in manifest.get("finish-args", []):
        if arg.startswith("--filesystem="):
            place = arg.split("=", 1)[1].split(":")[0]
            expect(place not in FORBIDDEN_FILESYSTEMS and not place.startswith("~"),
                   f"Flatpak manifest grants {arg}: files go through the portal")
        expect(arg not in ("--socket=x11", "--socket=session-bus", "--talk-name=*"),
               f"Flatpak manifest grants {arg}")
    app_module = manifest["modules"][-1]
    expect(app_module.get("buildsystem") == "meson", "Flatpak manifest: last module is not meson")
    dirs = [s for s in app_module.get("sources", []) if s.get("type") == "dir"]
    expect(dirs and (manifest_path.parent / dirs[0]["path"]).resolve() == top.resolve(),
           "Flatpak manifest: the app module is not built from this source tree")

    for problem in problems:
        print(problem, file=sys.stderr)
    if not problems:
        print(f"{app_id}: desktop file, metainfo, MIME type, icons, schema and manifest agree")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
