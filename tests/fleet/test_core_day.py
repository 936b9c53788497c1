"""A busy hour on the small clinic: every job ends completed, every plan valid."""

from __future__ import annotations

import random

import pytest

from fleet.core.engine import FleetCore, NewJob
from fleet.core.model import ItemCategory, JobKind, JobStatus, RobotState
from maps.loading import load_sample
from planners.greedy import dispatch_greedy
from planners.validate import validate
from tests.fleet.core_world import OPERATOR, World, robot

PLACES = ["pharmacy", "lab", "ward_1", "station_1", "waste", "clinic_1"]
CATEGORIES = [
    ItemCategory.MEDICATION,
    ItemCategory.SPECIMEN,
    ItemCategory.LINEN,
    ItemCategory.WASTE,
    ItemCategory.CONTROLLED_SUBSTANCE,
]
PIN = "2468"


@pytest.mark.parametrize("seed", [1, 2, 3, 4, 5])
def test_many_jobs_all_complete(seed: int) -> None:
    """Random deliveries (dirty, secure) and guidances over three robots."""
    rng = random.Random(seed)
    secure = frozenset({"secure_drawer", "can_guide"})
    fleet = [
        robot("r1", "G_charger", capabilities=secure),
        robot("r2", "L1_c2", "L1"),
        robot("r3", "G_c3"),
    ]
    world = World(FleetCore(load_sample("small_clinic"), robots=fleet))
    core = world.core
    jobs = []
    for i in range(14):
        new = _request(rng, i)
        world.take(core.request_job(new, OPERATOR, job_id=f"j{i}", now=world.now))
        jobs.append(f"j{i}")
        _run(world, rng.randint(1, 6))
    for _ in range(400):
        if all(core.job(j).status == JobStatus.COMPLETED for j in jobs):
            break
        _run(world, 3)
    assert {j: core.job(j).status for j in jobs} == dict.fromkeys(jobs, "completed")
    assert all(r.state == RobotState.IDLE for r in core.robots())
    assert [a for d in world.decisions for a in d.alerts] == []


def _request(rng: random.Random, i: int) -> NewJob:
    if i % 7 == 3:
        return NewJob(JobKind.GUIDANCE, "reception", "clinic_1", ItemCategory.PERSON)
    category = rng.choice(CATEGORIES)
    # Waste never passes the pharmacy's clean zone (such requests are refused).
    places = PLACES[1:] if category == ItemCategory.WASTE else PLACES
    pickup, dropoff = rng.sample(places, 2)
    pin = PIN if category == ItemCategory.CONTROLLED_SUBSTANCE else None
    return NewJob(JobKind.DELIVERY, pickup, dropoff, category, pin=pin)


def _run(world: World, steps: int) -> None:
    """Answer a few things, confirm waiting stops, tick, re-plan when due."""
    core = world.core
    for _ in range(steps):
        world.answer_one()
    for job in core.visible_jobs(OPERATOR, {JobStatus.LOADING, JobStatus.UNLOADING}):
        robot_run = core.missions().get(job.robot_id or "")
        if robot_run is not None and robot_run.job_id == job.id:
            pin = PIN if job.status == JobStatus.UNLOADING and job.is_secure else None
            decision = core.confirm_handoff(job.id, pin, OPERATOR, now=world.now)
            assert world.take(decision).refused is None
    for decision in world.wait(1.0):
        assert not decision.alerts, decision.alerts


def test_every_plan_on_the_snapshot_is_valid() -> None:
    """The snapshot the core builds is one the planners and validator accept."""
    world = World(
        FleetCore(
            load_sample("small_clinic"),
            robots=[robot("r1", "G_c1"), robot("r2", "L1_c1", "L1")],
        )
    )
    core = world.core
    for i, (pickup, dropoff) in enumerate(
        [("pharmacy", "ward_1"), ("lab", "clinic_1"), ("waste", "lab")]
    ):
        new = NewJob(JobKind.DELIVERY, pickup, dropoff, ItemCategory.SUPPLIES)
        world.take(core.request_job(new, OPERATOR, job_id=f"j{i}", now=world.now))
    problem = core.dispatch_problem(now=world.now)
    plan = dispatch_greedy(problem)
    assert validate(problem, plan) == []
    assert not plan.unassigned
