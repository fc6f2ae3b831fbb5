"""What each action on the ticket would send, and its preview, in plain words. Qt-free.

The :class:`~ctpanel.panel.ticket.Ticket` holds the rules every action shares (a fresh picture
of this backend, account and instrument read after the last order; one intent, one request);
a plan holds what only its action knows: what blocks it on that picture, what it will do, the
request it builds. Plans are values: the ticket gives each its own reading with :meth:`on`.

- :class:`ReversePlan` (in :mod:`.ticket`, its default): the order form.
- :class:`ExitPlan`: Close (all or a part), Flatten the account (or only this instrument),
  Cancel working orders (one, or all in this instrument).
- :class:`EverythingPlan`: Flatten every account. It always asks, after a listing is read.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import StrEnum
from functools import cached_property

from ctpanel.core.desk.groups import vetted
from ctpanel.core.domain.exits import (
    ExitOrder,
    Picture,
    closing_size,
    count_words,
    order_words,
)
from ctpanel.core.domain.form import FormState
from ctpanel.core.domain.groups import (
    Group,
    GroupPlan,
    plan_group,
    positions_by_account,
)
from ctpanel.core.domain.models import OrderSide, Quote, ReverseOrder
from ctpanel.core.domain.states import Intent
from ctpanel.core.errors import InvalidOrder
from ctpanel.core.risk.guard import Guard
from ctpanel.panel.ticket import STANDARD_GUARDS, Plan, Reading, ReversePlan

__all__ = [
    "EverythingPlan",
    "EverythingRequest",
    "ExitChoices",
    "ExitPlan",
    "GroupTicketPlan",
    "Intent",
    "Portion",
    "ReversePlan",
    "make_plan",
]


class Portion(StrEnum):
    """How much of the position a Close takes."""

    ALL = "all"
    HALF = "1/2"
    THIRD = "1/3"
    QUANTITY = "quantity"

    @property
    def fraction(self) -> float | None:
        return {Portion.HALF: 0.5, Portion.THIRD: 1 / 3}.get(self)


@dataclass(frozen=True)
class ExitChoices:
    """What the trader chose for the exits: how much to close, what a flatten covers."""

    portion: Portion = Portion.ALL
    quantity: int = 1  # with Portion.QUANTITY
    flatten_instrument_only: bool = False

    def portion_of_close(self) -> tuple[int | None, float | None]:
        """(quantity, percent) of a Close; (None, None) closes everything."""
        if self.portion is Portion.QUANTITY:
            return self.quantity, None
        return None, self.portion.fraction

    @property
    def close_words(self) -> str:
        """What CLOSE takes, on its button: ``CLOSE ALL``, ``CLOSE 1/2``, ``CLOSE 3``."""
        if self.portion is Portion.QUANTITY:
            return f"CLOSE {self.quantity}"
        return "CLOSE ALL" if self.portion is Portion.ALL else f"CLOSE {self.portion.value}"


@dataclass(frozen=True)
class ExitPlan:
    """Close, Flatten or Cancel on the ticket's picture of the account."""

    action: Intent
    account: str
    instrument: str
    choices: ExitChoices = ExitChoices()
    order_id: str | None = None  # Cancel: this one order (else all in the instrument)
    reading: Reading | None = None

    @property
    def label(self) -> str:
        return {Intent.CLOSE: self.choices.close_words, Intent.FLATTEN: "FLATTEN",
                Intent.CANCEL: "CANCEL"}[self.action]

    @property
    def noun(self) -> str:
        return self.action.value.capitalize()

    def on(self, reading: Reading | None) -> ExitPlan:
        return replace(self, reading=reading)

    @property
    def before(self) -> Picture | None:
        if self.reading is None:
            return None
        return Picture(self.account, self.reading.position, self.reading.holdings,
                       self.reading.working)

    def problem(self) -> str:
        if self.action is Intent.CLOSE and self.choices.portion is Portion.QUANTITY \
                and self.choices.quantity < 1:
            return "The quantity to close must be at least 1."
        return ""

    def blocker(self) -> str:
        picture = self.before
        if picture is None:
            return "Waiting for the position in this instrument."
        scope = self._scope()
        if self.action is Intent.CLOSE:
            if picture.position.is_flat:
                return f"Flat in {self.instrument}: nothing to close."
            return ""
        working = picture.orders_in(scope)
        if working is None:
            return "Reading the working orders…"
        if self.action is Intent.CANCEL:
            if self.order_id is not None:
                if not any(o.order_id == self.order_id for o in working):
                    return f"Order {self.order_id} is no longer working."
                return ""
            return "" if working else f"No working orders in {self.instrument}."
        positions = picture.positions_in(scope)
        if positions is None:
            return f"Reading the positions on {self.account}…"
        if not positions and not working:
            where = f"in {self.instrument} " if scope else ""
            return f"Nothing to flatten {where}on {self.account}."
        return ""

    def preview(self) -> str:
        picture = self.before
        if picture is None:
            return ""
        if self.action is Intent.CLOSE:
            return self._close_preview(picture)
        if self.action is Intent.CANCEL:
            return self._cancel_preview(picture)
        return self._flatten_preview(picture)

    def request(self) -> ExitOrder:
        kind = self.action
        if self.action is Intent.CLOSE:
            quantity, percent = self._portion()
            return ExitOrder(kind, self.account, self.instrument, quantity=quantity,
                             percent=percent)
        if self.order_id is not None:
            return ExitOrder(kind, self.account, order_id=self.order_id)
        return ExitOrder(kind, self.account, self._scope())

    def needs_confirming(self) -> str:
        return ""

    # --- the words ------------------------------------------------------------------------

    def _scope(self) -> str | None:
        """The instrument the request is narrowed to (None: the whole account)."""
        if self.action is Intent.FLATTEN and not self.choices.flatten_instrument_only:
            return None
        return self.instrument

    def _portion(self) -> tuple[int | None, float | None]:
        return self.choices.portion_of_close()

    def _close_preview(self, picture: Picture) -> str:
        position = picture.position
        if position.is_flat:
            return ""
        quantity, percent = self._portion()
        size = closing_size(position.quantity, quantity, percent)
        working = picture.orders_in(self.instrument)
        if size >= position.quantity:
            after = "Flat"
            orders = ("working orders not read" if working is None else
                      f"cancels {count_words(len(working))}" if working else
                      "no working orders")
        else:
            after = f"{position.side.value} {position.quantity - size}"
            orders = ("working orders not read" if working is None else
                      f"the {count_words(len(working))} stay" if working else
                      "no working orders")
        return f"{position.describe()} -> {after} ({orders})"

    def _cancel_preview(self, picture: Picture) -> str:
        working = picture.orders_in(self.instrument) or ()
        if self.order_id is not None:
            chosen = [o for o in working if o.order_id == self.order_id]
            return f"Cancel {order_words(chosen[0])}" if chosen else ""
        return f"Cancel {count_words(len(working))} in {self.instrument}" if working else ""

    def _flatten_preview(self, picture: Picture) -> str:
        scope = self._scope()
        positions = picture.positions_in(scope)
        working = picture.orders_in(scope)
        held = ("positions not read" if positions is None else
                ", ".join(p.describe() if scope else f"{p.describe()} {p.instrument}"
                          for p in positions) or "no position")
        orders = ("working orders not read" if working is None else
                  count_words(len(working)))
        where = f"{scope} on {self.account}" if scope else self.account
        return f"Flatten {where}: {held}, {orders}"


