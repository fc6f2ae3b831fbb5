"""The window by keyboard and against bad input: unique mnemonics, Tab in reading order and out
of tables, a hotkey field that leaves Return, Escape and Tab alone, 10 KB pastes refused in
words without moving the layout or reaching the server, numbers refused rather than clamped,
prices cleared when they stop meaning anything."""

from __future__ import annotations

import re

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QLabel,
    QMenu,
    QTabWidget,
    QWidget,
)

from ctpanel.core.domain.models import OrderType
from ctpanel.qt.widgets.groups_dialog import GroupsDialog
from ctpanel.qt.widgets.settings_dialog import SettingsDialog

PASTE = "W" * 10_240
MNEMONIC = re.compile(r"(?<!&)&([^&\s])")


def mnemonics(window: QWidget) -> list[tuple[str, str]]:
    """(letter, where) of every mnemonic the window answers to with Alt, menus' titles
    included, each menu's own items apart."""
    found = []
    texts = [w.text() for w in window.findChildren(QAbstractButton)]
    texts += [QLabel.text(w) for w in window.findChildren(QLabel) if w.buddy() is not None]
    for tabs in window.findChildren(QTabWidget):
        texts += [tabs.tabText(i) for i in range(tabs.count()) if tabs.isTabVisible(i)]
    for shortcut in window.findChildren(QShortcut):  # an Alt+letter shortcut is one too
        keys = shortcut.key().toString()
        if re.fullmatch(r"Alt\+[A-Z]", keys):
            texts.append(f"&{keys[-1]} (shortcut)")
    menu_bar = getattr(window, "menuBar", None)
    if menu_bar is not None:
        texts += [action.text() for action in menu_bar().actions()]
    for text in texts:
        for letter in MNEMONIC.findall(text):
            found.append((letter.lower(), text))
    return found


def duplicates(found: list[tuple[str, str]]) -> dict[str, list[str]]:
    by_letter: dict[str, list[str]] = {}
    for letter, text in found:
        by_letter.setdefault(letter, []).append(text)
    return {letter: texts for letter, texts in by_letter.items() if len(texts) > 1}


def test_every_mnemonic_is_unique_in_the_window_and_in_each_menu(panel):
    window = panel.window
    found = mnemonics(window)
    assert duplicates(found) == {}
    letters = {letter for letter, _ in found}
    assert {"c", "s", "v", "o", "h"} <= letters, "the menus keep theirs"
    assert {"a", "i", "t", "l", "d", "e"} <= letters, "the fields have theirs"
    for menu in window.menuBar().findChildren(QMenu):
        items = [(letter.lower(), action.text()) for action in menu.actions()
                 for letter in MNEMONIC.findall(action.text())]
        assert duplicates(items) == {}, menu.title()
    group_picked = panel.model
    group_picked.select("group:Apex PA", "ES 12-26")
    panel.qtbot.waitUntil(lambda: window.lower.isTabVisible(
        window.lower.indexOf(window.lower.group_table)))
    assert duplicates(mnemonics(window)) == {}


def test_alt_o_opens_the_orders_menu_and_never_a_field(panel):
    window = panel.window
    assert [text for letter, text in mnemonics(window) if letter == "o"] == ["&Orders"]


def test_each_dialog_has_unique_mnemonics(panel):
    for opened in (panel.window.open_settings, panel.window.open_groups):
        dialog = opened()
        assert duplicates(mnemonics(dialog)) == {}, dialog.windowTitle()
        dialog.done(0)


def tab_through(qtbot, start: QWidget, presses: int) -> list[QWidget]:
    start.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.waitUntil(start.hasFocus)
    visited = [start]
    for _ in range(presses):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        visited.append(QApplication.focusWidget())
    return visited


def _owner(widget: QWidget | None) -> QWidget | None:
    """A combo box's or a spin box's inner line edit stands for the box."""
    while widget is not None and isinstance(widget.parentWidget(), QComboBox | QAbstractSpinBox):
        widget = widget.parentWidget()
    return widget


def test_tab_visits_the_controls_in_reading_order_and_leaves_the_tables(panel):
    window, form, exits = panel.window, panel.form, panel.window.body.exits
    window.activateWindow()
    panel.qtbot.waitUntil(lambda: QGuiApplication.focusWindow() is not None)
    visited = [_owner(w) for w in tab_through(panel.qtbot, form.account, 40)]
    expected = [form.account, form.refresh, form.instrument, panel.button, exits.close_button,
                exits.flatten_button, exits.portion, exits.only_instrument,
                panel.ticket.arm_button, form.mirror, form.details_header]
    positions = [visited.index(widget) for widget in expected]
    assert positions == sorted(positions), "in reading order"
    after = visited[visited.index(form.details_header) + 1:]
    assert window.lower.tabBar() in after or window.lower in after, "on to the lower part"
    assert form.account in after, "and round again: no control traps Tab"


