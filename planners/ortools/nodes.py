"""The routing model's nodes and numbers, shared by :mod:`planners.ortools.model`
and :mod:`planners.ortools.constraints`.

Nodes: one start per robot, one end per distinct end, then a pickup and a
drop-off per open job (only the drop-off for a job already on board). Matrices are
integers: :data:`SCALE` units per second, :data:`NO_ROUTE` where there is no route.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from ortools.constraint_solver import pywrapcp

from planners.problem import DispatchProblem, Job, Robot, StopKind

#: Integer units per second (times) and per seconds-equivalent (costs).
SCALE = 1000
#: Integer time standing for "no legal route" (exceeds any cumul's capacity).
NO_ROUTE = 10**13
HORIZON = NO_ROUTE - 1
#: Battery dimension units per full charge.
SOC_UNITS = 1_000_000
#: Seconds per unit of the ``completion`` dimension (its integer weights are
#: cost units per such unit: 0.01 seconds-equivalent per second at the least).
COMPLETION_UNIT_S = 0.1


@dataclass(slots=True)
class Visit:
    """One routing node: a robot's start or end, or a job's pickup or drop-off."""

    node: str | None  # None: the dummy end of an open route
    kind: StopKind | None  # None: a start or an end
    job: Job | None = None
    service_s: float = 0.0


@dataclass(slots=True)
class RoutingModel:
    """The OR-Tools objects and the maps back to the problem."""

    problem: DispatchProblem
    manager: pywrapcp.RoutingIndexManager
    routing: pywrapcp.RoutingModel
    visits: list[Visit]
    pickup: dict[str, int] = field(default_factory=dict)  # job id -> node
    dropoff: dict[str, int] = field(default_factory=dict)  # job id -> node

    @property
    def robots(self) -> tuple[Robot, ...]:
        return self.problem.robots

    def index(self, node: int) -> int:
        return int(self.manager.NodeToIndex(node))


def node_visits(
    problem: DispatchProblem, jobs: list[Job], ends: list[str | None]
) -> list[Visit]:
    onboard = {job_id for robot in problem.robots for job_id in robot.onboard}
    visits = [Visit(r.start, None) for r in problem.robots]
    visits += [Visit(end, None) for end in ends]
    for job in jobs:
        if job.id not in onboard:
            visits.append(Visit(job.pickup, StopKind.PICKUP, job, job.pickup_service_s))
        visits.append(Visit(job.dropoff, StopKind.DROPOFF, job, job.dropoff_service_s))
    return visits


def distinct_ends(problem: DispatchProblem) -> list[str | None]:
    """The robots' distinct ends (``None``: the dummy end of open routes), each
    one routing node shared by every robot ending there.

    OR-Tools gives each robot its own end index whatever the node, and numbers
    the other nodes first, so the indices are the same as with a node per robot;
    but each transit matrix loses a row and a column per shared end, and OR-Tools
    9.15 copies a dimension's whole matrix on each path its cumul filter checks
    (``PathCumulFilter::AcceptPath``): on the demo day's snapshots (20 robots, a
    few jobs) that copying was a quarter of the search's instructions.
    """
    return list(dict.fromkeys(r.end for r in problem.robots))


def seconds_matrix(problem: DispatchProblem, visits: list[Visit]) -> np.ndarray:
    """Travel seconds between visits at nominal speed (service not included)."""
    travel = problem.travel
    at = np.array([travel.index(v.node) if v.node else 0 for v in visits])
    seconds = np.array(travel.times["standard"][np.ix_(at, at)], dtype=float)
    for i, visit in enumerate(visits):
        job = visit.job
        if visit.kind is StopKind.PICKUP and job is not None:
            if job.load_class != "standard" and job.load_class in travel.times:
                seconds[i] = travel.times[job.load_class][at[i], at]
            mate = i + 1  # a pickup is always followed by its drop-off
            seconds[i, mate] *= job.walking_factor
    dummy = [i for i, v in enumerate(visits) if v.node is None]
    seconds[:, dummy] = 0.0
    seconds[dummy, :] = 0.0
    np.fill_diagonal(seconds, 0.0)
    return seconds


def int_matrix(values: np.ndarray, rounding: str) -> list[list[int]]:
    finite = np.isfinite(values)
    scaled = np.where(finite, values, 0.0) * SCALE
    ints = np.ceil(scaled - 1e-9) if rounding == "ceil" else np.rint(scaled)
    ints = np.where(finite, ints, NO_ROUTE).astype(np.int64)
    rows: list[list[int]] = ints.tolist()
    return rows


def onboard_size(problem: DispatchProblem, robot: Robot) -> int:
    return sum(problem.job(job_id).size for job_id in robot.onboard)
