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

from planners.problem import DispatchProblem, Job, Robot, StopKind
from planners.timeline import jobs_by_id, schedule

#: Above this many jobs the pairwise check is not worth its time.
MAX_JOBS = 150

PICK, DROP = StopKind.PICKUP, StopKind.DROPOFF


def fewest_robots(problem: DispatchProblem, jobs: list[Job]) -> int:
    """At least this many robots serve all of ``jobs`` (1 when not computed)."""
    robots = problem.robots
    if not robots or not jobs or len(jobs) > MAX_JOBS or not _alike(robots):
        return 1
    robot = robots[0]
    by_id = jobs_by_id(problem)
    clash: dict[str, set[str]] = {job.id: set() for job in jobs}
    for a, b in combinations(jobs, 2):
        if not _share(problem, robot, a.id, b.id, by_id):
            clash[a.id].add(b.id)
            clash[b.id].add(a.id)
    return max(_grow(clash, job.id) for job in jobs)


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
    orders = (
        ((PICK, a), (DROP, a), (PICK, b), (DROP, b)),
        ((PICK, b), (DROP, b), (PICK, a), (DROP, a)),
        ((PICK, a), (PICK, b), (DROP, a), (DROP, b)),
        ((PICK, a), (PICK, b), (DROP, b), (DROP, a)),
        ((PICK, b), (PICK, a), (DROP, a), (DROP, b)),
        ((PICK, b), (PICK, a), (DROP, b), (DROP, a)),
    )
    return any(schedule(problem, robot, o, jobs=by_id).feasible for o in orders)


def _grow(clash: dict[str, set[str]], seed: str) -> int:
    """The size of a clique grown greedily from ``seed`` (most clashes first)."""
    size, candidates = 1, set(clash[seed])
    while candidates:
        pick = max(sorted(candidates), key=lambda j: len(clash[j] & candidates))
        candidates &= clash[pick]
        size += 1
    return size
