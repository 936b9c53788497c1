"""Greedy's scores, all at once or one entry at a time, are one job's scores to the bit.

``_job_scores`` below is greedy's scoring as it was before the jobs x robots
block (one job against every robot per call, numpy over robots): the reference
the block and the single entries must both reproduce exactly.
"""

from __future__ import annotations

import math
import random

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planners.greedy_fleet import FleetArrays, RobotEnds
from planners.greedy_scores import Scores
from planners.problem import Charger, DispatchProblem, Job, JobKind, Robot
from planners.timeline import EPS, STANDARD, can_serve
from tests.planners.strategies import corridor, dispatch_problems


def _job_scores(
    a: FleetArrays, e: RobotEnds, job: Job, previous: dict[str, str]
) -> tuple[np.ndarray, np.ndarray]:
    """One job against every robot, as greedy's ``_scores`` computed it."""
    node, time, soc = np.array(e.node), np.array(e.time), np.array(e.soc)
    mask = np.array([can_serve(r, job) for r in a.robots], dtype=bool)
    mask &= a.capacity >= job.size
    with np.errstate(invalid="ignore"):
        score = _finish(a, job, slice(None), node, time, soc)
        score[~mask] = math.inf
        charge = np.zeros(len(score), dtype=bool)
        low = mask & ~np.isfinite(score) & a.drains & ~np.array(e.dockless)
        low = np.flatnonzero(low)
        if len(a.charger_idx) and len(low):
            k = a.charger_order[node[low], 0]
            c = a.charger_idx[k]
            legs = a.std[node[low], c] / a.speed[low]
            soc_c = soc[low] - a.drain[low] * a.dist[node[low], c]
            needed = np.maximum(0.0, 1.0 - soc_c) / a.charger_rate[k]
            ready = time[low] + legs + needed
            charged = _finish(a, job, low, c, ready, np.maximum(soc_c, 1.0))
            charged[~(soc_c >= -EPS)] = math.inf
            score[low] = charged
            charge[low] = np.isfinite(charged)
    before = previous.get(job.id)
    if before in a.robot_index:
        score = score + a.reassignment
        score[a.robot_index[before]] -= a.reassignment
    return score, charge


def _finish(
    a: FleetArrays,
    job: Job,
    rows: np.ndarray | slice,
    node: np.ndarray,
    time: np.ndarray,
    soc: np.ndarray,
) -> np.ndarray:
    p, d = a.travel.index(job.pickup), a.travel.index(job.dropoff)
    loaded = a.times.get(job.load_class, a.times[STANDARD])
    walk = max(1.0, job.walking_factor) if job.kind is JobKind.GUIDANCE else 1.0
    speed, drain = a.speed[rows], a.drain[rows]
    std_to, dist_to = a.std.T, a.dist.T
    start = np.maximum(time + std_to[p][node] / speed, job.ready_at)
    drop = start + job.pickup_service_s + loaded[p, d] / speed * walk
    if job.dropoff_ready_at is not None:
        drop = np.maximum(drop, job.dropoff_ready_at)
    ok = np.isfinite(drop)
    if job.pickup_latest is not None:
        ok &= start <= job.pickup_latest + EPS
    if job.due_is_hard and job.due_at is not None:
        ok &= drop <= job.due_at + EPS
    if a.any_drain:
        soc_p = soc - drain * dist_to[p][node]
        soc_d = soc_p - drain * a.dist[p, d]
        ok &= (soc_p >= a.floor[rows]) & (soc_d >= a.floor[rows])
    if a.any_end:
        soc_d = soc - drain * (dist_to[p][node] + a.dist[p, d])
        target = a.end_target[rows]
        ends = target >= 0
        end = np.where(ends, target, d)
        soc_end = soc_d - a.drain[rows] * a.dist[d, end]
        floor = np.where(a.end_is_charger[rows], -EPS, a.reserve[rows] - EPS)
        reachable = np.isfinite(a.std[d, end])
        if a.any_drain:
            reachable &= soc_end >= floor
        ok &= ~ends | reachable
    return np.where(ok, drop + job.dropoff_service_s, math.inf)


def _random_ends(problem: DispatchProblem, rnd: random.Random) -> RobotEnds:
    """Robots' route ends anywhere, any time, any charge (some below zero)."""
    count, nodes = len(problem.robots), len(problem.travel.nodes)
    return RobotEnds(
        node=[rnd.randrange(nodes) for _ in range(count)],
        time=[rnd.choice([0.0, rnd.uniform(0, 400)]) for _ in range(count)],
        soc=[rnd.choice(_CHARGES)(rnd) for _ in range(count)],
        dockless=[rnd.random() < 0.2 for _ in range(count)],
    )


