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

import math
from dataclasses import dataclass, field

import numpy as np
from ortools.constraint_solver import pywrapcp

from planners.problem import DispatchProblem, Job, JobKind, Plan, Robot, StopKind

#: Integer units per second (times) and per seconds-equivalent (costs).
SCALE = 1000
#: Integer time standing for "no legal route" (exceeds any cumul's capacity).
NO_ROUTE = 10**13
HORIZON = NO_ROUTE - 1
#: Battery dimension units per full charge.
SOC_UNITS = 1_000_000
#: Seconds per unit of the ``completion`` dimension (its integer weights are
#: cost units per such unit: 0.01 seconds-equivalent per second at the least).
COMPLETION_UNIT_S = 0.1


@dataclass(slots=True)
class Visit:
    """One routing node: a robot's start or end, or a job's pickup or drop-off."""

    node: str | None  # None: the dummy end of an open route
    kind: StopKind | None  # None: a start or an end
    job: Job | None = None
    service_s: float = 0.0


@dataclass(slots=True)
class RoutingModel:
    """The OR-Tools objects and the maps back to the problem."""

    problem: DispatchProblem
    manager: pywrapcp.RoutingIndexManager
    routing: pywrapcp.RoutingModel
    visits: list[Visit]
    pickup: dict[str, int] = field(default_factory=dict)  # job id -> node
    dropoff: dict[str, int] = field(default_factory=dict)  # job id -> node

    @property
    def robots(self) -> tuple[Robot, ...]:
        return self.problem.robots

    def index(self, node: int) -> int:
        return int(self.manager.NodeToIndex(node))


def _visits(
    problem: DispatchProblem, jobs: list[Job], ends: list[str | None]
) -> list[Visit]:
    onboard = {job_id for robot in problem.robots for job_id in robot.onboard}
    visits = [Visit(r.start, None) for r in problem.robots]
    visits += [Visit(end, None) for end in ends]
    for job in jobs:
        if job.id not in onboard:
            visits.append(Visit(job.pickup, StopKind.PICKUP, job, job.pickup_service_s))
        visits.append(Visit(job.dropoff, StopKind.DROPOFF, job, job.dropoff_service_s))
    return visits


def _ends(problem: DispatchProblem) -> list[str | None]:
    """The robots' distinct ends (``None``: the dummy end of open routes), each
    one routing node shared by every robot ending there.

    OR-Tools gives each robot its own end index whatever the node, and numbers
    the other nodes first, so the indices are the same as with a node per robot;
    but each transit matrix loses a row and a column per shared end, and OR-Tools
    9.15 copies a dimension's whole matrix on each path its cumul filter checks
    (``PathCumulFilter::AcceptPath``): on the demo day's snapshots (20 robots, a
    few jobs) that copying was a quarter of the search's instructions.
    """
    return list(dict.fromkeys(r.end for r in problem.robots))


def _seconds_matrix(problem: DispatchProblem, visits: list[Visit]) -> np.ndarray:
    """Travel seconds between visits at nominal speed (service not included)."""
    travel = problem.travel
    at = np.array([travel.index(v.node) if v.node else 0 for v in visits])
    seconds = np.array(travel.times["standard"][np.ix_(at, at)], dtype=float)
    for i, visit in enumerate(visits):
        job = visit.job
        if visit.kind is StopKind.PICKUP and job is not None:
            if job.load_class != "standard" and job.load_class in travel.times:
                seconds[i] = travel.times[job.load_class][at[i], at]
            mate = i + 1  # a pickup is always followed by its drop-off
            seconds[i, mate] *= job.walking_factor
    dummy = [i for i, v in enumerate(visits) if v.node is None]
    seconds[:, dummy] = 0.0
    seconds[dummy, :] = 0.0
    np.fill_diagonal(seconds, 0.0)
    return seconds


def _int_matrix(values: np.ndarray, rounding: str) -> list[list[int]]:
    finite = np.isfinite(values)
    scaled = np.where(finite, values, 0.0) * SCALE
    ints = np.ceil(scaled - 1e-9) if rounding == "ceil" else np.rint(scaled)
    ints = np.where(finite, ints, NO_ROUTE).astype(np.int64)
    return ints.tolist()


def _add_travel(model: RoutingModel, seconds: np.ndarray) -> None:
    """Arc costs and the time dimension, one transit matrix per robot speed."""
    routing, costs = model.routing, model.problem.costs
    service = np.array([v.service_s for v in model.visits])[:, None]
    time_of: dict[float, int] = {}
    for vehicle, robot in enumerate(model.robots):
        speed = robot.speed_factor
        if speed not in time_of:
            moving = seconds / speed
            time_of[speed] = routing.RegisterTransitMatrix(
                _int_matrix(moving + service, "ceil")
            )
            cost = routing.RegisterTransitMatrix(
                _int_matrix(moving * costs.travel_per_s, "round")
            )
            time_of[-speed] = cost  # keyed apart from the time matrices
        routing.SetArcCostEvaluatorOfVehicle(time_of[-speed], vehicle)
        if costs.per_robot:
            routing.SetFixedCostOfVehicle(round(costs.per_robot * SCALE), vehicle)
    transits = [time_of[r.speed_factor] for r in model.robots]
    routing.AddDimensionWithVehicleTransits(transits, HORIZON, HORIZON, False, "time")


