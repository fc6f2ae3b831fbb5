"""One order's way through the ticket, the panel's order desk, the core desk and the watcher,
against the simulator (the whole press, from the click to the fill line, is in test_panel)."""

import pytest

from ctpanel.backend import open_demo
from ctpanel.core.desk.reverse import ReverseReport, UncertainOutcome
from ctpanel.core.domain.form import FormState
from ctpanel.core.domain.models import OrderSide, Transport
from ctpanel.core.store.journal import Journal
from ctpanel.panel.desk import OrderDesk
from ctpanel.panel.notices import Notices
from ctpanel.panel.session import Session
from ctpanel.panel.sounds import Sounds
from ctpanel.panel.ticket import Phase, Scope, Ticket
from ctpanel.panel.watcher import PositionWatcher

FORM = FormState(account="Sim101", instrument="ES 12-26")


@pytest.fixture
async def flow(tmp_path):
    backend = await open_demo(Journal(tmp_path / "journal.jsonl"), timeout=1.0)
    session, ticket = Session(backend), Ticket(rearm_delay=0.3)
    failures: list[str] = []
    watcher = PositionWatcher(session, ticket, on_shown=lambda: None,
                              on_failed=lambda error, problem: failures.append(problem))
    ticket.select(Scope(1, "Sim101", "ES 12-26"))
    await watcher.read()
    silent = Sounds(lambda event: False, str, lambda path: None)
    orders = OrderDesk(session, ticket, watcher, Notices(), silent, confirmer=None,
                       spawn=session.spawn,
                       failed=lambda what, error: failures.append(f"{what}: {error}"),
                       accounts=lambda: ["Sim101"])
    yield orders, ticket, backend
    await session.close()


async def send(orders, ticket):
    press = ticket.press(FORM, confirm=False)
    accepted = []
    orders.accepted.connect(accepted.append)
    outcome = await orders.send(press.order, press, transport=Transport.REST)
    return outcome, accepted


async def test_a_confirmed_order_re_arms_on_the_desk_s_re_read(flow):
    orders, ticket, backend = flow
    outcome, accepted = await send(orders, ticket)
    assert isinstance(outcome, ReverseReport) and accepted[0] is outcome.result
    assert ticket.phase is Phase.IDLE and ticket.reading.position.describe() == "Short 2"
    apis = [r.api for r in backend.simulator.received]
    after = apis[apis.index("ReversePosition") + 1:]
    assert sorted(after) == ["GetPosition", "ListOrders", "ListPositions"], \
        "the desk's re-read was used (no second position read), the account read beside it"
    assert ticket.reading.working == () and len(ticket.reading.holdings) == 2


async def test_an_unknown_outcome_is_followed_by_a_fresh_read_never_a_resend(flow):
    orders, ticket, backend = flow
    backend.simulator.add_fault(apis=["ReversePosition"], no_reply=True, execute=True)
    outcome, accepted = await send(orders, ticket)
    assert isinstance(outcome, UncertainOutcome) and accepted == []
    assert ticket.reading.position.describe() == "Short 2", "read after the outcome"
    assert len(backend.simulator.orders_received()) == 1
    again = ticket.press(FORM, confirm=False)
    assert again.order is None, "inside the re-arm delay"


async def test_a_rejected_order_leaves_the_position_read_anew(flow):
    orders, ticket, backend = flow
    backend.simulator.add_fault(apis=["ReversePosition"], status=400,
                                body={"error": "Insufficient margin"}, times=1)
    outcome, _ = await send(orders, ticket)
    assert "Insufficient margin" in str(outcome)
    assert ticket.reading.position.describe() == "Long 2"
    assert ticket.arming(FORM).order is None  # re-arming: the delay has not passed
    assert (await send_when_armed(orders, ticket)).order.action is OrderSide.SELL


async def send_when_armed(orders, ticket):
    import asyncio

    while not ticket.arming(FORM).armed:
        await asyncio.sleep(0.02)
    outcome, _ = await send(orders, ticket)
    return outcome
