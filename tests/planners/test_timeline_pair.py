"""Greedy's quick timing of one pickup and drop-off is ``schedule``'s, to the bit."""

from __future__ import annotations

from dataclasses import replace

import pytest
from hypothesis import HealthCheck, given, settings

from planners.problem import DispatchProblem, Job, Robot, StopKind
from planners.timeline import carried_dropoff, pickup_then_dropoff, schedule
from tests.planners.strategies import corridor, dispatch_problems


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(dispatch_problems())
def test_pickup_then_dropoff_is_schedule_or_none_where_it_breaks_a_rule(
    problem: DispatchProblem,
) -> None:
    """Same stops, totals and cost as ``schedule``; ``None`` exactly where it flags."""
    for robot in problem.robots:
        empty = replace(robot, onboard=(), end=None)
        for job in problem.jobs:
            visits = [(StopKind.PICKUP, job.id), (StopKind.DROPOFF, job.id)]
            full = schedule(problem, empty, visits)
            quick = pickup_then_dropoff(problem, empty, job)
            if full.violations:
                assert quick is None
            else:
                assert quick == full


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(dispatch_problems())
def test_carried_dropoff_is_schedule_or_none_where_it_breaks_a_rule(
    problem: DispatchProblem,
) -> None:
    """A robot carrying one job: same route as ``schedule``, ``None`` where it flags."""
    for robot in problem.robots:
        for job in problem.jobs:
            loaded = replace(robot, onboard=(job.id,), end=None)
            full = schedule(problem, loaded, [(StopKind.DROPOFF, job.id)])
            quick = carried_dropoff(problem, loaded, job)
            if full.violations:
                assert quick is None
            else:
                assert quick == full


def test_pickup_then_dropoff_refuses_a_loaded_robot_or_one_with_an_end() -> None:
    """Only an empty robot without an end: anything else is the walk's job."""
    robot = Robot("r1", start="a", available_at=0.0, onboard=("j1",))
    job = Job("j2", "a", "b")
    problem = corridor({"a": 0.0, "b": 10.0}, [robot], [Job("j1", "a", "b"), job])
    with pytest.raises(ValueError, match="r1"):
        pickup_then_dropoff(problem, robot, job)
    with pytest.raises(ValueError, match="r1"):
        carried_dropoff(problem, robot, job)
