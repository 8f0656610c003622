#!/usr/bin/env bash
# docs/tools/take-guide-screenshots.sh [BUILD_DIR] [STATE…]
#
# Renders the pictures of docs/getting-started.md, docs/user-guide.md and docs/testing.md
# (Save as Test, the Tests pane) into docs/images/, so
# that they show the app as it is: runs the app from BUILD_DIR (default: build) under
# tests/run-headless (Xvfb, private D-Bus with the accessibility bus, throwaway HOME and
# keyring), and docs/tools/guide-screenshots.py drives it over AT-SPI into each state (the start
# page, a new flow, the palette, the guide's flow docs/examples/new-leads.conduit on the canvas,
# a step's settings, the mapping table, a run, the history, the credentials) and photographs it.
# STATE… picks some of the states (see the table at the end of guide-screenshots.py).
# Needs imagemagick, x11-utils, xdotool and python3-pyatspi (./conduit-dev deps installs them).
# Run it after a visible change to the window; look at the pictures; commit them.
set -euo pipefail

TOP=$(cd "$(dirname "$(readlink -f "$0")")/../.." && pwd)
BUILD=$(readlink -f "${1:-$TOP/build}")
shift || true
OUT=$TOP/docs/images

if [ ! -x "$BUILD/src/app/conduit" ] || [ ! -x "$BUILD/src/cli/conduit-cli" ]; then
  echo "take-guide-screenshots: the app is not built in $BUILD: run ./conduit-dev build" >&2
  exit 1
fi
for tool in import compare convert xwininfo xdotool; do
  if ! command -v "$tool" >/dev/null; then
    echo "take-guide-screenshots: $tool is missing: run ./conduit-dev deps" >&2
    exit 1
  fi
done
# Debian's interpreter: python3-pyatspi is installed for it, not for another python3 on PATH
if ! /usr/bin/python3 -c 'import pyatspi' 2>/dev/null; then
  echo "take-guide-screenshots: python3-pyatspi is missing: run ./conduit-dev deps" >&2
  exit 1
fi

if [ -z "${TAKE_GUIDE_SCREENSHOTS_INSIDE:-}" ]; then
  TAKE_GUIDE_SCREENSHOTS_INSIDE=1 exec "$TOP/tests/run-headless" "$0" "$BUILD" "$@"
fi

# libatspi warns once per app that the app has no AT-SPI cache object (GTK 4 keeps none): noise
exec /usr/bin/python3 "$TOP/docs/tools/guide-screenshots.py" "$BUILD" "$OUT" "$@" \
  2> >(grep --line-buffered -v -e 'dbind-WARNING' -e '^$' >&2)