@dataclass(frozen=True)
class GroupTicketPlan:
    """An action on every member of a group, each on its own position, all read in one
    ``GET /positions`` with the ticket's reading (its ``holdings``)."""

    action: Intent
    group: Group
    instrument: str
    entry: ReverseOrder | None = None  # the form's order type, prices, ATM template
    entry_problem: str = ""  # why the form cannot give one
    choices: ExitChoices = ExitChoices()
    budget_left: float | None = None
    reading: Reading | None = None
    guards: tuple[Guard, ...] = STANDARD_GUARDS  # each member's request passes them
    side: OrderSide | None = None  # an entry's: BUY or SELL
    quote: Quote | None = None  # the market at the press: each member's bracket's tick grid
    left_out: frozenset[str] = frozenset()  # members the trader chose to leave out

    @property
    def label(self) -> str:
        if self.side is not None:
            return self.side.value
        return self.choices.close_words if self.action is Intent.CLOSE \
            else self.action.value.upper()

    @property
    def noun(self) -> str:
        return f"Group {self.action.value}"

    def on(self, reading: Reading | None) -> GroupTicketPlan:
        return replace(self, reading=reading)

    @cached_property
    def plan(self) -> GroupPlan | None:
        if self.reading is None or self.reading.holdings is None:
            return None
        positions = positions_by_account(self.reading.holdings, self.instrument,
                                         self.group.accounts)
        plan = vetted(plan_group(self.group, self.action, self.instrument,
                                 positions, self.entry,
                                 flatten_instrument_only=self.choices.flatten_instrument_only,
                                 close_portion=self.choices.portion_of_close()), self.guards)
        return plan.leaving_out(self.left_out) if self.left_out else plan

    @property
    def before(self) -> GroupPlan | None:
        return self.plan

    def problem(self) -> str:
        return self.entry_problem if self.action in (Intent.REVERSE, Intent.ENTER) else ""

    def blocker(self) -> str:
        if self.plan is None:
            return f"Reading the positions of {self.group.name}…"
        return self.plan.blocker(self.budget_left)

    def preview(self) -> str:
        return self.plan.preview() if self.plan is not None else ""

    def request(self) -> GroupPlan | None:
        return self.plan

    def needs_confirming(self) -> str:
        return ""


