"""The session scopes work to its backend: a switch cancels what read through the old one."""

import asyncio

import httpx
import pytest

from ctpanel.backend import open_demo
from ctpanel.core.store.journal import Journal
from ctpanel.panel.session import Session
from tests.conftest import SEEDED_ACCOUNTS


async def test_a_switch_cancels_the_old_backends_work_and_tells_backends_apart(tmp_path):
    journal = Journal(tmp_path / "journal.jsonl")
    first, second = await open_demo(journal), await open_demo(journal)
    session = Session(first)
    first.simulator.add_fault(apis=["ListAccounts"], latency=5)
    slow = session.spawn(first.client.list_accounts(), name="accounts")
    await asyncio.sleep(0.05)  # the request is on its way
    old = session.attach(second)
    assert old is first and session.backend is second and session.generation == 2
    await asyncio.gather(slow, return_exceptions=True)
    assert slow.cancelled(), "an old backend's answer can no longer land"
    await old.aclose()
    accounts = await session.spawn(second.client.list_accounts())
    assert [a.name for a in accounts] == SEEDED_ACCOUNTS
    await session.close()
    async with httpx.AsyncClient() as probe:  # the demo backend's simulator is gone with it
        with pytest.raises(httpx.ConnectError):
            await probe.get(f"{second.base_url}/_sim/received")


async def test_close_cancels_the_work_in_flight_then_closes_the_backend(tmp_path):
    backend = await open_demo(Journal(tmp_path / "journal.jsonl"))
    session = Session(backend)
    backend.simulator.add_fault(apis=["ListAccounts"], latency=5)
    pending = session.spawn(backend.client.list_accounts())
    await asyncio.sleep(0.05)
    await session.close()
    assert pending.cancelled()
