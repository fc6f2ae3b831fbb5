"""The CrossTrade WebSocket client: RPC with id correlation, pushes, keep-alive, reconnect.

An RPC is written once and never re-sent. If the socket drops while RPCs are in flight, each of
them ends as :class:`OutcomeUnknownError` (for orders) or :class:`NetworkError` (for reads).
A close that says the session is active elsewhere, or a refused token, stops reconnecting.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import logging
import random
import ssl
import time
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, InvalidStatus, WebSocketException

from ctpanel.core.domain.models import OrderResult, ReverseOrder
from ctpanel.core.domain.secret import RedactingFilter, Secret
from ctpanel.core.domain.states import StreamState
from ctpanel.core.errors import (
    AuthError,
    CtError,
    NetworkError,
    OutcomeUnknownError,
    SessionElsewhereError,
    scrubbed,
)
from ctpanel.core.wire.budget import TokenBucket
from ctpanel.core.wire.keepalive import apply_keepalive
from ctpanel.core.wire.payloads import order_id_from
from ctpanel.core.wire.replies import bad_reply, error_for, field, is_failure, snippet
from ctpanel.core.wire.tls import default_tls_context
from ctpanel.core.wire.unreadable import UnreadableMessages
from ctpanel.core.wire.urls import DEFAULT_WS_URL, check_ws_url

log = logging.getLogger(__name__)

MAX_MESSAGE_BYTES = 1 << 20
_ids = itertools.count(1)

EventListener = Callable[[dict[str, Any]], None]
StateListener = Callable[[StreamState, str], None]


class CrossTradeStream:
    """One WebSocket session to ``/ws/stream``, reconnected with capped backoff.

    ``state`` is one of ``idle``, ``connecting``, ``connected``, ``reconnecting``, ``stopped``;
    state listeners get ``(state, reason)``. Event listeners get every pushed message
    (``marketData``, ``pnlUpdate``, ``pong``) as a dict.
    """

    def __init__(
        self,
        token: str | Secret,
        *,
        url: str = DEFAULT_WS_URL,
        rpc_timeout: float = 30.0,
        open_timeout: float = 10.0,
        ping_interval: float | None = 20.0,
        backoff: tuple[float, float] = (0.5, 30.0),
        ssl_context: ssl.SSLContext | None = None,
        budget: TokenBucket | None = None,
    ) -> None:
        self._token = token if isinstance(token, Secret) else Secret(token)
        self.url = check_ws_url(url)
        self.rpc_timeout = rpc_timeout
        self.open_timeout = open_timeout
        self.ping_interval = ping_interval
        self.backoff = backoff
        secure = self.url.startswith("wss:")
        self._ssl = (ssl_context or default_tls_context()) if secure else None
        self.budget = budget  # shared with REST: CrossTrade counts both against one budget
        self.state = StreamState.IDLE
        self.reason = ""
        self.unreadable = UnreadableMessages(self._token.reveal)
        self._stop_error: CtError | None = None
        self._ws: ClientConnection | None = None
        self._connected = asyncio.Event()
        self._state_changed = asyncio.Event()
        self._pending: dict[str, tuple[asyncio.Future, bool]] = {}  # id -> (reply, is_order)
        self._runner: asyncio.Task | None = None
        self._subscriptions: set[str] = set()
        self._pnl_interval: int | None = None
        self._event_listeners: list[EventListener] = []
        self._state_listeners: list[StateListener] = []
        self.connections = 0
        # websockets logs the upgrade request's headers at DEBUG: give it a logger that
        # redacts the token, one per stream.
        self._ws_log = logging.getLogger(f"ctpanel.websocket.{id(self):x}")
        self._ws_log.addFilter(RedactingFilter(self._token))

    def __repr__(self) -> str:
        return f"CrossTradeStream(url={self.url!r}, state={self.state.value!r})"

    # --- lifecycle --------------------------------------------------------------------------

    def add_event_listener(self, listener: EventListener) -> None:
        self._event_listeners.append(listener)

    def add_state_listener(self, listener: StateListener) -> None:
        self._state_listeners.append(listener)

    def start(self) -> None:
        """Start connecting in the background; after a stop, this is the explicit restart."""
        if self._runner is None or self._runner.done():
            self._stop_error = None
            self._runner = asyncio.get_running_loop().create_task(self._run(), name="ct-stream")

    async def wait_connected(self, timeout: float | None = None) -> None:
        """Wait until connected; raise the stop reason, or NetworkError after ``timeout``.

        Starts the connection on first use, but never restarts one that was stopped.
        """
        if self._stop_error is not None:
            raise self._stop_error
        if self._runner is None:
            self.start()
        deadline = time.monotonic() + (self.open_timeout if timeout is None else timeout)
        while not self._connected.is_set():
            if self._stop_error is not None:
                raise self._stop_error
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                why = f": {self.reason}" if self.reason else ""
                raise NetworkError(f"The CrossTrade WebSocket is not connected{why}. "
                                   "Nothing was sent.")
            self._state_changed.clear()
            try:
                async with asyncio.timeout(remaining):
                    await self._state_changed.wait()
            except TimeoutError:
                continue

    async def close(self) -> None:
        runner, self._runner = self._runner, None
        if runner is not None:
            runner.cancel()
            await asyncio.gather(runner, return_exceptions=True)
        self._stop_error = None
        self._set_state(StreamState.IDLE, "closed")

    # --- requests ---------------------------------------------------------------------------

    async def rpc(
        self, api: str, args: dict[str, Any], *, timeout: float | None = None,
        is_order: bool = False,
    ) -> Any:
        """Send one RPC and return its ``data`` payload; typed errors on failure."""
        limit = self.rpc_timeout if timeout is None else timeout
        started = time.monotonic()
        await self.wait_connected(min(limit, self.open_timeout))
        ws = self._ws
        request_id = f"ctp-{next(_ids)}-{random.getrandbits(32):08x}"
        future = asyncio.get_running_loop().create_future()
        self._pending[request_id] = (future, is_order)
        if self.budget is not None:
            self.budget.spend()
        message = json.dumps({"action": "rpc", "id": request_id, "api": api, "args": args},
                             allow_nan=False)
        try:
            try:
                await ws.send(message)
            except ConnectionClosed:
                raise NetworkError("The CrossTrade WebSocket closed before the request could "
                                   "be sent. Nothing was sent.") from None
            remaining = max(0.0, limit - (time.monotonic() - started))
            try:
                async with asyncio.timeout(remaining):
                    reply = await future
            except TimeoutError:
                raise _no_answer(is_order, f"no reply within {limit:g} s") from None
        finally:
            self._pending.pop(request_id, None)
        try:
            return _reply_payload(reply)
        except CtError as error:
            raise scrubbed(error, self._token.reveal()) from None

    async def reverse_position(self, order: ReverseOrder) -> OrderResult:
        started = time.perf_counter()
        payload = await self.rpc("ReversePosition", {"account": order.account, **order.body()},
                                 is_order=True)
        order_id = order_id_from(payload)
        if order_id is None:
            raise bad_reply(None, json.dumps(payload)[:200], "no orderId in it")
        warning = field(payload, "warning")
        return OrderResult(order_id, (time.perf_counter() - started) * 1000,
                           warning if isinstance(warning, str) else None)

    async def subscribe(self, instruments: Iterable[str]) -> None:
        new = set(instruments) - self._subscriptions
        self._subscriptions |= new
        if new:
            await self._send_action({"action": "subscribe", "instruments": sorted(new)})

    async def unsubscribe(self, instruments: Iterable[str]) -> None:
        gone = set(instruments) & self._subscriptions
        self._subscriptions -= gone
        if gone:
            await self._send_action({"action": "unsubscribe", "instruments": sorted(gone)})

    async def stream_pnl(self, interval_ms: int | None) -> None:
        """Ask for ``pnlUpdate`` pushes every ``interval_ms`` (None turns them off)."""
        self._pnl_interval = interval_ms
        await self._send_action(_pnl_message(interval_ms))

    async def _send_action(self, message: dict[str, Any]) -> None:
        ws = self._ws
        if ws is None:
            return  # re-sent on (re)connect
        with contextlib.suppress(ConnectionClosed):  # re-sent on reconnect
            await ws.send(json.dumps(message))

    # --- the connection loop ----------------------------------------------------------------

    async def _run(self) -> None:
        """The stream's life: whatever ends it other than a stop or a close (a bug, a message
        nobody foresaw) is never silent: the state turns ``failed`` with the reason (the
        light goes red, the panel says so and polls prices), then it reconnects with the
        usual backoff."""
        delays = self._reconnect_delays()
        while True:
            try:
                await self._serve()
                return
            except Exception as failure:
                reason = (f"the stream failed ({type(failure).__name__}"
                          f"{': ' + snippet(str(failure), 80) if str(failure) else ''})")
                log.info("WebSocket %s; reconnecting", reason)
                self._set_state(StreamState.FAILED, reason)
                await asyncio.sleep(next(delays))

    async def _serve(self) -> None:
        """websockets' own reconnecting loop (``async for ... in connect(...)``): it retries a
        failed opening after each of :meth:`_reconnect_delays`, asking :meth:`_retry_or_stop`
        whether the failure is worth another try. An RPC is never re-sent: those in flight
        when a socket closes fail once, as unknown (orders) or not answered (reads)."""
        self._set_state(StreamState.CONNECTING if self.connections == 0
                        else StreamState.RECONNECTING, self.reason)
        connector = connect(
            self.url,
            additional_headers={"Authorization": f"Bearer {self._token.reveal()}"},
            open_timeout=self.open_timeout,
            ping_interval=self.ping_interval,
            ping_timeout=self.ping_interval,
            max_size=MAX_MESSAGE_BYTES,
            ssl=self._ssl,
            proxy=None,
            logger=self._ws_log,
            process_exception=self._retry_or_stop,
            reconnect_delays=self._reconnect_delays,
        )
        try:
            # aclosing: a stop (cancel) or a fatal close also closes the socket at once.
            async with contextlib.aclosing(connector.__aiter__()) as connections:
                async for ws in connections:
                    await self._session(ws)
                    self._set_state(StreamState.RECONNECTING, self.reason)
                    # The library reopens at once after a socket that was up: pause first,
                    # so a server closing every new socket is not hammered.
                    await asyncio.sleep(self.backoff[0] * random.uniform(0.8, 1.2))
        except InvalidStatus as refused:  # 401/403: made fatal by _retry_or_stop
            status = refused.response.status_code
            self._stop(AuthError(f"CrossTrade refused the WebSocket token ({status}). "
                                 "Check the token in Settings.", status=status))
        except SessionElsewhereError as elsewhere:
            self._stop(elsewhere)

    def _retry_or_stop(self, error: Exception) -> Exception | None:
        """A failed opening: None to try again (after the next delay), the error to stop."""
        if isinstance(error, InvalidStatus):
            status = error.response.status_code
            if status in (401, 403):
                return error
            self.reason = f"the server answered HTTP {status} to the upgrade"
        elif isinstance(error, OSError | TimeoutError | WebSocketException):
            self.reason = snippet(str(error) or type(error).__name__, 120)
        else:
            return error  # a bug, not the network: let it surface
        self._set_state(StreamState.RECONNECTING, self.reason)
        return None

    def _reconnect_delays(self) -> Iterator[float]:
        """Exponential from ``backoff[0]`` to ``backoff[1]``, each with ±20 % jitter
        (websockets' default starts at up to 5 s: prices would stay stale that long)."""
        delay = self.backoff[0]
        while True:
            yield delay * random.uniform(0.8, 1.2)
            delay = min(delay * 2, self.backoff[1])

    async def _session(self, ws: ClientConnection) -> None:
        """One open socket, until it closes."""
        # Short keepalive timers: a socket a NAT forgot errors within ~9 s (pings every
        # 20 s would take up to 40 s to say so).
        apply_keepalive(ws.transport.get_extra_info("socket"))
        self._ws = ws
        self.connections += 1
        try:
            await self._restore_subscriptions(ws)
            self.reason = ""
            self._connected.set()
            self._set_state(StreamState.CONNECTED, "")
            async for message in ws:
                self._dispatch(message)
        except ConnectionClosed:
            pass
        finally:
            self._ws = None
            self._connected.clear()
            self.reason = _close_reason(ws)
            self._fail_pending(self.reason)
        if "elsewhere" in self.reason.lower():
            raise SessionElsewhereError(
                "CrossTrade closed this WebSocket because the same token opened a session "
                "elsewhere (another ctpanel, or another tool). Close the other one, then "
                "reconnect."
            )

    async def _restore_subscriptions(self, ws: ClientConnection) -> None:
        if self._subscriptions:
            await ws.send(json.dumps({"action": "subscribe",
                                      "instruments": sorted(self._subscriptions)}))
        if self._pnl_interval is not None:
            await ws.send(json.dumps(_pnl_message(self._pnl_interval)))

    def _dispatch(self, raw: str | bytes) -> None:
        """One message from the server: a reply to an RPC, or a push for the listeners.
        Parsing can fail only into "ignored" (json raises ValueError, UnicodeDecodeError, and
        RecursionError for deep nesting); a listener's bug never ends the stream."""
        try:
            message = json.loads(raw)
        except Exception:
            self.unreadable.note(raw)
            return
        if not isinstance(message, dict):
            self.unreadable.note(raw)
            return
        request_id = message.get("id")
        if request_id is not None:
            pending = self._pending.get(request_id) if isinstance(request_id, str) else None
            if pending is None:
                log.warning("Ignored a WebSocket reply for an unknown request id.")
            elif not pending[0].done():
                pending[0].set_result(message)
            return
        for listener in list(self._event_listeners):
            try:
                listener(message)
            except Exception as bug:  # the stream goes on (repeats collapse in the log)
                log.error("A WebSocket message could not be handled (%s); the stream goes on.",
                          type(bug).__name__)

    def _fail_pending(self, reason: str) -> None:
        for future, is_order in self._pending.values():
            if not future.done():
                future.set_exception(_no_answer(is_order, f"the WebSocket closed: {reason}"))
        self._pending.clear()

    def _stop(self, error: CtError) -> None:
        self._stop_error = error
        self._set_state(StreamState.STOPPED, str(error))

    def _set_state(self, state: StreamState, reason: str) -> None:
        changed = state != self.state or reason != self.reason
        self.state, self.reason = state, reason
        self._state_changed.set()
        if changed:
            for listener in list(self._state_listeners):
                listener(state, reason)


def _pnl_message(interval_ms: int | None) -> dict[str, Any]:
    if interval_ms is None:
        return {"action": "streamPnl", "enabled": False}
    return {"action": "streamPnl", "enabled": True, "interval": interval_ms}


def _close_reason(ws: ClientConnection) -> str:
    sent = ws.protocol.close_sent  # we closed it: say why (the server's code, if any, is 1006)
    if sent is not None and sent.code == 1009 and not ws.protocol.close_rcvd_then_sent:
        return "a message over the 1 MiB cap (closed with code 1009)"
    code, reason = ws.close_code, ws.close_reason
    if code is None:
        return "connection lost"
    return f"closed with code {code}" + (f" ({snippet(reason, 120)})" if reason else "")


def _no_answer(is_order: bool, cause: str) -> CtError:
    if is_order:
        return OutcomeUnknownError(
            f"The order was sent over the WebSocket but no answer came back ({cause}). It may "
            "or may not have been placed; check the position before acting again."
        )
    return NetworkError(f"CrossTrade did not answer over the WebSocket ({cause}).")


def _reply_payload(reply: dict[str, Any]) -> Any:
    data = reply.get("data")
    if "error" in reply and (data is None or not is_failure(None, data)):
        raise error_for(None, reply)
    if data is None:
        raise bad_reply(None, json.dumps(reply)[:200], "no data in it")
    if is_failure(None, data):
        raise error_for(None, data)
    return data
