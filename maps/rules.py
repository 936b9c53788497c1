"""The routing rules as edge costs: what a load and a robot may cross, and how fast.

A :class:`Rules` value is everything about a trip that changes edge costs: the load
class, the restricted zones the robot may not enter, the quiet zones in force, the
robot's speed and whether it may ride lifts. :func:`edge_times` turns one into an
array of seconds per edge of an :class:`~maps.graph.EdgeTable`, ``inf`` where the
rules forbid the edge. The routing and matrix modules cache those arrays per rules.

Zone rules, decided here:

- A dirty load (waste, soiled linen) never uses an edge that enters a clean zone.
- A restricted zone is entered only by a robot with one of its
  ``allowed_capabilities`` or carrying a load category in its ``allowed_loads``.
  A trip that ends inside the zone needs the same permission (reaching a place
  inside means driving a lane that enters it); a trip that starts inside may
  always leave, so a robot let in by its load drives out empty.
- A quiet zone in force caps speed on the length inside it; a quiet zone with no
  ``speed_cap_mps`` is closed to robots while in force ("no passage at night").
  ``hour=None`` means every zone with hours is in force: the safe assumption.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from maps.graph import EdgeTable
from maps.model import Building, LoadClass, ZoneKind
from maps.zone_crossings import ZoneCrossings

#: Item categories as jobs name them, with the load class routing cares about.
LOAD_CATEGORIES: dict[str, LoadClass] = {
    "medication": LoadClass.STANDARD,
    "controlled_substance": LoadClass.STANDARD,
    "specimen": LoadClass.STANDARD,
    "blood_product": LoadClass.STANDARD,
    "linen": LoadClass.STANDARD,
    "soiled_linen": LoadClass.DIRTY,
    "meal": LoadClass.STANDARD,
    "supplies": LoadClass.STANDARD,
    "waste": LoadClass.DIRTY,
}


def load_class_of(load: str | LoadClass | None) -> LoadClass:
    """The load class of an item category (``waste`` -> dirty), or of a class."""
    if load is None:
        return LoadClass.STANDARD
    if isinstance(load, LoadClass):
        return load
    if load in LOAD_CATEGORIES:
        return LOAD_CATEGORIES[load]
    if load in LoadClass.__members__.values():
        return LoadClass(load)
    known = ", ".join(sorted(LOAD_CATEGORIES))
    raise ValueError(f"unknown load {load!r}: expected one of {known}, or dirty")


@dataclass(frozen=True, slots=True)
class RobotProfile:
    """What routing needs to know about a robot.

    ``speed_mps`` caps the speed everywhere (``None``: drive at lane limits, or
    the building's default speed where a lane sets none).
    """

    capabilities: frozenset[str] = frozenset()
    speed_mps: float | None = None
    can_ride_lifts: bool = True

    def __post_init__(self) -> None:
        if self.speed_mps is not None and not self.speed_mps > 0:
            raise ValueError(f"robot speed_mps must be > 0, got {self.speed_mps}")


@dataclass(frozen=True, slots=True)
class Rules:
    """Everything about a trip that changes edge costs. Hashable: a cache key."""

    dirty: bool = False
    #: Restricted zones (ids) this trip may not enter.
    barred_zones: frozenset[str] = frozenset()
    #: Quiet zones (ids) in force.
    quiet_zones: frozenset[str] = frozenset()
    speed_mps: float | None = None
    lifts: bool = True
    #: Only for explaining a refusal: pretend closed lifts run.
    closed_lifts_run: bool = False

    def relaxed(self) -> Rules:
        """The same trip with every prohibition lifted (quiet zones off too)."""
        return replace(
            self,
            dirty=False,
            barred_zones=frozenset(),
            quiet_zones=frozenset(),
            lifts=True,
            closed_lifts_run=True,
        )


def rules_for(
    building: Building,
    load: str | LoadClass | None = None,
    robot: RobotProfile | None = None,
    hour: float | None = None,
) -> Rules:
    """The rules for carrying ``load`` on ``robot`` at ``hour``."""
    robot = robot or RobotProfile()
    category = load if isinstance(load, str) and load in LOAD_CATEGORIES else None
    barred = frozenset(
        zone.id
        for zone in building.zones
        if zone.kind == ZoneKind.RESTRICTED
        and not (zone.allowed_capabilities & robot.capabilities)
        and not (category is not None and category in zone.allowed_loads)
    )
    quiet = frozenset(
        zone.id
        for zone in building.zones
        if zone.kind == ZoneKind.QUIET and zone.active_at(hour)
    )
    return Rules(
        dirty=load_class_of(load) == LoadClass.DIRTY,
        barred_zones=barred,
        quiet_zones=quiet,
        speed_mps=robot.speed_mps,
        lifts=robot.can_ride_lifts,
    )


def edge_times(
    table: EdgeTable, caps: dict[str, float | None], rules: Rules
) -> np.ndarray:
    """Seconds per edge under ``rules``; ``inf`` where the rules forbid the edge.

    ``caps`` maps each quiet zone id to its speed cap (``None``: closed).
    """
    speed = np.where(
        np.isnan(table.speed_limit_mps),
        rules.speed_mps or table.default_speed_mps,
        np.minimum(table.speed_limit_mps, rules.speed_mps or np.inf),
    )
    with np.errstate(divide="ignore", invalid="ignore"):
        times: np.ndarray = np.where(
            table.is_lift, table.lift_s, table.length_m / speed
        )
    times = times + table.door_s
    _slow_in_quiet_zones(times, speed, table, caps, rules.quiet_zones)
    if rules.dirty:
        times[table.clean.edge] = np.inf
    _bar(times, table.restricted, rules.barred_zones)
    if not rules.lifts:
        times[table.is_lift] = np.inf
    elif not rules.closed_lifts_run:
        times[table.is_lift & ~table.lift_in_service] = np.inf
    return times


def _slow_in_quiet_zones(
    times: np.ndarray,
    speed: np.ndarray,
    table: EdgeTable,
    caps: dict[str, float | None],
    active: frozenset[str],
) -> None:
    quiet = table.quiet
    if not active or len(quiet.edge) == 0:
        return
    zone_cap = np.asarray(
        [(caps.get(z) or 0.0) if z in active else np.inf for z in quiet.zone_ids]
    )
    cap = zone_cap[quiet.zone]
    in_force = np.isfinite(cap)
    edge, inside, cap = quiet.edge[in_force], quiet.inside_m[in_force], cap[in_force]
    v = speed[edge]
    with np.errstate(divide="ignore"):
        extra = np.where(cap > 0, inside / np.minimum(v, cap) - inside / v, np.inf)
    np.add.at(times, edge, extra)


def _bar(times: np.ndarray, crossings: ZoneCrossings, barred: frozenset[str]) -> None:
    if not barred or len(crossings.edge) == 0:
        return
    zone_barred = np.asarray([z in barred for z in crossings.zone_ids], dtype=bool)
    times[crossings.edge[zone_barred[crossings.zone]]] = np.inf
