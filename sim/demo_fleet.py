"""A demo fleet for a building: robots with sensible capabilities, at chargers.

``porter serve --demo`` and the end-to-end tests use it; so can the simulator.
Every sixth robot (from the first) has a refrigerated secure drawer (blood
products, controlled substances), every sixth (from the second) a secure drawer,
the third is a guide, the fourth a cart cleared for the ICU (``icu_access``: the
demo hospital's ICU admits other robots only with medicines or specimens, so
without it linen, meals and supplies for the ICU would wait for ever); the rest
are plain four-compartment carts.
"""

from __future__ import annotations

from fleet.core.model import Robot
from fleet.core.ports import Pose
from maps.model import Building, PlaceKind

__all__ = ["demo_robots", "start_pose"]

_CAPABILITIES: tuple[tuple[frozenset[str], int, str], ...] = (
    (frozenset({"secure_drawer", "refrigerated"}), 4, "porter-cold"),
    (frozenset({"secure_drawer"}), 4, "porter-secure"),
    (frozenset({"can_guide"}), 1, "porter-guide"),
    (frozenset({"icu_access"}), 4, "porter-icu-cart"),
    (frozenset(), 4, "porter-cart"),
    (frozenset({"secure_drawer"}), 4, "porter-secure"),
)


def demo_robots(
    building: Building, count: int, *, speed_mps: float = 1.0
) -> tuple[Robot, ...]:
    """``count`` robots spread over the building's chargers (round robin)."""
    if count < 0:
        raise ValueError(f"robot count is {count}; must be >= 0")
    chargers = building.places_of_kind(PlaceKind.CHARGER)
    if count and not chargers:
        raise ValueError(f"building {building.name!r} has no charger to start from")
    robots = []
    for i in range(count):
        charger = chargers[i % len(chargers)]
        waypoint = building.waypoint(charger.waypoint)
        capabilities, compartments, model = _CAPABILITIES[i % len(_CAPABILITIES)]
        robots.append(
            Robot(
                id=f"porter-{i + 1}",
                model=model,
                capabilities=capabilities,
                compartments=compartments,
                level=waypoint.level,
                waypoint=waypoint.id,
                x=waypoint.x,
                y=waypoint.y,
                home_charger=charger.id,
                speed_mps=speed_mps,
            )
        )
    return tuple(robots)


def start_pose(robot: Robot) -> Pose:
    """Where a virtual robot for ``robot`` should appear: where it was last seen."""
    return Pose(robot.level, robot.x, robot.y)
