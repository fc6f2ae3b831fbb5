"""Every argument of the command line, declared once (freqtrade's ``cli_options``): a command
names the options it takes, in :data:`COMMANDS`, and :func:`add` puts them on its parser.
Nothing here runs a command."""

from __future__ import annotations

import argparse
from dataclasses import dataclass, field
from typing import Any

from ctpanel.core.domain.models import OrderSide, OrderType, TimeInForce, Transport
from ctpanel.core.wire.urls import DEFAULT_BASE_URL, DEFAULT_TIMEOUT


@dataclass(frozen=True)
class Arg:
    """One argument: its flags and argparse's keywords."""

    flags: tuple[str, ...]
    kwargs: dict[str, Any] = field(default_factory=dict)


INSTRUMENT_HELP = "ES 12-26, ES, ES1! or ESZ26"
# SUPPRESS: a connection setting given before the command is not overwritten by the
# sub-parser's default.
OPTIONS: dict[str, Arg] = {
    "base_url": Arg(("--base-url",), dict(default=argparse.SUPPRESS, help=(
        f"REST base URL (env CTPANEL_BASE_URL; default {DEFAULT_BASE_URL})"))),
    "ws_url": Arg(("--ws-url",), dict(default=argparse.SUPPRESS, help=(
        "WebSocket URL (env CTPANEL_WS_URL; default from the base URL)"))),
    "timeout": Arg(("--timeout",), dict(type=float, default=argparse.SUPPRESS, help=(
        f"seconds to wait for a reply (default {DEFAULT_TIMEOUT:g})"))),
    "account": Arg(("--account",), dict(required=True)),
    "instrument": Arg(("--instrument",), dict(required=True, help=INSTRUMENT_HELP)),
    "action": Arg(("--action",), dict(type=str.upper, choices=[a.value for a in OrderSide],
                                      help="required for one account; a group mirrors each "
                                           "member")),
    "quantity": Arg(("--quantity",), dict(help="contracts of the new position (one account)")),
    "order_type": Arg(("--order-type",), dict(default="MARKET", type=str.upper,
                                              choices=[t.value for t in OrderType])),
    "tif": Arg(("--tif",), dict(default="DAY", type=str.upper,
                                choices=[t.value for t in TimeInForce])),
    "limit_price": Arg(("--limit-price",)),
    "stop_price": Arg(("--stop-price",)),
    "oco_id": Arg(("--oco-id",)),
    "strategy": Arg(("--strategy",), dict(help="ATM strategy template name")),
    "transport": Arg(("--transport",), dict(default="rest",
                                            choices=[t.value for t in Transport])),
    "json": Arg(("--json",), dict(action="store_true", help="print one JSON object")),
    "close_quantity": Arg(("--quantity",), dict(type=int, help=(
        "contracts to close (capped at the open size)"))),
    "percent": Arg(("--percent",), dict(type=float, help=(
        "percent of the position to close, 1-100 (rounded up to whole contracts)"))),
    "everything": Arg(("--everything",), dict(action="store_true", help=(
        "every account (needs --yes; prints what it will close)"))),
    "yes": Arg(("--yes",), dict(action="store_true",
                                help="with --everything: yes, flatten every account")),
    "order_id": Arg(("--order-id",), dict(help="this one order")),
    "token_action": Arg(("token_action",), dict(choices=["set", "clear", "status"])),
    "entry_quantity": Arg(("--quantity",), dict(required=True, help=(
        "contracts to buy or sell (a group: each member's size rule applies to it)"))),
    "at": Arg(("--at",), dict(default="market", type=str.lower,
                              choices=["market", "bid", "ask"], help=(
                                  "at market, or a limit at the bid or the ask"))),
    "stop_ticks": Arg(("--stop-ticks",), dict(type=int, help=(
        "a stop this many ticks from the fill (one Cancel and Bracket after it fills)"))),
    "target_ticks": Arg(("--target-ticks",), dict(type=int, help=(
        "a target this many ticks from the fill"))),
    "plus_ticks": Arg(("--plus-ticks",), dict(type=int, default=0, help=(
        "the stop this many ticks past the average price, on the profit side"))),
    "wait": Arg(("--wait",), dict(type=float, default=60.0, help=(
        "seconds to follow a resting limit entry for its bracket (default 60)"))),
    "dry_run": Arg(("--dry-run",), dict(action="store_true", help=(
        "print the breach preview of the firm's rules and send nothing (exit 2: refused)"))),
    "leave_out": Arg(("--leave-out",), dict(action="append", metavar="ACCOUNT", help=(
        "a group: send to the others without this member (repeat for more)"))),
    "risk_action": Arg(("risk_action",), dict(nargs="?", choices=["set"], help=(
        "set: write the rules of --account or --group to risk.json"))),
    "preset": Arg(("--preset",), dict(help=(
        "start from a firm's rules: Apex, Topstep, TPT, MFFU (check your firm's current "
        "rules)"))),
    "daily_loss": Arg(("--daily-loss",), dict(type=float, metavar="USD", help=(
        "daily loss limit, realised plus open P&L (0 unsets it)"))),
    "trailing_drawdown": Arg(("--trailing-drawdown",), dict(type=float, metavar="USD", help=(
        "trailing drawdown below the session's high of net liquidation (0 unsets it)"))),
    "max_contracts": Arg(("--max-contracts",), dict(type=float, metavar="N", help=(
        "contract cap in mini-equivalents (0 unsets it)"))),
    "micro_counts": Arg(("--micro-counts",), dict(choices=["0.1", "1"], help=(
        "what one micro counts for against the cap"))),
    "flat_by": Arg(("--flat-by",), dict(metavar="'HH:MM TZ'", help=(
        "flat by this time, e.g. '15:10 America/Chicago' ('none' unsets it)"))),
    "reset_at": Arg(("--reset-at",), dict(metavar="'HH:MM TZ'", help=(
        "the session's reset, when a lock ends (default '17:00 America/Chicago')"))),
    "news": Arg(("--news",), dict(metavar="'HH:MM TZ ±MIN LABEL; ...'", help=(
        "news windows, separated by ';' (replaces the list; '' clears it)"))),
    "hedge": Arg(("--hedge",), dict(choices=["refuse", "allow"], help=(
        "refuse: no account may end up opposite another in a related root"))),
}
CONNECTION = ("base_url", "ws_url", "timeout")


