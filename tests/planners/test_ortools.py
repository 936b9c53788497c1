"""The OR-Tools dispatcher on problems small enough to know the answer."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import replace

import pytest
from hypothesis import HealthCheck, given, settings

from planners.ortools import SearchConfig, solve_ortools
from planners.ortools.model import build
from planners.ortools.search import run
from planners.problem import (
    Charger,
    Costs,
    DispatchProblem,
    Job,
    JobKind,
    Plan,
    Priority,
    Robot,
    StopKind,
    UnassignedReason,
)
from planners.timeline import Visit, plan_cost, schedule
from planners.validate import validate
from tests.planners.strategies import corridor, dispatch_problems

LIMIT_S = 0.5
HALL = {"a": 0.0, "b": 10.0, "c": 25.0, "d": 40.0, "e": 55.0, "f": 70.0}


def solve(problem: DispatchProblem, **kwargs: object) -> Plan:
    plan = solve_ortools(problem, time_limit_s=LIMIT_S, **kwargs)  # type: ignore[arg-type]
    assert plan is not None
    assert validate(problem, plan) == []
    return plan


def orders(jobs: list[str]) -> Iterator[list[Visit]]:
    """Every sequence of the jobs' pickups and drop-offs, each pickup first."""
    visits = [(kind, j) for j in jobs for kind in (StopKind.PICKUP, StopKind.DROPOFF)]
    for perm in itertools.permutations(visits):
        seen: set[str] = set()
        ok = True
        for kind, job_id in perm:
            if kind is StopKind.DROPOFF and job_id not in seen:
                ok = False
                break
            seen.add(job_id)
        if ok:
            yield list(perm)


def brute_force(problem: DispatchProblem) -> float:
    """The least plan cost over every assignment and order (all jobs served)."""
    ids = [job.id for job in problem.jobs]
    best = float("inf")
    for owners in itertools.product(range(len(problem.robots)), repeat=len(ids)):
        total = 0.0
        for k, robot in enumerate(problem.robots):
            mine = [j for j, owner in zip(ids, owners, strict=True) if owner == k]
            costs = [
                s.cost
                for order in orders(mine)
                if (s := schedule(problem, robot, order)).feasible
            ]
            total += min(costs, default=float("inf")) if mine else 0.0
        best = min(best, total)
    return best


def cost_of(problem: DispatchProblem, plan: Plan) -> float:
    routes = [
        schedule(problem, robot, [(s.kind, s.job_id or s.node) for s in stops])
        for robot in problem.robots
        if (stops := plan.routes.get(robot.id, ()))
    ]
    return plan_cost(problem, routes, plan.unassigned)


@pytest.mark.parametrize(
    "jobs",
    [
        [Job("j1", "b", "d"), Job("j2", "c", "a"), Job("j3", "e", "f")],
        [
            Job("j1", "b", "f", due_at=60.0, priority=Priority.STAT),
            Job("j2", "c", "a", ready_at=30.0),
            Job("j3", "e", "d", size=2),
        ],
        [Job("j1", "a", "f"), Job("j2", "f", "a"), Job("j3", "c", "d", due_at=20.0)],
    ],
    ids=["open", "windows", "crossing"],
)
def test_finds_the_brute_force_optimum(jobs: list[Job]) -> None:
    """Two robots, three jobs: the optimizer's plan costs what enumeration finds."""
    robots = [Robot("r1", "a", 0.0, capacity=2), Robot("r2", "e", 5.0, capacity=2)]
    problem = corridor(HALL, robots, jobs)
    plan = solve(problem)
    assert plan.unassigned == {}
    assert cost_of(problem, plan) == pytest.approx(brute_force(problem), abs=1e-6)


def two_robots(*jobs: Job, **robot_kw: object) -> DispatchProblem:
    robots = [Robot("r1", "a", 0.0, capacity=2), Robot("r2", "e", 0.0, capacity=2)]
    return corridor(HALL, robots, list(jobs))


def test_pickup_deadline_picks_the_robot_that_can_make_it() -> None:
    """A hard pickup deadline overrides the cheaper robot that would arrive late."""
    robots = [Robot("near", "e", 100.0), Robot("far", "a", 0.0)]
    job = Job("j1", "f", "d", pickup_latest=80.0)
    problem = corridor(HALL, robots, [job])
    assert solve(problem).robot_of("j1") == "far"
    relaxed = corridor(HALL, robots, [replace(job, pickup_latest=None)])
    assert solve(relaxed).robot_of("j1") == "near"


