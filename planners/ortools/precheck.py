"""Which robots may carry which job, and the jobs no robot can: with a reason.

The routing model must only see jobs some robot can serve (an empty allowed-vehicle
list means "any vehicle" to OR-Tools), so this runs first. Reasons come from
:mod:`planners.feasibility` (the single home of the per-job checks); this module
maps its answer onto robot positions.
"""

from __future__ import annotations

from planners.feasibility import unassignable_reasons
from planners.problem import DispatchProblem, Job, UnassignedReason
from planners.timeline import can_serve


def allowed_robots(problem: DispatchProblem, job: Job) -> list[int]:
    """Positions in ``problem.robots`` of the robots able to carry ``job``."""
    return [
        position
        for position, robot in enumerate(problem.robots)
        if can_serve(robot, job) and job.size <= robot.capacity
    ]


def split_jobs(
    problem: DispatchProblem,
) -> tuple[list[Job], dict[str, list[int]], dict[str, UnassignedReason]]:
    """Jobs to plan, their allowed robots, and the jobs left out with a reason."""
    onboard = {job_id for robot in problem.robots for job_id in robot.onboard}
    reasons = unassignable_reasons(problem)
    keep: list[Job] = []
    allowed: dict[str, list[int]] = {}
    left: dict[str, UnassignedReason] = {}
    for job in problem.jobs:
        if job.id in onboard:
            keep.append(job)
            continue
        robots = allowed_robots(problem, job)
        reason = reasons.get(job.id)
        if reason is None and not robots:
            too_big = all(job.size > robot.capacity for robot in problem.robots)
            reason = (
                UnassignedReason.TOO_LARGE
                if too_big
                else UnassignedReason.NO_CAPABLE_ROBOT
            )
        if reason is not None:
            left[job.id] = reason
            continue
        keep.append(job)
        allowed[job.id] = robots
    return keep, allowed, left
