"""Click-to-order-id latency: the seed page's way, the floor, and the panel over REST and WS;
and click-to-answer for a Close.

    python -m benchmarks.latency [--n 200] [--rtt-ms 40] [--json]

The simulator runs behind TLS and a relay that adds a round trip to every exchange
(``benchmarks.network``, a separate process). In one run, side by side, N reverses each:

- ``seed``: ``requests.post`` per click, as on the seed page (a new connection every time);
- ``floor``: one warm ``httpx.AsyncClient`` POST, nothing else (the limit for REST);
- ``panel_rest``: the real panel window, from the button's click to the order id in the log;
- ``panel_ws``: the same over the WebSocket transport;
- ``panel_ruled``: ``panel_rest`` with the firm's rules set for Sim101 in ``risk.json`` (a
  daily loss limit, a trailing drawdown, a cap, no hedge: every guard at work, none refusing),
  its figures read on the panel's 5 s timer: the guards use only what is already read;
- ``close_floor``: one warm POST of a Close (the position re-opened, untimed, before each);
- ``panel_close``: the real panel's CLOSE button, from the click to CrossTrade's answer;
- ``panel_group``: REVERSE on a group of 10 accounts (each long or short 2 ES), from the click
  to the last member's order id; ``group_over_floor`` is its p50 over ``floor``'s;
- ``buy_floor``: one warm POST of a Place Order (flat again, untimed, before each);
- ``panel_buy``: the real panel's BUY from flat with a stop 8 and a target 16 ticks, from the
  click to the order id; and ``bracket_after_fill``: from the fill known to the Cancel and
  Bracket request sent, less the one read of the position between them.

While the panel runs, a probe measures the event loop's lag (quotes stream in, the position is
polled every 500 ms). It prints p50/p95/p99 and the ratios; ``--json`` prints one JSON object.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import ssl
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QT_API", "pyside6")

import httpx
import qasync
import requests
from PySide6.QtWidgets import QApplication

from ctpanel.backend import Mode, assemble
from ctpanel.core.domain.groups import Group, Member
from ctpanel.core.domain.models import Transport
from ctpanel.core.domain.secret import Secret
from ctpanel.core.store.credentials import MemoryTokenStore
from ctpanel.core.store.group_file import GroupFile
from ctpanel.core.store.journal import Journal
from ctpanel.panel.ports import ScriptedConfirmer
from ctpanel.qt.main_window import MainWindow
from ctpanel.qt.settings import Preferences, WindowState
from ctpanel.qt.window import build_panel

BODY = {"instrument": "ES 12-26", "action": "SELL", "quantity": 2, "orderType": "MARKET",
        "timeInForce": "DAY"}
PATH = "/v1/api/accounts/Sim101/positions/reverseposition"
PLACE_PATH = "/v1/api/accounts/Sim101/orders/place"
BUY_BODY = {**BODY, "action": "BUY", "requireMarketPosition": "flat"}
CLOSE_PATH = "/v1/api/accounts/Sim101/positions/close"
LONG_2 = {"positions": [["Sim101", "ES 12-26", 2]]}
GROUP_SIZE = 10
# The firm's loss limits and cap at work on Sim101, none refusing a reverse of 2 ES (no hedge
# is left out: the sim accounts hold MES short, and Sim101 reverses through both sides).
RULED = {"accounts": {"Sim101": {"daily_loss": 1_000_000, "trailing_drawdown": 1_000_000,
                                 "max_contracts": 100}}}
BENCH_GROUP = Group("Bench", tuple(Member(f"BENCH-{i}") for i in range(1, GROUP_SIZE + 1)))


def percentile(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


def start_network(rtt_ms: float) -> tuple[subprocess.Popen, dict]:
    process = subprocess.Popen([sys.executable, "-m", "benchmarks.network", "--rtt-ms",
                                str(rtt_ms)], stdout=subprocess.PIPE, text=True)
    return process, json.loads(process.stdout.readline())


def run_seed(net: dict, n: int) -> list[float]:
    headers = {"Authorization": f"Bearer {net['token']}", "Content-Type": "application/json"}
    samples = []
    for _ in range(n):
        started = time.perf_counter()
        reply = requests.post(net["base_url"] + PATH, headers=headers, json=BODY,
                              verify=net["ca_file"], timeout=30)
        assert reply.json()["orderId"]
        samples.append((time.perf_counter() - started) * 1000)
    return samples


async def run_floor(net: dict, context: ssl.SSLContext, n: int, path: str = PATH,
                    body: dict = BODY, before=None) -> list[float]:
    """One warm POST of ``body`` to ``path`` per sample (``before``, untimed, ahead of each)."""
    headers = {"Authorization": f"Bearer {net['token']}"}
    samples = []
    async with httpx.AsyncClient(base_url=net["base_url"], headers=headers,
                                 verify=context) as client:
        await client.get("/v1/api/accounts")  # warm
        for _ in range(n):
            if before is not None:
                await asyncio.to_thread(before, net)
            started = time.perf_counter()
            reply = await client.post(path, json=body)
            assert reply.json()["success"]
            samples.append((time.perf_counter() - started) * 1000)
    return samples


def open_group(net: dict) -> None:
    """The benchmark's ten accounts, each long 2 ES (untimed set-up, at the simulator)."""
    state = {"accounts": BENCH_GROUP.accounts,
             "positions": [[name, "ES 12-26", 2] for name in BENCH_GROUP.accounts]}
    httpx.post(f"{net['direct_url']}/_sim/state", json=state, verify=net["ca_file"],
               timeout=10).raise_for_status()


