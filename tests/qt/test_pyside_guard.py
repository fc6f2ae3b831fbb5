"""Guard against the PySide6 build that corrupts refcounts on Python 3.11 (stack notes P1)."""

import sys

import PySide6
from PySide6.QtWidgets import QLabel


def test_pyside_is_the_pinned_build():
    assert PySide6.__version__ == "6.11.3", "6.12.0 crashes qasync apps on Python 3.11"


def test_pyside_refcount_sane(qapp):
    label = QLabel()
    before = sys.getrefcount(None)
    for _ in range(1000):  # a plain loop: a comprehension's list of Nones would hide a leak
        label.setText("x")
    assert sys.getrefcount(None) >= before - 10, "this PySide6 build leaks None references"
