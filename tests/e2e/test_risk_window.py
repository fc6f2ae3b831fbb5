"""The firm's rules in the real app on a virtual X display, with real key presses, against its
simulator: a group with one member near its daily loss limit shows it red and sends nothing;
after the trader chooses Orders → Leave out refused members, one press goes to the others only;
the table shows a locked member LOCKED and the member that differs from the rest out of sync."""

import json
import time

import httpx
import pytest

from tests.e2e.test_app_process import OutputLines, received, wait_until
from tests.e2e.test_trader_safety import App, xvfb  # noqa: F401  (the display fixture)

pytestmark = pytest.mark.e2e


class Rows(OutputLines):
    """``group-rows`` lines as {account: (colour, locked, in sync)}; ``state`` lines too."""

    def parse(self, line: str):
        words = line.split()
        if line.startswith("group-rows"):
            return "rows", {account: tuple(value.split(",")) for account, value in
                            (word.split("=", 1) for word in words[1:])}
        if line.startswith("state "):
            return "state", dict(item.split("=", 1) for item in words[1:])
        return None

    def wait_for(self, kind, condition, timeout: float = 25.0):
        return super().wait_for(lambda item: item[0] == kind and condition(item[1]),
                                timeout)[1]


def reverses(sim_url: str) -> list[str]:
    return sorted(r["body"]["args"]["account"] if r["transport"] == "ws"
                  else r["raw_path"].split("/")[4]
                  for r in received(sim_url) if r["api"] == "ReversePosition")


def test_a_member_near_its_limit_is_red_and_left_out_only_when_the_trader_chooses(
        tmp_path, xvfb):  # noqa: F811
    data = tmp_path / "data"
    data.mkdir()
    (data / "risk.json").write_text(json.dumps({
        "groups": {"Apex PA": {"daily_loss": 1000}},
        "accounts": {"APEX-3": {"daily_loss": 500}}}), encoding="utf-8")
    app = App(tmp_path, xvfb)
    try:
        rows = Rows(app.process)
        rows.wait_for("state", lambda state: state["armed"] == "yes")
        httpx.post(f"{app.sim_url}/_sim/state", timeout=5, json={
            "market_open": False,
            "risk": {"APEX-2": {"realized": -990}, "APEX-3": {"realized": -600}}}
        ).raise_for_status()
        app.keys("alt+a", "End", delay_ms=120)  # the demo group (its ticks start empty)
        rows.wait_for("rows", lambda found: "APEX-2" in found)
        app.keys("alt+p", "8", "Tab", delay_ms=80)  # a stop at 8 ticks: $100 a contract in ES
        shown = rows.wait_for("rows", lambda found: found.get("APEX-2", ("",))[0] == "red"
                              and found.get("APEX-3", ("", ""))[1] == "locked")
        assert shown["APEX-1"][0] == "green" and shown["APEX-5"][0] == "green"
        assert shown["APEX-4"][2] == "out", "short while the others are long: out of sync"
        assert shown["APEX-1"][2] == "in"
        app.keys("ctrl+shift+r", delay_ms=120)
        time.sleep(2)  # another process: only waiting shows that nothing goes
        assert reverses(app.sim_url) == [], "nothing to part of a group without a choice"
        app.keys("alt+o", "l", delay_ms=200)  # Orders → Leave out refused members
        rows.wait_for("state", lambda state: state["armed"] == "yes")
        app.keys("ctrl+shift+r", delay_ms=120)
        wait_until(lambda: len(reverses(app.sim_url)) >= 3, what="the others' reverses")
        time.sleep(1.5)
        assert reverses(app.sim_url) == ["APEX-1", "APEX-4", "APEX-5"]
        assert "Traceback" not in app.quit()
    finally:
        if app.process.poll() is None:
            app.process.kill()
            app.process.communicate()
