"""What a long-running service keeps in memory is bounded (the soak's memory part)."""

from __future__ import annotations

import pytest

from maps import matrix
from maps.matrix import TravelTimes
from tests.maps.handmade_buildings import clinic


def test_travel_matrices_kept_are_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every re-plan names new nodes: only the most recently used matrices stay."""
    monkeypatch.setattr(matrix, "MATRICES_KEPT", 3)
    travel = TravelTimes(clinic())
    places = ["pharmacy", "ward_1", "station_1", "g_a"]
    two, three = travel.matrix(places[:2]), travel.matrix(places[:3])
    travel.matrix(places)
    assert travel.matrix(places[:2]) is two  # used again: the most recent now
    travel.matrix(places[1:])
    travel.matrix(places[2:])
    assert len(travel._cache) == 3
    assert travel.matrix(places[:2]) is two
    assert travel.matrix(places[:3]) is not three  # least recently used: dropped
