"""The ejection pool: pair insertion, route minimisation, and its phase in OR-Tools."""

from __future__ import annotations

import random
from dataclasses import replace
from typing import Any

import pytest

import planners.ortools.eliminate as eliminate_module
from planners.ejection.pairs import plain, to_pairs
from planners.ejection.pool import PoolConfig, minimise
from planners.ejection.route import best_insertion, feasible, inserted, timed
from planners.ortools import solve_ortools
from planners.ortools.eliminate import eliminate
from planners.ortools.model import SCALE
from planners.ortools.pool import applies, pool_phase
from planners.ortools.precheck import split_jobs
from planners.ortools.search import Outcome, SearchConfig
from planners.ortools.solve import _fleet_config, long_routes
from planners.problem import Costs, DispatchProblem, Job, Robot, StopKind
from planners.validate import validate
from tests.planners.strategies import corridor

HALL = {"depot": 0.0, "a": 10.0, "b": 20.0, "c": 30.0, "d": 40.0, "e": 55.0}
FLEET_COSTS = Costs(per_robot=1e4, completion_per_s={})


def depot_fleet(jobs: list[Job], robots: int, capacity: int = 1) -> DispatchProblem:
    """Alike robots at the depot that must return there; robots cost."""
    fleet = [
        Robot(f"r{k}", "depot", 0.0, capacity=capacity, end="depot")
        for k in range(robots)
    ]
    return corridor(HALL, fleet, jobs, costs=FLEET_COSTS)


def three_tight_five_loose() -> list[Job]:
    """Three jobs due at d at 40 s (one robot each at capacity 1), five loose
    jobs that fit after them: three robots at the least."""
    tight = [Job(f"t{k}", "a", "d", due_at=40.0, due_is_hard=True) for k in range(3)]
    loose = [
        Job(f"l{k}", p, q) for k, (p, q) in enumerate(["ab", "bc", "ce", "ea", "db"])
    ]
    return tight + loose


def one_route_each(jobs: list[Job]) -> list[list[int]]:
    return [[2 + 2 * k, 3 + 2 * k] for k in range(len(jobs))]


def brute_force(pairs, route, job: int) -> int | None:  # type: ignore[no-untyped-def]
    """The least added cost over every pickup and drop-off position."""
    nodes, best = route.nodes.tolist(), None
    for i in range(len(nodes) - 1):
        for j in range(i, len(nodes) - 1):
            trial = list(nodes)
            trial.insert(j + 1, 3 + 2 * job)
            trial.insert(i + 1, 2 + 2 * job)
            longer = timed(pairs, trial)
            if feasible(pairs, longer):
                added = longer.cost - route.cost
                best = added if best is None else min(best, added)
    return best


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_insertion_matches_brute_force(seed: int) -> None:
    """The vectorised insertion finds the cheapest feasible place, or none."""
    rng = random.Random(seed)
    places = list(HALL)
    jobs = []
    for k in range(12):
        pick, drop = rng.sample(places[1:], 2)
        ready = rng.uniform(0, 80)
        due = ready + rng.uniform(30, 120)
        jobs.append(
            Job(f"j{k}", pick, drop, ready_at=ready, due_at=due, due_is_hard=True,
                pickup_latest=ready + 40, pickup_service_s=2, dropoff_service_s=3)
        )  # fmt: skip
    pairs = to_pairs(depot_fleet(jobs, robots=2, capacity=2), jobs)
    route = timed(pairs, [0, 1])
    for job in range(len(jobs)):
        expected = brute_force(pairs, route, job)
        where = best_insertion(pairs, route, job)
        assert (where is None) == (expected is None)
        if where is not None:
            assert where[0] == expected
            route = inserted(pairs, route, job, where)
            assert feasible(pairs, route)


def test_pool_reaches_the_fewest_robots() -> None:
    """From one route per job, the pool ends at three routes, the minimum."""
    jobs = three_tight_five_loose()
    pairs = to_pairs(depot_fleet(jobs, robots=8), jobs)
    routes = minimise(pairs, one_route_each(jobs), floor=1, budget=1_500, seed=0)
    assert len(routes) == 3
    assert sorted(n for r in routes for n in r) == list(range(2, 2 + 2 * len(jobs)))
    assert all(feasible(pairs, timed(pairs, [0, *r, 1])) for r in routes)