def _add_windows(model: RoutingModel) -> None:
    problem, routing = model.problem, model.routing
    time = routing.GetDimensionOrDie("time")
    origin = problem.now
    onboard = {job_id for robot in problem.robots for job_id in robot.onboard}

    def at(seconds: float) -> int:
        return max(0, math.ceil((seconds - origin) * SCALE - 1e-6))

    for vehicle, robot in enumerate(problem.robots):
        time.CumulVar(routing.Start(vehicle)).SetMin(at(robot.available_at))
    for node, visit in enumerate(model.visits):
        job = visit.job
        if job is None:
            continue
        cumul = time.CumulVar(model.index(node))
        if visit.kind is StopKind.PICKUP:
            cumul.SetMin(at(job.ready_at))
            if job.pickup_latest is not None:
                cumul.SetMax(max(0, math.floor((job.pickup_latest - origin) * SCALE)))
            continue
        if job.dropoff_ready_at is not None:
            cumul.SetMin(at(job.dropoff_ready_at))
        if job.due_at is None:
            continue
        due = max(0, math.floor((job.due_at - origin) * SCALE + 1e-6))
        if job.due_is_hard and job.id not in onboard:
            cumul.SetMax(due)
        elif weight := round(problem.costs.lateness_per_s.get(job.priority, 0.0)):
            # cost units are SCALE per second-equivalent, cumul units SCALE per
            # second: the weight per second late is also the weight per unit
            time.SetCumulVarSoftUpperBound(model.index(node), due, weight)
    for vehicle in range(len(problem.robots)):
        routing.AddVariableMinimizedByFinalizer(time.CumulVar(routing.End(vehicle)))
        routing.AddVariableMaximizedByFinalizer(time.CumulVar(routing.Start(vehicle)))


def _add_completion(model: RoutingModel, seconds: np.ndarray) -> None:
    """``Costs.completion_per_s`` on each drop-off, in a copy of the time dimension."""
    problem, routing = model.problem, model.routing
    weights = problem.costs.completion_per_s
    coefficient = {
        priority: round(weight * SCALE * COMPLETION_UNIT_S)
        for priority, weight in weights.items()
    }
    if not any(coefficient.values()):
        return
    service = np.array([v.service_s for v in model.visits])[:, None]
    by_speed: dict[float, int] = {}
    for robot in model.robots:
        if robot.speed_factor not in by_speed:
            units = (seconds / robot.speed_factor + service) / COMPLETION_UNIT_S
            by_speed[robot.speed_factor] = routing.RegisterTransitMatrix(
                _int_matrix(units / SCALE, "ceil")
            )
    transits = [by_speed[r.speed_factor] for r in model.robots]
    routing.AddDimensionWithVehicleTransits(
        transits, HORIZON, HORIZON, False, "completion"
    )
    completion = routing.GetDimensionOrDie("completion")

    def at(when: float) -> int:
        return max(0, math.ceil((when - problem.now) / COMPLETION_UNIT_S - 1e-6))

    for vehicle, robot in enumerate(problem.robots):
        completion.CumulVar(routing.Start(vehicle)).SetMin(at(robot.available_at))
    for node, visit in enumerate(model.visits):
        job = visit.job
        if job is None:
            continue
        cumul = completion.CumulVar(model.index(node))
        if visit.kind is StopKind.PICKUP:
            cumul.SetMin(at(job.ready_at))
            continue
        if job.dropoff_ready_at is not None:
            cumul.SetMin(at(job.dropoff_ready_at))
        if weight := coefficient.get(job.priority, 0):
            completion.SetCumulVarSoftUpperBound(model.index(node), 0, weight)


def _add_load(model: RoutingModel) -> None:
    """Compartments: +size at a pickup, -size at a drop-off, start at the onboard."""
    problem, routing = model.problem, model.routing
    demand = [0] * len(model.visits)
    for node, visit in enumerate(model.visits):
        if visit.job is not None:
            sign = 1 if visit.kind is StopKind.PICKUP else -1
            demand[node] = sign * visit.job.size
    load = routing.RegisterUnaryTransitVector(demand)
    onboard = [_onboard_size(problem, robot) for robot in problem.robots]
    # A robot may report more on board than its compartments (the fleet's word
    # against the model's): it keeps them, and picks nothing up (see build).
    capacities = [
        max(r.capacity, n) for r, n in zip(problem.robots, onboard, strict=True)
    ]
    routing.AddDimensionWithVehicleCapacity(load, 0, capacities, False, "load")
    dimension = routing.GetDimensionOrDie("load")
    for vehicle, size in enumerate(onboard):
        dimension.CumulVar(routing.Start(vehicle)).SetValue(size)


