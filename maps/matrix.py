"""Travel-time matrices between places: what the dispatcher reads.

``TravelTimes(building).matrix(nodes, load=..., capabilities=..., hour=...)`` gives
the quickest legal travel time (s) and the distance driven along that route (m)
between every ordered pair of ``nodes`` (place or waypoint ids), ``inf`` where the
rules leave no route. One Dijkstra (scipy) per source on its own level, joined to
the lift portals by :class:`~maps.overlay.LevelOverlay`, exactly as single routes
are; the result is cached per nodes and rules (the last :data:`MATRICES_KEPT`: a
fleet's snapshots name a new set of nodes at almost every re-plan, so an unbounded
cache grew all day), and its arrays are read-only because they are shared.

``maps`` knows nothing of the planners: the fleet core and the simulator turn a
:class:`PlaceMatrix` into the planners' own ``TravelMatrix``.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import pairwise

import numpy as np
from scipy.sparse.csgraph import dijkstra

from maps.graph import EdgeTable
from maps.model import Building, LoadClass
from maps.overlay import LevelOverlay
from maps.routing import Router, router_for
from maps.rules import RobotProfile, Rules, rules_for

#: Sources per Dijkstra batch: bounds memory to a few (batch × waypoints) arrays.
_BATCH = 64
#: Matrices a :class:`TravelTimes` keeps, least recently used dropped first.
MATRICES_KEPT = 256


@dataclass(frozen=True, slots=True)
class PlaceMatrix:
    """Travel ``times`` (s) and ``distances`` (m) from row node to column node."""

    nodes: tuple[str, ...]
    times: np.ndarray
    distances: np.ndarray
    _index: dict[str, int] = field(default_factory=dict, init=False, repr=False)

    def __post_init__(self) -> None:
        self._index.update({node: i for i, node in enumerate(self.nodes)})

    def index(self, node: str) -> int:
        return self._index[node]

    def time(self, origin: str, destination: str) -> float:
        return float(self.times[self._index[origin], self._index[destination]])

    def distance(self, origin: str, destination: str) -> float:
        return float(self.distances[self._index[origin], self._index[destination]])


class TravelTimes:
    """Cached travel-time matrices of one building, per nodes and routing rules."""

    def __init__(self, building: Building, *, speedup: float = 1.0) -> None:
        """``speedup``: the building's robots, lifts and doors all run that many
        times faster (a sped-up virtual world): every time is divided by it, once,
        before the matrix is cached; distances stay the building's."""
        if speedup <= 0:
            raise ValueError(f"speedup is {speedup}; must be > 0")
        self.speedup = speedup
        self.router: Router = router_for(building)
        self._cache: OrderedDict[tuple[tuple[str, ...], Rules, bool], PlaceMatrix] = (
            OrderedDict()
        )

    def matrix(
        self,
        nodes: tuple[str, ...] | list[str] | None = None,
        *,
        load: str | LoadClass | None = None,
        capabilities: frozenset[str] = frozenset(),
        hour: float | None = None,
        robot: RobotProfile | None = None,
        distances: bool = True,
    ) -> PlaceMatrix:
        """Times and distances between ``nodes`` (default: every place).

        ``capabilities`` is a shorthand for a robot profile with them; pass
        ``robot`` instead to set speed or lift access too. ``distances=False``
        skips the distances (left ``nan``), which cost about as much as the times.
        """
        building = self.router.building
        nodes = tuple(p.id for p in building.places) if nodes is None else tuple(nodes)
        robot = robot or RobotProfile(capabilities=frozenset(capabilities))
        rules = rules_for(building, load, robot, hour)
        # A matrix with distances also answers a request without them.
        for with_distances in (True, distances):
            if (key := (nodes, rules, with_distances)) in self._cache:
                self._cache.move_to_end(key)
                return self._cache[key]
        found = self._compute(nodes, rules, distances)
        self._cache[(nodes, rules, distances)] = found
        if len(self._cache) > MATRICES_KEPT:
            self._cache.popitem(last=False)
        return found

    def load_times(
        self,
        nodes: tuple[str, ...],
        loads: Iterable[str],
        capabilities: frozenset[str] = frozenset(),
    ) -> tuple[dict[str, np.ndarray], np.ndarray]:
        """Times per load class over ``nodes`` (``"standard"``: no load, and
        the other ``loads`` in the order given) and the standard distances: what
        a dispatch snapshot reads, as :meth:`matrix` gives them."""
        standard = self.matrix(nodes, capabilities=capabilities)
        times = {"standard": standard.times}
        for load in loads:
            times[load] = self.matrix(
                nodes, load=load, capabilities=capabilities, distances=False
            ).times
        return times, standard.distances

    def _compute(
        self, nodes: tuple[str, ...], rules: Rules, with_distances: bool
    ) -> PlaceMatrix:
        router, table = self.router, self.router.table
        columns = np.asarray(
            [table.node_index[router.waypoint_of(n)] for n in nodes], dtype=np.int64
        )
        sources, rows_of = np.unique(columns, return_inverse=True)
        overlay = router.overlay(rules)
        legs = _OverlayLengths(overlay, table, columns) if with_distances else None
        times = np.empty((len(sources), len(nodes)))
        distances = np.full((len(sources), len(nodes)), np.nan)
        batch_size = _batch_size(len(overlay.portals), len(nodes))
        for lo in range(0, len(sources), batch_size):
            batch = slice(lo, lo + batch_size)
            seconds, predecessors = dijkstra(
                overlay.level_graph, indices=sources[batch], return_predecessors=True
            )
            times[batch], entry, exit_ = overlay.combine(
                seconds[:, overlay.portals],
                overlay.portal_time[:, columns],
                seconds[:, columns],
            )
            if legs is not None:
                distances[batch] = legs.along(predecessors, entry, exit_)
        times, distances = times[rows_of], distances[rows_of]
        if self.speedup != 1.0:
            times = times / self.speedup
        distances[np.isinf(times)] = np.inf
        times.setflags(write=False)
        distances.setflags(write=False)
        return PlaceMatrix(nodes, times, distances)


