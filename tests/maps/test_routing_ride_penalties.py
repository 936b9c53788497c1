"""A trip asked again under other lift penalties reuses its plain legs: the route
is the one the general search builds under the penalised rules, leg for leg."""

from __future__ import annotations

import random
from functools import cache

from maps.errors import NoRouteError
from maps.legs import LiftLeg, Route, build_route
from maps.loading import load_sample
from maps.model import Building
from maps.routing import Router, penalised, with_ride_penalties
from maps.rules import rules_for


@cache
def hospital() -> Building:
    return load_sample("demo_hospital")


def _general(
    router: Router, start: str, goal: str, penalty: dict[str, float]
) -> Route | None:
    """The route as the general search builds it (no reuse of plain legs)."""
    key = penalised(rules_for(hospital(), None, None, None), penalty)
    path = router.path(key, start, goal)
    return None if path is None else build_route(router, key, start, goal, path)


def _asked(
    router: Router, start: str, goal: str, penalty: dict[str, float]
) -> Route | None:
    try:
        return router.route(start, goal, lift_penalty_s=penalty)
    except NoRouteError:
        return None


def test_trips_asked_again_under_other_penalties_are_the_general_searchs() -> None:
    """Random trips, each under several penalty sets on one router: equal routes."""
    router = Router(hospital())
    waypoints = sorted(w.id for w in hospital().waypoints)
    rnd = random.Random(7)
    trips = [tuple(rnd.sample(waypoints, 2)) for _ in range(40)]
    rides = 0
    for _ in range(4):
        for start, goal in trips:
            penalty = {
                lift: rnd.choice((0.0, 0.4, 1.0, 37.5, 130.0, 3600.0))
                for lift in ("lift_a", "lift_b", "lift_s")
            }
            found = _asked(router, start, goal, penalty)
            assert found == _general(router, start, goal, penalty)
            rides += found is not None and bool(found.lifts)
    assert rides > 20  # trips across levels were asked


def test_ride_penalties_add_to_rides_only() -> None:
    """Drive legs keep their seconds; each ride of a penalised lift gains its own."""
    router = Router(hospital())
    plain = router.route("L0_m05", "L2_m05")
    lift = next(leg.lift for leg in plain.legs if isinstance(leg, LiftLeg))
    moved = with_ride_penalties(plain, ((lift, 90),))
    for before, after in zip(plain.legs, moved.legs, strict=True):
        extra = 90 if isinstance(before, LiftLeg) and before.lift == lift else 0
        assert after.time_s == before.time_s + extra
    assert moved.time_s == sum(leg.time_s for leg in moved.legs)
    assert with_ride_penalties(plain, (("no_such_lift", 5),)) is plain
    assert isinstance(moved, Route)


def test_level_paths_asked_again_are_a_fresh_routers() -> None:
    """Kept level paths (or ``None`` for trips that ride) are what a search finds."""
    rules = rules_for(hospital(), None, None, None)
    waypoints = sorted(w.id for w in hospital().waypoints)
    rnd = random.Random(9)
    trips = [tuple(rnd.sample(waypoints, 2)) for _ in range(60)]
    fresh = Router(hospital())
    want = {trip: fresh.level_path(rules, *trip) for trip in dict.fromkeys(trips)}
    kept = Router(hospital())
    for start, goal in trips + trips:
        assert kept.level_path(rules, start, goal) == want[(start, goal)]
    found = [kept.level_path(rules, s, g) for s, g in trips]
    assert any(p is None for p in found) and any(p is not None for p in found)