def test_pool_puts_everything_on_one_robot_when_windows_allow() -> None:
    """Loose windows and room for all: one route."""
    jobs = [Job(f"j{k}", p, q) for k, (p, q) in enumerate(["ab", "bc", "cd", "da"])]
    pairs = to_pairs(depot_fleet(jobs, robots=4, capacity=4), jobs)
    routes = minimise(pairs, one_route_each(jobs), floor=1, budget=5_000, seed=0)
    assert len(routes) == 1


def test_pool_stops_at_the_floor_and_within_its_budget() -> None:
    """A floor of five keeps five routes; a budget of nothing removes none."""
    jobs = three_tight_five_loose()
    pairs = to_pairs(depot_fleet(jobs, robots=8), jobs)
    start = one_route_each(jobs)
    pool_only = PoolConfig(descent_share=0.0)  # relocation may empty more
    assert (
        len(minimise(pairs, start, floor=5, budget=1_500, seed=0, config=pool_only))
        == 5
    )
    assert minimise(pairs, start, floor=1, budget=0, seed=0) == start


def test_relocation_shortens_the_pool_routes() -> None:
    """With the descent the routes are no longer, and still serve every pair."""
    jobs = three_tight_five_loose()
    pairs = to_pairs(depot_fleet(jobs, robots=8), jobs)
    start = one_route_each(jobs)

    def length(routes: list[list[int]]) -> int:
        return sum(timed(pairs, [0, *r, 1]).cost for r in routes)

    plain_pool = minimise(pairs, start, floor=3, budget=1_500, seed=0,
                          config=PoolConfig(descent_share=0.0))  # fmt: skip
    relocated = minimise(pairs, start, floor=3, budget=1_500, seed=0)
    assert len(relocated) == 3
    assert length(relocated) <= length(plain_pool)
    assert sorted(n for r in relocated for n in r) == list(range(2, 18))


def test_pool_is_deterministic_for_a_seed() -> None:
    """The same seed and budget give the same routes."""
    jobs = three_tight_five_loose()
    pairs = to_pairs(depot_fleet(jobs, robots=8), jobs)
    runs = [
        minimise(pairs, one_route_each(jobs), floor=1, budget=800, seed=7)
        for _ in range(2)
    ]
    assert runs[0] == runs[1]


def test_plain_fleets_only() -> None:
    """Soft due times, unlike robots or special loads are not for the pool."""
    jobs = three_tight_five_loose()
    assert plain(depot_fleet(jobs, robots=3), jobs)
    soft = [*jobs, Job("soft", "a", "b", due_at=50.0)]
    assert not plain(depot_fleet(soft, robots=3), soft)
    problem = depot_fleet(jobs, robots=3)
    odd = (*problem.robots[:2], Robot("odd", "a", 0.0, capacity=1, end="depot"))
    assert not plain(corridor(HALL, odd, jobs, costs=FLEET_COSTS), jobs)


def test_pool_phase_gives_outcome_ortools_can_polish() -> None:
    """The phase's routes use three robots, and the whole solve's plan validates."""
    jobs = three_tight_five_loose()
    problem = depot_fleet(jobs, robots=8)
    start = [[(StopKind.PICKUP, job.id), (StopKind.DROPOFF, job.id)] for job in jobs]
    first = Outcome(start, 0, 2 * len(jobs))
    assert applies(problem, jobs, first)
    config = SearchConfig(pool_tests_per_s=1_500)
    outcome = pool_phase(problem, jobs, first, 1, 1.0, 0, config)
    assert sum(1 for route in outcome.routes if route) == 3
    plan = solve_ortools(problem, time_limit_s=1.0)
    assert plan is not None
    assert validate(problem, plan) == []
    assert plan.unassigned == {}
    assert sum(1 for stops in plan.routes.values() if stops) == 3