#: Full, anything (some below zero), or low enough to charge before many jobs.
_CHARGES = (
    lambda rnd: 1.0,
    lambda rnd: rnd.uniform(-0.05, 1.0),
    lambda rnd: rnd.uniform(0.15, 0.45),
)


def _previous(problem: DispatchProblem, rnd: random.Random) -> dict[str, str]:
    robots = [r.id for r in problem.robots] + ["gone"]
    return {j.id: rnd.choice(robots) for j in problem.jobs if rnd.random() < 0.5}


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(dispatch_problems(), st.randoms(use_true_random=False))
def test_block_and_single_entries_are_the_one_job_scores(
    problem: DispatchProblem, rnd: random.Random
) -> None:
    """Every entry, from the block or alone, equals the one-job reference."""
    arrays, ends = FleetArrays(problem), _random_ends(problem, rnd)
    previous = _previous(problem, rnd)
    jobs = list(problem.jobs)
    scores = Scores(arrays, ends, jobs, previous)
    for k, job in enumerate(jobs):
        want, charge = _job_scores(arrays, ends, job, previous)
        assert scores.score[k].tolist() == want.tolist()
        assert scores.charge[k].tolist() == charge.tolist()
        for r in range(len(problem.robots)):
            assert scores._entry(k, r) == (want[r], charge[r])


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(dispatch_problems(), st.randoms(use_true_random=False))
def test_rows_follow_robots_that_moved_on(
    problem: DispatchProblem, rnd: random.Random
) -> None:
    """Robots moved between rows: each row is the reference from the ends then,
    whether its stale entries are re-scored alone or by a numpy pass."""
    arrays, ends = FleetArrays(problem), _random_ends(problem, rnd)
    previous = _previous(problem, rnd)
    jobs = list(problem.jobs)
    scores = Scores(arrays, ends, jobs, previous)
    # Always, sometimes or never a numpy pass over the stale columns.
    scores.stale_entries_kept = rnd.choice([0, 3, 10**9])
    fresh = _random_ends(problem, rnd)
    for k, job in enumerate(jobs):
        count = len(problem.robots)
        for r in rnd.sample(range(count), rnd.randrange(min(3, count + 1))):
            ends.node[r], ends.time[r] = fresh.node[r], fresh.time[r] + k
            ends.soc[r], ends.dockless[r] = fresh.soc[r], not ends.dockless[r]
            scores.moved(r)
        want, charge = _job_scores(arrays, ends, job, previous)
        row, flags = scores.row(k)
        assert row == want.tolist()
        assert flags == charge.tolist()


def test_a_pickup_due_at_its_latest_time_is_in_time_a_hair_later_is_not() -> None:
    """The latest pickup's slack is the timeline's EPS, in the block and alone."""
    robot = Robot("r1", start="a", available_at=0.0)
    jobs = [
        Job("on_time", "b", "c", pickup_latest=10.0),
        Job("late", "b", "c", pickup_latest=10.0 - 1e-6),
        Job("due", "b", "c", due_at=15.0, due_is_hard=True),
        Job("overdue", "b", "c", due_at=15.0 - 1e-6, due_is_hard=True),
    ]
    problem = corridor({"a": 0.0, "b": 10.0, "c": 15.0}, [robot], jobs)
    arrays = FleetArrays(problem)
    ends = RobotEnds(node=[0], time=[0.0], soc=[1.0], dockless=[False])
    scores = Scores(arrays, ends, jobs, {})
    assert scores.score[:, 0].tolist() == [15.0, math.inf, 15.0, math.inf]
    assert [scores._entry(k, 0)[0] for k in range(4)] == [15.0, math.inf] * 2


def test_a_fleet_with_no_robot_scores_every_job_against_nobody() -> None:
    """No robot dispatchable (all offline): an empty row per job, no error."""
    jobs = [Job("j1", "a", "b"), Job("j2", "b", "a")]
    problem = corridor({"a": 0.0, "b": 5.0}, [], jobs, chargers=[Charger("a")])
    ends = RobotEnds(node=[], time=[], soc=[], dockless=[])
    scores = Scores(FleetArrays(problem), ends, jobs, {})
    assert scores.row(1) == ([], [])
