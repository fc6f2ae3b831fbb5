"""``ctpanel risk`` (each account's P&L today, its room to each limit, its cap and its lock),
``ctpanel risk set`` (writes ``risk.json``), and the firm's rules on every order command: the
same guards as the panel, read once before the order, with ``--dry-run`` printing the breach
preview and sending nothing (exit code 2 when a rule refuses)."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from ctpanel.config import EXIT_INVALID, EXIT_OK, data_dir
from ctpanel.core.desk.risk_reads import read_figures
from ctpanel.core.domain.groups import Group, find_group
from ctpanel.core.domain.risk_rules import (
    PRESET_CAVEAT,
    RiskRules,
    parse_news,
    parse_wall_time,
    preset,
)
from ctpanel.core.domain.states import Intent
from ctpanel.core.errors import CtError, InvalidOrder, Problem
from ctpanel.core.risk.guard import Basis
from ctpanel.core.risk.preview import Preview, preview_of, preview_plan, room_lines
from ctpanel.core.store.risk_file import RISK_FILE, load_book, save_book


def _problem(field: str, words: str) -> InvalidOrder:
    return InvalidOrder([Problem(field, words)])


def arm_room(desk: Any, groups: list[Group]) -> None:
    """The desk's room, with the trader's rules and locks from ``risk.json``."""
    book = load_book(data_dir())
    for problem in book.unreadable:
        print(f"ctpanel: {RISK_FILE}: {problem}", file=sys.stderr)
    desk.firm.room.set_book(book, groups)
    desk.firm.room.on_lock = lambda locked: save_book(data_dir(), locked)


async def read_for_order(desk: Any, accounts: list[str], instrument: str,
                         quote: Any | None, stop_ticks: int | None) -> None:
    """Before an order: the figures of ``accounts`` that have rules (one read for all), and
    the ticket's stop on its quote; nothing is read when no rule applies."""
    room = desk.firm.room
    ruled = [a for a in accounts if room.has_rules(a) or room.locked_until(a)]
    if not ruled:
        return
    try:
        await read_figures(desk.client, room, ruled)
    except CtError as error:
        print(f"ctpanel: account figures not read ({error}): an entry that needs them is "
              "refused", file=sys.stderr)
    if stop_ticks and quote is None:
        quote = await desk.client.get_quote(instrument)
    desk.firm.set_ticket(stop_ticks, instrument,
                         quote.value_per_tick if quote is not None else None)


def dry_run_single(desk: Any, intent: Intent, request: Any, basis: Basis
                   ) -> tuple[int, dict, list[str]]:
    """``--dry-run``: the preview of one account's request (exit code, JSON, lines); nothing
    is sent."""
    from ctpanel.core.risk.guard import denial

    preview = preview_of(desk.firm, intent, request, basis)
    refused = denial(desk.guards, intent, request, basis)
    lines = [f"Would send: {request.describe()}",
             preview.words() if preview else f"{request.account}: no firm rule set"]
    if refused is not None:
        lines.append(str(refused) if str(refused).startswith("Not sent")
                     else f"Not sent: {refused}")
    lines.append("Nothing sent (--dry-run).")
    as_json = {"dryRun": True, "account": request.account, "request": request.describe(),
               "preview": _preview_json(preview), "refused": str(refused) if refused else None}
    return (EXIT_INVALID if refused is not None else EXIT_OK), as_json, lines


def dry_run_group(args: argparse.Namespace, desk: Any, plan: Any) -> int:
    """``--dry-run`` on a group: every member's preview; nothing is sent."""
    previews = preview_plan(desk.firm, plan)
    lines = [step.words() for step in plan.steps]
    lines += [p.words() for p in previews.values()]
    blocker = plan.blocker()
    if blocker:
        lines.append(blocker)
    offer = plan.send_words()
    if offer:
        lines.append(f"{offer} (leave them out with --leave-out ACCOUNT)")
    lines.append("Nothing sent (--dry-run).")
    _print(args, {"dryRun": True, "members": [
        {"account": s.member.account, "planned": s.words(), "refused": s.refused or None,
         "preview": _preview_json(previews.get(s.member.account))} for s in plan.steps]},
        lines)
    return EXIT_INVALID if blocker else EXIT_OK


