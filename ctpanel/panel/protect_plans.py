"""What BUY, SELL, Protect now and Breakeven would send on the ticket's picture, and their
previews in plain words. Qt-free.

Like every plan (:mod:`ctpanel.panel.plans`), each holds only what its action knows; the
ticket's rules (a fresh picture of this backend, account and instrument, read after the last
order; one intent, one request) hold for all of them.

- :class:`EntryPlan`: BUY or SELL from flat, or adding on the side held; the form gives the
  order type, prices, time in force and ATM template, the quantity as typed (never mirrored).
- :class:`ProtectPlan`: one Cancel and Bracket for the position held, from its average price.
- :class:`BreakevenPlan`: one Change of the stop leg to the average price ± ticks.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import cached_property
from typing import Any

from ctpanel.core.domain.exits import in_instrument
from ctpanel.core.domain.form import FormState
from ctpanel.core.domain.groups import Group, positions_by_account
from ctpanel.core.domain.models import OrderSide, OrderType, Position, Quote, Side
from ctpanel.core.domain.pricing import Severity, format_price, touch
from ctpanel.core.domain.protection import (
    NO_BRACKET,
    Bracket,
    EntryOrder,
    breakeven_for,
    entry_for,
    new_order_id,
    nudge_for,
    protect_for,
    risk_words,
)
from ctpanel.core.domain.states import Intent
from ctpanel.core.errors import InvalidOrder, Problem
from ctpanel.core.risk.guard import Basis, Guard, denial
from ctpanel.panel.plans import ExitChoices, group_plan
from ctpanel.panel.ticket import STANDARD_GUARDS, Reading

# The panel's own words for each of these actions, as ``Panel.press`` takes them.
ENTRY_ACTIONS = {"buy": OrderSide.BUY, "sell": OrderSide.SELL}
PROTECTION_ACTIONS = ("protect", "breakeven")
NUDGES = {"raise": +1, "lower": -1}  # a working leg moved by one tick (an order id names it)


class _NoFormProblem:
    """What these plans share: no form of their own to check, nothing that asks to confirm
    (an entry, built on the order form, says otherwise)."""

    def problem(self) -> str:
        return ""

    def needs_confirming(self) -> str:
        return ""


@dataclass(frozen=True)
class EntryPlan:
    """BUY or SELL: the form's order at ``side``, on the ticket's position; ``bracket``: the
    ticks a bracket takes after the fill (an ATM template, when chosen, replaces them)."""

    form: FormState
    side: OrderSide
    bracket: Bracket = NO_BRACKET
    guards: tuple[Guard, ...] = STANDARD_GUARDS
    action = Intent.ENTER

    @property
    def label(self) -> str:
        return self.side.value

    @property
    def noun(self) -> str:
        return self.side.value.capitalize()

    @property
    def before(self) -> Position | None:
        return self.form.position

    def on(self, reading: Reading | None) -> EntryPlan:
        return replace(self, form=replace(self.form,
                                          position=reading.position if reading else None))

    @cached_property
    def _form(self) -> FormState:
        return replace(self.form, mirror=False, action=self.side)

    @cached_property
    def _order(self) -> Any:
        try:
            return self._form.order()
        except InvalidOrder as invalid:
            return invalid

    def problem(self) -> str:
        return str(self._order.problems[0].message) if isinstance(self._order,
                                                                  InvalidOrder) else ""

    def blocker(self) -> str:
        position = self.form.position
        if position is None:
            return "Waiting for the position in this instrument."
        if isinstance(self._order, InvalidOrder):
            return self._order.problems[0].message
        try:
            entry = entry_for(self._order, position, "preview")
        except InvalidOrder as invalid:
            return invalid.problems[0].message
        refused = [c.message for c in self._form.market_checks()
                   if c.severity is Severity.REFUSE]
        if refused:
            return refused[0]
        denied = denial(self.guards, Intent.ENTER, entry, Basis(position=position))
        return denied.problems[0].message if denied else ""

    @property
    def brackets(self) -> bool:
        """Whether a bracket follows the fill: ticks set and no ATM template chosen."""
        return self.bracket.is_set and not self.form.strategy.strip()

    def preview(self) -> str:
        """``Flat -> Long 2 at about 6,850.00 (ask) · stop 6,848.00 (−$100 per contract) ·
        target 6,854.00``."""
        position = self.form.position
        if position is None or isinstance(self._order, InvalidOrder):
            return ""
        order = self._order
        held = 0 if position.is_flat else position.quantity
        side = Side.after(self.side)
        reference, at = self._reference(order)
        text = f"{position.describe()} -> {side.value} {held + order.quantity}{at}"
        if order.order_type is not OrderType.MARKET:
            text += f", {order.order_type.value} working until it fills"
        if self.form.strategy.strip():
            ticks = " (it replaces the ticks)" if self.bracket.is_set else ""
            return f"{text} · ATM {self.form.strategy.strip()}{ticks}"
        quote = self.form.quote
        if not self.bracket.is_set:
            return text + " · no stop or target"
        if reference is None or quote is None or not quote.tick_size:
            return f"{text} · {self.bracket.words()} from the fill"
        stop, target = self.bracket.prices(side, reference, quote.tick_size)
        return (f"{text} · " + risk_words(side, reference, stop, target,
                                          quote.value_per_tick, quote.tick_size)
                + " (from the fill)")

    def _reference(self, order: Any) -> tuple[float | None, str]:
        if order.order_type is OrderType.MARKET:
            found = touch(self.form.quote, self.side)
            return (found[0], f" at about {format_price(found[0])} ({found[1]})") if found \
                else (None, "")
        price = order.limit_price or order.stop_price
        return price, f" @ {format_price(price)}" if price else ""

    def request(self) -> EntryOrder:
        return entry_for(self._order, self.form.position, new_order_id())

    def needs_confirming(self) -> str:
        return self._form.needs_confirming() or ""


@dataclass(frozen=True)
class ProtectPlan(_NoFormProblem):
    """Protect now: one Cancel and Bracket for the position read, from its average price."""

    account: str
    instrument: str
    bracket: Bracket
    quote: Quote | None
    guards: tuple[Guard, ...] = STANDARD_GUARDS
    reading: Reading | None = None
    action = Intent.PROTECT
    label = "PROTECT NOW"
    noun = "Protect now"

    @property
    def before(self) -> Position | None:
        return self.reading.position if self.reading else None

    def on(self, reading: Reading | None) -> ProtectPlan:
        return replace(self, reading=reading)

    @cached_property
    def _order(self) -> Any:
        position = self.before
        tick = self.quote.tick_size if self.quote else None
        try:
            return protect_for(position, self.bracket,
                               position.average_price if position else None, tick, self.quote)
        except InvalidOrder as invalid:
            return invalid

    def blocker(self) -> str:
        if self.reading is None:
            return "Waiting for the position in this instrument."
        if isinstance(self._order, InvalidOrder):
            return self._order.problems[0].message
        denied = denial(self.guards, Intent.PROTECT, self._order, Basis(position=self.before))
        return denied.problems[0].message if denied else ""

    def preview(self) -> str:
        if isinstance(self._order, InvalidOrder) or self.reading is None:
            return ""
        working = self.reading.working
        count = None if working is None else sum(
            1 for order in working if in_instrument([order.instrument], self.before.instrument))
        return self._order.preview(count)

    def request(self) -> Any:
        return self._order


@dataclass(frozen=True)
class BreakevenPlan(_NoFormProblem):
    """Breakeven: one Change of the position's stop leg to its average price ± ticks."""

    account: str
    instrument: str
    plus_ticks: int
    quote: Quote | None
    reading: Reading | None = None
    action = Intent.CHANGE
    label = "BREAKEVEN"
    noun = "Breakeven"

    @property
    def before(self) -> Position | None:
        return self.reading.position if self.reading else None

    def on(self, reading: Reading | None) -> BreakevenPlan:
        return replace(self, reading=reading)

    @cached_property
    def _order(self) -> Any:
        if self.reading is None:
            return None
        tick = self.quote.tick_size if self.quote else None
        try:
            return breakeven_for(self.reading.position, self.reading.working, tick,
                                 self.plus_ticks, self.quote)
        except InvalidOrder as invalid:
            return invalid

    def blocker(self) -> str:
        if self._order is None:
            return "Waiting for the position in this instrument."
        if isinstance(self._order, InvalidOrder):
            return self._order.problems[0].message
        return ""

    def preview(self) -> str:
        return "" if self._order is None or isinstance(self._order, InvalidOrder) \
            else self._order.describe()

    def request(self) -> Any:
        return self._order


