"""Before Qt loads, a missing system library is named with the one command that installs it."""

import io
import sys

import pytest

from ctpanel.desktop_libs import (
    EXIT_MISSING_LIBRARIES,
    GUI_LIBRARIES,
    XCB_LIBRARIES,
    check_qt_libraries,
    needed_libraries,
)

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"),
                                reason="the check runs on Linux only (Qt's wheels for Windows "
                                       "and macOS carry what they need)")


def test_a_missing_library_prints_the_apt_line_and_exits_2():
    out = io.StringIO()
    libraries = {"libctpanel-absent.so.7": "libctpanel-absent7", "libc.so.6": "libc6"}
    assert check_qt_libraries(out, libraries) == EXIT_MISSING_LIBRARIES
    message = out.getvalue()
    assert "libctpanel-absent.so.7" in message
    assert "sudo apt-get install libctpanel-absent7\n" in message  # only what is missing
    assert "libc6" not in message


def test_nothing_is_printed_when_every_library_loads():
    out = io.StringIO()
    assert check_qt_libraries(out, {"libc.so.6": "libc6"}) is None
    assert out.getvalue() == ""


@pytest.mark.parametrize(("platform", "xcb"), [(None, True), ("xcb", True), ("offscreen", False),
                                               ("wayland;xcb", True), ("wayland", False)])
def test_the_x11_libraries_are_needed_only_for_the_xcb_plugin(platform, xcb):
    needed = needed_libraries(platform)
    assert set(GUI_LIBRARIES) <= set(needed)
    assert (set(XCB_LIBRARIES) <= set(needed)) is xcb