def reopen(net: dict) -> None:
    """Long 2 again, straight at the simulator (not through the relay): untimed set-up."""
    httpx.post(f"{net['direct_url']}/_sim/state", json=LONG_2, verify=net["ca_file"],
               timeout=10).raise_for_status()


def flat_again(net: dict) -> None:
    """Sim101 flat, its working orders (the last bracket's legs) cancelled, and a still market
    (a leg must not fill before it is read back): untimed set-up, straight at the
    simulator."""
    httpx.post(f"{net['direct_url']}/_sim/state", json={"market_open": False},
               verify=net["ca_file"], timeout=10).raise_for_status()
    httpx.post(f"{net['direct_url']}/v1/api/accounts/Sim101/positions/flatten", json={},
               headers={"Authorization": f"Bearer {net['token']}"}, verify=net["ca_file"],
               timeout=10).raise_for_status()


class LagProbe:
    """Sleeps 5 ms at a time and records how late it wakes up."""

    def __init__(self) -> None:
        self.lags: list[float] = []
        self._task: asyncio.Task | None = None

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            started = loop.time()
            await asyncio.sleep(0.005)
            self.lags.append(max(0.0, (loop.time() - started - 0.005) * 1000))

    def start(self) -> None:
        self._task = asyncio.get_running_loop().create_task(self._run())

    async def stop(self) -> None:
        self._task.cancel()
        await asyncio.gather(self._task, return_exceptions=True)


async def armed(window: MainWindow, close: bool = False, group: bool = False,
                limit: float = 30.0, buy: bool = False) -> None:
    """Until REVERSE (or CLOSE on Long 2) re-arms after the last order (the position after it
    read and shown, then the re-arm delay); outside the timed part of each sample."""
    deadline = time.perf_counter() + limit
    ticket, exits = window.body.ticket, window.body.exits

    def ready() -> bool:
        if buy:
            position = window.panel.position()
            return window.body.entries.buy_button.isEnabled() and position is not None \
                and position.is_flat
        if close:
            return exits.close_button.isEnabled() and exits.close_preview.text().startswith(
                "Long 2")
        if group:  # with room for all ten requests, and a poll's too
            budget = window.panel.backend.client.budget.level
            return ticket.reverse_button.isEnabled() and budget >= GROUP_SIZE + 2
        return ticket.reverse_button.isEnabled()
    while not ready():
        if time.perf_counter() > deadline:
            reason = exits.close_button.toolTip() if close else ticket.reason.text()
            raise TimeoutError(f"not re-armed: {reason}")
        await asyncio.sleep(0.005)


async def figures_fresh(panel, within_s: float = 10.0) -> None:
    """Sim101's figures read in the last ``within_s``: a trader's pace leaves the 5 s reads the
    budget they need; this benchmark's back-to-back reverses would drain it (untimed)."""
    room = panel.backend.desk.firm.room
    for _ in range(600):
        figures = room.figures.get("sim101")
        if figures is not None and figures.age_s(room.clock()) <= within_s:
            return
        await asyncio.sleep(0.05)
    raise TimeoutError("Sim101's figures were not read again in 30 s")


