"""Cancelling a job at each stage of its life."""

from __future__ import annotations

import pytest

from fleet.core.engine import FleetCore, NewJob
from fleet.core.errors import Conflict
from fleet.core.model import ItemCategory, JobKind, RobotState
from maps.loading import load_sample
from maps.model import Building
from tests.fleet.core_world import PHARMACY, STATION_1, World, robot


@pytest.fixture(scope="module")
def small_clinic() -> Building:
    return load_sample("small_clinic")


@pytest.fixture
def world(small_clinic: Building) -> World:
    return World(FleetCore(small_clinic, robots=[robot("r1", "G_c2")]))


def _request(world: World, job_id: str, pickup: str = "pharmacy") -> None:
    new = NewJob(JobKind.DELIVERY, pickup, "ward_1", ItemCategory.LINEN)
    principal = PHARMACY if pickup == "pharmacy" else STATION_1
    world.take(world.core.request_job(new, principal, job_id=job_id, now=world.now))


def _cancel(world: World, job_id: str) -> None:
    world.take(world.core.cancel_job(job_id, STATION_1, now=world.now))


def test_cancel_requested(world: World) -> None:
    """Nothing assigned yet: the job simply ends."""
    _request(world, "j1")
    _cancel(world, "j1")
    assert world.status("j1") == "cancelled"
    with pytest.raises(Conflict):
        _cancel(world, "j1")


def test_cancel_assigned_drops_the_stop(world: World) -> None:
    """A job waiting behind another on its robot leaves the robot's stops."""
    _request(world, "j1")
    _request(world, "j2", pickup="lab")
    world.plan()
    assert {world.status("j1"), world.status("j2")} == {"to_pickup", "assigned"}
    waiting = "j1" if world.status("j1") == "assigned" else "j2"
    _cancel(world, waiting)
    assert world.status(waiting) == "cancelled"
    assert all(s.job_id != waiting for s in world.core.stops("r1"))


def test_cancel_to_pickup_stops_the_robot(world: World) -> None:
    """The robot on its way is stopped (its command cancelled) and goes idle."""
    _request(world, "j1")
    world.plan()
    assert world.status("j1") == "to_pickup"
    moving = [c.command_id for _, c in world.decisions[-1].commands]
    decision = world.take(world.core.cancel_job("j1", STATION_1, now=world.now))
    assert world.status("j1") == "cancelled"
    assert decision.cancels == (("r1", moving[0]),)
    assert world.core.robot("r1").state == RobotState.IDLE


def test_cancel_loading_lets_the_robot_go(world: World) -> None:
    """Cancelled while loading: nothing to bring back, the robot leaves."""
    _request(world, "j1")
    world.plan()
    world.settle()
    assert world.status("j1") == "loading"
    _cancel(world, "j1")
    world.settle()
    assert world.status("j1") == "cancelled"
    assert world.core.robot("r1").state == RobotState.IDLE


def test_cancel_after_loading_returns_items_to_the_sender(world: World) -> None:
    """to_dropoff -> returning; back at the pickup the sender confirms: failed."""
    _request(world, "j1")
    world.plan()
    world.settle()
    world.take(world.core.confirm_handoff("j1", None, PHARMACY, now=world.now))
    world.answer_one()
    assert world.status("j1") == "to_dropoff"
    _cancel(world, "j1")
    assert world.status("j1") == "returning"
    world.log.clear()
    world.settle()
    assert not [e for e in world.log if e[0] == "navigate" and e[2] == "L1"]
    r1 = world.core.robot("r1")
    assert r1.waypoint == "G_pharmacy"
    assert world.status("j1") == "returning"
    world.take(world.core.confirm_handoff("j1", None, PHARMACY, now=world.now))
    world.settle()
    assert world.status("j1") == "failed"
    reasons = [
        e.reason
        for d in world.decisions
        for j, _, es in d.jobs
        if j.id == "j1"
        for e in es
    ]
    assert reasons[-1] == "returned to sender"
    assert world.core.robot("r1").state == RobotState.IDLE
