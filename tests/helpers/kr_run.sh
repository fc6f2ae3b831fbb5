#!/bin/sh
# Run a command inside a session bus with an unlocked gnome-keyring (Secret Service).
# Usage: dbus-run-session -- sh tests/helpers/kr_run.sh COMMAND...
set -e
export HOME="${KR_HOME:-$(mktemp -d)}"
export XDG_DATA_HOME="$HOME/.local/share"
export XDG_RUNTIME_DIR="${XDG_RUNTIME_DIR:-$(mktemp -d)}"
chmod 700 "$XDG_RUNTIME_DIR"
eval "$(printf '%s' "${KEYRING_PASS:-ci-pass}" | gnome-keyring-daemon --unlock --components=secrets)"
export GNOME_KEYRING_CONTROL
exec "$@"
