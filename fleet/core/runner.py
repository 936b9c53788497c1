"""Running a mission: from its current step and what the world reports, what next.

A :class:`Run` is one robot's progress through its :class:`Mission`. The functions
here take the run and one report (a command finished, a lift or door status, a
confirm from the API) and return an :class:`Output`: commands to send, lift and
door requests, and whether the robot arrived at its stop or finished. Nothing
here touches jobs: the engine turns arrivals into job changes.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

from fleet.core.decision import DoorRequest, LiftRequest
from fleet.core.missions import (
    INTERRUPTIBLE,
    CallLiftStep,
    ChangeLevelStep,
    DockStep,
    DrivePoses,
    DriveStep,
    HoldStep,
    Mission,
    OpenDoorStep,
    ReleaseDoorStep,
    ReleaseLiftStep,
    RideLiftStep,
    ServiceStep,
    Step,
    pose_of,
    poses,
)
from fleet.core.ports import (
    ChangeLevel,
    Dock,
    DoorStatus,
    LiftMode,
    LiftStatus,
    Navigate,
    RobotCommand,
)
from maps.model import Building

#: Lift modes a robot must not enter a car in.
LIFT_BLOCKED = frozenset({LiftMode.FIRE, LiftMode.EMERGENCY, LiftMode.OFFLINE})


@dataclass
class Run:
    """One robot's progress through its mission."""

    mission: Mission
    started_at: float
    index: int = 0
    command_id: str | None = None
    #: When the robot reached its service step (loading, hand-off, holding).
    arrived_at: float | None = None
    #: When the current step started (for waits that take too long).
    step_since: float = 0.0
    #: The current step's long wait was already reported.
    wait_reported: bool = False
    lifts_held: set[str] = field(default_factory=set)
    doors_held: set[str] = field(default_factory=set)
    #: Send the robot on to its next stop at the first safe moment (out of the
    #: lift, through the door): its current stop no longer matters.
    redirect: bool = False
    #: (step index, lift) of each call for a car in the mission, in order: the
    #: lifts still ahead of the run without walking its steps (asked for every
    #: other robot whenever a mission is routed).
    lift_calls: tuple[tuple[int, str], ...] = field(
        init=False, repr=False, compare=False
    )

    def __post_init__(self) -> None:
        self.lift_calls = tuple(
            (i, step.lift)
            for i, step in enumerate(self.mission.steps)
            if isinstance(step, CallLiftStep)
        )

    def lifts_ahead(self) -> set[str]:
        """The lifts the run holds or has a call for at or after its step."""
        lifts = set(self.lifts_held)
        index = self.index
        lifts.update(lift for i, lift in self.lift_calls if i >= index)
        return lifts

    @property
    def step(self) -> Step | None:
        steps = self.mission.steps
        return steps[self.index] if self.index < len(steps) else None

    @property
    def at_service(self) -> bool:
        return isinstance(self.step, ServiceStep | HoldStep)

    @property
    def interruptible(self) -> bool:
        """Whether the robot can be sent elsewhere now without stranding a lift."""
        step = self.step
        if step is None:
            return True
        # Waiting for a door to open or a car to come is fine to give up (the
        # abort releases them); being in the doorway or the car is not.
        door_wait = isinstance(step, OpenDoorStep) and self.doors_held <= {step.door}
        car_wait = isinstance(step, CallLiftStep) and self.lifts_held <= {step.lift}
        doors_ok = not self.doors_held or door_wait
        lifts_ok = not self.lifts_held or car_wait
        return doors_ok and lifts_ok and isinstance(step, INTERRUPTIBLE)


@dataclass
class Output:
    commands: list[RobotCommand] = field(default_factory=list)
    cancels: list[str] = field(default_factory=list)
    lift_requests: list[LiftRequest] = field(default_factory=list)
    door_requests: list[DoorRequest] = field(default_factory=list)
    arrived: bool = False
    finished: bool = False
    #: The lift this robot was about to call is in fire/emergency/offline mode.
    blocked_lift: str | None = None


@dataclass(frozen=True, slots=True)
class World:
    """What the runner reads: the building and the last lift and door reports;
    ``drive_poses`` remembers drive commands' poses (``None``: made each time)."""

    building: Building
    lifts: dict[str, LiftStatus]
    doors: dict[str, DoorStatus]
    drive_poses: DrivePoses | None = None


def lift_ready(status: LiftStatus | None, level: str, robot_id: str) -> bool:
    return (
        status is not None
        and status.mode not in LIFT_BLOCKED
        and status.level == level
        and status.doors_open
        and status.serves(robot_id)
        and not status.moving
    )


def advance(run: Run, world: World, now: float, out: Output | None = None) -> Output:
    """Start the current step, skipping through steps that need no waiting."""
    out = out or Output()
    robot = run.mission.robot_id
    while (step := run.step) is not None:
        run.command_id = None
        run.step_since, run.wait_reported = now, False
        if isinstance(step, DriveStep | ChangeLevelStep | DockStep):
            command = _command(run, step, world)
            run.command_id = command.command_id
            out.commands.append(command)
            return out
        if isinstance(step, ServiceStep | HoldStep):
            run.arrived_at = now
            out.arrived = True
            return out
        if not _instant_step(run, step, world, out, robot):
            return out
        run.index += 1
    out.finished = True
    return out


