#!/usr/bin/env bash
# Screenshot of the real panel in demo mode on a virtual X display (Xvfb), for the README.
# Usage: tools/screenshot.sh [output.png]   (needs xvfb, xdotool, imagemagick, x11-utils)
set -euo pipefail
out=$(realpath -m "${1:-docs/panel.png}")
display=":97"
python=${PYTHON:-python3}
data=$(mktemp -d)
Xvfb "$display" -screen 0 1280x1000x24 -nolisten tcp & xvfb=$!
trap 'kill $xvfb 2>/dev/null; rm -rf "$data"' EXIT
export DISPLAY=$display
for _ in $(seq 50); do xdpyinfo >/dev/null 2>&1 && break; sleep 0.1; done
CTPANEL_DATA_DIR=$data QT_QPA_PLATFORM=xcb "$python" -m ctpanel --demo >/dev/null & app=$!
window=$(timeout 15 xdotool search --sync --onlyvisible --name "^ctpanel" | head -1)
sleep 3                                   # accounts, position and prices load
timeout 10 xdotool windowfocus --sync "$window" key ctrl+shift+r
sleep 2.5                                 # the order, the re-read position, the fill line
geometry=$(xdotool getwindowgeometry "$window" | awk '/Geometry/{print $2}')
timeout 10 import -window root -crop "${geometry}+0+0" "$out"
timeout 10 xdotool windowfocus --sync "$window" key ctrl+q
wait "$app"
echo "wrote $out"
