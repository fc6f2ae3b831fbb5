#!/usr/bin/env bash
# Screenshots of the real panel in demo mode on a virtual X display (Xvfb), for the README: the
# full panel after a reverse, the exits with a STOP reverse's entry working, then compact mode
# with the global hotkey armed.
# Usage: tools/screenshot.sh [panel.png] [compact.png] [exits.png] [groups.png]   (needs xvfb,
# xdotool, imagemagick, x11-utils, curl). SCALE=1.5 SCREEN=1920x1080 takes them at 150 %.
set -euo pipefail
out=$(realpath -m "${1:-docs/panel.png}")
compact_out=$(realpath -m "${2:-docs/compact.png}")
exits_out=$(realpath -m "${3:-docs/exits.png}")
groups_out=$(realpath -m "${4:-docs/groups.png}")
display=":97"
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
timeout 10 xdotool windowfocus --sync "$window" key ctrl+shift+r
sleep 2.5                                 # the order, the re-read position, the fill line
shoot() {  # shoot WINDOW FILE: the window's rectangle of the root window (no window manager)
  local position geometry
  position=$(xdotool getwindowgeometry "$1" | awk '/Position/{print $2}' | tr , +)
  geometry=$(xdotool getwindowgeometry "$1" | awk '/Geometry/{print $2}')
  timeout 10 import -window root -crop "${geometry}+${position}" "$2"
  echo "wrote $2"
}
shoot "$window" "$out"
sim=$(sed -n 's/^ctpanel demo simulator: //p' "$data/out")
curl -fsS -X POST -H 'Content-Type: application/json' -d '{"market_open": false}' \
    "$sim/_sim/state" >/dev/null           # a still market: the stop entry stays working
# Alt+T opens the order details on the order type; two down is STOPMARKET.
timeout 10 xdotool windowfocus --sync "$window" key --delay 120 alt+t Down Down
sleep 1.5                                 # past the re-arm delay
timeout 10 xdotool windowfocus --sync "$window" key ctrl+shift+r
sleep 2.5                                 # flat, the entry working
timeout 10 xdotool windowfocus --sync "$window" key alt+w   # listed with its Cancel
sleep 0.5
shoot "$window" "$exits_out"
curl -fsS -X POST -H 'Content-Type: application/json' -d '{"market_open": true}' \
    "$sim/_sim/state" >/dev/null
timeout 10 xdotool windowfocus --sync "$window" key --delay 120 alt+t Up Up  # MARKET
timeout 10 xdotool windowfocus --sync "$window" key --delay 120 alt+a End  # the demo group
sleep 2                                   # its five positions read, a row per member
timeout 10 xdotool windowfocus --sync "$window" key ctrl+shift+r
sleep 2.5                                 # every member at once, each row's result
shoot "$window" "$groups_out"
timeout 10 xdotool windowfocus --sync "$window" key ctrl+shift+a   # arm the global hotkey
sleep 0.5
timeout 10 xdotool windowfocus --sync "$window" key ctrl+shift+m   # compact mode
compact=$(timeout 15 xdotool search --sync --onlyvisible --name "^HOTKEY ARMED" | head -1)
sleep 1.5
shoot "$compact" "$compact_out"
timeout 10 xdotool windowfocus --sync "$compact" key ctrl+q
wait "$app"
