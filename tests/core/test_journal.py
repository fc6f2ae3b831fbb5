"""The audit journal: durable appends, torn last lines skipped."""

import json

from ctpanel.config import default_journal_path
from ctpanel.core.desk.records import Records
from ctpanel.core.runtime.version import app_version
from ctpanel.core.store.journal import Journal


def test_records_round_trip_in_order(tmp_path):
    journal = Journal(tmp_path / "j" / "journal.jsonl")
    for index in range(5):
        journal.append({"kind": "reverse", "n": index})
    records = journal.read_last(3)
    assert [r["n"] for r in records] == [2, 3, 4]
    assert all("time" in r for r in records)


def test_a_torn_last_line_is_skipped(tmp_path):
    journal = Journal(tmp_path / "journal.jsonl")
    journal.append({"n": 1})
    journal.append({"n": 2})
    with journal.path.open("ab") as file:
        file.write(b'{"n": 3, "status": "o')  # a crash mid-write
    assert [r["n"] for r in journal.read_last()] == [1, 2]
    restarted = Journal(journal.path)  # the app after the crash
    restarted.append({"n": 4})  # starts on a line of its own
    assert [r["n"] for r in restarted.read_last()] == [1, 2, 4]


def test_foreign_lines_are_skipped(tmp_path):
    path = tmp_path / "journal.jsonl"
    path.write_bytes(b'[1, 2]\n\xff\xfe\nnot json\n{"n": 1}\n')
    assert Journal(path).read_last() == [{"n": 1}]


def test_missing_journal_reads_empty(tmp_path):
    assert Journal(tmp_path / "nope.jsonl").read_last() == []


def test_each_record_is_one_line_of_json(tmp_path):
    journal = Journal(tmp_path / "journal.jsonl")
    journal.append({"error": "two\nlines", "name": "Straße"})
    [line] = journal.path.read_text(encoding="utf-8").splitlines()
    assert json.loads(line)["error"] == "two\nlines"


def test_default_location_follows_the_data_dir(private_files):
    assert default_journal_path() == private_files / "journal.jsonl"


async def test_the_desks_records_write_whole_lines_off_the_loop(tmp_path):
    journal = Journal(tmp_path / "journal.jsonl")
    await Records(journal, "demo").write({"n": 1})
    [record] = journal.read_last()
    assert record == {"n": 1, "mode": "demo", "time": record["time"], "version": app_version()}


def test_lines_end_in_a_bare_newline_on_every_platform(tmp_path):
    # Windows' C runtime opens files in text mode unless told otherwise, turning "\n" into
    # "\r\n" (and a journal read elsewhere into one with stray carriage returns).
    journal = Journal(tmp_path / "journal.jsonl")
    journal.append({"n": 1})
    journal.append({"n": 2})  # the second append reads the file's last byte first
    raw = journal.path.read_bytes()
    assert b"\r" not in raw and raw.count(b"\n") == 2


def test_appends_after_a_restart_go_to_the_end(tmp_path):
    path = tmp_path / "journal.jsonl"
    Journal(path).append({"n": 1})
    restarted = Journal(path)  # checks the tail (moving the file offset), then appends
    restarted.append({"n": 2})
    restarted.append({"n": 3})
    assert [r["n"] for r in Journal(path).read_last()] == [1, 2, 3]
