"""Large problems in parts: the fleet split into sub-fleets, only changed parts solved.

At hospital scale (hundreds of robots, thousands of open jobs) one OR-Tools model
costs seconds to build and to read back before any search (measured in
``bench.dispatch_scale``), so a re-plan after one new request cannot meet a
1-5 s budget as one model. This module splits the problem instead:

- **Sub-fleets, docks and jobs**: :mod:`planners.subfleets` (robots dealt by
  capability, docks dealt so clusters never overbook one, jobs to the cluster of
  their greedy robot when cold, by a cheap estimate for a new request).
- **What is solved**: with a previous plan, only clusters that received a job not
  routed in it (a new request) are re-solved, with ``solve`` (OR-Tools with its
  greedy fallback, warm-started from the cluster's part of ``previous``), sharing
  the time limit in proportion to their jobs. The other clusters keep their
  previous visits, re-timed by :func:`planners.timeline.schedule`; a cluster
  whose re-timed routes break a rule (a robot changed under it) is re-solved too.
  Without a previous plan every cluster is solved, warm-started from its greedy
  plan: at a few tenths of a second per cluster on a loaded CPU, OR-Tools from
  its own insertion start left STAT jobs hours late where greedy had none late.
  Each solved cluster keeps greedy's plan instead when greedy's objective
  (:func:`planners.timeline.plan_cost`, moves included) is lower, or when the
  solved plan is later than greedy's, in total or on STAT jobs (by more than
  :data:`LATE_SLACK_S`): the decomposed plan is never later than greedy's on the
  same clusters.

The merged plan is the union of the clusters' routes and unassigned jobs, so it
passes :func:`planners.validate.validate` whenever each cluster's plan does.
The price is optimality across clusters: a job never moves between sub-fleets.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from planners.greedy import dispatch_greedy
from planners.problem import (
    DispatchProblem,
    Job,
    Plan,
    Priority,
    Robot,
    Stop,
    StopKind,
    UnassignedReason,
)
from planners.subfleets import Cluster, split
from planners.timeline import Visit, jobs_by_id, schedule
from planners.validate import dock_violations

__all__ = [
    "CLUSTER_ROBOTS",
    "Cluster",
    "dispatch_decomposed",
    "keep",
    "lateness",
    "merge",
    "part_of",
    "split",
]

#: ``solve(problem, time_limit_s, previous) -> Plan`` for one cluster.
ClusterSolver = Callable[[DispatchProblem, float, Plan | None], Plan]

#: Default number of robots per cluster (chosen in ``bench.dispatch_scale``).
CLUSTER_ROBOTS = 10
#: Seconds of lateness a solved cluster may add to greedy's (float noise only:
#: with 1 s, a STAT job came 0.9 s later than greedy's at 200 x 2,000).
LATE_SLACK_S = 1e-6


def dispatch_decomposed(
    problem: DispatchProblem,
    *,
    time_limit_s: float,
    solve: ClusterSolver,
    previous: Plan | None = None,
    cluster_robots: int = CLUSTER_ROBOTS,
) -> Plan:
    """Plan ``problem`` cluster by cluster (see the module docstring)."""
    if cluster_robots < 1:
        raise ValueError(f"cluster_robots must be >= 1, got {cluster_robots!r}")
    clusters = split(problem, previous, cluster_robots)
    plans: list[Plan] = []
    retimed: dict[int, Plan] = {}
    for n, cluster in enumerate(clusters):
        if not cluster.dirty and previous is not None:
            kept = keep(cluster.problem, previous)
            if kept is not None:
                retimed[n] = kept
    dirty = [n for n in range(len(clusters)) if n not in retimed]
    total = sum(len(clusters[n].problem.jobs) for n in dirty) or 1
    for n, cluster in enumerate(clusters):
        if n in retimed:
            plans.append(retimed[n])
            continue
        share = time_limit_s * max(len(cluster.problem.jobs), 1) / total
        plans.append(_solve_part(cluster.problem, share, previous, solve))
    return merge(plans, len(clusters), len(dirty))


def _solve_part(
    problem: DispatchProblem,
    time_limit_s: float,
    previous: Plan | None,
    solve: ClusterSolver,
) -> Plan:
    """The better (by objective) of ``solve`` and greedy on one cluster.

    A short search on a loaded CPU can come back worse than greedy on lateness
    (bench.dispatch_scale), so greedy is both the cold warm start and the floor.
    """
    part = part_of(previous, problem)
    greedy = dispatch_greedy(problem, previous=part)
    cold = part is None or not any(part.routes.values())
    plan = solve(problem, time_limit_s, greedy if cold else part)
    if greedy.objective < plan.objective:
        return greedy
    late, stat = lateness(problem, plan)
    floor, stat_floor = lateness(problem, greedy)
    if late > floor + LATE_SLACK_S or stat > stat_floor + LATE_SLACK_S:
        return greedy
    return plan


def lateness(problem: DispatchProblem, plan: Plan) -> tuple[float, float]:
    """Seconds late in total and on STAT jobs, from the plan's drop-off starts."""
    jobs = jobs_by_id(problem)
    total = stat = 0.0
    for stops in plan.routes.values():
        for stop in stops:
            job = jobs.get(stop.job_id or "")
            if stop.kind is not StopKind.DROPOFF or job is None or job.due_at is None:
                continue
            late = max(0.0, stop.start - job.due_at)
            total += late
            stat += late if job.priority is Priority.STAT else 0.0
    return total, stat


