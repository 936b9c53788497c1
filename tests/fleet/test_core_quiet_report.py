"""A heartbeat that moves nothing on takes the core's short path, with the very
decision and state the general path gives.

Each test builds the same world three times (the core is deterministic): one
takes the short path, its twin the general one, the third is only asked whether
the report is quiet. (Not ``copy.deepcopy``: the compiled core, porter_native,
cannot be copied that way.)"""

from __future__ import annotations

import pytest

from fleet.core import reports
from fleet.core.decision import Decision, Effects
from fleet.core.engine import FleetCore, NewJob
from fleet.core.model import ItemCategory, JobKind
from fleet.core.ports import Pose, RobotUpdate
from maps.loading import load_sample
from maps.model import Building
from planners.problem import Stop, StopKind
from tests.fleet.core_world import PHARMACY, World, robot


@pytest.fixture(scope="module")
def small_clinic() -> Building:
    return load_sample("small_clinic")


def _on_its_way(building: Building) -> World:
    """r1 driving to the pharmacy for a delivery (its command not yet answered)."""
    world = World(FleetCore(building, robots=[robot("r1", "G_charger", "G")]))
    new = NewJob(JobKind.DELIVERY, "pharmacy", "ward_1", ItemCategory.MEDICATION)
    world.take(world.core.request_job(new, PHARMACY, job_id="j1", now=world.now))
    world.plan()
    return world


def _general(core: FleetCore, update: RobotUpdate, now: float) -> Decision:
    fx = Effects()
    reports.robot_update(core._state, fx, update, now)
    return fx.decision()


@pytest.mark.parametrize("command_id", [None, "an-old-command"])
def test_a_heartbeat_on_a_mission_is_the_general_decision(
    small_clinic: Building, command_id: str | None
) -> None:
    """A heartbeat (or a stale command's report) of a driving robot: same decision,
    same robot, the mission untouched."""
    world = _on_its_way(small_clinic)
    core, now = world.core, world.now + 3.0
    assert core._state.runs["r1"].command_id is not None
    update = RobotUpdate(
        "r1", now, pose=Pose("G", 1.5, 2.5), battery_soc=0.61, command_id=command_id
    )
    twin = _on_its_way(small_clinic).core
    asked = _on_its_way(small_clinic).core
    assert reports.quiet_report(asked._state, update, now) is not None
    quick = core.robot_update(update, now=now)
    assert quick == _general(twin, update, now)
    assert core.robot("r1") == twin.robot("r1")
    assert (core.robot("r1").x, core.robot("r1").battery_soc) == (1.5, 0.61)
    assert core._state.runs["r1"].index == twin._state.runs["r1"].index


def test_a_report_that_moves_something_on_takes_the_general_path(
    small_clinic: Building,
) -> None:
    """The running command's own report, and an idle robot with a stop waiting,
    are not quiet."""
    world = _on_its_way(small_clinic)
    state, now = world.core._state, world.now + 3.0
    command = state.runs["r1"].command_id
    done = RobotUpdate("r1", now, battery_soc=0.6, command_id=command)
    assert reports.quiet_report(state, done, now) is None
    idle = World(FleetCore(small_clinic, robots=[robot("r2", "G_charger", "G")]))
    charge = Stop(StopKind.CHARGE, "G_charger", None, now, now, now)
    idle.core._state.queues["r2"] = [charge]
    beat = RobotUpdate("r2", now, battery_soc=0.6)
    assert reports.quiet_report(idle.core._state, beat, now) is None


def test_a_heartbeat_of_an_idle_robot_with_nothing_waiting_is_the_general_decision(
    small_clinic: Building,
) -> None:
    """An idle robot with no stop queued: quiet, same decision and robot, and it
    stays idle with nothing started."""
    def idle() -> World:
        return World(FleetCore(small_clinic, robots=[robot("r2", "G_charger", "G")]))

    world = idle()
    core, now = world.core, world.now + 3.0
    update = RobotUpdate("r2", now, pose=Pose("G", 1.5, 2.5), battery_soc=0.58)
    twin = idle().core
    assert reports.quiet_report(idle().core._state, update, now) is not None
    quick = core.robot_update(update, now=now)
    general = _general(twin, update, now)
    assert quick == general
    assert not quick.commands
    assert core.robot("r2") == twin.robot("r2")
    assert "r2" not in core._state.runs
