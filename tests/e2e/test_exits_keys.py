"""The exits and entries in the real app on a virtual X display, with real key presses and
mouse clicks, against its simulator answering in 40 ms: the Close hotkey, a double tap of it, a
STOP reverse's working entry cancelled with the mouse from the list of working orders, and a
BUY with a stop and a target by hotkey."""

import time

import httpx
import pytest

from tests.e2e.test_app_process import OutputLines, received, wait_until, xdotool
from tests.e2e.test_trader_safety import (  # app and xvfb: the fixtures
    HOME_LINK,
    app,  # noqa: F401
    clear_faults,
    fault,
    xvfb,  # noqa: F401
)

pytestmark = pytest.mark.e2e


def requests(sim_url: str, api: str) -> list[dict]:
    return [r for r in received(sim_url) if r["api"] == api]


class Reported(OutputLines):
    """``state`` lines as dicts, and ``cancel-buttons`` lines as {order id: (x, y)}."""

    def parse(self, line: str):
        words = line.split()
        if line.startswith("state "):
            return "state", dict(item.split("=", 1) for item in words[1:])
        if line.startswith("cancel-buttons"):
            items = words[1:]
            return "cancel", {items[i]: items[i + 1:i + 3] for i in range(0, len(items), 3)}
        return None

    def wait_for(self, kind: str, condition, timeout: float = 20.0):
        return super().wait_for(lambda item: item[0] == kind and condition(item[1]),
                                timeout)[1]


def test_the_close_hotkey_double_tapped_is_one_close_and_flat_is_read_back(app):  # noqa: F811
    app.reported = Reported(app.process)
    app.reported.wait_for("state", lambda state: (state["position"], state["armed"]) ==
                          ("Long_2", "yes"))  # a fresh picture: Close arms on the same one
    app.keys("ctrl+shift+c", "ctrl+shift+c", delay_ms=150)  # a double tap, 150 ms apart
    app.reported.wait_for("state", lambda state: state["position"] == "Flat")
    time.sleep(2)  # another process: only waiting shows that nothing else comes
    [close] = requests(app.sim_url, "ClosePosition")
    assert close["body"] == {"instrument": "ES 12-26"}
    assert requests(app.sim_url, "ReversePosition") == []
    assert "Traceback" not in app.quit()


def test_a_stop_reverse_s_working_entry_is_cancelled_with_the_mouse(app):  # noqa: F811
    app.reported = Reported(app.process)
    app.reported.wait_for("state", lambda state: state["armed"] == "yes")
    # A still market: the entry must stay working until it is cancelled, not fill first.
    httpx.post(f"{app.sim_url}/_sim/state", json={"market_open": False},
               timeout=5).raise_for_status()
    # Type: STOPMARKET (Alt+T, two steps down); the stop price comes from the market at the
    # pick. Keys are handled in order, so Ctrl+Shift+R reaches the panel after them.
    app.keys("alt+t", "Down", "Down", "ctrl+shift+r", delay_ms=120)
    wait_until(lambda: requests(app.sim_url, "ReversePosition"), what="the stop reverse")
    [reverse] = requests(app.sim_url, "ReversePosition")
    assert reverse["body"]["orderType"] == "STOPMARKET"
    buttons = app.reported.wait_for("cancel", lambda found: len(found) == 1)
    [(order_id, (x, y))] = buttons.items()
    xdotool(app.display, "mousemove", "--sync", x, y, "click", "1")
    app.reported.wait_for("cancel", lambda found: found == {})
    [cancel] = requests(app.sim_url, "Cancel")
    assert cancel["raw_path"].endswith(f"/orders/{order_id}/cancel")
    assert "Traceback" not in app.quit()


def test_the_demo_group_reversed_with_one_key_press_is_one_request_per_non_flat_member(app):  # noqa: F811
    app.reported = Reported(app.process)
    app.reported.wait_for("state", lambda state: state["armed"] == "yes")
    app.keys("alt+a", "End", delay_ms=120)  # the account picker's last entry: the demo group
    # The group holds nothing itself (position unknown); armed on its members' fresh read.
    app.reported.wait_for("state", lambda state: (state["position"], state["armed"]) ==
                          ("unknown", "yes"))
    app.keys("ctrl+shift+r", "ctrl+shift+r", delay_ms=150)  # and a double tap
    wait_until(lambda: len(requests(app.sim_url, "ReversePosition")) >= 4, what="4 orders")
    time.sleep(2)  # another process: only waiting shows that nothing else comes
    orders = requests(app.sim_url, "ReversePosition")
    accounts = [o["body"]["args"]["account"] if o["transport"] == "ws"
                else o["raw_path"].split("/")[4] for o in orders]
    assert sorted(accounts) == ["APEX-1", "APEX-2", "APEX-4", "APEX-5"], \
        "one per non-flat member, APEX-3 skipped"
    assert "Traceback" not in app.quit()


def test_buy_from_flat_with_8_16_ticks_by_hotkey_then_one_bracket(app):  # noqa: F811
    app.reported = Reported(app.process)
    app.reported.wait_for("state", lambda state: state["armed"] == "yes")
    httpx.post(f"{app.sim_url}/_sim/state", json={"market_open": False},
               timeout=5).raise_for_status()  # a still market: the legs stay working
    # The bracket's answer takes half a second (the first fault that matches applies): the
    # UNPROTECTED it leaves stands that long, well past the state reporter's 0.1 s.
    clear_faults(app.sim_url)
    fault(app.sim_url, apis=["CancelAndBracket"], latency=0.5, execute=True)
    fault(app.sim_url, **HOME_LINK)
    # Closed in NinjaTrader meanwhile: the panel's poll reads Sim101 flat in ES.
    httpx.post(f"{app.sim_url}/_sim/state", json={"positions": [["Sim101", "ES", 0]]},
               timeout=5).raise_for_status()
    app.reported.wait_for("state", lambda state: state["position"] == "Flat")
    app.keys("alt+p", "8", "Tab", "1", "6", delay_ms=80)  # Stop 8 t, Target 16 t
    time.sleep(0.5)  # the ticket re-reads the fields (and stays armed on its fresh read)
    app.keys("ctrl+shift+b", "ctrl+shift+b", delay_ms=150)  # BUY, double tapped
    app.reported.wait_for("state", lambda state: state["protection"] == "unprotected")
    # The quantity field still holds the 2 it mirrored from the Long 2: BUY 2.
    app.reported.wait_for("state", lambda state: (state["position"], state["protection"]) ==
                          ("Long_2", "protected"))
    time.sleep(1.5)  # another process: only waiting shows that nothing else comes
    [placed] = requests(app.sim_url, "PlaceOrder")
    assert placed["body"]["requireMarketPosition"] == "flat"
    assert placed["raw_path"].endswith("/accounts/Sim101/orders/place")
    [bracket] = requests(app.sim_url, "CancelAndBracket")
    assert bracket["body"]["quantity"] == placed["body"]["quantity"] == 2
    assert bracket["body"]["takeProfit"] - bracket["body"]["stopLoss"] == 24 * 0.25
    assert requests(app.sim_url, "ReversePosition") == []
    assert "Traceback" not in app.quit()
