"""The simulator's trading state and its API handlers, independent of the transport.

Each handler takes the RPC ``args`` (path params, query params and body fields flattened, as
CrossTrade's WebSocket API does) and returns a :class:`Reply`; the REST and WebSocket layers in
:mod:`ctpanel.sim.server` only translate.
"""

from __future__ import annotations

import asyncio
import math
import re
import time
from datetime import UTC, datetime
from typing import Any

from ctpanel.sim.book import (
    ACTIONS,
    ORDER_TYPES,
    TIFS,
    OrderBook,
    OrderSpec,
    SimOrder,
    fill_price,
    stop_on_wrong_side,
)
from ctpanel.sim.market import Contract, Market
from ctpanel.sim.protection import ProtectionApi
from ctpanel.sim.reply import (
    Reply,
    SimAccount,
    SimPosition,
    enum_of,
    fail,
    invalid,
    ok,
    price_of,
)
from ctpanel.sim.risk import AccountRiskApi
from ctpanel.sim.seed import (
    ATM_TEMPLATES,
    DEMO_GROUP_POSITIONS,
    SIM_ACCOUNTS,
    SIM_POSITIONS,
)

CUSTOM_ORDER_ID = re.compile(r"[A-Za-z0-9_\-]{1,64}")
EXECUTIONS_LOOKBACK_S = (320, 900)  # CrossTrade's default and maximum
ADDON_DISCONNECTED = ("addon_disconnected",
                      "The CrossTrade XT add-on is not connected to NinjaTrader 8.")


