"""Re-planning: debounced, applied safely, and resumed after a restart."""

from __future__ import annotations

import pytest

from fleet.core.config import CoreConfig
from fleet.core.engine import FleetCore, NewJob
from fleet.core.errors import Conflict, NotFound
from fleet.core.model import ItemCategory, JobKind, JobStatus, RobotState
from maps.loading import load_sample
from maps.model import Building
from planners.greedy import dispatch_greedy
from planners.problem import Plan, Stop, StopKind, UnassignedReason
from tests.fleet.core_world import OPERATOR, PHARMACY, World, robot


@pytest.fixture(scope="module")
def small_clinic() -> Building:
    return load_sample("small_clinic")


def _linen(job_id: str, world: World, pickup: str = "pharmacy") -> None:
    new = NewJob(JobKind.DELIVERY, pickup, "ward_1", ItemCategory.LINEN)
    world.take(world.core.request_job(new, OPERATOR, job_id=job_id, now=world.now))


def test_a_burst_of_requests_makes_one_replan(small_clinic: Building) -> None:
    """Five requests within the debounce window: one tick says re-plan, once."""
    world = World(FleetCore(small_clinic, CoreConfig(replan_debounce_s=2.0)))
    core = world.core
    for i in range(5):
        _linen(f"j{i}", world)
        world.now += 0.3
        assert not core.tick(now=world.now).replan_needed
    world.now += 1.0
    replans = [core.tick(now=world.now + 0.1 * k).replan_needed for k in range(10)]
    assert replans.count(True) == 1
    assert {j.id for j in core.dispatch_problem(now=world.now).jobs} == {
        f"j{i}" for i in range(5)
    }


def test_plan_assigns_with_etas_and_releases_left_out_jobs(
    small_clinic: Building,
) -> None:
    """Assigned jobs get a robot and ETAs; a job the plan leaves out goes back."""
    world = World(FleetCore(small_clinic, robots=[robot("r1", "G_c2")]))
    core = world.core
    _linen("j1", world)
    world.plan()
    job = core.job("j1")
    assert job.robot_id == "r1" and job.eta_pickup is not None
    assert job.eta_dropoff is not None and job.eta_dropoff > job.eta_pickup
    nobody = Plan(routes={}, unassigned={"j1": UnassignedReason.NOT_SCHEDULED})
    decision = world.take(core.apply_plan(nobody, now=world.now))
    assert core.job("j1").status == JobStatus.REQUESTED
    assert core.job("j1").robot_id is None
    reasons = [e.reason for _, _, events in decision.jobs for e in events]
    assert reasons == ["left out of the plan: not_scheduled"]
    assert decision.cancels and core.robot("r1").state == RobotState.IDLE


def test_small_eta_changes_are_not_audited(small_clinic: Building) -> None:
    """The same plan again moves no ETA by more than the threshold: no change."""
    world = World(FleetCore(small_clinic, robots=[robot("r1", "G_c2")]))
    core = world.core
    _linen("j1", world)
    _linen("j2", world, pickup="lab")
    world.plan()
    again = dispatch_greedy(core.dispatch_problem(now=world.now + 5))
    decision = core.apply_plan(again, now=world.now + 5)
    assert decision.jobs == ()


def test_a_job_not_yet_picked_up_moves_to_a_better_robot(
    small_clinic: Building,
) -> None:
    """The plan moves j1 from r1 (on its way) to r2: audited, r1 stops."""
    world = World(
        FleetCore(
            small_clinic, robots=[robot("r1", "L1_c1", "L1"), robot("r2", "G_c2")]
        )
    )
    core = world.core
    _linen("j1", world)
    assigned = Plan(
        routes={"r1": (Stop(StopKind.PICKUP, "G_pharmacy", "j1", 0, 0, 0),)},
        unassigned={},
    )
    world.take(core.apply_plan(assigned, now=world.now))
    assert core.job("j1").status == JobStatus.TO_PICKUP
    moved = Plan(
        routes={"r2": (Stop(StopKind.PICKUP, "G_pharmacy", "j1", 0, 0, 0),)},
        unassigned={},
    )
    decision = world.take(core.apply_plan(moved, now=world.now + 1))
    assert core.job("j1").robot_id == "r2"
    statuses = [e.after for _, _, events in decision.jobs for e in events]
    assert statuses[:3] == ["requested", "assigned", "to_pickup"]
    assert [rid for rid, _ in decision.cancels] == ["r1"]
    assert core.robot("r1").state == RobotState.IDLE


