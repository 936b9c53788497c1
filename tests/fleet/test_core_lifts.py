"""A lift in fire mode is never entered: the robot holds, then goes on."""

from __future__ import annotations

import pytest

from fleet.core.decision import AlertKind
from fleet.core.engine import FleetCore, NewJob
from fleet.core.model import ItemCategory, JobKind
from fleet.core.ports import LiftMode, LiftStatus, Navigate
from maps.loading import load_sample
from maps.model import Building
from planners.problem import Plan, Stop, StopKind
from tests.fleet.core_world import OPERATOR, STATION_1, World, robot


@pytest.fixture(scope="module")
def small_clinic() -> Building:
    return load_sample("small_clinic")


def _loaded_at_station(building: Building) -> World:
    """r1 has loaded specimens at nursing station 1 (L1) for the lab (G)."""
    world = World(FleetCore(building, robots=[robot("r1", "L1_c2", "L1")]))
    core = world.core
    new = NewJob(JobKind.DELIVERY, "station_1", "lab", ItemCategory.SPECIMEN)
    world.take(core.request_job(new, STATION_1, job_id="j1", now=world.now))
    world.plan()
    world.settle()
    assert world.status("j1") == "loading"
    return world


def _lift(world: World, mode: LiftMode) -> None:
    world.lift_mode = mode
    status = LiftStatus("lift_1", world.now, "G", False, mode)
    world.take(world.core.lift_status(status, now=world.now))


def test_fire_mode_sends_the_robot_to_a_holding_point(small_clinic: Building) -> None:
    """The lift is in fire mode: no call, the robot holds at hold_1 with its load."""
    world = _loaded_at_station(small_clinic)
    _lift(world, LiftMode.FIRE)
    world.log.clear()
    seen = len(world.decisions)
    world.take(world.core.confirm_handoff("j1", None, STATION_1, now=world.now))
    world.settle()
    alerts = [a for d in world.decisions[seen:] for a in d.alerts]
    assert [a.kind for a in alerts] == [AlertKind.LIFT_UNAVAILABLE]
    assert alerts[0].job_ids == ("j1",)
    assert not [e for e in world.log if e[0] == "lift_call"]
    assert world.core.robot("r1").waypoint == "L1_hold"
    assert world.status("j1") == "to_dropoff"
    assert world.core.dispatch_problem(now=world.now).robots == ()


def test_robot_goes_on_when_the_lift_is_back(small_clinic: Building) -> None:
    """Back in normal service, the held robot delivers."""
    world = _loaded_at_station(small_clinic)
    _lift(world, LiftMode.FIRE)
    world.take(world.core.confirm_handoff("j1", None, STATION_1, now=world.now))
    world.settle()
    _lift(world, LiftMode.AGV)
    world.settle()
    assert world.status("j1") == "unloading"
    assert world.core.robot("r1").waypoint == "G_lab"
    world.take(world.core.confirm_handoff("j1", None, OPERATOR, now=world.now))
    assert world.status("j1") == "completed"


def test_fire_while_waiting_for_the_car(small_clinic: Building) -> None:
    """The car is called, then fire mode comes before it arrives: hold, no entry."""
    world = _loaded_at_station(small_clinic)
    world.take(world.core.confirm_handoff("j1", None, STATION_1, now=world.now))
    while not any(e[0] == "lift_call" for e in world.log):
        assert world.answer_one()
    world.pending = [(k, i) for k, i in world.pending if k != "lift"]
    _lift(world, LiftMode.FIRE)
    world.settle()
    assert world.core.robot("r1").waypoint == "L1_hold"
    assert ("change_level", "r1", "G") not in world.log


def test_two_robots_share_one_car_in_turn(small_clinic: Building) -> None:
    """Both need the lift at once: the second waits outside until the first is out."""
    fleet = [robot("r1", "G_lobby"), robot("r2", "G_c3")]
    world = World(FleetCore(small_clinic, robots=fleet))
    core = world.core
    routes = {}
    for robot_id, job_id in (("r1", "j1"), ("r2", "j2")):
        new = NewJob(JobKind.DELIVERY, "station_1", "lab", ItemCategory.SPECIMEN)
        world.take(core.request_job(new, STATION_1, job_id=job_id, now=world.now))
        routes[robot_id] = (Stop(StopKind.PICKUP, "L1_station", job_id, 0, 0, 0),)
    world.take(core.apply_plan(Plan(routes=routes, unassigned={}), now=world.now))
    world.settle()
    assert {world.status("j1"), world.status("j2")} == {"loading"}
    inside: str | None = None
    entries = 0
    for entry in world.log:
        if entry[0] == "navigate" and entry[3][-1] in ("G_lift", "L1_lift"):
            assert inside in (None, entry[1]), (
                f"{entry[1]} entered with {inside} inside"
            )
            inside, entries = entry[1], entries + 1
        elif entry[0] == "lift_release" and entry[1] == inside:
            inside = None
    assert entries == 2


def test_a_car_that_never_comes_is_reported_once(small_clinic: Building) -> None:
    """Waiting past the limit for the lift raises one alert, then the robot waits."""
    world = _loaded_at_station(small_clinic)
    world.take(world.core.confirm_handoff("j1", None, STATION_1, now=world.now))
    while not any(e[0] == "lift_call" for e in world.log):
        assert world.answer_one()
    world.pending = [(k, i) for k, i in world.pending if k != "lift"]
    limit = world.core.config.resource_wait_alert_s
    alerts = [a for d in world.wait(limit + 30) for a in d.alerts]
    assert [a.kind for a in alerts] == [AlertKind.LIFT_UNAVAILABLE]
    assert alerts[0].job_ids == ("j1",)
    assert not [a for d in world.wait(limit) for a in d.alerts]


def test_cancel_while_waiting_for_a_door_lets_it_go(small_clinic: Building) -> None:
    """The door never opens; the job is cancelled: the robot releases it and stops."""
    world = World(FleetCore(small_clinic, robots=[robot("r1", "G_c2")]))
    core = world.core
    new = NewJob(JobKind.DELIVERY, "pharmacy", "ward_1", ItemCategory.MEDICATION)
    world.take(core.request_job(new, STATION_1, job_id="j1", now=world.now))
    world.plan()
    while not any(e[0] == "door" for e in world.log):
        assert world.answer_one()
    world.pending = [(k, i) for k, i in world.pending if k != "door"]
    decision = world.take(core.cancel_job("j1", STATION_1, now=world.now))
    assert [(r.door_id, r.open) for r in decision.door_requests] == [
        ("pharmacy_door", False)
    ]
    assert core.robot("r1").state.value == "idle"


def test_the_car_is_released_once_the_robot_is_out(small_clinic: Building) -> None:
    """The release goes out with the drive on, once the robot has left the car."""
    world = _loaded_at_station(small_clinic)
    world.take(world.core.confirm_handoff("j1", None, STATION_1, now=world.now))
    world.settle()
    assert world.status("j1") == "unloading"
    at = next(i for i, e in enumerate(world.log) if e[0] == "change_level")
    assert world.log[at + 1] == ("navigate", "r1", "G", ("G_lift", "G_lobby"))
    release = [d for d in world.decisions if any(r.release for r in d.lift_requests)]
    drives_on = [c for _, c in release[0].commands if isinstance(c, Navigate)]
    assert [d.waypoints[0] for d in drives_on] == ["G_lobby"]
