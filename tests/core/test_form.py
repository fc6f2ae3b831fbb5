"""The form model behind the panel: mirroring, disabled fields, the preview, the blocker."""

from ctpanel.core.domain.form import FormState
from ctpanel.core.domain.models import OrderSide, OrderType, Position, Side, TimeInForce

LONG_2 = Position("Sim101", "ES 12-26", Side.LONG, 2, 6850.0)
SHORT_3 = Position("Sim102", "MES 12-26", Side.SHORT, 3, 6850.0)


def test_mirror_takes_the_other_side_at_the_same_size():
    form = FormState(account="Sim101", instrument="ES 12-26", action=OrderSide.BUY, quantity=7,
                     position=LONG_2)
    order = form.order()
    assert (order.action, order.quantity) == (OrderSide.SELL, 2)
    assert form.preview() == "Long 2 -> Short 2, MARKET, DAY"
    short = FormState(account="Sim102", instrument="MES", position=SHORT_3)
    assert short.order().action is OrderSide.BUY and short.preview().startswith("Short 3 -> Long 3")


def test_without_mirror_the_trader_overrides():
    form = FormState(account="Sim101", instrument="ES", action=OrderSide.SELL, quantity=1,
                     mirror=False, position=LONG_2)
    assert form.order().quantity == 1
    assert form.preview() == "Long 2 -> Short 1, MARKET, DAY"


def test_disabled_price_fields_are_not_sent():
    form = FormState(account="Sim101", instrument="ES", position=LONG_2, limit_price=6800,
                     stop_price=6790, order_type=OrderType.MARKET)
    order = form.order()
    assert order.limit_price is None and order.stop_price is None
    limit = FormState(account="Sim101", instrument="ES", position=LONG_2, limit_price=6800,
                      stop_price=6790, order_type=OrderType.LIMIT,
                      time_in_force=TimeInForce.GTC)
    assert (limit.order().limit_price, limit.order().stop_price) == (6800.0, None)
    assert limit.preview() == "Long 2 -> Flat, then SELL 2 LIMIT @ 6,800.00 working, GTC"


def test_stop_and_limit_previews_say_the_position_is_flat_until_the_entry_fills():
    stop = FormState(account="Sim102", instrument="MES", position=SHORT_3, stop_price=25410,
                     order_type=OrderType.STOPMARKET)
    assert stop.preview() == "Short 3 -> Flat, then BUY 3 STOPMARKET @ 25,410.00 working, DAY"
    stop_limit = FormState(account="Sim102", instrument="MES", position=SHORT_3,
                           stop_price=25410, limit_price=25411.25,
                           order_type=OrderType.STOPLIMIT)
    assert stop_limit.preview().startswith(
        "Short 3 -> Flat, then BUY 3 STOPLIMIT @ 25,410.00 / 25,411.25 working")


def test_the_blocker_names_the_first_reason():
    assert FormState(account="", instrument="ES", position=LONG_2).blocker() == \
        "Account is required."
    assert FormState(account="Sim101", instrument="ES").blocker() == \
        "Waiting for the position in this instrument."
    assert FormState(account="Sim103", instrument="ES",
                     position=Position.flat("Sim103", "ES")).blocker() == \
        "No open position in ES on Sim103."
    assert FormState(account="Sim101", instrument="ES", order_type=OrderType.STOPMARKET,
                     position=LONG_2).blocker() == \
        "Stop price is required for STOPMARKET orders."
    assert FormState(account="Sim101", instrument="ES", position=LONG_2).blocker() is None


def test_the_quantity_limit_applies_to_mirrored_sizes():
    big = Position("Sim101", "ES", Side.LONG, 500)
    form = FormState(account="Sim101", instrument="ES", position=big, max_quantity=100)
    assert "500 is over your largest quantity, 100" in form.blocker()
