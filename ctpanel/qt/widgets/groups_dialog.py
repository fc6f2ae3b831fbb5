"""Settings → Groups…: the trader's account groups as a table, one row per member (group,
account, size rule, size, requires an ATM template, max contracts, and the group's default stop
and target in ticks). Rows with the same group name form one group. What the rows make, and
what is wrong with them, is
:func:`ctpanel.core.domain.groups.groups_from_rows`'s; saving is :meth:`Panel.groups_changed`."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QVBoxLayout,
    QWidget,
)

from ctpanel.core.domain.groups import SizeRule
from ctpanel.core.domain.protection import MAX_BRACKET_TICKS
from ctpanel.core.store.group_file import group_rows, groups_from_rows
from ctpanel.qt.widgets.inputs import cap

if TYPE_CHECKING:
    from ctpanel.panel.panel import Panel

COLUMNS = ("Group", "Account", "Size", "× / contracts", "Requires ATM", "Max contracts",
           "Stop t", "Target t")


class GroupsDialog(QDialog):
    def __init__(self, panel: Panel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.panel = panel
        self.setWindowTitle("Groups")
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setObjectName("groupsTable")
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.setTabKeyNavigation(False)  # Tab goes on to the buttons; arrows move in it
        self.table.setSizeAdjustPolicy(QTableWidget.SizeAdjustPolicy.AdjustIgnored)
        self.table.setMinimumWidth(360)
        self.read_only = 0  # the first rows: groups offered that are not the trader's
        self.problem = QLabel("")
        self.problem.setObjectName("groupsProblem")
        self.problem.setWordWrap(True)
        add = QPushButton("&Add member")
        remove = QPushButton("&Remove member")
        remove.clicked.connect(self._remove_row)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                   | QDialogButtonBox.StandardButton.Cancel)
        row = QHBoxLayout()
        row.addWidget(add)
        row.addWidget(remove)
        row.addStretch(1)
        layout = QVBoxLayout(self)
        intro = QLabel("One row per member; rows with the same group name form a group. Size: "
                       "the mirror of the member's own position, a multiple of it, or a fixed "
                       "number of contracts. Stop t and Target t: the group's default ticks "
                       "from the fill (on any of its rows; empty: the preferences'). Greyed "
                       "rows are offered but not yours to edit (the simulator's demo group).")
        intro.setWordWrap(True)
        layout.addWidget(intro)
        layout.addWidget(self.table)
        layout.addLayout(row)
        layout.addWidget(self.problem)
        layout.addWidget(buttons)
        add.clicked.connect(lambda: self.add_row(self._last_group()))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        for group, *rest in group_rows(panel.read_only_groups()):
            self.add_row(f"{group} (demo, read-only)", *rest, editable=False)
            self.read_only += 1
        for values in group_rows(panel.saved_groups()):
            self.add_row(*values)
        self.table.resizeColumnsToContents()
        self.resize(720, 420)

    def add_row(self, group: str = "", account: str = "", rule: str = SizeRule.MIRROR.value,
                size: float = 1.0, requires_atm: bool = False, max_contracts: int = 0,
                stop_ticks: int = 0, target_ticks: int = 0, *, editable: bool = True) -> None:
        row = self.table.rowCount()
        self.table.insertRow(row)
        rules = QComboBox()
        rules.addItems([r.value for r in SizeRule])
        rules.setCurrentText(rule)
        amount = QDoubleSpinBox()
        amount.setRange(0.1, 1000)
        amount.setValue(size)
        atm = QCheckBox()
        atm.setChecked(requires_atm)
        limit = QSpinBox()
        limit.setRange(0, 10_000)
        limit.setSpecialValueText("none")
        limit.setValue(max_contracts)
        stop, target = self._ticks_box(stop_ticks), self._ticks_box(target_ticks)
        name, member = QLineEdit(group), QLineEdit(account)
        for line_edit, field in ((name, "group"), (member, "account")):
            cap(line_edit, field, self.problem.setText)
        for column, widget in enumerate((name, member, rules, amount, atm, limit,
                                               stop, target)):
            widget.setEnabled(editable)
            self.table.setCellWidget(row, column, widget)

    def rows(self) -> list[tuple]:
        found = []
        for row in range(self.read_only, self.table.rowCount()):
            cell = self.table.cellWidget
            found.append((cell(row, 0).text(), cell(row, 1).text(), cell(row, 2).currentText(),
                          cell(row, 3).value(), cell(row, 4).isChecked(),
                          cell(row, 5).value(), cell(row, 6).value(), cell(row, 7).value()))
        return found

    @staticmethod
    def _ticks_box(ticks: int) -> QSpinBox:
        box = QSpinBox()
        box.setRange(0, MAX_BRACKET_TICKS)
        box.setSpecialValueText("—")  # none: the preferences' default
        box.setValue(ticks)
        return box

    def accept(self) -> None:
        """Saves, unless a row is wrong: then it says which and stays open."""
        groups, problems = groups_from_rows(self.rows())
        self.problem.setText(" ".join(problems))
        if problems:
            return
        self.panel.groups_changed(groups)
        super().accept()

    def _remove_row(self) -> None:
        row = self.table.currentRow()
        if row < self.read_only:
            self.problem.setText("The demo group is the simulator's: it cannot be removed.")
            return
        self.table.removeRow(row)

    def _last_group(self) -> str:
        last = self.table.rowCount() - 1
        return self.table.cellWidget(last, 0).text() if last >= self.read_only else ""