def make_plan(action: Intent, form: FormState, *, group: Group | None = None,
              choices: ExitChoices = ExitChoices(), budget_left: float | None = None,
              order_id: str | None = None,
              guards: tuple[Guard, ...] = STANDARD_GUARDS) -> Plan:
    """The plan of ``action`` on the selection (``form``'s account and instrument, or
    ``group``), judged by ``guards`` (the desk's)."""
    if action is Intent.EVERYTHING:
        return EverythingPlan()
    if group is not None:
        return replace(group_plan(action, form, group, choices, budget_left), guards=guards)
    if action is Intent.REVERSE:
        return ReversePlan(form, guards)
    return ExitPlan(action, form.account, form.instrument, choices, order_id)


def group_plan(action: Intent, form: FormState, group: Group, choices: ExitChoices,
               budget_left: float | None, side: OrderSide | None = None) -> GroupTicketPlan:
    """Every member's step; a reverse takes the form's order type, prices and template (each
    member at its own side and size), an entry (``side``) the form's quantity too (each
    member at its own size rule)."""
    entry, problem = None, ""
    if action in (Intent.REVERSE, Intent.ENTER):
        try:
            entry = replace(form, mirror=False, account=group.accounts[0],
                            action=side or OrderSide.SELL,
                            quantity=form.quantity if side else 1, position=None).order()
        except InvalidOrder as invalid:
            problem = invalid.problems[0].message
    return GroupTicketPlan(action, group, form.instrument, entry, problem, choices,
                           budget_left, side=side, quote=form.quote)


@dataclass(frozen=True)
class EverythingRequest:
    """Flatten every account: built only here, sent only after its listing is confirmed."""


@dataclass(frozen=True)
class EverythingPlan:
    """Flatten everything: every account, only ever after a confirmation listing what it closes."""

    action = Intent.EVERYTHING
    label = "FLATTEN EVERYTHING"
    noun = "Flatten everything"
    before = None

    def on(self, reading: Reading | None) -> EverythingPlan:
        return self

    def problem(self) -> str:
        return ""

    def blocker(self) -> str:
        return ""

    def preview(self) -> str:
        return "Every position and working order in every account"

    def request(self) -> EverythingRequest:
        return EverythingRequest()

    def needs_confirming(self) -> str:
        return "Flatten everything always asks, with the list of what it closes."
