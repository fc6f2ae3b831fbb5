"""CLOSE (all or a part), FLATTEN (the account, or only this instrument), the instrument's
working orders each with its cancel action, and Flatten every account, bound to the
:class:`~ctpanel.panel.panel.Panel`. Every button is :meth:`Panel.press` through the same
ticket as REVERSE; what they show (armed or not, why, the preview) is the panel's."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from ctpanel.core.domain.exits import order_words
from ctpanel.core.domain.protection import bracket_words, oco_groups
from ctpanel.core.domain.states import Intent
from ctpanel.panel.plans import ExitChoices, Portion
from ctpanel.panel.views import TicketState
from ctpanel.qt.widgets.follow import follow
from ctpanel.qt.widgets.inputs import QuantityBox
from ctpanel.qt.widgets.labels import ElidedLabel

if TYPE_CHECKING:
    from ctpanel.core.domain.models import OrderInfo
    from ctpanel.panel.panel import Panel

PORTIONS = {"All": Portion.ALL, "1/2": Portion.HALF, "1/3": Portion.THIRD,
            "Quantity": Portion.QUANTITY}


class ExitsView(QWidget):
    """CLOSE with its portion and FLATTEN with its scope, in two columns beside REVERSE; their
    previews (``previews``) go on one line under the row, where the body puts them."""

    def __init__(self, panel: Panel, parent: QWidget | None = None, *,
                 refused: Callable[[str], None] | None = None) -> None:
        super().__init__(parent)
        self.panel = panel
        self.close_button = _button("CLOSE ALL", "closeButton", "Close position")
        self.portion = QComboBox()
        self.portion.setObjectName("closePortion")
        self.portion.setAccessibleName("How much to close")
        self.portion.addItems(list(PORTIONS))
        self.close_quantity = QuantityBox("closeQuantity", refused)
        self.close_quantity.setAccessibleName("Contracts to close")
        self.close_quantity.setValue(1)
        self.flatten_button = _button("FLATTEN", "flattenButton", "Flatten the account")
        self.only_instrument = QCheckBox("instr&ument only")
        self.only_instrument.setObjectName("flattenInstrumentOnly")
        self.only_instrument.setToolTip("Flatten only the selected instrument, not the whole "
                                        "account")
        self.close_preview = ElidedLabel("")
        self.close_preview.setObjectName("closePreview")
        self.flatten_preview = ElidedLabel("")
        self.flatten_preview.setObjectName("flattenPreview")
        self.previews = QWidget()
        lines = QVBoxLayout(self.previews)
        lines.setContentsMargins(0, 0, 0, 0)
        lines.setSpacing(0)
        lines.addWidget(self.close_preview)
        lines.addWidget(self.flatten_preview)
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setSpacing(3)
        grid.addWidget(self.close_button, 0, 0, 1, 2)
        grid.addWidget(self.portion, 1, 0)
        grid.addWidget(self.close_quantity, 1, 1)
        grid.addWidget(self.flatten_button, 0, 2)
        grid.addWidget(self.only_instrument, 1, 2)
        self.close_button.clicked.connect(lambda: panel.press(Intent.CLOSE))
        self.flatten_button.clicked.connect(lambda: panel.press(Intent.FLATTEN))
        self.portion.currentIndexChanged.connect(self._choices_changed)
        self.close_quantity.valueChanged.connect(self._choices_changed)
        self.only_instrument.toggled.connect(self._choices_changed)
        follow(self, panel.events.ticket, self.show_ticket)
        self.show_ticket(panel.ticket_state)
        self._choices_changed()

    def _choices_changed(self, *_) -> None:
        portion = PORTIONS[self.portion.currentText()]
        self.close_quantity.setVisible(portion is Portion.QUANTITY)
        self.panel.exits_changed(ExitChoices(portion, self.close_quantity.value(),
                                             self.only_instrument.isChecked()))

    def show_ticket(self, state: TicketState) -> None:
        for action, button, preview in (("close", self.close_button, self.close_preview),
                                        ("flatten", self.flatten_button, self.flatten_preview)):
            arming = state.exits.get(action)
            if arming is None:
                continue
            button.setEnabled(arming.armed)
            button.setText(arming.label)
            if state.preview is not None:  # left as shown on the click path
                preview.setText(arming.preview or arming.reason)
                button.setToolTip(arming.reason or arming.preview)


class WorkingOrdersView(QWidget):
    """The instrument's working orders, each with its Cancel; Cancel all in the instrument;
    Flatten every account. In the window's lower part."""

    def __init__(self, panel: Panel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.panel = panel
        self.working_title = ElidedLabel("")
        self.working_title.setObjectName("workingTitle")
        self.working_rows = QVBoxLayout()
        self.working_rows.setSpacing(0)
        rows = QWidget()
        column = QVBoxLayout(rows)
        column.setContentsMargins(0, 0, 0, 0)
        column.addLayout(self.working_rows)
        column.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setWidget(rows)
        self.cancel_all_button = QPushButton("Cancel all")
        self.cancel_all_button.setObjectName("cancelAllButton")
        self.everything_button = QPushButton("Flatten every account…")
        self.everything_button.setObjectName("flattenEverythingButton")
        self.everything_button.setToolTip("Every position and working order in every account; "
                                          "always asks, with the list of what it closes.")
        self._shown_orders: tuple[OrderInfo, ...] | None = ()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.setSpacing(3)
        layout.addWidget(self.working_title)
        layout.addWidget(scroll, 1)
        bottom = QHBoxLayout()
        bottom.addWidget(self.cancel_all_button)
        bottom.addStretch(1)
        bottom.addWidget(self.everything_button)
        layout.addLayout(bottom)
        self.cancel_all_button.clicked.connect(lambda: panel.press(Intent.CANCEL))
        self.everything_button.clicked.connect(lambda: panel.flatten_everything())
        follow(self, panel.events.ticket, self.show_ticket)
        self.show_ticket(panel.ticket_state)

    def show_ticket(self, state: TicketState) -> None:
        cancel = state.exits.get("cancel")
        if cancel is not None:
            self.cancel_all_button.setEnabled(cancel.armed)
            self.cancel_all_button.setToolTip(cancel.reason or cancel.preview)
        if state.preview is not None:
            self._show_working(state.working, cancel.armed if cancel else False, state.group)
        else:
            for row in self._rows():
                row.setEnabled(False)

    def _show_working(self, working: tuple[OrderInfo, ...] | None, can_cancel: bool,
                      group: str = "") -> None:
        instrument = self.panel.instrument or "the instrument"
        # The button's words never follow the trader's text: the instrument is in its tip.
        self.cancel_all_button.setAccessibleName(f"Cancel all in {instrument}")
        if group:
            self.working_title.setText(f"Working orders: each member's own (Cancel all cancels "
                                       f"them in {instrument} on every member of {group})")
        elif working is None:
            self.working_title.setText(f"Working orders in {instrument}: not read yet")
        else:
            self.working_title.setText(f"Working orders in {instrument}: "
                                       f"{len(working) or 'none'}")
        if working != self._shown_orders:
            self._shown_orders = working
            self._rebuild(working or ())
        for row in self._rows():
            row.setEnabled(can_cancel)

    def count(self) -> int:
        return len(self._shown_orders or ())

    def _rebuild(self, working: tuple[OrderInfo, ...]) -> None:
        while self.working_rows.count():
            item = self.working_rows.takeAt(0)
            if item.widget() is not None:
                item.widget().deleteLater()
        for legs in oco_groups(working):  # each bracket first, in one line: its OCO pair
            title = ElidedLabel(f"Bracket: {bracket_words(legs)}")
            title.setObjectName("bracketLine")
            self.working_rows.addWidget(title)
        for order in working:
            row = QWidget()
            line = QHBoxLayout(row)
            line.setContentsMargins(0, 0, 0, 0)
            oco = " (OCO)" if order.oco_id else ""
            line.addWidget(ElidedLabel(f"{order_words(order)}{oco} · {order.state}"), 1)
            if order.stop_price is not None or order.limit_price is not None:
                for ticks, text in ((-1, "−1 t"), (+1, "+1 t")):
                    line.addWidget(self._nudge_button(order, ticks, text))
            button = QPushButton("Cancel")
            button.setObjectName(f"cancelOrder-{order.order_id}")
            button.setAccessibleName(f"Cancel order {order.order_id}")
            button.clicked.connect(lambda _=False, order_id=order.order_id:
                                   self.panel.cancel_order(order_id))
            line.addWidget(button)
            self.working_rows.addWidget(row)

    def _nudge_button(self, order: OrderInfo, ticks: int, text: str) -> QPushButton:
        button = QPushButton(text)
        direction = "up" if ticks > 0 else "down"
        button.setObjectName(f"nudge{direction.capitalize()}-{order.order_id}")
        button.setAccessibleName(f"Move order {order.order_id} one tick {direction}")
        button.clicked.connect(lambda _=False, order_id=order.order_id:
                               self.panel.nudge(order_id, ticks))
        return button

    def _rows(self) -> list[QPushButton]:
        return [button for i in range(self.working_rows.count())
                if self.working_rows.itemAt(i).widget() is not None
                for button in self.working_rows.itemAt(i).widget().findChildren(QPushButton)]


def _button(text: str, name: str, accessible: str) -> QPushButton:
    button = QPushButton(text)
    button.setObjectName(name)
    button.setAccessibleName(accessible)
    button.setMinimumHeight(30)
    return button
