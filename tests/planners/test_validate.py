"""The validator flags hand-made plans that break each rule, and only those."""

from __future__ import annotations

from dataclasses import replace

from planners.problem import (
    Charger,
    Job,
    JobKind,
    Plan,
    Robot,
    Stop,
    StopKind,
    UnassignedReason,
)
from planners.timeline import Visit, schedule
from planners.validate import validate
from tests.planners.conftest import WING
from tests.planners.strategies import corridor

P, D, C = StopKind.PICKUP, StopKind.DROPOFF, StopKind.CHARGE
SECURE = frozenset({"secure_drawer"})


def _plan(problem, visits: dict[str, list[Visit]], unassigned=None) -> Plan:
    """The plan timed by the timeline (earliest times) for the given visits."""
    robots = {robot.id: robot for robot in problem.robots}
    routes = {
        rid: schedule(problem, robots[rid], seq).stops for rid, seq in visits.items()
    }
    return Plan(routes=routes, unassigned=unassigned or {})


def _rules(problem, plan) -> set[str]:
    return {v.rule for v in validate(problem, plan)}


def _one(job: Job, robot: Robot | None = None, **kwargs):
    robot = robot or Robot("r", "ward_a", 0.0, capacity=2)
    return corridor(WING, [robot], [job], **kwargs)


def test_a_good_plan_passes_and_may_wait():
    """Earliest times pass; so do later ones (a robot may idle)."""
    problem = _one(Job("j", "pharmacy", "ward_b", pickup_service_s=5.0))
    plan = _plan(problem, {"r": [(P, "j"), (D, "j")]})
    assert validate(problem, plan) == []
    late = tuple(
        replace(s, arrival=s.arrival + 9, start=s.start + 9, departure=s.departure + 9)
        for s in plan.routes["r"]
    )
    assert validate(problem, Plan({"r": late}, {})) == []


def test_coverage_missing_twice_and_both():
    """A job must be in exactly one route or in unassigned."""
    robots = [Robot("r1", "ward_a", 0.0), Robot("r2", "ward_a", 0.0)]
    problem = corridor(WING, robots, [Job("j", "pharmacy", "ward_b")])
    both = {"r1": [(P, "j"), (D, "j")], "r2": [(P, "j"), (D, "j")]}
    assert "coverage" in _rules(problem, _plan(problem, both))
    assert "coverage" in _rules(problem, _plan(problem, {}))
    routed = _plan(problem, {"r1": [(P, "j"), (D, "j")]}, {"j": "not_scheduled"})
    assert "coverage" in _rules(problem, routed)
    unassigned = {"j": UnassignedReason.NOT_SCHEDULED}
    assert validate(problem, _plan(problem, {}, unassigned)) == []


def test_pickup_and_dropoff_on_one_robot_pickup_first():
    """Split jobs and dropoffs before pickups are flagged."""
    robots = [Robot("r1", "ward_a", 0.0), Robot("r2", "ward_a", 0.0)]
    problem = corridor(WING, robots, [Job("j", "pharmacy", "ward_b")])
    split = _plan(problem, {"r1": [(P, "j")], "r2": [(D, "j")]})
    assert {"coverage", "precedence"} <= _rules(problem, split)
    backwards = _plan(problem, {"r1": [(D, "j"), (P, "j")]})
    assert "precedence" in _rules(problem, backwards)


def test_unknown_robot_and_job():
    """Ids the problem does not know are flagged."""
    problem = _one(Job("j", "pharmacy", "ward_b"))
    ghost = Stop(P, "pharmacy", "ghost", 10.0, 10.0, 10.0, 1)
    plan = Plan({"r": (ghost,), "robot-x": ()}, {"j": UnassignedReason.TOO_LARGE})
    assert "unknown" in _rules(problem, plan)


def test_onboard_jobs_stay_on_their_robot_dropoff_only():
    """A carried job must be dropped by its robot, and never picked up."""
    job = Job("j", "pharmacy", "ward_b")
    robots = [Robot("r1", "ward_a", 0.0, onboard=("j",)), Robot("r2", "ward_a", 0.0)]
    problem = corridor(WING, robots, [job])
    assert validate(problem, _plan(problem, {"r1": [(D, "j")]})) == []
    moved = _plan(problem, {"r1": [], "r2": [(P, "j"), (D, "j")]})
    assert "onboard" in _rules(problem, moved)
    dropped_twice = _plan(problem, {"r1": [(P, "j"), (D, "j")]})
    assert "onboard" in _rules(problem, dropped_twice)
    left = _plan(problem, {}, {"j": UnassignedReason.NOT_SCHEDULED})
    assert "onboard" in _rules(problem, left)


def test_capacity_at_every_point():
    """Two jobs on board at once may not exceed the compartments."""
    jobs = [Job("a", "pharmacy", "ward_b"), Job("b", "pharmacy", "ward_b")]
    problem = corridor(WING, [Robot("r", "ward_a", 0.0, capacity=1)], jobs)
    nested = [(P, "a"), (P, "b"), (D, "a"), (D, "b")]
    assert "capacity" in _rules(problem, _plan(problem, {"r": nested}))
    chained = [(P, "a"), (D, "a"), (P, "b"), (D, "b")]
    assert validate(problem, _plan(problem, {"r": chained})) == []


