"""The position watcher, Qt-free: reads the selected position through the session's backend,
within CrossTrade's request budget, and hands each figure to the ticket, which keeps it only
if it is still about what is selected and was read after the latest order's outcome.

:class:`~ctpanel.panel.positions.Positions` calls :meth:`PositionWatcher.read` when the
selection changes and :meth:`PositionWatcher.poll` on the poll tick; it hears back through
``on_shown`` (a figure was kept, or there is nothing to read) and ``on_failed`` (why a read
failed, in plain words).
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from ctpanel.core.domain.groups import group_name
from ctpanel.core.domain.models import OrderInfo, Position
from ctpanel.core.errors import CtError, RejectedError
from ctpanel.panel.session import Session
from ctpanel.panel.ticket import Phase, ReadToken, Scope, Ticket

log = logging.getLogger(__name__)

# A position, and the account's positions and working orders read with it.
Figures = tuple[Position, tuple[Position, ...] | None, tuple[OrderInfo, ...] | None]
# Polls pause while fewer requests than this are left: orders keep the budget.
POSITION_POLL_RESERVE = 8


def read_problem(error: CtError, instrument: str) -> str:
    """Why the position could not be read, in the words the trader needs."""
    if isinstance(error, RejectedError) and "unknown instrument" in str(error).lower():
        return f"CrossTrade does not know instrument {instrument}."
    return f"Could not read the position: {error}"


class PositionWatcher:
    """Reads the selected position, and judges each figure against the ticket before it is shown."""

    def __init__(self, session: Session, ticket: Ticket, *,
                 on_shown: Callable[[], None],
                 on_failed: Callable[[CtError, str], None],
                 reserve: int = POSITION_POLL_RESERVE) -> None:
        self.session = session
        self.ticket = ticket
        self.on_shown = on_shown
        self.on_failed = on_failed
        self.reserve = reserve
        self._early: ReadToken | None = None  # the read started before its scope was selected
        self._early_figures: Figures | None = None

    def may_poll(self) -> bool:
        """False while an order is on its way or the budget is low: a poll can wait."""
        backend = self.session.backend
        return (backend is not None and self.ticket.phase is not Phase.SENDING
                and backend.client.budget.level >= self.reserve)

    async def read(self) -> None:
        """Read the selected position once."""
        token = self.ticket.begin_read()
        if token is None or self.session.backend is None:
            self.on_shown()  # nothing selected: nothing is known, and that is shown
            return
        if self._early is not None and self._early.scope == token.scope:
            if self._early_figures is None:
                self.on_shown()  # the early read is on its way: it is handed in as it lands
                return
            early, figures = self._early, self._early_figures
            self._early = self._early_figures = None
            if self.accept(early, *figures):
                return
        self._early = self._early_figures = None  # another scope, or too old: read again
        if self.session.backend.client.budget.level < self.reserve:
            # Instruments switched faster than the budget refills: orders keep their share;
            # the poll reads this one as soon as there is room (nothing is shown until then).
            self.on_shown()
            return
        try:
            figures = await self._read_figures(token.scope)
        except CtError as error:
            problem = read_problem(error, token.scope.instrument)
            self.ticket.read_failed(token, problem)
            self.on_failed(error, problem)
            return
        self.accept(token, *figures)

    async def _read_figures(self, scope: Scope) -> Figures:
        """The position, with the account's positions and working orders read beside it
        (what the exits are built on; either may be unknown without failing the read)."""
        import asyncio

        client = self.session.backend.client
        if group_name(scope.account) is not None:
            # A group: every account's positions in one read; the group itself holds nothing.
            holdings = tuple(await client.list_all_positions())
            return Position.flat(scope.account, scope.instrument), holdings, None
        position, (holdings, working) = await asyncio.gather(
            client.get_position(scope.account, scope.instrument),
            self.read_account(scope.account))
        return position, holdings, working

    async def read_account(self, account: str) -> tuple[tuple[Position, ...] | None,
                                                         tuple[OrderInfo, ...] | None]:
        """The account's open positions and working orders; each None when unreadable."""
        import asyncio

        client = self.session.backend.client
        holdings, working = await asyncio.gather(
            client.list_positions(account), client.list_working_orders(account),
            return_exceptions=True)
        for failure in (holdings, working):
            if isinstance(failure, BaseException) and not isinstance(failure, CtError):
                raise failure
        return (tuple(holdings) if isinstance(holdings, list) else None,
                working if isinstance(working, tuple) else None)

    async def read_early(self, scope: Scope) -> None:
        """At start, the remembered account and instrument, read side by side with the
        account list instead of after it. The figure is handed to the ticket only once that
        scope is selected (the ticket judges it like any read: this backend, no order since,
        fresh); if the trader's selection turns out different, it is never shown."""
        token = self._early = self.ticket.begin_read_for(scope)
        self._early_figures = None
        try:
            figures = await self._read_figures(scope)
        except CtError as error:
            if self._early is token:
                self._early = None
                if self.ticket.scope == scope:  # selected meanwhile: its read waited for this
                    problem = read_problem(error, scope.instrument)
                    self.ticket.read_failed(token, problem)
                    self.on_failed(error, problem)
            return
        if self._early is not token:
            return  # superseded
        if self.accept(token, *figures):
            self._early = None
        else:
            self._early_figures = figures  # kept until the selection reaches it

    def accept(self, token: ReadToken, position: Position,
               holdings: tuple[Position, ...] | None = None,
               working: tuple[OrderInfo, ...] | None = None) -> bool:
        """A figure read elsewhere (the service's re-read after an order) goes the same way."""
        kept = self.ticket.read_done(token, position, holdings=holdings, working=working)
        if kept:
            self.on_shown()
        return kept

    async def peek(self, account: str, instrument: str) -> Position | CtError:
        """A read for the eyes only (while an order waits for its answer): the ticket never
        keeps it, so nothing is ever armed on it."""
        try:
            return await self.session.backend.client.get_position(account, instrument)
        except CtError as error:
            return error

    async def poll(self) -> None:
        """The timer's read; then keep the orders connection warm (a click never waits for a
        handshake), unless an order is using it."""
        await self.read()
        backend = self.session.backend
        if backend is not None and self.ticket.phase is not Phase.SENDING:
            try:
                await backend.client.keep_warm()
            except CtError as error:
                log.warning("Could not keep the orders connection warm: %s", error)
