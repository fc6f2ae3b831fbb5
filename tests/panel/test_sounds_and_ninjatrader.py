"""Sounds and the NinjaTrader process check without Qt, with this platform's real player and
process list (run under Windows Python too, by .ci/windows: winsound and psutil there)."""

from pathlib import Path

import pytest

from ctpanel.panel.ninjatrader import (
    is_ninjatrader,
    ninjatrader_running,
    not_connected_advice,
    not_connected_advice_now,
)
from ctpanel.panel.sounds import SoundEvent, Sounds, system_player

RESOURCES = Path(__file__).resolve().parents[2] / "resources"  # the shipped files, in the source


def test_each_event_plays_its_own_file_only_when_on():
    played = []
    sounds = Sounds(lambda event: event is not SoundEvent.SENT, lambda name: name, played.append)
    for event in SoundEvent:
        sounds.event(event)
    assert played == ["sound-filled.wav", "sound-rejected.wav", "sound-unknown.wav"]


@pytest.mark.parametrize("failure", [OSError("no audio device"), RuntimeError("Failed to play")])
def test_a_player_that_fails_never_raises_into_the_panel(failure):
    def broken(path):
        raise failure

    Sounds(lambda event: True, lambda name: name, broken).event(SoundEvent.SENT)


def test_the_systems_own_player_plays_a_shipped_sound_without_raising():
    sounds = Sounds(lambda event: True, lambda name: str(RESOURCES / name), system_player())
    for event in SoundEvent:
        assert (RESOURCES / event.file_name).is_file()
        sounds.event(event)  # asynchronous (SND_ASYNC, or a child process), or silence


@pytest.mark.parametrize(("names", "running"), [
    (["explorer.exe", "NinjaTrader.exe"], True),
    (["ninjatrader"], True),
    (["NinjaTrader.Custom.dll.exe", "chrome.exe"], False),
    ([], False),
])
def test_ninjatrader_is_found_by_its_process_name(names, running):
    assert ninjatrader_running(names) is running


def test_the_advice_says_which_of_the_two_to_check():
    assert "start NinjaTrader" in not_connected_advice(False)
    assert "check the CrossTrade add-on" in not_connected_advice(True)
    assert "Check that NinjaTrader is running" in not_connected_advice(None)
    assert is_ninjatrader("NINJATRADER.EXE") and not is_ninjatrader("ninja.exe")


async def test_this_machines_process_list_gives_an_answer_not_an_error():
    assert ninjatrader_running() in (True, False, None)
    assert "CrossTrade cannot reach NinjaTrader" in await not_connected_advice_now()
