"""The simulator's instruments: several contract months per root, aliases that roll to the
front month, and a moving bid / ask / last per contract.

CrossTrade resolves every NinjaTrader contract month plus roots and continuous forms (reference
§10.4), so the simulator lists the next three months of each root; ``ES`` and ``ES1!`` mean the
front month (the first not yet expired on the simulator's day). The day is the real one unless
``CTPANEL_SIM_TODAY`` (``YYYY-MM-DD``) says otherwise: tests pin it so contract names are stable.
"""

from __future__ import annotations

import calendar
import os
import random
import re
from dataclasses import dataclass
from datetime import date, timedelta

MONTH_CODES = "FGHJKMNQUVXZ"
MONTH_NAMES = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"]
MONTHS_LISTED = 3


@dataclass(frozen=True)
class Root:
    symbol: str
    months: tuple[int, ...]  # the listed contract months
    tick_size: float
    point_value: float
    start_price: float
    description: str
    trading_hours: str
    expires_month_before: bool = False  # crude oil stops trading the month before delivery


QUARTERLY = (3, 6, 9, 12)
ROOTS = (
    Root("ES", QUARTERLY, 0.25, 50.0, 6850.00, "E-mini S&P 500 Futures",
         "CME US Index Futures ETH"),
    Root("MES", QUARTERLY, 0.25, 5.0, 6850.00, "Micro E-mini S&P 500 Futures",
         "CME US Index Futures ETH"),
    Root("NQ", QUARTERLY, 0.25, 20.0, 25400.00, "E-mini Nasdaq-100 Futures",
         "CME US Index Futures ETH"),
    Root("MNQ", QUARTERLY, 0.25, 2.0, 25400.00, "Micro E-mini Nasdaq-100 Futures",
         "CME US Index Futures ETH"),
    Root("CL", tuple(range(1, 13)), 0.01, 1000.0, 61.20, "Crude Oil Futures",
         "Nymex Energy ETH", expires_month_before=True),
    Root("GC", (2, 4, 6, 8, 10, 12), 0.10, 100.0, 4100.00, "Gold Futures",
         "Nymex Metals - Energy ETH"),
)


@dataclass(frozen=True)
class Contract:
    root: str
    month: int
    year: int  # two digits
    tick_size: float
    point_value: float
    start_price: float
    description: str
    expiration: date
    trading_hours: str

    @property
    def name(self) -> str:
        """NinjaTrader's full name, e.g. ``ES 12-26``."""
        return f"{self.root} {self.month:02d}-{self.year:02d}"

    def aliases(self) -> set[str]:
        """The spellings of this month (the root and continuous forms are the front month's)."""
        code = MONTH_CODES[self.month - 1]
        return {
            self.name,
            f"{self.root}{code}{self.year:02d}",
            f"{self.root}{code}{self.year % 10}",
            f"{self.root} {MONTH_NAMES[self.month - 1]}{self.year:02d}",
        }


def third_friday(year: int, month: int) -> date:
    first = date(year, month, 1)
    return first + timedelta(days=(calendar.FRIDAY - first.weekday()) % 7 + 14)


def sim_today() -> date:
    pinned = os.environ.get("CTPANEL_SIM_TODAY", "").strip()
    return date.fromisoformat(pinned) if pinned else date.today()


def listed_contracts(root: Root, today: date) -> list[Contract]:
    """The next ``MONTHS_LISTED`` months of ``root`` not yet expired on ``today``."""
    contracts: list[Contract] = []
    year, month = today.year, today.month
    while len(contracts) < MONTHS_LISTED:
        if month in root.months:
            last_day = (third_friday(year - (month == 1), 12 if month == 1 else month - 1)
                        if root.expires_month_before else third_friday(year, month))
            if last_day >= today:
                basis = len(contracts) * root.tick_size * 8  # later months a little dearer
                contracts.append(Contract(root.symbol, month, year % 100, root.tick_size,
                                          root.point_value, root.start_price + basis,
                                          root.description, last_day, root.trading_hours))
        month += 1
        if month > 12:
            year, month = year + 1, 1
    return contracts


