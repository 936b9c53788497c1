"""The fleet file: parsed against the building; errors name the robot and field."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pytest

from maps.loading import load_sample
from maps.model import Building
from robot_adapters.assembly import ros_fleet
from robot_adapters.fleet_config import FleetConfigError, load_fleet, parse_fleet
from robot_adapters.lifts import RosLifts
from robot_adapters.profiles import Profile
from robot_adapters.ros_bridge import RosRobot

GOOD = """
rosbridge: ws://10.0.0.5:9090
robots:
  - id: porter-1
    profile: nav2
    home: charger_0a
    model: porter-cart
    capabilities: [secure_drawer]
    compartments: 4
    maps: {L1: /maps/level1.yaml}
    frames: {L1: {x: 12.0, y: -3.5, rotation_deg: 90, scale: 1.0}}
    names: {pose_topic: odom, pose_type: nav_msgs/msg/Odometry, dock_action: dock_robot}
    docks: {charger_0a: dock_a}
  - id: old-bot
    profile: move_base
    url: ws://10.0.0.9:9090
    namespace: oldbot
    home: charger_1
lifts:
  lifts: {lift_a: {name: LIFT_A, floors: {L0: G, L1: "1"}}}
doors:
  doors: {pharmacy_door: {name: PHARMACY_DOOR}}
"""


@pytest.fixture(scope="module")
def hospital() -> Building:
    return load_sample("demo_hospital")


def test_good_fleet_file(tmp_path: Path, hospital: Building) -> None:
    """Every field lands where it should, names under the namespace."""
    path = tmp_path / "fleet.yaml"
    path.write_text(GOOD)
    config = load_fleet(path, hospital)
    first, second = config.robots
    assert first.url == "ws://10.0.0.5:9090"
    assert first.names.profile == Profile.NAV2
    assert first.names.navigate_action == "/porter_1/navigate_to_pose"
    assert first.names.pose_topic == "/porter_1/odom"
    assert first.names.pose_type == "nav_msgs/msg/Odometry"
    assert first.level == "L0"
    assert first.capabilities == {"secure_drawer"}
    assert first.maps == {"L1": "/maps/level1.yaml"}
    assert first.frames.transform("L1").rotation == pytest.approx(math.pi / 2)
    assert first.names.dock_action == "/porter_1/dock_robot"
    assert first.docks == {hospital.place("charger_0a").waypoint: "dock_a"}
    assert second.names.navigate_action == "/oldbot/move_base"
    assert second.url == "ws://10.0.0.9:9090"
    assert config.lifts is not None and config.lifts.lifts[0].floor("L0") == "G"
    assert (
        config.doors is not None and config.doors.doors[0].door_name == "PHARMACY_DOOR"
    )


def test_ros_fleet_builds_robots_and_ports(tmp_path: Path, hospital: Building) -> None:
    """The composition root gets core robots at their chargers and one port each."""
    path = tmp_path / "fleet.yaml"
    path.write_text(GOOD)
    fleet = ros_fleet(path, hospital)
    assert [r.id for r in fleet.robots] == ["porter-1", "old-bot"]
    assert fleet.robots[0].home_charger == "charger_0a"
    assert fleet.robots[1].level == "L1"
    assert isinstance(fleet.ports["old-bot"], RosRobot)
    assert isinstance(fleet.lifts, RosLifts)


def _robot(**fields: Any) -> dict[str, Any]:
    return {"robots": [{"id": "porter-2", "home": "charger_0a", **fields}]}


@pytest.mark.parametrize(
    ("document", "words"),
    [
        (
            _robot(profile="ros3"),
            "robot 'porter-2': field 'profile': 'ros3' is not one",
        ),
        (
            _robot(home="pharmacy"),
            "robot 'porter-2': field 'home': 'pharmacy' is not a",
        ),
        (_robot(url="http://x"), "robot 'porter-2': field 'url': 'http://x' is not a"),
        (_robot(compartments=0), "robot 'porter-2': field 'compartments': is 0"),
        (_robot(colour="red"), "robot 'porter-2': field 'colour': unknown field"),
        (_robot(adapter="mqtt"), "robot 'porter-2': field 'adapter': 'mqtt'"),
        (_robot(maps={"L9": "/m.yaml"}), "robot 'porter-2': field 'maps.L9'"),
        (
            _robot(frames={"L1": {"scale": 0}}),
            "robot 'porter-2': field 'frames.L1': field 'scale': is 0.0; must be > 0",
        ),
        (_robot(names={"goal_topic": "x"}), "field 'names.goal_topic': unknown name"),
        (_robot(capabilities=["Secure Drawer"]), "field 'capabilities'"),
        ({"robots": [{"home": "charger_0a"}]}, "robot #1: field 'id': is required"),
        (
            {"robots": [{"id": "a", "home": "charger_0a"}] * 2},
            "robot 'a': field 'id': listed twice",
        ),
        ({"lifts": {"lifts": {"lift_z": {}}}}, "lifts: field 'lifts.lift_z'"),
        (
            {"lifts": {"lifts": {"lift_a": {"floors": {"L7": "7"}}}}},
            "lift 'lift_a': field 'floors.L7'",
        ),
        ({"doors": {"doors": {"nowhere": {}}}}, "doors: field 'doors.nowhere'"),
        (_robot(docks={"pharmacy": "d1"}), "robot 'porter-2': field 'docks.pharmacy'"),
    ],
)
def test_errors_name_the_robot_and_field(
    document: dict[str, Any], words: str, hospital: Building
) -> None:
    """Each mistake is refused with the element and the field in the message."""
    with pytest.raises(FleetConfigError) as error:
        parse_fleet(document, hospital, source="fleet.yaml")
    assert str(error.value).startswith("fleet.yaml: ")
    assert words in str(error.value)


def test_unreadable_file_is_named(tmp_path: Path, hospital: Building) -> None:
    """A missing file or broken YAML names the file."""
    with pytest.raises(FleetConfigError, match="cannot read"):
        load_fleet(tmp_path / "missing.yaml", hospital)
    broken = tmp_path / "broken.yaml"
    broken.write_text("robots: [\n")
    with pytest.raises(FleetConfigError, match=r"broken\.yaml: not YAML"):
        load_fleet(broken, hospital)
