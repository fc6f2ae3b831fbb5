"""The simulator's HTTP and WebSocket front: auth, CrossTrade's rate budget, faults, recording.

Runs embedded on any running asyncio loop (``await Simulator().start()``) or standalone
(``python -m ctpanel.sim``). Control endpoints under ``/_sim/`` let a test in another process
inject faults and read what was received; they are served only on loopback.
"""

from __future__ import annotations

import asyncio
import contextlib
import difflib
import json
import logging
import math
import secrets
import ssl
import time
from dataclasses import asdict, dataclass, field
from typing import Any

from aiohttp import WSMsgType, web

from ctpanel.core.wire.budget import TokenBucket
from ctpanel.sim.state import ADDON_DISCONNECTED, Reply, SimState, fail

log = logging.getLogger(__name__)

PREFIX = "/v1/api"
# (method, path under /v1/api, RPC name); more specific paths first.
ROUTES = (
    ("GET", "/accounts", "ListAccounts"),
    ("GET", "/accounts/snapshot", "GetAccountSummary"),
    ("GET", "/accounts/{account}", "GetAccount"),
    ("GET", "/accounts/{account}/watermarks", "GetWatermarks"),
    ("GET", "/accounts/{account}/positions", "ListPositions"),
    ("GET", "/accounts/{account}/position", "GetPosition"),
    ("POST", "/accounts/{account}/positions/close", "ClosePosition"),
    ("POST", "/accounts/{account}/positions/reverseposition", "ReversePosition"),
    ("POST", "/accounts/{account}/positions/reverse", "Reverse"),
    ("POST", "/accounts/{account}/positions/flatten", "Flatten"),
    ("POST", "/accounts/{account}/orders/place", "PlaceOrder"),
    ("POST", "/accounts/{account}/orders/flatplace", "FlatPlace"),
    ("POST", "/accounts/{account}/orders/cancel_and_bracket", "CancelAndBracket"),
    ("PUT", "/accounts/{account}/orders/{orderId}/change", "Change"),
    ("GET", "/accounts/{account}/orders", "ListOrders"),
    ("POST", "/accounts/{account}/orders/cancel", "CancelOrders"),
    ("GET", "/accounts/{account}/orders/{orderId}", "GetOrder"),
    ("GET", "/accounts/{account}/orders/{orderId}/status", "GetOrderStatus"),
    ("GET", "/accounts/{account}/orders/{orderId}/lifecycle", "GetOrderLifecycle"),
    ("POST", "/accounts/{account}/orders/{orderId}/cancel", "Cancel"),
    ("POST", "/orders/cancelall", "CancelAllOrders"),
    ("GET", "/accounts/{account}/executions", "ListExecutions"),
    ("GET", "/accounts/{account}/executions/{executionId}", "GetExecution"),
    ("GET", "/positions", "GetAllPositions"),
    ("POST", "/positions/flatten", "Flatten"),
    ("GET", "/market/quote", "GetQuote"),
    ("GET", "/atm-templates", "ListAtmTemplates"),  # third-party code only (reference 11.3)
)
# RPCs with no REST path (FlattenEverything is the empty-body flatten; the other has none
# documented).
RPC_NAMES = {name for _, _, name in ROUTES} | {"FlattenEverything", "GetExecutionsByOrderId"}
# Reads that still answer with NinjaTrader closed (an empty account list, §10.4).
# Watermarks are CrossTrade's own monitor's (reference 12.3).
ANSWERED_WITHOUT_NINJATRADER = {"ListAccounts", "GetWatermarks"}
SUBSCRIPTION_BUDGET = (5, 20 / 60)  # ~20 subscription changes a minute, bursts of about 5
CLOSE_AFTER_VIOLATIONS = 10  # consecutive over-budget RPCs before the socket is closed (1008)