@dataclass(frozen=True)
class Command:
    """One command: its help, what it targets, and the options it takes (``either``: groups
    of options of which at most one is given)."""

    help: str
    options: tuple[str, ...] = ()
    target: str = ""  # "account or group", "optional account or group", or none
    either: tuple[tuple[str, ...], ...] = ()
    overrides: dict[str, dict[str, Any]] = field(default_factory=dict)


COMMANDS: dict[str, Command] = {
    "reverse": Command("reverse a position (one order, no retry)", (
        *CONNECTION, "instrument", "action", "quantity", "order_type", "tif", "limit_price",
        "stop_price", "oco_id", "strategy", "transport", "stop_ticks", "target_ticks",
        "dry_run", "leave_out", "json"), target="required"),
    "buy": Command("buy: enter from flat or add to a long (one order, no retry)", (
        *CONNECTION, "instrument", "entry_quantity", "at", "tif", "strategy", "stop_ticks",
        "target_ticks", "wait", "dry_run", "leave_out", "json"), target="required"),
    "sell": Command("sell: enter from flat or add to a short (one order, no retry)", (
        *CONNECTION, "instrument", "entry_quantity", "at", "tif", "strategy", "stop_ticks",
        "target_ticks", "wait", "dry_run", "leave_out", "json"), target="required"),
    "protect": Command("one stop and target for the position held (Cancel and Bracket)", (
        *CONNECTION, "instrument", "stop_ticks", "target_ticks", "json"), target="required",
        overrides={"stop_ticks": dict(type=int, required=True, help=(
            "the stop, this many ticks from the average price"))}),
    "breakeven": Command("move the position's stop to its average price (one Change)", (
        *CONNECTION, "instrument", "plus_ticks", "json"), target="required"),
    "accounts": Command("list accounts", (*CONNECTION, "json")),
    "positions": Command("list open positions in an account", (*CONNECTION, "account", "json")),
    "close": Command("close a position, all of it or a part", (*CONNECTION, "instrument", "json"),
                     target="required", either=(("close_quantity", "percent"),)),
    "flatten": Command("close every position and cancel every working order of an account", (
        *CONNECTION, "instrument", "everything", "yes", "json"), target="optional",
        overrides={"instrument": dict(required=False, help="only this instrument")}),
    "cancel": Command("cancel working orders", (*CONNECTION, "json"), target="required",
                      either=(("instrument", "order_id"),),
                      overrides={"instrument": dict(required=False, help=(
                          "every working order in this instrument"))}),
    "orders": Command("list the working orders of an account", (*CONNECTION, "account", "json")),
    "groups": Command("list the account groups", (*CONNECTION, "json")),
    "risk": Command("each account's P&L today, room to its limits, cap and lock; `risk set` "
                    "writes the rules", (
                        "risk_action", *CONNECTION, "preset", "daily_loss", "trailing_drawdown",
                        "max_contracts", "micro_counts", "flat_by", "reset_at", "news",
                        "hedge", "json"), target="optional"),
    "token": Command("store, clear or check the API token", ("token_action",)),
}


def add(parser: argparse.ArgumentParser | Any, name: str, **overrides: Any) -> None:
    """Put option ``name`` on ``parser`` (or a group of it), with ``overrides``."""
    arg = OPTIONS[name]
    parser.add_argument(*arg.flags, **{**arg.kwargs, **overrides})


def add_command(commands: Any, name: str) -> argparse.ArgumentParser:
    """The sub-parser of command ``name``, with every option it takes."""
    command = COMMANDS[name]
    parser = commands.add_parser(name, help=command.help)
    if command.target:
        target = parser.add_mutually_exclusive_group(required=command.target == "required")
        target.add_argument("--account")
        target.add_argument("--group", help="every account of this group, all at once")
    for option in command.options:
        add(parser, option, **command.overrides.get(option, {}))
    for names in command.either:
        group = parser.add_mutually_exclusive_group()
        for option in names:
            add(group, option, **command.overrides.get(option, {}))
    return parser
