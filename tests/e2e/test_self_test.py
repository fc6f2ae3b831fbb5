"""``ctpanel --self-test`` from source (CI also runs it from the PyInstaller bundle)."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
CHECKS = ("Qt platform", "resources", "TLS certificates", "keyring backend", "late imports",
          "start-up and shutdown", "two journaled reverses (embedded simulator)")


def self_test(tmp_path, *wrapper, **extra_env):
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "CTPANEL_DATA_DIR": str(tmp_path),
           "KR_HOME": str(tmp_path / "home"), **extra_env}
    done = subprocess.run([*wrapper, sys.executable, "-m", "ctpanel", "--self-test"],
                          capture_output=True, text=True, timeout=120, cwd=REPO, env=env)
    results = {}
    for line in done.stdout.splitlines():
        status, _, rest = line.partition(" ")
        name = rest.split(":", 1)[0].strip()
        if status in ("ok", "FAIL") and name in CHECKS:
            results[name] = status
    return done, results


@pytest.mark.skipif(not (shutil.which("dbus-run-session") and
                         shutil.which("gnome-keyring-daemon")),
                    reason="needs dbus-run-session and gnome-keyring for a keyring backend")
def test_self_test_passes_with_a_keyring(tmp_path):
    done, results = self_test(tmp_path, "dbus-run-session", "--", "sh",
                              str(REPO / "tests/helpers/kr_run.sh"))
    assert done.returncode == 0, done.stdout + done.stderr
    assert results == dict.fromkeys(CHECKS, "ok")
    assert "keyring backend: keyring.backends.SecretService.Keyring" in done.stdout
    assert "self-test passed" in done.stdout
    assert list(tmp_path.glob("*.jsonl")) == [], "the self-test writes only to its own folder"


def test_self_test_fails_without_a_keyring_and_says_so(tmp_path):
    done, results = self_test(tmp_path, PYTHON_KEYRING_BACKEND="keyring.backends.fail.Keyring")
    assert done.returncode == 1
    assert results == {**dict.fromkeys(CHECKS, "ok"), "keyring backend": "FAIL"}
    assert "no usable OS keyring" in done.stdout and "self-test FAILED (1)" in done.stdout
