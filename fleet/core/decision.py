"""What one call of the core decides: a :class:`Decision`, and its collector.

The engine never does I/O; each call returns everything the service must do, in
order: persist the jobs and robots (with their audit events), then send commands,
cancels, lift and door requests, and raise alerts.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from fleet.core.errors import FleetError
from fleet.core.model import AuditEvent, Job, Robot
from fleet.core.ports import RobotCommand
from fleet.core.values import positional


@dataclass(frozen=True, slots=True)
class LiftRequest:
    """Call the car to ``level`` and hold it for ``session``, or release it."""

    lift_id: str
    level: str | None
    session: str
    release: bool = False


@dataclass(frozen=True, slots=True)
class DoorRequest:
    """Open (``open=True``) or release (``open=False``) a door for ``session``."""

    door_id: str
    open: bool
    session: str


class AlertKind(StrEnum):
    ROBOT_OFFLINE = "robot_offline"
    ROBOT_FAILED = "robot_failed"
    RECOVERY = "recovery"
    HANDOFF_LOCKED = "handoff_locked"
    HANDOFF_TIMEOUT = "handoff_timeout"
    LIFT_UNAVAILABLE = "lift_unavailable"
    DOOR_UNAVAILABLE = "door_unavailable"
    NO_ROUTE = "no_route"


@dataclass(frozen=True, slots=True)
class Alert:
    """Something an operator must look at."""

    kind: AlertKind
    message: str
    at: float
    robot_id: str | None = None
    job_ids: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Decision:
    """Everything the service must do after one call, in this order.

    ``jobs`` holds ``(job, expected_version, events)``: ``expected_version`` is
    ``None`` for a new job (``store.create_job``), else the stored version to
    guard ``store.save_job`` with. ``refused`` is set when the call itself was
    refused (a wrong PIN): persist the rest first, then raise it.
    """

    jobs: tuple[tuple[Job, int | None, tuple[AuditEvent, ...]], ...] = ()
    robots: tuple[tuple[Robot, tuple[AuditEvent, ...]], ...] = ()
    commands: tuple[tuple[str, RobotCommand], ...] = ()
    cancels: tuple[tuple[str, str], ...] = ()
    lift_requests: tuple[LiftRequest, ...] = ()
    door_requests: tuple[DoorRequest, ...] = ()
    alerts: tuple[Alert, ...] = ()
    replan_needed: bool = False
    refused: FleetError | None = None

    @property
    def events(self) -> tuple[AuditEvent, ...]:
        """Every audit event of this decision, jobs first."""
        job_events = tuple(e for _, _, events in self.jobs for e in events)
        return job_events + tuple(e for _, events in self.robots for e in events)


@dataclass
class Effects:
    """A mutable collector the engine's helpers write into during one call."""

    _jobs: dict[str, tuple[Job, int | None, list[AuditEvent]]] = field(
        default_factory=dict
    )
    _robots: dict[str, tuple[Robot, list[AuditEvent]]] = field(default_factory=dict)
    commands: list[tuple[str, RobotCommand]] = field(default_factory=list)
    cancels: list[tuple[str, str]] = field(default_factory=list)
    lift_requests: list[LiftRequest] = field(default_factory=list)
    door_requests: list[DoorRequest] = field(default_factory=list)
    alerts: list[Alert] = field(default_factory=list)
    replan: bool = False
    refused: FleetError | None = None

    def new_job(self, job: Job, event: AuditEvent) -> None:
        self._jobs[job.id] = (job, None, [event])

    def job(self, before: Job, after: Job, *events: AuditEvent) -> None:
        """Record a change of ``before`` into ``after`` (merged within one call)."""
        if before.id in self._jobs:
            _, expected, trail = self._jobs[before.id]
        else:
            expected, trail = before.version, []
        self._jobs[before.id] = (after, expected, trail + list(events))

    def robot(self, robot: Robot, *events: AuditEvent) -> None:
        trail = self._robots[robot.id][1] if robot.id in self._robots else []
        self._robots[robot.id] = (robot, trail + list(events))

    def alert(self, alert: Alert) -> None:
        self.alerts.append(alert)

    def decision(self) -> Decision:
        # Most calls are robot reports that change one robot and nothing else:
        # empty parts skip their generators (a hundred thousand calls a day).
        jobs = self._jobs
        return _new_decision(
            (
                tuple((j, v, tuple(e)) for j, v, e in jobs.values()) if jobs else (),
                tuple((r, tuple(e)) for r, e in self._robots.values()),
                tuple(self.commands),
                tuple(self.cancels),
                tuple(self.lift_requests),
                tuple(self.door_requests),
                tuple(self.alerts),
                self.replan,
                self.refused,
            )
        )


def robot_only(robot: Robot) -> Decision:
    """``Decision(robots=((robot, ()),))``: a report that refreshed one robot."""
    return _new_decision(((), ((robot, ()),), (), (), (), (), (), False, None))


_new_decision = positional(Decision)
