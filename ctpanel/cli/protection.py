"""``ctpanel buy|sell|protect|breakeven`` and the bracket after ``reverse --stop-ticks``: each
request once, through the desk's guards and journal, and what was read back printed.

An entry is one Place Order with ``requireMarketPosition``; with ``--stop-ticks`` or
``--target-ticks`` its fill is followed, and one Cancel and Bracket follows for the position
read after it. A position whose bracket was refused or could not be confirmed is said to be
UNPROTECTED, with why, and the exit code says so (nothing is re-sent: ``ctpanel protect``
tries again on purpose).
"""

from __future__ import annotations

import argparse
import asyncio
from typing import TYPE_CHECKING, Any

from ctpanel.cli.exits import exit_code_for, print_result
from ctpanel.cli.risk import dry_run_single, read_for_order
from ctpanel.config import EXIT_OK, EXIT_UNKNOWN
from ctpanel.core.desk.groups import read_group
from ctpanel.core.desk.protect import Protection, breakeven_position, protect_position
from ctpanel.core.domain.exits import in_instrument
from ctpanel.core.domain.models import OrderType, Position, Quote, ReverseOrder
from ctpanel.core.domain.pricing import snap
from ctpanel.core.domain.protection import (
    Bracket,
    entry_for,
    new_order_id,
    protect_for,
)
from ctpanel.core.domain.states import Intent
from ctpanel.core.domain.validation import OrderInput, normalise_instrument, parse_order
from ctpanel.core.errors import CtError, InvalidOrder, Problem
from ctpanel.core.risk.guard import Basis

if TYPE_CHECKING:
    from ctpanel.backend import Backend
    from ctpanel.core.desk.desk import Desk
    from ctpanel.core.desk.fills import FillReport
    from ctpanel.core.domain.groups import Group

PROTECTION_COMMANDS = ("buy", "sell", "protect", "breakeven")


def bracket_of(args: argparse.Namespace, default: Bracket | None = None) -> Bracket:
    """The ticks asked for, else ``default`` (a group's, from ``groups.json``) unless an ATM
    template is given (none: no bracket); refused in words with an ATM template, which
    brackets at submission (never both)."""
    bracket = Bracket(getattr(args, "stop_ticks", None), getattr(args, "target_ticks", None))
    strategy = getattr(args, "strategy", None)
    if bracket.is_set and strategy:
        raise InvalidOrder([Problem("strategy", "An ATM template brackets the order itself: "
                                                "give --strategy or ticks, not both.")])
    if not bracket.is_set and not strategy and default is not None:
        return default
    return bracket


async def entry_ticket(args: argparse.Namespace, account: str, client: Any
                       ) -> tuple[ReverseOrder, Quote]:
    """The BUY or SELL the arguments ask for (a limit at the bid or ask, read now) and the
    quote it was priced on."""
    bracket_of(args)
    instrument = normalise_instrument(args.instrument)
    quote = await client.get_quote(instrument)
    limit = None
    if args.at != "market":
        touch = quote.bid if args.at == "bid" else quote.ask
        if touch is None or not quote.tick_size:
            raise InvalidOrder([Problem("at", f"No {args.at} in the quote for {instrument}: "
                                              "a limit there cannot be priced.")])
        limit = snap(touch, quote.tick_size)
    order = parse_order(OrderInput(
        account=account, instrument=instrument, action=args.command.upper(),
        quantity=args.quantity, order_type=OrderType.LIMIT if limit else OrderType.MARKET,
        time_in_force=args.tif, limit_price=limit, strategy=args.strategy))
    return order, quote


async def run_protection_command(args: argparse.Namespace, backend: Backend) -> int:
    """One account's buy, sell, protect or breakeven."""
    run = {"buy": _entry, "sell": _entry, "protect": _protect, "breakeven": _breakeven}
    code, as_json, lines = await run[args.command](args, backend.desk, args.account)
    print_result(args, as_json, lines)
    return code


async def for_each_member(args: argparse.Namespace, backend: Backend, group: Group) -> int:
    """A group's protect or breakeven: each member on its own position (every member's read
    in one request, one quote), all at once."""
    instrument = normalise_instrument(args.instrument)
    positions = await read_group(backend.desk, group, instrument)
    quote = await backend.client.get_quote(instrument)
    run = _protect if args.command == "protect" else _breakeven
    done = await asyncio.gather(*(
        _or_words(run(args, backend.desk, account,
                      positions.get(account) or Position.flat(account, instrument), quote),
                  account) for account in group.accounts))
    print_result(args, {"members": [as_json for _, as_json, _ in done]},
                 [line for _, _, lines in done for line in lines])
    return max(code for code, _, _ in done)


