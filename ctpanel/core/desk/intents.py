"""What became of an order an earlier run sent and never heard back about.

Every record of one request carries the same ``client_id``: the intent written ahead
(:mod:`ctpanel.core.desk.records`), its outcome (with CrossTrade's ``order_id``), and a
``reconciled`` record when a later run had to find out what happened. An intent with neither
is *unfinished*: at the next start it is read back (the position, the working orders, the
executions since) and said in words. Never re-sent.
"""

from __future__ import annotations

import hashlib
import logging
import re
import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol

from ctpanel.core.domain.exits import order_words
from ctpanel.core.domain.pricing import format_price
from ctpanel.core.errors import CtError

if TYPE_CHECKING:
    from ctpanel.core.desk.records import Records
    from ctpanel.core.domain.models import Execution, OrderInfo, Position

log = logging.getLogger(__name__)
LOOKBACK_MAX_S = 900  # ListExecutions looks back at most 15 minutes (reference §10.2)
RECORDS_READ = 500  # how far back an unfinished intent is looked for
# Another door's intent may still be in flight (the CLI while the panel starts, or the other
# way round); past this age no request of ours is still waiting for its answer.
OTHER_DOOR_AFTER_S = 120.0


# What a line cut short still shows of an intent (its fields come in this order: see
# Records.ahead_all), read with a pattern because it is no longer JSON.
TORN_FIELD = re.compile(rb'"(client_id|words|account|instrument|mode|door)":"([^"\\]{0,200})"')
TORN_EPOCH = re.compile(rb'"epoch":([0-9]{9,11}(?:\.[0-9]+)?)')


def torn_intents(lines: Iterable[bytes], written_at: float, mode: str,
                 door: str) -> list[dict[str, Any]]:
    """The intents among torn journal lines (a crash while one was written), as far as they
    can be read. Each is treated as possibly sent: its request may have left before the
    process died, so it is read back and said like any unfinished intent."""
    found = []
    for raw in lines:
        if b'"kind":"intent"' not in raw:
            continue
        fields = {key.decode(): value.decode("utf-8", "replace")
                  for key, value in TORN_FIELD.findall(raw)}
        epoch = TORN_EPOCH.search(raw)
        found.append({"kind": "intent", "torn": True, "mode": mode, "door": door,
                      **fields, "words": fields.get("words") or "an order",
                      "client_id": fields.get("client_id")
                      or "torn-" + hashlib.sha256(raw.rstrip(b"\n")).hexdigest()[:24],
                      "epoch": float(epoch.group(1)) if epoch else written_at})
    return found


def unfinished(records: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Intents that no later record of the same client id answers, oldest first."""
    records = list(records)
    answered = {r.get("client_id") for r in records if r.get("kind") != "intent"}
    return [r for r in records if r.get("kind") == "intent"
            and isinstance(r.get("client_id"), str) and r["client_id"] not in answered]


class StateReader(Protocol):
    """The reads a reconciliation needs: the position, the working orders, and the executions
    since the intent."""

    async def get_position(self, account: str, instrument: str) -> Position: ...

    async def list_working_orders(self, account: str) -> list[OrderInfo]: ...

    async def list_executions(self, account: str, lookback_s: int = 320
                              ) -> list[Execution]: ...


@dataclass(frozen=True)
class Reconciliation:
    """What an unfinished intent turned out to be, in words and as its journal record."""

    intent: dict[str, Any]
    words: str
    record: dict[str, Any]


async def reconcile(records: Records, reader: StateReader, *,
                    now: float | None = None) -> list[Reconciliation]:
    """Every unfinished intent of an earlier run in the records' mode (this door's, or the
    other's once it cannot be in flight any more): read back (position, executions since),
    said in words, recorded. Never re-sent."""
    if records.journal is None:
        return []
    now = now or time.time()
    mode, door = records.mode, records.journal.door
    torn, written_at = await records.torn_lines(RECORDS_READ)
    found = []
    read = await records.read_last(RECORDS_READ)
    for intent in unfinished([*torn_intents(torn, written_at, mode, door), *read]):
        if intent.get("mode") != mode:
            continue  # a live intent waits for a live session to be read back
        sent_at = intent.get("epoch") if isinstance(intent.get("epoch"), int | float) else 0
        if intent.get("door", door) != door \
                and now - sent_at < OTHER_DOOR_AFTER_S:
            continue  # the other door's request may still be waiting for its answer
        found.append(await _read_back(intent, reader, mode, now))
    for reconciliation in found:
        await records.write(reconciliation.record)
    return found


async def _read_back(intent: dict[str, Any], reader: StateReader, mode: str,
                     now: float) -> Reconciliation:
    account, instrument = intent.get("account"), intent.get("instrument")
    sent_at = intent.get("epoch") if isinstance(intent.get("epoch"), int | float) else now
    position = await _or_none(reader.get_position(account, instrument)) \
        if account and instrument else None
    executions = None
    if account:
        lookback = int(min(LOOKBACK_MAX_S, max(5, now - sent_at + 5)))
        executions = await _or_none(reader.list_executions(account, lookback))
        if executions is not None:
            since_ms = int(sent_at * 1000) - 1000
            executions = [e for e in executions if e.epoch_ms >= since_ms
                          and _same_instrument(e.instrument, instrument)]
    working = await _or_none(reader.list_working_orders(account)) if account else []
    if working is not None:
        working = [o for o in working if _same_instrument(o.instrument, instrument)]
    read = position.describe() if position is not None else (
        "not read" if account and instrument else "not asked (no instrument)")
    fills = ("could not be read" if executions is None else
             ", ".join(f"{'BUY' if e.market_position == 'Long' else 'SELL'} {e.quantity} @ "
                       f"{format_price(e.price)}" for e in executions) or "none")
    clock = datetime.fromtimestamp(sent_at).strftime("%H:%M:%S")
    where = f" on {account}" if account else ""
    sent = "may have sent" if intent.get("torn") else "sent"
    torn = " (its journal line was cut short by the crash)" if intent.get("torn") else ""
    words = (f"The last session {sent} {intent.get('words', 'an order')}{where} at {clock}"
             f"{torn} and closed before CrossTrade answered. Read now: {read}. Executions "
             f"since: {fills}. {_working_words(working)}Nothing was re-sent.")
    if mode == "demo":
        words += (" (The demo simulator starts afresh at every start: what it holds now says "
                  "nothing about that order.)")
    record = {"kind": "reconciled", "mode": mode, "client_id": intent["client_id"],
              "account": account, "instrument": instrument, "read": read,
              "executions": fills,
              "working": None if working is None else [order_words(o) for o in working],
              "words": words}
    return Reconciliation(intent, words, record)


def _working_words(working: list | None) -> str:
    """The orders still working there, when any (an entry that has not filled); said only
    when there is something to say, so the usual notice stays short."""
    if working is None:
        return "Its working orders could not be read. "
    if not working:
        return ""
    return f"Working: {', '.join(order_words(o) for o in working)}. "


def _same_instrument(name: str, wanted: str | None) -> bool:
    """``ES 12-26`` is the ``ES`` an order named by its root (as the CLI takes it)."""
    if not wanted:
        return True
    name, wanted = name.upper(), str(wanted).upper()
    return name == wanted or name.split(" ")[0] == wanted.split(" ")[0]


async def _or_none(read):
    try:
        return await read
    except CtError as error:
        log.warning("Could not read back an unfinished intent: %s", error)
        return None
