"""Robot faults: unloaded jobs go back to the planner, loaded ones to recovery."""

from __future__ import annotations

import pytest

from fleet.core.decision import AlertKind
from fleet.core.engine import FleetCore, NewJob
from fleet.core.model import ItemCategory, JobKind, JobStatus, RobotState
from fleet.core.ports import CommandStatus, RobotUpdate
from maps.loading import load_sample
from maps.model import Building
from planners.problem import Plan, Stop, StopKind
from tests.fleet.core_world import OPERATOR, PHARMACY, World, robot


@pytest.fixture(scope="module")
def small_clinic() -> Building:
    return load_sample("small_clinic")


def _two_jobs_on_r1(building: Building) -> World:
    """r1 has loaded j1 at the pharmacy and has j2 (at the lab) still to pick up."""
    world = World(FleetCore(building, robots=[robot("r1", "G_c1")]))
    core = world.core
    for job_id, pickup in (("j1", "pharmacy"), ("j2", "lab")):
        new = NewJob(JobKind.DELIVERY, pickup, "ward_1", ItemCategory.MEDICATION)
        world.take(core.request_job(new, OPERATOR, job_id=job_id, now=world.now))
    world.plan()
    assert {core.job("j1").robot_id, core.job("j2").robot_id} == {"r1"}
    world.settle()
    world.take(core.confirm_handoff("j1", None, PHARMACY, now=world.now))
    assert world.status("j1") == "to_dropoff"
    assert world.status("j2") in ("assigned", "to_pickup")
    return world


def test_offline_robot_releases_unloaded_jobs_and_recovers_loaded(
    small_clinic: Building,
) -> None:
    """Past the timeout: j2 back to requested and re-planned to r2; j1 in recovery."""
    world = _two_jobs_on_r1(small_clinic)
    world.silent.add("r1")
    ticks = world.wait(40)
    alerts = [a for d in ticks for a in d.alerts]
    assert {a.kind for a in alerts} == {AlertKind.ROBOT_OFFLINE, AlertKind.RECOVERY}
    assert [a.job_ids for a in alerts if a.kind == AlertKind.RECOVERY] == [("j1",)]
    core = world.core
    assert core.robot("r1").state == RobotState.OFFLINE
    assert world.status("j1") == "recovery"
    assert world.job_trail("j2")[-1] == "requested"
    world.take(core.add_robot(robot("r2", "L1_c3", "L1"), now=world.now))
    world.plan()
    world.settle()
    assert core.job("j2").robot_id == "r2"
    assert world.status("j2") == "loading"


def test_failed_command_puts_the_robot_in_error(small_clinic: Building) -> None:
    """A command that fails: the robot is in error, its jobs handled as offline."""
    world = _two_jobs_on_r1(small_clinic)
    core = world.core
    while not any(kind == "command" for kind, _ in world.pending):
        assert world.answer_one()
    command = next(item[1] for kind, item in world.pending if kind == "command")
    failed = RobotUpdate(
        "r1", world.now, command_id=command.command_id,
        command_status=CommandStatus.FAILED, message="goal aborted: blocked",
    )  # fmt: skip
    decision = world.take(core.robot_update(failed, now=world.now))
    assert core.robot("r1").state == RobotState.ERROR
    assert {a.kind for a in decision.alerts} == {
        AlertKind.ROBOT_FAILED,
        AlertKind.RECOVERY,
    }
    assert "goal aborted: blocked" in decision.alerts[0].message
    assert (world.status("j1"), world.status("j2")) == ("recovery", "requested")


def test_robot_back_online_is_idle_and_recovery_waits_for_an_operator(
    small_clinic: Building,
) -> None:
    """The robot returns idle; its recovery job stays until an operator resolves it."""
    world = _two_jobs_on_r1(small_clinic)
    world.silent.add("r1")
    world.wait(40)
    world.silent.clear()
    world.wait(10)
    core = world.core
    assert core.robot("r1").state in (RobotState.IDLE, RobotState.BUSY)
    assert world.status("j1") == "recovery"
    world.take(
        core.resolve_recovery("j1", JobStatus.REQUESTED, OPERATOR, now=world.now)
    )
    assert world.status("j1") == "requested"
    assert core.job("j1").robot_id is None
    world.wait(5)
    world.plan()
    assert world.status("j1") in ("assigned", "to_pickup", "loading")
    assert core.job("j1").robot_id == "r1"


def test_no_job_is_ever_dropped(small_clinic: Building) -> None:
    """Through the offline fault every job stays in the books with a status."""
    world = _two_jobs_on_r1(small_clinic)
    world.silent.add("r1")
    world.wait(40)
    assert {j.id for j in world.core.visible_jobs(OPERATOR)} == {"j1", "j2"}


def test_robot_lost_while_loading_gives_the_job_back(small_clinic: Building) -> None:
    """Loading never confirmed: custody did not pass, the job is requested again."""
    world = World(FleetCore(small_clinic, robots=[robot("r1", "G_c1")]))
    new = NewJob(JobKind.DELIVERY, "pharmacy", "ward_1", ItemCategory.MEDICATION)
    world.take(world.core.request_job(new, PHARMACY, job_id="j1", now=world.now))
    world.plan()
    world.settle()
    assert world.status("j1") == "loading"
    world.silent.add("r1")
    alerts = [a.kind for d in world.wait(40) for a in d.alerts]
    assert alerts == [AlertKind.ROBOT_OFFLINE]
    assert world.status("j1") == "requested"


def test_no_legal_route_releases_the_job_with_an_alert(small_clinic: Building) -> None:
    """With waste on board the pharmacy (a clean zone) is out of reach: j2 goes back."""
    world = World(FleetCore(small_clinic, robots=[robot("r1", "G_lobby")]))
    core = world.core
    waste = NewJob(JobKind.DELIVERY, "waste", "lab", ItemCategory.WASTE)
    medication = NewJob(JobKind.DELIVERY, "pharmacy", "ward_1", ItemCategory.MEDICATION)
    world.take(core.request_job(waste, OPERATOR, job_id="j1", now=world.now))
    world.take(core.request_job(medication, OPERATOR, job_id="j2", now=world.now))
    stops = (
        Stop(StopKind.PICKUP, "G_waste", "j1", 0, 0, 0),
        Stop(StopKind.PICKUP, "G_pharmacy", "j2", 0, 0, 0),
        Stop(StopKind.DROPOFF, "G_lab", "j1", 0, 0, 0),
        Stop(StopKind.DROPOFF, "L1_ward", "j2", 0, 0, 0),
    )
    world.take(
        core.apply_plan(Plan(routes={"r1": stops}, unassigned={}), now=world.now)
    )
    world.settle()
    seen = len(world.decisions)
    world.take(core.confirm_handoff("j1", None, OPERATOR, now=world.now))
    world.settle()
    alerts = [a for d in world.decisions[seen:] for a in d.alerts]
    assert [a.kind for a in alerts] == [AlertKind.NO_ROUTE]
    assert "clean zone" in alerts[0].message
    assert world.status("j2") == "requested"
    assert world.status("j1") == "unloading"
    assert core.robot("r1").waypoint == "G_lab"
