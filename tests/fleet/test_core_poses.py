"""Drive poses are remembered per building and waypoints, and stay right."""

from __future__ import annotations

import dataclasses

from fleet.core.missions import _poses, poses
from maps.loading import load_sample


def test_remembered_poses_are_the_computed_ones_per_building() -> None:
    """Asked twice: the same poses; a moved building gets its own."""
    building = load_sample("demo_hospital")
    path = ("L0_m05", "L0_m06", "L0_m07")
    first = poses(building, path)
    assert poses(building, path) is first
    assert first == _poses(building, path)
    moved = dataclasses.replace(
        building,
        waypoints=tuple(
            dataclasses.replace(w, x=w.x + 1.0) for w in building.waypoints
        ),
    )
    assert poses(moved, path) == _poses(moved, path) != first
