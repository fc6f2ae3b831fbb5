"""A canary token through the panel and the CLI processes, and kill -9 in the middle of writes.

Afterwards no file the app wrote, no output and no error text may contain the token; the
journal and the settings must still read, with every completed record.
"""

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
CANARY = "canary-e2e-token-6f1d2c3b4a"


@pytest.fixture
def canary_sim():
    process = subprocess.Popen([sys.executable, "-m", "ctpanel.sim", "--port", "0", "--token",
                                CANARY], stdout=subprocess.PIPE, text=True, cwd=REPO)
    urls = json.loads(process.stdout.readline())
    yield urls
    process.stdout.close()
    process.terminate()
    process.wait(10)


def files_containing(folder: Path, secret: str) -> list[str]:
    return [str(path) for path in folder.rglob("*")
            if path.is_file() and secret.encode() in path.read_bytes()]


def test_the_canary_never_leaves_memory(canary_sim, tmp_path):
    data = tmp_path / "data"
    env = {**os.environ, "CTPANEL_TOKEN": CANARY, "CTPANEL_BASE_URL": canary_sim["base_url"],
           "CTPANEL_DATA_DIR": str(data), "QT_QPA_PLATFORM": "offscreen"}
    runs = [
        ["reverse", "--account", "Sim101", "--instrument", "ES", "--action", "SELL",
         "--quantity", "2"],
        ["reverse", "--account", "Sim103", "--instrument", "ES", "--action", "SELL",
         "--quantity", "1"],  # no position: an error path
        ["reverse", "--account", "Sim101", "--instrument", "ES", "--action", "BUY",
         "--quantity", "2", "--transport", "ws", "--json"],
        ["accounts"], ["positions", "--account", "Sim101", "--json"], ["token", "status"],
        ["--exit-when-ready"],  # the panel, live against the simulator
    ]
    outputs = []
    for args in runs:
        done = subprocess.run([sys.executable, "-m", "ctpanel", *args], capture_output=True,
                              text=True, timeout=60, cwd=REPO, env=env)
        outputs.append(done.stdout + done.stderr)
    wrong = {**env, "CTPANEL_TOKEN": "wrong-" + CANARY}  # the server refuses, and we say so
    done = subprocess.run([sys.executable, "-m", "ctpanel", "accounts"], capture_output=True,
                          text=True, timeout=60, cwd=REPO, env=wrong)
    outputs.append(done.stdout + done.stderr)
    assert "did not accept the API token" in outputs[-1]
    assert len(json.loads((data / "journal.jsonl").read_text().splitlines()[0])) > 3
    assert (data / "settings.ini").exists(), "the panel wrote its preferences"
    assert files_containing(data, CANARY) == []
    assert [out for out in outputs if CANARY in out] == []


WRITER = """
import sys
from ctpanel.core.store.journal import Journal
journal = Journal(sys.argv[1])
for n in range(100000):
    journal.append({"n": n, "pad": "x" * (n % 300)})
    print(n, flush=True)
"""


@pytest.mark.parametrize("kill_after", [1, 17, 60])
def test_kill_9_mid_journal_keeps_every_completed_record(tmp_path, kill_after):
    path = tmp_path / "journal.jsonl"
    writer = subprocess.Popen([sys.executable, "-c", WRITER, str(path)], stdout=subprocess.PIPE,
                              text=True, cwd=REPO)
    confirmed = [int(writer.stdout.readline()) for _ in range(kill_after)]
    os.kill(writer.pid, signal.SIGKILL)
    writer.wait()
    writer.stdout.close()
    from ctpanel.core.store.journal import Journal

    numbers = [record["n"] for record in Journal(path).read_last(10**6)]
    assert numbers[: len(confirmed)] == confirmed, "every completed record survives, in order"
    assert numbers == list(range(len(numbers))), "nothing garbled or out of order"
    Journal(path).append({"n": "after"})  # and the journal goes on, on a line of its own
    [last] = Journal(path).read_last(1)
    assert last == {"n": "after", "time": last["time"], "version": last["version"]}


SETTINGS_WRITER = """
import sys
from pathlib import Path
from ctpanel.qt.settings import Preferences
prefs = Preferences(Path(sys.argv[1]))
for n in range(100000):
    prefs.set("max_quantity", n + 1)
    prefs.remember("recent_instruments", f"ES {n}")
    print(n, flush=True)
"""


@pytest.mark.parametrize("kill_after", [3, 40])
def test_kill_9_mid_settings_never_leaves_them_half_written(tmp_path, kill_after):
    path = tmp_path / "settings.ini"
    writer = subprocess.Popen([sys.executable, "-c", SETTINGS_WRITER, str(path)],
                              stdout=subprocess.PIPE, text=True, cwd=REPO,
                              env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    for _ in range(kill_after):
        last = int(writer.stdout.readline())
    os.kill(writer.pid, signal.SIGKILL)
    writer.wait()
    writer.stdout.close()
    reader = subprocess.run(
        [sys.executable, "-c", "import sys; from pathlib import Path; "
         "from ctpanel.qt.settings import Preferences; p = Preferences(Path(sys.argv[1])); "
         "print(p.get('max_quantity'), p.get('recent_instruments')[0])", str(path)],
        capture_output=True, text=True, cwd=REPO, timeout=30)
    quantity, instrument = reader.stdout.split(maxsplit=1)
    assert int(quantity) - 1 in (last, last + 1), "the last completed write, or the next one"
    assert instrument.strip() in (f"ES {last}", f"ES {last + 1}", f"ES {last - 1}")
