"""The CrossTrade REST client: one typed async method per endpoint on one shared connection pool.

Orders are never retried. A failure before the request was written is a :class:`NetworkError`
(safe: nothing was sent); a failure after it was written is :class:`OutcomeUnknownError` for
orders, because CrossTrade may have acted on it.
"""

from __future__ import annotations

import asyncio
import json
import logging
import ssl
import time
from typing import Any

import httpx

from ctpanel.core.domain.account_risk import AccountFigures
from ctpanel.core.domain.exits import EverythingConfirmed, ExitOrder, ExitResult, is_working
from ctpanel.core.domain.models import Account, OrderResult, Position, Quote, ReverseOrder
from ctpanel.core.domain.protection import BracketResult, ChangeOrder, EntryOrder, ProtectOrder
from ctpanel.core.domain.secret import Secret
from ctpanel.core.errors import (
    CtError,
    InvalidOrder,
    NetworkError,
    NoPositionError,
    NotFoundError,
    OutcomeUnknownError,
    Problem,
    scrubbed,
)
from ctpanel.core.wire.account_payloads import figures_from, session_high_from, snapshot_of
from ctpanel.core.wire.budget import TokenBucket
from ctpanel.core.wire.keepalive import usable_keepalive_options
from ctpanel.core.wire.payloads import (
    Execution,
    OrderInfo,
    accounts_from,
    atm_templates_from,
    bracket_ids_from,
    executions_from,
    has_list,
    ids_from,
    order_from,
    order_id_from,
    order_state_from,
    orders_from,
    position_from,
    positions_from,
    quote_from,
)
from ctpanel.core.wire.replies import bad_reply, error_for, field, is_failure, warning_from
from ctpanel.core.wire.tls import default_tls_context, no_tls_context
from ctpanel.core.wire.transport_errors import describe_transport_error
from ctpanel.core.wire.urls import (
    API_PREFIX,
    DEFAULT_BASE_URL,
    DEFAULT_TIMEOUT,
    account_path,
    check_base_url,
    exit_path,
)

log = logging.getLogger(__name__)

READ_TIMEOUT = 10.0
MAX_REPLY_BYTES = 1 << 20
KEEPALIVE_SECONDS = 120.0
ORDERS_LANE_IDLE = 25.0  # well inside the idle timeouts of common load balancers
MAX_EXECUTIONS_LOOKBACK_S = 900
# An empty body here flattens every position in every account (reference 5.12): only
# flatten_everything() may send one.
FLATTEN_EVERYTHING_PATH = f"{API_PREFIX}/positions/flatten"


class _Wire:
    """Tracks, through httpcore's trace hook, whether any byte of the request was written."""

    __slots__ = ("sent",)

    def __init__(self) -> None:
        self.sent = False

    async def trace(self, event: str, info: dict) -> None:
        if event.endswith("send_request_headers.started"):
            self.sent = True


