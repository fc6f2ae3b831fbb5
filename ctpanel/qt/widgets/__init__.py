"""Widgets of the panel: thin views over the core."""
