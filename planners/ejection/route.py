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

import numpy as np

from planners.ejection.pairs import Pairs

#: Above any cost or time.
NEVER = np.iinfo(np.int64).max

#: A feasible insertion: added cost, pickup position, drop-off position.
Insertion = tuple[int, int, int]


@dataclass(slots=True)
class Route:
    """Nodes from start (0) to end (1) and their timing (module docstring)."""

    nodes: np.ndarray
    early: np.ndarray
    late: np.ndarray
    load: np.ndarray
    along: np.ndarray
    cost: int

    @property
    def jobs(self) -> list[int]:
        """Job numbers served, in pickup order."""
        return [(int(n) - 2) // 2 for n in self.nodes if n >= 2 and n % 2 == 0]

    def __len__(self) -> int:
        return len(self.nodes) - 2


def timed(pairs: Pairs, nodes: list[int] | np.ndarray) -> Route:
    """A route over ``nodes`` (start and end included) with its timing.

    Earliest starts are ``along[k] + max over m <= k of (lo[m] - along[m])``
    (the latest wait before ``k`` decides), latest starts the mirror image:
    running maxima and minima instead of a loop over the stops."""
    path = np.asarray(nodes, dtype=np.int64)
    legs = pairs.leg[path[:-1], path[1:]]
    along = np.concatenate(([0], np.cumsum(legs)))
    early = along + np.maximum.accumulate(pairs.lo[path] - along)
    late = along + np.minimum.accumulate((pairs.hi[path] - along)[::-1])[::-1]
    return Route(
        path,
        early,
        late,
        np.cumsum(pairs.demand[path]),
        along,
        int(pairs.cost[path[:-1], path[1:]].sum()),
    )


def feasible(pairs: Pairs, route: Route) -> bool:
    """Every start within its window and the load within capacity."""
    return bool(
        np.all(route.early <= pairs.hi[route.nodes])
        and np.all(route.load <= pairs.capacity)
    )


def best_insertion(pairs: Pairs, route: Route, job: int) -> Insertion | None:
    """The cheapest feasible place for job ``job``'s pair in ``route``."""
    pick, drop = 2 + 2 * job, 3 + 2 * job
    nodes, early, late = route.nodes, route.early, route.late
    leg, cost, lo, hi = pairs.leg, pairs.cost, pairs.lo, pairs.hi
    size = pairs.demand[pick]
    before, after = nodes[:-1], nodes[1:]  # gap g lies between them
    at_pick = np.maximum(lo[pick], early[:-1] + leg[before, pick])
    room = route.load[:-1] + size <= pairs.capacity
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
    later = _apart(pairs, route, job, gaps, at_pick[gaps])
    if later is not None:
        found.append(later)
    return min(found) if found else None


def _apart(
    pairs: Pairs, route: Route, job: int, gaps: np.ndarray, at_pick: np.ndarray
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


def inserted(pairs: Pairs, route: Route, job: int, where: Insertion) -> Route:
    """``route`` with job ``job``'s pickup in gap ``where[1]`` and its drop-off
    in gap ``where[2]`` (gap ``g`` lies after position ``g``)."""
    _, i, j = where
    nodes = route.nodes.tolist()
    nodes.insert(j + 1, 3 + 2 * job)
    nodes.insert(i + 1, 2 + 2 * job)
    return timed(pairs, nodes)


def without(pairs: Pairs, route: Route, jobs: set[int]) -> Route:
    """``route`` with the pairs of ``jobs`` taken out."""
    nodes = [n for n in route.nodes.tolist() if n < 2 or (n - 2) // 2 not in jobs]
    return timed(pairs, nodes)