async def run_panel(net: dict, context: ssl.SSLContext, n: int, transport: Transport,
                    probe: LagProbe, *, close: bool = False, group: bool = False,
                    buy: list[float] | None = None, ruled: bool = False
                    ) -> tuple[list[float], float]:
    """The click-to-order-id samples (``close``: click-to-answer of CLOSE, the position
    re-opened before each), and the time from ``start()`` to the position shown (connections
    opened, accounts listed, position read: the panel becoming usable)."""
    folder = Path(tempfile.mkdtemp(prefix="ctpanel-bench-panel-"))
    if ruled:
        (folder / "risk.json").write_text(json.dumps(RULED), encoding="utf-8")
    journal = Journal(folder / "journal.jsonl")
    backend = assemble(Mode.LIVE, Secret(net["token"]), net["base_url"], net["ws_url"], journal,
                       ssl_context=context)
    stream = backend.stream
    preferences = Preferences(folder / "settings.ini")
    preferences.set("confirm", "never")
    preferences.set("transport", transport.value)
    preferences.set("last_account", BENCH_GROUP.key if group else "Sim101")  # remembered
    preferences.set("last_instrument", "ES 12-26")
    preferences.set("rearm_delay", 0.3)  # the shortest re-arm delay: not part of the sample
    if buy is not None:  # BUY with a bracket: ``buy`` collects fill known -> bracket sent
        preferences.set("stop_ticks", 8)
        preferences.set("target_ticks", 16)

    async def no_backend(mode, token):
        raise RuntimeError("not used")

    async def no_test(token):
        return ""

    panel = build_panel(preferences=preferences, journal=journal, backend_factory=no_backend,
                        token_store=MemoryTokenStore(), confirmer=ScriptedConfirmer(True),
                        backend=backend, groups=GroupFile(folder))
    if group:
        panel.positions.group_file.save([BENCH_GROUP])
    window = MainWindow(panel, window_state=WindowState(folder / "window-state.ini"),
                        token_tester=no_test)
    shown: dict[str, float] = {}
    finished = asyncio.Event()
    ready = asyncio.Event()
    panel.notices.appended.connect(
        lambda entry: entry.order_id and shown.setdefault("at", time.perf_counter()))
    panel.events.order_finished.connect(lambda _outcome: finished.set())
    if close:  # a close's answer names no order: the moment it is answered
        panel.events.order_accepted.connect(
            lambda _result: shown.setdefault("at", time.perf_counter()))
    members: list[float] = []
    if group:  # the last member's order id
        def on_member(outcome) -> None:
            members.append(time.perf_counter())
            if len(members) == GROUP_SIZE:
                shown["at"] = members[-1]
        panel.events.group_member.connect(on_member)

    def on_position(position) -> None:
        if group and panel.ticket.reading is not None and not ready.is_set():
            shown["position_at"] = time.perf_counter()
            ready.set()
        if position is not None and (buy is not None or not position.is_flat) \
                and not ready.is_set():
            shown["position_at"] = time.perf_counter()  # not when awaited: the WS opens too
            ready.set()

    panel.events.position.connect(on_position)
    protected = asyncio.Event()
    if buy is not None:
        bracket_timing(panel, backend, buy, protected)
    window.show()
    QApplication.processEvents()  # painted before start, as ctpanel.qt.app does
    if close:
        await asyncio.to_thread(reopen, net)  # Sim101 holds ES: the panel starts on it
    if group:
        await asyncio.to_thread(open_group, net)
    if buy is not None:
        await asyncio.to_thread(flat_again, net)
    starting = time.perf_counter()
    panel.start()
    window.ticks.poll.setInterval(500)
    await stream.wait_connected()  # quotes stream in during every panel run
    await stream.subscribe(["ES 12-26", "NQ 12-26", "CL 01-27"])
    await asyncio.wait_for(ready.wait(), 30)
    usable_ms = (shown.pop("position_at") - starting) * 1000
    samples = []
    probe.start()
    button = window.body.exits.close_button if close else \
        window.body.entries.buy_button if buy is not None else window.body.ticket.reverse_button
    print(f"benchmark: {transport.value} close={close} group={group} buy={buy is not None} "
          f"ruled={ruled}", file=sys.stderr, flush=True)
    for _ in range(n):
        if close:
            await asyncio.to_thread(reopen, net)
        if buy is not None:
            await asyncio.to_thread(flat_again, net)
            protected.clear()
        if ruled:
            await figures_fresh(panel)
        await armed(window, close, group, buy=buy is not None)
        shown.clear()
        finished.clear()
        members.clear()
        started = time.perf_counter()
        button.click()
        try:
            await asyncio.wait_for(finished.wait(), 30)
        except TimeoutError:
            print("\n".join(panel.notices.lines()[-8:]), file=sys.stderr)
            raise
        samples.append((shown["at"] - started) * 1000)
        if buy is not None:
            try:
                await asyncio.wait_for(protected.wait(), 30)  # the bracket, untimed here
            except TimeoutError:
                print("\n".join(panel.notices.lines()[-8:]), file=sys.stderr)
                raise
    await probe.stop()
    await panel.shutdown()
    window.shutdown_done = True
    window.close()
    return samples, usable_ms