def test_ready_time_makes_the_robot_wait() -> None:
    """A pickup never starts before its ready time."""
    problem = two_robots(Job("j1", "b", "c", ready_at=200.0))
    pickup = next(
        stop for stops in solve(problem).routes.values() for stop in stops
        if stop.kind is StopKind.PICKUP
    )  # fmt: skip
    assert pickup.start >= 200.0


def test_capacity_is_never_exceeded() -> None:
    """Carrying both jobs together would be shorter, but not within capacity."""
    robots = [Robot("r1", "a", 0.0, capacity=2)]
    jobs = [Job("j1", "a", "f", size=2), Job("j2", "b", "e", size=1)]
    plan = solve(corridor(HALL, robots, jobs))
    assert plan.unassigned == {}
    assert max(stop.load_after for stop in plan.routes["r1"]) <= 2


def test_capabilities_are_honoured() -> None:
    """A secure job goes to the robot with a secure drawer, even if farther."""
    robots = [
        Robot("plain", "b", 0.0),
        Robot("secure", "f", 0.0, capabilities=frozenset({"secure_drawer"})),
    ]
    job = Job("j1", "a", "b", requires=frozenset({"secure_drawer"}))
    assert solve(corridor(HALL, robots, [job])).robot_of("j1") == "secure"


def test_guidance_is_exclusive() -> None:
    """A guide robot escorts straight to the destination, carrying nothing else."""
    robots = [
        Robot("guide", "a", 0.0, capacity=3, capabilities=frozenset({"can_guide"}))
    ]
    jobs = [
        Job("visit", "b", "f", kind=JobKind.GUIDANCE, size=1, walking_factor=2.0),
        Job("meds", "c", "d"),
    ]
    plan = solve(corridor(HALL, robots, jobs))
    visits = [(s.kind, s.job_id) for s in plan.routes["guide"]]
    at = visits.index((StopKind.PICKUP, "visit"))
    assert visits[at + 1] == (StopKind.DROPOFF, "visit")


def test_onboard_job_stays_on_its_robot() -> None:
    """A job already picked up is dropped by its robot; the plan has no pickup."""
    robots = [
        Robot("r1", "a", 0.0, capacity=2, onboard=("j1",)),
        Robot("r2", "f", 0.0, capacity=2),
    ]
    jobs = [Job("j1", "b", "f"), Job("j2", "b", "c")]
    plan = solve(corridor(HALL, robots, jobs))
    visits = [(s.kind, s.job_id) for s in plan.routes["r1"]]
    assert (StopKind.DROPOFF, "j1") in visits
    assert (StopKind.PICKUP, "j1") not in visits
    assert plan.robot_of("j1") == "r1"


def test_stat_is_served_on_time_before_routine() -> None:
    """When only one can be on time, the STAT job is the one."""
    robots = [Robot("r1", "c", 0.0, capacity=2)]
    jobs = [
        Job("stat", "c", "f", priority=Priority.STAT, due_at=50.0),
        Job("routine", "c", "a", priority=Priority.ROUTINE, due_at=30.0),
    ]
    plan = solve(corridor(HALL, robots, jobs))
    drops = [s for s in plan.routes["r1"] if s.kind is StopKind.DROPOFF]
    assert [s.job_id for s in drops] == ["stat", "routine"]
    assert drops[0].arrival <= 50.0


@pytest.mark.parametrize(
    ("job", "reason"),
    [
        (Job("x", "a", "b", requires=frozenset({"fridge"})), "no_capable_robot"),
        (Job("x", "a", "b", size=9), "too_large"),
        (Job("x", "f", "a", pickup_latest=1.0), "window_impossible"),
    ],
)
def test_impossible_job_is_left_out_with_its_reason(job: Job, reason: str) -> None:
    """An impossible job comes back unassigned with why; the rest is planned."""
    plan = solve(two_robots(job, Job("ok", "a", "b")))
    assert plan.unassigned == {"x": UnassignedReason(reason)}
    assert plan.robot_of("ok") is not None


def test_solver_left_out_job_is_not_scheduled() -> None:
    """Two hard deadlines one robot cannot both meet: one job is NOT_SCHEDULED."""
    robots = [Robot("r1", "c", 0.0)]
    jobs = [
        Job("left", "c", "a", due_at=30.0, due_is_hard=True),
        Job("right", "c", "f", due_at=50.0, due_is_hard=True),
    ]
    plan = solve(corridor(HALL, robots, jobs))
    assert list(plan.unassigned.values()) == [UnassignedReason.NOT_SCHEDULED]


