"""Send low robots to a charger before they take work.

Decided before the routing model is built, which keeps chargers out of the search:
a robot whose state of charge is within :data:`CHARGE_MARGIN` of its reserve (and
carries nothing), or that carries jobs it could not drop off above its reserve,
docks at the nearest charger with a dock free for its whole charge, charges to
full, and is planned from there. Docks are booked over time (:mod:`planners.docks`):
the docks already taken (``Charger.occupied_until``) and the charges planned here,
the lowest robots first. A robot left without a dock keeps its current charge (a
later re-plan tries again), and the battery dimension limits what it may take. A
robot that cannot reach any charger is left as it is. No robot waits at a charger
for a dock: :mod:`planners.timeline` times the stop from its arrival.
"""

from __future__ import annotations

from dataclasses import replace

from planners.docks import Booking, dock_free, taken_now
from planners.problem import DispatchProblem, Robot, Stop, StopKind

#: Charge when the state of charge above the reserve is at most this.
CHARGE_MARGIN = 0.1


def _needs_charge(problem: DispatchProblem, robot: Robot) -> bool:
    """Low and empty; or carrying jobs it cannot drop off on what it has above its
    reserve (their drop-offs nearest first), which would leave the model no
    solution at all: it docks with them on board, as greedy does."""
    if robot.drain_per_m <= 0:
        return False
    usable = robot.battery_soc - robot.reserve_soc
    if not robot.onboard:
        return usable <= CHARGE_MARGIN
    return _dropoff_metres(problem, robot) * robot.drain_per_m > usable


def _dropoff_metres(problem: DispatchProblem, robot: Robot) -> float:
    """Metres from the robot's start through its on-board drop-offs, nearest first."""
    left = {problem.job(job_id).dropoff for job_id in robot.onboard}
    here, metres = robot.start, 0.0
    while left:
        metres, here = min(
            (metres + problem.travel.distance(here, node), node) for node in left
        )
        left.discard(here)
    return metres


def _dock(
    problem: DispatchProblem, robot: Robot, booked: dict[str, list[Booking]]
) -> Stop | None:
    """The charge stop at the nearest reachable charger with a dock free, if any."""
    best: Stop | None = None
    usable = robot.battery_soc - robot.reserve_soc
    for charger in problem.chargers:
        metres = problem.travel.distance(robot.start, charger.node)
        seconds = problem.travel.time(robot.start, charger.node)
        if seconds == float("inf") or metres * robot.drain_per_m > max(usable, 0.0):
            continue
        arrival = robot.available_at + seconds / robot.speed_factor
        soc = robot.battery_soc - robot.drain_per_m * metres
        duration = max(0.0, 1.0 - soc) / charger.rate_per_s
        departure = arrival + duration
        free = dock_free(booked[charger.node], charger.docks, arrival, departure)
        if free and (best is None or arrival < best.arrival):
            best = Stop(
                StopKind.CHARGE, charger.node, None, arrival, arrival, departure
            )
    return best


def plan_charging(
    problem: DispatchProblem,
) -> tuple[DispatchProblem, dict[str, Stop]]:
    """The problem with charging robots moved to their charger, and their stops."""
    booked = {c.node: taken_now(c, problem.now) for c in problem.chargers}
    stops: dict[str, Stop] = {}
    robots = {robot.id: robot for robot in problem.robots}
    for robot in sorted(problem.robots, key=lambda r: r.battery_soc - r.reserve_soc):
        if not _needs_charge(problem, robot):
            continue
        if (stop := _dock(problem, robot, booked)) is None:
            continue
        booked[stop.node].append((stop.start, stop.departure))
        stops[robot.id] = stop
        robots[robot.id] = replace(
            robot, start=stop.node, available_at=stop.departure, battery_soc=1.0
        )
    updated = tuple(robots[robot.id] for robot in problem.robots)
    return replace(problem, robots=updated), stops
