"""The sample buildings load, validate and hold what the demo promises."""

from __future__ import annotations

import math
import os
from collections import Counter
from pathlib import Path

import networkx as nx
import pytest
import yaml
from shapely.geometry import LineString, Point, Polygon

from maps.errors import MapError
from maps.loading import load_building, load_sample, sample_names, sample_path
from maps.model import Building, PlaceKind, ZoneKind
from maps.native import parse_native
from maps.validate import validate
from maps.validate_space import topology


@pytest.fixture(scope="module")
def demo_hospital() -> Building:
    return load_sample("demo_hospital")


def test_samples_are_listed() -> None:
    """Both samples ship with the package."""
    assert {"demo_hospital", "small_clinic"} <= set(sample_names())


@pytest.mark.parametrize("name", ["demo_hospital", "small_clinic"])
def test_sample_validates(name: str) -> None:
    """Each sample has no problem at all."""
    building = load_building(sample_path(name))
    assert validate(building) == []
    assert building.source.endswith(f"{name}.yaml")


def test_unknown_sample_lists_the_available_ones() -> None:
    """A wrong sample name says which exist."""
    with pytest.raises(LookupError, match=r"available: .*demo_hospital.*small_clinic"):
        sample_path("big_hospital")


def test_small_clinic_is_small_and_complete() -> None:
    """One or two levels, one lift, a ward with its station, a charger."""
    clinic = load_sample("small_clinic")
    kinds = Counter(place.kind for place in clinic.places)
    assert len(clinic.levels) <= 2 and len(clinic.lifts) == 1
    assert kinds[PlaceKind.WARD] >= 1 and kinds[PlaceKind.NURSING_STATION] >= 1
    assert kinds[PlaceKind.CHARGER] >= 1


def test_demo_hospital_has_the_promised_places(demo_hospital: Building) -> None:
    """Ground-floor services, two ward floors of four wards, clinics and an ICU."""
    kinds = Counter(place.kind for place in demo_hospital.places)
    assert len(demo_hospital.levels) >= 4
    for kind in ("reception", "pharmacy", "lab", "kitchen", "stores", "linen", "waste"):
        assert kinds[PlaceKind(kind)] >= 1, kind
    assert kinds[PlaceKind.CLINIC] >= 2
    assert kinds[PlaceKind.CHARGER] == 6
    assert kinds[PlaceKind.PARKING] >= 1 and kinds[PlaceKind.HOLDING_POINT] >= 3
    for level in ("L2", "L3"):
        wards = [
            p
            for p in demo_hospital.places_of_kind(PlaceKind.WARD)
            if demo_hospital.waypoint(p.waypoint).level == level
        ]
        assert len(wards) == 4
        assert len({ward.nursing_station for ward in wards}) == 1


def test_demo_hospital_lifts_and_doors(demo_hospital: Building) -> None:
    """Three lifts serving every floor, one a service lift; at least eight doors."""
    assert len(demo_hospital.lifts) == 3
    assert [lift.shared_with_people for lift in demo_hospital.lifts].count(False) == 1
    levels = {level.id for level in demo_hospital.levels}
    assert all(set(lift.stops) == levels for lift in demo_hospital.lifts)
    assert len(demo_hospital.doors) >= 8


def test_demo_hospital_sizes_are_realistic(demo_hospital: Building) -> None:
    """Corridors 2-3 m wide; main corridors 60-100 m long."""
    assert all(2.0 <= lane.width_m <= 3.0 for lane in demo_hospital.lanes)
    for level in demo_hospital.levels:
        main = [x for x in demo_hospital.lanes if x.id.startswith(f"{level.id}-main-")]
        length = sum(_length(demo_hospital, x.start, x.end) for x in main)
        assert 60 <= length <= 110, (level.id, length)


