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
    Robot,
    TravelMatrix,
    UnassignedReason,
)
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


def every_job_served(problem: DispatchProblem, jobs: Sequence[Job]) -> bool:
    """Whether each job has a robot that passes every check of
    :meth:`_Screen.reasons` (then that finds no reason at all).

    The same arithmetic in plain floats, one robot at a time, the first robot
    that passes ending a job's search: numpy's overhead on a snapshot's small
    arrays, not its arithmetic, is what screening cost (~1,300 snapshots a
    simulated day, nearly all without an impossible job). ``False`` says only
    that some job found no robot here: the full screen then names the reason.
    """
    travel = problem.travel
    chargers = [_node_index(travel, c.node) for c in problem.chargers]
    docks = [c for c in chargers if c >= 0]
    fleet = [_Candidate(problem, robot, docks) for robot in problem.robots]
    fleet = [c for c in fleet if c.start >= 0]
    # The robots with what a job needs, per (requires, guidance): few keys differ.
    capable: dict[tuple[frozenset[str], bool], list[_Candidate]] = {}
    for job in jobs:
        p, d = _node_index(travel, job.pickup), _node_index(travel, job.dropoff)
        if p < 0 or d < 0:
            return False
        guidance = job.kind is JobKind.GUIDANCE
        key = (job.requires, guidance)
        if key not in capable:
            capable[key] = [c for c in fleet if can_serve(c.robot, job)]
        walk = max(1.0, job.walking_factor) if guidance else 1.0
        loaded = travel.times.get(job.load_class, travel.times[STANDARD])
        escort = loaded.item(p, d) * walk
        if not any(c.serves(job, p, d, escort) for c in capable[key]):
            return False
    return True


def _node_index(travel: TravelMatrix, node: str) -> int:
    """The node's row in the matrices, ``-1`` if it has none (as :class:`_Screen`)."""
    try:
        return travel.index(node)
    except KeyError:
        return -1


class _Candidate:
    """One robot of :func:`every_job_served`: its row of :class:`_Screen`."""

    def __init__(self, problem: DispatchProblem, robot: Robot, docks: list[int]):
        self.robot, self.travel, self.docks = robot, problem.travel, docks
        self.start = _node_index(problem.travel, robot.start)
        self.t0 = start_time(problem, robot)
        self._reach: list[int] | None = None

    def serves(self, job: Job, p: int, d: int, escort_s: float) -> bool:
        """The robot's entry of every stage of :meth:`_Screen.reasons` but
        ``capable`` (the caller's choice of robots)."""
        robot = self.robot
        if robot.capacity < job.size:
            return False
        speed = float(robot.speed_factor)
        to_pickup = self.travel.times[STANDARD].item(self.start, p) / speed
        escort = escort_s / speed
        if not (math.isfinite(to_pickup) and math.isfinite(escort)):
            return False
        start = max(self.t0 + to_pickup, job.ready_at)
        latest = math.inf if job.pickup_latest is None else job.pickup_latest
        hard = job.due_is_hard and job.due_at is not None
        due = job.due_at if hard else math.inf
        if not start <= latest + EPS:
            return False
        if not start + job.pickup_service_s + escort <= due + EPS:
            return False
        return self._charge_lasts(p, d)

    def _charge_lasts(self, p: int, d: int) -> bool:
        """:meth:`_Screen._battery` for this robot and the trip ``p -> d``."""
        robot, dist = self.robot, self.travel.distances
        drain, floor = float(robot.drain_per_m), float(robot.reserve_soc) - EPS
        trip = _spent_one(drain, dist.item(p, d))
        best = float(robot.battery_soc) - _spent_one(drain, dist.item(self.start, p))
        if best - trip >= floor:
            # The screen takes the better of this and a charge first: no lower.
            return True
        reach = self._chargers()
        if not reach:
            # (The screen may still pass a robot that never drains: not shown.)
            return False
        nearest = min(dist.item(c, p) for c in reach)
        return max(best, 1.0 - _spent_one(drain, nearest)) - trip >= floor

    def _chargers(self) -> list[int]:
        """The chargers the robot reaches on the charge it has (``can_charge``)."""
        if self._reach is None:
            soc, drain = float(self.robot.battery_soc), float(self.robot.drain_per_m)
            dist = self.travel.distances
            self._reach = [
                c for c in self.docks if soc - drain * dist.item(self.start, c) >= -EPS
            ]
        return self._reach


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
        masks = []
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
                found.setdefault(jobs[k].id, reason)
        return found

    def _escort(self, job: Job, p: int, d: int) -> float:
        """Seconds from pickup to drop-off at nominal speed, at a guided pace."""
        walk = max(1.0, job.walking_factor) if job.kind is JobKind.GUIDANCE else 1.0
        matrix = self.times.get(job.load_class, self.times[STANDARD])
        return matrix.item(p, d) * walk

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
            ok = start <= latest[None, :] + EPS
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
        return after >= self.reserve[:, None] - EPS


def _spent_one(drain: float, metres: float) -> float:
    """:func:`_spent` for one robot and one distance."""
    return 0.0 if drain == 0.0 else drain * metres


def _spent(drain: np.ndarray, metres: np.ndarray | float) -> np.ndarray:
    """Charge used over ``metres``: none for a robot that never drains, even where
    the distance is unknown (``inf``: the standard route differs from the load's)."""
    with np.errstate(invalid="ignore"):
        return np.where(drain == 0.0, 0.0, drain * metres)
