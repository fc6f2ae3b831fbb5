"""``risk.json`` in the data folder: the rules of each account and group, and the accounts
locked until their session's reset; shared by the panel and the CLI.

Read tolerantly: a hand-edited file may hold anything; a rule that cannot be read is left
unset (and said in :attr:`RiskBook.unreadable`), never guessed. Saved whole through a
temporary file.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import Any

from ctpanel.core.domain.groups import Group
from ctpanel.core.domain.risk_rules import (
    MAX_CONTRACTS_RULE,
    MAX_MONEY_RULE,
    PRESETS,
    LossBasis,
    NewsWindow,
    RiskRules,
    TrailBasis,
    WallTime,
    parse_news,
    parse_wall_time,
)

RISK_FILE = "risk.json"
NULLABLE = ("daily_loss", "trailing_drawdown", "max_contracts", "flat_by")
MAX_ENTRIES = 200


@dataclass(frozen=True)
class RiskBook:
    """Every account's and group's rules, and the locks (account -> until when, UTC)."""

    accounts: dict[str, RiskRules] = field(default_factory=dict)
    groups: dict[str, RiskRules] = field(default_factory=dict)
    locks: dict[str, datetime] = field(default_factory=dict)
    unreadable: tuple[str, ...] = ()

    def rules_for(self, account: str, groups: Iterable[Group] = ()) -> RiskRules:
        """``account``'s own rules, else those of the first group it belongs to, else none."""
        own = _lookup(self.accounts, account)
        if own is not None:
            return own
        for group in groups:
            if any(a.lower() == account.lower() for a in group.accounts):
                rules = _lookup(self.groups, group.name)
                if rules is not None:
                    return rules
        return RiskRules()

    def locked_until(self, account: str, now: datetime) -> datetime | None:
        until = next((t for a, t in self.locks.items() if a.lower() == account.lower()), None)
        return until if until is not None and until > now else None

    def with_rules(self, *, account: str | None = None, group: str | None = None,
                   rules: RiskRules) -> RiskBook:
        if group is not None:
            return replace(self, groups={**_without(self.groups, group), group: rules})
        assert account is not None
        return replace(self, accounts={**_without(self.accounts, account), account: rules})

    def with_lock(self, account: str, until: datetime) -> RiskBook:
        return replace(self, locks={**_without(self.locks, account), account: until})

    def without_expired(self, now: datetime) -> RiskBook:
        return replace(self, locks={a: t for a, t in self.locks.items() if t > now})


def _lookup(table: Mapping[str, Any], name: str) -> Any:
    return next((v for k, v in table.items() if k.lower() == name.strip().lower()), None)


def _without(table: Mapping[str, Any], name: str) -> dict[str, Any]:
    return {k: v for k, v in table.items() if k.lower() != name.strip().lower()}


# --- reading ---------------------------------------------------------------------------------


def _money(value: Any) -> float | None:
    ok = isinstance(value, int | float) and not isinstance(value, bool) \
        and 0 < value <= MAX_MONEY_RULE
    return float(value) if ok else None


def rules_from(item: Any, problems: list[str], where: str) -> RiskRules:
    """One entry of ``risk.json``; what it cannot read is left unset and named."""
    if not isinstance(item, Mapping):
        problems.append(f"{where}: not an object")
        return RiskRules()
    base = PRESETS[item["preset"]].rules if item.get("preset") in PRESETS else RiskRules()
    changes: dict[str, Any] = {}

    def take(key: str, read, target: str | None = None) -> None:
        if key not in item:
            return  # the preset's, or the default
        if item[key] is None:
            if key in NULLABLE:
                changes[target or key] = None  # unset on purpose, even over a preset
            return
        value = read(item[key])
        if value is None:
            problems.append(f"{where}: {key} {str(item[key])[:30]!r} is not usable")
        else:
            changes[target or key] = value

    take("daily_loss", _money)
    take("trailing_drawdown", _money)
    take("max_contracts", lambda v: float(v) if isinstance(v, int | float) and not
         isinstance(v, bool) and 0 < v <= MAX_CONTRACTS_RULE else None)
    take("micro_counts", lambda v: float(v) if v in (0.1, 1, 1.0) else None)
    take("loss_basis", lambda v: LossBasis(v) if v in {b.value for b in LossBasis} else None)
    take("trail_basis", lambda v: TrailBasis(v) if v in {b.value for b in TrailBasis} else None)
    take("flat_by", _wall_or_none)
    take("reset_at", _wall_or_none)
    take("news", _news_or_none)
    take("no_hedge", lambda v: v if isinstance(v, bool) else None)
    take("warn_minutes", lambda v: v if isinstance(v, int) and not isinstance(v, bool)
         and 0 <= v <= 240 else None)
    return replace(base, **changes)


