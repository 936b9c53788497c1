"""String removal and greedy rebuilding with blinks (after Christiaens & Vanden
Berghe's SISR, 2020), for ruin and recreate (:mod:`planners.ejection.recreate`).

Shaw's removal takes pairs alike in place and window wherever they ride; a
*string* ruin takes runs of consecutive stops out of a few neighbouring routes
(with the partners of their stops), so a stretch of one route can be rebuilt
into its neighbour. Regret insertion puts a pair that fits in one route only
back there first, which on long clustered routes (lc204) is the very place the
pair should leave; the *greedy* rebuild takes the pairs in a random sorted
order (at random, farthest from the start, earliest window) into their
cheapest place, skipping each route with a small probability (a *blink*), so
the rebuilds differ from one try to the next.
"""

from __future__ import annotations

import random

import numpy as np

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


def string_ruin(
    pairs: Pairs, routes: list[Route], rng: random.Random, average: int, longest: int
) -> set[int]:
    """The pairs of a few strings of consecutive stops, each in its own route,
    the routes met in order of closeness to a random pair's pickup; about
    ``average`` stops in all, strings of at most ``longest``."""
    used = [r for r in routes if len(r)]
    mean = sum(len(r) for r in used) / max(len(used), 1)
    cap = min(float(longest), mean)
    strings = int(rng.uniform(1, 4 * average / (1 + cap) - 1 + 1))
    home = {int(n): k for k, r in enumerate(used) for n in r.nodes[1:-1]}
    seed = 2 + 2 * rng.randrange(pairs.size)
    removed: set[int] = set()
    ruined: set[int] = set()
    for node in np.argsort(pairs.cost[seed]).tolist():
        k = home.get(node)
        if k is None or k in ruined:
            continue
        removed |= _string(used[k], node, cap, rng)
        ruined.add(k)
        if len(ruined) >= strings:
            break
    return removed


def _string(route: Route, node: int, cap: float, rng: random.Random) -> set[int]:
    """The pairs of a random string of stops of ``route`` through ``node``."""
    stops = route.nodes[1:-1].tolist()
    length = int(rng.uniform(1, min(len(stops), cap) + 1))
    at = stops.index(node)
    first = rng.randint(max(0, at - length + 1), min(at, len(stops) - length))
    return {(n - 2) // 2 for n in stops[first : first + length]}


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
