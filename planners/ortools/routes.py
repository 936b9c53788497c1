"""Routes in and out of the routing model: warm starts, solutions, plans."""

from __future__ import annotations

from ortools.constraint_solver import pywrapcp

from planners.ortools.model import RoutingModel
from planners.problem import Plan, Stop, StopKind, UnassignedReason
from planners.timeline import RouteSchedule, Visit, jobs_by_id, plan_cost, schedule

#: Per robot, the visits between its start and its end: independent of the
#: routing model's node numbering, so they carry over between models.
Routes = list[list[Visit]]


def solution_routes(model: RoutingModel, assignment: pywrapcp.Assignment) -> Routes:
    """The visits of each robot, in order."""
    routing, manager = model.routing, model.manager
    routes: Routes = []
    for vehicle in range(len(model.robots)):
        index = assignment.Value(routing.NextVar(routing.Start(vehicle)))
        route: list[Visit] = []
        while not routing.IsEnd(index):
            visit = model.visits[manager.IndexToNode(index)]
            assert visit.kind is not None and visit.job is not None
            route.append((visit.kind, visit.job.id))
            index = assignment.Value(routing.NextVar(index))
        routes.append(route)
    return routes


def warm_routes(model: RoutingModel, previous: Plan) -> Routes:
    """The previous plan's order, kept to the jobs still open and still allowed.

    A pickup is kept only with its drop-off later on the same robot; a drop-off of
    a job on board that the previous plan lacks goes at the end of its route.
    """
    routes: Routes = []
    for vehicle, robot in enumerate(model.robots):
        carried: set[str] = set(robot.onboard)
        route: list[Visit] = []
        for stop in previous.routes.get(robot.id, ()):
            job_id = stop.job_id
            if job_id is None or (stop.kind, job_id) in route:
                continue
            if stop.kind is StopKind.PICKUP and job_id in model.pickup:
                if _allowed(model, model.pickup[job_id], vehicle):
                    carried.add(job_id)
                    route.append((stop.kind, job_id))
            elif stop.kind is StopKind.DROPOFF and job_id in carried:
                route.append((stop.kind, job_id))
        dropped = {job_id for kind, job_id in route if kind is StopKind.DROPOFF}
        route = [v for v in route if v[0] is StopKind.DROPOFF or v[1] in dropped]
        for job_id in robot.onboard:
            if (StopKind.DROPOFF, job_id) not in route and job_id in model.dropoff:
                route.append((StopKind.DROPOFF, job_id))
        routes.append(route)
    return routes


def complete_routes(model: RoutingModel, routes: Routes) -> Routes:
    """``routes`` with each job they miss appended where it adds least cost.

    A warm start leaves new jobs out; OR-Tools would have to find their insertion
    within the time limit, and with a fraction of a second it sometimes does not.
    Appending (pickup then drop-off at the end of a route) is cheap, checked by
    :func:`planners.timeline.schedule`; a job no route can take stays out.
    """
    problem = model.problem
    jobs = jobs_by_id(problem)
    routes = [list(route) for route in routes]
    routed = {job_id for route in routes for _, job_id in route}
    timed = [
        schedule(problem, r, v, jobs=jobs)
        for r, v in zip(model.robots, routes, strict=True)
    ]
    for job_id, node in model.pickup.items():
        if job_id in routed:
            continue
        best: tuple[float, int, RouteSchedule] | None = None
        for vehicle, robot in enumerate(model.robots):
            if not _allowed(model, node, vehicle):
                continue
            extended = [*routes[vehicle], (StopKind.PICKUP, job_id)]
            extended.append((StopKind.DROPOFF, job_id))
            trial = schedule(problem, robot, extended, jobs=jobs)
            added = trial.cost - timed[vehicle].cost
            if trial.feasible and (best is None or added < best[0]):
                best = (added, vehicle, trial)
        if best is not None:
            _, vehicle, timed[vehicle] = best
            routes[vehicle] += [(StopKind.PICKUP, job_id), (StopKind.DROPOFF, job_id)]
    return routes


def _allowed(model: RoutingModel, node: int, vehicle: int) -> bool:
    return bool(model.routing.VehicleVar(model.index(node)).Contains(vehicle))


def start_assignment(model: RoutingModel, routes: Routes) -> pywrapcp.Assignment | None:
    """An assignment of the routes' next-stops, for a search to start from
    (``None`` when they do not make routes of the closed model).

    Not checked against the other constraints: OR-Tools does that when the
    search restores it (:func:`planners.ortools.search.run`), and
    ``ReadAssignmentFromRoutes``, which checks at once, propagated the whole
    model a second time for it (6 % of a hospital snapshot's search).
    """
    table = {StopKind.PICKUP: model.pickup, StopKind.DROPOFF: model.dropoff}
    indices = [
        [model.index(table[kind][job_id]) for kind, job_id in route] for route in routes
    ]
    start = model.routing.solver().Assignment()
    if not model.routing.RoutesToAssignment(indices, True, True, start):
        return None
    return start


def to_plan(
    model: RoutingModel,
    routes: Routes,
    unassigned: dict[str, UnassignedReason],
    charges: dict[str, Stop],
    solver: str,
    notes: tuple[str, ...] = (),
    previous: Plan | None = None,
) -> Plan:
    """A :class:`Plan`: stops in route order, timed and costed by
    :mod:`planners.timeline` (the objective counts moves away from ``previous``).

    ``charges`` are the charge stops decided before the search; ``model.problem``
    must hold the robots as they were before charging.
    """
    problem = model.problem
    jobs = jobs_by_id(problem)
    plan_routes: dict[str, tuple[Stop, ...]] = {}
    timed_routes: list[RouteSchedule] = []
    served: set[str] = set()
    for robot, route in zip(model.robots, routes, strict=True):
        visits: list[Visit] = []
        if robot.id in charges:
            visits.append((StopKind.CHARGE, charges[robot.id].node))
        visits.extend(route)
        served.update(job_id for _, job_id in route)
        timed = schedule(problem, robot, visits, jobs=jobs)
        plan_routes[robot.id] = timed.stops
        timed_routes.append(timed)
    left = dict(unassigned)
    for job_id in model.dropoff:
        if job_id not in served:
            left[job_id] = UnassignedReason.NOT_SCHEDULED
    moved = 0
    if previous is not None:
        moved = sum(
            1
            for robot_id, stops in plan_routes.items()
            for stop in stops
            if stop.kind is StopKind.PICKUP
            and previous.robot_of(stop.job_id or "") not in (None, robot_id)
        )
    return Plan(
        routes=plan_routes,
        unassigned=left,
        objective=plan_cost(problem, timed_routes, left, moved),
        solver=solver,
        notes=notes,
    )
