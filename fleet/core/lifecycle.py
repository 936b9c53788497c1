"""The job and robot lifecycles as explicit transition tables.

Read the tables at a glance; every allowed change goes through :func:`move_job` or
:func:`move_robot`, which return the changed value and the audit event that records
it. A forbidden change raises :class:`TransitionNotAllowed`.
"""

from __future__ import annotations

from typing import Any

from fleet.core.errors import TransitionNotAllowed
from fleet.core.model import AuditEvent, Job, JobStatus, Robot, RobotState
from fleet.core.values import replacer

S = JobStatus
#: ``dataclasses.replace`` for the values every transition copies (~25,000 job
#: copies in a simulated hospital day).
_replace_job = replacer(Job)
_replace_robot = replacer(Robot)

#: status -> the statuses it may move to.
JOB_TRANSITIONS: dict[JobStatus, frozenset[JobStatus]] = {
    S.REQUESTED: frozenset({S.ASSIGNED, S.CANCELLED, S.FAILED}),
    # Back to requested: re-planned to nobody, or its robot failed before pickup.
    S.ASSIGNED: frozenset({S.TO_PICKUP, S.REQUESTED, S.CANCELLED, S.FAILED}),
    S.TO_PICKUP: frozenset({S.LOADING, S.REQUESTED, S.CANCELLED, S.FAILED}),
    # Cancelled while loading: the sender is right there, nothing to bring back.
    S.LOADING: frozenset({S.TO_DROPOFF, S.REQUESTED, S.CANCELLED, S.RECOVERY}),
    # Once loaded, a cancel means the items go back to the sender.
    S.TO_DROPOFF: frozenset({S.UNLOADING, S.RETURNING, S.RECOVERY}),
    S.UNLOADING: frozenset({S.COMPLETED, S.TO_DROPOFF, S.RETURNING, S.RECOVERY}),
    # Returned items are handed back at the pickup place: the job ends failed,
    # with the reason in the audit trail.
    S.RETURNING: frozenset({S.FAILED, S.RECOVERY}),
    # An operator recovered the items: re-dispatched, handed over by hand, or given up.
    S.RECOVERY: frozenset({S.REQUESTED, S.COMPLETED, S.FAILED, S.CANCELLED}),
    S.COMPLETED: frozenset(),
    S.CANCELLED: frozenset(),
    S.FAILED: frozenset(),
}

R = RobotState

ROBOT_TRANSITIONS: dict[RobotState, frozenset[RobotState]] = {
    R.IDLE: frozenset(
        {R.BUSY, R.CHARGING, R.PAUSED, R.OFFLINE, R.ERROR, R.OUT_OF_SERVICE}
    ),
    R.BUSY: frozenset(
        {R.IDLE, R.CHARGING, R.PAUSED, R.OFFLINE, R.ERROR, R.OUT_OF_SERVICE}
    ),
    R.CHARGING: frozenset(
        {R.IDLE, R.BUSY, R.PAUSED, R.OFFLINE, R.ERROR, R.OUT_OF_SERVICE}
    ),
    R.PAUSED: frozenset({R.IDLE, R.BUSY, R.OFFLINE, R.ERROR, R.OUT_OF_SERVICE}),
    R.OFFLINE: frozenset(
        {R.IDLE, R.BUSY, R.CHARGING, R.PAUSED, R.ERROR, R.OUT_OF_SERVICE}
    ),
    R.ERROR: frozenset({R.IDLE, R.OFFLINE, R.OUT_OF_SERVICE}),
    R.OUT_OF_SERVICE: frozenset({R.IDLE, R.OFFLINE}),
}


def can_move_job(before: JobStatus, after: JobStatus) -> bool:
    return after in JOB_TRANSITIONS[before]


def move_job(
    job: Job,
    after: JobStatus,
    *,
    at: float,
    actor: str,
    reason: str,
    data: dict[str, Any] | None = None,
    **changes: Any,
) -> tuple[Job, AuditEvent]:
    """Move ``job`` to ``after``, applying ``changes``; return it and its event."""
    if not can_move_job(job.status, after):
        raise TransitionNotAllowed("job", job.id, job.status, after)
    moved = _replace_job(
        job, status=after, updated_at=at, version=job.version + 1, **changes
    )
    details = {"robot_id": moved.robot_id} if moved.robot_id else {}
    details.update(data or {})
    event = AuditEvent(
        at=at,
        subject="job",
        subject_id=job.id,
        actor=actor,
        before=job.status.value,
        after=after.value,
        reason=reason,
        data=details,
    )
    return moved, event


def job_created(job: Job, *, actor: str, reason: str = "requested") -> AuditEvent:
    """The first event of every job's trail."""
    return AuditEvent(
        at=job.created_at,
        subject="job",
        subject_id=job.id,
        actor=actor,
        before=None,
        after=job.status.value,
        reason=reason,
        data={
            "pickup": job.pickup,
            "dropoff": job.dropoff,
            "category": job.category.value,
            "priority": job.priority.name.lower(),
        },
    )


def amend_job(
    job: Job,
    *,
    at: float,
    actor: str,
    reason: str,
    data: dict[str, Any] | None = None,
    **changes: Any,
) -> tuple[Job, AuditEvent]:
    """Change a job without changing its status (ETA, robot, attempts), audited."""
    amended = _replace_job(job, updated_at=at, version=job.version + 1, **changes)
    event = AuditEvent(
        at=at,
        subject="job",
        subject_id=job.id,
        actor=actor,
        before=job.status.value,
        after=job.status.value,
        reason=reason,
        data=dict(data or {}),
    )
    return amended, event


def can_move_robot(before: RobotState, after: RobotState) -> bool:
    return after in ROBOT_TRANSITIONS[before]


def move_robot(
    robot: Robot,
    after: RobotState,
    *,
    at: float,
    actor: str,
    reason: str,
    **changes: Any,
) -> tuple[Robot, AuditEvent]:
    """Move ``robot`` to state ``after``; return it and its event."""
    if not can_move_robot(robot.state, after):
        raise TransitionNotAllowed("robot", robot.id, robot.state, after)
    moved = _replace_robot(robot, state=after, version=robot.version + 1, **changes)
    event = AuditEvent(
        at=at,
        subject="robot",
        subject_id=robot.id,
        actor=actor,
        before=robot.state.value,
        after=after.value,
        reason=reason,
    )
    return moved, event