def bracket_timing(panel, backend, samples: list[float], protected: asyncio.Event) -> None:
    """Fill known (the UNPROTECTED the panel shows) -> the Cancel and Bracket request sent,
    less the one position read between them, in ``samples``; ``protected`` when read back."""
    marks: dict[str, float] = {}
    read_position, cancel_and_bracket = backend.desk.read_position, \
        backend.client.cancel_and_bracket

    async def timed_read(account, instrument):
        began = time.perf_counter()
        try:
            return await read_position(account, instrument)
        finally:
            marks["read_ms"] = (time.perf_counter() - began) * 1000

    async def timed_bracket(order):
        if "filled" in marks:
            samples.append((time.perf_counter() - marks.pop("filled")) * 1000
                           - marks.pop("read_ms", 0.0))
        return await cancel_and_bracket(order)

    def on_protection(protection) -> None:
        if protection is not None and not protection.protected:
            marks["filled"] = time.perf_counter()
            marks.pop("read_ms", None)
        elif protection is not None:
            protected.set()

    backend.desk.read_position = timed_read
    backend.client.cancel_and_bracket = timed_bracket
    panel.events.protection.connect(on_protection)


async def start_floor(net: dict, context: ssl.SSLContext, runs: int = 5) -> float:
    """The floor of start -> position: a fresh client's two reads side by side (accounts and
    the position), TCP and TLS included; the median of ``runs`` after one unmeasured run."""
    samples = []
    for _ in range(runs + 1):
        async with httpx.AsyncClient(base_url=net["base_url"], verify=context,
                                     headers={"Authorization": f"Bearer {net['token']}"}) as c:
            started = time.perf_counter()
            await asyncio.gather(c.get("/v1/api/accounts"),
                                 c.get("/v1/api/accounts/Sim101/position",
                                       params={"instrument": "ES 12-26"}))
            samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples[1:])


async def measure(args: argparse.Namespace) -> dict:
    process, net = start_network(args.rtt_ms)
    try:
        context = ssl.create_default_context(cafile=net["ca_file"])
        results = {"seed": await asyncio.to_thread(run_seed, net, args.n),
                   "floor": await run_floor(net, context, args.n)}
        floor_start_ms = await start_floor(net, context)
        probe = LagProbe()
        results["panel_rest"], usable_ms = await run_panel(net, context, args.n,
                                                           Transport.REST, probe)
        results["panel_ws"], _ = await run_panel(net, context, args.n, Transport.WS, probe)
        results["panel_ruled"], _ = await run_panel(net, context, args.n, Transport.REST,
                                                    LagProbe(), ruled=True)
        results["close_floor"] = await run_floor(net, context, args.n, CLOSE_PATH,
                                                 {"instrument": "ES 12-26"}, before=reopen)
        results["panel_close"], _ = await run_panel(net, context, args.n, Transport.REST,
                                                    LagProbe(), close=True)
        group_n = args.group_n or min(args.n, 30)
        results["panel_group"], _ = await run_panel(net, context, group_n, Transport.WS,
                                                    LagProbe(), group=True)
        results["buy_floor"] = await run_floor(net, context, args.n, PLACE_PATH, BUY_BODY,
                                               before=flat_again)
        results["bracket_after_fill"] = []
        results["panel_buy"], _ = await run_panel(net, context, args.n, Transport.REST,
                                                  LagProbe(),
                                                  buy=results["bracket_after_fill"])
    finally:
        process.terminate()
        process.wait(10)
    report: dict[str, float] = {"n": args.n, "rtt_ms": args.rtt_ms}
    for name, samples in results.items():
        for q in (50, 95, 99):
            report[f"{name}_p{q}_ms"] = round(percentile(samples, q), 2)
    for suffix in ("p50", "p99"):
        tail = "" if suffix == "p50" else "_p99"
        floor = report[f"floor_{suffix}_ms"]
        report[f"panel_rest_over_floor{tail}"] = round(report[f"panel_rest_{suffix}_ms"] / floor,
                                                       3)
        report[f"panel_ws_over_floor{tail}"] = round(report[f"panel_ws_{suffix}_ms"] / floor, 3)
        report[f"panel_ruled_over_floor{tail}"] = round(
            report[f"panel_ruled_{suffix}_ms"] / floor, 3)
        report[f"seed_over_panel_rest{tail}"] = round(
            report[f"seed_{suffix}_ms"] / report[f"panel_rest_{suffix}_ms"], 3)
        report[f"panel_close_over_floor{tail}"] = round(
            report[f"panel_close_{suffix}_ms"] / report[f"close_floor_{suffix}_ms"], 3)
    report["panel_buy_over_floor"] = round(report["panel_buy_p50_ms"]
                                           / report["buy_floor_p50_ms"], 3)
    report["group_over_floor"] = round(report["panel_group_p50_ms"] / report["floor_p50_ms"], 3)
    report["group_size"] = GROUP_SIZE
    report["start_to_position_ms"] = round(usable_ms, 1)
    report["start_to_position_rtt"] = round(usable_ms / args.rtt_ms, 2)
    report["start_floor_rtt"] = round(floor_start_ms / args.rtt_ms, 2)
    report["start_over_floor"] = round(usable_ms / floor_start_ms, 3)
    report["loop_lag_p99_ms"] = round(percentile(probe.lags, 99), 2)
    report["loop_lag_max_ms"] = round(max(probe.lags), 2)
    report["loop_lag_mean_ms"] = round(statistics.fmean(probe.lags), 3)
    return report


