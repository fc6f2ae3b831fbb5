"""TCP keepalive with short timers: each platform's option set, and the options really taking
on a socket of this platform (Linux here, Windows under Wine in .ci/windows)."""

import socket
import sys

import pytest

from ctpanel.core.wire.keepalive import (
    DEFAULT_TIMERS,
    KeepaliveTimers,
    accepted_options,
    apply_keepalive,
    keepalive_options,
    usable_keepalive_options,
)


def test_linux_spells_it_so_keepalive_and_tcp_keepidle_keepintvl_keepcnt():
    # SOL_SOCKET 1, SO_KEEPALIVE 9; IPPROTO_TCP 6: TCP_KEEPIDLE 4, TCP_KEEPINTVL 5, TCP_KEEPCNT 6
    assert keepalive_options("linux") == [(1, 9, 1), (6, 4, 5), (6, 5, 2), (6, 6, 2)]


def test_windows_spells_it_with_its_own_numbers():
    # SOL_SOCKET 0xffff, SO_KEEPALIVE 8; TCP_KEEPALIVE (= TCP_KEEPIDLE) 3, TCP_KEEPINTVL 17,
    # TCP_KEEPCNT 16 (ws2ipdef.h, Windows 10 1709 and later), all in seconds
    assert keepalive_options("win32") == [(0xFFFF, 8, 1), (6, 3, 5), (6, 17, 2), (6, 16, 2)]


def test_macos_spells_the_idle_time_tcp_keepalive():
    # SOL_SOCKET 0xffff, SO_KEEPALIVE 8; TCP_KEEPALIVE 0x10, TCP_KEEPINTVL 0x101, TCP_KEEPCNT 0x102
    assert keepalive_options("darwin") == [(0xFFFF, 8, 1), (6, 0x10, 5), (6, 0x101, 2),
                                           (6, 0x102, 2)]


def test_an_unknown_platform_gets_no_options_rather_than_wrong_numbers():
    assert keepalive_options("sunos5") == []


def test_a_dead_peer_is_found_within_about_ten_seconds():
    assert DEFAULT_TIMERS.dead_after == 9
    assert KeepaliveTimers(idle=10, interval=3, probes=3).dead_after == 19


@pytest.mark.skipif(sys.platform not in ("linux", "win32", "darwin"), reason="no option set")
def test_the_usable_options_take_on_a_real_socket_of_this_platform():
    usable = usable_keepalive_options()
    assert usable[0] == keepalive_options()[0], "keepalive itself is on everywhere"
    if sys.platform == "linux":
        assert usable == keepalive_options(), "Linux takes the whole set"
    with socket.create_server(("127.0.0.1", 0)) as server, \
            socket.create_connection(server.getsockname()) as sock:
        apply_keepalive(sock)
        for level, option, value in usable:
            assert sock.getsockopt(level, option) == value, (level, option)


def test_an_option_the_system_refuses_is_left_out_instead_of_failing_connections():
    made_up = (6, 0x7FFF, 1)  # no system has this TCP option
    assert accepted_options([keepalive_options()[0], made_up]) == [keepalive_options()[0]]


@pytest.mark.skipif(sys.platform not in ("linux", "win32", "darwin"), reason="no option set")
def test_the_socket_module_agrees_with_the_table_where_it_names_the_options():
    keepalive, _idle, interval, count = keepalive_options()
    table = {"SOL_SOCKET": keepalive[0], "SO_KEEPALIVE": keepalive[1],
             "TCP_KEEPINTVL": interval[1], "TCP_KEEPCNT": count[1]}
    named = {name: getattr(socket, name) for name in table if hasattr(socket, name)}
    assert "SO_KEEPALIVE" in named
    assert named == {name: table[name] for name in named}
