"""One OR-Tools search on a built model: parameters, warm start, result."""

from __future__ import annotations

from dataclasses import dataclass

from ortools.constraint_solver import pywrapcp, routing_enums_pb2
from ortools.util import optional_boolean_pb2

from planners.ortools.model import RoutingModel
from planners.ortools.routes import Routes, solution_routes, start_assignment

FIRST = routing_enums_pb2.FirstSolutionStrategy
META = routing_enums_pb2.LocalSearchMetaheuristic
BOOL_TRUE = optional_boolean_pb2.BOOL_TRUE
BOOL_FALSE = optional_boolean_pb2.BOOL_FALSE


#: The operators of a hospital snapshot's descent: a pair moved to its cheapest
#: place (the light variant) or swapped with another robot's pair, one stop moved
#: (on-board drop-offs are single stops), and inserting what the warm start leaves
#: out (new requests). On 291 snapshots of the demo day (``bench.snapshot_search``,
#: quiet) its plans cost as much as a descent with every default operator, and 2 %
#: less in all than 0.1 s of guided local search, at 46 ms of CPU a snapshot
#: against 162 and 129; without ``make_active`` new requests stay out
#: (docs/benchmarks.md, "Dispatch: searching a hospital snapshot").
HOSPITAL_OPERATORS = (
    "use_light_relocate_pair",
    "use_exchange_pair",
    "use_relocate",
    "use_make_active",
)


