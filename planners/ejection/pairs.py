"""A fleet problem as plain integer arrays for the ejection pool.

Only for *plain* fleets: interchangeable robots with nothing on board and no
battery limit, and deliveries of the standard load class with hard windows (or
none). Li & Lim's instances are such fleets; the hospital's are not, and never
reach this module (its robots cost nothing, see ``planners.ortools.eliminate``).

Nodes: 0 is the robots' start, 1 their end, then ``2 + 2k`` the pickup of job
``k`` and ``3 + 2k`` its drop-off. Times are integer milliseconds from ``now``,
rounded exactly as :mod:`planners.ortools.model` rounds them (transits up,
latest times down), so a route feasible here is feasible in the routing model
and can be handed to it as a warm start.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from planners.problem import DispatchProblem, Job, JobKind, Robot
from planners.timeline import STANDARD, start_time

#: Integer units per second, as in the routing model.
SCALE = 1000
#: "No upper bound" in milliseconds (far above any plausible horizon).
OPEN = 10**13


@dataclass(frozen=True, slots=True)
class Pairs:
    """Per node: earliest and latest start of service, demand; per arc: time
    (travel plus the service at its tail) and cost; the robots' capacity."""

    jobs: tuple[Job, ...]
    leg: np.ndarray  # (n, n) int64 ms
    cost: np.ndarray  # (n, n) int64 cost units
    lo: np.ndarray  # (n,) int64 ms
    hi: np.ndarray  # (n,) int64 ms
    demand: np.ndarray  # (n,) int64
    capacity: int
    #: The same as Python lists, for the walks in :mod:`planners.ejection.route`
    #: (numpy's scalars are slow one at a time).
    legs: list[list[int]] = field(init=False, repr=False, compare=False)
    costs: list[list[int]] = field(init=False, repr=False, compare=False)
    lows: list[int] = field(init=False, repr=False, compare=False)
    highs: list[int] = field(init=False, repr=False, compare=False)
    demands: list[int] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        for name, values in (
            ("legs", self.leg), ("costs", self.cost), ("lows", self.lo),
            ("highs", self.hi), ("demands", self.demand),
        ):  # fmt: skip
            object.__setattr__(self, name, values.tolist())

    @property
    def size(self) -> int:
        return len(self.jobs)


def plain(problem: DispatchProblem, jobs: list[Job]) -> bool:
    """Whether ``problem`` restricted to ``jobs`` is a plain fleet (module doc)."""
    robots = problem.robots
    if not robots or not jobs or not _alike(robots):
        return False
    standard = problem.travel.times[STANDARD]
    same = all(
        np.array_equal(times, standard) for times in problem.travel.times.values()
    )
    return all(
        j.kind is JobKind.DELIVERY
        and (j.load_class == STANDARD or same)
        and j.walking_factor == 1.0
        and (j.due_at is None or j.due_is_hard)
        and not j.requires
        and j.size <= robots[0].capacity
        for j in jobs
    )


def _alike(robots: tuple[Robot, ...]) -> bool:
    first = robots[0]

    def key(r: Robot) -> tuple[object, ...]:
        return (r.start, r.end, r.available_at, r.capacity, r.capabilities,
                r.speed_factor)  # fmt: skip

    return all(
        not r.onboard and r.drain_per_m == 0 and key(r) == key(first) for r in robots
    )


def to_pairs(problem: DispatchProblem, jobs: list[Job]) -> Pairs:
    """The arrays of a plain fleet (check :func:`plain` first)."""
    robot = problem.robots[0]
    travel = problem.travel
    places = [robot.start, robot.end or robot.start]
    for job in jobs:
        places += [job.pickup, job.dropoff]
    at = np.array([travel.index(p) for p in places])
    seconds = travel.times[STANDARD][np.ix_(at, at)] / robot.speed_factor
    if robot.end is None:  # open route: the end is reached from anywhere at once
        seconds[:, 1] = 0.0
    np.fill_diagonal(seconds, 0.0)
    service = np.zeros(len(places))
    service[2::2] = [j.pickup_service_s for j in jobs]
    service[3::2] = [j.dropoff_service_s for j in jobs]
    finite = np.isfinite(seconds)
    moving = np.where(finite, seconds + service[:, None], 0.0) * SCALE
    leg = np.where(finite, np.ceil(moving - 1e-9), OPEN).astype(np.int64)
    spent = np.where(finite, seconds * problem.costs.travel_per_s, 0.0) * SCALE
    cost = np.where(finite, np.rint(spent), OPEN).astype(np.int64)
    lo = np.zeros(len(places), dtype=np.int64)
    hi = np.full(len(places), OPEN, dtype=np.int64)
    lo[0] = _earliest(problem, start_time(problem, robot))
    for k, job in enumerate(jobs):
        lo[2 + 2 * k] = _earliest(problem, job.ready_at)
        lo[3 + 2 * k] = _earliest(problem, job.dropoff_ready_at or problem.now)
        hi[2 + 2 * k] = _latest(problem, job.pickup_latest)
        hi[3 + 2 * k] = _latest(problem, job.due_at)
    demand = np.zeros(len(places), dtype=np.int64)
    demand[2::2] = [j.size for j in jobs]
    demand[3::2] = [-j.size for j in jobs]
    return Pairs(tuple(jobs), leg, cost, lo, hi, demand, robot.capacity)


def _earliest(problem: DispatchProblem, when: float) -> int:
    return max(0, math.ceil((when - problem.now) * SCALE - 1e-6))


def _latest(problem: DispatchProblem, when: float | None) -> int:
    if when is None:
        return OPEN
    # no epsilon: never later than the routing model's bound
    return max(0, math.floor((when - problem.now) * SCALE))
