"""A real Panel on a real demo backend (the embedded simulator on a loopback port), with no Qt
and no qasync loop: pytest-asyncio's loop, a fake clock, and stand-ins only for what lies
outside the panel (the trader's answers, the operating system's hotkey and sound player)."""

from __future__ import annotations

import asyncio
import contextlib
import logging

import pytest

from ctpanel.backend import Mode, assemble, open_demo
from ctpanel.core.domain.form import FormState
from ctpanel.core.domain.secret import Secret
from ctpanel.core.store.credentials import MemoryTokenStore
from ctpanel.core.store.group_file import GroupFile
from ctpanel.core.store.journal import Journal
from ctpanel.panel.notices import NoticeHandler
from ctpanel.panel.options import MemoryPreferences
from ctpanel.panel.panel import Panel
from ctpanel.panel.ports import ScriptedConfirmer
from ctpanel.panel.ticket import Freshness
from ctpanel.sim.seed import DEMO_GROUPS
from tests.conftest import TOKEN
from tests.helpers.clock import FakeClock
from tests.helpers.stand_ins import FakeRegistrar


class Heard:
    """Every event the panel emitted, in order, with what it carried."""

    def __init__(self, panel: Panel) -> None:
        self.seen: list[tuple[str, tuple]] = []
        for name in panel.events.names:
            getattr(panel.events, name).connect(
                lambda *args, name=name: self.seen.append((name, args)))

    def of(self, name: str) -> list[tuple]:
        return [args for seen, args in self.seen if seen == name]

    def last(self, name: str):
        found = self.of(name)
        return found[-1] if found else None


