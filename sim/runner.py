"""One simulation run: the real fleet core decides, on the simulated clock.

The runner drives :class:`~fleet.core.engine.FleetCore` exactly as the service
does: every request, robot update, lift and door status goes to the core with
``now``; every :class:`~fleet.core.decision.Decision` is carried out by the
simulated world; ``tick`` runs on a timer (every ``tick_s`` and whenever a
re-plan falls due); a due re-plan calls ``dispatch_problem``, the dispatcher
(``planners.dispatch``, OR-Tools or greedy) and ``apply_plan``.

The dispatcher is called synchronously with its time limit: the simulated clock
does **not** advance while it thinks (in the service the fleet moves on for up to
that time limit meanwhile). Re-plans are spaced like the service's re-plan worker
(at least ``replan_pause_s`` apart); with ``replan_gap_s`` ordinary ones are
at least that far apart, while urgent ones (a STAT request, or work waiting while
a robot has nothing to do: ``urgent_replans``) keep the service's
cadence. A saturated fleet gets a request every minute or so, and each plan then
only reorders queues, so the gap cuts the dispatcher's calls where they change
least (figures: ``bench/sim_speed.py``). The dispatcher's
wall time is measured and reported apart, never in ``kpis.json``, which depends
only on the inputs and the seed (byte-identical with greedy; OR-Tools stops on a
wall-clock limit, so a loaded machine can change its plans).

Where the service differs: robots report on each finished command and otherwise
every ``heartbeat_s`` (not twice a second), and ``tick`` runs every ``tick_s``
and when a re-plan is due (not every second); these only thin out reports that
change nothing. PIN hashes are made cheap for the run (:mod:`sim.fast_pins`).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import partial
from typing import Any

import numpy as np

from fleet.core.config import CoreConfig
from fleet.core.decision import Decision
from fleet.core.engine import FleetCore
from fleet.core.errors import FleetError
from fleet.core.model import JobStatus, RobotState
from fleet.core.ports import DoorStatus, LiftStatus, RobotUpdate
from maps.model import Building
from planners.dispatch import dispatch
from planners.problem import DispatchProblem, Plan, Priority
from sim.demand import DAY0, Request, requests_for
from sim.demo_fleet import demo_robots
from sim.engine import EventQueue, Timer
from sim.fast_pins import quick_pin_hashes
from sim.jobbook import JobBook
from sim.log import EventLog
from sim.run_config import RunConfig, Timing
from sim.scenario import Scenario, check_places
from sim.staff import STAFF, Staff
from sim.travel import SlicedTravelTimes
from sim.world import World

__all__ = ["RunConfig", "Simulation", "simulate"]

_HANDOFF_WAITS = frozenset({JobStatus.LOADING, JobStatus.UNLOADING})


@dataclass
class Simulation:
    building: Building
    scenario: Scenario
    config: RunConfig
    progress: Callable[[float], None] | None = None
    timing: Timing = field(default_factory=Timing)
    #: Called with (problem, previous plan, plan) after each dispatch (studies).
    on_dispatch: Callable[[DispatchProblem, Plan | None, Plan], None] | None = None

    def __post_init__(self) -> None:
        config, self.scenario = self.config, check_places(self.scenario, self.building)
        self.start = DAY0 + 3600.0 * config.start_hour
        self.end = self.start + 3600.0 * config.hours
        self.queue = EventQueue(now=self.start)
        self.log = EventLog(self.start, keep=config.keep_events)
        # Numbers for CoreConfig fields of several types, named by the scenario.
        overrides: dict[str, Any] = dict(self.scenario.core)
        core_config = replace(
            CoreConfig(
                battery_drain_per_m=self.scenario.battery.drain_per_m,
                planner_time_limit_s=config.time_limit_s,
            ),
            **overrides,
        )
        soc = self.scenario.battery.start_soc
        extra = self.scenario.robot_capabilities
        robots = [
            replace(
                r,
                battery_soc=soc,
                last_seen=self.start,
                capabilities=r.capabilities | extra,
            )
            for r in demo_robots(
                self.building, config.robots, speed_mps=self.scenario.robot_speed_mps
            )
        ]
        self.core_travel = SlicedTravelTimes(self.building)
        self.core = FleetCore(
            self.building,
            core_config,
            robots=robots,
            id_prefix="s",
            travel=self.core_travel,
        )
        self.world = World(
            self.building,
            self.scenario,
            self.queue,
            self.log,
            np.random.default_rng([config.seed, 4]),
            self._robot_update,
            self._lift_status,
            self._door_status,
        )
        for robot in robots:
            self.world.add_robot(robot, soc)
        self.requests = requests_for(self.scenario, config.seed, self.start, self.end)
        self.book = JobBook()
        pins = {r.id: r.new.pin for r in self.requests if r.new.pin}
        self.staff = Staff(
            self.core,
            self.queue,
            self.log,
            np.random.default_rng([config.seed, 3]),
            self.scenario.handoff,
            pins,
            self.take,
        )
        self._ticks: set[float] = set()
        self._replan_timer: Timer | None = None
        self._last_replan = -float("inf")
        #: The next re-plan is urgent (see ``RunConfig.urgent_replans``).
        self._urgent = False
        #: Requests taken in since the last snapshot, and robots with nothing to do.
        self._unplanned = 0
        self._idle = {r.id for r in robots if r.state == RobotState.IDLE}
        self._waiting: dict[str, str] = {}

    # --- running -------------------------------------------------------------------

    def run(self) -> Simulation:
        began = time.perf_counter()
        with quick_pin_hashes():
            self._schedule()
            self.queue.run(self.end, self.progress)
        self.world.close_books()
        self.timing.wall_s = time.perf_counter() - began
        return self

    def _schedule(self) -> None:
        self.world.start()
        for request in self.requests:
            self.queue.at(request.at, partial(self._request, request))
        for fault in self.scenario.faults:
            start, end = (
                self.start_of_day + fault.start_s,
                self.start_of_day + fault.end_s,
            )
            if fault.kind == "lift":
                self.world.lifts.outage(fault.target, start, end)
            elif fault.kind == "door":
                self.world.doors.stuck(fault.target, start, end)
            else:
                self.queue.at(start, partial(self.world.robots.fail, fault.target))
                self.queue.at(end, partial(self._repair, fault.target))
        self.queue.after(0.0, self._pulse)
        for robot_id in sorted(self.world.robots.robots):
            self.world.robots.keep_reporting(robot_id, self.config.heartbeat_s)

    @property
    def start_of_day(self) -> float:
        return DAY0 + 86400.0 * math.floor((self.start - DAY0) / 86400.0)

    def _pulse(self) -> None:
        """The core's timers run every ``tick_s`` (robots report by themselves)."""
        self._tick()
        self.queue.after(self.config.tick_s, self._pulse)

    def _tick(self) -> None:
        self._ticks.discard(self.queue.now)
        self.take(self.core.tick(now=self.queue.now))

    # --- the world reports ---------------------------------------------------------

    def _request(self, request: Request) -> None:
        self.book.requested(request)
        try:
            decision = self.core.request_job(
                request.new, STAFF, job_id=request.id, now=self.queue.now
            )
        except FleetError as error:
            self.book.refused(request, str(error))
            self.log.add(self.queue.now, "refused", job=request.id, why=str(error))
            return
        self._unplanned += 1
        if request.new.priority == Priority.STAT or self._idle:
            self._urgent = True
        self.take(decision)

    def _robot_update(self, update: RobotUpdate) -> None:
        self.take(self.core.robot_update(update, now=self.queue.now))

    def _lift_status(self, status: LiftStatus) -> None:
        self.take(self.core.lift_status(status, now=self.queue.now))

    def _door_status(self, status: DoorStatus) -> None:
        self.take(self.core.door_status(status, now=self.queue.now))

    def _repair(self, robot_id: str) -> None:
        self.world.robots.repair(robot_id)
        if self.core.robot(robot_id).state.value == "error":
            self.take(self.core.resume_robot(robot_id, STAFF, now=self.queue.now))

    # --- carrying out decisions ----------------------------------------------------

    def take(self, decision: Decision) -> None:
        """Do what the core decided, as the service would after persisting it."""
        now = self.queue.now
        if decision.robots:
            self._robots_changed(decision)
        for job, _, events in decision.jobs:
            self.book.changed(job, events)
            for event in events:
                if event.after != event.before:
                    self.log.add(
                        now, "job", job=job.id, status=event.after, robot=job.robot_id
                    )
            self._handoff_wait(job.id, job.status, job.robot_id)
            self.staff.job_changed(job)
        self.world.carry_out(decision)
        for alert in decision.alerts:
            self.log.add(now, "alert", alert=alert.kind.value, message=alert.message)
        if decision.replan_needed:
            self._replan_by(self._next_replan)
        due = self.core.replan_due
        if due is not None and max(due, now) not in self._ticks:
            self._ticks.add(max(due, now))
            self.queue.at(max(due, now), self._tick)

    def _handoff_wait(self, job_id: str, status: JobStatus, robot: str | None) -> None:
        waiting = self._waiting.pop(job_id, None)
        if waiting is not None:
            self.world.set_handoff(waiting, False)
        if status in _HANDOFF_WAITS and robot is not None:
            self._waiting[job_id] = robot
            self.world.set_handoff(robot, True)

    def _robots_changed(self, decision: Decision) -> None:
        """Keep the idle set; a robot freed while work waits makes it urgent."""
        for robot, _ in decision.robots:
            if robot.state != RobotState.IDLE:
                self._idle.discard(robot.id)
            elif robot.id not in self._idle:
                self._idle.add(robot.id)
                if self._unplanned or self._queued():
                    self._urgent = True
                    if self._replan_timer is not None:
                        self._replan_by(self._next_replan)

    def _queued(self) -> bool:
        """Whether some robot has stops waiting after its current mission (a plan
        could hand one to a robot just freed)."""
        return any(self.core.stops(r) for r in self.world.robots.robots)

    @property
    def service_gap_s(self) -> float:
        """The service's re-plan cadence (``RunConfig.replan_pause_s``; 0.25 s,
        greedy's 0.05 s limit plus the service's 0.2 s pause, as before)."""
        return self.config.replan_pause_s

    @property
    def replan_gap_s(self) -> float:
        gap = self.config.replan_gap_s
        return self.service_gap_s if gap is None else gap

    @property
    def _next_replan(self) -> float:
        urgent = self._urgent and self.config.urgent_replans
        gap = self.service_gap_s if urgent else self.replan_gap_s
        return self._last_replan + gap

    def _replan_by(self, at: float) -> None:
        """Have a re-plan run at ``at`` (or now) at the latest."""
        at = max(self.queue.now, at)
        timer = self._replan_timer
        if timer is not None:
            if timer.at <= at:
                return
            timer.cancel()
        self._replan_timer = self.queue.at(at, self._replan)

    def _replan(self) -> None:
        self._replan_timer = None
        now, config = self.queue.now, self.config
        self._last_replan, self._urgent, self._unplanned = now, False, 0
        problem = self.core.dispatch_problem(now=now)
        previous = self.core.plan() if config.warm_start else None
        began = time.perf_counter()
        plan = dispatch(
            problem,
            time_limit_s=config.time_limit_s,
            seed=config.seed,
            previous=previous,
            solver=config.dispatcher,  # type: ignore[arg-type]
        )
        self.timing.dispatch_s += time.perf_counter() - began
        self.timing.dispatches += 1
        self.timing.fallbacks += any("greedy plan used" in n for n in plan.notes)
        self.log.add(
            now,
            "dispatch",
            jobs=len(problem.jobs),
            robots=len(problem.robots),
            unassigned=len(plan.unassigned),
        )
        if self.on_dispatch is not None:
            self.on_dispatch(problem, previous, plan)
        self.take(self.core.apply_plan(plan, now=now))


def simulate(
    building: Building,
    scenario: Scenario,
    config: RunConfig,
    progress: Callable[[float], None] | None = None,
) -> Simulation:
    """Run one simulation to its end and return it (KPIs: :mod:`sim.kpis`)."""
    return Simulation(building, scenario, config, progress).run()
