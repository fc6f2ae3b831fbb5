"""CrossTrade's request budget as a token bucket: 20 at once, refilled at 3 per second.

The simulator enforces it; the client keeps a mirror of it so the panel's own polling leaves
room for orders and never causes a 429. Orders are never held back by it.
"""

from __future__ import annotations

import time
from collections.abc import Callable

CROSSTRADE_BURST = 20
CROSSTRADE_RATE = 3.0


class TokenBucket:
    """CrossTrade's request budget as a token bucket: a burst, then a steady rate."""

    def __init__(self, burst: float = CROSSTRADE_BURST, rate: float = CROSSTRADE_RATE,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.burst, self.rate = burst, rate
        self._clock = clock
        self._tokens, self._stamp = float(burst), clock()

    @property
    def level(self) -> float:
        """Tokens available now."""
        now = self._clock()
        self._tokens = min(self.burst, self._tokens + (now - self._stamp) * self.rate)
        self._stamp = now
        return self._tokens

    def take(self) -> bool:
        """Spend one token if there is one."""
        if self.level >= 1:
            self._tokens -= 1
            return True
        return False

    def spend(self) -> None:
        """Record a request that goes out regardless (an order)."""
        self._tokens = max(0.0, self.level - 1)

    def retry_after(self) -> int:
        """Whole seconds until one token is back."""
        return max(1, int((1 - self.level) / self.rate + 0.999))
