"""The fault matrix through the CLI: a real `ctpanel reverse` process per case."""

import contextlib
import json
import os
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from tests.matrix.cases import CASES, TIMEOUT, Blackhole, unused_port

REPO = Path(__file__).resolve().parents[2]
TOKEN = "matrix-cli-token"


def start_sim(*flags: str):
    process = subprocess.Popen([sys.executable, "-m", "ctpanel.sim", "--port", "0", "--token",
                                TOKEN, *flags], stdout=subprocess.PIPE, text=True, cwd=REPO)
    return process, json.loads(process.stdout.readline())


def stop_sim(process) -> None:
    process.stdout.close()
    process.terminate()
    process.wait(10)


@pytest.fixture(scope="module")
def standalone():
    process, urls = start_sim()
    yield urls
    stop_sim(process)


@contextlib.contextmanager
def base_url_for(case, urls):
    if case.address is None:
        yield urls["base_url"]
    elif case.address == "refused":
        yield f"http://127.0.0.1:{unused_port()}"
    elif case.address == "dns":
        yield "https://ctpanel-test.invalid"
    elif case.address == "untrusted_tls":
        process, tls_urls = start_sim("--tls")  # its CA is not one the CLI trusts
        try:
            yield tls_urls["base_url"]
        finally:
            stop_sim(process)
    elif case.address == "connect_timeout":
        hole = Blackhole()
        try:
            yield f"http://127.0.0.1:{hole.port}"
        finally:
            hole.close()


@pytest.mark.parametrize("case", CASES, ids=str)
def test_cli(case, standalone, tmp_path):
    control = httpx.Client(base_url=standalone["base_url"])
    control.post("/_sim/reset").raise_for_status()
    control.post("/_sim/state", json=case.state).raise_for_status()
    if case.fault:
        control.post("/_sim/faults", json=case.fault).raise_for_status()
    with base_url_for(case, standalone) as base_url:
        done = subprocess.run(
            [sys.executable, "-m", "ctpanel", "reverse", "--account", "Sim101", "--instrument",
             "ES", "--action", "SELL", "--quantity", "2", "--transport", case.transport,
             "--timeout", str(TIMEOUT), "--base-url", base_url],
            capture_output=True, text=True, timeout=60, cwd=REPO,
            env={**os.environ, "CTPANEL_TOKEN": TOKEN, "CTPANEL_DATA_DIR": str(tmp_path)})
    orders = [r for r in control.get("/_sim/received").json() if r["api"] == "ReversePosition"]
    control.close()
    assert done.returncode == case.exit_code, done.stderr
    missing = [words for words in case.words if words not in done.stderr]
    assert not missing, f"{missing} not in: {done.stderr}"
    assert done.stdout == "" and TOKEN not in done.stderr
    assert len(orders) == case.sent, "an order is never re-sent"
    intent, record = [json.loads(line) for line in (tmp_path / "journal.jsonl").read_text()
                      .splitlines()]  # written ahead, then the outcome
    assert intent["kind"] == "intent" and record["client_id"] == intent["client_id"]
    assert record["status"] == case.journal
