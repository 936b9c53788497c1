"""The building as plain, immutable values.

Everything else in Porter plans on these: loaders (native YAML, Open-RMF) build a
:class:`Building`, validation checks one, the navigation graph is derived from one.
Coordinates are metres in the building frame; times are seconds; speeds m/s.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class PlaceKind(StrEnum):
    """What a named destination is for."""

    WARD = "ward"
    NURSING_STATION = "nursing_station"
    PHARMACY = "pharmacy"
    LAB = "lab"
    KITCHEN = "kitchen"
    STORES = "stores"
    LINEN = "linen"
    WASTE = "waste"
    CLINIC = "clinic"
    RECEPTION = "reception"
    CHARGER = "charger"
    PARKING = "parking"
    HOLDING_POINT = "holding_point"
    #: A named point with no hospital role (for example a named Open-RMF vertex).
    LANDMARK = "landmark"


class DoorKind(StrEnum):
    AUTOMATIC = "automatic"
    ACCESS_CONTROLLED = "access_controlled"


class ZoneKind(StrEnum):
    """The rule a zone enforces.

    - ``restricted``: only robots with one of ``allowed_capabilities`` or carrying
      one of ``allowed_loads`` may enter.
    - ``quiet``: speed capped at ``speed_cap_mps`` (during ``hours`` if given).
    - ``clean``: dirty loads (waste, soiled linen) may not cross.
    """

    RESTRICTED = "restricted"
    QUIET = "quiet"
    CLEAN = "clean"


class LoadClass(StrEnum):
    """What a robot carries, as far as routing cares."""

    STANDARD = "standard"
    DIRTY = "dirty"


@dataclass(frozen=True, slots=True)
class Level:
    id: str
    elevation_m: float = 0.0
    name: str = ""


@dataclass(frozen=True, slots=True)
class Waypoint:
    """A point robots can stand on. ``id`` is unique across the whole building."""

    id: str
    level: str
    x: float
    y: float


@dataclass(frozen=True, slots=True)
class Lane:
    """A corridor segment between two waypoints of one level."""

    id: str
    level: str
    start: str
    end: str
    bidirectional: bool = True
    width_m: float = 2.0
    speed_limit_mps: float | None = None


@dataclass(frozen=True, slots=True)
class Place:
    """A named destination on a waypoint: a ward, the pharmacy, a charger..."""

    id: str
    kind: PlaceKind
    waypoint: str
    name: str = ""
    #: For a ward: the id of the nursing station that owns it.
    nursing_station: str | None = None
    #: For a charger: how many robots can dock at once.
    docks: int = 1


@dataclass(frozen=True, slots=True)
class Lift:
    """A lift car joining levels. ``stops`` maps level id -> the car's waypoint."""

    id: str
    stops: dict[str, str]
    capacity: int = 1
    door_time_s: float = 4.0
    seconds_per_level: float = 3.0
    shared_with_people: bool = True
    in_service: bool = True
    name: str = ""


@dataclass(frozen=True, slots=True)
class Door:
    """A door on the lane between waypoints ``start`` and ``end`` of one level."""

    id: str
    level: str
    start: str
    end: str
    kind: DoorKind = DoorKind.AUTOMATIC
    opening_s: float = 3.0
    name: str = ""


@dataclass(frozen=True, slots=True)
class Zone:
    """A polygon of one level with a rule."""

    id: str
    level: str
    kind: ZoneKind
    polygon: tuple[tuple[float, float], ...]
    name: str = ""
    allowed_capabilities: frozenset[str] = frozenset()
    allowed_loads: frozenset[str] = frozenset()
    speed_cap_mps: float | None = None
    #: Hours of day (start, end) when the rule applies, end exclusive; may wrap
    #: midnight, e.g. (22, 6). ``None`` means always.
    hours: tuple[int, int] | None = None

    def active_at(self, hour: float | None) -> bool:
        """Whether the rule applies at ``hour`` (``None``: assume it does)."""
        if self.hours is None or hour is None:
            return True
        start, end = self.hours
        if start <= end:
            return start <= hour < end
        return hour >= start or hour < end


@dataclass(frozen=True, slots=True)
class Building:
    """A whole building. Build it through a loader; validate it before use."""

    name: str
    levels: tuple[Level, ...]
    waypoints: tuple[Waypoint, ...]
    lanes: tuple[Lane, ...] = ()
    places: tuple[Place, ...] = ()
    lifts: tuple[Lift, ...] = ()
    doors: tuple[Door, ...] = ()
    zones: tuple[Zone, ...] = ()
    #: Nominal robot cruising speed used where a lane sets no limit.
    default_speed_mps: float = 1.0
    #: Where the building was read from, for error messages.
    source: str = ""
    _waypoint_index: dict[str, Waypoint] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )
    _place_index: dict[str, Place] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    def __post_init__(self) -> None:
        self._waypoint_index.update({w.id: w for w in self.waypoints})
        self._place_index.update({p.id: p for p in self.places})

    def waypoint(self, waypoint_id: str) -> Waypoint:
        return self._waypoint_index[waypoint_id]

    def place(self, place_id: str) -> Place:
        return self._place_index[place_id]

    def has_place(self, place_id: str) -> bool:
        return place_id in self._place_index

    def level(self, level_id: str) -> Level:
        for level in self.levels:
            if level.id == level_id:
                return level
        raise KeyError(level_id)

    def places_of_kind(self, kind: PlaceKind) -> tuple[Place, ...]:
        return tuple(p for p in self.places if p.kind == kind)
