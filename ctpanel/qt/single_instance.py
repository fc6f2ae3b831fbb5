"""One panel per user (and data folder): a second launch hands over to the running panel, which
comes to the front, and exits.

A local socket named per user and data folder (a named pipe on Windows, a socket file on
macOS and Linux) through Qt's ``QLocalServer``/``QLocalSocket``, which the event loop serves.
A socket file left by a panel that crashed answers no one: the next start removes it and
listens, so a stale lock never blocks a start. Two panels with different data folders (tests,
portable use) do not see each other.
"""

from __future__ import annotations

import getpass
import zlib
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject
from PySide6.QtNetwork import QLocalServer, QLocalSocket

HAND_OVER = b"front\n"
WAIT_MS = 1000


def instance_name(data_folder: Path) -> str:
    try:
        user = getpass.getuser()
    except (KeyError, OSError):  # no user name in this environment: the folder still tells
        user = ""
    key = f"{user}|{data_folder.expanduser().resolve()}".encode()
    # zlib, not hashlib: hashlib loads OpenSSL (~10 ms), which the first window does not need.
    return f"ctpanel-{zlib.crc32(key):08x}{zlib.adler32(key):08x}"


class SingleInstance(QObject):
    def __init__(self, name: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.name = name
        self.server: QLocalServer | None = None
        self._on_hand_over: Callable[[], None] = lambda: None

    def hand_over(self) -> bool:
        """True when another panel runs: it was asked to come to the front."""
        socket = QLocalSocket()
        socket.connectToServer(self.name)
        if not socket.waitForConnected(WAIT_MS):
            return False
        socket.write(HAND_OVER)
        socket.waitForBytesWritten(WAIT_MS)
        socket.disconnectFromServer()
        return True

    def listen(self, on_hand_over: Callable[[], None]) -> bool:
        """Be the one panel: later launches call ``on_hand_over``. False (and the panel runs
        anyway) if the name cannot be taken."""
        self._on_hand_over = on_hand_over
        QLocalServer.removeServer(self.name)  # a socket file a crashed panel left behind
        self.server = QLocalServer(self)
        self.server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        self.server.newConnection.connect(self._on_connection)
        return self.server.listen(self.name)

    def close(self) -> None:
        if self.server is not None:
            self.server.close()

    def _on_connection(self) -> None:
        while self.server.hasPendingConnections():
            connection = self.server.nextPendingConnection()
            connection.readyRead.connect(lambda c=connection: self._read(c))
            connection.disconnected.connect(connection.deleteLater)
            if connection.bytesAvailable():  # arrived with the connection itself
                self._read(connection)

    def _read(self, connection: QLocalSocket) -> None:
        if bytes(connection.readAll()).startswith(HAND_OVER.strip()):
            self._on_hand_over()
