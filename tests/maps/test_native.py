"""The native YAML map format: parsing, structural problems, round trips."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
import yaml

from maps.errors import MapError, MapProblem
from maps.loading import load_sample
from maps.model import (
    Building,
    DoorKind,
    Lane,
    Level,
    Lift,
    Place,
    PlaceKind,
    Waypoint,
    ZoneKind,
)
from maps.native import (
    canonical,
    dump_native,
    load_native,
    parse_native,
    save_native,
)
from maps.yaml_fields import ProblemLog
from maps.yaml_read import read_yaml


def _clinic() -> dict[str, object]:
    return {
        "building": "Tiny",
        "levels": [
            {
                "id": "L1",
                "elevation_m": 3,
                "waypoints": {"a": [0, 0], "b": [10, 0], "c": [20, 0.5]},
                "corridors": [
                    {"id": "L1-main", "path": ["a", "b", "c"], "width_m": 2.5}
                ],
                "lanes": [{"from": "c", "to": "a", "bidirectional": False}],
                "places": [
                    {
                        "id": "ward_1",
                        "kind": "ward",
                        "waypoint": "a",
                        "nursing_station": "station_1",
                    },
                    {"id": "station_1", "kind": "nursing_station", "waypoint": "c"},
                ],
                "doors": [
                    {"id": "d1", "between": ["a", "b"], "kind": "access_controlled"}
                ],
                "zones": [
                    {
                        "id": "q",
                        "kind": "quiet",
                        "polygon": [[0, 0], [5, 0], [5, 5]],
                        "speed_cap_mps": 0.4,
                        "hours": [22, 6],
                    }
                ],
            }
        ],
    }


def _write(tmp_path: Path, data: object, name: str = "map.yaml") -> Path:
    path = tmp_path / name
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return path


def _problems(call: object) -> tuple[MapProblem, ...]:
    with pytest.raises(MapError) as caught:
        call()  # type: ignore[operator]
    return caught.value.problems


def test_parse_expands_corridors_and_reads_every_element() -> None:
    """A corridor becomes numbered lanes; every element keeps its fields."""
    building = parse_native(_clinic(), "tiny.yaml")
    assert [lane.id for lane in building.lanes] == ["L1-main-1", "L1-main-2", "c-a"]
    first = building.lanes[0]
    assert (first.start, first.end, first.width_m, first.bidirectional) == (
        "a",
        "b",
        2.5,
        True,
    )
    assert building.lanes[2].bidirectional is False
    assert building.waypoint("c").y == 0.5
    assert building.level("L1").elevation_m == 3.0
    assert building.place("ward_1").nursing_station == "station_1"
    assert building.place("station_1").kind == PlaceKind.NURSING_STATION
    assert building.doors[0].kind == DoorKind.ACCESS_CONTROLLED
    assert building.zones[0].kind == ZoneKind.QUIET
    assert building.zones[0].hours == (22, 6)
    assert building.source == "tiny.yaml"


def test_structural_problems_are_all_reported_with_file_level_element(
    tmp_path: Path,
) -> None:
    """Missing keys, wrong types, unknown kinds and typos come out together."""
    data = _clinic()
    level = data["levels"][0]  # type: ignore[index]
    level["waypoints"]["b"] = [10]
    level["corridors"][0]["width_m"] = "wide"
    level["places"][1]["kind"] = "canteen"
    level["doors"][0]["opening_s"] = float("nan")
    level["zones"][0]["speed_cap"] = 0.3
    del level["places"][0]["waypoint"]
    path = _write(tmp_path, data)
    problems = _problems(lambda: load_native(path))
    found = {(p.level, p.element): p.message for p in problems}
    assert all(p.source == str(path) for p in problems)
    assert "position must be [x, y]" in found[("L1", "waypoint b")]
    assert (
        "'width_m' must be a finite number, got 'wide'"
        in found[("L1", "corridor L1-main")]
    )
    assert "'kind' must be one of" in found[("L1", "place station_1")]
    assert "canteen" in found[("L1", "place station_1")]
    assert "'opening_s' must be a finite number" in found[("L1", "door d1")]
    assert "unknown field 'speed_cap'" in found[("L1", "zone q")]
    assert "missing 'waypoint'" in found[("L1", "place ward_1")]
    assert len(problems) == 6
    assert str(path) in str(problems[0]) and "level L1" in str(problems[0])


def test_missing_name_and_levels_are_reported() -> None:
    """An empty document says what a building needs."""
    problems = _problems(lambda: parse_native({}, "empty.yaml"))
    messages = " | ".join(p.message for p in problems)
    assert "missing 'building'" in messages
    assert "no levels" in messages


def test_non_mapping_document_is_reported() -> None:
    """A YAML list instead of a mapping is a clear problem, not a crash."""
    problems = _problems(lambda: parse_native(["a"], "list.yaml"))
    assert "expected a mapping" in problems[0].message


def test_yaml_syntax_error_names_file_and_line(tmp_path: Path) -> None:
    """Broken YAML gives the file and the line of the break."""
    path = tmp_path / "broken.yaml"
    path.write_text("building: X\nlevels:\n  - id: L1\n    waypoints: {a: [0, 0]\n")
    problems = _problems(lambda: load_native(path))
    assert len(problems) == 1
    assert problems[0].source == str(path)
    assert problems[0].element.startswith("line ")
    assert "YAML syntax error" in problems[0].message


def test_repeated_yaml_key_is_reported_with_its_line(tmp_path: Path) -> None:
    """A waypoint written twice in one level is not silently overwritten."""
    path = tmp_path / "twice.yaml"
    path.write_text(
        "building: X\nlevels:\n  - id: L1\n    waypoints:\n"
        "      a: [0, 0]\n      a: [5, 0]\n"
    )
    problems = _problems(lambda: load_native(path))
    assert [(p.element, p.message) for p in problems] == [
        ("line 6", "'a' appears twice in the same mapping")
    ]


def test_unreadable_file_is_a_map_error(tmp_path: Path) -> None:
    """A missing file is reported like any other map problem."""
    problems = _problems(lambda: load_native(tmp_path / "nope.yaml"))
    assert "cannot read the file" in problems[0].message


def test_unsupported_format_version() -> None:
    """A file from a newer format is refused, not misread."""
    data = {**_clinic(), "format_version": 2}
    problems = _problems(lambda: parse_native(data, "v2.yaml"))
    assert "format_version 2 is not supported" in problems[0].message


def test_place_listed_under_another_level_is_reported() -> None:
    """A place sits under its waypoint's level, so the file does not mislead."""
    data = _clinic()
    data["levels"].append(  # type: ignore[attr-defined]
        {
            "id": "L2",
            "waypoints": {"x": [0, 0]},
            "places": [{"id": "lab", "kind": "lab", "waypoint": "a"}],
        }
    )
    problems = _problems(lambda: parse_native(data, "f.yaml"))
    assert [(p.level, p.element) for p in problems] == [("L2", "place lab")]
    assert "on level L1" in problems[0].message


