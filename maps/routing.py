"""Routes through a building that honour its zone rules, lifts and doors.

``route(building, start, goal, load=..., robot=..., hour=...)`` answers one trip;
``lift_penalty_s`` adds seconds to the rides of some lifts (the fleet core's
expected extra wait for a car with a queue), so a route may take a quieter car.
A :class:`Router` holds what many queries share: the edge arrays of the
navigation graph, the edge costs per set of rules, the level-by-level overlay
(:mod:`maps.overlay`) and recent shortest-path trees.
:func:`router_for` keeps one router per building, so repeated calls are cheap.

The rules themselves (dirty loads and clean zones, restricted and quiet zones)
live in :mod:`maps.rules`; when no legal route exists :mod:`maps.refusal` names
the rule that blocks the trip.
"""

from __future__ import annotations

import dataclasses
import math
from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from itertools import pairwise
from typing import TypeVar

import numpy as np
from scipy.sparse.csgraph import dijkstra

from maps.graph import edge_table
from maps.legs import LiftLeg, Route, build_route
from maps.model import Building, LoadClass, ZoneKind
from maps.overlay import LevelOverlay, tree_path
from maps.refusal import refusal
from maps.rules import RobotProfile, Rules, edge_times, rules_for

__all__ = ["Penalised", "RobotProfile", "Route", "Router", "route", "router_for"]

_TREES_KEPT = 64
#: Edge costs and overlays kept per router: one per load/robot/hour combination.
_RULES_KEPT = 16
#: Repriced overlays kept per router (only their small portal-to-portal arrays
#: are their own). A hospital day of missions asks ~200 sets of lift penalties,
#: each again and again as queues come and go: 16 missed three routes in four.
_PENALISED_KEPT = 256
_ROUTERS_KEPT = 8
#: Routes kept per router (a mission is often asked again with the same queues).
_ROUTES_KEPT = 1024
#: Rules kept per router by what they were asked for (forgotten all at once when
#: full: a fleet asks a few loads per robot model, and hours only if it passes one).
_RULES_ASKED_KEPT = 512


@dataclass(frozen=True, slots=True)
class Penalised:
    """Rules plus whole seconds added to every ride of some lifts. Hashable."""

    rules: Rules
    #: (lift id, seconds) pairs, sorted; only positive penalties.
    lift_s: tuple[tuple[str, int], ...]


RouteRules = Rules | Penalised


def penalised(rules: Rules, lift_penalty_s: Mapping[str, float] | None) -> RouteRules:
    """``rules`` with the lift penalties (rounded to whole seconds), or ``rules``
    itself when there is none, so unpenalised queries share the usual caches."""
    pairs = tuple(
        sorted(
            (lift, round(seconds))
            for lift, seconds in (lift_penalty_s or {}).items()
            if round(seconds) > 0
        )
    )
    return Penalised(rules, pairs) if pairs else rules


