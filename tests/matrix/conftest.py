"""The panel's fixtures, shared with the matrix (they live with the Qt tests)."""

from tests.qt.conftest import panel_factory, qloop  # noqa: F401  (pytest finds them here)
