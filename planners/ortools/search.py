"""One OR-Tools search on a built model: parameters, warm start, result."""

from __future__ import annotations

from dataclasses import dataclass

from ortools.constraint_solver import pywrapcp, routing_enums_pb2

from planners.ortools.model import RoutingModel
from planners.ortools.routes import Routes, read_routes, solution_routes

FIRST = routing_enums_pb2.FirstSolutionStrategy
META = routing_enums_pb2.LocalSearchMetaheuristic


@dataclass(frozen=True, slots=True)
class SearchConfig:
    """How to search: a first-solution strategy, a metaheuristic, and whether to
    spend part of the time removing whole routes (fewest robots first)."""

    first_solution: str = "PARALLEL_CHEAPEST_INSERTION"
    metaheuristic: str = "GUIDED_LOCAL_SEARCH"
    #: Try to empty one route at a time while ``Costs.per_robot`` > 0.
    eliminate_routes: bool = True
    #: Share of the time limit for the first solve (the rest: route elimination).
    first_share: float = 0.3
    #: Share of the time limit for each attempt at removing a route.
    attempt_share: float = 0.15
    #: Victims tried (the routes with fewest jobs) after a failed attempt.
    victims: int = 2
    #: Iterated local search with ruin-and-recreate instead of the metaheuristic:
    #: "" (off), "sisr" (slack induction by string removals) or "default".
    ils: str = ""
    #: Simulated-annealing start temperature of the ILS acceptance (cost units).
    ils_temperature: float = 100.0
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
    if config.ils:
        params.use_iterated_local_search = True
        ils = params.iterated_local_search_parameters
        if config.ils == "sisr":
            ruin = ils.ruin_recreate_parameters.ruin_strategies.add()
            ruin.sisr.max_removed_sequence_size = 10
            ruin.sisr.avg_num_removed_visits = 10
            ruin.sisr.bypass_factor = 0.01
        annealing = ils.reference_solution_acceptance_strategy.simulated_annealing
        annealing.initial_temperature = config.ils_temperature
    return params


def run(
    model: RoutingModel,
    config: SearchConfig,
    seconds: float,
    initial: Routes | None = None,
) -> Outcome | None:
    """Search for ``seconds``, from ``initial`` routes when they are readable.

    ``None`` when no solution was found in time.
    """
    params = parameters(config, seconds)
    routing = model.routing
    routing.CloseModelWithParameters(params)
    start = read_routes(model, initial) if initial is not None else None
    if start is not None:
        found = routing.SolveFromAssignmentWithParameters(start, params)
    else:
        found = routing.SolveWithParameters(params)
    if found is None:
        return None
    routes = solution_routes(model, found)
    return Outcome(routes, int(found.ObjectiveValue()), sum(map(len, routes)))
