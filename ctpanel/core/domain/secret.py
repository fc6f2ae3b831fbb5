"""A wrapper that keeps the API token out of every repr, log line and traceback."""

from __future__ import annotations

import logging


class Secret:
    """Holds a token; only :meth:`reveal` gives it back. ``repr``/``str`` never show it."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value.strip()

    def reveal(self) -> str:
        return self._value

    def __bool__(self) -> bool:
        return bool(self._value)

    def __repr__(self) -> str:
        return "Secret('***')"

    __str__ = __repr__

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(self._value)

    def __reduce__(self):
        raise TypeError("a Secret cannot be pickled")


class RedactingFilter(logging.Filter):
    """Replaces a secret in every record of the logger it is attached to.

    Third-party libraries log at DEBUG what they send (websockets logs the upgrade headers,
    Authorization included); their records pass through this before any handler sees them.
    """

    def __init__(self, secret: Secret) -> None:
        super().__init__()
        self._secret = secret

    def filter(self, record: logging.LogRecord) -> bool:
        value = self._secret.reveal()
        if value:
            message = record.getMessage()
            if value in message:
                record.msg, record.args = message.replace(value, "***"), None
        return True