def test_capabilities_and_guidance():
    """Secure jobs need a secure drawer; a guidance needs a guide, alone."""
    jobs = [
        Job("sec", "pharmacy", "ward_b", requires=SECURE),
        Job("g", "pharmacy", "ward_b", kind=JobKind.GUIDANCE),
        Job("p", "pharmacy", "ward_b"),
    ]
    guide = Robot("r", "ward_a", 0.0, capacity=3, capabilities=frozenset({"can_guide"}))
    problem = corridor(WING, [guide], jobs)
    assert "capability" in _rules(
        problem, _plan(problem, {"r": [(P, "sec"), (D, "sec")]})
    )
    mixed = [(P, "p"), (P, "g"), (D, "g"), (D, "p")]
    assert "guidance" in _rules(problem, _plan(problem, {"r": mixed}))


def test_ready_time_is_hard():
    """A stated pickup start before the ready time is flagged."""
    problem = _one(Job("j", "pharmacy", "ward_b", ready_at=50.0))
    plan = _plan(problem, {"r": [(P, "j"), (D, "j")]})
    pickup, drop = plan.routes["r"]
    early = replace(pickup, start=pickup.arrival, departure=pickup.arrival)
    assert "ready" in _rules(problem, Plan({"r": (early, drop)}, {}))


def test_hard_due_and_pickup_latest():
    """Hard due times and pickup deadlines bind at the plan's own times."""
    job = Job("j", "pharmacy", "ward_b", due_at=25.0, due_is_hard=True)
    problem = _one(job)
    assert "hard_due" in _rules(problem, _plan(problem, {"r": [(P, "j"), (D, "j")]}))
    soft = _one(replace(job, due_is_hard=False))
    assert validate(soft, _plan(soft, {"r": [(P, "j"), (D, "j")]})) == []
    latest = _one(Job("j", "pharmacy", "ward_b", pickup_latest=5.0))
    plan = _plan(latest, {"r": [(P, "j"), (D, "j")]})
    assert "pickup_latest" in _rules(latest, plan)


def test_battery_never_below_reserve():
    """A route that drains past the reserve is flagged; charging first fixes it."""
    robot = Robot(
        "r", "ward_a", 0.0, battery_soc=0.5, drain_per_m=0.01, reserve_soc=0.2
    )
    problem = _one(
        Job("j", "pharmacy", "lab"),
        robot,
        chargers=[Charger("charger", rate_per_s=0.01)],
    )
    flat = _plan(problem, {"r": [(P, "j"), (D, "j")]})
    assert "battery" in _rules(problem, flat)
    charged = _plan(problem, {"r": [(C, "charger"), (P, "j"), (D, "j")]})
    assert validate(problem, charged) == []
    stop, *rest = charged.routes["r"]
    short = replace(stop, departure=stop.start + 10.0)
    assert "battery" in _rules(problem, Plan({"r": (short, *rest)}, {}))


def test_charger_docks_not_overused():
    """Two robots docked at a one-dock charger at once are flagged."""
    robots = [
        Robot(f"r{i}", "ward_a", 0.0, battery_soc=0.5, drain_per_m=0.001)
        for i in range(2)
    ]
    problem = corridor(WING, robots, [], chargers=[Charger("charger", docks=1)])
    both = _plan(problem, {"r0": [(C, "charger")], "r1": [(C, "charger")]})
    assert "dock" in _rules(problem, both)
    two_docks = replace(problem, chargers=(Charger("charger", docks=2),))
    assert validate(two_docks, both) == []


def test_times_must_follow_travel():
    """Arriving before travel allows, before the robot is free, or leaving early."""
    job = Job("j", "pharmacy", "ward_b", dropoff_service_s=10.0)
    problem = _one(job, Robot("r", "ward_a", 100.0))
    pickup, drop = _plan(problem, {"r": [(P, "j"), (D, "j")]}).routes["r"]
    assert pickup.arrival == 110.0
    too_soon = replace(pickup, arrival=105.0, start=105.0, departure=105.0)
    assert "times" in _rules(problem, Plan({"r": (too_soon, drop)}, {}))
    rushed = replace(drop, departure=drop.start + 1.0)
    assert "times" in _rules(problem, Plan({"r": (pickup, rushed)}, {}))
    jump = replace(drop, arrival=pickup.departure + 19.0)
    assert "times" in _rules(problem, Plan({"r": (pickup, jump)}, {}))


def test_stop_node_and_load_must_match():
    """A stop at the wrong place or with a wrong load is flagged."""
    problem = _one(Job("j", "pharmacy", "ward_b"))
    pickup, drop = _plan(problem, {"r": [(P, "j"), (D, "j")]}).routes["r"]
    wrong_place = replace(drop, node="lab")
    assert "node" in _rules(problem, Plan({"r": (pickup, wrong_place)}, {}))
    wrong_load = replace(pickup, load_after=2)
    assert "load" in _rules(problem, Plan({"r": (wrong_load, drop)}, {}))


def test_unreachable_leg_is_flagged():
    """A leg with no legal route (a dirty load in a clean corridor) is flagged."""
    job = Job("j", "pharmacy", "lab", load_class="dirty")
    problem = _one(job, dirty_factor=1.0, blocked=[("pharmacy", "lab")])
    stops = (
        Stop(P, "pharmacy", "j", 10.0, 10.0, 10.0, 1),
        Stop(D, "lab", "j", 60.0, 60.0, 60.0, 0),
    )
    assert "unreachable" in _rules(problem, Plan({"r": stops}, {}))


def test_dropoff_ready_time_is_hard():
    """A stated drop-off start before its ready time is flagged; waiting passes."""
    problem = _one(Job("j", "pharmacy", "ward_b", dropoff_ready_at=50.0))
    plan = _plan(problem, {"r": [(P, "j"), (D, "j")]})
    assert validate(problem, plan) == []
    pickup, drop = plan.routes["r"]
    early = replace(drop, start=drop.arrival, departure=drop.arrival)
    assert "dropoff_ready" in _rules(problem, Plan({"r": (pickup, early)}, {}))