def part_of(previous: Plan | None, problem: DispatchProblem) -> Plan | None:
    """The share of ``previous`` in a part: its robots' routes, its jobs."""
    if previous is None:
        return None
    ids = {robot.id for robot in problem.robots}
    jobs = {job.id for job in problem.jobs}
    return Plan(
        routes={r: s for r, s in previous.routes.items() if r in ids},
        unassigned={j: why for j, why in previous.unassigned.items() if j in jobs},
        solver=previous.solver,
    )


def keep(problem: DispatchProblem, previous: Plan) -> Plan | None:
    """The cluster's previous routes re-timed, or ``None`` if any breaks a rule."""
    jobs = jobs_by_id(problem)
    routes: dict[str, tuple[Stop, ...]] = {}
    routed: set[str] = set()
    for robot in problem.robots:
        visits = _visits(previous.routes.get(robot.id, ()), robot, jobs)
        route = schedule(problem, robot, visits, jobs=jobs)
        if route.violations:
            return None
        routes[robot.id] = route.stops
        routed.update(s.job_id for s in route.stops if s.job_id is not None)
    if _overbooked(problem, routes):
        return None
    unassigned = {
        jid: previous.unassigned.get(jid, UnassignedReason.NOT_SCHEDULED)
        for jid in jobs
        if jid not in routed
    }
    return Plan(routes, unassigned, solver=previous.solver)


def _visits(stops: Sequence[Stop], robot: Robot, jobs: dict[str, Job]) -> list[Visit]:
    """Previous stops as visits, minus jobs gone and pickups already made."""
    visits: list[Visit] = []
    for stop in stops:
        if stop.kind is StopKind.CHARGE:
            visits.append((StopKind.CHARGE, stop.node))
        elif stop.job_id in jobs:
            picked = stop.kind is StopKind.PICKUP and stop.job_id in robot.onboard
            if not picked:
                visits.append((stop.kind, stop.job_id))
    return visits


def _overbooked(problem: DispatchProblem, routes: dict[str, tuple[Stop, ...]]) -> bool:
    """Whether the cluster's charge stops need more docks at once than it has,
    counting the docks taken when the problem was made."""
    return bool(dock_violations(problem, Plan(routes, {})))


def merge(plans: Sequence[Plan], clusters: int, solved: int) -> Plan:
    """One plan from the clusters' plans."""
    routes: dict[str, tuple[Stop, ...]] = {}
    unassigned: dict[str, UnassignedReason] = {}
    notes: list[str] = []
    for plan in plans:
        routes.update(plan.routes)
        unassigned.update(plan.unassigned)
        notes.extend(note for note in plan.notes if note not in notes)
    solvers = sorted({plan.solver for plan in plans if plan.solver})
    note = f"decomposed: {clusters} clusters, {solved} solved, others re-timed"
    return Plan(
        routes=routes,
        unassigned=unassigned,
        objective=sum(plan.objective for plan in plans),
        solver="decomposed(" + "+".join(solvers) + ")",
        notes=(note, *notes),
    )
