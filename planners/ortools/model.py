"""A :class:`DispatchProblem` as an OR-Tools routing model.

Routing nodes: one start per robot, one end per distinct end (shared by the
robots ending there), then a pickup and a drop-off per open job (only the drop-off
for a job already on board). Everything is integer: times in milliseconds
(:data:`SCALE` per second) with travel-time arcs rounded *up*, so a plan feasible
on the integer model is feasible in seconds too; costs are
"seconds-equivalent" times :data:`SCALE`, rounded.

Modelling choices (approximations are named here so the validator can judge them):

- **Load classes.** :mod:`planners.timeline` times a leg by the slowest class on
  board. A class whose matrix differs from ``standard`` (a dirty load on its own
  routes) is carried alone: the robot arrives empty and goes straight to its
  drop-off, so that leg uses the job's class and every other leg ``standard``,
  exactly as the timeline does (the price: such loads are never batched).
  Classes with the same matrix as ``standard`` are batched freely. (Not covered:
  a special-class job already on board is timed as ``standard`` until dropped.)
  Lateness
  weights per second are rounded to integers (below 0.5: ignored by the model).
- **Guidance pace.** The leg straight from a job's pickup to its own drop-off is
  multiplied by its ``walking_factor`` (a guide robot carries nothing else).
- **Speed.** Travel times are divided by ``Robot.speed_factor``: one transit matrix
  per distinct speed.
- **Windows.** ``ready_at``/``dropoff_ready_at`` are hard lower bounds on the start
  of service; ``pickup_latest`` is a hard upper bound; ``due_at`` bounds the start
  of drop-off service, hard if ``due_is_hard`` (not for jobs on board: their
  lateness cannot be undone by refusing them), else soft with the priority's
  lateness weight (``SetCumulVarSoftUpperBound``).
- **Open routes.** A robot without ``end`` finishes at a dummy end reached at zero
  time and cost from anywhere.
- **Battery.** A dimension of state of charge (in millionths) spent per metre, the
  robot's capacity being ``battery_soc - reserve_soc``; charging is decided before
  the model is built (see :mod:`planners.ortools.charging`).
- **Completion.** ``Costs.completion_per_s`` (cost per second from now until a
  drop-off starts) is a soft upper bound at 0 on the drop-off in a second time
  dimension, ``completion``: the ``time`` dimension's drop-offs already carry the
  lateness bound, and OR-Tools takes one soft upper bound per node. ``completion``
  has the same transits and lower bounds as ``time`` (available, ready times), so
  its cheapest cumuls are the earliest times, which is what the timeline prices.
  It counts in units of :data:`COMPLETION_UNIT_S`, so weights down to 0.01 per
  second survive integer coefficients. Without weights (Li & Lim) it is absent.
- **Re-planning.** With a previous plan, a "reassignment" dimension counts jobs
  whose pickup a robot makes although the previous plan gave them to another
  robot; its span costs ``Costs.reassignment`` per job.
"""

from __future__ import annotations

from ortools.constraint_solver import pywrapcp

from planners.ortools.constraints import (
    add_battery,
    add_completion,
    add_jobs,
    add_load,
    add_reassignment,
    add_travel,
    add_windows,
)
from planners.ortools.nodes import (
    SCALE,
    RoutingModel,
    distinct_ends,
    node_visits,
    onboard_size,
    seconds_matrix,
)
from planners.problem import DispatchProblem, Job, Plan, StopKind

__all__ = ["SCALE", "RoutingModel", "build"]


def build(
    problem: DispatchProblem,
    jobs: list[Job],
    allowed: dict[str, list[int]],
    previous: Plan | None = None,
) -> RoutingModel:
    """The routing model of ``problem`` restricted to ``jobs`` (checked feasible).

    ``allowed`` gives, for each job not on board, the robots (by position in
    ``problem.robots``) able to carry it; it must not be empty. A robot carrying
    more than its capacity only drops off.
    """
    ends = distinct_ends(problem)
    visits = node_visits(problem, jobs, ends)
    count = len(problem.robots)
    overfull = {
        v for v, r in enumerate(problem.robots) if onboard_size(problem, r) > r.capacity
    }
    if overfull:
        allowed = {j: [v for v in vs if v not in overfull] for j, vs in allowed.items()}
    manager = pywrapcp.RoutingIndexManager(
        len(visits),
        count,
        list(range(count)),
        [count + ends.index(r.end) for r in problem.robots],
    )
    routing = pywrapcp.RoutingModel(manager)
    model = RoutingModel(problem, manager, routing, visits)
    for node, visit in enumerate(visits):
        if visit.job is not None:
            table = model.pickup if visit.kind is StopKind.PICKUP else model.dropoff
            table[visit.job.id] = node
    seconds = seconds_matrix(problem, visits)
    add_travel(model, seconds)
    add_windows(model)
    add_completion(model, seconds)
    add_load(model)
    add_jobs(model, allowed)
    add_battery(model)
    add_reassignment(model, previous)
    return model
