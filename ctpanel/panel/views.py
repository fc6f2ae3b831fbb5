"""The panel's events, and what they carry: small frozen values a view shows as they are,
Qt-free.

Words live here too (the band, the title), so a window only copies them onto its widgets.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ctpanel.core.form import FormState
from ctpanel.core.payloads import OrderInfo
from ctpanel.panel.events import Events
from ctpanel.panel.plans import Action, ExitPlan
from ctpanel.panel.status import ConnectionStatus
from ctpanel.panel.ticket import Arming, Plan, Ticket

MODE_BANDS = {
    "demo": "DEMO — simulated account and prices; nothing reaches NinjaTrader",
    "live": "LIVE — orders go to NinjaTrader through CrossTrade",
}


@dataclass(frozen=True)
class ModeView:
    """The band and the title: mode ("starting", "demo" or "live"), armed or not."""

    mode: str
    band: str
    title: str
    armed: bool

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


def ticket_state(ticket: Ticket, form: FormState, exits: dict[str, Plan],
                 account: str, reverse: Plan | None = None, group: str = "") -> TicketState:
    """What the ticket says for the form (or ``reverse``: a group's) and each exit's plan
    (the ticket idle)."""
    arming = ticket.arming(reverse if reverse is not None else form)
    # One message per problem: the first is the reason under the button, any others stand by
    # the fields.
    others = [p.message for p in form.check().problems if p.message != arming.reason]
    others += [warning for warning in form.warnings() if warning != arming.reason]
    cancel = ExitPlan(Action.CANCEL, form.account, form.instrument).on(ticket.reading)
    working = cancel.before.orders_in(form.instrument) if cancel.before is not None else None
    return TicketState(arming, arming.preview, " ".join(others),
                       {name: ticket.arming(plan) for name, plan in exits.items()}, working,
                       account, group)


@dataclass(frozen=True)
class HotkeyView:
    armed: bool
    chord: str  # the global combination, "Ctrl+Alt+R"
    note: str  # why it is on or off, in plain words
    arm_shortcut: str  # the panel's own shortcut that arms and disarms it
    close_chord: str = ""  # the global Close combination beside it ("" when there is none)


@dataclass(frozen=True)
class StatusView:
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
        "follow",  # Action, quantity: the mirror of a new position, for the form
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
        "running",  # bool: started (the view's timers run) or shutting down
    )
