"""Per-job pre-checks: why no robot could ever serve a job, whatever the plan.

Each check is optimistic (it ignores other jobs, jobs on board and queueing at
chargers), so a job it rejects is truly impossible in this problem; a job it passes
may still be left out by a solver, as ``NOT_SCHEDULED``. The checks run over all
robots at once with numpy: screening 2,000 jobs against 200 robots is cheap.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from planners.problem import (
    DispatchProblem,
    Job,
    JobKind,
    UnassignedReason,
)
from planners.quick_screen import every_job_served
from planners.timeline import EPS, STANDARD, can_serve, start_time


def check_problem(problem: DispatchProblem) -> None:
    """Raise ``ValueError`` naming what makes a snapshot unplannable as a whole.

    Jobs that cannot be served are not errors (they are left out with a reason);
    a malformed fleet is: duplicate ids, a job on board two robots or on board
    but not among the jobs, a robot or charger off the travel matrix, a robot that
    does not move, a charger that does not charge.
    """
    nodes = set(problem.travel.nodes)
    if len({job.id for job in problem.jobs}) != len(problem.jobs):
        raise ValueError("DispatchProblem.jobs has duplicate job ids")
    if len({robot.id for robot in problem.robots}) != len(problem.robots):
        raise ValueError("DispatchProblem.robots has duplicate robot ids")
    known = {job.id for job in problem.jobs}
    carried: set[str] = set()
    for robot in problem.robots:
        for field, node in (("start", robot.start), ("end", robot.end)):
            if node is not None and node not in nodes:
                raise ValueError(f"robot {robot.id}: {field} {node!r} is not a node")
        if not robot.speed_factor > 0:
            raise ValueError(f"robot {robot.id}: speed_factor must be > 0")
        for jid in robot.onboard:
            if jid in carried:
                raise ValueError(f"job {jid} is on board more than one robot")
            if jid not in known:
                raise ValueError(f"robot {robot.id} carries {jid}, not in the jobs")
            carried.add(jid)
    for charger in problem.chargers:
        if charger.node not in nodes:
            raise ValueError(f"charger at {charger.node!r}: not a node")
        if not charger.rate_per_s > 0:
            raise ValueError(f"charger at {charger.node!r}: rate_per_s must be > 0")


def unassignable_reason(problem: DispatchProblem, job: Job) -> UnassignedReason | None:
    """The first reason no robot can serve ``job``, or ``None`` if one might."""
    return _Screen(problem).reasons([job]).get(job.id)


def unassignable_reasons(problem: DispatchProblem) -> dict[str, UnassignedReason]:
    """For every job no robot can serve, why (jobs already on board excluded).

    Nearly every snapshot of a day has none: :func:`every_job_served` shows it
    robot by robot for a fraction of the arrays' cost, and only a snapshot it
    cannot clear is screened in full.
    """
    onboard = {jid for robot in problem.robots for jid in robot.onboard}
    jobs = [j for j in problem.jobs if j.id not in onboard]
    if every_job_served(problem, jobs):
        return {}
    return _Screen(problem).reasons(jobs)


class _Screen:
    """The fleet as arrays, to screen jobs against every robot at once."""

    def __init__(self, problem: DispatchProblem) -> None:
        self.problem = problem
        travel = problem.travel
        self.index = {node: i for i, node in enumerate(travel.nodes)}
        self.times = {k: np.asarray(v, dtype=float) for k, v in travel.times.items()}
        self.dist = np.asarray(travel.distances, dtype=float)
        robots = problem.robots
        self.start = np.array([self.index.get(r.start, -1) for r in robots], dtype=int)
        self.t0 = np.array([start_time(problem, r) for r in robots], dtype=float)
        self.speed = np.array([r.speed_factor for r in robots], dtype=float)
        self.capacity = np.array([r.capacity for r in robots])
        self.soc = np.array([r.battery_soc for r in robots], dtype=float)
        self.drain = np.array([r.drain_per_m for r in robots], dtype=float)
        self.reserve = np.array([r.reserve_soc for r in robots], dtype=float)
        self.chargers = np.array(
            [self.index[c.node] for c in problem.chargers if c.node in self.index],
            dtype=int,
        )
        to_charger = self.dist[self.start[:, None], self.chargers]
        with np.errstate(invalid="ignore"):
            on_arrival = self.soc[:, None] - self.drain[:, None] * to_charger
        self.can_charge = on_arrival >= -EPS

    def _capable(self, jobs: Sequence[Job]) -> np.ndarray:
        """Robots (rows) with what each job (column) needs and a known start."""
        rows: dict[tuple[frozenset[str], bool], int] = {}
        masks: list[np.ndarray] = []
        for job in jobs:
            key = (job.requires, job.kind is JobKind.GUIDANCE)
            if key not in rows:
                rows[key] = len(masks)
                robots = self.problem.robots
                capable = np.array([can_serve(r, job) for r in robots], dtype=bool)
                masks.append(capable & (self.start >= 0))
        keys = [rows[job.requires, job.kind is JobKind.GUIDANCE] for job in jobs]
        return np.array(masks)[keys].T

    def reasons(self, jobs: Sequence[Job]) -> dict[str, UnassignedReason]:
        """Each job's first reason no robot can serve it (robots x jobs arrays:
        a snapshot is screened in a few numpy operations, not a few per job)."""
        if not jobs:
            return {}
        capable = self._capable(jobs)
        sized = capable & (self.capacity[:, None] >= [j.size for j in jobs])
        p = np.array([self.index.get(j.pickup, -1) for j in jobs], dtype=int)
        d = np.array([self.index.get(j.dropoff, -1) for j in jobs], dtype=int)
        known = (p >= 0) & (d >= 0)
        p, d = np.where(known, p, 0), np.where(known, d, 0)
        speed = self.speed[:, None]
        to_pickup = self.times[STANDARD][self.start[:, None], p] / speed
        escort = np.array(
            [
                self._escort(j, a, b)
                for j, a, b in zip(jobs, p.tolist(), d.tolist(), strict=True)
            ]
        )
        escort = escort[None, :] / speed
        reachable = sized & np.isfinite(to_pickup) & np.isfinite(escort)
        in_time = reachable & self._direct_in_time(jobs, to_pickup, escort)
        served = (in_time & self._battery(p, d)).any(axis=0)
        if known.all() and served.all():
            # Each stage's pass is implied by the last one's (and known nodes).
            return {}
        stages = (
            (capable.any(axis=0), UnassignedReason.NO_CAPABLE_ROBOT),
            (sized.any(axis=0), UnassignedReason.TOO_LARGE),
            (known, UnassignedReason.UNREACHABLE),
            (reachable.any(axis=0), UnassignedReason.UNREACHABLE),
            (in_time.any(axis=0), UnassignedReason.WINDOW_IMPOSSIBLE),
            (served, UnassignedReason.BATTERY),
        )
        found: dict[str, UnassignedReason] = {}
        for passed, reason in stages:
            for k in np.flatnonzero(~passed):
                found.setdefault(jobs[int(k)].id, reason)
        return found

    def _escort(self, job: Job, p: int, d: int) -> float:
        """Seconds from pickup to drop-off at nominal speed, at a guided pace."""
        walk = max(1.0, job.walking_factor) if job.kind is JobKind.GUIDANCE else 1.0
        matrix = self.times.get(job.load_class, self.times[STANDARD])
        seconds: float = matrix.item(p, d)
        return seconds * walk

    def _direct_in_time(
        self, jobs: Sequence[Job], to_pickup: np.ndarray, escort: np.ndarray
    ) -> np.ndarray:
        """Whether each robot meets each job's hard times going straight to it."""
        ready = np.array([j.ready_at for j in jobs], dtype=float)
        latest = np.array(
            [math.inf if j.pickup_latest is None else j.pickup_latest for j in jobs]
        )
        due = np.array(
            [j.due_at if j.due_is_hard and j.due_at is not None else math.inf
             for j in jobs]
        )  # fmt: skip
        service = np.array([j.pickup_service_s for j in jobs], dtype=float)
        start = np.maximum(self.t0[:, None] + to_pickup, ready[None, :])
        with np.errstate(invalid="ignore"):
            ok: np.ndarray = start <= latest[None, :] + EPS
            ok &= start + service[None, :] + escort <= due[None, :] + EPS
        return ok

    def _battery(self, p: np.ndarray, d: np.ndarray) -> np.ndarray:
        """Whether each robot (row), as it is or fully charged at a charger, can
        do each trip ``p[k] -> d[k]`` (column): every pair in one pass."""
        drain = self.drain[:, None]
        best = self.soc[:, None] - _spent(drain, self.dist[self.start[:, None], p])
        if len(self.chargers):
            to_pickup = self.dist[self.chargers[:, None], p][None, :, :]
            from_charger = np.where(
                self.can_charge[:, :, None], to_pickup, math.inf
            ).min(axis=1)
            best = np.maximum(best, 1.0 - _spent(drain, from_charger))
        after = best - _spent(drain, self.dist[p, d][None, :])
        lasts: np.ndarray = after >= self.reserve[:, None] - EPS
        return lasts


def _spent(drain: np.ndarray, metres: np.ndarray | float) -> np.ndarray:
    """Charge used over ``metres``: none for a robot that never drains, even where
    the distance is unknown (``inf``: the standard route differs from the load's)."""
    with np.errstate(invalid="ignore"):
        return np.where(drain == 0.0, 0.0, drain * metres)
