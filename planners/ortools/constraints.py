"""The rules of the routing model: travel and its costs, time windows, the
completion cost, compartments, job pairs and capabilities, battery, and the fee
for moving a job to another robot (what each models and why:
:mod:`planners.ortools.model`).
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
from ortools.constraint_solver import pywrapcp

from planners.ortools.nodes import (
    COMPLETION_UNIT_S,
    HORIZON,
    SCALE,
    SOC_UNITS,
    RoutingModel,
    int_matrix,
    onboard_size,
)
from planners.problem import JobKind, Plan, StopKind


def add_travel(model: RoutingModel, seconds: np.ndarray) -> None:
    """Arc costs and the time dimension, one transit matrix per robot speed."""
    routing, costs = model.routing, model.problem.costs
    service = np.array([v.service_s for v in model.visits])[:, None]
    time_of: dict[float, int] = {}
    for vehicle, robot in enumerate(model.robots):
        speed = robot.speed_factor
        if speed not in time_of:
            moving = seconds / speed
            time_of[speed] = routing.RegisterTransitMatrix(
                int_matrix(moving + service, "ceil")
            )
            cost = routing.RegisterTransitMatrix(
                int_matrix(moving * costs.travel_per_s, "round")
            )
            time_of[-speed] = cost  # keyed apart from the time matrices
        routing.SetArcCostEvaluatorOfVehicle(time_of[-speed], vehicle)
        if costs.per_robot:
            routing.SetFixedCostOfVehicle(round(costs.per_robot * SCALE), vehicle)
    transits = [time_of[r.speed_factor] for r in model.robots]
    routing.AddDimensionWithVehicleTransits(transits, HORIZON, HORIZON, False, "time")


def add_windows(model: RoutingModel) -> None:
    problem, routing = model.problem, model.routing
    time = routing.GetDimensionOrDie("time")
    origin = problem.now
    onboard = {job_id for robot in problem.robots for job_id in robot.onboard}

    def at(seconds: float) -> int:
        return max(0, math.ceil((seconds - origin) * SCALE - 1e-6))

    _set_earliest(model, time, at)
    for node, visit in enumerate(model.visits):
        job = visit.job
        if job is None:
            continue
        cumul = time.CumulVar(model.index(node))
        if visit.kind is StopKind.PICKUP:
            if job.pickup_latest is not None:
                cumul.SetMax(max(0, math.floor((job.pickup_latest - origin) * SCALE)))
            continue
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


def _set_earliest(
    model: RoutingModel,
    dimension: pywrapcp.RoutingDimension,
    at: Callable[[float], int],
) -> None:
    """The lower bounds ``time`` and ``completion`` share (``at``: a moment in
    the dimension's units): a robot leaves its start once it is free, a pickup
    starts once its job is ready, a drop-off once it may be made."""
    routing = model.routing
    for vehicle, robot in enumerate(model.robots):
        dimension.CumulVar(routing.Start(vehicle)).SetMin(at(robot.available_at))
    for node, visit in enumerate(model.visits):
        job = visit.job
        if job is None:
            continue
        pickup = visit.kind is StopKind.PICKUP
        ready = job.ready_at if pickup else job.dropoff_ready_at
        if ready is not None:
            dimension.CumulVar(model.index(node)).SetMin(at(ready))


def add_completion(model: RoutingModel, seconds: np.ndarray) -> None:
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
                int_matrix(units / SCALE, "ceil")
            )
    transits = [by_speed[r.speed_factor] for r in model.robots]
    routing.AddDimensionWithVehicleTransits(
        transits, HORIZON, HORIZON, False, "completion"
    )
    completion = routing.GetDimensionOrDie("completion")

    def at(when: float) -> int:
        return max(0, math.ceil((when - problem.now) / COMPLETION_UNIT_S - 1e-6))

    _set_earliest(model, completion, at)
    for node, visit in enumerate(model.visits):
        job = visit.job
        if job is None or visit.kind is StopKind.PICKUP:
            continue
        if weight := coefficient.get(job.priority, 0):
            completion.SetCumulVarSoftUpperBound(model.index(node), 0, weight)


def add_load(model: RoutingModel) -> None:
    """Compartments: +size at a pickup, -size at a drop-off, start at the onboard."""
    problem, routing = model.problem, model.routing
    demand = [0] * len(model.visits)
    for node, visit in enumerate(model.visits):
        if visit.job is not None:
            sign = 1 if visit.kind is StopKind.PICKUP else -1
            demand[node] = sign * visit.job.size
    load = routing.RegisterUnaryTransitVector(demand)
    onboard = [onboard_size(problem, robot) for robot in problem.robots]
    # A robot may report more on board than its compartments (the fleet's word
    # against the model's): it keeps them, and picks nothing up (see build).
    capacities = [
        max(r.capacity, n) for r, n in zip(problem.robots, onboard, strict=True)
    ]
    routing.AddDimensionWithVehicleCapacity(load, 0, capacities, False, "load")
    dimension = routing.GetDimensionOrDie("load")
    for vehicle, size in enumerate(onboard):
        dimension.CumulVar(routing.Start(vehicle)).SetValue(size)


def add_jobs(model: RoutingModel, allowed: dict[str, list[int]]) -> None:
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


def add_battery(model: RoutingModel) -> None:
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


def add_reassignment(model: RoutingModel, previous: Plan | None) -> None:
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
