"""The one writer of the journal: every record of every door goes through :class:`Records`.

Two kinds of write. An ``intent`` is written *ahead*, on the click path, as one ``write`` of a
whole line with no fsync (a killed process loses nothing the operating system already holds);
the fsync follows in a worker thread while the request is in flight, shared by every intent
written before it starts (a group's members cost one fsync, not ten). Every other record (an
outcome, a fill, a group's summary, a reconciliation) is written whole and fsynced, off the
loop. A journal that cannot be written never stops an order that already left: the failure
is logged and the result still reaches the trader.
"""

from __future__ import annotations

import logging
import time
import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ctpanel.core.store.journal import Journal

if TYPE_CHECKING:
    import asyncio

log = logging.getLogger(__name__)


def new_client_id() -> str:
    """The id that ties a request's intent, outcome and fill (an entry's own custom
    ``orderId``, :func:`~ctpanel.core.domain.protection.new_order_id`, where it has one)."""
    return uuid.uuid4().hex


@dataclass
class WrittenAhead:
    """One request about to leave: its client id, and the fsync making its intent durable."""

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


class Records:
    """Writes ``journal`` (None: no journal, no records) for one mode ("demo" or "live")."""

    def __init__(self, journal: Journal | None, mode: str) -> None:
        self.journal = journal
        self.mode = mode
        self._sync: asyncio.Future | None = None  # the next fsync, not started yet
        self._batch: list[dict[str, Any]] = []  # records waiting for the next flush
        self._flush: asyncio.Future | None = None  # when they are on disk

    def ahead(self, action: str, words: str, account: str | None, instrument: str | None,
              body: dict[str, Any], transport: str | None = None,
              client_id: str | None = None) -> WrittenAhead:
        """Record that ``words`` ("SELL 2 ES 12-26 MARKET DAY") is about to be sent;
        ``client_id``: the id the request already carries (an entry's ``orderId``)."""
        return self.ahead_all([(action, words, account, instrument, body, transport,
                                client_id)])[0]

    def ahead_all(self, intents: list[tuple]) -> list[WrittenAhead]:
        """Several intents (each ``ahead``'s arguments) in one ``write``: a group's members,
        all on disk before the first request leaves."""
        handles = [WrittenAhead(_given_id(intent) or new_client_id()) for intent in intents]
        if self.journal is None:
            return handles
        now = round(time.time(), 3)
        records = [{"kind": "intent", "action": action, "mode": self.mode, "words": words,
                    "account": account, "instrument": instrument, "body": body,
                    "transport": transport, "client_id": handle.client_id,
                    "door": self.journal.door, "epoch": now}
                   for handle, (action, words, account, instrument, body, transport, *_)
                   in zip(handles, intents, strict=True)]
        try:
            self.journal.append_all(records, durable=False)
        except OSError as failure:
            # The trader pressed: the order still goes out, and the failure is said.
            log.error("Could not write the intent to the journal (%s): %s",
                      self.journal.path, failure)
            return handles
        synced = self._next_sync()
        for handle in handles:
            handle.synced = synced
        return handles

    async def write(self, record: dict[str, Any]) -> None:
        """One whole record, fsynced, off the loop (with this mode, unless it names one).
        Records written in one turn of the loop (a group's outcomes landing together) share
        one ``write`` and one fsync in one worker thread."""
        if self.journal is None:
            return
        import asyncio

        self._batch.append({"mode": self.mode, **record})
        if self._flush is None:
            self._flush = asyncio.get_running_loop().create_future()
            asyncio.get_running_loop().call_soon(self._start_flush)
        try:
            await asyncio.shield(self._flush)
        except OSError as failure:
            # The request already went out; losing the journal line must not hide its result.
            log.error("Could not write the journal (%s): %s", self.journal.path, failure)

    def _start_flush(self) -> None:
        import asyncio

        batch, flushed = self._batch, self._flush
        self._batch, self._flush = [], None  # what is written from now on: the next flush
        _settle(asyncio.ensure_future(asyncio.to_thread(self.journal.append_all, batch)),
                flushed)

    async def read_last(self, count: int) -> list[dict[str, Any]]:
        """The journal's last ``count`` readable records (none without a journal)."""
        if self.journal is None:
            return []
        return await self.journal.read_last_async(count)

    async def torn_lines(self, count: int) -> tuple[list[bytes], float]:
        """The journal's torn lines among its last ``count``, and when it was last written."""
        if self.journal is None:
            return [], 0.0
        import asyncio

        journal = self.journal

        def read() -> tuple[list[bytes], float]:
            try:
                written_at = journal.path.stat().st_mtime
            except OSError:
                return [], 0.0
            return journal.torn_lines(count), written_at

        return await asyncio.to_thread(read)

    def _next_sync(self) -> asyncio.Future:
        """The fsync that covers what was just written. It starts once the loop has sent the
        request (the next turn of the loop, after the caller's send began)."""
        import asyncio

        if self._sync is not None and not self._sync.done():
            return self._sync
        loop = asyncio.get_running_loop()
        journal = self.journal
        future: asyncio.Future = loop.create_future()

        def start() -> None:
            self._sync = None  # what is written from now on needs the next one
            _settle(asyncio.ensure_future(asyncio.to_thread(journal.sync)), future)

        self._sync = future
        loop.call_soon(start)
        return future


def _given_id(intent: tuple) -> str | None:
    """The client id an intent already carries (its seventh field), if any."""
    return intent[6] if len(intent) > 6 and intent[6] else None


def _settle(work: asyncio.Future, future: asyncio.Future) -> None:
    """When ``work`` (a worker thread's) is done, ``future`` ends as it did."""

    def finish(done: asyncio.Future) -> None:
        if future.done():
            return
        if done.cancelled():
            future.cancel()
        elif done.exception() is not None:
            future.set_exception(done.exception())
        else:
            future.set_result(None)

    work.add_done_callback(finish)
