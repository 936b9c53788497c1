"""The OR-Tools dispatcher: the one package of Porter that imports ``ortools``.

``solve_ortools(problem, *, time_limit_s, seed, previous, config) -> Plan | None``
(``None``: nothing found in time; :func:`planners.dispatch.dispatch` then falls back
to greedy). Modules: ``model`` (the routing model and its approximations),
``search`` (one OR-Tools search), ``solve`` (phases and route elimination),
``routes`` (warm starts and the plan), ``precheck`` (who may carry what),
``charging`` (charge stops decided before the search).

How it searches, and why (measured on the Li & Lim 100-task instances on the
2-core Xeon, one thread, CPU shared with other work; figures in
docs/benchmarks.md):

- **One search when robots cost nothing** (hospital default, ``per_robot = 0``):
  PARALLEL_CHEAPEST_INSERTION, then GUIDED_LOCAL_SEARCH for the whole limit, from
  the previous plan when there is one (``ReadAssignmentFromRoutes`` then
  ``SolveFromAssignmentWithParameters``). Insertion builds pickup-and-delivery
  routes far better than arc-based starts under tight windows (PATH_CHEAPEST_ARC
  was 3 to 28 % longer on lc104, lc204, lr204, lrc104 at 30 s, and as often a
  robot more).
- **Fewest robots first** (``per_robot > 0``, the benchmark's objective): a short
  first solve (10 % of the limit) with the real fixed cost, then *route
  elimination*: drop the robot with the fewest jobs, re-solve on the others from
  their routes (20 % of the limit per attempt) with every job optional, and keep
  the result if every job is still served; after three failed attempts in a row
  (each on the next shortest route), the rest of the time polishes distance on
  the robots kept. The fixed cost is left out of the re-solves because GLS scales
  its penalties with the objective: with a fixed cost of 1e5 per robot in the
  objective GLS barely moves (lc104 stays at 1084 vs 819 with a cost of 10), which
  is also why a plain "large fixed cost + GLS" configuration keeps one or two
  robots too many. Leaving a job out costs a huge amount during an attempt: with a
  cost of four longest legs no attempt succeeded on lr101 at 10 s; with 1e6, GLS
  shakes the routes hard enough to find room (lr101: 20 -> 19 robots = BKS).
- Tried and dropped: iterated local search with SISR ruin-and-recreate (no
  change at all at 10 s on lc104, lrc201), TABU_SEARCH and SIMULATED_ANNEALING
  instead of GLS (no better), GLS lambda 0.02 / 0.5 (no change), OR-Tools'
  extra insertion operators (inactive LNS, swap-active...: fewer eliminations on
  lr110), a per-robot cost of one or three longest legs in the first solve (no
  change), longer first solves (30 %: fewer eliminations).
- One solver thread: the routing search is single-threaded (the CP-SAT
  ``number_of_workers`` knob does not apply; routing has none in 9.15), as the
  fleet service runs the dispatcher in one worker thread.

``SetAllowedVehiclesForIndex`` rejects every Python sequence in ortools 9.15
(``absl::Span`` binding), so capabilities restrict each pickup's vehicle variable.
"""

from __future__ import annotations

from planners.ortools.search import SearchConfig
from planners.ortools.solve import PORTER, solve_ortools

__all__ = ["PORTER", "SearchConfig", "solve_ortools"]
