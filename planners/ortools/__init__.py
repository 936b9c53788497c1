"""The OR-Tools dispatcher: the one package of Porter that imports ``ortools``.

``solve_ortools(problem, *, time_limit_s, seed, previous, config) -> Plan | None``
(``None``: nothing found in time; :func:`planners.dispatch.dispatch` then falls back
to greedy). Modules: ``model`` (the routing model and its approximations),
``search`` (one OR-Tools search), ``solve`` (phases and route elimination),
``routes`` (warm starts and the plan), ``precheck`` (who may carry what),
``charging`` (charge stops decided before the search).

How it searches, and why (measured on the Li & Lim 100-task instances at 10-30 s on
the 2-core Xeon, one thread, CPU shared with other engineers at a load average of
7-9; full tables in docs/benchmarks.md):

- **One search when robots cost nothing** (hospital default, ``per_robot = 0``):
  PARALLEL_CHEAPEST_INSERTION, then GUIDED_LOCAL_SEARCH for the whole limit, from
  the previous plan when there is one (``ReadAssignmentFromRoutes`` then
  ``SolveFromAssignmentWithParameters``; a plan that no longer fits, e.g. a window
  has passed, falls back to a cold start). Insertion is OR-Tools' recommended
  start for pickup-and-delivery; it was also the better short start below.
- **Fewest robots first** (``per_robot > 0``, the benchmark's objective): a short
  first solve (10 % of the limit, PARALLEL_CHEAPEST_INSERTION + GLS) with the real
  fixed cost, then *route elimination*: drop the robot with the fewest jobs,
  re-solve on the others from their routes (20 % of the limit per attempt) with
  every job optional, keep the result if every job is still served; after three
  failed attempts in a row (on the next shortest routes), the rest of the time
  polishes distance on the robots kept. The fixed cost is left out of the
  re-solves: GLS scales its penalties with the objective, and with 1e5 per robot
  in it GLS barely moves once the robots are fixed (lc104 stays at 1084 vs 819
  with a cost of 10). Leaving a job out costs a huge amount during an attempt:
  with four longest legs no attempt succeeded on lr101 at 10 s; with 1e6, GLS
  shakes the routes hard enough to find room (lr101: 20 -> 19 robots = BKS).
- Full runs at 30 s (56 instances; docs/benchmarks.md): this configuration
  reached the BKS robot count on 52 % (plain peer 48 %), 4.4 % mean distance gap
  there (peer 6.4 %), better than the peer on 36 %: strong on tight windows
  (lc1/lr1/lrc1: 55 % at BKS vs 31 %), weak on wide ones (lc2/lr2/lrc2: 48 % vs
  67 %), where 3 s of insertion leaves a robot or two that elimination does not
  recover (lr210: 5 vs 3). Starting instead with the peer's PATH_CHEAPEST_ARC +
  GLS for half the limit fixed lr210 and lrc207 in isolation but was worse over
  the full set (25 % at BKS, better than the peer on 16 %; heavier CPU load in
  that run), and trying both starts in the first solve was worse than either.
  ``fleet_first_solution``, ``first_share`` and ``attempt_share`` keep both
  configurations one argument away.
- Tried and dropped: iterated local search with SISR ruin-and-recreate (no
  change at all at 10 s on lc104, lrc201), TABU_SEARCH and SIMULATED_ANNEALING
  instead of GLS (no better), GLS lambda 0.02 / 0.5 (no change), OR-Tools'
  extra insertion operators (inactive LNS, swap-active...: fewer eliminations on
  lr110), a per-robot cost of one or three longest legs in the first solve (no
  change).
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
