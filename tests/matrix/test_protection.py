"""The fault matrix for protection: Cancel and Bracket and Change, each through the desk against
the simulator over loopback, with a 400, a 429, a lost answer (the request carried out, or not)
and, for a bracket, the position going flat in between. Each ends in words, is sent once, and a
bracket that did not end protected says UNPROTECTED."""

from dataclasses import dataclass

import pytest

from ctpanel.core.desk.desk import Desk
from ctpanel.core.desk.protect import protect_position
from ctpanel.core.domain.protection import Bracket, ChangeOrder
from ctpanel.core.errors import CtError
from ctpanel.core.store.journal import Journal

ES = "ES 12-26"


@dataclass(frozen=True)
class Case:
    name: str
    fault: dict | None
    words: str  # in what the trader reads
    state: dict | None = None

    def __str__(self) -> str:
        return self.name


BAD_REQUEST = {"status": 400, "body": {"error": "Invalid request"}}
RATE_LIMITED = {"status": 429, "body": {"success": False, "error": "rate_limited",
                                        "retryAfter": 3}}
CASES = [
    Case("400", BAD_REQUEST, "invalid request"),
    Case("429", RATE_LIMITED, "rate limit"),
    Case("lost answer, carried out", {"drop": True, "execute": True}, "outcome unknown"),
    Case("lost answer, not carried out", {"drop": True}, "outcome unknown"),
]
FLAT_IN_BETWEEN = Case("flat in between", None, "bracket aborted",
                       {"flatten_during_bracket": True})


@pytest.fixture
async def desk(sim, client, tmp_path):
    sim.state.market.is_open = False
    return Desk(client, Journal(tmp_path / "journal.jsonl"), mode="demo")


@pytest.mark.parametrize("case", [*CASES, FLAT_IN_BETWEEN], ids=str)
async def test_a_bracket_fault_ends_in_words_sent_once_unprotected(case, sim, client, desk):
    quote = await client.get_quote(ES)
    position = await desk.read_position("Sim101", ES)
    sim.apply_state(case.state or {})
    if case.fault:
        sim.add_fault(apis=["CancelAndBracket"], times=1, **case.fault)
    protection = await protect_position(desk, position, Bracket(8, 16),
                                        position.average_price, quote, age_s=0.0)
    assert not protection.protected
    assert protection.words.startswith("UNPROTECTED: ")
    assert case.words in protection.words.lower(), protection.words
    assert len(sim.orders_received("CancelAndBracket")) == 1  # never re-sent


@pytest.mark.parametrize("case", CASES, ids=str)
async def test_a_change_fault_ends_in_words_and_is_sent_once(case, sim, client, desk):
    quote = await client.get_quote(ES)
    position = await desk.read_position("Sim101", ES)
    placed = await protect_position(desk, position, Bracket(stop_ticks=40),
                                    position.average_price, quote, age_s=0.0)
    stop_id = placed.report.result.stop_order_id
    before = sim.state.orders[stop_id].ticket.stop_price
    sim.add_fault(apis=["Change"], times=1, **case.fault)
    with pytest.raises(CtError) as caught:
        await desk.change(ChangeOrder("Sim101", ES, stop_id, stop_price=before + 1.0,
                                      reason="+4 ticks"), before=position)
    assert case.words in str(caught.value).lower(), str(caught.value)
    assert len(sim.orders_received("Change")) == 1  # never re-sent
    now = sim.state.orders[stop_id].ticket.stop_price
    if "unknown" in case.words:  # the read back says which way it went
        went = now == before + 1.0
        assert ("most likely went through" if went else "most likely not made") in \
            str(caught.value)
