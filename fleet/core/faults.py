"""Robot faults: no job is ever dropped.

A robot silent past the offline timeout, or whose command fails, gives back the
jobs it has not loaded yet, loading unconfirmed included (back to ``requested``,
audited with the reason, and a re-plan is asked for); jobs with items on board go
to ``recovery`` and an operator is alerted. When the robot comes back it is idle
again; its recovery jobs stay until an operator resolves them.
"""

from __future__ import annotations

from typing import Any

from fleet.core.decision import Alert, AlertKind, Effects
from fleet.core.driving import current_stop, start_next, stop_run
from fleet.core.errors import Conflict, InvalidRequest
from fleet.core.model import JobStatus, RobotState
from fleet.core.state import (
    NOT_LOADED,
    ON_ROBOT,
    FleetState,
    change_job,
    change_robot,
)

#: Robot states that are expected to report.
REPORTING = frozenset(
    {RobotState.IDLE, RobotState.BUSY, RobotState.CHARGING, RobotState.PAUSED}
)
#: What an operator may make of a job in recovery.
RECOVERY_OUTCOMES = frozenset(
    {JobStatus.REQUESTED, JobStatus.COMPLETED, JobStatus.FAILED, JobStatus.CANCELLED}
)


def release_job(
    state: FleetState, fx: Effects, job_id: str, now: float, reason: str
) -> None:
    """Give a not-yet-loaded job back to the planner (``requested``)."""
    job = state.jobs[job_id]
    if job.robot_id is not None:
        queue = state.queues.get(job.robot_id, [])
        queue[:] = [s for s in queue if s.job_id != job_id]
    change_job(
        state, fx, job_id, JobStatus.REQUESTED, now=now, reason=reason,
        data={"released_by": job.robot_id}, robot_id=None, eta_pickup=None,
        eta_dropoff=None,
    )  # fmt: skip
    state.schedule_replan(now)


def stand_down(
    state: FleetState, fx: Effects, robot_id: str, now: float, reason: str
) -> None:
    """Stop a robot's mission and give back its jobs not yet loaded.

    Loaded jobs stay on the robot with their drop-off still planned.
    """
    kept = current_stop(state, robot_id, now)
    stop_run(state, fx, robot_id)
    queue = state.queues.setdefault(robot_id, [])
    if kept is not None:
        queue.insert(0, kept)
    for job in state.jobs_of(robot_id, NOT_LOADED):
        release_job(state, fx, job.id, now, reason)


def robot_lost(
    state: FleetState, fx: Effects, robot_id: str, after: RobotState, now: float,
    reason: str,
) -> None:  # fmt: skip
    """Take a failed robot out of the plan; release or recover its jobs."""
    stop_run(state, fx, robot_id)
    state.held.pop(robot_id, None)
    state.queues[robot_id] = []
    # Loading not yet confirmed: custody never passed, the sender is right there.
    for job in state.jobs_of(robot_id, NOT_LOADED | {JobStatus.LOADING}):
        release_job(state, fx, job.id, now, f"robot {robot_id} {reason}")
    carried = state.jobs_of(robot_id, ON_ROBOT)
    for job in carried:
        change_job(
            state, fx, job.id, JobStatus.RECOVERY, now=now,
            reason=f"robot {robot_id} {reason} with the items on board",
        )  # fmt: skip
    change_robot(state, fx, robot_id, after, now=now, reason=reason, mission_id=None)
    kind = (
        AlertKind.ROBOT_OFFLINE
        if after == RobotState.OFFLINE
        else AlertKind.ROBOT_FAILED
    )
    fx.alert(Alert(kind, f"robot {robot_id} {reason}", now, robot_id))
    if carried:
        ids = tuple(j.id for j in carried)
        message = f"robot {robot_id} {reason} carrying {', '.join(ids)}: recover them"
        fx.alert(Alert(AlertKind.RECOVERY, message, now, robot_id, ids))
    state.schedule_replan(now)


def check_offline(state: FleetState, fx: Effects, now: float) -> None:
    """Robots silent longer than the timeout are offline (tick)."""
    timeout = state.config.robot_offline_timeout_s
    since = state.started_at if state.started_at is not None else now
    for robot in list(state.robots.values()):
        if robot.state in REPORTING and now - max(robot.last_seen, since) > timeout:
            silent = now - max(robot.last_seen, since)
            robot_lost(
                state, fx, robot.id, RobotState.OFFLINE, now,
                f"offline (silent for {silent:.0f} s)",
            )  # fmt: skip


def robot_back(state: FleetState, fx: Effects, robot_id: str, now: float) -> None:
    """An offline robot reports again: idle, ready for the planner."""
    if state.robots[robot_id].state == RobotState.OFFLINE:
        change_robot(
            state, fx, robot_id, RobotState.IDLE, now=now, reason="back online"
        )
        state.schedule_replan(now)
        start_next(state, fx, robot_id, now)


def resolve_recovery(
    state: FleetState, fx: Effects, job_id: str, outcome: JobStatus, actor: str,
    now: float,
) -> None:  # fmt: skip
    """An operator decides a recovery job: re-dispatch, delivered by hand, or end."""
    job = state.jobs[job_id]
    if job.status != JobStatus.RECOVERY:
        raise Conflict(f"job {job_id!r} is {job.status.value}, not in recovery")
    if outcome not in RECOVERY_OUTCOMES:
        raise InvalidRequest("outcome", f"{outcome.value!r} is not a recovery outcome")
    changes: dict[str, Any] = {}
    if outcome == JobStatus.REQUESTED:
        # Re-dispatched from its original pickup, by whichever robot the plan picks.
        changes = {"robot_id": None, "eta_pickup": None, "eta_dropoff": None}
        state.schedule_replan(now)
    change_job(
        state, fx, job_id, outcome, now=now, actor=actor,
        reason=f"recovery resolved: {outcome.value}", **changes,
    )  # fmt: skip
