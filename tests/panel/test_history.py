"""Journal records become history lines at their own time, for the current mode only."""

from datetime import datetime

from ctpanel.panel.history import history_lines, journal_time

RECORDS = [
    {"time": "2026-11-20T14:30:05.123+00:00", "mode": "demo", "status": "ok",
     "account": "Sim101", "instrument": "ES", "order_id": "abc"},
    {"time": "2026-11-21T09:00:00.000+00:00", "mode": "live", "status": "failed",
     "account": "APEX1", "instrument": "NQ", "order_id": None, "error": "408"},
    {"time": "not a time", "mode": "demo", "status": "unknown", "account": "Sim101",
     "instrument": "ES"},
    {"status": "ok", "account": "old", "instrument": "ES"},  # from before modes were recorded
]


def test_only_the_current_modes_records_at_their_own_time():
    demo = history_lines(RECORDS, "demo")
    assert [line.order_id for line in demo] == ["abc", None]
    assert demo[0].time == datetime.fromisoformat(RECORDS[0]["time"]).astimezone().replace(
        tzinfo=None)
    assert demo[0].text.startswith("[journal, demo, 2026-11-2") and demo[0].text.endswith(
        "ok: Sim101 ES: abc")
    assert demo[1].time == datetime(1970, 1, 1), "an unreadable stamp is never shown as now"
    [live] = history_lines(RECORDS, "live")
    assert live.text.endswith("failed: APEX1 NQ: 408")


def test_a_stamp_is_turned_into_local_time():
    assert journal_time("2026-11-24T12:00:00+00:00").tzinfo is None


def test_exits_and_group_actions_say_what_was_read_back():
    records = [
        {"time": "2026-12-01T10:00:00+00:00", "mode": "demo", "kind": "close", "status": "ok",
         "account": "Sim101", "instrument": "ES 12-26", "order_id": "–",
         "outcome": "Long 2 -> Flat; none still working"},
        {"time": "2026-12-01T10:01:00+00:00", "mode": "demo", "kind": "group", "status": "partial",
         "group": "Apex PA", "action": "reverse", "instrument": "ES 12-26",
         "summary": "Apex PA: 3 of 4 reversed; APEX-4 rejected: no margin"}]
    close, group = history_lines(records, "demo")
    assert close.text.endswith("ok close: Sim101 ES 12-26: Long 2 -> Flat; none still working")
    assert group.text.endswith("partial group reverse: Apex PA: Apex PA: 3 of 4 reversed; "
                               "APEX-4 rejected: no margin")
