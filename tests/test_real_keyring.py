"""The token store against a real Secret Service (gnome-keyring on a private session bus)."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
CANARY = "canary-secret-service-4b7d"

SCRIPT = f"""
from ctpanel.core.store.credentials import KeyringTokenStore
from ctpanel.core.domain.secret import Secret
import subprocess
store = KeyringTokenStore()
print("backend", store.describe())
store.set(Secret({CANARY!r}))
print("read", store.get() == Secret({CANARY!r}))
found = subprocess.run(["secret-tool", "lookup", "service", "ctpanel", "username",
                        "crosstrade-api-token"], capture_output=True, text=True).stdout
print("secret-tool", found == {CANARY!r})
store.clear()
print("cleared", store.get() is None)
"""

pytestmark = [
    pytest.mark.real_keyring,
    pytest.mark.skipif(not all(shutil.which(tool) for tool in
                               ("dbus-run-session", "gnome-keyring-daemon", "secret-tool")),
                       reason="no dbus-run-session / gnome-keyring / secret-tool here"),
]


def test_keyring_store_round_trip_in_a_real_secret_service(tmp_path):
    done = subprocess.run(
        ["dbus-run-session", "--", "sh", str(REPO / "tests/helpers/kr_run.sh"),
         sys.executable, "-c", SCRIPT],
        capture_output=True, text=True, timeout=60, cwd=REPO,
        env={"PATH": "/usr/bin:/bin", "KR_HOME": str(tmp_path), "PYTHONPATH": str(REPO)})
    assert done.returncode == 0, done.stderr
    lines = dict(line.split(" ", 1) for line in done.stdout.splitlines())
    assert lines["backend"] == "keyring.backends.SecretService.Keyring"
    assert lines["read"] == lines["secret-tool"] == lines["cleared"] == "True"
    assert CANARY not in done.stderr
