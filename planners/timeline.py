"""One definition of time for a robot's route: ordered visits in, timed stops out.

Every solver and the validator agree on what a route costs and when it arrives
because they all ask this module. The rules it encodes:

- The route starts at ``robot.start`` at ``max(problem.now, robot.available_at)``
  with ``robot.battery_soc`` and the jobs in ``robot.onboard`` already loaded.
- A leg's travel time is the matrix time divided by ``robot.speed_factor``. Its
  load class is the one of the jobs on board: ``standard`` when nothing
  non-standard is on board, otherwise the slowest of the non-standard classes on
  board (a dirty load takes the dirty routes, whatever else rides with it). A leg
  with a guidance on board is slowed by the guidance's ``walking_factor``.
- A pickup starts no earlier than ``ready_at`` and a drop-off no earlier than
  ``dropoff_ready_at`` (the robot waits); service times are spent at both ends;
  lateness is ``max(0, dropoff start - due_at)``.
- A route's cost: travel, lateness and completion (drop-off start - ``now``)
  weighted by ``problem.costs``, plus the fixed cost of a robot used.
- Battery drains ``drain_per_m`` per metre (distances from the matrix). A charge
  stop charges to full at the charger's rate, starting when ``dock_start`` says a
  dock is free (a caller that books docks passes it; without it, on arrival). On
  arrival at any stop the state of charge must be at least the reserve, except at
  a charger, where it must only be non-negative: the reserve is what gets a robot
  to a charger.
- A guidance is exclusive: nothing else is on board during the escort.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

from planners.problem import (
    Charger,
    DispatchProblem,
    Job,
    JobKind,
    Robot,
    Stop,
    StopKind,
    UnassignedReason,
)
from planners.values import positional

#: A visit of a route: (PICKUP or DROPOFF, job id) or (CHARGE, charger node).
Visit = tuple[StopKind, str]
#: (charger node, arrival, seconds docked) -> when a dock is free for that long.
DockStart = Callable[[str, float, float], float]

#: The capability a robot needs to lead a person.
GUIDE_CAPABILITY = "can_guide"
STANDARD = "standard"
#: Slack for floating-point comparisons of times and states of charge.
EPS = 1e-9


@dataclass(frozen=True, slots=True)
class Violation:
    """A broken rule: ``rule`` is a short stable name, ``message`` says where."""

    rule: str
    message: str

    def __str__(self) -> str:
        return f"{self.rule}: {self.message}"


@dataclass(frozen=True, slots=True)
class RouteSchedule:
    """A robot's visits evaluated: timed stops, totals, cost and broken rules.

    ``last_*`` is the robot's state after its last stop (where the next job would
    start from); travel and distance include the final leg to ``robot.end``.
    """

    robot_id: str
    stops: tuple[Stop, ...]
    #: State of charge on leaving each stop.
    soc_after: tuple[float, ...]
    travel_s: float
    distance_m: float
    lateness_s: Mapping[str, float]
    cost: float
    last_node: str
    last_time: float
    last_soc: float
    violations: tuple[Violation, ...]

    @property
    def feasible(self) -> bool:
        return not self.violations


def can_serve(robot: Robot, job: Job) -> bool:
    """Whether the robot has every capability the job needs."""
    if job.kind is JobKind.GUIDANCE and GUIDE_CAPABILITY not in robot.capabilities:
        return False
    return job.requires <= robot.capabilities


def start_time(problem: DispatchProblem, robot: Robot) -> float:
    """When the robot can leave its start: not before now, not before it is free."""
    return max(problem.now, robot.available_at)


def leg_time(
    problem: DispatchProblem, robot: Robot, a: str, b: str, on_board: Iterable[Job]
) -> float:
    """Seconds from ``a`` to ``b`` for this robot carrying ``on_board``.

    ``inf`` when there is no legal route or a node is not in the matrix.
    """
    travel = problem.travel
    classes: set[str] = set()
    walking = 1.0
    for job in on_board:
        if job.load_class != STANDARD:
            classes.add(job.load_class)
        if job.kind is JobKind.GUIDANCE:
            walking = max(walking, job.walking_factor)
    try:
        if classes:
            base = max(travel.time(a, b, load) for load in sorted(classes))
        else:
            base = travel.time(a, b)
    except KeyError:
        return math.inf
    return base / robot.speed_factor * walking


def leg_distance(problem: DispatchProblem, a: str, b: str) -> float:
    """Metres from ``a`` to ``b`` (``inf`` when a node is not in the matrix)."""
    try:
        return problem.travel.distance(a, b)
    except KeyError:
        return math.inf


def jobs_by_id(problem: DispatchProblem) -> dict[str, Job]:
    return {job.id: job for job in problem.jobs}


def chargers_by_node(problem: DispatchProblem) -> dict[str, Charger]:
    return {charger.node: charger for charger in problem.chargers}


def schedule(
    problem: DispatchProblem,
    robot: Robot,
    visits: Sequence[Visit],
    *,
    jobs: Mapping[str, Job] | None = None,
    dock_start: DockStart | None = None,
    chargers: Mapping[str, Charger] | None = None,
) -> RouteSchedule:
    """Evaluate ``visits`` in order for ``robot``: earliest times, no idling but
    for ready times and, with ``dock_start``, a dock to come free.

    ``jobs`` is ``jobs_by_id(problem)`` and ``chargers`` is
    ``chargers_by_node(problem)``, passed by callers that evaluate many routes of
    one problem. Never raises on a bad route: it reports violations.
    """
    walk = _Walk(
        problem,
        robot,
        jobs if jobs is not None else jobs_by_id(problem),
        chargers if chargers is not None else chargers_by_node(problem),
    )
    walk.dock_start = dock_start
    for kind, key in visits:
        walk.visit(kind, key)
    return walk.finish(bool(visits))


def pickup_then_dropoff(
    problem: DispatchProblem, robot: Robot, job: Job
) -> RouteSchedule | None:
    """``schedule(problem, robot, [(PICKUP, job.id), (DROPOFF, job.id)])`` for an
    empty robot with no ``end``, or ``None`` where that route breaks a rule.

    Greedy times this route for every job it places (~21,000 a simulated day):
    the same arithmetic in the same order as :class:`_Walk`, so the stops, totals
    and cost are the same to the bit, without the walk's bookkeeping.
    """
    if robot.onboard or robot.end is not None:
        raise ValueError(f"robot {robot.id}: only an empty robot with no end")
    travel, speed, drain = problem.travel, robot.speed_factor, robot.drain_per_m
    if not can_serve(robot, job) or job.size > robot.capacity:
        return None
    try:
        a, p, d = (
            travel.index(robot.start),
            travel.index(job.pickup),
            travel.index(job.dropoff),
        )
    except KeyError:
        return None
    standard, distances = travel.times[STANDARD], travel.distances
    to_pickup = float(standard[a, p]) / speed * 1.0
    if not math.isfinite(to_pickup):
        return None
    soc = robot.battery_soc - drain * float(distances[a, p])
    floor = robot.reserve_soc - EPS
    arrival = max(problem.now, robot.available_at) + to_pickup
    start = max(arrival, job.ready_at)
    if soc < floor or (
        job.pickup_latest is not None and start > job.pickup_latest + EPS
    ):
        return None
    departure = start + job.pickup_service_s
    pickup = _stop((StopKind.PICKUP, job.pickup, job.id, arrival, start, departure,
                    job.size))  # fmt: skip
    soc_p = soc
    walking = max(1.0, job.walking_factor) if job.kind is JobKind.GUIDANCE else 1.0
    loaded = travel.times.get(job.load_class, standard)
    to_dropoff = float(loaded[p, d]) / speed * walking
    if not math.isfinite(to_dropoff):
        return None
    distance = float(distances[a, p]) + float(distances[p, d])
    soc -= drain * float(distances[p, d])
    arrival = departure + to_dropoff
    start = arrival
    if job.dropoff_ready_at is not None:
        start = max(arrival, job.dropoff_ready_at)
    travel_s = to_pickup + to_dropoff
    if soc < floor:
        return None
    priced = _dropoff_priced(problem, job, start, problem.costs.travel_per_s * travel_s)
    if priced is None:
        return None
    cost, lateness = priced
    departure = start + job.dropoff_service_s
    dropoff = _stop((StopKind.DROPOFF, job.dropoff, job.id, arrival, start, departure,
                     0))  # fmt: skip
    cost += problem.costs.per_robot
    return _route((robot.id, (pickup, dropoff), (soc_p, soc), travel_s, distance,
                   lateness, cost, job.dropoff, departure, soc, ()))  # fmt: skip


def _dropoff_priced(
    problem: DispatchProblem, job: Job, start: float, cost: float
) -> tuple[float, dict[str, float]] | None:
    """``cost`` plus the drop-off's lateness and completion, added in
    :class:`_Walk`'s order (so the sum is the same to the bit), and the lateness
    by job; ``None`` when a hard due time is missed."""
    costs = problem.costs
    lateness: dict[str, float] = {}
    if job.due_at is not None:
        late = lateness[job.id] = max(0.0, start - job.due_at)
        if job.due_is_hard and late > EPS:
            return None
        cost += costs.lateness_per_s.get(job.priority, 0.0) * late
    cost += costs.completion_per_s.get(job.priority, 0.0) * max(
        0.0, start - problem.now
    )
    return cost, lateness


def carried_dropoff(
    problem: DispatchProblem, robot: Robot, job: Job
) -> RouteSchedule | None:
    """``schedule(problem, robot, [(DROPOFF, job.id)])`` for a robot that carries
    only ``job`` and has no ``end``, or ``None`` where that route breaks a rule.

    Greedy starts every loaded robot of a snapshot from its drop-off; most carry
    one job. The same arithmetic in the same order as :class:`_Walk`.
    """
    if robot.onboard != (job.id,) or robot.end is not None:
        raise ValueError(f"robot {robot.id}: only a robot carrying {job.id}, no end")
    travel = problem.travel
    try:
        a, d = travel.index(robot.start), travel.index(job.dropoff)
    except KeyError:
        return None
    walking = max(1.0, job.walking_factor) if job.kind is JobKind.GUIDANCE else 1.0
    loaded = travel.times.get(job.load_class, travel.times[STANDARD])
    leg = float(loaded[a, d]) / robot.speed_factor * walking
    if not math.isfinite(leg):
        return None
    distance = float(travel.distances[a, d])
    soc = robot.battery_soc - robot.drain_per_m * distance
    if soc < robot.reserve_soc - EPS:
        return None
    arrival = max(problem.now, robot.available_at) + leg
    start = arrival
    if job.dropoff_ready_at is not None:
        start = max(arrival, job.dropoff_ready_at)
    priced = _dropoff_priced(problem, job, start, problem.costs.travel_per_s * leg)
    if priced is None:
        return None
    cost, lateness = priced
    departure = start + job.dropoff_service_s
    stop = _stop((StopKind.DROPOFF, job.dropoff, job.id, arrival, start, departure, 0))
    cost += problem.costs.per_robot
    return _route((robot.id, (stop,), (soc,), leg, distance, lateness, cost,
                   job.dropoff, departure, soc, ()))  # fmt: skip


#: ``Stop(*values)`` and ``RouteSchedule(*values)`` slot by slot (greedy times
#: tens of thousands of routes a simulated day).
_stop = positional(Stop)
_route = positional(RouteSchedule)


class _Walk:
    """The state of a robot moving along its visits (private to :func:`schedule`)."""

    def __init__(
        self,
        problem: DispatchProblem,
        robot: Robot,
        jobs: Mapping[str, Job],
        chargers: Mapping[str, Charger],
    ) -> None:
        self.problem, self.robot, self.jobs = problem, robot, jobs
        self.chargers = chargers
        self.node = robot.start
        self.time = start_time(problem, robot)
        self.soc = robot.battery_soc
        self.on_board = {jid: jobs[jid] for jid in robot.onboard if jid in jobs}
        self.picked: set[str] = set()
        self.dropped: set[str] = set()
        self.stops: list[Stop] = []
        self.soc_after: list[float] = []
        self.travel_s = 0.0
        self.distance_m = 0.0
        self.lateness: dict[str, float] = {}
        #: Start of each drop-off service (for ``Costs.completion_per_s``).
        self.dropped_at: dict[str, float] = {}
        self.violations: list[Violation] = []
        self.dock_start: DockStart | None = None
        for jid in robot.onboard:
            if jid not in jobs:
                self._flag("unknown", f"robot {robot.id} carries unknown job {jid}")

    def _flag(self, rule: str, message: str) -> None:
        self.violations.append(Violation(rule, message))

    def _drive(self, target: str, to_charger: bool) -> float:
        """Move to ``target``; return the arrival time."""
        dt = leg_time(
            self.problem, self.robot, self.node, target, self.on_board.values()
        )
        dist = leg_distance(self.problem, self.node, target)
        if not math.isfinite(dt):
            self._flag(
                "unreachable", f"robot {self.robot.id}: no route {self.node}->{target}"
            )
        self.travel_s += dt
        self.distance_m += dist
        self.soc -= self.robot.drain_per_m * dist
        floor = 0.0 if to_charger else self.robot.reserve_soc
        if self.soc < floor - EPS:
            self._flag(
                "battery",
                f"robot {self.robot.id} reaches {target} at {self.soc:.3f} "
                f"state of charge, below {floor:.3f}",
            )
        self.node = target
        return self.time + dt

    def visit(self, kind: StopKind, key: str) -> None:
        if kind is StopKind.CHARGE:
            self._charge(key)
            return
        job = self.jobs.get(key)
        if job is None:
            self._flag("unknown", f"robot {self.robot.id} visits unknown job {key}")
            return
        if kind is StopKind.PICKUP:
            self._pickup(job)
        else:
            self._dropoff(job)

    def _record(
        self,
        kind: StopKind,
        job_id: str | None,
        arrival: float,
        start: float,
        departure: float,
    ) -> None:
        load = sum([job.size for job in self.on_board.values()])
        self.stops.append(
            _stop((kind, self.node, job_id, arrival, start, departure, load))
        )
        self.soc_after.append(self.soc)
        self.time = departure

    def _pickup(self, job: Job) -> None:
        rid = self.robot.id
        if job.id in self.on_board or job.id in self.picked or job.id in self.dropped:
            self._flag("precedence", f"robot {rid} picks up {job.id} twice")
        if not can_serve(self.robot, job):
            self._flag("capability", f"robot {rid} lacks what job {job.id} requires")
        arrival = self._drive(job.pickup, to_charger=False)
        start = max(arrival, job.ready_at)
        if job.pickup_latest is not None and start > job.pickup_latest + EPS:
            self._flag(
                "pickup_latest",
                f"job {job.id} picked up at {start:.1f} after {job.pickup_latest:.1f}",
            )
        guiding = [j for j in self.on_board.values() if j.kind is JobKind.GUIDANCE]
        if self.on_board and (guiding or job.kind is JobKind.GUIDANCE):
            self._flag("guidance", f"robot {rid} mixes a guidance with {job.id}")
        self.on_board[job.id] = job
        self.picked.add(job.id)
        load = sum(j.size for j in self.on_board.values())
        if load > self.robot.capacity:
            self._flag(
                "capacity",
                f"robot {rid} carries {load} > {self.robot.capacity} after {job.id}",
            )
        self._record(
            StopKind.PICKUP, job.id, arrival, start, start + job.pickup_service_s
        )

    def _dropoff(self, job: Job) -> None:
        if job.id not in self.on_board:
            self._flag(
                "precedence", f"robot {self.robot.id} drops {job.id} not on board"
            )
        arrival = self._drive(job.dropoff, to_charger=False)
        self.on_board.pop(job.id, None)
        self.dropped.add(job.id)
        start = arrival
        if job.dropoff_ready_at is not None:
            start = max(arrival, job.dropoff_ready_at)
        if job.due_at is not None:
            late = max(0.0, start - job.due_at)
            self.lateness[job.id] = late
            if job.due_is_hard and late > EPS:
                self._flag("hard_due", f"job {job.id} is {late:.1f} s late (hard)")
        self.dropped_at[job.id] = start
        departure = start + job.dropoff_service_s
        self._record(StopKind.DROPOFF, job.id, arrival, start, departure)

    def _charge(self, node: str) -> None:
        charger = self.chargers.get(node)
        arrival = self._drive(node, to_charger=True)
        if charger is None:
            self._flag(
                "unknown", f"robot {self.robot.id} charges at {node}: no charger"
            )
            self._record(StopKind.CHARGE, None, arrival, arrival, arrival)
            return
        docked = max(0.0, 1.0 - self.soc) / charger.rate_per_s
        start = arrival
        if self.dock_start is not None and docked > 0.0:
            start = self.dock_start(node, arrival, docked)
            if not math.isfinite(start):
                self._flag("dock", f"robot {self.robot.id}: no dock at {node}")
                start = arrival
        self.soc = max(self.soc, 1.0)
        self._record(StopKind.CHARGE, None, arrival, start, start + docked)

    def finish(self, used: bool) -> RouteSchedule:
        rid = self.robot.id
        for jid in sorted(self.on_board):
            self._flag("precedence", f"robot {rid} never drops off {jid}")
        last = (self.node, self.time, self.soc)
        if used and self.robot.end is not None:
            self._drive(self.robot.end, to_charger=self.robot.end in self.chargers)
        costs = self.problem.costs
        cost = costs.travel_per_s * self.travel_s
        for jid, late in self.lateness.items():
            cost += costs.lateness_per_s.get(self.jobs[jid].priority, 0.0) * late
        for jid, start in self.dropped_at.items():
            weight = costs.completion_per_s.get(self.jobs[jid].priority, 0.0)
            cost += weight * max(0.0, start - self.problem.now)
        if used:
            cost += costs.per_robot
        return _route((rid, tuple(self.stops), tuple(self.soc_after), self.travel_s,
                       self.distance_m, self.lateness, cost, *last,
                       tuple(self.violations)))  # fmt: skip


def plan_cost(
    problem: DispatchProblem,
    schedules: Iterable[RouteSchedule],
    unassigned: Mapping[str, UnassignedReason],
    reassigned: int = 0,
) -> float:
    """The objective of a plan: routes, unassigned penalties and reassignments."""
    jobs = jobs_by_id(problem)
    costs = problem.costs
    total = sum(route.cost for route in schedules if route.stops)
    for jid in unassigned:
        job = jobs.get(jid)
        if job is not None:
            total += costs.unassigned.get(job.priority, 0.0)
    return total + costs.reassignment * reassigned