class Router:
    """Shortest legal routes in one building, with per-rules caches.

    Edge costs for a set of rules are computed once (numpy); a query searches the
    start level with scipy's Dijkstra and joins it to the precomputed portal
    trees. The last few trees are kept, so a dispatcher asking many trips from the
    same place pays for one search.
    """

    def __init__(self, building: Building) -> None:
        self.building = building
        self.table = edge_table(building)
        self.edge_of = self.table.edge_of()
        self.quiet_caps = {
            z.id: z.speed_cap_mps for z in building.zones if z.kind == ZoneKind.QUIET
        }
        levels = {
            lv: i for i, lv in enumerate(sorted({w.level for w in building.waypoints}))
        }
        #: Level number of each waypoint (by index).
        self.node_level = np.asarray(
            [levels[w.level] for w in building.waypoints], dtype=np.int32
        )
        self._times: OrderedDict[Rules, np.ndarray] = OrderedDict()
        #: :meth:`rules` by (load, robot, hour).
        self._rules: dict[tuple[object, ...], Rules] = {}
        self._overlays: OrderedDict[Rules, LevelOverlay] = OrderedDict()
        self._trees: OrderedDict[tuple[Rules, int], tuple[np.ndarray, np.ndarray]]
        self._trees = OrderedDict()
        #: Lift edges by lift id (for penalties).
        lift_of = np.asarray([lift or "" for lift in self.table.lift])
        self.lift_edges: dict[str, np.ndarray] = {
            lift.id: np.flatnonzero(lift_of == lift.id) for lift in building.lifts
        }
        # Penalised rules change with the lift queues: their own small caches,
        # so they never push out the dispatcher's matrices' overlays.
        self._pen_times: OrderedDict[Penalised, np.ndarray] = OrderedDict()
        self._pen_overlays: OrderedDict[Penalised, LevelOverlay] = OrderedDict()
        #: Recent routes by (rules with penalties, start, goal): the building never
        #: changes and a lift out of service or queued for is in the penalties, so
        #: a route is a function of its key (routes are immutable values).
        self._routes: OrderedDict[tuple[RouteRules, str, str], Route] = OrderedDict()
        #: Routes by (plain rules, start, goal, path): a trip asked again under
        #: other lift penalties mostly takes the same path, and its legs then
        #: differ only in the rides' seconds (:func:`with_ride_penalties`).
        self._plain_legs: OrderedDict[tuple[Rules, str, str, tuple[int, ...]], Route]
        self._plain_legs = OrderedDict()
        #: :meth:`level_path` by (rules, start, goal); ``None``: the trip rides.
        self._level_paths: OrderedDict[
            tuple[Rules, str, str], tuple[int, ...] | None
        ] = OrderedDict()

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

    def rules(
        self,
        load: str | LoadClass | None = None,
        robot: RobotProfile | None = None,
        hour: float | None = None,
    ) -> Rules:
        """``rules_for(building, load, robot, hour)``, remembered: a pure function
        of immutable values, asked for every route (a mission's, ~4,000 a
        simulated day) with a handful of loads and robots."""
        trip = (load, robot, hour)
        rules = self._rules.get(trip)
        if rules is None:
            if len(self._rules) >= _RULES_ASKED_KEPT:
                self._rules.clear()
            rules = self._rules[trip] = rules_for(self.building, load, robot, hour)
        return rules

    def times(self, rules: RouteRules) -> np.ndarray:
        """Seconds per edge under ``rules`` (``inf``: forbidden). Read-only."""
        if isinstance(rules, Penalised):
            return _remember(
                self._pen_times, rules, lambda: self._penalise(rules), _RULES_KEPT
            )

        def compute() -> np.ndarray:
            times = edge_times(self.table, self.quiet_caps, rules)
            times.setflags(write=False)
            return times

        return _remember(self._times, rules, compute, _RULES_KEPT)

    def _penalise(self, key: Penalised) -> np.ndarray:
        times = self.times(key.rules).copy()
        for lift, seconds in key.lift_s:
            if lift in self.lift_edges:
                times[self.lift_edges[lift]] += seconds
        times.setflags(write=False)
        return times

    def overlay(self, rules: RouteRules) -> LevelOverlay:
        """Level graphs and portal-to-portal times under ``rules`` (cached)."""
        cache: OrderedDict[RouteRules, LevelOverlay] = (
            self._pen_overlays if isinstance(rules, Penalised) else self._overlays  # type: ignore[assignment]
        )

        def make() -> LevelOverlay:
            if isinstance(rules, Penalised):
                # Only ride times differ: reprice the plain rules' overlay.
                base = self.overlay(rules.rules)
                return base.repriced(self.table, self.times(rules))
            return LevelOverlay(self.table, self.node_level, self.times(rules))

        keep = _PENALISED_KEPT if isinstance(rules, Penalised) else _RULES_KEPT
        return _remember(cache, rules, make, keep)

    def tree(self, rules: RouteRules, source: int) -> tuple[np.ndarray, np.ndarray]:
        """Seconds from ``source`` to every waypoint of its level, and predecessors."""
        if isinstance(rules, Penalised):
            # Penalties are on rides, never inside a level: the same tree.
            rules = rules.rules
        graph = self.overlay(rules).level_graph
        return _remember(
            self._trees,
            (rules, source),
            lambda: dijkstra(graph, indices=source, return_predecessors=True),
            _TREES_KEPT,
        )

    def path(self, rules: RouteRules, start: str, goal: str) -> list[int] | None:
        """The quickest legal waypoint path (indices), or ``None``."""
        s, g = self.table.node_index[start], self.table.node_index[goal]
        overlay = self.overlay(rules)
        times, predecessors = self.tree(rules, s)
        best, entry, exit_ = _one_trip(overlay, times, g)
        if not math.isfinite(best):
            return None
        if entry < 0:
            return tree_path(predecessors, s, g)
        portals = overlay.portals
        path = tree_path(predecessors, s, int(portals[entry]))
        for a, b in pairwise(overlay.portal_path(entry, exit_)):
            if overlay.hop_is_ride[a, b]:
                path.append(int(portals[b]))
            else:
                hop = tree_path(
                    overlay.portal_pred[a], int(portals[a]), int(portals[b])
                )
                path.extend(hop[1:])
        last = tree_path(overlay.portal_pred[exit_], int(portals[exit_]), g)
        return path + last[1:]

    def route(
        self,
        start: str,
        goal: str,
        *,
        load: str | LoadClass | None = None,
        robot: RobotProfile | None = None,
        hour: float | None = None,
        lift_penalty_s: Mapping[str, float] | None = None,
    ) -> Route:
        """The quickest legal route; :class:`NoRouteError` names the blocking rule.

        ``lift_penalty_s``: seconds added to each ride of a lift (by id); the
        route's lift legs include them, as they include the expected wait.
        """
        rules = self.rules(load, robot, hour)
        key = penalised(rules, lift_penalty_s)
        trip = (key, start, goal)
        found = self._routes.get(trip)
        if found is not None:
            self._routes.move_to_end(trip)
            return found
        start_wp, goal_wp = self.waypoint_of(start), self.waypoint_of(goal)
        timed_by: RouteRules = key
        path = None
        if key is not rules:
            # Penalties only lengthen rides: a trip that stays on its level
            # without them stays there with them, along the same path, and its
            # legs (no ride) cost the same under either rules.
            path = self.level_path(rules, start_wp, goal_wp)
            timed_by = rules
        if path is None:
            path, timed_by = self.path(key, start_wp, goal_wp), key
        if path is None:
            raise refusal(self, rules, start, goal, load, robot, hour)
        plain = _remember(
            self._plain_legs,
            (rules, start, goal, tuple(path)),
            lambda: build_route(self, rules, start, goal, path),
            _ROUTES_KEPT,
        )
        found = plain
        if isinstance(timed_by, Penalised):
            found = with_ride_penalties(plain, timed_by.lift_s)
        return _remember(self._routes, trip, lambda: found, _ROUTES_KEPT)

    def level_path(self, rules: Rules, start: str, goal: str) -> list[int] | None:
        """The quickest legal path under ``rules`` if it stays on the start level
        (no lift penalty can then change it), else ``None``.

        A penalty adds to rides only (:meth:`_penalise`), so every time through a
        portal grows or stays, while the time on the level does not change;
        :func:`_one_trip` stays on the level when that is no slower.
        """
        trip = (rules, start, goal)
        if trip in self._level_paths:
            # A pure function of the trip (the building never changes).
            self._level_paths.move_to_end(trip)
            known = self._level_paths[trip]
            return None if known is None else list(known)
        s, g = self.table.node_index[start], self.table.node_index[goal]
        times, predecessors = self.tree(rules, s)
        best, entry, _ = _one_trip(self.overlay(rules), times, g)
        path = None
        if entry < 0 and math.isfinite(best):
            path = tree_path(predecessors, s, g)
        self._level_paths[trip] = None if path is None else tuple(path)
        if len(self._level_paths) > _ROUTES_KEPT:
            self._level_paths.popitem(last=False)
        return path


