"""Travel-time matrices agree with single routes and honour the rules."""

from __future__ import annotations

import math

import numpy as np
import pytest

from maps.errors import NoRouteError
from maps.generate import corridor_grid_building
from maps.matrix import TravelTimes
from maps.routing import RobotProfile, route
from tests.maps.handmade_buildings import CLEAN_KITCHEN, ICU, clinic, without_lanes


def test_matrix_equals_route_times_and_lengths() -> None:
    """Every cell is the time and length of the route between its two places."""
    b = corridor_grid_building(levels=3, waypoints_per_level=60, lifts=2, seed=4)
    m = TravelTimes(b).matrix(load="waste", hour=12)
    assert m.nodes == tuple(p.id for p in b.places)
    for origin in m.nodes:
        for destination in m.nodes:
            try:
                r = route(b, origin, destination, load="waste", hour=12)
            except NoRouteError:
                assert math.isinf(m.time(origin, destination))
                assert math.isinf(m.distance(origin, destination))
                continue
            assert m.time(origin, destination) == pytest.approx(r.time_s)
            assert m.distance(origin, destination) == pytest.approx(r.length_m)


def test_dirty_matrix_has_inf_where_no_legal_route() -> None:
    """Waste cannot reach the waste room once the detour is gone: inf, not an error."""
    b = without_lanes(clinic(zones=(CLEAN_KITCHEN,)), "ef")
    travel = TravelTimes(b)
    nodes = ("pharmacy", "waste_room", "ward_2")
    dirty = travel.matrix(nodes, load="waste")
    clean = travel.matrix(nodes, load="medication")
    assert math.isinf(dirty.time("pharmacy", "waste_room"))
    assert clean.time("pharmacy", "waste_room") == pytest.approx(30)
    assert dirty.time("pharmacy", "ward_2") == clean.time("pharmacy", "ward_2")
    assert np.all(np.diag(dirty.times) == 0)


def test_capabilities_open_restricted_zones() -> None:
    """Without icu_access ward 1b is unreachable; with it the matrix has a time."""
    travel = TravelTimes(clinic(zones=(ICU,)))
    nodes = ("pharmacy", "ward_1b")
    assert math.isinf(travel.matrix(nodes).time("pharmacy", "ward_1b"))
    icu = travel.matrix(nodes, capabilities=frozenset({"icu_access"}))
    assert icu.time("pharmacy", "ward_1b") == pytest.approx(
        route(clinic(zones=(ICU,)), "pharmacy", "ward_1b",
              robot=RobotProfile(frozenset({"icu_access"}))).time_s
    )  # fmt: skip


def test_waypoint_ids_and_duplicates_are_allowed() -> None:
    """Nodes may be waypoint ids, and two nodes may share a waypoint."""
    m = TravelTimes(clinic()).matrix(["g_a", "pharmacy", "ward_1", "station_1"])
    assert m.time("g_a", "pharmacy") == 0
    assert m.time("ward_1", "station_1") == 0
    assert m.time("pharmacy", "ward_1") == m.time("g_a", "station_1")


def test_matrices_are_cached_and_read_only() -> None:
    """Asking twice returns the same matrix, whose arrays cannot be changed."""
    travel = TravelTimes(clinic())
    first = travel.matrix(load="linen")
    assert travel.matrix(load="linen") is first
    assert travel.matrix(load="linen", distances=False) is first
    with pytest.raises(ValueError):
        first.times[0, 0] = 1.0


def test_times_only_matrix_leaves_distances_unknown() -> None:
    """distances=False skips the distances but keeps inf for unreachable pairs."""
    m = TravelTimes(clinic(lifts=())).matrix(["pharmacy", "ward_2"], distances=False)
    assert math.isnan(m.distance("pharmacy", "pharmacy"))
    assert math.isinf(m.distance("pharmacy", "ward_2"))
