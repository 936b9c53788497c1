"""Simulated lift cars and doors, answering the core's lift and door requests.

A car serves robot sessions first come first served, like
:mod:`sim.virtual_lifts`: it closes its doors, travels ``seconds_per_level`` per
level, opens its doors and holds them for its sessions until released. A car for
several robots (``capacity`` > 1) takes, up to its capacity, every call waiting
on the level it is stopped at or heading for: they board together, and it leaves
once each of them has asked for its level, calling at the nearest first. A car
shared with people loses extra time on each trip to them (a random delay whose
mean follows the hour of day, from the scenario). An outage takes a car out of
service (mode ``offline``) once it is empty, until the outage ends.

The simulated doors live in :mod:`sim.world_doors` (re-exported here).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from fleet.core.ports import LiftMode, LiftStatus
from maps.model import Building, Lift
from sim.demand import hour_of
from sim.engine import EventQueue, Timer
from sim.log import EventLog
from sim.world_doors import Doors

__all__ = ["Car", "Doors", "LiftCars"]


@dataclass
class Car:
    lift: Lift
    level: str
    #: The sessions the car serves now, in the order it took them.
    sessions: list[str] = field(default_factory=list)
    #: Where each session called the car, and the level it asked for once inside.
    origin: dict[str, str] = field(default_factory=dict)
    dest: dict[str, str] = field(default_factory=dict)
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

    @property
    def session(self) -> str | None:
        return self.sessions[0] if self.sessions else None

    def stop(self) -> str | None:
        """The level the car is stopped at with doors open, or heading for."""
        if self.trip is not None:
            return self.target
        return self.level if self.doors_open else None

    def may_take(self, level: str) -> bool:
        """Whether a call on ``level`` can join the sessions the car serves."""
        return (
            bool(self.sessions)
            and len(self.sessions) < self.lift.capacity
            and not (self.out_of_service or self.outage_pending)
            and self.stop() == level
        )


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
        #: Trips with more than one robot on board, per car.
        self.shared_trips: dict[str, int] = dict.fromkeys(self.cars, 0)
        self.people_s: dict[str, float] = dict.fromkeys(self.cars, 0.0)

    def announce(self) -> None:
        for lift_id in sorted(self.cars):
            self._emit(self.cars[lift_id])

    def sessions(self) -> set[str]:
        """Robots holding or queueing for a car."""
        held = {s for c in self.cars.values() for s in c.sessions}
        return held | {s for c in self.cars.values() for s, _ in c.queue}

    def has_session(self, robot_id: str) -> bool:
        """``robot_id in sessions()``, without building the set (asked per report)."""
        for car in self.cars.values():
            if robot_id in car.sessions:
                return True
            for session, _ in car.queue:
                if session == robot_id:
                    return True
        return False

    def request(self, lift_id: str, level: str, session: str) -> None:
        car = self.cars.get(lift_id)
        if car is None:
            return
        if session in car.sessions:
            self._again(car, session, level)
            return
        car.called_at.setdefault(session, self.queue.now)
        if not car.sessions and not car.out_of_service and not car.queue:
            self._serve(car, session, level)
        elif car.may_take(level):
            self._take(car, session, level)
            if car.trip is None:
                self._emit(car)
        elif all(s != session for s, _ in car.queue):
            car.queue.append((session, level))

    def _again(self, car: Car, session: str, level: str) -> None:
        """A session the car serves asks again: the same call, or its ride."""
        if level == car.dest.get(session, car.origin[session]):
            if car.level == level and car.doors_open and car.trip is None:
                self._emit(car)
            return
        car.dest[session] = level
        self.rides[car.lift.id] += 1
        self._go_on(car)

    def release(self, lift_id: str, session: str) -> None:
        car = self.cars.get(lift_id)
        if car is None:
            return
        car.called_at.pop(session, None)
        car.queue = deque((s, lv) for s, lv in car.queue if s != session)
        if session not in car.sessions:
            return
        car.sessions.remove(session)
        car.origin.pop(session, None)
        car.dest.pop(session, None)
        if car.sessions:
            self._emit(car)
            self._go_on(car)
            return
        if car.trip is not None:
            car.trip.cancel()
            car.trip, car.moving = None, False
        car.doors_open = False
        self._emit(car)
        if car.outage_pending:
            self._begin_outage(car)
        self._next(car)

    def vacated(self, lift_id: str, session: str) -> None:
        """The session's robot drove out: a controller that frees empty cars
        goes on to its next call (the core's later release is then a no-op)."""
        car = self.cars.get(lift_id)
        if car is not None and session in car.sessions and car.trip is None:
            self.log.add(self.queue.now, "lift_freed", lift=lift_id, robot=session)
            self.release(lift_id, session)

    def outage(self, lift_id: str, start: float, end: float) -> None:
        car = self.cars[lift_id]
        self.queue.at(start, lambda: self._outage_starts(car))
        self.queue.at(end, lambda: self._outage_ends(car))

    def _outage_starts(self, car: Car) -> None:
        if not car.sessions:
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
        if not car.sessions and not car.out_of_service and car.queue:
            session, level = car.queue.popleft()
            self._serve(car, session, level)

    def _serve(self, car: Car, session: str, level: str) -> None:
        self._take(car, session, level)
        self._take_waiting(car, level)
        self._travel(car, level, riding=False)

    def _take(self, car: Car, session: str, level: str) -> None:
        car.sessions.append(session)
        car.origin[session] = level
        if car.trip is None and car.level == level and car.doors_open:
            self._opened_for(car, session)

    def _take_waiting(self, car: Car, level: str) -> None:
        """Calls queued on ``level`` join the car while it has room."""
        for session, called in list(car.queue):
            if called == level and car.may_take(level):
                car.queue.remove((session, called))
                self._take(car, session, level)

    def _go_on(self, car: Car) -> None:
        """Leave once every session aboard has asked for a level other than this
        one (robots getting out here are gone), for the nearest of them."""
        if car.trip is not None or not car.sessions:
            return
        wanted = [car.dest.get(s) for s in car.sessions]
        if None in wanted or car.level in wanted:
            return
        here = self.rank.get(car.level, 0)
        stops = {lv for lv in wanted if lv is not None}
        nearest = min(stops, key=lambda lv: (abs(self.rank.get(lv, 0) - here), lv))
        if len(car.sessions) > 1:
            self.shared_trips[car.lift.id] += 1
        self._travel(car, nearest, riding=True)

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
        car.trip = self.queue.after(seconds, lambda: self._arrive(car, level))

    def _arrive(self, car: Car, level: str) -> None:
        car.trip, car.moving, car.target = None, False, None
        car.level, car.doors_open = level, True
        self._take_waiting(car, level)
        for session in car.sessions:
            if car.origin.get(session) == level and session not in car.dest:
                self._opened_for(car, session)
        self._emit(car)
        self._go_on(car)

    def _opened_for(self, car: Car, session: str) -> None:
        """The car is open on the level ``session`` called it to: its wait ends."""
        if session not in car.called_at:
            return
        waited = self.queue.now - car.called_at.pop(session)
        self.waits.append((car.lift.id, waited))
        self.log.add(
            self.queue.now,
            "lift_open",
            lift=car.lift.id,
            robot=session,
            level=car.level,
            waited=round(waited, 3),
        )

    def _emit(self, car: Car) -> None:
        mode = (
            LiftMode.OFFLINE
            if car.out_of_service
            else LiftMode.AGV
            if car.sessions
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
                sessions=tuple(car.sessions),
            )
        )
