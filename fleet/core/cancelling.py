"""Cancelling a job at any stage.

Before loading the job simply ends (its robot, if any, drops the stop and goes on;
a re-plan is asked for). While loading it ends and the robot leaves. Once loaded,
a cancel sends the items back to the sender (``returning``); the job ends failed
when the sender confirms taking them back.
"""

from __future__ import annotations

from fleet.core.decision import Effects
from fleet.core.driving import redirect
from fleet.core.errors import Conflict
from fleet.core.handoff import send_back
from fleet.core.model import JobStatus
from fleet.core.state import FleetState, change_job


def cancel(
    state: FleetState, fx: Effects, job_id: str, actor: str, reason: str, now: float
) -> None:
    job = state.jobs[job_id]
    status, robot_id = job.status, job.robot_id
    if status.is_final or status == JobStatus.RETURNING:
        raise Conflict(f"job {job_id!r} is {status.value}: it cannot be cancelled")
    if status in (JobStatus.TO_DROPOFF, JobStatus.UNLOADING):
        send_back(state, fx, job_id, now, f"{reason} (by {actor}) after loading")
        return
    change_job(
        state, fx, job_id, JobStatus.CANCELLED, now=now, actor=actor, reason=reason
    )
    if robot_id is None or status == JobStatus.RECOVERY:
        return
    queue = state.queues.get(robot_id, [])
    queue[:] = [s for s in queue if s.job_id != job_id]
    run = state.runs.get(robot_id)
    if run is not None and run.mission.job_id == job_id:
        redirect(state, fx, robot_id, now)
    state.schedule_replan(now)
