"""The simulator on an imported Open-RMF map: a scenario naming the hotel's places."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from maps.loading import load_building
from sim.kpis import compute
from sim.runner import RunConfig, simulate
from sim.scenario import parse_scenario

SHARED = Path(
    os.environ.get(
        "PORTER_SHARED", Path(__file__).resolve().parents[2] / ".." / "shared"
    )
)
HOTEL = SHARED / "maps" / "open-rmf" / "hotel.building.yaml"

HOTEL_SCENARIO = {
    "name": "hotel room service",
    "demand": [
        {
            "name": "room service",
            "from": "restaurant",
            "to": ["L2_room1", "L2_master_suite", "L3_room1", "L3_room15"],
            "per_day": 120,
            "categories": {"meal": 1},
            "priorities": {"urgent": 0.2},
        },
        {
            "name": "shop deliveries",
            "from": "shop",
            "to": ["L2_room15", "L3_master_suite"],
            "per_day": 48,
            "categories": {"supplies": 1},
        },
    ],
    "lifts": {"people_wait_s": 15},
}


@pytest.mark.skipif(not HOTEL.is_file(), reason=f"no Open-RMF hotel map at {HOTEL}")
def test_the_simulator_runs_on_the_open_rmf_hotel() -> None:
    """Room service in the Open-RMF hotel: jobs ride its lifts and complete."""
    building = load_building(HOTEL)
    scenario = parse_scenario(HOTEL_SCENARIO, "hotel-scenario")
    sim = simulate(
        building, scenario, RunConfig(robots=2, hours=2, start_hour=12, seed=4)
    )
    kpis = compute(sim)
    assert kpis["requests"] >= 5
    assert kpis["jobs"].get("completed", 0) >= 0.6 * kpis["requests"]
    assert sum(lift["rides"] for lift in kpis["lifts"].values()) > 0
    assert (
        sum(kpis["unserved_at_end"].values())
        + sum(kpis["jobs"].get(s, 0) for s in ("completed", "failed", "cancelled"))
        == kpis["requests"]
    )
