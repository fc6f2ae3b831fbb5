"""The connection part of the panel, Qt-free: the current backend (demo or live), switching
between them, going live on purpose, the status lights, and the WebSocket's start and restart.

Nothing of an old backend's survives a switch: its tasks are cancelled (the
:class:`~ctpanel.panel.session.Session`), every light goes back to unknown until the new one
answers, and ``attached`` tells the panel to forget the rest.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from copy import copy

from ctpanel.backend import Backend, Mode
from ctpanel.core.domain.secret import Secret
from ctpanel.core.domain.states import StreamState
from ctpanel.core.errors import CtError, NotConnectedError, RateLimitedError, TokenStoreError
from ctpanel.core.store.credentials import TokenStore, resolve_token_async
from ctpanel.panel.events import Event
from ctpanel.panel.ninjatrader import not_connected_advice_now
from ctpanel.panel.notices import Level, Notices
from ctpanel.panel.ports import Confirmer
from ctpanel.panel.session import Session, Spawn
from ctpanel.panel.status import ConnectionStatus
from ctpanel.panel.views import MODE_BANDS, StatusView

log = logging.getLogger(__name__)

NINJATRADER_CHECK_EVERY_S = 60.0  # a 408 repeated by every poll: look for the process once a minute
BackendFactory = Callable[[Mode, Secret | None], Awaitable[Backend]]


class Connection:
    """The panel's part for the backend: going live on purpose, the lights, the WebSocket."""

    def __init__(self, session: Session, notices: Notices, *, backend_factory: BackendFactory,
                 token_store: TokenStore, confirmer: Confirmer, live_base_url: str,
                 spawn: Spawn, clock: Callable[[], float]) -> None:
        self.session = session
        self.notices = notices
        self.backend_factory = backend_factory
        self.token_store = token_store
        self.confirmer = confirmer
        self.live_base_url = live_base_url
        self.spawn = spawn
        self.clock = clock
        self.session_token: Secret | None = None  # a token kept for this session only
        self.lights = ConnectionStatus()
        self.budget = "Budget –"
        self._ninjatrader_checked_at: float | None = None
        self.attached = Event("attached")  # a new backend: the panel forgets the old one's
        self.status = Event("status")  # StatusView
        self.stream_message = Event("stream_message")  # a pushed message of the current backend
        self.token_needed = Event("token_needed")  # going live needs a token: ask for one

    @property
    def backend(self) -> Backend | None:
        return self.session.backend

    def status_view(self) -> StatusView:
        return StatusView(copy(self.lights), self.budget)

    # --- backends -------------------------------------------------------------------------

    def attach(self, backend: Backend) -> Backend | None:
        """Make ``backend`` the current one (its predecessor's tasks are cancelled); the
        predecessor is returned, for the caller to close."""
        old = self.session.attach(backend)
        self.lights.reset(live=backend.mode is Mode.LIVE)
        self.budget = "Budget –"
        generation = self.session.generation
        backend.stream.add_state_listener(
            lambda state, reason: self._on_stream_state(generation, state, reason))
        backend.stream.add_event_listener(
            lambda message: self._on_stream_message(generation, message))
        self.status.emit(self.status_view())
        self.attached.emit(backend)
        return old

    async def switch(self, mode: Mode, token: Secret | None) -> bool:
        """Open a ``mode`` backend and use it; False (said why) when it could not be opened."""
        try:
            new = await self.backend_factory(mode, token)
        except CtError as error:  # e.g. a base URL refused as unsafe: stay where we are
            self.notices.say(Level.ERROR, f"Could not switch to {mode.value}: {error}")
            return False
        old = self.attach(new)
        self.notices.say(Level.INFO, MODE_BANDS[mode.value])
        if old is not None:
            await old.aclose()
        return True

    async def live_token(self) -> Secret | None:
        """The token to go live with: this session's, else the stored one; None (said) if none."""
        token = self.session_token
        if token is None:
            try:
                token = (await resolve_token_async(self.token_store)).token
            except TokenStoreError as error:
                self.notices.say(Level.WARNING, str(error))
        if token is None:
            self.notices.say(Level.WARNING, "Going live needs an API token: save one, then "
                                            "choose Go live again.")
            self.token_needed.emit()
        return token

    async def confirm_going_live(self) -> bool:
        question = ("Switch to LIVE trading? Orders will go to NinjaTrader through CrossTrade "
                    f"({self.live_base_url}).")
        return await self.confirmer.ask("Go live", question)

    def token_changed(self, token: Secret | None, session_token: Secret | None) -> bool:
        """The token dialog saved or cleared a token; True when the panel must go to demo."""
        self.session_token = session_token
        if token is None and self.backend is not None and self.backend.mode is Mode.LIVE:
            self.notices.say(Level.WARNING, "The token was cleared; switching to demo mode.")
            return True
        if token is not None:
            self.notices.say(Level.INFO, "Token saved. Choose Connection → Go live to use it.")
        return False

    # --- what happened: the lights --------------------------------------------------------

    def answered(self) -> None:
        """A request went through."""
        self.lights.answered(live=self.backend is not None and self.backend.mode is Mode.LIVE)
        self.status.emit(self.status_view())

    def failed(self, what: str, error: CtError, plain: str | None = None) -> None:
        """A request failed: said in plain words, and the light it concerns turned."""
        self.notices.say(Level.ERROR, plain or f"{what}: {error}")
        self.lights.failed(error)
        if isinstance(error, RateLimitedError):
            self.budget = "Budget 0 — rate limited"
        self.status.emit(self.status_view())
        if isinstance(error, NotConnectedError):
            self._say_whether_ninjatrader_runs()

    async def open_orders_lane(self) -> None:
        """The orders connection, opened ahead so a click never waits for a handshake."""
        try:
            await self.backend.client.keep_warm(force=True)
        except CtError as error:  # the next click opens it, the next poll tries again
            log.info("The orders connection could not be opened ahead: %s", error)

    def show_budget(self) -> None:
        if self.backend is not None:
            budget = self.backend.client.budget
            self.budget = f"Budget {int(budget.level)}/{int(budget.burst)}"
            self.status.emit(self.status_view())

    def _say_whether_ninjatrader_runs(self) -> None:
        now, checked = self.clock(), self._ninjatrader_checked_at
        if checked is None or now - checked >= NINJATRADER_CHECK_EVERY_S:
            self._ninjatrader_checked_at = now
            self.spawn(self._say_ninjatrader_advice(), "ninjatrader-process")

    async def _say_ninjatrader_advice(self) -> None:
        self.notices.say(Level.WARNING, await not_connected_advice_now())

    # --- the WebSocket --------------------------------------------------------------------

    def start_stream(self) -> None:
        if self.backend is not None:
            self.backend.stream.start()

    def reconnect_stream(self) -> None:
        """The explicit restart after CrossTrade stopped the WebSocket (session elsewhere)."""
        if self.backend is not None:
            self.notices.say(Level.INFO, "Reconnecting the WebSocket…")
            self.backend.stream.start()

    def _on_stream_state(self, generation: int, state: StreamState, reason: str) -> None:
        if generation != self.session.generation:
            return  # the replaced backend's stream closing: nothing to do with this one
        self.lights.stream(state, reason)
        self.status.emit(self.status_view())
        if state is StreamState.STOPPED:
            self.notices.say(Level.ERROR, f"WebSocket stopped: {reason}")
        elif state is StreamState.FAILED:
            self.notices.say(Level.ERROR, f"WebSocket: {reason}. Prices are polled until it "
                                          "is back; reconnecting.")

    def _on_stream_message(self, generation: int, message: dict) -> None:
        if generation == self.session.generation:
            self.stream_message.emit(message)
