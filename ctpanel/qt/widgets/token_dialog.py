"""The token dialog: masked paste, save to the OS keyring, test with a real call, clear.

If no keyring backend exists it says so and offers a session-only token instead.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)
from qasync import asyncSlot

from ctpanel.core.domain.secret import Secret
from ctpanel.core.errors import CtError, TokenStoreError
from ctpanel.core.store.credentials import MemoryTokenStore, TokenStore
from ctpanel.qt.widgets.inputs import cap
from ctpanel.qt.widgets.labels import WrappedLabel

TokenTester = Callable[[Secret], Awaitable[str]]


class TokenDialog(QDialog):
    """Emits ``sig_token_changed(Secret | None)`` after a save, a session token, or a clear."""

    sig_token_changed = Signal(object)
    sig_busy_changed = Signal(bool)

    def __init__(self, store: TokenStore, tester: TokenTester,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("CrossTrade API token")
        self.setObjectName("tokenDialog")
        self.store = store
        self.tester = tester
        self.session_store: MemoryTokenStore | None = None
        self._build_ui()
        self._connect_signals()

    def _build_ui(self) -> None:
        intro = QLabel("Paste the token from CrossTrade's My Account page. It is kept in the "
                       "OS keyring, never in a file.")
        intro.setWordWrap(True)
        self.entry = QLineEdit()
        self.entry.setObjectName("tokenEntry")
        self.entry.setEchoMode(QLineEdit.EchoMode.Password)
        self.entry.setPlaceholderText("token")
        self.entry.setAccessibleName("API token")
        cap(self.entry, "token", lambda words: self.status.setText(words))  # a wrong paste
        self.test_button = QPushButton("&Test")
        self.save_button = QPushButton("&Save to keyring")
        self.session_button = QPushButton("Use for this &session only")
        self.session_button.setVisible(False)
        self.clear_button = QPushButton("&Clear stored token")
        self.status = WrappedLabel("")
        self.status.setObjectName("tokenStatus")
        buttons = QHBoxLayout()
        for button in (self.test_button, self.save_button, self.session_button,
                       self.clear_button):
            buttons.addWidget(button)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.entry)
        layout.addLayout(buttons)
        layout.addWidget(self.status)
        layout.addWidget(close)

    def _connect_signals(self) -> None:
        self.test_button.clicked.connect(self._on_test_clicked)
        self.save_button.clicked.connect(self._on_save_clicked)
        self.session_button.clicked.connect(self._on_session_clicked)
        self.clear_button.clicked.connect(self._on_clear_clicked)

    def _token(self) -> Secret | None:
        token = Secret(self.entry.text())
        if not token:
            self.status.setText("Paste a token first.")
            return None
        return token

    def _set_busy(self, busy: bool) -> None:
        for button in (self.test_button, self.save_button, self.clear_button):
            button.setEnabled(not busy)
        self.sig_busy_changed.emit(busy)

    @asyncSlot()
    async def _on_test_clicked(self) -> None:
        token = self._token()
        if token is None:
            return
        self._set_busy(True)
        self.status.setText("Testing…")
        try:
            self.status.setText(await self.tester(token))
        except CtError as error:
            self.status.setText(f"Test failed: {error}")
        finally:
            self._set_busy(False)

    @asyncSlot()
    async def _on_save_clicked(self) -> None:
        token = self._token()
        if token is None:
            return
        self._set_busy(True)
        try:
            await asyncio.to_thread(self.store.set, token)
        except TokenStoreError as error:
            self.status.setText(str(error))
            self.session_button.setVisible(True)
            return
        finally:
            self._set_busy(False)
        self.entry.clear()
        self.status.setText("Saved to the OS keyring.")
        self.sig_token_changed.emit(token)

    def _on_session_clicked(self) -> None:
        token = self._token()
        if token is None:
            return
        self.session_store = MemoryTokenStore(token)
        self.entry.clear()
        self.status.setText("Using the token for this session only; it is not stored.")
        self.sig_token_changed.emit(token)

    @asyncSlot()
    async def _on_clear_clicked(self) -> None:
        self._set_busy(True)
        try:
            await asyncio.to_thread(self.store.clear)
        except TokenStoreError as error:
            self.status.setText(str(error))
            return
        finally:
            self._set_busy(False)
        self.session_store = None
        self.status.setText("The stored token was removed.")
        self.sig_token_changed.emit(None)