def test_bad_hours_and_bool_numbers_are_structural_problems() -> None:
    """Hours must be two whole numbers; true is not a number."""
    data = _clinic()
    level = data["levels"][0]  # type: ignore[index]
    level["zones"][0]["hours"] = [22.5, 6]
    level["elevation_m"] = True
    problems = _problems(lambda: parse_native(data, "f.yaml"))
    messages = sorted(p.message for p in problems)
    assert any("'hours' must be [start, end]" in m for m in messages)
    assert any("'elevation_m' must be a finite number" in m for m in messages)


@pytest.mark.parametrize("name", ["small_clinic", "demo_hospital"])
def test_dump_then_parse_gives_the_same_building(name: str) -> None:
    """dump_native loses nothing: parsing its output rebuilds an equal building."""
    building = load_sample(name)
    assert parse_native(dump_native(building), building.source) == building


def test_save_then_load_gives_the_same_building(tmp_path: Path) -> None:
    """A saved file loads back to the same building (only the source differs)."""
    building = parse_native(_clinic(), "tiny.yaml")
    path = tmp_path / "saved.yaml"
    save_native(building, path)
    loaded = load_native(path)
    assert loaded == dataclasses.replace(building, source=str(path))


def test_round_trip_keeps_optional_fields() -> None:
    """Names, limits, docks, capabilities and lift flags survive a round trip."""
    source = load_sample("demo_hospital")
    again = parse_native(dump_native(source), "x")
    assert isinstance(again, Building)
    icu = next(z for z in again.zones if z.kind == ZoneKind.RESTRICTED)
    assert icu.allowed_capabilities == frozenset({"icu_access"})
    assert "medication" in icu.allowed_loads
    assert {lift.id: lift.shared_with_people for lift in again.lifts} == {
        "lift_a": True,
        "lift_b": True,
        "lift_s": False,
    }
    assert again.place("charger_0a").docks == 2


