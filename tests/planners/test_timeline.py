"""The one definition of time: legs, waits, service, load, battery, cost."""

from __future__ import annotations

import math

import pytest

from planners.problem import Charger, Costs, Job, JobKind, Priority, Robot, StopKind
from planners.timeline import can_serve, plan_cost, schedule
from tests.planners.conftest import WING
from tests.planners.strategies import corridor

P, D, C = StopKind.PICKUP, StopKind.DROPOFF, StopKind.CHARGE


def _rules(route) -> list[str]:
    return [v.rule for v in route.violations]


def test_times_wait_for_ready_and_add_service():
    """A pickup waits for its ready time; service times come after arrival."""
    job = Job(
        "j",
        "pharmacy",
        "ward_b",
        ready_at=20.0,
        pickup_service_s=5.0,
        dropoff_service_s=7.0,
    )
    problem = corridor(WING, [Robot("r", "ward_a", 2.0)], [job])
    route = schedule(problem, problem.robots[0], [(P, "j"), (D, "j")])
    pickup, dropoff = route.stops
    assert (pickup.arrival, pickup.start, pickup.departure) == (12.0, 20.0, 25.0)
    assert (dropoff.arrival, dropoff.start, dropoff.departure) == (45.0, 45.0, 52.0)
    assert (pickup.load_after, dropoff.load_after) == (1, 0)
    assert route.travel_s == 30.0 and route.distance_m == 30.0
    assert route.feasible


def test_start_is_not_before_now():
    """A robot free in the past leaves now."""
    job = Job("j", "pharmacy", "ward_b")
    problem = corridor(WING, [Robot("r", "ward_a", 0.0)], [job], now=100.0)
    route = schedule(problem, problem.robots[0], [(P, "j"), (D, "j")])
    assert route.stops[0].arrival == 110.0


def test_dirty_load_takes_dirty_matrix_and_guidance_walks():
    """A dirty leg uses the dirty times; a guidance leg is slowed by walking pace."""
    dirty = Job("d", "pharmacy", "ward_b", load_class="dirty")
    guide = Job("g", "pharmacy", "ward_b", kind=JobKind.GUIDANCE, walking_factor=2.0)
    robot = Robot(
        "r", "pharmacy", 0.0, capabilities=frozenset({"can_guide"}), speed_factor=0.5
    )
    problem = corridor(WING, [robot], [dirty, guide], dirty_factor=3.0)
    assert schedule(problem, robot, [(P, "d"), (D, "d")]).travel_s == 20 * 3 / 0.5
    assert schedule(problem, robot, [(P, "g"), (D, "g")]).travel_s == 20 * 2 / 0.5


def test_violations_capacity_capability_hard_due_and_precedence():
    """Broken rules come back as named violations, not exceptions."""
    big = Job("big", "pharmacy", "ward_b", size=3)
    secure = Job("sec", "pharmacy", "ward_b", requires=frozenset({"secure_drawer"}))
    hard = Job("hard", "pharmacy", "lab", due_at=10.0, due_is_hard=True)
    robot = Robot("r", "ward_a", 0.0, capacity=2)
    problem = corridor(WING, [robot], [big, secure, hard])
    assert "capacity" in _rules(schedule(problem, robot, [(P, "big"), (D, "big")]))
    assert "capability" in _rules(schedule(problem, robot, [(P, "sec"), (D, "sec")]))
    late = schedule(problem, robot, [(P, "hard"), (D, "hard")])
    assert "hard_due" in _rules(late) and late.lateness_s["hard"] == 50.0
    assert "precedence" in _rules(schedule(problem, robot, [(D, "big"), (P, "big")]))
    assert "precedence" in _rules(schedule(problem, robot, [(P, "big")]))
    assert "unknown" in _rules(schedule(problem, robot, [(P, "nope")]))


def test_onboard_job_is_dropped_without_pickup():
    """A job on board needs only its dropoff, and counts as load from the start."""
    job = Job("j", "pharmacy", "ward_b", size=2)
    robot = Robot("r", "ward_a", 0.0, capacity=2, onboard=("j",))
    problem = corridor(WING, [robot], [job])
    route = schedule(problem, robot, [(D, "j")])
    assert route.feasible and route.stops[0].arrival == 30.0
    assert "precedence" in _rules(schedule(problem, robot, [(P, "j"), (D, "j")]))
    assert "precedence" in _rules(schedule(problem, robot, []))


