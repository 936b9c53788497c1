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
from planners.ejection.route import Insertion, Route, best_insertion, inserted

#: An insertion test on a route of ``n`` stops costs ``1 + n * n // SQUARE``
#: units of work: its numpy arrays grow with the pickup and drop-off places
#: (``n`` by ``n``), and on short tight routes most tests end at once (lc109's
#: routes of ~12 stops: ~20 us a test, lc204's of ~34: 200-360 us; 2-core Xeon).
SQUARE = 16

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
            charge(work, route)
            where = best_insertion(pairs, route, job)
            if where is not None and (best is None or where < best[0]):
                best = (where, k)
        if best is None or work.left <= 0:
            return None
        routes[best[1]] = inserted(pairs, routes[best[1]], job, best[0])
    return routes


def charge(work: Work, route: Route) -> None:
    """Spend one insertion test on ``route`` (see ``SQUARE``)."""
    work.left -= 1 + len(route) * len(route) // SQUARE


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
