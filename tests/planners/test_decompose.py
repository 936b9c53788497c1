"""Large problems in parts: valid merged plans, stable clusters, shared docks."""

from __future__ import annotations

from dataclasses import replace

from hypothesis import HealthCheck, given, settings

from planners.decompose import _overbooked, dispatch_decomposed, lateness, split
from planners.dispatch import dispatch
from planners.greedy import dispatch_greedy
from planners.problem import (
    Charger,
    DispatchProblem,
    Job,
    Plan,
    Priority,
    Robot,
    Stop,
    StopKind,
)
from planners.timeline import schedule
from planners.validate import validate
from tests.planners.conftest import WING
from tests.planners.strategies import corridor, dispatch_problems

P, D = StopKind.PICKUP, StopKind.DROPOFF


def _greedy(problem: DispatchProblem, limit: float, previous: Plan | None) -> Plan:
    """A fast cluster solver for the tests (what OR-Tools falls back to)."""
    del limit
    return dispatch_greedy(problem, previous=previous)


def _covered_once(problem: DispatchProblem, plan: Plan) -> None:
    for job in problem.jobs:
        robots = [
            rid
            for rid, stops in plan.routes.items()
            if any(s.job_id == job.id for s in stops)
        ]
        assert len(robots) + (job.id in plan.unassigned) == 1, job.id


def _ward(robots: int, jobs: int) -> DispatchProblem:
    """Robots along the wing, pharmacy and lab runs, two chargers."""
    places = ["ward_a", "pharmacy", "ward_b", "lab"]
    fleet = [
        Robot(f"r{i}", places[i % 4], 0.0, capacity=2, drain_per_m=1e-3)
        for i in range(robots)
    ]
    work = [
        Job(f"j{i}", places[1 + i % 3], places[i % 4 if i % 4 != 1 + i % 3 else 0])
        for i in range(jobs)
    ]
    work = [j for j in work if j.pickup != j.dropoff]
    chargers = [Charger("charger", docks=3)]
    return corridor(WING, fleet, work, chargers=chargers)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(dispatch_problems())
def test_merged_plans_pass_validate_and_cover_every_job(problem: DispatchProblem):
    """Split into one-robot clusters, every plan breaks no rule and covers each job."""
    plan = dispatch_decomposed(
        problem, time_limit_s=1.0, solve=_greedy, cluster_robots=1
    )
    assert [str(v) for v in validate(problem, plan)] == []
    _covered_once(problem, plan)
    loaded = {jid for robot in problem.robots for jid in robot.onboard}
    gone = next((j.id for j in problem.jobs if j.id not in loaded), None)
    again = replace(problem, jobs=tuple(j for j in problem.jobs if j.id != gone))
    warm = dispatch_decomposed(
        again, time_limit_s=1.0, solve=_greedy, previous=plan, cluster_robots=1
    )
    assert [str(v) for v in validate(again, warm)] == []
    _covered_once(again, warm)


def test_one_new_request_resolves_one_cluster_only():
    """After a new request only its cluster is solved; the others are re-timed."""
    problem = _ward(robots=6, jobs=12)
    plan = dispatch_decomposed(
        problem, time_limit_s=1.0, solve=_greedy, cluster_robots=2
    )
    solved: list[int] = []

    def counting(part: DispatchProblem, limit: float, prev: Plan | None) -> Plan:
        solved.append(len(part.robots))
        assert limit == 1.0
        return _greedy(part, limit, prev)

    bigger = replace(problem, jobs=(*problem.jobs, Job("new", "pharmacy", "lab")))
    warm = dispatch_decomposed(
        bigger, time_limit_s=1.0, solve=counting, previous=plan, cluster_robots=2
    )
    assert solved == [2]
    assert validate(bigger, warm) == []
    _covered_once(bigger, warm)
    for robot_id, stops in plan.routes.items():
        assert [s.job_id for s in stops] == [
            s.job_id for s in warm.routes[robot_id] if s.job_id != "new"
        ]


def test_docks_are_dealt_never_shared():
    """A charger's docks go to different clusters, never more than it has."""
    problem = _ward(robots=8, jobs=4)
    clusters = split(problem, None, cluster_robots=2)
    docks = [c.docks for cl in clusters for c in cl.problem.chargers]
    assert sum(docks) == 3 and all(d == 1 for d in docks)
    assert sorted(r.id for cl in clusters for r in cl.problem.robots) == sorted(
        r.id for r in problem.robots
    )


