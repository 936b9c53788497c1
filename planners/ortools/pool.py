"""The ejection pool (:mod:`planners.ejection`) as a phase of the OR-Tools search.

For plain fleets only (:func:`planners.ejection.pairs.plain`: Li & Lim's shape),
when the first solve served every job: the pool removes routes outside OR-Tools,
and its routes come back as an :class:`Outcome` that route elimination and the
distance polish take as their warm start. Its objective is the routes' arc cost,
computed with the routing model's integers, so it compares with OR-Tools' own.
"""

from __future__ import annotations

from planners.ejection.pairs import Pairs, plain, to_pairs
from planners.ejection.pool import PoolConfig, minimise
from planners.ejection.recreate import shorten
from planners.ortools.routes import Routes
from planners.ortools.search import Outcome, SearchConfig
from planners.problem import DispatchProblem, Job, StopKind


def applies(problem: DispatchProblem, jobs: list[Job], best: Outcome) -> bool:
    """A plain fleet whose every job ``best`` serves, no weight on completion."""
    return (
        best.performed == 2 * len(jobs)
        and not any(problem.costs.completion_per_s.values())
        and plain(problem, jobs)
    )


def pool_phase(
    problem: DispatchProblem,
    jobs: list[Job],
    best: Outcome,
    floor: int,
    seconds: float,
    seed: int,
    config: SearchConfig,
) -> Outcome:
    """``best`` with routes removed by the ejection pool; its work budget is
    ``seconds`` times ``config.pool_tests_per_s`` insertion tests or, when
    ``config.pool_units_per_s`` is set, that many units counted by the walk."""
    pairs = to_pairs(problem, jobs)
    number = {job.id: k for k, job in enumerate(jobs)}
    start = [_nodes(route, number) for route in best.routes if route]
    by_walk = config.pool_units_per_s > 0
    rate = config.pool_units_per_s if by_walk else config.pool_tests_per_s
    how = PoolConfig(by_walk=by_walk, fewest_stranded=by_walk)
    budget = int(seconds * rate)
    fewer = minimise(pairs, start, floor=floor, budget=budget, seed=seed, config=how)
    if len(fewer) >= len(start):
        return best
    return _outcome(problem, jobs, pairs, fewer, best.performed)


def recreate_phase(
    problem: DispatchProblem,
    jobs: list[Job],
    best: Outcome,
    seconds: float,
    seed: int,
    config: SearchConfig,
) -> Outcome:
    """``best`` shortened by ruin and recreate on its robots
    (:mod:`planners.ejection.recreate`), for ``seconds`` times
    ``config.recreate_tests_per_s`` insertion tests; ``best`` itself unless that
    is shorter (its objective is the routes' arc cost, as the pool's)."""
    pairs = to_pairs(problem, jobs)
    number = {job.id: k for k, job in enumerate(jobs)}
    start = [_nodes(route, number) for route in best.routes if route]
    budget = int(seconds * config.recreate_tests_per_s)
    shorter = shorten(pairs, start, budget=budget, seed=seed)
    found = _outcome(problem, jobs, pairs, shorter, best.performed)
    if (len(shorter), found.objective) < (len(start), _cost(pairs, start)):
        return found
    return best


def _outcome(
    problem: DispatchProblem,
    jobs: list[Job],
    pairs: Pairs,
    nodes_per_route: list[list[int]],
    performed: int,
) -> Outcome:
    routes: Routes = [[] for _ in problem.robots]
    for vehicle, nodes in enumerate(nodes_per_route):
        routes[vehicle] = [_visit(jobs, n) for n in nodes]
    return Outcome(routes, _cost(pairs, nodes_per_route), performed)


def _cost(pairs: Pairs, nodes_per_route: list[list[int]]) -> int:
    cost = 0
    for nodes in nodes_per_route:
        path = [0, *nodes, 1]
        cost += int(pairs.cost[path[:-1], path[1:]].sum())
    return cost


def _nodes(route: list[tuple[StopKind, str]], number: dict[str, int]) -> list[int]:
    return [
        (2 if kind is StopKind.PICKUP else 3) + 2 * number[job_id]
        for kind, job_id in route
    ]


def _visit(jobs: list[Job], node: int) -> tuple[StopKind, str]:
    kind = StopKind.PICKUP if node % 2 == 0 else StopKind.DROPOFF
    return kind, jobs[(node - 2) // 2].id