def test_guidance_is_exclusive():
    """Nothing else rides along during an escort."""
    guide = Job("g", "pharmacy", "ward_b", kind=JobKind.GUIDANCE, size=1)
    parcel = Job("p", "pharmacy", "ward_b")
    robot = Robot("r", "ward_a", 0.0, capacity=4, capabilities=frozenset({"can_guide"}))
    problem = corridor(WING, [robot], [guide, parcel])
    mixed = [(P, "p"), (P, "g"), (D, "g"), (D, "p")]
    assert "guidance" in _rules(schedule(problem, robot, mixed))
    assert can_serve(robot, guide) and not can_serve(Robot("x", "ward_a", 0.0), guide)


def test_battery_reserve_and_charging():
    """Battery drains per metre; a charger stop refills to full at its rate."""
    job = Job("j", "pharmacy", "lab")
    robot = Robot(
        "r", "ward_a", 0.0, battery_soc=0.5, drain_per_m=0.01, reserve_soc=0.2
    )
    charger = Charger("charger", rate_per_s=0.01)
    problem = corridor(WING, [robot], [job], chargers=[charger])
    flat = schedule(problem, robot, [(P, "j"), (D, "j")])
    assert "battery" in _rules(flat)
    charged = schedule(problem, robot, [(C, "charger"), (P, "j"), (D, "j")])
    stop = charged.stops[0]
    assert stop.arrival == 5.0 and stop.departure == pytest.approx(5.0 + 55.0)
    assert charged.feasible and charged.last_soc == pytest.approx(1.0 - 0.55)


def test_charger_may_be_reached_below_reserve():
    """The reserve is for reaching a charger: arriving there below it is allowed."""
    robot = Robot(
        "r", "ward_a", 0.0, battery_soc=0.1, drain_per_m=0.01, reserve_soc=0.2
    )
    problem = corridor(WING, [robot], [], chargers=[Charger("charger")])
    assert schedule(problem, robot, [(C, "charger")]).feasible


def test_unreachable_leg_is_infinite():
    """A leg with no legal route makes the route infeasible and infinitely long."""
    job = Job("j", "pharmacy", "lab")
    robot = Robot("r", "ward_a", 0.0)
    problem = corridor(WING, [robot], [job], blocked=[("pharmacy", "lab")])
    route = schedule(problem, robot, [(P, "j"), (D, "j")])
    assert "unreachable" in _rules(route) and math.isinf(route.cost)


def test_cost_weights_lateness_by_priority_and_counts_end_leg():
    """Cost = travel + weighted lateness and completion + per robot; end leg too."""
    stat = Job("s", "pharmacy", "ward_b", priority=Priority.STAT, due_at=25.0)
    robot = Robot("r", "ward_a", 0.0, end="ward_a")
    costs = Costs(per_robot=1000.0)
    problem = corridor(WING, [robot], [stat], costs=costs)
    route = schedule(problem, robot, [(P, "s"), (D, "s")])
    assert route.travel_s == 60.0 and route.last_node == "ward_b"
    # STAT: 100 per second late, 4 per second from now to the drop-off (at 30 s)
    assert route.cost == 60.0 + 100.0 * 5.0 + 4.0 * 30.0 + 1000.0
    flat = corridor(WING, [robot], [stat], costs=Costs(completion_per_s={}))
    assert schedule(flat, robot, [(P, "s"), (D, "s")]).cost == 60.0 + 500.0
    assert schedule(problem, robot, []).cost == 0.0
    assert plan_cost(problem, [route], {}) == route.cost
    assert plan_cost(problem, [], {"s": "not_scheduled"}) == 1e7


def test_dropoff_waits_for_dropoff_ready_at():
    """A drop-off starts no earlier than its ready time; lateness counts from then."""
    job = Job(
        "j",
        "pharmacy",
        "ward_b",
        dropoff_ready_at=60.0,
        due_at=55.0,
        dropoff_service_s=4.0,
    )
    problem = corridor(WING, [Robot("r", "ward_a", 0.0)], [job])
    route = schedule(problem, problem.robots[0], [(P, "j"), (D, "j")])
    dropoff = route.stops[1]
    assert (dropoff.arrival, dropoff.start, dropoff.departure) == (30.0, 60.0, 64.0)
    assert route.lateness_s == {"j": 5.0}
    assert route.feasible