def test_loaded_jobs_stay_on_their_robot_whatever_the_plan(
    small_clinic: Building,
) -> None:
    """A plan without a loaded job's drop-off does not take it off the robot."""
    world = World(FleetCore(small_clinic, robots=[robot("r1", "G_c2")]))
    core = world.core
    _linen("j1", world)
    world.plan()
    world.settle()
    world.take(core.confirm_handoff("j1", None, PHARMACY, now=world.now))
    empty = Plan(routes={"r1": ()}, unassigned={"j1": UnassignedReason.NOT_SCHEDULED})
    world.take(core.apply_plan(empty, now=world.now))
    assert core.job("j1").robot_id == "r1"
    world.settle()
    assert core.job("j1").status == JobStatus.UNLOADING


def test_restart_resumes_jobs_on_their_robots(small_clinic: Building) -> None:
    """A new core from the stored jobs and robots finishes the delivery."""
    world = World(FleetCore(small_clinic, robots=[robot("r1", "G_c2")]))
    _linen("j1", world)
    world.plan()
    world.settle()
    world.take(world.core.confirm_handoff("j1", None, PHARMACY, now=world.now))
    world.answer_one()
    jobs, robots = [world.core.job("j1")], world.core.robots()
    restarted = World(FleetCore(small_clinic, jobs=jobs, robots=robots, id_prefix="b-"))
    restarted.now = world.now + 60
    restarted.wait(10)
    restarted.settle()
    assert restarted.status("j1") == "unloading"
    assert all(cmd.command_id.startswith("b-") for d in restarted.decisions
               for _, cmd in d.commands)  # fmt: skip


def test_finished_jobs_are_forgotten_after_the_retention(
    small_clinic: Building,
) -> None:
    """A cancelled job leaves the core's memory an hour later (the store keeps it)."""
    world = World(FleetCore(small_clinic, CoreConfig(finished_job_retention_s=60)))
    _linen("j1", world)
    world.take(world.core.cancel_job("j1", OPERATOR, now=world.now))
    world.core.tick(now=world.now + 30)
    assert world.core.job("j1").status == JobStatus.CANCELLED
    world.core.tick(now=world.now + 61)
    with pytest.raises(NotFound):
        world.core.job("j1")


def test_a_stale_plan_is_checked_against_the_present(small_clinic: Building) -> None:
    """Planned on a snapshot: a job cancelled meanwhile stays cancelled, a robot
    gone offline gets nothing, and the rest is applied."""
    world = World(
        FleetCore(small_clinic, robots=[robot("r1", "G_c2"), robot("r2", "G_c3")])
    )
    core = world.core
    _linen("j1", world)
    _linen("j2", world, pickup="lab")
    routes = {
        "r1": (Stop(StopKind.PICKUP, "G_pharmacy", "j1", 0, 0, 0),),
        "r2": (Stop(StopKind.PICKUP, "G_lab", "j2", 0, 0, 0),),
    }
    world.take(core.cancel_job("j1", OPERATOR, now=world.now))
    world.silent.add("r2")
    world.wait(40)
    assert core.robot("r2").state == RobotState.OFFLINE
    assert core.job("j2").robot_id == "r1"
    decision = world.take(core.apply_plan(Plan(routes, {}), now=world.now))
    assert world.status("j1") == "cancelled"
    assert core.job("j2").robot_id == "r1"
    assert not [rid for rid, _ in decision.commands if rid == "r2"]
    assert core.missions()["r1"].job_id == "j2"


def test_an_adopted_job_is_planned_and_a_second_adoption_conflicts(
    small_clinic: Building,
) -> None:
    """A job stored by another process joins the next snapshot; twice is a Conflict."""
    first = World(FleetCore(small_clinic, robots=[robot("r1", "G_c2")]))
    _linen("j1", first)
    stored = first.core.job("j1")
    world = World(FleetCore(small_clinic, robots=[robot("r1", "G_c2")]))
    world.core.adopt_job(stored, now=world.now)
    assert world.core.replan_due is not None
    assert [j.id for j in world.core.dispatch_problem(now=world.now).jobs] == ["j1"]
    with pytest.raises(Conflict):
        world.core.adopt_job(stored, now=world.now)