def test_dump_writes_corridors_and_default_lane_ids_back_compactly() -> None:
    """Corridor lane chains are written back as corridors, without default lane ids."""
    clinic = dump_native(load_sample("small_clinic"))
    ground = clinic["levels"][0]  # type: ignore[index]
    assert ground["corridors"] == [
        {
            "id": "G-main",
            "path": ["G_entrance", "G_c1", "G_c2", "G_c3", "G_lobby"],
            "width_m": 2.5,
            "speed_limit_mps": 1.2,
        }
    ]
    assert ground["lanes"][0] == {"from": "G_lobby", "to": "G_lift"}


def test_canonical_orders_elements_by_level_for_round_trips() -> None:
    """A building listing a later level's elements first round-trips to canonical()."""
    waypoints = (
        Waypoint("up_a", "L2", 0, 0),
        Waypoint("a", "L1", 0, 0),
        Waypoint("b", "L1", 5, 0),
        Waypoint("up_b", "L2", 5, 0),
    )
    building = Building(
        name="Out of order",
        levels=(Level("L1"), Level("L2", 4.0)),
        waypoints=waypoints,
        lanes=(Lane("u", "L2", "up_a", "up_b"), Lane("g", "L1", "a", "b", False)),
        places=(
            Place("lab", PlaceKind.LAB, "up_b"),
            Place("stores", PlaceKind.STORES, "b"),
        ),
        lifts=(Lift("lift", {"L1": "a", "L2": "up_a"}),),
        source="memory",
    )
    again = parse_native(dump_native(building), "memory")
    assert again != building
    assert again == canonical(building)
    assert [w.id for w in again.waypoints] == ["a", "b", "up_a", "up_b"]
    assert canonical(again) == again


@pytest.mark.parametrize(
    "text",
    [
        "",
        "a: 1\nb: [1.5, -2, 0x1F, 1_000, .inf, ~, null, yes, No, 'yes', \"3\"]\n",
        "when: 2026-11-22\nratio: 1e3\nempty: {}\nlist: []\nnested: {a: [{b: c}]}\n",
        "base: &b {width_m: 2.4}\nlane: *b\n",
        "base: &b {width_m: 2.4}\nlane: {<<: *b, to: x}\n",
        "tagged: !!str 12\nplain: 12\n",
        "? [a, b]\n: pair\n",
        "- one\n- {two: 2}\n",
    ],
)
def test_yaml_reader_agrees_with_safe_load(text: str) -> None:
    """The fast reader gives what yaml.safe_load gives, anchors and tags included."""
    log = ProblemLog("t.yaml")
    try:
        expected = yaml.safe_load(text)
    except yaml.YAMLError:
        expected = None
    assert read_yaml(text, log) == expected


def test_yaml_reader_refuses_several_documents() -> None:
    """Two documents in one map file are an error, not half a building."""
    log = ProblemLog("t.yaml")
    assert read_yaml("a: 1\n---\nb: 2\n", log) is None
    assert "YAML" in log.problems[0].message


def test_repeated_keys_found_in_nested_mappings_with_lines() -> None:
    """Each repeated key is reported once with the line of its second use."""
    log = ProblemLog("t.yaml")
    text = "lift:\n  stops: {L1: a, L1: b}\n  id: x\n  id: y\n"
    assert read_yaml(text, log) == {"lift": {"stops": {"L1": "b"}, "id": "y"}}
    assert [(p.element, p.message) for p in log.problems] == [
        ("line 2", "'L1' appears twice in the same mapping"),
        ("line 4", "'id' appears twice in the same mapping"),
    ]


def test_merge_keys_may_be_overridden_without_a_problem() -> None:
    """YAML merge keys let a mapping override merged fields: not a repeat."""
    log = ProblemLog("t.yaml")
    text = "base: &b {width_m: 2.4, to: y}\nlane: {<<: *b, to: x}\n"
    assert read_yaml(text, log) == yaml.safe_load(text)
    assert log.problems == []


def test_empty_file_says_so(tmp_path: Path) -> None:
    """An empty file is one clear problem, not a cascade."""
    path = tmp_path / "empty.yaml"
    path.write_text("# nothing yet\n")
    problems = _problems(lambda: load_native(path))
    assert [p.message for p in problems] == [
        "the map is empty: expected 'building', 'levels' and 'lifts'"
    ]
