"""The planner's snapshot under a backlog: bounded, most urgent first, nothing lost."""

from __future__ import annotations

import pytest

from fleet.core.config import CoreConfig
from fleet.core.engine import FleetCore, NewJob
from fleet.core.errors import NotFound
from fleet.core.model import ItemCategory, JobKind, JobStatus, Priority
from maps.loading import load_sample
from maps.model import Building
from planners.greedy import dispatch_greedy
from tests.fleet.core_world import OPERATOR, World, robot


@pytest.fixture(scope="module")
def small_clinic() -> Building:
    return load_sample("small_clinic")


def _request(world: World, job_id: str, priority: Priority = Priority.ROUTINE) -> None:
    new = NewJob(
        JobKind.DELIVERY, "pharmacy", "ward_1", ItemCategory.LINEN, priority=priority
    )
    world.take(world.core.request_job(new, OPERATOR, job_id=job_id, now=world.now))
    world.now += 1.0


def test_snapshot_takes_the_most_urgent_then_oldest_waiting_jobs(
    small_clinic: Building,
) -> None:
    """Over the cap: STAT first, then the oldest routine ones, in creation order."""
    world = World(FleetCore(small_clinic, CoreConfig(planner_max_waiting_jobs=3)))
    for i in range(5):
        _request(world, f"routine{i}")
    _request(world, "stat", Priority.STAT)
    problem = world.core.dispatch_problem(now=world.now)
    assert [job.id for job in problem.jobs] == ["routine0", "routine1", "stat"]


def test_jobs_left_out_of_the_snapshot_stay_requested_and_come_later(
    small_clinic: Building,
) -> None:
    """A plan made on a capped snapshot assigns what it saw; the rest stay waiting,
    and jobs given to robots count against the cap in the next snapshot."""
    core = FleetCore(
        small_clinic,
        CoreConfig(planner_max_waiting_jobs=3),
        robots=[robot("r1", "G_c2")],
    )
    world = World(core)
    for i in range(5):
        _request(world, f"j{i}")
    problem = core.dispatch_problem(now=world.now)
    assert [job.id for job in problem.jobs] == ["j0", "j1", "j2"]
    world.take(core.apply_plan(dispatch_greedy(problem), now=world.now))
    assert core.job("j3").status == JobStatus.REQUESTED
    assert core.job("j4").status == JobStatus.REQUESTED
    world.take(core.cancel_job("j1", OPERATOR, now=world.now))
    world.take(core.cancel_job("j2", OPERATOR, now=world.now))
    later = core.dispatch_problem(now=world.now)
    assert [job.id for job in later.jobs] == ["j0", "j3", "j4"]


def test_cap_must_be_positive() -> None:
    """A cap of zero would starve every waiting job: refused, naming the field."""
    with pytest.raises(ValueError, match="planner_max_waiting_jobs"):
        CoreConfig(planner_max_waiting_jobs=0)


def test_finished_jobs_are_forgotten_oldest_first(small_clinic: Building) -> None:
    """Two cancelled jobs: the tick forgets the older one, keeps the recent one."""
    world = World(FleetCore(small_clinic, CoreConfig(finished_job_retention_s=60)))
    for job_id in ("early", "open", "late"):
        _request(world, job_id)
    world.take(world.core.cancel_job("early", OPERATOR, now=world.now))
    world.now += 30
    world.take(world.core.cancel_job("late", OPERATOR, now=world.now))
    world.core.tick(now=world.now + 40)
    with pytest.raises(NotFound):
        world.core.job("early")
    assert world.core.job("late").status == JobStatus.CANCELLED
    assert world.core.job("open").status == JobStatus.REQUESTED


def test_a_restarted_core_keeps_the_waiting_line(small_clinic: Building) -> None:
    """Rebuilt from stored jobs, the snapshot still takes the oldest waiting first."""
    world = World(FleetCore(small_clinic))
    for i in range(4):
        _request(world, f"j{i}")
    stored = [world.core.job(f"j{i}") for i in (3, 1, 0, 2)]
    restarted = FleetCore(
        small_clinic, CoreConfig(planner_max_waiting_jobs=2), jobs=stored
    )
    problem = restarted.dispatch_problem(now=world.now)
    assert [job.id for job in problem.jobs] == ["j0", "j1"]


def test_snapshot_robots_are_the_keyword_built_ones(small_clinic: Building) -> None:
    """The robots built slot by slot equal p.Robot built by keyword (every field)."""
    import dataclasses

    from planners.problem import Robot as PlannerRobot

    world = World(
        FleetCore(small_clinic, robots=[robot("r1", "G_c2"), robot("r2", "G_c1")])
    )
    _request(world, "j1")
    world.plan()
    problem = world.core.dispatch_problem(now=world.now)
    assert len(problem.robots) == 2
    config = world.core.config
    for built in problem.robots:
        core = world.core.robot(built.id)
        expected = PlannerRobot(
            id=core.id,
            start=built.start,
            available_at=built.available_at,
            capacity=core.compartments,
            capabilities=core.capabilities,
            battery_soc=core.battery_soc,
            drain_per_m=config.battery_drain_per_m,
            reserve_soc=config.battery_reserve_soc,
            onboard=(),
        )
        assert built == expected
        assert [getattr(built, f.name) for f in dataclasses.fields(built)] == [
            getattr(expected, f.name) for f in dataclasses.fields(expected)
        ]
