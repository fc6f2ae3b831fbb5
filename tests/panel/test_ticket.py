"""The ticket's rules with a fake clock: when an order may go, and why not."""

import pytest

from ctpanel.core.domain.form import FormState
from ctpanel.core.domain.models import OrderSide, OrderType, Position, Side
from ctpanel.panel.ticket import TOO_SOON, Freshness, Scope, Ticket
from tests.helpers.clock import FakeClock

ES = Scope(backend=1, account="Sim101", instrument="ES 12-26")
LONG_2 = Position("Sim101", "ES 12-26", Side.LONG, 2)
SHORT_2 = Position("Sim101", "ES 12-26", Side.SHORT, 2)
FORM = FormState(account="Sim101", instrument="ES 12-26")


@pytest.fixture
def clock():
    return FakeClock()


@pytest.fixture
def ticket(clock):
    """Armed on Sim101 / ES 12-26, long 2."""
    made = Ticket(clock)
    made.select(ES)
    assert made.read_done(made.begin_read(), LONG_2)
    return made


def send(ticket, form=FORM):
    press = ticket.press(form, confirm=False)
    assert press.order is not None, press.ignored
    return press


def settle(ticket, clock, after=SHORT_2, answer=True):
    """The order's answer, then the position read after it, as the panel does."""
    if answer:
        ticket.answered()
    token = ticket.begin_read()
    ticket.finished()
    return ticket.read_done(token, after)


def test_armed_on_a_fresh_position_and_the_order_mirrors_it(ticket):
    arming = ticket.arming(FORM)
    assert arming.armed and arming.label == "REVERSE" and arming.preview.startswith(
        "Long 2 -> Short 2")
    press = send(ticket)
    assert (press.order.action, press.order.quantity) == (OrderSide.SELL, 2)
    assert press.before == LONG_2


def test_a_second_press_while_sending_sends_nothing_and_says_nothing(ticket):
    send(ticket)
    again = ticket.press(FORM, confirm=False)
    assert again.order is None and not again.say_it
    assert ticket.arming(FORM).label == "SENDING…"


def test_after_an_order_nothing_goes_until_the_new_position_is_read_and_the_delay_passed(
        ticket, clock):
    send(ticket)
    ticket.answered()
    ticket.finished()
    too_soon = ticket.press(FORM, confirm=False)
    assert too_soon.order is None and too_soon.ignored == TOO_SOON and too_soon.say_it
    assert not ticket.press(FORM, confirm=False).say_it, "said once per order"
    assert ticket.arming(FORM).reason == "Reading the position after the last order…"
    assert ticket.read_done(ticket.begin_read(), SHORT_2)
    clock.now += 0.99
    assert ticket.press(FORM, confirm=False).order is None
    clock.now += 0.02
    press = send(ticket)
    assert (press.order.action, press.before) == (OrderSide.BUY, SHORT_2)


def test_a_read_started_before_the_answer_cannot_re_arm(ticket, clock):
    send(ticket)
    racing = ticket.begin_read()  # a poll that started while the order was on its way
    ticket.answered()
    ticket.finished()
    assert not ticket.read_done(racing, LONG_2), "it may predate the order"
    clock.now += 5
    assert ticket.press(FORM, confirm=False).order is None


def test_without_an_answer_only_a_read_started_after_the_outcome_counts(ticket, clock):
    send(ticket)
    during = ticket.begin_read()  # "never blind while waiting": shown, not armed on
    ticket.finished()  # timed out: outcome unknown
    assert not ticket.read_done(during, SHORT_2)
    assert ticket.read_done(ticket.begin_read(), SHORT_2)
    clock.now += 1.0
    assert send(ticket).before == SHORT_2


def test_a_stale_position_disarms_with_its_age(ticket, clock):
    clock.now += 12.5  # reads failing since
    arming = ticket.arming(FORM)
    assert not arming.armed and ticket.freshness_of_reading() is Freshness.STALE
    assert arming.reason.startswith("The position was last read 12 s ago")
    assert ticket.press(FORM, confirm=False).order is None
    assert ticket.read_done(ticket.begin_read(), SHORT_2)
    assert send(ticket).order.action is OrderSide.BUY, "the order follows the figure read now"


def test_nothing_survives_a_change_of_scope(ticket):
    token = ticket.begin_read()
    assert ticket.select(Scope(1, "Sim102", "ES 12-26"))
    assert ticket.reading is None and not ticket.arming(FORM).armed
    assert not ticket.read_done(token, LONG_2), "a figure for the old account is refused"
    assert not ticket.select(Scope(1, "Sim102", "ES 12-26")), "the same scope is no change"


def test_a_read_from_a_replaced_backend_is_refused(ticket):
    token = ticket.begin_read()
    ticket.select(Scope(2, ES.account, ES.instrument))
    assert not ticket.read_done(token, LONG_2)
    assert ticket.freshness_of_reading() is Freshness.UNKNOWN


def test_asking_is_not_sending_and_the_answer_rechecks_the_rules(ticket, clock):
    asked = ticket.press(FORM, confirm=True)
    assert asked.order is not None
    assert ticket.arming(FORM).label == "CONFIRM?"
    assert ticket.press(FORM, confirm=True).order is None, "one dialog at a time"
    clock.now += 20  # the dialog stayed open while the figure went stale
    late = ticket.confirmed(FORM, True)
    assert late.order is None and "last read" in late.ignored
    assert ticket.read_done(ticket.begin_read(), LONG_2)
    assert ticket.press(FORM, confirm=True).order is not None
    no = ticket.confirmed(FORM, False)
    assert no.order is None and no.ignored == "Reverse cancelled; nothing was sent."
    assert ticket.arming(FORM).armed, "a cancelled confirmation leaves the ticket armed"


def test_a_same_side_order_with_mirror_off_is_refused(ticket):
    same = FormState(account="Sim101", instrument="ES 12-26", action=OrderSide.BUY, quantity=3,
                     mirror=False)
    arming = ticket.arming(same)
    assert not arming.armed and "would add to the Long 2 position" in arming.reason


def test_an_invalid_form_names_its_problem(ticket):
    limit = FormState(account="Sim101", instrument="ES 12-26", order_type=OrderType.LIMIT)
    assert ticket.arming(limit).reason == "Limit price is required for LIMIT orders."


def test_next_change_is_the_end_of_the_delay_or_the_figure_going_stale(ticket, clock):
    assert ticket.next_change_at() == pytest.approx(clock.now + 12)
    send(ticket)
    settle(ticket, clock)
    assert ticket.next_change_at() == pytest.approx(clock.now + 1.0)


def test_nothing_is_pending_once_the_figure_is_stale(ticket, clock):
    clock.now += 13
    assert ticket.next_change_at() is None, "a stale figure changes nothing more by itself"