@dataclass(frozen=True)
class NudgePlan(_NoFormProblem):
    """One working leg moved by one tick (one Change per click), on the ticket's reading of
    the account's working orders."""

    account: str
    order_id: str
    ticks: int
    quote: Quote | None
    reading: Reading | None = None
    action = Intent.CHANGE
    noun = "Move"

    @property
    def label(self) -> str:
        return f"{self.ticks:+d} t"

    @property
    def before(self) -> Position | None:
        return self.reading.position if self.reading else None

    def on(self, reading: Reading | None) -> NudgePlan:
        return replace(self, reading=reading)

    @cached_property
    def _order(self) -> Any:
        working = self.reading.working if self.reading else None
        leg = next((o for o in working or () if o.order_id == self.order_id), None)
        if leg is None:
            return InvalidOrder([Problem("orders", f"Order {self.order_id} is no longer "
                                                   "working (as last read).")])
        tick = self.quote.tick_size if self.quote else None
        try:
            return nudge_for(leg, self.account, self.ticks, tick, self.quote)
        except InvalidOrder as invalid:
            return invalid

    def blocker(self) -> str:
        if self.reading is None:
            return "Waiting for the working orders."
        return self._order.problems[0].message if isinstance(self._order, InvalidOrder) \
            else ""

    def preview(self) -> str:
        return "" if isinstance(self._order, InvalidOrder) else self._order.describe()

    def request(self) -> Any:
        return self._order


