"""The greedy dispatcher: what a simple fleet does, and the optimizer's fallback.

Jobs are taken most urgent first (priority, then age), and each is appended to the
route of the robot that can finish it earliest: pickup and dropoff at the end of
the robot's current sequence, after the dropoffs of what it already carries. A
robot whose battery would fall below its reserve first goes to the nearest charger
with a free dock (docks are booked in the plan's own accounting). Moving a job away
from its robot in ``previous`` costs ``costs.reassignment`` seconds in the choice.

Candidate robots are scored all at once with numpy from each robot's cached end
state (O(robots) per job); the chosen route is then re-evaluated by
:func:`planners.timeline.schedule`, which has the last word on feasibility.
"""

from __future__ import annotations

import math
from dataclasses import fields
from itertools import chain
from operator import attrgetter

import numpy as np

from planners.docks import first_free, taken_now
from planners.feasibility import check_problem, unassignable_reasons
from planners.problem import (
    DispatchProblem,
    Job,
    JobKind,
    Plan,
    Robot,
    StopKind,
    UnassignedReason,
)
from planners.timeline import (
    EPS,
    STANDARD,
    RouteSchedule,
    Visit,
    can_serve,
    carried_dropoff,
    jobs_by_id,
    pickup_then_dropoff,
    plan_cost,
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
    unassigned: dict[str, UnassignedReason] = {}
    for job in _by_urgency(problem):
        if job.id in reasons:
            unassigned[job.id] = reasons[job.id]
        elif not fleet.place(job):
            unassigned[job.id] = UnassignedReason.NOT_SCHEDULED
    return fleet.plan(unassigned)


def _by_urgency(problem: DispatchProblem) -> list[Job]:
    carried = {jid for robot in problem.robots for jid in robot.onboard}
    waiting = [(job, i) for i, job in enumerate(problem.jobs) if job.id not in carried]
    waiting.sort(key=lambda item: (item[0].priority, item[0].created_at, item[1]))
    return [job for job, _ in waiting]


class _Fleet:
    """Every robot's visits, cached end state and the charger bookings."""

    def __init__(self, problem: DispatchProblem, previous: Plan | None) -> None:
        check_problem(problem)
        self.problem = problem
        self.jobs = jobs_by_id(problem)
        travel = problem.travel
        self.times = {k: np.asarray(v, dtype=float) for k, v in travel.times.items()}
        self.dist = np.asarray(travel.distances, dtype=float)
        # Columns as rows (time and distance from every node to node ``p``): a
        # job's score reads one column per robot, cheaper from a contiguous row.
        self.std_to = np.ascontiguousarray(self.times[STANDARD].T)
        self.dist_to = np.ascontiguousarray(self.dist.T)
        robots = problem.robots
        self.speed = np.array([r.speed_factor for r in robots], dtype=float)
        self.drain = np.array([r.drain_per_m for r in robots], dtype=float)
        self.reserve = np.array([r.reserve_soc for r in robots], dtype=float)
        self.floor = self.reserve - EPS
        self.drains = self.drain > 0
        self.capacity = np.array([r.capacity for r in robots])
        self.chargers = {c.node: c for c in problem.chargers}
        # Docks taken when the snapshot was made are booked from the start.
        self.booked: dict[str, list[tuple[float, float]]] = {
            n: taken_now(c, problem.now) for n, c in self.chargers.items()
        }
        self.end_target = np.array(
            [-1 if r.end is None else travel.index(r.end) for r in robots]
        )
        self.end_is_charger = np.array([r.end in self.chargers for r in robots])
        self.any_drain = bool((self.drain > 0).any())
        self.any_end = bool((self.end_target >= 0).any())
        self._init_chargers()
        self.previous = {} if previous is None else previous.robots_by_job()
        self.robot_index = {r.id: i for i, r in enumerate(robots)}
        self.masks: dict[tuple[frozenset[str], bool, int], np.ndarray] = {}
        self.visits: list[list[Visit]] = [[] for _ in robots]
        #: Each robot as it will be after its last planned stop (rebuilt from
        #: ``node``/``time``/``soc`` only when a route is timed from there).
        self.here: list[Robot] = []
        self.moved_on = np.zeros(len(robots), dtype=bool)
        #: Per robot, the routes committed, each timed from where the one before
        #: left the robot: joined, they are the robot's whole route.
        self.pieces: list[list[RouteSchedule]] = [[] for _ in robots]
        #: Robots that cannot charge anywhere (no charger has a dock).
        self.dockless = np.zeros(len(robots), dtype=bool)
        #: Per robot id, when each of its charges was booked to start.
        self.charge_starts: dict[str, list[float]] = {r.id: [] for r in robots}
        self.node = np.zeros(len(robots), dtype=int)
        self.time = np.zeros(len(robots))
        self.soc = np.zeros(len(robots))
        for i in range(len(robots)):
            self._start_robot(i)

    def _init_chargers(self) -> None:
        """Per node, the chargers by travel time from it (nearest first)."""
        idx = np.array([self.problem.travel.index(n) for n in self.chargers], dtype=int)
        self.charger_idx = idx
        self.charger_rate = np.array([c.rate_per_s for c in self.chargers.values()])
        std = self.times[STANDARD]
        self.charger_order = np.argsort(std[:, idx], axis=1, kind="stable")

    def _start_robot(self, i: int) -> None:
        """Begin with the dropoffs of what the robot carries, charging on the way
        if it is low."""
        robot = self.problem.robots[i]
        self.here.append(robot)
        # An empty route ends where the robot starts, when it can start.
        self.node[i] = self.problem.travel.index(robot.start)
        self.time[i] = start_time(self.problem, robot)
        self.soc[i] = robot.battery_soc
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
        std, travel = self.times[STANDARD], self.problem.travel
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
        order = self.charger_order[self.node[i]] if len(self.charger_idx) else ()
        best: tuple[RouteSchedule, list[Visit], tuple[int, bool, float]] | None = None
        for k in order[:CHARGERS_TRIED]:
            node = self.problem.travel.nodes[self.charger_idx[k]]
            # Not only first: a robot may reach some drop-offs, or all of them but
            # not its way back, on the charge it has.
            for at in range(len(tail) + 1):
                visits = [*tail[:at], (_C, node), *tail[at:]]
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
            self.dockless[i] = True
        return None if best is None else best[:2]

    def _dock_start(self, node: str, arrival: float, hold: float) -> float:
        """When a dock of ``node`` is free for ``hold`` seconds, given the bookings."""
        return first_free(self.booked[node], self.chargers[node].docks, arrival, hold)

    def _set_end(self, i: int, route: RouteSchedule) -> None:
        self.dockless[i] = False
        self.node[i] = self.problem.travel.index(route.last_node)
        self.time[i] = route.last_time
        self.soc[i] = route.last_soc
        self.moved_on[i] |= bool(route.stops)

    def _here(self, i: int) -> Robot:
        """Robot ``i`` after its last planned stop: later jobs are planned from
        there, with nothing on board."""
        if self.moved_on[i]:
            self.moved_on[i] = False
            self.here[i] = _moved(
                self.here[i],
                self.problem.travel.nodes[self.node[i]],
                float(self.time[i]),
                float(self.soc[i]),
            )
        return self.here[i]

    def _commit(self, i: int, visits: list[Visit], tail: RouteSchedule) -> None:
        """Append ``visits`` (scheduled as ``tail`` from where robot ``i`` is)."""
        for stop in tail.stops:
            if stop.kind is _C and stop.departure > stop.start:
                self.booked[stop.node].append((stop.start, stop.departure))
                self.charge_starts[self.problem.robots[i].id].append(stop.start)
        self.visits[i].extend(visits)
        self.pieces[i].append(tail)
        self._set_end(i, tail)

    def place(self, job: Job) -> bool:
        """Append ``job`` to the robot finishing it earliest; False if none can."""
        score, charge = self._scores(job)
        while True:
            i = int(np.argmin(score))
            if not math.isfinite(score[i]):
                return False
            if self._try(i, job, bool(charge[i])):
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

    def _scores(self, job: Job) -> tuple[np.ndarray, np.ndarray]:
        """Per robot: dropoff departure (+ reassignment), inf if it cannot; and
        whether it must charge first."""
        mask = self._mask(job)
        score = self._finish(job, slice(None), self.node, self.time, self.soc)
        score[~mask] = math.inf
        charge = np.zeros(len(score), dtype=bool)
        low = mask & ~np.isfinite(score) & self.drains & ~self.dockless
        low = np.flatnonzero(low)
        if len(self.charger_idx) and len(low):
            k = self.charger_order[self.node[low], 0]
            c = self.charger_idx[k]
            legs = self.times[STANDARD][self.node[low], c] / self.speed[low]
            soc = self.soc[low] - self.drain[low] * self.dist[self.node[low], c]
            needed = np.maximum(0.0, 1.0 - soc) / self.charger_rate[k]
            ready = self.time[low] + legs + needed
            charged = self._finish(job, low, c, ready, np.maximum(soc, 1.0))
            charged[~(soc >= -EPS)] = math.inf
            score[low] = charged
            charge[low] = np.isfinite(charged)
        previous = self.previous.get(job.id)
        if previous in self.robot_index:
            score = score + self.problem.costs.reassignment
            score[self.robot_index[previous]] -= self.problem.costs.reassignment
        return score, charge

    def _finish(
        self,
        job: Job,
        rows: np.ndarray | slice,
        node: np.ndarray,
        time: np.ndarray,
        soc: np.ndarray,
    ) -> np.ndarray:
        """Dropoff departure of robots ``rows`` from (node, time, soc); inf if they
        cannot do it."""
        travel = self.problem.travel
        p, d = travel.index(job.pickup), travel.index(job.dropoff)
        loaded = self.times.get(job.load_class, self.times[STANDARD])
        walk = max(1.0, job.walking_factor) if job.kind is JobKind.GUIDANCE else 1.0
        speed, drain = self.speed[rows], self.drain[rows]
        start = np.maximum(time + self.std_to[p][node] / speed, job.ready_at)
        drop = start + job.pickup_service_s + loaded[p, d] / speed * walk
        if job.dropoff_ready_at is not None:
            drop = np.maximum(drop, job.dropoff_ready_at)
        ok = np.isfinite(drop)
        if job.pickup_latest is not None:
            ok &= start <= job.pickup_latest + EPS
        if job.due_is_hard and job.due_at is not None:
            ok &= drop <= job.due_at + EPS
        if self.any_drain:
            soc_p = soc - drain * self.dist_to[p][node]
            soc_d = soc_p - drain * self.dist[p, d]
            floor = self.floor[rows]
            ok &= (soc_p >= floor) & (soc_d >= floor)
        if self.any_end:
            ok &= self._end_ok(
                rows, d, soc - drain * (self.dist_to[p][node] + self.dist[p, d])
            )
        return np.where(ok, drop + job.dropoff_service_s, math.inf)

    def _end_ok(
        self, rows: np.ndarray | slice, d: int, soc_d: np.ndarray
    ) -> np.ndarray:
        """Whether robots that must end somewhere can still get there from ``d``."""
        target = self.end_target[rows]
        ends = target >= 0
        end = np.where(ends, target, d)
        soc_end = soc_d - self.drain[rows] * self.dist[d, end]
        floor = np.where(self.end_is_charger[rows], -EPS, self.reserve[rows] - EPS)
        reachable = np.isfinite(self.times[STANDARD][d, end])
        if self.any_drain:
            reachable &= soc_end >= floor
        return ~ends | reachable

    def _mask(self, job: Job) -> np.ndarray:
        """Robots able and large enough to serve ``job`` (read only: shared by
        the jobs of one kind and size)."""
        key = (job.requires, job.kind is JobKind.GUIDANCE, job.size)
        if key not in self.masks:
            capable = [can_serve(robot, job) for robot in self.problem.robots]
            self.masks[key] = np.array(capable, dtype=bool) & (
                self.capacity >= job.size
            )
        return self.masks[key]

    def _schedule(self, robot: Robot, visits: list[Visit]) -> RouteSchedule:
        return schedule(
            self.problem, robot, visits, jobs=self.jobs, chargers=self.chargers
        )

    def _timed(self, robot: Robot, visits: list[Visit]) -> RouteSchedule:
        """``visits`` timed from the robot's start, each charge starting when its
        dock was booked (the robot's own booking would otherwise push it back)."""
        starts = iter(self.charge_starts[robot.id])

        def booked(node: str, arrival: float, hold: float) -> float:
            return max(arrival, next(starts, arrival))

        return schedule(
            self.problem,
            robot,
            visits,
            jobs=self.jobs,
            dock_start=booked,
            chargers=self.chargers,
        )

    def plan(self, unassigned: dict[str, UnassignedReason]) -> Plan:
        """The final plan: each robot's committed routes joined into one."""
        robots = self.problem.robots
        routes = [
            self._joined(robot, visits, pieces)
            for robot, visits, pieces in zip(
                robots, self.visits, self.pieces, strict=True
            )
        ]
        now_on = {
            key: robots[i].id
            for i, visits in enumerate(self.visits)
            for kind, key in visits
            if kind is not _C
        }
        moved = sum(
            1
            for jid, rid in self.previous.items()
            if rid in self.robot_index and now_on.get(jid, rid) != rid
        )
        return Plan(
            routes={route.robot_id: route.stops for route in routes},
            unassigned=unassigned,
            objective=plan_cost(self.problem, routes, unassigned, moved),
            solver="greedy",
        )

    def _joined(
        self, robot: Robot, visits: list[Visit], pieces: list[RouteSchedule]
    ) -> RouteSchedule:
        """The robot's whole route, as :func:`schedule` would time ``visits``.

        Each piece was timed from the robot's state after the piece before (time,
        place and charge, nothing on board: every piece drops what it picks up),
        so the stops are the same, to the bit. Only the cost's totals are added
        piece by piece (the robot's fixed cost once). A robot that must end
        somewhere is timed again, since every piece drove to that end.
        """
        if not pieces and robot.end is None:
            # Nothing planned: only the robot id and the empty stops are read.
            return _idle(robot, start_time(self.problem, robot))
        if robot.end is not None or not pieces:
            return self._timed(robot, visits)
        if len(pieces) == 1:
            return pieces[0]
        stops = tuple(chain.from_iterable(piece.stops for piece in pieces))
        lateness = {k: v for piece in pieces for k, v in piece.lateness_s.items()}
        last = pieces[-1]
        return RouteSchedule(
            robot_id=robot.id,
            stops=stops,
            soc_after=tuple(chain.from_iterable(piece.soc_after for piece in pieces)),
            travel_s=sum(piece.travel_s for piece in pieces),
            distance_m=sum(piece.distance_m for piece in pieces),
            lateness_s=lateness,
            cost=sum(piece.cost for piece in pieces)
            - self.problem.costs.per_robot * (len(pieces) - 1),
            last_node=last.last_node,
            last_time=last.last_time,
            last_soc=last.last_soc,
            violations=tuple(v for piece in pieces for v in piece.violations),
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


def _idle(robot: Robot, start: float) -> RouteSchedule:
    """The route of a robot given nothing: no stops, no cost (the plan reads only
    its id and stops; :func:`plan_cost` skips a route without stops)."""
    return RouteSchedule(
        robot_id=robot.id,
        stops=(),
        soc_after=(),
        travel_s=0.0,
        distance_m=0.0,
        lateness_s={},
        cost=0.0,
        last_node=robot.start,
        last_time=start,
        last_soc=robot.battery_soc,
        violations=(),
    )


def _loaded_charge(route: RouteSchedule) -> bool:
    """Whether the route docks to charge with something on board."""
    return any(s.kind is _C and s.load_after > 0 for s in route.stops)
