"""The simulator's instruments: contract names, aliases, and a moving price per contract."""

from __future__ import annotations

import random
import re
from dataclasses import dataclass

MONTH_CODES = "FGHJKMNQUVXZ"
MONTH_NAMES = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"]


@dataclass(frozen=True)
class Contract:
    root: str
    month: int
    year: int  # two digits
    tick_size: float
    point_value: float
    start_price: float
    description: str

    @property
    def name(self) -> str:
        """NinjaTrader's full name, e.g. ``ES 12-26``."""
        return f"{self.root} {self.month:02d}-{self.year:02d}"

    def aliases(self) -> set[str]:
        code = MONTH_CODES[self.month - 1]
        return {
            self.name,
            self.root,
            f"{self.root}1!",
            f"{self.root}{code}{self.year:02d}",
            f"{self.root}{code}{self.year % 10}",
            f"{self.root} {MONTH_NAMES[self.month - 1]}{self.year:02d}",
        }


CONTRACTS = (
    Contract("ES", 12, 26, 0.25, 50.0, 6850.00, "E-mini S&P 500 Futures"),
    Contract("MES", 12, 26, 0.25, 5.0, 6850.00, "Micro E-mini S&P 500 Futures"),
    Contract("NQ", 12, 26, 0.25, 20.0, 25400.00, "E-mini Nasdaq-100 Futures"),
    Contract("MNQ", 12, 26, 0.25, 2.0, 25400.00, "Micro E-mini Nasdaq-100 Futures"),
    Contract("CL", 1, 27, 0.01, 1000.0, 61.20, "Crude Oil Futures"),
    Contract("GC", 2, 27, 0.10, 100.0, 4100.00, "Gold Futures"),
)

_SPACES = re.compile(r"\s+")


class Market:
    """Resolves instrument names and keeps a random-walk price per contract."""

    def __init__(self, seed: int = 7) -> None:
        self._random = random.Random(seed)
        self.contracts = {contract.name: contract for contract in CONTRACTS}
        self._aliases = {alias: c for c in CONTRACTS for alias in c.aliases()}
        self._prices = {contract.name: contract.start_price for contract in CONTRACTS}
        self.volume = dict.fromkeys(self.contracts, 100_000)

    def resolve(self, text: str) -> Contract | None:
        """The contract for any accepted spelling (``ES``, ``ES1!``, ``ESZ26``, ``es 12-26``)."""
        return self._aliases.get(_SPACES.sub(" ", str(text).strip()).upper())

    def last(self, name: str) -> float:
        return self._prices[name]

    def bid_ask(self, name: str) -> tuple[float, float]:
        tick = self.contracts[name].tick_size
        last = self._prices[name]
        return round(last - tick, 6), round(last, 6)

    def step(self) -> None:
        """Move every price a few ticks, as a quiet market would."""
        for name, contract in self.contracts.items():
            ticks = self._random.choice((-2, -1, -1, 0, 0, 0, 1, 1, 2))
            self._prices[name] = round(self._prices[name] + ticks * contract.tick_size, 6)
            self.volume[name] += self._random.randint(0, 40)
