"""The global hotkey's rules without Qt: which chords, what each platform is asked for, the
arm switch on a fake clock, and one press per key-down whatever auto-repeat does."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ctpanel.panel.hotkey_arm import DISARM_AFTER_S, HotkeyArm, KeyLatch
from ctpanel.panel.hotkeys import (
    MOD_NOREPEAT,
    Chord,
    global_hotkey_problem,
    parse_chord,
    usable_global_hotkey,
    win32_hotkey,
    x11_keysym_name,
    x11_modifier_mask,
)
from tests.helpers.clock import FakeClock


@pytest.mark.parametrize(("text", "modifiers", "key"), [
    ("Ctrl+Alt+R", {"ctrl", "alt"}, "R"),
    ("ctrl+alt+r", {"ctrl", "alt"}, "R"),
    ("Meta+F9", {"meta"}, "F9"),
    ("Ctrl+Shift+5", {"ctrl", "shift"}, "5"),
])
def test_chords_parse_to_modifiers_and_one_key(text, modifiers, key):
    chord = parse_chord(text)
    assert chord == Chord(frozenset(modifiers), key)
    assert global_hotkey_problem(text) is None


@pytest.mark.parametrize("text", ["R", "Shift+R", "F9", "Shift+F9"])
def test_the_global_hotkey_needs_ctrl_alt_or_meta(text):
    assert global_hotkey_problem(text) == (f"{text} would fire in every program you type in. "
                                           "Use Ctrl, Alt or Meta with it.")
    assert usable_global_hotkey(text) == Chord(frozenset({"ctrl", "alt"}), "R")


@pytest.mark.parametrize("text", ["", "Ctrl+Space", "Ctrl+K, Ctrl+R", "Hyper+R", "Ctrl+F25"])
def test_keys_no_platform_can_register_are_refused_in_words(text):
    assert "is a letter, a digit or F1-F24 with Ctrl, Alt or Meta" in global_hotkey_problem(text)


def test_windows_gets_modifier_flags_with_norepeat_and_the_virtual_key():
    assert win32_hotkey(parse_chord("Ctrl+Alt+R")) == (0x0002 | 0x0001 | MOD_NOREPEAT, 0x52)
    assert win32_hotkey(parse_chord("Meta+Shift+F9")) == (0x0008 | 0x0004 | MOD_NOREPEAT, 0x78)
    assert win32_hotkey(parse_chord("Ctrl+7")) == (0x0002 | MOD_NOREPEAT, 0x37)


def test_x11_gets_core_modifier_masks_and_keysym_names():
    chord = parse_chord("Ctrl+Alt+R")
    assert x11_modifier_mask(chord) == 0x04 | 0x08  # ControlMask | Mod1Mask
    assert x11_keysym_name(chord) == "r"
    assert x11_modifier_mask(parse_chord("Meta+Shift+F12")) == 0x40 | 0x01
    assert x11_keysym_name(parse_chord("Meta+F12")) == "F12"
    assert parse_chord("Alt+Ctrl+R").text() == "Ctrl+Alt+R"


def test_disarmed_at_start_and_armed_only_on_purpose():
    arm = HotkeyArm(FakeClock())
    assert (arm.armed, arm.press()) == (False, False)
    assert arm.arm() is True and arm.press()
    arm.disarm()
    assert not arm.armed and not arm.press()


def test_a_combination_owned_by_another_program_cannot_be_armed_and_says_why():
    arm = HotkeyArm(FakeClock())
    assert arm.arm("Ctrl+Alt+R is already taken by another program.") is False
    assert (arm.armed, arm.note) == (False, "Ctrl+Alt+R is already taken by another program.")


@pytest.mark.parametrize("what", ["mode", "account"])
def test_a_change_of_mode_or_account_disarms(what):
    arm = HotkeyArm(FakeClock())
    arm.arm()
    arm.scope_changed(what)
    assert not arm.armed and f"the {what} changed" in arm.note


def test_the_ticket_unable_to_send_for_longer_than_the_grace_disarms_with_its_reason():
    clock = FakeClock()
    arm = HotkeyArm(clock)
    arm.arm()
    arm.observe(False, "The position was last read 16 s ago.")
    clock.now += DISARM_AFTER_S - 0.1  # an order's round trip and re-arm delay: still armed
    assert arm.observe(False) is False and arm.armed
    arm.observe(True)
    clock.now += 1
    arm.observe(False, "Waiting for the position.")
    clock.now += DISARM_AFTER_S
    assert arm.observe(False, "Waiting for the position.") is True
    assert arm.note == ("Global hotkey disarmed: Reverse could not send for 5 s (Waiting for "
                        "the position). Arm it again once it can.")


def test_arming_while_the_ticket_cannot_send_gives_the_full_grace():
    clock = FakeClock()
    arm = HotkeyArm(clock)
    arm.observe(False)
    clock.now += 60
    arm.arm()
    clock.now += DISARM_AFTER_S - 0.1
    assert arm.observe(False) is False and arm.armed


events = st.lists(st.one_of(
    st.tuples(st.just("toggle"), st.none()),
    st.tuples(st.just("scope"), st.sampled_from(["mode", "account"])),
    st.tuples(st.just("observe"), st.booleans()),
    st.tuples(st.just("wait"), st.floats(0, 8)),
), max_size=60)


@settings(max_examples=300, deadline=None)
@given(events)
def test_armed_only_after_a_toggle_and_never_past_the_grace(steps):
    """An oracle: armed now iff the last toggle armed it and neither a scope change nor the
    ticket unable to send (observed) for the grace since then disarmed it."""
    clock = FakeClock()
    arm = HotkeyArm(clock)
    armed, unable_since = False, None
    for kind, value in steps:
        if kind == "toggle":
            armed = not armed
            arm.arm() if armed else arm.disarm()
            armed_at = clock.now
        elif kind == "scope":
            armed = False
            arm.scope_changed(value)
        elif kind == "observe":
            unable_since = None if value else (unable_since if unable_since is not None
                                               else clock.now)
            arm.observe(value)
            if armed and unable_since is not None and \
                    clock.now - max(unable_since, armed_at) >= DISARM_AFTER_S:
                armed = False
        else:
            clock.now += value
        assert arm.armed is armed
        assert arm.press() is armed


def test_a_held_key_is_one_press_whether_repeats_come_as_pairs_or_bare_presses():
    latch = KeyLatch()
    assert latch.press(1000) is True
    for t in range(1500, 3000, 40):  # X11 auto-repeat: release+press at the same time
        latch.release(t)
        assert latch.press(t) is False
    assert latch.press(3040) is False  # a bare repeat
    latch.release(3100)
    assert latch.press(3350) is True  # let go, then pressed again: a new press


@given(st.lists(st.integers(1, 200), min_size=1, max_size=40))
def test_every_real_release_then_press_counts_once(gaps):
    latch = KeyLatch()
    now, presses = 0, 0
    for gap in gaps:
        presses += latch.press(now)
        presses += latch.press(now)  # its auto-repeat
        now += gap
        latch.release(now)
        now += gap
    assert presses == len(gaps)
