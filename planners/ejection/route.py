"""One robot's route with the times that make pair insertion cheap to test.

For each position: the earliest start of service (``early``, forward), the
latest start that keeps the rest of the route feasible (``late``, backward), the
load after the stop, and the time from the route's start along it (``along``).
Inserting a pickup at ``i`` and its drop-off at ``j >= i`` (before the stops now
at those positions) is then checked for every ``(i, j)`` at once with numpy: the
stops between the two are pushed later by at most a shift that
``late``/``along`` bound, and the load between them grows by the job's size.
Earliest-start timing is exact here: windows are hard and nothing limits how
long a load rides.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import pairwise

import numpy as np

from planners.ejection.pairs import Pairs

#: Above any cost or time.
NEVER = np.iinfo(np.int64).max

#: A feasible insertion: added cost, pickup position, drop-off position.
Insertion = tuple[int, int, int]

#: Routes of at most this many nodes (start and end included) are tested by a
#: walk in plain Python, longer ones by numpy (every place at once): a numpy
#: test costs 0.12-0.3 ms whatever the length (its call overhead), a walk grows
#: with the stops between a pickup and the drop-offs that still fit. On Li &
#: Lim's long routes the walk is the faster by 1.6-6 times (2-core Xeon, load
#: 4-5, per test: 30-42 stops 20-90 us against 130-185; lr204's 50 stops with
#: wide windows 110-120 us against 180), so it takes every route of the
#: 100-task instances; numpy keeps the longer ones, where the walk's square grows.
WALK_STOPS = 64


@dataclass(slots=True)
class Route:
    """Nodes from start (0) to end (1) and their timing (module docstring), as
    Python lists; the numpy views are built when asked for (the long routes'
    vectorised test, callers that slice nodes)."""

    stops: list[int]
    starts: list[int]
    latest: list[int]
    loads: list[int]
    alongs: list[int]
    cost: int

    @property
    def nodes(self) -> np.ndarray:
        return np.array(self.stops, dtype=np.int64)

    @property
    def early(self) -> np.ndarray:
        return np.array(self.starts, dtype=np.int64)

    @property
    def late(self) -> np.ndarray:
        return np.array(self.latest, dtype=np.int64)

    @property
    def load(self) -> np.ndarray:
        return np.array(self.loads, dtype=np.int64)

    @property
    def along(self) -> np.ndarray:
        return np.array(self.alongs, dtype=np.int64)

    @property
    def jobs(self) -> list[int]:
        """Job numbers served, in pickup order."""
        return [(n - 2) // 2 for n in self.stops if n >= 2 and n % 2 == 0]

    def __len__(self) -> int:
        return len(self.stops) - 2


def timed(pairs: Pairs, nodes: list[int] | np.ndarray) -> Route:
    """A route over ``nodes`` (start and end included) with its timing.

    Earliest starts forward (``max(lo, previous start + leg)``), latest starts
    backward (``min(hi, next latest - leg)``), in plain Python: on the routes of
    6-40 stops the pool builds, a loop is faster than numpy's calls (and
    conditional expressions than ``max``/``min`` calls)."""
    path = [int(n) for n in nodes]
    legs, costs, lo, hi, demand = (
        pairs.legs,
        pairs.costs,
        pairs.lows,
        pairs.highs,
        pairs.demands,
    )
    first = path[0]
    along, early, load = [0], [lo[first]], [demand[first]]
    t, walked, held, cost = lo[first], 0, demand[first], 0
    for a, b in pairwise(path):
        leg = legs[a][b]
        walked += leg
        t += leg
        opens = lo[b]
        if t < opens:
            t = opens
        held += demand[b]
        cost += costs[a][b]
        along.append(walked)
        early.append(t)
        load.append(held)
    late = [0] * len(path)
    t = late[-1] = hi[path[-1]]
    for k in range(len(path) - 2, -1, -1):
        n = path[k]
        t -= legs[n][path[k + 1]]
        closes = hi[n]
        if t > closes:
            t = closes
        late[k] = t
    return Route(path, early, late, load, along, cost)


def feasible(pairs: Pairs, route: Route) -> bool:
    """Every start within its window and the load within capacity."""
    return bool(
        np.all(route.early <= pairs.hi[route.nodes])
        and np.all(route.load <= pairs.capacity)
    )


def best_insertion(pairs: Pairs, route: Route, job: int) -> Insertion | None:
    """The cheapest feasible place for job ``job``'s pair in ``route``: the
    least added cost, then the earliest pickup gap, then the earliest drop-off
    gap (both ways give the same answer; the walk is faster on short routes)."""
    if len(route.stops) <= WALK_STOPS:
        return walk_insertion(pairs, route, job)
    return _vector_insertion(pairs, route, job)


def _vector_insertion(pairs: Pairs, route: Route, job: int) -> Insertion | None:
    """:func:`best_insertion` with numpy: every pair of gaps at once."""
    pick, drop = 2 + 2 * job, 3 + 2 * job
    nodes, early, late = route.nodes, route.early, route.late
    leg, cost, lo, hi = pairs.leg, pairs.cost, pairs.lo, pairs.hi
    size = pairs.demand[pick]
    arrays = _Arrays(nodes, early, late, route.load, route.along)
    before, after = nodes[:-1], nodes[1:]  # gap g lies between them
    at_pick = np.maximum(lo[pick], early[:-1] + leg[before, pick])
    room = arrays.load[:-1] + size <= pairs.capacity
    gaps = np.flatnonzero((at_pick <= hi[pick]) & room)
    if gaps.size == 0:
        return None
    found: list[Insertion] = []
    # the drop-off right after the pickup, in the same gap
    at_drop = np.maximum(lo[drop], at_pick[gaps] + leg[pick, drop])
    fits = (at_drop <= hi[drop]) & (at_drop + leg[drop, after[gaps]] <= late[gaps + 1])
    if fits.any():
        added = (
            cost[before[gaps], pick] + cost[pick, drop] + cost[drop, after[gaps]]
            - cost[before[gaps], after[gaps]]
        )  # fmt: skip
        added = np.where(fits, added, NEVER)
        best = int(np.argmin(added))
        found.append((int(added[best]), int(gaps[best]), int(gaps[best])))
    later = _apart(pairs, arrays, job, gaps, at_pick[gaps])
    if later is not None:
        found.append(later)
    return min(found) if found else None


@dataclass(frozen=True, slots=True)
class _Arrays:
    """A route's numpy views, built once per vectorised test."""

    nodes: np.ndarray
    early: np.ndarray
    late: np.ndarray
    load: np.ndarray
    along: np.ndarray


