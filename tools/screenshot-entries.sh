#!/usr/bin/env bash
# A screenshot of the real panel in demo mode on a virtual X display (Xvfb), for the README:
# BUY from flat with a stop 8 and a target 16 ticks, its bracket read back and listed.
# Usage: tools/screenshot-entries.sh [entries.png]   (needs xvfb, xdotool, imagemagick,
# x11-utils, curl).
set -euo pipefail
out=$(realpath -m "${1:-docs/entries.png}")
display=":96"
python=${PYTHON:-python3}
data=$(mktemp -d)
Xvfb "$display" -screen 0 "${SCREEN:-1280x1000}x24" -nolisten tcp & xvfb=$!
trap 'kill $xvfb 2>/dev/null; rm -rf "$data"' EXIT
export DISPLAY=$display
for _ in $(seq 50); do xdpyinfo >/dev/null 2>&1 && break; sleep 0.1; done
CTPANEL_DATA_DIR=$data QT_QPA_PLATFORM=xcb QT_SCALE_FACTOR=${SCALE:-1} \
    "$python" -m ctpanel --demo >"$data/out" & app=$!
window=$(timeout 15 xdotool search --sync --onlyvisible --name "^ctpanel" | head -1)
sleep 3                                   # accounts, position and prices load
sim=$(sed -n 's/^ctpanel demo simulator: //p' "$data/out")
curl -fsS -X POST -H 'Content-Type: application/json' \
    -d '{"market_open": false, "positions": [["Sim101", "ES", 0]]}' \
    "$sim/_sim/state" >/dev/null           # flat in ES, and a still market: the legs stay
sleep 6                                   # the next poll reads it flat
timeout 10 xdotool windowfocus --sync "$window" key --delay 80 alt+p 8 Tab 1 6
sleep 1
timeout 10 xdotool windowfocus --sync "$window" key ctrl+shift+b
sleep 3                                   # the entry, its fill, the bracket read back
timeout 10 xdotool windowfocus --sync "$window" key alt+w   # the working orders: the bracket
sleep 0.5
position=$(xdotool getwindowgeometry "$window" | awk '/Position/{print $2}' | tr , +)
geometry=$(xdotool getwindowgeometry "$window" | awk '/Geometry/{print $2}')
timeout 10 import -window root -crop "${geometry}+${position}" "$out"
echo "wrote $out"
timeout 10 xdotool windowfocus --sync "$window" key ctrl+q
wait "$app"
