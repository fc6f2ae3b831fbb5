"""An order sent just before a crash leaves a trace: the real app is killed (SIGKILL, as a
power cut or Windows ending it at logoff would) while CrossTrade holds the answer of a reverse,
a close, or a group's reverse (several members in flight); the journal has each intent; the
next start on the same data folder says what was sent and what it reads back, in a notice that
stays, records each, and re-sends nothing."""

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


# What is pressed, which request CrossTrade holds, and what the journal must then say.
CASES = {
    "reverse": dict(key="ctrl+shift+r", api="ReversePosition", settings="", sent=1,
                    words="SELL 2 ES 12-26 MARKET DAY", account="Sim101"),
    "close": dict(key="ctrl+shift+c", api="ClosePosition", settings="", sent=1,
                  words="CLOSE", account="Sim101"),
    # The demo group picked last time: four members hold ES, so four requests go at once.
    "group reverse": dict(key="ctrl+shift+r", api="ReversePosition", sent=2,
                          settings="[General]\nlast_account=group:Apex PA\n"
                                   "last_instrument=ES 12-26\n", words="", account="APEX-"),
}


@pytest.mark.parametrize("desktop", [(1366, 768)], indirect=True)
@pytest.mark.parametrize("case", list(CASES))
def test_a_request_killed_before_its_answer_is_reconciled_at_the_next_start(tmp_path, desktop,  # noqa: F811
                                                                             case):
    spec = CASES[case]
    display = desktop[0]
    if spec["settings"]:
        (tmp_path / "data").mkdir()
        (tmp_path / "data" / "settings.ini").write_text(spec["settings"])
    process, sim_url = start_app(tmp_path, "--demo", "--report-ready", platform="xcb",
                                 display=display)
    lines = OutputLines(process)
    lines.wait_for(lambda line: line.startswith("usable "))
    httpx.post(f"{sim_url}/_sim/faults", json={"apis": [spec["api"]], "latency": 15,
                                               "execute": True}, timeout=5).raise_for_status()
    window = x11(display, "xdotool", "search", "--sync", "--onlyvisible", "--name",
                 TITLE).split()[0]
    lines.wait_for(lambda line: line.startswith("state ") and "armed=yes" in line, timeout=20)
    x11(display, "xdotool", "windowfocus", "--sync", window, "key", spec["key"])
    wait_until(lambda: sum(r["api"] == spec["api"] for r in received(sim_url)) >= spec["sent"],
               20, f"{spec['sent']} request(s) to reach CrossTrade")
    process.kill()  # no answer yet: CrossTrade holds each for 15 s
    stop(process)
    intents = [r for r in journal(tmp_path) if r["kind"] == "intent"]
    assert len(intents) >= spec["sent"], intents
    assert all(i["words"].startswith(spec["words"]) and i["account"].startswith(spec["account"])
               for i in intents), intents
    assert [r for r in journal(tmp_path) if r["kind"] not in ("intent",)] == [], "no outcome yet"
    process, sim_url = start_app(tmp_path, "--demo", "--report-ready", platform="xcb",
                                 display=display)
    try:
        wait_until(lambda: len([r for r in journal(tmp_path) if r["kind"] == "reconciled"])
                   == len(intents), 20, "every intent reconciled")
        reconciled = [r for r in journal(tmp_path) if r["kind"] == "reconciled"]
        assert {r["client_id"] for r in reconciled} == {i["client_id"] for i in intents}
        for record in reconciled:
            assert record["words"].startswith(f"The last session sent {spec['words']}")
            assert "Nothing was re-sent." in record["words"]
        wait_until(lambda: x11(display, "xdotool", "search", "--onlyvisible", "--name",
                               "^An order of the last session").strip(), 20,
                   "the notice that stays until dismissed")
        assert not any(r["api"] == spec["api"] for r in received(sim_url)), "nothing re-sent"
    finally:
        process.terminate()
        stop(process)
