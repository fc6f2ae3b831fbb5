"""The fault matrix through the panel: a real window on the qasync loop, one click per case.

Cases that break the simulator's replies are clicked for real. Cases that make CrossTrade
unreachable from the start (DNS, TLS, connect timeout) cannot load a position, so there the
panel must say why and keep Reverse disabled; "connection refused" is made to happen at the
click by stopping the simulator after the position loaded. Every case ends with the panel put
right and a successful reverse, to show it is still usable.
"""

import tempfile
from pathlib import Path

import pytest

from ctpanel.backend import Mode, assemble
from ctpanel.core.domain.secret import Secret
from ctpanel.sim import Simulator
from ctpanel.sim.tls import throwaway_tls
from tests.matrix.cases import CASES, TIMEOUT, Blackhole
from tests.qt.conftest import run_async, wait_event

UNREACHABLE = {"dns": "https://ctpanel-test.invalid"}


def joined(panel) -> str:
    return "\n".join(panel.log_lines())


def journal_records(panel) -> list[dict]:
    return panel.model.journal.read_last()


def prove_usable(panel, *, new_backend: bool = False) -> None:
    """Put things right (a new demo backend when the old server is gone), then reverse."""
    if new_backend:
        with wait_event(panel.qtbot, panel.model.events.accounts, timeout=10_000):
            panel.model.go_demo()
    panel.sim.reset()
    panel.window.reconnect_action.trigger()
    panel.pick("Sim101", "ES 12-26", "Long 2")
    outcome = panel.click_reverse()
    assert getattr(outcome, "after", None) is not None, outcome
    assert outcome.after.describe() == "Short 2"


def unreachable_backend(case, keep: list):
    async def opening(journal):
        if case.address == "dns":
            url = UNREACHABLE["dns"]
        elif case.address == "connect_timeout":
            hole = Blackhole()
            keep.append(hole.close)
            url = f"http://127.0.0.1:{hole.port}"
        else:  # untrusted_tls: a real server whose CA the panel does not trust
            context, _ = throwaway_tls(Path(tempfile.mkdtemp()))
            simulator = await Simulator(token="t", ssl_context=context).start()
            url = simulator.base_url
            keep.append(simulator)
        return assemble(Mode.LIVE, Secret("matrix-token"), url, url.replace("http", "ws")
                        + "/ws/stream", journal, timeout=TIMEOUT)
    return opening


@pytest.mark.parametrize("case", CASES, ids=str)
def test_panel(case, panel_factory, qtbot):
    if case.address in ("dns", "untrusted_tls", "connect_timeout"):
        keep: list = []
        panel = panel_factory(timeout=TIMEOUT, backend_at=unreachable_backend(case, keep))
        try:
            qtbot.waitUntil(lambda: all(w in joined(panel) for w in case.words), timeout=10_000)
            assert not panel.button.isEnabled()
            assert panel.window.body.lights.crosstrade.state == "bad"
            assert journal_records(panel) == [], "no order could be attempted"
            prove_usable(panel, new_backend=True)
        finally:
            for item in keep:
                if isinstance(item, Simulator):
                    run_async(qtbot, item.stop())
                else:
                    item()
        return

    panel = panel_factory(timeout=TIMEOUT, preferences={"transport": case.transport})
    panel.pick("Sim101", "ES 12-26", "Long 2")
    if case.transport == "ws":
        qtbot.waitUntil(lambda: panel.window.body.lights.websocket.state == "ok")
    sim = panel.sim
    if case.address == "refused":
        run_async(qtbot, sim.stop())
    sim.apply_state(case.state)
    if case.fault:
        sim.add_fault(**case.fault)
    panel.click_reverse()
    missing = [words for words in case.words if words not in joined(panel)]
    assert not missing, f"{missing} not in the log:\n{joined(panel)}"
    assert len(sim.orders_received()) == case.sent, "an order is never re-sent"
    intent, record = journal_records(panel)  # written ahead, then the outcome
    assert intent["kind"] == "intent" and record["client_id"] == intent["client_id"]
    assert record["status"] == case.journal
    assert panel.button.text() == "REVERSE"
    prove_usable(panel, new_backend=case.address == "refused")
