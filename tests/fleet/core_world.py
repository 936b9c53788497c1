"""A hand-driven world for the fleet core's tests: robots, lifts and doors that
answer every command and request at once, with a log of what the core asked."""

from __future__ import annotations

from dataclasses import dataclass, field

from fleet.core.decision import Decision, DoorRequest, LiftRequest
from fleet.core.engine import FleetCore
from fleet.core.model import Job, Principal, Robot, Role
from fleet.core.ports import (
    ChangeLevel,
    CommandStatus,
    Dock,
    DoorStatus,
    LiftMode,
    LiftStatus,
    Navigate,
    Pose,
    RobotCommand,
    RobotUpdate,
)
from planners.greedy import dispatch_greedy

OPERATOR = Principal("ops", Role.OPERATOR)
STATION_1 = Principal("station_1", Role.NURSING_STATION, wards=frozenset({"ward_1"}))
PHARMACY = Principal("pharmacy", Role.PHARMACY)


def robot(robot_id: str, waypoint: str, level: str = "G", **kw: object) -> Robot:
    return Robot(id=robot_id, waypoint=waypoint, level=level, compartments=4, **kw)  # type: ignore[arg-type]


@dataclass
class World:
    """Answers the core's commands one at a time, advancing time by ``step_s``."""

    core: FleetCore
    now: float = 1000.0
    step_s: float = 5.0
    #: What the core asked, in order: ("navigate", robot, level, waypoints), ...
    log: list[tuple[object, ...]] = field(default_factory=list)
    pending: list[tuple[str, object]] = field(default_factory=list)
    decisions: list[Decision] = field(default_factory=list)
    #: Robots whose commands are not answered (they went silent).
    silent: set[str] = field(default_factory=set)
    lift_mode: LiftMode = LiftMode.AGV
    lift_level: dict[str, str | None] = field(default_factory=dict)
    lift_holder: dict[str, str | None] = field(default_factory=dict)
    lift_queue: dict[str, list[tuple[str, str]]] = field(default_factory=dict)

    def take(self, decision: Decision) -> Decision:
        """Record a decision and queue the answers the world will give."""
        self.decisions.append(decision)
        for robot_id, command in decision.commands:
            self.log.append(_describe(robot_id, command))
            self.pending.append(("command", (robot_id, command)))
        for request in decision.lift_requests:
            kind = "lift_release" if request.release else "lift_call"
            self.log.append((kind, request.session, request.lift_id, request.level))
            self.pending.append(("lift", request))
        for request in decision.door_requests:
            self.log.append(("door", request.session, request.door_id, request.open))
            self.pending.append(("door", request))
        return decision

    def answer_one(self) -> bool:
        """Answer the oldest pending command or request; ``False`` if none."""
        for i, (kind, item) in enumerate(self.pending):
            if kind == "command" and item[0] in self.silent:  # type: ignore[index]
                continue
            del self.pending[i]
            self.now += self.step_s
            self.take(self._answer(kind, item))
            return True
        return False

    def _answer(self, kind: str, item: object) -> Decision:
        if kind == "command":
            robot_id, command = item  # type: ignore[misc]
            update = RobotUpdate(
                robot_id, self.now, pose=_pose_of(command), battery_soc=0.9,
                command_id=command.command_id,
                command_status=CommandStatus.SUCCEEDED,
            )  # fmt: skip
            return self.core.robot_update(update, now=self.now)
        if isinstance(item, LiftRequest):
            return self._lift(item)
        assert isinstance(item, DoorRequest)
        status = DoorStatus(item.door_id, self.now, item.open)
        return self.core.door_status(status, now=self.now)

    def _lift(self, request: LiftRequest) -> Decision:
        """One car per lift, one session at a time; others queue until released."""
        lift, holder = request.lift_id, self.lift_holder.get(request.lift_id)
        if request.release:
            # A release also withdraws the session's calls still queued.
            waiting = self.lift_queue.setdefault(lift, [])
            waiting[:] = [w for w in waiting if w[0] != request.session]
            if holder != request.session:
                return Decision()
            if waiting:
                return self._serve(lift, *waiting.pop(0))
            self.lift_holder[lift] = None
            level = self.lift_level.get(lift)
            status = LiftStatus(lift, self.now, level, False, self.lift_mode)
            return self.core.lift_status(status, now=self.now)
        assert request.level is not None
        if holder in (None, request.session):
            return self._serve(lift, request.session, request.level)
        self.lift_queue.setdefault(lift, []).append((request.session, request.level))
        return Decision()

    def _serve(self, lift: str, session: str, level: str) -> Decision:
        self.lift_holder[lift], self.lift_level[lift] = session, level
        status = LiftStatus(
            lift, self.now, level, True, self.lift_mode, session=session
        )
        return self.core.lift_status(status, now=self.now)

    def wait(self, seconds: float, every: float = 10.0) -> list[Decision]:
        """Let time pass: robots not silent report in, the core ticks."""
        ticks = []
        end = self.now + seconds
        while self.now < end:
            self.now = min(end, self.now + every)
            for robot in self.core.robots():
                if robot.id not in self.silent:
                    update = RobotUpdate(robot.id, self.now, battery_soc=0.9)
                    self.take(self.core.robot_update(update, now=self.now))
            tick = self.take(self.core.tick(now=self.now))
            ticks.append(tick)
            if tick.replan_needed:
                self._dispatch()
        return ticks

    def settle(self, limit: int = 300) -> None:
        """Answer everything until the core asks nothing more."""
        for _ in range(limit):
            if not self.answer_one():
                return
        raise AssertionError("the world did not settle")

    def plan(self) -> Decision:
        """Run the debounced re-plan now with the greedy planner."""
        self.now += self.core.config.replan_debounce_s
        self.take(self.core.tick(now=self.now))
        return self._dispatch()

    def _dispatch(self) -> Decision:
        problem = self.core.dispatch_problem(now=self.now)
        return self.take(self.core.apply_plan(dispatch_greedy(problem), now=self.now))

    def status(self, job_id: str) -> str:
        return self.core.job(job_id).status.value

    def job_trail(self, job_id: str) -> list[str]:
        """The statuses a job went through, from every decision so far."""
        trail = []
        for decision in self.decisions:
            for job, _, events in decision.jobs:
                if job.id == job_id:
                    trail.extend(e.after for e in events if e.after != e.before)
        return trail


def _pose_of(command: RobotCommand) -> Pose:
    if isinstance(command, Navigate):
        return command.path[-1]
    return command.pose


def _describe(robot_id: str, command: RobotCommand) -> tuple[object, ...]:
    if isinstance(command, Navigate):
        return ("navigate", robot_id, command.level, command.waypoints)
    if isinstance(command, ChangeLevel):
        return ("change_level", robot_id, command.level)
    assert isinstance(command, Dock)
    return ("dock", robot_id, command.waypoint)


def job_of(world: World, job_id: str) -> Job:
    return world.core.job(job_id)
