"""Validation: every problem of a building, each naming the file, level and element."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import pytest
import yaml

from maps.errors import MapError, MapProblem
from maps.model import Zone, ZoneKind
from maps.native import load_native
from maps.validate import check, validate


def _base() -> dict[str, Any]:
    """Two levels joined by a lift; valid as it stands."""
    return {
        "building": "Test ward block",
        "levels": [
            {
                "id": "L1",
                "waypoints": {"a": [0, 0], "b": [10, 0], "c": [20, 0]},
                "corridors": [{"id": "L1-c", "path": ["a", "b", "c"]}],
                "places": [
                    {
                        "id": "ward_1",
                        "kind": "ward",
                        "waypoint": "a",
                        "nursing_station": "station_1",
                    },
                    {"id": "station_1", "kind": "nursing_station", "waypoint": "c"},
                    {"id": "charger_1", "kind": "charger", "waypoint": "b"},
                ],
                "doors": [{"id": "d1", "between": ["b", "a"]}],
                "zones": [
                    {
                        "id": "z1",
                        "kind": "clean",
                        "polygon": [[0, -1], [5, -1], [5, 1], [0, 1]],
                    }
                ],
            },
            {
                "id": "L2",
                "elevation_m": 4,
                "waypoints": {"d": [0, 0], "e": [10, 0]},
                "lanes": [{"id": "L2-l", "from": "d", "to": "e"}],
                "places": [{"id": "lab", "kind": "lab", "waypoint": "e"}],
            },
        ],
        "lifts": [{"id": "lift_1", "stops": {"L1": "b", "L2": "d"}}],
    }


def _validate(tmp_path: Path, data: dict[str, Any]) -> tuple[Path, list[MapProblem]]:
    path = tmp_path / "block.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return path, validate(load_native(path))


def _only(
    tmp_path: Path, data: dict[str, Any], level: str, element: str, fragment: str
) -> MapProblem:
    """The single problem of ``data``; it names the file, level, element, fragment."""
    path, problems = _validate(tmp_path, data)
    assert len(problems) == 1, [str(p) for p in problems]
    problem = problems[0]
    assert (problem.source, problem.level, problem.element) == (
        str(path),
        level,
        element,
    )
    assert fragment in problem.message
    assert str(path) in str(problem) and element in str(problem)
    return problem


def _level(data: dict[str, Any], index: int) -> dict[str, Any]:
    level: dict[str, Any] = data["levels"][index]
    return level


def test_base_building_is_valid(tmp_path: Path) -> None:
    """The fixture itself has no problems (so each test below adds exactly one)."""
    assert _validate(tmp_path, _base())[1] == []


@pytest.mark.parametrize(
    ("section", "entry", "element", "level"),
    [
        ("lanes", {"id": "L1-c-1", "from": "a", "to": "c"}, "lane L1-c-1", "L1"),
        ("places", {"id": "lab", "kind": "lab", "waypoint": "a"}, "place lab", ""),
        ("doors", {"id": "d1", "between": ["b", "c"]}, "door d1", "L1"),
        (
            "zones",
            {"id": "z1", "kind": "clean", "polygon": [[10, 0], [12, 0], [12, 2]]},
            "zone z1",
            "L1",
        ),
    ],
)
def test_duplicate_ids(
    tmp_path: Path, section: str, entry: dict[str, Any], element: str, level: str
) -> None:
    """Two lanes, places, doors or zones with one id are reported once."""
    data = _base()
    _level(data, 0).setdefault(section, []).append(entry)
    _only(tmp_path, data, level, element, "id is used 2 times")


def test_duplicate_waypoint_across_levels(tmp_path: Path) -> None:
    """Waypoint ids are unique across the building, not just per level."""
    data = _base()
    _level(data, 1)["waypoints"]["a"] = [3, 3]
    problem = _only(tmp_path, data, "", "waypoint a", "id is used 2 times")
    assert "levels L1, L2" in problem.message


def test_duplicate_lift(tmp_path: Path) -> None:
    """Two lifts with one id."""
    data = _base()
    data["lifts"].append({"id": "lift_1", "stops": {"L1": "c", "L2": "e"}})
    _only(tmp_path, data, "", "lift lift_1", "id is used 2 times")


def test_lane_to_unknown_waypoint(tmp_path: Path) -> None:
    """The example from the issue: the missing end is named."""
    data = _base()
    _level(data, 0)["lanes"] = [{"id": "L1-x", "from": "c", "to": "x9"}]
    problem = _only(tmp_path, data, "L1", "lane L1-x", "")
    assert problem.message == "end waypoint 'x9' does not exist"


def test_lane_joining_two_levels(tmp_path: Path) -> None:
    """Lanes stay on one level; lifts join levels."""
    data = _base()
    _level(data, 0)["lanes"] = [{"id": "L1-y", "from": "c", "to": "e"}]
    _only(tmp_path, data, "L1", "lane L1-y", "end waypoint 'e' is on level L2")


def test_lane_starting_and_ending_at_one_waypoint(tmp_path: Path) -> None:
    """A lane from a waypoint to itself is a typo."""
    data = _base()
    _level(data, 0)["lanes"] = [{"from": "c", "to": "c"}]
    _only(tmp_path, data, "L1", "lane c-c", "same waypoint 'c'")


@pytest.mark.parametrize(
    ("where", "key", "value", "level", "element"),
    [
        ("corridor", "width_m", 0, "L1", "lane L1-c-1"),
        ("corridor", "speed_limit_mps", -1, "L1", "lane L1-c-1"),
        ("door", "opening_s", 0, "L1", "door d1"),
        ("lift", "door_time_s", 0, "", "lift lift_1"),
        ("lift", "seconds_per_level", -2, "", "lift lift_1"),
        ("lift", "capacity", 0, "", "lift lift_1"),
        ("charger", "docks", 0, "L1", "place charger_1"),
    ],
)
def test_non_positive_numbers(
    tmp_path: Path, where: str, key: str, value: float, level: str, element: str
) -> None:
    """Zero or negative widths, speeds, times, capacities are named with the value."""
    data = _base()
    target = {
        "corridor": _level(data, 0)["corridors"][0],
        "door": _level(data, 0)["doors"][0],
        "lift": data["lifts"][0],
        "charger": _level(data, 0)["places"][2],
    }[where]
    target[key] = value
    path, problems = _validate(tmp_path, data)
    mine = [p for p in problems if p.element == element]
    assert mine, [str(p) for p in problems]
    assert mine[0].level == level and mine[0].source == str(path)
    assert mine[0].message == f"{key} must be positive, got {value:g}"


def test_non_positive_default_speed(tmp_path: Path) -> None:
    """The building's cruising speed must be positive too."""
    data = {**_base(), "default_speed_mps": 0}
    _only(tmp_path, data, "", "", "default_speed_mps must be positive")


