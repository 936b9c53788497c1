"""The core's in-memory state and the audited ways to change it.

:class:`FleetState` is what :class:`~fleet.core.engine.FleetCore` owns: the jobs and
robots (immutable values, replaced on change), each robot's mission run and
planned stops, the last lift and door reports, and the timers. The helpers move a
job or robot through its lifecycle and record the change and its audit event in
the call's :class:`~fleet.core.decision.Effects`.
"""

from __future__ import annotations

import dataclasses
import operator
from dataclasses import dataclass, field
from typing import Any

from fleet.core.config import CoreConfig
from fleet.core.decision import Effects
from fleet.core.lifecycle import amend_job, move_job, move_robot
from fleet.core.missions import DrivePoses
from fleet.core.model import Job, JobStatus, Priority, Robot, RobotState
from fleet.core.ports import DoorStatus, LiftStatus, Pose
from fleet.core.runner import Run, World
from fleet.core.values import positional
from maps.model import Building
from planners.problem import Job as PlannerJob
from planners.problem import Plan, Stop

#: The core's own name in audit events.
CORE = "core"

#: Job statuses in which a robot holds the job for itself (not re-plannable).
ON_ROBOT = frozenset(
    {JobStatus.LOADING, JobStatus.TO_DROPOFF, JobStatus.UNLOADING, JobStatus.RETURNING}
)
#: Assigned but not yet loaded: a re-plan may move these.
NOT_LOADED = frozenset({JobStatus.ASSIGNED, JobStatus.TO_PICKUP})
FINAL = frozenset(status for status in JobStatus if status.is_final)


