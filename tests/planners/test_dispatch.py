"""dispatch(): OR-Tools by default; greedy on request or when OR-Tools finds none."""

from __future__ import annotations

from dataclasses import replace

import pytest
from hypothesis import HealthCheck, given, settings

import planners.dispatch as dispatch_module
from bench.dispatch_scale_problem import HospitalGenerator
from planners.dispatch import dispatch
from planners.ortools import solve_ortools
from planners.problem import Charger, DispatchProblem, Job, Robot, StopKind
from planners.validate import validate
from tests.planners.conftest import WING
from tests.planners.strategies import corridor, dispatch_problems

HALL = {"a": 0.0, "b": 10.0, "c": 25.0, "d": 40.0}


@pytest.fixture
def ward_round() -> DispatchProblem:
    robots = [Robot("r1", "a", 0.0, capacity=2), Robot("r2", "d", 0.0, capacity=2)]
    jobs = [Job("j1", "b", "c"), Job("j2", "c", "a"), Job("j3", "d", "b")]
    return corridor(HALL, robots, jobs)


def test_ortools_plans_every_job(ward_round: DispatchProblem) -> None:
    """The default solver serves every job with a valid plan and no fallback note."""
    plan = dispatch(ward_round, time_limit_s=0.3)
    assert plan.unassigned == {}
    assert validate(ward_round, plan) == []
    assert plan.notes == ()


def test_greedy_on_request(ward_round: DispatchProblem) -> None:
    """``solver="greedy"`` runs the greedy baseline."""
    plan = dispatch(ward_round, time_limit_s=0.3, solver="greedy")
    assert "ortools" not in plan.solver
    assert validate(ward_round, plan) == []


def test_falls_back_to_greedy_with_a_note(
    ward_round: DispatchProblem, monkeypatch: pytest.MonkeyPatch
) -> None:
    """When OR-Tools finds nothing in time, the greedy plan comes back, noted."""
    monkeypatch.setattr(dispatch_module, "solve_ortools", lambda *a, **k: None)
    plan = dispatch(ward_round, time_limit_s=0.3)
    assert any("greedy plan used" in note for note in plan.notes)
    assert validate(ward_round, plan) == []
    assert plan.unassigned == {}


@pytest.mark.parametrize("limit", [0.0, -1.0])
def test_rejects_a_non_positive_time_limit(
    ward_round: DispatchProblem, limit: float
) -> None:
    """A time limit of zero or less is a caller's error, named."""
    with pytest.raises(ValueError, match="time_limit_s"):
        dispatch(ward_round, time_limit_s=limit)


def test_rejects_an_unknown_solver(ward_round: DispatchProblem) -> None:
    """An unknown solver name is refused with the name in the message."""
    with pytest.raises(ValueError, match="simplex"):
        dispatch(ward_round, time_limit_s=0.3, solver="simplex")  # type: ignore[arg-type]


