"""Importing Open-RMF traffic-editor maps: the two real maps and small written ones."""

from __future__ import annotations

import copy
import math
import os
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from maps.errors import MapError
from maps.model import Building, PlaceKind
from maps.openrmf import import_openrmf, parse_openrmf, read_openrmf
from maps.validate import check

SHARED = Path(
    os.environ.get(
        "PORTER_SHARED", Path(__file__).resolve().parents[2] / ".." / "shared"
    )
)
OPENRMF = SHARED / "maps" / "open-rmf"


def _real_map(name: str) -> Path:
    path = OPENRMF / f"{name}.building.yaml"
    if not path.is_file():
        pytest.skip(f"{path} is missing (set PORTER_SHARED to the shared folder)")
    return path


@pytest.fixture(scope="module")
def office() -> Building:
    return import_openrmf(_real_map("office"))


@pytest.fixture(scope="module")
def hotel() -> Building:
    return import_openrmf(_real_map("hotel"))


def _xy(building: Building, waypoint: str) -> tuple[float, float]:
    w = building.waypoint(waypoint)
    return w.x, w.y


def _lane_lengths(building: Building) -> list[float]:
    return [
        math.dist(_xy(building, lane.start), _xy(building, lane.end))
        for lane in building.lanes
    ]


# --- the real maps -----------------------------------------------------------


def test_office_imports_and_validates(office: Building) -> None:
    """The office map gives one level with lanes, places and doors, and validates."""
    check(office)
    assert [level.id for level in office.levels] == ["L1"]
    assert len(office.lanes) == 30
    assert office.lifts == ()
    assert office.zones == ()


def test_office_places_have_kinds_from_vertex_params(office: Building) -> None:
    """Chargers, parking and holding points come from the vertex parameters."""
    print(sorted((p.id, p.kind.value) for p in office.places))
    assert office.place("tinyRobot1_charger").kind == PlaceKind.CHARGER
    assert office.place("tinyRobot2_charger").kind == PlaceKind.CHARGER
    assert office.place("supplies").kind == PlaceKind.PARKING
    assert office.place("lounge").kind == PlaceKind.HOLDING_POINT
    assert office.place("pantry").kind == PlaceKind.LANDMARK  # a pickup dispenser
    assert office.place("coe").kind == PlaceKind.LANDMARK  # a dropoff ingestor
    assert office.has_place("patrol_A1")


def test_office_is_in_metres(office: Building) -> None:
    """Lanes are a few metres long and the floor is about 16 m by 9 m."""
    lengths = _lane_lengths(office)
    assert min(lengths) > 0.5 and max(lengths) < 10
    xs = [w.x for w in office.waypoints]
    ys = [w.y for w in office.waypoints]
    assert 10 < max(xs) - min(xs) < 40
    assert 5 < max(ys) - min(ys) < 30


def test_hotel_imports_and_validates(hotel: Building) -> None:
    """The hotel gives three levels at their elevations, and validates."""
    check(hotel)
    assert [(lv.id, lv.elevation_m) for lv in hotel.levels] == [
        ("L1", 0.0),
        ("L2", 8.0),
        ("L3", 16.0),
    ]
    lengths = _lane_lengths(hotel)
    assert min(lengths) > 0.5 and max(lengths) < 10
    print(sorted((p.id, p.kind.value) for p in hotel.places))
    assert hotel.place("lobby").kind == PlaceKind.HOLDING_POINT
    assert hotel.place("tinybot_charger").kind == PlaceKind.CHARGER
    assert hotel.place("L2_room1").waypoint.startswith("L2_")
    assert hotel.place("L3_master_suite").waypoint.startswith("L3_")


def test_hotel_lifts_serve_every_level_with_a_car(hotel: Building) -> None:
    """Both lifts stop on L1..L3, each stop a car waypoint on that level."""
    assert sorted(lift.id for lift in hotel.lifts) == ["Lift1", "Lift2"]
    for lift in hotel.lifts:
        assert sorted(lift.stops) == ["L1", "L2", "L3"]
        for level, waypoint in lift.stops.items():
            assert hotel.waypoint(waypoint).level == level


