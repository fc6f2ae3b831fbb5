"""A prop firm's rules for one account or group, Qt-free: the daily loss limit, the trailing
drawdown, the contract cap in mini-equivalents, the flat-by time, news windows and no hedge
(reference 12.4), and the firm presets to start from.

Figures change: every preset says "check your firm's current rules". Times are wall-clock
times in a named time zone (``17:00 America/Chicago``), so a window means the same on a laptop
in Berlin as at the firm's desk.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from datetime import time as clock_time
from enum import StrEnum
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

PRESET_CAVEAT = "check your firm's current rules"
MAX_MONEY_RULE = 10_000_000.0  # a limit beyond this is a typo
MAX_CONTRACTS_RULE = 1000.0
MAX_NEWS_WINDOWS = 50
MAX_NEWS_MINUTES = 120

# Mini roots and their micros (reference 12.4): a micro is 1/10 of its mini.
RELATED_ROOTS = {"ES": "MES", "NQ": "MNQ", "YM": "MYM", "RTY": "M2K", "CL": "MCL",
                 "GC": "MGC"}
MICROS = {micro: mini for mini, micro in RELATED_ROOTS.items()}


class LossBasis(StrEnum):
    """What counts toward the daily loss limit."""

    TOTAL = "realized+open"  # realised plus open P&L (most firms)
    REALIZED = "realized"  # realised only


class TrailBasis(StrEnum):
    """How the trailing drawdown's high is taken."""

    INTRADAY = "intraday"  # the session's high of net liquidation, open P&L included
    END_OF_DAY = "end-of-day"  # the day's starting balance: it does not trail inside the day


@dataclass(frozen=True)
class WallTime:
    """A time of day in a named zone: ``17:00 America/Chicago``."""

    at: clock_time
    zone: str = "America/New_York"

    def __str__(self) -> str:
        return f"{self.at:%H:%M} {self.zone}"

    def on_day_of(self, now: datetime) -> datetime:
        """This time on ``now``'s date in its own zone (as an aware datetime)."""
        local = now.astimezone(ZoneInfo(self.zone))
        return local.replace(hour=self.at.hour, minute=self.at.minute, second=0,
                             microsecond=0)

    def next_after(self, now: datetime) -> datetime:
        """The first moment at this wall time strictly after ``now``."""
        today = self.on_day_of(now)
        return today if today > now else (today + timedelta(days=1)).replace(
            hour=self.at.hour, minute=self.at.minute)


@dataclass(frozen=True)
class NewsWindow:
    """No entry from ``minutes`` before ``at`` to ``minutes`` after it (FOMC, NFP, CPI)."""

    at: WallTime
    minutes: int = 1
    label: str = ""

    def __str__(self) -> str:
        name = f"{self.label} " if self.label else ""
        return f"{name}{self.at} ±{self.minutes} min"

    def span(self, now: datetime) -> tuple[datetime, datetime]:
        centre = self.at.on_day_of(now)
        margin = timedelta(minutes=self.minutes)
        return centre - margin, centre + margin


@dataclass(frozen=True)
class RiskRules:
    """The rules of one account or group; None: that rule is not set."""

    preset: str | None = None
    daily_loss: float | None = None
    loss_basis: LossBasis = LossBasis.TOTAL
    trailing_drawdown: float | None = None
    trail_basis: TrailBasis = TrailBasis.INTRADAY
    max_contracts: float | None = None  # in mini-equivalents
    micro_counts: float = 0.1  # what one micro counts for against the cap (Topstep: 1)
    flat_by: WallTime | None = None
    reset_at: WallTime = WallTime(clock_time(17, 0), "America/Chicago")  # the session's reset
    news: tuple[NewsWindow, ...] = field(default_factory=tuple)
    no_hedge: bool = False
    warn_minutes: int = 15  # the preview's "within the next N minutes"

    @property
    def is_empty(self) -> bool:
        return self == RiskRules(preset=self.preset)

    def with_changes(self, **changes) -> RiskRules:
        return replace(self, **changes)

    def summary(self) -> list[str]:
        """The rules in words, one per line."""
        lines = []
        if self.preset:
            known = PRESETS.get(self.preset)
            lines.append(f"Preset {known.preset_name if known else self.preset} "
                         f"({PRESET_CAVEAT})")
        if self.daily_loss is not None:
            lines.append(f"Daily loss limit ${self.daily_loss:,.0f} ({self.loss_basis.value})")
        if self.trailing_drawdown is not None:
            lines.append(f"Trailing drawdown ${self.trailing_drawdown:,.0f} "
                         f"({self.trail_basis.value})")
        if self.max_contracts is not None:
            lines.append(f"Max {self.max_contracts:g} minis (a micro counts "
                         f"{'1' if self.micro_counts >= 1 else '1/10'})")
        if self.flat_by is not None:
            lines.append(f"Flat by {self.flat_by}")
        lines += [f"News {window}" for window in self.news]
        if self.no_hedge:
            lines.append("No hedge across accounts")
        return lines or ["No rules set"]


@dataclass(frozen=True)
class Preset:
    """A firm's rules to start from, with the name it is shown by."""

    preset_name: str
    rules: RiskRules


def _wall(hhmm: str, zone: str) -> WallTime:
    hours, minutes = hhmm.split(":")
    return WallTime(clock_time(int(hours), int(minutes)), zone)


