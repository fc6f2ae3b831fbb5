"""``ctpanel groups`` and ``--group NAME`` on ``reverse``, ``buy``, ``sell``, ``protect``,
``breakeven``, ``close``, ``flatten`` and ``cancel``: one line per member, and an exit code
that says whether every member succeeded (0), or what the worst member's outcome calls for
(6 unknown, 5 failed, 3 rejected; 2 when a member's guard stopped the group before anything
was sent)."""

from __future__ import annotations

import argparse
import json

from ctpanel.backend import Backend
from ctpanel.cli.protection import bracket_of, entry_ticket, for_each_member, protection_lines
from ctpanel.cli.risk import dry_run_group, read_for_order
from ctpanel.config import (
    EXIT_INVALID,
    EXIT_OK,
    EXIT_REJECTED,
    EXIT_UNAVAILABLE,
    EXIT_UNKNOWN,
    data_dir,
)
from ctpanel.core.desk.groups import GroupReport, read_group, vetted
from ctpanel.core.domain.groups import Group, find_group, plan_group
from ctpanel.core.domain.models import OrderType, ReverseOrder, Transport
from ctpanel.core.domain.protection import Bracket
from ctpanel.core.domain.states import Intent
from ctpanel.core.domain.validation import OrderInput, parse_order
from ctpanel.core.errors import InvalidOrder, Problem
from ctpanel.core.store.group_file import GROUPS_FILE, load_groups, offered_groups
from ctpanel.core.wire.urls import is_loopback_host
from ctpanel.sim.seed import DEMO_GROUPS


def available_groups(base_url: str) -> list[Group]:
    """The trader's groups; against the simulator (loopback) also its demo group."""
    from urllib.parse import urlsplit

    loopback = is_loopback_host(urlsplit(base_url).hostname)
    return offered_groups(load_groups(data_dir()), DEMO_GROUPS if loopback else ())


def list_groups(args: argparse.Namespace, base_url: str) -> int:
    groups = available_groups(base_url)
    if getattr(args, "json", False):
        print(json.dumps([{"name": g.name, "accounts": g.accounts} for g in groups]))
        return EXIT_OK
    for group in groups:
        print(f"{group.label}: {', '.join(group.accounts)}")
    if not groups:
        print(f"No groups yet: add them in the panel (Settings → Groups…) or in "
              f"{data_dir() / GROUPS_FILE}.")
    return EXIT_OK


def report_code(report: GroupReport) -> int:
    statuses = {outcome.status for outcome in report.outcomes}
    for status, code in (("unknown", EXIT_UNKNOWN), ("failed", EXIT_UNAVAILABLE),
                         ("rejected", EXIT_REJECTED)):
        if status in statuses:
            return code
    return EXIT_OK


async def run_group_command(args: argparse.Namespace, backend: Backend, base_url: str) -> int:
    group = find_group(available_groups(base_url), args.group)
    if group is None:
        raise InvalidOrder([Problem("group", f"No group named {args.group!r}: `ctpanel "
                                             "groups` lists them.")])
    if args.command in ("protect", "breakeven"):
        return await for_each_member(args, backend, group)
    entering = args.command in ("buy", "sell")
    action = Intent.ENTER if entering else Intent(args.command)
    instrument = getattr(args, "instrument", None) or ""
    if action in (Intent.REVERSE, Intent.CLOSE, Intent.CANCEL) and not instrument:
        raise InvalidOrder([Problem("instrument", f"A group {action.value} needs "
                                                  "--instrument.")])
    quote = None
    if entering:
        entry, quote = await entry_ticket(args, group.accounts[0], backend.client)
    else:
        entry = _entry(args, group)
    positions = await read_group(backend.desk, group, instrument)
    if action in (Intent.REVERSE, Intent.ENTER):
        await read_for_order(backend.desk, group.accounts, instrument, quote,
                             bracket_of(args, group.bracket).stop_ticks)
    plan = vetted(plan_group(group, action, instrument, positions, entry,
                             flatten_instrument_only=bool(instrument)), backend.desk.guards)
    if getattr(args, "leave_out", None):
        plan = plan.leaving_out(_members_named(group, args.leave_out))
    if getattr(args, "dry_run", False):
        return dry_run_group(args, backend.desk, plan)
    blocker = plan.blocker(backend.client.budget.level)
    if blocker:
        print(plan.preview())
        print(blocker)
        offer = plan.send_words()
        if offer:
            print(f"{offer}. Leave them out on purpose with --leave-out ACCOUNT.")
        return EXIT_UNAVAILABLE if "budget" in blocker else EXIT_INVALID
    transport = Transport(getattr(args, "transport", "rest") or "rest")
    report = await backend.desk.group(plan, transport=transport)
    protected, code = await _brackets(args, backend, report, quote, group.bracket)
    if getattr(args, "json", False):
        print(json.dumps({"group": group.name, "summary": report.summary(), "members": [
            {"account": o.account, "status": o.status.value, "orderId": o.order_id,
             "after": o.after.describe() if o.after else None, "error": o.error or None,
             **protected.get(o.account, ({}, []))[0]}
            for o in report.outcomes]}))
    else:
        lines = [o.words() for o in report.outcomes] + [report.summary()]
        lines += [f"{account}: {line}" for account, (_, more) in protected.items()
                  for line in more]
        print("\n".join(lines))
    return max(report_code(report), code)


async def _brackets(args: argparse.Namespace, backend: Backend, report: GroupReport,
                    quote, default: Bracket | None
                    ) -> tuple[dict[str, tuple[dict, list[str]]], int]:
    """Each filled member's own bracket, when ticks were given (or the group has default
    ones)."""
    bracket = bracket_of(args, default)
    if not bracket.is_set or args.command not in ("reverse", "buy", "sell"):
        return {}, EXIT_OK
    quote = quote or await backend.client.get_quote(report.plan.instrument)
    resting = None if _is_market(report) else getattr(args, "wait", None)
    done = await backend.desk.protect_group(report, bracket, quote, resting_for_s=resting)
    lines = {account: protection_lines(fill, protection, bracket)
             for account, (fill, protection) in done.items()}
    code = max((code for code, _, _ in lines.values()), default=EXIT_OK)
    return {account: (as_json, more) for account, (_, as_json, more) in lines.items()}, code


def _members_named(group: Group, names: list[str]) -> list[str]:
    """The members ``--leave-out`` names; a name that is no member is refused in words."""
    members = {a.lower(): a for a in group.accounts}
    unknown = [n for n in names if n.lower() not in members]
    if unknown:
        raise InvalidOrder([Problem("leave_out", f"{', '.join(unknown)} is not a member of "
                                                 f"{group.name}.")])
    return [members[n.lower()] for n in names]


def _is_market(report: GroupReport) -> bool:
    return all(getattr(o.step.request, "order_type", OrderType.MARKET) is OrderType.MARKET
               for o in report.outcomes)


def _entry(args: argparse.Namespace, group: Group) -> ReverseOrder | None:
    """A reverse's order type, time in force, prices and ATM template, for every member (each
    at its own side and size)."""
    if args.command != "reverse":
        return None
    return parse_order(OrderInput(
        account=group.accounts[0], instrument=args.instrument, action="SELL", quantity=1,
        order_type=args.order_type, time_in_force=args.tif, limit_price=args.limit_price,
        stop_price=args.stop_price, oco_id=args.oco_id, strategy=args.strategy))
