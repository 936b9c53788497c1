"""What a robot's ROS graph looks like: topic, action and service names per profile.

Two profiles: ``nav2`` (ROS 2: the ``navigate_to_pose`` action through
rosbridge's action operations) and ``move_base`` (ROS 1: actionlib over its goal,
cancel, status, feedback and result topics). Every name can be overridden per
robot; relative names are put under the robot's namespace, absolute names (with a
leading ``/``) are kept as written.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from enum import StrEnum
from typing import Any

__all__ = ["Profile", "RosNames", "default_names", "name_fields"]


class Profile(StrEnum):
    NAV2 = "nav2"
    MOVE_BASE = "move_base"


@dataclass(frozen=True, slots=True)
class RosNames:
    """Names and types one robot is reached by."""

    profile: Profile
    navigate_action: str
    navigate_type: str
    pose_topic: str
    pose_type: str
    battery_topic: str
    battery_type: str
    initial_pose_topic: str
    initial_pose_type: str
    load_map_service: str
    load_map_type: str
    #: Nav2's speed limit topic (nav2_msgs/SpeedLimit); empty: no speed caps.
    speed_limit_topic: str
    speed_limit_type: str
    #: The robot's map frame id (goal and pose headers).
    map_frame: str = "map"
    #: Nav2's docking server action (opennav_docking, ``dock_robot``); empty: a
    #: Dock command drives to the charger's pose and the robot's own docking
    #: (if any) takes over.
    dock_action: str = ""
    dock_action_type: str = "nav2_msgs/action/DockRobot"

    def under(self, namespace: str) -> RosNames:
        """These names with relative ones resolved under ``namespace``."""
        changes: dict[str, Any] = {
            f.name: _resolve(namespace, getattr(self, f.name))
            for f in fields(self)
            if f.name.endswith(("_topic", "_action", "_service"))
        }
        return replace(self, **changes)


_NAV2 = RosNames(
    profile=Profile.NAV2,
    navigate_action="navigate_to_pose",
    navigate_type="nav2_msgs/action/NavigateToPose",
    pose_topic="amcl_pose",
    pose_type="geometry_msgs/msg/PoseWithCovarianceStamped",
    battery_topic="battery_state",
    battery_type="sensor_msgs/msg/BatteryState",
    initial_pose_topic="initialpose",
    initial_pose_type="geometry_msgs/msg/PoseWithCovarianceStamped",
    load_map_service="map_server/load_map",
    load_map_type="nav2_msgs/srv/LoadMap",
    speed_limit_topic="speed_limit",
    speed_limit_type="nav2_msgs/msg/SpeedLimit",
)

_MOVE_BASE = RosNames(
    profile=Profile.MOVE_BASE,
    navigate_action="move_base",
    navigate_type="move_base_msgs/MoveBaseAction",
    pose_topic="amcl_pose",
    pose_type="geometry_msgs/PoseWithCovarianceStamped",
    battery_topic="battery_state",
    battery_type="sensor_msgs/BatteryState",
    initial_pose_topic="initialpose",
    initial_pose_type="geometry_msgs/PoseWithCovarianceStamped",
    load_map_service="change_map",
    load_map_type="nav_msgs/LoadMap",
    speed_limit_topic="",
    speed_limit_type="",
)


def default_names(profile: Profile) -> RosNames:
    return _NAV2 if profile == Profile.NAV2 else _MOVE_BASE


def name_fields() -> tuple[str, ...]:
    """The fields a fleet file may override."""
    return tuple(f.name for f in fields(RosNames) if f.name != "profile")


def _resolve(namespace: str, name: str) -> str:
    if not name or name.startswith("/"):
        return name
    namespace = namespace.strip("/")
    return f"/{namespace}/{name}" if namespace else f"/{name}"
