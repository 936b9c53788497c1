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
- **Fewest robots first** (``per_robot > 0``, the benchmark's objective): a first
  solve (half the limit) with PATH_CHEAPEST_ARC and GLS under the real fixed cost,
  then *route elimination*: drop the robot with the fewest jobs, re-solve on the
  others from their routes (15 % of the limit per attempt) with every job
  optional, keep the result if every job is still served; after two failed
  attempts in a row (on the next shortest route), the rest of the time polishes
  distance on the robots kept. The fixed cost is left out of the re-solves: GLS
  scales its penalties with the objective, and with 1e5 per robot in it GLS
  barely moves once the robots are fixed (lc104 stays at 1084 vs 819 with a cost
  of 10). Leaving a job out costs a huge amount during an attempt: with four
  longest legs no attempt succeeded on lr101 at 10 s; with 1e6, GLS shakes the
  routes hard enough to find room (lr101: 20 -> 19 robots = BKS at 30 s).
- The time split was measured, not guessed. A first full run with a short first
  solve (10 %, PARALLEL_CHEAPEST_INSERTION) and 20 % attempts reached the BKS
  robot count on 52 % of the 56 instances (the plain peer: 48 %) with a 4.4 %
  mean gap there (peer 6.4 %), but beat the peer on only 36 %: on the wide-window
  instances (lr2, lrc2) that short insertion start left one or two robots more
  than the peer's 30 s of PATH_CHEAPEST_ARC + GLS (lr210: 5 vs 3, lrc207: 4 vs
  3), while on tight windows elimination won (lr107, lr111, lrc104). A longer
  PATH_CHEAPEST_ARC first solve fixed lrc207 (3 = BKS), lr210 (3) and lr104 (10
  vs 11 before) at 30 s; trying both starts in the first solve was worse than
  either.
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
