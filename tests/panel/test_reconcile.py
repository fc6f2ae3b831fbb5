"""At start, before anything arms, an order the last session sent and never heard back about
is read back against the simulator over loopback, said in words, recorded, and never re-sent."""

import json
import time

from ctpanel.core.domain.form import FormState
from ctpanel.core.store.journal import Journal
from ctpanel.panel.panel import CHECKING_JOURNAL
from ctpanel.panel.ticket import Ticket
from tests.panel.conftest import until

ORDER_APIS = ("ReversePosition", "PlaceOrder", "ClosePosition", "FlattenEverything")


def crashed_session(tmp_path, mode: str = "demo") -> str:
    """The journal a killed panel leaves: an intent, then nothing."""
    client_id = "c" * 32
    Journal(tmp_path / "journal.jsonl").append({
        "kind": "intent", "action": "reverse", "mode": mode,
        "words": "SELL 2 ES 12-26 MARKET DAY", "account": "Sim101", "instrument": "ES 12-26",
        "body": {}, "transport": "rest", "client_id": client_id,
        "epoch": time.time() - 30})
    return client_id


async def test_an_unanswered_order_of_the_last_session_is_read_back_and_said(make_panel,
                                                                             tmp_path):
    client_id = crashed_session(tmp_path)
    made = await make_panel()
    await until(lambda: made.heard.of("reconciled"), what="the reconciliation")
    [(words,)] = made.heard.of("reconciled")
    assert words.startswith("The last session sent SELL 2 ES 12-26 MARKET DAY on Sim101 at ")
    assert "closed before CrossTrade answered. Read now: Long 2. Executions since: none." \
        in words and "Nothing was re-sent." in words
    assert words in made.lines(), "in the log as well"
    records = [json.loads(line) for line in
               (tmp_path / "journal.jsonl").read_text().splitlines()]
    [reconciled] = [r for r in records if r["kind"] == "reconciled"]
    assert reconciled["client_id"] == client_id and reconciled["read"] == "Long 2"
    await made.select("Sim101", "ES 12-26", "Long 2")
    await made.wait_armed()
    assert made.requests(*ORDER_APIS) == [], "nothing was re-sent"
    again = await make_panel()  # the next start: already reconciled, said once
    await again.select("Sim101", "ES 12-26", "Long 2")
    await again.wait_armed()
    assert again.heard.of("reconciled") == []


async def test_a_live_order_waits_for_a_live_session(make_panel, tmp_path):
    crashed_session(tmp_path, mode="live")
    made = await make_panel()
    await made.select("Sim101", "ES 12-26", "Long 2")
    await made.wait_armed()
    assert made.heard.of("reconciled") == []


def test_nothing_arms_while_the_journal_is_checked():
    ticket = Ticket()
    ticket.held = CHECKING_JOURNAL
    arming = ticket.arming(FormState(account="Sim101", instrument="ES 12-26"))
    assert not arming.armed and arming.reason == CHECKING_JOURNAL
