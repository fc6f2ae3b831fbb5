"""Start a built bundle the ways a trader does, and check each: ``python packaging/check_bundle.py
dist/ctpanel/ctpanel[.exe]``.

1. ``--self-test`` (which runs the real start-up path and two journaled reverses itself);
2. the panel's real start-up, ``--demo --report-ready --exit-when-ready``, to "usable" and out;
3. two CLI reverses (REST, then WebSocket) into one fresh data folder, against the simulator
   run from this checkout; the journal must then hold, for each, its intent written ahead and
   its outcome with the same client id: four whole records ending in a bare "\\n".

Used by `.ci/run` (the Linux bundle) and the hosted-runner workflow (Windows, macOS); the Wine
check (`.ci/windows/check.sh`) runs the same steps from bash. Exit 0 only if all pass.
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TIMEOUT = 120


def run(exe: Path, *args: str, env: dict[str, str] | None = None, stdin: str | None = None
        ) -> subprocess.CompletedProcess:
    done = subprocess.run([str(exe), *args], input=stdin, capture_output=True, text=True,
                          timeout=TIMEOUT, env={**os.environ, **(env or {})})
    print(done.stdout + done.stderr, flush=True)
    return done


@contextlib.contextmanager
def simulator():
    """This checkout's simulator on a free loopback port: its URLs and token."""
    process = subprocess.Popen([sys.executable, "-m", "ctpanel.sim", "--port", "0"],
                               stdout=subprocess.PIPE, text=True)
    try:
        yield json.loads(process.stdout.readline())
    finally:
        process.terminate()
        process.wait(10)


def check_self_test(exe: Path, folder: Path) -> None:
    done = run(exe, "--self-test", env={"CTPANEL_DATA_DIR": str(folder)})
    assert done.returncode == 0 and "self-test passed" in done.stdout, "the self-test failed"


def check_startup(exe: Path, folder: Path) -> None:
    done = run(exe, "--demo", "--report-ready", "--exit-when-ready",
               env={"CTPANEL_DATA_DIR": str(folder)})
    assert done.returncode == 0, f"exit code {done.returncode}"
    assert any(line.startswith("usable ") for line in done.stdout.splitlines()), "never usable"


def check_two_reverses(exe: Path, folder: Path) -> None:
    with simulator() as urls:
        env = {"CTPANEL_DATA_DIR": str(folder), "CTPANEL_TOKEN": urls["token"]}
        for action, transport in (("SELL", "rest"), ("BUY", "ws")):
            done = run(exe, "reverse", "--json", "--base-url", urls["base_url"], "--ws-url",
                       urls["ws_url"], "--account", "Sim101", "--instrument", "ES",
                       "--quantity", "2", "--action", action, "--transport", transport, env=env)
            assert done.returncode == 0, f"reverse {action} over {transport}: {done.returncode}"
    raw = (folder / "journal.jsonl").read_bytes()
    records = [json.loads(line) for line in raw.split(b"\n") if line]
    assert b"\r" not in raw, f"CRLF line endings in the journal: {raw[:120]!r}"
    assert_intent_then_outcome(records)


def assert_intent_then_outcome(records: list[dict]) -> None:
    """Each reverse wrote its intent ahead, then its outcome (ok, with an order id) under the
    same client id: four records for two reverses."""
    assert len(records) == 4, records
    for intent, outcome in (records[0:2], records[2:4]):
        assert intent["kind"] == "intent" and outcome["kind"] == "reverse", (intent, outcome)
        assert intent["client_id"] == outcome["client_id"], (intent, outcome)
        assert outcome["status"] == "ok" and outcome["order_id"], outcome


CHECKS = {"self-test": check_self_test, "start-up to usable and shutdown": check_startup,
          "two CLI reverses, one journal": check_two_reverses}


def main() -> int:
    exe = Path(sys.argv[1]).resolve()
    failed = 0
    for name, check in CHECKS.items():
        started = time.monotonic()
        with tempfile.TemporaryDirectory(prefix="ctpanel-bundle-check-") as folder:
            try:
                check(exe, Path(folder))
                verdict = "PASS"
            except (AssertionError, OSError, subprocess.SubprocessError, ValueError) as error:
                verdict, failed = f"FAIL ({error})", failed + 1
        print(f">>> bundle {name}: {verdict} ({time.monotonic() - started:.0f} s)", flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