@dataclass
class Fault:
    """A misbehaviour for matching requests; ``times`` None means until cleared.

    ``execute`` decides whether the request still takes effect before the fault hits (an
    order placed, then its reply lost), which is how "outcome unknown" is simulated.
    """

    apis: list[str] | None = None
    status: int | None = None
    body: Any = None  # dict/list -> JSON; str -> sent as is
    headers: dict[str, str] = field(default_factory=dict)
    content_type: str = "application/json"
    latency: float = 0.0  # seconds before the request is handled
    stale_for: float = 0.0  # seconds between computing the reply and sending it
    drop: bool = False  # close the connection without a reply
    no_reply: bool = False  # never answer (the client's timeout must end it)
    trickle: float = 0.0  # seconds between single bytes of the reply
    reset_mid_reply: bool = False  # send the headers and half the body, then reset
    body_bytes: int = 0  # a reply of this many bytes (huge-body test)
    wrong_id: bool = False  # WebSocket: answer under another request id
    close_code: int | None = None  # WebSocket: close the socket with this code instead
    close_reason: str = ""
    execute: bool = False
    times: int | None = None

    def matches(self, api: str) -> bool:
        return self.apis is None or api in self.apis


@dataclass
class Received:
    """One request as the simulator saw it on the wire."""

    transport: str
    api: str
    method: str
    raw_path: str
    query: dict[str, str]
    headers: dict[str, str]
    body_text: str
    body: Any
    peer: tuple | None = None  # the client's (host, port): one per TCP connection


