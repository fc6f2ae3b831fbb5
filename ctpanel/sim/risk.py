"""The simulator's account risk (reference 12.3): ``GetAccount``'s risk fields and
``GetWatermarks`` in the documented shape, and an account seeded near its limit.

CrossTrade itself "does not enforce firm rules": the simulator reports the figures and the
limits the broker connection would, and refuses nothing because of them. The watermarks are the
session's highs of P&L, net liquidation and open P&L, seen on every read and every market step.
"""

from __future__ import annotations

from typing import Any

from ctpanel.sim.reply import Reply, SimAccount, invalid, ok

# The risk fields a seed may set, by the name a control request uses.
RISK_FIELDS = ("daily_loss_limit", "weekly_loss_limit", "daily_profit_trigger",
               "trailing_max_drawdown", "realized")
MONEY_CAP = 100_000_000.0  # a seed beyond this is a typo, not an account


class AccountRiskApi:
    """Mixed into :class:`~ctpanel.sim.state.SimState`: its account figures and watermarks."""

    accounts: dict[str, SimAccount]

    def figures(self, holder: SimAccount) -> dict[str, float]:
        """Today's realised and open P&L and the net liquidation, rounded to cents; the
        watermarks see them."""
        unrealized = round(sum(p["unrealizedProfitLoss"]
                               for p in self.open_positions(holder)), 2)  # type: ignore[attr-defined]
        realized = round(holder.realized, 2)
        net_liq = round(holder.cash + realized + unrealized, 2)
        holder.watermarks.see(round(realized + unrealized, 2), net_liq, unrealized)
        return {"realizedProfitLoss": realized, "unrealizedProfitLoss": unrealized,
                "netLiquidation": net_liq, "cashValue": round(holder.cash + realized, 2)}

    def risk_item(self, holder: SimAccount) -> dict[str, float]:
        """The documented ``item`` of ``GetAccount``: the figures and the firm's limits."""
        return {**self.figures(holder), "dailyLossLimit": holder.daily_loss_limit,
                "weeklyLossLimit": holder.weekly_loss_limit,
                "dailyProfitTrigger": holder.daily_profit_trigger,
                "trailingMaxDrawdown": holder.trailing_max_drawdown}

    def see_watermarks(self) -> None:
        """Every account's figures, seen by its watermarks (on each market step)."""
        for holder in self.accounts.values():
            if holder.positions or holder.realized:
                self.figures(holder)

    async def GetWatermarks(self, args: dict) -> Reply:
        """``{"success", "data": {"account", "watermarks", "stats"}}``; ``data`` is ``{}``
        when the account has had no P&L this session (reference 12.3)."""
        holder = self._holder(args)  # type: ignore[attr-defined]
        if isinstance(holder, Reply):
            return holder
        figures = self.figures(holder)
        marks = holder.watermarks
        if not holder.realized and not any(p.signed_quantity for p in holder.positions.values()):
            return ok(data={})
        pnl = round(figures["realizedProfitLoss"] + figures["unrealizedProfitLoss"], 2)
        return ok(data={
            "account": holder.name,
            "watermarks": {"pnlhigh": marks.pnl_high, "netliqhigh": marks.net_liq_high,
                           "unrealhigh": marks.unrealized_high},
            "stats": {"pnl": pnl, "total": figures["realizedProfitLoss"],
                      "unrealized": figures["unrealizedProfitLoss"],
                      "poscount": sum(1 for p in holder.positions.values()
                                      if p.signed_quantity),
                      "netliq": figures["netLiquidation"]}})

    def set_risk(self, account: str, fields: dict[str, Any]) -> Reply | None:
        """Seed ``account``'s limits or today's realised P&L (an account near its limit);
        a Reply says what was wrong, nothing is changed then."""
        holder = self.account(account)  # type: ignore[attr-defined]
        if holder is None:
            return invalid(f"unknown account {account!r}")
        values = {}
        for key, value in fields.items():
            if key not in RISK_FIELDS:
                return invalid(f"{key!r} is not a risk field ({', '.join(RISK_FIELDS)})")
            if isinstance(value, bool) or not isinstance(value, int | float) \
                    or abs(value) > MONEY_CAP:
                return invalid(f"{key} must be a number of dollars")
            values[key] = float(value)
        for key, value in values.items():
            setattr(holder, key, value)
        return None