def test_demo_hospital_zones(demo_hospital: Building) -> None:
    """A restricted ICU, clean corridors and ward floors quiet at night."""
    by_kind = Counter(zone.kind for zone in demo_hospital.zones)
    assert by_kind[ZoneKind.RESTRICTED] >= 1 and by_kind[ZoneKind.CLEAN] >= 2
    quiet = [z for z in demo_hospital.zones if z.kind == ZoneKind.QUIET]
    assert {z.level for z in quiet} >= {"L2", "L3"}
    assert all(z.hours == (22, 6) and z.speed_cap_mps == 0.5 for z in quiet)
    icu = demo_hospital.place("icu")
    restricted = next(z for z in demo_hospital.zones if z.kind == ZoneKind.RESTRICTED)
    assert _inside(demo_hospital, restricted.polygon, icu.waypoint)
    assert "icu_access" in restricted.allowed_capabilities


def test_demo_hospital_dirty_route_avoids_clean_zones(demo_hospital: Building) -> None:
    """Every ward and clinic reaches the waste hold and soiled linen room, and back,
    without a lane or waypoint inside a clean zone (the service corridor and lift)."""
    graph = _without_clean_zones(demo_hospital)
    sources = [
        p for p in demo_hospital.places if p.kind in (PlaceKind.WARD, PlaceKind.CLINIC)
    ]
    for target in ("waste_hold", "soiled_linen"):
        goal = demo_hospital.place(target).waypoint
        for place in sources:
            assert nx.has_path(graph, place.waypoint, goal), (place.id, target)
            assert nx.has_path(graph, goal, place.waypoint), (place.id, target)


def test_demo_hospital_clean_zones_are_on_the_way(demo_hospital: Building) -> None:
    """The clean zones matter: without the service lift no dirty route reaches L0."""
    graph = _without_clean_zones(demo_hospital)
    service_cars = set(
        next(x for x in demo_hospital.lifts if x.id == "lift_s").stops.values()
    )
    graph.remove_nodes_from(service_cars)
    waste = demo_hospital.place("waste_hold").waypoint
    assert not nx.has_path(graph, demo_hospital.place("ward_2a").waypoint, waste)


def _length(building: Building, a: str, b: str) -> float:
    one, two = building.waypoint(a), building.waypoint(b)
    return math.hypot(one.x - two.x, one.y - two.y)


def _inside(
    building: Building, polygon: tuple[tuple[float, float], ...], wp: str
) -> bool:
    waypoint = building.waypoint(wp)
    return Polygon(polygon).contains(Point(waypoint.x, waypoint.y))


def _without_clean_zones(building: Building) -> nx.DiGraph:
    """The topology minus every lane that touches a clean zone of its level."""
    graph = topology(building)
    clean = [z for z in building.zones if z.kind == ZoneKind.CLEAN]
    for a, b in list(graph.edges):
        one, two = building.waypoint(a), building.waypoint(b)
        if one.level != two.level:
            continue  # a lift ride
        segment = LineString([(one.x, one.y), (two.x, two.y)])
        if any(
            z.level == one.level and Polygon(z.polygon).intersects(segment)
            for z in clean
        ):
            graph.remove_edge(a, b)
    return graph


def test_format_page_example_is_the_small_clinic() -> None:
    """docs/map-format.md shows the small clinic exactly as shipped."""
    page = (Path(__file__).resolve().parents[2] / "docs" / "map-format.md").read_text()
    example = page.split("```yaml\n", 1)[1].split("```", 1)[0]
    assert example == sample_path("small_clinic").read_text()
    assert validate(parse_native(yaml.safe_load(example), "docs")) == []


def test_load_building_reads_open_rmf_maps_by_name() -> None:
    """A *.building.yaml goes to the Open-RMF importer and is validated too."""
    shared = Path(
        os.environ.get(
            "PORTER_SHARED", Path(__file__).resolve().parents[2] / ".." / "shared"
        )
    )
    path = shared / "maps" / "open-rmf" / "office.building.yaml"
    if not path.is_file():
        pytest.skip(f"{path} is missing (set PORTER_SHARED to the shared folder)")
    building = load_building(path)
    assert validate(building) == []
    assert building.source == str(path)
    assert len(building.places) >= 2


def test_load_building_missing_file_is_a_map_error(tmp_path: Path) -> None:
    """No file: a MapError naming it, like every other map problem."""
    with pytest.raises(MapError, match="no such file"):
        load_building(tmp_path / "ghost.yaml")
