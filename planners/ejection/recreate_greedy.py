"""Greedy rebuilding with blinks (after Christiaens & Vanden Berghe's SISR,
2020), for ruin and recreate (:mod:`planners.ejection.recreate`).

Regret insertion puts a pair that fits in one route only back there first,
which on long clustered routes (lc204) is the very place the pair should leave;
the greedy rebuild takes the pairs in a random sorted order (at random,
farthest from the start, earliest window) into their cheapest place, skipping
each route with a small probability (a *blink*), so the rebuilds differ from
one try to the next. (SISR's string removal was tried too, at 30-50 % of the
ruins, and did no better: docs/benchmarks.md, "Session 6: distance".) Its
tests are charged by the walk (:mod:`planners.ejection.work`).
"""

from __future__ import annotations

import random

from planners.ejection.pairs import Pairs
from planners.ejection.route import Insertion, Route, inserted
from planners.ejection.work import Work, charged_insertion

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
