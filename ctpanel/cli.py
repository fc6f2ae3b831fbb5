"""Headless commands: ``ctpanel reverse|accounts|positions|token``. No Qt is imported here.

Exit codes (also in README):
0 ok, 2 invalid input, 3 rejected (incl. no position), 4 token problem,
5 not connected / unreachable / rate limited / server error, 6 outcome unknown.
"""

from __future__ import annotations

import argparse
import asyncio
import getpass
import json
import logging
import os
import sys
from collections.abc import Callable, Sequence
from typing import Any

from ctpanel.core.credentials import (
    TOKEN_ENV,
    KeyringTokenStore,
    TokenStore,
    resolve_token,
)
from ctpanel.core.errors import (
    AuthError,
    ConfigError,
    CtError,
    InvalidOrder,
    NoPositionError,
    NotFoundError,
    RejectedError,
    TokenStoreError,
)
from ctpanel.core.journal import Journal, default_journal_path
from ctpanel.core.models import Action, OrderType, TimeInForce
from ctpanel.core.secret import Secret
from ctpanel.core.service import ReverseService, Transport, UncertainOutcome
from ctpanel.core.urls import DEFAULT_BASE_URL, DEFAULT_TIMEOUT, ws_url_for
from ctpanel.core.validation import OrderInput, parse_order

EXIT_OK = 0
EXIT_INVALID = 2
EXIT_REJECTED = 3
EXIT_AUTH = 4
EXIT_UNAVAILABLE = 5
EXIT_UNKNOWN = 6


