"""One request's life as one object: what was asked, each state it passed, and how it ended.

The shape is ib_async's ``Trade`` (an order, its status and its log in one object) with
NautilusTrader's rule that a state moves only along its table: a request is *built*, then
*refused* by a guard or *sent*; once sent it is *accepted*, *rejected* (nothing was placed)
or *unknown* (its answer was lost); an accepted order may be *working* and then *filled*,
*cancelled* or *rejected*; an unknown one is *reconciled* by what is read back. A move the
table does not allow is a bug in the desk, raised as such, never a silent overwrite.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from ctpanel.core.domain.models import Transport
from ctpanel.core.domain.states import Intent, OrderState, Outcome
from ctpanel.core.errors import CtError, RejectedError


class RequestState(StrEnum):
    """Where one request is in its life (see :data:`NEXT`)."""

    BUILT = "built"
    REFUSED = "refused"
    SENT = "sent"
    ACCEPTED = "accepted"
    WORKING = "working"
    FILLED = "filled"
    CANCELLED = "cancelled"
    REJECTED = "rejected"
    UNKNOWN = "unknown"
    RECONCILED = "reconciled"


S = RequestState
NEXT: dict[RequestState, frozenset[RequestState]] = {
    S.BUILT: frozenset({S.REFUSED, S.SENT}),
    S.SENT: frozenset({S.ACCEPTED, S.REJECTED, S.UNKNOWN}),
    S.ACCEPTED: frozenset({S.WORKING, S.FILLED, S.CANCELLED, S.REJECTED}),
    S.WORKING: frozenset({S.FILLED, S.CANCELLED, S.REJECTED}),
    S.UNKNOWN: frozenset({S.RECONCILED}),
    S.REFUSED: frozenset(), S.FILLED: frozenset(), S.CANCELLED: frozenset(),
    S.REJECTED: frozenset(), S.RECONCILED: frozenset(),
}
# What a followed order's NinjaTrader state means for the request.
FOLLOWED = {OrderState.FILLED: S.FILLED, OrderState.CANCELLED: S.CANCELLED,
            OrderState.REJECTED: S.REJECTED}


class IllegalMove(RuntimeError):
    """A state change the table does not allow: a bug, never the trader's doing."""


@dataclass(frozen=True)
class Step:
    """One line of a request's log."""

    at: float  # time.time()
    state: RequestState
    words: str


@dataclass
class Trade:
    """One request, from the press to its last known state.

    ``result`` is CrossTrade's answer (an ``OrderResult``, an ``ExitResult``); ``before``
    and ``after`` are what the request was built on and what was read back after it;
    ``error`` is how it failed (an uncertain outcome's error says what a re-read found).
    """

    request: Any
    intent: Intent
    transport: Transport | None = None
    before: Any = None
    client_id: str = ""
    state: RequestState = RequestState.BUILT
    result: Any = None
    after: Any = None
    error: CtError | None = None
    round_trip_ms: float = 0.0
    body: dict[str, Any] | None = None  # what was sent, as the journal records it
    extra: dict[str, Any] = field(default_factory=dict)  # an intent's own read-back figures
    log: list[Step] = field(default_factory=list)

    def move(self, state: RequestState, words: str = "") -> None:
        """To ``state`` (raises :class:`IllegalMove` off the table); logged with ``words``."""
        if state not in NEXT[self.state]:
            raise IllegalMove(f"{self.intent} {self.client_id}: {self.state} -> {state}")
        self.state = state
        self.log.append(Step(time.time(), state, words))

    def followed(self, order_state: OrderState | None) -> None:
        """A followed order's NinjaTrader state (a market order's fill, an entry working)."""
        if order_state is None:
            return
        target = FOLLOWED.get(order_state, S.WORKING if order_state.working else None)
        if target is not None and target is not self.state and target in NEXT[self.state]:
            self.move(target, order_state.value)

    @property
    def outcome(self) -> Outcome:
        """How it ended, in the journal's words."""
        if self.state is S.REFUSED:
            return Outcome.REFUSED
        if self.state in (S.UNKNOWN, S.RECONCILED):
            return Outcome.UNKNOWN
        if self.state is S.REJECTED and self.result is None:
            return outcome_of(self.error)
        if self.state in (S.BUILT, S.SENT):
            return Outcome.UNKNOWN
        return Outcome.OK


def outcome_of(error: CtError | None) -> Outcome:
    """A failure's outcome: refused by CrossTrade (nothing placed), failed before anything
    was placed, or unknown (it may have been placed)."""
    if error is None:
        return Outcome.OK
    if not error.order_not_sent:
        return Outcome.UNKNOWN
    if isinstance(error, RejectedError) or getattr(error, "status", None) in (400, 404):
        return Outcome.REJECTED
    return Outcome.FAILED
