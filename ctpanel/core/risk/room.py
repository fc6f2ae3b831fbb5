"""The risk room: what the firm-rule guards know, all of it already read.

It holds the rules (``risk.json``), each account's latest figures, every account's positions as
last read, and the locks. The panel's risk reader and the CLI's one read feed it; the guards
(:mod:`ctpanel.core.risk.firm_rules`) and the breach preview ask it, and never read anything
themselves: the click path costs no request.

An account at its daily loss limit or its trailing floor is **locked** until its session's
reset: every entry is refused, a reverse included. The panel never flattens on its own; the
firm's systems do that (:data:`FIRM_FLATTENS`).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from ctpanel.core.domain.account_risk import FIGURES_FRESH_FOR_S, AccountFigures, money_words
from ctpanel.core.domain.groups import Group
from ctpanel.core.domain.models import Position
from ctpanel.core.domain.risk_rules import LossBasis, RiskRules, TrailBasis
from ctpanel.core.store.risk_file import RiskBook

FIRM_FLATTENS = "the firm's systems flatten at a limit; the panel never does"


def utc_now() -> datetime:
    """The wall clock, in UTC (a fake one in tests)."""
    return datetime.now(UTC)


@dataclass(frozen=True)
class Rooms:
    """An account's room to its loss limits, from fresh figures (None: no limit, or unknown)."""

    daily: float | None = None  # dollars before the daily loss limit
    trailing: float | None = None  # dollars above the trailing floor
    daily_words: str = ""
    trailing_words: str = ""

    @property
    def least(self) -> float | None:
        known = [v for v in (self.daily, self.trailing) if v is not None]
        return min(known) if known else None


def rules_with_broker(rules: RiskRules, figures: AccountFigures | None) -> RiskRules:
    """The trader's rules, with the broker's own limits where the trader set none (a limit
    the broker connection reports, reference 12.3)."""
    if figures is None:
        return rules
    changes = {}
    if rules.daily_loss is None and figures.daily_loss_limit:
        changes["daily_loss"] = figures.daily_loss_limit
    if rules.trailing_drawdown is None and figures.trailing_max_drawdown:
        changes["trailing_drawdown"] = figures.trailing_max_drawdown
    return rules.with_changes(**changes) if changes else rules


def rooms_of(rules: RiskRules, figures: AccountFigures) -> Rooms:
    """Room to the daily loss limit and above the trailing floor, from ``figures``."""
    daily = trailing = None
    daily_words = trailing_words = ""
    if rules.daily_loss is not None:
        basis = figures.realized if rules.loss_basis is LossBasis.REALIZED \
            else figures.pnl_today
        if basis is not None:
            daily = round(rules.daily_loss + basis, 2)
            daily_words = (f"daily loss room {money_words(daily)} of "
                           f"{money_words(rules.daily_loss)}")
    if rules.trailing_drawdown is not None and figures.net_liquidation is not None:
        high = _trail_high(rules, figures)
        if high is not None:
            floor = high - rules.trailing_drawdown
            trailing = round(figures.net_liquidation - floor, 2)
            trailing_words = f"{money_words(trailing)} above its trailing floor " \
                             f"{money_words(floor)}"
    return Rooms(daily, trailing, daily_words, trailing_words)


def _trail_high(rules: RiskRules, figures: AccountFigures) -> float | None:
    if rules.trail_basis is TrailBasis.INTRADAY:
        return figures.session_high if figures.session_high is not None \
            else figures.net_liquidation
    pnl = figures.pnl_today  # end of day: today's starting balance, not trailed inside the day
    return None if pnl is None else figures.net_liquidation - pnl


