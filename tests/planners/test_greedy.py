"""The greedy dispatcher: urgency order, earliest finish, and each rule binding."""

from __future__ import annotations

import numpy as np
import pytest

from planners.docks import dock_free
from planners.feasibility import _spent
from planners.greedy import dispatch_greedy
from planners.problem import (
    Charger,
    Job,
    JobKind,
    Plan,
    Priority,
    Robot,
    StopKind,
    UnassignedReason,
)
from planners.validate import validate
from tests.planners.conftest import WING
from tests.planners.strategies import corridor

SECURE = frozenset({"secure_drawer"})


def _jobs_of(plan: Plan, robot_id: str) -> list[str]:
    return [s.job_id for s in plan.routes[robot_id] if s.kind is StopKind.PICKUP]


def _solve(problem):
    plan = dispatch_greedy(problem)
    assert [str(v) for v in validate(problem, plan)] == []
    return plan


def test_two_robots_share_the_pharmacy_run(wing_two_robots):
    """Each job goes to the robot finishing it earliest; ties go to the first."""
    plan = _solve(wing_two_robots)
    assert _jobs_of(plan, "r1") == ["j1", "j2"] and plan.routes["r2"] == ()
    assert plan.solver == "greedy" and plan.unassigned == {}
    drops = [s.start for s in plan.routes["r1"] if s.kind is StopKind.DROPOFF]
    assert plan.objective == 100.0 + 1.0 * sum(drops)  # travel + routine waits


def test_stat_before_routine_even_if_younger():
    """A STAT job is served before an older routine one."""
    jobs = [
        Job("routine", "pharmacy", "ward_b", created_at=0.0),
        Job("stat", "pharmacy", "lab", priority=Priority.STAT, created_at=50.0),
    ]
    plan = _solve(corridor(WING, [Robot("r", "ward_a", 0.0)], jobs))
    assert _jobs_of(plan, "r") == ["stat", "routine"]


def test_older_first_within_a_priority():
    """Among equal priorities the older request goes first."""
    jobs = [
        Job("young", "pharmacy", "lab", created_at=9.0),
        Job("old", "pharmacy", "ward_b", created_at=1.0),
    ]
    plan = _solve(corridor(WING, [Robot("r", "ward_a", 0.0)], jobs))
    assert _jobs_of(plan, "r") == ["old", "young"]


def test_earliest_finish_beats_nearest_robot():
    """A robot next door but busy until later loses to one further away."""
    robots = [Robot("near", "pharmacy", 500.0), Robot("far", "lab", 0.0)]
    plan = _solve(corridor(WING, robots, [Job("j", "pharmacy", "ward_b")]))
    assert _jobs_of(plan, "far") == ["j"]


def test_capacity_binds():
    """A job larger than the nearest robot's compartments goes to a bigger one."""
    robots = [Robot("small", "pharmacy", 0.0, capacity=2), Robot("big", "lab", 0.0, 4)]
    plan = _solve(corridor(WING, robots, [Job("j", "pharmacy", "ward_b", size=3)]))
    assert _jobs_of(plan, "big") == ["j"]


def test_capabilities_bind():
    """Controlled substances ride in a secure drawer; guidance needs a guide."""
    robots = [
        Robot("plain", "pharmacy", 0.0),
        Robot("secure", "lab", 0.0, capabilities=SECURE),
        Robot("guide", "lab", 0.0, capabilities=frozenset({"can_guide"})),
    ]
    jobs = [
        Job("opioid", "pharmacy", "ward_b", requires=SECURE),
        Job("visitor", "pharmacy", "ward_b", kind=JobKind.GUIDANCE),
    ]
    plan = _solve(corridor(WING, robots, jobs))
    assert _jobs_of(plan, "secure") == ["opioid"]
    assert _jobs_of(plan, "guide") == ["visitor"]


def test_ready_time_makes_the_robot_wait():
    """A pickup before its ready time waits for it."""
    job = Job("j", "pharmacy", "ward_b", ready_at=100.0)
    plan = _solve(corridor(WING, [Robot("r", "ward_a", 0.0)], [job]))
    assert plan.routes["r"][0].start == 100.0


def test_hard_due_leaves_out_what_comes_too_late():
    """A hard due time that only a free robot could meet is not scheduled."""
    jobs = [
        Job("first", "pharmacy", "lab", priority=Priority.STAT),
        Job("hard", "pharmacy", "ward_b", due_at=40.0, due_is_hard=True),
    ]
    plan = _solve(corridor(WING, [Robot("r", "ward_a", 0.0)], jobs))
    assert plan.unassigned == {"hard": UnassignedReason.NOT_SCHEDULED}
    soft = [jobs[0], Job("hard", "pharmacy", "ward_b", due_at=40.0)]
    assert _solve(corridor(WING, [Robot("r", "ward_a", 0.0)], soft)).unassigned == {}


