"""The names every door shares: what a press asks for (:class:`Intent`), how a request ended
(:class:`Outcome`), NinjaTrader's order states (:class:`OrderState`) and the WebSocket's
(:class:`StreamState`), each defined once.

The intents are the ticket's actions, the group's actions and the exits' kinds alike, so a
rule that depends on one (a guard against new risk never blocks an exit) is written once, as
:attr:`Intent.reduces`.
"""

from __future__ import annotations

from enum import StrEnum


class Intent(StrEnum):
    """What a press asks for; its value is the journal's ``kind`` and the log's word."""

    REVERSE = "reverse"
    ENTER = "enter"  # a BUY or SELL from flat, or adding on the side held
    PROTECT = "protect"  # one Cancel and Bracket for the position held
    CHANGE = "change"  # one Change of a working order's price (breakeven, a leg moved)
    CLOSE = "close"
    FLATTEN = "flatten"
    CANCEL = "cancel"
    EVERYTHING = "flatten everything"

    @property
    def reduces(self) -> bool:
        """True when the request can only take risk off (an exit): no guard against new risk
        applies to it."""
        return self in REDUCING

    @property
    def is_exit(self) -> bool:
        """An exit that names an account: Close, Flatten or Cancel."""
        return self in (Intent.CLOSE, Intent.FLATTEN, Intent.CANCEL)


# The intents that add no contract: the one place an exit is told from new risk. Protect and
# Change only place or move a position's exits, so no rule about new risk may block them.
REDUCING = frozenset({Intent.CLOSE, Intent.FLATTEN, Intent.CANCEL, Intent.EVERYTHING,
                      Intent.PROTECT, Intent.CHANGE})
PAST = {Intent.REVERSE: "reversed", Intent.ENTER: "entered", Intent.CLOSE: "closed",
        Intent.FLATTEN: "flattened", Intent.CANCEL: "cancelled",
        Intent.EVERYTHING: "flattened", Intent.PROTECT: "protected", Intent.CHANGE: "moved"}


class Outcome(StrEnum):
    """How one request ended, in the journal's ``status`` and a group member's row."""

    OK = "ok"  # CrossTrade confirmed it
    REJECTED = "rejected"  # CrossTrade (or NinjaTrader) refused it: nothing was placed
    FAILED = "failed"  # it could not be sent, or failed before anything was placed
    UNKNOWN = "unknown"  # it may or may not have been placed: read back, never re-sent
    SKIPPED = "skipped"  # a group member with nothing to do (flat)
    REFUSED = "refused"  # a guard stopped it before it left


class OrderState(StrEnum):
    """NinjaTrader's order states (reference §10.2), compared without case or spaces."""

    INITIALIZED = "initialized"
    SUBMITTED = "submitted"
    ACCEPTED = "accepted"
    WORKING = "working"
    TRIGGER_PENDING = "triggerpending"
    PART_FILLED = "partfilled"
    CHANGE_PENDING = "changepending"
    CHANGE_SUBMITTED = "changesubmitted"
    CANCEL_PENDING = "cancelpending"
    CANCEL_SUBMITTED = "cancelsubmitted"
    FILLED = "filled"
    CANCELLED = "cancelled"
    REJECTED = "rejected"
    UNKNOWN = "unknown"

    @classmethod
    def read(cls, text: object) -> OrderState | None:
        """The state a server's text names (``"Part Filled"``, ``"Canceled"``), else None."""
        if not isinstance(text, str):
            return None
        key = text.replace(" ", "").replace("_", "").lower()
        if key == "canceled":
            key = "cancelled"
        try:
            return cls(key)
        except ValueError:
            return None

    @property
    def working(self) -> bool:
        """Still in the market, or on its way there: it may yet fill."""
        return self in WORKING

    @property
    def done(self) -> bool:
        """Ended: it will never fill (more)."""
        return self in DONE


WORKING = frozenset({OrderState.INITIALIZED, OrderState.SUBMITTED, OrderState.ACCEPTED,
                     OrderState.WORKING, OrderState.TRIGGER_PENDING, OrderState.PART_FILLED,
                     OrderState.CHANGE_PENDING, OrderState.CHANGE_SUBMITTED,
                     OrderState.CANCEL_PENDING, OrderState.CANCEL_SUBMITTED})
DONE = frozenset({OrderState.FILLED, OrderState.CANCELLED, OrderState.REJECTED,
                  OrderState.UNKNOWN})


class StreamState(StrEnum):
    """Where the WebSocket is: never started (or closed), connecting, connected, reconnecting
    after a drop, failed to connect for now, or stopped for good (a token refused, a session
    elsewhere)."""

    IDLE = "idle"
    CONNECTING = "connecting"
    CONNECTED = "connected"
    RECONNECTING = "reconnecting"
    FAILED = "failed"
    STOPPED = "stopped"


def is_working_state(text: object) -> bool:
    """Whether a server's state text names a working order (an unknown text: no)."""
    state = OrderState.read(text)
    return state is not None and state.working
