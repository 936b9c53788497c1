"""Docks taken when the problem is made (``Charger.occupied_until``) are honoured."""

from __future__ import annotations

from dataclasses import replace

import pytest

from planners.dispatch import dispatch
from planners.docks import dock_free, taken_now
from planners.ortools.charging import plan_charging
from planners.problem import (
    Charger,
    DispatchProblem,
    Job,
    Plan,
    Robot,
    StopKind,
    UnassignedReason,
)
from planners.timeline import schedule
from planners.validate import validate
from tests.planners.strategies import corridor

#: ward A at 0 m, the near charger at 5 m, pharmacy at 10 m, far charger at 12 m.
HALL = {"ward_a": 0.0, "charger": 5.0, "pharmacy": 10.0, "far_charger": 12.0,
        "lab": 60.0}  # fmt: skip
RATE = 0.01


def low_robot_near_a_taken_dock(until: float) -> DispatchProblem:
    """A low robot at ward A; the near charger's one dock is taken until ``until``."""
    robot = Robot(
        "low", "ward_a", 0.0, battery_soc=0.25, drain_per_m=0.001, reserve_soc=0.2
    )
    chargers = [
        Charger("charger", 1, RATE, occupied_until=(until,)),
        Charger("far_charger", 1, RATE),
    ]
    return corridor(HALL, [robot], [Job("j", "pharmacy", "lab")], chargers=chargers)


@pytest.mark.parametrize("solver", ["greedy", "ortools"])
@pytest.mark.parametrize(
    ("until", "charger"),
    [
        # Held by a docked robot for the next hour: not planned for.
        (3600.0, "far_charger"),
        # Taken only until before the robot gets there: free for it.
        (1.0, "charger"),
    ],
)
def test_a_taken_dock_is_used_only_once_free(
    solver: str, until: float, charger: str
) -> None:
    """A robot charges at the near dock if it is free on arrival, else further."""
    problem = low_robot_near_a_taken_dock(until=until)
    plan = dispatch(problem, time_limit_s=0.5, solver=solver)  # type: ignore[arg-type]
    first = plan.routes["low"][0]
    assert (first.kind, first.node) == (StopKind.CHARGE, charger)
    assert validate(problem, plan) == []


def test_plan_charging_books_taken_docks() -> None:
    """OR-Tools' charge stops skip the taken dock; with none free, no charge."""
    _, stops = plan_charging(low_robot_near_a_taken_dock(until=3600.0))
    assert stops["low"].node == "far_charger"
    problem = low_robot_near_a_taken_dock(until=3600.0)
    only_near = replace(problem, chargers=problem.chargers[:1])
    assert plan_charging(only_near)[1] == {}


def test_validate_counts_docks_taken_before_the_plan() -> None:
    """A charge stop on a dock still taken is flagged; one after it frees is not."""
    problem = low_robot_near_a_taken_dock(until=3600.0)
    robot = problem.robots[0]
    stops = schedule(problem, robot, [(StopKind.CHARGE, "charger")]).stops
    plan = Plan({"low": stops}, {"j": UnassignedReason.NOT_SCHEDULED})
    assert [v.rule for v in validate(problem, plan)] == ["dock"]
    freed = low_robot_near_a_taken_dock(until=stops[0].start)
    assert validate(freed, plan) == []


def test_validate_does_not_blame_a_plan_for_docks_overfull_before_it() -> None:
    """Two robots already on a one-dock charger are not the plan's fault."""
    robot = Robot("r", "ward_a", 0.0)
    chargers = [Charger("charger", 1, RATE, occupied_until=(50.0, 60.0))]
    problem = corridor(HALL, [robot], [], chargers=chargers)
    assert validate(problem, Plan({"r": ()}, {})) == []


def test_taken_now_and_dock_free() -> None:
    """Docks free before ``now`` are not taken; a charger without docks fits none."""
    charger = Charger("c", 2, occupied_until=(5.0, 20.0))
    assert taken_now(charger, now=10.0) == [(10.0, 20.0)]
    assert dock_free(taken_now(charger, 10.0), 1, 20.0, 30.0)
    assert not dock_free(taken_now(charger, 10.0), 1, 15.0, 30.0)
    assert not dock_free([], 0, 0.0, 1.0)
