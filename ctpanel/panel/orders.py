"""One order's way through the ticket, the service and the watcher, Qt-free.

The ticket must know when CrossTrade answered (reads started before then may predate the
order) and when the outcome is settled; the service's own re-read after the answer is handed
to the ticket like any other figure; if there is none, or the order failed, the position is
read again now, so the ticket re-arms on what is true after the order. Never a re-send.
"""

from __future__ import annotations

from collections.abc import Callable

from ctpanel.core.errors import CtError
from ctpanel.core.models import OrderResult, Position, ReverseOrder, Transport
from ctpanel.core.service import ReverseReport
from ctpanel.panel.session import Session
from ctpanel.panel.ticket import ReadToken, Ticket
from ctpanel.panel.watcher import PositionWatcher

OnAccepted = Callable[[ReverseOrder, OrderResult], None]


class OrderFlow:
    def __init__(self, session: Session, ticket: Ticket, watcher: PositionWatcher) -> None:
        self.session = session
        self.ticket = ticket
        self.watcher = watcher

    async def send(self, order: ReverseOrder, before: Position | None, *,
                   transport: Transport, on_accepted: OnAccepted) -> ReverseReport | CtError:
        """Send ``order`` once (the ticket already let it go); the report, or the error it
        ended with (an :class:`~ctpanel.core.service.UncertainOutcome` when unknown)."""
        reread: ReadToken | None = None

        def accepted(result: OrderResult) -> None:
            nonlocal reread
            self.ticket.answered()
            reread = self.ticket.begin_read()  # the service reads right after this
            on_accepted(order, result)

        try:
            outcome: ReverseReport | CtError = await self.session.backend.service.reverse(
                order, transport=transport, before=before, on_accepted=accepted)
        except CtError as error:
            outcome = error
        finally:
            self.ticket.finished()
        kept = (isinstance(outcome, ReverseReport) and outcome.after is not None
                and reread is not None and self.watcher.accept(reread, outcome.after))
        if not kept:
            await self.watcher.read()  # after the outcome: the ticket re-arms on this
        return outcome