# 50K accounts, as reference 12.4 reads them (third-party unless the firm documents it).
PRESETS: dict[str, Preset] = {
    "apex": Preset("Apex", RiskRules(
        preset="apex", trailing_drawdown=2500.0, trail_basis=TrailBasis.INTRADAY,
        max_contracts=4.0, micro_counts=0.1, no_hedge=True,
        flat_by=_wall("16:59", "America/New_York"),
        reset_at=_wall("18:00", "America/New_York"))),
    "topstep": Preset("Topstep", RiskRules(
        preset="topstep", daily_loss=1000.0, loss_basis=LossBasis.TOTAL,
        trailing_drawdown=2000.0, trail_basis=TrailBasis.END_OF_DAY, max_contracts=5.0,
        micro_counts=1.0, no_hedge=True, flat_by=_wall("15:10", "America/Chicago"),
        reset_at=_wall("17:00", "America/Chicago"))),
    "take profit trader": Preset("Take Profit Trader", RiskRules(
        preset="take profit trader", trailing_drawdown=2500.0,
        trail_basis=TrailBasis.INTRADAY, max_contracts=6.0, micro_counts=0.1, no_hedge=True,
        flat_by=_wall("17:00", "America/New_York"),
        reset_at=_wall("18:00", "America/New_York"))),
    "myfundedfutures": Preset("MyFundedFutures", RiskRules(
        preset="myfundedfutures", trailing_drawdown=2000.0, trail_basis=TrailBasis.END_OF_DAY,
        max_contracts=5.0, micro_counts=0.1, no_hedge=True,
        flat_by=_wall("16:10", "America/New_York"),
        reset_at=_wall("18:00", "America/New_York"))),
}
PRESET_ALIASES = {"tpt": "take profit trader", "takeprofittrader": "take profit trader",
                  "mffu": "myfundedfutures", "my funded futures": "myfundedfutures"}


def preset(name: str) -> RiskRules:
    """A firm's preset by name (any case, ``tpt``, ``mffu``); ValueError names the choices."""
    key = " ".join(name.strip().lower().split())
    key = PRESET_ALIASES.get(key, PRESET_ALIASES.get(key.replace(" ", ""), key))
    if key not in PRESETS:
        raise ValueError(f"no preset {name!r}: choose one of "
                         f"{', '.join(p.preset_name for p in PRESETS.values())}")
    return PRESETS[key].rules


def parse_wall_time(text: str) -> WallTime:
    """``15:10 America/Chicago`` (or ``15:10 CT``/``ET``); ValueError in words."""
    aliases = {"CT": "America/Chicago", "CST": "America/Chicago", "CDT": "America/Chicago",
               "ET": "America/New_York", "EST": "America/New_York",
               "EDT": "America/New_York", "UTC": "UTC"}
    parts = text.strip().split()
    if len(parts) != 2 or len(text) > 64:
        raise ValueError(f"{text[:40]!r} is not a time with its zone, e.g. 15:10 America/Chicago")
    hhmm, zone = parts
    zone = aliases.get(zone.upper(), zone)
    try:
        hours, minutes = (int(x) for x in hhmm.split(":"))
        at = clock_time(hours, minutes)
    except ValueError:
        raise ValueError(f"{hhmm!r} is not a time of day (HH:MM)") from None
    try:
        ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"{zone!r} is not a time zone (e.g. America/Chicago)") from None
    return WallTime(at, zone)


def parse_news(text: str) -> tuple[NewsWindow, ...]:
    """News windows pasted one per line: ``08:30 America/New_York ±2 CPI`` (the ± part and
    the label optional; ``+-2`` or ``2`` read as ±2). ValueError names the line."""
    windows = []
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if len(lines) > MAX_NEWS_WINDOWS:
        raise ValueError(f"{len(lines)} news windows: at most {MAX_NEWS_WINDOWS}")
    for number, line in enumerate(lines, start=1):
        parts = line.split()
        try:
            at = parse_wall_time(" ".join(parts[:2]))
            minutes, label_parts = 1, parts[2:]
            if label_parts:
                margin = label_parts[0].lstrip("±+-")
                if margin.isdigit():
                    minutes, label_parts = int(margin), label_parts[1:]
            if not 0 <= minutes <= MAX_NEWS_MINUTES:
                raise ValueError(f"±{minutes} min is over {MAX_NEWS_MINUTES}")
        except (ValueError, IndexError) as error:
            raise ValueError(f"line {number} ({line[:40]!r}): {error}") from None
        windows.append(NewsWindow(at, minutes, " ".join(label_parts)[:40]))
    return tuple(windows)


# --- roots ------------------------------------------------------------------------------------


def root_of(instrument: str) -> str:
    """``ES 12-26`` -> ``ES``; ``MES`` -> ``MES``."""
    return instrument.strip().split(" ")[0].upper().rstrip("!").rstrip("1") or instrument


def family_of(instrument: str) -> str:
    """The mini a root belongs to: ``MES`` and ``ES`` are both ``ES``."""
    root = root_of(instrument)
    return MICROS.get(root, root)


def is_micro(instrument: str) -> bool:
    """Whether ``instrument`` is a micro (``MES``, ``MNQ``, ``M2K``...)."""
    return root_of(instrument) in MICROS


def mini_equivalents(instrument: str, contracts: int, rules: RiskRules) -> float:
    """What ``contracts`` of ``instrument`` count against the cap."""
    return contracts * (rules.micro_counts if is_micro(instrument) else 1.0)
