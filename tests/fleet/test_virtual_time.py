"""A sped-up virtual world, as the core sees it on the wall clock."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from fleet.api.compose import ServeSettings, assemble
from fleet.api.virtual_time import sped_up_core
from fleet.core.config import CoreConfig
from maps.loading import load_sample
from maps.matrix import TravelTimes

PLACES = ["pharmacy", "ward_2a", "lab", "kitchen"]


def test_a_sped_up_building_drives_lifts_and_doors_faster() -> None:
    """Every time (drives, lift rides, doors) is divided by the speed-up; the
    metres are the building's."""
    building = load_sample("demo_hospital")
    plain = TravelTimes(building).matrix(PLACES, load="dirty")
    fast = TravelTimes(building, speedup=10.0).matrix(PLACES, load="dirty")
    assert np.allclose(fast.times, plain.times / 10.0)
    assert np.array_equal(fast.distances, plain.distances)
    assert fast.time("pharmacy", "ward_2a") > 0


def test_a_sped_up_core_hands_off_and_charges_faster() -> None:
    """Hand-offs take 1/speed of their time and charging is speed times faster;
    people's patience and the network's are real time."""
    own = CoreConfig(pickup_service_s=60.0, dropoff_service_s=90.0)
    fast = sped_up_core(own, 10.0)
    assert fast.pickup_service_s == 6.0 and fast.dropoff_service_s == 9.0
    assert fast.battery_charge_per_s == pytest.approx(own.battery_charge_per_s * 10)
    assert fast.handoff_wait_s == own.handoff_wait_s
    assert fast.robot_offline_timeout_s == own.robot_offline_timeout_s


@pytest.mark.parametrize("speedup", [0.0, -1.0])
def test_a_speed_up_must_be_positive(speedup: float) -> None:
    """A world cannot run at zero or negative speed."""
    with pytest.raises(ValueError, match="speedup"):
        sped_up_core(CoreConfig(), speedup)
    with pytest.raises(ValueError, match="speedup"):
        TravelTimes(load_sample("demo_hospital"), speedup=speedup)


def test_serve_plans_virtual_robots_on_their_own_clock(tmp_path: Path) -> None:
    """`porter serve` with virtual robots at 10x plans with the sped-up times."""
    settings = ServeSettings(database_url=f"sqlite:///{tmp_path}/p.db", speed=10.0)
    assembly = assemble(settings)
    try:
        core = assembly.service.core_factory([], assembly.service.fleet)
    finally:
        assembly.close()
    problem = core.dispatch_problem(now=0.0)
    building = load_sample("demo_hospital")
    nodes = list(problem.travel.nodes)
    assert len(nodes) >= 2  # the robots' places at least
    plain = TravelTimes(building).matrix(nodes)
    assert np.allclose(problem.travel.times["standard"], plain.times / 10.0)
