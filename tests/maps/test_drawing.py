"""Level drawings: the plain data, and the PNG drawn from it."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from maps.drawing import LaneSegment, LevelDrawing, PlaceMark, level_drawing
from maps.model import Lane, PlaceKind, ZoneKind
from maps.render import render_level_png, route_overlay
from tests.maps.handmade_buildings import (
    CLEAN_KITCHEN,
    DOOR_BC,
    ICU,
    QUIET_BC,
    clinic,
    without_lanes,
)

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _ground() -> LevelDrawing:
    b = clinic(doors=(DOOR_BC,), zones=(CLEAN_KITCHEN, QUIET_BC, ICU))
    b = replace(
        b, lanes=(*without_lanes(b, "cd").lanes, Lane("cd", "G", "g_d", "g_c", False))
    )
    return level_drawing(b, "G")


def test_lanes_places_lifts_doors_of_one_level() -> None:
    """The ground floor shows its own lanes, places, lift stop and door only."""
    drawing = _ground()
    assert drawing.level == "G"
    assert {lane.id for lane in drawing.lanes} == {
        "ab", "bc", "cd", "ae", "ef", "fd", "g_lift_lane"
    }  # fmt: skip
    assert LaneSegment("cd", (30, 0), (20, 0), True, 2.0) in drawing.lanes
    assert (
        PlaceMark("pharmacy", PlaceKind.PHARMACY, "pharmacy", (0, 0)) in drawing.places
    )
    assert {p.id for p in drawing.places} == {"pharmacy", "waste_room"}
    (lift,) = drawing.lifts
    assert lift.id == "service" and lift.position == (0, -5)
    assert lift.levels == ("G", "L1", "L2") and lift.in_service
    (door,) = drawing.doors
    assert door.id == "fire_door" and door.position == (15, 0)
    assert len(drawing.waypoints) == 7


def test_zones_of_the_level_with_their_rules() -> None:
    """Zones of this level come with kind, polygon and a readable rule."""
    zones = {z.id: z for z in _ground().zones}
    assert set(zones) == {"kitchen_corridor", "quiet_bc"}
    assert zones["kitchen_corridor"].kind == ZoneKind.CLEAN
    assert zones["quiet_bc"].rule == "quiet 0.5 m/s 22-6h"
    assert zones["quiet_bc"].polygon == QUIET_BC.polygon
    icu = level_drawing(clinic(zones=(ICU,)), "L1").zones[0]
    assert icu.rule == "restricted: blood_product, icu_access"


def test_bounds_cover_waypoints_and_zones() -> None:
    """Bounds reach the furthest waypoint or zone corner."""
    assert _ground().bounds == (0, -5, 30, 10)
    wide = replace(CLEAN_KITCHEN, polygon=((-40, -2), (18, -2), (18, 2)))
    assert level_drawing(clinic(zones=(wide,)), "G").bounds == (-40, -5, 30, 10)


def test_unknown_level_names_the_levels() -> None:
    """Asking for a level that does not exist lists the ones that do."""
    with pytest.raises(ValueError, match=r"no level 'L9' .*levels: L2, G, L1"):
        level_drawing(clinic(), "L9")


def test_png_is_written(tmp_path: Path) -> None:
    """Rendering writes a non-empty PNG, with an overlay drawn on top."""
    drawn: list[object] = []
    overlay = route_overlay([(0, 0), (10, 0), (20, 0)])

    def spy(ax: object) -> None:
        drawn.append(ax)
        overlay(ax)

    out = render_level_png(_ground(), tmp_path / "ground.png", title="G", overlay=spy)
    data = out.read_bytes()
    assert data.startswith(PNG_SIGNATURE) and len(data) > 10_000
    assert len(drawn) == 1


def test_empty_level_still_renders(tmp_path: Path) -> None:
    """A level with a single waypoint and nothing else draws without error."""
    drawing = level_drawing(clinic(), "L2")
    out = render_level_png(drawing, tmp_path / "l2.png")
    assert out.stat().st_size > 0