def test_pickup_latest_binds():
    """A pickup deadline only a robot busy with a STAT job could meet: left out."""
    robots = [Robot("r1", "ward_a", 0.0), Robot("r2", "lab", 0.0)]
    first = Job("first", "pharmacy", "lab", priority=Priority.STAT)
    tight = Job("tight", "ward_a", "ward_b", pickup_latest=30.0)
    plan = _solve(corridor(WING, robots, [first, tight]))
    assert plan.unassigned == {"tight": UnassignedReason.NOT_SCHEDULED}
    loose = Job("tight", "ward_a", "ward_b")
    assert _jobs_of(_solve(corridor(WING, robots, [first, loose])), "r2") == ["tight"]


def test_onboard_dropoffs_come_first():
    """What a robot carries is dropped before it takes anything new."""
    jobs = [Job("new", "ward_a", "ward_b"), Job("carried", "pharmacy", "lab")]
    robot = Robot("r", "ward_a", 0.0, capacity=2, onboard=("carried",))
    plan = _solve(corridor(WING, [robot], jobs))
    kinds = [(s.kind, s.job_id) for s in plan.routes["r"]]
    assert kinds == [
        (StopKind.DROPOFF, "carried"),
        (StopKind.PICKUP, "new"),
        (StopKind.DROPOFF, "new"),
    ]


def test_low_battery_goes_to_a_charger_first():
    """A job that would break the reserve is preceded by a charge stop."""
    robot = Robot(
        "r", "ward_a", 0.0, battery_soc=0.5, drain_per_m=0.01, reserve_soc=0.2
    )
    problem = corridor(
        WING,
        [robot],
        [Job("j", "pharmacy", "lab")],
        chargers=[Charger("charger", rate_per_s=0.01)],
    )
    plan = _solve(problem)
    assert [s.kind for s in plan.routes["r"]] == [
        StopKind.CHARGE,
        StopKind.PICKUP,
        StopKind.DROPOFF,
    ]


def test_charger_docks_are_booked():
    """Two low robots charging at once do not share a one-dock charger."""
    robots = [
        Robot(
            f"r{i}", "ward_a", 0.0, battery_soc=0.5, drain_per_m=0.01, reserve_soc=0.2
        )
        for i in range(2)
    ]
    positions = {**WING, "far_charger": 12.0}
    jobs = [Job("j0", "pharmacy", "lab"), Job("j1", "pharmacy", "lab")]
    chargers = [Charger("charger", 1, 0.01), Charger("far_charger", 1, 0.01)]
    plan = _solve(corridor(positions, robots, jobs, chargers=chargers))
    nodes = {plan.routes[r][0].node for r in ("r0", "r1")}
    assert nodes == {"charger", "far_charger"}


def test_feasibility_reasons():
    """Impossible jobs come back with the reason, never as an exception."""
    robot = Robot(
        "r",
        "ward_a",
        0.0,
        capacity=2,
        battery_soc=1.0,
        drain_per_m=0.02,
        reserve_soc=0.2,
    )
    jobs = [
        Job("secure", "pharmacy", "ward_b", requires=SECURE),
        Job("huge", "pharmacy", "ward_b", size=3),
        Job("walled", "pharmacy", "lab"),
        Job("rushed", "ward_b", "pharmacy", due_at=10.0, due_is_hard=True),
        Job("long", "ward_a", "lab"),
        Job("visit", "pharmacy", "ward_a", kind=JobKind.GUIDANCE),
    ]
    problem = corridor(WING, [robot], jobs, blocked=[("pharmacy", "lab")])
    assert _solve(problem).unassigned == {
        "secure": UnassignedReason.NO_CAPABLE_ROBOT,
        "huge": UnassignedReason.TOO_LARGE,
        "walled": UnassignedReason.UNREACHABLE,
        "rushed": UnassignedReason.WINDOW_IMPOSSIBLE,
        "long": UnassignedReason.BATTERY,
        "visit": UnassignedReason.NO_CAPABLE_ROBOT,
    }