def _onboard_size(problem: DispatchProblem, robot: Robot) -> int:
    return sum(problem.job(job_id).size for job_id in robot.onboard)


def _add_jobs(model: RoutingModel, allowed: dict[str, list[int]]) -> None:
    """Pairs on one robot, pickup first; capabilities; penalties for leaving out."""
    problem, routing = model.problem, model.routing
    solver = routing.solver()
    owner = {j: v for v, r in enumerate(problem.robots) for j in r.onboard}
    standard = problem.travel.times["standard"]
    special = {
        load
        for load, times in problem.travel.times.items()
        if not np.array_equal(times, standard)
    }
    for job_id, drop_node in model.dropoff.items():
        job = problem.job(job_id)
        drop = model.index(drop_node)
        if job_id in owner:  # on board: its robot must drop it
            routing.VehicleVar(drop).SetValue(owner[job_id])
            continue
        pick = model.index(model.pickup[job_id])
        routing.AddPickupAndDelivery(pick, drop)
        penalty = round(problem.costs.unassigned.get(job.priority, 1e5) * SCALE)
        routing.AddDisjunction([pick], penalty)
        routing.AddDisjunction([drop], penalty)
        solver.Add(routing.ActiveVar(pick) == routing.ActiveVar(drop))
        if len(allowed[job_id]) < len(problem.robots):
            # SetAllowedVehiclesForIndex's binding rejects every Python sequence in
            # ortools 9.15 (absl::Span), so restrict the vehicle variable instead;
            # -1 is "not performed".
            routing.VehicleVar(pick).SetValues([-1, *allowed[job_id]])
        if job.kind is JobKind.GUIDANCE or job.load_class in special:
            # carried alone: empty on arrival, then straight to the drop-off, so
            # the one leg with it on board has exactly its own class and pace
            routing.NextVar(pick).SetValues([drop, pick])
            routing.GetDimensionOrDie("load").CumulVar(pick).SetMax(0)


def _add_battery(model: RoutingModel) -> None:
    """State of charge spent per metre; a robot may spend down to its reserve."""
    problem, routing = model.problem, model.routing
    if not any(robot.drain_per_m > 0 for robot in problem.robots):
        return
    travel = problem.travel
    at = np.array([travel.index(v.node) if v.node else 0 for v in model.visits])
    metres = np.array(travel.distances[np.ix_(at, at)], dtype=float)
    dummy = [i for i, v in enumerate(model.visits) if v.node is None]
    metres[:, dummy] = 0.0
    metres = np.where(np.isfinite(metres), metres, 1e12)
    by_drain: dict[float, int] = {}
    for robot in problem.robots:
        if robot.drain_per_m not in by_drain:
            spent = np.ceil(metres * robot.drain_per_m * SOC_UNITS).astype(np.int64)
            by_drain[robot.drain_per_m] = routing.RegisterTransitMatrix(spent.tolist())
    transits = [by_drain[robot.drain_per_m] for robot in problem.robots]
    budgets = [
        max(0, math.floor((r.battery_soc - r.reserve_soc) * SOC_UNITS))
        for r in problem.robots
    ]
    routing.AddDimensionWithVehicleTransitAndCapacity(
        transits, 0, budgets, True, "battery"
    )


def _add_reassignment(model: RoutingModel, previous: Plan | None) -> None:
    """Each job picked up by another robot than in ``previous`` costs a fee."""
    problem, routing = model.problem, model.routing
    if previous is None or problem.costs.reassignment <= 0:
        return
    before = {job_id: previous.robot_of(job_id) for job_id in model.pickup}
    transits = []
    for robot in problem.robots:
        moved = [0] * len(model.visits)
        for job_id, node in model.pickup.items():
            if before[job_id] is not None and before[job_id] != robot.id:
                moved[node] = 1
        transits.append(routing.RegisterUnaryTransitVector(moved))
    size = len(model.visits)
    routing.AddDimensionWithVehicleTransits(transits, 0, size, True, "moved")
    fee = round(problem.costs.reassignment * SCALE)
    routing.GetDimensionOrDie("moved").SetSpanCostCoefficientForAllVehicles(fee)


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
    ends = _ends(problem)
    visits = _visits(problem, jobs, ends)
    count = len(problem.robots)
    overfull = {
        v
        for v, r in enumerate(problem.robots)
        if _onboard_size(problem, r) > r.capacity
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
    seconds = _seconds_matrix(problem, visits)
    _add_travel(model, seconds)
    _add_windows(model)
    _add_completion(model, seconds)
    _add_load(model)
    _add_jobs(model, allowed)
    _add_battery(model)
    _add_reassignment(model, previous)
    return model
