"""The walk and the numpy test of a pair's insertion agree, place for place."""

from __future__ import annotations

import random

import numpy as np
import pytest

import planners.ejection.route as route_module
from planners.ejection.pairs import to_pairs
from planners.ejection.route import (
    WALK_STOPS,
    _vector_insertion,
    best_insertion,
    feasible,
    inserted,
    timed,
    walk_insertion,
    without,
)
from planners.problem import Costs, Job, Robot
from tests.planners.strategies import corridor

HALL = {f"p{k}": float(7 * k) for k in range(12)}


def random_pairs(seed: int, jobs: int = 16, capacity: int = 3):  # type: ignore[no-untyped-def]
    """Jobs with random places, sizes and windows, some tight, some loose."""
    rng = random.Random(seed)
    places = list(HALL)
    made = []
    for k in range(jobs):
        pick, drop = rng.sample(places[1:], 2)
        ready = rng.uniform(0, 150)
        made.append(
            Job(f"j{k}", pick, drop, ready_at=ready, size=rng.randint(1, 2),
                pickup_latest=ready + rng.choice([15, 60, 400]),
                due_at=ready + rng.choice([40, 120, 600]), due_is_hard=True,
                pickup_service_s=rng.choice([0, 3]), dropoff_service_s=2)
        )  # fmt: skip
    fleet = [Robot("r0", "p0", 0.0, capacity=capacity, end="p0")]
    problem = corridor(HALL, fleet, made, costs=Costs(per_robot=1e4))
    return to_pairs(problem, made)


@pytest.mark.parametrize("seed", range(6))
def test_walk_and_numpy_agree_on_every_pair(seed: int) -> None:
    """On routes grown by insertion and thinned by removal, both tests give the
    same place (cost, pickup gap, drop-off gap) or both none."""
    pairs = random_pairs(seed)
    rng = random.Random(seed)
    route = timed(pairs, [0, 1])
    checked = 0
    for job in rng.sample(range(pairs.size), pairs.size):
        for other in range(pairs.size):
            if other not in route.jobs:
                walked = walk_insertion(pairs, route, other)
                assert walked == _vector_insertion(pairs, route, other)
                checked += walked is not None
        where = best_insertion(pairs, route, job)
        if where is not None:
            route = inserted(pairs, route, job, where)
            assert feasible(pairs, route)
        if len(route) > 6 and rng.random() < 0.3:
            route = without(pairs, route, {rng.choice(route.jobs)})
    assert checked > 0


def test_timing_lists_match_the_arrays() -> None:
    """A route's list views hold the same values as its numpy arrays."""
    pairs = random_pairs(0)
    route = timed(pairs, [0, 1])
    for job in range(pairs.size):
        where = best_insertion(pairs, route, job)
        if where is not None:
            route = inserted(pairs, route, job, where)
    assert len(route) >= 4
    assert route.stops == route.nodes.tolist()
    assert route.starts == route.early.tolist()
    assert route.latest == route.late.tolist()
    assert route.loads == route.load.tolist()
    path = route.nodes
    assert route.cost == int(pairs.cost[path[:-1], path[1:]].sum())
    assert np.array_equal(route.along[1:], np.cumsum(pairs.leg[path[:-1], path[1:]]))


def test_long_routes_are_walked_and_agree_with_numpy(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A route of 42 nodes (Li & Lim's long routes) is tested by the walk, not
    numpy, and the walk gives numpy's place for every pair left out."""
    pairs = random_pairs(1, jobs=26, capacity=40)
    route = timed(pairs, [0, *range(2, 42), 1])
    assert len(route.stops) == 42 <= WALK_STOPS
    answers = {j: _vector_insertion(pairs, route, j) for j in range(20, 26)}

    def numpy_called(*_: object) -> None:
        raise AssertionError("numpy's test ran on a walked route")

    monkeypatch.setattr(route_module, "_vector_insertion", numpy_called)
    assert {j: best_insertion(pairs, route, j) for j in answers} == answers
    assert {j: walk_insertion(pairs, route, j) for j in answers} == answers
