"""Shorter routes on a fixed fleet: ruin and recreate (after Ropke & Pisinger, 2006).

The routes the ejection pool leaves, or a tight-window first solve, can be so
tightly timed that OR-Tools' local search finds no feasible neighbour at all
(lrc201 at 4 robots: one accepted move in two million neighbours, the same
2251.95 after 15 s of guided local search, simulated annealing or its own
iterated local search). Moves that cross that wall take several pairs out at
once and put them back: a *ruin* removes pairs related to a random one (close
pickups and drop-offs, close windows; Shaw's removal) or random pairs, a
*recreate* puts them back by regret (the pair that would lose most by waiting
goes first, into its cheapest place). A rebuilt plan that misses a pair is
dropped; one within a shrinking threshold of the best becomes the current one
(record-to-record travel), so the search can walk out of a basin. The best
plan is returned: never longer than the routes it was given, never on more
robots.

Work is counted by the walk (:mod:`planners.ejection.work`),
never read from a clock.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

import numpy as np

from planners.ejection.pairs import Pairs
from planners.ejection.recreate_greedy import greedy_recreate
from planners.ejection.route import Insertion, Route, inserted, timed
from planners.ejection.route import without as route_without
from planners.ejection.work import Work, charged_insertion


@dataclass(frozen=True, slots=True)
class RecreateConfig:
    """Knobs of ruin and recreate."""

    #: Pairs taken out per ruin, at least and at most (capped by a third of all).
    fewest: int = 4
    most: int = 15
    #: Shaw's determinism: higher picks the most related pairs more surely.
    determinism: float = 6.0
    #: Share of ruins that take random pairs rather than related ones.
    random_share: float = 0.25
    #: Largest share of all pairs taken out per ruin.
    most_share: float = 1 / 3
    #: Record-to-record threshold at the start, a share of the best cost; it
    #: falls linearly to zero as the work is spent.
    threshold: float = 0.04
    #: Share of rebuilds that are greedy in a random sorted order rather than
    #: by regret, and the chance a route is skipped for one pair (a blink).
    greedy_share: float = 0.5
    blink: float = 0.01


def shorten(
    pairs: Pairs,
    routes: list[list[int]],
    *,
    budget: int,
    seed: int,
    config: RecreateConfig = RecreateConfig(),
) -> list[list[int]]:
    """``routes`` (nodes between start and end) rebuilt while ``budget``
    insertion tests last; the best found: never more robots, then never longer."""
    rng = random.Random(seed)
    related = _relatedness(pairs)
    current = [timed(pairs, [0, *r, 1]) for r in routes if r]
    best, work = current, Work(budget, by_walk=True)
    while work.left > 0 and pairs.size > 1:
        removed = _ruin(pairs, current, related, rng, config)
        ruined = [_without(pairs, r, removed) for r in current]
        if config.greedy_share > 0 and rng.random() < config.greedy_share:
            rebuilt = greedy_recreate(pairs, ruined, removed, work, rng, config.blink)
        else:
            rebuilt = _recreate(pairs, ruined, removed, work, rng)
        if rebuilt is None:
            continue
        limit = _score(best)[1] * (1 + config.threshold * max(work.left, 0) / budget)
        if _score(rebuilt) < _score(current) or (
            _robots(rebuilt) <= _robots(best) and _score(rebuilt)[1] <= limit
        ):
            current = rebuilt
        if _score(rebuilt) < _score(best):
            best = rebuilt
    return [r.nodes[1:-1].tolist() for r in best if len(r)]


def _score(routes: list[Route]) -> tuple[int, int]:
    return _robots(routes), sum(r.cost for r in routes)


def _robots(routes: list[Route]) -> int:
    return sum(1 for r in routes if len(r))


def _without(pairs: Pairs, route: Route, removed: set[int]) -> Route:
    if not removed.intersection(route.jobs):
        return route
    return route_without(pairs, route, removed)


def _relatedness(pairs: Pairs) -> np.ndarray:
    """Per two pairs, how alike they are (lower is closer): the distance
    between their pickups and between their drop-offs, and how far apart their
    windows open, each scaled to its largest value."""
    pick = 2 + 2 * np.arange(pairs.size)
    drop = pick + 1
    cost = pairs.cost.astype(float)
    distance = cost[np.ix_(pick, pick)] + cost[np.ix_(drop, drop)]
    opens = pairs.lo.astype(float)
    apart = np.abs(opens[pick][:, None] - opens[pick][None, :])
    apart += np.abs(opens[drop][:, None] - opens[drop][None, :])
    related: np.ndarray = distance / max(distance.max(), 1.0) + apart / max(
        apart.max(), 1.0
    )
    return related


def _ruin(
    pairs: Pairs,
    routes: list[Route],
    related: np.ndarray,
    rng: random.Random,
    config: RecreateConfig,
) -> set[int]:
    """The pairs to take out: related to a random one, or random."""
    most = max(config.fewest, min(config.most, int(pairs.size * config.most_share)))
    count = min(pairs.size, rng.randint(config.fewest, most))
    if rng.random() < config.random_share:
        return set(rng.sample(range(pairs.size), count))
    removed = [rng.randrange(pairs.size)]
    while len(removed) < count:
        anchor = rng.choice(removed)
        order = [j for j in np.argsort(related[anchor]).tolist() if j not in removed]
        removed.append(order[int(len(order) * rng.random() ** config.determinism)])
    return set(removed)


def _recreate(
    pairs: Pairs, routes: list[Route], pending: set[int], work: Work, rng: random.Random
) -> list[Route] | None:
    """``routes`` with every pair of ``pending`` put back by regret, or
    ``None`` when one finds no place or the work runs out."""
    routes = list(routes)
    places = {
        j: [charged_insertion(pairs, r, j, work) for r in routes] for j in pending
    }
    while places:
        job, k, where = _most_regret(places, rng)
        if where is None or work.left <= 0:
            return None
        routes[k] = inserted(pairs, routes[k], job, where)
        del places[job]
        for other, options in places.items():
            options[k] = charged_insertion(pairs, routes[k], other, work)
    return routes


def _most_regret(
    places: dict[int, list[Insertion | None]], rng: random.Random
) -> tuple[int, int, Insertion | None]:
    """The pending pair whose second-best place costs most over its best (one
    place only: first; none: returned with ``None`` so the rebuild stops),
    ties broken at random; with its best route and place."""
    chosen: tuple[float, float, int, int] | None = None  # regret, tie, job, route
    for job, options in places.items():
        costs = sorted((w[0], k) for k, w in enumerate(options) if w is not None)
        if not costs:
            return job, 0, None
        second = costs[1][0] if len(costs) > 1 else float("inf")
        key = (second - costs[0][0], rng.random(), job, costs[0][1])
        if chosen is None or key[:2] > chosen[:2]:
            chosen = key
    assert chosen is not None
    _, _, job, route = chosen
    return job, route, places[job][route]
