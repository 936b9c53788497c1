"""The quick screen (robot by robot) agrees with the full screen (numpy)."""

from __future__ import annotations

from dataclasses import replace

from hypothesis import HealthCheck, given, settings

from planners.feasibility import _Screen, unassignable_reasons
from planners.problem import Charger, DispatchProblem, Job, Robot
from planners.quick_screen import every_job_served
from tests.planners.strategies import corridor, dispatch_problems

WING = {"ward_a": 0.0, "pharmacy": 10.0, "ward_b": 20.0, "lab": 30.0, "charger": 5.0}


def _waiting(problem: DispatchProblem) -> list[Job]:
    onboard = {jid for robot in problem.robots for jid in robot.onboard}
    return [job for job in problem.jobs if job.id not in onboard]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(dispatch_problems())
def test_quick_screen_clears_exactly_what_the_full_screen_clears(problem):
    """Every job served robot by robot exactly when the arrays find no reason."""
    jobs = _waiting(problem)
    assert every_job_served(problem, jobs) == (_Screen(problem).reasons(jobs) == {})


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(dispatch_problems())
def test_reasons_are_the_full_screens(problem):
    """unassignable_reasons (quick path first) names what the full screen names."""
    assert unassignable_reasons(problem) == _Screen(problem).reasons(_waiting(problem))


def test_a_low_robot_is_cleared_by_a_charge_first():
    """A robot too low for a trip as it is passes when a charger sets it right."""
    low = Robot("r", "ward_a", 0.0, battery_soc=0.3, drain_per_m=0.01, reserve_soc=0.2)
    job = Job("j", "pharmacy", "lab")
    problem = corridor(WING, [low], [job], chargers=[Charger("charger", 1, 0.01)])
    assert every_job_served(problem, [job])
    stranded = corridor(WING, [replace(low, battery_soc=0.21)], [job])
    assert not every_job_served(stranded, [job])
    assert unassignable_reasons(stranded) == _Screen(stranded).reasons([job])