def _apart(
    pairs: Pairs, route: _Arrays, job: int, gaps: np.ndarray, at_pick: np.ndarray
) -> Insertion | None:
    """Pickup in gap ``i`` (of ``gaps``), drop-off in a later gap ``j``."""
    pick, drop = 2 + 2 * job, 3 + 2 * job
    nodes, early, late, along = route.nodes, route.early, route.late, route.along
    leg, cost, lo, hi = pairs.leg, pairs.cost, pairs.lo, pairs.hi
    count = len(nodes) - 1  # gaps 0 .. count-1; gap g is before nodes[g + 1]
    # early starts only grow along a route: past `last` the drop-off is too late
    last = min(count - 1, int(np.searchsorted(early, hi[drop], side="right")) - 1)
    keep = gaps < last
    gaps, at_pick = gaps[keep], at_pick[keep]
    if gaps.size == 0:
        return None
    i = gaps[:, None]
    j = np.arange(int(gaps[0]) + 1, last + 1)[None, :]
    upper = j > i
    # the stop after the pickup starts at `first`; stops i+1..j are pushed to
    # max(early, first + along - along[i+1]); each must still start in time
    first = np.maximum(lo[nodes[gaps + 1]], at_pick + leg[pick, nodes[gaps + 1]])
    slack = (hi[nodes] - along)[j[0]]  # per position
    span = np.minimum.accumulate(np.where(upper, slack, NEVER), 1)
    pushed = first - along[gaps + 1]
    ok = upper & (pushed[:, None] <= span)
    load = np.where(upper, route.load[j[0]], 0)
    ok &= np.maximum.accumulate(load, axis=1) + pairs.demand[pick] <= pairs.capacity
    if not ok.any():
        return None
    rows, cols = np.nonzero(ok)
    cols = cols + int(j[0, 0])
    prior = nodes[cols]  # the stop before the drop-off's gap
    start = np.maximum(early[cols], pushed[rows] + along[cols])
    at_drop = np.maximum(lo[drop], start + leg[prior, drop])
    fits = (at_drop <= hi[drop]) & (
        at_drop + leg[drop, nodes[cols + 1]] <= late[cols + 1]
    )
    if not fits.any():
        return None
    rows, cols, prior = rows[fits], cols[fits], prior[fits]
    a, b = nodes[gaps[rows]], nodes[gaps[rows] + 1]
    c = nodes[cols + 1]
    added = (
        cost[a, pick] + cost[pick, b] - cost[a, b]
        + cost[prior, drop] + cost[drop, c] - cost[prior, c]
    )  # fmt: skip
    best = int(np.argmin(added))
    return int(added[best]), int(gaps[rows[best]]), int(cols[best])