@dataclass(frozen=True)
class OneAccountPlan(_NoFormProblem):
    """A leg's ±1 tick on a group: not from the panel (each member's legs are its own); said
    in words."""

    action: str
    label: str
    noun: str
    before = None

    def on(self, reading: Reading | None) -> OneAccountPlan:
        return self

    def blocker(self) -> str:
        return f"{self.noun} acts on one account's working order; pick that account."

    def preview(self) -> str:
        return ""

    def request(self) -> None:
        return None


@dataclass(frozen=True)
class MembersRequest:
    """Protect now or Breakeven on each group member holding the instrument, each on its own
    position as the ticket read it (one Cancel and Bracket, or one Change, per member)."""

    action: str  # "protect" | "breakeven"
    group: Group
    instrument: str
    positions: tuple[Position, ...]  # the members holding it
    bracket: Bracket = NO_BRACKET
    plus_ticks: int = 0
    quote: Quote | None = None


@dataclass(frozen=True)
class MembersReport:
    """What each member's Protect now or Breakeven came to: its
    :class:`~ctpanel.core.desk.protect.Protection`, its Change's report, or its error."""

    request: MembersRequest
    outcomes: dict[str, Any]

    def _ok(self, outcome: Any) -> bool:
        return bool(getattr(outcome, "protected", not isinstance(outcome, Exception)))

    @property
    def all_ok(self) -> bool:
        return all(map(self._ok, self.outcomes.values()))

    def summary(self) -> str:
        """``Protect now on Apex PA: 3 of 4 members done (APEX-2 not)``."""
        done = sum(map(self._ok, self.outcomes.values()))
        missed = [account for account, o in self.outcomes.items() if not self._ok(o)]
        rest = f" ({', '.join(missed)} not)" if missed else ""
        noun = "Protect now" if self.request.action == "protect" else "Breakeven"
        return (f"{noun} on {self.request.group.name}: {done} of {len(self.outcomes)} "
                f"members done{rest}.")