def test_warm_start_is_at_least_as_good_when_nothing_changed() -> None:
    """Re-planning the same problem from its plan does not make it worse."""
    problem = two_robots(
        Job("j1", "b", "d"),
        Job("j2", "c", "a"),
        Job("j3", "e", "f"),
        Job("j4", "f", "b"),
    )
    first = solve(problem)
    again = solve(problem, previous=first)
    assert cost_of(problem, again) <= cost_of(problem, first) + 1e-6


def test_reassignment_cost_keeps_a_job_on_its_robot() -> None:
    """A job stays on its previous robot when another is only marginally better."""
    robots = [Robot("r1", "a", 0.0), Robot("r2", "b", 0.0)]
    job = Job("j1", "b", "d")  # r2 is 10 s closer than r1
    problem = corridor(HALL, robots, [job])
    assert solve(problem).robot_of("j1") == "r2"
    previous = Plan(routes={"r1": schedule(problem, robots[0], [
        (StopKind.PICKUP, "j1"), (StopKind.DROPOFF, "j1")]).stops, "r2": ()},
        unassigned={})  # fmt: skip
    assert solve(problem, previous=previous).robot_of("j1") == "r1"
    cheap = replace(problem, costs=Costs(reassignment=1.0))
    assert solve(cheap, previous=previous).robot_of("j1") == "r2"


def test_low_robot_charges_first_and_docks_are_limited() -> None:
    """Low robots go to the one free dock by turns: the lowest charges first."""
    robots = [
        Robot("low", "a", 0.0, battery_soc=0.12, reserve_soc=0.1, drain_per_m=1e-4),
        Robot("lower", "f", 0.0, battery_soc=0.11, reserve_soc=0.1, drain_per_m=1e-4),
    ]
    problem = corridor(
        HALL, robots, [Job("j1", "c", "d")], chargers=[Charger("b", docks=1)]
    )
    plan = solve(problem)
    kinds = {rid: [s.kind for s in stops] for rid, stops in plan.routes.items()}
    assert kinds["lower"][:1] == [StopKind.CHARGE]
    assert StopKind.CHARGE not in kinds["low"]


def test_a_loaded_robot_short_of_battery_for_its_drop_off_charges_first() -> None:
    """A robot carrying a job it cannot drop off above its reserve docks with it
    on board, then delivers (the model had no solution at all before: the demo
    day fell back to greedy on 4 snapshots)."""
    robots = [
        Robot("carrier", "a", 0.0, onboard=("j1",), battery_soc=0.115,
              reserve_soc=0.1, drain_per_m=1e-3),
        Robot("spare", "a", 0.0),
    ]  # fmt: skip
    problem = corridor(
        HALL, robots, [Job("j1", "a", "f")], chargers=[Charger("b", docks=1)]
    )
    plan = solve(problem)
    kinds = [s.kind for s in plan.routes["carrier"]]
    assert kinds == [StopKind.CHARGE, StopKind.DROPOFF]
    assert [str(v) for v in validate(problem, plan)] == []


def test_config_without_route_elimination_still_plans() -> None:
    """The plain configuration used as the benchmark's peer gives a valid plan."""
    plain = SearchConfig("PATH_CHEAPEST_ARC", eliminate_routes=False, name="plain")
    problem = replace(two_robots(Job("j1", "b", "d")), costs=Costs(per_robot=1e4))
    assert solve(problem, config=plain).solver == "plain"


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(dispatch_problems())
def test_random_plans_pass_validate_and_hold_each_job_once(
    problem: DispatchProblem,
) -> None:
    """Random problems: the plan breaks no rule; each job is routed or unassigned."""
    plan = solve_ortools(problem, time_limit_s=0.05)
    if plan is None:  # nothing found so quickly: dispatch() would use greedy
        return
    assert [str(v) for v in validate(problem, plan)] == []
    for job in problem.jobs:
        routed = sum(
            any(s.job_id == job.id for s in stops) for stops in plan.routes.values()
        )
        assert routed + (job.id in plan.unassigned) == 1


def test_new_request_joins_the_warm_start() -> None:
    """A job the previous plan lacks is placed before the search, not left to it."""
    problem = two_robots(Job("j1", "b", "d"), Job("j2", "c", "a"))
    first = solve(problem)
    grown = replace(problem, jobs=(*problem.jobs, Job("new", "e", "f")))
    plan = solve_ortools(grown, time_limit_s=0.01, previous=first)
    assert plan is not None
    assert plan.unassigned == {}
    assert validate(grown, plan) == []


