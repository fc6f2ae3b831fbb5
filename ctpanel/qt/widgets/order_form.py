"""The order controls, bound to the :class:`~ctpanel.panel.panel.Panel`: it forwards what the
trader sets (the fields as a :class:`FormState`, the account and instrument picked) and shows
what the panel says (accounts, instruments, the mirror of the position, ticks, prices)."""

from __future__ import annotations

from enum import Enum
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QWidget,
)

from ctpanel.core.form import FormState
from ctpanel.core.models import Account, Action, OrderType, TimeInForce
from ctpanel.core.pricing import snap
from ctpanel.core.validation import normalise_instrument
from ctpanel.panel.options import Options
from ctpanel.panel.views import TicketState
from ctpanel.qt.widgets.follow import follow
from ctpanel.qt.widgets.labels import WrappedLabel

if TYPE_CHECKING:
    from ctpanel.panel.panel import Panel

PRICE_MAX = 1e9


class EnumCombo(QComboBox):
    """A combo box of enum members kept as item data; the display text is never parsed back.

    Qt stores a ``StrEnum`` member as a plain string, so :meth:`member` rebuilds the member
    from the stored value.
    """

    def __init__(self, enum: type[Enum], name: str) -> None:
        super().__init__()
        self.enum = enum
        self.setObjectName(name)
        for member in enum:
            self.addItem(member.value, member.value)

    def member(self):
        return self.enum(self.currentData())

    def select(self, member) -> None:
        self.setCurrentIndex(self.findData(self.enum(member).value))


def price_box(name: str) -> QDoubleSpinBox:
    box = QDoubleSpinBox()
    box.setObjectName(name)
    box.setDecimals(4)
    box.setRange(0.0, PRICE_MAX)
    box.setSpecialValueText("—")  # the minimum (0) shows as a dash and means "not set"
    box.setGroupSeparatorShown(True)
    return box


