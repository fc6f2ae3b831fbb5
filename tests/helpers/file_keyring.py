"""A keyring backend for subprocess tests only: JSON in ``$CTPANEL_TEST_KEYRING``.

Selected with ``PYTHON_KEYRING_BACKEND=tests.helpers.file_keyring.FileKeyring``; it lets a test
see what a separate ``ctpanel token ...`` process stored, through keyring's own API.
"""

import json
import os
from pathlib import Path

from keyring.backend import KeyringBackend
from keyring.errors import PasswordDeleteError


class FileKeyring(KeyringBackend):
    priority = 1

    @property
    def _path(self) -> Path:
        return Path(os.environ["CTPANEL_TEST_KEYRING"])

    def _load(self) -> dict:
        return json.loads(self._path.read_text()) if self._path.exists() else {}

    def get_password(self, service, username):
        return self._load().get(f"{service}/{username}")

    def set_password(self, service, username, password):
        data = self._load()
        data[f"{service}/{username}"] = password
        self._path.write_text(json.dumps(data))

    def delete_password(self, service, username):
        data = self._load()
        if data.pop(f"{service}/{username}", None) is None:
            raise PasswordDeleteError("not found")
        self._path.write_text(json.dumps(data))