def test_hotel_levels_are_aligned_by_fiducials(hotel: Building) -> None:
    """Each lift's car is at one place on all levels: the fiducials line them up."""
    for lift in hotel.lifts:
        cars = [_xy(hotel, waypoint) for waypoint in lift.stops.values()]
        assert max(math.dist(cars[0], car) for car in cars) < 0.2


def test_doors_sit_on_lanes_that_cross_them(hotel: Building, office: Building) -> None:
    """Every imported door is on an existing lane of its level."""
    for building in (hotel, office):
        lanes = {
            (lane.level, frozenset((lane.start, lane.end))) for lane in building.lanes
        }
        assert building.doors
        for door in building.doors:
            assert (door.level, frozenset((door.start, door.end))) in lanes
    assert {d.id for d in office.doors} == {"coe_door", "hardware_door"}


def test_other_nav_graphs_on_request() -> None:
    """``graph=None`` keeps every nav graph, so more lanes and places than graph 0."""
    path = _real_map("hotel")
    every = read_openrmf(path, graph=None)
    only_zero = read_openrmf(path)
    assert len(every.building.lanes) > len(only_zero.building.lanes)
    assert every.building.has_place("cleanerbot_charger1")
    assert any("left out graphs 1, 2" in note for note in only_zero.notes)


def test_load_building_reads_open_rmf_maps() -> None:
    """``maps.loading.load_building`` picks this importer for ``*.building.yaml``."""
    from maps.loading import load_building

    building = load_building(_real_map("office"))
    assert building.has_place("pantry")


def test_route_between_named_places(hotel: Building, office: Building) -> None:
    """Routes join named places on the office floor and across hotel levels by lift."""
    routing = pytest.importorskip("maps.routing")
    office_trip = routing.route(office, "tinyRobot1_charger", "hardware_2")
    assert office_trip.length_m > 5
    hotel_trip = routing.route(hotel, "lobby", "L3_room1")
    assert hotel_trip.levels[0] == "L1" and hotel_trip.levels[-1] == "L3"
    assert {ride.lift for ride in hotel_trip.lifts} <= {"Lift1", "Lift2"}
    assert 10 < hotel_trip.length_m < 200


# --- small maps written here --------------------------------------------------


def _lane(a: int, b: int, **params: Any) -> list[Any]:
    typed = {"bidirectional": [4, True], "graph_idx": [2, 0], "speed_limit": [3, 0]}
    typed.update(params)
    return [a, b, typed]


def _minimal(**top: Any) -> dict[str, Any]:
    """One level drawn at 20 px per metre: a corridor of three vertices."""
    data: dict[str, Any] = {
        "name": "clinic",
        "levels": {
            "L1": {
                "elevation": 0,
                "vertices": [
                    [0, 0, 0, "reception", {"is_holding_point": [4, True]}],
                    [200, 0, 0, ""],
                    [200, 100, 0, "charger_1", {"is_charger": [4, True]}],
                ],
                "lanes": [_lane(0, 1), _lane(1, 2)],
                "measurements": [[0, 1, {"distance": [3, 10.0]}]],
            }
        },
    }
    data.update(top)
    return data


def test_pixels_become_metres_with_y_flipped() -> None:
    """20 px per metre from the measurement; image y grows down, Porter's y up."""
    building = parse_openrmf(_minimal(), "clinic.building.yaml")
    assert _xy(building, "L1_v1") == (10.0, 0.0)
    assert _xy(building, "L1_v2") == (10.0, -5.0)
    assert building.place("charger_1").kind == PlaceKind.CHARGER
    check(building)


def test_cartesian_meters_needs_no_scale() -> None:
    """A ``cartesian_meters`` map is already metres with y up: no measurement needed."""
    data = _minimal(coordinate_system="cartesian_meters")
    del data["levels"]["L1"]["measurements"]
    building = parse_openrmf(data, "site.building.yaml")
    assert _xy(building, "L1_v2") == (200.0, 100.0)


