"""The panel's events, and what they carry: small frozen values a view shows as they are,
Qt-free.

Words live here too (the band, the title), so a window only copies them onto its widgets.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from ctpanel.core.domain.form import FormState
from ctpanel.core.domain.groups import GroupPlan
from ctpanel.core.domain.models import OrderInfo
from ctpanel.core.domain.states import Intent
from ctpanel.panel.events import Events
from ctpanel.panel.glance import MemberRisk, MemberRow, member_rows
from ctpanel.panel.plans import ExitPlan, GroupTicketPlan
from ctpanel.panel.status import ConnectionStatus
from ctpanel.panel.ticket import Arming, Plan, Ticket

MODE_BANDS = {
    "demo": "DEMO — simulated account and prices; nothing reaches NinjaTrader",
    "live": "LIVE — orders go to NinjaTrader through CrossTrade",
}
SHORT_BANDS = {  # the same, for a narrow window: the mode's word is never cut
    "demo": ("DEMO — simulated; nothing reaches NinjaTrader", "DEMO — simulated", "DEMO"),
    "live": ("LIVE — orders go to NinjaTrader", "LIVE"),
}


@dataclass(frozen=True)
class ModeView:
    """The band and the title: mode ("starting", "demo" or "live"), armed or not."""

    mode: str
    band: str
    title: str
    armed: bool

    @property
    def bands(self) -> tuple[str, ...]:
        """The band's wordings, longest first."""
        if self.mode not in SHORT_BANDS:
            return (self.band,)
        prefix = self.band.partition("·")[0] + "·  " if self.armed else ""
        return (self.band, *(prefix + short for short in SHORT_BANDS[self.mode]))

    @classmethod
    def of(cls, mode: str | None, account: str, armed: bool, chord: str) -> ModeView:
        if mode is None:
            return cls("starting", "Starting…", "ctpanel — starting", False)
        band = MODE_BANDS[mode]
        if armed:
            band = f"HOTKEY ARMED ({chord})  ·  {band}"
        prefix = "HOTKEY ARMED — " if armed else ""
        return cls(mode, band, f"{prefix}ctpanel — {mode.upper()} — {account or 'no account'}",
                   armed)


@dataclass(frozen=True)
class TicketState:
    """REVERSE, its reason and the preview; ``problems`` are the other form problems, shown by
    the fields. ``preview`` and ``problems`` are None on the click path: left as shown.

    ``exits``: each exit's button ("close", "flatten", "cancel": all in the instrument), its
    reason and preview. ``working``: the instrument's working orders (None: not known).
    ``account``: the account and its kind, "Sim101: simulation account"."""

    arming: Arming
    preview: str | None
    problems: str | None
    exits: dict[str, Arming] = field(default_factory=dict)
    working: tuple[OrderInfo, ...] | None = None
    account: str = ""
    group: str = ""  # the group selected in the account's place ("" for an account)
    members: tuple[MemberRow, ...] = ()  # a group's rows, one per member
    group_summary: str = ""  # "Apex PA: REVERSE acts on 4 of 5 (skipped: APEX-3)"
    problem_fields: frozenset[str] = frozenset()  # the form's fields that hold a problem
    leave_out: str = ""  # "Send to 4 of 5: APEX-3: …": the red members the trader may leave out


def ticket_state(ticket: Ticket, form: FormState, exits: dict[str, Plan],
                 account: str, reverse: Plan | None = None, group: str = "",
                 risk: MembersRisk | None = None) -> TicketState:
    """What the ticket says for the form (or ``reverse``: a group's) and each exit's plan
    (the ticket idle)."""
    arming = ticket.arming(reverse if reverse is not None else form)
    # One message per problem: the first is the reason under the button, any others stand by
    # the fields.
    problems = form.check().problems
    others = [p.message for p in problems if p.message != arming.reason]
    others += [warning for warning in form.warnings() if warning != arming.reason]
    cancel = ExitPlan(Intent.CANCEL, form.account, form.instrument).on(ticket.reading)
    working = cancel.before.orders_in(form.instrument) if cancel.before is not None else None
    members, summary, offer = _group_rows(ticket, reverse, exits.get(Intent.CLOSE.value), risk)
    fields = frozenset(p.field for p in problems)
    return TicketState(arming, arming.preview, " ".join(others),
                       {name: ticket.arming(plan) for name, plan in exits.items()}, working,
                       account, group, members, summary, fields, offer)


