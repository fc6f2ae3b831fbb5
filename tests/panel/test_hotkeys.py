"""Only a deliberate chord or a function key may fire an order."""

import pytest

from ctpanel.panel.hotkeys import DEFAULT_HOTKEY, hotkey_problem, usable_hotkey


@pytest.mark.parametrize("text", ["Ctrl+Shift+R", "Alt+R", "Meta+F", "Ctrl+Alt+R", "F9",
                                  "Shift+F12", "Ctrl++"])
def test_chords_and_function_keys_are_accepted(text):
    assert hotkey_problem(text) is None
    assert usable_hotkey(text) == text


@pytest.mark.parametrize("text", ["R", "Shift+R", "Space", "Return", "1", "Shift+1"])
def test_keys_that_fire_while_typing_are_refused_with_a_reason(text):
    problem = hotkey_problem(text)
    assert problem == (f"{text} would fire while you type. Use Ctrl, Alt or Meta with it, "
                       "or a function key (F1-F24).")
    assert usable_hotkey(text) == DEFAULT_HOTKEY


def test_empty_and_multi_chord_sequences_are_refused():
    assert hotkey_problem("") == "Choose a hotkey."
    assert "single key combination" in hotkey_problem("Ctrl+K, Ctrl+R")
