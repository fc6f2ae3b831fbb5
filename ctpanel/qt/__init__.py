"""The Reverse panel: the only package that imports PySide6 and qasync."""
