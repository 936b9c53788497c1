"""A new leader's core and a car the dead leader left held for one of its robots.

The lift port of the process that died is gone, but the lift still holds the
session it opened (the robot's id). The rebuilt core must give such a car back
whether the lift's report comes before or after its own robot calls the car;
the adapter must then send that release (tests/robot_adapters/test_lift_sessions).
"""

from __future__ import annotations

import pytest

from fleet.core.engine import FleetCore, NewJob
from fleet.core.model import ItemCategory, JobKind
from fleet.core.ports import LiftMode, LiftStatus
from maps.loading import load_sample
from maps.model import Building
from tests.fleet.core_world import OPERATOR, STATION_1, World, robot


@pytest.fixture(scope="module")
def small_clinic() -> Building:
    return load_sample("small_clinic")


def _rebuilt_with_r1_loaded(building: Building) -> World:
    """r1 loaded at station 1 (L1) for the lab (G); the leader dies; a new core."""
    world = World(FleetCore(building, robots=[robot("r1", "L1_c2", "L1")]))
    new = NewJob(JobKind.DELIVERY, "station_1", "lab", ItemCategory.SPECIMEN)
    world.take(world.core.request_job(new, STATION_1, job_id="j1", now=world.now))
    world.plan()
    world.settle()
    world.take(world.core.confirm_handoff("j1", None, STATION_1, now=world.now))
    stored_jobs, r1 = [world.core.job("j1")], world.core.robot("r1")
    r2 = robot("r2", "G_c1")
    rebuilt = FleetCore(building, robots=[r1, r2], jobs=stored_jobs)
    # The dead leader's port had the car come to G for r2: it holds it there.
    return World(
        rebuilt, now=world.now, lift_holder={"lift_1": "r2"},
        lift_level={"lift_1": "G"},
    )  # fmt: skip


def _dead_leaders_car(world: World) -> None:
    status = LiftStatus("lift_1", world.now, "G", True, LiftMode.AGV, session="r2")
    world.take(world.core.lift_status(status, now=world.now))


def _delivered(world: World) -> None:
    world.settle()
    assert world.status("j1") == "unloading"
    world.take(world.core.confirm_handoff("j1", None, OPERATOR, now=world.now))
    assert world.status("j1") == "completed"


def test_the_report_before_the_robot_calls_frees_the_car(
    small_clinic: Building,
) -> None:
    """The lift reports r2's old session first: released, then r1 rides."""
    world = _rebuilt_with_r1_loaded(small_clinic)
    _dead_leaders_car(world)
    assert ("lift_release", "r2", "lift_1", None) in world.log
    world.plan()
    _delivered(world)


def test_the_report_after_the_robot_called_frees_the_car(
    small_clinic: Building,
) -> None:
    """r1 calls first and queues behind r2's old session; the report frees it."""
    world = _rebuilt_with_r1_loaded(small_clinic)
    world.plan()
    while not any(e[:2] == ("lift_call", "r1") for e in world.log):
        assert world.answer_one()
    world.settle()
    assert world.lift_holder["lift_1"] == "r2", "r1 should wait behind r2's session"
    _dead_leaders_car(world)
    _delivered(world)
