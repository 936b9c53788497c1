"""Per-job pre-checks: why no robot could ever serve a job, whatever the plan.

Each check is optimistic (it ignores other jobs, jobs on board and queueing at
chargers), so a job it rejects is truly impossible in this problem; a job it passes
may still be left out by a solver, as ``NOT_SCHEDULED``.
"""

from __future__ import annotations

import math

from planners.problem import DispatchProblem, Job, Robot, UnassignedReason
from planners.timeline import EPS, can_serve, leg_distance, leg_time, start_time


def unassignable_reason(problem: DispatchProblem, job: Job) -> UnassignedReason | None:
    """The first reason no robot can serve ``job``, or ``None`` if one might."""
    capable = [robot for robot in problem.robots if can_serve(robot, job)]
    if not capable:
        return UnassignedReason.NO_CAPABLE_ROBOT
    sized = [robot for robot in capable if job.size <= robot.capacity]
    if not sized:
        return UnassignedReason.TOO_LARGE
    reachable = [robot for robot in sized if _reachable(problem, robot, job)]
    if not reachable:
        return UnassignedReason.UNREACHABLE
    in_time = [robot for robot in reachable if _direct_in_time(problem, robot, job)]
    if not in_time:
        return UnassignedReason.WINDOW_IMPOSSIBLE
    if not any(_enough_battery(problem, robot, job) for robot in in_time):
        return UnassignedReason.BATTERY
    return None


def unassignable_reasons(problem: DispatchProblem) -> dict[str, UnassignedReason]:
    """For every job no robot can serve, why (robots' own onboard jobs excluded)."""
    onboard = {jid for robot in problem.robots for jid in robot.onboard}
    reasons = {}
    for job in problem.jobs:
        if job.id in onboard:
            continue
        reason = unassignable_reason(problem, job)
        if reason is not None:
            reasons[job.id] = reason
    return reasons


def _reachable(problem: DispatchProblem, robot: Robot, job: Job) -> bool:
    to_pickup = leg_time(problem, robot, robot.start, job.pickup, ())
    escorted = leg_time(problem, robot, job.pickup, job.dropoff, (job,))
    return math.isfinite(to_pickup) and math.isfinite(escorted)


def _direct_in_time(problem: DispatchProblem, robot: Robot, job: Job) -> bool:
    """Whether the robot meets the job's hard times going straight to it now."""
    arrival = start_time(problem, robot) + leg_time(
        problem, robot, robot.start, job.pickup, ()
    )
    start = max(arrival, job.ready_at)
    if job.pickup_latest is not None and start > job.pickup_latest + EPS:
        return False
    drop = (
        start
        + job.pickup_service_s
        + leg_time(problem, robot, job.pickup, job.dropoff, (job,))
    )
    return not (job.due_is_hard and job.due_at is not None and drop > job.due_at + EPS)


def _enough_battery(problem: DispatchProblem, robot: Robot, job: Job) -> bool:
    """Whether the robot, as it is or fully charged at a charger, can do the job."""
    escort = leg_distance(problem, job.pickup, job.dropoff)
    best = robot.battery_soc - robot.drain_per_m * leg_distance(
        problem, robot.start, job.pickup
    )
    for charger in problem.chargers:
        on_arrival = robot.battery_soc - robot.drain_per_m * leg_distance(
            problem, robot.start, charger.node
        )
        if on_arrival >= -EPS:
            to_pickup = leg_distance(problem, charger.node, job.pickup)
            best = max(best, 1.0 - robot.drain_per_m * to_pickup)
    return best - robot.drain_per_m * escort >= robot.reserve_soc - EPS
