"""Virtual lifts and doors behind the lift and door ports, on the asyncio clock.

A lift car serves sessions (robots) first come first served: it closes its doors,
travels ``seconds_per_level`` per level, opens its doors and holds them for its
sessions until released. A car for several robots (``capacity`` > 1) takes, up to
its capacity, the calls waiting on the level it stands at or heads for, leaves
once each has asked for its level and calls at the nearest first (as the
simulator's cars, :mod:`sim.world_lifts`); ``share_cars=False`` keeps one session
per car, as Open-RMF's lift messages do. Doors open after their opening time and
stay open until told to close. Every duration is divided by the speed-up, so the
demo and the end-to-end tests run as fast as the virtual robots.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field

from fleet.core.ports import DoorStatus, LiftMode, LiftStatus
from maps.model import Building, Lift

__all__ = ["VirtualDoors", "VirtualLifts"]


@dataclass
class _Car:
    lift: Lift
    level: str
    sessions: list[str] = field(default_factory=list)
    #: Where each session called the car, and the level it asked for inside.
    origin: dict[str, str] = field(default_factory=dict)
    dest: dict[str, str] = field(default_factory=dict)
    queue: deque[tuple[str, str]] = field(default_factory=deque)
    doors_open: bool = False
    trip: asyncio.Task[None] | None = None
    target: str | None = None


class VirtualLifts:
    """Every lift of a building, as one :class:`~fleet.core.ports.LiftPort`."""

    def __init__(
        self,
        building: Building,
        *,
        speedup: float = 1.0,
        clock: Callable[[], float] = time.time,
        share_cars: bool = True,
    ) -> None:
        self.building = building
        self.speedup = speedup
        self.clock = clock
        self.share_cars = share_cars
        ordered = sorted(building.levels, key=lambda lv: (lv.elevation_m, lv.id))
        self._ranks = {lv.id: rank for rank, lv in enumerate(ordered)}
        self._cars = {
            lift.id: _Car(lift, min(lift.stops, key=lambda lv: self._ranks.get(lv, 0)))
            for lift in building.lifts
        }
        self._on_status: Callable[[LiftStatus], None] | None = None
        self._tasks: set[asyncio.Task[None]] = set()

    async def connect(self, on_status: Callable[[LiftStatus], None]) -> None:
        self._on_status = on_status
        for car in self._cars.values():
            self._emit(car)

    async def request(self, lift_id: str, level: str, session: str) -> None:
        car = self._cars.get(lift_id)
        if car is None:
            return
        if session in car.sessions:
            if level == car.dest.get(session, car.origin[session]):
                if car.trip is None and car.level == level and car.doors_open:
                    self._emit(car)
                return
            car.dest[session] = level
            self._go_on(car)
        elif not car.sessions:
            self._take(car, session, level)
            self._travel(car, level)
        elif self._may_take(car, level):
            self._take(car, session, level)
            if car.trip is None:
                self._emit(car)
        elif (session, level) not in car.queue:
            car.queue.append((session, level))

    async def release(self, lift_id: str, session: str) -> None:
        """End ``session`` on the car, and withdraw its calls still queued: a robot
        sent elsewhere while waiting must not have the car come for nobody."""
        car = self._cars.get(lift_id)
        if car is None:
            return
        car.queue = deque(call for call in car.queue if call[0] != session)
        if session not in car.sessions:
            return
        car.sessions.remove(session)
        car.origin.pop(session, None)
        car.dest.pop(session, None)
        if car.sessions:
            self._emit(car)
            self._go_on(car)
            return
        car.doors_open = False
        self._emit(car)
        if car.queue:
            next_session, level = car.queue.popleft()
            self._take(car, next_session, level)
            self._travel(car, level)

    async def close(self) -> None:
        for task in list(self._tasks):
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    def _may_take(self, car: _Car, level: str) -> bool:
        stop = car.target if car.trip is not None else (
            car.level if car.doors_open else None
        )  # fmt: skip
        return (
            self.share_cars and len(car.sessions) < car.lift.capacity and stop == level
        )

    def _take(self, car: _Car, session: str, level: str) -> None:
        car.sessions.append(session)
        car.origin[session] = level

    def _go_on(self, car: _Car) -> None:
        """Leave once every session has asked for a level other than this one."""
        if car.trip is not None or not car.sessions:
            return
        wanted = [car.dest.get(s) for s in car.sessions]
        if None in wanted or car.level in wanted:
            return
        here = self._ranks.get(car.level, 0)
        stops = {lv for lv in wanted if lv is not None}
        self._travel(
            car, min(stops, key=lambda lv: (abs(self._ranks.get(lv, 0) - here), lv))
        )

    def _travel(self, car: _Car, level: str) -> None:
        if car.trip is not None:
            car.trip.cancel()
        car.doors_open, car.target = False, level
        task = asyncio.create_task(self._trip(car, level))
        car.trip = task
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _trip(self, car: _Car, level: str) -> None:
        if car.level != level:
            self._emit(car, moving=True)
            floors = abs(self._ranks.get(level, 0) - self._ranks.get(car.level, 0))
            lift = car.lift
            seconds = 2 * lift.door_time_s + floors * lift.seconds_per_level
            await asyncio.sleep(seconds / self.speedup)
            car.level = level
        car.trip, car.target = None, None
        car.doors_open = bool(car.sessions)
        for session, called in list(car.queue):
            if called == level and car.sessions and self._may_take(car, level):
                car.queue.remove((session, called))
                self._take(car, session, level)
        if car.sessions:
            self._emit(car)
        self._go_on(car)

    def _emit(self, car: _Car, *, moving: bool = False) -> None:
        if self._on_status is None:
            return
        self._on_status(
            LiftStatus(
                lift_id=car.lift.id,
                at=self.clock(),
                level=car.level,
                doors_open=car.doors_open,
                mode=LiftMode.AGV if car.sessions else LiftMode.HUMAN,
                session=car.sessions[0] if car.sessions else None,
                moving=moving,
                sessions=tuple(car.sessions),
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