def test_previous_assignment_is_kept_unless_change_pays():
    """Moving a job to another robot costs the reassignment weight."""
    robots = [Robot("r1", "ward_a", 0.0), Robot("r2", "ward_b", 0.0)]
    problem = corridor(WING, robots, [Job("j", "pharmacy", "lab")])
    assert _jobs_of(_solve(problem), "r1") == ["j"]
    previous = dispatch_greedy(
        corridor(WING, robots[1:], [Job("j", "pharmacy", "lab")])
    )
    plan = dispatch_greedy(problem, previous=previous)
    assert _jobs_of(plan, "r2") == ["j"]
    assert validate(problem, plan) == []


def test_bad_snapshot_is_a_named_error():
    """Duplicate ids or a job on two robots is a ValueError naming it."""
    robots = [
        Robot("r1", "ward_a", 0.0, onboard=("j",)),
        Robot("r2", "ward_b", 0.0, onboard=("j",)),
    ]
    problem = corridor(WING, robots, [Job("j", "pharmacy", "lab")])
    with pytest.raises(ValueError, match="job j is on board"):
        dispatch_greedy(problem)
    ghost = corridor(WING, [Robot("r", "ward_a", 0.0, onboard=("x",))], [])
    with pytest.raises(ValueError, match="robot r carries x, not in the jobs"):
        dispatch_greedy(ghost)
    lost = corridor(WING, [Robot("r", "ward_a", 0.0, end="roof")], [])
    with pytest.raises(ValueError, match="robot r: end 'roof' is not a node"):
        dispatch_greedy(lost)
    off_map = corridor(
        WING, [Robot("r", "ward_a", 0.0)], [], chargers=[Charger("basement")]
    )
    with pytest.raises(ValueError, match="charger at 'basement'"):
        dispatch_greedy(off_map)


def test_dock_free_counts_overlaps():
    """A dock is free over [s, e) unless all docks are busy at some instant."""
    assert dock_free([(0.0, 10.0)], 1, 10.0, 20.0)
    assert not dock_free([(0.0, 10.0)], 1, 5.0, 20.0)
    assert dock_free([(0.0, 10.0), (10.0, 20.0)], 2, 0.0, 20.0)
    assert not dock_free([(0.0, 10.0), (5.0, 20.0)], 2, 6.0, 7.0)


def test_load_class_walking_pace_and_speed_bind():
    """Dirty routes, walking pace and robot speed change what is possible and who."""
    guide = frozenset({"can_guide"})
    robots = [Robot("r", "pharmacy", 0.0, capabilities=guide)]
    due = {"due_at": 30.0, "due_is_hard": True}
    jobs = [
        Job("clean", "pharmacy", "ward_b", **due),
        Job("soiled", "pharmacy", "ward_b", load_class="dirty", **due),
        Job(
            "visitor",
            "pharmacy",
            "ward_b",
            kind=JobKind.GUIDANCE,
            walking_factor=2.0,
            **due,
        ),
    ]
    for job in jobs:
        plan = _solve(corridor(WING, robots, [job], dirty_factor=2.0))
        expected = (
            {} if job.id == "clean" else {job.id: UnassignedReason.WINDOW_IMPOSSIBLE}
        )
        assert plan.unassigned == expected
    slow_and_near = Robot("slow", "pharmacy", 0.0, speed_factor=0.25)
    fast_and_far = Robot("fast", "ward_a", 0.0)
    plain = Job("plain", "pharmacy", "ward_b")
    problem = corridor(WING, [slow_and_near, fast_and_far], [plain])
    assert _jobs_of(_solve(problem), "fast") == ["plain"]


def test_no_drain_robot_is_not_refused_for_battery_on_unknown_distance() -> None:
    """0 drain x inf metres is no charge used, not NaN (which read as 'battery')."""
    spent = _spent(np.array([0.0, 0.01]), np.array([np.inf, 100.0]))
    assert spent.tolist() == [0.0, 1.0]


def _half_charged(
    robot_id: str, start: str, onboard: tuple[str, ...], end: str
) -> Robot:
    """A robot at half charge, 0.5 % a metre, reserve 20 %, carrying ``onboard``
    (60 m there and back leaves it exactly at the reserve): the shape of every
    battery example hypothesis found."""
    return Robot(
        robot_id,
        start,
        0.0,
        capacity=max(1, len(onboard)),
        battery_soc=0.5,
        drain_per_m=0.005,
        reserve_soc=0.2,
        onboard=onboard,
        end=end,
    )