def test_tab_leaves_the_group_table_and_reaches_the_groups_dialogs_buttons(panel):
    window = panel.window
    panel.model.select("group:Apex PA", "ES 12-26")
    panel.qtbot.waitUntil(lambda: window.group_results.table.rowCount() == 5, timeout=5000)
    table = window.group_results.table
    visited = tab_through(panel.qtbot, table, 2)
    assert visited[1] is not table, "Tab leaves the table"
    dialog = GroupsDialog(panel.model, window)
    panel.qtbot.addWidget(dialog)
    dialog.show()
    panel.qtbot.waitExposed(dialog)
    dialog.activateWindow()
    first = dialog.focusWidget() or dialog.table
    reached = {w.text() for w in tab_through(panel.qtbot, first, 30)
               if isinstance(w, QAbstractButton)}
    assert {"&Add member", "&Remove member", "Save", "Cancel"} <= {
        t.replace("&S", "S").replace("&C", "C") if t in ("&Save", "&Cancel") else t
        for t in reached}


@pytest.fixture
def preferences(panel):
    dialog = SettingsDialog(panel.model.preferences, panel.window)
    panel.qtbot.addWidget(dialog)
    dialog.show()
    panel.qtbot.waitExposed(dialog)
    dialog.activateWindow()
    return dialog


@pytest.mark.parametrize("key", [Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Escape,
                                 Qt.Key.Key_Tab])
def test_a_hotkey_field_takes_return_escape_and_tab_as_navigation(panel, preferences, key):
    field = preferences.hotkey
    before = field.keySequence().toString()
    field.setFocus()
    panel.qtbot.waitUntil(field.hasFocus)
    panel.qtbot.keyClick(field, key)
    assert field.keySequence().toString() == before
    if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
        assert preferences.result() == preferences.DialogCode.Accepted
    elif key is Qt.Key.Key_Escape:
        assert preferences.result() == preferences.DialogCode.Rejected and \
            not preferences.isVisible()
    else:
        assert not field.hasFocus(), "Tab moved on"


def test_a_hotkey_field_still_takes_a_combination(panel, preferences):
    field = preferences.hotkey
    field.setFocus()
    panel.qtbot.keyClick(field, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier
                         | Qt.KeyboardModifier.AltModifier)
    assert field.keySequence() == QKeySequence("Ctrl+Alt+R")


def paste_into(qtbot, field: QWidget, text: str) -> None:
    QGuiApplication.clipboard().setText(text)
    target = field.lineEdit() if isinstance(field, QComboBox | QAbstractSpinBox) else field
    target.setFocus()
    qtbot.keyClick(target, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)


def text_fields(panel) -> dict[str, QWidget]:
    form, exits = panel.form, panel.window.body.exits
    form.open_details()
    form.mirror.setChecked(False)
    exits.portion.setCurrentText("Quantity")
    return {"instrument": form.instrument, "OCO id": form.oco_id, "ATM": form.strategy,
            "quantity": form.quantity, "limit": form.limit_price, "stop": form.stop_price,
            "close quantity": exits.close_quantity}


def test_a_10_kb_paste_into_any_field_is_refused_in_words_and_sends_nothing(panel):
    window, form = panel.window, panel.form
    form.order_type.select(OrderType.STOPLIMIT)  # both prices in use
    QApplication.processEvents()
    width = window.width()
    for name, field in text_fields(panel).items():
        sent = len(panel.sim.received)
        paste_into(panel.qtbot, field, PASTE)
        QApplication.processEvents()
        assert window.width() == width, name
        assert len(panel.sim.received) == sent, f"{name}: nothing before Enter"
        assert "Not taken" in form.refusal.text(), name
        assert "10,240" in form.refusal.text() or "characters" in form.refusal.text()
        target = field.lineEdit() if isinstance(field, QComboBox | QAbstractSpinBox) else field
        assert PASTE not in target.text(), f"{name}: left as it was"
        panel.qtbot.keyClick(target, Qt.Key.Key_Return)
        QApplication.processEvents()
        assert len(panel.sim.received) <= sent + 1, f"{name}: at most one request after Enter"
    assert window.width() == width


def test_a_10_kb_group_name_and_token_are_refused_in_words(panel):
    dialog = GroupsDialog(panel.model, panel.window)
    panel.qtbot.addWidget(dialog)
    dialog.show()
    dialog.add_row("Prop", "APEX-1")
    name = dialog.table.cellWidget(dialog.table.rowCount() - 1, 0)
    paste_into(panel.qtbot, name, PASTE)
    assert name.text() == "Prop"
    assert "at most 64" in dialog.problem.text()
    assert dialog.width() <= 800
    token = panel.window.open_token_dialog()
    paste_into(panel.qtbot, token.entry, PASTE)
    assert token.entry.text() == "" and "at most 4096" in token.status.text()
    token.done(0)