def test_door_on_missing_lane(tmp_path: Path) -> None:
    """A door between two waypoints that no lane joins."""
    data = _base()
    _level(data, 0)["doors"] = [{"id": "d2", "between": ["a", "c"]}]
    _only(tmp_path, data, "L1", "door d2", "no lane between 'a' and 'c'")


def test_door_on_unknown_waypoint(tmp_path: Path) -> None:
    """A door that names a waypoint that does not exist."""
    data = _base()
    _level(data, 0)["doors"] = [{"id": "d3", "between": ["a", "zz"]}]
    _only(tmp_path, data, "L1", "door d3", "waypoint 'zz' does not exist")


def test_lift_stop_on_unknown_level(tmp_path: Path) -> None:
    """A lift stop on a level the building does not have."""
    data = _base()
    data["lifts"][0]["stops"]["L9"] = "c"
    _only(tmp_path, data, "", "lift lift_1", "stop on level 'L9', which does not exist")


def test_lift_stop_on_unknown_waypoint(tmp_path: Path) -> None:
    """A lift car waypoint that does not exist."""
    data = _base()
    data["lifts"][0]["stops"]["L2"] = "nowhere"
    _path, problems = _validate(tmp_path, data)
    lift = [p for p in problems if p.element == "lift lift_1"]
    assert [(p.level, p.message) for p in lift] == [
        ("L2", "car waypoint 'nowhere' does not exist")
    ]
    # L2 is now cut off, which reachability reports as well.
    assert {p.element for p in problems} == {"lift lift_1", "place lab"}


def test_lift_stop_waypoint_on_another_level(tmp_path: Path) -> None:
    """The car waypoint of a stop must be on that stop's level."""
    data = _base()
    data["lifts"][0]["stops"] = {"L1": "b", "L2": "c"}
    _path, problems = _validate(tmp_path, data)
    lift = [p for p in problems if p.element == "lift lift_1"]
    assert [(p.level, p.message) for p in lift] == [
        ("L2", "car waypoint 'c' is on level L1")
    ]


