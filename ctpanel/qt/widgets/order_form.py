"""The order controls. A thin view: it reports values as a :class:`FormState` and nothing more."""

from __future__ import annotations

from enum import Enum

from PySide6.QtCore import Qt, Signal
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
from ctpanel.core.models import Account, Action, OrderType, Position, TimeInForce
from ctpanel.core.pricing import format_price, snap
from ctpanel.core.validation import normalise_instrument

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
    """Account, instrument and order fields. ``sig_changed`` fires on every edit."""

    sig_changed = Signal()
    sig_account_changed = Signal(str)
    sig_instrument_changed = Signal(str)
    sig_refresh_accounts = Signal()
    sig_type_picked = Signal()  # the trader picked another order type: prices from the market
    sig_price_snapped = Signal(str)  # a typed price moved to the tick grid, in plain words

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._build_ui()
        self._connect_signals()
        self.tick_size: float | None = None
        self._apply_order_type()
        self._apply_mirror(self.mirror.isChecked())

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
        self.problem = QLabel("")
        self.problem.setObjectName("problem")
        self.problem.setWordWrap(True)

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
        self.refresh.clicked.connect(self.sig_refresh_accounts)
        self.account.currentIndexChanged.connect(
            lambda _: self.sig_account_changed.emit(self.account_name()))
        self.instrument.lineEdit().editingFinished.connect(self._on_instrument_edited)
        self.instrument.activated.connect(lambda _: self._on_instrument_edited())
        self.order_type.currentIndexChanged.connect(lambda _: self._apply_order_type())
        self.order_type.activated.connect(lambda _: self.sig_type_picked.emit())
        for box in (self.limit_price, self.stop_price):
            box.editingFinished.connect(lambda box=box: self._snap(box))
        self.mirror.toggled.connect(self._apply_mirror)
        for combo in (self.action, self.order_type, self.time_in_force):
            combo.currentIndexChanged.connect(lambda _: self.sig_changed.emit())
        for box in (self.quantity, self.limit_price, self.stop_price):
            box.valueChanged.connect(lambda _: self.sig_changed.emit())
        self.oco_id.textChanged.connect(lambda _: self.sig_changed.emit())
        self.strategy.editTextChanged.connect(lambda _: self.sig_changed.emit())

    # --- behaviour ------------------------------------------------------------------------

    def _apply_order_type(self) -> None:
        """Prices are enabled only when the order type uses them."""
        order_type: OrderType = self.order_type.member()
        self.limit_price.setEnabled(order_type.needs_limit_price)
        self.stop_price.setEnabled(order_type.needs_stop_price)
        self.sig_changed.emit()

    def _apply_mirror(self, on: bool) -> None:
        self.action.setEnabled(not on)
        self.quantity.setEnabled(not on)
        self.sig_changed.emit()

    def _on_instrument_edited(self) -> None:
        text = normalise_instrument(self.instrument.currentText())
        if text != self.instrument.currentText():
            self.instrument.setEditText(text)
        self.sig_instrument_changed.emit(text)

    def follow(self, position: Position | None, *, force: bool = False) -> None:
        """With mirroring on (or ``force``d, after an order), show the action and size that
        mirror ``position``: a hand-set action never outlives the position it was set for."""
        if (self.mirror.isChecked() or force) and position is not None and not position.is_flat:
            self.action.select(position.side.closing_action)
            self.quantity.setValue(min(position.quantity, self.quantity.maximum()))

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
            self.sig_price_snapped.emit(
                f"{box.objectName().replace('Price', '')} price {format_price(value)} moved to "
                f"{format_price(snapped)}, on the {self.tick_size:g} tick grid.")

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

    def set_accounts(self, accounts: list[Account], preferred: str) -> None:
        current = self.account_name() or preferred
        self.account.blockSignals(True)
        self.account.clear()
        for account in accounts:
            self.account.addItem(account.label, account.name)
        index = max(0, self.account.findData(current))
        self.account.setCurrentIndex(index)
        self.account.blockSignals(False)
        self.sig_account_changed.emit(self.account_name())

    def set_instrument_choices(self, open_instruments: list[str], recent: list[str], *,
                               prefer_open: bool = False) -> None:
        """Instruments with an open position first (in bold, "open position" as their tip),
        then recent ones. Typed text is kept, except with ``prefer_open`` (a new account):
        then the instrument moves to one with a position there, if the typed one has none."""
        text = self.instrument_name()
        choices = list(dict.fromkeys(open_instruments + recent))
        self.instrument.blockSignals(True)
        self.instrument.clear()
        self.instrument.addItems(choices)
        bold = QFont()
        bold.setBold(True)
        for index in range(len(open_instruments)):
            self.instrument.setItemData(index, bold, Qt.ItemDataRole.FontRole)
            self.instrument.setItemData(index, "open position", Qt.ItemDataRole.ToolTipRole)
        if prefer_open and open_instruments and text not in open_instruments:
            text = open_instruments[0]
        self.instrument.setEditText(text or (choices[0] if choices else ""))
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

    def set_max_quantity(self, value: int) -> None:
        self.quantity.setMaximum(max(1, value))

    def state(self, position: Position | None) -> FormState:
        limit, stop = self.limit_price.value(), self.stop_price.value()
        return FormState(
            account=self.account_name(), instrument=self.instrument_name(),
            action=self.action.member(), quantity=self.quantity.value(),
            order_type=self.order_type.member(), time_in_force=self.time_in_force.member(),
            limit_price=limit if self.limit_price.isEnabled() and limit > 0 else None,
            stop_price=stop if self.stop_price.isEnabled() and stop > 0 else None,
            oco_id=self.oco_id.text(), strategy=self.strategy.currentText(),
            mirror=self.mirror.isChecked(), position=position,
            max_quantity=self.quantity.maximum(),
        )

    def show_problem(self, text: str | None) -> None:
        self.problem.setText(text or "")
