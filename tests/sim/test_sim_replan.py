"""Re-plan cadence in the simulator: a gap between ordinary re-plans, urgent ones
at the service's cadence, and the same KPIs twice."""

from __future__ import annotations

import json
from functools import cache
from itertools import pairwise

import pytest

from planners.problem import Priority
from sim.kpis import compute
from sim.runner import RunConfig, Simulation, simulate
from tests.sim.sim_runs import busy_clinic, clinic

GAP_S = 300.0


@cache
def gapped(urgent: bool) -> Simulation:
    """Three morning hours of the busy clinic, re-planning at most every 5 min
    unless urgent."""
    config = RunConfig(
        robots=3, hours=3.0, start_hour=8.0, replan_gap_s=GAP_S, urgent_replans=urgent
    )
    return simulate(clinic(), busy_clinic(), config)


def _dispatch_times(sim: Simulation) -> list[float]:
    return [e["t"] for e in sim.log.of_kind("dispatch")]


def test_without_urgent_replans_plans_are_at_least_the_gap_apart() -> None:
    """With urgent re-plans off, no two dispatches are closer than the gap."""
    times = _dispatch_times(gapped(False))
    assert len(times) > 5
    assert all(b - a >= GAP_S - 1e-6 for a, b in pairwise(times))


def test_a_stat_request_is_planned_at_the_service_cadence() -> None:
    """Each accepted STAT request is in a plan within the debounce and the
    service's pause, whatever the gap."""
    sim = gapped(True)
    times = _dispatch_times(sim)
    stat = [
        r.at - sim.start
        for r in sim.requests
        if r.new.priority == Priority.STAT and r.id in sim.book.records
    ]
    assert stat
    for at in stat:
        assert any(at <= t <= at + 3.0 for t in times), at


def test_a_gap_plans_less_often_and_stays_deterministic() -> None:
    """The gap cuts the number of plans; the same run twice gives the same KPIs."""
    again = RunConfig(robots=3, hours=3.0, start_hour=8.0, replan_gap_s=GAP_S)
    service = RunConfig(robots=3, hours=3.0, start_hour=8.0)
    first = json.dumps(compute(gapped(True)), sort_keys=True)
    second = json.dumps(compute(simulate(clinic(), busy_clinic(), again)))
    assert first == json.dumps(json.loads(second), sort_keys=True)
    every = simulate(clinic(), busy_clinic(), service)
    assert gapped(False).timing.dispatches < every.timing.dispatches


def test_a_negative_gap_is_refused() -> None:
    """A negative re-plan gap is a clear error."""
    with pytest.raises(ValueError, match="replan_gap_s"):
        RunConfig(replan_gap_s=-1.0)


def test_the_service_cadence_is_the_pause_whatever_the_time_limit() -> None:
    """The service's re-plan cadence is ``replan_pause_s``, not the planner's limit
    (a safety bound of 2 s must not space re-plans 2 s apart)."""
    pause = RunConfig(robots=1, hours=1.0, time_limit_s=2.0, replan_pause_s=0.25)
    sim = Simulation(clinic(), busy_clinic(), pause)
    assert sim.service_gap_s == 0.25
    assert sim.replan_gap_s == 0.25


def test_a_pause_of_zero_is_refused() -> None:
    """A re-plan pause must be positive (re-plans would otherwise run back to back)."""
    with pytest.raises(ValueError, match="replan_pause_s"):
        RunConfig(replan_pause_s=0.0)