@dataclass(frozen=True, slots=True)
class SearchConfig:
    """How to search: a first-solution strategy, a metaheuristic, and whether to
    spend most of the time removing whole routes (fewest robots first).

    The defaults are Porter's, chosen on the Li & Lim instances (see the package
    docstring); the benchmark's plain peer turns route elimination off.
    """

    first_solution: str = "PARALLEL_CHEAPEST_INSERTION"
    metaheuristic: str = "GUIDED_LOCAL_SEARCH"
    #: Try to empty one route at a time while ``Costs.per_robot`` > 0.
    eliminate_routes: bool = True
    #: First-solution strategy when robots cost (``Costs.per_robot`` > 0).
    fleet_first_solution: str = "PARALLEL_CHEAPEST_INSERTION"
    #: First-solution strategy of the first solve when robots cost and routes
    #: are long (``solve.stops_per_route`` >= ``long_route_stops``): the plain
    #: peer's recipe, whose guided local search under the fixed cost empties
    #: routes and keeps them short there ("" = ``fleet_first_solution``).
    long_first_solution: str = "PATH_CHEAPEST_ARC"
    #: On long routes, OR-Tools' route removal rounds and cold restarts after
    #: the ejection pool (False: none; the time left polishes distance, since
    #: the first solve's guided local search empties routes there itself).
    long_rounds: bool = False
    #: Share of the time limit for the first solve (the rest: route elimination).
    first_share: float = 0.1
    #: ... when routes are long (``solve.stops_per_route`` >= ``long_route_stops``).
    long_first_share: float = 0.5
    long_route_stops: float = 15.0
    #: Share of the elimination's time for each attempt at removing a route.
    attempt_share: float = 0.15
    #: Failed victims in a row (each the next shortest route) before the cold
    #: restarts (GLS from the same routes tends to stall in the same place).
    victims: int = 3
    #: Cost of leaving a job out while removing a route, in longest legs. Huge on
    #: purpose: it also makes guided local search, whose penalties scale with the
    #: objective, shake the routes hard, which is what finds room for the jobs.
    drop_cost: float = 1e6
    #: Attempts per victim, each from the best partial solution so far.
    retries: int = 1
    #: Metaheuristic while a victim's jobs are out.
    eject_metaheuristic: str = "GUIDED_LOCAL_SEARCH"
    #: Once the victims have failed: cold restarts on one robot fewer, one per
    #: first-solution strategy in turn, each ``restart_share`` of the time; a
    #: success resumes elimination.
    restarts: tuple[str, ...] = (
        "PARALLEL_CHEAPEST_INSERTION",
        "LOCAL_CHEAPEST_INSERTION",
    )
    restart_share: float = 0.15
    #: A last cold restart on the robots kept, taken if shorter ("": none).
    final_restart: str = "LOCAL_CHEAPEST_INSERTION"
    #: Stop removing routes at a lower bound on the robots needed
    #: (:mod:`planners.ortools.bound`), leaving the time to distance.
    robot_bound: bool = True
    #: Share of route elimination's time for the ejection pool on plain fleets
    #: (:mod:`planners.ortools.pool`; 0: never).
    pool_share: float = 0.25
    #: The first solve's share on long routes when the pool will run.
    pool_long_first_share: float = 0.2
    #: Insertion tests the pool makes per second of its share: its clock (the
    #: planners read none), set from its measured speed on the 2-core Xeon.
    pool_tests_per_s: float = 4000.0
    #: ``pool_tests_per_s`` on short routes (``solve.stops_per_route`` below
    #: ``long_route_stops``: lc1, lr1, lrc1), where a test is a walk in plain
    #: Python (:func:`planners.ejection.route.walk_insertion`): the pool made
    #: 40,000-49,000 tests a CPU second there at load 3.6 (21,500-31,600 at
    #: load 6.5; lc104 25,000 at load 4), against 6,100-7,700 on long routes:
    #: counted low so that on a quiet core it ends within its share.
    short_pool_tests_per_s: float = 20000.0
    #: ``pool_share`` on short routes (when ``pool_share`` > 0): the pool's
    #: removals grow with its budget there (from the same starts, seeds 0-2:
    #: lc103 10, 10, 10 routes at 100,000 tests, 9, 9, 9 at 250,000; lr111
    #: 11, 11, 11 and 10, 10, 11; lrc108 11, 11, 11 and 11, 10, 10), while
    #: OR-Tools' rounds after it removed a route once in the 56 (lrc101).
    #: 0.4 leaves ruin and recreate the tests it had at 0.25 (two of the
    #: three OR-Tools rounds go); at 0.5 it got a third to two thirds of them
    #: and lc104, lc109 lost their distance (25 %, 21 % over the BKS).
    short_pool_share: float = 0.4
    #: When above 0, the pool's work is counted by the walk
    #: (:mod:`planners.ejection.work`, recreate's count) at this many units a
    #: second of its share, in place of ``pool_tests_per_s`` (0: one a test),
    #: and its victims ranked by the pairs a greedy reinsertion strands
    #: (``PoolConfig.fewest_stranded``).
    pool_units_per_s: float = 0.0
    #: ``pool_units_per_s`` on long routes. Counted one a test at
    #: ``pool_tests_per_s`` (set for numpy) the pool ended after 12-18 % of
    #: its 5.25 s share on lr207, lr211 and lrc202 (0.65-0.96 s of CPU), while
    #: removing a route there takes 150,000-2,800,000 units (lr207's 32 stops:
    #: a median ~800,000; lr211's 44: 1,700,000-2,800,000). By the walk the
    #: pool made 180,000-420,000 units a CPU second there (load 1.3-1.9), so
    #: at recreate's 160,000 it ends within its share. More was tried (the
    #: pool at half of route elimination, both at 240,000, recreate's budget
    #: the same in units): lr207 at 2 robots, but up to 30.7 s an instance
    #: when the machine was slow (docs/benchmarks.md, "Session 8: Li & Lim").
    long_pool_units_per_s: float = 160_000.0
    #: After the pool: OR-Tools' own route removal rounds, and whether the cold
    #: restarts follow (24 instances side by side: 11 robots above the best
    #: known with 3 and restarts, 13-14 with 1 or 3 and none; docs/benchmarks.md).
    victims_after_pool: int = 3
    restarts_after_pool: bool = True
    #: When the pool removed a route: share of the time left after OR-Tools'
    #: rounds for a cold solve on the robots kept (``fleet_first_solution``, in
    #: place of the last restart), taken if shorter; the rest polishes the
    #: shorter plan (0: the last restart and the polish as before). GLS from
    #: the pool's routes stalls in their basin (lrc201 2251.95 at 4 robots).
    pool_cold_share: float = 0.5
    #: On plain fleets, share of the time left before the distance polish for
    #: ruin and recreate on the robots kept (:mod:`planners.ejection.recreate`,
    #: counted at ``recreate_tests_per_s``; 0: none): it crosses the timing wall
    #: that leaves guided local search without a feasible move (lrc201).
    recreate_share: float = 0.8
    #: Units of work a second of ``recreate_share``: its clock, as
    #: ``pool_tests_per_s`` the pool's. An insertion test on a route of ``n``
    #: stops costs ``1 + n * n // 16`` units
    #: (:data:`planners.ejection.recreate_greedy.SQUARE`): it made 240,000-450,000
    #: units a second of CPU on 11 Li & Lim instances (2-core Xeon, the other
    #: core busy), the fewest on lc104's short routes; counted at 160,000 it ends
    #: early (at most ~2/3 of its share) and the polish takes the rest by
    #: OR-Tools' clock. One unit per test at 4,000 a second (session 5) used
    #: 5-70 % of the share: short routes' tests are 10 times cheaper.
    recreate_tests_per_s: float = 160_000.0
    #: Polish distance with the robots' fixed cost in the objective (the
    #: problem's own costs) rather than without it: OR-Tools' guided local search
    #: then moves where, on distance alone, it does not (lr210 from the peer's
    #: 3 robots / 997.37: 964.22 in 12 s with the fixed cost, no move without).
    polish_fixed_cost: bool = True
    #: ``pool_cold_share`` on long routes: none, the fixed-cost polish does
    #: better from the pool's routes there (lrc201 at 4 robots 1866.89 with
    #: the cold solve, 1663.93 without; lr103, lr109 need the cold solve).
    long_pool_cold_share: float = 0.0
    #: Share of the time limit for a second first solve from
    #: ``fleet_first_solution`` when the first one used another strategy; the
    #: better of the two (robots, then distance) goes on (0: none).
    second_start_share: float = 0.0
    #: ``second_start_share`` on long routes: PATH_CHEAPEST_ARC's basin is far
    #: worse on some (lc203 717.65 against 591.17 from insertion).
    long_second_start_share: float = 0.1
    #: Guided local search's lambda (OR-Tools' default: 0.1).
    gls_lambda: float = 0.1
    #: OR-Tools local search operators to switch on beyond its defaults
    #: (``use_*`` fields of ``RoutingSearchParameters.local_search_operators``).
    extra_operators: tuple[str, ...] = ()
    #: When not empty, the only operators switched on (``use_*`` names): every
    #: other one is off. See ``HOSPITAL_OPERATORS``.
    only_operators: tuple[str, ...] = ()
    #: Hospital snapshots (robots cost nothing): the metaheuristic and the
    #: operators of the search, which ends at its own local optimum.
    hospital_metaheuristic: str = "GREEDY_DESCENT"
    hospital_operators: tuple[str, ...] = HOSPITAL_OPERATORS
    name: str = "ortools"


