"""What runs on the qasync loop once the window is up: mode choice, backend, shutdown.

Imported by :func:`ctpanel.qt.app.run_panel` after the window is shown, with asyncio and qasync.
Shutdown follows the pattern in the stack notes: the window's close is deferred to the main
coroutine, which closes the connections while the loop still runs, then returns (which ends
qasync's loop). SIGINT and SIGTERM take the same path.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
import time
import traceback
from pathlib import Path

from PySide6.QtCore import QUrl, qVersion
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QMessageBox, QPushButton

from ctpanel.backend import Backend, Mode
from ctpanel.config import data_dir
from ctpanel.core.errors import CtError, TokenStoreError, scrub
from ctpanel.core.runtime.process import peak_memory_kib
from ctpanel.core.runtime.termination import stop_on_signals
from ctpanel.core.store.crash_report import write_report
from ctpanel.core.store.credentials import resolve_token_async
from ctpanel.qt.main_window import MainWindow

log = logging.getLogger("ctpanel")


def show_dialog(window: MainWindow, text: str, report: Path | None) -> QMessageBox:
    saved = f"\n\nA report was saved: {report}" if report else ""
    box = QMessageBox(QMessageBox.Icon.Critical, "ctpanel: unexpected error",
                      "Something went wrong inside ctpanel. The panel keeps running; check the "
                      f"position in NinjaTrader before acting.{saved}", parent=window)
    box.setDetailedText(text)
    box.setStandardButtons(QMessageBox.StandardButton.Close)
    if report is not None:
        opener = box.addButton("Open report", QMessageBox.ButtonRole.ActionRole)
        opener.clicked.connect(
            lambda: QDesktopServices.openUrl(QUrl.fromLocalFile(str(report))))
    box.open()
    return box


def install_crash_handler(window: MainWindow) -> None:
    """Unexpected errors: a report in the data folder, a dialog with the traceback that offers
    to open it, and a line in the log (the token scrubbed from all of them)."""

    def show(kind: type, value: BaseException, tb) -> None:
        text = "".join(traceback.format_exception(kind, value, tb))
        if window.panel.backend is not None:
            text = scrub(text, window.panel.backend.client.token_text())
        sys.stderr.write(text)
        window.panel.say_problem(f"Unexpected error: {text.strip().splitlines()[-1]}")
        try:
            report = write_report(data_dir(), text, qt=qVersion())
        except OSError as failure:  # a full disk must not turn one error into two
            report = None
            log.error("Could not write the crash report: %s", failure)
        if window.isVisible():
            show_dialog(window, text, report)

    sys.excepthook = show

    def loop_handler(loop, context) -> None:
        error = context.get("exception")
        if error is None:
            log.error("asyncio: %s", context.get("message"))
            return
        show(type(error), error, error.__traceback__)

    asyncio.get_running_loop().set_exception_handler(loop_handler)


async def report_ready(window: MainWindow, request_quit) -> None:
    """``--report-ready``: the wall-clock time the panel became usable (what is held is on
    screen: the position, or a group's members), its peak memory, and the event loop's longest
    stall until then (``--exit-when-ready`` then quits; otherwise what the panel shows is
    reported as it changes)."""
    loop = asyncio.get_running_loop()
    usable = loop.create_future()  # a position on screen, or a group's member rows
    window.panel.events.position.connect(
        lambda position: position is not None and not usable.done() and usable.set_result(1))
    window.panel.events.ticket.connect(
        lambda state: bool(state.members) and not usable.done() and usable.set_result(1))
    longest_stall = 0.0
    deadline = loop.time() + 30
    while not usable.done():  # a 5 ms tick: how late it comes is how long the loop was stuck
        if loop.time() > deadline:
            raise TimeoutError("the panel did not become usable in 30 s")
        started = loop.time()
        await asyncio.wait({usable}, timeout=0.005)
        longest_stall = max(longest_stall, loop.time() - started - 0.005)
    print(f"usable {time.time():.6f} {peak_memory_kib()} {longest_stall * 1000:.1f}", flush=True)
    button = window.body.ticket.reverse_button  # where a real mouse finds it (end-to-end tests)
    centre = button.mapToGlobal(button.rect().center())
    print(f"reverse-button {centre.x()} {centre.y()}", flush=True)
    if request_quit is not None:
        request_quit()
        return
    await report_state_changes(window)


def panel_state(window: MainWindow) -> str:
    """What the trader sees that matters, in one line: mode, position, REVERSE, the hotkey, the
    position's protection, two lights."""
    panel = window.panel
    position = panel.position()
    status = panel.connection.lights
    return (f"state mode={panel.backend.mode.value} "
            f"position={position.describe().replace(' ', '_') if position else 'unknown'} "
            f"armed={'yes' if window.body.ticket.reverse_button.isEnabled() else 'no'} "
            f"hotkey={'armed' if panel.hotkey.armed else 'off'} "
            f"protection={_protection_word(panel.protection_view())} "
            f"crosstrade={status.crosstrade.state.value} "
            f"ninjatrader={status.ninjatrader.state.value}")


def _protection_word(protection) -> str:
    """What the position line says of its protection: none, unprotected or protected."""
    if protection is None:
        return "none"
    return "protected" if protection.protected else "unprotected"


async def report_state_changes(window: MainWindow) -> None:
    """``--report-ready``, after "usable": a ``state`` line each time it changes, the global
    hotkey's note, and where each working order's Cancel button is, so a test in another
    process can see what the panel shows and click it (end-to-end tests)."""
    last, last_note, last_buttons, last_rows = "", "", "", ""
    while True:
        state, note = panel_state(window), window.panel.hotkey.view().note
        buttons = cancel_buttons(window)
        rows = group_rows(window)
        if rows != last_rows:
            print(rows, flush=True)
            last_rows = rows
        if state != last:
            print(state, flush=True)
            last = state
        if note != last_note:
            print(f"hotkey-note {note}", flush=True)
            last_note = note
        if buttons != last_buttons:
            print(buttons, flush=True)
            last_buttons = buttons
        await asyncio.sleep(0.1)


def group_rows(window: MainWindow) -> str:
    """``group-rows <account>=<risk colour>,<locked|open>,<in|out> ...``: what the group
    table's Risk and In sync columns show of each member."""
    table = window.lower.group_table.table
    found = []
    for row in range(table.rowCount()):
        cells = [table.item(row, column) for column in (0, 5, 6)]
        if None in cells:
            continue
        account, risk, sync = (cell.text() for cell in cells)
        colour = risk.partition(":")[0].lower()
        colour = colour if colour in ("green", "amber", "red") else "none"
        found.append(f"{account}={colour},{'locked' if 'LOCKED' in risk else 'open'},"
                     f"{'out' if sync.startswith('OUT') else 'in'}")
    return " ".join(["group-rows", *found])


def cancel_buttons(window: MainWindow) -> str:
    """``cancel-buttons <order id> <x> <y> ...``: the working orders' Cancel buttons that a
    click would press now (shown and enabled)."""
    found = []
    for button in window.lower.working.findChildren(QPushButton):
        name = button.objectName()
        if name.startswith("cancelOrder-") and button.isVisible() and button.isEnabled():
            centre = button.mapToGlobal(button.rect().center())
            found.append(f"{name.removeprefix('cancelOrder-')} {centre.x()} {centre.y()}")
    return " ".join(["cancel-buttons", *found])


async def open_backend(window: MainWindow, token) -> Backend:
    """Live with a token, else demo; a live backend that cannot be opened (a base URL refused
    as unsafe, say) is said in plain words, and the panel starts in demo mode instead."""
    factory = window.panel.connection.backend_factory
    if token is not None:
        try:
            return await factory(Mode.LIVE, token)
        except CtError as error:
            message = f"Could not go live: {error} Starting in demo mode."
            print(f"ctpanel: {message}", file=sys.stderr)
            window.panel.say_problem(message)
    return await factory(Mode.DEMO, None)


async def amain(args: argparse.Namespace, window: MainWindow) -> int:
    """Decide the mode, open the backend, attach it; run until the window asks to quit."""
    install_crash_handler(window)
    loop = asyncio.get_running_loop()
    quit_requested = loop.create_future()

    def request_quit() -> None:
        if not quit_requested.done():
            quit_requested.set_result(0)

    window.sig_closed.connect(request_quit)
    stop_on_signals(loop, request_quit)
    ready_report = None
    if args.report_ready or args.exit_when_ready:
        quit_when_ready = request_quit if args.exit_when_ready else None
        ready_report = loop.create_task(report_ready(window, quit_when_ready))

    token = None
    if not args.demo:
        try:
            token = (await resolve_token_async(window.panel.token_store)).token
        except TokenStoreError as error:
            print(f"ctpanel: {error} Starting in demo mode.", file=sys.stderr)
    window.panel.attach(await open_backend(window, token))
    code = await quit_requested
    if ready_report is not None:
        ready_report.cancel()
        await asyncio.gather(ready_report, return_exceptions=True)
    await window.panel.shutdown()
    window.shutdown_done = True
    window.close()
    return code
