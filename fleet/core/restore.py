"""Rebuilding the core after a restart from the stored jobs and robots."""

from __future__ import annotations

from fleet.core.model import JobStatus
from fleet.core.state import NOT_LOADED, ON_ROBOT, FleetState
from planners.problem import Stop, StopKind


def restore_stops(state: FleetState) -> None:
    """Each robot resumes the jobs it held, oldest first; a re-plan is due at once.

    A robot that was loading or unloading goes back to waiting there (its route
    to the stop is empty); a loaded robot drives on to the drop-off.
    """
    place = state.building.place
    for job in sorted(state.jobs.values(), key=lambda j: (j.created_at, j.id)):
        if job.robot_id not in state.robots:
            continue
        if job.status in NOT_LOADED | {JobStatus.LOADING}:
            node, kind = place(job.pickup).waypoint, StopKind.PICKUP
        elif job.status in ON_ROBOT:
            target = job.pickup if job.status == JobStatus.RETURNING else job.dropoff
            node, kind = place(target).waypoint, StopKind.DROPOFF
        else:
            continue
        stop = Stop(kind, node, job.id, 0.0, 0.0, 0.0)
        state.queues.setdefault(job.robot_id, []).append(stop)
    if any(not j.status.is_final for j in state.jobs.values()):
        state.replan_due = float("-inf")
