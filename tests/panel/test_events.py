"""The panel's event: synchronous, in order, and one broken subscriber stops no other."""

import sys

from ctpanel.panel.events import Event


def test_subscribers_run_at_once_in_order_and_may_leave_while_called():
    event, heard = Event("x"), []

    def once(value):
        heard.append(("once", value))
        event.disconnect(once)

    event.connect(once)
    event.connect(lambda value: heard.append(("always", value)))
    event.emit(1)
    event.emit(2)
    assert heard == [("once", 1), ("always", 1), ("always", 2)]


def test_a_subscriber_that_raises_goes_to_the_excepthook_and_the_rest_still_run(
        no_error_in_a_subscriber):
    event, heard = Event("x"), []
    event.connect(lambda: 1 / 0)
    event.connect(lambda: heard.append("shown"))
    event.emit()
    assert heard == ["shown"]
    assert [type(e) for e in no_error_in_a_subscriber] == [ZeroDivisionError]
    no_error_in_a_subscriber.clear()  # expected here
    assert sys.excepthook is not sys.__excepthook__
