"""The ejection pool's share and count on short and long routes."""

from __future__ import annotations

from dataclasses import replace

from planners.ejection.pairs import to_pairs
from planners.ejection.pool import PoolConfig, minimise
from planners.ortools.search import SearchConfig
from planners.ortools.solve import _fleet_config, long_routes
from tests.planners.test_ejection import (
    depot_fleet,
    one_route_each,
    three_tight_five_loose,
)


def test_short_routes_give_the_pool_its_short_share_and_count() -> None:
    """Tight windows (short routes): the pool gets ``short_pool_share`` at
    ``short_pool_tests_per_s``; long routes keep ``pool_share`` and
    ``pool_tests_per_s``; a pool turned off stays off."""
    config = SearchConfig(pool_share=0.25, short_pool_share=0.4)
    tight = depot_fleet(three_tight_five_loose(), robots=8)
    short = _fleet_config(config, long_routes(tight, config))
    assert short.pool_share == 0.4
    assert short.pool_tests_per_s == config.short_pool_tests_per_s
    loose = [replace(job, due_at=None) for job in three_tight_five_loose()[3:]]
    loose_fleet = depot_fleet(loose, robots=5)
    long = _fleet_config(config, long_routes(loose_fleet, config))
    assert (long.pool_share, long.pool_tests_per_s) == (0.25, config.pool_tests_per_s)
    no_pool = replace(config, pool_share=0.0)
    off = _fleet_config(no_pool, long_routes(tight, no_pool))
    assert off.pool_share == 0.0


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
