"""Token storage: the OS keyring through keyring's own backend API; never a file or a repr."""

import keyring
import keyring.backends.fail
import pytest

from ctpanel.core.domain.secret import Secret
from ctpanel.core.errors import TokenStoreError
from ctpanel.core.store.credentials import (
    KEYRING_SERVICE,
    KEYRING_USERNAME,
    KeyringTokenStore,
    MemoryTokenStore,
    resolve_token,
)

CANARY = "canary-token-7f3a9e"


def test_keyring_store_round_trip(memory_keyring):
    store = KeyringTokenStore()
    assert store.get() is None
    store.set(Secret(CANARY))
    assert memory_keyring.passwords[(KEYRING_SERVICE, KEYRING_USERNAME)] == CANARY
    assert store.get() == Secret(CANARY)
    store.clear()
    assert store.get() is None
    store.clear()  # clearing twice is fine


def test_no_keyring_backend_is_a_clear_typed_error():
    previous = keyring.get_keyring()
    keyring.set_keyring(keyring.backends.fail.Keyring())
    try:
        with pytest.raises(TokenStoreError, match="No OS keyring is available"):
            KeyringTokenStore().set(Secret(CANARY))
    finally:
        keyring.set_keyring(previous)


def test_environment_overrides_the_store(memory_keyring):
    store = MemoryTokenStore(Secret("stored"))
    resolved = resolve_token(store, {"CTPANEL_TOKEN": f"  {CANARY} "})
    assert resolved.token.reveal() == CANARY and resolved.source == "environment"
    assert memory_keyring.passwords == {}, "the environment token is never persisted"
    assert resolve_token(store, {}).token.reveal() == "stored"
    assert resolve_token(MemoryTokenStore(), {}).source == "none"


def test_a_secret_never_shows_itself():
    secret = Secret(CANARY)
    for text in (repr(secret), str(secret), f"{secret}", repr([secret]), repr(
            resolve_token(MemoryTokenStore(secret), {}))):
        assert CANARY not in text
    with pytest.raises(TypeError):
        import pickle

        pickle.dumps(secret)