class SimState(ProtectionApi, AccountRiskApi):
    """Accounts, positions and orders, with CrossTrade's semantics as the reference describes."""

    def __init__(self, market: Market | None = None, *, reverse_wait: float = 0.0,
                 demo_group: bool = True) -> None:
        self.market = market or Market()
        self.reverse_wait = reverse_wait
        self.demo_group = demo_group  # seed the demo group's five accounts
        self.ninjatrader_connected = True
        self.accounts_shape = "objects"  # objects | names | data | missing (404 -> snapshot)
        self.flat_position_style = "flat"  # flat | error
        self.reject_next: str | None = None  # the next order NinjaTrader rejects, and why
        self.accounts: dict[str, SimAccount] = {}
        self.book = OrderBook()
        self.seed()

    # --- set-up ---------------------------------------------------------------------------

    def seed(self) -> None:
        """The accounts and positions of :mod:`ctpanel.sim.seed`: Sim101-103 and, unless told
        otherwise, the demo group's five funded accounts."""
        self.accounts = {}
        self.book = OrderBook()
        self.reject_next = None
        self.flatten_during_bracket = False
        for index, name in enumerate(SIM_ACCOUNTS, start=1):
            self.accounts[name.lower()] = SimAccount(id=index, name=name)
        for account, instrument, size in SIM_POSITIONS:
            self.set_position(account, instrument, size)
        for index, size in enumerate(DEMO_GROUP_POSITIONS if self.demo_group else (), start=1):
            name = f"APEX-{index}"
            self.accounts[name.lower()] = SimAccount(id=100 + index, name=name,
                                                     connection="Rithmic")
            if size:
                self.set_position(name, "ES", size)

    def add_account(self, name: str, connection: str = "Rithmic") -> None:
        if self.account(name) is None:
            self.accounts[name.lower()] = SimAccount(id=200 + len(self.accounts), name=name,
                                                     connection=connection)

    def set_position(self, account: str, instrument: str, signed_quantity: int,
                     average_price: float | None = None) -> None:
        contract = self.market.resolve(instrument)
        holder = self.account(account)
        assert contract is not None and holder is not None, (account, instrument)
        price = average_price if average_price is not None else self.market.last(contract.name)
        holder.positions[contract.name] = SimPosition(signed_quantity, price)

    def account(self, name: Any) -> SimAccount | None:
        return self.accounts.get(str(name).strip().lower()) if isinstance(name, str) else None

    def position_of(self, account: str, instrument: str) -> SimPosition:
        holder = self.account(account)
        contract = self.market.resolve(instrument)
        if holder is None or contract is None:
            return SimPosition()
        return holder.positions.get(contract.name, SimPosition())

    @property
    def orders(self) -> dict[str, SimOrder]:
        return self.book.orders

    # --- JSON shapes ----------------------------------------------------------------------

    def position_json(self, holder: SimAccount, name: str, position: SimPosition) -> dict:
        contract = self.market.contracts[name]
        quantity = abs(position.signed_quantity)
        side = "Flat" if quantity == 0 else ("Long" if position.signed_quantity > 0 else "Short")
        last = self.market.last(name)
        pnl = (last - position.average_price) * position.signed_quantity * contract.point_value
        return {
            "type": "NinjaTrader.Cbi.Position", "account": holder.name, "instrument": name,
            "instrumentType": "Future", "marketPosition": side, "quantity": quantity,
            "averagePrice": position.average_price if quantity else 0.0, "marketPrice": last,
            "unrealizedProfitLoss": round(pnl, 2) if quantity else 0.0, "tag": None,
        }

    def open_positions(self, holder: SimAccount, include_flat: bool = False) -> list[dict]:
        return [self.position_json(holder, name, p) for name, p in holder.positions.items()
                if include_flat or p.signed_quantity]

    def account_json(self, holder: SimAccount) -> dict:
        return {
            "id": holder.id, "name": holder.name, "displayName": holder.name,
            "primaryUser": None, "provider": "Simulator", "denomination": "UsDollar",
            "status": "Enabled", "dailyLossLimit": holder.daily_loss_limit, "minCashValue": 0.0,
            "maxOrderSize": 0, "maxPositionSize": 0, "connection": "NinjaTrader.Cbi.Connection",
            "connectionStatus": "Connected" if self.ninjatrader_connected else "Disconnected",
            "lastTransactionSum": 0.0,
            "item": self.risk_item(holder),
        }

    def quote_json(self, contract: Contract) -> dict:
        """The documented quote (§5.15): no ``success`` key in it."""
        name = contract.name
        bid, ask = self.market.bid_ask(name)
        open_, high, low = self.market.session[name]
        now = datetime.now(UTC)
        return {
            "description": contract.description, "type": "Future",
            "tickSize": contract.tick_size, "pointValue": contract.point_value,
            "tickValue": round(contract.tick_size * contract.point_value, 6),
            "exchange": "Globex", "expiration": contract.expiration.isoformat(),
            "tradingHours": contract.trading_hours, "instrument": name, "bid": bid, "ask": ask,
            "last": self.market.last(name), "open": open_, "high": high, "low": low,
            "close": open_, "volume": self.market.volume[name],
            "quoteTime": now.astimezone().strftime("%m/%d/%Y %I:%M:%S %p"),
            "quoteTimeUtc": now.strftime("%Y-%m-%d %H:%M:%S"), "epoch": int(now.timestamp()),
            "dataSource": {"status": "Simulated", "connectedFeeds": ["Simulated"]},
            "isMarketOpen": self.market.is_open,
        }

    # --- trading mechanics ----------------------------------------------------------------

    def _fill(self, holder: SimAccount, contract: Contract, signed: int, price: float) -> None:
        position = holder.positions.setdefault(contract.name, SimPosition())
        old = position.signed_quantity
        new = old + signed
        if old == 0 or (old > 0) == (signed > 0):
            total = abs(old) * position.average_price + abs(signed) * price
            position.average_price = total / abs(new)
        else:
            closed = min(abs(old), abs(signed))
            direction = 1 if old > 0 else -1
            holder.realized += (price - position.average_price) * closed * direction \
                * contract.point_value
            if new != 0 and (new > 0) != (old > 0):
                position.average_price = price
        position.signed_quantity = new
        if new == 0:
            position.average_price = 0.0

    def _fill_order(self, order: SimOrder, price: float) -> None:
        holder = self.account(order.account)
        ticket = order.ticket
        signed = ticket.quantity if ticket.action == "BUY" else -ticket.quantity
        self._fill(holder, ticket.contract, signed, price)
        after = holder.positions[ticket.contract.name]
        side = "Flat" if after.signed_quantity == 0 else (
            "Long" if after.signed_quantity > 0 else "Short")
        self.book.fill(order, price, side)
        self.cancel_partners(order)

    def _execute(self, holder: SimAccount, ticket: OrderSpec, *, order_id: str | None = None,
                 name: str = "Entry") -> SimOrder:
        """Place an order: a market order fills at once at the touch, limit and stop orders
        work until the market reaches them; NinjaTrader rejects a stop on the wrong side."""
        order = self.book.new(holder.name, ticket, order_id=order_id, name=name)
        bid, ask = self.market.bid_ask(ticket.contract.name)
        rejection = self.reject_next or stop_on_wrong_side(ticket, bid, ask)
        if rejection:
            self.reject_next = None
            order.set_state("Rejected", "OrderRejected", error=rejection)
            return order
        price = fill_price(order, bid, ask)
        if price is None:
            order.set_state("Working", "OrderWorking")
            return order
        self._fill_order(order, price)
        self.step()
        return order

    def step(self) -> None:
        """The market moves; working orders it reaches fill; the watermarks see the figures."""
        self.market.step()
        for order in list(self.book.orders.values()):
            if order.active:
                bid, ask = self.market.bid_ask(order.ticket.contract.name)
                price = fill_price(order, bid, ask)
                if price is not None:
                    self._fill_order(order, price)
        self.see_watermarks()

    def _cancel_working(self, holder: SimAccount, contract: Contract | None) -> list[str]:
        cancelled = self.book.active(holder.name, contract)
        for order in cancelled:
            self.book.cancel(order)
        return [order.order_id for order in cancelled]

    def _close(self, holder: SimAccount, contract: Contract, quantity: int | None = None) -> dict:
        """Close ``quantity`` (all by default) at market with a closing order; returns the
        position as it was before."""
        position = holder.positions[contract.name]
        snapshot = self.position_json(holder, contract.name, position)
        size = abs(position.signed_quantity) if quantity is None else quantity
        action = "BUY" if position.signed_quantity < 0 else "SELL"
        ticket = OrderSpec(contract, action, size, "MARKET", "DAY", None, None, None, None)
        order = self.book.new(holder.name, ticket, name="Close")
        bid, ask = self.market.bid_ask(contract.name)
        self._fill_order(order, ask if action == "BUY" else bid)
        return snapshot

    # --- request parsing ------------------------------------------------------------------

    def _holder(self, args: dict) -> SimAccount | Reply:
        holder = self.account(args.get("account"))
        if holder is None:
            name = args.get("account")
            return fail(404, "invalid_account", f"Account {name} not found")
        return holder

    def _contract(self, args: dict) -> Contract | Reply:
        instrument = args.get("instrument")
        if not isinstance(instrument, str) or not instrument.strip():
            return invalid("instrument is required")
        contract = self.market.resolve(instrument)
        if contract is None:
            return invalid(f"Unknown instrument '{instrument}'")
        return contract

    def _holder_and_contract(self, args: dict) -> tuple[SimAccount, Contract] | Reply:
        holder = self._holder(args)
        if isinstance(holder, Reply):
            return holder
        contract = self._contract(args)
        return contract if isinstance(contract, Reply) else (holder, contract)

    def _ticket(self, args: dict) -> OrderSpec | Reply:
        contract = self._contract(args)
        if isinstance(contract, Reply):
            return contract
        if contract.expiration < self.market.today:  # known (to close), but no new orders
            return invalid(f"Instrument '{contract.name}' has expired")
        action = enum_of(args.get("action"), ACTIONS)
        order_type = enum_of(args.get("orderType"), ORDER_TYPES)
        tif = enum_of(args.get("timeInForce"), TIFS)
        quantity = args.get("quantity")
        if action is None:
            return invalid("action must be BUY or SELL")
        if order_type is None:
            return invalid("orderType must be MARKET, LIMIT, STOPMARKET or STOPLIMIT")
        if tif is None:
            return invalid("timeInForce must be DAY or GTC")
        if isinstance(quantity, bool) or not isinstance(quantity, int) or quantity < 1:
            return invalid("quantity must be a positive integer")
        limit_price, stop_price = price_of(args.get("limitPrice")), price_of(args.get("stopPrice"))
        if order_type in ("LIMIT", "STOPLIMIT") and limit_price is None:
            return invalid(f"limitPrice is required for {order_type} orders")
        if order_type in ("STOPMARKET", "STOPLIMIT") and stop_price is None:
            return invalid(f"stopPrice is required for {order_type} orders")
        oco, strategy = args.get("ocoId"), args.get("strategy")
        if oco is not None and not isinstance(oco, str):
            return invalid("ocoId must be a string")
        if strategy is not None and not isinstance(strategy, str):
            return invalid("strategy must be a string")
        return OrderSpec(contract, action, quantity, order_type, tif, limit_price, stop_price, oco,
                      strategy)

    # --- the API (one method per RPC name) ------------------------------------------------

    async def ListAccounts(self, args: dict) -> Reply:
        """``{name, connection, broker}`` per account (§10.4); an empty list, not a 408, when
        NinjaTrader is closed."""
        holders = list(self.accounts.values()) if self.ninjatrader_connected else []
        if self.accounts_shape == "missing":
            return fail(404, "not_found", "No such route",
                        did_you_mean=["/v1/api/accounts/snapshot"])
        if self.accounts_shape == "names":
            return ok(accounts=[h.name for h in holders])
        if self.accounts_shape == "data":
            return ok(data=[self.account_json(h) for h in holders])
        return ok(accounts=[{"name": h.name, "connection": h.connection,
                             "broker": "NinjaTrader"} for h in holders])

    async def GetAccount(self, args: dict) -> Reply:
        holder = self._holder(args)
        return holder if isinstance(holder, Reply) else ok(**self.account_json(holder))

    async def GetAccountSummary(self, args: dict) -> Reply:
        now = datetime.now(UTC)
        accounts = [{"account": {**self.account_json(h), "type": "NinjaTrader.Cbi.Account",
                                 "isAccountFlat": not self.open_positions(h)},
                     "positions": self.open_positions(h)} for h in self.accounts.values()]
        return Reply(200, {"type": "snapshot", "timestamp": now.isoformat(),
                           "epoch": int(now.timestamp() * 1000), "accounts": accounts})

    async def ListPositions(self, args: dict) -> Reply:
        holder = self._holder(args)
        if isinstance(holder, Reply):
            return holder
        positions = self.open_positions(holder)
        return ok(positions=positions, count=len(positions))

    async def GetAllPositions(self, args: dict) -> Reply:
        include_flat = str(args.get("includeFlat", "false")).lower() == "true"
        positions = [p for h in self.accounts.values()
                     for p in self.open_positions(h, include_flat)]
        return ok(positions=positions, count=len(positions))

    async def GetPosition(self, args: dict) -> Reply:
        found = self._holder_and_contract(args)
        if isinstance(found, Reply):
            return found
        holder, contract = found
        position = holder.positions.get(contract.name, SimPosition())
        if position.signed_quantity == 0 and self.flat_position_style == "error":
            return self._no_position(args)
        return ok(**self.position_json(holder, contract.name, position))

    def _no_position(self, args: dict) -> Reply:
        return fail(400, f"No position found for instrument '{args.get('instrument')}' in "
                         f"account '{args.get('account')}'")

    async def ReversePosition(self, args: dict) -> Reply:
        holder = self._holder(args)
        if isinstance(holder, Reply):
            return holder
        ticket = self._ticket(args)
        if isinstance(ticket, Reply):
            return ticket
        position = holder.positions.get(ticket.contract.name, SimPosition())
        if position.signed_quantity == 0:
            return self._no_position(args)
        return await self._close_then_enter(holder, ticket)

    async def Reverse(self, args: dict) -> Reply:
        found = self._holder_and_contract(args)
        if isinstance(found, Reply):
            return found
        holder, contract = found
        position = holder.positions.get(contract.name, SimPosition())
        if position.signed_quantity == 0:
            return self._no_position(args)
        action = "SELL" if position.signed_quantity > 0 else "BUY"
        ticket = OrderSpec(contract, action, abs(position.signed_quantity), "MARKET", "DAY",
                        None, None, None, None)
        return await self._close_then_enter(holder, ticket)

    async def _close_then_enter(self, holder: SimAccount, ticket: OrderSpec) -> Reply:
        """Reverse semantics: cancel the instrument's orders, close, wait, place the entry."""
        self._cancel_working(holder, ticket.contract)
        self._close(holder, ticket.contract)
        if self.reverse_wait:
            await asyncio.sleep(self.reverse_wait)  # CrossTrade's flatten-wait
        return ok(orderId=self._execute(holder, ticket).order_id)

    async def ClosePosition(self, args: dict) -> Reply:
        """§10.3: ``quantity`` is capped at the open size; ``percent`` (0..1) rounds up and
        applies only without it; a partial close leaves working orders, a full close cancels
        them (NinjaTrader's flatten)."""
        found = self._holder_and_contract(args)
        if isinstance(found, Reply):
            return found
        holder, contract = found
        position = holder.positions.get(contract.name, SimPosition())
        open_size = abs(position.signed_quantity)
        if open_size == 0:
            return fail(400, f"No positions found for instrument '{args.get('instrument')}'")
        quantity, percent = args.get("quantity"), args.get("percent")
        if quantity is not None:
            if isinstance(quantity, bool) or not isinstance(quantity, int) or quantity < 1:
                return invalid("quantity must be a positive integer")
            size = min(quantity, open_size)
        elif percent is not None:
            if isinstance(percent, bool) or not isinstance(percent, int | float) \
                    or not 0 < percent <= 1:
                return invalid("percent must be between 0 and 1")
            size = min(open_size, math.ceil(open_size * percent - 1e-9))
        else:
            size = open_size
        if size == open_size:
            self._cancel_working(holder, contract)
        return ok(closedPositions=[self._close(holder, contract, size)])

    def _flatten(self, holders: list[SimAccount], contract: Contract | None,
                 side: str | None) -> tuple[list[dict], list[str]]:
        closed, cancelled = [], []
        for holder in holders:
            cancelled += self._cancel_working(holder, contract)
            for name, position in list(holder.positions.items()):
                matches_side = side is None or (side == "long") == (position.signed_quantity > 0)
                if position.signed_quantity and matches_side and (
                        contract is None or contract.name == name):
                    closed.append(self._close(holder, self.market.contracts[name]))
        return closed, cancelled

    async def Flatten(self, args: dict) -> Reply:
        contract = None
        if args.get("instrument"):
            contract = self._contract(args)
            if isinstance(contract, Reply):
                return contract
        if args.get("account") is not None:
            holder = self._holder(args)
            if isinstance(holder, Reply):
                return holder
            holders = [holder]
        else:
            holders = list(self.accounts.values())
        side = str(args.get("marketPosition") or "").lower() or None
        closed, cancelled = self._flatten(holders, contract, side)
        extra = {} if closed or cancelled else {"warning": "Nothing to flatten"}
        return ok(orderIds=cancelled, closedPositions=closed, **extra)

    async def FlattenEverything(self, args: dict) -> Reply:
        return await self.Flatten({})

    async def PlaceOrder(self, args: dict) -> Reply:
        holder = self._holder(args)
        if isinstance(holder, Reply):
            return holder
        ticket = self._ticket(args)
        if isinstance(ticket, Reply):
            return ticket
        custom_id = args.get("orderId")
        if custom_id is not None:
            if not isinstance(custom_id, str) or not CUSTOM_ORDER_ID.fullmatch(custom_id):
                return invalid("orderId must be 1 to 64 letters, digits, '-' or '_'")
            if custom_id in self.book.orders:
                return invalid(f"orderId '{custom_id}' is already in use")
        too_many = self.max_positions_refusal(holder, args)
        if too_many is not None:
            return too_many
        required = args.get("requireMarketPosition")
        if isinstance(required, str) and required.strip():
            signed = holder.positions.get(ticket.contract.name, SimPosition()).signed_quantity
            now = "flat" if signed == 0 else ("long" if signed > 0 else "short")
            allowed = {part.strip().lower() for part in required.split(",")}
            if now not in allowed:
                return invalid(f"requireMarketPosition not satisfied: position is {now}")
        return ok(orderId=self._execute(holder, ticket, order_id=custom_id).order_id)

    # --- orders and executions (§10.2, §10.3) ---------------------------------------------

    def _order(self, args: dict) -> SimOrder | Reply:
        holder = self._holder(args)
        if isinstance(holder, Reply):
            return holder
        order = self.book.get(args.get("orderId"))
        if order is None or order.account != holder.name:
            return fail(404, "order_not_found", f"Order '{args.get('orderId')}' not found")
        return order

    async def ListOrders(self, args: dict) -> Reply:
        holder = self._holder(args)
        if isinstance(holder, Reply):
            return holder
        active_only = str(args.get("activeOnly", "false")).lower() == "true"
        orders = [o.json() for o in self.book.orders.values() if o.account == holder.name
                  and (not active_only or o.active)]
        return ok(orders=orders)

    async def GetOrder(self, args: dict) -> Reply:
        order = self._order(args)
        return order if isinstance(order, Reply) else ok(**order.json())

    async def GetOrderStatus(self, args: dict) -> Reply:
        order = self._order(args)
        return order if isinstance(order, Reply) else ok(status=order.state)

    async def GetOrderLifecycle(self, args: dict) -> Reply:
        order = self._order(args)
        if isinstance(order, Reply):
            return order
        include_fills = str(args.get("includeFills", "true")).lower() != "false"
        events = [e for e in order.events if include_fills or e["event"] != "Execution"]
        limit = _bounded_int(args.get("limit"), 200, 1, 1000)
        events = events[-limit:]
        return ok(orderId=order.order_id, originalOrderId=order.order_id,
                  account=order.account, count=len(events), events=events)

    async def Cancel(self, args: dict) -> Reply:
        order = self.book.get(args.get("orderId"))
        if order is None or not order.active:
            return fail(400, f"Order linked to '{args.get('orderId')}' not found or already "
                             "terminal.")
        self.book.cancel(order)
        return ok(orderId=order.order_id)

    async def CancelOrders(self, args: dict) -> Reply:
        holder = self._holder(args)
        if isinstance(holder, Reply):
            return holder
        contract = None
        if args.get("instrument"):
            contract = self._contract(args)
            if isinstance(contract, Reply):
                return contract
        return ok(orderIds=self._cancel_working(holder, contract))

    async def CancelAllOrders(self, args: dict) -> Reply:
        cancelled = [order_id for holder in self.accounts.values()
                     for order_id in self._cancel_working(holder, None)]
        return ok(orderIds=cancelled)

    async def ListExecutions(self, args: dict) -> Reply:
        holder = self._holder(args)
        if isinstance(holder, Reply):
            return holder
        default, most = EXECUTIONS_LOOKBACK_S
        lookback = _bounded_int(args.get("lookbackTime"), default, 1, most)
        since = int((time.time() - lookback) * 1000)
        return ok(executions=self.book.executions_since(holder.name, since))

    async def GetExecution(self, args: dict) -> Reply:
        holder = self._holder(args)
        if isinstance(holder, Reply):
            return holder
        found = next((e for e in self.book.executions if e["id"] == args.get("executionId")
                      and e["account"] == holder.name), None)
        if found is None:
            return fail(404, "execution_not_found",
                        f"Execution '{args.get('executionId')}' not found")
        return ok(**found)

    async def GetExecutionsByOrderId(self, args: dict) -> Reply:
        order = self._order(args)
        if isinstance(order, Reply):
            return order
        return ok(executions=[e for e in self.book.executions
                              if e["orderId"] == order.order_id])

    # --- market data ----------------------------------------------------------------------

    async def ListAtmTemplates(self, args: dict) -> Reply:
        """NinjaTrader's ATM strategy templates; the shape is undocumented (reference 11.3):
        objects with a ``name``, as third-party code reads them."""
        return ok(templates=[{"name": name} for name in ATM_TEMPLATES])

    async def GetQuote(self, args: dict) -> Reply:
        """One instrument: the quote object; several (comma-separated): a bare array."""
        text = args.get("instrument")
        if not isinstance(text, str) or not text.strip():
            return invalid("instrument is required")
        names = [n.strip() for n in text.split(",") if n.strip()]
        contracts = [self.market.resolve(name) for name in names]
        if not contracts or None in contracts:
            return invalid(f"Unknown instrument '{text}'")
        quotes = [self.quote_json(c) for c in contracts]
        return Reply(200, quotes if len(quotes) > 1 else quotes[0])

    def pnl_update(self) -> dict:
        accounts = []
        for holder in self.accounts.values():
            item = self.account_json(holder)["item"]
            accounts.append({"name": holder.name, "realizedProfitLoss": item["realizedProfitLoss"],
                             "unrealizedProfitLoss": item["unrealizedProfitLoss"]})
        return {"type": "pnlUpdate", "epoch": int(datetime.now(UTC).timestamp() * 1000),
                "accounts": accounts}


def _bounded_int(value: Any, default: int, low: int, high: int) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return default
    return min(high, max(low, number))
