"""Ruin and recreate on a fixed fleet, and its phase before the distance polish."""

from __future__ import annotations

import random
from dataclasses import replace
from typing import Any

import pytest

import planners.ortools.eliminate as eliminate_module
from planners.ejection.pairs import to_pairs
from planners.ejection.recreate import RecreateConfig, shorten
from planners.ejection.route import best_insertion, counted_walk, feasible, timed
from planners.ejection.work import (
    KNEE,
    SQUARE,
    STEPS_PER_UNIT,
    TEST_UNITS,
    Work,
    charge,
    charged_insertion,
)
from planners.ortools import solve_ortools
from planners.ortools.pool import recreate_phase
from planners.ortools.search import Outcome, SearchConfig
from planners.problem import Costs, Job, StopKind
from planners.validate import validate
from tests.planners.test_ejection import depot_fleet, three_tight_five_loose
from tests.planners.test_ejection_walk import random_pairs


def _cost(pairs: Any, routes: list[list[int]]) -> int:
    return sum(int(timed(pairs, [0, *r, 1]).cost) for r in routes)


def _served(routes: list[list[int]]) -> list[int]:
    return sorted(n for r in routes for n in r)


def test_recreate_finds_the_shorter_order_of_a_zigzag_route() -> None:
    """A route that runs out to c-d and back to a-b is rebuilt in corridor
    order (80 m against 100 m), on the same robot."""
    jobs = [Job("far", "c", "d"), Job("near", "a", "b")]
    pairs = to_pairs(depot_fleet(jobs, robots=2, capacity=2), jobs)
    zigzag = [[2, 3, 4, 5]]
    shorter = shorten(pairs, zigzag, budget=200, seed=0)
    assert len(shorter) == 1
    assert _served(shorter) == _served(zigzag)
    assert _cost(pairs, shorter) < _cost(pairs, zigzag)


@pytest.mark.parametrize("seed", range(4))
def test_recreate_never_adds_robots_length_or_infeasible_routes(seed: int) -> None:
    """From one route a job, every job is still served once, on feasible
    routes, on no more robots and no longer in all."""
    jobs = three_tight_five_loose()
    pairs = to_pairs(depot_fleet(jobs, robots=8, capacity=2), jobs)
    start = [[2 + 2 * k, 3 + 2 * k] for k in range(len(jobs))]
    random.Random(seed).shuffle(start)
    config = RecreateConfig(fewest=2, most=6)
    found = shorten(pairs, start, budget=600, seed=seed, config=config)
    assert _served(found) == _served(start)
    assert all(feasible(pairs, timed(pairs, [0, *r, 1])) for r in found)
    assert len(found) <= len(start)
    assert _cost(pairs, found) <= _cost(pairs, start)


def test_recreate_without_budget_gives_the_routes_back() -> None:
    """No work, no change."""
    jobs = three_tight_five_loose()
    pairs = to_pairs(depot_fleet(jobs, robots=8), jobs)
    start = [[2 + 2 * k, 3 + 2 * k] for k in range(len(jobs))]
    assert shorten(pairs, start, budget=0, seed=0) == start


def test_phase_keeps_the_plan_unless_recreate_shortens_it() -> None:
    """The phase hands back its input itself when nothing shorter is found,
    and a shorter outcome (same jobs, no more robots) when it is."""
    jobs = [Job("far", "c", "d"), Job("near", "a", "b")]
    problem = depot_fleet(jobs, robots=2, capacity=2)
    pick, drop = StopKind.PICKUP, StopKind.DROPOFF
    zigzag = [[(pick, "far"), (drop, "far"), (pick, "near"), (drop, "near")], []]
    best = Outcome(zigzag, 10**12, 4)
    config = SearchConfig(recreate_tests_per_s=200)
    shorter = recreate_phase(problem, jobs, best, 1.0, 0, config)
    assert shorter is not best
    assert shorter.objective < best.objective
    assert sum(1 for r in shorter.routes if r) == 1
    same = recreate_phase(problem, jobs, shorter, 1.0, 0, config)
    assert same is shorter


