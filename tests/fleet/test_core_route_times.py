"""Charger choice remembers route times: the building never changes under a core."""

from __future__ import annotations

import pytest

import fleet.core.operations as operations
from fleet.core.engine import FleetCore
from fleet.core.model import RobotState
from fleet.core.ports import RobotUpdate
from maps.loading import load_sample
from maps.model import Building
from maps.routing import route
from tests.fleet.core_world import World, robot


@pytest.fixture(scope="module")
def small_clinic() -> Building:
    return load_sample("small_clinic")


def test_a_route_time_is_asked_once(small_clinic: Building) -> None:
    """The second question for the same two waypoints is answered from memory.

    (Told by what memory holds, not by counting calls to ``route``: the compiled
    core, porter_native, calls it directly, past any monkeypatch.)"""
    core = FleetCore(small_clinic, robots=[robot("r1", "G_c2")])
    state = core._state
    first = operations._route_time(state, "G_c2", "G_charger")
    assert first == route(small_clinic, "G_c2", "G_charger").time_s
    assert state.route_times[("G_c2", "G_charger")] == first
    state.route_times[("G_c2", "G_charger")] = 12345.0  # only memory knows this
    assert operations._route_time(state, "G_c2", "G_charger") == 12345.0


def test_no_route_is_remembered_as_none(small_clinic: Building) -> None:
    """A waypoint the building does not know has no route, and stays so."""
    core = FleetCore(small_clinic, robots=[robot("r1", "G_c2")])
    assert operations._route_time(core._state, "G_c2", "nowhere") is None
    assert core._state.route_times[("G_c2", "nowhere")] is None


def test_a_low_idle_robot_still_docks(small_clinic: Building) -> None:
    """The remembered times choose the same charger as before."""
    world = World(FleetCore(small_clinic, robots=[robot("r1", "G_c2")]))
    core = world.core
    world.take(
        core.robot_update(RobotUpdate("r1", world.now, battery_soc=0.3), now=world.now)
    )
    world.take(core.tick(now=world.now))
    world.settle()
    assert ("dock", "r1", "G_charger") in world.log
    assert core.robot("r1").state == RobotState.CHARGING
