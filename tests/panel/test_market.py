"""The market watch against the simulator over loopback, without Qt, on a fake clock for its
own decisions (debounce, staleness): polled quotes while the socket is down, streamed ones once
it is up, the tick size cached, and nothing kept across a backend change."""

import asyncio

import pytest

from ctpanel.backend import open_demo
from ctpanel.core.store.journal import Journal
from ctpanel.panel.market import MarketWatch, quote_words
from ctpanel.panel.session import Session
from ctpanel.panel.ticket import Freshness
from tests.helpers.clock import FakeClock


@pytest.fixture
async def watch(tmp_path):
    backend = await open_demo(Journal(tmp_path / "journal.jsonl"))
    session, clock, changes = Session(backend), FakeClock(), []
    market = MarketWatch(session, on_change=lambda: changes.append(1), clock=clock)
    backend.stream.add_event_listener(market.on_event)
    yield market, clock, backend
    await session.close()


async def test_nothing_is_asked_before_the_debounce_then_a_poll_while_the_socket_is_down(watch):
    market, clock, backend = watch
    market.select("nq")
    await market.tick()
    assert backend.simulator.received == [], "a pick still inside its debounce costs nothing"
    clock.now += 0.5
    await market.tick()
    view = market.view()
    assert view.source == "poll" and view.quote.instrument == "NQ 12-26"
    assert view.quote.tick_size == 0.25 and view.freshness is Freshness.FRESH
    assert quote_words(view).startswith("Bid 25,") and "polled" in quote_words(view)
    clock.now += 6
    assert market.view().freshness is Freshness.STALE and market.view().usable is None
    assert "STALE" in quote_words(market.view())


async def test_streamed_quotes_once_the_socket_is_up(watch):
    market, clock, backend = watch
    backend.stream.start()
    await backend.stream.wait_connected()
    market.select("ES")
    clock.now += 0.5
    await market.tick()
    assert market.subscribed == ["ES 12-26"]
    for _ in range(100):
        if market.sources.get("ES 12-26") == "stream":
            break
        await asyncio.sleep(0.05)
    assert market.view().source == "stream"
    assert market.view().quote.tick_size == 0.25  # a push without it keeps the cached value


async def test_an_unknown_instrument_is_said(watch):
    market, clock, _backend = watch
    market.select("ZZ 01-01")
    clock.now += 0.5
    await market.tick()
    assert market.view().quote is None
    assert "Could not read prices for ZZ 01-01" in quote_words(market.view())


async def test_a_new_backend_keeps_nothing(watch):
    market, clock, _backend = watch
    market.select("NQ")
    clock.now += 0.5
    await market.tick()
    market.reset(account="Sim101")
    assert market.view().quote is None and market.quotes == {} and market.subscribed == []


@pytest.mark.parametrize(("detail", "said"), [
    ({"x": [1, 2]}, "Live prices: CrossTrade refused the subscription (no reason given)."),
    ("Too many\x00 subscriptions\n" + "!" * 200,
     "Live prices: CrossTrade refused the subscription: Too many subscriptions !!!"),
])
async def test_a_refused_subscription_is_said_in_plain_words(watch, detail, said):
    market, _clock, _backend = watch
    market.on_event({"type": "error", "action": "subscribe", "detail": detail})
    assert market.problem.startswith(said) and "{" not in market.problem
    assert len(market.problem) < 140


async def test_an_implausible_quote_is_ignored_counted_and_said(watch):
    market, clock, _backend = watch
    market.select("ES")
    clock.now += 0.5
    await market.tick()
    good = market.view().quote
    for price in (good.bid * 100, good.bid / 100, good.bid + 0.13):  # band, band, tick grid
        market.on_event({"type": "marketData", "quotes": [
            {"instrument": good.instrument, "bid": price, "ask": price, "last": price}]})
    view = market.view()
    assert view.quote.bid == good.bid and view.ignored == 3
    assert f"ignored 3 implausible quotes for {good.instrument}" in quote_words(view)
