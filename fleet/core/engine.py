"""FleetCore: the fleet's decisions, one call per event, as returned values.

The service feeds it every event (a request, a cancel, a robot, lift or door
report, a timer tick, a plan from the dispatcher) with the time ``now``; each call
returns a :class:`Decision` the service persists, then carries out. The core
itself does no I/O, reads no clock and starts no thread; ids for new jobs come in
from the caller and mission and command ids are counted (prefix them per process
with ``id_prefix`` so a restarted service never reuses one).

Re-planning is debounced: a change marks a re-plan due ``replan_debounce_s``
later, so a burst of requests makes one; :meth:`FleetCore.tick` says when it is
due, the service then calls :meth:`dispatch_problem`, runs the planner in a worker
thread and hands the plan to :meth:`apply_plan`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Mapping

from fleet.core import access, cancelling, faults, handoff, operations, reports
from fleet.core.config import CoreConfig
from fleet.core.credentials import hash_secret
from fleet.core.decision import Decision, DoorRequest, Effects, robot_only
from fleet.core.decision import LiftRequest as LiftRequest
from fleet.core.dispatching import apply_plan as _apply_plan
from fleet.core.dispatching import build_problem, dispatchable
from fleet.core.driving import start_next
from fleet.core.errors import Conflict, NotFound
from fleet.core.handoff import PinCheck
from fleet.core.lifecycle import job_created
from fleet.core.lifts import check_resource_waits
from fleet.core.missions import Mission
from fleet.core.model import Job, JobStatus, Principal, Robot
from fleet.core.ports import DoorStatus, LiftStatus, RobotUpdate
from fleet.core.requests import NewJob, TripCheck, validate_new_job
from fleet.core.restore import restore_stops
from fleet.core.state import FleetState
from maps.matrix import TravelTimes
from maps.model import Building
from planners.problem import DispatchProblem, Plan, Stop

__all__ = [
    "CoreConfig",
    "Decision",
    "DoorRequest",
    "FleetCore",
    "LiftRequest",
    "NewJob",
    "PinCheck",
]


class FleetCore:
    """The pure decision core of one building's fleet (see the module docstring)."""

    def __init__(
        self,
        building: Building,
        config: CoreConfig | None = None,
        jobs: Iterable[Job] = (),
        robots: Iterable[Robot] = (),
        *,
        travel: TravelTimes | None = None,
        id_prefix: str = "",
    ) -> None:
        self._state = FleetState(
            building,
            config or CoreConfig(),
            jobs={j.id: j for j in jobs},
            robots={r.id: r for r in robots},
            id_prefix=id_prefix,
        )
        self._travel = travel or TravelTimes(building)
        self._trips = TripCheck(building)
        restore_stops(self._state)

    # --- bookkeeping ---------------------------------------------------------

    def _call(self, now: float) -> Effects:
        self._begin(now)
        return Effects()

    def _begin(self, now: float) -> None:
        if self._state.started_at is None:
            self._state.started_at = now

    def _job(self, job_id: str, principal: Principal | None = None) -> Job:
        job = self._state.jobs.get(job_id)
        if job is None:
            raise NotFound("job", job_id)
        if principal is not None and not access.can_see(self._b, principal, job):
            raise NotFound("job", job_id)
        return job

    def _robot(self, robot_id: str) -> Robot:
        if robot_id not in self._state.robots:
            raise NotFound("robot", robot_id)
        return self._state.robots[robot_id]

    @property
    def _b(self) -> Building:
        return self._state.building

    @property
    def config(self) -> CoreConfig:
        return self._state.config

    @property
    def building(self) -> Building:
        return self._state.building

    # --- requests from people ------------------------------------------------

    def request_job(
        self, new: NewJob, principal: Principal, *, job_id: str, now: float
    ) -> Decision:
        """Validate, scope and record a new request; a re-plan becomes due."""
        validate_new_job(self._b, new, self._state.robots.values(), self._trips)
        access.check_create(self._b, principal, new.pickup, new.dropoff)
        if job_id in self._state.jobs:
            raise Conflict(f"job {job_id!r} exists already")
        fx = self._call(now)
        job = Job(
            id=job_id, kind=new.kind, pickup=new.pickup, dropoff=new.dropoff,
            category=new.category, requested_by=principal.id, created_at=now,
            priority=new.priority, compartments=new.compartments,
            ready_at=new.ready_at, due_at=new.due_at,
            ward=access.job_ward(self._b, new.pickup, new.dropoff, principal),
            recipient=new.recipient,
            pin_hash=new.pin_hash or (hash_secret(new.pin) if new.pin else None),
            note=new.note, updated_at=now,
        )  # fmt: skip
        self._state.put_job(job)
        fx.new_job(job, job_created(job, actor=principal.id))
        self._state.schedule_replan(now)
        return fx.decision()

    def adopt_job(self, job: Job, *, now: float) -> None:
        """Take in a job another process already validated and stored (a
        follower's request): nothing to persist, a re-plan becomes due."""
        if job.id in self._state.jobs:
            raise Conflict(f"job {job.id!r} exists already")
        self._call(now)
        self._state.put_job(job)
        self._state.schedule_replan(now)

    def cancel_job(
        self,
        job_id: str,
        principal: Principal,
        *,
        now: float,
        reason: str = "cancelled",
    ) -> Decision:
        job = self._job(job_id, principal)
        access.check_cancel(self._b, principal, job)
        fx = self._call(now)
        cancelling.cancel(self._state, fx, job_id, principal.id, reason, now)
        return fx.decision()

    def confirm_handoff(
        self,
        job_id: str,
        pin: str | None,
        principal: Principal,
        *,
        now: float,
        checked: PinCheck | None = None,
    ) -> Decision:
        """Confirm loading, a hand-off (PIN for secure items) or a return.

        A wrong PIN is still a decision to persist (the attempt is counted):
        ``Decision.refused`` carries the error to raise afterwards. ``checked``:
        the PIN's scrypt check done by the caller off its event loop (see
        :class:`~fleet.core.handoff.PinCheck`).
        """
        job = self._job(job_id, principal)
        access.check_handoff(self._b, principal, job)
        fx = self._call(now)
        handoff.confirm(self._state, fx, job_id, pin, principal.id, now, checked)
        return fx.decision()

    def unlock_handoff(
        self, job_id: str, principal: Principal, *, now: float
    ) -> Decision:
        access.check_operator(principal)
        self._job(job_id)
        fx = self._call(now)
        handoff.unlock(self._state, fx, job_id, principal.id, now)
        return fx.decision()

    def resolve_recovery(
        self, job_id: str, outcome: JobStatus, principal: Principal, *, now: float
    ) -> Decision:
        """An operator settles a job in recovery: requested, completed or failed."""
        access.check_operator(principal)
        self._job(job_id)
        fx = self._call(now)
        faults.resolve_recovery(self._state, fx, job_id, outcome, principal.id, now)
        return fx.decision()

    # --- reports from the world ----------------------------------------------

    def robot_update(self, update: RobotUpdate, *, now: float) -> Decision:
        """A robot's pose, battery and command progress."""
        self._robot(update.robot_id)
        quiet = reports.quiet_report(self._state, update, now)
        if quiet is not None:
            # The decision robot_update would make: this robot, nothing else.
            self._begin(now)
            return robot_only(quiet)
        fx = self._call(now)
        reports.robot_update(self._state, fx, update, now)
        return fx.decision()

    def lift_status(self, status: LiftStatus, *, now: float) -> Decision:
        fx = self._call(now)
        reports.lift_status(self._state, fx, status, now)
        return fx.decision()

    def door_status(self, status: DoorStatus, *, now: float) -> Decision:
        fx = self._call(now)
        reports.door_status(self._state, fx, status, now)
        return fx.decision()

    def tick(self, *, now: float) -> Decision:
        """Timers: offline robots, hand-off waits, charging, the debounced re-plan."""
        fx = self._call(now)
        state = self._state
        faults.check_offline(state, fx, now)
        handoff.check_waits(state, fx, now)
        check_resource_waits(state, fx, now)
        for robot_id in sorted(state.robots):
            if robot_id not in state.runs and dispatchable(state, robot_id):
                start_next(state, fx, robot_id, now)
        operations.charge_if_low(state, fx, now)
        _forget_finished(state, now)
        if state.replan_due is not None and now >= state.replan_due:
            state.replan_due = None
            fx.replan = True
        return fx.decision()

    # --- dispatch ------------------------------------------------------------

    def dispatch_problem(self, *, now: float) -> DispatchProblem:
        """The snapshot for the planner; any due re-plan is covered by it."""
        self._call(now)
        self._state.replan_due = None
        return build_problem(self._state, self._travel, now)

    def apply_plan(self, plan: Plan, *, now: float) -> Decision:
        """Assignments, moves, ETAs and missions from a plan (checked against now)."""
        fx = self._call(now)
        _apply_plan(self._state, fx, plan, now)
        for robot_id in sorted(self._state.robots):
            if robot_id not in self._state.runs and dispatchable(self._state, robot_id):
                start_next(self._state, fx, robot_id, now)
        return fx.decision()

    # --- robots --------------------------------------------------------------

    def _operate(
        self,
        action: Callable[[FleetState, Effects, str, str, float], None],
        robot_id: str,
        principal: Principal,
        now: float,
    ) -> Decision:
        access.check_operator(principal)
        self._robot(robot_id)
        fx = self._call(now)
        action(self._state, fx, robot_id, principal.id, now)
        return fx.decision()

    def pause_robot(
        self, robot_id: str, principal: Principal, *, now: float
    ) -> Decision:
        return self._operate(operations.pause, robot_id, principal, now)

    def resume_robot(
        self, robot_id: str, principal: Principal, *, now: float
    ) -> Decision:
        return self._operate(operations.resume, robot_id, principal, now)

    def send_to_charger(
        self, robot_id: str, principal: Principal, *, now: float
    ) -> Decision:
        return self._operate(operations.send_to_charger, robot_id, principal, now)

    def take_out_of_service(
        self, robot_id: str, principal: Principal, *, now: float
    ) -> Decision:
        return self._operate(operations.take_out_of_service, robot_id, principal, now)

    def return_to_service(
        self, robot_id: str, principal: Principal, *, now: float
    ) -> Decision:
        return self._operate(operations.return_to_service, robot_id, principal, now)

    def add_robot(self, robot: Robot, *, now: float) -> Decision:
        """A new robot joins the fleet (idle where it stands)."""
        if robot.id in self._state.robots:
            raise Conflict(f"robot {robot.id!r} exists already")
        if robot.waypoint and robot.waypoint not in {w.id for w in self._b.waypoints}:
            raise NotFound("waypoint", robot.waypoint)
        fx = self._call(now)
        # Its offline timer starts now, not at whatever it last reported.
        robot = dataclasses.replace(robot, last_seen=max(robot.last_seen, now))
        self._state.robots[robot.id] = robot
        fx.robot(robot)
        self._state.schedule_replan(now)
        return fx.decision()

    # --- reading -------------------------------------------------------------

    def job(self, job_id: str, principal: Principal | None = None) -> Job:
        """A job (``NotFound`` if missing or, with ``principal``, not theirs)."""
        return self._job(job_id, principal)

    def visible_jobs(
        self, principal: Principal, statuses: Iterable[JobStatus] | None = None
    ) -> list[Job]:
        """The jobs ``principal`` may see, oldest first."""
        wanted = frozenset(statuses) if statuses is not None else None
        return [
            job
            for job in sorted(
                self._state.jobs.values(), key=lambda j: (j.created_at, j.id)
            )
            if (wanted is None or job.status in wanted)
            and access.can_see(self._b, principal, job)
        ]

    def can_see(self, principal: Principal, job: Job) -> bool:
        return access.can_see(self._b, principal, job)

    def robot(self, robot_id: str) -> Robot:
        return self._robot(robot_id)

    def robots(self) -> list[Robot]:
        return [self._state.robots[r] for r in sorted(self._state.robots)]

    def missions(self) -> dict[str, Mission]:
        """Each busy robot's current mission."""
        return {r: run.mission for r, run in sorted(self._state.runs.items())}

    def stops(self, robot_id: str) -> tuple[Stop, ...]:
        """The stops a robot serves after its current mission."""
        return tuple(self._state.queues.get(robot_id, ()))

    def facility_reports(
        self,
    ) -> tuple[Mapping[str, LiftStatus], Mapping[str, DoorStatus]]:
        """The last report of each lift and each door, by id."""
        return dict(self._state.lifts), dict(self._state.doors)

    def plan(self) -> Plan | None:
        """The last plan applied."""
        return self._state.plan

    @property
    def replan_due(self) -> float | None:
        return self._state.replan_due


def _forget_finished(state: FleetState, now: float) -> None:
    """Drop jobs finished long ago from memory; the store keeps their history."""
    horizon = now - state.config.finished_job_retention_s
    old = []
    for job_id, updated_at in state.finished.items():  # least recent first
        if updated_at >= horizon:
            break
        old.append(job_id)
    for job_id in old:
        state.drop_job(job_id)
        state.escalated.discard(job_id)
