"""Simulated robots carrying out the core's commands on the simulated clock.

A robot told to drive follows its path lane by lane (:mod:`sim.drives`: its
speed, capped by lane limits, quiet zones in force and the command's own cap).
It drains its battery per metre (:class:`sim.motion.Battery`, shared with the
virtual robots), charges while docked (one robot per dock; others wait), and
reports every finished command, plus a heartbeat, as a ``RobotUpdate``. A robot
whose battery runs flat stops where it is and fails its command.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from math import copysign

from fleet.core.model import Robot
from fleet.core.ports import (
    ChangeLevel,
    CommandStatus,
    Dock,
    Navigate,
    Pose,
    RobotCommand,
    RobotUpdate,
)
from fleet.core.values import positional
from maps.model import Building, PlaceKind
from sim.drives import LaneTimes, Segment, flat_at
from sim.engine import EventQueue, Timer
from sim.log import EventLog
from sim.motion import Battery

_new_pose = positional(Pose)
_new_update = positional(RobotUpdate)

#: Seconds a robot takes to dock onto a free charger (as the virtual robots).
DOCK_S = 5.0
#: Seconds to switch maps after a lift ride.
CHANGE_LEVEL_S = 1.0


@dataclass
class SimRobot:
    id: str
    speed_mps: float
    level: str
    x: float
    y: float
    battery: float
    command: RobotCommand | None = None
    done: Timer | None = None
    segments: list[Segment] = field(default_factory=list)
    docked_at: str | None = None
    docked_since: float = 0.0
    failed: bool = False
    stranded: bool = False
    distance_m: float = 0.0
    last_report: float = 0.0
    #: The pose last reported while standing (:meth:`Robots.pose`).
    standing: Pose | None = None


class Robots:
    """The simulated fleet; ``report`` feeds its updates to the fleet core."""

    def __init__(
        self,
        building: Building,
        queue: EventQueue,
        log: EventLog,
        battery: Battery,
        report: Callable[[RobotUpdate], None],
        changed: Callable[[str], None],
        at_once: Callable[[RobotUpdate], None] | None = None,
    ) -> None:
        self.building, self.queue, self.log = building, queue, log
        self.battery, self.report, self.changed = battery, report, changed
        #: Where a report made by an event of its own goes (a heartbeat, a command
        #: finished on its timer: never inside another call): ``report`` unless
        #: the owner hears those at once.
        self.at_once = report if at_once is None else at_once
        self.lanes = LaneTimes(building)
        self.robots: dict[str, SimRobot] = {}
        self.docks = {
            p.waypoint: p.docks for p in building.places_of_kind(PlaceKind.CHARGER)
        }
        self.docked: dict[str, set[str]] = {w: set() for w in self.docks}
        self.dock_queue: dict[str, deque[str]] = {w: deque() for w in self.docks}
        self.lane_use: dict[tuple[str, str], int] = {}
        #: The lowest state of charge any robot reached.
        self.min_soc = 1.0

    def add(self, robot: Robot, soc: float) -> None:
        self.robots[robot.id] = SimRobot(
            robot.id, robot.speed_mps, robot.level, robot.x, robot.y, soc
        )

    # --- commands ------------------------------------------------------------

    def command(self, robot_id: str, command: RobotCommand) -> None:
        robot = self.robots[robot_id]
        if robot.failed:
            return
        self._stop(robot)
        robot.command = command
        if isinstance(command, Navigate):
            self._undock(robot)
            self._drive(robot, command)
        elif isinstance(command, ChangeLevel):
            if self.log.keep:
                self.log.add(
                    self.queue.now,
                    "level",
                    robot=robot.id,
                    src=robot.level,
                    dst=command.level,
                    lift=self.lift_at(robot),
                    x=command.pose.x,
                    y=command.pose.y,
                )
            robot.level, robot.x, robot.y = (
                command.level,
                command.pose.x,
                command.pose.y,
            )
            robot.done = self.queue.after(CHANGE_LEVEL_S, lambda: self._finish(robot))
        else:
            self._dock(robot, command)
        self.changed(robot_id)

    def lift_at(self, robot: SimRobot) -> str | None:
        """The lift whose car stands where the robot is, if any."""
        for lift in self.building.lifts:
            car = (
                self.building.waypoint(lift.stops.get(robot.level, ""))
                if (robot.level in lift.stops)
                else None
            )
            if car is not None and (car.x, car.y) == (robot.x, robot.y):
                return lift.id
        return None

    def cancel(self, robot_id: str, command_id: str) -> None:
        robot = self.robots[robot_id]
        if robot.command is not None and robot.command.command_id == command_id:
            self._stop(robot)
            robot.command = None
            self.changed(robot_id)

    def moving(self, robot_id: str) -> bool:
        robot = self.robots[robot_id]
        return isinstance(robot.command, Navigate) and robot.done is not None

    def waiting_for_dock(self, robot_id: str) -> bool:
        robot = self.robots[robot_id]
        return isinstance(robot.command, Dock) and robot.docked_at is None

    # --- driving -------------------------------------------------------------

    def _drive(self, robot: SimRobot, command: Navigate) -> None:
        robot.segments = self.lanes.plan(
            (robot.x, robot.y), command, robot.speed_mps, self.queue.now
        )
        end = robot.segments[-1].t1 if robot.segments else self.queue.now
        flat = flat_at(robot.segments, robot.battery, self.battery.drain_per_m)
        if flat is not None:
            robot.done = self.queue.at(flat, lambda: self._run_flat(robot))
        else:
            robot.done = self.queue.at(end, lambda: self._finish(robot))

    def _stop(self, robot: SimRobot) -> None:
        """Stop the command in progress where the robot is now."""
        if robot.done is not None:
            robot.done.cancel()
            robot.done = None
        if robot.segments:
            self._travelled(robot, self.queue.now)
        if isinstance(robot.command, Dock):
            self._leave_dock_queue(robot)

    def _travelled(self, robot: SimRobot, until: float) -> None:
        """Move the robot along its segments up to ``until``; log the drive."""
        points: list[list[float]] = []
        # The drive's points are only for a log that keeps its events.
        logged = self.log.keep
        metres, last = 0.0, None
        for seg in robot.segments:
            if seg.t0 > until:
                break
            share = 1.0 if seg.t1 <= until else (until - seg.t0) / (seg.t1 - seg.t0)
            if logged:
                x, y = seg.at(until)
                if not points:
                    points.append([round(seg.t0 - self.log.start, 3), *seg.a])
                points.append([round(min(seg.t1, until) - self.log.start, 3), x, y])
            metres += seg.metres * share
            if share == 1.0 and seg.lane is not None:
                key = (min(seg.lane), max(seg.lane))
                self.lane_use[key] = self.lane_use.get(key, 0) + 1
            last = seg
        if last is not None:
            # Where the last segment reached puts the robot (the others' ends are
            # passed through: a drive of ~5 lanes needs one point, not five).
            robot.x, robot.y = last.at(until)
        robot.segments = []
        robot.distance_m += metres
        robot.battery = self.battery.after_driving(robot.battery, metres)
        self.min_soc = min(self.min_soc, robot.battery)
        if logged and points:
            self.log.add(
                until,
                "drive",
                robot=robot.id,
                level=robot.level,
                points=points,
                m=round(metres, 3),
                soc=round(robot.battery, 6),
            )

    def _finish(self, robot: SimRobot) -> None:
        robot.done = None
        if robot.segments:
            self._travelled(robot, self.queue.now)
        command = robot.command
        assert command is not None
        robot.command = None
        self.changed(robot.id)
        robot.last_report = self.queue.now
        self.at_once(self._update(robot, command.command_id, CommandStatus.SUCCEEDED))

    def _run_flat(self, robot: SimRobot) -> None:
        robot.done = None
        self._travelled(robot, self.queue.now)
        robot.battery, robot.stranded = 0.0, True
        self.log.add(self.queue.now, "stranded", robot=robot.id)
        command = robot.command
        assert command is not None
        robot.command = None
        self._report(robot, command.command_id, CommandStatus.FAILED, "battery flat")
        robot.failed = True
        self.changed(robot.id)

    # --- charging ------------------------------------------------------------

    def _dock(self, robot: SimRobot, command: Dock) -> None:
        waypoint = command.waypoint
        if waypoint not in self.docks:
            self._report(robot, command.command_id, CommandStatus.FAILED, "no charger")
            robot.command = None
            return
        if len(self.docked[waypoint]) < self.docks[waypoint]:
            self._take_dock(robot, waypoint)
        elif robot.id not in self.dock_queue[waypoint]:
            self.dock_queue[waypoint].append(robot.id)

    def _take_dock(self, robot: SimRobot, waypoint: str) -> None:
        self.docked[waypoint].add(robot.id)
        robot.docked_at, robot.docked_since = waypoint, self.queue.now + DOCK_S
        robot.done = self.queue.after(DOCK_S, lambda: self._finish(robot))
        self.changed(robot.id)

    def _leave_dock_queue(self, robot: SimRobot) -> None:
        for waiting in self.dock_queue.values():
            if robot.id in waiting:
                waiting.remove(robot.id)

    def _undock(self, robot: SimRobot) -> None:
        waypoint = robot.docked_at
        if waypoint is None:
            return
        self.charge(robot)
        robot.docked_at = None
        self.docked[waypoint].discard(robot.id)
        if self.dock_queue[waypoint]:
            self._take_dock(self.robots[self.dock_queue[waypoint].popleft()], waypoint)

    def charge(self, robot: SimRobot) -> None:
        """Bring a docked robot's battery up to now."""
        now = self.queue.now
        if robot.docked_at is not None and now > robot.docked_since:
            robot.battery = self.battery.after_charging(
                robot.battery, now - robot.docked_since
            )
            robot.docked_since = now

    # --- reports -------------------------------------------------------------

    def pose(self, robot: SimRobot) -> Pose:
        now = self.queue.now
        for seg in robot.segments:
            if seg.t0 <= now <= seg.t1:
                x, y = seg.at(now)
                return _new_pose((robot.level, x, y, 0.0))
        standing = robot.standing
        if standing is None or not (
            standing.level == robot.level
            and _same(standing.x, robot.x)
            and _same(standing.y, robot.y)
        ):
            # Made again only when the robot moved (to the bit: a pose of 0.0 is
            # not reused for -0.0); an idle robot's heartbeats, most of the day's
            # reports, share one. (Compared by value: compiled, porter_native,
            # a float read from a robot is a new object each time.)
            standing = robot.standing = _new_pose((robot.level, robot.x, robot.y, 0.0))
        return standing

    def keep_reporting(self, robot_id: str, every_s: float) -> None:
        """Report at least every ``every_s`` (a heartbeat when nothing else did)."""
        robot = self.robots[robot_id]

        def beat() -> None:
            due = robot.last_report + every_s
            if due <= self.queue.now and not robot.failed:
                self.charge(robot)
                robot.last_report = self.queue.now
                self.at_once(self._update(robot))
                due = self.queue.now + every_s
            self.queue.at(max(due, self.queue.now + 1.0), beat)

        self.queue.at(self.queue.now + every_s, beat)

    def _report(
        self,
        robot: SimRobot,
        command_id: str | None = None,
        status: CommandStatus | None = None,
        message: str = "",
    ) -> None:
        robot.last_report = self.queue.now
        self.report(self._update(robot, command_id, status, message))

    def _update(
        self,
        robot: SimRobot,
        command_id: str | None = None,
        status: CommandStatus | None = None,
        message: str = "",
    ) -> RobotUpdate:
        """The robot's report now (built positionally: ~80,000 a day)."""
        now, pose, soc = self.queue.now, self.pose(robot), robot.battery
        return _new_update(
            (robot.id, now, pose, soc, True, command_id, status, message)
        )

    # --- faults --------------------------------------------------------------

    def fail(self, robot_id: str) -> None:
        """The robot breaks down: its command fails, then it falls silent."""
        robot = self.robots[robot_id]
        if robot.failed:
            return
        command = robot.command
        self._stop(robot)
        self._undock(robot)
        robot.command = None
        self.log.add(self.queue.now, "robot_fault", robot=robot_id, broken=True)
        if command is not None:
            self._report(robot, command.command_id, CommandStatus.FAILED, "breakdown")
        robot.failed = True
        self.changed(robot_id)

    def repair(self, robot_id: str) -> None:
        robot = self.robots[robot_id]
        if robot.stranded or not robot.failed:
            return
        robot.failed = False
        self.log.add(self.queue.now, "robot_fault", robot=robot_id, broken=False)
        self.changed(robot_id)
        self._report(robot)


def _same(a: float, b: float) -> bool:
    """The same float to the bit (0.0 is not -0.0)."""
    return a == b and (a != 0.0 or copysign(1.0, a) == copysign(1.0, b))
