"""Problems and plans cross to the planner process by pickle: the same values
come back, compiled (porter_native) or not."""

from __future__ import annotations

import pickle

import numpy as np
from hypothesis import HealthCheck, given, settings

from planners.greedy import dispatch_greedy
from planners.problem import DispatchProblem
from tests.planners.strategies import dispatch_problems


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(dispatch_problems())
def test_a_problem_and_its_plan_come_back_equal(problem: DispatchProblem) -> None:
    back = pickle.loads(pickle.dumps(problem))
    assert back.robots == problem.robots and back.jobs == problem.jobs
    assert back.chargers == problem.chargers and back.costs == problem.costs
    assert back.travel.nodes == problem.travel.nodes
    for load, times in problem.travel.times.items():
        assert np.array_equal(back.travel.times[load], times)
    assert back.travel.index(problem.travel.nodes[-1]) == len(problem.travel.nodes) - 1
    plan = dispatch_greedy(problem)
    assert pickle.loads(pickle.dumps(plan)) == plan

