"""``ctpanel close|flatten|cancel|orders``: the exits from the command line, with the exit codes
and journal records of ``reverse`` (the parser is in :mod:`ctpanel.cli`)."""

from __future__ import annotations

import argparse
import json
from typing import Any

from ctpanel.backend import Backend
from ctpanel.config import (
    EXIT_AUTH,
    EXIT_INVALID,
    EXIT_OK,
    EXIT_REJECTED,
    EXIT_UNAVAILABLE,
    EXIT_UNKNOWN,
)
from ctpanel.core.desk.reverse import UncertainOutcome
from ctpanel.core.domain.exits import (
    ExitOrder,
    ExitReport,
    confirm_everything,
    order_words,
)
from ctpanel.core.domain.states import Intent
from ctpanel.core.domain.validation import normalise_instrument
from ctpanel.core.errors import (
    AuthError,
    ConfigError,
    CtError,
    InvalidOrder,
    NoPositionError,
    NotFoundError,
    Problem,
    RejectedError,
    TokenStoreError,
)


def exit_code_for(error: CtError) -> int:
    """The process exit code for ``error``: 2 invalid, 3 rejected, 4 auth, 5 unavailable, 6
    unknown (it may have been placed)."""
    if isinstance(error, InvalidOrder | ConfigError):
        return EXIT_INVALID
    if isinstance(error, NoPositionError | RejectedError | NotFoundError):
        return EXIT_REJECTED
    if isinstance(error, AuthError | TokenStoreError):
        return EXIT_AUTH
    if isinstance(error, UncertainOutcome) or not error.order_not_sent:
        return EXIT_UNKNOWN
    return EXIT_UNAVAILABLE


def exit_order(args: argparse.Namespace) -> ExitOrder | None:
    """The request the arguments ask for, validated before any token or network is touched;
    None for ``orders`` and ``flatten --everything``."""
    instrument = normalise_instrument(args.instrument) if getattr(args, "instrument", None) \
        else None
    if args.command == "close":
        percent = args.percent / 100 if args.percent is not None else None
        return ExitOrder(Intent.CLOSE, args.account, instrument, quantity=args.quantity,
                         percent=percent)
    if args.command == "flatten":
        if args.everything:
            if args.account or instrument:
                raise InvalidOrder([Problem("everything", "--everything takes no --account "
                                                          "or --instrument.")])
            return None
        if not args.account:
            raise InvalidOrder([Problem("account", "Name the account (--account), or flatten "
                                                   "every account with --everything --yes.")])
        return ExitOrder(Intent.FLATTEN, args.account, instrument)
    if args.command == "cancel":
        return ExitOrder(Intent.CANCEL, args.account, instrument, order_id=args.order_id)
    return None


async def run_exit_command(args: argparse.Namespace, order: ExitOrder | None,
                           backend: Backend) -> int:
    desk = backend.desk
    if args.command == "orders":
        working = await backend.client.list_working_orders(args.account)
        print_result(args, [o.__dict__ for o in working],
               [f"{o.instrument}: {order_words(o)} {o.state}" for o in working]
               or [f"No working orders on {args.account}."])
        return EXIT_OK
    if order is None:
        return await _flatten_everything(args, backend)
    before = await desk.read_picture(order.account, order.instrument)
    if order.kind is Intent.CLOSE and before.position is not None and before.position.is_flat:
        raise NoPositionError(f"{order.instrument} on {order.account} is flat: nothing to "
                              "close. Nothing was sent.")
    report = await desk.exit(order, before=before)
    print_result(args, _report_json(report), [report.result.reference, report.words()]
           + ([f"CrossTrade: {report.result.warning}"] if report.result.warning else []))
    return EXIT_OK


async def _flatten_everything(args: argparse.Namespace, backend: Backend) -> int:
    accounts = [account.name for account in await backend.client.list_accounts()]
    listing = await backend.desk.list_everything(accounts)
    if not args.yes:
        print(f"Flatten everything would close, in every account:\n{listing.text()}\n"
              "Nothing was sent. Run again with --yes to flatten every account.")
        return EXIT_INVALID
    confirmed = confirm_everything(listing, yes=True)
    result = await backend.desk.flatten_everything(confirmed)
    closed = [f"{p.account}: {p.describe()} {p.instrument}" for p in result.closed]
    print_result(args, {"orderIds": list(result.order_ids), "closed": closed,
                  "roundTripMs": round(result.round_trip_ms, 1), "warning": result.warning},
           [f"Flattened every account: {', '.join(closed) or 'no position was open'}; "
            f"{len(result.order_ids)} order ids."])
    return EXIT_OK


def _report_json(report: ExitReport) -> dict[str, Any]:
    return {"kind": report.order.kind.value, "orderIds": list(report.result.order_ids),
            "closed": [f"{p.describe()} {p.instrument}" for p in report.result.closed],
            "outcome": report.words(), "warning": report.result.warning,
            "roundTripMs": round(report.result.round_trip_ms, 1)}


def print_result(args: argparse.Namespace, as_json: Any, lines: list[str]) -> None:
    """One JSON object with ``--json``, else the lines."""
    if getattr(args, "json", False):
        print(json.dumps(as_json, default=str))
    else:
        print("\n".join(lines))
