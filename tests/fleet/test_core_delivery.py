"""A delivery, a guidance and their missions, driven by hand-made robot reports."""

from __future__ import annotations

import pytest

from fleet.core.engine import FleetCore, NewJob
from fleet.core.model import ItemCategory, JobKind, JobStatus, RobotState
from fleet.core.ports import Navigate
from maps.loading import load_sample
from maps.model import Building
from tests.fleet.core_world import OPERATOR, PHARMACY, STATION_1, World, robot


@pytest.fixture(scope="module")
def small_clinic() -> Building:
    return load_sample("small_clinic")


def _world(building: Building, *robots: tuple[str, str, str]) -> World:
    fleet = [
        robot(rid, wp, level, capabilities=frozenset({"can_guide"}))
        for rid, wp, level in robots
    ]
    return World(FleetCore(building, robots=fleet))


def _medication(pickup: str = "pharmacy", dropoff: str = "ward_1") -> NewJob:
    return NewJob(JobKind.DELIVERY, pickup, dropoff, ItemCategory.MEDICATION)


def test_delivery_from_request_to_completed(small_clinic: Building) -> None:
    """Pharmacy to ward 1: every status in order, the robot idle at the end."""
    world = _world(small_clinic, ("r1", "G_charger", "G"))
    world.take(
        world.core.request_job(_medication(), PHARMACY, job_id="j1", now=world.now)
    )
    world.plan()
    world.settle()
    assert world.status("j1") == "loading"
    world.take(world.core.confirm_handoff("j1", None, PHARMACY, now=world.now))
    world.settle()
    assert world.status("j1") == "unloading"
    world.take(world.core.confirm_handoff("j1", None, STATION_1, now=world.now))
    world.settle()
    assert world.job_trail("j1") == [
        "requested", "assigned", "to_pickup", "loading", "to_dropoff", "unloading",
        "completed",
    ]  # fmt: skip
    r1 = world.core.robot("r1")
    assert (r1.state, r1.waypoint, r1.level) == (RobotState.IDLE, "L1_ward", "L1")


def test_cross_level_delivery_rides_the_lift_in_order(small_clinic: Building) -> None:
    """Call the car, drive in, send it up, change level, drive out, release (sent
    with the drive on, which the test world logs first)."""
    world = _world(small_clinic, ("r1", "G_pharmacy", "G"))
    world.take(
        world.core.request_job(_medication(), PHARMACY, job_id="j1", now=world.now)
    )
    world.plan()
    world.settle()
    world.log.clear()
    world.take(world.core.confirm_handoff("j1", None, PHARMACY, now=world.now))
    world.settle()
    kinds = [entry[0] for entry in world.log]
    lift_part = kinds[kinds.index("lift_call") : kinds.index("lift_release") + 1]
    assert lift_part == [
        "lift_call", "navigate", "lift_call", "change_level", "navigate", "navigate",
        "lift_release",
    ]  # fmt: skip
    calls = [e for e in world.log if e[0] == "lift_call"]
    assert [c[3] for c in calls] == ["G", "L1"]
    entering = world.log[kinds.index("lift_call") + 1]
    assert entering[3][-1] == "G_lift"
    assert ("change_level", "r1", "L1") in world.log


def test_door_is_opened_before_the_lane_and_released_after(
    small_clinic: Building,
) -> None:
    """The pharmacy door: open, wait, drive through it, release."""
    world = _world(small_clinic, ("r1", "G_c2", "G"))
    world.take(
        world.core.request_job(_medication(), PHARMACY, job_id="j1", now=world.now)
    )
    world.plan()
    world.settle()
    door = [i for i, e in enumerate(world.log) if e[0] == "door"]
    opened, released = door[0], door[1]
    assert world.log[opened][2:] == ("pharmacy_door", True)
    assert world.log[opened + 1][:4] == ("navigate", "r1", "G", ("G_c1", "G_pharmacy"))
    assert world.log[released][2:] == ("pharmacy_door", False)
    assert released > opened + 1


def test_guidance_walks_slowly_and_ends_on_arrival(small_clinic: Building) -> None:
    """A person met at reception is led to the clinic at walking pace."""
    world = _world(small_clinic, ("r1", "G_charger", "G"))
    guidance = NewJob(JobKind.GUIDANCE, "reception", "clinic_1", ItemCategory.PERSON)
    core = world.core
    world.take(core.request_job(guidance, OPERATOR, job_id="g1", now=world.now))
    world.plan()
    world.settle()
    assert world.status("g1") == "loading"
    sent = len(world.decisions)
    world.take(core.confirm_handoff("g1", None, OPERATOR, now=world.now))
    world.settle()
    assert world.status("g1") == "completed"
    escorted = [
        command
        for decision in world.decisions[sent:]
        for _, command in decision.commands
        if isinstance(command, Navigate)
    ]
    factor = core.config.guidance_walking_factor
    assert escorted and all(
        c.max_speed_mps == pytest.approx(1 / factor) for c in escorted
    )


def test_every_job_change_carries_audit_events(small_clinic: Building) -> None:
    """Each persisted job change has its events and a consistent expected version."""
    world = _world(small_clinic, ("r1", "G_charger", "G"))
    core = world.core
    world.take(core.request_job(_medication(), PHARMACY, job_id="j1", now=world.now))
    world.plan()
    world.settle()
    world.take(core.confirm_handoff("j1", None, PHARMACY, now=world.now))
    world.settle()
    world.take(core.confirm_handoff("j1", None, STATION_1, now=world.now))
    stored: dict[str, int] = {}
    for decision in world.decisions:
        for job, expected, events in decision.jobs:
            assert events, f"{job.id} changed without an audit event"
            assert expected == stored.get(job.id)
            assert job.version == (expected or 0) + len(events)
            stored[job.id] = job.version
    assert core.job("j1").status == JobStatus.COMPLETED