@dataclass
class FleetState:
    building: Building
    config: CoreConfig
    jobs: dict[str, Job] = field(default_factory=dict)
    robots: dict[str, Robot] = field(default_factory=dict)
    runs: dict[str, Run] = field(default_factory=dict)
    #: Planned stops each robot serves after its current mission, in order.
    queues: dict[str, list[Stop]] = field(default_factory=dict)
    lifts: dict[str, LiftStatus] = field(default_factory=dict)
    doors: dict[str, DoorStatus] = field(default_factory=dict)
    #: Robots standing at a holding point because a lift is in fire/emergency.
    held: dict[str, str] = field(default_factory=dict)
    #: Jobs whose hand-off timed out and were escalated (alert once).
    escalated: set[str] = field(default_factory=set)
    #: The load each robot's last route was planned with (see driving._build).
    last_load: dict[str, str | None] = field(default_factory=dict)
    #: Docked robots stay until this time (or until charged).
    charge_until: dict[str, float] = field(default_factory=dict)
    plan: Plan | None = None
    replan_due: float | None = None
    #: First ``now`` the core saw: offline timers start no earlier than this.
    started_at: float | None = None
    id_prefix: str = ""
    missions_made: int = 0
    #: robot id -> ids of the jobs naming it (kept by put_job/drop_job).
    _by_robot: dict[str, set[str]] = field(default_factory=dict)
    #: The same for jobs not final: a robot's finished jobs stay named for the
    #: retention time (an hour), and its open ones are what most callers walk.
    _open_by_robot: dict[str, set[str]] = field(default_factory=dict)
    #: Final jobs still in memory -> when they last changed, least recent first
    #: (kept by put_job/drop_job), so forgetting them never walks the open jobs.
    finished: dict[str, float] = field(default_factory=dict)
    #: Jobs waiting for a robot (``requested``), per priority, longest waiting
    #: first (kept by put_job/drop_job): the planner's snapshot takes from the
    #: front without walking a backlog.
    waiting: dict[Priority, dict[str, None]] = field(default_factory=dict)
    #: The last snapshot's planner jobs: job id -> (the core's job, guide size,
    #: the planner's job), reused while the core's job is the same object.
    planner_jobs: dict[str, tuple[Job, int, PlannerJob]] = field(
        default_factory=dict, repr=False, compare=False
    )
    #: Seconds of the plain route between two waypoints (``None``: no route), as
    #: charger choice asks them (fleet.core.operations); the building never changes.
    route_times: dict[tuple[str, str], float | None] = field(
        default_factory=dict, repr=False, compare=False
    )
    #: Each lift's session seconds and capacity (fleet.core.mission_routes).
    lift_sessions: dict[str, tuple[float, int]] = field(
        default_factory=dict, repr=False, compare=False
    )
    #: What the runner reads (:attr:`world`), made once: it holds the lift and
    #: door reports by reference, and the building's remembered drive poses.
    _world: World | None = field(default=None, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # Set here too: mypyc's compiled dataclasses skip an init=False default.
        self._world = None
        for job in sorted(self.jobs.values(), key=lambda j: (j.created_at, j.id)):
            if job.robot_id is not None:
                self._by_robot.setdefault(job.robot_id, set()).add(job.id)
                if not job.status.is_final:
                    self._open_by_robot.setdefault(job.robot_id, set()).add(job.id)
            if job.status == JobStatus.REQUESTED:
                self.waiting.setdefault(job.priority, {})[job.id] = None
        for job in sorted(self.jobs.values(), key=lambda j: j.updated_at):
            if job.status.is_final:
                self.finished[job.id] = job.updated_at

    def put_job(self, job: Job) -> None:
        """Store a new or changed job, keeping the per-robot index right."""
        old = self.jobs.get(job.id)
        if (
            old is not None
            and old.robot_id is not None
            and old.robot_id != job.robot_id
        ):
            self._by_robot.get(old.robot_id, set()).discard(job.id)
        if old is not None and old.robot_id is not None:
            self._open_by_robot.get(old.robot_id, set()).discard(job.id)
        if job.robot_id is not None:
            self._by_robot.setdefault(job.robot_id, set()).add(job.id)
            if not job.status.is_final:
                self._open_by_robot.setdefault(job.robot_id, set()).add(job.id)
        self.jobs[job.id] = job
        self.finished.pop(job.id, None)
        if job.status.is_final:
            self.finished[job.id] = job.updated_at
        self._keep_waiting(old, job)

    def _keep_waiting(self, old: Job | None, job: Job) -> None:
        """A job keeps its place in the waiting line while it stays there."""
        was = old is not None and old.status == JobStatus.REQUESTED
        now = job.status == JobStatus.REQUESTED
        if was and now and old is not None and old.priority == job.priority:
            return
        if was and old is not None:
            self.waiting.get(old.priority, {}).pop(job.id, None)
        if now:
            self.waiting.setdefault(job.priority, {})[job.id] = None

    def robot_jobs(self) -> dict[str, set[str]]:
        """Robot id -> ids of the jobs naming it (read only)."""
        return self._by_robot

    def open_robot_jobs(self) -> dict[str, set[str]]:
        """Robot id -> ids of the jobs naming it that are not final (read only)."""
        return self._open_by_robot

    def drop_job(self, job_id: str) -> None:
        job = self.jobs.pop(job_id)
        self.finished.pop(job_id, None)
        self.waiting.get(job.priority, {}).pop(job_id, None)
        if job.robot_id is not None:
            self._by_robot.get(job.robot_id, set()).discard(job_id)
            self._open_by_robot.get(job.robot_id, set()).discard(job_id)

    @property
    def world(self) -> World:
        world = self._world
        if (
            world is None
            or world.lifts is not self.lifts
            or world.doors is not self.doors
        ):
            # (Made again only if someone gave the state other report dicts.)
            poses = DrivePoses(self.building) if world is None else world.drive_poses
            world = self._world = World(self.building, self.lifts, self.doors, poses)
        return world

    def mission_id(self, robot_id: str) -> str:
        self.missions_made += 1
        return f"{self.id_prefix}{robot_id}-m{self.missions_made}"

    def jobs_of(self, robot_id: str, statuses: frozenset[JobStatus]) -> list[Job]:
        """The robot's jobs in ``statuses``, oldest first."""
        jobs = self.jobs
        named = (
            self._by_robot if not statuses.isdisjoint(FINAL) else self._open_by_robot
        )
        found = [
            job
            for job_id in named.get(robot_id, ())
            if (job := jobs[job_id]).status in statuses
        ]
        if len(found) > 1:
            found.sort(key=_by_age)
        return found

    def schedule_replan(self, now: float) -> None:
        if self.replan_due is None:
            self.replan_due = now + self.config.replan_debounce_s


def _by_age(job: Job) -> tuple[float, str]:
    return job.created_at, job.id


def change_job(
    state: FleetState,
    fx: Effects,
    job_id: str,
    after: JobStatus,
    *,
    now: float,
    reason: str,
    actor: str = CORE,
    data: dict[str, Any] | None = None,
    **changes: Any,
) -> Job:
    """Move a job through its lifecycle, audited, and record it in ``fx``."""
    before = state.jobs[job_id]
    moved, event = move_job(
        before, after, at=now, actor=actor, reason=reason, data=data, **changes
    )
    state.put_job(moved)
    fx.job(before, moved, event)
    return moved


def amend(
    state: FleetState,
    fx: Effects,
    job_id: str,
    *,
    now: float,
    reason: str,
    actor: str = CORE,
    data: dict[str, Any] | None = None,
    **changes: Any,
) -> Job:
    """Change a job without changing its status, audited."""
    before = state.jobs[job_id]
    amended, event = amend_job(
        before, at=now, actor=actor, reason=reason, data=data, **changes
    )
    state.put_job(amended)
    fx.job(before, amended, event)
    return amended


def change_robot(
    state: FleetState,
    fx: Effects,
    robot_id: str,
    after: RobotState,
    *,
    now: float,
    reason: str,
    actor: str = CORE,
    **changes: Any,
) -> Robot:
    """Move a robot to another state (no-op if it is already there), audited."""
    before = state.robots[robot_id]
    if before.state == after:
        return update_robot(state, fx, robot_id, **changes) if changes else before
    moved, event = move_robot(
        before, after, at=now, actor=actor, reason=reason, **changes
    )
    state.robots[robot_id] = moved
    fx.robot(moved, event)
    return moved


def update_robot(
    state: FleetState, fx: Effects, robot_id: str, **changes: Any
) -> Robot:
    """Change what a robot reports (pose, battery, mission): no audit event."""
    robot = changed_robot(state.robots[robot_id], changes)
    state.robots[robot_id] = robot
    fx.robot(robot)
    return robot


_ROBOT_FIELDS = tuple(f.name for f in dataclasses.fields(Robot))
_ROBOT_FIELD_SET = frozenset(_ROBOT_FIELDS)
_ROBOT_POSITION = {name: i for i, name in enumerate(_ROBOT_FIELDS)}
_robot_values = operator.attrgetter(*_ROBOT_FIELDS)


def changed_robot(robot: Robot, changes: dict[str, Any]) -> Robot:
    """``dataclasses.replace(robot, **changes)``, about twice as fast: every robot
    report (a heartbeat every few seconds per robot) makes one, so it is the core's
    most frequent copy (~100,000 in a simulated hospital day). The fields are read
    in one C call and the copy built positionally, slot by slot
    (:func:`fleet.core.values.positional`)."""
    unknown = changes.keys() - _ROBOT_FIELD_SET
    if unknown:
        raise TypeError(f"Robot has no field {sorted(unknown)[0]!r}")
    values = list(_robot_values(robot))
    for name, value in changes.items():
        values[_ROBOT_POSITION[name]] = value
    return _new_robot(values)


_new_robot = positional(Robot)
_LAST_SEEN, _LEVEL, _X, _Y, _SOC = (
    _ROBOT_POSITION[name] for name in ("last_seen", "level", "x", "y", "battery_soc")
)


def reported_robot(
    robot: Robot, last_seen: float, pose: Pose | None, soc: float | None
) -> Robot:
    """``changed_robot`` for what a report on a known waypoint changes (last
    seen, the pose's level and position, the battery): set by position, without
    the changes dict and its field check (a heartbeat every 25 s per robot)."""
    values = list(_robot_values(robot))
    values[_LAST_SEEN] = last_seen
    if pose is not None:
        values[_LEVEL], values[_X], values[_Y] = pose.level, pose.x, pose.y
    if soc is not None:
        values[_SOC] = soc
    return _new_robot(values)
