"""Route minimisation with an ejection pool (after Nagata & Bräysy, 2009).

To remove a route, its pairs go into a pool; each pair taken from the pool is
inserted where it adds least distance; when no route has room, pairs already
routed are *ejected* to make room (at most ``max_eject`` from one route, those
whose summed failure count is least: pairs that were hard to place before stay
put), they join the pool, and the routes are *perturbed* by random feasible
pair relocations so that the next attempt meets other routes. The pool empties
(the route is gone) or the work budget ends (the last full solution stands).

The budget counts work (:mod:`planners.ejection.work`), not seconds: one unit
an insertion test (one pair against one route), or by the walk's steps on long
routes (``PoolConfig.by_walk``). Planners read no clock, and a count makes a
run depend only on its seed.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from itertools import combinations

from planners.ejection.pairs import Pairs
from planners.ejection.relocate import descend
from planners.ejection.route import Insertion, Route, inserted, timed, without
from planners.ejection.work import Work


@dataclass(frozen=True, slots=True)
class PoolConfig:
    """Knobs of the ejection pool."""

    #: Pairs ejected from one route at most to place one pair.
    max_eject: int = 2
    #: Random pair relocations tried after each ejection.
    perturb_moves: int = 10
    #: Remove the route with the fewest pairs (else a random one, as Nagata and
    #: Bräysy do): fewer pairs in the pool, fewer ejections to place them.
    shortest_first: bool = True
    #: Share of the budget kept for shortening the routes once some are gone
    #: (:mod:`planners.ejection.relocate`).
    descent_share: float = 0.15
    #: Eject only pairs with a stop in the time ``job`` would be on board.
    overlap_only: bool = False
    #: Count the work by the walk (:class:`planners.ejection.work.Work`):
    #: on long routes a test's cost grows with the stops it pushes.
    by_walk: bool = False
    #: Remove first the route of which a greedy reinsertion into the other
    #: routes (cheapest first, no ejection) leaves the fewest pairs
    #: *stranded*, then by ``shortest_first``: each stranded pair is work for
    #: the ejections. lrc202 (routes of 16, 20, 28, 38 stops; 5, 3, 7, 12
    #: stranded) lost its 20 from its 4-robot start, not its 16. (By the
    #: share stranded, lr207's 32 and lr211's 44 would go first, the routes
    #: that went there when tried alone, but lrc203's 36 before its 8, and
    #: recreate from there ended 30 % over the BKS against 0 %.)
    fewest_stranded: bool = False


def minimise(
    pairs: Pairs,
    routes: list[list[int]],
    *,
    floor: int,
    budget: int,
    seed: int,
    config: PoolConfig = PoolConfig(),
) -> list[list[int]]:
    """Fewer routes serving the same pairs, while ``budget`` insertion tests last
    and more than ``floor`` routes remain. ``routes`` hold nodes between start
    and end (pairs numbered as in :mod:`planners.ejection.pairs`)."""
    rng = random.Random(seed)
    descent = int(budget * config.descent_share)
    work = Work(budget - descent, config.by_walk)
    best = [timed(pairs, [0, *r, 1]) for r in routes if r]
    count = len(best)
    while len(best) > max(1, floor) and work.left > 0:
        stranded = _stranded(pairs, best, work, config)
        victim = _victim(best, rng, config, stranded)
        fewer = _remove_route(pairs, best, victim, work, rng, config)
        if fewer is None:
            break
        best = fewer
    if len(best) < count:
        best = descend(pairs, best, Work(descent, config.by_walk))
    return [r.nodes[1:-1].tolist() for r in best]


def _stranded(
    pairs: Pairs, routes: list[Route], work: Work, config: PoolConfig
) -> list[int]:
    """Per route, how many of its pairs a greedy reinsertion into the other
    routes leaves out (all 0 unless ``config.fewest_stranded``)."""
    if not config.fewest_stranded:
        return [0] * len(routes)
    return [_stranded_pairs(pairs, routes, k, work) for k in range(len(routes))]


def _stranded_pairs(pairs: Pairs, routes: list[Route], victim: int, work: Work) -> int:
    """Route ``victim``'s pairs put into the others, cheapest first (a route's
    places are tested again only once it changed): how many are left out."""
    others = [r for k, r in enumerate(routes) if k != victim]
    pending = routes[victim].jobs
    places = {job: [_tested(pairs, r, job, work) for r in others] for job in pending}
    while pending and work.left > 0:
        fits = [
            (where, k, job)
            for job in pending
            for k, where in enumerate(places[job])
            if where is not None
        ]
        if not fits:
            break
        where, k, job = min(fits)
        others[k] = inserted(pairs, others[k], job, where)
        pending.remove(job)
        for other in pending:
            places[other][k] = _tested(pairs, others[k], other, work)
    return len(pending)


def _tested(pairs: Pairs, route: Route, job: int, work: Work) -> Insertion | None:
    work.spend(route)
    return work.test(pairs, route, job)


def _victim(
    routes: list[Route], rng: random.Random, config: PoolConfig, stranded: list[int]
) -> int:
    """The next route to remove: among those with the fewest pairs stranded,
    the shortest (ties at random, a draw per route as before the count) or a
    random one."""
    if not config.shortest_first:
        least = min(stranded)
        left = [k for k in range(len(routes)) if stranded[k] == least]
        return left[rng.randrange(len(left))]
    draws = [rng.random() for _ in routes]
    return min(
        range(len(routes)), key=lambda k: (stranded[k], len(routes[k]), draws[k])
    )


def _remove_route(
    pairs: Pairs,
    routes: list[Route],
    victim: int,
    work: Work,
    rng: random.Random,
    config: PoolConfig,
) -> list[Route] | None:
    """The routes without route ``victim``, its pairs placed elsewhere, or
    ``None`` when the budget ends first."""
    pool = routes[victim].jobs
    rng.shuffle(pool)
    routes = [r for k, r in enumerate(routes) if k != victim]
    failures = [1] * pairs.size
    while pool:
        job = pool.pop()
        place = _cheapest(pairs, routes, job, work)
        if place is not None:
            k, where = place
            routes[k] = inserted(pairs, routes[k], job, where)
        else:
            failures[job] += 1
            ejected = _eject(pairs, routes, job, failures, work, rng, config)
            if ejected is None:
                pool.insert(0, job)
            else:
                pool.extend(ejected)
            _perturb(pairs, routes, work, rng, config.perturb_moves)
        if work.left <= 0:
            return None
    return routes


def _cheapest(
    pairs: Pairs, routes: list[Route], job: int, work: Work
) -> tuple[int, Insertion] | None:
    """The route and place adding least cost for ``job``, if any fits."""
    best: tuple[int, Insertion] | None = None
    for k, route in enumerate(routes):
        where = _tested(pairs, route, job, work)
        if where is not None and (best is None or where < best[1]):
            best = (k, where)
    return best


def _eject(
    pairs: Pairs,
    routes: list[Route],
    job: int,
    failures: list[int],
    work: Work,
    rng: random.Random,
    config: PoolConfig,
) -> list[int] | None:
    """Place ``job`` by taking out at most ``max_eject`` pairs of one route, the
    least summed failures first (ties: the first found, routes in random
    order); the ejected pairs, or ``None`` when no such ejection makes room.
    ``routes`` is updated."""
    best: tuple[int, int, int, tuple[int, ...], Route, Insertion] | None = None
    order = list(range(len(routes)))
    rng.shuffle(order)  # ties go to a random route, not always the first
    for k in order:
        route = routes[k]
        served = _overlapping(pairs, route, job) if config.overlap_only else route.jobs
        for size in range(1, config.max_eject + 1):
            for out in combinations(served, size):
                score = sum(failures[j] for j in out)
                if best is not None and score >= best[0]:
                    continue
                if not work.spend(route):
                    break
                shorter = without(pairs, route, set(out))
                where = work.test(pairs, shorter, job)
                if where is not None:
                    best = (score, where[0], k, out, shorter, where)
    if best is None:
        return None
    _, _, k, out, shorter, where = best
    routes[k] = inserted(pairs, shorter, job, where)
    return list(out)


def _overlapping(pairs: Pairs, route: Route, job: int) -> list[int]:
    """Pairs of ``route`` with a stop that may start while ``job`` would be on
    board: taking out the others seldom makes room for it, and testing them
    is most of an ejection's work on tight windows."""
    pick, drop = 2 + 2 * job, 3 + 2 * job
    inside = (route.early <= pairs.hi[drop]) & (route.late >= pairs.lo[pick])
    nodes = route.nodes[inside]
    return sorted({(int(n) - 2) // 2 for n in nodes if n >= 2})


def _perturb(
    pairs: Pairs, routes: list[Route], work: Work, rng: random.Random, moves: int
) -> None:
    """Random feasible relocations of a pair to another route, whatever the cost."""
    if len(routes) < 2:
        return
    for _ in range(moves):
        a, b = rng.sample(range(len(routes)), 2)
        served = routes[a].jobs
        if len(served) < 2 or not work.spend(routes[b]):
            continue
        job = rng.choice(served)
        where = work.test(pairs, routes[b], job)
        if where is not None:
            routes[b] = inserted(pairs, routes[b], job, where)
            routes[a] = without(pairs, routes[a], {job})