async def _or_words(run, account: str) -> tuple[int, dict, list[str]]:
    try:
        return await run
    except CtError as error:
        return exit_code_for(error), {"account": account, "error": str(error)}, \
            [f"{account}: {error}"]


async def _entry(args: argparse.Namespace, desk: Desk, account: str
                 ) -> tuple[int, dict, list[str]]:
    order, quote = await entry_ticket(args, account, desk.client)
    position = await desk.read_position(order.account, order.instrument)
    entry = entry_for(order, position, new_order_id())
    await read_for_order(desk, [account], order.instrument, quote, bracket_of(args).stop_ticks)
    basis = Basis(position=position, age_s=0.0)
    if args.dry_run:
        return dry_run_single(desk, Intent.ENTER, entry, basis)
    report = await desk.enter(entry, before=position, basis=basis)
    lines = [report.result.order_id, f"Position: {report.position_words()}"]
    as_json = {"account": account, "orderId": report.result.order_id,
               "before": position.describe(),
               "after": report.after.describe() if report.after else None}
    code, more_json, more = await after_fill(args, desk, report, quote)
    return code, {**as_json, **more_json}, lines + more


async def after_fill(args: argparse.Namespace, desk: Desk, report: Any, quote: Quote | None
                     ) -> tuple[int, dict, list[str]]:
    """The fill of an entry or a reverse, then its one bracket when ticks were given."""
    bracket = bracket_of(args)
    resting = None if report.order.order_type is OrderType.MARKET else \
        getattr(args, "wait", None)
    fill, protection = await desk.fill_then_protect(
        report.order, report.result.order_id, bracket, quote, trade=report.trade,
        resting_for_s=resting)
    return protection_lines(fill, protection, bracket)


def protection_lines(fill: FillReport, protection: Protection | None, bracket: Bracket
                     ) -> tuple[int, dict, list[str]]:
    lines = [fill.line]
    if protection is not None:
        lines.append(protection.words)
    elif bracket.is_set:
        lines.append(f"No bracket sent: the order is {fill.state.lower()}. Run `ctpanel "
                     "protect` once it fills.")
    code = EXIT_OK if protection is None or protection.protected else _failed(protection)
    return code, {"fill": fill.line, "fillState": fill.state,
                  "protected": protection.protected if protection else None,
                  "protection": protection.words if protection else None}, lines


def _failed(protection: Protection) -> int:
    return exit_code_for(protection.error) if protection.error else EXIT_UNKNOWN


async def _read(desk: Desk, account: str, instrument: str) -> tuple[Position, Quote]:
    return (await desk.read_position(account, instrument),
            await desk.client.get_quote(instrument))


async def _protect(args: argparse.Namespace, desk: Desk, account: str,
                   position: Position | None = None, quote: Quote | None = None
                   ) -> tuple[int, dict, list[str]]:
    """One account's Protect now, previewed (a group's member: its position and the quote
    already read, and no read of its working orders to count them)."""
    instrument = normalise_instrument(args.instrument)
    bracket = bracket_of(args)
    alone = position is None
    if alone:
        position, quote = await _read(desk, account, instrument)
    if position.is_flat:
        return EXIT_OK, {"account": account, "protected": None}, \
            [f"{account}: {instrument} is flat: nothing to protect. Nothing was sent."]
    preview = protect_for(position, bracket, position.average_price, quote.tick_size, quote)
    count = None
    if alone:
        working = await desk.client.list_working_orders(account)
        count = sum(1 for o in working if in_instrument([o.instrument], position.instrument))
    protection = await protect_position(desk, position, bracket, position.average_price,
                                        quote, age_s=0.0)
    code = EXIT_OK if protection.protected else _failed(protection)
    return code, {"account": account, "protected": protection.protected,
                  "words": protection.words}, \
        [f"{account}: {preview.preview(count)}", f"{account}: {protection.words}"]


async def _breakeven(args: argparse.Namespace, desk: Desk, account: str,
                     position: Position | None = None, quote: Quote | None = None
                     ) -> tuple[int, dict, list[str]]:
    """One account's breakeven, on its own average price."""
    instrument = normalise_instrument(args.instrument)
    if position is None:
        position, quote = await _read(desk, account, instrument)
    if position.is_flat:
        return EXIT_OK, {"account": account, "moved": None}, \
            [f"{account}: {instrument} is flat: no stop to move. Nothing was sent."]
    report = await breakeven_position(desk, position, args.plus_ticks, quote)
    return EXIT_OK, {"account": account, "orderId": report.order.order_id,
                     "stopPrice": report.after.stop_price if report.after else None}, \
        [f"{account}: {report.words()}"]
