"""Searching level by level: the trick that makes big buildings fast.

Levels are joined only by lift rides, so a shortest path is: drive on the start
level to a lift car (a *portal*), go portal to portal (rides, and drives between
cars of one level), then drive from a portal on the goal level to the goal; or
stay on one level. :class:`LevelOverlay` precomputes, for one set of rules, the
trees from every portal within its level and the quickest portal-to-portal times
over the whole building (a graph of a few dozen nodes). A query then searches
only the start level: about a tenth of a 10-level building.

Both routes and matrices choose among equally quick ways the same way (the
lowest portal indices, staying on the level on a tie), so a route and a matrix
cell always describe the same path.
"""

from __future__ import annotations

import numpy as np
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import dijkstra

from maps.graph import EdgeTable


class LevelOverlay:
    """Level graphs, portal trees and portal-to-portal times for one set of rules."""

    def __init__(self, table: EdgeTable, node_level: np.ndarray, times: np.ndarray):
        n = len(table.nodes)
        allowed = np.isfinite(times)
        inside = node_level[table.src] == node_level[table.dst]
        self._inside = inside
        level_edges = allowed & inside
        weights = np.maximum(times, 1e-9)
        #: Edges within one level: a search here never leaves its level.
        self.level_graph = _csr(table, level_edges, weights, n)
        cross = np.flatnonzero(allowed & ~inside)
        ends = np.unique(np.concatenate([table.src[cross], table.dst[cross]]))
        #: Waypoint index of each portal (lift car stops with a usable ride).
        self.portals = ends.astype(np.int64)
        self.portal_time = np.zeros((0, n))
        self.portal_pred = np.zeros((0, n), dtype=np.int32)
        if len(self.portals):
            self.portal_time, self.portal_pred = dijkstra(
                self.level_graph, indices=self.portals, return_predecessors=True
            )
        self._link(table, cross, weights)

    def repriced(self, table: EdgeTable, times: np.ndarray) -> LevelOverlay:
        """This overlay with other ride times (a lift's expected wait added).

        Rides join levels and never run inside one, so the level graphs and the
        portal trees (most of the work) stay; only portal-to-portal times change.
        ``times`` must allow the same edges as the ones this overlay was made for.
        """
        other = object.__new__(LevelOverlay)
        other.level_graph = self.level_graph
        other.portals, other.portal_time = self.portals, self.portal_time
        other.portal_pred, other._inside = self.portal_pred, self._inside
        cross = np.flatnonzero(np.isfinite(times) & ~self._inside)
        other._link(table, cross, np.maximum(times, 1e-9))
        return other

    def _link(self, table: EdgeTable, cross: np.ndarray, weights: np.ndarray) -> None:
        """Portal-to-portal hops (rides, drives on a level) and their closure."""
        count = len(self.portals)
        ride = np.full((count, count), np.inf)
        # Portals are sorted (np.unique): a search finds each ride's two slots.
        a = np.searchsorted(self.portals, table.src[cross])
        b = np.searchsorted(self.portals, table.dst[cross])
        np.minimum.at(ride, (a, b), weights[cross])
        #: The hop between portals i -> j: a ride (True) or a drive on one level.
        self.hop_is_ride = np.isfinite(ride)
        drive = self.portal_time[:, self.portals] if count else ride
        direct = np.minimum(ride, drive)
        self.hop_is_ride &= ride <= drive
        rows, cols = np.nonzero(np.isfinite(direct) & ~np.eye(count, dtype=bool))
        hops = csr_matrix(
            (np.maximum(direct[rows, cols], 1e-9), (rows, cols)), shape=(count, count)
        )
        #: Quickest portal-to-portal times over the building, and predecessors.
        self.between, self.between_pred = dijkstra(hops, return_predecessors=True)

    def combine(
        self, from_source: np.ndarray, to_target: np.ndarray, direct: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Best times source -> target, and the portals (entry, exit) used.

        ``from_source`` is (sources × portals) level times to each portal,
        ``to_target`` (portals × targets) level times from each portal, ``direct``
        (sources × targets) level times straight there. Entry and exit are -1
        where staying on the level is best.
        """
        if len(self.portals) == 0:
            none = np.full(direct.shape, -1)
            return direct, none, none
        reach = from_source[:, :, None] + self.between[None, :, :]
        entry_for_exit = np.argmin(reach, axis=1)
        to_exit = np.take_along_axis(reach, entry_for_exit[:, None, :], axis=1)[:, 0]
        via = to_exit[:, :, None] + to_target[None, :, :]
        exit_ = np.argmin(via, axis=1)
        best_via = np.take_along_axis(via, exit_[:, None, :], axis=1)[:, 0]
        entry = np.take_along_axis(entry_for_exit, exit_, axis=1)
        stay = direct <= best_via
        times = np.where(stay, direct, best_via)
        return times, np.where(stay, -1, entry), np.where(stay, -1, exit_)

    def portal_path(self, entry: int, exit_: int) -> list[int]:
        """Portal slots from ``entry`` to ``exit_`` along the quickest hops."""
        slots = [exit_]
        while slots[-1] != entry:
            slots.append(int(self.between_pred[entry, slots[-1]]))
        slots.reverse()
        return slots


def _csr(table: EdgeTable, keep: np.ndarray, weights: np.ndarray, n: int) -> csr_matrix:
    return csr_matrix((weights[keep], (table.src[keep], table.dst[keep])), shape=(n, n))


def tree_path(predecessors: np.ndarray, source: int, target: int) -> list[int]:
    """Waypoint indices from ``source`` to ``target`` along a shortest-path tree."""
    path = [target]
    while path[-1] != source:
        path.append(int(predecessors[path[-1]]))
    path.reverse()
    return path
