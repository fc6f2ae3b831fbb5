"""The headless CLI, run as a real subprocess against a standalone simulator process."""

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from tests.conftest import SEEDED_ACCOUNTS

REPO = Path(__file__).resolve().parents[1]
SIM_TOKEN = "cli-canary-token-5d1e"


def start_sim():
    process = subprocess.Popen(
        [sys.executable, "-m", "ctpanel.sim", "--port", "0", "--token", SIM_TOKEN],
        stdout=subprocess.PIPE, text=True, cwd=REPO)
    return process, json.loads(process.stdout.readline())


@pytest.fixture(scope="module")
def standalone_sim():
    process, urls = start_sim()
    yield urls
    process.stdout.close()
    process.terminate()  # on Windows: TerminateProcess, which no program can catch
    process.wait(10)


@pytest.mark.skipif(sys.platform == "win32", reason="Windows has no SIGTERM: terminate() is "
                    "TerminateProcess, which cannot be caught (Ctrl+C is tested in core)")
def test_the_simulator_stops_cleanly_on_sigterm():
    process, urls = start_sim()
    with httpx.Client(base_url=urls["base_url"]) as http:
        http.post("/_sim/reset").raise_for_status()
    process.stdout.close()
    process.terminate()
    assert process.wait(10) == 0


@pytest.fixture
def control(standalone_sim):
    with httpx.Client(base_url=standalone_sim["base_url"]) as http:
        http.post("/_sim/reset").raise_for_status()
        yield http


def run_cli(standalone_sim, private_files, *args, token=SIM_TOKEN, stdin=None, env=None):
    environment = {**os.environ, "CTPANEL_BASE_URL": standalone_sim["base_url"],
                   "CTPANEL_DATA_DIR": str(private_files), "PYTHONPATH": str(REPO),
                   "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring", **(env or {})}
    if token:
        environment["CTPANEL_TOKEN"] = token
    return subprocess.run([sys.executable, "-m", "ctpanel", *args], capture_output=True,
                          text=True, input=stdin, env=environment, timeout=60, cwd=REPO)


REVERSE_ES = ("reverse", "--account", "Sim101", "--instrument", "ES", "--action", "SELL",
              "--quantity", "2")


def test_reverse_prints_the_order_id_and_the_position(standalone_sim, control, private_files):
    done = run_cli(standalone_sim, private_files, *REVERSE_ES)
    assert done.returncode == 0, done.stderr
    order_id, position = done.stdout.splitlines()
    assert len(order_id) == 32 and int(order_id, 16) >= 0
    assert position == "Position: Long 2 -> Short 2"
    [order] = [r for r in control.get("/_sim/received").json() if r["api"] == "ReversePosition"]
    assert order["body"]["quantity"] == 2 and order["body"]["action"] == "SELL"
    journal = (private_files / "journal.jsonl").read_text()
    assert order_id in journal and SIM_TOKEN not in journal


def test_json_output_and_websocket_transport(standalone_sim, control, private_files):
    done = run_cli(standalone_sim, private_files, *REVERSE_ES, "--transport", "ws", "--json")
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["before"] == "Long 2" and result["after"] == "Short 2"
    assert result["transport"] == "ws" and len(result["orderId"]) == 32


@pytest.mark.parametrize(
    ("args", "setup", "code", "words"),
    [
        (("--quantity", "0"), None, 2, "Quantity must be at least 1."),
        (("--order-type", "LIMIT"), None, 2, "Limit price is required for LIMIT orders."),
        (("--account", "Sim103"), None, 3, "No position found"),
        ((), {"ninjatrader_connected": False}, 5, "NinjaTrader is not connected"),
    ],
)
def test_failures_have_plain_words_and_distinct_exit_codes(
        standalone_sim, control, private_files, args, setup, code, words):
    if setup:
        control.post("/_sim/state", json=setup)
    command = list(REVERSE_ES)
    for flag, value in zip(args[::2], args[1::2], strict=True):
        if flag in command:
            command[command.index(flag) + 1] = value
        else:
            command += [flag, value]
    done = run_cli(standalone_sim, private_files, *command)
    assert done.returncode == code, done.stderr
    assert words in done.stderr and done.stdout == ""
    assert SIM_TOKEN not in done.stderr


def test_a_wrong_token_exits_4(standalone_sim, control, private_files):
    done = run_cli(standalone_sim, private_files, *REVERSE_ES, token="not-the-token")
    assert done.returncode == 4 and "did not accept the API token" in done.stderr


def test_no_token_at_all_exits_4(standalone_sim, control, private_files, tmp_path):
    empty_keyring = {"PYTHON_KEYRING_BACKEND": "tests.helpers.file_keyring.FileKeyring",
                     "CTPANEL_TEST_KEYRING": str(tmp_path / "keyring.json")}
    done = run_cli(standalone_sim, private_files, *REVERSE_ES, token=None, env=empty_keyring)
    assert done.returncode == 4 and "No API token. Run `ctpanel token set`" in done.stderr
    no_keyring = run_cli(standalone_sim, private_files, *REVERSE_ES, token=None)
    assert no_keyring.returncode == 4 and "set CTPANEL_TOKEN" in no_keyring.stderr
    assert control.get("/_sim/received").json() == []


def test_outcome_unknown_exits_6_and_reports_the_position(standalone_sim, control,
                                                          private_files):
    control.post("/_sim/faults", json={"apis": ["ReversePosition"], "no_reply": True,
                                       "execute": True})
    done = run_cli(standalone_sim, private_files, *REVERSE_ES, "--timeout", "1")
    assert done.returncode == 6, done.stderr
    assert "Outcome unknown" in done.stderr and "Re-read the position: Short 2" in done.stderr
    orders = [r for r in control.get("/_sim/received").json() if r["api"] == "ReversePosition"]
    assert len(orders) == 1


