"""The fleet file (``fleet.yaml``): the robots, lifts and doors, and how to reach them.

::

    rosbridge: ws://10.0.0.5:9090          # default bridge for everything below
    robots:
      - id: porter-1
        profile: nav2                      # or move_base
        namespace: porter_1                # default: the id with - as _
        home: charger_l0                   # a charger place of the building
        capabilities: [secure_drawer]
        compartments: 4
        maps: {L1: /maps/level1.yaml}      # for the load-map service
        frames: {L1: {x: 12.0, y: -3.5, rotation_deg: 90, scale: 1.0}}
        names: {pose_topic: odom, pose_type: nav_msgs/msg/Odometry}
    lifts:
      lifts: {lift_a: {name: LIFT_A, floors: {L0: G, L1: "1"}}}
    doors:
      doors: {ward_door: {name: WARD_2A_DOOR}}

Parsed against the building, so a robot's home, levels, lifts and doors must
exist there; every error names the robot (or lift, door) and the field.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import yaml

from maps.model import Building, PlaceKind
from robot_adapters.config_fields import Fields, FleetConfigError
from robot_adapters.doors import DoorBinding
from robot_adapters.frames import FrameTransform, RobotFrames
from robot_adapters.lifts import LiftBinding
from robot_adapters.profiles import Profile, RosNames, default_names, name_fields

__all__ = [
    "DoorsConfig",
    "FleetConfig",
    "FleetConfigError",
    "LiftsConfig",
    "RobotConfig",
    "load_fleet",
    "parse_fleet",
]

ADAPTERS = ("ros",)
_CAPABILITY = re.compile(r"^[a-z][a-z0-9_]*$")
_ROBOT_FIELDS = {
    "id", "adapter", "url", "namespace", "profile", "model", "capabilities",
    "compartments", "home", "speed_mps", "names", "maps", "frames", "docks",
}  # fmt: skip


@dataclass(frozen=True, slots=True)
class RobotConfig:
    id: str
    url: str
    names: RosNames
    home: str
    level: str
    model: str = ""
    capabilities: frozenset[str] = frozenset()
    compartments: int = 1
    speed_mps: float = 1.0
    maps: Mapping[str, str] | None = None
    frames: RobotFrames = field(default_factory=RobotFrames)
    #: Charger waypoint -> dock id on the robot's docking server.
    docks: Mapping[str, str] | None = None
    adapter: str = "ros"


@dataclass(frozen=True, slots=True)
class LiftsConfig:
    url: str
    lifts: tuple[LiftBinding, ...]
    requests_topic: str = "/lift_requests"
    states_topic: str = "/lift_states"


@dataclass(frozen=True, slots=True)
class DoorsConfig:
    url: str
    doors: tuple[DoorBinding, ...]
    requests_topic: str = "/door_requests"
    states_topic: str = "/door_states"


@dataclass(frozen=True, slots=True)
class FleetConfig:
    robots: tuple[RobotConfig, ...]
    lifts: LiftsConfig | None = None
    doors: DoorsConfig | None = None


def load_fleet(path: str | Path, building: Building) -> FleetConfig:
    """Read and check the fleet file at ``path`` against ``building``."""
    path = Path(path)
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise FleetConfigError(f"{path}: cannot read: {error.strerror}") from error
    except yaml.YAMLError as error:
        raise FleetConfigError(f"{path}: not YAML: {error}") from error
    return parse_fleet(document, building, source=str(path))


def parse_fleet(
    document: Any, building: Building, *, source: str = "fleet.yaml"
) -> FleetConfig:
    top = Fields(
        source, "top level", document, {"rosbridge", "robots", "lifts", "doors"}
    )
    default_url = top.url("rosbridge", "ws://127.0.0.1:9090")
    entries = top.data.get("robots") or []
    if not isinstance(entries, list):
        raise top.error("robots", "must be a list of robots")
    robots: list[RobotConfig] = []
    for index, entry in enumerate(entries):
        robot = _robot(source, index, entry, default_url, building)
        if any(r.id == robot.id for r in robots):
            raise FleetConfigError(
                f"{source}: robot {robot.id!r}: field 'id': listed twice"
            )
        robots.append(robot)
    lifts = _lifts(source, top.data.get("lifts"), default_url, building)
    doors = _doors(source, top.data.get("doors"), default_url, building)
    return FleetConfig(tuple(robots), lifts, doors)


def _robot(
    source: str, index: int, entry: Any, default_url: str, building: Building
) -> RobotConfig:
    robot_id = entry.get("id") if isinstance(entry, Mapping) else None
    where = f"robot {robot_id!r}" if robot_id else f"robot #{index + 1}"
    f = Fields(source, where, entry, _ROBOT_FIELDS)
    robot_id = f.text("id")
    f.choice("adapter", ADAPTERS, "ros")
    profile = Profile(f.choice("profile", tuple(p.value for p in Profile), "nav2"))
    namespace = f.text("namespace", re.sub(r"[^A-Za-z0-9_]", "_", robot_id))
    home = f.text("home")
    if not building.has_place(home) or building.place(home).kind != PlaceKind.CHARGER:
        raise f.error(
            "home", f"{home!r} is not a charger of building {building.name!r}"
        )
    capabilities = f.texts("capabilities")
    for capability in capabilities:
        if not _CAPABILITY.match(capability):
            raise f.error("capabilities", f"{capability!r} is not a capability name")
    return RobotConfig(
        id=robot_id,
        adapter="ros",
        url=f.url("url", default_url),
        names=_names(f, profile).under(namespace),
        home=home,
        level=building.waypoint(building.place(home).waypoint).level,
        model=f.text("model", ""),
        capabilities=frozenset(capabilities),
        compartments=f.whole("compartments", 1, minimum=1),
        speed_mps=f.number("speed_mps", 1.0, minimum=0.05),
        maps=_levels_of(f, "maps", building, _map_url(f)),
        frames=RobotFrames(_levels_of(f, "frames", building, _frame(f))),
        docks=_docks(f, building),
    )


def _names(f: Fields, profile: Profile) -> RosNames:
    overrides = f.mapping("names")
    known = set(name_fields())
    for key, value in overrides.items():
        if key not in known:
            raise f.error(
                f"names.{key}", f"unknown name (known: {', '.join(sorted(known))})"
            )
        if not isinstance(value, str):
            raise f.error(f"names.{key}", f"must be text, not {value!r}")
    return replace(default_names(profile), **overrides)


def _levels_of(f: Fields, field: str, building: Building, read: Any) -> dict[str, Any]:
    levels = {level.id for level in building.levels}
    result: dict[str, Any] = {}
    for level, value in f.mapping(field).items():
        if level not in levels:
            raise f.error(
                f"{field}.{level}", f"{level!r} is not a level of the building"
            )
        result[level] = read(value, f"{field}.{level}")
    return result


def _docks(f: Fields, building: Building) -> dict[str, str]:
    """``docks: {charger place: dock id}`` as charger waypoint -> dock id."""
    docks: dict[str, str] = {}
    for place, dock_id in f.mapping("docks").items():
        if (
            not building.has_place(place)
            or building.place(place).kind != PlaceKind.CHARGER
        ):
            raise f.error(
                f"docks.{place}", f"{place!r} is not a charger of the building"
            )
        if not isinstance(dock_id, str) or not dock_id:
            raise f.error(f"docks.{place}", f"must be a dock id, not {dock_id!r}")
        docks[building.place(place).waypoint] = dock_id
    return docks


def _map_url(f: Fields) -> Any:
    def read(value: Any, field: str) -> str:
        if not isinstance(value, str) or not value:
            raise f.error(field, f"must be a map URL or path, not {value!r}")
        return value

    return read


def _frame(f: Fields) -> Any:
    def read(value: Any, field: str) -> FrameTransform:
        frame = Fields(f.source, f"{f.where}: field {field!r}", value,
                       {"x", "y", "rotation_deg", "scale"})  # fmt: skip
        return FrameTransform(
            x=frame.number("x", 0.0),
            y=frame.number("y", 0.0),
            rotation=math.radians(frame.number("rotation_deg", 0.0)),
            scale=_positive(frame, "scale"),
        )

    return read


def _positive(f: Fields, field: str) -> float:
    value = f.number(field, 1.0)
    if value <= 0:
        raise f.error(field, f"is {value}; must be > 0")
    return value


def _lifts(source: str, data: Any, url: str, building: Building) -> LiftsConfig | None:
    if data is None:
        return None
    allowed = {"adapter", "url", "requests_topic", "states_topic", "lifts"}
    f = Fields(source, "lifts", data, allowed)
    f.choice("adapter", ADAPTERS, "ros")
    known = {lift.id: lift for lift in building.lifts}
    bindings = []
    for lift_id, entry in f.mapping("lifts").items():
        if lift_id not in known:
            raise f.error(f"lifts.{lift_id}", "is not a lift of the building")
        lift = Fields(source, f"lift {lift_id!r}", entry or {}, {"name", "floors"})
        floors = {str(k): str(v) for k, v in lift.mapping("floors").items()}
        for level in floors:
            if level not in known[lift_id].stops:
                raise lift.error(
                    f"floors.{level}", f"lift {lift_id!r} does not stop there"
                )
        bindings.append(LiftBinding(lift_id, lift.text("name", lift_id), floors))
    return LiftsConfig(
        url=f.url("url", url),
        lifts=tuple(bindings),
        requests_topic=f.text("requests_topic", "/lift_requests"),
        states_topic=f.text("states_topic", "/lift_states"),
    )


def _doors(source: str, data: Any, url: str, building: Building) -> DoorsConfig | None:
    if data is None:
        return None
    allowed = {"adapter", "url", "requests_topic", "states_topic", "doors"}
    f = Fields(source, "doors", data, allowed)
    f.choice("adapter", ADAPTERS, "ros")
    known = {door.id for door in building.doors}
    bindings = []
    for door_id, entry in f.mapping("doors").items():
        if door_id not in known:
            raise f.error(f"doors.{door_id}", "is not a door of the building")
        door = Fields(source, f"door {door_id!r}", entry or {}, {"name"})
        bindings.append(DoorBinding(door_id, door.text("name", door_id)))
    return DoorsConfig(
        url=f.url("url", url),
        doors=tuple(bindings),
        requests_topic=f.text("requests_topic", "/door_requests"),
        states_topic=f.text("states_topic", "/door_states"),
    )
