"""The fleet core picks a lift with its queue in mind when it builds a mission."""

from __future__ import annotations

from functools import cache

from fleet.core.engine import FleetCore, NewJob
from fleet.core.mission_routes import lift_penalties, session_s
from fleet.core.model import ItemCategory, JobKind
from fleet.core.ports import LiftMode, LiftStatus
from maps.loading import load_sample
from maps.model import Building
from planners.problem import Plan, Stop, StopKind
from tests.fleet.core_world import PHARMACY, World, robot


@cache
def hospital() -> Building:
    return load_sample("demo_hospital")


def _lift_called(busy: LiftStatus | None) -> str:
    """Which lift r1 calls to take medication from the pharmacy up to ward 2A."""
    world = World(FleetCore(hospital(), robots=[robot("r1", "L0_pharm_2", "L0")]))
    core = world.core
    if busy is not None:
        world.take(core.lift_status(busy, now=world.now))
    new = NewJob(JobKind.DELIVERY, "pharmacy", "ward_2a", ItemCategory.MEDICATION)
    world.take(core.request_job(new, PHARMACY, job_id="j1", now=world.now))
    stops = (
        Stop(StopKind.PICKUP, "pharmacy", "j1", 0, 0, 0),
        Stop(StopKind.DROPOFF, "ward_2a", "j1", 0, 0, 0),
    )
    world.take(
        core.apply_plan(Plan(routes={"r1": stops}, unassigned={}), now=world.now)
    )
    world.settle()
    world.take(core.confirm_handoff("j1", None, PHARMACY, now=world.now))
    while not any(e[0] == "lift_call" for e in world.log):
        assert world.answer_one()
    return next(e[2] for e in world.log if e[0] == "lift_call")


def test_an_idle_bank_takes_the_quickest_car() -> None:
    """Nobody at the lifts: the route takes lift_a, as the map's quickest."""
    assert _lift_called(None) == "lift_a"


def test_a_car_held_by_someone_else_sends_the_robot_to_the_next_car() -> None:
    """lift_a is held for another fleet's robot: r1 calls lift_b beside it."""
    busy = LiftStatus("lift_a", 0.0, "L3", False, LiftMode.AGV, session="visitor")
    assert _lift_called(busy) == "lift_b"


def test_penalty_counts_the_sessions_ahead_per_car_place() -> None:
    """Two sessions on a car for two robots cost one session's time; ours is free."""
    world = World(FleetCore(hospital(), robots=[robot("r1", "L0_m05", "L0")]))
    status = LiftStatus("lift_s", 0.0, "L0", True, LiftMode.AGV, session="x",
                        sessions=("x", "y"))  # fmt: skip
    world.take(world.core.lift_status(status, now=world.now))
    state = world.core._state
    lift_s = next(lift for lift in hospital().lifts if lift.id == "lift_s")
    assert lift_penalties(state, "r1") == {"lift_s": session_s(lift_s)}
    assert lift_penalties(state, "x") == {"lift_s": session_s(lift_s) / 2}


def test_a_car_in_fire_mode_is_avoided_when_the_mission_is_built() -> None:
    """lift_a is in fire mode before r1 sets off: its route takes lift_b."""
    fire = LiftStatus("lift_a", 0.0, "L0", False, LiftMode.FIRE)
    assert _lift_called(fire) == "lift_b"


def test_fire_mode_on_the_way_sends_the_robot_by_the_next_car() -> None:
    """lift_a goes to fire mode after r1 set off for it: r1 takes lift_b, no hold."""
    world = World(FleetCore(hospital(), robots=[robot("r1", "L0_pharm_2", "L0")]))
    core = world.core
    new = NewJob(JobKind.DELIVERY, "pharmacy", "ward_2a", ItemCategory.MEDICATION)
    world.take(core.request_job(new, PHARMACY, job_id="j1", now=world.now))
    stops = (
        Stop(StopKind.PICKUP, "pharmacy", "j1", 0, 0, 0),
        Stop(StopKind.DROPOFF, "ward_2a", "j1", 0, 0, 0),
    )
    world.take(
        core.apply_plan(Plan(routes={"r1": stops}, unassigned={}), now=world.now)
    )
    world.settle()
    world.take(core.confirm_handoff("j1", None, PHARMACY, now=world.now))
    fire = LiftStatus("lift_a", world.now, "L3", False, LiftMode.FIRE)
    world.take(core.lift_status(fire, now=world.now))
    world.settle()
    calls = [e[2] for e in world.log if e[0] == "lift_call"]
    assert calls and set(calls) == {"lift_b"}
    assert world.status("j1") == "unloading"
    assert not core.robot("r1").waypoint.endswith("hold")