def _wall_or_none(value: Any) -> WallTime | None:
    try:
        return parse_wall_time(value) if isinstance(value, str) else None
    except ValueError:
        return None


def _news_or_none(value: Any) -> tuple[NewsWindow, ...] | None:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        return None
    try:
        return parse_news("\n".join(value))
    except ValueError:
        return None


def book_from(payload: Any) -> RiskBook:
    """``risk.json``'s contents as a :class:`RiskBook`."""
    if not isinstance(payload, Mapping):
        return RiskBook(unreadable=("risk.json is not an object",) if payload is not None
                        else ())
    problems: list[str] = []
    tables = {}
    for kind in ("accounts", "groups"):
        entries = payload.get(kind) if isinstance(payload.get(kind), Mapping) else {}
        tables[kind] = {str(name)[:64]: rules_from(item, problems, f"{kind[:-1]} {name}")
                        for name, item in list(entries.items())[:MAX_ENTRIES]}
    locks = {}
    raw_locks = payload.get("locks") if isinstance(payload.get("locks"), Mapping) else {}
    for name, until in list(raw_locks.items())[:MAX_ENTRIES]:
        try:
            moment = datetime.fromisoformat(until)
        except (TypeError, ValueError):
            problems.append(f"lock of {name}: {str(until)[:30]!r} is not a time")
            continue
        if moment.tzinfo is not None:
            locks[str(name)[:64]] = moment
    return RiskBook(tables["accounts"], tables["groups"], locks, tuple(problems))


# --- writing ---------------------------------------------------------------------------------


def rules_json(rules: RiskRules) -> dict[str, Any]:
    """One entry of ``risk.json``: every field, unset ones as null."""
    item: dict[str, Any] = {"preset": rules.preset} if rules.preset else {}
    for key in ("daily_loss", "trailing_drawdown", "max_contracts"):
        item[key] = getattr(rules, key)  # null: unset, even where the preset sets it
    item.update(loss_basis=rules.loss_basis.value, trail_basis=rules.trail_basis.value,
                micro_counts=rules.micro_counts, no_hedge=rules.no_hedge,
                reset_at=str(rules.reset_at), warn_minutes=rules.warn_minutes,
                news=[f"{w.at} ±{w.minutes} {w.label}".strip() for w in rules.news])
    item["flat_by"] = str(rules.flat_by) if rules.flat_by is not None else None
    return item


def book_json(book: RiskBook) -> dict[str, Any]:
    """``risk.json``'s contents."""
    return {"accounts": {name: rules_json(r) for name, r in book.accounts.items()},
            "groups": {name: rules_json(r) for name, r in book.groups.items()},
            "locks": {name: until.isoformat() for name, until in book.locks.items()}}


def load_book(folder: Path | None) -> RiskBook:
    """The trader's risk book (empty when the file is missing; unreadable: said, and empty)."""
    if folder is None:
        return RiskBook()
    try:
        text = (folder / RISK_FILE).read_text(encoding="utf-8")
    except OSError:
        return RiskBook()
    try:
        return book_from(json.loads(text))
    except ValueError:
        return RiskBook(unreadable=("risk.json is not JSON: no rules read from it",))


def save_book(folder: Path, book: RiskBook) -> None:
    """Save ``book`` whole (through a temporary file: never half-written)."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / RISK_FILE
    temporary = path.with_suffix(".tmp")
    temporary.write_text(json.dumps(book_json(book), indent=2), encoding="utf-8")
    temporary.replace(path)
