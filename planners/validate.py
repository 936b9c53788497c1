"""An independent check of a plan against every rule of the problem.

The validator trusts nothing the planner computed: it walks each route from the
robot's start with the plan's own stop times and re-derives travel (through
:func:`planners.timeline.leg_time`, the shared definition of a leg), loads, battery
and dock use. A plan may wait anywhere (times later than the earliest possible are
fine); it may never arrive before it could, start before it has arrived, leave
before its service is done, or break a hard rule at the times it states.

Rule names (``Violation.rule``): ``coverage`` (each job in one route or unassigned),
``unknown`` (robot, job or charger ids), ``onboard``, ``precedence`` (pickup first,
same robot), ``node``, ``times``, ``unreachable``, ``ready``, ``dropoff_ready``,
``pickup_latest``, ``hard_due``, ``capacity``, ``load`` (stated load after a stop),
``capability``, ``guidance`` (an escort is exclusive), ``battery`` and ``dock``.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Mapping, Sequence

from planners.docks import taken_now
from planners.problem import DispatchProblem, Job, JobKind, Plan, Robot, Stop, StopKind
from planners.timeline import (
    Violation,
    can_serve,
    chargers_by_node,
    jobs_by_id,
    leg_distance,
    leg_time,
    start_time,
)

#: Slack on times (s) and states of charge.
TOL = 1e-6


def validate(problem: DispatchProblem, plan: Plan) -> list[Violation]:
    """Every broken rule of ``plan`` for ``problem``; empty when the plan is valid."""
    jobs = jobs_by_id(problem)
    robots = {robot.id: robot for robot in problem.robots}
    found = _coverage(problem, plan, jobs)
    for robot_id, stops in plan.routes.items():
        robot = robots.get(robot_id)
        if robot is None:
            found.append(Violation("unknown", f"plan has unknown robot {robot_id}"))
            continue
        found.extend(_RouteCheck(problem, robot, jobs).run(stops))
    found.extend(dock_violations(problem, plan))
    return found


def _coverage(
    problem: DispatchProblem, plan: Plan, jobs: Mapping[str, Job]
) -> list[Violation]:
    """Each job on exactly one robot or unassigned; onboard jobs on their robot."""
    found: list[Violation] = []
    robots_of: dict[str, set[str]] = defaultdict(set)
    for robot_id, stops in plan.routes.items():
        for stop in stops:
            if stop.job_id is not None:
                robots_of[stop.job_id].add(robot_id)
    for job_id in sorted(set(robots_of) | set(plan.unassigned)):
        if job_id not in jobs:
            found.append(Violation("unknown", f"plan mentions unknown job {job_id}"))
    for job_id in jobs:
        where = sorted(robots_of.get(job_id, ()))
        if len(where) > 1:
            found.append(Violation("coverage", f"job {job_id} on robots {where}"))
        if where and job_id in plan.unassigned:
            found.append(Violation("coverage", f"job {job_id} routed and unassigned"))
        if not where and job_id not in plan.unassigned:
            found.append(Violation("coverage", f"job {job_id} is missing from plan"))
    for robot in problem.robots:
        for job_id in robot.onboard:
            if robots_of.get(job_id) != {robot.id}:
                found.append(
                    Violation("onboard", f"job {job_id} must stay on robot {robot.id}")
                )
    return found


class _RouteCheck:
    """One robot's route re-walked with the plan's times."""

    def __init__(
        self, problem: DispatchProblem, robot: Robot, jobs: Mapping[str, Job]
    ) -> None:
        self.problem, self.robot, self.jobs = problem, robot, jobs
        self.chargers = chargers_by_node(problem)
        self.found: list[Violation] = []
        self.on_board = {j: jobs[j] for j in robot.onboard if j in jobs}
        self.done: set[str] = set()
        self.node = robot.start
        self.time = start_time(problem, robot)
        self.soc = robot.battery_soc

    def flag(self, rule: str, message: str) -> None:
        self.found.append(Violation(rule, f"robot {self.robot.id}: {message}"))

    def run(self, stops: Sequence[Stop]) -> list[Violation]:
        for n, stop in enumerate(stops):
            job = self.jobs.get(stop.job_id) if stop.job_id is not None else None
            if stop.kind is not StopKind.CHARGE and job is None:
                self.flag("unknown", f"stop {n} names unknown job {stop.job_id}")
                continue
            self._arrive(n, stop, job)
            if stop.kind is StopKind.PICKUP and job is not None:
                self._pickup(n, stop, job)
            elif stop.kind is StopKind.DROPOFF and job is not None:
                self._dropoff(n, stop, job)
            else:
                self._charge(n, stop)
            load = sum(j.size for j in self.on_board.values())
            if stop.load_after != load:
                self.flag("load", f"stop {n} says load {stop.load_after}, is {load}")
            self.time, self.node = stop.departure, stop.node
        for job_id in sorted(self.on_board):
            self.flag("precedence", f"job {job_id} is never dropped off")
        if stops and self.robot.end is not None:
            self._drain(self.robot.end, self.robot.end in self.chargers, "end")
        return self.found

    def _expected_node(self, stop: Stop, job: Job | None) -> str | None:
        if stop.kind is StopKind.CHARGE:
            return stop.node if stop.node in self.chargers else None
        assert job is not None
        return job.pickup if stop.kind is StopKind.PICKUP else job.dropoff

    def _arrive(self, n: int, stop: Stop, job: Job | None) -> None:
        expected = self._expected_node(stop, job)
        if stop.node != expected:
            self.flag("node", f"stop {n} is at {stop.node}, expected {expected}")
        travel = leg_time(
            self.problem, self.robot, self.node, stop.node, self.on_board.values()
        )
        if not math.isfinite(travel):
            self.flag("unreachable", f"no route {self.node}->{stop.node} (stop {n})")
        elif stop.arrival < self.time + travel - TOL:
            self.flag(
                "times",
                f"stop {n} arrives at {stop.arrival:.3f}, "
                f"earliest {self.time + travel:.3f}",
            )
        if stop.start < stop.arrival - TOL:
            self.flag("times", f"stop {n} starts before it arrives")
        self._drain(stop.node, stop.kind is StopKind.CHARGE, f"stop {n}")

    def _drain(self, node: str, at_charger: bool, where: str) -> None:
        self.soc -= self.robot.drain_per_m * leg_distance(self.problem, self.node, node)
        floor = 0.0 if at_charger else self.robot.reserve_soc
        if not self.soc >= floor - TOL:
            self.flag("battery", f"{where} reached at charge {self.soc:.4f} < {floor}")

    def _service(self, n: int, stop: Stop, seconds: float) -> None:
        if stop.departure < stop.start + seconds - TOL:
            self.flag("times", f"stop {n} leaves before its {seconds:.0f} s service")

    def _pickup(self, n: int, stop: Stop, job: Job) -> None:
        if job.id in self.on_board or job.id in self.done:
            self.flag("precedence", f"job {job.id} picked up twice or while on board")
        if job.id in self.robot.onboard:
            self.flag("onboard", f"job {job.id} is on board: no pickup allowed")
        if not can_serve(self.robot, job):
            self.flag("capability", f"cannot serve job {job.id}")
        if stop.start < job.ready_at - TOL:
            self.flag("ready", f"job {job.id} picked up before it is ready")
        if job.pickup_latest is not None and stop.start > job.pickup_latest + TOL:
            self.flag("pickup_latest", f"job {job.id} picked up too late")
        kinds = [j.kind for j in self.on_board.values()] + [job.kind]
        if len(kinds) > 1 and JobKind.GUIDANCE in kinds:
            self.flag("guidance", f"job {job.id} shares the robot with a guidance")
        self.on_board[job.id] = job
        load = sum(j.size for j in self.on_board.values())
        if load > self.robot.capacity:
            self.flag("capacity", f"load {load} > {self.robot.capacity} at stop {n}")
        self._service(n, stop, job.pickup_service_s)

    def _dropoff(self, n: int, stop: Stop, job: Job) -> None:
        if self.on_board.pop(job.id, None) is None:
            self.flag("precedence", f"job {job.id} dropped off but not on board")
        self.done.add(job.id)
        ready = job.dropoff_ready_at
        if ready is not None and stop.start < ready - TOL:
            self.flag("dropoff_ready", f"job {job.id} dropped off before it may be")
        hard = job.due_is_hard and job.due_at is not None
        if hard and job.due_at is not None and stop.start > job.due_at + TOL:
            self.flag("hard_due", f"job {job.id} delivered after its hard due time")
        self._service(n, stop, job.dropoff_service_s)

    def _charge(self, n: int, stop: Stop) -> None:
        if stop.job_id is not None:
            self.flag("node", f"charge stop {n} names job {stop.job_id}")
        charger = self.chargers.get(stop.node)
        if charger is not None:
            gained = charger.rate_per_s * max(0.0, stop.departure - stop.start)
            self.soc = max(self.soc, min(1.0, self.soc + gained))


def dock_violations(problem: DispatchProblem, plan: Plan) -> list[Violation]:
    """No charger has more robots docked at once than it has docks, counting the
    docks taken when the problem was made (``Charger.occupied_until``)."""
    docks = {c.node: c.docks for c in problem.chargers}
    events: dict[str, list[tuple[float, int, str | None]]] = defaultdict(list)
    for charger in problem.chargers:
        for start, end in taken_now(charger, problem.now):
            events[charger.node] += [(start, 1, None), (end, -1, None)]
    for robot_id, stops in plan.routes.items():
        for stop in stops:
            if stop.kind is StopKind.CHARGE and stop.departure > stop.start:
                events[stop.node].append((stop.start, 1, robot_id))
                events[stop.node].append((stop.departure, -1, robot_id))
    found = []
    for node, marks in sorted(events.items()):
        if violation := _overbooked(node, docks.get(node, 0), marks):
            found.append(violation)
    return found


def _overbooked(
    node: str, docks: int, marks: list[tuple[float, int, str | None]]
) -> Violation | None:
    """The first time a planned charge finds every dock of ``node`` taken."""
    busy = planned = 0
    for time, step, robot_id in sorted(marks, key=lambda m: (m[0], m[1])):
        busy += step
        planned += step if robot_id is not None else 0
        # Docks taken before the plan may exceed the docks: only a plan's own
        # charge stop on top of them is its fault.
        if busy > docks and planned > 0 and step > 0:
            return Violation(
                "dock",
                f"charger {node} holds {busy} robots at {time:.1f} "
                f"(with {robot_id or 'robots docked before the plan'}), "
                f"has {docks} docks",
            )
    return None
