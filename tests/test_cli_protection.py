# ruff: noqa: F811  (the CLI fixtures are imported from test_cli, then requested by name)
"""Entries and protection from the command line (``buy``, ``sell``, ``protect``,
``breakeven``, ``reverse --stop-ticks``), run as a real subprocess against a standalone
simulator process."""

import json
import time

import pytest

from tests.test_cli import control, run_cli, standalone_sim  # noqa: F401  (fixtures)


@pytest.fixture
def still(control):
    """A market that does not move: a bracket's legs stay where they were put."""
    control.post("/_sim/state", json={"market_open": False}).raise_for_status()
    yield control
    control.post("/_sim/state", json={"market_open": True}).raise_for_status()


def received(control, api):
    return [r for r in control.get("/_sim/received").json() if r["api"] == api]


def test_buy_from_flat_with_8_16_ticks_then_one_bracket(standalone_sim, still, private_files):
    done = run_cli(standalone_sim, private_files, "buy", "--account", "Sim103",
                   "--instrument", "ES", "--quantity", "2", "--stop-ticks", "8",
                   "--target-ticks", "16", "--json")
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert (result["before"], result["after"], result["protected"]) == ("Flat", "Long 2", True)
    [placed] = received(still, "PlaceOrder")
    assert placed["body"]["requireMarketPosition"] == "flat"
    assert placed["body"]["orderId"] == result["orderId"]
    [bracket] = received(still, "CancelAndBracket")
    assert bracket["body"]["quantity"] == 2 and bracket["body"]["action"] == "Buy"
    assert bracket["body"]["takeProfit"] - bracket["body"]["stopLoss"] == 24 * 0.25
    assert result["protection"].startswith("Protected: stop") and "(OCO)" in \
        result["protection"]


def test_sell_against_a_long_is_refused_in_words_and_sends_nothing(standalone_sim, still,
                                                                  private_files):
    done = run_cli(standalone_sim, private_files, "sell", "--account", "Sim101",
                   "--instrument", "ES", "--quantity", "1")
    assert done.returncode == 2
    assert "would trade against the Long 2 position: use REVERSE" in done.stderr
    assert received(still, "PlaceOrder") == []


def test_ticks_and_an_atm_template_together_are_refused(standalone_sim, still, private_files):
    done = run_cli(standalone_sim, private_files, "buy", "--account", "Sim103",
                   "--instrument", "ES", "--quantity", "1", "--stop-ticks", "8",
                   "--strategy", "Scalp 8-16")
    assert done.returncode == 2 and "not both" in done.stderr
    assert received(still, "PlaceOrder") == []


def test_protect_previews_then_breakeven_moves_the_stop_or_says_why_not(
        standalone_sim, still, private_files):
    protect = run_cli(standalone_sim, private_files, "protect", "--account", "Sim101",
                      "--instrument", "ES", "--stop-ticks", "40")
    assert protect.returncode == 0, protect.stderr
    assert "No working order in ES 12-26 to cancel, then stop" in protect.stdout
    assert "for Long 2" in protect.stdout and "Protected: stop" in protect.stdout
    refused = run_cli(standalone_sim, private_files, "breakeven", "--account", "Sim101",
                      "--instrument", "ES")
    assert refused.returncode == 2 and "must stay below the bid" in refused.stderr
    assert received(still, "Change") == []
    positions = json.loads(run_cli(standalone_sim, private_files, "positions", "--account",
                                   "Sim101", "--json").stdout)
    average = next(p["average_price"] for p in positions if p["instrument"] == "ES 12-26")
    still.post("/_sim/state", json={"prices": [["ES", average + 5]]}).raise_for_status()
    moved = run_cli(standalone_sim, private_files, "breakeven", "--account", "Sim101",
                    "--instrument", "ES", "--plus-ticks", "2", "--json")
    assert moved.returncode == 0, moved.stderr
    assert json.loads(moved.stdout)["stopPrice"] == average + 0.5
    assert len(received(still, "Change")) == 1


def test_reverse_with_ticks_brackets_the_new_position(standalone_sim, still, private_files):
    done = run_cli(standalone_sim, private_files, "reverse", "--account", "Sim101",
                   "--instrument", "ES", "--action", "SELL", "--quantity", "2",
                   "--stop-ticks", "8", "--target-ticks", "16")
    assert done.returncode == 0, done.stderr
    assert "Long 2 -> Short 2" in done.stdout and "Protected: stop" in done.stdout
    [bracket] = received(still, "CancelAndBracket")
    assert (bracket["body"]["action"], bracket["body"]["quantity"]) == ("Sell", 2)
    assert len(received(still, "ReversePosition")) == 1


def test_a_group_buy_brackets_each_member_and_skips_the_other_side(standalone_sim, still,
                                                                   private_files):
    done = run_cli(standalone_sim, private_files, "buy", "--group", "Apex PA",
                   "--instrument", "ES", "--quantity", "1", "--stop-ticks", "40")
    assert done.returncode == 0, done.stderr + done.stdout
    assert "APEX-4: holds Short 1: BUY would trade against it" in done.stdout
    assert len(received(still, "PlaceOrder")) == 4
    brackets = received(still, "CancelAndBracket")
    assert sorted(b["raw_path"].split("/")[4] for b in brackets) == [
        "APEX-1", "APEX-2", "APEX-3", "APEX-5"]
    assert done.stdout.count("Protected: stop") == 4
    time.sleep(4)  # the simulator's budget (20 at once, 3 a second) refills after the buy
    protect = run_cli(standalone_sim, private_files, "protect", "--group", "Apex PA",
                      "--instrument", "ES", "--stop-ticks", "20", "--target-ticks", "20")
    assert protect.returncode == 0, protect.stderr + protect.stdout
    assert protect.stdout.count("Protected: stop") == 5  # APEX-4's short too


def test_a_groups_default_ticks_bracket_its_entries_unless_a_template_is_given(
        standalone_sim, still, private_files):
    from ctpanel.core.domain.groups import Group, Member
    from ctpanel.core.domain.protection import Bracket
    from ctpanel.core.store.group_file import save_groups

    save_groups(private_files, [Group("Pair", (Member("Sim102"), Member("Sim103")),
                                      Bracket(8, 16))])
    done = run_cli(standalone_sim, private_files, "buy", "--group", "Pair",
                   "--instrument", "ES", "--quantity", "1")
    assert done.returncode == 0, done.stderr + done.stdout
    brackets = received(still, "CancelAndBracket")
    assert len(brackets) == 2 and done.stdout.count("Protected: stop") == 2
    assert {b["body"]["takeProfit"] - b["body"]["stopLoss"] for b in brackets} == {24 * 0.25}
    templated = run_cli(standalone_sim, private_files, "buy", "--group", "Pair",
                        "--instrument", "ES", "--quantity", "1", "--strategy", "ATM 8-16")
    assert templated.returncode == 0, templated.stderr + templated.stdout
    assert len(received(still, "CancelAndBracket")) == 2, "the template brackets, not the ticks"