def print_table(report: dict) -> None:
    print(f"{report['n']} reverses each, {report['rtt_ms']:g} ms added round trip, TLS")
    print(f"{'':12} {'p50 ms':>9} {'p95 ms':>9} {'p99 ms':>9}")
    for name in ("seed", "floor", "panel_rest", "panel_ws", "panel_ruled", "close_floor",
                 "panel_close",
                 "panel_group", "buy_floor", "panel_buy", "bracket_after_fill"):
        print(f"{name:12} " + " ".join(f"{report[f'{name}_p{q}_ms']:9.1f}" for q in (50, 95, 99)))
    print(f"panel_rest / floor  p50 {report['panel_rest_over_floor']:.3f}   "
          f"p99 {report['panel_rest_over_floor_p99']:.3f}")
    print(f"panel_ws / floor    p50 {report['panel_ws_over_floor']:.3f}   "
          f"p99 {report['panel_ws_over_floor_p99']:.3f}")
    print(f"panel_ruled / floor p50 {report['panel_ruled_over_floor']:.3f}   "
          f"p99 {report['panel_ruled_over_floor_p99']:.3f}   (the firm's rules at work)")
    print(f"panel_close / close_floor  p50 {report['panel_close_over_floor']:.3f}   "
          f"p99 {report['panel_close_over_floor_p99']:.3f}")
    print(f"panel_group ({report['group_size']} accounts, last order id) / floor  p50 "
          f"{report['group_over_floor']:.3f}")
    print(f"panel_buy / buy_floor  p50 {report['panel_buy_over_floor']:.3f}   "
          f"fill known -> bracket sent, less its one read: p50 "
          f"{report['bracket_after_fill_p50_ms']:.1f} ms")
    print(f"seed / panel_rest   p50 {report['seed_over_panel_rest']:.3f}   "
          f"p99 {report['seed_over_panel_rest_p99']:.3f}")
    print(f"start -> position shown (TCP, TLS 1.3, then the account list and the remembered "
          f"position side by side): {report['start_to_position_ms']:.0f} ms = "
          f"{report['start_to_position_rtt']:.2f} round trips; floor (two reads side by side "
          f"on a fresh client) {report['start_floor_rtt']:.2f}, panel/floor "
          f"{report['start_over_floor']:.2f}")
    print(f"event-loop lag while reversing, polling and streaming quotes: "
          f"p99 {report['loop_lag_p99_ms']:.2f} ms, max {report['loop_lag_max_ms']:.2f} ms")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=200, help="reverses per mode")
    parser.add_argument("--rtt-ms", type=float, default=40.0, help="added round-trip time")
    parser.add_argument("--group-n", type=int, default=None,
                        help="group reverses (default: --n, at most 30; each waits for the "
                             "budget to fit ten requests again)")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args()
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setQuitOnLastWindowClosed(False)
    report = qasync.run(measure(args))
    if args.json:
        print(json.dumps(report))
    else:
        print_table(report)
    return 0


if __name__ == "__main__":
    sys.exit(main())