@pytest.mark.parametrize("cold_share", [0.0, 0.5, 1.0])
def test_cold_solve_after_the_pool_keeps_its_robots(
    cold_share: float, monkeypatch: pytest.MonkeyPatch
) -> None:
    """After the pool, the cold solve on its robots runs (when on), never adds a
    robot or length, and the whole solve's plan validates."""
    jobs = three_tight_five_loose()
    problem = depot_fleet(jobs, robots=8)
    _, allowed, _ = split_jobs(problem)
    start = [[(StopKind.PICKUP, job.id), (StopKind.DROPOFF, job.id)] for job in jobs]
    fixed = round(problem.costs.per_robot * SCALE) * len(jobs)
    first = Outcome(start, fixed, 2 * len(jobs))
    config = SearchConfig(pool_tests_per_s=1_500, pool_cold_share=cold_share)
    pooled = pool_phase(problem, jobs, replace(first, objective=0), 1, 0.4, 0, config)
    cold: list[str] = []
    restart = eliminate_module._restart

    def spy(*args: Any) -> Outcome | None:
        cold.append(args[4])
        return restart(*args)

    monkeypatch.setattr(eliminate_module, "_restart", spy)
    best, note = eliminate(problem, jobs, allowed, first, config, 1.0, 0)
    robots = sum(1 for route in best.routes if route)
    assert "ejection pool removed" in note
    assert robots <= sum(1 for route in pooled.routes if route) == 3
    assert best.performed == 2 * len(jobs)
    assert best.objective <= pooled.objective
    assert ("PARALLEL_CHEAPEST_INSERTION" in cold) == (cold_share > 0)
    plan = solve_ortools(problem, time_limit_s=1.0, config=config)
    assert plan is not None
    assert validate(problem, plan) == []
    assert plan.unassigned == {}
    assert sum(1 for stops in plan.routes.values() if stops) <= 3


def test_long_routes_start_with_the_peers_recipe_and_polish_after_the_pool() -> None:
    """Long routes: PATH_CHEAPEST_ARC first, no OR-Tools rounds, restarts or cold
    solve after the pool; tight windows keep the fleet search as it was."""
    loose = [replace(job, due_at=None) for job in three_tight_five_loose()[3:]]
    config = SearchConfig()
    loose_fleet = depot_fleet(loose, robots=5)
    long = _fleet_config(config, long_routes(loose_fleet, config))
    assert long.first_solution == "PATH_CHEAPEST_ARC"
    assert (long.victims_after_pool, long.restarts_after_pool) == (0, False)
    assert (long.final_restart, long.pool_cold_share) == ("", 0.0)
    tight_fleet = depot_fleet(three_tight_five_loose(), robots=8)
    short = _fleet_config(config, long_routes(tight_fleet, config))
    assert short.first_solution == config.fleet_first_solution
    assert short.victims_after_pool == config.victims_after_pool
    assert short.pool_cold_share == config.pool_cold_share
    with_rounds = replace(config, long_rounds=True)
    rounds = _fleet_config(with_rounds, long_routes(loose_fleet, with_rounds))
    assert rounds.victims_after_pool == config.victims_after_pool


@pytest.mark.parametrize("fixed_cost", [True, False])
def test_polish_never_lengthens_nor_adds_robots(fixed_cost: bool) -> None:
    """The polish, with or without the robots' fixed cost in its objective,
    serves every job on no more robots and no longer routes than its start."""
    jobs = three_tight_five_loose()
    problem = depot_fleet(jobs, robots=8)
    _, allowed, _ = split_jobs(problem)
    config = SearchConfig(polish_fixed_cost=fixed_cost, pool_share=0.0)
    world = eliminate_module.fleet(problem, jobs, allowed, config)
    first = eliminate_module.solve_on(
        world.flat, world, None, [0, 1, 2, 3], config, 0.3
    )
    assert first is not None and first.performed == 2 * len(jobs)
    polished = eliminate_module._polish(world, first, config, 0.3)
    assert polished.performed == first.performed
    assert sum(1 for r in polished.routes if r) <= sum(1 for r in first.routes if r)
    assert polished.objective <= first.objective
    plan = solve_ortools(problem, time_limit_s=1.0, config=config)
    assert plan is not None and validate(problem, plan) == []