class CrossTradeClient:
    """Typed access to CrossTrade's REST API.

    Parameters
    ----------
    token:
        The API token; kept in a :class:`Secret` and sent only as the Bearer header.
    base_url:
        ``https://app.crosstrade.io`` by default; plain ``http://`` only for loopback hosts.
    timeout:
        Seconds to wait for an order's reply (reads use ``min(timeout, 10)``).
    verify:
        An :class:`ssl.SSLContext` to trust a private CA (tests); verification is never off.
    """

    def __init__(
        self,
        token: str | Secret,
        *,
        base_url: str = DEFAULT_BASE_URL,
        timeout: float = DEFAULT_TIMEOUT,
        verify: ssl.SSLContext | None = None,
        max_reply_bytes: int = MAX_REPLY_BYTES,
    ) -> None:
        self._token = token if isinstance(token, Secret) else Secret(token)
        self.base_url = check_base_url(base_url)
        self.timeout = timeout
        self.max_reply_bytes = max_reply_bytes
        self.budget = TokenBucket()  # our mirror of CrossTrade's per-user budget
        # Two lanes, each with its own kept-alive connection: reads (polls) on one, orders on
        # the other, so a click never waits behind a poll nor opens a cold connection.
        if verify is None:
            secure = self.base_url.startswith("https:")
            verify = default_tls_context() if secure else no_tls_context()
        self._http = self._new_lane(verify)
        self._orders_http = self._new_lane(verify)
        self._orders_last_used = float("-inf")

    def _new_lane(self, verify: ssl.SSLContext) -> httpx.AsyncClient:
        # Short TCP keepalive timers: a connection a NAT forgot errors within ~9 s, and
        # httpcore drops an errored idle connection before the next request uses it.
        transport = httpx.AsyncHTTPTransport(
            verify=verify,
            limits=httpx.Limits(max_keepalive_connections=2, keepalive_expiry=KEEPALIVE_SECONDS),
            trust_env=False,
            socket_options=usable_keepalive_options(),
        )
        return httpx.AsyncClient(
            base_url=self.base_url,
            headers={"Authorization": f"Bearer {self._token.reveal()}"},
            timeout=httpx.Timeout(self.timeout, connect=min(self.timeout, 10.0)),
            transport=transport,
            follow_redirects=False,
            trust_env=False,
        )

    def __repr__(self) -> str:
        return f"CrossTradeClient(base_url={self.base_url!r})"

    def token_text(self) -> str:
        """The token, for scrubbing it out of crash reports only."""
        return self._token.reveal()

    async def aclose(self) -> None:
        await self._http.aclose()
        await self._orders_http.aclose()

    async def __aenter__(self) -> CrossTradeClient:
        return self

    async def __aexit__(self, *exc_info) -> None:
        await self.aclose()

    # --- reads ------------------------------------------------------------------------------

    async def keep_warm(self, *, force: bool = False) -> bool:
        """Re-warm the orders lane if it has been idle for ``ORDERS_LANE_IDLE`` seconds, or
        if a connection has failed since it was last used.

        One cheap read on that lane keeps (or re-opens) its connection, so the next click
        finds it open. Returns whether a request was made.
        """
        idle = time.monotonic() - self._orders_last_used
        if not force and idle < ORDERS_LANE_IDLE:
            return False
        await self._send("GET", f"{API_PREFIX}/accounts", lane=self._orders_http,
                         timeout=min(self.timeout, READ_TIMEOUT))
        return True

    async def list_accounts(self) -> list[Account]:
        """Accounts from ``GET /accounts`` (an empty list when NinjaTrader is closed, §10.4),
        falling back to the documented snapshot when that route or its shape is unknown."""
        try:
            payload = await self._read("GET", f"{API_PREFIX}/accounts")
        except NotFoundError:
            payload = None  # the list's route is undocumented; the snapshot's is not
        if has_list(payload, "accounts"):
            return accounts_from(payload)
        return accounts_from(await self._read("GET", f"{API_PREFIX}/accounts/snapshot"))

    async def list_positions(self, account: str) -> list[Position]:
        payload = await self._read("GET", account_path(account, "positions"))
        return positions_from(payload, account=account)

    async def get_position(self, account: str, instrument: str) -> Position:
        """The position in one instrument; a flat position when there is none."""
        try:
            payload = await self._read(
                "GET", account_path(account, "position"), params={"instrument": instrument}
            )
        except NoPositionError:
            return Position.flat(account, instrument)
        position = position_from(payload, account=account, instrument=instrument)
        if position is None:
            raise bad_reply(200, json.dumps(payload)[:200], "no readable position in it")
        return position

    async def list_orders(self, account: str, *, active_only: bool = False
                          ) -> list[dict[str, Any]]:
        params = {"activeOnly": "true"} if active_only else None
        payload = await self._read("GET", account_path(account, "orders"), params=params)
        orders = field(payload, "orders") if not isinstance(payload, list) else payload
        return [item for item in orders or [] if isinstance(item, dict)]

    async def list_working_orders(self, account: str) -> tuple[OrderInfo, ...]:
        """The account's working orders (``activeOnly``; the states are checked here too, in
        case an older add-on ignores the flag)."""
        orders = orders_from(await self.list_orders(account, active_only=True))
        return tuple(order for order in orders if is_working(order))

    async def list_all_positions(self) -> list[Position]:
        """Open positions in every account, in one read (``GET /positions``, reference 5.6)."""
        payload = await self._read("GET", f"{API_PREFIX}/positions",
                                   params={"includeFlat": "false"})
        return [p for p in positions_from(payload) if not p.is_flat]

    async def get_account_figures(self, account: str) -> AccountFigures:
        """``account``'s P&L today, net liquidation and broker limits (``GetAccount``, 12.3)."""
        payload = await self._read("GET", account_path(account))
        figures = figures_from(payload, account, read_at=time.monotonic())
        if figures is None:
            raise bad_reply(200, json.dumps(payload)[:200], "no readable account figures in it")
        return figures

    async def get_snapshot(self) -> tuple[dict[str, AccountFigures], list[Position]]:
        """Every account's figures and open positions in one read (the snapshot, reference
        5.3): a group's members cost one request, not one each."""
        payload = await self._read("GET", f"{API_PREFIX}/accounts/snapshot")
        return snapshot_of(payload, read_at=time.monotonic())

    async def get_session_high(self, account: str) -> float | None:
        """The session's high of ``account``'s net liquidation (``GetWatermarks``); None when
        CrossTrade's monitor has none for it."""
        return session_high_from(await self._read("GET", account_path(account, "watermarks")))

    async def list_atm_templates(self) -> list[str]:
        """NinjaTrader's ATM template names (``GET /atm-templates``, seen in third-party code
        only: a list of names, or of objects with ``name``, bare or under a key)."""
        return atm_templates_from(await self._read("GET", f"{API_PREFIX}/atm-templates"))

    async def get_quote(self, instrument: str) -> Quote:
        payload = await self._read(
            "GET", f"{API_PREFIX}/market/quote", params={"instrument": instrument}
        )
        quote = quote_from(payload, instrument, received_at=time.monotonic())
        if quote is None:
            raise bad_reply(200, json.dumps(payload)[:200], "no readable quote in it")
        return quote

    async def get_order_status(self, account: str, order_id: str) -> str:
        """``GetOrderStatus``: NinjaTrader's state of one order (``Working``, ``Filled``...)."""
        payload = await self._read("GET", account_path(account, "orders", order_id, "status"))
        state = order_state_from(payload)
        if state is None:
            raise bad_reply(200, json.dumps(payload)[:200], "no order status in it")
        return state

    async def get_order(self, account: str, order_id: str) -> OrderInfo:
        payload = await self._read("GET", account_path(account, "orders", order_id))
        order = order_from(payload)
        if order is None:
            raise bad_reply(200, json.dumps(payload)[:200], "no readable order in it")
        return order

    async def get_order_lifecycle(self, account: str, order_id: str) -> Any:
        """The order's events (add-on 1.13.2+; older ones answer ``Unknown API command``)."""
        return await self._read("GET", account_path(account, "orders", order_id, "lifecycle"),
                                params={"includeFills": "true", "limit": "50"})

    async def list_executions(self, account: str, lookback_s: int = 320) -> list[Execution]:
        """Fills in ``account`` in the last ``lookback_s`` seconds (CrossTrade allows 900)."""
        lookback = max(1, min(int(lookback_s), MAX_EXECUTIONS_LOOKBACK_S))
        payload = await self._read("GET", account_path(account, "executions"),
                                   params={"lookbackTime": str(lookback)})
        return executions_from(payload)

    # --- orders (never retried) -------------------------------------------------------------

    async def reverse_position(self, order: ReverseOrder) -> OrderResult:
        """``POST .../positions/reverseposition``: close, then enter the other way."""
        return await self._order(account_path(order.account, "positions", "reverseposition"),
                                 order.body())

    async def place_order(self, order: ReverseOrder | EntryOrder) -> OrderResult:
        """``POST .../orders/place``: an entry carries its ``orderId`` and the server's guard
        ``requireMarketPosition`` (reference 12.1)."""
        return await self._order(account_path(order.account, "orders", "place"), order.body())

    async def cancel_and_bracket(self, order: ProtectOrder) -> BracketResult:
        """``POST .../orders/cancel_and_bracket``: cancel the instrument's working orders,
        then one OCO pair sized to the live position (reference 12.2). Never retried."""
        raw, payload, round_trip_ms = await self._send_order(
            "POST", account_path(order.account, "orders", "cancel_and_bracket"), order.body())
        stop, target, legs, cancelled, quantity = bracket_ids_from(payload)
        if not legs:
            raise bad_reply(200, raw, "no order id of the bracket in it")
        return BracketResult(tuple(legs), stop, target, tuple(cancelled), quantity,
                             round_trip_ms, warning_from(payload))

    async def change_order(self, order: ChangeOrder) -> OrderResult:
        """``PUT .../orders/{id}/change``: a working order's stop or limit price, moved."""
        _, payload, round_trip_ms = await self._send_order(
            "PUT", account_path(order.account, "orders", order.order_id, "change"),
            order.body())
        return OrderResult(order_id_from(payload) or order.order_id, round_trip_ms,
                           warning_from(payload))

    async def send_exit(self, order: ExitOrder) -> ExitResult:
        """A close, a flatten of one account or a cancel: one POST, never retried."""
        return await self._exit(exit_path(order), order.body())

    async def flatten_everything(self, confirmed: EverythingConfirmed) -> ExitResult:
        """``POST /positions/flatten`` with an empty body: every position and working order in
        every account. The one door to that body; it takes the trader's confirmation."""
        if not isinstance(confirmed, EverythingConfirmed):
            raise InvalidOrder([_EVERYTHING_REFUSED])
        return await self._exit(FLATTEN_EVERYTHING_PATH, {}, everything=confirmed)

    async def _exit(self, path: str, body: dict[str, Any], *,
                    everything: EverythingConfirmed | None = None) -> ExitResult:
        _, payload, round_trip_ms = await self._send_order("POST", path, body,
                                                           everything=everything)
        closed = positions_from(field(payload, "closedPositions") or [])
        ids = ids_from(payload, "orderId", "orderIds")
        return ExitResult(tuple(closed), tuple(ids), round_trip_ms, warning_from(payload))

    async def _order(self, path: str, body: dict[str, Any]) -> OrderResult:
        raw, payload, round_trip_ms = await self._send_order("POST", path, body)
        order_id = order_id_from(payload)
        if order_id is None:
            raise bad_reply(200, raw, "no orderId in it")
        return OrderResult(order_id, round_trip_ms, warning_from(payload))

    async def _send_order(self, method: str, path: str, body: dict[str, Any], *,
                          everything: EverythingConfirmed | None = None
                          ) -> tuple[bytes, Any, float]:
        """Every order request: once, on the orders lane, timed; (raw, payload, ms)."""
        started = time.perf_counter()
        raw, payload = await self._send(method, path, body=body, is_order=True,
                                        everything=everything)
        return raw, payload, (time.perf_counter() - started) * 1000

    # --- plumbing ---------------------------------------------------------------------------

    async def _read(self, method: str, path: str, *, params: dict | None = None) -> Any:
        _, payload = await self._send(
            method, path, params=params, timeout=min(self.timeout, READ_TIMEOUT)
        )
        return payload

    async def _send(
        self,
        method: str,
        path: str,
        *,
        params: dict | None = None,
        body: dict | None = None,
        is_order: bool = False,
        timeout: float | None = None,
        lane: httpx.AsyncClient | None = None,
        everything: EverythingConfirmed | None = None,
    ) -> tuple[bytes, Any]:
        """One request, no retry; returns the raw body and the parsed success payload."""
        if path == FLATTEN_EVERYTHING_PATH and not (body or {}).get("account") \
                and not isinstance(everything, EverythingConfirmed):
            raise InvalidOrder([_EVERYTHING_REFUSED])
        if lane is None:
            lane = self._orders_http if is_order else self._http
        if lane is self._orders_http:
            self._orders_last_used = time.monotonic()
        wire = _Wire()
        self.budget.spend()
        content = None if body is None else json.dumps(body, allow_nan=False).encode()
        headers = {"Content-Type": "application/json"} if body is not None else None
        limit = timeout or self.timeout
        try:
            async with asyncio.timeout(limit):
                async with lane.stream(
                    method, path, params=params, content=content, headers=headers,
                    extensions={"trace": wire.trace},
                ) as response:
                    raw = await self._read_capped(response)
        except CtError as error:
            raise scrubbed(error, self._token.reveal()) from None
        except (TimeoutError, httpx.TimeoutException, httpx.TransportError) as error:
            # A dropped or dead connection: the orders lane's kept one may be gone too, so
            # the next keep_warm() re-opens it rather than leave that to the next click.
            self._orders_last_used = float("-inf")
            raise self._transport_error(error, wire.sent, is_order, limit) from None
        try:
            return raw, self._payload(response, raw)
        except CtError as error:
            raise scrubbed(error, self._token.reveal()) from None

    async def _read_capped(self, response: httpx.Response) -> bytes:
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > self.max_reply_bytes:
            raise bad_reply(response.status_code, "", f"{int(declared)} bytes, over the cap")
        chunks, size = [], 0
        async for chunk in response.aiter_raw():
            size += len(chunk)
            if size > self.max_reply_bytes:
                raise bad_reply(response.status_code, b"".join(chunks)[:200],
                                f"over {self.max_reply_bytes} bytes")
            chunks.append(chunk)
        return b"".join(chunks)

    def _payload(self, response: httpx.Response, raw: bytes) -> Any:
        status = response.status_code
        try:
            payload = json.loads(raw) if raw.strip() else None
        except (ValueError, UnicodeDecodeError):
            payload = None
            if 200 <= status < 300:
                raise bad_reply(status, raw, "not JSON") from None
        if payload is None and 200 <= status < 300:
            raise bad_reply(status, raw, "empty")
        if is_failure(status, payload):
            shown = payload if payload is not None else raw.decode("utf-8", "replace")
            raise error_for(status, shown, retry_after=response.headers.get("retry-after"))
        return payload

    def _transport_error(
        self, error: Exception, sent: bool, is_order: bool, limit: float
    ) -> CtError:
        cause = describe_transport_error(error, limit, sent)
        if sent and is_order:
            return OutcomeUnknownError(
                f"The order was sent but no answer came back ({cause}). It may or may not "
                "have been placed; check the position before acting again."
            )
        if sent:
            return NetworkError(f"CrossTrade did not answer ({cause}).")
        return NetworkError(f"Could not reach CrossTrade ({cause}). Nothing was sent.")


_EVERYTHING_REFUSED = Problem(
    "account", "Refused to flatten every account: that request needs an account, or the "
    "trader's confirmation of Flatten everything.")