class Simulator:
    """A local CrossTrade. ``await start()`` binds a random loopback port unless told one."""

    def __init__(
        self,
        *,
        token: str = "sim-token",
        host: str = "127.0.0.1",
        port: int = 0,
        state: SimState | None = None,
        rate_limit: tuple[float, float] | None = (20, 3.0),
        send_retry_after: bool = True,
        ssl_context: ssl.SSLContext | None = None,
        push_interval: float = 0.25,
    ) -> None:
        self.token = token
        self.host, self.port = host, port
        self.state = state or SimState()
        self.rate_limit = rate_limit
        self.send_retry_after = send_retry_after
        self.ssl_context = ssl_context
        self.push_interval = push_interval
        self.faults: list[Fault] = []
        self.received: list[Received] = []
        self.peers: set[tuple] = set()  # one (host, port) per TCP connection seen
        self.over_budget = 0  # requests answered 429 by the rate budget
        self.answered = 0  # REST requests whose reply has been computed
        self._buckets: dict[str, TokenBucket] = {}
        self._sockets: dict[str, web.WebSocketResponse] = {}
        self._runner: web.AppRunner | None = None
        self._ticker: asyncio.Task | None = None
        self._subscribers: dict[web.WebSocketResponse, set[str]] = {}
        self._pnl: dict[web.WebSocketResponse, float] = {}
        self._violations: dict[web.WebSocketResponse, int] = {}
        self._sub_buckets: dict[str, TokenBucket] = {}
        self.subscription_changes: list[tuple[float, str]] = []  # (monotonic time, action)
        self.subscriptions_over_budget = 0

    # --- lifecycle ------------------------------------------------------------------------

    @property
    def base_url(self) -> str:
        scheme = "https" if self.ssl_context else "http"
        return f"{scheme}://{self.host}:{self.port}"

    @property
    def ws_url(self) -> str:
        scheme = "wss" if self.ssl_context else "ws"
        return f"{scheme}://{self.host}:{self.port}/ws/stream"

    async def start(self) -> Simulator:
        app = web.Application()
        for method, path, api in ROUTES:
            app.router.add_route(method, PREFIX + path, self._rest_handler(api))
        app.router.add_get("/ws/stream", self._ws_handler)
        app.router.add_route("*", PREFIX + "/{tail:.*}", self._unknown_route)
        app.router.add_post("/_sim/faults", self._control_faults)
        app.router.add_delete("/_sim/faults", self._control_clear_faults)
        app.router.add_get("/_sim/received", self._control_received)
        app.router.add_post("/_sim/state", self._control_state)
        app.router.add_post("/_sim/reset", self._control_reset)
        # A short shutdown: handlers stuck in a "no reply" fault must not hold up stop().
        self._runner = web.AppRunner(app, access_log=None, handle_signals=False,
                                     shutdown_timeout=0.25)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self.port, ssl_context=self.ssl_context,
                           reuse_address=True)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]
        self._ticker = asyncio.get_running_loop().create_task(self._push_loop(), name="sim-push")
        return self

    async def stop(self) -> None:
        if self._ticker:
            self._ticker.cancel()
            await asyncio.gather(self._ticker, return_exceptions=True)
        for ws in list(self._sockets.values()):
            await ws.close()
        if self._runner:
            await self._runner.cleanup()

    async def __aenter__(self) -> Simulator:
        return await self.start()

    async def __aexit__(self, *exc_info) -> None:
        await self.stop()

    # --- test helpers ---------------------------------------------------------------------

    def add_fault(self, fault: Fault | None = None, **kwargs: Any) -> Fault:
        fault = fault or Fault(**kwargs)
        self.faults.append(fault)
        return fault

    def reset(self) -> None:
        """Seeded positions again, no faults, nothing received, a full rate budget."""
        self.state.seed()
        self.state.ninjatrader_connected = True
        self.faults.clear()
        self.received.clear()
        self._buckets.clear()
        self._sub_buckets.clear()
        self.subscription_changes.clear()
        self.over_budget = self.subscriptions_over_budget = 0

    def apply_state(self, change: dict) -> None:
        """``{"ninjatrader_connected": bool, "market_open": bool, "reject_next": reason,
        "flatten_during_bracket": bool,
        "accounts": [new account names], "positions": [[account, instrument, signed]],
        "prices": [[instrument, last]],
        "risk": {account: {"daily_loss_limit": usd, "realized": usd, ...}}}``
        (an account seeded near its limit: :meth:`SimState.set_risk`)."""
        if "ninjatrader_connected" in change:
            self.state.ninjatrader_connected = bool(change["ninjatrader_connected"])
        if "market_open" in change:
            self.state.market.is_open = bool(change["market_open"])
        if "reject_next" in change:
            self.state.reject_next = change["reject_next"] or None
        if "flatten_during_bracket" in change:
            self.state.flatten_during_bracket = bool(change["flatten_during_bracket"])
        for name in change.get("accounts", []):
            self.state.add_account(str(name))
        for account, instrument, quantity in change.get("positions", []):
            self.state.set_position(account, instrument, int(quantity))
        for instrument, last in change.get("prices", []):
            self.state.market.set_last(self.state.market.resolve(instrument).name, float(last))
        for account, fields in (change.get("risk") or {}).items():
            refused = self.state.set_risk(account, fields)
            if refused is not None:
                raise ValueError(refused.body.get("detail"))

    def orders_received(self, api: str = "ReversePosition") -> list[Received]:
        return [r for r in self.received if r.api == api]

    # --- the common pipeline --------------------------------------------------------------

    def _authorised(self, header: str | None) -> str | None:
        """The caller's token when the Bearer header is right, else None."""
        if not header or not header.startswith("Bearer "):
            return None
        token = header[len("Bearer "):]
        return token if secrets.compare_digest(token.encode(), self.token.encode()) else None

    def _take_fault(self, api: str) -> Fault | None:
        for fault in self.faults:
            if fault.matches(api):
                if fault.times is not None:
                    fault.times -= 1
                    if fault.times <= 0:
                        self.faults.remove(fault)
                return fault
        return None

    def _budget(self, token: str) -> Reply | None:
        if self.rate_limit is None:
            return None
        bucket = self._buckets.setdefault(token, TokenBucket(*self.rate_limit))
        if bucket.take():
            return None
        self.over_budget += 1
        # The body third parties observe (reference 11.4); the header when configured.
        wait = bucket.retry_after()
        return Reply(429, {"success": False, "error": "rate_limited",
                           "retryAfter": max(1, math.ceil(wait))},
                     retry_after=wait if self.send_retry_after else None)

    async def _answer(self, api: str, args: dict, token: str, fault: Fault | None) -> Reply:
        limited = self._budget(token)
        if limited:
            return limited
        if not self.state.ninjatrader_connected and api not in ANSWERED_WITHOUT_NINJATRADER:
            return fail(408, *ADDON_DISCONNECTED)
        if fault and fault.latency:
            await asyncio.sleep(fault.latency)
        handler = getattr(self.state, api)
        if fault is None or fault.execute or not _replaces_reply(fault):
            return await handler(args)
        return Reply(200, {})

    # --- REST -----------------------------------------------------------------------------

    def _rest_handler(self, route_api: str):
        async def handle(request: web.Request) -> web.StreamResponse:
            api = route_api
            if api == "Flatten" and "account" not in request.match_info \
                    and not (await request.text()).strip(" {}"):
                api = "FlattenEverything"  # an empty body flattens everything
            peer = request.transport.get_extra_info("peername")
            self.peers.add(peer)
            body_text = await request.text()
            try:
                body = json.loads(body_text) if body_text.strip() else {}
            except ValueError:
                body = None
            self.received.append(Received("rest", api, request.method, request.raw_path,
                                          dict(request.query), dict(request.headers),
                                          body_text, body, peer))
            token = self._authorised(request.headers.get("Authorization"))
            if token is None:
                return _json(fail(401, "unauthorized", "Missing or invalid API token"))
            if body is None or not isinstance(body, dict):
                return _json(fail(400, "Invalid request", "The body is not a JSON object"))
            args = {**body, **request.query, **request.match_info}
            fault = self._take_fault(api)
            reply = await self._answer(api, args, token, fault)
            if fault and fault.stale_for:
                await asyncio.sleep(fault.stale_for)  # the reply ages in flight
            self.answered += 1
            if fault and _replaces_reply(fault) and reply.status != 429:
                return await self._faulty_rest_reply(request, fault)
            return _json(reply)

        return handle

    async def _faulty_rest_reply(self, request: web.Request, fault: Fault) -> web.StreamResponse:
        if fault.drop:
            request.transport.close()
            raise ConnectionResetError("simulated drop")
        if fault.no_reply:
            await asyncio.sleep(3600)
        status = fault.status or 200
        payload = _fault_body(fault)
        if fault.reset_mid_reply:
            response = web.StreamResponse(status=status, headers=fault.headers)
            response.content_type = fault.content_type
            response.content_length = len(payload) + 100
            await response.prepare(request)
            await response.write(payload[: len(payload) // 2])
            request.transport.abort()  # an RST mid-body, as a crashing proxy would send
            raise ConnectionResetError("simulated reset mid-reply")
        if fault.trickle:
            response = web.StreamResponse(status=status, headers=fault.headers)
            response.content_type = fault.content_type
            response.content_length = len(payload)
            await response.prepare(request)
            for index in range(len(payload)):
                await response.write(payload[index:index + 1])
                await asyncio.sleep(fault.trickle)
            await response.write_eof()
            return response
        return web.Response(status=status, body=payload, headers=fault.headers,
                            content_type=fault.content_type)

    async def _unknown_route(self, request: web.Request) -> web.Response:
        templates = [PREFIX + path for _, path, _ in ROUTES]
        suggestions = difflib.get_close_matches(request.path, templates, n=3, cutoff=0.5)
        self.received.append(Received("rest", "?", request.method, request.raw_path,
                                      dict(request.query), dict(request.headers),
                                      await request.text(), None))
        return _json(fail(404, "not_found", f"No API route {request.method} {request.path}",
                          did_you_mean=suggestions))

    # --- WebSocket ------------------------------------------------------------------------

    async def _ws_handler(self, request: web.Request) -> web.StreamResponse:
        token = self._authorised(request.headers.get("Authorization"))
        if token is None:
            return _json(fail(401, "unauthorized", "Missing or invalid API token"))
        ws = web.WebSocketResponse(heartbeat=None, max_msg_size=1 << 20)
        await ws.prepare(request)
        previous = self._sockets.get(token)
        self._sockets[token] = ws
        if previous is not None and not previous.closed:
            await previous.close(code=1008, message=b"Session active elsewhere")
        try:
            async for message in ws:
                if message.type != WSMsgType.TEXT:
                    continue
                await self._on_ws_message(ws, token, message.data)
        finally:
            self._subscribers.pop(ws, None)
            self._pnl.pop(ws, None)
            self._violations.pop(ws, None)
            if self._sockets.get(token) is ws:
                del self._sockets[token]
        return ws

    async def _on_ws_message(self, ws: web.WebSocketResponse, token: str, text: str) -> None:
        try:
            message = json.loads(text)
        except ValueError:
            await ws.send_json({"type": "error", "error": "Invalid JSON"})
            return
        if not isinstance(message, dict):
            return
        action = message.get("action")
        if action == "ping":
            await ws.send_json({"type": "pong"})
        elif action in ("subscribe", "unsubscribe"):
            await self._on_subscription(ws, token, action, message.get("instruments"))
        elif action == "streamPnl":
            if message.get("enabled"):
                self._pnl[ws] = max(0.05, float(message.get("interval") or 1000) / 1000)
            else:
                self._pnl.pop(ws, None)
        elif action == "rpc":
            # Each RPC in its own task: many may be in flight, as on CrossTrade.
            asyncio.get_running_loop().create_task(self._ws_rpc(ws, token, message))

    async def _on_subscription(self, ws: web.WebSocketResponse, token: str, action: str,
                               instruments: Any) -> None:
        """Market-data subscription changes: their own budget (§10.1), and only instruments
        the simulator knows (pushed under their full names)."""
        self.subscription_changes.append((time.monotonic(), action))
        names = instruments if isinstance(instruments, list) else []
        bucket = self._sub_buckets.setdefault(token, TokenBucket(*SUBSCRIPTION_BUDGET))
        if not bucket.take():
            self.subscriptions_over_budget += 1
            await ws.send_json({"type": "error", "action": action,
                                "error": "Rate limit exceeded",
                                "detail": "Too many subscription changes"})
            return
        contracts = [self.state.market.resolve(n) if isinstance(n, str) else None
                     for n in names]
        unknown = [str(n) for n, c in zip(names, contracts, strict=True) if c is None]
        if unknown or not names:
            await ws.send_json({"type": "error", "action": action,
                                "error": "invalid_instrument",
                                "detail": f"Unknown instrument(s): {', '.join(unknown)}"})
            return
        subscribed = self._subscribers.setdefault(ws, set())
        full_names = {c.name for c in contracts}
        if action == "subscribe":
            subscribed.update(full_names)
        else:
            subscribed.difference_update(full_names)
        await ws.send_json({"type": f"{action}d", "instruments": sorted(full_names)})

    async def _ws_rpc(self, ws: web.WebSocketResponse, token: str, message: dict) -> None:
        api, request_id = message.get("api"), message.get("id")
        args = message.get("args") if isinstance(message.get("args"), dict) else {}
        self.received.append(Received("ws", str(api), "RPC", "/ws/stream", {}, {},
                                      json.dumps(message), message))
        if api not in RPC_NAMES:
            reply = fail(400, "Unknown API command", f"'{api}' is not a known API")
            fault = None
        else:
            fault = self._take_fault(api)
            reply = await self._answer(api, args, token, fault)
        if await self._too_many_violations(ws, reply):
            return
        with contextlib.suppress(ConnectionError, RuntimeError):
            if fault and _replaces_reply(fault) and reply.status != 429:
                await self._faulty_ws_reply(ws, request_id, fault)
            else:
                await ws.send_json(_ws_reply(request_id, reply))

    async def _too_many_violations(self, ws: web.WebSocketResponse, reply: Reply) -> bool:
        """About ten over-budget RPCs in a row close the socket with 1008 (§10.1)."""
        streak = self._violations.get(ws, 0) + 1 if reply.status == 429 else 0
        self._violations[ws] = streak
        if streak < CLOSE_AFTER_VIOLATIONS:
            return False
        await ws.close(code=1008, message=b"Rate limit exceeded")
        return True

    async def _faulty_ws_reply(self, ws: web.WebSocketResponse, request_id: Any,
                               fault: Fault) -> None:
        if fault.no_reply:
            return
        if fault.drop or fault.close_code:
            await ws.close(code=fault.close_code or 1011, message=fault.close_reason.encode())
            return
        if fault.wrong_id:
            await ws.send_json({"id": f"not-{request_id}", "data": {"success": True}})
            return
        if fault.status and fault.status >= 400:
            body = fault.body if isinstance(fault.body, dict) else {"error": "Simulated error"}
            await ws.send_json(_ws_reply(request_id, Reply(fault.status, body)))
            return
        await ws.send_str(_fault_body(fault).decode("utf-8", "replace"))

    async def _push_loop(self) -> None:
        last_pnl: dict[web.WebSocketResponse, float] = {}
        while True:
            await asyncio.sleep(self.push_interval)
            self.state.step()
            now = time.monotonic()
            for ws, names in list(self._subscribers.items()):
                quotes = [self.state.quote_json(self.state.market.contracts[name])
                          for name in sorted(names)]
                if quotes and not ws.closed:
                    with contextlib.suppress(ConnectionError, RuntimeError):
                        await ws.send_json({"type": "marketData", "quotes": quotes})
            for ws, interval in list(self._pnl.items()):
                if now - last_pnl.get(ws, 0) >= interval and not ws.closed:
                    last_pnl[ws] = now
                    with contextlib.suppress(ConnectionError, RuntimeError):
                        await ws.send_json(self.state.pnl_update())

    # --- control (for tests in other processes) -------------------------------------------

    async def _control_faults(self, request: web.Request) -> web.Response:
        fault = self.add_fault(**await request.json())
        return web.json_response(asdict(fault))

    async def _control_clear_faults(self, request: web.Request) -> web.Response:
        self.faults.clear()
        return web.json_response({"cleared": True})

    async def _control_received(self, request: web.Request) -> web.Response:
        return web.json_response([asdict(r) for r in self.received])

    async def _control_reset(self, request: web.Request) -> web.Response:
        self.reset()
        return web.json_response({"reset": True})

    async def _control_state(self, request: web.Request) -> web.Response:
        try:
            self.apply_state(await request.json())
        except ValueError as error:
            return web.json_response({"ok": False, "error": str(error)}, status=400)
        return web.json_response({"ok": True})


def _replaces_reply(fault: Fault) -> bool:
    return bool(fault.status or fault.body is not None or fault.drop or fault.no_reply
                or fault.trickle or fault.body_bytes or fault.wrong_id or fault.close_code
                or fault.reset_mid_reply)


def _fault_body(fault: Fault) -> bytes:
    if fault.body_bytes:
        return b'{"orderId": "' + b"x" * fault.body_bytes + b'", "success": true}'
    if isinstance(fault.body, dict | list):
        return json.dumps(fault.body).encode()
    return str(fault.body or "").encode()


def _json(reply: Reply) -> web.Response:
    headers = {} if reply.retry_after is None else {"Retry-After": str(reply.retry_after)}
    return web.json_response(reply.body, status=reply.status, headers=headers)


def _ws_reply(request_id: Any, reply: Reply) -> dict[str, Any]:
    """The one documented reply form, ``{"id", "data"}``; an error's ``data`` carries only
    ``success``, ``error`` and ``detail`` (§10.1): no HTTP status travels over the socket."""
    if reply.status >= 400:
        body = reply.body if isinstance(reply.body, dict) else {"error": str(reply.body)}
        data = {key: value for key, value in body.items() if key in ("error", "detail")}
        return {"id": request_id, "data": {"success": False, **data}}
    return {"id": request_id, "data": reply.body}
