"""The fault matrix for the exits (Close, Flatten, Cancel) through the three doors: the core's
the desk, a real `ctpanel close|flatten|cancel` process, and the Panel (Qt-free, on the
simulator over loopback). Every case is said in plain words, never re-sent, journaled."""

import json
import os
import subprocess
import sys

import httpx
import pytest

from ctpanel.backend import Mode, assemble
from ctpanel.core.domain.exits import ExitOrder
from ctpanel.core.domain.secret import Secret
from ctpanel.core.domain.states import Intent
from ctpanel.core.errors import CtError
from ctpanel.core.store.journal import Journal
from tests.conftest import TOKEN
from tests.matrix.cases import (
    EXIT_APIS,
    EXIT_ARGS,
    EXIT_CASES,
    TIMEOUT,
    WORKING_ORDER,
    unused_port,
)
from tests.matrix.test_cli import (
    REPO,
    standalone,  # noqa: F401  (the module's simulator process)
)
from tests.matrix.test_cli import TOKEN as CLI_TOKEN
from tests.panel.conftest import make_panel, no_error_in_a_subscriber, until  # noqa: F401

ACTIONS = list(EXIT_APIS)
ORDERS = {"close": ExitOrder(Intent.CLOSE, "Sim101", "ES 12-26"),
          "flatten": ExitOrder(Intent.FLATTEN, "Sim101"),
          "cancel": ExitOrder(Intent.CANCEL, "Sim101", "ES 12-26")}
MATRIX = [pytest.param(case, action, id=f"{action}-{case}") for case in EXIT_CASES
          for action in ACTIONS]


def sent(received, action: str) -> int:
    return sum(1 for r in received if r == EXIT_APIS[action])


def break_it(sim, case, action) -> None:
    sim.apply_state(case.state)
    if case.fault:
        sim.add_fault(**case.fault, apis=[EXIT_APIS[action]])


@pytest.mark.parametrize(("case", "action"), MATRIX)
async def test_core(case, action, sim, tmp_path):
    await sim.state.PlaceOrder({"account": "Sim101", **WORKING_ORDER})
    journal = Journal(tmp_path / "journal.jsonl")
    url = sim.base_url if case.address is None else f"http://127.0.0.1:{unused_port()}"
    backend = assemble(Mode.LIVE, Secret(TOKEN), url, url.replace("http", "ws"), journal,
                       timeout=TIMEOUT)
    try:
        before = await backend.desk.read_picture("Sim101", "ES 12-26")
        break_it(sim, case, action)
        with pytest.raises(CtError) as caught:
            await backend.desk.exit(ORDERS[action], before=before, watch="ES 12-26")
    finally:
        await backend.aclose()
    message = str(caught.value)
    missing = [words for words in case.words if words not in message]
    assert not missing, f"{missing} not in: {message}"
    assert sent([r.api for r in sim.received], action) == case.sent, "never re-sent"
    intent, record = journal.read_last()  # written ahead, then the outcome
    assert intent["kind"] == "intent" and record["client_id"] == intent["client_id"]
    assert record["status"] == case.journal and record["error"] == message
    assert record["kind"] == action


@pytest.mark.parametrize(("case", "action"), MATRIX)
def test_cli(case, action, standalone, tmp_path):  # noqa: F811
    control = httpx.Client(base_url=standalone["base_url"])
    control.post("/_sim/reset").raise_for_status()
    httpx.post(f"{standalone['base_url']}/v1/api/accounts/Sim101/orders/place",
               json=WORKING_ORDER, headers={"Authorization": f"Bearer {CLI_TOKEN}"}
               ).raise_for_status()
    control.post("/_sim/state", json=case.state).raise_for_status()
    if case.fault:
        control.post("/_sim/faults", json={**case.fault, "apis": [EXIT_APIS[action]]}
                     ).raise_for_status()
    base_url = standalone["base_url"] if case.address is None \
        else f"http://127.0.0.1:{unused_port()}"
    done = subprocess.run(
        [sys.executable, "-m", "ctpanel", *EXIT_ARGS[action], "--timeout", str(TIMEOUT),
         "--base-url", base_url], capture_output=True, text=True, timeout=60, cwd=REPO,
        env={**os.environ, "CTPANEL_TOKEN": CLI_TOKEN, "CTPANEL_DATA_DIR": str(tmp_path)})
    received = [r["api"] for r in control.get("/_sim/received").json()]
    control.close()
    assert done.returncode == case.exit_code, done.stderr
    missing = [words for words in case.words if words not in done.stderr]
    assert not missing, f"{missing} not in: {done.stderr}"
    assert done.stdout == "" and CLI_TOKEN not in done.stderr
    assert sent(received, action) == case.sent, "never re-sent"
    intent, record = [json.loads(line) for line in (tmp_path / "journal.jsonl").read_text()
                      .splitlines()]  # written ahead, then the outcome
    assert intent["kind"] == "intent" and record["client_id"] == intent["client_id"]
    assert record["status"] == case.journal and record["kind"] == action


@pytest.mark.parametrize(("case", "action"), MATRIX)
async def test_panel(case, action, make_panel):  # noqa: F811
    made = await make_panel(timeout=TIMEOUT)
    await made.sim.state.PlaceOrder({"account": "Sim101", **WORKING_ORDER})
    await made.select("Sim101", "ES 12-26", "Long 2")
    await made.wait_armed(action)
    assert made.panel.ticket_state.working, "the working order is in the picture"
    if case.address == "refused":
        await made.sim.stop()
    break_it(made.sim, case, action)
    made.panel.press(action)
    await until(lambda: made.heard.of("order_finished"), 15, "the outcome")
    lines = made.lines()
    missing = [words for words in case.words if words not in lines]
    assert not missing, f"{missing} not in:\n{lines}"
    assert sent([r.api for r in made.sim.received], action) == case.sent, "never re-sent"
    records = [json.loads(line) for line in made.panel.journal.path.read_text().splitlines()]
    assert [r["status"] for r in records if r["kind"] == action] == [case.journal]
    if case.address is None:  # the panel keeps working: the picture is read again
        made.sim.faults.clear()
        made.sim.state.ninjatrader_connected = True
        await until(lambda: made.panel.ticket.busy() is None, 10)
