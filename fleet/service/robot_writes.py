"""Which robot changes to write now, and which can wait.

Robots report their pose and battery every fraction of a second; writing each
report would spend the database on values that are re-read from the robots after
a restart anyway. A robot change with audit events, a new state or a new mission
is written at once; a change of pose or battery alone at most every
``interval_s`` per robot, and whatever is still pending when the service stops.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from fleet.core.model import AuditEvent, Robot

__all__ = ["RobotWrites"]

RobotChange = tuple[Robot, Sequence[AuditEvent]]


class RobotWrites:
    """Throttles pose-only robot writes; see the module docstring."""

    def __init__(self, interval_s: float = 5.0) -> None:
        self.interval_s = interval_s
        self._saved: dict[str, tuple[float, Robot]] = {}
        self._pending: dict[str, Robot] = {}

    def select(self, changes: Iterable[RobotChange], now: float) -> list[RobotChange]:
        """The changes to write now; the rest are remembered as pending."""
        chosen = []
        for robot, events in changes:
            if self._due(robot, events, now):
                chosen.append((robot, events))
                self._saved[robot.id] = (now, robot)
                self._pending.pop(robot.id, None)
            else:
                self._pending[robot.id] = robot
        return chosen

    def _due(self, robot: Robot, events: Sequence[AuditEvent], now: float) -> bool:
        last = self._saved.get(robot.id)
        if events or last is None:
            return True
        saved_at, saved = last
        return (
            saved.state != robot.state
            or saved.mission_id != robot.mission_id
            or now - saved_at >= self.interval_s
        )

    def drain(self) -> list[Robot]:
        """Robots with unwritten pose or battery (call when stopping)."""
        pending, self._pending = list(self._pending.values()), {}
        return pending
