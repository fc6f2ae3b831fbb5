"""Property: the bracket after a fill is built only on a position read after that fill, whatever
happens to the position between the fill and the read (nothing, an add, a partial exit, a
flatten outside the panel, a read that fails). Each example runs against a fresh simulator over
loopback: one entry, then at most one Cancel and Bracket, sized to the position that read saw,
and none when the read failed or saw nothing to protect."""

import asyncio
from pathlib import Path
from tempfile import TemporaryDirectory

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ctpanel.core.desk.desk import Desk
from ctpanel.core.domain.protection import Bracket, entry_for, new_order_id
from ctpanel.core.domain.validation import OrderInput, parse_order
from ctpanel.core.risk.guard import Basis
from ctpanel.core.store.journal import Journal
from ctpanel.core.wire.client import CrossTradeClient
from ctpanel.sim.server import Received, Simulator
from tests.conftest import TOKEN

ES = "ES 12-26"
ACCOUNT = "Sim103"  # flat in ES at the seed
BETWEEN = ("nothing", "add", "partial exit", "flattened", "read fails")
ORDER_APIS = ("GetOrderStatus", "GetOrder", "GetOrderLifecycle", "ListExecutions")


async def _one_example(side: str, quantity: int, between: str, extra: int) -> None:
    sim = Simulator(token=TOKEN)
    await sim.start()
    client = CrossTradeClient(TOKEN, base_url=sim.base_url, timeout=5.0)
    try:
        with TemporaryDirectory() as folder:
            await _entry_then_bracket(sim, client, Journal(Path(folder) / "journal.jsonl"),
                                      side, quantity, between, extra)
    finally:
        await client.aclose()
        await sim.stop()


async def _entry_then_bracket(sim, client, journal, side, quantity, between, extra):
    sim.state.market.is_open = False  # a still market: nothing else fills by chance
    desk = Desk(client, journal, mode="demo")
    sign = 1 if side == "BUY" else -1
    quote = await client.get_quote(ES)
    position = await desk.read_position(ACCOUNT, ES)
    entry = entry_for(parse_order(OrderInput(account=ACCOUNT, instrument=ES, action=side,
                                             quantity=quantity)), position, new_order_id())
    report = await desk.enter(entry, before=position, basis=Basis(position=position,
                                                                  age_s=0.0))
    held_at_read = {"nothing": quantity, "add": quantity + extra,
                    "partial exit": max(1, quantity - extra), "flattened": 0,
                    "read fails": None}[between]

    def filled() -> None:  # the fill is known; the position moves before the bracket's read
        if between == "read fails":
            sim.add_fault(apis=["GetPosition"], status=500, times=1)
        elif between != "nothing":
            sim.state.set_position(ACCOUNT, ES, sign * held_at_read)
        sim.received.append(Received("mark", "FILL-KNOWN", "", "", {}, {}, "", None))

    fill, protection = await desk.fill_then_protect(
        report.order, report.result.order_id, Bracket(8, 16), quote, trade=report.trade,
        on_filled=filled)
    apis = [r.api for r in sim.received]
    assert apis.count("PlaceOrder") == 1, "one entry"
    brackets = sim.orders_received("CancelAndBracket")
    assert fill.state == "Filled" and protection is not None
    if not held_at_read:
        assert brackets == [], f"no bracket when the read after the fill {between}"
        assert not protection.protected and protection.words.startswith("UNPROTECTED")
        return
    [bracket] = brackets
    assert bracket.body["quantity"] == held_at_read, "sized to the position read"
    assert bracket.body["action"] == ("Buy" if sign > 0 else "Sell")
    known, sent = apis.index("FILL-KNOWN"), apis.index("CancelAndBracket")
    reads = [i for i, api in enumerate(apis) if api == "GetPosition"]
    assert any(known < i < sent for i in reads), "a read after the fill, before the bracket"
    assert protection.protected, protection.words


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(side=st.sampled_from(["BUY", "SELL"]), quantity=st.integers(1, 3),
       between=st.sampled_from(BETWEEN), extra=st.integers(1, 2))
def test_a_bracket_is_only_for_a_position_read_after_the_fill(side, quantity, between, extra):
    asyncio.run(_one_example(side, quantity, between, extra))