def test_completion_cost_delivers_before_a_detour() -> None:
    """A waiting delivery goes first instead of riding along a shorter detour."""
    robots = [Robot("r1", "a", 0.0, capacity=2)]
    jobs = [Job("near", "b", "a"), Job("far", "e", "b")]
    problem = corridor(HALL, robots, jobs)
    order = [(s.kind, s.job_id) for s in solve(problem).routes["r1"]]
    assert order[:2] == [(StopKind.PICKUP, "near"), (StopKind.DROPOFF, "near")]
    assert cost_of(problem, solve(problem)) == pytest.approx(brute_force(problem))
    flat = replace(problem, costs=Costs(completion_per_s={}))
    order = [(s.kind, s.job_id) for s in solve(flat).routes["r1"]]
    assert order[-1] == (StopKind.DROPOFF, "near")  # carried along: 110 s of travel


def test_no_completion_weights_no_completion_dimension() -> None:
    """Without completion weights (Li & Lim) the model has no completion dimension."""
    problem = two_robots(Job("j1", "b", "d"))
    allowed = {"j1": [0, 1]}
    names = build(problem, list(problem.jobs), allowed).routing.GetAllDimensionNames()
    assert "completion" in names
    flat = replace(problem, costs=Costs(completion_per_s={}))
    model = build(flat, list(flat.jobs), allowed)
    assert "completion" not in model.routing.GetAllDimensionNames()


def test_robot_over_capacity_drops_off_and_picks_nothing_up() -> None:
    """A robot reporting more on board than it holds gets no exception, no pickup."""
    full = Robot("full", "a", 0.0, capacity=1, onboard=("x", "y"))
    other = Robot("other", "f", 0.0, capacity=1)
    jobs = [Job("x", "a", "b"), Job("y", "a", "c"), Job("new", "b", "d")]
    plan = solve_ortools(corridor(HALL, [full, other], jobs), time_limit_s=LIMIT_S)
    assert plan is not None
    assert [(s.kind, s.job_id) for s in plan.routes["full"]] == [
        (StopKind.DROPOFF, "x"),
        (StopKind.DROPOFF, "y"),
    ]
    assert plan.robot_of("new") == "other"


def test_robots_ending_at_one_place_share_its_end_node() -> None:
    """Robots with the same end share one routing node; each still ends there."""
    robots = [
        Robot("r1", "a", 0.0, end="f"),
        Robot("r2", "b", 0.0, end="f"),
        Robot("r3", "c", 0.0),
        Robot("r4", "d", 0.0),
        Robot("r5", "e", 0.0, end="a"),
    ]
    jobs = [Job("j1", "b", "d"), Job("j2", "c", "a"), Job("j3", "e", "f")]
    problem = corridor(HALL, robots, jobs)
    model = build(problem, list(jobs), {j.id: list(range(5)) for j in jobs})
    assert [v.node for v in model.visits[5:8]] == ["f", None, "a"]
    for vehicle, robot in enumerate(robots):
        end = model.routing.End(vehicle)
        assert model.visits[model.manager.IndexToNode(end)].node == robot.end
    # the drive to each robot's own end is priced: the brute-force optimum
    assert cost_of(problem, solve(problem)) == pytest.approx(brute_force(problem))


def test_a_warm_start_that_breaks_a_rule_falls_back_to_a_cold_search() -> None:
    """Previous routes the model rejects (here a drop-off before its pickup)
    start no search: OR-Tools' own first solution does, and the plan is whole."""
    problem = two_robots(Job("j1", "b", "d"), Job("j2", "c", "a"))
    model = build(problem, list(problem.jobs), {"j1": [0, 1], "j2": [0, 1]})
    backwards = [[(StopKind.DROPOFF, "j1"), (StopKind.PICKUP, "j1")], []]
    outcome = run(model, SearchConfig(), LIMIT_S, backwards)
    assert outcome is not None
    visits = sorted(visit for route in outcome.routes for visit in route)
    assert visits == sorted(
        (kind, job)
        for job in ("j1", "j2")
        for kind in (StopKind.PICKUP, StopKind.DROPOFF)
    )
    for route in outcome.routes:
        kinds = [kind for kind, job in route if job == "j1"]
        assert kinds in ([], [StopKind.PICKUP, StopKind.DROPOFF])
