"""The reads that feed the risk room, shared by the panel's risk reader and the CLI.

One snapshot read (``GET /accounts/snapshot``) gives every account's figures and positions for
one request: the figures of the accounts asked for, and the positions a hedge and a cap are
judged on. When the snapshot cannot be read, each account is read on its own (``GetAccount``)
and the positions in one ``GET /positions``. The session's high (``GetWatermarks``) is read only
for accounts with an intraday trailing drawdown, and only when asked.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import replace
from typing import Any

from ctpanel.core.domain.risk_rules import TrailBasis
from ctpanel.core.errors import CtError
from ctpanel.core.risk.room import RiskRoom

log = logging.getLogger(__name__)


def needs_high(room: RiskRoom, account: str) -> bool:
    """Whether ``account``'s trailing floor trails the session's high (its watermark)."""
    rules = room.rules_for(account)
    return rules.trailing_drawdown is not None and rules.trail_basis is TrailBasis.INTRADAY


async def read_figures(client: Any, room: RiskRoom, accounts: Iterable[str], *,
                       highs_of: Iterable[str] | None = None) -> int:
    """Read ``accounts``' figures into ``room`` (and every account's positions), and the
    session's high of ``highs_of`` (None: of every one of ``accounts`` that trails it);
    returns the requests spent. Raises the read's :class:`CtError` when nothing could be
    read."""
    import asyncio  # here: the panel's window is shown before asyncio is loaded

    wanted = list(dict.fromkeys(accounts))
    spent = 1
    try:
        figures, positions = await client.get_snapshot()
        room.see_positions(positions)
        by_name = {name.lower(): f for name, f in figures.items()}
        for account in wanted:
            found = by_name.get(account.lower())
            if found is not None:
                room.see_figures(_named(found, account))
    except CtError as error:
        log.info("No snapshot (%s): reading each account", error)
        spent = await _one_by_one(client, room, wanted)
    highs = [a for a in (wanted if highs_of is None else highs_of) if needs_high(room, a)]
    if highs:
        spent += len(highs)
        found = await asyncio.gather(*(client.get_session_high(a) for a in highs),
                                     return_exceptions=True)
        for account, high in zip(highs, found, strict=True):
            if not isinstance(high, BaseException):
                room.see_session_high(account, high)
    return spent


async def _one_by_one(client: Any, room: RiskRoom, accounts: list[str]) -> int:
    import asyncio

    found = await asyncio.gather(*(client.get_account_figures(a) for a in accounts),
                                 client.list_all_positions(), return_exceptions=True)
    *figures, positions = found
    for one in figures:
        if not isinstance(one, BaseException):
            room.see_figures(one)
    if not isinstance(positions, BaseException):
        room.see_positions(positions)
    errors = [f for f in found if isinstance(f, BaseException)]
    if len(errors) == len(found):
        raise errors[0]
    return len(found)


def _named(figures: Any, account: str) -> Any:
    return figures if figures.account == account else replace(figures, account=account)
