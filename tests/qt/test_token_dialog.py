"""The token dialog stores and clears through the keyring (keyring's own backend API)."""

import keyring
import keyring.backends.fail
import pytest
from PySide6.QtCore import Qt

from ctpanel.core.domain.secret import Secret
from ctpanel.core.store.credentials import KEYRING_SERVICE, KEYRING_USERNAME, KeyringTokenStore
from ctpanel.qt.widgets.token_dialog import TokenDialog

CANARY = "canary-dialog-token-91c2"


@pytest.fixture
def dialog(qtbot, qloop):
    tested: list[Secret] = []

    async def tester(token: Secret) -> str:
        tested.append(token)
        return "Token accepted: 3 account(s)."

    made = TokenDialog(KeyringTokenStore(), tester)
    made.tested = tested
    qtbot.addWidget(made)
    made.show()
    return made


def test_the_entry_is_masked(dialog):
    assert dialog.entry.echoMode() == dialog.entry.EchoMode.Password


def test_save_stores_in_the_keyring_and_clear_removes_it(qtbot, dialog, memory_keyring):
    dialog.entry.setText(f"  {CANARY}  ")
    with qtbot.waitSignal(dialog.sig_token_changed) as saved:
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert saved.args[0] == Secret(CANARY)
    assert memory_keyring.passwords == {(KEYRING_SERVICE, KEYRING_USERNAME): CANARY}
    assert dialog.entry.text() == "" and CANARY not in dialog.status.text()
    with qtbot.waitSignal(dialog.sig_token_changed) as cleared:
        qtbot.mouseClick(dialog.clear_button, Qt.MouseButton.LeftButton)
    assert cleared.args[0] is None and memory_keyring.passwords == {}


def test_test_button_makes_the_call_and_shows_the_answer(qtbot, dialog, memory_keyring):
    dialog.entry.setText(CANARY)
    with qtbot.waitSignal(dialog.sig_busy_changed, check_params_cb=lambda busy: not busy):
        qtbot.mouseClick(dialog.test_button, Qt.MouseButton.LeftButton)
    assert dialog.tested == [Secret(CANARY)]
    assert dialog.status.text() == "Token accepted: 3 account(s)."
    assert memory_keyring.passwords == {}, "testing does not store"


def test_without_a_keyring_a_session_token_is_offered(qtbot, dialog):
    previous = keyring.get_keyring()
    keyring.set_keyring(keyring.backends.fail.Keyring())
    try:
        dialog.entry.setText(CANARY)
        with qtbot.waitSignal(dialog.sig_busy_changed, check_params_cb=lambda busy: not busy):
            qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
        assert "No OS keyring is available" in dialog.status.text()
        assert dialog.session_button.isVisibleTo(dialog)
        with qtbot.waitSignal(dialog.sig_token_changed) as chosen:
            qtbot.mouseClick(dialog.session_button, Qt.MouseButton.LeftButton)
        assert chosen.args[0] == Secret(CANARY)
        assert dialog.session_store.get() == Secret(CANARY)
    finally:
        keyring.set_keyring(previous)
