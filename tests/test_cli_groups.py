# ruff: noqa: F811  (the CLI fixtures are imported from test_cli, then requested by name)
"""Groups from the command line, a real process against a standalone simulator: ``ctpanel
groups``, and ``--group`` on reverse and close, one line per member and an exit code that says
whether every member succeeded."""

import json

from tests.test_cli import control, run_cli, standalone_sim  # noqa: F401  (fixtures)


def received(control, api):
    return [r for r in control.get("/_sim/received").json() if r["api"] == api]


def test_groups_lists_the_simulator_s_demo_group_and_the_trader_s(standalone_sim, control,
                                                                 private_files):
    private_files.mkdir(parents=True, exist_ok=True)
    (private_files / "groups.json").write_text(json.dumps(
        {"groups": [{"name": "Sims", "members": ["Sim101", "Sim102"]}]}))
    done = run_cli(standalone_sim, private_files, "groups")
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [
        "Group: Sims (2): Sim101, Sim102",
        "Group: Apex PA (5): APEX-1, APEX-2, APEX-3, APEX-4, APEX-5"]


def test_a_group_reverse_mirrors_each_member_and_skips_the_flat_one(standalone_sim, control,
                                                                   private_files):
    done = run_cli(standalone_sim, private_files, "reverse", "--group", "apex pa",
                   "--instrument", "ES", "--transport", "ws")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].startswith("APEX-1: Long 2 -> Short 2 (order ")
    assert lines[2] == "APEX-3: flat: nothing to reverse"
    assert lines[3].startswith("APEX-4: Short 1 -> Long 1 (order ")
    assert lines[-1] == "Apex PA: 4 of 4 reversed; skipped (flat): APEX-3"
    before, after = received(control, "GetAllPositions")  # one read each side of the orders
    assert before["transport"] == after["transport"] == "rest"
    orders = received(control, "ReversePosition")
    assert len(orders) == 4 and {o["transport"] for o in orders} == {"ws"}
    records = [json.loads(line) for line in
               (private_files / "journal.jsonl").read_text().splitlines()]
    assert [r["kind"] for r in records].count("reverse") == 4
    assert records[-1]["kind"] == "group" and records[-1]["status"] == "ok"


def test_a_group_close_with_a_member_rejected_exits_3(standalone_sim, control, private_files):
    control.post("/_sim/faults", json={"apis": ["ClosePosition"], "status": 400, "times": 1,
                                       "body": {"error": "Account is locked"}})
    done = run_cli(standalone_sim, private_files, "close", "--group", "Apex PA",
                   "--instrument", "ES")
    assert done.returncode == 3, done.stderr
    assert "rejected: CrossTrade rejected the request (HTTP 400)" in done.stdout
    assert done.stdout.splitlines()[-1].startswith("Apex PA: 3 of 4 closed; ")
    assert len(received(control, "ClosePosition")) == 4, "never retried"


def test_a_guard_stops_the_group_before_anything_is_sent(standalone_sim, control,
                                                        private_files):
    private_files.mkdir(parents=True, exist_ok=True)
    (private_files / "groups.json").write_text(json.dumps({"groups": [{"name": "Prop", "members": [
        "APEX-1", {"account": "APEX-2", "requires_atm": True}]}]}))
    done = run_cli(standalone_sim, private_files, "reverse", "--group", "Prop",
                   "--instrument", "ES")
    assert done.returncode == 2
    assert "Not sent to any member: APEX-2 requires an ATM template." in done.stdout
    assert received(control, "ReversePosition") == []
    unknown = run_cli(standalone_sim, private_files, "close", "--group", "Nope",
                      "--instrument", "ES")
    assert unknown.returncode == 2 and "No group named 'Nope'" in unknown.stderr
