"""Charger docks over time: who holds one, and when one is free.

A dock is booked as a half-open interval ``[start, end)`` of seconds. A charger's
bookings begin with the docks already taken when the problem was made
(:attr:`planners.problem.Charger.occupied_until`) and grow with the charge stops
a plan adds, so every solver and the validator count docks the same way.
"""

from __future__ import annotations

import math

from planners.problem import Charger

Booking = tuple[float, float]


def taken_now(charger: Charger, now: float) -> list[Booking]:
    """The docks taken at ``now``, as bookings until each is free again."""
    return [(now, until) for until in charger.occupied_until if until > now]


def dock_free(booked: list[Booking], docks: int, s: float, e: float) -> bool:
    """Whether one more robot fits on a charger over [s, e) given bookings."""
    if e <= s:
        return True
    if docks <= 0:
        return False
    events = sorted(
        [(max(a, s), 1) for a, b in booked if a < e and s < b]
        + [(min(b, e), -1) for a, b in booked if a < e and s < b]
    )
    busy = 0
    for _, step in events:
        busy += step
        if busy >= docks:
            return False
    return True


def first_free(booked: list[Booking], docks: int, arrival: float, hold: float) -> float:
    """The earliest start at or after ``arrival`` at which one more robot can hold
    a dock for ``hold`` seconds (``inf`` for a charger without docks).

    A start is only ever free at the arrival or when a booking ends, so those are
    the only times worth trying; after the last booking ends every dock is free.
    """
    if docks <= 0:
        return math.inf
    for start in sorted({arrival} | {end for _, end in booked if end > arrival}):
        if dock_free(booked, docks, start, start + hold):
            return start
    return math.inf
