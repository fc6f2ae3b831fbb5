"""Opening a backend: its imports happen on a worker thread, none on the event loop's."""

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

# A fresh interpreter, so that what the first backend imports is not already loaded.
OPEN_AND_WARM = """
import asyncio, sys, tempfile
from pathlib import Path
from ctpanel.backend import Mode, load_network_stack, open_demo
from ctpanel.core.store.journal import Journal

async def main():
    await load_network_stack(Mode.DEMO)
    before = set(sys.modules)
    backend = await open_demo(Journal(Path(tempfile.mkdtemp()) / "journal.jsonl"), timeout=5)
    await backend.client.list_accounts()
    await backend.client.keep_warm(force=True)
    backend.stream.start()
    await backend.stream.wait_connected(5)
    await backend.aclose()
    print(" ".join(sorted(set(sys.modules) - before)))

asyncio.run(main())
"""


def test_opening_a_demo_backend_imports_nothing_on_the_loop_thread():
    done = subprocess.run([sys.executable, "-c", OPEN_AND_WARM], capture_output=True,
                          text=True, timeout=60, cwd=REPO)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == ""