def walk_insertion(pairs: Pairs, route: Route, job: int) -> Insertion | None:
    """:func:`best_insertion` by a walk: for each pickup gap, the stops after it
    are pushed one by one (the drop-off tried in each gap) until a stop, the
    load or the drop-off's window no longer allows it."""
    return counted_walk(pairs, route, job)[0]


def counted_walk(pairs: Pairs, route: Route, job: int) -> tuple[Insertion | None, int]:
    """:func:`walk_insertion` and the steps it took (pickup gaps and pushed
    stops visited): its work, which grows with the route's length where windows
    are wide and stays small where they are tight."""
    pick, drop = 2 + 2 * job, 3 + 2 * job
    legs, costs, lo, hi = pairs.legs, pairs.costs, pairs.lows, pairs.highs
    nodes, early, late, load = route.stops, route.starts, route.latest, route.loads
    room = pairs.capacity - pairs.demands[pick]
    lo_pick, hi_pick, lo_drop, hi_drop = lo[pick], hi[pick], lo[drop], hi[drop]
    to_drop, from_drop, cost_drop = legs[pick][drop], legs[drop], costs[drop]
    best: Insertion | None = None
    least = NEVER
    end = len(nodes) - 1
    steps = 0
    for i in range(end):
        steps += 1
        if early[i] > hi_pick:
            break  # earliest starts only grow along a route
        a, b = nodes[i], nodes[i + 1]
        at_pick = early[i] + legs[a][pick]
        if at_pick < lo_pick:
            at_pick = lo_pick
        if at_pick > hi_pick or load[i] > room:
            continue
        cost_a = costs[a]
        opened = cost_a[pick] + costs[pick][b] - cost_a[b]
        at_drop = at_pick + to_drop
        if at_drop < lo_drop:
            at_drop = lo_drop
        if at_drop <= hi_drop and at_drop + from_drop[b] <= late[i + 1]:
            added = cost_a[pick] + costs[pick][drop] + cost_drop[b] - cost_a[b]
            if added < least:
                least, best = added, (added, i, i)
        t = at_pick + legs[pick][b]  # start at stop i + 1, pushed
        if t < lo[b]:
            t = lo[b]
        k = i  # the pushed stops visited: k - i (the loop variable after it)
        for k in range(i + 1, end):
            n = nodes[k]
            if t > hi[n] or load[k] > room or t > hi_drop:
                break
            c = nodes[k + 1]
            at_drop = t + legs[n][drop]
            if at_drop < lo_drop:
                at_drop = lo_drop
            if at_drop <= hi_drop and at_drop + from_drop[c] <= late[k + 1]:
                added = opened + costs[n][drop] + cost_drop[c] - costs[n][c]
                if added < least:
                    least, best = added, (added, i, k)
            t += legs[n][c]
            if t < lo[c]:
                t = lo[c]
        steps += k - i
    return best, steps


def inserted(pairs: Pairs, route: Route, job: int, where: Insertion) -> Route:
    """``route`` with job ``job``'s pickup in gap ``where[1]`` and its drop-off
    in gap ``where[2]`` (gap ``g`` lies after position ``g``)."""
    _, i, j = where
    nodes = list(route.stops)
    nodes.insert(j + 1, 3 + 2 * job)
    nodes.insert(i + 1, 2 + 2 * job)
    return timed(pairs, nodes)


def without(pairs: Pairs, route: Route, jobs: set[int]) -> Route:
    """``route`` with the pairs of ``jobs`` taken out."""
    nodes = [n for n in route.stops if n < 2 or (n - 2) // 2 not in jobs]
    return timed(pairs, nodes)
