"""The ejection pool's share and count on short and long routes, and its
victims on long ones."""

from __future__ import annotations

import random
from dataclasses import replace

from planners.ejection.pairs import to_pairs
from planners.ejection.pool import PoolConfig, _stranded, _victim, minimise
from planners.ejection.route import best_insertion, counted_walk, timed
from planners.ejection.work import STEPS_PER_UNIT, STOPS_PER_UNIT, TEST_UNITS, Work
from planners.ortools.search import SearchConfig
from planners.ortools.solve import _fleet_config, long_routes
from tests.planners.test_ejection import (
    depot_fleet,
    one_route_each,
    three_tight_five_loose,
)
from tests.planners.test_ejection_walk import random_pairs


def test_short_routes_give_the_pool_its_short_share_and_count() -> None:
    """Tight windows (short routes): the pool gets ``short_pool_share`` at
    ``short_pool_tests_per_s``; long routes keep ``pool_share``; a pool
    turned off stays off, on short routes and long."""
    config = SearchConfig(pool_share=0.25, short_pool_share=0.4)
    tight = depot_fleet(three_tight_five_loose(), robots=8)
    short = _fleet_config(config, long_routes(tight, config))
    assert short.pool_share == 0.4
    assert short.pool_tests_per_s == config.short_pool_tests_per_s
    loose = [replace(job, due_at=None) for job in three_tight_five_loose()[3:]]
    loose_fleet = depot_fleet(loose, robots=5)
    long = _fleet_config(config, long_routes(loose_fleet, config))
    assert long.pool_share == 0.25
    no_pool = replace(config, pool_share=0.0)
    off = _fleet_config(no_pool, long_routes(tight, no_pool))
    assert off.pool_share == 0.0
    assert _fleet_config(no_pool, long_routes(loose_fleet, no_pool)).pool_share == 0


def test_a_larger_budget_never_leaves_more_routes() -> None:
    """Same seed, more insertion tests: the pool follows the same steps and
    then goes on, so it ends on no more routes (here from eight to three)."""
    jobs = three_tight_five_loose()
    pairs = to_pairs(depot_fleet(jobs, robots=8), jobs)
    start = one_route_each(jobs)
    pool_only = PoolConfig(descent_share=0.0)
    counts = [
        len(minimise(pairs, start, floor=1, budget=b, seed=3, config=pool_only))
        for b in (5, 10, 20, 40, 1_500)
    ]
    assert counts == sorted(counts, reverse=True)
    assert counts[0] > counts[-1] == 3


def test_long_routes_count_the_pool_by_the_walk() -> None:
    """Long routes: the pool's work is counted by the walk at
    ``long_pool_units_per_s``; short routes keep one unit a test (0); recreate
    keeps its count on both."""
    config = SearchConfig()
    tight = depot_fleet(three_tight_five_loose(), robots=8)
    short = _fleet_config(config, long_routes(tight, config))
    assert short.pool_units_per_s == 0.0
    assert short.recreate_tests_per_s == config.recreate_tests_per_s == 160_000
    loose = [replace(job, due_at=None) for job in three_tight_five_loose()[3:]]
    long = _fleet_config(config, long_routes(depot_fleet(loose, robots=5), config))
    assert long.pool_units_per_s == config.long_pool_units_per_s > 0
    assert long.recreate_tests_per_s == config.recreate_tests_per_s


def test_a_larger_walked_budget_never_leaves_more_routes() -> None:
    """Counted by the walk too, more work never ends on more routes."""
    jobs = three_tight_five_loose()
    pairs = to_pairs(depot_fleet(jobs, robots=8), jobs)
    walked = PoolConfig(descent_share=0.0, by_walk=True, fewest_stranded=True)
    counts = [
        len(minimise(pairs, one_route_each(jobs), floor=1, budget=b, seed=3,
                     config=walked))
        for b in (5, 20, 80, 320, 20_000)
    ]  # fmt: skip
    assert counts == sorted(counts, reverse=True)
    assert counts[0] > counts[-1] == 3


def test_walked_work_is_charged_after_the_test_by_its_steps() -> None:
    """By the walk, ``spend`` only asks whether work is left and ``test``
    charges ``TEST_UNITS`` plus the steps on a long route; per test, ``spend``
    charges one unit (one more per ``STOPS_PER_UNIT`` stops) and ``test``
    nothing; both find ``best_insertion``'s place."""
    pairs = random_pairs(1, jobs=26, capacity=40)
    route = timed(pairs, [0, *range(2, 42), 1])
    for job in range(21, 26):
        where, steps = counted_walk(pairs, route, job)
        walked = Work(1_000, by_walk=True)
        assert walked.spend(route) and walked.left == 1_000
        assert walked.test(pairs, route, job) == where
        assert walked.left == 1_000 - (TEST_UNITS + steps // STEPS_PER_UNIT)
        per_test = Work(1_000)
        assert per_test.spend(route)
        assert per_test.left == 1_000 - (1 + 40 // STOPS_PER_UNIT)
        assert per_test.test(pairs, route, job) == best_insertion(pairs, route, job)
        assert per_test.left == 1_000 - (1 + 40 // STOPS_PER_UNIT)


def test_stranded_pairs_are_what_a_greedy_reinsertion_leaves_out() -> None:
    """With every robot busy on a tight job, each tight pair is stranded (the
    loose pairs beside one are not); a free route takes any of them, and then
    none is."""
    jobs = three_tight_five_loose()
    pairs = to_pairs(depot_fleet(jobs, robots=8), jobs)
    ranked = PoolConfig(fewest_stranded=True)
    busy = [[2, 3], [4, 5], [6, 7, 8, 9, 10, 11]]
    routes = [timed(pairs, [0, *r, 1]) for r in busy]
    shares = _stranded(pairs, routes, Work(10_000, by_walk=True), ranked)
    assert shares == [1, 1, 1]
    free = [*busy, [12, 13]]
    routes = [timed(pairs, [0, *r, 1]) for r in free]
    assert _stranded(pairs, routes, Work(10_000, by_walk=True), ranked) == [0] * 4
    assert _stranded(pairs, routes, Work(10_000), PoolConfig()) == [0] * 4


def test_the_victim_strands_the_fewest_pairs_then_is_shortest() -> None:
    """A longer route with fewer pairs stranded goes before shorter ones;
    among equals, the shortest; with none stranded, the same draws and route
    as the shortest-first rule alone."""
    jobs = three_tight_five_loose()
    pairs = to_pairs(depot_fleet(jobs, robots=8), jobs)
    nodes = [[2, 3], [4, 5, 10, 11], [6, 7, 8, 9, 12, 13]]
    routes = [timed(pairs, [0, *r, 1]) for r in nodes]
    rng = random.Random(0)
    assert _victim(routes, rng, PoolConfig(), [2, 1, 0]) == 2
    assert _victim(routes, rng, PoolConfig(), [2, 1, 1]) == 1
    before, after = random.Random(5), random.Random(5)
    plain_rule = min(range(3), key=lambda k: (len(routes[k]), before.random()))
    assert _victim(routes, after, PoolConfig(), [0, 0, 0]) == plain_rule == 0
    assert before.random() == after.random()
