"""``ctpanel [reverse|buy|sell|protect|breakeven|close|flatten|cancel|orders|groups|risk|accounts|
positions|token]``: the command
line. No Qt is imported here.

Only the parser lives here (its arguments, each declared once, in :mod:`ctpanel.cli.options`),
so that ``ctpanel`` without a command (the panel) pays for nothing it does not need before its
window is shown; the commands themselves are in :mod:`ctpanel.cli.commands`, imported when one
is run.

The exit codes are in :mod:`ctpanel.config`.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from ctpanel.cli.options import COMMANDS, CONNECTION, add, add_command
from ctpanel.config import EXIT_INVALID

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
    for name in CONNECTION:
        add(parser, name)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMANDS:
        add_command(commands, name)
    return parser


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