def test_carried_dropoffs_nearest_first_when_urgency_order_drains_too_far():
    """Carried drop-offs go nearest first when most-urgent-first breaks the reserve.

    Found by hypothesis: the urgent drop-off is far, the other is where the robot
    stands, and the route must end beside the far one; urgency order drives 162 m
    (below the reserve even after a full charge), nearest first 54 m.
    """
    positions = {"n0": 0.0, "n1": 54.0}
    carried = [
        Job("far", "n0", "n1", priority=Priority.STAT, due_at=0.0),
        Job("here", "n0", "n0", priority=Priority.STAT, due_at=1.0),
    ]
    robot = _half_charged("r", "n0", ("far", "here"), end="n1")
    problem = corridor(positions, [robot], carried, chargers=[Charger("n0")])
    plan = _solve(problem)
    assert [s.job_id for s in plan.routes["r"]] == ["here", "far"]


def test_a_robot_that_cannot_come_back_charges_after_its_drop_offs():
    """The charger is beside the far drop-off: charge there, empty, then go home.

    Found by hypothesis: charging first (driving to the charger and back)
    cannot keep the reserve whatever the order of the drop-offs.
    """
    positions = {"n0": 0.0, "n1": 54.0}
    carried = [
        Job("far", "n0", "n1", priority=Priority.STAT, due_at=0.0),
        Job("here", "n0", "n0", priority=Priority.STAT, due_at=0.0),
    ]
    robot = _half_charged("r", "n0", ("far", "here"), end="n0")
    chargers = [Charger("n1", rate_per_s=0.01)]
    plan = _solve(corridor(positions, [robot], carried, chargers=chargers))
    kinds = [(s.kind, s.job_id) for s in plan.routes["r"]]
    assert kinds == [
        (StopKind.DROPOFF, "here"),
        (StopKind.DROPOFF, "far"),
        (StopKind.CHARGE, None),
    ]


def test_a_robot_waits_for_a_booked_dock():
    """Two low robots, one dock: the second charges when the first leaves it.

    Found by hypothesis: both carry a drop-off beside the charger and must come
    back, which neither can without charging; a robot used to give up on a dock
    booked on its arrival and drive back below its reserve.
    """
    positions = {"charger": 0.0, "ward": 31.0}
    carried = [Job(f"c{n}", "charger", "charger") for n in range(2)]
    robots = [_half_charged(f"r{n}", "ward", (f"c{n}",), end="ward") for n in range(2)]
    chargers = [Charger("charger", rate_per_s=0.01)]
    plan = _solve(corridor(positions, robots, carried, chargers=chargers))
    first, second = (
        next(s for s in plan.routes[f"r{n}"] if s.kind is StopKind.CHARGE)
        for n in range(2)
    )
    assert second.arrival == first.arrival and second.start == first.departure


def test_charging_first_wins_when_delivering_first_breaks_the_reserve():
    """Of two charge routes, the one that breaks no rule, though it delivers later.

    Found by hypothesis: the drop-off is at the charger, just out of reach of the
    reserve; charging after the drop-off cost less but arrived below it.
    """
    positions = {"home": 0.0, "charger": 61.0}
    robot = _half_charged("r", "home", ("carried",), end="home")
    problem = corridor(
        positions,
        [robot],
        [Job("carried", "home", "charger", priority=Priority.STAT)],
        chargers=[Charger("charger", rate_per_s=0.01)],
    )
    plan = _solve(problem)
    assert [s.kind for s in plan.routes["r"]] == [StopKind.CHARGE, StopKind.DROPOFF]


def test_a_charge_stop_may_come_between_drop_offs():
    """Drop here, charge at the far drop-off's charger, then drop there, and home.

    Found by hypothesis: neither charging first (a detour with the load) nor
    last (the far drop-off is below the reserve) keeps every rule.
    """
    positions = {"home": 0.0, "charger": 61.0}
    robot = _half_charged("r", "home", ("here", "there"), end="home")
    carried = [Job("here", "home", "home"), Job("there", "home", "charger")]
    chargers = [Charger("charger", rate_per_s=0.01)]
    plan = _solve(corridor(positions, [robot], carried, chargers=chargers))
    assert [(s.kind, s.job_id) for s in plan.routes["r"]] == [
        (StopKind.DROPOFF, "here"),
        (StopKind.CHARGE, None),
        (StopKind.DROPOFF, "there"),
    ]


def test_an_idle_robots_route_is_the_keyword_built_one():
    """The route of a robot given nothing, built slot by slot, equals keywords."""
    from planners.greedy_plan import _idle
    from planners.timeline import RouteSchedule

    robot = Robot("r", "ward_a", 5.0, battery_soc=0.7)
    assert _idle(robot, 9.0) == RouteSchedule(
        robot_id="r",
        stops=(),
        soc_after=(),
        travel_s=0.0,
        distance_m=0.0,
        lateness_s={},
        cost=0.0,
        last_node="ward_a",
        last_time=9.0,
        last_soc=0.7,
        violations=(),
    )
