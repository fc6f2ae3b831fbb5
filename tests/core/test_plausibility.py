"""A figure that cannot be right is unknown, never a number: the absolute caps in every payload
reader, and the per-instrument quote gate (bid <= ask, the tick grid, a band around the last
good quote), with property tests that no admitted quote is ever absurd."""

import math

from hypothesis import given
from hypothesis import strategies as st

from ctpanel.core.domain.models import Position, Quote, Side
from ctpanel.core.domain.plausibility import (
    MAX_QUOTE_PRICE,
    RUN_TO_REANCHOR,
    QuoteGate,
    judge,
    plausible_money,
    plausible_price,
)
from ctpanel.core.domain.pricing import pnl_words, position_pnl
from ctpanel.core.wire.payloads import order_from, pnl_from, position_from, quote_from


def quote(bid, ask=None, last=None, tick=0.25) -> Quote:
    return Quote("ES 12-26", bid=bid, ask=ask if ask is not None else bid,
                 last=last if last is not None else bid, tick_size=tick)


def test_absurd_prices_and_amounts_are_unknown():
    for bad in (1e308, float("inf"), float("nan"), -1.0, 0, True, "6850", None, MAX_QUOTE_PRICE):
        assert plausible_price(bad) is None, bad
    assert plausible_price(6850.25) == 6850.25
    assert plausible_money(-1e308) is None and plausible_money(-250.0) == -250.0


def test_payload_readers_never_hand_on_an_absurd_figure():
    assert quote_from({"instrument": "ES 12-26", "bid": 1e308, "ask": 6850.5}).bid is None
    position = position_from({"marketPosition": "Long", "quantity": 2, "averagePrice": 1e308,
                              "unrealizedProfitLoss": 1e300}, account="Sim101",
                             instrument="ES 12-26")
    assert position.average_price is None and position.unrealized_pnl is None
    pnl = pnl_from({"accounts": [{"name": "Sim101", "unrealizedProfitLoss": 1e308}]}, "Sim101")
    assert pnl is None
    info = order_from({"orderId": "a1", "orderState": "Filled", "averageFillPrice": 1e308})
    assert info.state == "Filled" and info.average_fill_price is None


def test_the_p_and_l_is_unknown_rather_than_infinite():
    long_2 = Position("Sim101", "ES 12-26", Side.LONG, 2, 6850.0)
    absurd = Quote("ES 12-26", last=9_999_999.0, tick_size=1e-300, tick_value=12.5)
    assert pnl_words(position_pnl(long_2, absurd)) == "P&L unknown"


def test_a_quote_is_judged_on_its_own():
    assert judge(quote(6850.25), tick=0.25, reference=None, band=0.2).ok
    assert judge(quote(6850.5, 6850.25), tick=0.25, reference=None, band=0.2).why == \
        "bid above ask"
    assert judge(quote(6850.13), tick=0.25, reference=None, band=0.2).why == \
        "off the tick grid"
    assert judge(quote(None, None, None), tick=0.25, reference=None, band=0.2).why == \
        "no price in it"
    assert judge(quote(9000.0), tick=0.25, reference=6850.0, band=0.2).why == \
        "more than 20% from the market"


def test_the_gate_ignores_a_jump_counts_it_and_never_locks_the_good_quotes_out():
    gate = QuoteGate(band=0.2)
    assert gate.admit(quote(6850.25), tick=0.25)
    assert not gate.admit(quote(685025.0), tick=0.25)  # a misplaced decimal point
    assert gate.ignored == 1 and gate.anchor == 6850.25
    assert gate.admit(quote(6851.0), tick=0.25)
    # The first quote was the bad one: a run of sound quotes that agree re-anchors.
    bad_first = QuoteGate(band=0.2)
    assert bad_first.admit(quote(68500.0), tick=0.25)
    results = [bad_first.admit(quote(6850.25 + i * 0.25), tick=0.25)
               for i in range(RUN_TO_REANCHOR + 2)]
    assert results == [False] * (RUN_TO_REANCHOR - 1) + [True] * 3
    assert bad_first.ignored == RUN_TO_REANCHOR - 1


def test_before_any_quote_the_position_s_average_price_is_the_reference():
    gate = QuoteGate(band=0.2)
    assert not gate.admit(quote(10.0), tick=0.25, fallback=6850.0)
    assert gate.admit(quote(6900.0), tick=0.25, fallback=6850.0)


prices = st.floats() | st.floats(6000, 7000) | st.sampled_from([1e308, -1.0, 0.0, 6850.25])


@given(st.lists(st.tuples(prices, prices, prices), min_size=1, max_size=30))
def test_no_admitted_quote_is_ever_absurd_or_crossed(feed):
    gate = QuoteGate(band=0.2)
    for bid, ask, last in feed:
        candidate = quote_from({"instrument": "ES 12-26", "bid": bid, "ask": ask,
                                "last": last, "tickSize": 0.25})
        if gate.admit(candidate, tick=0.25):
            shown = [p for p in (candidate.bid, candidate.ask, candidate.last) if p is not None]
            assert shown and all(math.isfinite(p) and 0 < p < MAX_QUOTE_PRICE for p in shown)
            if candidate.bid is not None and candidate.ask is not None:
                assert candidate.bid <= candidate.ask
