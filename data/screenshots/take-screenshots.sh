#!/usr/bin/env bash
# data/screenshots/take-screenshots.sh [BUILD_DIR]
#
# Renders the screenshots that the AppStream metainfo shows, so that they stay current: runs the
# app from BUILD_DIR (default: build) on an example flow under tests/run-headless (Xvfb, private
# D-Bus, throwaway HOME), waits until the window has drawn and stopped changing, photographs the
# screen and crops it to the window. Writes data/screenshots/main-window.png.
# Needs imagemagick (import, compare, convert, identify) and x11-utils (xwininfo), which
# ./conduit-dev deps installs. Run it after a visible change to the main window; commit the PNG.
set -euo pipefail

TOP=$(cd "$(dirname "$(readlink -f "$0")")/../.." && pwd)
BUILD=$(readlink -f "${1:-$TOP/build}")
APP=$BUILD/src/app/conduit
FLOW=$TOP/data/examples/web-form-to-crm.conduit
OUT=$TOP/data/screenshots/main-window.png
# The title the window takes once the example flow is open: the flow's name.
TITLE=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["name"])' "$FLOW")

if [ ! -x "$APP" ]; then
  echo "take-screenshots: $APP is not built: run ./conduit-dev build" >&2
  exit 1
fi
for tool in import compare convert identify xwininfo; do
  if ! command -v "$tool" >/dev/null; then
    echo "take-screenshots: $tool is missing: run ./conduit-dev deps" >&2
    exit 1
  fi
done

if [ -z "${TAKE_SCREENSHOTS_INSIDE:-}" ]; then
  TAKE_SCREENSHOTS_INSIDE=1 exec "$TOP/tests/run-headless" "$0" "$BUILD"
fi

WORK=$(mktemp -d "${TMPDIR:-/tmp}/screenshots.XXXXXX")
# The window's subtitle shows the flow's folder: open a copy in a fixed, neutral one, so that the
# picture shows neither this checkout's path nor a random one.
SHOWN=/tmp/conduit-screenshots/Documents
mkdir -p "$SHOWN"
cp "$FLOW" "$SHOWN/"
APP_PID=""
cleanup() {
  if [ -n "$APP_PID" ]; then
    kill "$APP_PID" 2>/dev/null || true
    wait "$APP_PID" 2>/dev/null || true
  fi
  rm -rf "$WORK" "$SHOWN"
  rmdir /tmp/conduit-screenshots 2>/dev/null || true
}
trap cleanup EXIT

# English text and the default window size (settings in memory), whatever the caller's are.
LANGUAGE=en LC_ALL=C.UTF-8 GSETTINGS_BACKEND=memory GSETTINGS_SCHEMA_DIR="$BUILD/data" \
  "$APP" "$SHOWN/$(basename "$FLOW")" > "$WORK/app.log" 2>&1 &
APP_PID=$!

# Find the top-level window by its title; GTK maps it once the flow is loaded.
window=""
for _ in $(seq 1 100); do
  if ! kill -0 "$APP_PID" 2>/dev/null; then
    echo "take-screenshots: the app exited:" >&2
    cat "$WORK/app.log" >&2
    exit 1
  fi
  window=$(xwininfo -root -tree | awk -v title="\"$TITLE — Conduit\"" \
    'index($0, title) { print $1; exit }')
  if [ -n "$window" ] && xwininfo -id "$window" | grep -q 'Map State: IsViewable'; then
    break
  fi
  window=""
  sleep 0.1
done
if [ -z "$window" ]; then
  echo "take-screenshots: no window titled “$TITLE — Conduit” appeared within 10 s" >&2
  cat "$WORK/app.log" >&2
  exit 1
fi

geometry() { xwininfo -id "$window" | awk -v key="$1" '$0 ~ key { print $NF }'; }
x=$(geometry 'Absolute upper-left X:')
y=$(geometry 'Absolute upper-left Y:')
width=$(geometry 'Width:')
height=$(geometry 'Height:')
crop="${width}x${height}+${x}+${y}"

# Wait until two shots in a row are identical: the first frames may still be laying out.
import -window root -crop "$crop" +repage "$WORK/previous.png"
stable=0
for _ in $(seq 1 50); do
  sleep 0.2
  import -window root -crop "$crop" +repage "$WORK/current.png"
  changed=$(compare -metric AE "$WORK/previous.png" "$WORK/current.png" null: 2>&1 || true)
  # Two black frames in a row are a window not drawn yet (a slow machine), not a stable one.
  blank=$(convert "$WORK/current.png" -format '%[fx:standard_deviation < 0.01]' info:)
  if [ "$changed" = 0 ] && [ "$blank" = 0 ]; then
    stable=1
    break
  fi
  mv "$WORK/current.png" "$WORK/previous.png"
done
if [ $stable = 0 ]; then
  echo "take-screenshots: the window kept changing for 10 s; not writing a screenshot" >&2
  exit 1
fi

# Drop metadata (dates) so that an unchanged window gives an unchanged file.
convert "$WORK/current.png" -strip "$OUT"
echo "take-screenshots: wrote ${OUT#"$TOP"/} ($(identify -format '%wx%h' "$OUT"))"

# A past run on the canvas and the inspector's item table (run-on-canvas.png,
# inspector-table.png): the app test that opens a recorded run from the history takes them.
if [ -x "$BUILD/tests/test-runview" ]; then
  CONDUIT_SCREENSHOT_DIR="$TOP/data/screenshots" LANGUAGE=en LC_ALL=C.UTF-8 \
    GSETTINGS_BACKEND=memory GSETTINGS_SCHEMA_DIR="$BUILD/data" GTK_A11Y=test \
    G_DEBUG=fatal-warnings "$BUILD/tests/test-runview" -p /conduit/runview/canvas > "$WORK/runview.log" 2>&1 ||
    { echo "take-screenshots: test-runview failed:" >&2; cat "$WORK/runview.log" >&2; exit 1; }
  echo "take-screenshots: wrote data/screenshots/run-on-canvas.png and inspector-table.png"
fi