def test_lane_direction_and_speed_limit() -> None:
    """``speed_limit: 0`` means none; a one-way lane stays one-way."""
    data = _minimal()
    data["levels"]["L1"]["lanes"] = [
        _lane(0, 1, speed_limit=[3, 0.5]),
        _lane(1, 2, bidirectional=[4, False]),
    ]
    lanes = {lane.start: lane for lane in parse_openrmf(data, "c").lanes}
    assert lanes["L1_v0"].speed_limit_mps == 0.5 and lanes["L1_v0"].bidirectional
    assert lanes["L1_v1"].speed_limit_mps is None
    assert not lanes["L1_v1"].bidirectional
    assert lanes["L1_v1"].end == "L1_v2"


def test_door_goes_on_the_lane_crossing_it() -> None:
    """A door drawn across the corridor sits on the lane it crosses."""
    data = _minimal()
    level = data["levels"]["L1"]
    level["vertices"] += [[100, -20, 0, ""], [100, 20, 0, ""]]
    level["doors"] = [[3, 4, {"name": [1, "ward_door"], "type": [1, "hinged"]}]]
    (door,) = parse_openrmf(data, "c").doors
    assert (door.id, door.start, door.end) == ("ward_door", "L1_v0", "L1_v1")


def _two_levels(l2_vertices: list[list[Any]], l2_fiducials: list[list[Any]]) -> dict:
    data = _minimal()
    data["levels"]["L1"]["fiducials"] = [[0, 0, "a"], [200, 0, "b"], [0, 100, "c"]]
    data["levels"]["L2"] = {
        "elevation": 4,
        "vertices": l2_vertices,
        "lanes": [_lane(0, 1)],
        "fiducials": l2_fiducials,
    }
    return data


def test_level_aligned_to_reference_by_fiducials() -> None:
    """L2 drawn rotated a quarter turn at twice the scale lands on L1's frame."""
    # L2 pixel (x', y') = (2 * y, -2 * x) for L1 pixel (x, y): rotated and scaled.
    fiducials = [[0, 0, "a"], [0, -400, "b"], [200, 0, "c"]]
    vertices = [[0, -400, 0, ""], [200, -400, 0, "ward_2"]]
    building = parse_openrmf(_two_levels(vertices, fiducials), "c")
    x, y = _xy(building, "L2_v1")
    assert (x, y) == pytest.approx((10.0, -5.0), abs=1e-6)
    assert math.dist(_xy(building, "L2_v0"), _xy(building, "L1_v1")) < 1e-6


def test_lift_car_made_when_no_vertex_in_cabin() -> None:
    """A lift with no cabin vertex gets a car waypoint joined to the doorway."""
    fiducials = [[0, 0, "a"], [200, 0, "b"], [0, 100, "c"]]
    vertices = [[0, 0, 0, ""], [200, 100, 0, "ward_2"]]
    data = _two_levels(vertices, fiducials)
    lift = {"x": 200, "y": 140, "yaw": 0, "width": 2, "depth": 2}
    lift["doors"] = {"door": {"door_type": 2, "x": 0, "y": 1.0, "width": 1.0}}
    lift["level_doors"] = {"L1": ["door"], "L2": ["door"]}
    data["lifts"] = {"Lift1": lift}
    building = parse_openrmf(data, "c")
    (made,) = building.lifts
    assert made.stops == {"L1": "Lift1_L1", "L2": "Lift1_L2"}
    assert _xy(building, "Lift1_L1") == pytest.approx((10.0, -7.0))
    joined = {(lane.start, lane.end) for lane in building.lanes}
    assert {("Lift1_L1", "L1_v2"), ("Lift1_L2", "L2_v1")} <= joined
    check(building)


