"""Simulated lift cars and doors, answering the core's lift and door requests.

A car serves one robot session at a time, first come first served, like
:mod:`sim.virtual_lifts`: it closes its doors, travels ``seconds_per_level`` per
level, opens its doors and holds them for the session until released. A car
shared with people loses extra time on each trip to them (a random delay whose
mean follows the hour of day, from the scenario). An outage takes a car out of
service (mode ``offline``) once it is empty, until the outage ends.

Doors open after their opening time while any robot holds them, close when the
last one lets go, and a stuck door will not open until it is freed.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from fleet.core.ports import DoorStatus, LiftMode, LiftStatus
from maps.model import Building, Door, Lift
from sim.demand import hour_of
from sim.engine import EventQueue, Timer
from sim.log import EventLog


@dataclass
class Car:
    lift: Lift
    level: str
    session: str | None = None
    queue: deque[tuple[str, str]] = field(default_factory=deque)
    doors_open: bool = False
    moving: bool = False
    out_of_service: bool = False
    #: An outage waiting for the car to be empty.
    outage_pending: bool = False
    trip: Timer | None = None
    target: str | None = None
    #: When each session first called the car (for its wait).
    called_at: dict[str, float] = field(default_factory=dict)


class LiftCars:
    """Every lift car of a building on the simulated clock."""

    def __init__(
        self,
        building: Building,
        queue: EventQueue,
        log: EventLog,
        rng: np.random.Generator,
        people_wait_s: tuple[float, ...],
        report: Callable[[LiftStatus], None],
    ) -> None:
        self.queue, self.log, self.rng, self.report = queue, log, rng, report
        self.people_wait_s = people_wait_s
        ranked = sorted(building.levels, key=lambda lv: (lv.elevation_m, lv.id))
        self.rank = {lv.id: i for i, lv in enumerate(ranked)}
        self.cars = {
            lift.id: Car(lift, min(lift.stops, key=lambda lv: self.rank.get(lv, 0)))
            for lift in building.lifts
        }
        self.waits: list[tuple[str, float]] = []
        self.rides: dict[str, int] = dict.fromkeys(self.cars, 0)
        self.people_s: dict[str, float] = dict.fromkeys(self.cars, 0.0)

    def announce(self) -> None:
        for lift_id in sorted(self.cars):
            self._emit(self.cars[lift_id])

    def sessions(self) -> set[str]:
        """Robots holding or queueing for a car."""
        held = {c.session for c in self.cars.values() if c.session}
        return held | {s for c in self.cars.values() for s, _ in c.queue}

    def request(self, lift_id: str, level: str, session: str) -> None:
        car = self.cars.get(lift_id)
        if car is None:
            return
        if car.session == session:
            if car.trip is not None and car.target == level:
                return
            if car.level == level and car.doors_open and car.trip is None:
                self._emit(car)
            else:
                if car.trip is not None:
                    car.trip.cancel()
                self.rides[lift_id] += 1
                self._travel(car, level, riding=True)
            return
        car.called_at.setdefault(session, self.queue.now)
        if car.session is None and not car.out_of_service and not car.queue:
            self._serve(car, session, level)
        elif all(s != session for s, _ in car.queue):
            car.queue.append((session, level))

    def release(self, lift_id: str, session: str) -> None:
        car = self.cars.get(lift_id)
        if car is None:
            return
        car.called_at.pop(session, None)
        car.queue = deque((s, lv) for s, lv in car.queue if s != session)
        if car.session != session:
            return
        if car.trip is not None:
            car.trip.cancel()
            car.trip, car.moving = None, False
        car.session, car.doors_open = None, False
        self._emit(car)
        if car.outage_pending:
            self._begin_outage(car)
        self._next(car)

    def vacated(self, lift_id: str, session: str) -> None:
        """The session's robot drove out: a controller that frees empty cars
        goes on to its next call (the core's later release is then a no-op)."""
        car = self.cars.get(lift_id)
        if car is not None and car.session == session and car.trip is None:
            self.log.add(self.queue.now, "lift_freed", lift=lift_id, robot=session)
            self.release(lift_id, session)

    def outage(self, lift_id: str, start: float, end: float) -> None:
        car = self.cars[lift_id]
        self.queue.at(start, lambda: self._outage_starts(car))
        self.queue.at(end, lambda: self._outage_ends(car))

    def _outage_starts(self, car: Car) -> None:
        if car.session is None:
            self._begin_outage(car)
        else:
            car.outage_pending = True

    def _begin_outage(self, car: Car) -> None:
        car.outage_pending, car.out_of_service = False, True
        self.log.add(self.queue.now, "lift_outage", lift=car.lift.id, start=True)
        self._emit(car)

    def _outage_ends(self, car: Car) -> None:
        car.outage_pending, car.out_of_service = False, False
        self.log.add(self.queue.now, "lift_outage", lift=car.lift.id, start=False)
        self._emit(car)
        self._next(car)

    def _next(self, car: Car) -> None:
        if car.session is None and not car.out_of_service and car.queue:
            session, level = car.queue.popleft()
            self._serve(car, session, level)

    def _serve(self, car: Car, session: str, level: str) -> None:
        car.session = session
        self._travel(car, level, riding=False)

    def _travel(self, car: Car, level: str, *, riding: bool) -> None:
        lift, now = car.lift, self.queue.now
        floors = abs(self.rank.get(level, 0) - self.rank.get(car.level, 0))
        seconds = 2 * lift.door_time_s if car.doors_open or floors else lift.door_time_s
        seconds += floors * lift.seconds_per_level
        if lift.shared_with_people:
            mean = self.people_wait_s[int(hour_of(now))] * (0.5 if riding else 1.0)
            people = float(self.rng.exponential(mean)) if mean > 0 else 0.0
            self.people_s[lift.id] += people
            seconds += people
        car.doors_open, car.moving, car.target = False, floors > 0, level
        self._emit(car)
        session = car.session
        car.trip = self.queue.after(seconds, lambda: self._arrive(car, level, session))

    def _arrive(self, car: Car, level: str, session: str | None) -> None:
        car.trip, car.moving, car.target = None, False, None
        car.level, car.doors_open = level, True
        if session in car.called_at:
            waited = self.queue.now - car.called_at.pop(session)
            self.waits.append((car.lift.id, waited))
            self.log.add(
                self.queue.now,
                "lift_open",
                lift=car.lift.id,
                robot=session,
                level=level,
                waited=round(waited, 3),
            )
        self._emit(car)

    def _emit(self, car: Car) -> None:
        mode = (
            LiftMode.OFFLINE
            if car.out_of_service
            else LiftMode.AGV
            if car.session
            else LiftMode.HUMAN
        )
        self.report(
            LiftStatus(
                lift_id=car.lift.id,
                at=self.queue.now,
                level=car.level,
                doors_open=car.doors_open,
                mode=mode,
                session=car.session,
                moving=car.moving,
            )
        )


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

    def announce(self) -> None:
        for door_id in sorted(self.doors):
            self._emit(self.doors[door_id])

    def waiting(self) -> set[str]:
        """Robots holding a door that is not open yet."""
        return {r for d in self.doors.values() if not d.open for r in d.holders}

    def request(self, door_id: str, open_: bool, session: str) -> None:
        door = self.doors.get(door_id)
        if door is None:
            return
        if open_:
            door.holders.add(session)
        else:
            door.holders.discard(session)
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
