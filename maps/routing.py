"""Routes through a building that honour its zone rules, lifts and doors.

``route(building, start, goal, load=..., robot=..., hour=...)`` answers one trip.
A :class:`Router` holds what many queries share: the edge arrays of the
navigation graph, the edge costs per set of rules, and recent shortest-path trees.
:func:`router_for` keeps one router per building, so repeated calls are cheap.

The rules themselves (dirty loads and clean zones, restricted and quiet zones)
live in :mod:`maps.rules`; when no legal route exists :mod:`maps.refusal` names
the rule that blocks the trip.
"""

from __future__ import annotations

from collections import OrderedDict

import numpy as np
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import dijkstra

from maps.graph import edge_table
from maps.legs import Route, build_route
from maps.model import Building, LoadClass, ZoneKind
from maps.rules import RobotProfile, Rules, edge_times, rules_for

__all__ = ["RobotProfile", "Route", "Router", "route", "router_for"]

_TREES_KEPT = 64
_ROUTERS_KEPT = 8


class Router:
    """Shortest legal routes in one building, with per-rules caches.

    Edge costs for a set of rules are computed once (numpy) and searched with
    scipy's Dijkstra; the last few shortest-path trees are kept, so a dispatcher
    asking many trips from the same place pays for one search.
    """

    def __init__(self, building: Building) -> None:
        self.building = building
        self.table = edge_table(building)
        self.edge_of = self.table.edge_of()
        self.quiet_caps = {
            z.id: z.speed_cap_mps for z in building.zones if z.kind == ZoneKind.QUIET
        }
        self._times: dict[Rules, np.ndarray] = {}
        self._graphs: dict[Rules, csr_matrix] = {}
        self._trees: OrderedDict[tuple[Rules, int], tuple[np.ndarray, np.ndarray]]
        self._trees = OrderedDict()

    def waypoint_of(self, location: str) -> str:
        """The waypoint of a place id, or the waypoint id itself."""
        if self.building.has_place(location):
            return self.building.place(location).waypoint
        if location in self.table.node_index:
            return location
        raise ValueError(
            f"{self.building.source or self.building.name}: "
            f"no place or waypoint named {location!r}"
        )

    def times(self, rules: Rules) -> np.ndarray:
        """Seconds per edge under ``rules`` (``inf``: forbidden). Read-only."""
        if rules not in self._times:
            times = edge_times(self.table, self.quiet_caps, rules)
            times.setflags(write=False)
            self._times[rules] = times
        return self._times[rules]

    def graph(self, rules: Rules) -> csr_matrix:
        """The allowed edges under ``rules`` as a sparse matrix of seconds."""
        if rules not in self._graphs:
            times = self.times(rules)
            ok = np.isfinite(times)
            # A zero-length lane still costs a hair, so the edge is not dropped.
            weights = np.maximum(times[ok], 1e-9)
            n = len(self.table.nodes)
            self._graphs[rules] = csr_matrix(
                (weights, (self.table.src[ok], self.table.dst[ok])), shape=(n, n)
            )
        return self._graphs[rules]

    def tree(self, rules: Rules, source: int) -> tuple[np.ndarray, np.ndarray]:
        """Seconds from ``source`` to every waypoint, and the predecessors."""
        key = (rules, source)
        if key in self._trees:
            self._trees.move_to_end(key)
            return self._trees[key]
        found = dijkstra(self.graph(rules), indices=source, return_predecessors=True)
        self._trees[key] = found
        if len(self._trees) > _TREES_KEPT:
            self._trees.popitem(last=False)
        return found

    def path(self, rules: Rules, start: str, goal: str) -> list[int] | None:
        """The quickest legal waypoint path (indices), or ``None``."""
        s, g = self.table.node_index[start], self.table.node_index[goal]
        times, predecessors = self.tree(rules, s)
        if not np.isfinite(times[g]):
            return None
        path = [g]
        while path[-1] != s:
            path.append(int(predecessors[path[-1]]))
        path.reverse()
        return path

    def route(
        self,
        start: str,
        goal: str,
        *,
        load: str | LoadClass | None = None,
        robot: RobotProfile | None = None,
        hour: float | None = None,
    ) -> Route:
        """The quickest legal route; :class:`NoRouteError` names the blocking rule."""
        rules = rules_for(self.building, load, robot, hour)
        start_wp, goal_wp = self.waypoint_of(start), self.waypoint_of(goal)
        path = self.path(rules, start_wp, goal_wp)
        if path is None:
            from maps.refusal import refusal

            raise refusal(self, rules, start, goal, load, robot, hour)
        return build_route(self, rules, start, goal, path)


_routers: OrderedDict[int, tuple[Building, Router]] = OrderedDict()


def router_for(building: Building) -> Router:
    """The cached :class:`Router` of ``building`` (kept for the last few buildings).

    Buildings are immutable, so a router never goes stale; the cache holds the
    building itself so its ``id`` cannot be reused while cached.
    """
    key = id(building)
    if key in _routers and _routers[key][0] is building:
        _routers.move_to_end(key)
        return _routers[key][1]
    router = Router(building)
    _routers[key] = (building, router)
    if len(_routers) > _ROUTERS_KEPT:
        _routers.popitem(last=False)
    return router


def route(
    building: Building,
    start: str,
    goal: str,
    *,
    load: str | LoadClass | None = None,
    robot: RobotProfile | None = None,
    hour: float | None = None,
) -> Route:
    """The quickest legal route from ``start`` to ``goal`` (place or waypoint ids).

    ``load`` is an item category (``"waste"``, ``"medication"``...) or a
    :class:`LoadClass`; ``robot`` brings capabilities, speed and whether it may
    ride lifts (``None``: no capabilities, lane speeds, lifts allowed); ``hour``
    decides which quiet zones are in force (``None``: all, the safe assumption).
    Raises :class:`~maps.errors.NoRouteError` naming the rule that blocks, and
    ``ValueError`` for an unknown place, waypoint or load.
    """
    return router_for(building).route(start, goal, load=load, robot=robot, hour=hour)
