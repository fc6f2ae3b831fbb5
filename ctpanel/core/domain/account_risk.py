"""An account's figures for its risk: today's P&L, its net liquidation and the session's high,
as read from CrossTrade (reference 12.3), with when they were read.

A figure CrossTrade did not give, or gave as nonsense, is None: unknown, never zero. A firm's
limit of ``0.0`` means "not set here", so it is None too. Figures are only as good as their
age: past :data:`FIGURES_FRESH_FOR_S` they are shown as stale and a guard that needs them
refuses an entry rather than trust them.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

FIGURES_FRESH_FOR_S = 15.0  # three 5 s reads: one missed read is not yet "unknown"


@dataclass(frozen=True)
class AccountFigures:
    """One account's figures, read at ``read_at`` (the monotonic clock)."""

    account: str
    realized: float | None = None
    unrealized: float | None = None
    net_liquidation: float | None = None
    session_high: float | None = None  # of net liquidation (watermarks, or seen here)
    daily_loss_limit: float | None = None  # the broker's own, when it reports one
    trailing_max_drawdown: float | None = None
    read_at: float | None = None

    @property
    def pnl_today(self) -> float | None:
        """Realised plus open P&L (None when either is unknown)."""
        if self.realized is None or self.unrealized is None:
            return None
        return round(self.realized + self.unrealized, 2)

    def age_s(self, now: float) -> float | None:
        return None if self.read_at is None else max(0.0, now - self.read_at)

    def is_fresh(self, now: float, fresh_for_s: float = FIGURES_FRESH_FOR_S) -> bool:
        age = self.age_s(now)
        return age is not None and age <= fresh_for_s

    def seen_with(self, high: float | None) -> AccountFigures:
        """These figures with the session high kept: the highest of ``high`` (what was known
        before), the watermark read and the net liquidation now."""
        known = [v for v in (high, self.session_high, self.net_liquidation) if v is not None]
        return replace(self, session_high=max(known)) if known else self


def money_words(value: float | None) -> str:
    """``$1,250``, ``-$310.50``; ``?`` when unknown."""
    if value is None:
        return "?"
    sign = "-" if value < 0 else ""
    whole = abs(value)
    text = f"{whole:,.0f}" if round(whole, 2) == round(whole) else f"{whole:,.2f}"
    return f"{sign}${text}"
