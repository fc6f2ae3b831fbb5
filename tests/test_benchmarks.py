"""The benchmark scripts still run and report every figure (timings are not asserted here)."""

import json
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
LATENCY_KEYS = {"seed_p50_ms", "floor_p50_ms", "panel_rest_p50_ms", "panel_ws_p50_ms",
                "panel_rest_over_floor", "panel_ws_over_floor", "seed_over_panel_rest",
                "seed_p99_ms", "floor_p99_ms", "panel_rest_p99_ms", "panel_ws_p99_ms",
                "panel_rest_over_floor_p99", "panel_ws_over_floor_p99",
                "seed_over_panel_rest_p99", "loop_lag_p99_ms", "start_to_position_rtt",
                "close_floor_p50_ms", "panel_close_p50_ms", "panel_close_over_floor",
                "panel_close_over_floor_p99", "panel_group_p50_ms", "group_over_floor",
                "buy_floor_p50_ms", "panel_buy_p50_ms", "panel_buy_over_floor",
                "panel_ruled_p50_ms", "panel_ruled_over_floor",
                "bracket_after_fill_p50_ms"}


def run(*args: str) -> dict:
    done = subprocess.run([sys.executable, "-m", *args, "--json"], capture_output=True,
                          text=True, timeout=300, cwd=REPO)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_latency_benchmark_reports_every_figure():
    report = run("benchmarks.latency", "--n", "3", "--rtt-ms", "5")
    assert set(report) >= LATENCY_KEYS
    assert all(report[key] > 0 for key in LATENCY_KEYS
               if key not in ("loop_lag_p99_ms", "bracket_after_fill_p50_ms"))
    assert report["bracket_after_fill_p50_ms"] >= 0  # less the read: may round to nothing


def test_startup_benchmark_reports_ratios():
    report = run("benchmarks.startup", "--runs", "1")
    assert {"startup_ratio", "usable_ratio", "memory_ratio", "floor_memory_ratio",
            "memory_over_floor", "panel_worst_stall_ms"} <= set(report)
    assert report["panel_usable_s"] >= report["panel_shown_s"] > 0
    # The floor loads the libraries on top of the same window, so it cannot weigh less.
    assert report["floor_rss_mib"] > report["bare_rss_mib"] > 0


def test_live_startup_reads_the_token_through_keyring():
    # The live panel must find the token in its keyring and reach "usable" (a position shown).
    report = run("benchmarks.startup", "--runs", "1", "--mode", "live")
    assert report["mode"] == "live"
    assert report["panel_usable_s"] >= report["panel_shown_s"] > 0
