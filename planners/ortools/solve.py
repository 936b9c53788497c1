"""``solve_ortools``: a :class:`DispatchProblem` to a :class:`Plan` with OR-Tools.

The time limit is split into slices handed to OR-Tools (which keeps the clock);
this module never reads a clock itself, so the sum of slices bounds the search.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from planners.ortools.charging import plan_charging
from planners.ortools.model import build
from planners.ortools.precheck import split_jobs
from planners.ortools.routes import Routes, complete_routes, to_plan, warm_routes
from planners.ortools.search import Outcome, SearchConfig, run
from planners.problem import DispatchProblem, Job, Plan, Priority

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

    ``seed`` rotates the order in which equally short routes are tried for removal
    (OR-Tools' own search is deterministic for a given time limit).
    """
    charged, charges = plan_charging(problem)
    jobs, allowed, left = split_jobs(charged)
    eliminate = config.eliminate_routes and problem.costs.per_robot > 0
    first_s = time_limit_s * (config.first_share if eliminate else 1.0)
    if eliminate:
        config = replace(config, first_solution=config.fleet_first_solution)
    model = build(charged, jobs, allowed, previous)
    initial = None
    if previous is not None:
        initial = complete_routes(model, warm_routes(model, previous))
    outcome = run(model, config, first_s, initial)
    if outcome is None:
        return None
    notes: tuple[str, ...] = ()
    if eliminate:
        rest = time_limit_s - first_s
        outcome, note = _eliminate(charged, jobs, allowed, outcome, config, rest, seed)
        notes = (note,)
    model.problem = replace(charged, robots=problem.robots)
    return to_plan(model, outcome.routes, left, charges, config.name, notes, previous)


def _eliminate(
    problem: DispatchProblem,
    jobs: list[Job],
    allowed: dict[str, list[int]],
    best: Outcome,
    config: SearchConfig,
    seconds: float,
    seed: int,
) -> tuple[Outcome, str]:
    """Empty one route at a time: re-solve without its robot, from the others.

    An attempt succeeds when every job the best solution served is still served.
    The re-solves ignore ``previous`` (no reassignment fee): route elimination is
    for fleets where robots cost, not for re-planning a hospital shift.
    After ``config.victims`` failures in a row, the remaining time improves the best
    solution on the robots it uses.
    """
    slice_s = max(0.05, config.attempt_share * (seconds + 1e-9))
    # The robots are fixed in each re-solve, so their fixed cost is left out: the
    # constant would only blunt guided local search, whose penalties scale with the
    # objective. A left-out job costs config.drop_cost longest legs instead of the
    # business penalty (see SearchConfig.drop_cost).
    flat = replace(problem.costs, per_robot=0.0)
    travel_cost = max(problem.costs.travel_per_s, 1e-3)
    insertion = config.drop_cost * _longest(problem) * travel_cost + 1
    eager = replace(
        problem, costs=replace(flat, unassigned={p: insertion for p in Priority})
    )
    problem = replace(problem, costs=flat)
    removed = failures = 0
    while seconds >= 1.2 * slice_s and failures < config.victims:
        used = [v for v, route in enumerate(best.routes) if route]
        movable = [v for v in used if not problem.robots[v].onboard]
        if len(used) <= 1 or not movable:
            break
        ranked = sorted(movable, key=lambda v: (len(best.routes[v]), (v + seed) % 97))
        victim = ranked[min(failures, len(ranked) - 1)]
        keep = [v for v in used if v != victim]
        attempt = _solve_on(eager, jobs, allowed, best, keep, config, slice_s)
        seconds -= slice_s
        if attempt is not None and attempt.performed >= best.performed:
            best, removed, failures = attempt, removed + 1, 0
        else:
            failures += 1
    used = [v for v, route in enumerate(best.routes) if route]
    if seconds > 0.05 and used:
        polished = _solve_on(problem, jobs, allowed, best, used, config, seconds)
        if polished is not None and polished.objective <= best.objective:
            best = polished
    return best, f"route elimination removed {removed} route(s)"


def _solve_on(
    problem: DispatchProblem,
    jobs: list[Job],
    allowed: dict[str, list[int]],
    best: Outcome,
    vehicles: list[int],
    config: SearchConfig,
    seconds: float,
) -> Outcome | None:
    """Solve with only ``vehicles``, warm-started from their routes in ``best``.

    The outcome's routes are given back on all of ``problem``'s robots.
    """
    position = {v: k for k, v in enumerate(vehicles)}
    sub_allowed = {
        job_id: [position[v] for v in robots if v in position]
        for job_id, robots in allowed.items()
    }
    sub_jobs = [j for j in jobs if sub_allowed.get(j.id, True)]
    sub = replace(problem, robots=tuple(problem.robots[v] for v in vehicles))
    model = build(sub, sub_jobs, sub_allowed)
    outcome = run(model, config, seconds, [best.routes[v] for v in vehicles])
    if outcome is None:
        return None
    routes: Routes = [[] for _ in problem.robots]
    for k, v in enumerate(vehicles):
        routes[v] = outcome.routes[k]
    return Outcome(routes, outcome.objective, outcome.performed)


def _longest(problem: DispatchProblem) -> float:
    """The longest finite leg (s) of the travel matrix."""
    times = problem.travel.times["standard"]
    return float(np.max(times[np.isfinite(times)], initial=1.0))
