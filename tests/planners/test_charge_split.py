"""Splitting off the robots greedy docks between jobs."""

from __future__ import annotations

from planners.charge_split import charging_between_jobs, split, union
from planners.problem import Job, Plan, Robot, Stop, StopKind
from tests.planners.conftest import WING
from tests.planners.strategies import corridor


def _stop(kind: StopKind, node: str, job_id: str | None) -> Stop:
    return Stop(kind, node, job_id, 0.0, 0.0, 0.0)


CHARGE = _stop(StopKind.CHARGE, "charger", None)
PICK = _stop(StopKind.PICKUP, "pharmacy", "j1")
DROP = _stop(StopKind.DROPOFF, "ward_b", "j1")


def test_a_charge_after_a_job_counts_and_one_before_does_not() -> None:
    """Docking first (before any job) is what OR-Tools plans too; after a job not."""
    plan = Plan(
        routes={
            "first": (CHARGE, PICK, DROP),
            "between": (PICK, DROP, CHARGE, PICK, DROP),
            "none": (PICK, DROP),
        },
        unassigned={},
    )
    assert charging_between_jobs(plan) == {"between"}
    assert charging_between_jobs(plan, more_than=1) == {"between"}
    assert charging_between_jobs(plan, more_than=2) == set()


def test_split_gives_each_part_its_robots_and_jobs() -> None:
    """The charging robot keeps what it carries, what it picks up before its
    charge, and what it picks up after it that no other robot can serve; the
    rest, unplanned jobs too, go to the other part."""
    secure = frozenset({"secure_drawer"})
    robots = [
        Robot("low", "ward_a", 0.0, capabilities=secure, onboard=("carried",)),
        Robot("r", "lab", 0.0),
    ]
    jobs = [
        Job("carried", "pharmacy", "ward_b"),
        Job("j1", "pharmacy", "ward_b"),
        Job("after_any", "lab", "ward_a"),
        Job("after_secure", "pharmacy", "lab", requires=secure),
        Job("nobody", "lab", "pharmacy"),
    ]
    problem = corridor(WING, robots, jobs)
    low_route = (
        _stop(StopKind.DROPOFF, "ward_b", "carried"),
        PICK,
        DROP,
        CHARGE,
        _stop(StopKind.PICKUP, "lab", "after_any"),
        _stop(StopKind.DROPOFF, "ward_a", "after_any"),
        _stop(StopKind.PICKUP, "pharmacy", "after_secure"),
        _stop(StopKind.DROPOFF, "lab", "after_secure"),
    )
    greedy = Plan(routes={"low": low_route, "r": ()}, unassigned={})
    theirs, rest = split(problem, frozenset({"low"}), greedy)
    assert [r.id for r in theirs.robots] == ["low"]
    assert {j.id for j in theirs.jobs} == {"carried", "j1", "after_secure"}
    assert [r.id for r in rest.robots] == ["r"]
    assert {j.id for j in rest.jobs} == {"after_any", "nobody"}


def test_the_union_adds_routes_unassigned_and_objectives() -> None:
    """The parts share nothing: the union has both, and its cost is the sum."""
    a = Plan(routes={"low": (PICK, DROP)}, unassigned={}, objective=10.0)
    b = Plan(routes={"r": ()}, unassigned={}, objective=5.0, solver="ortools")
    both = union(a, b, "why")
    assert set(both.routes) == {"low", "r"}
    assert both.objective == 15.0 and both.solver == "ortools"
    assert both.notes == ("why",)