def test_lift_out_of_reach_of_any_lane_is_reported() -> None:
    """A cabin far from every lane cannot be reached, and the problem says so."""
    data = _minimal()
    data["levels"]["L2"] = copy.deepcopy(data["levels"]["L1"])
    data["lifts"] = {"Lift1": {"x": 900, "y": 900, "yaw": 0, "width": 2, "depth": 2}}
    problems = _problems(data)
    assert any("level L1: lift Lift1: no lane reaches the car" in p for p in problems)


def test_lift_cabin_vertex_is_the_car() -> None:
    """A vertex marked ``lift_cabin`` on a lane is the car's waypoint."""
    data = _minimal()
    level = data["levels"]["L1"]
    level["vertices"].append([200, 140, 0, "", {"lift_cabin": [1, "Lift1"]}])
    level["lanes"].append(_lane(2, 3))
    data["levels"]["L2"] = copy.deepcopy(level)
    data["lifts"] = {"Lift1": {"x": 200, "y": 140, "yaw": 0, "width": 2, "depth": 2}}
    (lift,) = parse_openrmf(data, "c").lifts
    assert lift.stops == {"L1": "L1_v3", "L2": "L2_v3"}


# --- broken maps ----------------------------------------------------------------


def _problems(data: Any, source: str = "bad.building.yaml") -> list[str]:
    with pytest.raises(MapError) as caught:
        parse_openrmf(data, source)
    return [str(problem) for problem in caught.value.problems]


def test_lane_to_unknown_vertex_names_level_and_lane() -> None:
    """A lane to vertex 120 names the file, the level, the lane and the vertex."""
    data = _minimal()
    data["levels"]["L1"]["lanes"].append(_lane(1, 120))
    (problem,) = _problems(data)
    assert problem.startswith("bad.building.yaml: level L1: lane 2 (vertex 1 -> 120)")
    assert "vertex 120 which does not exist" in problem


def test_level_without_scale_says_how_to_fix_it() -> None:
    """No measurement and no fiducials: the level has no scale, said plainly."""
    data = _minimal()
    del data["levels"]["L1"]["measurements"]
    (problem,) = _problems(data)
    assert "level L1 has no scale: add a measurement in the traffic editor" in problem


def test_bad_lift_floor_is_reported() -> None:
    """A lift naming a level that does not exist is a problem naming the lift."""
    data = _minimal()
    data["lifts"] = {
        "Lift1": {
            "x": 0,
            "y": 0,
            "yaw": 0,
            "width": 2,
            "depth": 2,
            "lowest_floor": "B9",
        }
    }
    problems = _problems(data)
    assert any("lift Lift1: lowest_floor B9 is not a level" in p for p in problems)


def test_every_problem_is_reported_at_once() -> None:
    """Two broken levels: both problems in one error."""
    data = _minimal()
    data["levels"]["L1"]["lanes"].append(_lane(0, 99))
    data["levels"]["L2"] = copy.deepcopy(data["levels"]["L1"])
    del data["levels"]["L2"]["measurements"]
    problems = _problems(data)
    assert any("level L1: lane 2" in p for p in problems)
    assert any("level L2: lane 2" in p for p in problems)
    assert any("level L2 has no scale" in p for p in problems)


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ([1, 2], "the top level must be a mapping"),
        ({"name": "x", "levels": {}}, "the map has no levels"),
        (_minimal(coordinate_system="wgs84"), "wgs84 (geographic coordinates)"),
    ],
)
def test_not_a_usable_building(data: Any, expected: str) -> None:
    """Files that are not building maps say why."""
    assert any(expected in p for p in _problems(data))


def test_missing_nav_graph_is_reported() -> None:
    """Asking for a graph with no lanes lists the graphs the map has."""
    with pytest.raises(
        MapError, match=r"nav graph 3 has no lanes \(graphs in this map: 0\)"
    ):
        parse_openrmf(_minimal(), "c", graph=3)


def test_bad_yaml_names_the_file(tmp_path: Path) -> None:
    """A file that is not YAML gives a MapError naming it."""
    path = tmp_path / "broken.building.yaml"
    path.write_text("levels: {L1: [unclosed\n", encoding="utf-8")
    with pytest.raises(MapError, match=r"broken\.building\.yaml: not valid YAML"):
        import_openrmf(path)


