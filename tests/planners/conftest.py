"""Small named problems on a corridor, shared by the planner tests."""

from __future__ import annotations

import pytest

from planners.problem import Charger, DispatchProblem, Job, Priority, Robot
from tests.planners.strategies import corridor

#: ward A at 0 m, pharmacy at 10 m, ward B at 30 m, lab at 60 m, charger at 5 m
WING = {"ward_a": 0.0, "charger": 5.0, "pharmacy": 10.0, "ward_b": 30.0, "lab": 60.0}


@pytest.fixture
def wing_two_robots() -> DispatchProblem:
    """Two robots at ward A and the lab, two routine pharmacy deliveries."""
    robots = [
        Robot("r1", "ward_a", 0.0, capacity=2),
        Robot("r2", "lab", 0.0, capacity=2),
    ]
    jobs = [
        Job("j1", "pharmacy", "ward_b", priority=Priority.ROUTINE, created_at=0.0),
        Job("j2", "pharmacy", "lab", priority=Priority.ROUTINE, created_at=1.0),
    ]
    return corridor(WING, robots, jobs, chargers=[Charger("charger", docks=1)])