@dataclass(frozen=True, slots=True)
class Outcome:
    routes: Routes
    objective: int
    performed: int


def parameters(
    config: SearchConfig, seconds: float
) -> pywrapcp.DefaultRoutingSearchParameters:
    params = pywrapcp.DefaultRoutingSearchParameters()
    params.first_solution_strategy = getattr(FIRST, config.first_solution)
    params.local_search_metaheuristic = getattr(META, config.metaheuristic)
    params.time_limit.FromMilliseconds(max(1, int(seconds * 1000)))
    params.guided_local_search_lambda_coefficient = config.gls_lambda
    operators = params.local_search_operators
    if config.only_operators:
        for field in operators.DESCRIPTOR.fields:
            setattr(operators, field.name, BOOL_FALSE)
        for operator in config.only_operators:
            setattr(operators, operator, BOOL_TRUE)
    for operator in config.extra_operators:
        setattr(operators, operator, BOOL_TRUE)
    return params


def run(
    model: RoutingModel,
    config: SearchConfig,
    seconds: float,
    initial: Routes | None = None,
) -> Outcome | None:
    """Search for ``seconds``, from ``initial`` routes when they keep every
    constraint (else from OR-Tools' first solution).

    ``None`` when no solution was found in time.
    """
    params = parameters(config, seconds)
    routing = model.routing
    routing.CloseModelWithParameters(params)
    start = start_assignment(model, initial) if initial is not None else None
    found = None
    if start is not None:
        # None at once when the routes break a constraint: then a cold start.
        found = routing.SolveFromAssignmentWithParameters(start, params)
    if found is None:
        found = routing.SolveWithParameters(params)
    if found is None:
        return None
    routes = solution_routes(model, found)
    return Outcome(routes, int(found.ObjectiveValue()), sum(map(len, routes)))