def test_lift_serving_one_level(tmp_path: Path) -> None:
    """A lift with a single stop joins nothing."""
    data = _base()
    _level(data, 1)["lanes"].append({"from": "e", "to": "d2"})
    _level(data, 1)["waypoints"]["d2"] = [0, 5]
    data["lifts"] = [
        {"id": "lift_1", "stops": {"L1": "b", "L2": "d"}},
        {"id": "lift_2", "stops": {"L2": "d2"}},
    ]
    _only(tmp_path, data, "", "lift lift_2", "serves 1 level(s)")


def test_place_on_unknown_waypoint(tmp_path: Path) -> None:
    """A place whose waypoint does not exist."""
    data = _base()
    _level(data, 1)["places"].append(
        {"id": "kitchen", "kind": "kitchen", "waypoint": "ghost"}
    )
    _only(tmp_path, data, "", "place kitchen", "waypoint 'ghost' does not exist")


@pytest.mark.parametrize(
    ("station", "fragment"),
    [
        (None, "must name its nursing_station"),
        ("station_9", "nursing station 'station_9' does not exist"),
        ("lab", "'lab' is a lab, not a nursing_station"),
    ],
)
def test_ward_nursing_station(
    tmp_path: Path, station: str | None, fragment: str
) -> None:
    """Every ward names an existing nursing station."""
    data = _base()
    ward = _level(data, 0)["places"][0]
    ward["nursing_station"] = station
    _only(tmp_path, data, "L1", "place ward_1", fragment)


def test_self_intersecting_zone(tmp_path: Path) -> None:
    """A bow-tie polygon is explained by shapely."""
    data = _base()
    _level(data, 0)["zones"][0]["polygon"] = [[0, 0], [4, 4], [4, 0], [0, 4]]
    _only(tmp_path, data, "L1", "zone z1", "Self-intersection")


@pytest.mark.parametrize("corners", [[], [[0, 0], [1, 1]]])
def test_zone_with_too_few_corners(tmp_path: Path, corners: list[list[int]]) -> None:
    """A zone needs at least three corners."""
    data = _base()
    _level(data, 0)["zones"][0]["polygon"] = corners
    _only(tmp_path, data, "L1", "zone z1", "a zone needs at least 3")


def test_zone_without_area(tmp_path: Path) -> None:
    """Three corners on one line make no area."""
    data = _base()
    _level(data, 0)["zones"][0]["polygon"] = [[0, 0], [1, 0], [2, 0]]
    _path, problems = _validate(tmp_path, data)
    assert [p.element for p in problems] == ["zone z1"]


def test_quiet_zone_without_speed_cap_or_hours(tmp_path: Path) -> None:
    """A quiet zone must say how slow, or when it is closed."""
    data = _base()
    _level(data, 0)["zones"][0]["kind"] = "quiet"
    _only(tmp_path, data, "L1", "zone z1", "needs a speed_cap_mps, or hours")


def test_quiet_zone_closed_at_night_is_valid(tmp_path: Path) -> None:
    """No cap but hours: no passage during those hours (DESIGN.md), not a mistake."""
    data = _base()
    _level(data, 0)["zones"][0].update(kind="quiet", hours=[22, 6])
    assert _validate(tmp_path, data)[1] == []


def test_non_positive_speed_cap(tmp_path: Path) -> None:
    """A speed cap of zero is not a cap."""
    data = _base()
    _level(data, 0)["zones"][0].update(kind="quiet", speed_cap_mps=0)
    _only(tmp_path, data, "L1", "zone z1", "speed_cap_mps must be positive, got 0")


@pytest.mark.parametrize("hours", [[25, 6], [6, 6], [-1, 3]])
def test_bad_hours(tmp_path: Path, hours: list[int]) -> None:
    """Hours are [start 0-23, end 0-24] and not equal."""
    data = _base()
    zone = _level(data, 0)["zones"][0]
    zone.update(kind="quiet", speed_cap_mps=0.5, hours=hours)
    _only(tmp_path, data, "L1", "zone z1", "hours must be [start, end]")


