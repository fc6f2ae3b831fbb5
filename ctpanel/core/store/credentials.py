"""Where the API token lives: the OS keyring, or memory for a session; never a file.

``CTPANEL_TOKEN`` in the environment overrides the store for automation and is never persisted.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Protocol

from ctpanel.core.domain.secret import Secret
from ctpanel.core.errors import TokenStoreError

KEYRING_SERVICE = "ctpanel"
KEYRING_USERNAME = "crosstrade-api-token"
TOKEN_ENV = "CTPANEL_TOKEN"


class TokenStore(Protocol):
    """Blocking token storage; call from a worker thread when on the event loop."""

    def get(self) -> Secret | None: ...

    def set(self, token: Secret) -> None: ...

    def clear(self) -> None: ...

    def describe(self) -> str: ...


class MemoryTokenStore:
    """A session-only store (no keyring backend, and tests)."""

    def __init__(self, token: Secret | None = None) -> None:
        self._token = token

    def get(self) -> Secret | None:
        return self._token

    def set(self, token: Secret) -> None:
        self._token = token

    def clear(self) -> None:
        self._token = None

    def describe(self) -> str:
        return "memory (this session only)"


class KeyringTokenStore:
    """The OS keyring: Windows Credential Manager, macOS Keychain, or a Secret Service."""

    def __init__(self, service: str = KEYRING_SERVICE, username: str = KEYRING_USERNAME) -> None:
        self.service = service
        self.username = username

    def _backend(self):
        try:
            import keyring
            import keyring.backends.fail

            backend = keyring.get_keyring()
        except Exception as error:  # bad PYTHON_KEYRING_BACKEND raises ValueError/ImportError
            raise TokenStoreError(f"The OS keyring could not be loaded ({type(error).__name__}).")\
                from None
        if isinstance(backend, keyring.backends.fail.Keyring):
            raise TokenStoreError(
                "No OS keyring is available on this machine, so the token can be neither saved "
                "nor read there. Use a session-only token, or set CTPANEL_TOKEN."
            )
        return backend

    def _call(self, operation: str, *args):
        from keyring.errors import KeyringError, PasswordDeleteError

        backend = self._backend()
        try:
            return getattr(backend, operation)(self.service, self.username, *args)
        except PasswordDeleteError:
            return None  # clearing an absent token is fine
        except (KeyringError, RuntimeError, OSError) as error:
            raise TokenStoreError(
                f"The OS keyring refused to {operation.split('_')[0]} the token "
                f"({type(error).__name__})."
            ) from None

    def get(self) -> Secret | None:
        value = self._call("get_password")
        return Secret(value) if value else None

    def set(self, token: Secret) -> None:
        self._call("set_password", token.reveal())

    def clear(self) -> None:
        self._call("delete_password")

    def describe(self) -> str:
        backend = self._backend()
        return f"{type(backend).__module__}.{type(backend).__name__}"


@dataclass(frozen=True)
class ResolvedToken:
    """The token found, and where it came from (the keyring, the environment, or nowhere)."""

    token: Secret | None
    source: str  # "environment", the store's description, or "none"


def resolve_token(store: TokenStore, environ: Mapping[str, str] | None = None) -> ResolvedToken:
    """The token to use: ``CTPANEL_TOKEN`` first, then the store (blocking)."""
    environ = os.environ if environ is None else environ
    from_env = environ.get(TOKEN_ENV, "").strip()
    if from_env:
        return ResolvedToken(Secret(from_env), "environment")
    token = store.get()
    return ResolvedToken(token, store.describe() if token else "none")


async def resolve_token_async(store: TokenStore) -> ResolvedToken:
    """The token, read off the loop (a keyring may block on its first use)."""
    import asyncio  # not at the top: the panel's window is built before asyncio is loaded

    return await asyncio.to_thread(resolve_token, store)
