"""Route elimination: fewer robots, one route at a time (``Costs.per_robot`` > 0).

A *round* picks a victim among the shortest routes and re-solves without its
robot, from the other routes, every job optional at a huge cost (``drop_cost``);
when some stay out, the best partial solution is kept and the next retry starts
from it (``retries`` in all). A round succeeds when every job the best solution
served is still served. After ``victims`` failed rounds in a row (each on the
next shortest route), *restarts* solve from scratch on one robot fewer, one
first-solution strategy each (``restarts``): guided local search from the
elimination's routes stalls in the same place whatever its time (lr104 ends at
11 robots / 1131.70 at loads 7 to 11), while a cold start lands elsewhere (lr109:
PARALLEL_CHEAPEST_INSERTION serves every job on 12 robots where elimination
stopped at 13). A success resumes elimination. Then a last cold restart on the
robots kept (``final_restart``, LOCAL_CHEAPEST_INSERTION: lr102 on 18 robots, 1585,
became 17 and 1487.57, the best known) is taken if better, and the time left
polishes distance, with the robots' fixed cost in the objective
(``polish_fixed_cost``: without it guided local search barely moves).

Stops early at a lower bound on the robots (:mod:`planners.ortools.bound`).
On plain fleets the ejection pool (:mod:`planners.ortools.pool`) runs first,
and then OR-Tools' rounds (``victims_after_pool``) and restarts from its routes;
when it removed a route, a cold solve on the robots kept replaces the last
restart (``pool_cold_share`` of the time left), since GLS from the pool's routes
stalls in their basin. On plain fleets, ruin and recreate
(:mod:`planners.ejection.recreate`, ``recreate_share`` of the time then left)
shortens the routes before the polish: their windows can be so tight that
guided local search finds no feasible move at all (lrc201: 2251.95 at 4 robots
whatever its time; 1455.54 after ruin and recreate).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from planners.ortools.bound import fewest_robots
from planners.ortools.model import SCALE, build
from planners.ortools.pool import applies, pool_phase, recreate_phase
from planners.ortools.routes import Routes
from planners.ortools.search import Outcome, SearchConfig, run
from planners.problem import DispatchProblem, Job, Priority


@dataclass(frozen=True, slots=True)
class Fleet:
    """The problem three ways, plain distance, eager (jobs dropped at a huge
    cost) and as given (robots at their fixed cost, for the polish), with the
    jobs and the robots each may ride."""

    flat: DispatchProblem
    eager: DispatchProblem
    costed: DispatchProblem
    jobs: list[Job]
    allowed: dict[str, list[int]]


def fleet(
    problem: DispatchProblem,
    jobs: list[Job],
    allowed: dict[str, list[int]],
    config: SearchConfig,
) -> Fleet:
    """The robots' fixed cost is left out of the removal re-solves (the robots
    are chosen by the round, and the drop cost dwarfs it), but the polish keeps
    it (``costed``): guided local search, whose penalties scale with the
    objective, barely moves on distance alone (lr210: 997.37 in 12 s without,
    964.22 with it; session 4). A left-out job costs
    ``config.drop_cost`` longest legs: huge on purpose, it makes guided local
    search shake the routes hard, which is what finds room for the jobs."""
    flat_costs = replace(problem.costs, per_robot=0.0)
    travel_cost = max(problem.costs.travel_per_s, 1e-3)
    insertion = config.drop_cost * _longest(problem) * travel_cost + 1
    eager_costs = replace(flat_costs, unassigned={p: insertion for p in Priority})
    return Fleet(
        replace(problem, costs=flat_costs),
        replace(problem, costs=eager_costs),
        problem,
        jobs,
        allowed,
    )


def eliminate(
    problem: DispatchProblem,
    jobs: list[Job],
    allowed: dict[str, list[int]],
    first: Outcome,
    config: SearchConfig,
    seconds: float,
    seed: int,
) -> tuple[Outcome, str]:
    """Empty routes while time and victims last; then polish (module docstring).

    ``first`` is the first solve's outcome (its objective includes the robots'
    fixed cost). The re-solves ignore any previous plan (no reassignment fee):
    route elimination is for fleets where robots cost, not for re-planning.
    """
    world = fleet(problem, jobs, allowed, config)
    fixed = round(problem.costs.per_robot * SCALE) * _robots(first)
    best = replace(first, objective=first.objective - fixed)
    slice_s = max(0.05, config.attempt_share * (seconds + 1e-9))
    restart_s = max(0.05, config.restart_share * (seconds + 1e-9))
    floor = fewest_robots(problem, jobs) if config.robot_bound else 1
    pooled = 0
    if config.pool_share > 0 and applies(problem, jobs, best):
        pool_s = config.pool_share * seconds
        before = _robots(best)
        best = pool_phase(problem, jobs, best, floor, pool_s, seed, config)
        seconds -= pool_s
        pooled = before - _robots(best)
        after = config.restarts if config.restarts_after_pool else ()
        config = replace(config, victims=config.victims_after_pool, restarts=after)
    restarts = list(config.restarts)
    reserve = restart_s if config.final_restart else 0.0  # kept for the last one
    removed = failures = 0
    while True:
        used = [v for v, route in enumerate(best.routes) if route]
        movable = [v for v in used if not problem.robots[v].onboard]
        if len(used) <= max(1, floor) or not movable:
            break
        ranked = sorted(movable, key=lambda v: (len(best.routes[v]), (v + seed) % 97))
        if failures < config.victims and seconds >= slice_s * config.retries + reserve:
            keep = [v for v in used if v != ranked[failures % len(ranked)]]
            emptied, spent = _round(world, best, keep, config, slice_s)
            seconds -= spent
            failures = 0 if emptied is not None else failures + 1
        elif restarts and seconds >= restart_s + reserve:
            keep = [v for v in used if v != ranked[0]]
            seconds -= restart_s
            emptied = _restart(world, best, keep, config, restarts.pop(0), restart_s)
            failures = 0 if emptied is not None else failures
        else:
            break
        if emptied is not None:
            best, removed = emptied, removed + 1
    used = [v for v, route in enumerate(best.routes) if route]
    if pooled and config.pool_cold_share > 0 and used:
        cold_s = config.pool_cold_share * seconds
        seconds -= cold_s
        strategy = config.fleet_first_solution
        best = _restart(world, best, used, config, strategy, cold_s) or best
    elif config.final_restart and used and seconds >= restart_s:
        seconds -= restart_s
        fresh = _restart(world, best, used, config, config.final_restart, restart_s)
        best = fresh or best
    if config.recreate_share > 0 and applies(problem, jobs, best):
        recreate_s = config.recreate_share * seconds
        seconds -= recreate_s
        best = recreate_phase(problem, jobs, best, recreate_s, seed, config)
    note = f"route elimination removed {removed} route(s)"
    if pooled:
        note += f" after the ejection pool removed {pooled}"
    return _polish(world, best, config, seconds), note


def _round(
    world: Fleet, best: Outcome, keep: list[int], config: SearchConfig, slice_s: float
) -> tuple[Outcome | None, float]:
    """Serve ``best``'s jobs on ``keep`` only: the outcome that does (or
    ``None``) and the seconds handed to OR-Tools."""
    spent, partial = 0.0, best
    eject = replace(config, metaheuristic=config.eject_metaheuristic)
    for _ in range(config.retries):
        spent += slice_s
        attempt = solve_on(world.eager, world, partial, keep, eject, slice_s)
        if attempt is None:
            break
        if attempt.performed >= best.performed:
            return attempt, spent
        if attempt.performed > sum(len(partial.routes[v]) for v in keep):
            partial = attempt
    return None, spent


def _restart(
    world: Fleet,
    best: Outcome,
    used: list[int],
    config: SearchConfig,
    strategy: str,
    seconds: float,
) -> Outcome | None:
    """A cold solve on ``used`` with ``strategy``; the outcome if it is better
    than ``best`` (every job ``best`` serves, fewer robots or a lower cost)."""
    cold = replace(config, first_solution=strategy)
    fresh = solve_on(world.eager, world, None, used, cold, seconds)
    if fresh is None or fresh.performed < best.performed:
        return None
    if (_robots(fresh), fresh.objective) < (_robots(best), best.objective):
        return fresh
    return None


def _polish(
    world: Fleet, best: Outcome, config: SearchConfig, seconds: float
) -> Outcome:
    """Shorter routes on the robots ``best`` uses, for the time left; with the
    robots' fixed cost in the objective when ``config.polish_fixed_cost`` (it
    is what makes guided local search move: its penalties grow with the
    objective), taken off again before comparing."""
    used = [v for v, route in enumerate(best.routes) if route]
    if seconds <= 0.05 or not used:
        return best
    problem = world.costed if config.polish_fixed_cost else world.flat
    polished = solve_on(problem, world, best, used, config, seconds)
    if polished is None or polished.performed < best.performed:
        return best
    fixed = round(problem.costs.per_robot * SCALE) * _robots(polished)
    polished = replace(polished, objective=polished.objective - fixed)
    return polished if polished.objective <= best.objective else best


def solve_on(
    problem: DispatchProblem,
    world: Fleet,
    best: Outcome | None,
    vehicles: list[int],
    config: SearchConfig,
    seconds: float,
) -> Outcome | None:
    """Solve with only ``vehicles``, warm-started from their routes in ``best``
    (cold when ``None``). The outcome's routes are given back on all of the
    robots; ``performed`` counts the jobs' stops served."""
    position = {v: k for k, v in enumerate(vehicles)}
    sub_allowed = {
        job_id: [position[v] for v in robots if v in position]
        for job_id, robots in world.allowed.items()
    }
    sub_jobs = [j for j in world.jobs if sub_allowed.get(j.id, True)]
    sub = replace(problem, robots=tuple(problem.robots[v] for v in vehicles))
    model = build(sub, sub_jobs, sub_allowed)
    start = None if best is None else [best.routes[v] for v in vehicles]
    outcome = run(model, config, seconds, start)
    if outcome is None:
        return None
    routes: Routes = [[] for _ in problem.robots]
    for k, v in enumerate(vehicles):
        routes[v] = outcome.routes[k]
    return Outcome(routes, outcome.objective, outcome.performed)


def _robots(outcome: Outcome) -> int:
    return sum(1 for route in outcome.routes if route)


def _longest(problem: DispatchProblem) -> float:
    """The longest finite leg (s) of the travel matrix."""
    times = problem.travel.times["standard"]
    return float(np.max(times[np.isfinite(times)], initial=1.0))
