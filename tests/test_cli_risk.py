# ruff: noqa: F811  (the CLI fixtures are imported from test_cli, then requested by name)
"""``ctpanel risk``, ``risk set`` and the firm's rules on the order commands, run as a real
subprocess against a standalone simulator process: exit code 2 and the words when a rule
refuses, ``--dry-run`` sends nothing, an exit is never refused."""

import json

import pytest

from tests.test_cli import control, run_cli, standalone_sim  # noqa: F401  (fixtures)


@pytest.fixture
def near_limit(control):
    """A still market, and APEX-3 $690 down today."""
    control.post("/_sim/state", json={"market_open": False,
                                      "risk": {"APEX-3": {"realized": -690}}}
                 ).raise_for_status()
    yield control
    control.post("/_sim/state", json={"market_open": True}).raise_for_status()


def placed(control):
    return [r for r in control.get("/_sim/received").json()
            if r["api"] in ("PlaceOrder", "ReversePosition")]


def test_risk_set_writes_risk_json_and_refuses_a_bad_value(standalone_sim, private_files):
    done = run_cli(standalone_sim, private_files, "risk", "set", "--account", "APEX-3",
                   "--preset", "topstep", "--flat-by", "none", "--hedge", "allow")
    assert done.returncode == 0, done.stderr
    assert "check your firm's current rules" in done.stdout
    saved = json.loads((private_files / "risk.json").read_text(encoding="utf-8"))
    assert saved["accounts"]["APEX-3"]["daily_loss"] == 1000.0
    assert saved["accounts"]["APEX-3"]["flat_by"] is None
    bad = run_cli(standalone_sim, private_files, "risk", "set", "--account", "APEX-3",
                  "--flat-by", "25:99 Mars/Olympus")
    assert bad.returncode == 2 and "not a time of day" in bad.stderr
    unknown = run_cli(standalone_sim, private_files, "risk", "set", "--account", "APEX-3",
                      "--preset", "Moonshot Capital")
    assert unknown.returncode == 2 and "choose one of Apex, Topstep" in unknown.stderr
    assert json.loads((private_files / "risk.json").read_text(encoding="utf-8")) == saved


def test_risk_prints_the_pnl_the_room_and_the_cap(standalone_sim, near_limit, private_files):
    run_cli(standalone_sim, private_files, "risk", "set", "--account", "APEX-3",
            "--daily-loss", "1000", "--max-contracts", "4")
    done = run_cli(standalone_sim, private_files, "risk", "--account", "APEX-3", "--json")
    assert done.returncode == 0, done.stderr
    lines = json.loads(done.stdout)["APEX-3"]["lines"]
    assert lines[0].startswith("P&L today -$690 (realised -$690, open $0)")
    assert "daily loss room $310 of $1,000" in lines
    assert "cap 4 minis" in lines


def test_an_entry_over_the_daily_loss_room_is_refused_with_exit_code_2_and_an_exit_goes(
        standalone_sim, near_limit, private_files):
    run_cli(standalone_sim, private_files, "risk", "set", "--account", "APEX-3",
            "--daily-loss", "1000")
    preview = run_cli(standalone_sim, private_files, "buy", "--account", "APEX-3",
                      "--instrument", "ES", "--quantity", "4", "--stop-ticks", "8",
                      "--dry-run")
    assert preview.returncode == 2, preview.stderr
    assert "Not sent to APEX-3: a stop at 8 ticks risks $400; its daily loss room is " \
           "$310." in preview.stdout
    assert "Nothing sent (--dry-run)." in preview.stdout
    refused = run_cli(standalone_sim, private_files, "buy", "--account", "APEX-3",
                      "--instrument", "ES", "--quantity", "4", "--stop-ticks", "8")
    assert refused.returncode == 2
    assert "Not sent to APEX-3: a stop at 8 ticks risks $400; its daily loss room is " \
           "$310." in refused.stderr
    assert placed(near_limit) == []
    fits = run_cli(standalone_sim, private_files, "buy", "--account", "APEX-3",
                   "--instrument", "ES", "--quantity", "2", "--stop-ticks", "8", "--dry-run")
    assert fits.returncode == 0, fits.stdout
    assert "APEX-3 amber: a stop at 8 ticks risks $200 of its $310 daily loss room" in fits.stdout
    entered = run_cli(standalone_sim, private_files, "buy", "--account", "APEX-3",
                      "--instrument", "ES", "--quantity", "2", "--stop-ticks", "8")
    assert entered.returncode == 0, entered.stderr
    closed = run_cli(standalone_sim, private_files, "close", "--account", "APEX-3",
                     "--instrument", "ES")
    assert closed.returncode == 0, closed.stderr


def test_a_group_member_refused_is_left_out_only_when_named(standalone_sim, near_limit,
                                                            private_files):
    run_cli(standalone_sim, private_files, "risk", "set", "--group", "Apex PA",
            "--daily-loss", "1000")
    near_limit.post("/_sim/state", json={"risk": {"APEX-2": {"realized": -950}},
                                         "positions": [["APEX-2", "ES", 1]]})  # no open P&L
    blocked = run_cli(standalone_sim, private_files, "reverse", "--group", "Apex PA",
                      "--instrument", "ES", "--stop-ticks", "8")
    assert blocked.returncode == 2
    assert "Send to 3 of 4: APEX-2: a stop at 8 ticks risks $100" in blocked.stdout
    assert placed(near_limit) == []
    sent = run_cli(standalone_sim, private_files, "reverse", "--group", "Apex PA",
                   "--instrument", "ES", "--stop-ticks", "8", "--leave-out", "APEX-2",
                   "--json")
    members = {m["account"]: m["status"] for m in json.loads(sent.stdout)["members"]}
    assert members == {"APEX-1": "ok", "APEX-2": "skipped", "APEX-3": "skipped",
                       "APEX-4": "ok", "APEX-5": "ok"}, sent.stderr
