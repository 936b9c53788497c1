"""Shorter routes after the ejection pool: pair relocation by steepest descent.

The pool places pairs where they fit and perturbs the routes at random, so the
routes it leaves are long (lr210: 3 robots at 62 % over the best known), and
guided local search from there stalls (the same distance to the cent whatever
its time). Moving each pair to its cheapest place in any route, while that
saves distance, takes most of that back before OR-Tools polishes.
"""

from __future__ import annotations

from planners.ejection.pairs import Pairs
from planners.ejection.route import Route, inserted, without
from planners.ejection.work import Work


def descend(pairs: Pairs, routes: list[Route], work: Work) -> list[Route]:
    """``routes`` after moving pairs to cheaper places until none saves
    distance or the ``work`` is spent (one unit a test, session 6's count,
    or by the walk)."""
    routes = list(routes)
    improved = True
    while improved and work.left > 0:
        improved = False
        for job in range(pairs.size):
            home = next(k for k, r in enumerate(routes) if job in r.jobs)
            shorter = without(pairs, routes[home], {job})
            saved = routes[home].cost - shorter.cost
            trial = [shorter if k == home else r for k, r in enumerate(routes)]
            move = _cheapest(pairs, trial, job, work)
            if not work.by_walk:
                work.left -= len(routes)  # one a test, whatever the length
            if move is not None and move[1][0] < saved:
                k, where = move
                trial[k] = inserted(pairs, trial[k], job, where)
                routes, improved = trial, True
            if work.left <= 0:
                break
    return [r for r in routes if len(r)]


def _cheapest(
    pairs: Pairs, routes: list[Route], job: int, work: Work
) -> tuple[int, tuple[int, int, int]] | None:
    best = None
    for k, route in enumerate(routes):
        where = work.test(pairs, route, job)  # by the walk: charged here
        if where is not None and (best is None or where < best[1]):
            best = (k, where)
    return best
