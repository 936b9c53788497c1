"""``dispatch``: Porter's one entry point from a :class:`DispatchProblem` to a Plan.

OR-Tools by default (:mod:`planners.ortools`); when it finds nothing within the
time limit, the greedy plan is returned with a note saying so, so the fleet always
gets an answer in time. The greedy plan is also the floor: when OR-Tools' plan
costs more (:func:`planners.timeline.plan_cost`, moves away from ``previous``
included), which a fraction of a second of search on a loaded CPU, or a warm
start that keeps the previous plan's old routes, can produce, greedy's is
returned, with a note. ``solver="greedy"`` runs the greedy baseline alone.
A problem with more than ``decompose_above`` open jobs is solved in parts
(:mod:`planners.decompose`): only the parts a new request touches are re-solved.

Below that, OR-Tools searches for at most ``time_limit_s`` and no longer than
:func:`search_time` gives the snapshot (a base plus a share per job waiting for
its pickup; 0.01 s + 1 ms a job, ~20 ms on the demo day's snapshots). On the
demo hospital's day (~1,450 re-plans of 1 to 40 jobs) the best plan of a 0.1 s
search was found in its first 15 ms on 60 % of snapshots and its first 50 ms on
80 %, while every call spent the whole limit (guided local search never stops by
itself; even a plain descent takes 0.1 to 0.8 s to reach its local optimum here).
The cap is wall-clock, so a day's plans differ from run to run: five quiet runs
of the day gave mean lead times 10-35 % below greedy's, against 38 % twice with
the whole 0.1 s. A capped search that finds nothing (a loaded CPU) is tried once
more with the rest of the limit. Figures: docs/benchmarks.md, "Speed (session 3)"
and "Quiet re-run and the spread of the claim".
"""

from __future__ import annotations

from dataclasses import replace
from typing import Literal

from planners.decompose import dispatch_decomposed
from planners.greedy import dispatch_greedy
from planners.ortools import solve_ortools
from planners.problem import DispatchProblem, Plan

Solver = Literal["ortools", "greedy"]
#: More open jobs than this: solve in parts (measured in ``bench.dispatch_scale``).
DECOMPOSE_ABOVE = 200
#: OR-Tools' search on a whole snapshot: this base, plus this per job not yet
#: picked up, capped by the caller's time limit (see :func:`search_time`).
SEARCH_BASE_S = 0.01
SEARCH_PER_JOB_S = 0.001


def dispatch(
    problem: DispatchProblem,
    *,
    time_limit_s: float,
    seed: int = 0,
    previous: Plan | None = None,
    solver: Solver = "ortools",
    decompose_above: int = DECOMPOSE_ABOVE,
) -> Plan:
    """Plan ``problem`` within ``time_limit_s`` seconds of search.

    ``previous`` is the plan being revised: OR-Tools starts from it and charges
    ``problem.costs.reassignment`` for each job it moves to another robot.
    """
    if not time_limit_s > 0:
        raise ValueError(f"time_limit_s must be > 0, got {time_limit_s!r}")
    if solver == "greedy":
        return dispatch_greedy(problem, previous=previous)
    if solver != "ortools":
        raise ValueError(f"solver must be 'ortools' or 'greedy', got {solver!r}")
    if len(problem.jobs) > decompose_above:
        return dispatch_decomposed(
            problem,
            time_limit_s=time_limit_s,
            previous=previous,
            solve=lambda part, limit, before: _search(part, limit, seed, before),
        )
    greedy = dispatch_greedy(problem, previous=previous)
    search_s = search_time(problem, time_limit_s)
    plan = _search(problem, search_s, seed, previous, greedy, time_limit_s - search_s)
    if plan.objective <= greedy.objective:
        return plan
    note = "greedy plan kept: its objective is lower than ortools'"
    return replace(greedy, notes=(*greedy.notes, note))


def search_time(problem: DispatchProblem, time_limit_s: float) -> float:
    """Seconds of OR-Tools search for a whole snapshot: ``SEARCH_BASE_S`` plus
    ``SEARCH_PER_JOB_S`` per job waiting for its pickup, at most ``time_limit_s``;
    the whole ``time_limit_s`` when robots have a fixed cost (``Costs.per_robot``,
    the Li & Lim objective), which is not the hospital's.

    Jobs already on board only have their drop-offs ordered; jobs waiting can
    move between robots, which is where a longer search finds better plans.
    """
    if problem.costs.per_robot > 0:
        # Fewest robots first (Li & Lim): route elimination needs its whole time.
        return time_limit_s
    carried = {job_id for robot in problem.robots for job_id in robot.onboard}
    waiting = sum(1 for job in problem.jobs if job.id not in carried)
    return min(time_limit_s, SEARCH_BASE_S + SEARCH_PER_JOB_S * waiting)


def _search(
    problem: DispatchProblem,
    time_limit_s: float,
    seed: int,
    previous: Plan | None,
    greedy: Plan | None = None,
    retry_s: float = 0.0,
) -> Plan:
    """OR-Tools on ``problem`` (the whole or one part); greedy when it finds
    nothing in time (``greedy``, when the caller has it already).

    A short search that found nothing (a loaded CPU can spend it before the first
    solution) gets one more try of ``retry_s``, the rest of the caller's limit.
    """
    plan = solve_ortools(
        problem, time_limit_s=time_limit_s, seed=seed, previous=previous
    )
    if plan is None and retry_s > 0:
        plan = solve_ortools(
            problem, time_limit_s=retry_s, seed=seed, previous=previous
        )
        time_limit_s += retry_s
    if plan is not None:
        return plan
    fallback = greedy or dispatch_greedy(problem, previous=previous)
    note = f"ortools found no solution in {time_limit_s:g} s; greedy plan used"
    return replace(fallback, notes=(*fallback.notes, note))