def _one_trip(
    overlay: LevelOverlay, times: np.ndarray, goal: int
) -> tuple[float, int, int]:
    """:meth:`LevelOverlay.combine` for one source (level ``times`` from it) and
    one goal: the same sums, the same ties (lowest portal slots, staying on the
    level when no quicker), without the 3-D arrays a matrix needs (a mission's
    route is one trip; numpy's overhead, not arithmetic, was its cost)."""
    direct = float(times[goal])
    if len(overlay.portals) == 0:
        return direct, -1, -1
    # reach[entry, exit]: to the entry portal on the level, then portal to portal.
    reach = times[overlay.portals][:, None] + overlay.between
    via = reach.min(axis=0) + overlay.portal_time[:, goal]
    exit_ = int(np.argmin(via))
    if direct <= via[exit_]:
        return direct, -1, -1
    return float(via[exit_]), int(np.argmin(reach[:, exit_])), exit_


def with_ride_penalties(route: Route, lift_s: tuple[tuple[str, int], ...]) -> Route:
    """``route`` (built under plain rules) as :func:`build_route` builds it under
    the same rules with ``lift_s`` added to the rides (:meth:`Router._penalise`).

    Penalties add whole seconds to lift edges only, so drive and door legs keep
    their seconds and each ride gains its lift's penalty, the same float sum
    ``_penalise`` makes per edge; the route's time is summed again leg by leg.
    """
    extra = dict(lift_s)
    if not any(isinstance(leg, LiftLeg) and leg.lift in extra for leg in route.legs):
        return route
    legs = tuple(
        dataclasses.replace(leg, time_s=leg.time_s + extra[leg.lift])
        if isinstance(leg, LiftLeg) and leg.lift in extra
        else leg
        for leg in route.legs
    )
    return dataclasses.replace(route, legs=legs, time_s=sum(leg.time_s for leg in legs))


K = TypeVar("K")
V = TypeVar("V")


def _remember(cache: OrderedDict[K, V], key: K, make: Callable[[], V], keep: int) -> V:
    """``cache[key]``, made by ``make()`` if missing; only the last ``keep`` kept."""
    value = cache.get(key)
    if value is not None:
        cache.move_to_end(key)
        return value
    value = cache[key] = make()
    if len(cache) > keep:
        cache.popitem(last=False)
    return value


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
    lift_penalty_s: Mapping[str, float] | None = None,
) -> Route:
    """The quickest legal route from ``start`` to ``goal`` (place or waypoint ids).

    ``load`` is an item category (``"waste"``, ``"medication"``...) or a
    :class:`LoadClass`; ``robot`` brings capabilities, speed and whether it may
    ride lifts (``None``: no capabilities, lane speeds, lifts allowed); ``hour``
    decides which quiet zones are in force (``None``: all, the safe assumption);
    ``lift_penalty_s`` adds seconds to every ride of the lifts it names (the
    caller's expected extra wait for a busy car; ``maps`` itself knows no queue).
    Raises :class:`~maps.errors.NoRouteError` naming the rule that blocks, and
    ``ValueError`` for an unknown place, waypoint or load.
    """
    return router_for(building).route(
        start, goal, load=load, robot=robot, hour=hour, lift_penalty_s=lift_penalty_s
    )
