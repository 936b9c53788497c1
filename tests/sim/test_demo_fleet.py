"""The demo fleet can serve every kind of request the demo hospital takes."""

from __future__ import annotations

import pytest

from maps.errors import NoRouteError
from maps.loading import load_sample
from maps.model import Building
from maps.routing import RobotProfile, route
from sim.demo_fleet import demo_robots


def test_some_demo_robot_may_take_linen_into_the_icu() -> None:
    """Linen is not a load the ICU admits by itself: a cleared cart is needed."""
    building = load_sample("demo_hospital")
    with pytest.raises(NoRouteError, match="restricted"):
        route(building, "linen_room", "icu", load="linen")
    cleared = [
        robot
        for robot in demo_robots(building, 6)
        if _can_route(building, robot.capabilities)
    ]
    assert cleared, "no demo robot may enter the ICU with linen"


def _can_route(building: Building, capabilities: frozenset[str]) -> bool:
    try:
        route(
            building,
            "linen_room",
            "icu",
            load="linen",
            robot=RobotProfile(capabilities=capabilities),
        )
    except NoRouteError:
        return False
    return True
