"""The log pane: one text block per entry, trimmed in step with the model, ids copied right."""

from datetime import datetime

from PySide6.QtGui import QContextMenuEvent, QGuiApplication
from PySide6.QtWidgets import QApplication, QMenu

from ctpanel.panel.notices import Level, Notice, Notices
from ctpanel.qt.widgets.log_pane import LogPane
from tests.qt.conftest import put_cursor_on_line


def entry(number: int, order_id: str | None = None) -> Notice:
    return Notice(datetime(2026, 11, 24, 9, 30), Level.SUCCESS if order_id else Level.INFO,
                    f"line {number}", order_id)


def make_pane(qtbot, model: Notices) -> LogPane:
    pane = LogPane(model)
    qtbot.addWidget(pane)
    return pane


def copy_order_id_of(qtbot, pane: LogPane, index: int) -> str:
    """Right-click "Copy order id" on entry ``index``'s line; what reached the clipboard."""
    put_cursor_on_line(pane, index)
    with qtbot.waitSignal(pane.sig_copied):
        pane.copy_id_action.trigger()
    return QGuiApplication.clipboard().text()


def block_texts(pane: LogPane) -> list[str]:
    document = pane.document()
    return [document.findBlockByNumber(n).text() for n in range(document.blockCount())]


def test_lines_logged_before_the_pane_existed_are_shown(qtbot):
    model = Notices()
    model.add(entry(1))
    pane = make_pane(qtbot, model)
    model.add(entry(2))
    assert block_texts(pane) == ["09:30:00  line 1", "09:30:00  line 2"]


def test_the_oldest_lines_fall_off_and_each_line_still_copies_its_own_order_id(qtbot):
    model = Notices(capacity=5)
    pane = make_pane(qtbot, model)
    for number in range(12):
        model.add(entry(number, order_id=f"id-{number}" if number % 2 else None))
    assert block_texts(pane) == [e.line() for e in model.entries()]
    assert [e.text for e in model.entries()] == [f"line {n}" for n in range(7, 12)]
    assert copy_order_id_of(qtbot, pane, model.entries().index(entry(9, "id-9"))) == "id-9"


def test_a_message_with_line_breaks_stays_one_line(qtbot):
    model = Notices()
    pane = make_pane(qtbot, model)
    model.add(Notice(datetime(2026, 11, 24, 9, 30), Level.ERROR, "first\nsecond"))
    model.add(entry(2, "id-2"))
    assert block_texts(pane) == ["09:30:00  ERROR first second", "09:30:00  OK line 2"]
    assert copy_order_id_of(qtbot, pane, 1) == "id-2"


def test_copy_takes_the_selected_lines_as_plain_text(qtbot):
    model = Notices()
    pane = make_pane(qtbot, model)
    for number in range(3):
        model.add(entry(number))
    pane.selectAll()
    with qtbot.waitSignal(pane.sig_copied):
        pane.copy_action.trigger()
    assert QGuiApplication.clipboard().text() == "\n".join(e.line() for e in model.entries())


def right_click_line(pane: LogPane, index: int) -> None:
    """What a right-click on line ``index`` delivers: a context-menu event at that line."""
    block = pane.document().findBlockByNumber(index)
    cursor = pane.textCursor()
    cursor.setPosition(block.position())
    where = pane.cursorRect(cursor).center()
    event = QContextMenuEvent(QContextMenuEvent.Reason.Mouse, where,
                              pane.viewport().mapToGlobal(where))
    QApplication.sendEvent(pane.viewport(), event)


def test_copy_order_id_takes_the_line_right_clicked_not_the_text_cursors(qtbot):
    model = Notices()
    pane = make_pane(qtbot, model)
    pane.show()
    for number in range(4):
        model.add(entry(number, order_id=f"id-{number}"))
    put_cursor_on_line(pane, 0)  # the text cursor sits on another line
    right_click_line(pane, 2)
    with qtbot.waitSignal(pane.sig_notice) as notice:
        pane.copy_id_action.trigger()
    assert QGuiApplication.clipboard().text() == "id-2"
    assert notice.args == ["Copied order id id-2."]
    for menu in pane.findChildren(QMenu):
        menu.close()


def test_a_line_without_an_order_id_says_so(qtbot):
    model = Notices()
    pane = make_pane(qtbot, model)
    model.add(entry(1))
    put_cursor_on_line(pane, 0)
    with qtbot.waitSignal(pane.sig_notice) as notice:
        pane.copy_id_action.trigger()
    assert notice.args == ["No order id on that line: nothing was copied."]