def _batch_size(portals: int, targets: int) -> int:
    """Sources per batch, so the (sources × portals × targets) sums stay small."""
    return int(
        max(1, min(_BATCH, 4_000_000 // max(1, portals * max(portals, targets))))
    )


class _OverlayLengths:
    """Metres along the paths :meth:`LevelOverlay.combine` chooses."""

    def __init__(self, overlay: LevelOverlay, table: EdgeTable, columns: np.ndarray):
        self.lengths = _lengths_by_pair(
            table.src, table.dst, table.length_m, len(table.nodes)
        )
        self.overlay, self.columns = overlay, columns
        portals = overlay.portals
        self.from_portal = _distances_to(overlay.portal_pred, columns, self.lengths)
        between_levels = _distances_to(overlay.portal_pred, portals, self.lengths)
        count = len(portals)
        self.between = np.zeros((count, count))
        for a in range(count):
            for b in range(count):
                if a != b and np.isfinite(overlay.between[a, b]):
                    hops = pairwise(overlay.portal_path(a, b))
                    self.between[a, b] = sum(
                        0.0 if overlay.hop_is_ride[u, v] else between_levels[u, v]
                        for u, v in hops
                    )

    def along(
        self, predecessors: np.ndarray, entry: np.ndarray, exit_: np.ndarray
    ) -> np.ndarray:
        """Metres for one batch of sources, from its level trees and choices."""
        targets = np.concatenate([self.columns, self.overlay.portals])
        metres = _distances_to(predecessors, targets, self.lengths)
        count = len(self.columns)
        direct, to_portal = metres[:, :count], metres[:, count:]
        if to_portal.shape[1] == 0:
            return direct
        e, x = np.maximum(entry, 0), np.maximum(exit_, 0)
        rows = np.arange(len(direct))[:, None]
        cols = np.arange(count)[None, :]
        via = to_portal[rows, e] + self.between[e, x] + self.from_portal[x, cols]
        return np.where(entry < 0, direct, via)


@dataclass(frozen=True, slots=True)
class _PairLengths:
    """Edge lengths looked up by ``src * n + dst`` (sorted keys)."""

    keys: np.ndarray
    length_m: np.ndarray


def _lengths_by_pair(
    src: np.ndarray, dst: np.ndarray, length: np.ndarray, n: int
) -> _PairLengths:
    keys = src.astype(np.int64) * n + dst
    order = np.argsort(keys)
    return _PairLengths(keys[order], length[order])


def _distances_to(
    predecessors: np.ndarray, columns: np.ndarray, lengths: _PairLengths
) -> np.ndarray:
    """Metres from each tree's root to each node of ``columns``, along the tree.

    All the (root, column) walks step back to their predecessors together, one
    vectorised step per edge of the longest path, dropping walks that are done.
    """
    count, n = predecessors.shape
    offset = (np.arange(count, dtype=np.int64) * n)[:, None]
    parent = predecessors.astype(np.int64)
    parent = np.where(parent < 0, -1, parent + offset).ravel()
    # Only nodes in a tree have a step; trees cover one level, a small share.
    in_tree = np.flatnonzero(parent >= 0)
    keys = (parent[in_tree] % n) * n + in_tree % n
    at = np.minimum(np.searchsorted(lengths.keys, keys), len(lengths.keys) - 1)
    step = np.zeros(parent.shape)
    step[in_tree] = lengths.length_m[at]
    here = (offset + columns[None, :]).ravel()
    total = np.zeros(here.shape)
    walking = np.flatnonzero(parent[here] >= 0)
    while len(walking):
        at_node = here[walking]
        total[walking] += step[at_node]
        here[walking] = parent[at_node]
        walking = walking[parent[here[walking]] >= 0]
    return total.reshape(count, len(columns))
