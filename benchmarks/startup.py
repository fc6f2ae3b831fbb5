"""Start-up time and memory of the panel against a bare PySide6 window.

    python -m benchmarks.startup [--runs 7] [--mode demo|live] [--json]

Each run starts a fresh process (offscreen) and reads the wall-clock time at which the window
is shown, and the peak resident memory then. The panel also reports when it is *usable*: the
demo account's position is loaded and the Reverse button can be pressed. Medians of ``--runs``.
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

ROOT = Path(__file__).resolve().parents[1]


def one_run(command: list[str], env_extra: dict | None = None) -> dict[str, tuple[float, int]]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen",
           "CTPANEL_DATA_DIR": tempfile.mkdtemp(prefix="ctpanel-startup-"),
           "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring", **(env_extra or {})}
    started = time.time()
    done = subprocess.run(command, capture_output=True, text=True, env=env, cwd=ROOT,
                          timeout=60)
    marks = {}
    for line in done.stdout.splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[0] in ("shown", "usable"):
            marks[parts[0]] = (float(parts[1]) - started, int(parts[2]))
    if "shown" not in marks:
        raise RuntimeError(f"{command} printed no 'shown' line: {done.stdout}{done.stderr}")
    return marks


def live_simulator() -> tuple[subprocess.Popen, dict]:
    """A standalone simulator standing in for CrossTrade, so the panel starts in live mode."""
    process = subprocess.Popen([sys.executable, "-m", "ctpanel.sim", "--port", "0",
                                "--no-rate-limit"], stdout=subprocess.PIPE, text=True)
    return process, json.loads(process.stdout.readline())


def measure(runs: int, mode: str) -> dict:
    bare = [one_run([sys.executable, str(ROOT / "benchmarks" / "bare_window.py")])
            for _ in range(runs)]
    if mode == "demo":
        panel = [one_run([sys.executable, "-m", "ctpanel", "--demo", "--exit-when-ready"])
                 for _ in range(runs)]
    else:
        process, sim = live_simulator()
        try:
            env = {"CTPANEL_TOKEN": sim["token"], "CTPANEL_BASE_URL": sim["base_url"]}
            panel = [one_run([sys.executable, "-m", "ctpanel", "--exit-when-ready"], env)
                     for _ in range(runs)]
        finally:
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
        "panel_rss_mib": round(median(panel, "usable", 1) / 1024, 1),
    }
    report["startup_ratio"] = round(report["panel_shown_s"] / report["bare_shown_s"], 3)
    report["usable_ratio"] = round(report["panel_usable_s"] / report["bare_shown_s"], 3)
    report["memory_ratio"] = round(report["panel_rss_mib"] / report["bare_rss_mib"], 3)
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
          f"ratio {report['usable_ratio']:.2f}")
    print(f"ctpanel peak memory         {report['panel_rss_mib']:.0f} MiB   "
          f"ratio {report['memory_ratio']:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
