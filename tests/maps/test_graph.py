"""The navigation graph: nodes, lane and lift edges, doors and zone crossings."""

from __future__ import annotations

from dataclasses import replace

import pytest

from maps.generate import corridor_grid_building
from maps.graph import SERVICE_LIFT_WAIT_S, SHARED_LIFT_WAIT_S, navigation_graph
from maps.model import Lane, Zone, ZoneKind
from tests.maps.handmade_buildings import (
    CLEAN_KITCHEN,
    DOOR_BC,
    QUIET_BC,
    SERVICE_RIDE_G_L2_S,
    box,
    clinic,
    without_lanes,
)


def test_nodes_carry_level_and_position() -> None:
    """Every waypoint is a node with its level and coordinates."""
    g = navigation_graph(clinic())
    assert g.number_of_nodes() == 12
    assert g.nodes["g_c"] == {"level": "G", "x": 20, "y": 0}


def test_two_way_lanes_give_two_edges_and_one_way_lanes_one() -> None:
    """A bidirectional lane is driven both ways; a one-way lane only forward."""
    b = clinic()
    b = replace(
        b,
        lanes=(*without_lanes(b, "cd").lanes, Lane("cd", "G", "g_d", "g_c", False)),
    )
    g = navigation_graph(b)
    assert g.has_edge("g_a", "g_b") and g.has_edge("g_b", "g_a")
    assert g.has_edge("g_d", "g_c") and not g.has_edge("g_c", "g_d")
    edge = g.edges["g_a", "g_b"]
    assert edge["kind"] == "lane" and edge["lane"] == "ab"
    assert edge["length_m"] == pytest.approx(10)
    assert edge["speed_mps"] == 1.0 and edge["time_s"] == pytest.approx(10)


def test_door_adds_its_opening_time_both_ways() -> None:
    """The lane through a door costs its opening time on top, in both directions."""
    g = navigation_graph(clinic(doors=(DOOR_BC,)))
    for u, v in (("g_b", "g_c"), ("g_c", "g_b")):
        assert g.edges[u, v]["door"] == "fire_door"
        assert g.edges[u, v]["time_s"] == pytest.approx(13)
    assert g.edges["g_a", "g_b"]["door"] is None


def test_lift_edges_join_every_pair_of_stops() -> None:
    """Three stops give six directed rides costing doors, wait and levels."""
    g = navigation_graph(clinic())
    rides = [(u, v) for u, v, kind in g.edges(data="kind") if kind == "lift"]
    assert len(rides) == 6
    ride = g.edges["g_lift", "l2_lift"]
    assert ride["lift"] == "service" and ride["in_service"] is True
    assert (ride["from_level"], ride["to_level"]) == ("G", "L2")
    assert ride["time_s"] == pytest.approx(SERVICE_RIDE_G_L2_S)
    assert g.edges["l1_lift", "l2_lift"]["time_s"] == pytest.approx(8 + 20 + 3)


def test_shared_lift_waits_longer_and_closed_lift_is_marked() -> None:
    """People in the car add expected wait; a lift out of service stays, marked."""
    lift = replace(clinic().lifts[0], shared_with_people=True, in_service=False)
    g = navigation_graph(clinic(lifts=(lift,)))
    ride = g.edges["g_lift", "l1_lift"]
    assert ride["in_service"] is False
    assert ride["time_s"] == pytest.approx(8 + SHARED_LIFT_WAIT_S + 3)
    assert SHARED_LIFT_WAIT_S > SERVICE_LIFT_WAIT_S


def test_zone_crossings_are_recorded_per_edge() -> None:
    """Lanes entering a clean zone list it; quiet zones record metres inside."""
    g = navigation_graph(clinic(zones=(CLEAN_KITCHEN, QUIET_BC)))
    assert g.edges["g_b", "g_c"]["clean_zones"] == ("kitchen_corridor",)
    assert g.edges["g_a", "g_b"]["clean_zones"] == ()
    quiet = dict(g.edges["g_a", "g_b"]["quiet_zones"])
    assert quiet == {"quiet_bc": pytest.approx(1.0)}
    assert dict(g.edges["g_b", "g_c"]["quiet_zones"]) == {"quiet_bc": pytest.approx(10)}
    # 10 m at 1 m/s plus 1 m more slowly: (10 - 1) + 1 / 0.5 = 11 s.
    assert g.edges["g_a", "g_b"]["time_s"] == pytest.approx(11)


def test_running_along_a_zone_edge_is_not_entering() -> None:
    """A lane on the zone's boundary, or ending on it, does not cross the zone."""
    along = Zone("wall", "G", ZoneKind.CLEAN, box(-5, 0, 30, 5))
    g = navigation_graph(clinic(zones=(along,)))
    assert g.edges["g_a", "g_b"]["clean_zones"] == ()
    assert g.edges["g_lift", "g_a"]["clean_zones"] == ()
    assert g.edges["g_a", "g_e"]["clean_zones"] == ("wall",)


def test_zones_apply_only_to_their_own_level() -> None:
    """A clean zone on L1 does not touch lanes of the ground floor below it."""
    upstairs = Zone("upstairs", "L1", ZoneKind.CLEAN, box(-50, -50, 50, 50))
    g = navigation_graph(clinic(zones=(upstairs,)))
    assert g.edges["g_a", "g_b"]["clean_zones"] == ()
    assert g.edges["l1_a", "l1_b"]["clean_zones"] == ("upstairs",)


def test_generated_building_graph_sizes() -> None:
    """A generated grid has one node per waypoint and lifts joining all levels."""
    b = corridor_grid_building(levels=3, waypoints_per_level=40, lifts=2, seed=1)
    g = navigation_graph(b)
    assert g.number_of_nodes() == len(b.waypoints)
    lift_edges = [e for e in g.edges(data="kind") if e[2] == "lift"]
    assert len(lift_edges) == 2 * 3 * 2
