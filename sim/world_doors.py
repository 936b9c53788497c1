"""Simulated doors, answering the core's door requests on the simulated clock.

Doors open after their opening time while any robot holds them, close when the
last one lets go, and a stuck door will not open until it is freed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from fleet.core.ports import DoorStatus
from maps.model import Building, Door
from sim.engine import EventQueue, Timer
from sim.log import EventLog


@dataclass
class DoorState:
    door: Door
    open: bool = False
    holders: set[str] = field(default_factory=set)
    stuck: bool = False
    moving: Timer | None = None


class Doors:
    """Every door of a building on the simulated clock."""

    def __init__(
        self,
        building: Building,
        queue: EventQueue,
        log: EventLog,
        report: Callable[[DoorStatus], None],
    ) -> None:
        self.queue, self.log, self.report = queue, log, report
        self.doors = {d.id: DoorState(d) for d in building.doors}
        #: Robot -> the doors it holds (kept by :meth:`request`, the only place
        #: holders change), so a robot's wait is read without a walk of them all.
        self.held: dict[str, dict[str, None]] = {}

    def announce(self) -> None:
        for door_id in sorted(self.doors):
            self._emit(self.doors[door_id])

    def waiting(self) -> set[str]:
        """Robots holding a door that is not open yet."""
        return {r for d in self.doors.values() if not d.open for r in d.holders}

    def is_waiting(self, robot_id: str) -> bool:
        """``robot_id in waiting()``, without building the set (asked per report)."""
        held = self.held.get(robot_id)
        return held is not None and any(not self.doors[d].open for d in held)

    def request(self, door_id: str, open_: bool, session: str) -> None:
        door = self.doors.get(door_id)
        if door is None:
            return
        if open_:
            door.holders.add(session)
            self.held.setdefault(session, {})[door_id] = None
        else:
            door.holders.discard(session)
            held = self.held.get(session)
            if held is not None:
                held.pop(door_id, None)
        self._settle(door, fresh=open_)

    def stuck(self, door_id: str, start: float, end: float) -> None:
        door = self.doors[door_id]
        self.queue.at(start, lambda: self._stick(door, True))
        self.queue.at(end, lambda: self._stick(door, False))

    def _stick(self, door: DoorState, stuck: bool) -> None:
        door.stuck = stuck
        self.log.add(self.queue.now, "door_stuck", door=door.door.id, stuck=stuck)
        if stuck and door.moving is not None and not door.open:
            door.moving.cancel()
            door.moving = None
        self._emit(door)
        self._settle(door)

    def _settle(self, door: DoorState, *, fresh: bool = False) -> None:
        """Start opening or closing if the holders want the other state.

        ``fresh``: someone asked for the door open; if it is open already, say so
        again (the core treats an open report from before a release as stale).
        """
        want_open = bool(door.holders)
        if door.moving is not None:
            door.moving.cancel()
            door.moving = None
        if want_open and door.open:
            if fresh:
                self._emit(door)
            return
        if want_open == door.open or (want_open and door.stuck):
            return
        door.moving = self.queue.after(
            door.door.opening_s, lambda: self._moved(door, want_open)
        )

    def _moved(self, door: DoorState, is_open: bool) -> None:
        door.moving, door.open = None, is_open
        self._emit(door)

    def _emit(self, door: DoorState) -> None:
        self.report(DoorStatus(door.door.id, self.queue.now, door.open, not door.stuck))
