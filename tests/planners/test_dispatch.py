"""dispatch(): OR-Tools by default; greedy on request or when OR-Tools finds none."""

from __future__ import annotations

from dataclasses import replace

import pytest
from hypothesis import HealthCheck, given, settings

import planners.dispatch as dispatch_module
from planners.dispatch import dispatch
from planners.problem import DispatchProblem, Job, Robot
from planners.validate import validate
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


def test_search_time_grows_with_jobs_waiting(ward_round: DispatchProblem) -> None:
    """A hospital snapshot gets a base plus a share per job not yet picked up."""
    carried = replace(
        ward_round,
        robots=(replace(ward_round.robots[0], onboard=("j1",)), ward_round.robots[1]),
    )
    base, per_job = dispatch_module.SEARCH_BASE_S, dispatch_module.SEARCH_PER_JOB_S
    assert dispatch_module.search_time(ward_round, 2.0) == pytest.approx(
        base + 3 * per_job
    )
    assert dispatch_module.search_time(carried, 2.0) == pytest.approx(
        base + 2 * per_job
    )
    assert dispatch_module.search_time(ward_round, 0.001) == 0.001


def test_search_time_is_the_whole_limit_when_robots_cost(
    ward_round: DispatchProblem,
) -> None:
    """With a fixed cost per robot (Li & Lim) route elimination keeps its time."""
    fleet_first = replace(ward_round, costs=replace(ward_round.costs, per_robot=1e5))
    assert dispatch_module.search_time(fleet_first, 30.0) == 30.0


def test_a_short_search_that_finds_nothing_gets_the_rest_of_the_limit(
    ward_round: DispatchProblem, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The capped search is tried again once, with what is left of the limit."""
    real = dispatch_module.solve_ortools
    limits: list[float] = []

    def first_finds_nothing(problem: DispatchProblem, **kwargs: object) -> object:
        limits.append(kwargs["time_limit_s"])  # type: ignore[arg-type]
        return None if len(limits) == 1 else real(problem, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(dispatch_module, "solve_ortools", first_finds_nothing)
    plan = dispatch(ward_round, time_limit_s=0.5)
    search_s = dispatch_module.search_time(ward_round, 0.5)
    assert limits == [search_s, pytest.approx(0.5 - search_s)]
    assert not any("greedy plan used" in note for note in plan.notes)
    assert validate(ward_round, plan) == []
