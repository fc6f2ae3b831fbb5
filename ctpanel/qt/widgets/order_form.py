"""The order controls, bound to the :class:`~ctpanel.panel.panel.Panel`: it forwards what the
trader sets (the fields as a :class:`FormState`, the account and instrument picked) and shows
what the panel says (accounts, instruments, the mirror of the position, ticks, prices)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from ctpanel.core.domain.form import FormState
from ctpanel.core.domain.models import Account, OrderSide, OrderType, TimeInForce
from ctpanel.core.domain.pricing import snap
from ctpanel.core.domain.validation import normalise_instrument
from ctpanel.panel.glance import DETAIL_FIELDS, details_summary
from ctpanel.panel.options import Options
from ctpanel.panel.views import TicketState
from ctpanel.qt.widgets.follow import follow
from ctpanel.qt.widgets.inputs import EnumCombo, PriceBox, QuantityBox, cap
from ctpanel.qt.widgets.labels import ElidedLabel, WrappedLabel

if TYPE_CHECKING:
    from ctpanel.panel.panel import Panel

class OrderForm(QWidget):
    """Account, instrument and order fields, in two parts the body places apart: the
    selection (account and instrument, at the top) and the order controls (side and size,
    then the order details in a section that folds)."""

    def __init__(self, panel: Panel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.panel = panel
        self.tick_size: float | None = None
        self.max_quantity = panel.options.max_quantity
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
        follow(self, events.order_finished, lambda _outcome: self.clear_prices(keep_tick=True))
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
        self.refresh = QPushButton("↻")
        self.refresh.setObjectName("refreshAccounts")
        self.refresh.setToolTip("Reload the account list")
        self.refresh.setAccessibleName("Refresh accounts")
        self.refresh.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self.instrument = QComboBox()
        self.instrument.setObjectName("instrument")
        self.instrument.setEditable(True)
        self.instrument.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.instrument.lineEdit().setPlaceholderText("ES 12-26, ES, ESZ26")
        self.mirror = QCheckBox("&Mirror")
        self.mirror.setObjectName("mirror")
        self.mirror.setToolTip("The other side of the position, at the same size")
        self.mirror.setChecked(True)
        self.mirrored = ElidedLabel("")  # the mirrored side and size, as values
        self.mirrored.setObjectName("mirroredOrder")
        self.action = EnumCombo(OrderSide, "action")
        self.quantity = QuantityBox("quantity", self.say_refused)
        self.quantity.setAccessibleName("Quantity")
        self.quantity.setValue(1)  # a flat start: BUY and SELL take one contract unless told
        self.quantity_label = QLabel("&Qty")
        self.quantity_label.setBuddy(self.quantity)
        self.order_type = EnumCombo(OrderType, "orderType")
        self.time_in_force = EnumCombo(TimeInForce, "timeInForce")
        self.limit_price = PriceBox("limitPrice", self.say_refused)
        self.limit_price.setAccessibleName("Limit price")
        self.stop_price = PriceBox("stopPrice", self.say_refused)
        self.stop_price.setAccessibleName("Stop price")
        self.oco_id = QLineEdit()
        self.oco_id.setObjectName("ocoId")
        self.oco_id.setPlaceholderText("optional")
        self.strategy = QComboBox()
        self.strategy.setObjectName("strategy")
        self.strategy.setEditable(True)
        self.strategy.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.strategy.lineEdit().setPlaceholderText("optional ATM template")
        for combo in (self.account, self.instrument, self.strategy):
            # Server text in the list never widens the window: the width is the layout's.
            combo.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            combo.setMinimumContentsLength(8)
        for line_edit, field in ((self.instrument.lineEdit(), "instrument"),
                                 (self.oco_id, "oco_id"), (self.strategy.lineEdit(), "strategy")):
            cap(line_edit, field, self.say_refused)
        self.details_header = QPushButton("")
        self.details_header.setObjectName("detailsHeader")
        self.details_header.setCheckable(True)
        self.details_header.setAccessibleName("Order details")

        self.problem = WrappedLabel("")
        self.problem.setObjectName("problem")
        self.refusal = WrappedLabel("")  # a paste or a keystroke a field did not take
        self.refusal.setObjectName("inputRefused")
        self.selection = self._selection_part()
        self.controls = self._controls_part()
        # On the part that is shown (the form itself only binds its two parts).
        self.type_shortcut = QShortcut(QKeySequence("Alt+T"), self.controls)
        self.type_shortcut.setContext(Qt.ShortcutContext.WindowShortcut)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.selection)
        layout.addWidget(self.controls)

    def _selection_part(self) -> QWidget:
        part = QWidget()
        row = QHBoxLayout(part)
        row.setContentsMargins(0, 0, 0, 0)
        for text, widget, stretch in (("&Account", self.account, 3), (None, self.refresh, 0),
                                      ("&Instrument", self.instrument, 3)):
            if text is not None:
                label = QLabel(text)
                label.setBuddy(widget)
                row.addWidget(label)
            row.addWidget(widget, stretch)
        return part

    def _controls_part(self) -> QWidget:
        part = QWidget()
        side_row = QHBoxLayout()
        side_row.addWidget(self.mirror)
        side_row.addWidget(self.mirrored, 1)
        side_row.addWidget(self.action, 1)
        side_row.addWidget(self.quantity_label)
        side_row.addWidget(self.quantity, 1)
        type_row = QHBoxLayout()
        type_row.addWidget(self.order_type)
        type_row.addWidget(self.time_in_force)
        prices = QHBoxLayout()
        prices.addWidget(self.limit_price)
        prices.addWidget(self.stop_price)
        self.details = QWidget()
        self.details.setObjectName("orderDetails")
        details = QFormLayout(self.details)
        details.setContentsMargins(12, 0, 0, 0)
        details.addRow("Type / TIF", type_row)
        details.addRow("&Limit / stop", prices)
        details.addRow("OCO i&d", self.oco_id)
        details.addRow("ATM t&emplate", self.strategy)
        for label_widget, buddy in ((details.labelForField(type_row), self.order_type),
                                    (details.labelForField(prices), self.limit_price)):
            if isinstance(label_widget, QLabel):
                label_widget.setBuddy(buddy)
        layout = QVBoxLayout(part)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(3)
        layout.addLayout(side_row)
        layout.addWidget(self.details_header)
        layout.addWidget(self.details)
        layout.addWidget(self.problem)
        layout.addWidget(self.refusal)
        return part

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
        self.details_header.toggled.connect(self._show_details)
        self.type_shortcut.activated.connect(self.go_to_order_type)

    def _changed(self) -> None:
        state = self.state()
        self.refusal.setText("")
        self._show_mirrored()
        self._show_details(self.details_header.isChecked(), state)
        self.panel.form_changed(state)

    def _picked(self) -> None:
        self.panel.select(self.account_name(), self.instrument_name())

    def say_refused(self, words: str) -> None:
        """A field did not take what was typed or pasted: say so beside the fields."""
        self.refusal.setText(words)

    def _show_details(self, shown: bool, state: FormState | None = None) -> None:
        """The details folded or open; the header says the current choice either way."""
        self.details.setVisible(shown)
        summary = details_summary(state or self.state())
        self.details_header.setText(f"Order type: {summary} {'▾' if shown else '▸'}")
        self.details_header.setToolTip(f"{summary} (Alt+T)")
        if self.details_header.isChecked() != shown:
            self.details_header.setChecked(shown)

    def open_details(self) -> None:
        if not self.details_header.isChecked():
            self.details_header.setChecked(True)

    def go_to_order_type(self) -> None:
        """Alt+T: the details open, the order type in focus (arrows then pick the type)."""
        self.open_details()
        self.order_type.setFocus(Qt.FocusReason.ShortcutFocusReason)

    # --- behaviour ------------------------------------------------------------------------

    def _apply_order_type(self) -> None:
        """Prices are enabled only when the order type uses them; one it stops using is
        cleared (a disabled field shows "—"). A type that needs a price opens the details."""
        order_type: OrderType = self.order_type.member()
        for box, used in ((self.limit_price, order_type.needs_limit_price),
                          (self.stop_price, order_type.needs_stop_price)):
            box.setEnabled(used)
            if not used and box.value():
                box.setValue(0)
        if order_type.needs_limit_price or order_type.needs_stop_price:
            self.open_details()
        self._changed()

    def _apply_mirror(self, on: bool) -> None:
        """Mirroring shows the side and size it sends as values; off, the trader sets them."""
        for widget in (self.action, self.quantity, self.quantity_label):
            widget.setVisible(not on)
        self.mirrored.setVisible(on)
        self._show_mirrored()
        self._changed()

    def _show_mirrored(self) -> None:
        self.mirrored.setText(f"{self.action.member().value} {self.quantity.value()}")

    def _on_instrument_edited(self) -> None:
        """The trader confirmed the instrument (Enter, leaving the field, a pick): looked up
        once, and not again while it is the one already picked."""
        text = normalise_instrument(self.instrument.currentText())
        if text != self.instrument.currentText():
            self.instrument.setEditText(text)
        if (self.account_name(), text) != (self.panel.account, self.panel.instrument):
            self._picked()

    def _on_follow(self, action: OrderSide, quantity: int) -> None:
        """The action and size that mirror a new position: a hand-set action never outlives
        the position it was set for."""
        for widget in (self.action, self.quantity):
            widget.blockSignals(True)
        self.action.select(action)
        self.quantity.setValue(quantity)
        for widget in (self.action, self.quantity):
            widget.blockSignals(False)
        self._show_mirrored()
        self._changed()

    def _on_options(self, options: Options) -> None:
        """The largest quantity is the form's check, never the box's clamp."""
        self.max_quantity = options.max_quantity
        self.quantity.setToolTip(f"Your largest quantity is {options.max_quantity:,} "
                                 "(Preferences)")
        self.mirror.setChecked(options.mirror)

    def _on_ticket(self, state: TicketState) -> None:
        if state.problems is not None:
            self.problem.setText(state.problems)
        if state.problem_fields & DETAIL_FIELDS:
            self.open_details()  # an error in a folded field is never hidden

    def clear_prices(self, *, keep_tick: bool = False) -> None:
        """Prices typed for one instrument mean nothing for another (nor does its tick), and
        a price typed for one order means nothing for the next."""
        self.limit_price.setValue(0)
        self.stop_price.setValue(0)
        if not keep_tick:
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
            max_quantity=self.max_quantity,
        )