def test_zone_and_waypoint_on_unknown_level(tmp_path: Path) -> None:
    """Elements built by an importer may name a level the building lacks."""
    path, _ = _validate(tmp_path, _base())
    building = load_native(path)
    stray = Zone("z9", "L7", ZoneKind.CLEAN, ((0, 0), (1, 0), (1, 1)))
    building = dataclasses.replace(building, zones=(*building.zones, stray))
    problems = validate(building)
    assert [(p.level, p.element, p.message) for p in problems] == [
        ("L7", "zone z9", "level 'L7' does not exist")
    ]


def test_island_place_is_unreachable(tmp_path: Path) -> None:
    """A place on a waypoint no lane reaches is named, with the place it is cut from."""
    data = _base()
    _level(data, 1)["waypoints"]["island"] = [50, 50]
    _level(data, 1)["places"].append(
        {"id": "stores", "kind": "stores", "waypoint": "island"}
    )
    problem = _only(tmp_path, data, "L2", "place stores", "cannot reach place 'ward_1'")
    assert "nor be reached from it" in problem.message


def test_one_way_dead_end_is_unreachable(tmp_path: Path) -> None:
    """A one-way lane into a place with no way out is a problem."""
    data = _base()
    _level(data, 1)["waypoints"]["f"] = [20, 0]
    _level(data, 1)["lanes"].append({"from": "e", "to": "f", "bidirectional": False})
    _level(data, 1)["places"].append({"id": "waste", "kind": "waste", "waypoint": "f"})
    problem = _only(tmp_path, data, "L2", "place waste", "cannot reach place 'ward_1'")
    assert "nor" not in problem.message


def test_lift_out_of_service_cuts_off_a_level(tmp_path: Path) -> None:
    """Reachability only counts lifts in service."""
    data = _base()
    data["lifts"][0]["in_service"] = False
    _only(tmp_path, data, "L2", "place lab", "cannot reach place 'ward_1'")


def test_several_problems_are_all_reported(tmp_path: Path) -> None:
    """One run reports every problem, and check() raises them all."""
    data = _base()
    _level(data, 0)["lanes"] = [{"id": "L1-x", "from": "c", "to": "x9"}]
    _level(data, 0)["doors"][0]["opening_s"] = -3
    _level(data, 0)["places"][0]["nursing_station"] = "station_9"
    data["lifts"][0]["capacity"] = 0
    path, problems = _validate(tmp_path, data)
    assert {p.element for p in problems} == {
        "lane L1-x",
        "door d1",
        "place ward_1",
        "lift lift_1",
    }
    with pytest.raises(MapError) as caught:
        check(load_native(path))
    assert len(caught.value.problems) == 4
    assert str(caught.value).startswith("4 problems in map")


def test_one_way_start_is_unreachable_from_the_rest(tmp_path: Path) -> None:
    """A place whose only lane leads out of it cannot be reached from the others."""
    data = _base()
    _level(data, 1)["waypoints"]["g"] = [20, 0]
    _level(data, 1)["lanes"].append({"from": "g", "to": "e", "bidirectional": False})
    _level(data, 1)["places"].append(
        {"id": "stores", "kind": "stores", "waypoint": "g"}
    )
    _only(tmp_path, data, "L2", "place stores", "cannot be reached from place 'ward_1'")


def test_isolated_first_place_is_the_one_reported(tmp_path: Path) -> None:
    """The best-connected part is the reference, even if the first place is cut off."""
    data = _base()
    _level(data, 0)["waypoints"]["island"] = [90, 90]
    _level(data, 0)["places"].insert(
        0, {"id": "stores", "kind": "stores", "waypoint": "island"}
    )
    _only(tmp_path, data, "L1", "place stores", "cannot reach place 'ward_1'")


def test_duplicate_level_ids(tmp_path: Path) -> None:
    """Two levels with one id."""
    data = _base()
    data["levels"].append({"id": "L2", "waypoints": {"z": [0, 0]}})
    _path, problems = _validate(tmp_path, data)
    assert next((p.level, p.element) for p in problems) == ("L2", "level L2")
    assert "id is used 2 times" in problems[0].message


def test_lift_car_without_a_lane(tmp_path: Path) -> None:
    """A car waypoint no lane touches cannot be boarded on that level."""
    data = _base()
    _level(data, 1)["waypoints"]["car_2"] = [-5, 0]
    data["lifts"][0]["stops"]["L2"] = "car_2"
    _path, problems = _validate(tmp_path, data)
    lift = [p for p in problems if p.element == "lift lift_1"]
    assert [(p.level, p.message) for p in lift] == [
        ("L2", "no lane reaches car waypoint 'car_2'")
    ]
