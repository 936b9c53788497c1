"""Operator actions on robots: pause, resume, charge, out of service, recovery."""

from __future__ import annotations

import pytest

from fleet.core.engine import FleetCore, NewJob
from fleet.core.errors import Conflict, Forbidden, InvalidRequest
from fleet.core.model import ItemCategory, JobKind, JobStatus, Robot, RobotState
from fleet.core.ports import Pose, RobotUpdate
from maps.loading import load_sample
from maps.model import Building
from tests.fleet.core_world import OPERATOR, PHARMACY, STATION_1, World, robot


@pytest.fixture(scope="module")
def small_clinic() -> Building:
    return load_sample("small_clinic")


def _on_its_way(building: Building) -> World:
    world = World(FleetCore(building, robots=[robot("r1", "G_c2")]))
    new = NewJob(JobKind.DELIVERY, "pharmacy", "ward_1", ItemCategory.MEDICATION)
    world.take(world.core.request_job(new, PHARMACY, job_id="j1", now=world.now))
    world.plan()
    assert world.status("j1") == "to_pickup"
    return world


def test_pause_stops_the_robot_and_releases_its_job(small_clinic: Building) -> None:
    """Paused: command cancelled, job back to requested; resumed: idle again."""
    world = _on_its_way(small_clinic)
    core = world.core
    decision = world.take(core.pause_robot("r1", OPERATOR, now=world.now))
    assert decision.cancels
    assert core.robot("r1").state == RobotState.PAUSED
    assert world.status("j1") == "requested"
    assert core.dispatch_problem(now=world.now).robots == ()
    world.take(core.resume_robot("r1", OPERATOR, now=world.now))
    assert core.robot("r1").state == RobotState.IDLE
    world.plan()
    assert world.status("j1") == "to_pickup"


def test_send_to_charger_docks_and_stays_until_charged(small_clinic: Building) -> None:
    """The robot docks at the charger and is charging there."""
    world = World(FleetCore(small_clinic, robots=[robot("r1", "G_c2")]))
    core = world.core
    world.take(core.send_to_charger("r1", OPERATOR, now=world.now))
    world.settle()
    assert ("dock", "r1", "G_charger") in world.log
    assert core.robot("r1").state == RobotState.CHARGING
    with pytest.raises(Forbidden):
        core.send_to_charger("r1", STATION_1, now=world.now)


def test_out_of_service_refused_while_carrying(small_clinic: Building) -> None:
    """A robot with items on board cannot be taken out of service; empty, it can."""
    world = _on_its_way(small_clinic)
    core = world.core
    world.settle()
    world.take(core.confirm_handoff("j1", None, PHARMACY, now=world.now))
    with pytest.raises(Conflict):
        core.take_out_of_service("r1", OPERATOR, now=world.now)
    world.settle()
    world.take(core.confirm_handoff("j1", None, STATION_1, now=world.now))
    world.take(core.take_out_of_service("r1", OPERATOR, now=world.now))
    assert core.robot("r1").state == RobotState.OUT_OF_SERVICE
    update = RobotUpdate("r1", world.now, battery_soc=0.5)
    world.take(core.robot_update(update, now=world.now))
    assert core.robot("r1").state == RobotState.OUT_OF_SERVICE
    world.take(core.return_to_service("r1", OPERATOR, now=world.now))
    assert core.robot("r1").state == RobotState.IDLE


def test_recovery_outcomes_are_for_operators(small_clinic: Building) -> None:
    """Only an operator resolves a recovery, and only to a recovery outcome."""
    world = _on_its_way(small_clinic)
    core = world.core
    world.settle()
    world.take(core.confirm_handoff("j1", None, PHARMACY, now=world.now))
    world.silent.add("r1")
    world.wait(40)
    assert world.status("j1") == "recovery"
    with pytest.raises(Forbidden):
        core.resolve_recovery("j1", JobStatus.COMPLETED, STATION_1, now=world.now)
    with pytest.raises(InvalidRequest):
        core.resolve_recovery("j1", JobStatus.TO_DROPOFF, OPERATOR, now=world.now)
    decision = world.take(
        core.resolve_recovery("j1", JobStatus.COMPLETED, OPERATOR, now=world.now)
    )
    assert world.status("j1") == "completed"
    assert decision.jobs[0][2][0].actor == "ops"
    with pytest.raises(Conflict):
        core.resolve_recovery("j1", JobStatus.FAILED, OPERATOR, now=world.now)


def test_an_idle_robot_low_on_battery_docks_by_itself(small_clinic: Building) -> None:
    """Below the idle threshold with nothing to do, the robot goes to charge."""
    world = World(FleetCore(small_clinic, robots=[robot("r1", "G_c2")]))
    core = world.core
    low = RobotUpdate("r1", world.now, battery_soc=0.3)
    world.take(core.robot_update(low, now=world.now))
    world.take(core.tick(now=world.now))
    world.settle()
    assert ("dock", "r1", "G_charger") in world.log
    assert core.robot("r1").state == RobotState.CHARGING


def test_a_robot_added_without_a_waypoint_snaps_to_the_nearest(
    small_clinic: Building,
) -> None:
    """Its first pose report places it on the nearest waypoint of its level."""
    world = World(FleetCore(small_clinic))
    core = world.core
    world.take(core.add_robot(Robot("r9", compartments=2), now=world.now))
    update = RobotUpdate("r9", world.now, pose=Pose("L1", 27.0, -4.0))
    world.take(core.robot_update(update, now=world.now))
    assert core.robot("r9").waypoint == "L1_hold"
