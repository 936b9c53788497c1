"""The simulator's clock: a discrete-event heap.

Every future happening (a robot arriving, a lift opening, a nurse answering, the
next request) is a callback due at a simulated time. :meth:`EventQueue.run` pops
them in time order (ties in the order they were scheduled, so a run is
reproducible) and advances ``now`` to each; nothing waits on the wall clock.

Why not simpy: the world here is callbacks answering the fleet core's decisions,
not long-lived processes, so simpy's generators and events would only wrap the
same callbacks; and the event loop is a small share of a run's time (the fleet
core and the dispatcher take most of it: ``bench/sim_speed.py``), so a bare
``heapq`` costs nothing in clarity and avoids a dependency.
"""

from __future__ import annotations

import heapq
import itertools
from collections.abc import Callable
from dataclasses import dataclass, field

__all__ = ["EventQueue", "Timer"]


@dataclass(slots=True)
class Timer:
    """A scheduled callback; :meth:`cancel` makes it a no-op."""

    at: float
    callback: Callable[[], None]
    cancelled: bool = False

    def cancel(self) -> None:
        self.cancelled = True


@dataclass
class EventQueue:
    """Simulated time and the callbacks due in it."""

    now: float = 0.0
    processed: int = 0
    _heap: list[tuple[float, int, Timer]] = field(default_factory=list)
    _seq: itertools.count[int] = field(default_factory=itertools.count)

    def at(self, when: float, callback: Callable[[], None]) -> Timer:
        """Call ``callback`` at simulated time ``when`` (never in the past)."""
        timer = Timer(max(when, self.now), callback)
        heapq.heappush(self._heap, (timer.at, next(self._seq), timer))
        return timer

    def after(self, delay: float, callback: Callable[[], None]) -> Timer:
        return self.at(self.now + max(0.0, delay), callback)

    def next_time(self) -> float | None:
        while self._heap and self._heap[0][2].cancelled:
            heapq.heappop(self._heap)
        return self._heap[0][0] if self._heap else None

    def run(
        self, until: float, on_advance: Callable[[float], None] | None = None
    ) -> None:
        """Process every callback due up to ``until``; then ``now == until``.

        ``on_advance(now)`` is called whenever the clock moves forward (the
        progress bar).
        """
        heap = self._heap
        while heap and heap[0][0] <= until:
            when, _, timer = heapq.heappop(heap)
            if timer.cancelled:
                continue
            if when > self.now:
                self.now = when
                if on_advance is not None:
                    on_advance(when)
            self.processed += 1
            timer.callback()
        self.now = max(self.now, until)
        if on_advance is not None:
            on_advance(self.now)
