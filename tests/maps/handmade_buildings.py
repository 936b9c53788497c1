"""Small buildings written by hand for graph and routing tests, with costs you can
work out on paper.

Level G (ground, elevation 0)::

    g_e(0,10) ---------------- g_f(30,10)        detour: 50 m
      |                          |
    g_a(0,0) - g_b(10,0) - g_c(20,0) - g_d(30,0)  main corridor: 30 m
      |
    g_lift(0,-5)

Pharmacy on g_a, waste room on g_d. Levels L1 (elevation 4) and L2 (elevation 8)
each have a lift car waypoint at (0,-5) and a ward 5 m away at (0,0) (L1 also
ward_1b at (10,0), 15 m from the lift). The service lift (not shared with people,
door 4 s, 3 s per level) serves all three levels: a ride G -> L2 costs
2*4 + 20 + 3*2 = 34 s. Default speed 1 m/s.
"""

from __future__ import annotations

from dataclasses import replace

from maps.model import (
    Building,
    Door,
    Lane,
    Level,
    Lift,
    Place,
    PlaceKind,
    Waypoint,
    Zone,
    ZoneKind,
)

SERVICE_RIDE_G_L2_S = 2 * 4.0 + 20.0 + 3.0 * 2


def box(x0: float, y0: float, x1: float, y1: float) -> tuple[tuple[float, float], ...]:
    return ((x0, y0), (x1, y0), (x1, y1), (x0, y1))


def clinic(**changes: object) -> Building:
    """The three-level clinic above; keyword arguments replace Building fields."""
    waypoints = (
        Waypoint("g_a", "G", 0, 0),
        Waypoint("g_b", "G", 10, 0),
        Waypoint("g_c", "G", 20, 0),
        Waypoint("g_d", "G", 30, 0),
        Waypoint("g_e", "G", 0, 10),
        Waypoint("g_f", "G", 30, 10),
        Waypoint("g_lift", "G", 0, -5),
        Waypoint("l1_lift", "L1", 0, -5),
        Waypoint("l1_a", "L1", 0, 0),
        Waypoint("l1_b", "L1", 10, 0),
        Waypoint("l2_lift", "L2", 0, -5),
        Waypoint("l2_a", "L2", 0, 0),
    )
    lanes = (
        Lane("ab", "G", "g_a", "g_b"),
        Lane("bc", "G", "g_b", "g_c"),
        Lane("cd", "G", "g_c", "g_d"),
        Lane("ae", "G", "g_a", "g_e"),
        Lane("ef", "G", "g_e", "g_f"),
        Lane("fd", "G", "g_f", "g_d"),
        Lane("g_lift_lane", "G", "g_lift", "g_a"),
        Lane("l1_lift_lane", "L1", "l1_lift", "l1_a"),
        Lane("l1_ab", "L1", "l1_a", "l1_b"),
        Lane("l2_lift_lane", "L2", "l2_lift", "l2_a"),
    )
    places = (
        Place("pharmacy", PlaceKind.PHARMACY, "g_a"),
        Place("waste_room", PlaceKind.WASTE, "g_d"),
        Place("station_1", PlaceKind.NURSING_STATION, "l1_a"),
        Place("ward_1", PlaceKind.WARD, "l1_a", nursing_station="station_1"),
        Place("ward_1b", PlaceKind.WARD, "l1_b", nursing_station="station_1"),
        Place("station_2", PlaceKind.NURSING_STATION, "l2_a"),
        Place("ward_2", PlaceKind.WARD, "l2_a", nursing_station="station_2"),
    )
    lift = Lift(
        "service",
        {"G": "g_lift", "L1": "l1_lift", "L2": "l2_lift"},
        door_time_s=4.0,
        seconds_per_level=3.0,
        shared_with_people=False,
    )
    building = Building(
        name="hand-made clinic",
        # Listed out of elevation order on purpose: lifts count levels by elevation.
        levels=(Level("L2", 8.0), Level("G", 0.0), Level("L1", 4.0)),
        waypoints=waypoints,
        lanes=lanes,
        places=places,
        lifts=(lift,),
        source="clinic.yaml",
    )
    return replace(building, **changes)


def without_lanes(building: Building, *lane_ids: str) -> Building:
    return replace(
        building, lanes=tuple(x for x in building.lanes if x.id not in lane_ids)
    )


CLEAN_KITCHEN = Zone("kitchen_corridor", "G", ZoneKind.CLEAN, box(12, -2, 18, 2))
DOOR_BC = Door("fire_door", "G", "g_b", "g_c", opening_s=3.0)
QUIET_BC = Zone(
    "quiet_bc", "G", ZoneKind.QUIET, box(9, -2, 21, 2), speed_cap_mps=0.5, hours=(22, 6)
)
ICU = Zone(
    "icu",
    "L1",
    ZoneKind.RESTRICTED,
    box(5, -2, 15, 2),
    allowed_capabilities=frozenset({"icu_access"}),
    allowed_loads=frozenset({"blood_product"}),
)
