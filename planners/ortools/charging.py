"""Send low robots to a charger before they take work.

Decided before the routing model is built, which keeps chargers out of the search:
a robot whose state of charge is within :data:`CHARGE_MARGIN` of its reserve (and
carries nothing) docks at the nearest charger with a free dock, charges to full, and
is planned from there. Docks are shared: the lowest robots are served first; a robot
left without a dock keeps its current charge and the battery dimension limits what
it may take. A robot that cannot reach any charger is left as it is.
"""

from __future__ import annotations

from dataclasses import replace

from planners.problem import Charger, DispatchProblem, Robot, Stop, StopKind

#: Charge when the state of charge above the reserve is at most this.
CHARGE_MARGIN = 0.1


def _needs_charge(robot: Robot) -> bool:
    return (
        robot.drain_per_m > 0
        and not robot.onboard
        and robot.battery_soc - robot.reserve_soc <= CHARGE_MARGIN
    )


def _dock(
    problem: DispatchProblem, robot: Robot, free: dict[str, int]
) -> Charger | None:
    """The nearest reachable charger with a free dock, if any."""
    best: tuple[float, Charger] | None = None
    usable = robot.battery_soc - robot.reserve_soc
    for charger in problem.chargers:
        if free[charger.node] <= 0:
            continue
        metres = problem.travel.distance(robot.start, charger.node)
        seconds = problem.travel.time(robot.start, charger.node)
        if seconds == float("inf") or metres * robot.drain_per_m > max(usable, 0.0):
            continue
        if best is None or seconds < best[0]:
            best = (seconds, charger)
    return best[1] if best else None


def plan_charging(
    problem: DispatchProblem,
) -> tuple[DispatchProblem, dict[str, Stop]]:
    """The problem with charging robots moved to their charger, and their stops."""
    free = {charger.node: charger.docks for charger in problem.chargers}
    stops: dict[str, Stop] = {}
    robots = {robot.id: robot for robot in problem.robots}
    for robot in sorted(problem.robots, key=lambda r: r.battery_soc - r.reserve_soc):
        if not _needs_charge(robot) or (charger := _dock(problem, robot, free)) is None:
            continue
        free[charger.node] -= 1
        drive = problem.travel.time(robot.start, charger.node) / robot.speed_factor
        arrival = robot.available_at + drive
        soc = robot.battery_soc - robot.drain_per_m * problem.travel.distance(
            robot.start, charger.node
        )
        departure = arrival + max(0.0, 1.0 - soc) / charger.rate_per_s
        stops[robot.id] = Stop(
            StopKind.CHARGE, charger.node, None, arrival, arrival, departure
        )
        robots[robot.id] = replace(
            robot, start=charger.node, available_at=departure, battery_soc=1.0
        )
    updated = tuple(robots[robot.id] for robot in problem.robots)
    return replace(problem, robots=updated), stops
