# ruff: noqa: F811  (the CLI fixtures are imported from test_cli, then requested by name)
"""The exits from the command line (``close``, ``flatten``, ``cancel``, ``orders``), run as a
real subprocess against a standalone simulator process."""

import json

import pytest

from tests.test_cli import SIM_TOKEN, control, run_cli, standalone_sim  # noqa: F401  (fixtures)


def received(control, api):
    return [r for r in control.get("/_sim/received").json() if r["api"] == api]


def journal_records(private_files):
    path = private_files / "journal.jsonl"
    return [json.loads(line) for line in path.read_text().splitlines()]


def test_close_half_of_a_position_leaves_the_rest_and_says_so(standalone_sim, control,
                                                              private_files):
    done = run_cli(standalone_sim, private_files, "close", "--account", "Sim102",
                   "--instrument", "MES", "--percent", "50")
    assert done.returncode == 0, done.stderr
    assert "Close: Short 3 -> Short 1" in done.stdout  # 50 % of 3 rounds up to 2
    [request] = received(control, "ClosePosition")
    assert request["body"] == {"instrument": "MES", "percent": 0.5}
    [record] = [r for r in journal_records(private_files) if r["kind"] == "close"]
    assert record["status"] == "ok" and record["outcome"].startswith("Short 3 -> Short 1")
    assert SIM_TOKEN not in (private_files / "journal.jsonl").read_text()


def test_close_on_a_flat_instrument_sends_nothing_and_exits_3(standalone_sim, control,
                                                             private_files):
    done = run_cli(standalone_sim, private_files, "close", "--account", "Sim103",
                   "--instrument", "ES")
    assert done.returncode == 3 and "nothing to close. Nothing was sent." in done.stderr
    assert received(control, "ClosePosition") == []


def test_flatten_an_account_closes_every_position_and_cancels_its_orders(
        standalone_sim, control, private_files):
    entry = run_cli(standalone_sim, private_files, "reverse", "--account", "Sim101",
                    "--instrument", "NQ", "--action", "BUY", "--quantity", "1",
                    "--order-type", "STOPMARKET", "--stop-price", "99999")
    assert entry.returncode == 0, entry.stderr
    listed = run_cli(standalone_sim, private_files, "orders", "--account", "Sim101", "--json")
    assert [o["order_type"] for o in json.loads(listed.stdout)] == ["STOPMARKET"]
    done = run_cli(standalone_sim, private_files, "flatten", "--account", "Sim101", "--json")
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert sorted(result["closed"]) == ["Long 2 ES 12-26"]
    assert "1 order cancelled" in result["outcome"] and "none still working" in result["outcome"]
    [request] = received(control, "Flatten")
    assert request["raw_path"].endswith("/accounts/Sim101/positions/flatten")
    assert request["body"] == {}
    after = run_cli(standalone_sim, private_files, "positions", "--account", "Sim101")
    assert after.stdout.strip() == "No open positions."


def test_cancel_one_order_then_the_same_one_again_is_rejected_in_words(
        standalone_sim, control, private_files):
    entry = run_cli(standalone_sim, private_files, "reverse", "--account", "Sim102",
                    "--instrument", "MES", "--action", "BUY", "--quantity", "3",
                    "--order-type", "LIMIT", "--limit-price", "100")
    order_id = entry.stdout.splitlines()[0]
    done = run_cli(standalone_sim, private_files, "cancel", "--account", "Sim102",
                   "--order-id", order_id)
    assert done.returncode == 0, done.stderr
    assert "Cancel: 1 order cancelled; none still working" in done.stdout
    again = run_cli(standalone_sim, private_files, "cancel", "--account", "Sim102",
                    "--order-id", order_id)
    assert again.returncode == 3 and "not found or already terminal" in again.stderr


def test_flatten_everything_lists_first_and_needs_yes(standalone_sim, control, private_files):
    listing = run_cli(standalone_sim, private_files, "flatten", "--everything")
    assert listing.returncode == 2
    assert "Sim101: Long 2 ES 12-26" in listing.stdout and "Sim102: Short 3 MES 12-26" \
        in listing.stdout and "Nothing was sent" in listing.stdout
    assert received(control, "FlattenEverything") == []
    # Each process starts with a full budget of its own; the simulator's is the user's, shared:
    # the listing spent ten of its twenty, so start this run on a fresh one.
    control.post("/_sim/reset").raise_for_status()
    done = run_cli(standalone_sim, private_files, "flatten", "--everything", "--yes")
    assert done.returncode == 0, done.stderr
    [request] = received(control, "FlattenEverything")
    assert request["raw_path"] == "/v1/api/positions/flatten" and request["body"] == {}
    [record] = [r for r in journal_records(private_files) if r["kind"] == "flatten everything"]
    assert "Sim101: Long 2 ES 12-26" in record["listing"] and record["status"] == "ok"


@pytest.mark.parametrize(("args", "words"), [
    (("flatten",), "Name the account (--account)"),
    (("flatten", "--everything", "--account", "Sim101"), "--everything takes no --account"),
    (("close", "--account", "Sim101", "--instrument", "ES", "--quantity", "0"),
     "at least 1"),
    (("close", "--account", "Sim101", "--instrument", "ES", "--percent", "150"),
     "between 0 and 100 %"),
])
def test_bad_exit_arguments_exit_2_before_anything_is_sent(standalone_sim, control,
                                                          private_files, args, words):
    done = run_cli(standalone_sim, private_files, *args)
    assert done.returncode == 2 and words in done.stderr
    assert control.get("/_sim/received").json() == []
