"""Settings → Risk…'s fields, Qt-free: the rules of one account or group as the trader types
them, checked before anything is saved. A wrong field is refused in words naming it, and
nothing is saved; nothing typed is changed to fit."""

from __future__ import annotations

from dataclasses import dataclass

from ctpanel.core.domain.risk_rules import (
    MAX_CONTRACTS_RULE,
    MAX_MONEY_RULE,
    PRESETS,
    LossBasis,
    RiskRules,
    TrailBasis,
    parse_news,
    parse_wall_time,
    preset,
)
from ctpanel.core.domain.validation import too_long

NO_PRESET = "none"


@dataclass(frozen=True)
class RiskFields:
    """The dialog's fields, as typed (empty: the rule is not set)."""

    preset: str = NO_PRESET
    daily_loss: str = ""
    loss_basis: str = LossBasis.TOTAL.value
    trailing_drawdown: str = ""
    trail_basis: str = TrailBasis.INTRADAY.value
    max_contracts: str = ""
    micro_counts: str = "0.1"
    flat_by: str = ""
    reset_at: str = "17:00 America/Chicago"
    news: str = ""
    no_hedge: bool = False


def preset_names() -> list[str]:
    """The preset choices, "none" first."""
    return [NO_PRESET, *(p.preset_name for p in PRESETS.values())]


def fields_of(rules: RiskRules) -> RiskFields:
    """``rules`` as the dialog shows them."""
    def number(value: float | None) -> str:
        return "" if value is None else f"{value:g}"

    return RiskFields(
        preset=PRESETS[rules.preset].preset_name if rules.preset in PRESETS else NO_PRESET,
        daily_loss=number(rules.daily_loss), loss_basis=rules.loss_basis.value,
        trailing_drawdown=number(rules.trailing_drawdown),
        trail_basis=rules.trail_basis.value, max_contracts=number(rules.max_contracts),
        micro_counts="1" if rules.micro_counts >= 1 else "0.1",
        flat_by=str(rules.flat_by) if rules.flat_by else "", reset_at=str(rules.reset_at),
        news="\n".join(f"{w.at} ±{w.minutes} {w.label}".strip() for w in rules.news),
        no_hedge=rules.no_hedge)


def preset_fields(name: str) -> RiskFields:
    """A preset's rules as fields ("none": the empty rules)."""
    return fields_of(RiskRules() if name == NO_PRESET else preset(name))


def rules_from_fields(fields: RiskFields) -> tuple[RiskRules | None, list[str]]:
    """The rules the fields make, or None and what is wrong, one sentence per field."""
    problems: list[str] = []
    changes: dict = {}
    for key, label, cap in (("daily_loss", "Daily loss limit", MAX_MONEY_RULE),
                            ("trailing_drawdown", "Trailing drawdown", MAX_MONEY_RULE),
                            ("max_contracts", "Max contracts", MAX_CONTRACTS_RULE)):
        changes[key] = _number(getattr(fields, key), label, cap, problems)
    for key, label in (("flat_by", "Flat by"), ("reset_at", "Session reset")):
        text = getattr(fields, key).strip()
        refusal = too_long("wall_time", len(text))
        if refusal:
            problems.append(f"{label}: {refusal}")
        elif text:
            try:
                changes[key] = parse_wall_time(text)
            except ValueError as error:
                problems.append(f"{label}: {error}.")
        elif key == "flat_by":
            changes[key] = None
        else:
            problems.append("Session reset: a time with its zone is needed (when a lock ends).")
    refusal = too_long("news", len(fields.news))
    if refusal:
        problems.append(f"News windows: {refusal}")
    else:
        try:
            changes["news"] = parse_news(fields.news)
        except ValueError as error:
            problems.append(f"News windows: {error}.")
    if problems:
        return None, problems
    base = RiskRules() if fields.preset == NO_PRESET else preset(fields.preset)
    return base.with_changes(
        loss_basis=LossBasis(fields.loss_basis), trail_basis=TrailBasis(fields.trail_basis),
        micro_counts=1.0 if fields.micro_counts == "1" else 0.1, no_hedge=fields.no_hedge,
        **changes), []


def _number(text: str, label: str, cap: float, problems: list[str]) -> float | None:
    text = text.strip().replace(",", "").removeprefix("$")
    if not text:
        return None
    refusal = too_long("money", len(text))
    if refusal:
        problems.append(f"{label}: {refusal}")
        return None
    try:
        value = float(text)
    except ValueError:
        problems.append(f"{label}: {text[:20]!r} is not a number.")
        return None
    if not 0 < value <= cap:
        problems.append(f"{label}: {value:g} is not between 0 and {cap:,.0f} (empty: not set).")
        return None
    return value
