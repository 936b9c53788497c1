"""The simulated hospital: robots, lift cars and doors, and what robots spend time on.

:class:`World` carries out what a :class:`~fleet.core.decision.Decision` asks of
the world (commands, cancels, lift and door requests) and reports back through
the callbacks it is given, always as a fresh event on the queue (never from
inside the call that caused it), as real robots and lifts answer asynchronously;
a robot report made by an event of its own (a heartbeat, a drive or dock finished
on its timer) is heard at once: ~78,000 a day, one heap event each fewer.
It also keeps each robot's time use: moving, waiting for a lift, at a door, at a
hand-off, charging, waiting for a free dock, broken down, idle.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from fleet.core.decision import Decision
from fleet.core.model import Robot
from fleet.core.ports import DoorStatus, LiftStatus, Navigate, RobotUpdate
from maps.model import Building
from sim.engine import EventQueue
from sim.log import EventLog
from sim.motion import Battery
from sim.scenario import Scenario
from sim.world_lifts import Doors, LiftCars
from sim.world_robots import Robots

ACTIVITIES = (
    "moving",
    "lift",
    "door",
    "handoff",
    "charging",
    "dock_wait",
    "broken",
    "idle",
)


class World:
    """Robots, lifts and doors on one simulated clock (see the module docstring)."""

    def __init__(
        self,
        building: Building,
        scenario: Scenario,
        queue: EventQueue,
        log: EventLog,
        rng: np.random.Generator,
        on_robot: Callable[[RobotUpdate], None],
        on_lift: Callable[[LiftStatus], None],
        on_door: Callable[[DoorStatus], None],
    ) -> None:
        self.queue, self.log = queue, log
        self._on_robot, self._on_lift, self._on_door = on_robot, on_lift, on_door
        model = scenario.battery
        self.robots = Robots(
            building,
            queue,
            log,
            Battery(model.drain_per_m, model.charge_per_s),
            self._robot_report,
            self.touch,
            at_once=self._robot_heard,
        )
        self.lifts = LiftCars(
            building, queue, log, rng, scenario.people_wait_s, self._lift_report
        )
        self.doors = Doors(building, queue, log, self._door_report)
        self.free_empty_cars = scenario.free_empty_cars
        self.car_of = {
            wp: lift.id for lift in building.lifts for wp in lift.stops.values()
        }
        self.capacity = {lift.id: lift.capacity for lift in building.lifts}
        self.in_car: dict[str, str] = {}
        self.riders: dict[str, set[str]] = {lift.id: set() for lift in building.lifts}
        self.handoff: set[str] = set()
        self.activity: dict[str, tuple[str, float]] = {}
        self.time_use: dict[str, dict[str, float]] = {}
        self._last: dict[str, Navigate | None] = {}

    def add_robot(self, robot: Robot, soc: float) -> None:
        self.robots.add(robot, soc)
        self.activity[robot.id] = ("idle", self.queue.now)
        self.time_use[robot.id] = dict.fromkeys(ACTIVITIES, 0.0)

    def start(self) -> None:
        """Lifts and doors announce themselves, as the ports do on connect."""
        self.queue.after(0.0, self.lifts.announce)
        self.queue.after(0.0, self.doors.announce)

    # --- carrying out a decision -----------------------------------------------

    def carry_out(self, decision: Decision) -> None:
        for robot_id, command_id in decision.cancels:
            self.robots.cancel(robot_id, command_id)
        for robot_id, command in decision.commands:
            self._board_or_leave(robot_id, command)
            self.robots.command(robot_id, command)
        for request in decision.lift_requests:
            if request.release:
                self.lifts.release(request.lift_id, request.session)
            elif request.level is not None:
                self.lifts.request(request.lift_id, request.level, request.session)
            self.touch(request.session)
        for door in decision.door_requests:
            self.doors.request(door.door_id, door.open, door.session)
            self.touch(door.session)

    def _board_or_leave(self, robot_id: str, command: object) -> None:
        """A drive out of a car leaves it; the drive's end decides boarding."""
        if not isinstance(command, Navigate):
            return
        lift = self.in_car.pop(robot_id, None)
        if lift is not None:
            self.riders[lift].discard(robot_id)
            self.log.add(
                self.queue.now,
                "lift_exit",
                lift=lift,
                robot=robot_id,
                riders=len(self.riders[lift]),
            )
            if self.free_empty_cars and not self.riders[lift]:
                self.lifts.vacated(lift, robot_id)
        self._last[robot_id] = command

    def _robot_report(self, update: RobotUpdate) -> None:
        self._board(update)
        self.queue.after(0.0, lambda: self._on_robot(update))

    def _robot_heard(self, update: RobotUpdate) -> None:
        """A report made by an event of its own, heard at once."""
        self._board(update)
        self._on_robot(update)

    def _board(self, update: RobotUpdate) -> None:
        """A drive that ended in a lift car boards it."""
        last = self._last.get(update.robot_id)
        succeeded = update.command_status is not None and update.command_status.value
        if last is not None and update.command_id == last.command_id:
            self._last[update.robot_id] = None
            if succeeded == "succeeded" and last.waypoints[-1] in self.car_of:
                lift = self.car_of[last.waypoints[-1]]
                self.in_car[update.robot_id] = lift
                self.riders[lift].add(update.robot_id)
                self.log.add(
                    self.queue.now,
                    "lift_board",
                    lift=lift,
                    robot=update.robot_id,
                    riders=len(self.riders[lift]),
                    capacity=self.capacity[lift],
                )

    def _lift_report(self, status: LiftStatus) -> None:
        self.queue.after(0.0, lambda: self._on_lift(status))

    def _door_report(self, status: DoorStatus) -> None:
        for robot_id in sorted(self.doors.doors[status.door_id].holders):
            self.touch(robot_id)
        self.queue.after(0.0, lambda: self._on_door(status))

    # --- time use ----------------------------------------------------------------

    def set_handoff(self, robot_id: str, waiting: bool) -> None:
        if waiting:
            self.handoff.add(robot_id)
        else:
            self.handoff.discard(robot_id)
        self.touch(robot_id)

    def _classify(self, robot_id: str) -> str:
        robot = self.robots.robots[robot_id]
        if robot.failed:
            return "broken"
        if self.robots.moving(robot_id):
            return "moving"
        if self.lifts.has_session(robot_id):
            return "lift"
        if self.doors.is_waiting(robot_id):
            return "door"
        if self.robots.waiting_for_dock(robot_id):
            return "dock_wait"
        if robot.docked_at is not None:
            return "charging"
        if robot_id in self.handoff:
            return "handoff"
        return "idle"

    def touch(self, robot_id: str) -> None:
        """Re-read what ``robot_id`` is doing; book the time of what it did."""
        if robot_id not in self.activity:
            return
        now = self.queue.now
        before, since = self.activity[robot_id]
        after = self._classify(robot_id)
        if after != before:
            self.time_use[robot_id][before] += now - since
            self.activity[robot_id] = (after, now)

    def close_books(self) -> None:
        """Book every robot's current activity up to now (end of the run)."""
        now = self.queue.now
        for robot_id, (doing, since) in self.activity.items():
            self.time_use[robot_id][doing] += now - since
            self.activity[robot_id] = (doing, now)