class OrderForm(QWidget):
    """Account, instrument and order fields."""

    def __init__(self, panel: Panel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.panel = panel
        self.tick_size: float | None = None
        self._build_ui()
        self._apply_order_type()
        self._apply_mirror(self.mirror.isChecked())
        self._on_options(panel.options)
        self.set_strategies(panel.preferences.get("recent_strategies"))
        self._on_instruments(*panel.instrument_choices())
        self._on_accounts(panel.positions.accounts, panel.account)
        self._connect_signals()
        events = panel.events
        follow(self, events.accounts, self._on_accounts)
        follow(self, events.instruments, self._on_instruments)
        follow(self, events.follow, self._on_follow)
        follow(self, events.prices_cleared, self.clear_prices)
        follow(self, events.tick, self.set_tick)
        follow(self, events.prefill, self.prefill)
        follow(self, events.strategies, self.set_strategies)
        follow(self, events.options, self._on_options)
        follow(self, events.ticket, self._on_ticket)
        self._changed()

    # --- building -------------------------------------------------------------------------

    def _build_ui(self) -> None:
        self.account = QComboBox()
        self.account.setObjectName("account")
        self.account.setMinimumContentsLength(14)
        self.refresh = QPushButton("↻")
        self.refresh.setObjectName("refreshAccounts")
        self.refresh.setToolTip("Reload the account list")
        self.refresh.setAccessibleName("Refresh accounts")
        self.instrument = QComboBox()
        self.instrument.setObjectName("instrument")
        self.instrument.setEditable(True)
        self.instrument.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.instrument.lineEdit().setPlaceholderText("ES 12-26, ES, ES1!, ESZ26")
        self.mirror = QCheckBox("Mirror position (other side, same size)")
        self.mirror.setObjectName("mirror")
        self.mirror.setChecked(True)
        self.action = EnumCombo(Action, "action")
        self.quantity = QSpinBox()
        self.quantity.setObjectName("quantity")
        self.quantity.setRange(1, 100)
        self.order_type = EnumCombo(OrderType, "orderType")
        self.time_in_force = EnumCombo(TimeInForce, "timeInForce")
        self.limit_price = price_box("limitPrice")
        self.stop_price = price_box("stopPrice")
        self.oco_id = QLineEdit()
        self.oco_id.setObjectName("ocoId")
        self.oco_id.setPlaceholderText("optional")
        self.oco_id.setMaxLength(64)
        self.strategy = QComboBox()
        self.strategy.setObjectName("strategy")
        self.strategy.setEditable(True)
        self.strategy.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.strategy.lineEdit().setPlaceholderText("optional ATM template")
        for combo in (self.account, self.instrument, self.strategy):
            # Server text in the list never widens the window: the width is the layout's.
            combo.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            combo.setMinimumContentsLength(14)
        self.problem = WrappedLabel("")
        self.problem.setObjectName("problem")

        account_row = QHBoxLayout()
        account_row.addWidget(self.account, 1)
        account_row.addWidget(self.refresh)
        side_row = QHBoxLayout()
        side_row.addWidget(self.action)
        side_row.addWidget(self.quantity)
        type_row = QHBoxLayout()
        type_row.addWidget(self.order_type)
        type_row.addWidget(self.time_in_force)
        prices = QHBoxLayout()
        prices.addWidget(self.limit_price)
        prices.addWidget(self.stop_price)

        layout = QFormLayout(self)
        layout.addRow("&Account", account_row)
        layout.addRow("&Instrument", self.instrument)
        layout.addRow("", self.mirror)
        layout.addRow("Action / &qty", side_row)
        layout.addRow("&Type / TIF", type_row)
        layout.addRow("&Limit / stop", prices)
        layout.addRow("&OCO id", self.oco_id)
        layout.addRow("AT&M strategy", self.strategy)
        layout.addRow("", self.problem)
        for label_widget, buddy in ((layout.labelForField(account_row), self.account),
                                    (layout.labelForField(side_row), self.action),
                                    (layout.labelForField(type_row), self.order_type),
                                    (layout.labelForField(prices), self.limit_price)):
            if isinstance(label_widget, QLabel):
                label_widget.setBuddy(buddy)

    def _connect_signals(self) -> None:
        self.refresh.clicked.connect(self.panel.refresh_accounts)
        self.account.currentIndexChanged.connect(lambda _: self._picked())
        self.instrument.lineEdit().editingFinished.connect(self._on_instrument_edited)
        self.instrument.activated.connect(lambda _: self._on_instrument_edited())
        self.order_type.currentIndexChanged.connect(lambda _: self._apply_order_type())
        self.order_type.activated.connect(lambda _: self.panel.type_picked())
        for box in (self.limit_price, self.stop_price):
            box.editingFinished.connect(lambda box=box: self._snap(box))
        self.mirror.toggled.connect(self._apply_mirror)
        for combo in (self.action, self.order_type, self.time_in_force):
            combo.currentIndexChanged.connect(lambda _: self._changed())
        for box in (self.quantity, self.limit_price, self.stop_price):
            box.valueChanged.connect(lambda _: self._changed())
        self.oco_id.textChanged.connect(lambda _: self._changed())
        self.strategy.editTextChanged.connect(lambda _: self._changed())

    def _changed(self) -> None:
        self.panel.form_changed(self.state())

    def _picked(self) -> None:
        self.panel.select(self.account_name(), self.instrument_name())

    # --- behaviour ------------------------------------------------------------------------

    def _apply_order_type(self) -> None:
        """Prices are enabled only when the order type uses them."""
        order_type: OrderType = self.order_type.member()
        self.limit_price.setEnabled(order_type.needs_limit_price)
        self.stop_price.setEnabled(order_type.needs_stop_price)
        self._changed()

    def _apply_mirror(self, on: bool) -> None:
        self.action.setEnabled(not on)
        self.quantity.setEnabled(not on)
        self._changed()

    def _on_instrument_edited(self) -> None:
        text = normalise_instrument(self.instrument.currentText())
        if text != self.instrument.currentText():
            self.instrument.setEditText(text)
        self._picked()

    def _on_follow(self, action: Action, quantity: int) -> None:
        """The action and size that mirror a new position: a hand-set action never outlives
        the position it was set for."""
        for widget in (self.action, self.quantity):
            widget.blockSignals(True)
        self.action.select(action)
        self.quantity.setValue(quantity)
        for widget in (self.action, self.quantity):
            widget.blockSignals(False)
        self._changed()

    def _on_options(self, options: Options) -> None:
        self.quantity.setMaximum(options.max_quantity)
        self.mirror.setChecked(options.mirror)

    def _on_ticket(self, state: TicketState) -> None:
        if state.problems is not None:
            self.problem.setText(state.problems)

    def clear_prices(self) -> None:
        """Prices typed for one instrument mean nothing for another (nor does its tick)."""
        self.limit_price.setValue(0)
        self.stop_price.setValue(0)
        self.set_tick(None)

    def set_tick(self, tick: float | None) -> None:
        """The arrows step one tick; typed values snap to the grid when editing ends."""
        if tick == self.tick_size:
            return
        self.tick_size = tick
        decimals = max(2, len(f"{tick:.10f}".rstrip("0").partition(".")[2])) if tick else 4
        for box in (self.limit_price, self.stop_price):
            box.setDecimals(decimals)
            box.setSingleStep(tick or 1.0)
        for box in (self.limit_price, self.stop_price):
            self._snap(box)

    def _snap(self, box: QDoubleSpinBox) -> None:
        value = box.value()
        if not self.tick_size or value <= 0:
            return
        snapped = snap(value, self.tick_size)
        if abs(snapped - value) > 1e-9:
            box.setValue(snapped)
            self.panel.price_snapped(box.objectName().replace("Price", ""), value, snapped,
                                     self.tick_size)

    def prefill(self, limit: float | None, stop: float | None) -> None:
        """Prices from the market for a newly picked order type (the used fields only)."""
        order_type: OrderType = self.order_type.member()
        if order_type.needs_limit_price and limit:
            self.limit_price.setValue(limit)
        if order_type.needs_stop_price and stop:
            self.stop_price.setValue(stop)

    # --- the semantic API -----------------------------------------------------------------

    def account_name(self) -> str:
        data = self.account.currentData()
        return data if isinstance(data, str) else ""

    def instrument_name(self) -> str:
        return normalise_instrument(self.instrument.currentText())

    def _on_accounts(self, accounts: list[Account], selected: str) -> None:
        self.account.blockSignals(True)
        self.account.clear()
        for account in accounts:
            self.account.addItem(account.label, account.name)
        self.account.setCurrentIndex(max(0, self.account.findData(selected)))
        self.account.blockSignals(False)

    def _on_instruments(self, open_instruments: list[str], recent: list[str],
                        selected: str) -> None:
        """Instruments with an open position first (in bold, "open position" as their tip),
        then recent ones; the selected one in the field."""
        choices = list(dict.fromkeys(open_instruments + recent))
        self.instrument.blockSignals(True)
        self.instrument.clear()
        self.instrument.addItems(choices)
        bold = QFont()
        bold.setBold(True)
        for index in range(len(open_instruments)):
            self.instrument.setItemData(index, bold, Qt.ItemDataRole.FontRole)
            self.instrument.setItemData(index, "open position", Qt.ItemDataRole.ToolTipRole)
        self.instrument.setEditText(selected)
        self.instrument.blockSignals(False)

    def has_open_position(self, instrument: str) -> bool:
        index = self.instrument.findText(instrument)
        return index >= 0 and self.instrument.itemData(
            index, Qt.ItemDataRole.ToolTipRole) == "open position"

    def set_strategies(self, names: list[str]) -> None:
        text = self.strategy.currentText()
        self.strategy.blockSignals(True)
        self.strategy.clear()
        self.strategy.addItems(names)
        self.strategy.setEditText(text)
        self.strategy.blockSignals(False)

    def state(self) -> FormState:
        limit, stop = self.limit_price.value(), self.stop_price.value()
        return FormState(
            account=self.account_name(), instrument=self.instrument_name(),
            action=self.action.member(), quantity=self.quantity.value(),
            order_type=self.order_type.member(), time_in_force=self.time_in_force.member(),
            limit_price=limit if self.limit_price.isEnabled() and limit > 0 else None,
            stop_price=stop if self.stop_price.isEnabled() and stop > 0 else None,
            oco_id=self.oco_id.text(), strategy=self.strategy.currentText(),
            mirror=self.mirror.isChecked(),
            max_quantity=self.quantity.maximum(),
        )