def test_an_over_long_group_name_typed_in_full_is_refused_on_save(panel):
    dialog = GroupsDialog(panel.model, panel.window)
    panel.qtbot.addWidget(dialog)
    dialog.add_row("P" * 64, "APEX-1")
    dialog.table.cellWidget(dialog.table.rowCount() - 1, 0).setText("P" * 65)
    dialog.accept()
    assert "a group name has at most 64 characters; this one has 65" in dialog.problem.text()
    assert panel.model.saved_groups() == []


def test_the_groups_dialog_lists_the_demo_group_read_only(panel):
    dialog = GroupsDialog(panel.model, panel.window)
    panel.qtbot.addWidget(dialog)
    names = [dialog.table.cellWidget(r, 0).text() for r in range(dialog.table.rowCount())]
    assert names == ["Apex PA (demo, read-only)"] * 5
    assert not dialog.table.cellWidget(0, 1).isEnabled()
    dialog.accept()
    assert panel.model.saved_groups() == [], "the demo group is not saved as the trader's"


@pytest.mark.parametrize(("typed", "words"), [
    ("99999", "99,999 is over your largest quantity, 99 (Preferences)."),
    ("-5", "Quantity must be at least 1."),
])
def test_a_quantity_out_of_range_is_refused_in_words_not_clamped(panel, typed, words):
    form = panel.form
    panel.model.preferences.set("max_quantity", 99)
    panel.model.apply()
    form.mirror.setChecked(False)
    form.quantity.lineEdit().selectAll()
    panel.qtbot.keyClicks(form.quantity.lineEdit(), typed)
    form.quantity.interpretText()
    assert form.quantity.value() == int(typed), "kept as typed"
    panel.qtbot.waitUntil(lambda: words in panel.ticket.reason.text()
                          or words in form.problem.text())
    assert not panel.button.isEnabled()


def test_a_huge_limit_price_is_refused_in_words_not_clamped(panel):
    form = panel.form
    form.mirror.setChecked(False)
    form.order_type.select(OrderType.LIMIT)
    form.limit_price.lineEdit().selectAll()
    panel.qtbot.keyClicks(form.limit_price.lineEdit(), "999999999999")
    form.limit_price.interpretText()
    assert form.limit_price.value() == 999_999_999_999
    panel.qtbot.waitUntil(lambda: "implausibly large" in panel.ticket.reason.text())
    assert not panel.button.isEnabled()


def test_prices_are_cleared_when_the_type_stops_using_them_and_after_an_order(panel):
    form = panel.form
    form.order_type.select(OrderType.STOPMARKET)
    form.stop_price.setValue(6000.0)
    form.order_type.select(OrderType.MARKET)
    assert form.stop_price.value() == 0 and form.stop_price.text() == "—"
    assert not form.stop_price.isEnabled()
    form.order_type.select(OrderType.LIMIT)
    form.limit_price.setValue(7000.0)
    panel.click_reverse()
    assert form.limit_price.value() == 0, "a price typed for one order is not the next one's"


def test_alt_t_opens_the_details_on_the_order_type(panel):
    window, form = panel.window, panel.form
    window.activateWindow()
    panel.form.account.setFocus()
    panel.qtbot.waitUntil(panel.form.account.hasFocus)
    panel.qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_T, Qt.KeyboardModifier.AltModifier)
    assert form.details.isVisible() and form.order_type.hasFocus()
    panel.qtbot.keyClick(form.order_type, Qt.Key.Key_Down)
    assert form.order_type.member() is OrderType.LIMIT


def test_the_order_details_fold_and_open_by_themselves_when_a_type_needs_a_price(panel):
    form = panel.form
    assert not form.details.isVisible()
    assert form.details_header.text().startswith("Order type: MARKET · DAY · no ATM ▸")
    form.order_type.select(OrderType.LIMIT)
    assert form.details.isVisible() and form.details_header.text().endswith("▾")


def test_compact_mode_names_the_selection_says_what_close_takes_and_forgets_old_results(panel):
    window, compact = panel.window, panel.window.compact
    window.body.exits.portion.setCurrentText("1/2")
    window.compact_action.setChecked(True)
    panel.qtbot.waitUntil(lambda: compact.close_button.text() == "CLOSE 1/2")
    assert compact.selection.text() == "Sim101 · ES 12-26"
    compact.show_result("Rejected: something old")
    panel.pick("Sim101", "NQ 12-26", "Short 1")
    assert compact.result.text() == ""
    assert compact.selection.text() == "Sim101 · NQ 12-26"
