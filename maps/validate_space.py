"""The spatial checks of validation: zone polygons and rules, and reachability.

Reachability uses a topology-only directed graph (lanes in their directions, lifts
in service between all their stops); the routing graph of :mod:`maps.graph` adds
costs and zone rules on top, so a place reachable here may still be closed to a
given load or robot.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

import networkx as nx
from shapely.geometry import Polygon
from shapely.validation import explain_validity

from maps.errors import MapProblem
from maps.model import Building, Place, Zone, ZoneKind


def zone_problems(building: Building) -> Iterator[MapProblem]:
    """Polygons that are not simple areas, and rules that cannot be applied."""
    levels = {level.id for level in building.levels}
    for zone in building.zones:
        element = f"zone {zone.id}"
        messages = list(_polygon_messages(zone))
        if zone.level not in levels:
            messages.append(f"level '{zone.level}' does not exist")
        messages.extend(_rule_messages(zone))
        for message in messages:
            yield MapProblem(building.source, zone.level, element, message)


def _polygon_messages(zone: Zone) -> Iterator[str]:
    if len(zone.polygon) < 3:
        yield f"polygon has {len(zone.polygon)} corner(s); a zone needs at least 3"
        return
    polygon = Polygon(zone.polygon)
    if not polygon.is_valid:
        yield f"polygon is not a simple area: {explain_validity(polygon)}"
    elif polygon.area <= 0:
        yield "polygon has no area (its corners are on one line)"


def _rule_messages(zone: Zone) -> Iterator[str]:
    cap = zone.speed_cap_mps
    if zone.kind == ZoneKind.QUIET and cap is None and zone.hours is None:
        # Without a cap a quiet zone is closed while in force ("no passage at
        # night"); without hours too, it would be closed for good.
        yield (
            "a quiet zone needs a speed_cap_mps, or hours when it is closed to "
            "robots (without either it is closed for good: use a restricted zone)"
        )
    if cap is not None and cap <= 0:
        yield f"speed_cap_mps must be positive, got {cap:g}"
    if zone.hours is not None:
        start, end = zone.hours
        if not (0 <= start <= 23 and 0 <= end <= 24) or start == end:
            yield (
                f"hours must be [start, end] with start 0-23, end 0-24 and "
                f"start != end; got [{start}, {end}]"
            )


def waypoint_levels(building: Building) -> dict[str, str | None]:
    """The level of each waypoint id; ``None`` for an id used on several levels.

    Such an id is reported as a duplicate; checks that need its level skip it
    rather than report a confusing second problem.
    """
    levels: dict[str, str | None] = {}
    for waypoint in building.waypoints:
        seen = waypoint.id in levels and levels[waypoint.id] != waypoint.level
        levels[waypoint.id] = None if seen else waypoint.level
    return levels


def topology(building: Building) -> nx.DiGraph:
    """Waypoints joined by lanes (in their directions) and in-service lifts.

    References to unknown waypoints are skipped: they are reported elsewhere.
    """
    graph = nx.DiGraph()
    known = {w.id for w in building.waypoints}
    graph.add_nodes_from(known)
    lanes = [x for x in building.lanes if x.start in known and x.end in known]
    graph.add_edges_from((x.start, x.end) for x in lanes)
    graph.add_edges_from((x.end, x.start) for x in lanes if x.bidirectional)
    for lift in building.lifts:
        if not lift.in_service:
            continue
        cars = [w for w in lift.stops.values() if w in known]
        graph.add_edges_from((a, b) for a in cars for b in cars if a != b)
    return graph


def reachability_problems(
    building: Building, level_of: dict[str, str | None] | None = None
) -> Iterator[MapProblem]:
    """Places that cannot reach, or be reached from, the best-connected places."""
    graph = topology(building)
    places = [p for p in building.places if p.waypoint in graph]
    if len(places) < 2:
        return
    anchor = places[0]
    reached, reaching = _reach(graph, anchor.waypoint)
    if not all(p.waypoint in reached and p.waypoint in reaching for p in places):
        # Anchor on the part holding most places, so one isolated place is
        # reported rather than all the others.
        anchor = _best_connected(graph, places)
        reached, reaching = _reach(graph, anchor.waypoint)
    level_of = level_of if level_of is not None else waypoint_levels(building)
    for place in places:
        there, back = place.waypoint in reached, place.waypoint in reaching
        if there and back:
            continue
        yield MapProblem(
            building.source,
            level_of.get(place.waypoint) or "",
            f"place {place.id}",
            _cut_off_message(anchor, there, back),
        )


def _reach(graph: nx.DiGraph, waypoint: str) -> tuple[set[str], set[str]]:
    """The waypoints reachable from ``waypoint``, and those that reach it."""
    reached = nx.descendants(graph, waypoint) | {waypoint}
    reaching = nx.ancestors(graph, waypoint) | {waypoint}
    return reached, reaching


def _best_connected(graph: nx.DiGraph, places: list[Place]) -> Place:
    """A place of the strongly connected part that holds most places."""
    component_of: dict[str, int] = {}
    for index, members in enumerate(nx.strongly_connected_components(graph)):
        component_of.update(dict.fromkeys(members, index))
    counts = Counter(component_of[p.waypoint] for p in places)
    # Ties go to the part of the earliest place.
    main = max(counts, key=lambda c: (counts[c], -_first(places, component_of, c)))
    return next(p for p in places if component_of[p.waypoint] == main)


def _first(places: list[Place], component_of: dict[str, int], component: int) -> int:
    return next(
        i for i, p in enumerate(places) if component_of[p.waypoint] == component
    )


def _cut_off_message(anchor: Place, reached: bool, reaching: bool) -> str:
    via = "by lanes and lifts in service"
    if not reached and not reaching:
        return f"cannot reach place '{anchor.id}' nor be reached from it {via}"
    if not reached:
        return f"cannot be reached from place '{anchor.id}' {via}"
    return f"cannot reach place '{anchor.id}' {via} (a one-way dead end?)"