def test_accounts_and_positions(standalone_sim, control, private_files):
    accounts = run_cli(standalone_sim, private_files, "accounts")
    assert accounts.stdout.split() == SEEDED_ACCOUNTS
    positions = run_cli(standalone_sim, private_files, "positions", "--account", "Sim102",
                        "--json")
    [position] = json.loads(positions.stdout)
    assert (position["instrument"], position["side"], position["quantity"]) == \
        ("MES 12-26", "Short", 3)


def test_an_unsafe_base_url_is_refused(standalone_sim, private_files):
    done = run_cli(standalone_sim, private_files, "accounts", "--base-url", "http://example.com")
    assert done.returncode == 2 and "clear text" in done.stderr


def test_token_set_status_clear_through_the_keyring(standalone_sim, private_files, tmp_path):
    keyring_env = {"PYTHON_KEYRING_BACKEND": "tests.helpers.file_keyring.FileKeyring",
                   "CTPANEL_TEST_KEYRING": str(tmp_path / "keyring.json")}
    saved = run_cli(standalone_sim, private_files, "token", "set", token=None,
                    stdin=SIM_TOKEN + "\n", env=keyring_env)
    assert saved.returncode == 0 and SIM_TOKEN not in saved.stdout + saved.stderr
    assert json.loads((tmp_path / "keyring.json").read_text()) == \
        {"ctpanel/crosstrade-api-token": SIM_TOKEN}
    status = run_cli(standalone_sim, private_files, "token", "status", token=None,
                     env=keyring_env)
    assert status.returncode == 0 and "present" in status.stdout
    accounts = run_cli(standalone_sim, private_files, "accounts", token=None, env=keyring_env)
    assert accounts.returncode == 0, "the stored token is used"
    cleared = run_cli(standalone_sim, private_files, "token", "clear", token=None,
                      env=keyring_env)
    assert cleared.returncode == 0
    assert run_cli(standalone_sim, private_files, "token", "status", token=None,
                   env=keyring_env).returncode == 4


def test_no_keyring_backend_is_explained(standalone_sim, private_files):
    done = run_cli(standalone_sim, private_files, "token", "set", token=None, stdin="abc\n")
    assert done.returncode == 4 and "No OS keyring is available" in done.stderr


def test_a_same_side_reverse_is_refused_and_nothing_is_sent(standalone_sim, control,
                                                             private_files):
    same_side = list(REVERSE_ES)
    same_side[same_side.index("SELL")] = "BUY"  # Sim101 is long 2 ES
    done = run_cli(standalone_sim, private_files, *same_side)
    assert done.returncode == 2
    assert "BUY 2 would add to the Long 2 position" in done.stderr
    assert [r for r in control.get("/_sim/received").json()
            if r["api"] == "ReversePosition"] == []


def test_a_stop_entry_says_the_position_is_flat_until_it_fills(standalone_sim, control,
                                                               private_files):
    done = run_cli(standalone_sim, private_files, *REVERSE_ES, "--order-type", "STOPMARKET",
                   "--stop-price", "1")  # far below the market: a sell stop that waits
    assert done.returncode == 0, done.stderr
    order_id, position = done.stdout.splitlines()
    assert position == (f"Position: Long 2 -> Flat; entry SELL 2 ES STOPMARKET stop 1 DAY "
                        f"is working (order {order_id}): flat until it fills")


def test_version_is_the_one_in_pyproject():
    import tomllib

    version = tomllib.loads((Path(__file__).resolve().parents[1] / "pyproject.toml")
                            .read_text())["project"]["version"]
    done = subprocess.run([sys.executable, "-m", "ctpanel", "--version"], capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 0 and done.stdout == f"ctpanel {version}\n"


def test_a_reverse_killed_before_its_answer_is_read_back_by_the_next_command(
        standalone_sim, control, private_files):
    control.post("/_sim/faults", json={"apis": ["ReversePosition"], "no_reply": True,
                                       "execute": True})
    environment = {**os.environ, "CTPANEL_BASE_URL": standalone_sim["base_url"],
                   "CTPANEL_DATA_DIR": str(private_files), "PYTHONPATH": str(REPO),
                   "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring",
                   "CTPANEL_TOKEN": SIM_TOKEN}
    killed = subprocess.Popen([sys.executable, "-m", "ctpanel", *REVERSE_ES, "--timeout", "30"],
                              env=environment, cwd=REPO, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 30
    while not [r for r in control.get("/_sim/received").json()
               if r["api"] == "ReversePosition"]:
        assert time.monotonic() < deadline and killed.poll() is None, "the request never came"
    killed.kill()  # as a crash would, 0 s after the request reached CrossTrade
    killed.wait(10)
    records = [json.loads(line) for line in
               (private_files / "journal.jsonl").read_text().splitlines()]
    assert [r["kind"] for r in records] == ["intent"], "the intent was written ahead"
    control.delete("/_sim/faults")
    done = run_cli(standalone_sim, private_files, "positions", "--account", "Sim101")
    assert done.returncode == 0, done.stderr
    assert "The last session sent SELL 2 ES MARKET DAY on Sim101 at " in done.stderr
    assert "Read now: Short 2. Executions since: SELL 2 @ " in done.stderr
    assert "Nothing was re-sent." in done.stderr
    orders = [r for r in control.get("/_sim/received").json() if r["api"] == "ReversePosition"]
    assert len(orders) == 1, "never re-sent"
    again = run_cli(standalone_sim, private_files, "positions", "--account", "Sim101")
    assert "The last session" not in again.stderr, "said once, then recorded"
