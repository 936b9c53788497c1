"""A charging robot in the planner's snapshot: free when it may leave its dock.

The soak's stuck jobs: a flat robot docked "until charged" looked free at once,
so plans kept jobs waiting on it for minutes while other robots idled.
"""

from __future__ import annotations

import pytest

from fleet.api.compose import ServeSettings, virtual_battery
from fleet.core.config import CoreConfig
from fleet.core.engine import FleetCore, NewJob
from fleet.core.model import ItemCategory, JobKind, RobotState
from fleet.core.ports import RobotUpdate
from maps.loading import load_sample
from maps.model import Building
from sim.motion import Battery
from tests.fleet.core_world import OPERATOR, PHARMACY, World, robot

RATE = 0.001  # state of charge per second docked


@pytest.fixture(scope="module")
def small_clinic() -> Building:
    return load_sample("small_clinic")


def _docked(building: Building, soc: float, *others: str) -> World:
    """r1 near the pharmacy docks by itself at ``soc``; ``others`` idle at the lobby."""
    config = CoreConfig(battery_charge_per_s=RATE)
    robots = [robot("r1", "G_c1"), *(robot(r, "G_lobby") for r in others)]
    world = World(FleetCore(building, config, robots=robots))
    world.take(world.core.robot_update(RobotUpdate("r1", world.now, battery_soc=soc),
                                       now=world.now))  # fmt: skip
    world.take(world.core.tick(now=world.now))
    world.settle()
    assert world.core.robot("r1").state == RobotState.CHARGING
    report = RobotUpdate("r1", world.now, battery_soc=soc)
    world.take(world.core.robot_update(report, now=world.now))
    return world


def test_a_robot_charging_until_charged_is_free_when_charged(
    small_clinic: Building,
) -> None:
    """Flat, it stays docked to 95 %: free then, and planned as charged."""
    world = _docked(small_clinic, 0.05)
    (r1,) = world.core.dispatch_problem(now=world.now).robots
    assert r1.start == "G_charger"
    assert r1.available_at == pytest.approx(world.now + (0.95 - 0.05) / RATE)
    assert r1.battery_soc == pytest.approx(0.95)


def test_a_robot_charging_by_the_way_is_free_now(small_clinic: Building) -> None:
    """Docked while idle above its reserve, it leaves for work at once."""
    world = _docked(small_clinic, 0.3)
    (r1,) = world.core.dispatch_problem(now=world.now).robots
    assert (r1.available_at, r1.battery_soc) == (world.now, 0.3)


def test_its_dock_is_taken_until_it_leaves(small_clinic: Building) -> None:
    """The charger's dock held by the charging robot is in the snapshot."""
    world = _docked(small_clinic, 0.05)
    problem = world.core.dispatch_problem(now=world.now)
    (charger,) = problem.chargers
    assert (charger.node, charger.docks, charger.rate_per_s) == ("G_charger", 2, RATE)
    assert charger.occupied_until == (problem.robots[0].available_at,)


def test_work_goes_to_an_idle_robot_not_the_one_charging(
    small_clinic: Building,
) -> None:
    """A job near the charging robot goes to the idle one across the floor.

    Docked flat, the robot stays until charged; at 60 % it could do the job
    (above its reserve) but it would not leave the dock for it for minutes.
    """
    world = _docked(small_clinic, 0.05, "r2")
    partway = RobotUpdate("r1", world.now, battery_soc=0.6)
    world.take(world.core.robot_update(partway, now=world.now))
    new = NewJob(JobKind.DELIVERY, "pharmacy", "lab", ItemCategory.MEDICATION)
    world.take(world.core.request_job(new, PHARMACY, job_id="j1", now=world.now))
    world.plan()
    assert world.core.job("j1").robot_id == "r2"
    assert world.status("j1") == "to_pickup"
    assert world.core.robot("r1").state == RobotState.CHARGING


def test_charge_rate_must_be_positive() -> None:
    """A charger that never charges would make a charging robot never free."""
    with pytest.raises(ValueError, match="battery_charge_per_s"):
        CoreConfig(battery_charge_per_s=0.0)


def test_an_operator_charge_keeps_the_robot_until_charged(
    small_clinic: Building,
) -> None:
    """Sent to charge by an operator at 50 %: not free before it is charged."""
    config = CoreConfig(battery_charge_per_s=RATE)
    world = World(FleetCore(small_clinic, config, robots=[robot("r1", "G_c1")]))
    half = RobotUpdate("r1", world.now, battery_soc=0.5)
    world.take(world.core.robot_update(half, now=world.now))
    world.take(world.core.send_to_charger("r1", OPERATOR, now=world.now))
    (r1,) = world.core.dispatch_problem(now=world.now).robots
    assert r1.start == "G_charger"
    assert r1.available_at > world.now + (0.95 - 0.5) / RATE
    assert r1.battery_soc == pytest.approx(0.95)


def test_serve_tells_the_core_the_virtual_robots_battery() -> None:
    """`porter serve`'s virtual robots drain and charge: the planner knows how
    much, at the robots' own rates (`sped_up_core` then speeds the clock up); a
    drain already set is kept."""
    settings = ServeSettings(speed=10.0)
    core = virtual_battery(settings)
    assert core.battery_drain_per_m == Battery().drain_per_m > 0
    assert core.battery_charge_per_s == Battery().charge_per_s
    own = CoreConfig(battery_drain_per_m=0.001)
    assert virtual_battery(ServeSettings(core=own)) is own


def test_an_idle_low_robot_waits_for_a_free_dock(small_clinic: Building) -> None:
    """Two robots on the clinic's two docks: a third low one does not join them."""
    world = World(FleetCore(small_clinic, robots=[robot(r, "G_c2") for r in "abc"]))
    core = world.core
    for robot_id in ("a", "b"):
        low = RobotUpdate(robot_id, world.now, battery_soc=0.3)
        world.take(core.robot_update(low, now=world.now))
    world.take(core.tick(now=world.now))
    world.settle()
    assert [core.robot(r).state for r in "ab"] == [RobotState.CHARGING] * 2
    third = RobotUpdate("c", world.now, battery_soc=0.3)
    world.take(core.robot_update(third, now=world.now))
    world.take(core.tick(now=world.now))
    world.settle()
    assert core.robot("c").state == RobotState.IDLE
    assert not any(entry[:2] == ("dock", "c") for entry in world.log)
