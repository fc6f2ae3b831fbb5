"""Fields that refuse in words: a text over its cap
(:data:`ctpanel.core.domain.validation.TEXT_CAPS`) is refused whole, never cut to fit, and a
number box never clamps what was typed: an out-of-range quantity or price reaches the form's
checks, which say why nothing arms."""

from __future__ import annotations

from collections.abc import Callable
from enum import Enum

from PySide6.QtCore import QSize
from PySide6.QtGui import QValidator
from PySide6.QtWidgets import QComboBox, QDoubleSpinBox, QLineEdit, QSpinBox

from ctpanel.core.domain.validation import too_long

Refused = Callable[[str], None]
NUMBER_CHARS = 24  # what a number box takes: more is a paste that is no number
NUMBER_WIDTH_CHARS = 11  # the width a number box asks for, whatever its range


class CapValidator(QValidator):
    """Refuses a text longer than ``field``'s cap, saying so through ``refused``."""

    def __init__(self, field: str, refused: Refused, parent=None) -> None:
        super().__init__(parent)
        self.field = field
        self.refused = refused

    def validate(self, text: str, pos: int):
        refusal = too_long(self.field, len(text))
        if refusal:
            self.refused(refusal)
            return QValidator.State.Invalid, text, pos
        return QValidator.State.Acceptable, text, pos


def cap(line_edit: QLineEdit, field: str, refused: Refused) -> None:
    line_edit.setValidator(CapValidator(field, refused, line_edit))


def _refuse_if_not_taken(box, result, text: str, refused: Refused | None):
    state = result[0] if isinstance(result, tuple) else result
    if state is QValidator.State.Invalid and text.strip() and refused is not None:
        shown = text if len(text) <= 20 else f"{text[:20]}… ({len(text):,} characters)"
        refused(f"Not taken in {box.accessibleName() or 'this field'}: {shown!r} is not a "
                "number it takes. The field was left as it was.")
    return result


class RefusingNumbers:
    """What both number boxes do: refuse in words what they do not take, and ask for a width
    of digits rather than one set by their (far) range."""

    refused: Refused | None

    def validate(self, text: str, pos: int):
        if len(text) > NUMBER_CHARS:
            return _refuse_if_not_taken(self, QValidator.State.Invalid, text, self.refused)
        return _refuse_if_not_taken(self, super().validate(text, pos), text, self.refused)

    def sizeHint(self) -> QSize:
        return _number_hint(self, super().sizeHint())

    def minimumSizeHint(self) -> QSize:
        return _number_hint(self, super().minimumSizeHint())


class QuantityBox(RefusingNumbers, QSpinBox):
    """Whole contracts, with any sign and size the trader types: the form's checks refuse a
    quantity out of range in words, instead of the box clamping it."""

    def __init__(self, name: str, refused: Refused | None = None) -> None:
        super().__init__()
        self.setObjectName(name)
        self.refused = refused
        self.setRange(-99_999_999, 99_999_999)
        self.setGroupSeparatorShown(True)


class PriceBox(RefusingNumbers, QDoubleSpinBox):
    """A price; 0 shows as "—" and means "not set". Its range is far above any price, so a
    typed figure is kept as typed and refused in words by the form's checks."""

    def __init__(self, name: str, refused: Refused | None = None) -> None:
        super().__init__()
        self.setObjectName(name)
        self.refused = refused
        self.setDecimals(4)
        self.setRange(0.0, 1e13)
        self.setSpecialValueText("—")
        self.setGroupSeparatorShown(True)


def _number_hint(box, hint: QSize) -> QSize:
    """A width for ``NUMBER_WIDTH_CHARS`` digits and the arrows, not for the range's ends."""
    digits = box.fontMetrics().horizontalAdvance("9" * NUMBER_WIDTH_CHARS)
    return QSize(min(hint.width(), digits + 36), hint.height())


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
