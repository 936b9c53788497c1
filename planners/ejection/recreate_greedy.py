"""Greedy rebuilding with blinks (after Christiaens & Vanden Berghe's SISR,
2020), for ruin and recreate (:mod:`planners.ejection.recreate`), and the work
an insertion test costs there.

Regret insertion puts a pair that fits in one route only back there first,
which on long clustered routes (lc204) is the very place the pair should leave;
the greedy rebuild takes the pairs in a random sorted order (at random,
farthest from the start, earliest window) into their cheapest place, skipping
each route with a small probability (a *blink*), so the rebuilds differ from
one try to the next. (SISR's string removal was tried too, at 30-50 % of the
ruins, and did no better: docs/benchmarks.md, "Session 6: distance".)
"""

from __future__ import annotations

import random

from planners.ejection.pairs import Pairs
from planners.ejection.pool import Work
from planners.ejection.route import (
    WALK_STOPS,
    Insertion,
    Route,
    best_insertion,
    counted_walk,
    inserted,
)

#: An insertion test on a route of ``n`` stops, up to ``KNEE``, costs
#: ``1 + n * n // SQUARE`` units of work: the places to test grow with ``n`` by
#: ``n``, and on short tight routes most tests end at once (lc109's routes of
#: ~12 stops: ~20 us a test). Numpy's test (routes longer than
#: :data:`planners.ejection.route.WALK_STOPS`) is charged the same way.
SQUARE = 16
KNEE = 22
#: A walked test on a longer route costs ``TEST_UNITS`` plus a unit per
#: ``STEPS_PER_UNIT`` steps of the walk (:func:`counted_walk`): its work is the
#: stops it pushes, many where windows are wide (lr204's routes of 50 stops:
#: ~460 steps a test), few where they are tight (lrc201's of 26: ~35). On
#: eight lc2/lr2/lrc2 instances (2-core Xeon, load ~4-5) a test cost ~11 us
#: and a step ~0.5 us of CPU: a unit ~4 us. They made 190,000-445,000 units a
#: CPU second at load ~4.5 (lc204 and lr204 the fewest; lrc203 380,000-490,000
#: at load 2.3), about short routes' 213,000-465,000 at load 5.6 in session 6:
#: the same margin over ``SearchConfig.recreate_tests_per_s``. A third dearer
#: (4 + 1 per 6) left lrc203 a lottery again (3 of 6 seeds at the BKS against
#: 3 of 3). Numpy's tests, charged by the square, gave long routes a third to
#: a quarter of the tests their share pays for.
TEST_UNITS = 3
STEPS_PER_UNIT = 8

#: Orders of the greedy rebuild and their weights (SISR's: random 4, far 2).
ORDERS = (("random", 4), ("far", 2), ("early", 2), ("late", 1))


def greedy_recreate(
    pairs: Pairs,
    routes: list[Route],
    pending: set[int],
    work: Work,
    rng: random.Random,
    blink: float,
) -> list[Route] | None:
    """``routes`` with every pair of ``pending`` put back, one at a time in a
    random sorted order, each into its cheapest place over the routes not
    blinked; ``None`` when one finds no place or the work runs out."""
    routes = list(routes)
    for job in _ordered(pairs, pending, rng):
        best: tuple[Insertion, int] | None = None
        for k, route in enumerate(routes):
            if rng.random() < blink:
                continue
            where = charged_insertion(pairs, route, job, work)
            if where is not None and (best is None or where < best[0]):
                best = (where, k)
        if best is None or work.left <= 0:
            return None
        routes[best[1]] = inserted(pairs, routes[best[1]], job, best[0])
    return routes


def charge(work: Work, route: Route) -> None:
    """Spend one insertion test on ``route`` by its length (see ``SQUARE``)."""
    work.left -= 1 + len(route) * len(route) // SQUARE


def charged_insertion(
    pairs: Pairs, route: Route, job: int, work: Work
) -> Insertion | None:
    """:func:`best_insertion` of ``job`` in ``route``, its work spent: by the
    route's length up to ``KNEE`` stops (session 6's count: short routes' plans
    are unchanged) and for numpy's tests, by the walk's steps between."""
    if len(route) <= KNEE or len(route.stops) > WALK_STOPS:
        charge(work, route)
        return best_insertion(pairs, route, job)
    where, steps = counted_walk(pairs, route, job)
    work.left -= TEST_UNITS + steps // STEPS_PER_UNIT
    return where


def _ordered(pairs: Pairs, pending: set[int], rng: random.Random) -> list[int]:
    jobs = sorted(pending)
    how = rng.choices([o for o, _ in ORDERS], [w for _, w in ORDERS])[0]
    if how == "random":
        rng.shuffle(jobs)
        return jobs
    pick = [2 + 2 * j for j in jobs]
    if how == "far":
        key = (pairs.cost[0, pick] + pairs.cost[0, [p + 1 for p in pick]]).tolist()
        return [j for _, j in sorted(zip(key, jobs, strict=True), reverse=True)]
    key = pairs.lo[pick].tolist() if how == "early" else (-pairs.hi[pick]).tolist()
    return [j for _, j in sorted(zip(key, jobs, strict=True))]