def test_keeps_greedy_when_ortools_costs_more(
    ward_round: DispatchProblem, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An OR-Tools plan dearer than greedy's (a bad warm start) loses to greedy."""
    greedy = dispatch(ward_round, time_limit_s=0.3, solver="greedy")
    dear = replace(greedy, objective=greedy.objective + 1.0, solver="ortools")
    monkeypatch.setattr(dispatch_module, "solve_ortools", lambda *a, **k: dear)
    plan = dispatch(ward_round, time_limit_s=0.3)
    assert plan.solver == "greedy"
    assert any("greedy plan kept" in note for note in plan.notes)


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(dispatch_problems())
def test_never_costlier_than_greedy(problem: DispatchProblem) -> None:
    """Random problems: dispatch's plan costs no more than greedy's, and is valid."""
    plan = dispatch(problem, time_limit_s=0.05)
    greedy = dispatch(problem, time_limit_s=0.05, solver="greedy")
    assert plan.objective <= greedy.objective + 1e-6
    assert [str(v) for v in validate(problem, plan)] == []


def test_a_hospital_plan_does_not_depend_on_the_time_limit() -> None:
    """A hospital snapshot's descent ends at its local optimum, not at the clock:
    a limit ten times longer gives the same routes (a guided search would go on)."""
    problem = HospitalGenerator(seed=3).problem(robots=8, jobs=30)
    first = dispatch(problem, time_limit_s=2.0)
    again = dispatch(problem, time_limit_s=20.0)
    assert first.solver == "ortools"
    assert first.routes == again.routes
    assert first.objective == again.objective
    assert validate(problem, first) == []


def test_the_hospital_descent_beats_or_equals_greedy_on_a_busy_snapshot() -> None:
    """Thirty jobs on eight robots: the descent's plan is OR-Tools' own and no
    dearer than greedy's (the floor is not what carries the result)."""
    problem = HospitalGenerator(seed=3).problem(robots=8, jobs=30)
    plan = dispatch(problem, time_limit_s=2.0)
    greedy = dispatch(problem, time_limit_s=2.0, solver="greedy")
    assert plan.solver == "ortools"
    assert plan.objective < greedy.objective


def test_an_overloaded_fleet_gets_greedys_plan() -> None:
    """More jobs waiting per robot than the threshold: greedy, with a note; at the
    threshold OR-Tools still plans (jobs on board do not count)."""
    per_robot = dispatch_module.OVERLOADED_JOBS_PER_ROBOT
    at_threshold = HospitalGenerator(seed=3).problem(robots=2, jobs=2 * per_robot)
    carried = sum(len(robot.onboard) for robot in at_threshold.robots)
    at_threshold = HospitalGenerator(seed=3).problem(
        robots=2, jobs=2 * per_robot + carried
    )
    assert not dispatch_module.overloaded(at_threshold)
    assert dispatch(at_threshold, time_limit_s=2.0).solver == "ortools"
    behind = HospitalGenerator(seed=3).problem(robots=2, jobs=2 * per_robot + 5)
    plan = dispatch(behind, time_limit_s=2.0)
    assert plan.solver == "greedy"
    assert any("jobs wait per robot" in note for note in plan.notes)
    assert validate(behind, plan) == []


SECURE = frozenset({"secure_drawer"})


def _secure_deliveries(count: int) -> list[Job]:
    """``count`` pharmacy-to-ward deliveries only a secure robot may carry."""
    return [Job(f"s{k}", "pharmacy", "ward_b", requires=SECURE) for k in range(count)]


def _low_secure_robot(drain_per_m: float) -> Robot:
    """The one secure robot, at half charge."""
    return Robot(
        "low", "ward_a", 0.0, capabilities=SECURE, battery_soc=0.5,
        drain_per_m=drain_per_m,
    )  # fmt: skip


def test_a_robot_that_must_charge_between_jobs_keeps_greedys_route() -> None:
    """Too little charge for the 13 secure deliveries only it can make: greedy
    docks the secure robot between them, which OR-Tools' model cannot (it leaves
    jobs out); dispatch keeps greedy's route for it, OR-Tools plans the other."""
    behind = dispatch_module.OVERLOADED_JOBS_PER_ROBOT + 1
    jobs = [
        *_secure_deliveries(behind),
        Job("plain", "lab", "ward_a"),
    ]
    low = _low_secure_robot(drain_per_m=0.001)
    other = Robot("other", "lab", 0.0)
    problem = corridor(
        WING, [low, other], jobs, chargers=[Charger("charger", rate_per_s=0.01)]
    )
    assert solve_ortools(problem, time_limit_s=2.0).unassigned
    plan = dispatch(problem, time_limit_s=2.0)
    assert plan.solver == "ortools" and plan.unassigned == {}
    assert any("charging between jobs" in note for note in plan.notes)
    kinds = [s.kind for s in plan.routes["low"]]
    assert 0 < kinds.index(StopKind.CHARGE) < len(kinds) - 1
    assert [s.job_id for s in plan.routes["other"]] == ["plain", "plain"]
    assert validate(problem, plan) == []


def test_a_short_route_with_a_charge_between_jobs_is_left_to_ortools() -> None:
    """A robot with few jobs that greedy docks between them: OR-Tools plans the
    whole (on the demo day such routes were better given to other robots)."""
    jobs = _secure_deliveries(3)
    low = _low_secure_robot(drain_per_m=0.005)
    problem = corridor(
        WING, [low], jobs, chargers=[Charger("charger", rate_per_s=0.01)]
    )
    plan = dispatch(problem, time_limit_s=2.0)
    assert not any("charging between jobs" in note for note in plan.notes)
    assert validate(problem, plan) == []


def test_a_split_that_overbooks_a_dock_gives_greedys_plan() -> None:
    """The split's two parts book the one dock independently: OR-Tools docks a
    flat loaded robot now while greedy's route docks the other robot later in
    that charge; the union would overbook, so greedy's whole plan is kept."""
    behind = dispatch_module.OVERLOADED_JOBS_PER_ROBOT + 1
    jobs = [
        *_secure_deliveries(behind),
        Job("carried", "pharmacy", "lab"),
    ]
    low = _low_secure_robot(drain_per_m=0.001)
    flat = Robot(
        "flat", "ward_a", 0.0, battery_soc=0.17, reserve_soc=0.15,
        drain_per_m=0.001, onboard=("carried",),
    )  # fmt: skip
    chargers = [Charger("charger", docks=1, rate_per_s=0.001)]
    problem = corridor(WING, [low, flat], jobs, chargers=chargers)
    plan = dispatch(problem, time_limit_s=2.0)
    assert plan.solver == "greedy"
    assert any("overbooked a dock" in note for note in plan.notes)
    assert validate(problem, plan) == []
