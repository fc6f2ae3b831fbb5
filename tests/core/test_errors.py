"""Each failure CrossTrade can give ends in one typed error with a plain-words message.

Every reply here is a real reply from the simulator over a loopback socket.
"""

import socket

import pytest

from ctpanel.core.domain.validation import OrderInput, parse_order
from ctpanel.core.errors import (
    AuthError,
    BadReplyError,
    NetworkError,
    NoPositionError,
    NotConnectedError,
    NotFoundError,
    OutcomeUnknownError,
    RateLimitedError,
    RejectedError,
    ServerError,
)
from ctpanel.core.wire.client import CrossTradeClient
from ctpanel.sim import Simulator
from tests.conftest import TOKEN

SELL_2_ES = parse_order(OrderInput(account="Sim101", instrument="ES", action="SELL", quantity=2))


async def reverse_error(client, order=SELL_2_ES):
    with pytest.raises(Exception) as caught:
        await client.reverse_position(order)
    return caught.value


async def test_no_position(client):
    order = parse_order(OrderInput(account="sim103", instrument="ES", action="SELL"))
    error = await reverse_error(client, order)
    assert isinstance(error, NoPositionError) and error.status == 400
    assert "No position found for instrument 'ES' in account 'sim103'" in str(error)
    assert error.order_not_sent


async def test_other_rejection_shows_the_server_text(sim, client):
    sim.add_fault(apis=["ReversePosition"], status=400,
                  body={"success": False, "error": "invalid_order",
                        "detail": "Quantity exceeds the account's max order size"})
    error = await reverse_error(client)
    assert isinstance(error, RejectedError)
    assert "Quantity exceeds the account's max order size" in str(error)


async def test_a_wrong_token_is_an_auth_error(sim):
    async with CrossTradeClient("wrong-token", base_url=sim.base_url) as bad:
        error = await reverse_error(bad)
    assert isinstance(error, AuthError) and error.status == 401
    assert "did not accept the API token" in str(error)
    assert sim.state.position_of("Sim101", "ES").signed_quantity == 2


async def test_forbidden_mentions_the_subscription(sim, client):
    sim.add_fault(status=403, body={"success": False, "error": "Pro subscription required"})
    error = await reverse_error(client)
    assert isinstance(error, AuthError) and "Pro subscription" in str(error)


async def test_unknown_route_carries_did_you_mean(client):
    with pytest.raises(NotFoundError) as caught:
        await client._read("GET", "/v1/api/acounts")
    assert "/v1/api/accounts" in caught.value.did_you_mean
    assert "Did you mean: /v1/api/accounts" in str(caught.value)


async def test_ninjatrader_not_connected(sim, client):
    sim.state.ninjatrader_connected = False
    error = await reverse_error(client)
    assert isinstance(error, NotConnectedError) and error.status == 408
    assert "NinjaTrader is not connected" in str(error) and "Nothing was traded" in str(error)


@pytest.mark.parametrize("with_header", [True, False])
async def test_rate_limited_says_how_long_from_the_header_or_the_body(with_header):
    simulator = Simulator(token=TOKEN, rate_limit=(2, 0.01), send_retry_after=with_header)
    async with simulator as sim, CrossTradeClient(TOKEN, base_url=sim.base_url) as client:
        await client.get_position("Sim101", "ES")
        await client.get_position("Sim101", "ES")
        error = await reverse_error(client)
    assert isinstance(error, RateLimitedError) and error.status == 429
    # Without the header, the body's "retryAfter" (reference 11.4) says how long.
    assert error.retry_after and error.retry_after >= 1
    assert f"wait {error.retry_after:.0f} s" in str(error)
    assert len(sim.orders_received()) == 1, "a rate-limited order is not re-sent"


async def test_server_error_is_not_called_a_sure_failure(sim, client):
    sim.add_fault(status=500, body={"success": False, "error": "Internal error"})
    error = await reverse_error(client)
    assert isinstance(error, ServerError) and error.status == 500
    assert not error.order_not_sent


