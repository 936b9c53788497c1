"""``solve_ortools``: a :class:`DispatchProblem` to a :class:`Plan` with OR-Tools.

The time limit is split into slices handed to OR-Tools (which keeps the clock);
this module never reads a clock itself, so the sum of slices bounds the search.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from planners.ejection.pairs import plain
from planners.ortools.charging import plan_charging
from planners.ortools.eliminate import eliminate
from planners.ortools.model import build
from planners.ortools.precheck import split_jobs
from planners.ortools.routes import complete_routes, to_plan, warm_routes
from planners.ortools.search import Outcome, SearchConfig, run
from planners.problem import DispatchProblem, Job, Plan

PORTER = SearchConfig()


def solve_ortools(
    problem: DispatchProblem,
    *,
    time_limit_s: float,
    seed: int = 0,
    previous: Plan | None = None,
    config: SearchConfig = PORTER,
) -> Plan | None:
    """The best plan OR-Tools finds in ``time_limit_s``; ``None`` if it finds none.

    A hospital snapshot (robots cost nothing) is searched by a descent that ends
    at its local optimum (``SearchConfig.hospital_metaheuristic``), so its plan
    does not depend on the clock unless ``time_limit_s`` cuts it short.
    ``seed`` rotates the order in which equally short routes are tried for removal
    (OR-Tools' own search is deterministic for a given time limit).
    """
    charged, charges = plan_charging(problem)
    jobs, allowed, left = split_jobs(charged)
    fewer_robots = config.eliminate_routes and problem.costs.per_robot > 0
    long = fewer_robots and long_routes(charged, config)
    share = _first_share(charged, jobs, config, long) if fewer_robots else 1.0
    first_s = time_limit_s * share
    if fewer_robots:
        config = _fleet_config(config, long)
    elif problem.costs.per_robot == 0:
        config = replace(
            config,
            metaheuristic=config.hospital_metaheuristic,
            only_operators=config.hospital_operators,
        )
    model = build(charged, jobs, allowed, previous)
    initial = None
    if previous is not None:
        initial = complete_routes(model, warm_routes(model, previous))
    outcome = run(model, config, first_s, initial)
    if outcome is None:
        return None
    notes: tuple[str, ...] = ()
    if fewer_robots:
        rest = time_limit_s - first_s
        if config.second_start_share > 0 and previous is None:
            second_s = min(rest, config.second_start_share * time_limit_s)
            rest -= second_s
            outcome = _second_start(charged, jobs, allowed, outcome, config, second_s)
        outcome, note = eliminate(charged, jobs, allowed, outcome, config, rest, seed)
        notes = (note,)
    model.problem = replace(charged, robots=problem.robots)
    return to_plan(model, outcome.routes, left, charges, config.name, notes, previous)


def _second_start(
    problem: DispatchProblem,
    jobs: list[Job],
    allowed: dict[str, list[int]],
    first: Outcome,
    config: SearchConfig,
    seconds: float,
) -> Outcome:
    """The better of ``first`` and a cold solve from ``fleet_first_solution``
    for ``seconds`` (more jobs served, then the lower objective: robots at
    their fixed cost, then distance)."""
    other = replace(config, first_solution=config.fleet_first_solution)
    second = run(build(problem, jobs, allowed), other, seconds)
    if second is None:
        return first
    if (-second.performed, second.objective) < (-first.performed, first.objective):
        return second
    return first


def _first_share(
    problem: DispatchProblem, jobs: list[Job], config: SearchConfig, long: bool
) -> float:
    """The first solve's share of the time: ``long_first_share`` when a route may
    hold many stops (:func:`stops_per_route` at least ``long_route_stops``: Li &
    Lim's lc2/lr2/lrc2, 18-26 against 4-10 for the tight-window sets), where the
    first solve under the fixed cost removes robots that OR-Tools' route
    elimination does not (lr203, lrc208: 4 -> 3 robots with half the time, at
    load 11); ``pool_long_first_share`` there when the ejection pool will run,
    which removes them itself."""
    if not long:
        return config.first_share
    if config.pool_share > 0 and plain(problem, jobs):
        return config.pool_long_first_share
    return config.long_first_share


def _fleet_config(config: SearchConfig, long: bool) -> SearchConfig:
    """The search when robots cost: ``fleet_first_solution`` first (on short
    routes the pool's share and count are ``short_pool_share`` and
    ``short_pool_tests_per_s``); on long routes the pool counts by the walk
    at ``long_pool_units_per_s``, and ``long_first_solution`` (the peer's
    PATH_CHEAPEST_ARC, whose guided local search under the fixed cost
    empties routes itself), and unless
    ``long_rounds``, no OR-Tools rounds or restarts after the ejection pool
    and no cold solve after it (``long_pool_cold_share``): the time left goes
    to the distance polish."""
    if not long:
        return replace(
            config,
            first_solution=config.fleet_first_solution,
            pool_tests_per_s=config.short_pool_tests_per_s,
            pool_share=config.short_pool_share if config.pool_share > 0 else 0.0,
        )
    if not config.long_first_solution:
        return replace(config, first_solution=config.fleet_first_solution)
    config = replace(
        config,
        first_solution=config.long_first_solution,
        pool_cold_share=config.long_pool_cold_share,
        second_start_share=config.long_second_start_share,
        pool_units_per_s=config.long_pool_units_per_s,
    )
    if config.long_rounds:
        return config
    return replace(
        config, victims_after_pool=0, restarts_after_pool=False, final_restart=""
    )


def long_routes(problem: DispatchProblem, config: SearchConfig) -> bool:
    """Whether routes can hold many stops (:func:`stops_per_route` at least
    ``config.long_route_stops``): Li & Lim's lc2/lr2/lrc2 against lc1/lr1/lrc1."""
    return stops_per_route(problem) >= config.long_route_stops


def stops_per_route(problem: DispatchProblem) -> float:
    """How many stops fit between now and the last deadline, at a mean leg and a
    mean service time each: a cheap measure of how long routes can get."""
    deadlines = [
        t for job in problem.jobs for t in (job.due_at, job.pickup_latest) if t
    ]
    if not problem.jobs or not deadlines:
        return float("inf")
    travel = problem.travel
    nodes = {travel.index(n) for j in problem.jobs for n in (j.pickup, j.dropoff)}
    at = sorted(nodes)
    times = travel.times["standard"][np.ix_(at, at)]
    leg = float(np.mean(times[np.isfinite(times)])) if len(at) > 1 else 0.0
    service = float(
        np.mean([j.pickup_service_s + j.dropoff_service_s for j in problem.jobs]) / 2
    )
    horizon = max(deadlines) - problem.now
    return horizon / max(leg + service, 1e-9)
