"""A penalised trip that stays on its level is answered without the repriced overlay,
and is the route the general search gives, leg for leg."""

from __future__ import annotations

import random
from functools import cache

import pytest

from maps.errors import NoRouteError
from maps.legs import Route, build_route
from maps.loading import load_sample
from maps.model import Building
from maps.routing import Router, penalised, router_for
from maps.rules import rules_for

PENALTIES = (
    {"lift_a": 1.0},
    {"lift_a": 45.0, "lift_b": 30.0},
    {"lift_a": 600.0, "lift_b": 600.0, "lift_s": 3600.0},
)


@cache
def hospital() -> Building:
    return load_sample("demo_hospital")


def _general(
    router: Router, start: str, goal: str, penalty: dict[str, float]
) -> Route | None:
    """The route as the general search finds it (repriced overlay, no shortcut)."""
    key = penalised(rules_for(hospital(), None, None, None), penalty)
    path = router.path(key, start, goal)
    return None if path is None else build_route(router, key, start, goal, path)


@pytest.mark.parametrize("penalty", PENALTIES)
def test_penalised_routes_are_the_general_searchs(penalty: dict[str, float]) -> None:
    """Trips on one level and across levels: the same legs, times and lifts."""
    router = Router(hospital())  # its own caches: nothing answered from before
    waypoints = sorted(w.id for w in hospital().waypoints)
    rnd = random.Random(5)
    on_level = 0
    for _ in range(150):
        start, goal = rnd.sample(waypoints, 2)
        try:
            found = router.route(start, goal, lift_penalty_s=penalty)
        except NoRouteError:
            found = None
        assert found == _general(router, start, goal, penalty)
        on_level += found is not None and not found.lifts
    assert 0 < on_level < 150  # both kinds of trip were asked


def test_a_level_path_is_none_for_a_trip_that_rides() -> None:
    """Across levels there is no level path: the general search answers."""
    router = router_for(hospital())
    rules = rules_for(hospital(), None, None, None)
    assert router.level_path(rules, "L0_m05", "L2_m05") is None
    assert router.level_path(rules, "L0_m05", "L0_m05") == [
        router.table.node_index["L0_m05"]
    ]
