"""How the OR-Tools dispatcher searches when robots cost: bound, elimination, knobs."""

from __future__ import annotations

from planners.ortools import SearchConfig, solve_ortools
from planners.ortools.bound import fewest_robots
from planners.ortools.search import parameters
from planners.ortools.solve import stops_per_route
from planners.problem import Costs, DispatchProblem, Job, Robot
from planners.validate import validate
from tests.planners.strategies import corridor

HALL = {"depot": 0.0, "a": 10.0, "b": 20.0, "c": 30.0, "d": 40.0}
FLEET_COSTS = Costs(per_robot=1e4, completion_per_s={})


def depot_fleet(jobs: list[Job], robots: int = 4) -> DispatchProblem:
    """Alike robots at the depot that must return there; robots cost."""
    fleet = [
        Robot(f"r{k}", "depot", 0.0, capacity=4, end="depot") for k in range(robots)
    ]
    return corridor(HALL, fleet, jobs, costs=FLEET_COSTS)


def test_bound_counts_jobs_that_cannot_share_a_robot() -> None:
    """Two jobs due at the same moment at opposite ends need two robots."""
    jobs = [
        Job("east", "a", "d", due_at=40.0, due_is_hard=True),
        Job("west", "b", "a", due_at=30.0, due_is_hard=True),
        Job("easy", "b", "c"),
    ]
    assert fewest_robots(depot_fleet(jobs), jobs) == 2


def test_bound_is_one_when_robots_differ() -> None:
    """Robots that are not interchangeable: no bound is claimed."""
    jobs = [
        Job("east", "a", "d", due_at=40.0, due_is_hard=True),
        Job("west", "b", "a", due_at=30.0, due_is_hard=True),
    ]
    problem = depot_fleet(jobs)
    mixed = (problem.robots[0], Robot("odd", "b", 0.0, capacity=1, end="depot"))
    assert fewest_robots(corridor(HALL, mixed, jobs, costs=FLEET_COSTS), jobs) == 1


def test_elimination_serves_every_job_with_fewest_robots() -> None:
    """Loose windows: one robot can do it all, so the plan uses one robot."""
    jobs = [Job(f"j{k}", a, b) for k, (a, b) in enumerate(["ab", "bc", "cd", "da"])]
    problem = depot_fleet(jobs)
    plan = solve_ortools(problem, time_limit_s=1.0)
    assert plan is not None
    assert validate(problem, plan) == []
    assert plan.unassigned == {}
    assert sum(1 for stops in plan.routes.values() if stops) == 1


def test_elimination_stops_at_the_bound_and_keeps_every_job() -> None:
    """Two clashing jobs: two robots, every job served, with or without restarts."""
    jobs = [
        Job("east", "a", "d", due_at=40.0, due_is_hard=True),
        Job("west", "b", "a", due_at=30.0, due_is_hard=True),
        Job("easy", "b", "c"),
    ]
    problem = depot_fleet(jobs)
    for config in (SearchConfig(), SearchConfig(restarts=(), robot_bound=False)):
        plan = solve_ortools(problem, time_limit_s=0.5, config=config)
        assert plan is not None
        assert validate(problem, plan) == []
        assert plan.unassigned == {}
        assert sum(1 for stops in plan.routes.values() if stops) == 2


def test_stops_per_route_grows_with_the_horizon() -> None:
    """A later last deadline lets a route hold more stops."""
    tight = depot_fleet([Job("j", "a", "b", due_at=100.0)])
    loose = depot_fleet([Job("j", "a", "b", due_at=1000.0)])
    assert stops_per_route(loose) == 10 * stops_per_route(tight)


def test_parameters_carry_lambda_and_extra_operators() -> None:
    """SearchConfig's knobs reach OR-Tools' search parameters."""
    config = SearchConfig(gls_lambda=0.3, extra_operators=("use_path_lns",))
    params = parameters(config, 1.0)
    assert params.guided_local_search_lambda_coefficient == 0.3
    assert params.local_search_operators.use_path_lns == 3  # BOOL_TRUE


def test_only_operators_switches_every_other_operator_off() -> None:
    """``only_operators`` (the hospital descent's) leaves exactly those on."""
    chosen = ("use_relocate", "use_make_active")
    operators = parameters(SearchConfig(only_operators=chosen), 1.0)
    on = {
        field.name
        for field in operators.local_search_operators.DESCRIPTOR.fields
        if getattr(operators.local_search_operators, field.name) == 3  # BOOL_TRUE
    }
    assert on == set(chosen)


def test_bound_matrix_agrees_with_the_timeline() -> None:
    """The all-pairs check says what planners.timeline says for each pair."""
    from itertools import combinations

    from planners.ortools import bound
    from planners.timeline import jobs_by_id

    jobs = [
        Job("east", "a", "d", due_at=40.0, due_is_hard=True),
        Job("west", "b", "a", due_at=30.0, due_is_hard=True, size=3),
        Job("late", "c", "b", ready_at=50.0, dropoff_ready_at=70.0),
        Job("big", "d", "c", size=2, pickup_latest=45.0, pickup_service_s=5.0),
        Job("easy", "b", "c", dropoff_service_s=3.0),
    ]
    problem = depot_fleet(jobs)
    robot, by_id = problem.robots[0], jobs_by_id(problem)
    matrix = bound._share_matrix(problem, robot, jobs)
    assert matrix is not None
    for (i, a), (k, b) in combinations(enumerate(jobs), 2):
        assert matrix[i, k] == bound._share(problem, robot, a.id, b.id, by_id)