class RiskRoom:
    """Rules, figures, positions and locks, for the guards and the preview."""

    def __init__(self, book: RiskBook | None = None, groups: Iterable[Group] = (), *,
                 clock: Callable[[], float] = time.monotonic,
                 wall_clock: Callable[[], datetime] = utc_now,
                 on_lock: Callable[[RiskBook], None] | None = None,
                 fresh_for_s: float = FIGURES_FRESH_FOR_S) -> None:
        self.book = book or RiskBook()
        self.groups = tuple(groups)
        self.clock, self.wall_clock = clock, wall_clock
        self.on_lock = on_lock  # the book with a new lock: saved to risk.json by the owner
        self.fresh_for_s = fresh_for_s
        self.figures: dict[str, AccountFigures] = {}
        self.positions: dict[str, tuple[Position, ...]] = {}  # account -> its open positions
        self.positions_read_at: float | None = None
        self.armed = self._any_rule()  # any rule or lock at all (the guard's fast path)

    # --- what is known ------------------------------------------------------------------

    def set_book(self, book: RiskBook, groups: Iterable[Group] | None = None) -> None:
        self.book = book
        if groups is not None:
            self.groups = tuple(groups)
        self.armed = self._any_rule()

    def _any_rule(self) -> bool:
        book = self.book
        return bool(book.locks) or any(not rules.is_empty for rules in
                                       (*book.accounts.values(), *book.groups.values()))

    def rules_for(self, account: str) -> RiskRules:
        return rules_with_broker(self.book.rules_for(account, self.groups),
                                 self.figures.get(_key(account)))

    def has_rules(self, account: str) -> bool:
        return not self.book.rules_for(account, self.groups).is_empty

    def see_figures(self, figures: AccountFigures) -> None:
        """A fresh read of an account's figures; the session high is kept across reads, and
        an account found at a limit is locked until its reset."""
        before = self.figures.get(_key(figures.account))
        kept = figures.seen_with(before.session_high if before else None)
        self.figures[_key(figures.account)] = kept
        self._lock_if_at_limit(figures.account, kept)

    def see_session_high(self, account: str, high: float | None) -> None:
        figures = self.figures.get(_key(account))
        if figures is not None and high is not None:
            self.figures[_key(account)] = figures.seen_with(high)

    def see_positions(self, positions: Iterable[Position], accounts: Iterable[str] | None = None
                      ) -> None:
        """Open positions of every account read at once (``accounts``: those the read
        covered, flat ones included; None: every account is in ``positions``)."""
        fresh: dict[str, list[Position]] = {_key(a): [] for a in accounts or ()}
        for position in positions:
            if not position.is_flat:
                fresh.setdefault(_key(position.account), []).append(position)
        if accounts is None:
            self.positions = {}
        self.positions.update({k: tuple(v) for k, v in fresh.items()})
        self.positions_read_at = self.clock()

    def fresh_figures(self, account: str) -> AccountFigures | None:
        figures = self.figures.get(_key(account))
        if figures is None or not figures.is_fresh(self.clock(), self.fresh_for_s):
            return None
        return figures

    def positions_of(self, account: str) -> tuple[Position, ...] | None:
        """``account``'s open positions as last read (None: not read, or too long ago)."""
        if self.positions_read_at is None \
                or self.clock() - self.positions_read_at > self.fresh_for_s:
            return None
        return self.positions.get(_key(account), ())

    def others_positions(self, account: str) -> list[Position]:
        if self.positions_of(account) is None:
            return []
        return [p for name, held in self.positions.items() if name != _key(account)
                for p in held]

    # --- locks --------------------------------------------------------------------------

    def locked_until(self, account: str) -> datetime | None:
        return self.book.locked_until(account, self.wall_clock())

    def lock_reason(self, account: str) -> str | None:
        until = self.locked_until(account)
        if until is None:
            return None
        reset = self.rules_for(account).reset_at
        return f"LOCKED until the session's reset ({reset}): {FIRM_FLATTENS}"

    def _lock_if_at_limit(self, account: str, figures: AccountFigures) -> None:
        rules = self.rules_for(account)
        rooms = rooms_of(rules, figures)
        if rooms.least is None or rooms.least > 0 or self.locked_until(account):
            return
        until = rules.reset_at.next_after(self.wall_clock()).astimezone(UTC)
        self.book = self.book.without_expired(self.wall_clock()).with_lock(account, until)
        self.armed = True
        if self.on_lock is not None:
            self.on_lock(self.book)

    def rooms(self, account: str) -> Rooms | None:
        figures = self.fresh_figures(account)
        return None if figures is None else rooms_of(self.rules_for(account), figures)


def _key(account: str) -> str:
    return account.strip().lower()