async def until(predicate, timeout: float = 5.0, what: str = "") -> None:
    """Wait (on the loop, in real time) until ``predicate()`` holds."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not predicate():
        if loop.time() > deadline:
            raise TimeoutError(f"timed out waiting for {what or predicate}")
        await asyncio.sleep(0.01)


class Driven:
    """The panel under test, its simulator, clock, stand-ins and what it said."""

    def __init__(self, panel: Panel, clock: FakeClock, confirmer: ScriptedConfirmer,
                 registrar: FakeRegistrar, played: list[str],
                 sides: dict[str, FakeRegistrar] | None = None) -> None:
        self.panel = panel
        self.clock = clock
        self.confirmer = confirmer
        self.registrar = registrar
        self.sides = sides or {}  # the global Close, BUY and SELL chords' registrations
        self.close_registrar = self.sides.get("close")
        self.played = played
        self.heard = Heard(panel)

    @property
    def sim(self):
        return self.panel.backend.simulator

    def orders(self):
        return self.sim.orders_received("ReversePosition")

    def lines(self) -> str:
        return "\n".join(self.panel.notices.lines())

    def armed(self, action: str = "reverse") -> bool:
        return self.arming(action).armed

    def arming(self, action: str = "reverse"):
        state = self.panel.ticket_state
        return state.arming if action == "reverse" else state.exits[action]

    def requests(self, *apis: str) -> list:
        return [r for r in self.sim.received if r.api in apis]

    def shows(self, described: str) -> bool:
        position = self.panel.position()
        return position is not None and position.describe() == described

    async def wait_for(self, described: str) -> None:
        """Until ``described`` is shown; polled as the view's timer would when a read was
        put off for the request budget (each read is three requests: position, the
        account's positions, its working orders)."""
        def shown() -> bool:
            if not self.shows(described) and not self.panel.positions.reading():
                self.panel.poll_tick()
            return self.shows(described)
        await until(shown, what=f"position {described}")

    async def select(self, account: str, instrument: str, expect: str) -> None:
        """Pick, until ``expect`` is shown and no read of the selection is left on its way."""
        self.panel.select(account, instrument)
        await self.wait_for(expect)
        await until(lambda: not self.panel.positions.reading(), what="the reads settled")

    async def wait_armed(self, action: str = "reverse") -> None:
        """Armed: the fake clock moved past the re-arm delay, a figure read (polled, as the
        view's timer does, when it went stale)."""
        async def ready() -> None:
            while not self.armed(action):
                reason = self.arming(action).reason
                if reason.startswith("Re-arming"):
                    self.clock.now += 0.1
                    self.panel.refresh_ticket()
                elif self.panel.ticket.freshness_of_reading() is Freshness.STALE or (
                        reason.startswith("Reading the position")
                        and not self.panel.positions.reading()):
                    self.panel.poll_tick()  # as the view's 5 s timer would
                await asyncio.sleep(0.01)
        try:
            await asyncio.wait_for(ready(), 5)
        except TimeoutError:
            raise AssertionError(f"not armed: {self.arming(action).reason}") from None

    async def wait_quote(self) -> None:
        """A fresh quote of the selected instrument: the market's ticks, as the view's timer
        drives them, past the selection's debounce on the fake clock."""
        async def quoted() -> None:
            while self.panel.market.view().usable is None:
                self.clock.now += 0.2
                self.panel.market_tick()
                await asyncio.sleep(0.02)
        await asyncio.wait_for(quoted(), 5)

    async def press_and_wait(self, action: str = "reverse", order_id: str | None = None):
        """One press once armed; the order's outcome."""
        await self.wait_armed(action)
        before = len(self.heard.of("order_finished"))
        self.panel.press(action, order_id)
        await until(lambda: len(self.heard.of("order_finished")) > before, 10, "the outcome")
        return self.heard.of("order_finished")[-1][0]


@pytest.fixture
async def make_panel(tmp_path, memory_keyring):
    made: list[Panel] = []

    async def make(*, preferences: dict | None = None, confirm_answer: bool = True,
                   timeout: float = 5.0, problem: str | None = None,
                   groups: list | None = None) -> Driven:
        journal = Journal(tmp_path / "journal.jsonl")

        async def factory(mode, token):
            return await open_demo(journal, timeout=timeout)

        clock, confirmer, registrar, played = FakeClock(), ScriptedConfirmer(confirm_answer), \
            FakeRegistrar(problem), []
        sides = {name: FakeRegistrar() for name in ("close", "buy", "sell")}
        panel = Panel(preferences=MemoryPreferences({"rearm_delay": 0.3, **(preferences or {})}),
                      journal=journal, backend_factory=factory, token_store=MemoryTokenStore(),
                      confirmer=confirmer, backend=await factory(None, None), clock=clock,
                      sound_player=played.append, sound_path=lambda name: name,
                      hotkey_registrar=lambda: registrar,
                      side_registrar=sides.__getitem__,
                      groups=GroupFile(tmp_path / "data", demo=DEMO_GROUPS))
        if groups:
            GroupFile(tmp_path / "data").save(groups)
        made.append(panel)
        driven = Driven(panel, clock, confirmer, registrar, played, sides)
        panel.start()
        await until(lambda: bool(driven.heard.of("accounts")), what="the account list")
        return driven

    yield make
    for panel in made:
        await panel.shutdown()


@pytest.fixture
async def driven(make_panel) -> Driven:
    """Sim101 / ES 12-26 (long 2), mirroring on."""
    made = await make_panel()
    await made.select("Sim101", "ES 12-26", "Long 2")
    return made


def form(**fields) -> FormState:
    return FormState(**fields)


@pytest.fixture(autouse=True)
def no_error_in_a_subscriber(monkeypatch):
    """An event's subscriber that raises is handed to sys.excepthook (the crash dialog in the
    app) and the others still run; here it fails the test."""
    errors: list[BaseException] = []
    monkeypatch.setattr("sys.excepthook", lambda kind, value, tb: errors.append(value))
    yield errors
    assert not errors, f"a subscriber raised: {errors!r}"


@contextlib.asynccontextmanager
async def live_panel(sim, ws_url: str, journal: Journal):
    """A Panel, live, on the simulator's REST and another WebSocket (a hostile stand-in), its
    warnings said as notices as the app assembles it; shut down afterwards."""
    backend = assemble(Mode.LIVE, Secret(TOKEN), sim.base_url, ws_url, journal, timeout=5)
    backend.stream.backoff = (0.05, 0.2)

    async def no_other(mode, token):
        raise AssertionError("no switch here")

    panel = Panel(preferences=MemoryPreferences({"rearm_delay": 0.3, "confirm": "never"}),
                  journal=journal, backend_factory=no_other, token_store=MemoryTokenStore(),
                  confirmer=ScriptedConfirmer(), backend=backend)
    said = NoticeHandler(panel.notices)
    logging.getLogger("ctpanel").addHandler(said)
    try:
        yield panel
    finally:
        logging.getLogger("ctpanel").removeHandler(said)
        await panel.shutdown()