async def test_gateway_html_page_is_shown_as_a_short_snippet(sim, client):
    sim.add_fault(status=502, content_type="text/html",
                  body="<html><head><title>502 Bad Gateway</title></head><body>"
                       + "x" * 5000 + "</body></html>")
    error = await reverse_error(client)
    assert isinstance(error, ServerError)
    assert "HTTP 502" in str(error) and "502 Bad Gateway" in str(error)
    assert len(str(error)) < 300


@pytest.mark.parametrize(
    ("body", "content_type", "words"),
    [
        ("Service warming up", "text/plain", "not JSON"),
        ("", "application/json", "empty"),
        ({"success": True}, "application/json", "no orderId"),
        ({"orderId": None, "success": True}, "application/json", "no orderId"),
        ({"orderId": "<script>", "success": True}, "application/json", "no orderId"),
    ],
)
async def test_unreadable_success_replies(sim, client, body, content_type, words):
    sim.add_fault(apis=["ReversePosition"], status=200, body=body, content_type=content_type,
                  execute=True)
    error = await reverse_error(client)
    assert isinstance(error, BadReplyError) and error.status == 200
    assert words in str(error) and "HTTP 200" in str(error)
    assert not error.order_not_sent, "a 2xx we cannot read may still mean a placed order"


async def test_success_false_with_200_is_a_failure(sim, client):
    sim.add_fault(status=200, body={"success": False, "error": "invalid_account",
                                    "detail": "Account Sim999 not found"})
    error = await reverse_error(client)
    assert isinstance(error, RejectedError) and "Account Sim999 not found" in str(error)


async def test_huge_reply_is_capped(sim):
    sim.add_fault(status=200, body_bytes=3 << 20)
    async with CrossTradeClient(TOKEN, base_url=sim.base_url, max_reply_bytes=1 << 20) as api:
        error = await reverse_error(api)
    assert isinstance(error, BadReplyError) and "over the cap" in str(error)


def unused_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


async def test_connection_refused_means_nothing_was_sent():
    async with CrossTradeClient(TOKEN, base_url=f"http://127.0.0.1:{unused_port()}") as api:
        error = await reverse_error(api)
    assert isinstance(error, NetworkError) and error.order_not_sent
    assert "Nothing was sent" in str(error) and "refused" in str(error)


async def test_no_reply_after_sending_is_outcome_unknown(sim):
    sim.add_fault(apis=["ReversePosition"], no_reply=True, execute=True)
    async with CrossTradeClient(TOKEN, base_url=sim.base_url, timeout=0.5) as api:
        error = await reverse_error(api)
    assert isinstance(error, OutcomeUnknownError) and not error.order_not_sent
    assert "may or may not have been placed" in str(error)
    assert len(sim.orders_received()) == 1


async def test_dropped_connection_after_sending_is_outcome_unknown(sim, client):
    sim.add_fault(apis=["ReversePosition"], drop=True, execute=True)
    error = await reverse_error(client)
    assert isinstance(error, OutcomeUnknownError)
    assert len(sim.orders_received()) == 1, "never retried"


async def test_a_reply_that_trickles_in_is_bounded_by_the_timeout(sim):
    sim.add_fault(apis=["ReversePosition"], status=200, trickle=0.05,
                  body={"orderId": "a" * 32, "success": True})
    async with CrossTradeClient(TOKEN, base_url=sim.base_url, timeout=0.6) as api:
        error = await reverse_error(api)
    assert isinstance(error, OutcomeUnknownError) and "0.6 s" in str(error)


async def test_a_read_that_times_out_is_a_network_error(sim):
    sim.add_fault(apis=["GetPosition"], no_reply=True)
    async with CrossTradeClient(TOKEN, base_url=sim.base_url, timeout=0.5) as api:
        with pytest.raises(NetworkError, match="did not answer"):
            await api.get_position("Sim101", "ES")


async def test_an_echoed_token_is_scrubbed(sim, client):
    sim.add_fault(status=400, body={"error": f"bad token {TOKEN} for you"})
    error = await reverse_error(client)
    assert TOKEN not in str(error) and TOKEN not in repr(error.args)
    assert "***" in str(error)