def _instant_step(run: Run, step: Step, world: World, out: Output, robot: str) -> bool:
    """Do a lift or door step; return whether it is already complete."""
    if isinstance(step, OpenDoorStep):
        run.doors_held.add(step.door)
        out.door_requests.append(DoorRequest(step.door, True, robot))
        status = world.doors.get(step.door)
        return status is not None and status.open
    if isinstance(step, ReleaseDoorStep):
        run.doors_held.discard(step.door)
        out.door_requests.append(DoorRequest(step.door, False, robot))
        _forget_open(world, step.door)
        return True
    if isinstance(step, ReleaseLiftStep):
        run.lifts_held.discard(step.lift)
        out.lift_requests.append(LiftRequest(step.lift, None, robot, release=True))
        forget_session(world, step.lift, robot)
        return True
    if isinstance(step, CallLiftStep | RideLiftStep):
        car = world.lifts.get(step.lift)
        if isinstance(step, CallLiftStep) and car and car.mode in LIFT_BLOCKED:
            out.blocked_lift = step.lift
            return False
        run.lifts_held.add(step.lift)
        out.lift_requests.append(LiftRequest(step.lift, step.level, robot))
        return isinstance(step, CallLiftStep) and lift_ready(car, step.level, robot)
    raise TypeError(f"not an instant step: {step!r}")


def _command(run: Run, step: Step, world: World) -> RobotCommand:
    command_id, building = f"{run.mission.id}.{run.index}", world.building
    if isinstance(step, DriveStep):
        along = world.drive_poses
        return Navigate(
            command_id,
            step.level,
            step.waypoints,
            poses(building, step.waypoints)
            if along is None
            else along.along(step.waypoints),
            step.max_speed_mps,
        )
    if isinstance(step, ChangeLevelStep):
        return ChangeLevel(command_id, step.level, pose_of(building, step.waypoint))
    assert isinstance(step, DockStep)
    return Dock(command_id, step.waypoint, pose_of(building, step.waypoint))


def forget_session(world: World, lift_id: str, robot_id: str) -> None:
    """After releasing a car, its last report ("open for this robot") is stale:
    the next call must wait for a fresh one."""
    status = world.lifts.get(lift_id)
    if status is not None and status.serves(robot_id):
        world.lifts[lift_id] = dataclasses.replace(
            status,
            session=None if status.session == robot_id else status.session,
            sessions=tuple(s for s in status.sessions if s != robot_id),
            doors_open=False,
        )


def _forget_open(world: World, door_id: str) -> None:
    """After releasing a door its "open" report is stale: wait for a fresh one."""
    status = world.doors.get(door_id)
    if status is not None and status.open:
        world.doors[door_id] = dataclasses.replace(status, open=False)


def position_after(step: Step | None) -> str | None:
    """The waypoint a robot stands on once ``step`` succeeded (if it moves it)."""
    if isinstance(step, DriveStep):
        return step.waypoints[-1]
    if isinstance(step, ChangeLevelStep | DockStep):
        return step.waypoint
    return None


def command_succeeded(run: Run, world: World, now: float) -> Output:
    run.index += 1
    return advance(run, world, now)


def lift_changed(run: Run, status: LiftStatus, world: World, now: float) -> Output:
    step, robot = run.step, run.mission.robot_id
    if isinstance(step, CallLiftStep) and step.lift == status.lift_id:
        if status.mode in LIFT_BLOCKED:
            return Output(blocked_lift=step.lift)
        if lift_ready(status, step.level, robot):
            run.index += 1
            return advance(run, world, now)
    if isinstance(step, RideLiftStep) and step.lift == status.lift_id:  # noqa: SIM102
        if lift_ready(status, step.level, robot):
            run.index += 1
            return advance(run, world, now)
    return Output()


def door_changed(run: Run, status: DoorStatus, world: World, now: float) -> Output:
    step = run.step
    if isinstance(step, OpenDoorStep) and step.door == status.door_id and status.open:
        run.index += 1
        return advance(run, world, now)
    return Output()


def service_done(run: Run, world: World, now: float) -> Output:
    """The confirm the robot waited for came: go on (usually: the mission ends)."""
    if run.at_service:
        run.index += 1
        run.arrived_at = None
        return advance(run, world, now)
    return Output()


def abort(run: Run, world: World | None = None) -> Output:
    """Stop the run where it is: cancel its command, release its lifts and doors."""
    out, robot = Output(), run.mission.robot_id
    if run.command_id is not None:
        out.cancels.append(run.command_id)
        run.command_id = None
    for lift in sorted(run.lifts_held):
        out.lift_requests.append(LiftRequest(lift, None, robot, release=True))
        if world is not None:
            forget_session(world, lift, robot)
    for door in sorted(run.doors_held):
        out.door_requests.append(DoorRequest(door, False, robot))
        if world is not None:
            _forget_open(world, door)
    run.lifts_held.clear()
    run.doors_held.clear()
    return out