@pytest.mark.parametrize("per_robot", [0.0, 1e4])
def test_only_fleets_whose_robots_cost_reach_recreate(
    per_robot: float, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The hospital (robots cost nothing) never runs ruin and recreate; a Li &
    Lim-shaped fleet does, and its plan validates."""
    calls: list[int] = []
    phase = eliminate_module.recreate_phase

    def spy(*args: Any) -> Outcome:
        calls.append(1)
        return phase(*args)

    monkeypatch.setattr(eliminate_module, "recreate_phase", spy)
    jobs = three_tight_five_loose()
    costs = Costs(per_robot=per_robot, completion_per_s={})
    problem = replace(depot_fleet(jobs, robots=8), costs=costs)
    plan = solve_ortools(problem, time_limit_s=1.0)
    assert plan is not None and validate(problem, plan) == []
    assert plan.unassigned == {}
    assert bool(calls) == (per_robot > 0)


def test_greedy_rebuilds_alone_find_the_shorter_order() -> None:
    """With every rebuild greedy (random sorted order, blinks), the zigzag
    route is still rebuilt in corridor order."""
    jobs = [Job("far", "c", "d"), Job("near", "a", "b")]
    pairs = to_pairs(depot_fleet(jobs, robots=2, capacity=2), jobs)
    zigzag = [[2, 3, 4, 5]]
    config = RecreateConfig(greedy_share=1.0)
    shorter = shorten(pairs, zigzag, budget=400, seed=1, config=config)
    assert _served(shorter) == _served(zigzag)
    assert _cost(pairs, shorter) < _cost(pairs, zigzag)


@pytest.mark.parametrize("seed", range(3))
def test_recreate_is_the_same_for_the_same_seed(seed: int) -> None:
    """Two runs with one seed give the same routes (no clock, no global state)."""
    jobs = three_tight_five_loose()
    pairs = to_pairs(depot_fleet(jobs, robots=8, capacity=2), jobs)
    start = [[2 + 2 * k, 3 + 2 * k] for k in range(len(jobs))]
    config = RecreateConfig(fewest=2, most=6)
    runs = [shorten(pairs, start, budget=800, seed=seed, config=config) for _ in "ab"]
    assert runs[0] == runs[1]


def test_work_is_charged_by_the_square_of_the_route() -> None:
    """A test on a route of 8 stops costs 1 + 64 // SQUARE units."""
    jobs = three_tight_five_loose()
    pairs = to_pairs(depot_fleet(jobs, robots=8, capacity=2), jobs)
    route = timed(pairs, [0, 2, 3, 4, 5, 6, 7, 8, 9, 1])
    work = Work(100)
    charge(work, route)
    assert work.left == 100 - (1 + 64 // SQUARE)


def test_long_walked_routes_are_charged_by_the_walks_steps() -> None:
    """Past the knee a walked test costs ``TEST_UNITS`` plus its steps (far less
    than the square on these 40 stops); up to it, the square as in session 6;
    both give ``best_insertion``'s place."""
    pairs = random_pairs(1, jobs=26, capacity=40)
    long_route = timed(pairs, [0, *range(2, 42), 1])
    short_route = timed(pairs, [0, *range(2, 22), 1])
    assert len(short_route) <= KNEE < len(long_route) == 40
    for job in range(21, 26):
        where, steps = counted_walk(pairs, long_route, job)
        work = Work(10_000)
        assert charged_insertion(pairs, long_route, job, work) == where
        assert where == best_insertion(pairs, long_route, job)
        assert 10_000 - work.left == TEST_UNITS + steps // STEPS_PER_UNIT
        assert 0 < 10_000 - work.left < 1 + 40 * 40 // SQUARE
        work = Work(10_000)
        found = charged_insertion(pairs, short_route, job, work)
        assert found == best_insertion(pairs, short_route, job)
        assert 10_000 - work.left == 1 + 20 * 20 // SQUARE
