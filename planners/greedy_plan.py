"""Greedy's plan: each robot's committed routes joined into one, and its objective.

Greedy commits a robot's route piece by piece, each piece timed from where the one
before left the robot; this module joins the pieces as :func:`schedule` would have
timed the whole route, and prices the plan.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import chain

from planners.problem import (
    Charger,
    DispatchProblem,
    Job,
    Plan,
    Robot,
    StopKind,
    UnassignedReason,
)
from planners.timeline import RouteSchedule, Visit, plan_cost, schedule, start_time
from planners.values import positional


@dataclass(frozen=True, slots=True)
class Committed:
    """What greedy committed to each robot (by index in ``problem.robots``)."""

    visits: Sequence[list[Visit]]
    pieces: Sequence[list[RouteSchedule]]
    #: Per robot id, when each of its charges was booked to start.
    charge_starts: Mapping[str, list[float]]


def greedy_plan(
    problem: DispatchProblem,
    committed: Committed,
    previous: Mapping[str, str],
    unassigned: dict[str, UnassignedReason],
    *,
    jobs: Mapping[str, Job],
    chargers: Mapping[str, Charger],
) -> Plan:
    """The final plan, ``previous`` being the last plan's robot of each job."""
    robots = problem.robots
    routes = [
        _joined(problem, robot, visits, pieces, committed, jobs, chargers)
        for robot, visits, pieces in zip(
            robots, committed.visits, committed.pieces, strict=True
        )
    ]
    now_on = {
        key: robots[i].id
        for i, visits in enumerate(committed.visits)
        for kind, key in visits
        if kind is not StopKind.CHARGE
    }
    ids = {robot.id for robot in robots}
    moved = sum(
        1 for jid, rid in previous.items() if rid in ids and now_on.get(jid, rid) != rid
    )
    return Plan(
        routes={route.robot_id: route.stops for route in routes},
        unassigned=unassigned,
        objective=plan_cost(problem, routes, unassigned, moved),
        solver="greedy",
    )


def _joined(
    problem: DispatchProblem,
    robot: Robot,
    visits: list[Visit],
    pieces: list[RouteSchedule],
    committed: Committed,
    jobs: Mapping[str, Job],
    chargers: Mapping[str, Charger],
) -> RouteSchedule:
    """The robot's whole route, as :func:`schedule` would time ``visits``.

    Each piece was timed from the robot's state after the piece before (time,
    place and charge, nothing on board: every piece drops what it picks up),
    so the stops are the same, to the bit. Only the cost's totals are added
    piece by piece (the robot's fixed cost once). A robot that must end
    somewhere is timed again, since every piece drove to that end.
    """
    if not pieces and robot.end is None:
        # Nothing planned: only the robot id and the empty stops are read.
        return _idle(robot, start_time(problem, robot))
    if robot.end is not None or not pieces:
        starts = iter(committed.charge_starts[robot.id])

        def booked(node: str, arrival: float, hold: float) -> float:
            # Each charge starts when its dock was booked (the robot's own
            # booking would otherwise push it back).
            return max(arrival, next(starts, arrival))

        return schedule(
            problem, robot, visits, jobs=jobs, dock_start=booked, chargers=chargers
        )
    if len(pieces) == 1:
        return pieces[0]
    stops = tuple(chain.from_iterable(piece.stops for piece in pieces))
    lateness = {k: v for piece in pieces for k, v in piece.lateness_s.items()}
    last = pieces[-1]
    return RouteSchedule(
        robot_id=robot.id,
        stops=stops,
        soc_after=tuple(chain.from_iterable(piece.soc_after for piece in pieces)),
        travel_s=sum(piece.travel_s for piece in pieces),
        distance_m=sum(piece.distance_m for piece in pieces),
        lateness_s=lateness,
        cost=sum(piece.cost for piece in pieces)
        - problem.costs.per_robot * (len(pieces) - 1),
        last_node=last.last_node,
        last_time=last.last_time,
        last_soc=last.last_soc,
        violations=tuple(v for piece in pieces for v in piece.violations),
    )


def _idle(robot: Robot, start: float) -> RouteSchedule:
    """The route of a robot given nothing: no stops, no cost (the plan reads only
    its id and stops; :func:`plan_cost` skips a route without stops)."""
    # RouteSchedule(robot_id, stops, soc_after, travel_s, distance_m, lateness_s,
    # cost, last_node, last_time, last_soc, violations), slot by slot.
    return _route(
        (robot.id, (), (), 0.0, 0.0, {}, 0.0, robot.start, start, robot.battery_soc, ())
    )


#: ``RouteSchedule(*values)``: most robots of most snapshots are given nothing.
_route = positional(RouteSchedule)
