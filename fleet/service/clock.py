"""The real clock: float seconds since the Unix epoch, as the core expects."""

from __future__ import annotations

import time

__all__ = ["WallClock"]


class WallClock:
    """Implements :class:`fleet.core.ports.Clock` with ``time.time``."""

    def now(self) -> float:
        return time.time()
