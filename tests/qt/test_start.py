"""The panel's start path against the simulator: the remembered position is read side by side
with the account list, and shown only once the account list confirms that selection."""

import pytest

REMEMBERED = {"last_account": "Sim101", "last_instrument": "ES 12-26"}


def first_requests(panel, count: int) -> list:
    return [(r.api, r.peer) for r in panel.sim.received[:count]]


def test_the_remembered_position_is_read_beside_the_account_list(panel_factory):
    panel = panel_factory(preferences=REMEMBERED)
    panel.wait_for_position("Long 2")
    (first, first_peer), (second, second_peer) = first_requests(panel, 2)
    assert {first, second} == {"GetPosition", "ListAccounts"}, "neither waits for the other"
    assert first_peer != second_peer, "each on a connection of its own, opened side by side"
    # The orders connection opens after the first answer, with a cheap read of its own.
    panel.qtbot.waitUntil(lambda: any(r.api == "ListAccounts" and r.peer not in
                                      (first_peer, second_peer)
                                      for r in panel.sim.received[2:]), timeout=5000)
    assert panel.form.account_name() == "Sim101"
    assert panel.button.isEnabled()


@pytest.mark.parametrize("remembered", ["Sim999", ""])
def test_a_remembered_account_that_is_gone_shows_nothing_of_it(panel_factory, remembered):
    panel = panel_factory(preferences={**REMEMBERED, "last_account": remembered})
    account = panel.form.account_name()
    assert account != "Sim999"
    panel.qtbot.waitUntil(lambda: panel.model.position() is not None, timeout=5000)
    shown = panel.model.position()
    assert (shown.account, shown.instrument) == (account, panel.form.instrument_name())
