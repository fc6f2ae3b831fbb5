#!/usr/bin/env bash
# A screenshot of the real panel in demo mode on a virtual X display (Xvfb), for the README:
# the demo group with a daily loss limit of $1,000, APEX-2 $950 down today (red at a stop of 8
# ticks), APEX-3 at its limit (LOCKED), APEX-4 out of sync; the group table in front.
# Usage: tools/screenshot-risk.sh [risk.png]   (needs xvfb, xdotool, imagemagick, x11-utils,
# curl).
set -euo pipefail
out=$(realpath -m "${1:-docs/risk.png}")
display=":95"
python=${PYTHON:-python3}
data=$(mktemp -d)
cat >"$data/risk.json" <<'JSON'
{"groups": {"Apex PA": {"preset": "apex", "daily_loss": 1000, "no_hedge": false,
                        "flat_by": null}},
 "accounts": {"APEX-3": {"daily_loss": 500}}}
JSON
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
    -d '{"market_open": false, "positions": [["APEX-2", "ES", 1]],
         "risk": {"APEX-2": {"realized": -950}, "APEX-3": {"realized": -600}}}' \
    "$sim/_sim/state" >/dev/null
timeout 10 xdotool windowsize --sync "$window" "${WIDTH:-1240}" "${HEIGHT:-860}"   # room for every column
timeout 10 xdotool windowfocus --sync "$window" key --delay 120 alt+a End
sleep 2
timeout 10 xdotool windowfocus --sync "$window" key --delay 80 alt+p 8 Tab
sleep 1
timeout 10 xdotool windowfocus --sync "$window" key alt+r   # the group table in front
sleep 6                                   # the next 5 s read of the members' figures
position=$(xdotool getwindowgeometry "$window" | awk '/Position/{print $2}' | tr , +)
geometry=$(xdotool getwindowgeometry "$window" | awk '/Geometry/{print $2}')
timeout 10 import -window root -crop "${geometry}+${position}" "$out"
echo "wrote $out"
timeout 10 xdotool windowfocus --sync "$window" key ctrl+q
wait "$app"
