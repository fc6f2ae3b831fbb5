"""The order desk: one send-once workflow for every intent, from every door.

Every request (a reverse, an entry, a bracket, a change, a close, a flatten, a cancel, a
flatten of everything, and each member's request of a group) goes through
:meth:`Desk._send_once`:

1. the guards (:mod:`ctpanel.core.risk`): a refusal is said and journaled, nothing is sent;
2. the intent, written ahead as one whole line (:mod:`ctpanel.core.desk.records`);
3. the request, sent once (never re-sent, by anyone, for any reason);
4. the outcome: CrossTrade's answer, or, when it cannot settle it, what a read-back finds;
5. the outcome's record, with the intent's client id;
6. the fill followed, by the caller's choice (:meth:`Desk.follow_order`), and journaled; with a
   stop and a target in ticks, one bracket after it (:meth:`Desk.fill_then_protect`).

What differs between intents is only how each is sent and read back: its *route*
(:mod:`ctpanel.core.desk.reverse`, :mod:`ctpanel.core.desk.entries`,
:mod:`ctpanel.core.desk.protect`, :mod:`ctpanel.core.desk.exits`). Each request carries its
life in a :class:`~ctpanel.core.desk.trade.Trade`. A group is the fan-out of the same
requests under one group record (:mod:`ctpanel.core.desk.groups`).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any, Protocol

from ctpanel.core.desk.entries import EntryRoute
from ctpanel.core.desk.exits import (
    ExitRoute,
    FlattenEverythingRoute,
    list_everything,
    read_picture,
)
from ctpanel.core.desk.fills import FOLLOW_RESERVE, FillFollower, FillReport
from ctpanel.core.desk.groups import send_group
from ctpanel.core.desk.intents import Reconciliation, reconcile
from ctpanel.core.desk.protect import (
    BRACKET_ROOM,
    ChangeRoute,
    Protection,
    ProtectRoute,
    protect_after_fill,
)
from ctpanel.core.desk.records import Records, WrittenAhead, new_client_id
from ctpanel.core.desk.reverse import ReverseRoute
from ctpanel.core.desk.trade import RequestState, Trade
from ctpanel.core.domain.models import Quote, Transport
from ctpanel.core.domain.states import Intent, OrderState, Outcome
from ctpanel.core.errors import CtError
from ctpanel.core.risk.firm_rules import FirmRules
from ctpanel.core.risk.guard import Basis, Guard, denial
from ctpanel.core.risk.room import RiskRoom
from ctpanel.core.risk.standard import standard_guards

if TYPE_CHECKING:
    from ctpanel.core.store.journal import Journal

OnAccepted = Callable[[Any], None] | None


class Route(Protocol):
    """How one intent is sent and read back; the desk does the rest."""

    def words(self, trade: Trade) -> str: ...  # the intent's words: "SELL 2 ES 12-26 ..."

    async def send(self, trade: Trade) -> Any: ...  # once; CrossTrade's answer

    async def read_confirmed(self, trade: Trade) -> None: ...  # sets trade.after, extras

    async def read_unknown(self, trade: Trade, error: CtError) -> CtError: ...  # what is true

    def record(self, trade: Trade) -> dict[str, Any]: ...  # its own fields of the outcome


class Desk:
    """Sends every intent once, through the guards and the journal.

    ``client`` reads and sends over REST; ``senders`` are the transports a reverse may take
    (REST and the WebSocket); ``guards`` are asked about every request, in order (by default
    the standard ones, then the firm's rules on ``firm``'s room: :attr:`firm`).
    """

    def __init__(self, client: Any, journal: Journal | None = None, *,
                 senders: dict[Transport, Any] | None = None, mode: str = "live",
                 guards: Iterable[Guard] | None = None,
                 firm: FirmRules | None = None) -> None:
        self.client = client
        self.senders = senders or {Transport.REST: client}
        self.journal = journal
        self.mode = mode  # "demo" or "live", in every journal record
        self.records = Records(journal, mode)
        self.firm = firm or FirmRules(RiskRoom())  # its room is fed by the door's reads
        self.guards = (*standard_guards(), self.firm) if guards is None else tuple(guards)
        self.routes = {Intent.REVERSE: ReverseRoute(self), Intent.ENTER: EntryRoute(self),
                       Intent.PROTECT: ProtectRoute(self), Intent.CHANGE: ChangeRoute(self),
                       "exit": ExitRoute(self), Intent.EVERYTHING: FlattenEverythingRoute(self)}

    # --- the one workflow -------------------------------------------------------------------

    async def _send_once(self, trade: Trade, route: Route, basis: Basis | None, *,
                         verify: bool = True, on_accepted: OnAccepted = None,
                         written: WrittenAhead | None = None) -> Trade:
        """Guards, intent, send once, outcome (read back when unknown), record. Raises the
        failure's typed error; an unknown outcome's error says what the read-back found.
        ``written``: the intent, already written with others (a group's, in one write, after
        the fan-out asked the guards about every member in this same turn of the loop)."""
        refused = None if written is not None else denial(
            self.guards, trade.intent, trade.request,
            basis or Basis(position=_position_of(trade.before)))
        if refused is not None:
            trade.client_id = getattr(trade.request, "client_order_id", None) \
                or new_client_id()
            trade.error = refused
            trade.move(RequestState.REFUSED, str(refused))
            await self._record(trade, route)
            raise refused
        trade.body = _body(trade.request)  # once: the intent and the outcome carry it
        written = written or self.records.ahead(*self._intent_of(trade, route))
        trade.client_id = written.client_id
        trade.move(RequestState.SENT)
        started = time.perf_counter()
        try:
            trade.result = await route.send(trade)
        except CtError as error:
            trade.round_trip_ms = (time.perf_counter() - started) * 1000
            await written.settled()
            if error.order_not_sent:
                trade.error = error
                trade.move(RequestState.REJECTED, str(error))
                await self._record(trade, route)
                raise
            trade.error = await route.read_unknown(trade, error)
            trade.move(RequestState.UNKNOWN, str(trade.error))
            await self._record(trade, route)
            raise trade.error from error
        trade.round_trip_ms = getattr(trade.result, "round_trip_ms", 0.0)
        trade.move(RequestState.ACCEPTED)
        if on_accepted is not None:
            on_accepted(trade.result)  # the caller shows the order id before any read
        if verify:
            await route.read_confirmed(trade)
        await written.settled()
        await self._record(trade, route)
        return trade

    @staticmethod
    def _intent_of(trade: Trade, route: Route) -> tuple:
        """What the intent record says: :meth:`Records.ahead`'s arguments."""
        return (trade.intent.value, route.words(trade), *_scope(trade.request),
                trade.body if trade.body is not None else _body(trade.request),
                trade.transport.value if trade.transport else None,
                getattr(trade.request, "client_order_id", None))

    def write_ahead(self, trades: list[Trade]) -> list[WrittenAhead]:
        """The intents of ``trades`` (a group's members), in one write before any is sent."""
        return self.records.ahead_all([self._intent_of(trade, self._route_of(trade))
                                       for trade in trades])

    def _route_of(self, trade: Trade) -> Route:
        return self.routes.get(trade.intent) or self.routes["exit"]

    async def _record(self, trade: Trade, route: Route) -> None:
        account, instrument = _scope(trade.request)
        error = trade.error
        outcome = trade.outcome
        await self.records.write({
            "kind": trade.intent.value,
            **({"transport": trade.transport.value} if trade.transport else {}),
            "account": account, "instrument": instrument,
            "body": trade.body if trade.body is not None else _body(trade.request),
            "status": JOURNAL_STATUS.get(outcome, outcome.value), "outcome": outcome.value,
            "client_id": trade.client_id, "round_trip_ms": round(trade.round_trip_ms, 1),
            "error": str(error) if error else None,
            "error_type": type(error).__name__ if error else None,
            **route.record(trade)})

    # --- the intents --------------------------------------------------------------------------

    async def reverse(self, order: Any, *, transport: Transport = Transport.REST,
                      before: Any = None, basis: Basis | None = None, verify: bool = True,
                      on_accepted: OnAccepted = None) -> Any:
        """Send a reverse once; its :class:`~ctpanel.core.desk.reverse.ReverseReport`."""
        return await self.send(Trade(order, Intent.REVERSE, transport, before), basis,
                               verify=verify, on_accepted=on_accepted)

    async def exit(self, order: Any, *, before: Any = None, basis: Basis | None = None,
                   on_accepted: OnAccepted = None, watch: str | None = None,
                   verify: bool = True) -> Any:
        """Send a close, a flatten or a cancel once; its
        :class:`~ctpanel.core.domain.exits.ExitReport` (the account read back, with the
        position in ``watch``, the order's instrument by default)."""
        return await self.send(Trade(order, order.kind, None, before, extra={"watch": watch}),
                               basis, verify=verify, on_accepted=on_accepted)

    async def enter(self, order: Any, *, before: Any = None, basis: Basis | None = None,
                    verify: bool = True, on_accepted: OnAccepted = None) -> Any:
        """Send a BUY or SELL entry (an :class:`~ctpanel.core.domain.protection.EntryOrder`)
        once; its :class:`~ctpanel.core.desk.entries.EntryReport`."""
        return await self.send(Trade(order, Intent.ENTER, Transport.REST, before), basis,
                               verify=verify, on_accepted=on_accepted)

    async def protect(self, order: Any, *, before: Any, age_s: float | None = 0.0,
                      on_accepted: OnAccepted = None) -> Any:
        """Send one Cancel and Bracket, sized on ``before`` (the position read ``age_s`` ago);
        its :class:`~ctpanel.core.desk.protect.ProtectReport`."""
        return await self.send(Trade(order, Intent.PROTECT, None, before),
                               Basis(position=before, age_s=age_s), on_accepted=on_accepted)

    async def change(self, order: Any, *, before: Any = None,
                     on_accepted: OnAccepted = None) -> Any:
        """Send one Change of a working order's price; its
        :class:`~ctpanel.core.desk.protect.ChangeReport`."""
        return await self.send(Trade(order, Intent.CHANGE, None, before), None,
                               on_accepted=on_accepted)

    async def send(self, trade: Trade, basis: Basis | None, *, verify: bool = True,
                   on_accepted: OnAccepted = None, written: WrittenAhead | None = None) -> Any:
        """One request's ``trade`` once, on its intent's route; that route's report."""
        route = self._route_of(trade)
        await self._send_once(trade, route, basis, verify=verify, on_accepted=on_accepted,
                              written=written)
        return route.report(trade)

    async def flatten_everything(self, confirmed: Any) -> Any:
        """Every account, every position and order; only with the trader's confirmation."""
        trade = Trade(confirmed, Intent.EVERYTHING)
        await self._send_once(trade, self.routes[Intent.EVERYTHING], None)
        return trade.result

    async def group(self, plan: Any, *, transport: Transport = Transport.WS,
                    on_member: Callable[[Any], None] | None = None) -> Any:
        """Every member's request at once; the :class:`~ctpanel.core.desk.groups.GroupReport`."""
        return await send_group(self, plan, transport=transport, on_member=on_member)

    async def follow_order(self, order: Any, order_id: str, at_click: Quote | None, *,
                           trade: Trade | None = None,
                           resting_for_s: float | None = None) -> FillReport:
        """``order``'s fill, journaled with its client id. ``resting_for_s``: a resting limit
        or stop entry is followed on to its fill for that long (its bracket waits for it)."""
        follower = FillFollower(self.client) if resting_for_s is None else \
            FillFollower(self.client, follow_for=resting_for_s)
        fill = await follower.follow(
            order, order_id, last_at_click=at_click.last if at_click else None,
            tick=at_click.tick_size if at_click else None,
            through_resting=resting_for_s is not None)
        if trade is not None:
            trade.followed(OrderState.read(fill.state))
        await self.records.write({**fill.record(), "account": order.account,
                                  "instrument": order.instrument,
                                  "client_id": trade.client_id if trade else None})
        return fill

    async def fill_then_protect(self, order: Any, order_id: str, bracket: Any,
                                at_click: Quote | None, *, trade: Trade | None = None,
                                resting_for_s: float | None = None,
                                on_filled: Callable[[], None] | None = None,
                                room: float = BRACKET_ROOM
                                ) -> tuple[FillReport, Protection | None]:
        """An entry's or a reverse's fill, then its one bracket (none when ``bracket`` is not
        set or the order did not fill). Why a position stays unprotected without a bracket
        sent is journaled too. ``on_filled``: the fill is known and a bracket follows (the
        position is unprotected until its legs are read back)."""
        fill = await self.follow_order(order, order_id, at_click, trade=trade,
                                       resting_for_s=resting_for_s if bracket.is_set else None)
        if on_filled is not None and bracket.is_set \
                and OrderState.read(fill.state) is OrderState.FILLED:
            on_filled()
        protection = await protect_after_fill(self, order.account, order.instrument, fill,
                                              bracket, at_click, room=room)
        if protection is not None and protection.report is None:
            await self.records.write({"kind": "protection", "account": order.account,
                                      "instrument": order.instrument, "protected": False,
                                      "words": protection.words,
                                      "client_id": trade.client_id if trade else None})
        return fill, protection

    async def protect_group(self, report: Any, bracket: Any, at_click: Quote | None, *,
                            resting_for_s: float | None = None
                            ) -> dict[str, tuple[FillReport, Protection | None]]:
        """Each member of a group entry or reverse: its own fill, then its own bracket."""
        import asyncio

        members = [o for o in report.outcomes if o.status is Outcome.OK and o.order_id
                   and o.step.request is not None and hasattr(o.step.request, "action")]
        done = await asyncio.gather(*(
            self.fill_then_protect(o.step.request, o.order_id, bracket, at_click,
                                   resting_for_s=resting_for_s, room=FOLLOW_RESERVE)
            for o in members))
        return {o.account: result for o, result in zip(members, done, strict=True)}

    async def reconcile(self, *, now: float | None = None) -> list[Reconciliation]:
        """An earlier run's unanswered requests, read back and recorded; never re-sent."""
        return await reconcile(self.records, self.client, now=now)

    # --- reads the doors share ----------------------------------------------------------------

    async def read_position(self, account: str, instrument: str) -> Any:
        return await self.client.get_position(account, instrument)

    async def read_picture(self, account: str, instrument: str | None) -> Any:
        return await read_picture(self.client, account, instrument)

    async def list_everything(self, accounts: list[str]) -> Any:
        return await list_everything(self.client, accounts)


# The journal's status keeps its three certainties: ok, failed (sure nothing was placed) and
# unknown; the finer outcome (rejected, refused) is its "outcome".
JOURNAL_STATUS = {Outcome.REJECTED: Outcome.FAILED.value}


def _scope(request: Any) -> tuple[str | None, str | None]:
    return getattr(request, "account", None), getattr(request, "instrument", None)


def _body(request: Any) -> dict[str, Any]:
    body = getattr(request, "body", None)
    return body() if callable(body) else {}


def _position_of(before: Any) -> Any:
    """The position a request was built on: ``before`` itself, or a picture's position."""
    return getattr(before, "position", before)