@dataclass(frozen=True)
class GroupProtectionPlan(_NoFormProblem):
    """Protect now or Breakeven on a group: every member holding the instrument, on its own
    average price, from the group's positions read with the ticket."""

    action: str  # "protect" | "breakeven"
    group: Group
    instrument: str
    bracket: Bracket
    plus_ticks: int
    quote: Quote | None
    budget_left: float | None = None
    reading: Reading | None = None

    @property
    def label(self) -> str:
        return "PROTECT NOW" if self.action == "protect" else "BREAKEVEN"

    @property
    def noun(self) -> str:
        return "Protect now" if self.action == "protect" else "Breakeven"

    @property
    def before(self) -> tuple[Position, ...] | None:
        return self._held

    def on(self, reading: Reading | None) -> GroupProtectionPlan:
        return replace(self, reading=reading)

    @cached_property
    def _held(self) -> tuple[Position, ...] | None:
        if self.reading is None or self.reading.holdings is None:
            return None
        positions = positions_by_account(self.reading.holdings, self.instrument,
                                         self.group.accounts)
        return tuple(p for p in positions.values() if not p.is_flat)

    @cached_property
    def _brackets(self) -> list[tuple[Position, Any]]:
        """Each member's Cancel and Bracket (or why it cannot be built)."""
        tick = self.quote.tick_size if self.quote else None
        built = []
        for position in self._held or ():
            try:
                built.append((position, protect_for(position, self.bracket,
                                                    position.average_price, tick, self.quote)))
            except InvalidOrder as invalid:
                built.append((position, invalid))
        return built

    def blocker(self) -> str:
        if self._held is None:
            return f"Reading the positions of {self.group.name}…"
        if not self._held:
            return f"No member of {self.group.name} holds {self.instrument}: nothing to " \
                   f"{'protect' if self.action == 'protect' else 'move'}."
        if self.quote is None or not self.quote.tick_size:
            return "Waiting for the market: the tick size is not known yet."
        needed = 2 * len(self._held)  # each member's request and its read
        if self.budget_left is not None and self.budget_left < needed:
            return (f"{self.noun} on {self.group.name} needs {needed} requests at once; the "
                    f"budget has {int(self.budget_left)}. Wait a few seconds.")
        if self.action == "protect":
            refused = next(((p, b) for p, b in self._brackets if isinstance(b, InvalidOrder)),
                           None)
            if refused is not None:
                return f"{refused[0].account}: {refused[1].problems[0].message}"
        return ""

    def preview(self) -> str:
        if not self._held:
            return ""
        if self.action == "protect":
            return " · ".join(f"{p.account}: {b.preview(None)}" for p, b in self._brackets
                              if not isinstance(b, InvalidOrder))
        plus = f" {self.plus_ticks:+d} t" if self.plus_ticks else ""
        return "Each member's stop to its own average price" + plus + ": " + ", ".join(
            f"{p.account} {p.describe()} @ {format_price(p.average_price)}" for p in self._held)

    def request(self) -> MembersRequest:
        return MembersRequest(self.action, self.group, self.instrument, self._held or (),
                              self.bracket, self.plus_ticks, self.quote)


def protection_plan(action: str, form: FormState, bracket: Bracket, plus_ticks: int, *,
                    group: Group | None, guards: tuple[Guard, ...],
                    budget_left: float | None, order_id: str | None = None) -> Any:
    """The plan of ``action`` (``buy``, ``sell``, ``protect``, ``breakeven``, or ``raise`` /
    ``lower`` of the leg ``order_id``) on the selection (``form``'s account and instrument,
    or ``group``)."""
    if action in NUDGES:
        if group is not None or order_id is None:
            return OneAccountPlan(action, "MOVE", "Move")
        return NudgePlan(form.account, order_id, NUDGES[action], form.quote)
    if action in ENTRY_ACTIONS:
        side = ENTRY_ACTIONS[action]
        if group is not None:
            return replace(group_plan(Intent.ENTER, form, group, ExitChoices(), budget_left,
                                      side), guards=guards)
        return EntryPlan(form, side, bracket, guards)
    if group is not None:
        return GroupProtectionPlan(action, group, form.instrument, bracket, plus_ticks,
                                   form.quote, budget_left)
    if action == "protect":
        return ProtectPlan(form.account, form.instrument, bracket, form.quote, guards)
    return BreakevenPlan(form.account, form.instrument, plus_ticks, form.quote)
