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

Below that, OR-Tools searches a hospital snapshot (robots cost nothing) by a
descent that stops at its own local optimum (:mod:`planners.ortools.search`,
``HOSPITAL_OPERATORS``), so the plan depends on the problem, not on the clock:
``time_limit_s`` only bounds a descent that would run longer. Session 3 capped
a guided local search by the clock instead (0.01 s + 1 ms a waiting job), which
made a simulated day differ from run to run; on 291 snapshots of the demo day
the descent's plans were as good as the whole 0.1 s of guided local search, in
a third of its CPU time. A fleet far behind (more than
``OVERLOADED_JOBS_PER_ROBOT`` jobs waiting a robot) gets greedy's plan: the
descent would take seconds there. A robot as far behind that greedy must dock
between its jobs keeps greedy's route and OR-Tools plans the others
(:mod:`planners.charge_split`: OR-Tools' model charges only before a route).
With a fixed cost per robot (Li & Lim) route elimination uses the whole limit.
Figures: docs/benchmarks.md, "Dispatch: searching a hospital snapshot" and
"Simulator".
"""

from __future__ import annotations

from dataclasses import replace
from typing import Literal

from planners.charge_split import charging_between_jobs, split, union
from planners.decompose import dispatch_decomposed, part_of
from planners.greedy import dispatch_greedy
from planners.ortools import solve_ortools
from planners.problem import DispatchProblem, Plan
from planners.validate import dock_violations

Solver = Literal["ortools", "greedy"]
#: More open jobs than this: solve in parts (measured in ``bench.dispatch_scale``).
DECOMPOSE_ABOVE = 200
#: More jobs waiting per robot than this: greedy alone (see :func:`overloaded`).
#: The demo day's 20 robots never come near (a few a robot), nor do the
#: hospital-scale benchmarks (6 and 10 a robot); 4 robots on the demo day do.
OVERLOADED_JOBS_PER_ROBOT = 12


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
    if overloaded(problem):
        greedy = dispatch_greedy(problem, previous=previous)
        note = (
            f"greedy plan: more than {OVERLOADED_JOBS_PER_ROBOT} jobs wait per "
            "robot, where OR-Tools' descent would take seconds a plan"
        )
        return replace(greedy, notes=(*greedy.notes, note))
    if len(problem.jobs) > decompose_above:
        return dispatch_decomposed(
            problem,
            time_limit_s=time_limit_s,
            previous=previous,
            solve=lambda part, limit, before: _search(part, limit, seed, before),
        )
    greedy = dispatch_greedy(problem, previous=previous)
    if charging := charging_between_jobs(greedy, OVERLOADED_JOBS_PER_ROBOT):
        plan = _around_charges(problem, greedy, charging, time_limit_s, seed, previous)
    else:
        plan = _search(problem, time_limit_s, seed, previous, greedy)
    if plan.objective <= greedy.objective:
        return plan
    note = "greedy plan kept: its objective is lower than ortools'"
    return replace(greedy, notes=(*greedy.notes, note))


def overloaded(problem: DispatchProblem) -> bool:
    """More jobs wait for their pickup than ``OVERLOADED_JOBS_PER_ROBOT`` per robot,
    on the hospital objective (robots cost nothing).

    The descent's cost grows with the square of the jobs (a ~70-job snapshot takes
    0.35 s just to prove its local optimum), and a fleet this far behind is too
    small whatever the order of its queues: the simulator's sweeps over small
    fleets would spend minutes there without changing their answer.
    """
    if problem.costs.per_robot > 0:
        return False
    carried = {job_id for robot in problem.robots for job_id in robot.onboard}
    waiting = sum(1 for job in problem.jobs if job.id not in carried)
    return waiting > OVERLOADED_JOBS_PER_ROBOT * len(problem.robots)


def _around_charges(
    problem: DispatchProblem,
    greedy: Plan,
    charging: frozenset[str],
    time_limit_s: float,
    seed: int,
    previous: Plan | None,
) -> Plan:
    """Greedy for the robots ``charging`` between jobs, OR-Tools for the rest
    (:mod:`planners.charge_split`); greedy's plan when the docks do not add up."""
    theirs, rest = split(problem, charging, greedy)
    kept = dispatch_greedy(theirs, previous=part_of(previous, theirs))
    before = part_of(previous, rest)
    floor = dispatch_greedy(rest, previous=before)
    planned = floor
    if rest.robots:
        searched = _search(rest, time_limit_s, seed, before, floor)
        planned = searched if searched.objective <= floor.objective else floor
    note = (
        f"{len(charging)} robot(s) charging between jobs planned by greedy, "
        "which OR-Tools' model cannot (it charges only before a route)"
    )
    plan = union(kept, planned, note)
    if not dock_violations(problem, plan):
        return plan
    overbooked = "greedy plan: split around its charges, the plan overbooked a dock"
    return replace(greedy, notes=(*greedy.notes, overbooked))


def _search(
    problem: DispatchProblem,
    time_limit_s: float,
    seed: int,
    previous: Plan | None,
    greedy: Plan | None = None,
) -> Plan:
    """OR-Tools on ``problem`` (the whole or one part); greedy when it finds
    nothing in time (``greedy``, when the caller has it already)."""
    plan = solve_ortools(
        problem, time_limit_s=time_limit_s, seed=seed, previous=previous
    )
    if plan is not None:
        return plan
    fallback = greedy or dispatch_greedy(problem, previous=previous)
    # "Within": a model with no solution at all fails at once, not at the clock.
    note = f"ortools found no solution within {time_limit_s:g} s; greedy plan used"
    return replace(fallback, notes=(*fallback.notes, note))
