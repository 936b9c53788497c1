"""The greedy dispatcher: what a simple fleet does, and the optimizer's fallback.

Jobs are taken most urgent first (priority, then age), and each is appended to the
route of the robot that can finish it earliest: pickup and dropoff at the end of
the robot's current sequence, after the dropoffs of what it already carries. A
robot whose battery would fall below its reserve first goes to the nearest charger
with a free dock (docks are booked in the plan's own accounting). Moving a job away
from its robot in ``previous`` costs ``costs.reassignment`` seconds in the choice.

Candidate robots are scored from each robot's end state (:mod:`planners.greedy_scores`:
all jobs against all robots at once, then only the robots that moved on); the
chosen route is then re-evaluated by :func:`planners.timeline.schedule`, which has
the last word on feasibility.
"""

from __future__ import annotations

import math
from dataclasses import fields
from operator import attrgetter

from planners.docks import first_free, taken_now
from planners.feasibility import check_problem, unassignable_reasons
from planners.greedy_fleet import FleetArrays, RobotEnds
from planners.greedy_plan import Committed, greedy_plan
from planners.greedy_scores import Scores
from planners.problem import (
    DispatchProblem,
    Job,
    Plan,
    Robot,
    StopKind,
    UnassignedReason,
)
from planners.timeline import (
    RouteSchedule,
    Visit,
    carried_dropoff,
    jobs_by_id,
    pickup_then_dropoff,
    schedule,
    start_time,
)
from planners.values import positional

_P, _D, _C = StopKind.PICKUP, StopKind.DROPOFF, StopKind.CHARGE
#: Chargers with a free dock tried (nearest first) before giving up on a robot.
CHARGERS_TRIED = 3


def dispatch_greedy(problem: DispatchProblem, *, previous: Plan | None = None) -> Plan:
    """Plan every job greedily; jobs it cannot place come back with a reason."""
    fleet = _Fleet(problem, previous)
    reasons = unassignable_reasons(problem)
    waiting = _by_urgency(problem)
    fleet.score([job for job in waiting if job.id not in reasons])
    unassigned: dict[str, UnassignedReason] = {}
    placing = 0
    for job in waiting:
        if job.id in reasons:
            unassigned[job.id] = reasons[job.id]
            continue
        if not fleet.place(placing, job):
            unassigned[job.id] = UnassignedReason.NOT_SCHEDULED
        placing += 1
    return fleet.plan(unassigned)


def _by_urgency(problem: DispatchProblem) -> list[Job]:
    carried = {jid for robot in problem.robots for jid in robot.onboard}
    waiting = [(job, i) for i, job in enumerate(problem.jobs) if job.id not in carried]
    waiting.sort(key=lambda item: (item[0].priority, item[0].created_at, item[1]))
    return [job for job, _ in waiting]