def test_taken_docks_go_with_their_dock():
    """A dock taken when the problem was made is dealt as taken, once."""
    base = _ward(robots=4, jobs=2)
    charger = replace(base.chargers[0], docks=2, occupied_until=(500.0,))
    problem = replace(base, chargers=(charger,))
    clusters = split(problem, None, cluster_robots=2)
    shares = [c for cl in clusters for c in cl.problem.chargers]
    assert [(c.docks, c.occupied_until) for c in shares] == [(1, (500.0,)), (1, ())]


def test_a_kept_plan_may_not_overbook_a_taken_dock():
    """Re-timing keeps no plan whose charge needs a dock already taken."""
    base = _ward(robots=1, jobs=0)
    charger = replace(base.chargers[0], docks=1, occupied_until=(500.0,))
    problem = replace(base, chargers=(charger,))
    charge = Stop(StopKind.CHARGE, charger.node, None, 10.0, 10.0, 100.0)
    assert _overbooked(problem, {problem.robots[0].id: (charge,)})
    assert not _overbooked(base, {problem.robots[0].id: (charge,)})


def test_dispatch_decomposes_large_problems_with_ortools():
    """Above the threshold ``dispatch`` solves in parts with OR-Tools, validly."""
    problem = _ward(robots=4, jobs=8)
    plan = dispatch(problem, time_limit_s=0.4, decompose_above=2)
    assert plan.solver.startswith("decomposed(")
    assert validate(problem, plan) == []
    _covered_once(problem, plan)


def test_a_cluster_plan_later_than_greedy_is_not_kept():
    """A solver's plan that makes a STAT job later than greedy's loses to greedy."""
    robots = [Robot("r1", "ward_a", 0.0, capacity=1)]
    jobs = [
        Job("stat", "pharmacy", "ward_b", priority=Priority.STAT, due_at=40.0),
        Job("routine", "pharmacy", "lab", due_at=3600.0),
    ]
    problem = corridor(WING, robots, jobs)

    def late_but_cheap(part: DispatchProblem, limit: float, prev: Plan | None):
        """Routine first (the STAT job late), claiming a lower objective."""
        del limit, prev
        visits = [(P, "routine"), (D, "routine"), (P, "stat"), (D, "stat")]
        route = schedule(part, part.robots[0], visits)
        return Plan({"r1": route.stops}, {}, objective=0.0, solver="late")

    plan = dispatch_decomposed(problem, time_limit_s=1.0, solve=late_but_cheap)
    assert plan.solver == "decomposed(greedy)"
    assert lateness(problem, plan) == (0.0, 0.0)


def test_cold_jobs_go_to_the_cluster_of_their_greedy_robot():
    """Without a previous plan, each job joins the cluster greedy's robot is in."""
    problem = _ward(robots=6, jobs=12)
    owner = {
        s.job_id: rid
        for rid, stops in dispatch_greedy(problem).routes.items()
        for s in stops
        if s.job_id is not None
    }
    for cluster in split(problem, None, cluster_robots=2):
        mine = {r.id for r in cluster.problem.robots}
        assert all(owner[job.id] in mine for job in cluster.problem.jobs)


def test_a_robot_that_must_charge_joins_a_cluster_with_a_dock():
    """The only fridge robot must charge first: its cluster holds the dock."""
    fridge = frozenset({"fridge"})
    robots = [
        Robot("r0", "lab", 0.0),
        Robot("r1", "ward_a", 0.0, capabilities=fridge, battery_soc=0.5),
        Robot("r2", "lab", 0.0),
        Robot("r3", "lab", 0.0),
    ]
    robots[1] = replace(robots[1], drain_per_m=1e-2)  # 50 m left; the job is 60 m
    job = Job("cold_chain", "pharmacy", "lab", requires=fridge)
    problem = corridor(WING, robots, [job], chargers=[Charger("charger", docks=1)])
    clusters = split(problem, None, cluster_robots=2)
    home = next(c for c in clusters if any(r.id == "r1" for r in c.problem.robots))
    assert [c.node for c in home.problem.chargers] == ["charger"]
    plan = dispatch_decomposed(
        problem, time_limit_s=1.0, solve=_greedy, cluster_robots=2
    )
    assert plan.unassigned == {} and validate(problem, plan) == []
    assert plan.routes["r1"][0].kind is StopKind.CHARGE
