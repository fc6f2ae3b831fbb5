"""An order sent just before a crash leaves a trace: the real app is killed (SIGKILL, as a
power cut or Windows ending it at logoff would) while CrossTrade holds the reverse's answer;
the journal has the intent; the next start on the same data folder says what was sent and
what it reads back, in a notice that stays, records it, and re-sends nothing."""

from __future__ import annotations

import json

import httpx
import pytest

from tests.e2e.test_app_process import OutputLines, received, start_app, stop, wait_until
from tests.e2e.test_window_on_screen import TITLE, desktop, x11  # noqa: F401 (a fixture)

pytestmark = pytest.mark.e2e


def journal(tmp_path) -> list[dict]:
    path = tmp_path / "data" / "journal.jsonl"
    return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []


@pytest.mark.parametrize("desktop", [(1366, 768)], indirect=True)
def test_a_reverse_killed_before_its_answer_is_reconciled_at_the_next_start(tmp_path, desktop):  # noqa: F811
    display = desktop[0]
    process, sim_url = start_app(tmp_path, "--demo", "--report-ready", platform="xcb",
                                 display=display)
    lines = OutputLines(process)
    lines.wait_for(lambda line: line.startswith("usable "))
    httpx.post(f"{sim_url}/_sim/faults", json={"apis": ["ReversePosition"], "latency": 15,
                                               "execute": True}, timeout=5).raise_for_status()
    window = x11(display, "xdotool", "search", "--sync", "--onlyvisible", "--name",
                 TITLE).split()[0]
    lines.wait_for(lambda line: line.startswith("state ") and "armed=yes" in line, timeout=20)
    x11(display, "xdotool", "windowfocus", "--sync", window, "key", "ctrl+shift+r")
    wait_until(lambda: any(r["api"] == "ReversePosition" for r in received(sim_url)), 20,
               "the reverse to reach CrossTrade")
    process.kill()  # no answer yet: CrossTrade holds it for 15 s
    stop(process)
    [intent] = [r for r in journal(tmp_path) if r["kind"] == "intent"]
    assert intent["words"] == "SELL 2 ES 12-26 MARKET DAY" and intent["account"] == "Sim101"
    assert not [r for r in journal(tmp_path) if r["kind"] == "reverse"], "no outcome yet"
    process, sim_url = start_app(tmp_path, "--demo", "--report-ready", platform="xcb",
                                 display=display)
    try:
        wait_until(lambda: any(r["kind"] == "reconciled" for r in journal(tmp_path)), 20,
                   "the reconciliation")
        [reconciled] = [r for r in journal(tmp_path) if r["kind"] == "reconciled"]
        assert reconciled["client_id"] == intent["client_id"]
        assert reconciled["words"].startswith("The last session sent SELL 2 ES 12-26 MARKET "
                                              "DAY on Sim101 at ")
        assert "Nothing was re-sent." in reconciled["words"]
        wait_until(lambda: x11(display, "xdotool", "search", "--onlyvisible", "--name",
                               "^An order of the last session").strip(), 20,
                   "the notice that stays until dismissed")
        assert not any(r["api"] == "ReversePosition" for r in received(sim_url))
    finally:
        process.terminate()
        stop(process)
