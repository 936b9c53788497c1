"""A lower bound on the robots a problem needs, so route elimination stops early.

Two jobs *clash* when no order of their four stops fits one robot (windows,
capacity, load classes: judged by :func:`planners.timeline.schedule`). Jobs that
clash pairwise need a robot each, so the largest such set found (a clique of the
clash graph, grown greedily from every job) bounds the fleet from below. On Li &
Lim's tight instances it equals the best-known count (lr101: 19, lc101: 10), and
route elimination's time then goes to shortening the routes.

Only computed when the robots are interchangeable (same start, end, time,
capacity, capabilities, speed, battery, nothing on board): otherwise 1.
"""

from __future__ import annotations

from itertools import combinations

import numpy as np

from planners.problem import DispatchProblem, Job, JobKind, Robot, StopKind
from planners.timeline import EPS, STANDARD, jobs_by_id, schedule, start_time

#: Above this many jobs the pairwise check is not worth its time.
MAX_JOBS = 150

PICK, DROP = StopKind.PICKUP, StopKind.DROPOFF
#: The six orders of two jobs' stops, each pickup before its drop-off.
ORDERS = (
    ((PICK, "a"), (DROP, "a"), (PICK, "b"), (DROP, "b")),
    ((PICK, "b"), (DROP, "b"), (PICK, "a"), (DROP, "a")),
    ((PICK, "a"), (PICK, "b"), (DROP, "a"), (DROP, "b")),
    ((PICK, "a"), (PICK, "b"), (DROP, "b"), (DROP, "a")),
    ((PICK, "b"), (PICK, "a"), (DROP, "a"), (DROP, "b")),
    ((PICK, "b"), (PICK, "a"), (DROP, "b"), (DROP, "a")),
)


def fewest_robots(problem: DispatchProblem, jobs: list[Job]) -> int:
    """At least this many robots serve all of ``jobs`` (1 when not computed)."""
    robots = problem.robots
    if not robots or not jobs or len(jobs) > MAX_JOBS or not _alike(robots):
        return 1
    together = _share_matrix(problem, robots[0], jobs)
    if together is None:  # special loads, guidance or battery: the timeline
        by_id = jobs_by_id(problem)
        together = np.eye(len(jobs), dtype=bool)
        for (i, a), (k, b) in combinations(enumerate(jobs), 2):
            ok = _share(problem, robots[0], a.id, b.id, by_id)
            together[i, k] = together[k, i] = ok
    clash = {
        job.id: {jobs[k].id for k in np.flatnonzero(~together[i]) if k != i}
        for i, job in enumerate(jobs)
    }
    return max(_grow(clash, job.id) for job in jobs)


def _share_matrix(
    problem: DispatchProblem, robot: Robot, jobs: list[Job]
) -> np.ndarray | None:
    """Whether each two jobs fit one robot in some order, for every pair at once
    (the timeline's rules for plain deliveries: waits, hard windows, capacity);
    ``None`` when a job or the robot needs more than those rules."""
    plain = all(j.kind is JobKind.DELIVERY and j.load_class == STANDARD for j in jobs)
    if not plain or robot.drain_per_m > 0:
        return None
    travel = problem.travel
    times = travel.times[STANDARD] / robot.speed_factor
    inf = np.inf
    node = {
        PICK: np.array([travel.index(j.pickup) for j in jobs]),
        DROP: np.array([travel.index(j.dropoff) for j in jobs]),
    }
    lower = {
        PICK: np.array([j.ready_at for j in jobs]),
        DROP: np.array([j.dropoff_ready_at or -inf for j in jobs]),
    }
    upper = {
        PICK: np.array(
            [inf if j.pickup_latest is None else j.pickup_latest for j in jobs]
        ),
        DROP: np.array(
            [j.due_at if j.due_is_hard and j.due_at is not None else inf for j in jobs]
        ),
    }
    service = {
        PICK: np.array([j.pickup_service_s for j in jobs]),
        DROP: np.array([j.dropoff_service_s for j in jobs]),
    }
    size = np.array([j.size for j in jobs])
    n = len(jobs)
    rows, cols = np.indices((n, n))
    start_node = travel.index(robot.start)
    together = np.zeros((n, n), dtype=bool)
    for order in ORDERS:
        at = np.full((n, n), start_node)
        clock = np.full((n, n), start_time(problem, robot), dtype=float)
        load = np.zeros((n, n))
        fits = np.ones((n, n), dtype=bool)
        for kind, who in order:
            k = rows if who == "a" else cols
            clock = np.maximum(clock + times[at, node[kind][k]], lower[kind][k])
            fits &= clock <= upper[kind][k] + EPS
            load = load + (size[k] if kind is PICK else -size[k])
            fits &= load <= robot.capacity
            clock, at = clock + service[kind][k], node[kind][k]
        together |= fits
    return together | np.eye(n, dtype=bool)


def _alike(robots: tuple[Robot, ...]) -> bool:
    first = robots[0]

    def key(r: Robot) -> tuple[object, ...]:
        return (
            r.start,
            r.end,
            r.available_at,
            r.capacity,
            r.capabilities,
            r.speed_factor,
            r.battery_soc,
            r.drain_per_m,
        )

    return all(not r.onboard and key(r) == key(first) for r in robots)


def _share(
    problem: DispatchProblem, robot: Robot, a: str, b: str, by_id: dict[str, Job]
) -> bool:
    """Whether one robot can serve jobs ``a`` and ``b`` in some order."""
    ids = {"a": a, "b": b}
    return any(
        schedule(problem, robot, [(k, ids[w]) for k, w in o], jobs=by_id).feasible
        for o in ORDERS
    )


def _grow(clash: dict[str, set[str]], seed: str) -> int:
    """The size of a clique grown greedily from ``seed`` (most clashes first)."""
    size, candidates = 1, set(clash[seed])
    while candidates:
        pick = max(sorted(candidates), key=lambda j: len(clash[j] & candidates))
        candidates &= clash[pick]
        size += 1
    return size