def _preview_json(preview: Preview | None) -> dict | None:
    if preview is None:
        return None
    return {"level": preview.level.colour, "findings": [
        {"rule": f.rule, "level": f.level.colour, "words": f.words} for f in preview.findings]}


def _print(args: argparse.Namespace, as_json: Any, lines: list[str]) -> None:
    print(json.dumps(as_json) if getattr(args, "json", False) else "\n".join(lines))


# --- ctpanel risk ----------------------------------------------------------------------------


def _target(args: argparse.Namespace, groups: list[Group]) -> tuple[list[str], str | None]:
    if getattr(args, "group", None):
        group = find_group(groups, args.group)
        if group is None:
            raise _problem("group", f"No group named {args.group!r}: `ctpanel groups` lists "
                                    "them.")
        return group.accounts, group.name
    if getattr(args, "account", None):
        return [args.account], None
    return [], None


async def show_risk(args: argparse.Namespace, backend: Any, groups: list[Group]) -> int:
    """``ctpanel risk``: each account's P&L today, room, cap and lock."""
    desk = backend.desk
    arm_room(desk, groups)
    accounts, _ = _target(args, groups)
    if not accounts:
        accounts = [a.name for a in await backend.client.list_accounts()]
    await read_figures(desk.client, desk.firm.room, accounts)
    room = desk.firm.room
    report = {a: {"rules": room.rules_for(a).summary(), "lines": room_lines(room, a),
                  "locked_until": str(room.locked_until(a) or "") or None} for a in accounts}
    lines = []
    for account, entry in report.items():
        lines.append(f"{account}:")
        lines += [f"  {line}" for line in entry["lines"]]
        lines += [f"  rule: {line}" for line in entry["rules"]]
    _print(args, report, lines)
    return EXIT_OK


def set_risk(args: argparse.Namespace, groups: list[Group]) -> int:
    """``ctpanel risk set``: the rules of one account or group, written to ``risk.json``."""
    accounts, group = _target(args, groups)
    if not accounts and group is None:
        raise _problem("account", "risk set needs --account or --group.")
    book = load_book(data_dir())
    name = group or accounts[0]
    current = book.groups.get(name) if group else book.accounts.get(name)
    rules = rules_from_args(args, current or RiskRules())
    book = book.with_rules(group=group, rules=rules) if group else \
        book.with_rules(account=name, rules=rules)
    save_book(data_dir(), book)
    caveat = f" ({PRESET_CAVEAT})" if rules.preset else ""
    _print(args, {"saved": str(data_dir() / RISK_FILE), "for": name,
                  "rules": rules.summary()},
           [f"{'Group ' if group else ''}{name}: " + "; ".join(rules.summary()) + caveat,
            f"Saved to {data_dir() / RISK_FILE}."])
    return EXIT_OK


def rules_from_args(args: argparse.Namespace, current: RiskRules) -> RiskRules:
    """``current`` with what the arguments set; each bad value refused in words."""
    rules = current
    if getattr(args, "preset", None):
        try:
            rules = preset(args.preset)
        except ValueError as error:
            raise _problem("preset", str(error)) from None
    changes: dict[str, Any] = {}
    for key, limit in (("daily_loss", 10_000_000), ("trailing_drawdown", 10_000_000),
                       ("max_contracts", 1000)):
        value = getattr(args, key, None)
        if value is None:
            continue
        if not 0 <= value <= limit:
            raise _problem(key, f"--{key.replace('_', '-')} {value:g} is not between 0 "
                                f"and {limit:,} (0 unsets it)")
        changes[key] = float(value) or None
    for key, parse in (("flat_by", parse_wall_time), ("reset_at", parse_wall_time),
                       ("news", parse_news)):
        value = getattr(args, key, None)
        if value is None:
            continue
        try:
            changes[key] = None if key == "flat_by" and value.lower() == "none" \
                else parse(value.replace(";", "\n") if key == "news" else value)
        except ValueError as error:
            raise _problem(key, f"--{key.replace('_', '-')}: {error}") from None
    if getattr(args, "hedge", None) is not None:
        changes["no_hedge"] = args.hedge == "refuse"
    if getattr(args, "micro_counts", None) is not None:
        changes["micro_counts"] = 1.0 if args.micro_counts == "1" else 0.1
    return rules.with_changes(**changes)
