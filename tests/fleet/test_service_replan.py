"""The service's re-planning: one dispatcher run at a time, the newest snapshot wins."""

from __future__ import annotations

import asyncio
import os
import threading
import time

import pytest

from fleet.core.config import CoreConfig
from fleet.core.engine import FleetCore
from fleet.core.model import ItemCategory, JobKind, JobStatus, Principal, Role
from fleet.core.requests import NewJob
from fleet.service.planner_process import PLANNER_NICENESS, PlannerProcess
from fleet.service.service import FleetService
from fleet.store import open_store
from maps.loading import load_sample
from maps.matrix import TravelTimes
from planners.greedy import dispatch_greedy
from planners.problem import DispatchProblem, Plan
from sim.demo_fleet import demo_robots

PHARMACY = Principal(id="tok-pharmacy", role=Role.PHARMACY)
OPERATOR = Principal(id="tok-operator", role=Role.OPERATOR)
MEDICATION = NewJob(JobKind.DELIVERY, "pharmacy", "ward_2a", ItemCategory.MEDICATION)


class SlowPlanner:
    """The greedy planner, slowed down, recording overlaps and snapshot sizes."""

    def __init__(self, delay_s: float) -> None:
        self.delay_s = delay_s
        self.running = 0
        self.most_at_once = 0
        self.sizes: list[int] = []
        self._lock = threading.Lock()

    def __call__(self, problem: DispatchProblem, previous: Plan | None) -> Plan:
        with self._lock:
            self.running += 1
            self.most_at_once = max(self.most_at_once, self.running)
            self.sizes.append(len(problem.jobs))
        try:
            time.sleep(self.delay_s)
            return dispatch_greedy(problem, previous=previous)
        finally:
            with self._lock:
                self.running -= 1


def test_a_burst_of_requests_is_planned_one_run_at_a_time(database_url: str) -> None:
    """Twenty requests during slow re-plans: never two runs at once, all planned."""
    building = load_sample("demo_hospital")
    travel = TravelTimes(building)
    store = open_store(database_url)
    planner = SlowPlanner(delay_s=0.2)
    config = CoreConfig(replan_debounce_s=0.0)
    service = FleetService(
        building=building,
        store=store.jobs,
        core_factory=lambda jobs, robots: FleetCore(
            building, config, jobs, robots, travel=travel
        ),
        planner=planner,
        fleet=demo_robots(building, 2),
        tick_s=0.05,
        replan_pause_s=0.0,
    )

    async def run() -> list[str]:
        await service.start()
        try:
            for _ in range(20):
                await service.request_job(MEDICATION, PHARMACY)
                await asyncio.sleep(0.02)
            for _ in range(300):
                waiting = service.core.visible_jobs(OPERATOR, {JobStatus.REQUESTED})
                if not waiting and planner.running == 0:
                    break
                await asyncio.sleep(0.05)
            return [job.id for job in service.core.visible_jobs(OPERATOR)]
        finally:
            await service.stop()
            store.close()

    jobs = asyncio.run(run())
    assert len(jobs) == 20
    assert planner.most_at_once == 1
    assert planner.sizes[-1] == 20
    assert len(planner.sizes) < 20


def test_planner_process_plans_in_a_child_and_reports_errors() -> None:
    """A plan comes back from the child (at a lower priority); a bad problem is a
    RuntimeError."""
    building = load_sample("demo_hospital")
    core = FleetCore(building, CoreConfig(), robots=demo_robots(building, 2))
    core.request_job(MEDICATION, PHARMACY, job_id="job-1", now=1000.0)
    problem = core.dispatch_problem(now=1000.0)
    planner = PlannerProcess(time_limit_s=0.5, solver="greedy")
    try:
        plan = planner(problem, None)
        assert plan.robot_of("job-1") is not None
        assert planner._process is not None and planner._process.pid is not None
        ours = os.getpriority(os.PRIO_PROCESS, 0)
        child = os.getpriority(os.PRIO_PROCESS, planner._process.pid)
        assert child == min(19, ours + PLANNER_NICENESS), "the API comes first"
        with pytest.raises(RuntimeError, match="planner failed"):
            planner(problem, "not a plan")  # type: ignore[arg-type]
    finally:
        asyncio.run(planner.close())
    assert planner._process is None
