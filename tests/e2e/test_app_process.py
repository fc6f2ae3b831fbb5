"""The real ``ctpanel`` process: demo mode without a token, and the hotkey on a real X display."""

import json
import os
import queue
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest

REPO = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.e2e


def start_app(tmp_path, *args, platform="offscreen", display=None, env=None):
    """The app process and its simulator's URL (the first line a demo panel prints)."""
    env = {**os.environ, "CTPANEL_DATA_DIR": str(tmp_path / "data"), "QT_QPA_PLATFORM": platform,
           "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring", **(env or {})}
    env.pop("CTPANEL_TOKEN", None)
    if display:
        env["DISPLAY"] = display
    process = subprocess.Popen([sys.executable, "-m", "ctpanel", *args], cwd=REPO, env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    for line in iter(process.stdout.readline, ""):
        if line.startswith("ctpanel demo simulator: "):
            return process, line.split(": ", 1)[1].strip()
    _code, output = stop(process)
    raise AssertionError(f"the app printed no simulator URL: {output}")


class OutputLines:
    """The app's stdout, read on a thread so a wait has a deadline: a test never hangs on a
    line that does not come. ``parse`` turns a line into what is waited for (None: skip it)."""

    def __init__(self, process) -> None:
        self.items: queue.Queue = queue.Queue()
        threading.Thread(target=self._read, args=(process.stdout,), daemon=True).start()

    def parse(self, line: str):
        return line.rstrip("\n")

    def _read(self, stream) -> None:
        for line in iter(stream.readline, ""):
            item = self.parse(line)
            if item is not None:
                self.items.put(item)

    def wait_for(self, wanted, timeout: float = 20.0):
        deadline = time.monotonic() + timeout
        while (left := deadline - time.monotonic()) > 0:
            try:
                item = self.items.get(timeout=left)
            except queue.Empty:
                break
            if wanted(item):
                return item
        raise AssertionError(f"no line matched within {timeout} s")


def received(sim_url: str) -> list[dict]:
    return httpx.get(f"{sim_url}/_sim/received", timeout=5).json()


def wait_until(condition, timeout=20.0, what="condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)  # another process's state: only polling can see it
    raise AssertionError(f"timed out waiting for {what}")


def stop(process) -> tuple[int, str]:
    """Wait for the process to end (killing it after 15 s) and collect what it printed."""
    try:
        out, err = process.communicate(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        out, err = process.communicate()
    return process.returncode, out + err


def test_without_a_token_it_starts_in_demo_mode_and_stops_on_sigterm(tmp_path):
    # No --demo: no token and no keyring, so demo mode.
    process, sim_url = start_app(tmp_path, "--report-ready")
    try:
        assert any(line.startswith("usable ") for line in iter(process.stdout.readline, ""))
        assert any(r["api"] == "GetPosition" for r in received(sim_url))
        process.send_signal(signal.SIGTERM)
    finally:
        code, output = stop(process)
    assert code == 0, output
    assert "Traceback" not in output


def free_display() -> str:
    for number in range(90, 140):
        if not Path(f"/tmp/.X11-unix/X{number}").exists() and \
                not Path(f"/tmp/.X{number}-lock").exists():
            return f":{number}"
    raise RuntimeError("no free X display number")


@pytest.fixture
def xvfb():
    if not (shutil.which("Xvfb") and shutil.which("xdotool")):
        pytest.skip("Xvfb and xdotool are not installed (.ci/run installs them)")
    display = free_display()
    server = subprocess.Popen(["Xvfb", display, "-screen", "0", "1280x900x24", "-nolisten",
                               "tcp"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    number = display[1:]
    wait_until(lambda: Path(f"/tmp/.X11-unix/X{number}").exists(), 10, "Xvfb")
    yield display
    server.terminate()
    server.wait(10)


def xdotool(display, *args) -> str:
    return subprocess.run(["timeout", "15", "xdotool", *args], capture_output=True, text=True,
                          env={**os.environ, "DISPLAY": display}, check=True).stdout


def test_the_hotkey_reverses_in_the_real_app(tmp_path, xvfb):
    process, sim_url = start_app(tmp_path, "--demo", "--report-ready", platform="xcb",
                                 display=xvfb)
    try:
        window = xdotool(xvfb, "search", "--sync", "--onlyvisible", "--name",
                         "^ctpanel — DEMO").split()[0]
        lines = iter(process.stdout.readline, "")
        assert any(line.startswith("usable ") for line in lines), "the position loaded"
        xdotool(xvfb, "windowfocus", "--sync", window, "key", "ctrl+shift+r")
        wait_until(lambda: any(r["api"] == "ReversePosition" for r in received(sim_url)),
                   what="the order to reach the simulator")
        journal = tmp_path / "data" / "journal.jsonl"
        wait_until(lambda: journal.exists() and journal.read_text().strip(), what="journal")
        [record] = [r for r in map(json.loads, journal.read_text().splitlines())
                    if r["kind"] == "reverse"]
        assert record["status"] == "ok" and len(record["order_id"]) == 32
        assert (record["before"], record["after"]) == ("Long 2", "Short 2")
        orders = [r for r in received(sim_url) if r["api"] == "ReversePosition"]
        assert len(orders) == 1 and orders[0]["body"]["action"] == "SELL"
        xdotool(xvfb, "windowfocus", "--sync", window, "key", "ctrl+q")
    finally:
        code, output = stop(process)
    assert code == 0, output


def test_a_second_launch_brings_the_first_to_the_front_and_exits(tmp_path):
    first, _sim_url = start_app(tmp_path, "--demo", "--report-ready")
    try:
        lines = OutputLines(first)
        lines.wait_for(lambda line: line.startswith("usable "))
        env = {**os.environ, "CTPANEL_DATA_DIR": str(tmp_path / "data"),
               "QT_QPA_PLATFORM": "offscreen"}
        second = subprocess.run([sys.executable, "-m", "ctpanel", "--demo"], cwd=REPO, env=env,
                                capture_output=True, text=True, timeout=30)
        assert second.returncode == 0, second.stderr
        assert "ctpanel is already running: brought it to the front." in second.stdout
        assert "demo simulator" not in second.stdout, "no second panel started"
        assert first.poll() is None, "the first panel is still running, alone"
    finally:
        first.send_signal(signal.SIGTERM)
        stop(first)
