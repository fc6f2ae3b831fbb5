"""Fixtures shared by every test: a private data dir, a private keyring, a live simulator."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before any QApplication exists
# The simulator lists the contract months not expired on its day: pinned, so ES is ES 12-26.
os.environ["CTPANEL_SIM_TODAY"] = "2026-11-24"

import keyring
import pytest
import pytest_asyncio
from keyring.backend import KeyringBackend

from ctpanel.core.wire.client import CrossTradeClient
from ctpanel.sim import Simulator

TOKEN = "sim-token-0123456789abcdef"
# The simulator's seeded accounts: three NinjaTrader simulation accounts, the demo group's five.
SEEDED_ACCOUNTS = ["Sim101", "Sim102", "Sim103", *(f"APEX-{i}" for i in range(1, 6))]


class DictKeyring(KeyringBackend):
    """keyring's own backend API over a dict: a real backend object, with no OS service."""

    priority = 1

    def __init__(self) -> None:
        super().__init__()
        self.passwords: dict[tuple[str, str], str] = {}

    def get_password(self, service, username):
        return self.passwords.get((service, username))

    def set_password(self, service, username, password):
        self.passwords[(service, username)] = password

    def delete_password(self, service, username):
        from keyring.errors import PasswordDeleteError

        if self.passwords.pop((service, username), None) is None:
            raise PasswordDeleteError("not found")


@pytest.fixture(autouse=True)
def private_files(tmp_path, monkeypatch):
    """Every test writes its journal and settings into its own temporary folder."""
    data = tmp_path / "data"
    monkeypatch.setenv("CTPANEL_DATA_DIR", str(data))
    monkeypatch.delenv("CTPANEL_TOKEN", raising=False)
    monkeypatch.delenv("CTPANEL_BASE_URL", raising=False)
    monkeypatch.delenv("CTPANEL_WS_URL", raising=False)
    return data


@pytest.fixture
def memory_keyring(request):
    """A fresh in-process keyring backend, restored afterwards."""
    if request.node.get_closest_marker("real_keyring"):
        yield None
        return
    previous = keyring.get_keyring()
    backend = DictKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


@pytest_asyncio.fixture
async def sim():
    simulator = Simulator(token=TOKEN)
    await simulator.start()
    yield simulator
    await simulator.stop()


@pytest_asyncio.fixture
async def client(sim):
    api = CrossTradeClient(TOKEN, base_url=sim.base_url, timeout=5.0)
    yield api
    await api.aclose()
