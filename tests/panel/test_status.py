"""The lights say what happened on this backend, and nothing survives a switch."""

from ctpanel.core.errors import AuthError, NetworkError, NotConnectedError
from ctpanel.panel.status import ConnectionStatus, LightState


def states(status: ConnectionStatus) -> tuple:
    return tuple(light.state for light in (status.token, status.crosstrade, status.ninjatrader,
                                          status.websocket))


def test_a_new_backend_is_unknown_until_it_answers():
    status = ConnectionStatus()
    status.answered(live=True)
    status.stream("connected", "")
    status.reset(live=True)
    assert states(status) == (LightState.UNKNOWN,) * 4
    status.reset(live=False)
    assert status.token.state is LightState.OFF and status.token.reason == "demo mode uses none"


def test_a_401_means_crosstrade_answered_and_the_token_is_bad():
    status = ConnectionStatus()
    status.failed(AuthError("401"))
    assert (status.token.state, status.crosstrade.state) == (LightState.BAD, LightState.OK)
    assert status.ninjatrader.state is LightState.UNKNOWN


def test_a_408_is_ninjatrader_and_an_unreachable_server_is_crosstrade():
    status = ConnectionStatus()
    status.failed(NotConnectedError("408"))
    assert (status.crosstrade.state, status.ninjatrader.state) == (LightState.OK, LightState.BAD)
    status.reset(live=True)
    status.failed(NetworkError("Could not reach CrossTrade (connection refused)."))
    assert status.crosstrade.state is LightState.BAD
    assert status.ninjatrader.state is LightState.UNKNOWN, "never green on an unreachable server"


def test_the_websocket_light_follows_the_stream():
    status = ConnectionStatus()
    status.stream("reconnecting", "closed 1006")
    assert status.websocket.state is LightState.WARN and status.websocket.reason == "closed 1006"
