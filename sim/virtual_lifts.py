"""Virtual lifts and doors behind the lift and door ports, on the asyncio clock.

A lift car serves one session (robot) at a time, first come first served: it
closes its doors, travels ``seconds_per_level`` per level, opens its doors and
holds them for the session until released. Doors open after their opening time and
stay open until told to close. Every duration is divided by the speed-up, so the
demo and the end-to-end tests run as fast as the virtual robots.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections import deque
from collections.abc import Callable

from fleet.core.ports import DoorStatus, LiftMode, LiftStatus
from maps.model import Building

__all__ = ["VirtualDoors", "VirtualLifts"]


class VirtualLifts:
    """Every lift of a building, as one :class:`~fleet.core.ports.LiftPort`."""

    def __init__(
        self,
        building: Building,
        *,
        speedup: float = 1.0,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.building = building
        self.speedup = speedup
        self.clock = clock
        ordered = sorted(building.levels, key=lambda lv: (lv.elevation_m, lv.id))
        self._ranks = {lv.id: rank for rank, lv in enumerate(ordered)}
        self._lifts = {lift.id: lift for lift in building.lifts}
        self._level = {
            lift.id: min(lift.stops, key=lambda lv: self._ranks.get(lv, 0))
            for lift in building.lifts
        }
        self._session: dict[str, str | None] = dict.fromkeys(self._lifts)
        self._queue: dict[str, deque[tuple[str, str]]] = {
            lift_id: deque() for lift_id in self._lifts
        }
        self._on_status: Callable[[LiftStatus], None] | None = None
        self._tasks: set[asyncio.Task[None]] = set()

    async def connect(self, on_status: Callable[[LiftStatus], None]) -> None:
        self._on_status = on_status
        for lift_id in self._lifts:
            self._emit(lift_id, doors_open=False)

    async def request(self, lift_id: str, level: str, session: str) -> None:
        if lift_id not in self._lifts:
            return
        queue = self._queue[lift_id]
        if self._session[lift_id] in (None, session):
            self._serve(lift_id, level, session)
        elif (session, level) not in queue:
            queue.append((session, level))

    async def release(self, lift_id: str, session: str) -> None:
        """End ``session`` on the car, and withdraw its calls still queued: a robot
        sent elsewhere while waiting must not have the car come for nobody."""
        queue = self._queue.get(lift_id)
        if queue is None:
            return
        self._queue[lift_id] = deque(call for call in queue if call[0] != session)
        if self._session[lift_id] != session:
            return
        self._session[lift_id] = None
        self._emit(lift_id, doors_open=False)
        if self._queue[lift_id]:
            next_session, level = self._queue[lift_id].popleft()
            self._serve(lift_id, level, next_session)

    async def close(self) -> None:
        for task in list(self._tasks):
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    def _serve(self, lift_id: str, level: str, session: str) -> None:
        self._session[lift_id] = session
        task = asyncio.create_task(self._ride(lift_id, level, session))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _ride(self, lift_id: str, level: str, session: str) -> None:
        lift = self._lifts[lift_id]
        here = self._level[lift_id]
        if here != level:
            self._emit(lift_id, doors_open=False, moving=True)
            floors = abs(self._ranks.get(level, 0) - self._ranks.get(here, 0))
            seconds = 2 * lift.door_time_s + floors * lift.seconds_per_level
            await asyncio.sleep(seconds / self.speedup)
            self._level[lift_id] = level
        if self._session[lift_id] == session:
            self._emit(lift_id, doors_open=True)

    def _emit(self, lift_id: str, *, doors_open: bool, moving: bool = False) -> None:
        if self._on_status is None:
            return
        self._on_status(
            LiftStatus(
                lift_id=lift_id,
                at=self.clock(),
                level=self._level[lift_id],
                doors_open=doors_open,
                mode=LiftMode.AGV if self._session[lift_id] else LiftMode.HUMAN,
                session=self._session[lift_id],
                moving=moving,
            )
        )


class VirtualDoors:
    """Every door of a building, as one :class:`~fleet.core.ports.DoorPort`."""

    def __init__(
        self,
        building: Building,
        *,
        speedup: float = 1.0,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.speedup = speedup
        self.clock = clock
        self._doors = {door.id: door for door in building.doors}
        self._open: dict[str, bool] = dict.fromkeys(self._doors, False)
        self._on_status: Callable[[DoorStatus], None] | None = None
        self._tasks: set[asyncio.Task[None]] = set()

    async def connect(self, on_status: Callable[[DoorStatus], None]) -> None:
        self._on_status = on_status
        for door_id in self._doors:
            self._emit(door_id)

    async def request(self, door_id: str, open_: bool, session: str) -> None:
        if door_id not in self._doors:
            return
        task = asyncio.create_task(self._move(door_id, open_))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def close(self) -> None:
        for task in list(self._tasks):
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def _move(self, door_id: str, open_: bool) -> None:
        if self._open[door_id] != open_:
            await asyncio.sleep(self._doors[door_id].opening_s / self.speedup)
            self._open[door_id] = open_
        self._emit(door_id)

    def _emit(self, door_id: str) -> None:
        if self._on_status is not None:
            self._on_status(
                DoorStatus(door_id=door_id, at=self.clock(), open=self._open[door_id])
            )
