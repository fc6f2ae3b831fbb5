"""Account figures read tolerantly (reference 12.3): GetAccount's item in its nestings, limits
of 0.0 as "not set", nonsense as unknown, both watermark shapes, the snapshot's accounts and
positions; and, against the simulator, each account read on its own when the snapshot is not
there."""

from ctpanel.core.desk.risk_reads import read_figures
from ctpanel.core.domain.account_risk import AccountFigures, money_words
from ctpanel.core.domain.risk_rules import RiskRules, TrailBasis
from ctpanel.core.risk.room import RiskRoom
from ctpanel.core.store.risk_file import RiskBook
from ctpanel.core.wire.account_payloads import figures_from, session_high_from, snapshot_of


def test_the_item_in_each_nesting_rounded_with_unset_limits_as_none():
    item = {"realizedProfitLoss": -310.00000000285, "unrealizedProfitLoss": 12.5,
            "netLiquidation": 99702.49999, "dailyLossLimit": 0.0, "trailingMaxDrawdown": 2500}
    for payload in ({"item": item}, {"data": {"item": item}}, {"account": {"item": item}}):
        figures = figures_from(payload, "PA-1", read_at=5.0)
        assert (figures.realized, figures.unrealized, figures.net_liquidation) == \
            (-310.0, 12.5, 99702.5)
        assert figures.daily_loss_limit is None, "0.0 is not set here, never no room"
        assert figures.trailing_max_drawdown == 2500.0
        assert figures.pnl_today == -297.5
    assert figures_from({"item": {"realizedProfitLoss": "lots", "netLiquidation": 1e300}},
                        "PA-1") is None, "nonsense is unknown, not zero"
    assert figures_from(["not", "an", "account"], "PA-1") is None


def test_both_watermark_shapes_and_the_empty_one():
    assert session_high_from({"success": True, "data": {"watermarks": {
        "netliqhigh": 101_250.004}}}) == 101_250.0
    assert session_high_from({"high_watermark": 50_500, "low_watermark": 49_000}) == 50_500.0
    assert session_high_from({"success": True, "data": {}}) is None


def test_the_snapshot_gives_every_accounts_figures_and_open_positions():
    payload = {"type": "snapshot", "accounts": [
        {"account": {"name": "PA-1", "item": {"realizedProfitLoss": 10.0,
                                              "unrealizedProfitLoss": 0.0,
                                              "netLiquidation": 50_010.0}},
         "positions": [{"instrument": "ES 12-26", "marketPosition": "Long", "quantity": 2,
                        "averagePrice": 6000.0},
                       {"instrument": "NQ 12-26", "marketPosition": "Flat", "quantity": 0}]},
        {"account": {"name": "x" * 500}}, "junk"]}
    figures, positions = snapshot_of(payload, read_at=1.0)
    assert list(figures) == ["PA-1"]
    assert [(p.account, p.instrument, p.quantity) for p in positions] == [("PA-1", "ES 12-26",
                                                                            2)]


def test_the_session_high_is_kept_across_reads_and_money_is_said_plainly():
    room = RiskRoom(RiskBook(accounts={"PA-1": RiskRules(trailing_drawdown=1000.0,
                                                         trail_basis=TrailBasis.INTRADAY)}),
                    clock=lambda: 10.0)
    room.see_figures(AccountFigures("PA-1", 0.0, 600.0, 50_600.0, read_at=10.0))
    room.see_figures(AccountFigures("PA-1", 0.0, -100.0, 49_900.0, read_at=10.0))
    assert room.rooms("PA-1").trailing == 300.0, "the floor trails the high, $49,600"
    assert (money_words(1250), money_words(-310.5), money_words(None)) == \
        ("$1,250", "-$310.50", "?")


async def test_without_a_snapshot_each_account_is_read_on_its_own(sim, client):
    sim.add_fault(apis=["GetAccountSummary"], status=404,
                  body={"success": False, "error": "not_found"})
    room = RiskRoom(RiskBook(accounts={"Sim101": RiskRules(daily_loss=500.0)}))
    sim.state.set_risk("Sim101", {"realized": -100.0})
    spent = await read_figures(client, room, ["Sim101"])
    assert spent == 2, "GetAccount and one read of every position"
    assert room.fresh_figures("Sim101").realized == -100.0
    assert [p.instrument for p in room.positions_of("Sim101")] == ["ES 12-26", "NQ 12-26"]
    assert [r.api for r in sim.received][-2:] in (["GetAccount", "GetAllPositions"],
                                                  ["GetAllPositions", "GetAccount"])


async def test_the_simulators_figures_round_trip_through_the_client(sim, client):
    sim.state.set_risk("Sim102", {"realized": -42.0, "daily_loss_limit": 1000.0})
    figures = await client.get_account_figures("Sim102")
    assert (figures.account, figures.realized, figures.daily_loss_limit) == \
        ("Sim102", -42.0, 1000.0)
