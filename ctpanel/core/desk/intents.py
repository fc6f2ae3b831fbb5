"""The journal written ahead: an ``intent`` record before a request leaves, so an order sent
just before a crash leaves a trace; then, at the next start, what became of it.

An intent is one ``write`` of a whole line on the click path (no fsync: a killed process loses
nothing the operating system already holds), made durable by an fsync in a worker thread while
the request is in flight. Every record of one request carries the same ``client_id``: the
intent, its outcome (with CrossTrade's ``order_id``), and a ``reconciled`` record when a later
run had to find out what happened. An intent with neither is *unfinished*.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol

from ctpanel.core.domain.pricing import format_price
from ctpanel.core.errors import CtError
from ctpanel.core.store.journal import Journal

if TYPE_CHECKING:
    import asyncio

    from ctpanel.core.domain.models import Execution, Position

log = logging.getLogger(__name__)
LOOKBACK_MAX_S = 900  # ListExecutions looks back at most 15 minutes (reference §10.2)
RECORDS_READ = 500  # how far back an unfinished intent is looked for
# Another door's intent may still be in flight (the CLI while the panel starts, or the other
# way round); past this age no request of ours is still waiting for its answer.
OTHER_DOOR_AFTER_S = 120.0


def new_client_id() -> str:
    return uuid.uuid4().hex


@dataclass
class WrittenAhead:
    """One request about to leave: its client id, and the fsync making its record durable."""

    client_id: str
    synced: asyncio.Future | None = None

    async def settled(self) -> None:
        """The intent's fsync finished (a failure is logged: the request already left)."""
        if self.synced is None or self.synced.cancelled():
            return
        try:
            await self.synced
        except OSError as failure:
            log.error("Could not make the journal's intent durable: %s", failure)


class IntentLog:
    """Writes intents into ``journal`` (None: no journal, no records)."""

    def __init__(self, journal: Journal | None, mode: str) -> None:
        self.journal = journal
        self.mode = mode
        self._sync: asyncio.Future | None = None  # the next fsync, not started yet

    def begin(self, action: str, words: str, account: str | None, instrument: str | None,
              body: dict[str, Any], transport: str | None = None) -> WrittenAhead:
        """Record that ``words`` ("SELL 2 ES 12-26 MARKET DAY") is about to be sent."""
        intent = WrittenAhead(new_client_id())
        if self.journal is None:
            return intent
        record = {"kind": "intent", "action": action, "mode": self.mode, "words": words,
                  "account": account, "instrument": instrument, "body": body,
                  "transport": transport, "client_id": intent.client_id,
                  "door": self.journal.door,
                  "epoch": round(time.time(), 3)}
        try:
            self.journal.append(record, durable=False)
        except OSError as failure:
            # The trader pressed: the order still goes out, and the failure is said.
            log.error("Could not write the intent to the journal (%s): %s",
                      self.journal.path, failure)
            return intent
        intent.synced = self._next_sync()
        return intent

    def _next_sync(self) -> asyncio.Future:
        """The fsync that covers what was just written. It starts once the loop has sent the
        request (the next turn of the loop, after the caller's send began), and intents
        written before it starts share it: a group's members cost one fsync, not ten."""
        import asyncio

        if self._sync is not None and not self._sync.done():
            return self._sync
        loop = asyncio.get_running_loop()
        journal = self.journal
        future: asyncio.Future = loop.create_future()

        def start() -> None:
            self._sync = None  # what is written from now on needs the next one
            asyncio.ensure_future(asyncio.to_thread(journal.sync)).add_done_callback(finish)

        def finish(done: asyncio.Future) -> None:
            if future.done():
                return
            if done.cancelled():
                future.cancel()
            elif done.exception() is not None:
                future.set_exception(done.exception())
            else:
                future.set_result(None)

        self._sync = future
        loop.call_soon(start)
        return future


def unfinished(records: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Intents that no later record of the same client id answers, oldest first."""
    records = list(records)
    answered = {r.get("client_id") for r in records if r.get("kind") != "intent"}
    return [r for r in records if r.get("kind") == "intent"
            and isinstance(r.get("client_id"), str) and r["client_id"] not in answered]


class StateReader(Protocol):
    async def get_position(self, account: str, instrument: str) -> Position: ...

    async def list_executions(self, account: str, lookback_s: int = 320
                              ) -> list[Execution]: ...


@dataclass(frozen=True)
class Reconciliation:
    """What an unfinished intent turned out to be, in words and as its journal record."""

    intent: dict[str, Any]
    words: str
    record: dict[str, Any]


async def reconcile(journal: Journal, reader: StateReader, mode: str, *,
                    now: float | None = None) -> list[Reconciliation]:
    """Every unfinished intent of an earlier run in ``mode`` (this door's, or the other's
    once it cannot be in flight any more): read back (position, executions since), said in
    words, recorded. Never re-sent."""
    now = now or time.time()
    records = await journal.read_last_async(RECORDS_READ)
    found = []
    for intent in unfinished(records):
        if intent.get("mode") != mode:
            continue  # a live intent waits for a live session to be read back
        sent_at = intent.get("epoch") if isinstance(intent.get("epoch"), int | float) else 0
        if intent.get("door", journal.door) != journal.door \
                and now - sent_at < OTHER_DOOR_AFTER_S:
            continue  # the other door's request may still be waiting for its answer
        found.append(await _read_back(intent, reader, mode, now))
    for reconciliation in found:
        try:
            await journal.append_async(reconciliation.record)
        except OSError as failure:
            log.error("Could not record the reconciliation: %s", failure)
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
    read = position.describe() if position is not None else (
        "not read" if account and instrument else "not asked (no instrument)")
    fills = ("could not be read" if executions is None else
             ", ".join(f"{'BUY' if e.market_position == 'Long' else 'SELL'} {e.quantity} @ "
                       f"{format_price(e.price)}" for e in executions) or "none")
    clock = datetime.fromtimestamp(sent_at).strftime("%H:%M:%S")
    where = f" on {account}" if account else ""
    words = (f"The last session sent {intent.get('words', 'an order')}{where} at {clock} and "
             f"closed before CrossTrade answered. Read now: {read}. Executions since: {fills}. "
             "Nothing was re-sent.")
    if mode == "demo":
        words += (" (The demo simulator starts afresh at every start: what it holds now says "
                  "nothing about that order.)")
    record = {"kind": "reconciled", "mode": mode, "client_id": intent["client_id"],
              "account": account, "instrument": instrument, "read": read,
              "executions": fills, "words": words}
    return Reconciliation(intent, words, record)


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
