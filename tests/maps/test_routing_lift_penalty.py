"""Routing with a cost per lift: the fleet core's expected wait for a busy car."""

from __future__ import annotations

from functools import cache

import numpy as np

from maps.loading import load_sample
from maps.model import Building
from maps.overlay import LevelOverlay
from maps.routing import penalised, route, router_for
from maps.rules import rules_for


@cache
def hospital() -> Building:
    return load_sample("demo_hospital")


def _lifts(penalty: dict[str, float] | None) -> list[str]:
    trip = route(hospital(), "L0_m05", "L2_m05", lift_penalty_s=penalty)
    return [ride.lift for ride in trip.lifts]


def test_a_penalty_on_the_quickest_car_takes_the_one_beside_it() -> None:
    """lift_a and lift_b are as quick: a queue at lift_a sends the trip to lift_b."""
    assert _lifts(None) == ["lift_a"]
    assert _lifts({"lift_a": 30.0}) == ["lift_b"]
    assert _lifts({"lift_a": 30.0, "lift_b": 60.0}) == ["lift_a"]


def test_the_penalty_is_in_the_lift_leg_and_the_route_time() -> None:
    """The ride leg's time carries the penalty, as it carries the expected wait."""
    plain = route(hospital(), "L0_m05", "L2_m05")
    both = route(hospital(), "L0_m05", "L2_m05",
                 lift_penalty_s={"lift_a": 40.0, "lift_b": 40.0})  # fmt: skip
    assert both.time_s == plain.time_s + 40.0


def test_long_queues_at_both_passenger_cars_take_the_service_lift() -> None:
    """Ten minutes at each passenger car: the service lift at the far end wins."""
    assert _lifts({"lift_a": 600.0, "lift_b": 600.0}) == ["lift_s"]


def test_no_penalty_leaves_routing_as_it_was() -> None:
    """Zero or no penalties give the plain route, before and after penalised ones."""
    before = route(hospital(), "L0_m05", "L3_m05")
    route(hospital(), "L0_m05", "L3_m05", lift_penalty_s={"lift_a": 99.0})
    assert route(hospital(), "L0_m05", "L3_m05", lift_penalty_s={"lift_a": 0.0}) == (
        before
    )
    assert route(hospital(), "L0_m05", "L3_m05") == before


def test_a_repriced_overlay_equals_one_built_from_scratch() -> None:
    """Repricing the rides of the plain overlay gives what a full build gives."""
    router = router_for(hospital())
    rules = rules_for(hospital(), None, None, None)
    for penalty in ({"lift_a": 48}, {"lift_a": 600, "lift_b": 600}, {"lift_s": 5}):
        key = penalised(rules, penalty)
        times = router.times(key)
        fresh = LevelOverlay(router.table, router.node_level, times)
        repriced = router.overlay(rules).repriced(router.table, times)
        assert np.array_equal(fresh.portals, repriced.portals)
        assert np.array_equal(fresh.between, repriced.between)
        assert np.array_equal(fresh.between_pred, repriced.between_pred)
        assert np.array_equal(fresh.hop_is_ride, repriced.hop_is_ride)
        assert not np.array_equal(repriced.between, router.overlay(rules).between)
