"""The positions part of the panel, Qt-free: the account list, the selection (account and
instrument live here, not in a widget), the instruments to offer, and reading the selected
position, a newer read superseding an older one, polled within the budget.

Each figure goes to the ticket through the :class:`~ctpanel.panel.watcher.PositionWatcher`,
which keeps it only if it is still about what is selected and was read after the latest order.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

from ctpanel.core.domain.groups import Group, group_name
from ctpanel.core.domain.models import Account, Position
from ctpanel.core.domain.validation import normalise_instrument
from ctpanel.core.errors import CtError
from ctpanel.core.store.group_file import GroupFile
from ctpanel.panel.events import Event
from ctpanel.panel.notices import Level, Notices
from ctpanel.panel.options import PreferenceStore
from ctpanel.panel.session import Session, Spawn
from ctpanel.panel.ticket import Scope, Ticket
from ctpanel.panel.watcher import PositionWatcher

if TYPE_CHECKING:
    import asyncio  # loaded after the window is shown: imported where it is used

log = logging.getLogger(__name__)


class Positions:
    """The panel's part for the selection: accounts, the picked account and instrument, its
    position read and polled (a newer read supersedes an older one)."""

    def __init__(self, session: Session, ticket: Ticket, notices: Notices,
                 preferences: PreferenceStore, *, spawn: Spawn,
                 failed: Callable[[str, CtError, str | None], None],
                 groups: GroupFile | None = None) -> None:
        self.session = session
        self.ticket = ticket
        self.notices = notices
        self.preferences = preferences
        self.spawn = spawn
        self.failed = failed
        self.accounts: list[Account] = []
        self.group_file = groups or GroupFile(None)  # the trader's groups, offered by mode
        self.groups: list[Group] = []
        self.account = ""
        self.instrument = normalise_instrument(preferences.get("last_instrument"))
        self.open_instruments: list[str] = []
        self._read_task: asyncio.Task | None = None
        self.watcher = PositionWatcher(session, ticket, on_shown=self._on_shown,
                                       on_failed=self._on_read_failed)
        self.accounts_loaded = Event("accounts_loaded")  # list[Account], the selected one
        self.instruments = Event("instruments")  # open ones, recent ones, the selected one
        self.strategies = Event("strategies")  # ATM template names: recent, then NinjaTrader's
        self.atm_templates: list[str] = []
        self.scope_changed = Event("scope_changed")  # a new account or instrument
        self.account_changed = Event("account_changed")  # the account picked is another one
        self.shown = Event("shown")  # a figure was kept (or nothing is known)
        self.read_failed = Event("read_failed")  # why not, in short (the error's name)
        self.first_answer = Event("first_answer")  # the account list answered (True) or not

    def scope(self) -> Scope | None:
        if self.session.backend is None:
            return None
        return Scope(self.session.generation, self.account, self.instrument)

    def position(self) -> Position | None:
        """The position on screen: read for the selected scope (None when unknown, and for a
        group, which holds nothing itself: each member's position is in the preview)."""
        if self.ticket.reading is None or self.group() is not None:
            return None
        return self.ticket.reading.position

    def save_groups(self, groups: list[Group]) -> None:
        """The trader's groups, edited: kept in the data folder and offered at once."""
        try:
            self.group_file.save(groups)
        except OSError as failure:
            self.notices.say(Level.ERROR, f"Could not save the groups: {failure}")
            return
        self.notices.say(Level.INFO, f"Groups saved: {', '.join(g.label for g in groups)}."
                         if groups else "Groups saved: none.")
        self.refresh_accounts()

    def group(self) -> Group | None:
        """The group selected in the account's place (None: an account is)."""
        name = group_name(self.account)
        return next((g for g in self.groups if g.name == name), None) if name else None

    def live_account(self) -> bool:
        """Live mode and not one of NinjaTrader's simulation accounts ("Confirm: live accounts
        only" asks for these). An account not in the list counts as live: the safe side."""
        backend = self.session.backend
        if backend is None or backend.mode.value != "live":
            return False
        if self.group() is not None:  # live if any member is
            names = {a.name: a for a in self.accounts}
            return any(name not in names or not names[name].is_simulation
                       for name in self.group().accounts)
        account = next((a for a in self.accounts if a.name == self.account), None)
        return account is None or not account.is_simulation

    def account_words(self) -> str:
        """``Sim101: simulation account`` (demo mode: everything is simulated)."""
        backend = self.session.backend
        if not self.account or backend is None:
            return ""
        group = self.group()
        if group is not None:
            return f"{group.label}: {', '.join(group.accounts)}"
        if backend.mode.value != "live":
            return f"{self.account}: demo (simulator)"
        return f"{self.account}: {'live' if self.live_account() else 'simulation'} account"

    async def offer_atm_templates(self) -> None:
        """NinjaTrader's ATM templates, after the recent names, when CrossTrade lists them
        (an undocumented route: without it the typed and recent names are all there is)."""
        try:
            self.atm_templates = await self.session.backend.client.list_atm_templates()
        except CtError as error:
            log.info("No list of ATM templates: %s", error)
            return
        self.strategies.emit(self.strategy_names())

    def strategy_names(self) -> list[str]:
        recent = self.preferences.get("recent_strategies")
        return list(dict.fromkeys([*recent, *self.atm_templates]))

    def recent(self) -> list[str]:
        return self.preferences.get("recent_instruments")

    # --- the account list -----------------------------------------------------------------

    def refresh_accounts(self, *, warm_up: bool = False) -> None:
        if self.session.backend is not None:
            self.spawn(self._load_accounts(warm_up), "accounts")

    async def _load_accounts(self, warm_up: bool) -> None:
        try:
            accounts = await self.session.backend.client.list_accounts()
        except CtError as error:
            accounts = None
            self.failed("Could not load the accounts", error, None)
        if warm_up:
            self.first_answer.emit(accounts is not None)
        if accounts is None:
            return
        if not accounts:
            self.notices.say(Level.WARNING, "CrossTrade listed no accounts: NinjaTrader seems "
                                            "closed, or has no account connected.")
        self.accounts = accounts
        self.groups = self.group_file.offered(self.session.backend.mode.value)
        if accounts:  # groups beside the accounts ("Group: Apex PA (5)"), never instead
            accounts = [*accounts, *(Account(g.key, g.label) for g in self.groups)]
        names = [account.name for account in accounts]
        wanted = self.account or self.preferences.get("last_account")
        account = wanted if wanted in names else (names[0] if names else "")
        self.accounts_loaded.emit(accounts, account)
        self.select(account, self.instrument, force=True)

    def read_remembered(self) -> None:
        """The last account and instrument, read at the same time as the account list: the
        position is on screen one round trip after the connections are up."""
        account = self.preferences.get("last_account")
        if self.session.backend is not None and account and self.instrument:
            scope = Scope(self.session.generation, account, self.instrument)
            self.spawn(self.watcher.read_early(scope), "position-early")

    # --- the selection --------------------------------------------------------------------

    def select(self, account: str, instrument: str, *, force: bool = False) -> None:
        """The trader picked an account or an instrument (or the list set one: ``force``).
        A pick always reads again, and supersedes a read on its way (a new account's move to
        an instrument it holds, say): what the trader picked last wins."""
        instrument = normalise_instrument(instrument)
        account_changed = force or account != self.account
        picked_another = account != self.account
        self.account, self.instrument = account, instrument
        if account_changed:
            if account:
                self.preferences.set("last_account", account)
            if picked_another:
                self.account_changed.emit(account)
        elif instrument:
            self.preferences.set("last_instrument", instrument)
        self.load(account_changed=account_changed)

    def sync_scope(self) -> None:
        """Nothing survives a change of backend, account or instrument."""
        if self.ticket.select(self.scope()):
            self.scope_changed.emit()

    def load(self, *, account_changed: bool = False) -> None:
        """Re-read what the panel shows; a newer request supersedes an older one."""
        self.cancel_read()
        self.sync_scope()
        if self.session.backend is not None:
            self._read_task = self.spawn(self._read_view(account_changed), "position")

    def cancel_read(self) -> None:
        """An order is going: a read on its way could predate it."""
        if self._read_task is not None and not self._read_task.done():
            self._read_task.cancel()

    def reading(self) -> bool:
        return self._read_task is not None and not self._read_task.done()

    async def _read_view(self, account_changed: bool) -> None:
        if not self.account:
            self.watcher.on_shown()
            return
        if not account_changed or self.group() is not None:
            await self.watcher.read()
            return
        import asyncio

        # The selected instrument's position, side by side with the account's list of them.
        reading = asyncio.ensure_future(self.watcher.read())
        try:
            positions = await self.session.backend.client.list_positions(self.account)
        except CtError as error:
            self.failed("Could not list the positions", error, None)
            await reading
            return
        except asyncio.CancelledError:
            reading.cancel()
            raise
        self.open_instruments = [p.instrument for p in positions if not p.is_flat]
        choices = list(dict.fromkeys(self.open_instruments + self.recent()))
        if self.open_instruments and self.instrument not in self.open_instruments:
            self.instrument = self.open_instruments[0]  # a new account: one it holds
        elif not self.instrument and choices:
            self.instrument = choices[0]
        self.instruments.emit(self.open_instruments, self.recent(), self.instrument)
        scope = self.ticket.scope
        self.sync_scope()
        if self.ticket.scope != scope:
            reading.cancel()
            await self.watcher.read()
        else:
            await reading

    def poll(self) -> None:
        """The poll timer's tick: read again unless a read is on its way or the budget is low."""
        if not self.reading() and self.watcher.may_poll():
            self._read_task = self.spawn(self.watcher.poll(), "position")

    # --- what the watcher says ------------------------------------------------------------

    def _on_shown(self) -> None:
        self.shown.emit(self.position())

    def _on_read_failed(self, error: CtError, problem: str) -> None:
        self.read_failed.emit(type(error).__name__)
        self.failed("Could not read the position", error, problem)