_SPACES = re.compile(r"\s+")
# A well-formed month of a known root that is not listed (a past one, or one further out).
_FULL_NAME = re.compile(r"([A-Z]+) (\d{2})-(\d{2})")
_CODED_NAME = re.compile(rf"([A-Z]+?)([{MONTH_CODES}])(\d{{2}})")
_ROOTS = {root.symbol: root for root in ROOTS}


class Market:
    """Resolves instrument names and keeps a random-walk price per contract."""

    def __init__(self, seed: int = 7, today: date | None = None) -> None:
        self._random = random.Random(seed)
        self.today = today or sim_today()
        self.is_open = True  # CrossTrade's isMarketOpen; tests close the market
        self.contracts: dict[str, Contract] = {}
        self._aliases: dict[str, Contract] = {}
        for root in ROOTS:
            months = listed_contracts(root, self.today)
            self._aliases[root.symbol] = self._aliases[f"{root.symbol}1!"] = months[0]
            for contract in months:
                self.contracts[contract.name] = contract
                self._aliases.update(dict.fromkeys(contract.aliases(), contract))
        self._prices = {name: c.start_price for name, c in self.contracts.items()}
        self.session = {name: (price, price, price) for name, price in self._prices.items()}
        self.volume = dict.fromkeys(self.contracts, 100_000)

    def resolve(self, text: str) -> Contract | None:
        """The contract for any accepted spelling (``ES``, ``ES1!``, ``ESZ26``, ``es 12-26``)."""
        name = _SPACES.sub(" ", str(text).strip()).upper()
        return self._aliases.get(name) or self._other_month(name)

    def _other_month(self, name: str) -> Contract | None:
        """CrossTrade resolves every contract month, past ones included (reference 11.1):
        ``MNQ 06-26`` after June 2026 is a known instrument with nothing open in it."""
        full, coded = _FULL_NAME.fullmatch(name), _CODED_NAME.fullmatch(name)
        if full:
            symbol, month, year = full[1], int(full[2]), int(full[3])
        elif coded:
            symbol, month, year = coded[1], MONTH_CODES.index(coded[2]) + 1, int(coded[3])
        else:
            return None
        root = _ROOTS.get(symbol)
        if root is None or month not in root.months:
            return None
        contract = Contract(root.symbol, month, year, root.tick_size, root.point_value,
                            root.start_price, root.description,
                            third_friday(2000 + year, month), root.trading_hours)
        self.contracts[contract.name] = contract
        self._aliases.update(dict.fromkeys(contract.aliases(), contract))
        self._prices.setdefault(contract.name, root.start_price)
        self.session.setdefault(contract.name, (root.start_price,) * 3)
        self.volume.setdefault(contract.name, 0)
        return contract

    def front(self, root: str) -> Contract:
        return self._aliases[root.upper()]

    def last(self, name: str) -> float:
        return self._prices[name]

    def bid_ask(self, name: str) -> tuple[float, float]:
        tick = self.contracts[name].tick_size
        last = self._prices[name]
        return round(last - tick, 6), round(last, 6)

    def set_last(self, name: str, price: float) -> None:
        self._prices[name] = round(price, 6)
        self._track_session(name)

    def step(self) -> None:
        """Move every price a few ticks, as a quiet market would (not while it is closed)."""
        if not self.is_open:
            return
        for name, contract in self.contracts.items():
            ticks = self._random.choice((-2, -1, -1, 0, 0, 0, 1, 1, 2))
            self._prices[name] = round(self._prices[name] + ticks * contract.tick_size, 6)
            self.volume[name] += self._random.randint(0, 40)
            self._track_session(name)

    def _track_session(self, name: str) -> None:
        open_, high, low = self.session[name]
        last = self._prices[name]
        self.session[name] = (open_, max(high, last), min(low, last))
