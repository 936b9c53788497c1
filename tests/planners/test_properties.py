"""Random small problems: greedy plans always pass the independent validator."""

from __future__ import annotations

from dataclasses import replace

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from planners.docks import first_free, taken_now
from planners.greedy import dispatch_greedy
from planners.problem import DispatchProblem, Plan, StopKind
from planners.timeline import DockStart, jobs_by_id, schedule
from planners.validate import validate
from tests.planners.strategies import dispatch_problems


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(dispatch_problems())
def test_greedy_plans_pass_validate_and_cover_every_job(problem: DispatchProblem):
    """Every greedy plan breaks no rule and holds each job exactly once."""
    plan = dispatch_greedy(problem)
    assert [str(v) for v in validate(problem, plan)] == []
    for job in problem.jobs:
        robots = [
            rid
            for rid, stops in plan.routes.items()
            if any(s.job_id == job.id for s in stops)
        ]
        assert len(robots) + (job.id in plan.unassigned) == 1
    jobs = jobs_by_id(problem)
    for robot in problem.robots:
        visits = [(s.kind, s.job_id or s.node) for s in plan.routes[robot.id]]
        docks = _docks_left_by_others(problem, plan, robot.id)
        timed = schedule(problem, robot, visits, jobs=jobs, dock_start=docks)
        assert timed.stops == plan.routes[robot.id]


def _docks_left_by_others(
    problem: DispatchProblem, plan: Plan, robot_id: str
) -> DockStart:
    """When a dock is free for ``robot_id``, the other robots' charges in ``plan``
    booked: a robot that reaches a charger whose only dock another robot holds
    waits for it, and its route alone cannot say so."""
    chargers = {charger.node: charger for charger in problem.chargers}
    booked = {node: taken_now(c, problem.now) for node, c in chargers.items()}
    for other, stops in plan.routes.items():
        for stop in stops if other != robot_id else ():
            if stop.kind == StopKind.CHARGE:
                booked[stop.node].append((stop.start, stop.departure))
    return lambda node, arrival, hold: first_free(
        booked[node], chargers[node].docks, arrival, hold
    )


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(dispatch_problems())
def test_each_robot_takes_jobs_in_urgency_order(problem: DispatchProblem):
    """On every robot, new pickups follow priority (STAT first), then age."""
    plan = dispatch_greedy(problem)
    jobs = jobs_by_id(problem)
    for stops in plan.routes.values():
        urgency = [
            (jobs[s.job_id].priority, jobs[s.job_id].created_at)
            for s in stops
            if s.kind is StopKind.PICKUP and s.job_id is not None
        ]
        assert urgency == sorted(urgency)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(dispatch_problems())
def test_greedy_is_deterministic(problem: DispatchProblem):
    """The same problem gives the same plan."""
    assert dispatch_greedy(problem) == dispatch_greedy(problem)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(dispatch_problems(), st.data())
def test_validator_is_not_fooled_by_a_tampered_plan(problem: DispatchProblem, data):
    """A stop moved 1 s earlier, or a stop removed, is always flagged."""
    plan = dispatch_greedy(problem)
    used = sorted(rid for rid, stops in plan.routes.items() if stops)
    assume(used)
    rid = data.draw(st.sampled_from(used))
    stops = plan.routes[rid]
    n = data.draw(st.integers(0, len(stops) - 1))
    s = stops[n]
    early = replace(
        s, arrival=s.arrival - 1, start=s.start - 1, departure=s.departure - 1
    )
    moved = replace(
        plan, routes={**plan.routes, rid: (*stops[:n], early, *stops[n + 1 :])}
    )
    assert validate(problem, moved)
    if s.kind is not StopKind.CHARGE:
        dropped = replace(plan, routes={**plan.routes, rid: stops[:n] + stops[n + 1 :]})
        assert validate(problem, dropped)