def _group_rows(ticket: Ticket, reverse: Plan | None, close: Plan | None,
                risk: MembersRisk | None) -> tuple[tuple[MemberRow, ...], str, str]:
    """A group's rows, its one-line summary and the offer to leave out its red members, from
    the plans on the ticket's read."""
    if not isinstance(reverse, GroupTicketPlan):
        return (), "", ""
    reverse_plan = reverse.on(ticket.reading).plan
    close_plan = close.on(ticket.reading).plan if isinstance(close, GroupTicketPlan) else None
    if reverse_plan is None:
        return (), f"{reverse.group.name}: reading every member's position…", ""
    acting = len(reverse_plan.requests)
    skipped = [step.member.account for step in reverse_plan.steps if step.skipped]
    summary = f"{reverse.group.name}: REVERSE acts on {acting} of {len(reverse_plan.steps)}"
    if skipped:
        summary += f" (skipped: {', '.join(skipped)})"
    said = risk(reverse_plan) if risk is not None else None
    return member_rows(reverse_plan, close_plan, said), summary, reverse_plan.send_words()


# What the risk part says of each member of a group plan (:class:`MemberRisk` by account).
MembersRisk = Callable[[GroupPlan], dict[str, MemberRisk]]


@dataclass(frozen=True)
class HotkeyView:
    """What the hotkey line shows: the chords, armed or not, and why."""

    armed: bool
    chord: str  # the global combination, "Ctrl+Alt+R"
    note: str  # why it is on or off, in plain words
    arm_shortcut: str  # the panel's own shortcut that arms and disarms it
    close_chord: str = ""  # the global Close combination beside it ("" when there is none)
    buy_chord: str = ""  # the global BUY and SELL ones, likewise
    sell_chord: str = ""


@dataclass(frozen=True)
class StatusView:
    """What the status lights show, each with its words."""

    status: ConnectionStatus
    budget: str  # "Budget 12/20", "Budget –", "Budget 0 — rate limited"


class PanelEvents(Events):
    """What a view can subscribe to; each carries what to show (see :mod:`.views`)."""

    names = (
        "mode",  # ModeView: the band and the title
        "backend_changed",  # Backend: a new one is attached
        "status",  # StatusView: the lights and the budget
        "hotkey",  # HotkeyView: the global hotkey's switch
        "ticket",  # TicketState: REVERSE, its reason, the preview, the form's problems
        "position",  # Position | None: the figure shown (None: unknown)
        "position_note",  # str: where the figure shown came from, or why it is not updated
        "clock",  # bool: once a second; whether the figure shown is stale
        "market",  # MarketState: the quote line and the P&L
        "accounts",  # list[Account], the selected account's name
        "instruments",  # open ones, recent ones, the selected one
        "follow",  # Intent, quantity: the mirror of a new position, for the form
        "prices_cleared",  # the prices typed for another instrument mean nothing here
        "tick",  # float | None: the instrument's tick size
        "prefill",  # limit, stop: prices from the market for a newly picked order type
        "strategies",  # list[str]: recent ATM strategy names
        "options",  # Options: the preferences were (re)read
        "order_accepted",  # OrderResult (or an exit's ExitResult), the moment CrossTrade answers
        "order_finished",  # ReverseReport, ExitReport, ExitResult, GroupReport, or the CtError
        "group_member",  # MemberOutcome: one member's row of a group action, as it lands
        "wake_in",  # float: seconds until the ticket changes by itself (re-arm, staleness)
        "token_needed",  # going live needs a token: open the token dialog
        "reconciled",  # str: an earlier run's unanswered order, read back, in words
        "protection",  # Protection | None: the selected position's, UNPROTECTED and why
        "bracket",  # Bracket: the ticks the ticket starts with for a newly picked account
        "running",  # bool: started (the view's timers run) or shutting down
        "risk",  # AccountRisk | None: the selected account's P&L today, room and lock
    )
