"""``ctpanel [reverse|close|flatten|cancel|orders|groups|accounts|positions|token]``: the command
line. No Qt is imported here.

Only the parser lives here, so that ``ctpanel`` without a command (the panel) pays for nothing
it does not need before its window is shown; the commands themselves are in
:mod:`ctpanel.cli.commands`, imported when one is run.

The exit codes are in :mod:`ctpanel.config`.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from ctpanel.config import EXIT_INVALID
from ctpanel.core.domain.models import OrderSide, OrderType, TimeInForce, Transport
from ctpanel.core.wire.urls import DEFAULT_BASE_URL, DEFAULT_TIMEOUT

if TYPE_CHECKING:
    from ctpanel.core.store.credentials import TokenStore

class VersionAction(argparse.Action):
    """``--version``, read only when asked for (the metadata import stays off the start path)."""

    def __call__(self, parser, namespace, values, option_string=None) -> None:
        from ctpanel.core.runtime.version import app_version

        print(f"ctpanel {app_version()}")
        parser.exit()


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="ctpanel",
        description="One-click Reverse Position for CrossTrade / NinjaTrader 8. Without a "
                    "command, opens the panel.",
    )
    parser.add_argument("--version", action=VersionAction, nargs=0,
                        help="print ctpanel's version and exit")
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
    _add_target(reverse)
    reverse.add_argument("--instrument", required=True, help="ES 12-26, ES, ES1! or ESZ26")
    reverse.add_argument("--action", type=str.upper, choices=[a.value for a in OrderSide],
                         help="required for one account; a group mirrors each member")
    reverse.add_argument("--quantity", help="contracts of the new position (one account)")
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

    add_exit_commands(commands, _add_connection_options)

    groups = commands.add_parser("groups", help="list the account groups")
    _add_connection_options(groups)
    groups.add_argument("--json", action="store_true")

    token = commands.add_parser("token", help="store, clear or check the API token")
    token.add_argument("token_action", choices=["set", "clear", "status"])
    return parser


def _add_target(parser: argparse.ArgumentParser, *, required: bool = True) -> None:
    """One account, or every member of a group (``ctpanel groups`` lists them)."""
    target = parser.add_mutually_exclusive_group(required=required)
    target.add_argument("--account")
    target.add_argument("--group", help="every account of this group, all at once")


def add_exit_commands(commands, add_connection_options) -> None:
    """close, flatten, cancel and orders (run by :mod:`ctpanel.cli.exits`)."""
    close = commands.add_parser("close", help="close a position, all of it or a part")
    _add_target(close)
    close.add_argument("--instrument", required=True)
    part = close.add_mutually_exclusive_group()
    part.add_argument("--quantity", type=int, help="contracts to close (capped at the open "
                                                   "size)")
    part.add_argument("--percent", type=float, help="percent of the position to close, 1-100 "
                                                    "(rounded up to whole contracts)")

    flatten = commands.add_parser("flatten", help="close every position and cancel every "
                                                  "working order of an account")
    _add_target(flatten, required=False)
    flatten.add_argument("--instrument", help="only this instrument")
    flatten.add_argument("--everything", action="store_true",
                         help="every account (needs --yes; prints what it will close)")
    flatten.add_argument("--yes", action="store_true",
                         help="with --everything: yes, flatten every account")

    cancel = commands.add_parser("cancel", help="cancel working orders")
    _add_target(cancel)
    target = cancel.add_mutually_exclusive_group()
    target.add_argument("--instrument", help="every working order in this instrument")
    target.add_argument("--order-id", help="this one order")

    orders = commands.add_parser("orders", help="list the working orders of an account")
    orders.add_argument("--account", required=True)
    for parser in (close, flatten, cancel, orders):
        add_connection_options(parser)
        parser.add_argument("--json", action="store_true", help="print one JSON object")


def _add_connection_options(parser: argparse.ArgumentParser) -> None:
    # SUPPRESS: a value given before the command is not overwritten by the sub-parser default.
    parser.add_argument("--base-url", default=argparse.SUPPRESS,
                        help=f"REST base URL (env CTPANEL_BASE_URL; default {DEFAULT_BASE_URL})")
    parser.add_argument("--ws-url", default=argparse.SUPPRESS,
                        help="WebSocket URL (env CTPANEL_WS_URL; default from the base URL)")
    parser.add_argument("--timeout", type=float, default=argparse.SUPPRESS,
                        help=f"seconds to wait for a reply (default {DEFAULT_TIMEOUT:g})")


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
    from ctpanel.cli.commands import run_command

    return run_command(args, token_store)
