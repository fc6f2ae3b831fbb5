"""The connection part through the Panel, with no Qt: lights from what really happened on the
current backend, switching backends (nothing of the old one survives), going live on purpose,
and what a 408 says about NinjaTrader."""

from ctpanel.backend import Mode, assemble
from ctpanel.core.domain.secret import Secret
from tests.matrix.cases import unused_port
from tests.panel.conftest import until


def light(driven, name: str) -> str:
    return getattr(driven.panel.connection.lights, name).state.value


async def test_going_live_to_an_unreachable_server_shows_nothing_of_the_demo(driven):
    panel = driven.panel
    assert panel.position() is not None and light(driven, "ninjatrader") == "ok"
    url = f"http://127.0.0.1:{unused_port()}"

    async def unreachable(mode, token):
        return assemble(Mode.LIVE, Secret("live-token"), url, url.replace("http", "ws"),
                        panel.journal, timeout=2)

    panel.connection.backend_factory = unreachable
    await panel.switch_backend(Mode.LIVE, Secret("live-token"))
    assert panel.mode_view().mode == "live" and panel.mode_view().band.startswith("LIVE")
    assert panel.position() is None and not driven.armed()
    assert driven.heard.last("position") == (None,)
    assert light(driven, "ninjatrader") == "unknown", "nothing of the demo's survives"
    await until(lambda: light(driven, "crosstrade") == "bad", 10)
    assert light(driven, "ninjatrader") != "ok" and panel.position() is None


async def test_a_wrong_token_turns_the_token_light_red_and_crosstrade_green(driven):
    driven.sim.add_fault(apis=["GetPosition"], status=401, body={"error": "unauthorized"})
    await driven.panel.positions.watcher.poll()
    assert light(driven, "token") == "bad"
    assert light(driven, "crosstrade") == "ok", "CrossTrade answered"
    assert driven.heard.last("status")[0].status.token.state.value == "bad"


async def test_switching_backends_cancels_the_old_ones_reads_no_false_alarm(driven):
    panel = driven.panel
    driven.sim.add_fault(apis=["ListAccounts"], latency=0.5)
    panel.refresh_accounts()  # still reading through the backend about to be replaced
    loaded = len(driven.heard.of("accounts"))
    await panel.switch_backend(Mode.DEMO, None)
    await until(lambda: len(driven.heard.of("accounts")) > loaded, what="the new account list")
    assert "Could not load the accounts" not in driven.lines()
    assert light(driven, "crosstrade") == "ok"


async def test_going_live_without_a_token_asks_for_one_and_stays(driven):
    driven.panel.go_live()
    await until(lambda: driven.heard.of("token_needed"))
    assert "Going live needs an API token" in driven.lines()
    assert driven.panel.backend.mode is Mode.DEMO and driven.confirmer.asked == []


async def test_going_live_is_asked_and_a_no_stays_in_demo(driven):
    driven.panel.connection.session_token = Secret("a-token-for-this-session")
    driven.confirmer.answer = False
    driven.panel.go_live()
    await until(lambda: driven.confirmer.asked)
    assert "Switch to LIVE trading?" in driven.confirmer.asked[0]
    assert driven.panel.backend.mode is Mode.DEMO


async def test_no_switch_while_an_order_is_in_flight(driven):
    driven.sim.add_fault(apis=["ReversePosition"], latency=0.5, execute=True)
    await driven.wait_armed()
    old = driven.panel.backend
    driven.panel.press()
    await driven.panel.switch_backend(Mode.DEMO, None)
    assert driven.panel.backend is old
    assert "An order is in flight; switch once its answer is back." in driven.lines()
    await until(lambda: driven.heard.of("order_finished"), 10)


async def test_a_408_says_whether_ninjatrader_runs_on_this_computer(driven):
    driven.sim.state.ninjatrader_connected = False
    driven.panel.poll_tick()
    await until(lambda: "NinjaTrader is not running on this computer" in driven.lines(), 10)
    assert light(driven, "ninjatrader") == "bad"
