"""Property tests on generated corridor grids: routes are real, quickest and legal.

Each building comes from :func:`maps.generate.corridor_grid_building` with drawn
sizes, one-way share, doors and a seed; a drawn lift may be out of service. The
reference is networkx's Dijkstra over :func:`maps.graph.navigation_graph` with the
rules written out again here, independently of :mod:`maps.rules`.
"""

from __future__ import annotations

import math
from dataclasses import replace
from itertools import pairwise

import networkx as nx
import pytest
import shapely
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from maps.errors import NoRouteError
from maps.generate import corridor_grid_building
from maps.graph import navigation_graph
from maps.matrix import TravelTimes
from maps.model import Building, ZoneKind
from maps.routing import RobotProfile, route

ICU_ROBOT = RobotProfile(capabilities=frozenset({"icu_access"}))


@st.composite
def buildings(draw: st.DrawFn) -> Building:
    b = corridor_grid_building(
        levels=draw(st.integers(1, 3)),
        waypoints_per_level=draw(st.integers(4, 36)),
        lifts=draw(st.integers(0, 2)),
        seed=draw(st.integers(0, 10_000)),
        places_per_level=draw(st.integers(2, 5)),
        one_way_share=draw(st.sampled_from([0.0, 0.3, 0.7])),
        door_share=draw(st.sampled_from([0.0, 0.2])),
    )
    if b.lifts and draw(st.booleans()):
        closed = replace(b.lifts[0], in_service=False)
        b = replace(b, lifts=(closed, *b.lifts[1:]))
    return b


def _reference_weight(building: Building, load: str | None, robot, hour):
    dirty = load == "waste"
    zones = {z.id: z for z in building.zones}
    capabilities = robot.capabilities if robot else frozenset()

    def weight(u: str, v: str, edge: dict) -> float | None:
        if edge["kind"] == "lift":
            return edge["time_s"] if edge["in_service"] else None
        if dirty and edge["clean_zones"]:
            return None
        for zone_id in edge["restricted_zones"]:
            if not zones[zone_id].allowed_capabilities & capabilities:
                return None
        seconds = edge["length_m"] / edge["speed_mps"] + edge["door_s"]
        for zone_id, inside in edge["quiet_zones"]:
            zone = zones[zone_id]
            if zone.active_at(hour):
                slow = min(edge["speed_mps"], zone.speed_cap_mps)
                seconds += inside / slow - inside / edge["speed_mps"]
        return seconds

    return weight


def _assert_real_path(building: Building, waypoints: tuple[str, ...]) -> None:
    lanes = set()
    for lane in building.lanes:
        lanes.add((lane.start, lane.end))
        if lane.bidirectional:
            lanes.add((lane.end, lane.start))
    rides = {
        (a, b)
        for lift in building.lifts
        if lift.in_service
        for a in lift.stops.values()
        for b in lift.stops.values()
        if a != b
    }
    for u, v in pairwise(waypoints):
        assert (u, v) in lanes or (u, v) in rides, f"{u} -> {v} is no lane or lift"


def _assert_no_clean_zone_entered(building: Building, waypoints: tuple[str, ...]):
    clean = [z for z in building.zones if z.kind == ZoneKind.CLEAN]
    for u, v in pairwise(waypoints):
        a, b = building.waypoint(u), building.waypoint(v)
        if a.level != b.level:
            continue
        segment = shapely.LineString([(a.x, a.y), (b.x, b.y)])
        for zone in clean:
            if zone.level == a.level:
                polygon = shapely.Polygon(zone.polygon)
                enters = segment.intersects(polygon) and not segment.touches(polygon)
                assert not enters, f"{u} -> {v} enters clean zone {zone.id}"


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    building=buildings(),
    load=st.sampled_from([None, "waste", "medication"]),
    robot=st.sampled_from([None, ICU_ROBOT]),
    hour=st.sampled_from([None, 3, 12]),
    data=st.data(),
)
def test_routes_are_real_quickest_and_legal(building, load, robot, hour, data) -> None:
    """Every route follows lanes and lifts, matches networkx, and keeps waste clean."""
    graph = navigation_graph(building)
    weight = _reference_weight(building, load, robot, hour)
    places = [p.id for p in building.places]
    for _ in range(4):
        start = data.draw(st.sampled_from(places))
        goal = data.draw(st.sampled_from(places))
        a, b = building.place(start).waypoint, building.place(goal).waypoint
        try:
            expected = nx.shortest_path_length(graph, a, b, weight=weight)
        except nx.NetworkXNoPath:
            expected = math.inf
        try:
            found = route(building, start, goal, load=load, robot=robot, hour=hour)
        except NoRouteError:
            assert math.isinf(expected)
            continue
        assert found.time_s == pytest.approx(expected)
        assert found.waypoints[0] == a and found.waypoints[-1] == b
        _assert_real_path(building, found.waypoints)
        if load == "waste":
            _assert_no_clean_zone_entered(building, found.waypoints)
        assert sum(leg.time_s for leg in found.legs) == pytest.approx(found.time_s)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    building=buildings(),
    load=st.sampled_from([None, "waste"]),
    hour=st.sampled_from([None, 12]),
)
def test_matrix_cells_are_route_times_and_lengths(building, load, hour) -> None:
    """Each matrix cell is its route's time and length, or inf without a route."""
    places = tuple(p.id for p in building.places)[:6]
    matrix = TravelTimes(building).matrix(places, load=load, hour=hour)
    for start in places:
        for goal in places:
            try:
                found = route(building, start, goal, load=load, hour=hour)
            except NoRouteError:
                assert math.isinf(matrix.time(start, goal))
                continue
            assert matrix.time(start, goal) == pytest.approx(found.time_s)
            assert matrix.distance(start, goal) == pytest.approx(found.length_m)
