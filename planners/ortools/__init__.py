"""The OR-Tools dispatcher: the one package of Porter that imports ``ortools``.

``solve_ortools(problem, *, time_limit_s, seed, previous, config) -> Plan | None``
(``None``: nothing found in time; :func:`planners.dispatch.dispatch` then falls back
to greedy). Modules: ``model`` (the routing model and its approximations; its
nodes and numbers in ``nodes``, its rules in ``constraints``), ``search`` (one
OR-Tools search), ``solve`` (the phases), ``eliminate`` (route elimination),
``pool`` (the ejection pool of :mod:`planners.ejection` as a phase), ``bound`` (a
lower bound on robots), ``routes`` (warm starts and the plan), ``precheck`` (who
may carry what), ``charging`` (charge stops decided before the search).

How it searches, and why (measured on the Li & Lim 100-task instances at 10-30 s on
the 2-core Xeon, one thread, CPU shared with other engineers at a load average of
7-9; full tables in docs/benchmarks.md):

- **A descent when robots cost nothing** (hospital default, ``per_robot = 0``,
  session 4): from the previous plan when there is one (new jobs appended where
  they cost least, ``routes.complete_routes``; ``RoutesToAssignment`` then
  ``SolveFromAssignmentWithParameters``; a plan that no longer fits falls back to
  PARALLEL_CHEAPEST_INSERTION), GREEDY_DESCENT with four operators
  (``search.HOSPITAL_OPERATORS``: light pair relocation, pair exchange, stop
  relocation, insertion of what is out) to its local optimum. It stops by itself,
  so the plan does not depend on the clock; the time limit only bounds a descent
  that would run longer (300 open jobs). Session 3 ran GUIDED_LOCAL_SEARCH capped
  by the clock (0.01 s + 1 ms a waiting job), which made simulated days differ
  from run to run. On the demo day's snapshots (``bench.snapshot_search``) the
  descent's plans cost no more than 0.1 s of guided local search with every
  default operator, in about a third of its CPU time; a descent with every
  default operator is as good and 3.5 times slower (the LNS and chain operators
  cost the most to prove a local optimum); without ``make_active`` new requests
  stay out.
- **Fewest robots first** (``per_robot > 0``, the benchmark's objective): a first
  solve (PARALLEL_CHEAPEST_INSERTION + GLS) with the real fixed cost, for 10 % of
  the limit, or half of it when routes can be long (``solve.stops_per_route``
  >= 15: Li & Lim's lc2/lr2/lrc2 have 18-26, the tight sets 4-10; there the
  fixed-cost search itself removes robots that elimination does not: lr203,
  lrc208 4 -> 3 at load 11); then route elimination
  (:mod:`planners.ortools.eliminate`): drop the robot with the fewest jobs,
  re-solve on the others from their routes (15 % of the rest per attempt) with
  every job optional at a huge cost (1e6 longest legs: GLS, whose penalties
  scale with the objective, then shakes the routes hard, which is what finds
  room: lr101 20 -> 19); after three failed victims in a row, cold restarts on one
  robot fewer (PARALLEL_CHEAPEST_INSERTION, then LOCAL_CHEAPEST_INSERTION, 15 %
  each), since GLS from the same routes stalls in the same place whatever its
  time; a last LOCAL_CHEAPEST_INSERTION restart on the robots kept is taken if
  shorter; the rest polishes distance. Elimination stops at a lower bound on
  the robots (:mod:`planners.ortools.bound`: pairwise clashing jobs, equal to
  the best known on lr101-103, lc101, lrc105). The fixed cost is left out of
  the removal re-solves but, since session 4, kept in the final polish: that
  GLS barely moves without it (below).
- **Ejection pool first on plain fleets** (session 3; interchangeable robots,
  plain deliveries with hard windows: Li & Lim's shape, never the hospital's):
  after the first solve, :mod:`planners.ejection` removes routes outside
  OR-Tools (the shortest route's pairs go to a pool; each is inserted where it
  adds least distance, or pairs with the fewest past failures are ejected from
  one route to make room, then random relocations perturb the routes), for
  ``pool_share`` (40 %) of elimination's time, counted in insertion tests, not
  seconds (``pool_tests_per_s``), and pair relocation shortens its routes;
  then OR-Tools' own elimination goes on from its routes (three rounds, the
  cold restarts, the last restart, the polish with what is left). On long
  routes the first solve then gets 20 % of the time, not half. Measured side
  by side on 24 hard instances at load 2-6 (docs/benchmarks.md, "search
  trials on subsets", session 3): BKS robot count on 12-13 of 24 against 9,
  11-13 robots above it against 17 (lr104, lr202, lr210, lrc206, lrc207 reach
  the best-known count in some runs), but longer routes where the pool removed
  a robot (GLS from its routes stalls: lrc201 2251.95 at 4 robots, 7 s of
  polish gave 0.04 %), and lr111 one robot worse (11 vs 10) in every run.
  So when the pool has removed a route, half the time left after OR-Tools'
  rounds goes to a cold solve on the robots kept (PARALLEL_CHEAPEST_INSERTION
  + GLS, in place of the last restart), taken if it serves every job and is
  shorter; the rest polishes (``pool_cold_share``; lr210 at 3 robots 1485.83 ->
  1066.56, no robot lost on six instances; lrc201's cold solve leaves one job
  out at 4 robots, so its 2251.95 stays; docs/benchmarks.md, "distance after
  the pool").
- **Long routes take the peer's recipe** (session 4; ``stops_per_route`` >= 15,
  robots cost): the first solve is PATH_CHEAPEST_ARC + GLS under the fixed
  cost (``long_first_solution``), the plain peer's own search; a second cold
  solve from PARALLEL_CHEAPEST_INSERTION (``long_second_start_share``, 10 %)
  is kept instead when better (robots, then distance); after the ejection pool
  no OR-Tools rounds, restarts or cold solve (``long_rounds``,
  ``long_pool_cold_share``): the rest polishes. Why Porter's routes were long
  there: (1) *the polish did not move*: GLS on distance alone, warm from good
  routes, stalls (lr210 at 3 robots: 997.37 after 12 s, unchanged), while the
  same search with the robots' fixed cost in the objective (the problem's own
  costs, ``polish_fixed_cost``) reaches 964.22 = BKS in the same 12 s; OR-Tools'
  GLS penalties grow with the objective, so without the 1e5 per robot they are
  too small to leave a local optimum; the 1e6 drop cost played no part (the
  polish from the pool's routes gave 1367823 with and without it, lr209);
  (2) *no time was left for it*: after the pool, three failed OR-Tools rounds
  and the last restart took every second (lr203: 0 s of polish; in the
  session-3 full run the rounds after the pool removed no route on any of the
  56 instances); (3) *the start*: PCI + GLS for 6 s gives lr209 4 robots and
  the pool then packs 3 long ones (1561.84, 1367.82 after 12 s of polish),
  while PATH_CHEAPEST_ARC + GLS for 6 s gives lrc207 3 / 1062.05 (BKS), lr210
  3 / 997.37, lr203 3 / 964.94. Subset of seven (30 s, one thread, load
  2.5-2.8), session-3 full run -> now: lr203 13.7 -> 0.48 %, lr205 11.4 ->
  3.9 %, lr209 49.2 -> 18.1 %, lr210 36.9 -> 0.0 %, lrc201 60.1 -> 32.7 %
  (18.3 % without the cold solve after the pool), lrc207 4 robots -> 3 at
  0.0 %, lrc208 34.5 -> 2.4 %. The second start rescues the instances where
  PATH_CHEAPEST_ARC's basin is bad (lc203 21.4 -> 0.0 %, lr206 56.4 -> 0.0 %;
  load 2-4). Full run at bb4998d (before the second start; load 3.2-6.1):
  BKS robots 73.2 % (was 67.9), gap there 6.67 % (8.27), better than the
  peer 55.4 % (44.6); the 27 long instances again with the second start (load
  1.7-2.0): lr2 9/11 at the BKS count, mean gap 3.66 % (was 7/11, 18.8 %),
  lrc2 6/8, 16.6 % (5/8, 22.5 %); lrc201 (60 %) and lrc203 (37 %) stay in a
  basin the polish does not leave. On short routes the cold solve after the pool
  stays (lr103 4.4 % with it, 12.4 % without; lr109 3.3 against 17.7).
  The pool's budget is now 25 % of elimination's time at 4,000 tests a second
  (was 40 % at 2,500: the same number of tests), measured at 4,600-5,600 a
  second on the quiet Xeon, so the seconds it used to leave unused (at most
  25.4 s of 30) go to OR-Tools (26-27.5 s at load 2); under load it overruns
  (mean 31.1 s, max 42.9 s in the full run at load 3-6). On long routes
  (session 8) the pool's work is counted by the walk's steps, as recreate's
  (:mod:`planners.ejection.work`, ``long_pool_units_per_s``): per test it had
  ended after 12-18 % of its share on lr207, lr211 and lrc202; there it also
  removes first the route whose pairs a greedy reinsertion strands least
  (lrc202 4 -> 3 robots).
- **Ruin and recreate before the polish** (session 5, plain fleets, robots
  cost; :mod:`planners.ejection.recreate`, after Ropke & Pisinger): the polish
  was not in a basin but at a wall. On lrc201 the pool's 4 routes are timed so
  tightly that no single move is feasible (3 s of polish: 2.1 million
  neighbours, 19 past OR-Tools' filters), and eight other OR-Tools searches
  from there (more operators, simulated annealing, 9.15's iterated local
  search with SISR or random-walk ruin) stayed at 2251.95 for 8 s each.
  Removing 4-15 related or random pairs at once and reinserting them by
  regret crosses it; ``recreate_share`` (80 %) of the time left after
  OR-Tools' rounds, counted in insertion tests (``recreate_tests_per_s``),
  kept only when shorter on no more robots. lrc201 60 -> 7 %, lc104 25 ->
  0.2 %, lr209 6.4 -> 0 %; over the 56 (load 2-6) the mean gap where the
  robots match the BKS went 4.53 -> 0.92 % (docs/benchmarks.md, "Session 5:
  Li & Lim").
- Last full run (56 instances, 30 s, load 7-9, before eliminate/bound/restarts):
  BKS robot count on 52 % (plain peer 48 %), 4.4 % mean distance gap there
  (peer 6.4 %), better than the peer on 36 %; weak on long routes (lc2/lr2/lrc2:
  48 % at BKS against the peer's 67 %).
- Measured on subsets, side by side with the old default at load 4-7
  (docs/benchmarks.md, "search trials on subsets"): never more robots, and
  shorter routes where routes are long (lrc207 4 -> 3 robots at 0.22 % over the
  BKS, lr203 1118.88 -> 960.41); the tight-window failures are unchanged (lr104
  11 vs BKS 9, lr109 13 vs 11, once 12; lrc105 14 vs 13; lc104 26 % over), and
  the old default gave them to the cent at every load from 4 to 11: the search
  stalls there, it is not starved.
- Tried and dropped this session: *squeezing* the victim (each of its stops
  costing a longest leg, nothing dropped: walks it down to a few jobs, then
  stalls; no gain), giving the first solve on long routes half the time
  with the peer's start (session 4: lr202 0.7 % but lrc202 one robot more),
  shorter and more numerous attempts (attempt share 0.07-0.1,
  6-10 victims: same or worse), PATH_CHEAPEST_ARC for the first half of the time
  (7-9 robots on lr2 against 4-5 with insertion at load 9-11), GENERIC_TABU
  while a victim's jobs are out (lrc105 15 -> 14 once, otherwise no better), two
  retries from the best partial solution (no gain), two victims before the
  restarts instead of three (lr111 10 -> 11).
  Earlier: iterated local search with SISR ruin-and-recreate (no change at 10 s
  on lc104, lrc201), TABU_SEARCH and SIMULATED_ANNEALING instead of GLS (no
  better), GLS lambda 0.02 / 0.5 (no change), OR-Tools' extra insertion
  operators (fewer eliminations on lr110), a per-robot cost of one or three
  longest legs in the first solve (no change). ``SearchConfig`` keeps each of
  these one argument away (``gls_lambda``, ``extra_operators``, ``retries``,
  ``eject_metaheuristic``, ``restarts``...).
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
