"""Start-up time and memory of the panel against a bare PySide6 window.

    python -m benchmarks.startup [--runs 7] [--mode demo|live] [--json]

Each run starts a fresh process (offscreen), after one unmeasured run of each that writes the
bytecode caches an installed app has, and reads the wall-clock time at which the window
is shown, and the peak resident memory then. The panel also reports when it is *usable*: the
first account's position is loaded and the Reverse button can be pressed. Medians of ``--runs``.

In live mode the panel reads its token through keyring, as on a trader's machine (a file-backed
keyring backend here, the cheapest there is), and talks plain http to a local simulator: a real
CrossTrade connection also loads the CA bundle and makes a TLS handshake.

Memory is also compared with ``stack_floor.py``: the bare window plus the libraries any live
panel loads (asyncio, ssl, qasync, httpx and httpcore, websockets, keyring, the CA bundle),
which is the floor that ctpanel's own code sits on.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from ctpanel.core.store.credentials import KEYRING_SERVICE, KEYRING_USERNAME

ROOT = Path(__file__).resolve().parents[1]


DEMO_LINE = "ctpanel demo simulator:"  # what the panel prints when it runs in demo mode


def one_run(command: list[str], env_extra: dict | None = None, *, panel_mode: str = ""
            ) -> dict[str, tuple[float, ...]]:
    """One process; ``panel_mode`` "demo" or "live" when it is ctpanel (then it must become
    usable, and a live one must not have fallen back to demo)."""
    # An installed app runs from bytecode caches (pip and PyInstaller compile them), so they
    # are allowed here even where the shell forbids writing them.
    env = {key: value for key, value in os.environ.items()
           if key not in ("CTPANEL_TOKEN", "PYTHONDONTWRITEBYTECODE")}
    env = {**env, "QT_QPA_PLATFORM": "offscreen",
           "CTPANEL_DATA_DIR": tempfile.mkdtemp(prefix="ctpanel-startup-"),
           "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring", **(env_extra or {})}
    started = time.time()
    done = subprocess.run(command, capture_output=True, text=True, env=env, cwd=ROOT,
                          timeout=60)
    marks = {}
    for line in done.stdout.splitlines():
        parts = line.split()  # "shown <time> <peak KiB>", "usable <time> <peak KiB> <stall ms>"
        if len(parts) >= 3 and parts[0] in ("shown", "usable"):
            marks[parts[0]] = (float(parts[1]) - started, int(parts[2]), *map(float, parts[3:]))
    if "shown" not in marks:
        raise RuntimeError(f"{command} printed no 'shown' line: {done.stdout}{done.stderr}")
    if panel_mode and "usable" not in marks:
        raise RuntimeError(f"the panel never became usable: {done.stdout}{done.stderr}")
    if panel_mode == "live" and DEMO_LINE in done.stdout:
        raise RuntimeError(f"the live panel found no token and fell back to demo: {done.stderr}")
    return marks


def live_simulator() -> tuple[subprocess.Popen, dict]:
    """A standalone simulator standing in for CrossTrade, so the panel starts in live mode."""
    process = subprocess.Popen([sys.executable, "-m", "ctpanel.sim", "--port", "0",
                                "--no-rate-limit"], stdout=subprocess.PIPE, text=True)
    return process, json.loads(process.stdout.readline())


def keyring_holding(token: str) -> dict:
    """Environment for a panel that finds ``token`` in its keyring (a file-backed backend)."""
    store = Path(tempfile.mkdtemp(prefix="ctpanel-keyring-")) / "keyring.json"
    store.write_text(json.dumps({f"{KEYRING_SERVICE}/{KEYRING_USERNAME}": token}))
    return {"PYTHON_KEYRING_BACKEND": "tests.helpers.file_keyring.FileKeyring",
            "CTPANEL_TEST_KEYRING": str(store)}


def measure(runs: int, mode: str) -> dict:
    bare_window = [sys.executable, str(ROOT / "benchmarks" / "bare_window.py")]
    stack_floor = [sys.executable, str(ROOT / "benchmarks" / "stack_floor.py")]
    panel_command = [sys.executable, "-m", "ctpanel", "--exit-when-ready"]
    process = None
    if mode == "demo":
        panel_command.append("--demo")
        panel_env = {}
    else:
        process, sim = live_simulator()
        panel_env = {"CTPANEL_BASE_URL": sim["base_url"], **keyring_holding(sim["token"])}
    bare, floor, panel = [], [], []
    try:
        for command in (bare_window, stack_floor):  # unmeasured: writes the bytecode caches
            one_run(command)
        one_run(panel_command, panel_env, panel_mode=mode)
        for _ in range(runs):  # interleaved, so the machine's noise falls on all three alike
            bare.append(one_run(bare_window))
            floor.append(one_run(stack_floor))
            panel.append(one_run(panel_command, panel_env, panel_mode=mode))
    finally:
        if process is not None:
            process.terminate()
            process.wait(10)

    def median(samples, mark, index):
        return statistics.median(sample[mark][index] for sample in samples)

    report = {
        "runs": runs,
        "mode": mode,
        "bare_shown_s": round(median(bare, "shown", 0), 3),
        "panel_shown_s": round(median(panel, "shown", 0), 3),
        "panel_usable_s": round(median(panel, "usable", 0), 3),
        "bare_rss_mib": round(median(bare, "shown", 1) / 1024, 1),
        "floor_rss_mib": round(median(floor, "shown", 1) / 1024, 1),
        "panel_rss_mib": round(median(panel, "usable", 1) / 1024, 1),
        "panel_worst_stall_ms": round(max(sample["usable"][2] for sample in panel), 1),
    }
    report["startup_ratio"] = round(report["panel_shown_s"] / report["bare_shown_s"], 3)
    report["usable_ratio"] = round(report["panel_usable_s"] / report["bare_shown_s"], 3)
    report["memory_ratio"] = round(report["panel_rss_mib"] / report["bare_rss_mib"], 3)
    report["floor_memory_ratio"] = round(report["floor_rss_mib"] / report["bare_rss_mib"], 3)
    report["memory_over_floor"] = round(report["panel_rss_mib"] / report["floor_rss_mib"], 3)
    return report


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--mode", choices=["demo", "live"], default="demo",
                        help="demo: embedded simulator; live: a token and a separate simulator")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    report = measure(args.runs, args.mode)
    if args.json:
        print(json.dumps(report))
        return 0
    print(f"medians of {report['runs']} runs, offscreen, {report['mode']} mode")
    print(f"bare PySide6 window shown   {report['bare_shown_s']:.3f} s   "
          f"{report['bare_rss_mib']:.0f} MiB")
    print(f"ctpanel window shown        {report['panel_shown_s']:.3f} s   "
          f"ratio {report['startup_ratio']:.2f}")
    print(f"ctpanel usable (position)   {report['panel_usable_s']:.3f} s   "
          f"ratio {report['usable_ratio']:.2f}   (event loop stalled at most "
          f"{report['panel_worst_stall_ms']:.0f} ms meanwhile, worst run)")
    print(f"ctpanel peak memory         {report['panel_rss_mib']:.0f} MiB   "
          f"ratio {report['memory_ratio']:.2f}")
    print(f"bare window + live stack    {report['floor_rss_mib']:.0f} MiB   "
          f"ratio {report['floor_memory_ratio']:.2f}   (ctpanel is "
          f"{report['memory_over_floor']:.2f}x this floor)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
