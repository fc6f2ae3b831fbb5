"""One panel per user and data folder: a second launch hands over and the first comes to the
front; a socket file left by a crashed panel never blocks a start."""

import socket
import sys
import uuid
from pathlib import Path

import pytest
from PySide6.QtCore import QDir

from ctpanel.qt.single_instance import SingleInstance, instance_name


@pytest.fixture
def name():
    return f"ctpanel-test-{uuid.uuid4().hex[:12]}"


def test_a_second_launch_hands_over_to_the_first(qtbot, name):
    first, brought = SingleInstance(name), []
    assert first.listen(lambda: brought.append(1))
    try:
        assert SingleInstance(name).hand_over()
        qtbot.waitUntil(lambda: brought == [1])
    finally:
        first.close()
    assert not SingleInstance(name).hand_over(), "closed: nobody to hand over to"


@pytest.mark.skipif(sys.platform == "win32", reason="Windows' named pipes vanish with the process")
def test_a_socket_file_left_by_a_crashed_panel_never_blocks_a_start(qtbot, name):
    path = Path(QDir.tempPath()) / name
    stale = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    stale.bind(str(path))  # what a panel killed with -9 leaves: a file nobody listens on
    stale.close()
    assert path.exists()
    starting, brought = SingleInstance(name), []
    try:
        assert not starting.hand_over()
        assert starting.listen(lambda: brought.append(1))
        assert SingleInstance(name).hand_over()
        qtbot.waitUntil(lambda: brought == [1])
    finally:
        starting.close()


def test_the_name_is_per_data_folder_and_stable(tmp_path):
    assert instance_name(tmp_path / "a") == instance_name(tmp_path / "a")
    assert instance_name(tmp_path / "a") != instance_name(tmp_path / "b")
    assert instance_name(tmp_path).startswith("ctpanel-") and len(instance_name(tmp_path)) == 24
