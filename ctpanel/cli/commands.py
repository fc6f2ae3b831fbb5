"""The headless commands behind ``ctpanel reverse|accounts|positions|token`` (the exits' are in
:mod:`ctpanel.cli.exits`, the entries' and protection's in :mod:`ctpanel.cli.protection`; the
parser is in :mod:`ctpanel.cli`, the exit codes in :mod:`ctpanel.config`)."""

from __future__ import annotations

import argparse
import asyncio
import getpass
import sys

from ctpanel.backend import Backend, Mode, assemble
from ctpanel.cli.exits import exit_code_for, exit_order, print_result, run_exit_command
from ctpanel.cli.groups import available_groups, list_groups, run_group_command
from ctpanel.cli.protection import (
    PROTECTION_COMMANDS,
    after_fill,
    bracket_of,
    run_protection_command,
)
from ctpanel.cli.risk import arm_room, dry_run_single, read_for_order, set_risk, show_risk
from ctpanel.config import (
    EXIT_AUTH,
    EXIT_COMMANDS,
    EXIT_OK,
    connection_settings,
    default_journal_path,
)
from ctpanel.core.domain.models import ReverseOrder, Transport
from ctpanel.core.domain.secret import Secret
from ctpanel.core.domain.states import Intent
from ctpanel.core.domain.validation import OrderInput, parse_order
from ctpanel.core.errors import (
    AuthError,
    CtError,
    TokenStoreError,
)
from ctpanel.core.risk.guard import Basis
from ctpanel.core.store.credentials import (
    TOKEN_ENV,
    KeyringTokenStore,
    TokenStore,
    resolve_token,
)
from ctpanel.core.store.journal import Journal


def run_command(args: argparse.Namespace, token_store: TokenStore | None = None) -> int:
    """Run the parsed command; returns the process exit code."""
    store = token_store or KeyringTokenStore()
    try:
        if args.command == "token":
            return _token_command(args.token_action, store)
        return asyncio.run(_run(args, store))
    except CtError as error:
        print(f"ctpanel: {error}", file=sys.stderr)
        return exit_code_for(error)
    except KeyboardInterrupt:
        return 130


async def _run(args: argparse.Namespace, store: TokenStore) -> int:
    order = None
    group = getattr(args, "group", None)
    if args.command == "groups":
        return list_groups(args, connection_settings(args)[0])
    if args.command == "risk" and args.risk_action == "set":
        return set_risk(args, available_groups(connection_settings(args)[0]))
    if args.command == "reverse" and not group:
        order = parse_order(OrderInput(
            account=args.account, instrument=args.instrument, action=args.action,
            quantity=args.quantity, order_type=args.order_type, time_in_force=args.tif,
            limit_price=args.limit_price, stop_price=args.stop_price, oco_id=args.oco_id,
            strategy=args.strategy))
    if args.command in ("reverse", *PROTECTION_COMMANDS):
        bracket_of(args)  # ticks refused in words before any token or network is touched
    exit_request = exit_order(args) if args.command in EXIT_COMMANDS and not group else None
    base_url, ws_url, timeout = connection_settings(args)
    token = (await asyncio.to_thread(resolve_token, store)).token
    if not token:
        raise AuthError(f"No API token. Run `ctpanel token set` (or set {TOKEN_ENV}).")
    # The panel's own assembly: one client, one stream, one request budget shared by both.
    backend = assemble(Mode.LIVE, token, base_url, ws_url,
                       Journal(default_journal_path(), door="cli"), timeout=timeout)
    groups = available_groups(base_url)
    arm_room(backend.desk, groups)  # the firm's rules, on every door's desk
    try:
        await say_unanswered(backend)
        if args.command == "risk":
            return await show_risk(args, backend, groups)
        if args.command == "accounts":
            accounts = await backend.client.list_accounts()
            print_result(args, [a.__dict__ for a in accounts], [a.label for a in accounts])
            return EXIT_OK
        if args.command == "positions":
            positions = await backend.client.list_positions(args.account)
            print_result(args, [p.__dict__ for p in positions],
                   [f"{p.instrument}: {p.describe()} @ {p.average_price}" for p in positions]
                   or ["No open positions."])
            return EXIT_OK
        if group:
            return await run_group_command(args, backend, base_url)
        if args.command in PROTECTION_COMMANDS:
            return await run_protection_command(args, backend)
        if args.command in EXIT_COMMANDS:
            return await run_exit_command(args, exit_request, backend)
        return await _reverse(args, order, backend)
    finally:
        await backend.aclose()


async def say_unanswered(backend: Backend) -> None:
    """Before the command: an earlier run's order CrossTrade never answered, read back and
    printed (to stderr, so a --json reader's output stays JSON). Never re-sent."""
    for found in await backend.desk.reconcile():
        print(f"ctpanel: {found.words}", file=sys.stderr, flush=True)


async def _reverse(args, order: ReverseOrder, backend: Backend) -> int:
    transport = Transport(args.transport)
    desk = backend.desk
    try:
        before = await desk.read_position(order.account, order.instrument)
    except CtError:
        before = None  # the order attempt below meets the same cause, and journals it
    # The side and size are the trader's own (not mirrored); the desk's guards refuse a
    # "reverse" on the side already held, in the panel's words.
    await read_for_order(desk, [order.account], order.instrument, None,
                         bracket_of(args).stop_ticks)
    basis = Basis(position=before)
    if args.dry_run:
        code, as_json, lines = dry_run_single(desk, Intent.REVERSE, order, basis)
        print_result(args, as_json, lines)
        return code
    report = await desk.reverse(order, transport=transport, before=before, basis=basis)
    before_text = before.describe() if before else None
    after = report.after.describe() if report.after else None
    as_json = {"orderId": report.result.order_id, "before": before_text, "after": after,
               "roundTripMs": round(report.result.round_trip_ms, 1),
               "transport": transport.value, "entryState": report.entry_state}
    lines = [report.result.order_id, f"Position: {report.position_words()}"]
    code = EXIT_OK
    if bracket_of(args).is_set:
        quote = await desk.client.get_quote(order.instrument)
        code, more_json, more = await after_fill(args, desk, report, quote)
        as_json, lines = {**as_json, **more_json}, lines + more
    print_result(args, as_json, lines)
    return code


def _token_command(action: str, store: TokenStore) -> int:
    if action == "status":
        resolved = resolve_token(store)
        state = "present" if resolved.token else "missing"
        print(f"API token: {state} (source: {resolved.source})")
        return EXIT_OK if resolved.token else EXIT_AUTH
    if action == "clear":
        store.clear()
        print("API token cleared from the OS keyring.")
        return EXIT_OK
    if sys.stdin.isatty():
        value = getpass.getpass("CrossTrade API token (input hidden): ")
    else:
        value = sys.stdin.readline()
    token = Secret(value)
    if not token:
        raise TokenStoreError("No token given; nothing was stored.")
    store.set(token)
    print(f"API token saved to {store.describe()}.")
    return EXIT_OK
