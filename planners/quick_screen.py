"""The quick screen: whether every job has some robot that passes every check
of :mod:`planners.feasibility`'s screen, shown robot by robot in plain floats.

Nearly every snapshot of a day has no impossible job, and numpy's overhead on a
snapshot's small arrays, not its arithmetic, is what the full screen cost; so
:func:`planners.feasibility.unassignable_reasons` asks this first and screens in
full only a snapshot this cannot clear. The arithmetic is the screen's, in the
same order; ``tests/planners/test_feasibility_quick.py`` holds the two together.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from planners.problem import DispatchProblem, Job, JobKind, Robot, TravelMatrix
from planners.timeline import EPS, STANDARD, can_serve, start_time


def every_job_served(problem: DispatchProblem, jobs: Sequence[Job]) -> bool:
    """Whether each job has a robot that passes every check of the full screen
    (``feasibility._Screen.reasons``, which then finds no reason at all).

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
    """The node's row in the matrices, ``-1`` if it has none (as the full screen)."""
    try:
        return travel.index(node)
    except KeyError:
        return -1


class _Candidate:
    """One robot of :func:`every_job_served`: its row of the full screen."""

    def __init__(self, problem: DispatchProblem, robot: Robot, docks: list[int]):
        self.robot, self.travel, self.docks = robot, problem.travel, docks
        self.start = _node_index(problem.travel, robot.start)
        self.t0 = start_time(problem, robot)
        self._reach: list[int] | None = None

    def serves(self, job: Job, p: int, d: int, escort_s: float) -> bool:
        """The robot's entry of every stage of the full screen but ``capable``
        (the caller's choice of robots)."""
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
        due = job.due_at if job.due_is_hard and job.due_at is not None else math.inf
        if not start <= latest + EPS:
            return False
        if not start + job.pickup_service_s + escort <= due + EPS:
            return False
        return self._charge_lasts(p, d)

    def _charge_lasts(self, p: int, d: int) -> bool:
        """The full screen's battery stage for this robot and the trip ``p -> d``."""
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


def _spent_one(drain: float, metres: float) -> float:
    """``feasibility._spent`` for one robot and one distance."""
    return 0.0 if drain == 0.0 else drain * metres
