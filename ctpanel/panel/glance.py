"""What the window shows at a glance, in words, Qt-free: the position line (longest wording
first, so a narrow window shortens the words before it loses a figure), the header of the
folded order details, and a group's rows, one per member.

Each is a pure function of values the panel already holds; the widgets only copy the words.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from ctpanel.core.domain.form import FormState
from ctpanel.core.domain.groups import GroupPlan
from ctpanel.core.domain.models import Position
from ctpanel.core.domain.plausibility import plausible_money
from ctpanel.core.domain.pricing import format_price

DETAIL_FIELDS = frozenset({"order_type", "time_in_force", "limit_price", "stop_price",
                           "oco_id", "strategy"})


def position_texts(position: Position | None, pnl: tuple[float, float | None] | None,
                   age_s: float | None, *, stale: bool = False) -> tuple[str, ...]:
    """The position line, from its longest wording to its shortest. Every wording keeps every
    figure: side, size, average, open P&L in currency and ticks, and the read's age."""
    if position is None:
        return ("Position unknown", "Unknown", "?")
    ages = _age_words(age_s, stale)
    if position.is_flat:
        return tuple(f"FLAT{sep}{age}" if age else "FLAT"
                     for sep, age in ((" · ", ages[0]), (" · ", ages[1]), (" ", ages[2])))
    side = position.side.value.upper()
    average = format_price(position.average_price) if position.average_price else "?"
    money, ticks = _pnl_parts(pnl)
    long_form = (f"{side} {position.quantity} @ {average}", f"P&L {money}{ticks[0]}", ages[0])
    medium = (f"{side} {position.quantity} @ {average}", f"{money}{ticks[1]}", ages[1])
    short = (f"{side[0]}{position.quantity} @{average}", f"{money}{ticks[2]}", ages[2])
    return (_join(long_form, " · "), _join(medium, " · "), _join(short, " "))


def _age_words(age_s: float | None, stale: bool) -> tuple[str, str, str]:
    if age_s is None:
        return ("", "", "")
    seconds = f"{age_s:.0f}" if age_s >= 1.5 else "0"
    if stale:
        return (f"STALE, read {seconds} s ago", f"STALE {seconds} s", f"STALE {seconds}s")
    if age_s < 1.5:
        return ("read just now", "now", "now")
    return (f"read {seconds} s ago", f"{seconds} s ago", f"{seconds}s")


def _pnl_parts(pnl: tuple[float, float | None] | None) -> tuple[str, tuple[str, str, str]]:
    """The P&L's money and its ticks in three lengths ("P&L unknown" when it is not known)."""
    if pnl is None:
        return "unknown", ("", "", "")
    money, ticks = pnl
    if plausible_money(money) is None:
        return "unknown", ("", "", "")
    shown_money = f"{round(money, 2) + 0.0:+,.2f}"
    if ticks is None or not math.isfinite(ticks):
        return shown_money, ("", "", "")
    shown = round(ticks, 1) + 0.0
    plural = "" if abs(shown) == 1 else "s"
    return shown_money, (f" ({shown:+g} tick{plural})", f" ({shown:+g} t)", f" {shown:+g}t")


def _join(parts: tuple[str, ...], separator: str) -> str:
    return separator.join(part for part in parts if part)


def details_summary(form: FormState) -> str:
    """The folded order details' header: ``MARKET · DAY · no ATM``, with the prices in use."""
    parts = [form.order_type.value, form.time_in_force.value]
    for price, used in ((form.limit_price, form.order_type.needs_limit_price),
                        (form.stop_price, form.order_type.needs_stop_price)):
        if used:
            parts.append(format_price(price) if price else "no price")
    if form.oco_id.strip():
        parts.append("OCO")
    strategy = form.strategy.strip()
    parts.append(f"ATM {strategy}" if strategy else "no ATM")
    return " · ".join(parts)


@dataclass(frozen=True)
class MemberRow:
    """One member of the selected group, as its row in the group table shows it before any
    action: its position and open P&L as read, what REVERSE and CLOSE would do to it."""

    account: str
    position: str
    pnl: str
    reverse: str
    close: str
    risk: str = ""  # the breach preview of REVERSE, or the account's room; LOCKED first
    level: str = ""  # "green", "amber", "red" ("" when no rule applies)
    sync: str = ""  # "" in sync; else what it should hold and why


@dataclass(frozen=True)
class MemberRisk:
    """What the risk part says of one member: its preview's colour and words, its lock, and
    why it is out of sync ("" when in sync)."""

    level: str = ""
    words: str = ""
    sync: str = ""


def member_rows(reverse: GroupPlan | None, close: GroupPlan | None,
                risk: dict[str, MemberRisk] | None = None) -> tuple[MemberRow, ...]:
    """A row per member, from the two plans made on the same group read."""
    if reverse is None:
        return ()
    closes = {step.member.account: step for step in close.steps} if close else {}
    risk = risk or {}
    rows = []
    for step in reverse.steps:
        account = step.member.account
        before = step.before
        pnl = before.unrealized_pnl if before is not None else None
        said = risk.get(account, MemberRisk())
        rows.append(MemberRow(
            account, before.describe() if before is not None else "not read",
            f"{pnl + 0.0:+,.2f}" if pnl is not None and plausible_money(pnl) is not None
            else "–",
            _effect(step), _effect(closes[account]) if account in closes else "–",
            said.words, said.level, said.sync))
    return tuple(rows)


def _effect(step) -> str:
    """The member's step without its account: ``-> Short 2``, ``skipped (flat)``, or the guard
    that refuses it."""
    if step.skipped:
        return f"skipped ({step.skipped.partition(':')[0]})"
    words = step.words()
    own = words.removeprefix(step.member.account).strip()
    before = step.before.describe() if step.before else "?"
    return own.removeprefix(before).strip() if own.startswith(f"{before} ->") else own