def exit_code_for(error: CtError) -> int:
    if isinstance(error, InvalidOrder | ConfigError):
        return EXIT_INVALID
    if isinstance(error, NoPositionError | RejectedError | NotFoundError):
        return EXIT_REJECTED
    if isinstance(error, AuthError | TokenStoreError):
        return EXIT_AUTH
    if isinstance(error, UncertainOutcome) or not error.order_not_sent:
        return EXIT_UNKNOWN
    return EXIT_UNAVAILABLE


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="ctpanel",
        description="One-click Reverse Position for CrossTrade / NinjaTrader 8. Without a "
                    "command, opens the panel.",
    )
    parser.add_argument("--demo", action="store_true",
                        help="panel: run against the embedded simulator, even with a token")
    parser.add_argument("--self-test", action="store_true",
                        help="panel: check the installation and run one demo reverse, then exit")
    # For benchmarks and end-to-end tests: print when the window is shown and when it is
    # usable (a position loaded), and with --exit-when-ready quit then.
    parser.add_argument("--report-ready", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--exit-when-ready", action="store_true", help=argparse.SUPPRESS)
    _add_connection_options(parser)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    reverse = commands.add_parser("reverse", help="reverse a position (one order, no retry)")
    _add_connection_options(reverse)
    reverse.add_argument("--account", required=True)
    reverse.add_argument("--instrument", required=True, help="ES 12-26, ES, ES1! or ESZ26")
    reverse.add_argument("--action", required=True, type=str.upper,
                         choices=[a.value for a in Action])
    reverse.add_argument("--quantity", required=True, help="contracts of the new position")
    reverse.add_argument("--order-type", default="MARKET", type=str.upper,
                         choices=[t.value for t in OrderType])
    reverse.add_argument("--tif", default="DAY", type=str.upper,
                         choices=[t.value for t in TimeInForce])
    reverse.add_argument("--limit-price")
    reverse.add_argument("--stop-price")
    reverse.add_argument("--oco-id")
    reverse.add_argument("--strategy", help="ATM strategy template name")
    reverse.add_argument("--transport", default="rest", choices=[t.value for t in Transport])
    reverse.add_argument("--json", action="store_true", help="print one JSON object")

    accounts = commands.add_parser("accounts", help="list accounts")
    _add_connection_options(accounts)
    accounts.add_argument("--json", action="store_true")

    positions = commands.add_parser("positions", help="list open positions in an account")
    _add_connection_options(positions)
    positions.add_argument("--account", required=True)
    positions.add_argument("--json", action="store_true")

    token = commands.add_parser("token", help="store, clear or check the API token")
    token.add_argument("token_action", choices=["set", "clear", "status"])
    return parser


def _add_connection_options(parser: argparse.ArgumentParser) -> None:
    # SUPPRESS: a value given before the command is not overwritten by the sub-parser default.
    parser.add_argument("--base-url", default=argparse.SUPPRESS,
                        help=f"REST base URL (env CTPANEL_BASE_URL; default {DEFAULT_BASE_URL})")
    parser.add_argument("--ws-url", default=argparse.SUPPRESS,
                        help="WebSocket URL (env CTPANEL_WS_URL; default from the base URL)")
    parser.add_argument("--timeout", type=float, default=argparse.SUPPRESS,
                        help=f"seconds to wait for a reply (default {DEFAULT_TIMEOUT:g})")


def connection_settings(args: argparse.Namespace) -> tuple[str, str, float]:
    base_url = getattr(args, "base_url", None) or os.environ.get("CTPANEL_BASE_URL") \
        or DEFAULT_BASE_URL
    ws_url = getattr(args, "ws_url", None) or os.environ.get("CTPANEL_WS_URL") \
        or ws_url_for(base_url)
    timeout = getattr(args, "timeout", None) or DEFAULT_TIMEOUT
    return base_url, ws_url, timeout


def main(argv: Sequence[str] | None = None, *,
         launch_panel: Callable[[argparse.Namespace], int] | None = None,
         token_store: TokenStore | None = None) -> int:
    """Entry point. ``launch_panel`` is injected by ``ctpanel.__main__`` (keeps Qt out)."""
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    args = build_parser().parse_args(argv)
    if args.command is None:
        if launch_panel is None:
            print("The panel is not available in this build.", file=sys.stderr)
            return EXIT_INVALID
        return launch_panel(args)
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
    # The network stack is imported here, not at module level: `ctpanel` without a command
    # opens the panel, which shows its window before loading it.
    from ctpanel.core.client import CrossTradeClient

    order = None
    if args.command == "reverse":
        order = parse_order(OrderInput(
            account=args.account, instrument=args.instrument, action=args.action,
            quantity=args.quantity, order_type=args.order_type, time_in_force=args.tif,
            limit_price=args.limit_price, stop_price=args.stop_price, oco_id=args.oco_id,
            strategy=args.strategy))
    base_url, ws_url, timeout = connection_settings(args)
    token = (await asyncio.to_thread(resolve_token, store)).token
    if not token:
        raise AuthError(f"No API token. Run `ctpanel token set` (or set {TOKEN_ENV}).")
    async with CrossTradeClient(token, base_url=base_url, timeout=timeout) as client:
        if args.command == "accounts":
            accounts = await client.list_accounts()
            _print(args, [a.__dict__ for a in accounts], [a.label for a in accounts])
            return EXIT_OK
        if args.command == "positions":
            positions = await client.list_positions(args.account)
            _print(args, [p.__dict__ for p in positions],
                   [f"{p.instrument}: {p.describe()} @ {p.average_price}" for p in positions]
                   or ["No open positions."])
            return EXIT_OK
        return await _reverse(args, order, client, token, ws_url, timeout)


async def _reverse(args, order, client, token: Secret, ws_url: str, timeout: float) -> int:
    from ctpanel.core.stream import CrossTradeStream

    transport = Transport(args.transport)
    stream = CrossTradeStream(token, url=ws_url, rpc_timeout=timeout) \
        if transport is Transport.WS else None
    senders = {Transport.REST: client, **({Transport.WS: stream} if stream else {})}
    service = ReverseService(client, senders, Journal(default_journal_path()))
    try:
        try:
            before = await service.read_position(order.account, order.instrument)
        except CtError:
            before = None  # the order attempt below meets the same cause, and journals it
        report = await service.reverse(order, transport=transport, before=before)
    finally:
        if stream is not None:
            await stream.close()
    before_text = before.describe() if before else None
    after = report.after.describe() if report.after else None
    _print(args, {"orderId": report.result.order_id, "before": before_text,
                  "after": after, "roundTripMs": round(report.result.round_trip_ms, 1),
                  "transport": transport.value},
           [report.result.order_id,
            f"Position: {before_text or 'unknown'} -> {after or 'unknown'}"])
    return EXIT_OK


def _print(args: argparse.Namespace, as_json: Any, lines: list[str]) -> None:
    if getattr(args, "json", False):
        print(json.dumps(as_json, default=str))
    else:
        print("\n".join(lines))


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
