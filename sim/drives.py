"""How a simulated drive unfolds: lane by lane, at the speed each lane allows.

A robot follows its path at its own speed, capped by each lane's limit, by quiet
zones in force at that hour (the very edge costs routing uses, :mod:`maps.rules`,
less the door openings, which the simulated doors take) and by the command's own
cap (guidance at walking pace). A drive is planned as timed straight
:class:`Segment` values; where the robot is at any time follows from them.
"""

from __future__ import annotations

import math
from bisect import bisect_right
from dataclasses import dataclass
from itertools import pairwise

from fleet.core.ports import Navigate
from fleet.core.values import positional
from maps.model import Building, ZoneKind
from maps.routing import router_for
from maps.rules import Rules
from sim.demand import hour_of


@dataclass(frozen=True, slots=True)
class Segment:
    """A straight piece of a drive, from ``t0`` to ``t1``."""

    t0: float
    t1: float
    a: tuple[float, float]
    b: tuple[float, float]
    metres: float
    lane: tuple[str, str] | None

    def at(self, t: float) -> tuple[float, float]:
        """The point reached at ``t`` (clamped to the segment)."""
        span = self.t1 - self.t0
        share = 1.0 if span <= 0 else min(1.0, max(0.0, (t - self.t0) / span))
        return (
            self.a[0] + (self.b[0] - self.a[0]) * share,
            self.a[1] + (self.b[1] - self.a[1]) * share,
        )


#: ``Segment(*values)`` slot by slot (every lane of every drive: ~70,000 a day).
_new_segment = positional(Segment)
#: Drives whose lanes a :class:`LaneTimes` keeps timed (a day asks ~2,000 paths).
_DRIVES_KEPT = 8192
#: One step of a drive's path: seconds, ends, metres and lane (waypoint ids).
_Lane = tuple[float, tuple[float, float], tuple[float, float], float, tuple[str, str]]


class LaneTimes:
    """Seconds per lane of one building, per robot speed and quiet zones in force."""

    def __init__(self, building: Building) -> None:
        self.building = building
        self.router = router_for(building)
        self._times: dict[tuple[float, frozenset[str]], list[float]] = {}
        self._quiet = [z for z in building.zones if z.kind == ZoneKind.QUIET]
        #: The hours where a quiet zone starts or ends: between two of them the
        #: zones in force stay the same (a zone's hours are [start, end)).
        self._bounds = sorted({h for z in self._quiet if z.hours for h in z.hours})
        #: (speed, slot between bounds) -> the lane times' key: a drive asks it
        #: every time, and walking the zones each time cost more than the drive.
        self._keys: dict[tuple[float, int], tuple[float, frozenset[str]]] = {}
        #: Each drive's lanes once timed: (speed, quiet zones, waypoints, cap) ->
        #: (the path's poses, [(seconds, a, b, metres, lane)]). Missions drive the
        #: same corridors all day; only the start point and time differ.
        self._lanes: dict[tuple[object, ...], tuple[object, list[_Lane]]] = {}

    def seconds(self, speed: float, now: float) -> list[float]:
        """Seconds per lane edge at ``speed`` at ``now`` (door opening excluded; a
        list: a drive reads one number per lane, and numpy's scalars are slow)."""
        return self._times[self._key(speed, now)]

    def _key(self, speed: float, now: float) -> tuple[float, frozenset[str]]:
        """The lane times' key at ``speed`` and ``now`` (made on first use)."""
        hour = hour_of(now)
        slot = (speed, bisect_right(self._bounds, hour))
        key = self._keys.get(slot)
        if key is None:
            key = self._keys[slot] = self.quiet_key(speed, hour)
        if key not in self._times:
            rules = Rules(quiet_zones=key[1], speed_mps=speed)
            seconds = self.router.times(rules) - self.router.table.door_s
            self._times[key] = seconds.tolist()
        return key

    def quiet_key(self, speed: float, hour: float) -> tuple[float, frozenset[str]]:
        """``(speed, the quiet zones in force at hour)``, the zones walked."""
        return (speed, frozenset(z.id for z in self._quiet if z.active_at(hour)))

    def plan(
        self, start: tuple[float, float], command: Navigate, speed: float, now: float
    ) -> list[Segment]:
        """The timed segments of ``command`` from ``start`` (where the robot is)."""
        speed_key = self._key(speed, now)
        cap = command.max_speed_mps
        key = (speed_key, command.waypoints, cap)
        known = self._lanes.get(key)
        if known is None or not (known[0] is command.path or known[0] == command.path):
            if len(self._lanes) >= _DRIVES_KEPT:
                self._lanes.clear()
            known = self._lanes[key] = (
                command.path,
                self._timed(self._times[speed_key], command, speed),
            )
        lanes = known[1]
        segments, t = [], now
        first = (command.path[0].x, command.path[0].y)
        if start != first:
            # To the path's first point from where the robot is: no lane.
            metres = math.dist(start, first)
            took = max(0.0, metres / speed)
            if cap:
                took = max(took, metres / cap)
            segments.append(_new_segment((t, t + took, start, first, metres, None)))
            t += took
        for took, a, b, metres, lane in lanes:
            segments.append(_new_segment((t, t + took, a, b, metres, lane)))
            t += took
        return segments

    def _timed(
        self, seconds: list[float], command: Navigate, speed: float
    ) -> list[_Lane]:
        """Seconds, ends, metres and lane of each step along the path."""
        table, edge_of = self.router.table, self.router.edge_of
        points = [(p.x, p.y) for p in command.path]
        lanes: list[_Lane] = []
        for (a, b), (u, v) in zip(
            pairwise(points), pairwise(command.waypoints), strict=True
        ):
            metres = math.dist(a, b)
            edge = edge_of.get((table.node_index[u], table.node_index[v]))
            took = seconds[edge] if edge is not None else 0.0
            if not math.isfinite(took):
                took = 0.0
            took = max(took, metres / speed)
            if command.max_speed_mps:
                took = max(took, metres / command.max_speed_mps)
            lanes.append((took, a, b, metres, (u, v)))
        return lanes


def flat_at(segments: list[Segment], soc: float, drain_per_m: float) -> float | None:
    """When the battery would run flat along ``segments``, if it would."""
    left = soc
    for seg in segments:
        need = drain_per_m * seg.metres
        if need > left and seg.metres > 0:
            return seg.t0 + (seg.t1 - seg.t0) * (left / need)
        left -= need
    return None
