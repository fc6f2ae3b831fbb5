"""The order ticket's rules: when an order may go, and in plain words why not. Qt-free.

The panel asks :meth:`Ticket.arming` what to show and :meth:`Ticket.press` whether a click (or a
hotkey press) sends; every rule a trader relies on is here, tested with a fake clock:

- **A fresh, true picture.** An order is built only from a position read from this backend,
  for this account and instrument, by a read *started after the latest order's outcome* was
  known, and no older than ``freshness`` seconds. A read started before then (a poll racing the
  order, a reply from a backend since replaced) is refused on arrival.
- **One intent, one order.** Nothing goes while an order is in flight or a confirmation is
  open; after an order, nothing goes until the position after it was read and shown, and then
  not before ``rearm_delay`` more seconds: a double click, a double tap, a held key, and
  presses during that delay send nothing (the log says so once per order).
- **Nothing survives a change** of backend, account or instrument: :meth:`select` forgets the
  position (the view also clears the prices).

The ticket is generic over the action: Reverse, Close, Flatten, Cancel and Flatten everything
share these rules; what each builds, and what blocks it on the picture, is its plan
(:mod:`ctpanel.panel.plans`). A bare :class:`~ctpanel.core.domain.form.FormState` is Reverse's plan.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from enum import StrEnum
from functools import cached_property, lru_cache
from typing import Any, Protocol

from ctpanel.core.domain.form import Check, FormState
from ctpanel.core.domain.models import OrderInfo, Position
from ctpanel.core.domain.states import Intent
from ctpanel.core.risk.fresh_picture import FRESH_FOR_S
from ctpanel.core.risk.guard import Basis, Guard, denial
from ctpanel.core.risk.standard import standard_guards

DEFAULT_FRESHNESS_S = FRESH_FOR_S  # the desk's guard holds the same age
STANDARD_GUARDS = standard_guards()  # a plan's, unless the desk it sends on has others
DEFAULT_REARM_DELAY_S = 1.0
REARM_DELAY_RANGE_S = (0.3, 5.0)
TOO_SOON = "Ignored: too soon after the last order."


class Phase(StrEnum):
    """Where the ticket is: idle, asking for a confirmation, or sending."""

    IDLE = "idle"
    CONFIRMING = "confirming"  # the confirmation dialog is open; nothing is sent yet
    SENDING = "sending"  # the order is on its way; its outcome is not known yet


@dataclass(frozen=True)
class Scope:
    """What a position figure belongs to: one backend (by generation), account, instrument."""

    backend: int
    account: str
    instrument: str


@dataclass(frozen=True)
class ReadToken:
    """Handed out when a read starts; the figure it brings back is judged against it."""

    scope: Scope
    epoch: int
    started_at: float


@dataclass(frozen=True)
class Reading:
    """A position figure kept by the ticket, with its scope and when its read started."""

    position: Position
    scope: Scope
    read_at: float  # when the read started: the figure is at least this old
    holdings: tuple[Position, ...] | None = None  # the account's positions (None: not read)
    working: tuple[OrderInfo, ...] | None = None  # the account's working orders


class Plan(Protocol):
    """One action on the ticket (see :mod:`ctpanel.panel.plans`)."""

    label: str  # the button's word: "REVERSE"
    noun: str  # in sentences: "Reverse not sent: ..."
    before: Any  # what the request is built on (a Position, a Picture)

    def on(self, reading: Reading | None) -> Plan: ...

    def problem(self) -> str: ...  # the form's own problem, checked before the picture

    def blocker(self) -> str: ...  # what blocks it on a fresh picture

    def preview(self) -> str: ...

    def request(self) -> Any: ...

    def needs_confirming(self) -> str: ...  # why it asks even with confirmations off


@dataclass(frozen=True)
class ReversePlan:
    """Reverse: the order form on the ticket's position, and the desk's guards on the order
    it would send (the same words the desk would refuse it with)."""

    form: FormState
    guards: tuple[Guard, ...] = STANDARD_GUARDS
    action = "reverse"
    label = "REVERSE"
    noun = "Reverse"

    def on(self, reading: Reading | None) -> ReversePlan:
        return replace(self, form=replace(self.form,
                                          position=reading.position if reading else None))

    @cached_property
    def _check(self) -> Check:
        return checked(self.form)

    def problem(self) -> str:
        problems = self._check.problems
        return problems[0].message if problems else ""

    def blocker(self) -> str:
        if self._check.blocker or self._check.order is None:
            return self._check.blocker or ""
        refused = denial(self.guards, Intent.REVERSE, self._check.order,
                         Basis(position=self.form.position))
        return refused.problems[0].message if refused else ""

    def preview(self) -> str:
        return self.form.preview() if self.form.position is not None else ""

    def request(self) -> Any:
        return self._check.order

    def needs_confirming(self) -> str:
        return self.form.needs_confirming() or ""

    @property
    def before(self) -> Position | None:
        return self.form.position


@lru_cache(maxsize=8)
def checked(form: FormState) -> Check:
    """The form's checks, once per form: a press validates nothing the ticket's last showing
    already validated on an equal form (every field of it is a frozen value)."""
    return form.check()


def as_plan(plan: Plan | FormState) -> Plan:
    """``plan`` as a plan (a bare form is Reverse's)."""
    return ReversePlan(plan) if isinstance(plan, FormState) else plan


class Freshness(StrEnum):
    """How old the ticket's figure is: fresh, stale, or unknown (none read)."""

    FRESH = "fresh"
    STALE = "stale"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class Arming:
    """What the button shows: armed or not, the reason in plain words, its label, the preview."""

    armed: bool
    reason: str
    label: str
    preview: str
    order: Any = None  # the request the action would send (a ReverseOrder, an ExitOrder...)


@dataclass(frozen=True)
class Press:
    """The answer to a press: an order to send (``order``), or why nothing was sent."""

    order: Any
    before: Any = None  # what it was built on: the position, or the account's picture
    age_s: float | None = None  # how old that read was at the press (the desk's guards see it)
    preview: str = ""  # what the order will do, for a confirmation question
    far: str = ""  # why it asks even with confirmations off: a price far from the market
    ignored: str = ""
    say_it: bool = True  # False: already said for this order (auto-repeat, storms)


class Ticket:
    """The order ticket's rules: when an order may go, and in plain words why not (see the
    module)."""

    def __init__(self, clock: Callable[[], float] = time.monotonic, *,
                 freshness: float = DEFAULT_FRESHNESS_S,
                 rearm_delay: float = DEFAULT_REARM_DELAY_S) -> None:
        self.clock = clock
        self.freshness = freshness
        self.rearm_delay = rearm_delay
        self.scope: Scope | None = None
        self.reading: Reading | None = None
        self.read_problem = ""  # why the last read of this scope failed, in plain words
        self.held = ""  # why nothing may arm yet (the last session's journal being checked)
        self.phase = Phase.IDLE
        self._epoch = 0  # moves at every send and outcome: reads started before are refused
        self._answered = False
        self._awaiting_read = False  # an order ended; its position has not been read yet
        self._rearm_at: float | None = None
        self._too_soon_said = False

    # --- what the panel looks at ----------------------------------------------------------

    def select(self, scope: Scope | None) -> bool:
        """A change of backend, account or instrument; True when the scope really changed."""
        if scope == self.scope:
            return False
        self.scope = scope
        self.reading = None
        self.read_problem = ""
        return True

    def freshness_of_reading(self) -> Freshness:
        if self.reading is None:
            return Freshness.UNKNOWN
        if self.clock() - self.reading.read_at > self.freshness:
            return Freshness.STALE
        return Freshness.FRESH

    def begin_read(self) -> ReadToken | None:
        """Called as a position read starts; None when there is nothing to read."""
        if self.scope is None or not self.scope.account or not self.scope.instrument:
            return None
        return ReadToken(self.scope, self._epoch, self.clock())

    def begin_read_for(self, scope: Scope) -> ReadToken:
        """A read of a scope not selected yet (the remembered account and instrument, read
        while the account list loads); judged by :meth:`read_done` like any other, once that
        scope is selected."""
        return ReadToken(scope, self._epoch, self.clock())

    def read_done(self, token: ReadToken, position: Position, *,
                  holdings: tuple[Position, ...] | None = None,
                  working: tuple[OrderInfo, ...] | None = None) -> bool:
        """A figure came back (with the account's positions and working orders, when they
        were read with it). Kept (True) only if it is still about what is selected and its
        read started after the latest order's outcome."""
        if token.scope != self.scope or token.epoch != self._epoch or self.phase is Phase.SENDING:
            return False
        if self.reading is not None and self.reading.read_at > token.started_at:
            return False  # a newer figure is already shown
        self.reading = Reading(position, token.scope, token.started_at, holdings, working)
        self.read_problem = ""
        if self._awaiting_read:
            self._awaiting_read = False
            self._rearm_at = self.clock() + self.rearm_delay
        return True

    def read_failed(self, token: ReadToken, problem: str) -> None:
        """A read of the selected scope failed: the reason shows while nothing fresh is known
        (the figure already shown still goes stale on time)."""
        if token.scope == self.scope:
            self.read_problem = problem

    def busy(self) -> Arming | None:
        """The button's state while a request is being asked about or sent (no form needed:
        the click path shows it without validating anything again); None when idle."""
        if self.phase is Phase.CONFIRMING:
            return Arming(False, "Waiting for your confirmation.", "CONFIRM?", "")
        if self.phase is Phase.SENDING:
            return Arming(False, "Waiting for CrossTrade's answer.", "SENDING…", "")
        return None

    def arming(self, plan: Plan | FormState) -> Arming:
        """The button's state for ``plan``, on the ticket's own reading."""
        busy = self.busy()
        if busy is not None:
            return busy
        return self._arm(as_plan(plan).on(self.reading))

    def _arm(self, plan: Plan, *, preview: bool = True) -> Arming:
        """``plan`` already on the reading (``preview=False``: the click path, which shows no
        preview unless it asks)."""
        preview = plan.preview() if self.reading is not None and preview else ""
        reason = self._blocker(plan)
        if reason:
            return Arming(False, reason, plan.label, preview)
        return Arming(True, "", plan.label, preview, plan.request())

    def next_change_at(self) -> float | None:
        """When :meth:`arming` will next change by itself (the re-arm delay ends, the figure
        goes stale); None when nothing is pending."""
        now = self.clock()
        stale_at = self.reading.read_at + self.freshness if self.reading else None
        times = [at for at in (self._rearm_at, stale_at) if at is not None and at > now]
        return min(times) if times else None

    # --- the order's life -----------------------------------------------------------------

    def press(self, plan: Plan | FormState, *, confirm: bool) -> Press:
        """A click or a hotkey press. With ``confirm`` the ticket waits for :meth:`confirmed`;
        so it does, even without, when the plan says it must ask (a price far from the
        market, Flatten everything)."""
        plan = as_plan(plan)
        if self.phase is not Phase.IDLE:
            return Press(None, ignored="An order is already on its way.", say_it=False)
        if self._awaiting_read or self._in_rearm_delay():
            said, self._too_soon_said = self._too_soon_said, True
            return Press(None, ignored=TOO_SOON, say_it=not said)
        plan = plan.on(self.reading)
        arming = self._arm(plan, preview=False)
        if not arming.armed:
            return Press(None, ignored=f"{plan.noun} not sent: {arming.reason}")
        far = plan.needs_confirming()
        confirm = confirm or bool(far)
        self.phase = Phase.CONFIRMING if confirm else Phase.SENDING
        if not confirm:
            self._sent()
        return Press(arming.order, before=plan.before, age_s=self._age(),
                     preview=plan.preview() if confirm else "", far=far)

    def confirmed(self, plan: Plan | FormState, yes: bool) -> Press:
        """The confirmation's answer. The rules are checked again: the dialog may have been
        open while the position changed or went stale."""
        plan = as_plan(plan)
        self.phase = Phase.IDLE
        if not yes:
            return Press(None, ignored=f"{plan.noun} cancelled; nothing was sent.")
        plan = plan.on(self.reading)
        arming = self._arm(plan)
        if not arming.armed:
            return Press(None, ignored=f"{plan.noun} not sent: {arming.reason}")
        self.phase = Phase.SENDING
        self._sent()
        return Press(arming.order, before=plan.before, age_s=self._age(), preview=arming.preview)

    def answered(self) -> None:
        """CrossTrade answered the order: reads started from now on see its result."""
        self._epoch += 1
        self._answered = True

    def finished(self) -> None:
        """The order's outcome is settled (confirmed, failed or unknown)."""
        if not self._answered:
            self._epoch += 1  # a read that started while it was unanswered proves nothing
        self.phase = Phase.IDLE
        self._awaiting_read = True
        self._rearm_at = None
        self.reading = None  # the figure from before the order is no longer known

    def _age(self) -> float | None:
        return self.clock() - self.reading.read_at if self.reading is not None else None

    def _in_rearm_delay(self) -> bool:
        return self._rearm_at is not None and self.clock() < self._rearm_at

    def _sent(self) -> None:
        self._epoch += 1
        self._answered = False
        self._too_soon_said = False

    # --- the rules ------------------------------------------------------------------------

    def _blocker(self, plan: Plan) -> str:
        if self.held:
            return self.held
        if self.scope is None:
            return "Connecting…"
        if not self.scope.account:
            return "Choose an account."
        if not self.scope.instrument:
            return "Choose an instrument."
        problem = plan.problem()
        if problem:
            return problem
        if self._awaiting_read:
            return "Reading the position after the last order…"
        if self._in_rearm_delay():
            return "Re-arming after the last order…"
        freshness = self.freshness_of_reading()
        if freshness is Freshness.UNKNOWN:
            return self.read_problem or f"Reading the position in {self.scope.instrument}…"
        if freshness is Freshness.STALE:
            age = self.clock() - self.reading.read_at
            return (f"The position was last read {age:.0f} s ago; waiting for a fresh read "
                    "before any order.")
        return plan.blocker()


def clamp_rearm_delay(seconds: float) -> float:
    """The preference, kept inside its range (a hand-edited settings file may hold anything)."""
    low, high = REARM_DELAY_RANGE_S
    if not math.isfinite(seconds):
        return DEFAULT_REARM_DELAY_S
    return min(high, max(low, seconds))