def test_lane_width_from_the_graph() -> None:
    """A graph's ``default_lane_width`` becomes its lanes' width."""
    data = _minimal(graphs={0: {"name": "porters", "default_lane_width": 1.4}})
    assert {lane.width_m for lane in parse_openrmf(data, "c").lanes} == {1.4}


# --- properties -------------------------------------------------------------------

_JUNK = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-5, 500),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=4),
    st.lists(st.integers(-2, 9), max_size=4),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
)


def _paths(node: Any, prefix: tuple = ()) -> list[tuple]:
    found = [prefix]
    if isinstance(node, dict):
        for key, value in node.items():
            found += _paths(value, (*prefix, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found += _paths(value, (*prefix, index))
    return found


def _lift_map() -> dict[str, Any]:
    data = _minimal()
    level = data["levels"]["L1"]
    level["vertices"].append([200, 140, 0, "", {"lift_cabin": [1, "Lift1"]}])
    level["lanes"].append(_lane(2, 3))
    level["doors"] = [[0, 1, {"name": [1, "d"], "type": [1, "hinged"]}]]
    data["levels"]["L2"] = copy.deepcopy(level)
    data["levels"]["L2"]["elevation"] = 4
    lift = {"x": 200, "y": 140, "yaw": 0, "width": 2, "depth": 2}
    lift["doors"] = {"door": {"x": 0, "y": 1.0}}
    lift["level_doors"] = {"L1": ["door"], "L2": ["door"]}
    data["lifts"] = {"Lift1": lift}
    return data


@settings(max_examples=100, deadline=None)
@given(st.data())
def test_any_corruption_is_a_map_error_or_a_building(data: st.DataObject) -> None:
    """Replacing any part of a valid map with junk never crashes the importer."""
    building_map = _lift_map()
    path = data.draw(st.sampled_from(_paths(building_map)[1:]))
    parent = building_map
    for key in path[:-1]:
        parent = parent[key]
    parent[path[-1]] = data.draw(_JUNK)
    try:
        parse_openrmf(building_map, "fuzz.building.yaml")
    except MapError as error:
        assert error.problems
        assert all(p.source == "fuzz.building.yaml" for p in error.problems)


@settings(max_examples=60, deadline=None)
@given(
    turn=st.floats(-math.pi, math.pi),
    zoom=st.floats(0.25, 4.0),
    shift=st.tuples(st.floats(-500, 500), st.floats(-500, 500)),
)
def test_fiducials_undo_any_drawing_transform(
    turn: float, zoom: float, shift: tuple[float, float]
) -> None:
    """L2 drawn turned, zoomed and shifted: its points land where L1's are."""

    def drawn(x: float, y: float) -> list[float]:
        c, s = math.cos(turn), math.sin(turn)
        return [zoom * (c * x - s * y) + shift[0], zoom * (s * x + c * y) + shift[1]]

    l1_points = [(0, 0), (200, 0), (200, 100)]
    fiducials = [
        [*drawn(x, y), name]
        for (x, y), name in zip([(0, 0), (200, 0), (0, 100)], "abc", strict=True)
    ]
    vertices = [[*drawn(x, y), 0, ""] for x, y in l1_points[1:]]
    building = parse_openrmf(_two_levels(vertices, fiducials), "c")
    assert _xy(building, "L2_v0") == pytest.approx(_xy(building, "L1_v1"), abs=1e-3)
    assert _xy(building, "L2_v1") == pytest.approx(_xy(building, "L1_v2"), abs=1e-3)


def test_same_vertex_name_on_two_levels_gets_level_prefixes() -> None:
    """A name used on two levels becomes two places, each prefixed by its level."""
    data = _minimal()
    data["levels"]["L2"] = copy.deepcopy(data["levels"]["L1"])
    building = parse_openrmf(data, "c")
    assert building.place("L1_reception").waypoint == "L1_v0"
    assert building.place("L2_reception").waypoint == "L2_v0"
