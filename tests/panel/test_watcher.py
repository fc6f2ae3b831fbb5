"""The position watcher against the simulator over loopback, without Qt."""

import pytest

from ctpanel.backend import open_demo
from ctpanel.core.domain.models import Side
from ctpanel.core.store.journal import Journal
from ctpanel.panel.session import Session
from ctpanel.panel.ticket import Freshness, Scope, Ticket
from ctpanel.panel.watcher import PositionWatcher


class Heard:
    def __init__(self) -> None:
        self.shown = 0
        self.failures: list[str] = []

    def on_shown(self) -> None:
        self.shown += 1

    def on_failed(self, error, problem: str) -> None:
        self.failures.append(problem)


@pytest.fixture
async def watched(tmp_path):
    backend = await open_demo(Journal(tmp_path / "journal.jsonl"))
    session, ticket, heard = Session(backend), Ticket(), Heard()
    watcher = PositionWatcher(session, ticket, on_shown=heard.on_shown,
                              on_failed=heard.on_failed)
    yield watcher, ticket, heard, backend
    await session.close()


async def test_a_read_is_kept_for_what_is_selected(watched):
    watcher, ticket, heard, _backend = watched
    ticket.select(Scope(1, "Sim101", "ES 12-26"))
    await watcher.read()
    assert heard.shown == 1 and ticket.freshness_of_reading() is Freshness.FRESH
    assert (ticket.reading.position.side, ticket.reading.position.quantity) == (Side.LONG, 2)


async def test_a_failing_read_says_why_and_keeps_nothing(watched):
    watcher, ticket, heard, backend = watched
    ticket.select(Scope(1, "Sim101", "ES 12-26"))
    backend.simulator.add_fault(apis=["GetPosition"], status=500, body={"error": "boom"})
    await watcher.read()
    assert heard.shown == 0 and ticket.reading is None
    assert heard.failures[0].startswith("Could not read the position: CrossTrade had a server")


async def test_an_unknown_instrument_is_named(watched):
    watcher, ticket, heard, _backend = watched
    ticket.select(Scope(1, "Sim101", "FOO"))
    await watcher.read()
    assert heard.failures == ["CrossTrade does not know instrument FOO."]
    assert ticket.read_problem == "CrossTrade does not know instrument FOO."


async def test_polls_leave_the_budget_to_orders(watched):
    watcher, ticket, _heard, backend = watched
    ticket.select(Scope(1, "Sim101", "ES 12-26"))
    assert watcher.may_poll()
    while backend.client.budget.level >= watcher.reserve:
        backend.client.budget.take()
    assert not watcher.may_poll(), "a poll waits while fewer than the reserve are left"


async def test_a_peek_is_shown_but_never_kept(watched):
    watcher, ticket, heard, _backend = watched
    ticket.select(Scope(1, "Sim101", "ES 12-26"))
    position = await watcher.peek("Sim101", "ES 12-26")
    assert position.describe() == "Long 2"
    assert ticket.reading is None and heard.shown == 0