class _Fleet:
    """Every robot's visits, where its route ends and the charger bookings."""

    def __init__(self, problem: DispatchProblem, previous: Plan | None) -> None:
        check_problem(problem)
        self.problem = problem
        self.jobs = jobs_by_id(problem)
        self.arrays = arrays = FleetArrays(problem)
        self.chargers = arrays.chargers
        # Docks taken when the snapshot was made are booked from the start.
        self.booked: dict[str, list[tuple[float, float]]] = {
            n: taken_now(c, problem.now) for n, c in self.chargers.items()
        }
        self.previous = {} if previous is None else previous.robots_by_job()
        robots = problem.robots
        self.visits: list[list[Visit]] = [[] for _ in robots]
        #: Each robot as it will be after its last planned stop (rebuilt from
        #: ``ends`` only when a route is timed from there).
        self.here: list[Robot] = list(robots)
        self.moved_on = [False] * len(robots)
        #: Per robot, the routes committed, each timed from where the one before
        #: left the robot: joined, they are the robot's whole route.
        self.pieces: list[list[RouteSchedule]] = [[] for _ in robots]
        self.charge_starts: dict[str, list[float]] = {r.id: [] for r in robots}
        # An empty route ends where the robot starts, when it can start.
        self.ends = RobotEnds(
            node=[problem.travel.index(r.start) for r in robots],
            time=[start_time(problem, r) for r in robots],
            soc=[r.battery_soc for r in robots],
            dockless=[False] * len(robots),
        )
        self.scores: Scores | None = None
        for i in range(len(robots)):
            self._start_robot(i)

    def score(self, jobs: list[Job]) -> None:
        """Score ``jobs`` (to be placed in this order) against every robot."""
        self.scores = Scores(self.arrays, self.ends, jobs, self.previous)

    def _start_robot(self, i: int) -> None:
        """Begin with the dropoffs of what the robot carries, charging on the way
        if it is low."""
        robot = self.problem.robots[i]
        carried = [self.jobs[jid] for jid in robot.onboard if jid in self.jobs]
        if not carried:
            return
        if robot.onboard == (carried[0].id,) and robot.end is None:
            # One load, a route that breaks no rule: no order or charge to weigh.
            quick = carried_dropoff(self.problem, robot, carried[0])
            if quick is not None:
                self._commit(i, [(_D, carried[0].id)], quick)
                return
        # The first order with the fewest broken rules; the next is timed only
        # when the first breaks some.
        orders = self._carried_orders(robot, carried)
        visits = orders[0]
        route = self._schedule(robot, visits)
        for order in orders[1:]:
            if not route.violations:
                break
            other = self._schedule(robot, order)
            if len(other.violations) < len(route.violations):
                visits, route = order, other
        if any(v.rule == "battery" for v in route.violations):
            better = self._with_charger(i, visits, len(route.violations) - 1)
            if better is not None:
                route, visits = better
        self._commit(i, visits, route)

    def _carried_orders(self, robot: Robot, carried: list[Job]) -> list[list[Visit]]:
        """Drop-off orders worth trying for what ``robot`` carries: most urgent
        first, and nearest first (urgency order may drive further than the battery
        allows where nearest first would not)."""
        urgent = sorted(
            carried,
            key=lambda j: (j.priority, math.inf if j.due_at is None else j.due_at),
        )
        std, travel = self.arrays.std, self.problem.travel
        here, left, nearest = travel.index(robot.start), list(urgent), []
        while left:
            job = min(left, key=lambda j: std[here, travel.index(j.dropoff)])
            left.remove(job)
            nearest.append(job)
            here = travel.index(job.dropoff)
        orders = [urgent] if nearest == urgent else [urgent, nearest]
        return [[(_D, job.id) for job in order] for order in orders]

    def _with_charger(
        self, i: int, tail: list[Visit], limit: int
    ) -> tuple[RouteSchedule, list[Visit]] | None:
        """``tail`` with a charge stop before, within or after it, from where robot
        ``i`` is now, at whichever of the nearest chargers breaks fewest rules,
        then docks empty (a load rides straight to its drop-off where it can),
        then costs least (travel, lateness, completion), waiting for a dock where
        all are booked; only with at most ``limit`` violations."""
        arrays = self.arrays
        node = self.ends.node[i]
        order = arrays.charger_order[node] if len(arrays.charger_idx) else ()
        best: tuple[RouteSchedule, list[Visit], tuple[int, bool, float]] | None = None
        for k in order[:CHARGERS_TRIED]:
            charger = self.problem.travel.nodes[arrays.charger_idx[k]]
            # Not only first: a robot may reach some drop-offs, or all of them but
            # not its way back, on the charge it has.
            for at in range(len(tail) + 1):
                visits = [*tail[:at], (_C, charger), *tail[at:]]
                route = schedule(
                    self.problem,
                    self._here(i),
                    visits,
                    jobs=self.jobs,
                    dock_start=self._dock_start,
                    chargers=self.chargers,
                )
                rank = (len(route.violations), _loaded_charge(route), route.cost)
                if rank[0] <= limit and (best is None or rank < best[2]):
                    best = route, visits, rank
        if best is None and not any(c.docks > 0 for c in self.chargers.values()):
            self.ends.dockless[i] = True
            self._ends_changed(i)
        return None if best is None else best[:2]

    def _dock_start(self, node: str, arrival: float, hold: float) -> float:
        """When a dock of ``node`` is free for ``hold`` seconds, given the bookings."""
        return first_free(self.booked[node], self.chargers[node].docks, arrival, hold)

    def _ends_changed(self, i: int) -> None:
        if self.scores is not None:
            self.scores.moved(i)

    def _here(self, i: int) -> Robot:
        """Robot ``i`` after its last planned stop: later jobs are planned from
        there, with nothing on board."""
        if self.moved_on[i]:
            self.moved_on[i] = False
            ends = self.ends
            node = self.problem.travel.nodes[ends.node[i]]
            self.here[i] = _moved(self.here[i], node, ends.time[i], ends.soc[i])
        return self.here[i]

    def _commit(self, i: int, visits: list[Visit], tail: RouteSchedule) -> None:
        """Append ``visits`` (scheduled as ``tail`` from where robot ``i`` is)."""
        for stop in tail.stops:
            if stop.kind is _C and stop.departure > stop.start:
                self.booked[stop.node].append((stop.start, stop.departure))
                self.charge_starts[self.problem.robots[i].id].append(stop.start)
        self.visits[i].extend(visits)
        self.pieces[i].append(tail)
        ends = self.ends
        ends.dockless[i] = False
        ends.node[i] = self.problem.travel.index(tail.last_node)
        ends.time[i] = float(tail.last_time)
        ends.soc[i] = float(tail.last_soc)
        self.moved_on[i] = self.moved_on[i] or bool(tail.stops)
        self._ends_changed(i)

    def place(self, k: int, job: Job) -> bool:
        """Append ``job`` (the ``k``-th scored) to the robot finishing it earliest;
        False if none can."""
        assert self.scores is not None, "score() the jobs first"
        score, charge = self.scores.row(k)
        while True:
            best = min(score)
            if not math.isfinite(best):
                return False
            i = score.index(best)
            if self._try(i, job, charge[i]):
                return True
            score[i] = math.inf

    def _try(self, i: int, job: Job, charge: bool) -> bool:
        """Append ``job`` to robot ``i`` if the timeline finds no fault in it."""
        tail: list[Visit] = [(_P, job.id), (_D, job.id)]
        if charge:
            found = self._with_charger(i, tail, 0)
            if found is None:
                return False
            route, visits = found
        else:
            visits, robot = tail, self._here(i)
            if robot.onboard or robot.end is not None:
                route = self._schedule(robot, visits)
                if route.violations:
                    return False
            else:
                found_pair = pickup_then_dropoff(self.problem, robot, job)
                if found_pair is None:
                    return False
                route = found_pair
        self._commit(i, visits, route)
        return True

    def _schedule(self, robot: Robot, visits: list[Visit]) -> RouteSchedule:
        return schedule(
            self.problem, robot, visits, jobs=self.jobs, chargers=self.chargers
        )

    def plan(self, unassigned: dict[str, UnassignedReason]) -> Plan:
        """The final plan: each robot's committed routes joined into one."""
        committed = Committed(self.visits, self.pieces, self.charge_starts)
        return greedy_plan(
            self.problem,
            committed,
            self.previous,
            unassigned,
            jobs=self.jobs,
            chargers=self.chargers,
        )


def _moved(robot: Robot, start: str, available_at: float, soc: float) -> Robot:
    """``replace(robot, start=..., available_at=..., battery_soc=..., onboard=())``
    without ``dataclasses.replace``'s per-call field walk (~25,000 a day)."""
    values = list(_robot_values(robot))
    values[_START], values[_AVAILABLE], values[_SOC], values[_ONBOARD] = (
        start,
        available_at,
        soc,
        (),
    )
    return _new_robot(values)


_ROBOT_FIELDS = tuple(f.name for f in fields(Robot))
_robot_values = attrgetter(*_ROBOT_FIELDS)
_new_robot = positional(Robot)
_START, _AVAILABLE, _SOC, _ONBOARD = (
    _ROBOT_FIELDS.index(name)
    for name in ("start", "available_at", "battery_soc", "onboard")
)


def _loaded_charge(route: RouteSchedule) -> bool:
    """Whether the route docks to charge with something on board."""
    return any(s.kind is _C and s.load_after > 0 for s in route.stops)
